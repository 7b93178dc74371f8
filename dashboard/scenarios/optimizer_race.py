"""Compute for "Which optimizer reaches the bottom first?": seven optimizers race on a surface.

Every optimizer of :data:`dashboard.registry.OPTIMIZERS` runs from one start point on one
surface of :mod:`core.surfaces`, at each of the :data:`RATES` (the rate sliders' values), in
one computation (:func:`core.surfaces.race`: one loop over the steps, one gradient per step
for all 7 x 41 runs). A racer's run is then read from there: at its slider's rate, or, when
"tuned", at its best rate (:func:`core.outcomes.fastest`: the first to arrive at the minimum,
else, where no rate arrives, the lowest final loss). So tuning is the sweep itself, not a search.

With gradient noise σ > 0, every step's gradient gets σ_t ξ_t added (:func:`fading`): ξ_t one standard-normal
draw per step (seed :data:`NOISE_SEED`), the same for every racer and every rate of the sweep (a fair race, as if
all were fed the same mini-batches), and σ_t fading linearly to 0 at the run's middle, so every run ends on
the exact gradient and its verdict (read over the run's last tenth) describes where the run settled, not the
noise. What the noise changed is read against the noise-free sweep at the same rate (:func:`noise_claims`).

What each run did is :func:`core.outcomes.classify`'s verdict: "arrived" means near the
surface's global minimizer in distance and in height, each relative to the start, from that
step to the end; "the winner" is the racer that arrived in the fewest steps, and there is none
when no racer arrived.

:func:`compute` is a plain function of the scenario; :func:`cached_race` is its cached
wrapper (shared across sessions: it depends on the controls only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import outcomes, surfaces, trajectory
from dashboard import paths, registry, verdicts
from dashboard.cache import scenario_cache
from dashboard.controls import log_options
from dashboard.formatting import fmt, latex_power
from dashboard.headline import Headline, whole
from dashboard.verdicts import Claim, say, template

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
ADAM_CONFUSION = ("Adam does not scale a weight's step by how often that weight is updated: here both coordinates "
                  "get a gradient at every step. It divides each coordinate's average gradient by the size of its "
                  "gradients over about 1/(1 − β₂) steps, so a coordinate whose gradients were large long ago "
                  "still takes small steps.")


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
    """All seven optimizers at all the rates, in one :func:`core.surfaces.race` (with the shared, fading
    gradient noise of σ = ``noise``)."""
    s = surfaces.get(surface)
    begin = s.start if start is None else np.asarray(start, dtype=np.float64)
    lrs = rates()
    runs = surfaces.race(s, optimizers=[build(k, mu, beta1, beta2) for k in RACERS], lrs=[lrs] * len(RACERS),
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
class Race:
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
    window: tuple[float, float, float, float]
    cell: tuple[float, float]
    bands: pd.DataFrame
    paths: pd.DataFrame
    exits: pd.DataFrame
    curves: pd.DataFrame
    diverged: pd.DataFrame
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


def table_markdown(race: Race) -> str:
    """The race's table as Markdown (cheaper for the browser to redraw than a data grid)."""
    rows = ["| Optimizer | Learning rate | Settings | Steps to arrive | Final f − min | Result |",
            "|---|---:|---|---:|---:|---|"]
    for row in race.table.itertuples(index=False):
        steps = "" if pd.isna(row[3]) else f"{int(row[3])}"
        # A diverged racer has no final gap (its Result says where it went): a dash, not ∞.
        rows.append(f"| {row[0]} | {row[1]} | {row[2]} | {steps} | {fmt(float(row[4]))} | {row[5]} |")
    return "\n".join(rows)


def stationary_points(s: surfaces.Surface) -> tuple[np.ndarray, tuple[str, ...]]:
    """The surface's stationary points other than its global minima, and their names: a run that
    stalls at one is said to have stopped there."""
    local = s.minima[len(s.global_minima):]
    names = ["the other, shallower minimum" if len(local) == 1 else f"local minimum {i + 1}" for i in range(len(local))]
    names += ["the saddle point" if len(s.saddles) == 1 else f"saddle point {i + 1}" for i in range(len(s.saddles))]
    return np.vstack([local.reshape(-1, 2), s.saddles.reshape(-1, 2)]), tuple(names)


NO_RACER_NOTE = "With no optimizer switched on, gradient descent races alone."


