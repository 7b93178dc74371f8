"""Compute for "Which optimizer reaches the bottom first?": seven optimizers race on a surface.

Every optimizer of :data:`dashboard.registry.OPTIMIZERS` runs from one start point on one
surface of :mod:`core.surfaces`, at each of the :func:`rates` (the rate sliders' values), in
one computation (:func:`core.surface_runs.race`: one loop over the steps, one gradient per step
for all 7 x 41 runs). A racer's run is then read from there: at its slider's rate, or, when
"tuned", at its best rate (:func:`core.outcomes.fastest`: the first to arrive at the minimum,
else, where no rate arrives, the lowest final loss). So tuning is the sweep itself, not a search.

With gradient noise σ > 0, every step's gradient gets σ_t ξ_t added (:func:`fading`): ξ_t one standard-normal
draw per step (seed :data:`NOISE_SEED`), the same for every racer and every rate of the sweep (a fair race, as if
all were fed the same mini-batches), and σ_t fading linearly to 0 at the run's middle, so every run ends on
the exact gradient and its verdict (read over the run's last tenth) describes where the run settled, not the
noise. What the noise changed is read against the noise-free sweep at the same rate (:func:`noise_claims`).

What each run did is :func:`core.outcomes.classify`'s verdict: "arrived" means near the surface's global
minimizer in distance and in height, each relative to the start, from that step to the end.
:func:`compute` is a plain function of the scenario, :func:`cached_race` its cached wrapper (shared across
sessions: it depends on the controls only); what the page says of a race is :mod:`dashboard.shared.optimizer_race`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import outcomes, surface_runs, surfaces, trajectory
from dashboard import paths, registry, verdicts
from dashboard.cache import scenario_cache
from dashboard.checks import one_of
from dashboard.controls import log_options
from dashboard.formatting import fmt, python_float
from dashboard.shared import optimizer_race as says
from dashboard.verdicts import Claim, say

SURFACES = ("rosenbrock", "bowl", "saddle", "plateau", "two_minima_2d", "line_fit")
SURFACE_LABELS = registry.labels(registry.SURFACES, SURFACES)
SURFACE_ALIASES = registry.former_labels(registry.SURFACES, SURFACES)
RACERS = tuple(registry.OPTIMIZERS)  # sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 1e-4, 10.0, 8
BETA2_OPTIONS = ("0.9", "0.99", "0.999", "0.9999")  # a choice (its text is its value): the link says 0.999
STEPS_RANGE = (10, 1000)
NOISE_RANGE, NOISE_STEP = (0.0, 10.0), 0.5  # the gradient noise's σ (0: off)
NOISE_SEED = 0  # one fixed draw: the same noise for every racer, every rate and every σ
GRID = 100  # contour cells per side
DEFAULTS: dict[str, Any] = {
    "surface": "rosenbrock", "steps": 300, "tuned": True,
    **{f"run_{k}": k in ("sgd", "momentum", "adam") for k in RACERS},
    **{f"lr_{k}": registry.OPTIMIZERS[k].race_rate for k in RACERS},
    "mu": 0.9, "beta1": 0.9, "beta2": "0.999", "own_start": False, "x0": 0.0, "y0": 0.0, "sigma": 0.0,
    "inside": "adam",
}
# The lesson's claim as a scenario: momentum at its best rate on Rosenbrock's valley, Adam at too small a one.
LESSON = {**DEFAULTS, "tuned": False, "run_sgd": False, "lr_momentum": 0.0018, "lr_adam": 0.0024}
# The lesson's "noise can push the optimization out of shallow local minima": gradient descent alone on Two
# minima at a rate that stalls in the shallow well without noise; with σ = 2 it arrives at the deep one (with seed
# 0; over seeds 0-99, 61 of 100 runs arrive, none without the noise).
NOISY_DESCENT = {**DEFAULTS, "surface": "two_minima_2d", "tuned": False, "run_momentum": False, "run_adam": False,
                 "lr_sgd": 0.42, "sigma": 2.0}


def fading(sigma: float, steps: int) -> np.ndarray:
    """The gradient noise's σ at steps t = 1 .. steps: σ (1 − 2t / steps) over the first half of the run, 0 from
    its middle on. Shape (steps,)."""
    return float(sigma) * np.maximum(0.0, 1.0 - 2.0 * np.arange(1, int(steps) + 1) / int(steps))


def settings(values: Mapping[str, Any]) -> tuple[float, float, float]:
    """(μ, β₁, β₂) of the controls, as numbers (β₂ is a choice of texts)."""
    return float(values["mu"]), float(values["beta1"]), float(values["beta2"])


def rates() -> np.ndarray:
    """The rates every optimizer is run at: the sliders' values, 1e-4 to 10, 8 per decade."""
    return np.array(log_options(RATE_LOW, RATE_HIGH, RATE_PER_DECADE))


