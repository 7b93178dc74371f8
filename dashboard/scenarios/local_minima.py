"""Compute for "Can training get stuck?": restarts on surfaces with two minima, a saddle and a
plateau, and a tiny network trained from many starts.

Four parts, each a plain function of its own controls and cached on those alone (moving a
control of one part never recomputes another):

- :func:`restarts`: N seeded random starts, uniform over the surface's plotting window
  (:func:`core.surface_runs.random_starts`), each run by one optimizer (:func:`core.surface_runs.optimize`,
  all starts at once); where each run ends is :func:`settled_in` (core.outcomes' arrival rule, measured
  to each minimum). Gradient noise of standard deviation σ is added to every
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

What the page says about them (claims, headlines, "The math") is :mod:`dashboard.shared.local_minima`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import datasets, outcomes, surface_runs, surfaces, tiny_net
from dashboard import paths, registry
from dashboard.cache import by_values
from dashboard.checks import one_of
from dashboard.controls import log_options
from dashboard.shared.local_minima import NEAR_BEST, NET_RATE, NET_STEPS, OUTCOMES, TRAP_RUNS

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
    name = one_of("surface", values["surface"], SURFACES)
    one_of("optimizer", values["optimizer"], OPTIMIZERS)
    s = surfaces.get(name)
    runs, steps, seed = int(values["restarts"]), int(values["steps"]), int(values["seed"])
    rate, sigma = float(values[RATE_KEYS[name]]), float(values["noise"])
    starts = surface_runs.random_starts(s, runs, seed=seed)
    run = surface_runs.optimize(s, optimizer=registry.OPTIMIZERS[values["optimizer"]].build(), lr=rate, steps=steps,
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
    name = one_of("surface", values["surface"], SURFACES)
    s = surfaces.get(name)
    runs, steps, seed = int(values["restarts"]), int(values["steps"]), int(values["seed"])
    rates = np.array(log_options(RATE_LOW, RATE_HIGH, SWEEP_PER_DECADE))
    starts = surface_runs.random_starts(s, runs, seed=seed)[:SWEEP_RUNS]  # the page's first starts
    runs = starts.shape[0]
    minima = np.array(s.minima)
    heights = s.value(minima)
    per_batch = max(1, SWEEP_FLOATS // (runs * (steps + 1) * s.dim))
    basin = np.empty((rates.size, runs), dtype=int)
    for first in range(0, rates.size, per_batch):
        batch = rates[first:first + per_batch]
        run = surface_runs.optimize(s, optimizer=registry.OPTIMIZERS[values["optimizer"]].build(),
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
    trap = one_of("trap", values["trap"], TRAPS)
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
        run = surface_runs.optimize(s, optimizer=opt, lr=rate, steps=steps, start=start, noise=noise, seed=0)
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
SPAN = 1.0  # the landscape runs from −SPAN to SPAN along each direction
LANDSCAPE_POINTS = 41


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


def quiet(values: Mapping[str, Any]) -> Restarts:
    """The same restarts without gradient noise (what the noise is compared with)."""
    return restarts({**values, "noise": NOISES[0]})