def racing(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of the optimizers switched on, in menu order (at least one: gradient descent)."""
    keys = tuple(k for k in RACERS if values.get(f"run_{k}"))
    return keys or ("sgd",)


def start_of(values: Mapping[str, Any]) -> tuple[float, float] | None:
    """The start point the controls ask for (None: the surface's suggested start)."""
    return (float(values["x0"]), float(values["y0"])) if values["own_start"] else None


def compute(values: Mapping[str, Any]) -> Race:
    """The race of the controls ``values`` (``DEFAULTS``' keys); bad values raise ValueError."""
    surface = values["surface"]
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}; got {surface!r}")
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


def winner(race: Race) -> Racer | None:
    """The racer that arrived in the fewest steps (ties: the lower final height), None when none arrived."""
    arrived = [r for r in race.racers if r.outcome.arrived]
    return min(arrived, key=lambda r: (r.arrived_at, r.final_gap)) if arrived else None


# --------------------------------------------------------------------------- one optimizer's insides
INSIDE_ROWS = 300  # steps drawn of the internals (evenly spaced; every one below this)
QUANTITIES = {  # state name in core.surfaces.internals -> (row title, transform)
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
    name -> (steps, 2) arrays of every step, as :func:`core.surfaces.internals` gives them."""

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
    full = surfaces.internals(race.surface, optimizer=opt, lr=racer.rate, steps=race.steps,
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
def _num(value: float) -> str:
    """A float as Python reads it back as a float: '0.9', '1e-05', '0.0' (never '0', an int, which torch's
    Adam refuses among its betas)."""
    text = f"{float(value):g}"
    return text if any(c in text for c in ".en") else text + ".0"


def _less(value: float) -> str:
    """'- 1.5' or '+ 1': a shift written as people write it (never '- -1')."""
    return f"- {_num(value)}" if value >= 0 else f"+ {_num(-value)}"


def torch_formula(surface: str) -> str:
    """The surface as a PyTorch expression in x and y, with its parameters' values."""
    p = surfaces.get(surface).params
    if surface == "rosenbrock":
        return f"({_num(p['a'])} - x) ** 2 + {_num(p['b'])} * (y - x ** 2) ** 2"
    if surface == "bowl":
        return f"0.5 * ({_num(p['a'])} * x ** 2 + {_num(p['b'])} * y ** 2)"
    if surface == "saddle":
        return f"x ** 2 - y ** 2 + {_num(p['quartic'])} * y ** 4"
    if surface == "plateau":
        return f"1 - torch.exp(-(x ** 2 + y ** 2) / (2 * {_num(p['width'])} ** 2))"
    if surface == "two_minima_2d":
        (a, b), (c, d) = surfaces._WELL_CENTERS
        (h1, h2), w = surfaces._WELL_DEPTHS, surfaces._WELL_WIDTH
        return (f"{_num(0.5 * surfaces._BOWL_CURVATURE)} * (x ** 2 + y ** 2)"
                f" - {_num(h1)} * torch.exp(-((x {_less(a)}) ** 2 + (y {_less(b)}) ** 2) / {_num(2 * w * w)})"
                f" - {_num(h2)} * torch.exp(-((x {_less(c)}) ** 2 + (y {_less(d)}) ** 2) / {_num(2 * w * w)})")
    m, s = p["x_mean"], p["x_std"]
    return (f"{_num(s * s + m * m)} * (x - {_num(p['slope'])}) ** 2 + {_num(2 * m)} * (x - {_num(p['slope'])})"
            f" * (y - {_num(p['intercept'])}) + (y - {_num(p['intercept'])}) ** 2 + {_num(p['noise'] ** 2)}")


def torch_code(race: Race, values: Mapping[str, Any], key: str) -> str:
    """PyTorch code that makes racer ``key``'s run: the same surface, start, rate, settings and steps, and with
    gradient noise the same draw (numpy's, seed :data:`NOISE_SEED`) added to the gradient, fading as the race's."""
    racer = next(r for r in race.racers if r.key == key)
    entry = registry.OPTIMIZERS[key]
    args = entry.torch_arguments(_num(racer.rate), {"momentum": _num(values["mu"]),
                                                    "betas": f"({_num(values['beta1'])}, {_num(values['beta2'])})"})
    start = ", ".join(_num(v) for v in race.start)
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
        *([f"sigma = {_num(race.noise)}  # the gradient noise, fading to 0 half-way through the run",
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


# --------------------------------------------------------------------------- texts
SURFACE_NOTES = {
    "rosenbrock": "The valley floor bends along y = x²: a step that follows the gradient across the valley overshoots "
                  "its walls, while the way to the minimum at (1, 1) runs along the nearly flat floor.",
    "bowl": "The bowl is ten times steeper in y than in x (condition number 10): one rate has to suit both "
            "directions. Per-coordinate methods (AdaGrad, RMSprop, Adam) rescale each direction instead; whether "
            "that pays on a bowl this mild is what the race shows.",
    "saddle": "The origin is a saddle: downhill along y, uphill along x. A run that starts almost on the x axis "
              "slides to the saddle first; only the small y component grows it away, slowly for gradient descent.",
    "plateau": "Far from the well the surface is almost flat: the gradient is tiny, so plain steps crawl, while "
               "methods that divide by the gradient's own size keep a steady pace.",
    "two_minima_2d": "Two wells of different depths: which one a run ends in depends on its path, not only on its "
                     "start. Only the deeper, global minimum counts as arriving.",
}
STILL = 1e-12  # a start whose gradient is below this times its height (at least 1) is a stationary point


def start_claims(race: Race) -> list[Claim]:
    """As claims (:class:`dashboard.verdicts.Claim`): "race.at_minimum" when the race starts on a global
    minimizer (with the racers that did not stay there: AdamW, whose weight decay needs no gradient),
    "race.stationary" when it starts on another point where the gradient is zero (below :data:`STILL`
    times the start's height, at least 1), nothing otherwise."""
    s = surfaces.get(race.surface)
    start = np.asarray(race.start)
    gradient = float(np.linalg.norm(s.grad(start)))
    if gradient > STILL * max(1.0, abs(float(s.value(start)))):
        return []
    if any(np.allclose(start, m) for m in s.global_minima):
        # AdamW's decoupled weight decay moves the weights with no gradient at all: off a minimum away from 0
        left = [r.label for r in race.racers if not (r.outcome.arrived and r.outcome.step == 0)]
        return [Claim("race.at_minimum", {"start": race.start, "gradient": gradient, "left": left})]
    return [Claim("race.stationary", {"start": race.start, "gradient": gradient})]


def stationary_start(race: Race) -> str | None:
    """A sentence when the race starts where the gradient is zero (every racer then stays put), else None."""
    return say(start_claims(race)) or None


def _run(r: Racer, race: Race) -> dict[str, Any]:
    """A racer's values in a claim: its name, rate, and what its run did (core.outcomes' verdict, with the
    run's length and the names of the surface's other stationary points, to say it in words)."""
    return {"key": r.key, "label": r.label, "rate": r.rate, "tuned": r.tuned, "outcome": r.outcome,
            "steps": race.steps, "places": race.places}


def _did(v: Mapping[str, Any]) -> str:
    return verdicts.outcome_text(v["outcome"], v["steps"], v["places"])


def race_claims(race: Race) -> list[Claim]:
    """Who won, as claims: "race.first" (the racer that arrived in the fewest steps, :func:`winner`) then
    "race.others" (what each other racer did) when there are others; or "race.nobody" with every
    racer's verdict when none arrived."""
    first = winner(race)
    if first is None:
        return [Claim("race.nobody", {"steps": race.steps, "runs": [_run(r, race) for r in race.racers]})]
    claims = [Claim("race.first", _run(first, race))]
    others = [_run(r, race) for r in race.racers if r is not first]
    if others:
        claims.append(Claim("race.others", {"runs": others}))
    return claims


def rate_claims(race: Race, values: Mapping[str, Any]) -> list[Claim]:
    """How the rates were chosen: "race.tuned" (each at its best rate of the grid; the racers none of whose
    rates arrived are named) or "race.slider_rates"."""
    if not values["tuned"]:
        return [Claim("race.slider_rates")]
    return [Claim("race.tuned", {"rates": int(rates().size), "low": RATE_LOW, "high": RATE_HIGH,
                                 "unarrived": [r.label for r in race.racers if r.tuned and not r.outcome.arrived]})]


def surface_claims(surface: str) -> list[Claim]:
    """What the surface is for: "race.valley" for a line fit's MSE (its condition number, the least-squares
    line and gradient descent's critical rate), "race.surface" for the others."""
    s = surfaces.get(surface)
    if surface == "line_fit":
        return [Claim("race.valley", {"condition": s.facts["condition_number"], "critical": s.facts["critical_lr"],
                                      "slope": s.params["slope"], "intercept": s.params["intercept"]})]
    return [Claim("race.surface", {"surface": surface})]


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
                {**_run(r, race), "quiet": r.quiet})
    return [Claim("race.noise", {"sigma": race.noise, "steps": race.steps, "seed": NOISE_SEED}),
            Claim("race.noise_effect", {**split, "deep": len(s.minima) > len(s.global_minima)})]


def inside_claims(race: Race, ins: Inside | None, k: int) -> list[Claim]:
    """What the inspected optimizer holds at the scrubber's step (none at step 0 or without one)."""
    if ins is None or k < 1:
        return []
    return [Claim("race.inside", {"label": ins.label, "step": min(k, race.steps),
                                  "quantities": [(title, x, y) for title, (x, y) in ins.at(k).items()]})]


def note_claims(race: Race, ins: Inside | None, k: int, values: Mapping[str, Any]) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet."""
    noise = noise_claims(race)  # what the noise did, then how it is made: two bullets
    bullets = [start_claims(race), race_claims(race), rate_claims(race, values), noise[1:], noise[:1],
               surface_claims(race.surface), inside_claims(race, ins, k)]
    return [b for b in bullets if b]


def notes(race: Race, ins: Inside | None, k: int, values: Mapping[str, Any]) -> list[str]:
    """The "What to notice" bullets with the race's live numbers (:func:`note_claims` in words)."""
    return [say(b) for b in note_claims(race, ins, k, values)]


def surface_note(surface: str) -> str:
    """What the surface is for, with its numbers."""
    return say(surface_claims(surface))


@template("race.at_minimum")
def _(v):
    if not v["left"]:
        return ("The race starts at the minimum itself: the gradient there is zero, so every racer has arrived "
                "before its first step. Move the start to see a race.")
    return ("The race starts at the minimum itself: the gradient there is zero, so every racer that only follows "
            f"the gradient has arrived before its first step. {', '.join(v['left'])} "
            f"{'leaves' if len(v['left']) == 1 else 'leave'} it all the same: decoupled weight decay shrinks the "
            "weights towards 0 at every step, gradient or not. Move the start to see a race.")


@template("race.stationary")
def _(v):
    return ("The race starts where the gradient is zero (a stationary point that is not the minimum), so no racer "
            "that follows the gradient ever moves. Move the start a little to see which way each one leaves.")


@template("race.first")
def _(v):
    return f"**{v['label']}** arrives first, at step **{v['outcome'].step}** (η = {v['rate']:g})."


@template("race.others")
def _(v):
    return "The others: " + "; ".join(f"{r['label']} {_did(r)}" for r in v["runs"]) + "."


@template("race.nobody")
def _(v):
    return (f"No racer arrives at the minimum in {v['steps']} steps: "
            + "; ".join(f"{r['label']} {_did(r)}" for r in v["runs"]) + ".")


@template("race.tuned")
def _(v):
    return (f"Each racer runs at its own best rate: of {v['rates']} rates from {v['low']:g} to {v['high']:g}, the "
            "one that arrived first, found in the same computation as the race"
            + (f" ({', '.join(v['unarrived'])}: no rate arrived, so the one that ended lowest)" if v["unarrived"] else "")
            + ". The preset \"Tuned momentum against an untuned Adam\" shows what a badly chosen rate costs.")


@template("race.slider_rates")
def _(v):
    return ("Each racer runs at its slider's rate. Switch \"tuned\" on to give each its best rate: the "
            "comparison is only fair between tuned optimizers.")


@template("race.valley")
def _(v):
    return (f"The MSE of a line over its slope and intercept, for x between 0 and 10: a long, tilted valley "
            f"(condition number {fmt(v['condition'], 3)}), whose floor is the least-squares line "
            f"(slope {fmt(v['slope'])}, intercept {fmt(v['intercept'])}). Plain gradient descent diverges above "
            f"η = {fmt(v['critical'], 3)}.")


def _names(labels: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


@template("race.noise")
def _(v):
    return (f"Gradient noise σ = {fmt(v['sigma'])}: every step's gradient gets σₜ·ξₜ added, ξₜ one standard-normal "
            f"draw per step (seed {v['seed']}) that every racer and every rate tried receives alike, as if all were "
            f"fed the same mini-batches. σₜ fades from σ to 0 at step {v['steps'] // 2}, half-way, so every run "
            "ends on the exact gradient and its verdict says where it settled.")


@template("race.noise_effect")
def _(v):
    goal = "the deep minimum" if v["deep"] else "the minimum"
    parts = [f"The noise brings {r['label']} to {goal}: at the same rate without it, {r['label']} "
             + verdicts.outcome_text(r["quiet"], r["steps"], r["places"]) + "." for r in v["moved"]]
    if v["kept"]:
        kept = [r["label"] for r in v["kept"]]
        parts.append(f"{_names(kept)} {'reaches' if len(kept) == 1 else 'reach'} {goal} with the noise and "
                     "without it.")
    parts += [f"The noise keeps {r['label']} from {goal}, which it reaches at the same rate without it "
              f"(at step {r['quiet'].step})." for r in v["lost"]]
    if not (v["moved"] or v["kept"] or v["lost"]):
        parts.append(f"No racer reaches {goal}, with the noise or without it.")
    return " ".join(parts)


@template("race.surface")
def _(v):
    return SURFACE_NOTES[v["surface"]]


@template("race.inside")
def _(v):
    return (f"Inside **{v['label']}** at step {v['step']}: "
            + "; ".join(f"{title} ({fmt(x)}, {fmt(y)})" for title, x, y in v["quantities"]) + ".")


def headline_claims(race: Race) -> list[Claim]:
    """The headlines' verdicts as claims: "race.head_first" (the winner, :func:`winner`) or
    "race.head_nobody", then one "race.head_run" per racer (its rate and what its run did)."""
    first = winner(race)
    top = (Claim("race.head_first", _run(first, race)) if first else
           Claim("race.head_nobody", {"steps": race.steps}))
    return [top] + [Claim("race.head_run", _run(r, race)) for r in race.racers]


def headlines(race: Race) -> list[Headline]:
    """The winner's steps, then each racer's steps to arrive (compared with a pinned racer of the
    same optimizer): each headline's tooltip is its claim in words (:func:`headline_claims`)."""
    top, *runs = headline_claims(race)
    first = top.values if top.kind == "race.head_first" else None
    heads = [Headline(f"First: {first['label']}" if first else "First to arrive",
                      verdicts.short_text(first["outcome"]) if first else "nobody", say([top]),
                      value=first["outcome"].step if first else None, change=whole, better="lower", key="winner")]
    for claim in runs:
        outcome = claim.values["outcome"]
        heads.append(Headline(claim.values["label"], verdicts.short_text(outcome), say([claim]),
                              value=outcome.step if outcome.arrived else None, change=whole, better="lower",
                              key=claim.values["key"]))
    return heads


@template("race.head_first")
def _(v):
    return "The fewest steps any racer needed to arrive."


@template("race.head_nobody")
def _(v):
    return f"No racer arrived at the minimum in {v['steps']} steps."


@template("race.head_run")
def _(v):
    return f"η = {v['rate']:g}{' (its best rate)' if v['tuned'] else ''}: {_did(v)}."


def math_blocks(race: Race, key: str) -> list[tuple[str, str]]:
    """The racers' update rules (torch.optim's), and the race's finish line."""
    rows = [(f"**{registry.OPTIMIZERS[r.key].label}** (torch.optim's update, $g_t$ the gradient at step $t$):",
             registry.OPTIMIZERS[r.key].latex) for r in race.racers]
    rows.append((f"The finish line: {verdicts.ARRIVED_RULE} (θ* the minimizer, f* the minimum):",
                 rf"\lVert \theta_t - \theta^* \rVert \le {outcomes.ARRIVE_DISTANCE:g}\,\lVert \theta_0 - \theta^* \rVert"
                 rf"\quad\text{{and}}\quad f(\theta_t) - f^* \le {latex_power(outcomes.ARRIVE_GAP)}\,\bigl(f(\theta_0) - f^*\bigr)"
                 rf" = {fmt(race.arrive_gap, 3)}"))
    if race.noise > 0.0:
        rows.append((f"The gradient each racer is given, with noise σ = {fmt(race.noise)} (ξₜ standard normal, the "
                     "same draw for every racer):",
                     rf"g_t = \nabla f(\theta_{{t-1}}) + \sigma\,\max\Bigl(0,\ 1 - \frac{{2t}}{{{race.steps}}}\Bigr)\,\xi_t"))
    return rows