def build(key: str, mu: float, beta1: float, beta2: float):
    """The core optimizer of racer ``key`` with the page's momentum and betas."""
    entry = registry.OPTIMIZERS[key]
    return entry.build(**entry.set(momentum=mu, betas=(beta1, beta2)))


def hyper_text(key: str, mu: float, beta1: float, beta2: float) -> str:
    """The racer's settings in a few words: 'μ = 0.9', 'β = (0.9, 0.999)', ''."""
    said = {"momentum": f"μ = {fmt(mu)}", "betas": f"β = ({fmt(beta1)}, {fmt(beta2)})"}
    return ", ".join(said[knob] for knob in registry.OPTIMIZERS[key].knobs)


@dataclass(frozen=True, eq=False)
class Sweep:
    """Every optimizer at every rate: ``runs[key]`` is a Trajectory over :func:`rates`."""

    surface: str
    start: tuple[float, float]
    steps: int
    runs: dict[str, trajectory.Trajectory]
    best: dict[str, int]  # key -> index into rates() of its best run (-1: every rate diverged)
    arrived: dict[str, bool]  # key -> whether its best run arrived (else it is only the lowest)
    arrive_gap: float  # the height above the minimum a run must stay under to have arrived
    noise: float = 0.0  # the gradient noise's σ (fading to 0 at the run's middle, :func:`fading`)


def sweep(surface: str, steps: int, mu: float, beta1: float, beta2: float,
          start: tuple[float, float] | None, noise: float = 0.0) -> Sweep:
    """All seven optimizers at all the rates, in one :func:`core.surface_runs.race` (with the shared, fading
    gradient noise of σ = ``noise``)."""
    s = surfaces.get(surface)
    begin = s.start if start is None else np.asarray(start, dtype=np.float64)
    lrs = rates()
    runs = surface_runs.race(s, optimizers=[build(k, mu, beta1, beta2) for k in RACERS], lrs=[lrs] * len(RACERS),
                         steps=steps, start=begin, noise=fading(noise, steps), seed=NOISE_SEED)
    gap0 = float(s.value(begin)) - s.global_min_value
    best, arrived = {}, {}
    for k, run in zip(RACERS, runs):
        steps_to = outcomes.arrival_steps(run.loss, s.global_min_value, diverged_at=run.diverged_at,
                                          params=run.params, minimizer=s.global_minima)
        best[k], arrived[k] = outcomes.fastest(steps_to, run.final_loss - s.global_min_value)
    return Sweep(surface, (float(begin[0]), float(begin[1])), int(steps), dict(zip(RACERS, runs)), best, arrived,
                 outcomes.ARRIVE_GAP * gap0, float(noise))


@scenario_cache(max_entries=16, heavy=True)
def cached_sweep(surface: str, steps: int, mu: float, beta1: float, beta2: float,
                 start: tuple[float, float] | None, noise: float = 0.0) -> Sweep:
    return sweep(surface, steps, mu, beta1, beta2, start, noise)


# --------------------------------------------------------------------------- the race


@dataclass(frozen=True)
class Racer:
    """One optimizer in the race, at the rate it runs with."""

    key: str
    label: str  # "Adam"
    rate: float
    tuned: bool
    diverged_at: int  # -1: never
    outcome: outcomes.Outcome  # what the run did (core.outcomes.classify)
    final_gap: float  # f - f_min at the end (inf when diverged)
    quiet: outcomes.Outcome | None = None  # what the same rate does without gradient noise (None: no noise)

    @property
    def arrived_at(self) -> int:
        """The step it arrived at, -1 when it did not arrive."""
        return self.outcome.step if self.outcome.arrived else -1


