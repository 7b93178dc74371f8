"""Compute for "Can training get stuck?": restarts on surfaces with two minima, a saddle and a
plateau, and a tiny network trained from many starts.

Four parts, each a plain function of its own controls and cached on those alone (moving a
control of one part never recomputes another):

- :func:`restarts`: N seeded random starts, uniform over the surface's plotting window
  (:func:`core.surfaces.random_starts`), each run by one optimizer (:func:`core.surfaces.optimize`,
  all starts at once); the basin each run ends in is the minimum nearest its last point
  (:func:`core.surfaces.basin_of`). Gradient noise of standard deviation σ is added to every
  gradient and fades linearly to 0 at the halfway step, so the second half of a run settles
  into whichever well the noise left it in (as a decaying rate quiets the noise of SGD).
- :func:`sweep`: the same restarts at every other rate of the η slider, without noise (a rate above
  2 / a minimum's steepest curvature cannot settle gradient descent there: the narrow deep well goes first).
- :func:`traps`: four runs from one start on the saddle (started on the ridge, or a tiny
  offset off it) or the plateau: gradient descent, momentum, gradient descent with noise
  (fading in the same way) and Adam, all at one rate.
- :func:`network`: a 2-H-1 tanh network (:mod:`core.tiny_net`) on noisy two moons, trained by
  Adam from R seeded starts in one vectorized computation; the distribution of the final
  losses; the loss along two filter-normalized random directions around the best run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import datasets, outcomes, surfaces, tiny_net
from dashboard import palette, paths, registry
from dashboard.cache import by_values
from dashboard.controls import log_options
from dashboard.formatting import fmt, pct
from dashboard.headline import Headline, percentage_points
from dashboard.verdicts import Claim, say, template

# ----------------------------------------------------------------------------- controls
SURFACES = ("two_minima_1d", "two_minima_2d")
SURFACE_LABELS = registry.labels(registry.SURFACES, SURFACES)
RATE_KEYS = {"two_minima_1d": "lr_1d", "two_minima_2d": "lr_2d"}  # each surface keeps its own rate
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 0.001, 1.0, 10
OPTIMIZERS = tuple(registry.OPTIMIZERS)
NOISES = ("0", "1", "3", "10", "30", "100")  # σ of the gradient noise (a choice: its text is its value)
TRAPS = ("saddle", "plateau")
TRAP_LABELS = registry.labels(registry.SURFACES, TRAPS)
TRAP_ALIASES = registry.former_labels(registry.SURFACES, TRAPS)
OFFSETS = ("0", "1e-12", "1e-08", "0.0001")  # how far off the ridge the saddle's runs start
OFFSET_LABELS = {"0": "on the ridge", "1e-12": "1e-12 off", "1e-08": "1e-8 off", "0.0001": "1e-4 off"}
TRAP_NOISES = ("0.01", "0.03", "0.1", "0.3", "1")
HIDDEN = ("2", "3", "4", "8", "16")
RESTARTS_RANGE, STEPS_RANGE, TRAP_STEPS_RANGE, NETS_RANGE = (10, 200), (100, 2000), (50, 2000), (10, 60)
DEFAULTS: dict[str, Any] = {
    "surface": "two_minima_1d", "restarts": 100, "optimizer": "sgd", "lr_1d": 0.01, "lr_2d": 0.25, "steps": 1000,
    "noise": "0", "seed": 0,
    "trap": "saddle", "offset": "1e-08", "trap_lr": 0.01, "trap_steps": 500, "trap_noise": "0.1",
    "hidden": "8", "nets": 30, "net_seed": 0,
}
NOISY_RESTARTS = {**DEFAULTS, "noise": "30"}  # noise lifts runs out of the shallow well
ON_THE_RIDGE = {**DEFAULTS, "offset": "0"}  # only noise leaves a saddle started exactly on its ridge
THE_PLATEAU = {**DEFAULTS, "trap": "plateau"}
NARROW_NETWORK = {**DEFAULTS, "hidden": "3"}  # too few hidden units: most starts end in a poor minimum

RESTART_KEYS = ("surface", "restarts", "optimizer", "lr_1d", "lr_2d", "steps", "noise", "seed")
TRAP_KEYS = ("trap", "offset", "trap_lr", "trap_steps", "trap_noise")
NETWORK_KEYS = ("hidden", "nets", "net_seed")

# Where a run ends, by core.outcomes' arrival rule measured to each minimum: settled in the global
# one, in the local one, not settled in either after its steps (still moving, bouncing), or diverged.
# Their colours are none of the saddle's runs' (gradient descent blue, momentum green, Adam vermillion,
# the noisy run purple): one colour means one thing on the page.
OUTCOMES = {"global": ("global minimum", palette.ORANGE), "local": ("local minimum", palette.SKY),
            "unsettled": ("not settled", palette.YELLOW), "diverged": ("diverged", palette.GREY)}
GRID = 100  # contour cells per side
PATH_ROWS = 40  # rows per restart's path at most
PATH_BUDGET = 1_600  # rows of all restarts' paths: 200 paths of 40 took 1.2 s to export, this 0.6 s
CURVE_POINTS = 301  # the 1-D curve


def fading(sigma: float, steps: int) -> np.ndarray:
    """The noise's σ at each step: σ (1 − 2k / steps) for the first half, then 0. Shape (steps,)."""
    return sigma * np.clip(1.0 - 2.0 * np.arange(steps) / max(steps, 1), 0.0, None)


def _pick(values: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: values[k] for k in keys}


# ----------------------------------------------------------------------------- restarts