@dataclass(frozen=True, eq=False)
class Race(paths.DrawnRuns):
    """The racers' runs and everything drawn of them.

    Attributes:
        surface: its name; ``title`` its label; ``axes`` the axis titles.
        start: the start point; ``minima`` (m, 2) the surface's minima, the global one first.
        arrive_gap: the height above the minimum a run must stay under to have arrived (it must
            also be near the minimizer); ``f_min`` the global minimum's value; ``steps`` the run length;
            ``noise`` the gradient noise's σ (0: none; it fades to 0 at the run's middle, :func:`fading`).
        places: the names of the surface's other stationary points (a run's ``outcome.near``).
        racers: one per racing optimizer, in menu order.
        points: key -> (steps + 1, 2) points of its run; ``gaps``: key -> (steps + 1,) f - f_min.
        window, cell, bands: the plotted box, a grid cell's size and the grid's cells
            (x, y, level: f - f_min rounded down to a quarter decade).
        paths, exits: the paths drawn (series, label, step, x, y, value) and where they leave the box.
        curves: series, label, step, value (f - f_min), run (the label with the rate, for tooltips), for
            the loss chart; ``diverged``: series, step.
        table: one row per racer: optimizer, rate, settings, steps to arrive, final f - f_min, result.
    """

    surface: str
    title: str
    axes: tuple[str, str]
    start: tuple[float, float]
    minima: np.ndarray
    arrive_gap: float
    places: tuple[str, ...]
    f_min: float
    steps: int
    noise: float
    racers: tuple[Racer, ...]
    points: dict[str, np.ndarray]
    gaps: dict[str, np.ndarray]
    bands: pd.DataFrame
    table: pd.DataFrame

    def series(self) -> dict[str, tuple[str, str]]:
        """key -> (legend label, colour), in menu order: the charts' series."""
        return {r.key: (r.label, registry.OPTIMIZERS[r.key].colour) for r in self.racers}

    def at(self, k: int) -> pd.DataFrame:
        """Where each racer is after step k (a diverged run: its last point): series, label, x, y, step."""
        k = int(np.clip(k, 0, self.steps))
        rows = []
        for r in self.racers:
            last = k if r.diverged_at < 0 else min(k, r.diverged_at)
            x, y = self.points[r.key][last]
            rows.append((r.key, r.label, float(x), float(y), last))
        return pd.DataFrame(rows, columns=["series", "label", "x", "y", "step"])


def stationary_points(s: surfaces.Surface) -> tuple[np.ndarray, tuple[str, ...]]:
    """The surface's stationary points other than its global minima, and their names: a run that
    stalls at one is said to have stopped there."""
    local = s.minima[len(s.global_minima):]
    names = ["the other, shallower minimum" if len(local) == 1 else f"local minimum {i + 1}" for i in range(len(local))]
    names += ["the saddle point" if len(s.saddles) == 1 else f"saddle point {i + 1}" for i in range(len(s.saddles))]
    return np.vstack([local.reshape(-1, 2), s.saddles.reshape(-1, 2)]), tuple(names)