@dataclass(frozen=True, eq=False)
class Restarts:
    """N restarts on one surface.

    Attributes:
        surface, title, dim: the surface's name, label and number of weights.
        optimizer, rate, steps, sigma, seed: how the runs were made.
        starts, finals: (N, dim) first and last points; ``basin`` (N,) where each run settled: 0 the
            global minimum, 1 the local one, 2 neither (not settled), -1 diverged (core.outcomes'
            arrival rule, measured to each minimum).
        counts: outcome key -> number of runs; ``share``: the fraction settled in the global minimum.
        crossed: runs that settled in the other minimum's basin than the one they started in (1-D,
            where the basins are known exactly: the ridge's top divides them); -1 in 2-D.
        settle_rates: the largest rate at which plain gradient descent can settle in each minimum,
            2 / (the Hessian's largest eigenvalue there), global first.
        minima (2, dim), values (2,): the two minima (global first) and their heights; ``barrier``:
            the top of the ridge between them, ``barrier_at`` where it is.
        curve: x, value of the 1-D surface; ``points``: each start (x, value, outcome label).
        bands, cell, window, paths: the 2-D surface's bands and the runs' paths (series: the run,
            label: its outcome).
        series: outcome key -> (label, colour), for the outcomes that happened.
    """

    surface: str
    title: str
    dim: int
    optimizer: str
    rate: float
    steps: int
    sigma: float
    seed: int
    starts: np.ndarray
    finals: np.ndarray
    basin: np.ndarray
    counts: dict[str, int]
    minima: np.ndarray
    values: np.ndarray
    barrier: float
    barrier_at: np.ndarray
    curve: pd.DataFrame
    points: pd.DataFrame
    bands: pd.DataFrame
    cell: tuple[float, float]
    window: tuple[float, float, float, float]
    paths: pd.DataFrame
    series: dict[str, tuple[str, str]]
    crossed: int
    settle_rates: tuple[float, float]

    @property
    def runs(self) -> int:
        return int(self.basin.size)

    @property
    def share(self) -> float:
        return self.counts["global"] / self.runs


def _outcome_keys(basin: np.ndarray) -> np.ndarray:
    return np.array(["global", "local", "unsettled", "diverged"], dtype=object)[np.where(basin < 0, 3, basin)]


def settled_in(run, minima: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Int (R,): 0 or 1 for the minimum each run settled in (core.outcomes' arrival rule, measured
    to that minimum and its height), 2 for neither, -1 for a diverged run."""
    at = [outcomes.arrival_steps(run.loss, float(h), diverged_at=run.diverged_at, params=run.params, minimizer=m)
          for m, h in zip(minima, heights)]
    return np.where(run.diverged_at >= 0, -1, np.where(at[0] >= 0, 0, np.where(at[1] >= 0, 1, 2)))


def compute_restarts(values: Mapping[str, Any]) -> Restarts:
    """The restarts of the controls ``values`` (``RESTART_KEYS``); a bad value raises ValueError."""
    name = values["surface"]
    if name not in SURFACES:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}; got {name!r}")
    if values["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {values['optimizer']!r}")
    s = surfaces.get(name)
    runs, steps, seed = int(values["restarts"]), int(values["steps"]), int(values["seed"])
    rate, sigma = float(values[RATE_KEYS[name]]), float(values["noise"])
    starts = surfaces.random_starts(s, runs, seed=seed)
    run = surfaces.optimize(s, optimizer=registry.OPTIMIZERS[values["optimizer"]].build(), lr=rate, steps=steps,
                            start=starts, noise=fading(sigma, steps), seed=seed)
    finals = run.params[-1]
    minima = np.array(s.minima)
    heights = s.value(minima)
    basin = settled_in(run, minima, heights)
    outcome = _outcome_keys(basin)
    counts = {key: int(np.sum(outcome == key)) for key in OUTCOMES}
    series = {key: OUTCOMES[key] for key in OUTCOMES if counts[key] or key in ("global", "local")}
    labels = np.array([OUTCOMES[k][0] for k in outcome], dtype=object)
    barrier_at = np.array(s.saddles[0])
    crossed = -1
    if s.dim == 1:  # the basins of gradient flow: each side of the ridge's top
        top = float(barrier_at[0])
        start_basin = np.where((starts[:, 0] < top) == (minima[0, 0] < top), 0, 1)
        crossed = int(np.sum((basin >= 0) & (basin <= 1) & (basin != start_basin)))
    settle = tuple(2.0 / float(np.linalg.eigvalsh(s.hessian(m)).max()) for m in minima[:2])
    empty = pd.DataFrame({"x": [], "y": []})
    if s.dim == 1:
        xs = np.linspace(*s.bounds[0], CURVE_POINTS)
        curve = pd.DataFrame({"x": xs, "value": s.value(xs[:, None])})
        points = pd.DataFrame({"x": starts[:, 0], "value": s.value(starts), "label": labels, "run": np.arange(runs),
                               "end": finals[:, 0]})
        bands, cell, window, path_frame = empty, (0.0, 0.0), (*s.bounds[0], 0.0, 0.0), empty
    else:
        curve, points = empty, empty
        (x0, x1), (y0, y1) = s.bounds
        window = (x0, x1, y0, y1)
        columns, cell = paths.value_bands(lambda p: s.value(p) - s.global_min_value, window, GRID, floor=1e-3)
        bands = pd.DataFrame(columns)
        drawn, _ = paths.path_rows(run.params, run.loss - s.global_min_value, run.diverged_at, window,
                                   max_rows=max(8, min(PATH_ROWS, PATH_BUDGET // runs)))
        path_frame = pd.DataFrame({"series": drawn["run"].astype(str), "label": labels[drawn["run"]],
                                   "step": drawn["step"], "x": drawn["x"], "y": drawn["y"], "value": drawn["value"]})
    return Restarts(surface=name, title=SURFACE_LABELS[name], dim=s.dim, optimizer=values["optimizer"], rate=rate,
                    steps=steps, sigma=sigma, seed=seed, starts=starts, finals=finals, basin=basin, counts=counts,
                    minima=minima, values=heights, barrier=float(s.value(barrier_at)), barrier_at=barrier_at,
                    curve=curve, points=points, bands=bands, cell=cell, window=window, paths=path_frame,
                    series=series, crossed=crossed, settle_rates=settle)


_restarts = by_values(compute_restarts, max_entries=16, heavy=True)


def restarts(values: Mapping[str, Any]) -> Restarts:
    """Cached :func:`compute_restarts`, keyed on the restart controls only."""
    return _restarts(_pick(values, RESTART_KEYS))


# ----------------------------------------------------------------------------- the rate sweep
SWEEP_KEYS = ("surface", "restarts", "optimizer", "steps", "seed")
SWEEP_PER_DECADE = 5  # every other rate of the η slider: 16 rates, so the flat-minima drops (0.16, 0.63) show
# At most this many of the page's starts: 16 rates x 200 two-well runs x 2,000 steps took 2.6 s, over the 2 s a click
# may cost; 100 take 1.3 s.
SWEEP_RUNS = 100
SWEEP_FLOATS = 4_000_000  # floats of recorded points per vectorized batch of rates (32 MB)


@dataclass(frozen=True, eq=False)
class Sweep:
    """The same restarts (the first SWEEP_RUNS) at every other rate of the surface's η slider, without gradient noise.

    Attributes:
        surface, optimizer, steps, runs: the scenario; ``rates`` (K,) the slider's rates.
        counts: outcome key of :data:`OUTCOMES` -> (K,) runs that ended so at each rate.
        settle_rates: as :class:`Restarts` (global minimum first).
        frame: one row per rate and outcome (rate, outcome, label, runs), for the chart; ``series``: every
            outcome's (label, colour), :data:`OUTCOMES`.
    """

    surface: str
    optimizer: str
    steps: int
    runs: int
    rates: np.ndarray
    counts: dict[str, np.ndarray]
    settle_rates: tuple[float, float]
    frame: pd.DataFrame
    series: dict[str, tuple[str, str]]


def compute_sweep(values: Mapping[str, Any]) -> Sweep:
    """The restarts of ``values`` (``SWEEP_KEYS``: the same starts, optimizer and steps) at every other rate of
    the surface's η slider and no noise, where each run ends by :func:`settled_in`. The rates go in a few
    vectorized batches (each one computation over its rates and starts), so the recorded points stay
    under :data:`SWEEP_FLOATS` floats."""
    name = values["surface"]
    if name not in SURFACES:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}; got {name!r}")
    s = surfaces.get(name)
    runs, steps, seed = int(values["restarts"]), int(values["steps"]), int(values["seed"])
    rates = np.array(log_options(RATE_LOW, RATE_HIGH, SWEEP_PER_DECADE))
    starts = surfaces.random_starts(s, runs, seed=seed)[:SWEEP_RUNS]  # the page's first starts
    runs = starts.shape[0]
    minima = np.array(s.minima)
    heights = s.value(minima)
    per_batch = max(1, SWEEP_FLOATS // (runs * (steps + 1) * s.dim))
    basin = np.empty((rates.size, runs), dtype=int)
    for first in range(0, rates.size, per_batch):
        batch = rates[first:first + per_batch]
        run = surfaces.optimize(s, optimizer=registry.OPTIMIZERS[values["optimizer"]].build(),
                                lr=np.repeat(batch, runs), steps=steps, start=np.tile(starts, (batch.size, 1)))
        basin[first:first + batch.size] = settled_in(run, minima, heights).reshape(batch.size, runs)
    outcome = _outcome_keys(basin.ravel()).reshape(basin.shape)
    counts = {key: np.sum(outcome == key, axis=1) for key in OUTCOMES}
    frame = pd.DataFrame({"rate": np.tile(rates, len(OUTCOMES)), "outcome": np.repeat(list(OUTCOMES), rates.size),
                          "label": np.repeat([label for label, _ in OUTCOMES.values()], rates.size),
                          "runs": np.concatenate([counts[key] for key in OUTCOMES])})
    settle = tuple(2.0 / float(np.linalg.eigvalsh(s.hessian(m)).max()) for m in minima[:2])
    return Sweep(surface=name, optimizer=values["optimizer"], steps=steps, runs=runs, rates=rates, counts=counts,
                 settle_rates=settle, frame=frame, series=dict(OUTCOMES))


_sweep = by_values(compute_sweep, max_entries=8, heavy=True)


def sweep(values: Mapping[str, Any]) -> Sweep:
    """Cached :func:`compute_sweep`, keyed on ``SWEEP_KEYS`` only (not the rate, not the noise)."""
    return _sweep(_pick(values, SWEEP_KEYS))


# ----------------------------------------------------------------------------- saddle and plateau
TRAP_RUNS = {"sgd": ("Gradient descent", registry.OPTIMIZERS["sgd"].colour),
             "momentum": ("Momentum (μ = 0.9)", registry.OPTIMIZERS["momentum"].colour),
             "noisy": ("Gradient descent + noise", palette.PURPLE),
             "adam": ("Adam", registry.OPTIMIZERS["adam"].colour)}
ESCAPE_SHARE = 0.5  # a run has left the trap once its height above the minimum is half the trap's


@dataclass(frozen=True, eq=False)
class Traps:
    """Four runs from one start on the saddle or the plateau.

    Attributes:
        trap, title, start, rate, steps, sigma, offset: the scenario.
        f_min: the surface's lowest value; ``trap_gap``: the trap's height above it (the saddle
            point's, or the plain's: 1 above the well's bottom).
        gaps: run key -> (steps + 1,) f − f_min; ``escaped``: run key -> the first step below
            ``ESCAPE_SHARE`` x trap_gap (-1: never); ``diverged``: run key -> step (-1).
        points: run key -> (steps + 1, 2) path; bands, cell, window, paths, exits: for the contour
            chart; curves, diverged_rows: for the loss chart; ``series``: key -> (label, colour).
    """

    trap: str
    title: str
    start: tuple[float, float]
    rate: float
    steps: int
    sigma: float
    offset: float
    f_min: float
    trap_gap: float
    gaps: dict[str, np.ndarray]
    escaped: dict[str, int]
    diverged: dict[str, int]
    points: dict[str, np.ndarray]
    bands: pd.DataFrame
    cell: tuple[float, float]
    window: tuple[float, float, float, float]
    paths: pd.DataFrame
    exits: pd.DataFrame
    curves: pd.DataFrame
    diverged_rows: pd.DataFrame
    series: dict[str, tuple[str, str]]
    low: float
    top: float

    @property
    def escape_gap(self) -> float:
        """The height above the minimum below which a run has left the trap."""
        return ESCAPE_SHARE * self.trap_gap


def compute_traps(values: Mapping[str, Any]) -> Traps:
    """The four runs of the controls ``values`` (``TRAP_KEYS``)."""
    trap = values["trap"]
    if trap not in TRAPS:
        raise ValueError(f"trap must be one of {', '.join(TRAPS)}; got {trap!r}")
    s = surfaces.get(trap)
    rate, steps, sigma = float(values["trap_lr"]), int(values["trap_steps"]), float(values["trap_noise"])
    offset = float(values["offset"])
    start = np.array([s.start[0], offset]) if trap == "saddle" else np.array(s.start)
    trap_gap = float(s.value(s.saddles[0]) - s.global_min_value) if trap == "saddle" else 1.0
    opts = {"sgd": registry.OPTIMIZERS["sgd"].build(), "momentum": registry.OPTIMIZERS["momentum"].build(),
            "noisy": registry.OPTIMIZERS["sgd"].build(), "adam": registry.OPTIMIZERS["adam"].build()}
    gaps, escaped, diverged, points = {}, {}, {}, {}
    for key, opt in opts.items():
        noise = fading(sigma, steps) if key == "noisy" else 0.0
        run = surfaces.optimize(s, optimizer=opt, lr=rate, steps=steps, start=start, noise=noise, seed=0)
        gap = run.loss[:, 0] - s.global_min_value
        below = np.flatnonzero(gap < ESCAPE_SHARE * trap_gap)
        gaps[key], points[key] = gap, run.params[:, 0]
        escaped[key] = int(below[0]) if below.size else -1
        diverged[key] = int(run.diverged_at[0])
    keys = list(opts)
    stacked = np.stack([points[k] for k in keys], axis=1)
    values_ = np.stack([gaps[k] for k in keys], axis=1)
    diverged_at = np.array([diverged[k] for k in keys])
    anchors = np.vstack([start[None, :], s.minima, s.saddles]) if trap == "saddle" else np.vstack([start, s.minima])
    box = paths.window(stacked.reshape(-1, 2), values_.reshape(-1), start_value=float(values_[0, 0]),
                       anchors=anchors, square=True)
    columns, cell = paths.value_bands(lambda p: s.value(p) - s.global_min_value, box, GRID, floor=1e-4)
    drawn, left = paths.path_rows(stacked, values_, diverged_at, box)
    key_of = np.array(keys, dtype=object)
    labels = np.array([TRAP_RUNS[k][0] for k in keys], dtype=object)
    path_frame = pd.DataFrame({"series": key_of[drawn["run"]], "label": labels[drawn["run"]], "step": drawn["step"],
                               "x": drawn["x"], "y": drawn["y"], "value": drawn["value"]})
    exit_frame = pd.DataFrame({"series": key_of[left["run"]], "label": labels[left["run"]], "step": left["step"],
                               "x": left["x"], "y": left["y"]})
    curve = paths.curve_rows(values_, diverged_at)
    curves = pd.DataFrame({"series": key_of[curve["run"]], "label": labels[curve["run"]], "step": curve["step"],
                           "value": curve["value"]})
    gone = [k for k in keys if diverged[k] >= 0]
    diverged_rows = pd.DataFrame({"series": gone, "step": [diverged[k] for k in gone]})
    start_gap = float(values_[0, 0])
    return Traps(trap=trap, title=TRAP_LABELS[trap], start=(float(start[0]), float(start[1])), rate=rate, steps=steps,
                 sigma=sigma, offset=offset, f_min=s.global_min_value, trap_gap=trap_gap, gaps=gaps, escaped=escaped,
                 diverged=diverged, points=points, bands=pd.DataFrame(columns), cell=cell, window=box, paths=path_frame,
                 exits=exit_frame, curves=curves, diverged_rows=diverged_rows,
                 series={k: TRAP_RUNS[k] for k in keys},
                 low=paths.log_floor(values_.ravel(), start_gap), top=10.0 * start_gap)


_traps = by_values(compute_traps, max_entries=16, heavy=True)


def traps(values: Mapping[str, Any]) -> Traps:
    """Cached :func:`compute_traps`, keyed on the saddle-and-plateau controls only."""
    return _traps(_pick(values, TRAP_KEYS))


# ----------------------------------------------------------------------------- the network
MOONS = dict(n=100, noise=0.3, seed=0)  # noisy enough that no network reaches a loss of 0
NET_STEPS, NET_RATE = 500, 0.05
SPAN = 1.0  # the landscape runs from −SPAN to SPAN along each direction
LANDSCAPE_POINTS = 41
NEAR_BEST = 0.1  # "nearly the same loss": within 10% of the best run's


@dataclass(frozen=True, eq=False)
class Network:
    """R runs of a 2-H-1 tanh network.

    Attributes:
        hidden, runs, seed: the scenario; ``n_params`` the weights per network.
        final: (R,) final losses; ``best`` the index of the lowest; ``order`` runs by final loss.
        dots: one row per run (run, loss, stack: its height in the dot plot, near: within 10% of the best).
        landscape: alpha, beta, loss, level of the grid around the best run; ``centre`` its loss there.
        accuracy: (R,) training accuracy of each run.
        falling: how many runs were still falling at the last step (core.outcomes: more than 1% in
            their last tenth of the steps), so their losses are where training stopped, not minima.
    """

    hidden: int
    runs: int
    seed: int
    n_params: int
    final: np.ndarray
    accuracy: np.ndarray
    dots: pd.DataFrame
    landscape: pd.DataFrame
    cell: tuple[float, float]
    falling: int

    @property
    def best(self) -> int:
        return int(np.argmin(self.final))

    @property
    def near(self) -> int:
        """How many runs end within ``NEAR_BEST`` of the best run's loss."""
        return int(np.sum(self.final <= (1.0 + NEAR_BEST) * self.final.min()))


def moons() -> datasets.ClassData:
    return datasets.two_moons(**MOONS)


def dot_stacks(values: np.ndarray, bins: int = 40) -> np.ndarray:
    """Each value's height in a dot plot: values in the same of ``bins`` equal bins are stacked 1, 2, 3..."""
    low, high = float(values.min()), float(values.max())
    which = np.minimum(((values - low) / max(high - low, 1e-12) * bins).astype(int), bins - 1)
    order = np.argsort(values, kind="stable")
    height = np.empty(values.size, dtype=int)
    seen: dict[int, int] = {}
    for i in order:
        seen[which[i]] = seen.get(which[i], 0) + 1
        height[i] = seen[which[i]]
    return height


def compute_network(values: Mapping[str, Any]) -> Network:
    hidden, runs, seed = int(values["hidden"]), int(values["nets"]), int(values["net_seed"])
    data = moons()
    trained = tiny_net.train(data.X, data.y, hidden=hidden, runs=runs, steps=NET_STEPS, lr=NET_RATE,
                             optimizer="adam", seed=seed)
    final = trained.loss[-1]
    # A cross-entropy is never below 0: a run is "still falling" against that floor.
    falling = sum(outcomes.classify(trained.loss[:, r], 0.0).kind == "falling" for r in range(runs))
    accuracy = np.mean((tiny_net.predict(trained.params, data.X) > 0) == (data.y > 0.5), axis=1)
    best = int(np.argmin(final))
    near = final <= (1.0 + NEAR_BEST) * final[best]
    dots = pd.DataFrame({"run": np.arange(runs), "loss": final, "stack": dot_stacks(final), "near": near,
                         "accuracy": accuracy})
    d1, d2 = tiny_net.directions(trained.params[best], seed=seed)
    axis = np.linspace(-SPAN, SPAN, LANDSCAPE_POINTS)
    grid = tiny_net.surface(trained.params[best], d1, d2, data.X, data.y, axis, axis)  # (betas, alphas)
    aa, bb = np.meshgrid(axis, axis)
    landscape = pd.DataFrame({"x": aa.ravel(), "y": bb.ravel(), "value": grid.ravel(),
                              "level": paths.quarter_decades(grid).ravel()})
    step = 2 * SPAN / (LANDSCAPE_POINTS - 1)
    return Network(hidden=hidden, runs=runs, seed=seed, n_params=tiny_net.n_params(hidden), final=final,
                   accuracy=accuracy, dots=dots, landscape=landscape, cell=(step, step), falling=int(falling))


_network = by_values(compute_network, max_entries=12, heavy=True)


def network(values: Mapping[str, Any]) -> Network:
    """Cached :func:`compute_network`, keyed on the network's controls only."""
    return _network(_pick(values, NETWORK_KEYS))


# ----------------------------------------------------------------------------- texts


def escape_claim(tr: Traps, key: str, short: bool = False) -> Claim:
    """When run ``key`` left the trap, as a claim: "minima.trap_diverged" (the step it diverged at),
    "minima.escaped" (the first step below ``ESCAPE_SHARE`` of the trap's height above the minimum) or
    "minima.stuck" (never, in its steps); ``short`` for a headline ("not in 500": a metric shows about 14
    characters at 1400 px, and "not in 500 steps" was cut off)."""
    if tr.diverged[key] >= 0:
        return Claim("minima.trap_diverged", {"run": key, "step": tr.diverged[key]})
    if tr.escaped[key] >= 0:
        return Claim("minima.escaped", {"run": key, "step": tr.escaped[key]})
    return Claim("minima.stuck", {"run": key, "steps": tr.steps, "short": short})


def _escape_text(tr: Traps, key: str, short: bool = False) -> str:
    """When the run left the trap, in words (:func:`escape_claim`)."""
    return say([escape_claim(tr, key, short)])


def headline_claims(res: Restarts, tr: Traps, net: Network) -> list[Claim]:
    """The headlines' verdicts as claims, in their order: the restarts that settled in the global minimum
    ("minima.head_global"), gradient descent's and Adam's escape from the trap (:func:`escape_claim`), and
    the networks near the best ("minima.head_near")."""
    return [Claim("minima.head_global", {"global": res.counts["global"], "runs": res.runs, "share": res.share}),
            escape_claim(tr, "sgd", short=True), escape_claim(tr, "adam", short=True),
            Claim("minima.head_near", {"near": net.near, "runs": net.runs, "within": NEAR_BEST})]


def headlines(res: Restarts, tr: Traps, net: Network) -> list[Headline]:
    """The four headlines of :func:`headline_claims`: each escape's verdict is its claim in words, and the
    counts' tooltips are theirs."""
    settled, sgd, adam, near = headline_claims(res, tr, net)
    plain = registry.OPTIMIZERS["sgd"].label
    escape_help = f"The first step at which the run is less than half the {tr.trap}'s height above the minimum."
    return [
        Headline("Global minimum", f"{settled.values['global']} of {settled.values['runs']}", say([settled]),
                 value=settled.values["share"], change=percentage_points, better="higher", key="global"),
        Headline(f"{plain} off the {tr.trap}", say([sgd]), escape_help,
                 value=sgd.values["step"] if sgd.kind == "minima.escaped" else None, better="lower", key="trap-sgd"),
        Headline(f"Adam off the {tr.trap}", say([adam]), escape_help,
                 value=adam.values["step"] if adam.kind == "minima.escaped" else None, better="lower", key="trap-adam"),
        Headline("Networks near the best", f"{near.values['near']} of {near.values['runs']}", say([near]),
                 value=near.values["near"], better="higher", key="network"),
    ]


@template("minima.head_global")
def _(v):
    return f"Restarts that settled in the deeper minimum: {pct(v['share'])}."


@template("minima.head_near")
def _(v):
    return f"Final training losses at most {pct(v['within'])} above the lowest of the runs."


@template("minima.trap_diverged")
def _(v):
    return f"diverged at step {v['step']}"


@template("minima.escaped")
def _(v):
    return f"step {v['step']}"


@template("minima.stuck")
def _(v):
    return f"not in {v['steps']}" if v["short"] else f"not in {v['steps']} steps"


def restart_table(res: Restarts) -> str:
    label = "height" if res.dim == 1 else "height f"
    rows = [f"| minimum | where | {label} | runs that settle there |", "| --- | --- | ---: | ---: |"]
    for key, where, value in zip(("global", "local"), res.minima, res.values):
        place = ", ".join(fmt(v) for v in where)
        rows.append(f"| {OUTCOMES[key][0]} | ({place}) | {fmt(value)} | {res.counts[key]} of {res.runs} |")
    if res.counts["unsettled"]:
        rows.append(f"| not settled in either | | | {res.counts['unsettled']} of {res.runs} |")
    if res.counts["diverged"]:
        rows.append(f"| diverged | | | {res.counts['diverged']} of {res.runs} |")
    return "\n".join(rows)


def quiet(values: Mapping[str, Any]) -> Restarts:
    """The same restarts without gradient noise (what the noise is compared with)."""
    return restarts({**values, "noise": NOISES[0]})


BEST_OF = (1, 2, 5, 10)  # the restart budgets the best-of-k readout lists
SURE = 0.99  # and the budget that makes finding the global minimum this likely


def best_of_claims(res: Restarts) -> list[Claim]:
    """How many restarts it takes, keeping the best, to find the global minimum. Each run settles there
    with the chance p estimated by this batch's share, so at least one of k independent restarts does with
    chance 1 − (1 − p)ᵏ: "minima.best_of" (the chances for :data:`BEST_OF` and the fewest restarts that
    reach :data:`SURE`), or "minima.best_never" when no run settled there, "minima.best_always" when all did."""
    g, n = res.counts["global"], res.runs
    if g == 0:
        return [Claim("minima.best_never", {"runs": n})]
    if g == n:
        return [Claim("minima.best_always", {"runs": n})]
    p = g / n
    needed = max(1, int(np.ceil(np.log1p(-SURE) / np.log1p(-p))))
    while needed > 1 and 1.0 - (1.0 - p) ** (needed - 1) >= SURE:  # the log's round-off, either way
        needed -= 1
    while 1.0 - (1.0 - p) ** needed < SURE:
        needed += 1
    return [Claim("minima.best_of", {"global": g, "runs": n, "share": p, "sure": SURE, "needed": needed,
                                     "chances": {k: 1.0 - (1.0 - p) ** k for k in BEST_OF}})]


def best_of(res: Restarts) -> str:
    """The best-of-k readout (:func:`best_of_claims`) in words."""
    return say(best_of_claims(res))


def restart_claims(res: Restarts) -> list[Claim]:
    """Where the restarts ended ("minima.ends": the counts of :data:`OUTCOMES`, with the optimizer, rate and
    steps) and how high the ridge is above the shallow minimum ("minima.ridge")."""
    return [Claim("minima.ends", {**res.counts, "runs": res.runs, "optimizer": res.optimizer, "rate": res.rate,
                                  "steps": res.steps}),
            Claim("minima.ridge", {"height": res.barrier - float(res.values[1])})]


def basin_claims(res: Restarts) -> list[Claim]:
    """In 1-D, where the basins of gradient flow are known exactly (each side of the ridge's top):
    "minima.basins" (the starts on the deeper well's side, and the chance a uniform start lands there),
    then whether settled runs crossed the ridge: "minima.none_crossed", "minima.kicked" (noisy gradient
    descent) or "minima.crossed" (a step carried them). Nothing in 2-D."""
    if res.dim != 1:
        return []
    top = float(res.barrier_at[0])
    low, high = res.window[0], res.window[1]
    deep_left = res.minima[0, 0] < top
    claims = [Claim("minima.basins", {
        "top": top, "deep_side": int(np.sum((res.starts[:, 0] < top) == deep_left)), "runs": res.runs,
        "low": low, "high": high, "share": (top - low) / (high - low) if deep_left else (high - top) / (high - low)})]
    settled = res.counts["global"] + res.counts["local"]
    if res.crossed == 0 and settled:
        claims.append(Claim("minima.none_crossed", {"settled": settled}))
    elif res.crossed > 0:
        noisy = res.sigma > 0 and res.optimizer == "sgd"
        claims.append(Claim("minima.kicked" if noisy else "minima.crossed", {"crossed": res.crossed}))
    return claims


def settle_claims(res: Restarts) -> list[Claim]:
    """For plain gradient descent at a rate above 2 / (a minimum's steepest curvature): "minima.too_fast"
    when neither minimum can hold a run, "minima.one_holds" (which one can) when only one can."""
    deep, shallow = res.settle_rates
    above = [name for name, rate in (("deep", deep), ("shallow", shallow)) if res.rate > rate]
    if res.optimizer != "sgd" or not above:
        return []
    values = {"deep": deep, "shallow": shallow, "rate": res.rate}
    if len(above) == 2:
        return [Claim("minima.too_fast", values)]
    return [Claim("minima.one_holds", {**values, "holds": "shallow" if above[0] == "deep" else "deep"})]


def noise_claims(res: Restarts, calm: Restarts | None) -> list[Claim]:
    """What the gradient noise did, against the same restarts without it (``calm``): "minima.noise_more",
    "minima.noise_same" or "minima.noise_fewer" (runs in the global minimum), "minima.noise_diverged" (with the
    runs that diverge without noise too), "minima.adam_noise" for Adam; "minima.try_noise" without noise."""
    if not (res.sigma > 0 and calm is not None):
        return [Claim("minima.try_noise")]
    g, g0 = res.counts["global"], calm.counts["global"]
    kind = "minima.noise_more" if g > g0 else "minima.noise_same" if g == g0 else "minima.noise_fewer"
    claims = [Claim(kind, {"sigma": res.sigma, "until": res.steps // 2, "global": g, "calm": g0, "runs": res.runs})]
    if res.counts["diverged"]:
        claims.append(Claim("minima.noise_diverged", {"diverged": res.counts["diverged"],
                                                      "calm": calm.counts["diverged"]}))
    if res.optimizer == "adam":
        claims.append(Claim("minima.adam_noise"))
    return claims


def trap_claims(tr: Traps) -> list[Claim]:
    """When each of the four runs left the trap (:func:`escape_claim`, in :data:`TRAP_RUNS`' order):
    "minima.saddle" (with the start's offset) or "minima.plateau" (with the gradient at the start)."""
    escapes = {key: escape_claim(tr, key) for key in TRAP_RUNS}
    if tr.trap == "saddle":
        return [Claim("minima.saddle", {"offset": tr.offset, "escapes": escapes})]
    gradient = float(np.linalg.norm(surfaces.get("plateau").grad(np.array(tr.start))))
    return [Claim("minima.plateau", {"gradient": gradient, "escapes": escapes})]


def network_claims(net: Network) -> list[Claim]:
    """The networks' final losses and accuracies ("minima.networks"), then why they differ: some were
    still falling ("minima.nets_falling"), or every run had stopped and most near the best
    ("minima.nets_shared"), or most in poorer places ("minima.nets_poor", with the median loss)."""
    claims = [Claim("minima.networks", {
        "steps": NET_STEPS, "runs": net.runs, "hidden": net.hidden, "weights": net.n_params,
        "low": float(net.final.min()), "high": float(net.final.max()), "accuracy_low": float(net.accuracy.min()),
        "accuracy_high": float(net.accuracy.max()), "near": net.near, "within": NEAR_BEST})]
    if net.falling:
        claims.append(Claim("minima.nets_falling", {"falling": net.falling}))
    elif 2 * net.near >= net.runs:
        claims.append(Claim("minima.nets_shared", {"near": net.near, "runs": net.runs}))
    else:
        claims.append(Claim("minima.nets_poor", {"median": float(np.median(net.final))}))
    return claims


def note_claims(res: Restarts, tr: Traps, net: Network, calm: Restarts | None = None) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet."""
    bullets = [restart_claims(res), basin_claims(res), settle_claims(res), noise_claims(res, calm), trap_claims(tr),
               network_claims(net)]
    return [b for b in bullets if b]


def notes(res: Restarts, tr: Traps, net: Network, calm: Restarts | None = None) -> list[str]:
    """The "What to notice" bullets (:func:`note_claims` in words). ``calm``: the same restarts without noise
    (when there is noise)."""
    return [say(b) for b in note_claims(res, tr, net, calm)]


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


@template("minima.ends")
def _(v):
    rest = [f"**{v['unsettled']}** had not settled in either" if v["unsettled"] else "",
            f"**{v['diverged']}** diverged" if v["diverged"] else ""]
    rest = [r for r in rest if r]
    return (f"Of {v['runs']} random starts, **{v['global']}** settled in the global minimum and **{v['local']}** in "
            "the local one" + ("; " + " and ".join(rest) if rest else "")
            + f" ({registry.OPTIMIZERS[v['optimizer']].label.lower()}, η = {fmt(v['rate'], 2)}, {v['steps']} steps).")


@template("minima.ridge")
def _(v):
    return f"The ridge between the wells is {fmt(v['height'])} above the shallow minimum."


@template("minima.basins")
def _(v):
    return (f"Here the basins are known exactly: every start on the deeper well's side of the ridge's top at "
            f"x = {fmt(v['top'])} is in its basin: {v['deep_side']} of the {v['runs']} starts (a start drawn "
            f"uniformly from [{fmt(v['low'])}, {fmt(v['high'])}] lands there with probability {fmt(v['share'], 3)}).")


@template("minima.none_crossed")
def _(v):
    return f"None of the {v['settled']} runs that settled crossed the ridge: each settled in the basin it started in."


@template("minima.kicked")
def _(v):
    return (f"**{v['crossed']}** runs settled in the other well than the one they started in: the noise kicked "
            "them over the ridge.")


@template("minima.crossed")
def _(v):
    return (f"**{v['crossed']}** runs settled in the other well than the one they started in: a step can carry a run "
            "over the ridge (momentum, or a step as long as the well is wide), so the basin a run starts in does not "
            "decide where it ends.")


def _chance(c: float) -> str:
    """A chance near certain keeps a decimal, rounded down: 0.9898 is "98.9%", not "99.0%" (the budget for 99%
    is one restart more), and nothing short of certain reads "100%"."""
    if c < 0.95:
        return pct(c)
    if c < 0.999:
        return pct(np.floor(round(1000 * c, 6)) / 1000, 1)
    return "above 99.9%"


@template("minima.best_of")
def _(v):
    chances = ", ".join(f"{_chance(c)} for {k}" for k, c in v["chances"].items())
    return (f"**Best of k restarts.** A run settles in the global minimum with a chance of about "
            f"{fmt(v['share'], 3)} ({v['global']} of {v['runs']} here), so at least one of k independent restarts "
            f"does with a chance of 1 − (1 − {fmt(v['share'], 3)})ᵏ: {chances}. Keep the run with the lowest loss "
            f"and **{v['needed']}** restarts find the global minimum at least {pct(v['sure'])} of the time.")


@template("minima.best_never")
def _(v):
    return (f"**Best of k restarts.** None of the {v['runs']} runs settled in the global minimum, so with these "
            "settings more restarts would rarely find it: change the rate, the steps or the optimizer first.")


@template("minima.best_always")
def _(v):
    return (f"**Best of k restarts.** All {v['runs']} runs settled in the global minimum: here one start is "
            "almost always enough.")


def _settle_rates(v) -> str:
    return (f"Plain gradient descent can only settle in a minimum where η is below 2 / (its steepest curvature): "
            f"{fmt(v['deep'], 3)} in the deep well and {fmt(v['shallow'], 3)} in the shallow one. "
            f"At η = {fmt(v['rate'], 2)} ")


@template("minima.too_fast")
def _(v):
    return _settle_rates(v) + "neither holds a run."


@template("minima.one_holds")
def _(v):
    return _settle_rates(v) + f"only the {v['holds']} one can: a large rate prefers the wider, flatter minimum."


def _noise(v, verdict: str) -> str:
    return (f"With gradient noise (σ = {v['sigma']:g}, fading to 0 by step {v['until']}), **{v['global']}** of "
            f"{v['runs']} settle in the global minimum, against **{v['calm']}** without it: {verdict}.")


@template("minima.noise_more")
def _(v):
    return _noise(v, "more of them settle in the deeper well")


@template("minima.noise_same")
def _(v):
    return _noise(v, "no more of them settle in the deeper well")


@template("minima.noise_fewer")
def _(v):
    return _noise(v, "fewer of them settle in the deeper well")


@template("minima.noise_diverged")
def _(v):
    if v["calm"] == 0:
        return f"{_runs(v['diverged'])} diverged: noise this strong throws them off the plot."
    if v["calm"] < v["diverged"]:
        return (f"{_runs(v['diverged'])} diverged, against {v['calm']} without the noise: noise this strong throws "
                "more of them off the plot.")
    return (f"{_runs(v['diverged'])} diverged, against {v['calm']} without the noise: the rate throws them off the "
            "plot, not the noise.")


@template("minima.adam_noise")
def _(v):
    return "Adam divides its step by the gradient's own size, so noise barely changes how far it moves."


@template("minima.try_noise")
def _(v):
    return ("Add gradient noise, as a mini-batch's gradient has, and see whether more runs end in the deeper "
            "well: pin this scenario first to compare.")


def _escapes(v) -> dict[str, str]:
    return {key: say([claim]) for key, claim in v["escapes"].items()}


@template("minima.saddle")
def _(v):
    e = _escapes(v)
    where = "exactly on the ridge" if v["offset"] == 0 else f"{v['offset']:g} off the ridge"
    return (f"On the saddle, started {where}, the step at which each run drops below half the saddle's height "
            f"above the minimum: gradient descent {e['sgd']}; momentum {e['momentum']}; the noisy run {e['noisy']}; "
            f"Adam {e['adam']}. Along the ridge the gradient points at the saddle point, where it vanishes; only the "
            "tiny sideways part grows the run away, and on the ridge itself there is none, so only noise gets off.")


@template("minima.plateau")
def _(v):
    e = _escapes(v)
    return (f"On the plateau the gradient is about {fmt(v['gradient'], 2)} at the start, so a step of η × gradient "
            f"barely moves. The step at which each run drops below half the plain's height: gradient descent "
            f"{e['sgd']}; momentum {e['momentum']}; the noisy run {e['noisy']}; Adam {e['adam']}. Adam divides each "
            "step by the gradient's own recent size, so it moves about η per step however flat the ground.")


@template("minima.networks")
def _(v):
    return (f"After {v['steps']} steps, the {v['runs']} networks of {v['hidden']} hidden units ({v['weights']} "
            f"weights) have training losses from {fmt(v['low'])} to {fmt(v['high'])} (training accuracy "
            f"{pct(v['accuracy_low'])} to {pct(v['accuracy_high'])}); **{v['near']}** of them within "
            f"{pct(v['within'])} of the best.")


@template("minima.nets_falling")
def _(v):
    return (f"**{v['falling']}** of them were still falling at the last step, so these are where training stopped, "
            "not minima: longer training would spread them out or bring them down.")


@template("minima.nets_shared")
def _(v):
    return ("Every run had stopped falling, and most stopped at nearly the same loss with different weights, as the "
            "lesson says of many local minima. Too few hidden units can make that shared loss a poor one: try 2.")


@template("minima.nets_poor")
def _(v):
    return (f"Every run had stopped falling, most in poorer places (the median run's loss is {fmt(v['median'])}): a "
            "network this narrow gets stuck often. With more hidden units the final losses bunch up near the best.")


def math_blocks(res: Restarts, tr: Traps) -> list[tuple[str, str]]:
    return [
        ("The double well (one weight) and the two wells (two weights, widths 0.8 on a wide bowl):",
         r"f(x) = x^4 - 3x^2 + x,\qquad f(\mathbf p) = 0.05\lVert\mathbf p\rVert^2 - 2\,e^{-\lVert\mathbf p - "
         r"\mathbf a\rVert^2/1.28} - 1.2\,e^{-\lVert\mathbf p - \mathbf b\rVert^2/1.28}"),
        ("A noisy gradient step: σ fades linearly to 0 at the halfway step:",
         r"\theta_{t} = \theta_{t-1} - \eta\,\bigl(\nabla f(\theta_{t-1}) + \sigma_t\,\xi_t\bigr),\quad "
         r"\xi_t \sim \mathcal N(0, I),\quad \sigma_t = \sigma\,\max\!\bigl(0,\ 1 - 2t/T\bigr)"),
        ("The saddle and the plateau:",
         r"f(x, y) = x^2 - y^2 + 0.1\,y^4,\qquad f(x, y) = 1 - e^{-(x^2 + y^2)/2}"),
        ("The network: one hidden layer of H tanh units, binary cross-entropy on the logit z:",
         r"z = \mathbf w_2^\top \tanh(W_1 \mathbf x + \mathbf b_1) + b_2,\qquad "
         r"L = \frac1n\sum_i \log\bigl(1 + e^{z_i}\bigr) - y_i z_i"),
        ("The landscape around the best weights θ*: two random directions, each hidden unit's part scaled to that "
         "unit's weights in θ* (filter normalization), biases left out:",
         r"L(\alpha, \beta) = L(\theta^* + \alpha\,\mathbf d_1 + \beta\,\mathbf d_2),\qquad "
         r"\mathbf d_{i,j} \leftarrow \frac{\lVert\theta^*_j\rVert}{\lVert\mathbf d_{i,j}\rVert}\,\mathbf d_{i,j}"),
    ]