def racing(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of the optimizers switched on, in menu order (at least one: gradient descent)."""
    keys = tuple(k for k in RACERS if values.get(f"run_{k}"))
    return keys or ("sgd",)


def start_of(values: Mapping[str, Any]) -> tuple[float, float] | None:
    """The start point the controls ask for (None: the surface's suggested start)."""
    return (float(values["x0"]), float(values["y0"])) if values["own_start"] else None


def compute(values: Mapping[str, Any]) -> Race:
    """The race of the controls ``values`` (``DEFAULTS``' keys); bad values raise ValueError."""
    surface = one_of("surface", values["surface"], SURFACES)
    steps = int(values["steps"])
    noise = float(values["sigma"])
    if not NOISE_RANGE[0] <= noise <= NOISE_RANGE[1]:
        raise ValueError(f"noise must be between {NOISE_RANGE[0]:g} and {NOISE_RANGE[1]:g}; got {noise!r}")
    sw = cached_sweep(surface, steps, *settings(values), start_of(values), noise)
    # The same sweep without the noise: what each racer does at the same rate on the exact gradient.
    quiet = sw if noise == 0.0 else cached_sweep(surface, steps, *settings(values), start_of(values), 0.0)
    s = surfaces.get(surface)
    grid_rates = rates()
    others, places = stationary_points(s)
    racers, points, gaps = [], {}, {}
    for key in racing(values):
        run = sw.runs[key]
        tuned = bool(values["tuned"]) and sw.best[key] >= 0
        index = sw.best[key] if tuned else int(np.argmin(np.abs(np.log(grid_rates / float(values[f"lr_{key}"])))))
        gap = run.loss[:, index] - s.global_min_value
        diverged_at = int(run.diverged_at[index])
        outcome = outcomes.classify(run.loss[:, index], s.global_min_value, diverged_at=diverged_at,
                                    params=run.params[:, index], minimizer=s.global_minima, others=others)
        rate = float(grid_rates[index])
        # The legend names the optimizer only: a label that held the rate would change the charts'
        # specs with every rate, and the browser would build them again instead of updating their data.
        label = registry.OPTIMIZERS[key].label
        calm = None
        if noise > 0.0:
            still = quiet.runs[key]
            calm = outcomes.classify(still.loss[:, index], s.global_min_value,
                                     diverged_at=int(still.diverged_at[index]), params=still.params[:, index],
                                     minimizer=s.global_minima, others=others)
        racers.append(Racer(key, label, rate, tuned, diverged_at, outcome,
                            float(gap[-1]) if diverged_at < 0 else float("inf"), calm))
        points[key], gaps[key] = run.params[:, index], gap
    keys = [r.key for r in racers]
    stacked = np.stack([points[k] for k in keys], axis=1)  # (steps + 1, R, 2)
    values_ = np.stack([gaps[k] for k in keys], axis=1)
    diverged_at = np.array([r.diverged_at for r in racers])
    # The box the runs need (their points below 5x the start's height, the start and the minimum).
    # It changes with the runs, so the browser draws the chart afresh: updated in place, Vega can
    # stack the paths in another order than a fresh drawing of the same link does.
    anchors = np.vstack([np.asarray(sw.start)[None, :], s.minima[:1]])
    box = paths.window(stacked.reshape(-1, 2), values_.reshape(-1), start_value=float(values_[0, 0]),
                       anchors=anchors, square=True)
    columns, cell = paths.value_bands(lambda p: s.value(p) - s.global_min_value, box, GRID,
                                      floor=1e-12 * max(1.0, float(values_[0, 0])))
    band = pd.DataFrame(columns)
    drawn, left = paths.path_rows(stacked, values_, diverged_at, box, order=range(len(keys)))
    labels = np.array([r.label for r in racers], dtype=object)
    key_of = np.array(keys, dtype=object)
    path_frame = pd.DataFrame({"series": key_of[drawn["run"]], "label": labels[drawn["run"]], "step": drawn["step"],
                               "x": drawn["x"], "y": drawn["y"], "value": drawn["value"]})
    exit_frame = pd.DataFrame({"series": key_of[left["run"]], "label": labels[left["run"]], "step": left["step"],
                               "x": left["x"], "y": left["y"]})
    curve = paths.curve_rows(values_, diverged_at)
    runs = np.array([f"{r.label} (η = {r.rate:g}{', tuned' if r.tuned else ''})" for r in racers], dtype=object)
    curves = pd.DataFrame({"series": key_of[curve["run"]], "label": labels[curve["run"]], "step": curve["step"],
                           "value": curve["value"], "run": runs[curve["run"]]})
    diverged = pd.DataFrame({"series": [r.key for r in racers if r.diverged_at >= 0],
                             "step": [r.diverged_at for r in racers if r.diverged_at >= 0]})
    table = pd.DataFrame({
        "optimizer": [registry.OPTIMIZERS[r.key].label for r in racers],
        "learning rate": [f"{r.rate:g}" + (" (tuned)" if r.tuned else "") for r in racers],
        "settings": [hyper_text(r.key, *settings(values)) for r in racers],
        "steps to arrive": [r.arrived_at if r.arrived_at >= 0 else None for r in racers],
        "final f − min": [r.final_gap for r in racers],
        "result": [verdicts.outcome_text(r.outcome, steps, places) for r in racers],
    })
    return Race(
        surface=surface, title=SURFACE_LABELS[surface], axes=registry.SURFACES[surface].axes,
        start=sw.start, minima=s.minima, arrive_gap=sw.arrive_gap, places=places, f_min=s.global_min_value,
        steps=steps, noise=noise,
        racers=tuple(racers), points=points, gaps=gaps, window=box, cell=cell, bands=band,
        paths=path_frame, exits=exit_frame, curves=curves, diverged=diverged, table=table,
    )


@scenario_cache(heavy=True)
def cached_race(items: tuple) -> Race:
    return compute(dict(items))


def _key(values: Mapping[str, Any]) -> tuple:
    """The controls' values as a cache key (the scrubber's are not among them: they are another panel's)."""
    return tuple(sorted(values.items()))


def race_of(values: Mapping[str, Any]) -> Race:
    """Cached :func:`compute`."""
    return cached_race(_key(values))


# --------------------------------------------------------------------------- one optimizer's insides
INSIDE_ROWS = 300  # steps drawn of the internals (evenly spaced; every one below this)
QUANTITIES = {  # state name in core.surface_runs.internals -> (row title, transform)
    "grad": ("gradient g", None),
    "momentum_buffer": ("velocity v", None),
    "m_hat": ("m̂: average gradient", None),
    "sum": ("√(sum of g²)", np.sqrt),
    "square_avg": ("√(average of g²)", np.sqrt),
    "v_hat": ("√v̂: gradient size over ~1/(1−β₂) steps", np.sqrt),
    "step": ("step taken", None),
}


@dataclass(frozen=True, eq=False)
class Inside:
    """One racer's internals: ``rows`` (quantity, coordinate, step, value) to draw, ``full``
    name -> (steps, 2) arrays of every step, as :func:`core.surface_runs.internals` gives them."""

    key: str
    label: str
    rows: pd.DataFrame
    full: dict[str, np.ndarray]

    def at(self, k: int) -> dict[str, tuple[float, float]]:
        """Row title -> (x, y) at step k (1..steps; k = 0 reads step 1)."""
        t = int(np.clip(k, 1, len(self.full["grad"]))) - 1
        out = {}
        for name, (title, transform) in QUANTITIES.items():
            if name in self.full:
                value = self.full[name][t]
                out[title] = tuple(float(v) for v in (transform(value) if transform else value))
        return out


def inside_of(race: Race, values: Mapping[str, Any], key: str) -> Inside:
    """The internals of racer ``key`` in ``race`` (it must be racing), at its rate."""
    racer = next(r for r in race.racers if r.key == key)
    opt = build(key, *settings(values))
    full = surface_runs.internals(race.surface, optimizer=opt, lr=racer.rate, steps=race.steps,
                              start=np.asarray(race.start), noise=fading(race.noise, race.steps), seed=NOISE_SEED)
    last = race.steps if racer.diverged_at < 0 else max(1, racer.diverged_at)
    keep = paths.evenly(np.arange(last), INSIDE_ROWS)
    parts = []
    for name, (title, transform) in QUANTITIES.items():
        if name not in full:
            continue
        value = full[name][keep]
        value = transform(value) if transform else value
        for c, coordinate in enumerate(("x", "y")):
            parts.append(pd.DataFrame({"quantity": title, "coordinate": coordinate, "step": keep + 1,
                                       "value": value[:, c]}))
    return Inside(key, registry.OPTIMIZERS[key].label, pd.concat(parts, ignore_index=True), full)


@scenario_cache()
def cached_inside(items: tuple, key: str) -> Inside:
    values = dict(items)
    return inside_of(cached_race(items), values, key)


def inside(values: Mapping[str, Any], key: str) -> Inside:
    """Cached :func:`inside_of` for the controls ``values``."""
    return cached_inside(_key(values), key)


# --------------------------------------------------------------------------- the same run in PyTorch
def _less(value: float) -> str:
    """'- 1.5' or '+ 1': a shift written as people write it (never '- -1')."""
    return f"- {python_float(value)}" if value >= 0 else f"+ {python_float(-value)}"


def torch_formula(surface: str) -> str:
    """The surface as a PyTorch expression in x and y, with its parameters' values."""
    p = surfaces.get(surface).params
    if surface == "rosenbrock":
        return f"({python_float(p['a'])} - x) ** 2 + {python_float(p['b'])} * (y - x ** 2) ** 2"
    if surface == "bowl":
        return f"0.5 * ({python_float(p['a'])} * x ** 2 + {python_float(p['b'])} * y ** 2)"
    if surface == "saddle":
        return f"x ** 2 - y ** 2 + {python_float(p['quartic'])} * y ** 4"
    if surface == "plateau":
        return f"1 - torch.exp(-(x ** 2 + y ** 2) / (2 * {python_float(p['width'])} ** 2))"
    if surface == "two_minima_2d":
        (a, b), (c, d) = surfaces._WELL_CENTERS
        (h1, h2), w = surfaces._WELL_DEPTHS, surfaces._WELL_WIDTH
        return (f"{python_float(0.5 * surfaces._BOWL_CURVATURE)} * (x ** 2 + y ** 2)"
                f" - {python_float(h1)} * torch.exp(-((x {_less(a)}) ** 2 + (y {_less(b)}) ** 2) / {python_float(2 * w * w)})"
                f" - {python_float(h2)} * torch.exp(-((x {_less(c)}) ** 2 + (y {_less(d)}) ** 2) / {python_float(2 * w * w)})")
    m, s = p["x_mean"], p["x_std"]
    return (f"{python_float(s * s + m * m)} * (x - {python_float(p['slope'])}) ** 2 + {python_float(2 * m)} * (x - {python_float(p['slope'])})"
            f" * (y - {python_float(p['intercept'])}) + (y - {python_float(p['intercept'])}) ** 2 + {python_float(p['noise'] ** 2)}")


def torch_code(race: Race, values: Mapping[str, Any], key: str) -> str:
    """PyTorch code that makes racer ``key``'s run: the same surface, start, rate, settings and steps, and with
    gradient noise the same draw (numpy's, seed :data:`NOISE_SEED`) added to the gradient, fading as the race's."""
    racer = next(r for r in race.racers if r.key == key)
    entry = registry.OPTIMIZERS[key]
    args = entry.torch_arguments(python_float(racer.rate), {"momentum": python_float(values["mu"]),
                                                    "betas": f"({python_float(values['beta1'])}, {python_float(values['beta2'])})"})
    start = ", ".join(python_float(v) for v in race.start)
    noisy = race.noise > 0.0
    return "\n".join([
        *(["import numpy as np"] if noisy else []),
        "import torch",
        "",
        "",
        "def f(p):",
        "    x, y = p",
        f"    return {torch_formula(race.surface)}",
        "",
        "",
        *([f"sigma = {python_float(race.noise)}  # the gradient noise, fading to 0 half-way through the run",
           "# One standard-normal pair per step, the same for every racer:",
           f"xi = torch.from_numpy(np.random.default_rng({NOISE_SEED}).standard_normal(({race.steps}, 2)))"]
          if noisy else []),
        f"p = torch.tensor([{start}], dtype=torch.float64, requires_grad=True)",
        f"optimizer = torch.optim.{entry.torch_class}([p], {', '.join(args)})",
        f"for step in range({race.steps}):",
        "    optimizer.zero_grad()",
        "    f(p).backward()",
        *([f"    p.grad += sigma * max(0.0, 1 - 2 * (step + 1) / {race.steps}) * xi[step]"] if noisy else []),
        "    optimizer.step()",
        "print(p.detach().tolist(), f(p).item())",
    ])


# --------------------------------------------------------------------------- what to notice
def rate_claims(race: Race, values: Mapping[str, Any]) -> list[Claim]:
    """How the rates were chosen: "race.tuned" (each at its best rate of the grid; the racers none of whose
    rates arrived are named) or "race.slider_rates"."""
    if not values["tuned"]:
        return [Claim("race.slider_rates")]
    return [Claim("race.tuned", {"rates": int(rates().size), "low": RATE_LOW, "high": RATE_HIGH,
                                 "unarrived": [r.label for r in race.racers if r.tuned and not r.outcome.arrived]})]


def noise_claims(race: Race) -> list[Claim]:
    """What the gradient noise did, as claims (none without noise): "race.noise" (σ, how it is drawn, that it
    fades to 0), then "race.noise_effect": each racer against the same racer at the same rate without the noise
    (its verdict there, ``quiet``), split into ``moved`` (arrives with the noise only), ``kept`` (arrives either
    way) and ``lost`` (arrives without the noise only); ``deep`` when the surface has a shallower minimum too,
    so that arriving means reaching the deep well."""
    if race.noise <= 0.0:
        return []
    s = surfaces.get(race.surface)
    split: dict[str, list[dict[str, Any]]] = {"moved": [], "kept": [], "lost": []}
    for r in race.racers:
        noisy, calm = r.outcome.arrived, r.quiet.arrived
        if noisy or calm:
            split["kept" if noisy and calm else "moved" if noisy else "lost"].append(
                {**says.run_values(r, race), "quiet": r.quiet})
    return [Claim("race.noise", {"sigma": race.noise, "steps": race.steps, "seed": NOISE_SEED}),
            Claim("race.noise_effect", {**split, "deep": len(s.minima) > len(s.global_minima)})]


def note_claims(race: Race, ins: Inside | None, k: int, values: Mapping[str, Any]) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet."""
    noise = noise_claims(race)  # what the noise did, then how it is made: two bullets
    bullets = [says.start_claims(race), says.race_claims(race), rate_claims(race, values), noise[1:], noise[:1],
               says.surface_claims(race.surface), says.inside_claims(race, ins, k)]
    return [b for b in bullets if b]


def notes(race: Race, ins: Inside | None, k: int, values: Mapping[str, Any]) -> list[str]:
    """The "What to notice" bullets with the race's live numbers (:func:`note_claims` in words)."""
    return [say(b) for b in note_claims(race, ins, k, values)]
