"""Compute of the learning-rate page: three runs on a loss valley and a sweep of 100 rates.

The problem is a one-feature least-squares fit ``y_hat = w x + b`` to a seeded noisy line
(:func:`core.datasets.line_with_outliers` without outliers). Its x lies in [0, 10], not
around 0, so the MSE valley over (w, b) is long and narrow (the Hessian's eigenvalues differ
by a factor of about 165): the steep direction fixes the largest stable rate, the flat one
makes every stable rate slow. ``center=True`` subtracts the mean of x, which makes the
valley much rounder (a factor of about 8.5).

Pure functions (``problem``, ``train``, ``three_runs``, ``sweep``, ...) are testable without
Streamlit; the ``cached_*`` wrappers are what the page calls. What each control recomputes:

- :func:`train` runs the sweep's 100 rates and every value of the rate sliders in one
  vectorized call per optimizer, schedule, run length and centering; moving a rate slider
  reads its run from there (the same numbers, bit for bit) and trains nothing;
- with a constant rate, a shorter run is the start of a longer one (:meth:`Training.prefix`),
  so after one long training the steps slider trains nothing either (:func:`cached_training`);
- :func:`three_runs` lays out what is drawn of the three chosen runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, landscape, optimizers, schedules, training
from core import outcomes as run_outcomes
from core import trajectory as core_trajectory
from core.trajectory import Trajectory
from dashboard import paths, registry
from dashboard.cache import scenario_cache
from dashboard.controls import log_options, snap
from dashboard.formatting import fmt, pct
from dashboard.headline import Headline, whole
from dashboard.palette import RATE_ROLES
from dashboard.verdicts import Claim, say, template

ROLES: tuple[str, ...] = tuple(RATE_ROLES)  # "too small", "good", "too large"
_ROLE_DTYPE = pd.CategoricalDtype(list(ROLES))
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
SCHEDULES: tuple[str, ...] = ("constant", "step", "exponential", "cosine", "warmup")
MOMENTUM = registry.OPTIMIZERS["momentum"].defaults["momentum"]  # the momentum run's mu

# The learning-rate range of the sliders and of the sweep (the lesson's 0.00001 to 1.0 and beyond).
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 1e-5, 10.0, 10
SWEEP_SIZE = 100
STEPS_RANGE = (10, 1000)  # the steps slider: updates per run
# The link's keys. The three rates follow the rule of default_rates() (a test holds them to it):
# about 0.1x and 0.8x plain GD's critical rate 0.0259, and the first option above 1.05x it.
DEFAULTS = {"small": 0.0025, "good": 0.02, "large": 0.032, "opt": "sgd", "sched": "constant", "steps": 300,
            "center": False}

DATA = dict(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0, x_range=(0.0, 10.0), seed=0)

GRID = 100  # contour cells per side: 10,000 cells, drawn as about 400 rectangles (paths.bands)
WITHIN = 1.01  # "within 1% of the optimum"
# ... unless 1% of the optimum is below round-off (a line through every point has an optimum of
# about 1e-28): then "within" means within a millionth of the start's gap, which no run of a
# float64 descent misses for lack of digits, and which the default data never reaches (there 1%
# of the optimum is 0.0117, a millionth of the gap 0.00013).
WITHIN_FLOOR = 1e-6
# A valley is "long and narrow" from this condition number: a step at the critical rate then
# removes at most 2/κ = 10% of the error along the floor, a crawl. (The built-in line's is 165;
# centered, 9.)
NARROW_CONDITION = 20.0
ADAM_CONFUSION = ("Adam divides each weight's step by the size of that weight's recent gradients, not by how "
                  "often the weight is updated: here both weights get a gradient on every step.")
GROWTH_STEPS = 10  # a run's growth per step is measured over its last ten steps


# ------------------------------------------------------------------------------ the problem


@dataclass(frozen=True, eq=False)
class Problem:
    """The data and the facts of its MSE valley.

    Attributes:
        x, y: arrays (n,): the feature (centered if ``center``) and the targets.
        center: whether x was centered.
        critical: 2 / lambda_max, plain GD's largest stable constant rate.
        lam_max, lam_min: the Hessian's eigenvalues (the valley's steepest and flattest curvature).
        optimum: (w*, b*) from the normal equation.
        optimum_loss: the MSE at the optimum.
        start_loss: the MSE at the start (w, b) = (0, 0).
        x_mean: mean of the raw x (before any centering).
    """

    x: np.ndarray
    y: np.ndarray
    center: bool
    critical: float
    lam_max: float
    lam_min: float
    optimum: tuple[float, float]
    optimum_loss: float
    start_loss: float
    x_mean: float

    @property
    def X(self) -> np.ndarray:
        return self.x[:, None]

    @property
    def condition(self) -> float:
        """lambda_max / lambda_min: how elongated the valley is."""
        return self.lam_max / self.lam_min

    @property
    def narrow(self) -> bool:
        """A long, narrow valley: condition number at least :data:`NARROW_CONDITION`."""
        return self.condition >= NARROW_CONDITION

    @property
    def within_gap(self) -> float:
        """How far above the optimum a loss may be to count as "within 1%":
        ``max((WITHIN - 1) J*, WITHIN_FLOOR (J(0) - J*))``."""
        return max((WITHIN - 1.0) * self.optimum_loss, WITHIN_FLOOR * (self.start_loss - self.optimum_loss))

    @property
    def target_loss(self) -> float:
        """The loss a run must reach to be "within 1% of the optimum" (see :attr:`within_gap`)."""
        return self.optimum_loss + self.within_gap

    @property
    def exact_fit(self) -> bool:
        """The line passes through the points up to round-off: 1% of the optimum is below the floor."""
        return (WITHIN - 1.0) * self.optimum_loss < WITHIN_FLOOR * (self.start_loss - self.optimum_loss)

    @property
    def momentum_critical(self) -> float:
        """2 (1 + mu) / lambda_max: the stable limit of heavy-ball momentum mu (full batch, constant rate)."""
        return 2.0 * (1.0 + MOMENTUM) / self.lam_max

    @property
    def hessian(self) -> np.ndarray:
        return landscape.hessian_mse(self.X)


def problem(center: bool = False) -> Problem:
    """The built-in line's valley (``DATA``)."""
    data = datasets.line_with_outliers(**DATA)
    return _problem(data.x, data.y, center)


# A learner's own data is mapped linearly onto the built-in line's ranges, so that the sliders'
# rates mean what they mean there: the critical rate depends on the size of x, and Adam's
# steps on the size of the weights.
UPLOAD_X, UPLOAD_Y = (0.0, 10.0), (0.0, 20.0)


def _onto(values: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return span[0] + (values - low) * ((span[1] - span[0]) / (high - low))


def upload_problem(points, center: bool = False) -> Problem:
    """The valley of a learner's own points (``dashboard.upload.Points``), x mapped onto [0, 10]
    and y onto [0, 20]; trained on four moment-matched points (``core.datasets.moment_matched``),
    which give every full-batch run exactly the losses of all n."""
    x4, y4 = datasets.moment_matched(_onto(points.x, UPLOAD_X), _onto(points.y, UPLOAD_Y))
    return _problem(x4, y4, center)


def upload_training(points, optimizer: str, schedule: str, steps: int, center: bool) -> tuple[Problem, Training]:
    """The valley of a learner's points and the sweep's training on it (see :func:`train`)."""
    prob = upload_problem(points, center)
    return prob, train(optimizer, schedule, steps, center, prob=prob)


def _problem(x_raw: np.ndarray, y: np.ndarray, center: bool) -> Problem:
    x_mean = float(x_raw.mean())
    x = x_raw - x_mean if center else x_raw
    X = x[:, None]
    eig = np.linalg.eigvalsh(landscape.hessian_mse(X))
    w, b = closed_form.normal_equation(X, y)
    return Problem(
        x=x,
        y=y,
        center=bool(center),
        critical=landscape.critical_learning_rate(X),
        lam_max=float(eig[-1]),
        lam_min=float(eig[0]),
        optimum=(float(w), float(b)),
        optimum_loss=float(training.objective(np.array([w, b]), X, y)),
        start_loss=float(training.objective(np.zeros(2), X, y)),
        x_mean=x_mean,
    )


def rate_options() -> list[float]:
    """The values of the three learning-rate sliders (and the ends of the sweep)."""
    return log_options(RATE_LOW, RATE_HIGH, RATE_PER_DECADE)


def default_rates() -> dict[str, float]:
    """Slider defaults that crawl, converge and diverge for plain GD on the default data.

    About 0.1x and 0.8x the critical rate, and the first slider value at least 1.05x it
    (so rounding onto the slider never lands a "too large" default below the cliff).
    """
    crit = cached_problem(False).critical
    opts = rate_options()
    return {
        "too small": snap(opts, 0.1 * crit),
        "good": snap(opts, 0.8 * crit),
        "too large": min(o for o in opts if o >= 1.05 * crit),
    }


def sweep_rates() -> np.ndarray:
    return np.geomspace(RATE_LOW, RATE_HIGH, SWEEP_SIZE)


# ------------------------------------------------------------------------ optimizer, schedule


def make_optimizer(name: str) -> optimizers.Optimizer:
    """Plain GD (``sgd``), GD with momentum 0.9 (``momentum``) or Adam with torch's defaults."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}")
    return registry.OPTIMIZERS[name].build()


def make_schedule(name: str, base: float | np.ndarray, steps: int) -> schedules.Schedule:
    """The schedule ``name`` with base rate ``base`` (a float or an array of one rate per run).

    Its settings follow the run's length (:data:`dashboard.registry.SCHEDULES`), so its shape never
    changes: step decay divides by 10 after each third of the run (the lesson's 0.1 -> 0.01 ->
    0.001), exponential decay ends 100 times smaller, cosine reaches 0 at the end, warmup ramps
    up from 0.1 eta over the first tenth.
    """
    if name not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {name!r}")
    return registry.SCHEDULES[name].build(base, steps)


def schedule_shape(name: str, steps: int) -> pd.DataFrame:
    """The rate at each step as a fraction of the slider's rate: columns step, factor."""
    t = np.arange(steps)
    return pd.DataFrame({"step": t, "factor": make_schedule(name, 1.0, steps)(t)})


def _fit(prob: Problem, rates: np.ndarray, optimizer: str, schedule: str, steps: int) -> Trajectory:
    return training.fit_linear(
        prob.X, prob.y, loss="mse", optimizer=make_optimizer(optimizer),
        lr=make_schedule(schedule, np.asarray(rates, dtype=np.float64), steps), steps=steps,
    )


# ------------------------------------------------------------------------------ three runs


@dataclass(frozen=True)
class RunSummary:
    role: str
    rate: float
    diverged_at: int  # -1: never
    steps_to_1pct: int  # -1: never within 1% of the optimum
    final_loss: float  # inf when diverged
    growth: float = 1.0  # loss factor per step over the last GROWTH_STEPS steps (above 1: blowing up)

    @property
    def diverged(self) -> bool:
        return self.diverged_at >= 0

    @property
    def converged(self) -> bool:
        return self.steps_to_1pct >= 0

    def contradiction(self, fastest: bool) -> str:
        """What the run did against what its slider's name promised ('' when the name fits).

        The names are the lesson's (a too-small, a good, a too-large rate), but an optimizer,
        a schedule or centering can turn a rate's fate around: the run is then named by what
        it did as well.
        """
        if self.role == "too large" and not self.blowing_up:
            return "now stable, and the fastest" if fastest else "now stable"
        if self.role == "too small" and self.blowing_up:
            return "now diverges" if self.diverged else "now blowing up"
        if self.role == "too small" and self.converged:
            return "now the fastest" if fastest else "now converges"
        if self.role == "good" and self.blowing_up:
            return "now diverges" if self.diverged else "now blowing up"
        if self.role == "good" and not self.converged:
            return "now too slow"
        return ""

    @property
    def blowing_up(self) -> bool:
        """Diverged, or its loss still growing at the end (a few steps may not reach the cut-off) by more
        than round-off: a run sitting at the optimum wobbles by 1e-14 a step, which is not growth."""
        return self.diverged or self.growth > 1.0 + run_outcomes.EQUAL_RTOL


@dataclass(frozen=True, eq=False)
class Runs:
    """The three runs and everything drawn of them.

    Attributes:
        summaries: one per role, in ROLES order.
        window: (w_low, w_high, b_low, b_high) of the contour plot.
        surface: columns w, b, loss, level (loss rounded down to a quarter decade) on a
            GRID x GRID grid of cell centres; ``cell`` is the (dw, db) size of a cell.
        paths: columns role, label, step, w, b, loss (thinned; a diverged run ends at the
            first point outside the window), the "too small" run last so it is drawn on top.
        exits: columns role, label, step, w, b: where a path first leaves the window.
        curves: columns role, label, rate, step, loss, excess (= loss - optimum loss; finite
            values up to divergence).
        labels: role -> legend label with the rate.
        table: one row per run: role, label, lr, final_loss, diverged, diverged_at,
            steps_to_1pct, outcome.
        diverged: columns role, label, step: one row per diverged run.
    """

    summaries: tuple[RunSummary, ...]
    window: tuple[float, float, float, float]
    cell: tuple[float, float]
    surface: pd.DataFrame
    paths: pd.DataFrame
    exits: pd.DataFrame
    curves: pd.DataFrame
    labels: dict[str, str]

    table: pd.DataFrame
    diverged: pd.DataFrame


def _runs_table(summaries: tuple[RunSummary, ...], labels: dict[str, str], exact_fit: bool) -> pd.DataFrame:
    diverged_at = [s.diverged_at for s in summaries]
    steps_to_1pct = [s.steps_to_1pct for s in summaries]
    return pd.DataFrame({
        "role": [s.role for s in summaries],
        "label": [labels[s.role] for s in summaries],
        "lr": [s.rate for s in summaries],
        "final_loss": [s.final_loss for s in summaries],
        "diverged": [s.diverged for s in summaries],
        "diverged_at": diverged_at,
        "steps_to_1pct": steps_to_1pct,
        "outcome": outcomes(np.array(diverged_at), np.array(steps_to_1pct), exact_fit),
    })


def outcomes(diverged_at: np.ndarray, steps_to_1pct: np.ndarray, exact_fit: bool = False) -> list[str]:
    """Each run's result in words, for tooltips (``exact_fit``: :attr:`Problem.exact_fit`)."""
    near = reached_words(exact_fit)
    return [f"diverged at step {d}" if d >= 0 else f"{near} at step {k}" if k >= 0 else f"not {near}"
            for d, k in zip(diverged_at, steps_to_1pct)]


def reached_words(exact_fit: bool) -> str:
    """What "arrived" is called: within 1% of the optimum, or, where that is below round-off
    (:attr:`Problem.exact_fit`), at it to a millionth of the start's gap."""
    return "at the optimum (to a millionth of the start's gap)" if exact_fit else "within 1% of the optimum"


def role_label(role: str, rate: float, contradiction: str = "") -> str:
    """The run's name in legends and metrics: 'too large (η=0.032)', 'too large (η=0.032), now stable'."""
    return f"{role} (η={rate_text(rate)})" + (f", {contradiction}" if contradiction else "")


def _fastest(summaries) -> str | None:
    """The role of the run that got within 1% first (None if none did, or two tied: a run is not
    "the fastest" beside one that arrived at the same step)."""
    done = sorted((s for s in summaries if s.converged), key=lambda s: s.steps_to_1pct)
    if not done or (len(done) > 1 and done[1].steps_to_1pct == done[0].steps_to_1pct):
        return None
    return done[0].role


def _surface(prob: Problem, window) -> tuple[pd.DataFrame, tuple[float, float]]:
    columns, cell = paths.mse_bands(prob.x, prob.y, window, GRID)
    names = {"x": "w", "y": "b", "value": "loss"}  # this view's column names
    return pd.DataFrame({names.get(k, k): v for k, v in columns.items()}), cell


def three_runs(rates: tuple[float, float, float], optimizer: str, schedule: str, steps: int,
               center: bool = False, trained: Training | None = None, prob: Problem | None = None) -> Runs:
    """Train the three rates (too small, good, too large) together and lay out what is drawn.

    With ``trained`` (the :func:`train` of the same optimizer, schedule, steps and center),
    rates that are slider values are read from it instead of trained again: the same numbers,
    bit for bit (each run of a vectorized call is computed on its own). ``prob``: another valley
    than the built-in line's (a learner's own data, :func:`upload_problem`).
    """
    prob = prob or cached_problem(center)
    traj = trained.runs(rates) if trained is not None else None
    if traj is None:
        traj = _fit(prob, np.asarray(rates, dtype=np.float64), optimizer, schedule, steps)
    to_1pct = traj.first_step_below(prob.target_loss)
    finals = traj.final_loss
    m = min(GROWTH_STEPS, steps)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = (traj.loss[-1] / traj.loss[-1 - m]) ** (1.0 / m)
    growth = np.where(np.isfinite(growth), growth, np.inf)  # a diverged run's loss is inf: it grows without end
    summaries = tuple(
        RunSummary(role=role, rate=float(rate), diverged_at=int(traj.diverged_at[r]),
                   steps_to_1pct=int(to_1pct[r]), final_loss=float(finals[r]), growth=float(growth[r]))
        for r, (role, rate) in enumerate(zip(ROLES, rates))
    )
    fastest = _fastest(summaries)
    labels = {s.role: role_label(s.role, s.rate, s.contradiction(s.role == fastest)) for s in summaries}

    window = paths.window(traj.params.reshape(-1, 2), traj.loss.reshape(-1), start_value=prob.start_loss,
                          anchors=np.array([[0.0, 0.0], prob.optimum]), square=True)
    surface, cell = _surface(prob, window)
    order = list(reversed(range(len(summaries))))  # "too small" last: drawn on top
    path_rows, exit_rows = paths.path_rows(traj.params, traj.loss, traj.diverged_at, window, order=order)
    curve_rows = paths.curve_rows(traj.loss, traj.diverged_at, order=order)

    # Categoricals: sent to the browser as small dictionaries. Their dtypes are made once
    # (pandas checks the categories each time it makes one).
    label_dtype = pd.CategoricalDtype([labels[role] for role in ROLES])

    def frame(rows: dict[str, np.ndarray], **more: np.ndarray) -> pd.DataFrame:
        names = {"x": "w", "y": "b", "value": "loss"}
        data = {names.get(k, k): v for k, v in rows.items() if k != "run"}
        run = rows["run"]
        return pd.DataFrame({"role": pd.Categorical.from_codes(run, dtype=_ROLE_DTYPE),
                             "label": pd.Categorical.from_codes(run, dtype=label_dtype), **data, **more})

    curve_frame = frame(curve_rows, rate=np.asarray(rates, dtype=np.float64)[curve_rows["run"]],
                        excess=curve_rows["value"] - prob.optimum_loss)
    exit_frame = frame(exit_rows)
    table = _runs_table(summaries, labels, prob.exact_fit)
    gone = [s for s in summaries if s.diverged]
    diverged = pd.DataFrame({"role": [s.role for s in gone], "label": [labels[s.role] for s in gone],
                             "step": np.array([s.diverged_at for s in gone], dtype=int)})
    return Runs(
        summaries=summaries, window=window, cell=cell, surface=surface,
        paths=frame(path_rows), exits=exit_frame, curves=curve_frame, labels=labels, table=table, diverged=diverged,
    )


# ------------------------------------------------------------------------------ the sweep


@dataclass(frozen=True, eq=False)
class Sweep:
    """Final loss of SWEEP_SIZE runs, one per learning rate, trained in one vectorized call.

    Attributes:
        table: columns lr, final_loss (inf when diverged), diverged, diverged_at,
            steps_to_1pct (-1 when never within 1%), outcome (that result in words).
        largest_stable: the largest swept rate that did not diverge (nan if none).
        smallest_diverged: the smallest swept rate that diverged (nan if none).
        best_lr, best_loss: the rate with the lowest final loss, and that loss.
    """

    table: pd.DataFrame
    largest_stable: float
    smallest_diverged: float
    best_lr: float
    best_loss: float

    @property
    def n_diverged(self) -> int:
        return int(self.table["diverged"].sum())


def _sweep(lrs: np.ndarray, finals: np.ndarray, diverged: np.ndarray, diverged_at: np.ndarray,
           steps_to_1pct: np.ndarray, exact_fit: bool) -> Sweep:
    table = pd.DataFrame({
        "lr": lrs,
        "final_loss": finals,
        "diverged": diverged,
        "diverged_at": diverged_at,
        "steps_to_1pct": steps_to_1pct,
        "outcome": np.array(outcomes(diverged_at, steps_to_1pct, exact_fit), dtype=object),
    })
    ok, bad = lrs[~diverged], lrs[diverged]
    best = int(np.argmin(np.where(np.isfinite(finals), finals, np.inf))) if np.isfinite(finals).any() else -1
    return Sweep(
        table=table,
        largest_stable=float(ok.max()) if ok.size else math.nan,
        smallest_diverged=float(bad.min()) if bad.size else math.nan,
        best_lr=float(lrs[best]) if best >= 0 else math.nan,
        best_loss=float(finals[best]) if best >= 0 else math.nan,
    )


@dataclass(frozen=True, eq=False)
class Training:
    """Every rate the page can show for one optimizer, schedule, run length and centering,
    trained in one vectorized call: the sweep's SWEEP_SIZE rates and every slider value.

    Moving a learning-rate slider then trains nothing: its runs are read from here. With a
    constant rate, a shorter run length is read from a longer training too (:meth:`prefix`).

    Attributes:
        schedule: the schedule's name.
        optimum_loss: the MSE at the optimum.
        target_loss: the MSE that counts as "within 1%" of it (:attr:`Problem.target_loss`).
        sweep: the sweep (the first SWEEP_SIZE runs).
        sweep_loss: array (steps + 1, SWEEP_SIZE), the sweep's loss at every step.
        sweep_diverged_at: int array (SWEEP_SIZE,), the sweep's divergence steps (-1: none).
        grid: the runs of the slider values :func:`rate_options`, in that order.
    """

    schedule: str
    optimum_loss: float
    target_loss: float
    sweep: Sweep
    sweep_loss: np.ndarray
    sweep_diverged_at: np.ndarray
    grid: Trajectory

    @property
    def steps(self) -> int:
        return self.grid.steps

    def runs(self, rates) -> Trajectory | None:
        """The runs of ``rates`` (in that order), or None when one of them is not a slider value."""
        try:
            cols = np.array([_GRID_INDEX[float(rate)] for rate in rates])
        except KeyError:
            return None
        return self.grid.select(cols)

    def prefix(self, steps: int) -> Training:
        """The same training stopped after ``steps`` updates, bit for bit, for a constant rate.

        Each update depends only on the one before and on the rate, so the first ``steps``
        updates of a longer run are the run of ``steps`` updates; a run that diverged later
        than ``steps`` has not diverged yet. (Every other schedule is scaled to the run length,
        so a shorter run of it is not the start of a longer one.)
        """
        if self.schedule != "constant":
            raise ValueError(f"only a constant-rate training has its shorter runs in it; this one is {self.schedule!r}")
        # Views of this training's arrays (never modified), so a shorter run costs no memory.
        grid = self.grid.prefix(steps)
        return _training(self.schedule, self.optimum_loss, self.target_loss, self.sweep_loss[: steps + 1],
                         core_trajectory.diverged_by(self.sweep_diverged_at, steps), grid)


_GRID_INDEX = {rate: k for k, rate in enumerate(rate_options())}


def _training(schedule: str, optimum_loss: float, target_loss: float, sweep_loss: np.ndarray,
              sweep_diverged_at: np.ndarray, grid: Trajectory) -> Training:
    # The sweep keeps its losses only (not its parameters): the numbers of core.trajectory on them.
    diverged = sweep_diverged_at >= 0
    finals = core_trajectory.final_loss(sweep_loss, sweep_diverged_at)
    steps_to_1pct = core_trajectory.first_step_below(sweep_loss, target_loss)
    return Training(schedule=schedule, optimum_loss=optimum_loss, target_loss=target_loss,
                    sweep=_sweep(sweep_rates(), finals, diverged, sweep_diverged_at, steps_to_1pct,
                                 exact_fit=target_loss > WITHIN * optimum_loss),
                    sweep_loss=sweep_loss, sweep_diverged_at=sweep_diverged_at, grid=grid)


def train(optimizer: str, schedule: str, steps: int, center: bool = False, prob: Problem | None = None) -> Training:
    """The sweep's rates and the slider values, trained together (one call of ``fit_linear``)."""
    prob = prob or cached_problem(center)
    lrs = sweep_rates()
    traj = _fit(prob, np.concatenate([lrs, rate_options()]), optimizer, schedule, steps)
    n = lrs.size
    slider = np.arange(n, traj.n_runs)
    grid = Trajectory(params=traj.params[:, slider], loss=traj.loss[:, slider], lr=traj.lr[:, slider],
               diverged_at=traj.diverged_at[slider])  # copies (fancy indexing): the sweep's params go
    return _training(schedule, prob.optimum_loss, prob.target_loss, traj.loss[:, :n].copy(), traj.diverged_at[:n].copy(), grid)


def sweep(optimizer: str, schedule: str, steps: int, center: bool = False) -> Sweep:
    """Final loss of the SWEEP_SIZE rates (trained together with the slider values, see :func:`train`)."""
    return train(optimizer, schedule, steps, center).sweep


# ------------------------------------------------------------------------------ cached wrappers
# One policy for the whole dashboard: dashboard.cache.
@scenario_cache()
def cached_problem(center: bool = False) -> Problem:
    return problem(center)


@scenario_cache(max_entries=16)  # about 3 MB each (1000 steps), at most 7 optimizers x 2
def longest_constant(optimizer: str, center: bool) -> Training:
    """The slider's longest constant-rate training of (optimizer, center): with a constant rate a run of
    any length is the start of a longer one (``Training.prefix``), so every length is read from this one.
    Kept by the cache like any result (it expires when unused); 1000 steps train in under 0.1 s."""
    return train(optimizer, "constant", STEPS_RANGE[1], center)


@scenario_cache(max_entries=16)  # a prefix shares the longest run's arrays
def cached_training(optimizer: str, schedule: str, steps: int, center: bool) -> Training:
    if schedule != "constant":
        return train(optimizer, schedule, steps, center)
    have = longest_constant(optimizer, bool(center))
    return have if have.steps == steps else have.prefix(steps)


@scenario_cache()
def cached_three_runs(small: float, good: float, large: float, optimizer: str, schedule: str, steps: int,
                      center: bool) -> Runs:
    return three_runs((small, good, large), optimizer, schedule, steps, center,
                      trained=cached_training(optimizer, schedule, steps, center))


@scenario_cache()
def cached_sweep(optimizer: str, schedule: str, steps: int, center: bool) -> Sweep:
    return cached_training(optimizer, schedule, steps, center).sweep


@scenario_cache()
def cached_schedule_shape(schedule: str, steps: int) -> pd.DataFrame:
    return schedule_shape(schedule, steps)


# ------------------------------------------------------------------------------ texts
# Sentences with the scenario's live numbers, kept here (not in the page) so tests can read them.

def rate_text(value: float) -> str:
    """A rate as people write it: 0.00001 rather than 1e-05."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text if 1e-6 <= abs(value) < 1e6 and len(text) <= 9 else f"{value:g}"


def runs_of(values: Mapping[str, Any], prob: Problem | None = None, trained: Training | None = None) -> Runs:
    """The three runs of a scenario given as the page's control values (``DEFAULTS``' keys), on the
    built-in line, or on ``prob`` (a learner's data) with its ``trained`` sweep."""
    rates = (values["small"], values["good"], values["large"])
    if prob is None:
        return cached_three_runs(*rates, values["opt"], values["sched"], values["steps"], values["center"])
    return three_runs(rates, values["opt"], values["sched"], values["steps"], values["center"], trained=trained,
                      prob=prob)


def headlines(runs: Runs, prob: Problem, steps: int) -> list[Headline]:
    """Steps to within 1% of the optimum, one per run (compared with a pinned run of the same role)."""
    return [Headline(runs.labels[s.role].capitalize(), outcome(s, steps),
                     f"The first step whose MSE is at most {target_words(prob)}, or the step where the run "
                     "diverged.",
                     value=s.steps_to_1pct if s.converged else None, change=whole, better="lower", key=s.role,
                     state=None if s.converged or s.diverged else f"{outcome(s, steps)}, MSE {fmt(s.final_loss)}")
            for s in runs.summaries]


def headline_title(prob: Problem) -> str:
    """The headline row's title: what "arrived" means on this valley."""
    if prob.exact_fit:
        return "**Steps to get within a millionth of the starting error of the best possible loss (≈ 0)**"
    return "**Steps to get within 1% of the best possible loss**"


def target_words(prob: Problem) -> str:
    """The target loss in words, with the rule that set it."""
    if prob.exact_fit:
        return (f"{fmt(prob.target_loss)}: the best line passes through every point (MSE {fmt(prob.optimum_loss)}, "
                "round-off), so 1% of it is below what float64 can resolve; the target is the optimum plus a "
                "millionth of the start's distance above it")
    return f"1.01 × the optimum {fmt(prob.optimum_loss)} (normal equation)"


def outcome(summary: RunSummary, steps: int) -> str:
    """Steps to get within 1% of the optimum, short: "182 steps", "not in 300" or "diverged at step k"."""
    if summary.diverged:
        return f"diverged at step {summary.diverged_at}"
    if summary.steps_to_1pct >= 0:
        return f"{summary.steps_to_1pct} steps"
    return f"not in {steps}"


def _distance(s: RunSummary, prob: Problem, steps: int) -> str:
    """Where a run that neither diverged nor got within 1% ended, in words a reader can weigh.

    A ratio once the loss is twice the optimum or more ("99× the optimum"), never a
    percentage of seven digits; and a run still blowing up says how fast it grows.
    """
    where = _where(s.final_loss, prob)
    if s.growth > 1.0 + run_outcomes.EQUAL_RTOL:
        return (f"after {steps} steps its loss is still growing, ×{fmt(s.growth, 3)} per step over the last "
                f"{min(GROWTH_STEPS, steps)}: it is on its way to diverging, now at {where}.")
    still = "still " if not prob.exact_fit and s.final_loss < 2 * prob.optimum_loss else ""
    return f"after {steps} steps the MSE is {fmt(s.final_loss)}, {still}{where}."


def run_claims(prob: Problem, runs: Runs, optimizer: str, schedule: str, steps: int) -> list[Claim]:
    """What each of the three runs did, as claims (:class:`dashboard.verdicts.Claim`), one bullet each:
    diverged at step k, reached the target at step k, or where it ended; a plain constant-rate run that
    has not arrived also says when it would, exactly, from the valley's eigenvalues
    (:func:`core.landscape.steps_to_loss`), against the fastest run that arrived (the lesson's "10 minutes
    instead of 6 hours", in steps)."""
    plain = optimizer == "sgd" and schedule == "constant"
    done = [r for r in runs.summaries if r.converged and r.steps_to_1pct > 0]
    best = min(done, key=lambda r: r.steps_to_1pct) if done else None
    claims = []
    for s in runs.summaries:
        run = {"label": runs.labels[s.role].capitalize(),
               "share": s.rate / prob.critical if optimizer == "sgd" else None, "words": reached_words(prob.exact_fit)}
        if s.diverged:
            claims.append(Claim("lr.diverged", {**run, "step": s.diverged_at}))
        elif s.converged:
            claims.append(Claim("lr.reached", {**run, "step": s.steps_to_1pct, "steps": steps, "final": s.final_loss}))
        else:
            need = (landscape.steps_to_loss(prob.X, prob.y, s.rate, prob.within_gap)
                    if plain and s.rate < prob.critical else -1)
            claims.append(Claim("lr.short", {
                **run, "where": _distance(s, prob, steps), "need": need,
                "best": None if best is None else (best.steps_to_1pct, role_label(best.role, best.rate))}))
    return claims


def _run_head(v) -> str:
    share = f" ({fmt(v['share'], 3)} × the critical rate)" if v["share"] is not None else ""
    return f"**{v['label']}**{share}: "


@template("lr.diverged")
def _(v):
    return _run_head(v) + f"diverged at step {v['step']}; its loss passed 10¹² times the starting loss."


@template("lr.reached")
def _(v):
    return _run_head(v) + f"{v['words']} at step {v['step']}; after {v['steps']} steps the MSE is {fmt(v['final'])}."


@template("lr.short")
def _(v):
    said = _run_head(v) + v["where"]
    if v["need"] >= 0:
        said += f" Kept going, it would get {v['words']} at step {v['need']:,} (exact, from the valley's curvature)"
        if v["best"] is not None:
            steps, label = v["best"]
            said += f": {fmt(v['need'] / steps, 3)} times the {steps} steps of {label}"
        said += "."
    return said


def _where(loss: float, prob: Problem, short: bool = False) -> str:
    """How far ``loss`` is above the optimum: a ratio from twice it, a percentage below that, and
    for a line through every point (optimum ≈ 0, where a ratio is meaningless) the share of the
    start's gap still left. ``short``: without the optimum's value."""
    if prob.exact_fit:
        left = (loss - prob.optimum_loss) / (prob.start_loss - prob.optimum_loss)
        return f"{pct(left, 1) if left >= 0.001 else fmt(left, 2)} of the starting gap above the optimum ≈ 0"
    ratio = loss / prob.optimum_loss
    optimum = "the optimum" if short else f"the optimum {fmt(prob.optimum_loss)}"
    if ratio >= 2:
        return f"{fmt(ratio, 3)}× {optimum}"
    return f"{pct(ratio - 1.0, 1 if ratio < 1.1 else 0)} above {optimum}"


def _centering(prob: Problem, runs: Runs, other: Runs) -> str:
    """Run by run, what centering x changed against the same rates on the uncentered valley."""
    changes = []
    for now, before in zip(runs.summaries, other.summaries):
        def said(s: RunSummary) -> str:
            if s.diverged:
                return f"diverged at step {s.diverged_at}"
            if s.converged:
                return f"{'at the optimum' if prob.exact_fit else 'within 1%'} at step {s.steps_to_1pct}"
            return f"{_where(s.final_loss, prob, short=True)} at the end"
        changes.append(f"{now.role}: {said(now)} (uncentered: {said(before)})")
    slower = [n.role for n, b in zip(runs.summaries, other.summaries)
              if not n.diverged and not n.converged and not b.diverged and n.final_loss > b.final_loss]
    why = (f" Centering does not speed up every run: the best intercept moves to the mean of y "
           f"({fmt(prob.optimum[1])}), far from the start at b = 0, and along that gently curved direction a "
           f"small step crawls ({', '.join(slower)})." if slower else "")
    return "Against the same rates on the uncentered valley: " + "; ".join(changes) + "." + why


def notice_points(prob: Problem, runs: Runs, sw: Sweep, optimizer: str, schedule: str, steps: int,
                  uncentered: Runs | None = None) -> list[str]:
    """The "What to notice" bullets, all with the scenario's live numbers.

    ``uncentered``: with centered x, the same three runs on the uncentered valley, to say
    which runs centering speeds up.
    """
    plain = optimizer == "sgd" and schedule == "constant"
    points = [
        f"**The cliff.** Plain gradient descent is stable only below the critical rate "
        f"**{fmt(prob.critical)}**: two divided by the valley's steepest curvature ({fmt(prob.lam_max)}, "
        f"across the valley). The black line in the sweep marks it."
    ]
    lo, hi = sw.largest_stable, sw.smallest_diverged
    table = sw.table
    growing = table[~table["diverged"].to_numpy(dtype=bool) & (table["final_loss"].to_numpy() > prob.start_loss)]
    if len(growing):  # a short run: not yet past the cut-off, but above where they began
        lo = float(table.loc[~table["diverged"] & (table["final_loss"] <= prob.start_loss), "lr"].max())
    if math.isnan(hi) and not len(growing):
        cliff = (f"None of the {SWEEP_SIZE} rates up to {rate_text(RATE_HIGH)} diverged in {steps} steps"
                 + (": Adam scales each step by the gradient's own recent size, so a parameter moves about η per step "
                    "at most, and a big η makes it hover around the optimum instead of blowing up."
                    if optimizer == "adam" else "."))
    elif math.isnan(lo):
        cliff = f"Every one of the {SWEEP_SIZE} swept rates diverged."
    elif len(growing):
        rates = growing["lr"].to_numpy(dtype=float)
        cliff = (f"In the sweep the largest rate whose loss ended below where it started is {fmt(lo)}. "
                 f"{len(rates)} rate{'s' if len(rates) > 1 else ''} from {fmt(rates.min())} to {fmt(rates.max())} "
                 f"did not pass the divergence cut-off in {steps} steps but ended above the start"
                 + (": Adam's steps of about η each overshoot a bottom this close" if optimizer == "adam" else
                    ": they are blowing up too, only not past 10¹² times the start yet")
                 + (f"; {fmt(hi)} and above did." if not math.isnan(hi) else ".")
                 + (" The cliff sits at the critical rate." if plain and lo <= prob.critical <= rates.min() else ""))
    else:
        cliff = (f"In the sweep the largest rate that survived is {fmt(lo)} and the smallest that diverged is "
                 f"{fmt(hi)}")
        cliff += ": the cliff sits right at the critical rate." if plain and lo <= prob.critical <= hi else "."
    if not plain:
        cliff = ("That line is plain GD's bound at a constant rate, exact only for that case. " + cliff)
        if optimizer == "momentum":
            cliff += (f" For momentum μ = {MOMENTUM} the theory moves the limit up by the factor 1 + μ, to "
                      f"{fmt(prob.momentum_critical)} (dashed line)"
                      + (", and the rate schedule shifts it again." if schedule != "constant" else "."))
    points.append(cliff)

    points.extend(say([claim]) for claim in run_claims(prob, runs, optimizer, schedule, steps))

    if plain:
        zig = [role_label(s.role, s.rate) for s in runs.summaries if prob.critical / 2 < s.rate < prob.critical]
        points.append(
            f"**Bouncing.** A rate between {fmt(prob.critical / 2)} and the critical rate steps past the valley "
            "floor each time in the steep direction, so the path zigzags from one wall to the other; each zig is "
            "shorter than the one before, so the run still converges. "
            + (f"Here {' and '.join(zig)} zigzag{'s' if len(zig) == 1 else ''} like that: look at "
               f"{'its' if len(zig) == 1 else 'their'} path on the contours." if zig else
               "None of the three rates is in that zone now: try one there.")
        )
    if prob.center:
        points.append(
            f"**Centered x.** With the mean of x ({fmt(prob.x_mean)}) subtracted, the valley is only "
            f"{fmt(prob.condition, 3)} times more curved across than along, and the critical rate rises to "
            f"{fmt(prob.critical)}. The best slope is unchanged ({fmt(prob.optimum[0])}); only the intercept "
            "moves, because x was shifted. "
            + (_centering(prob, runs, uncentered) if uncentered is not None else "")
        )
    else:
        points.append(_valley_shape(prob, optimizer))
    if not math.isnan(sw.best_lr):
        points.append(
            f"**The sweep.** Of the {SWEEP_SIZE} rates from {rate_text(RATE_LOW)} to {rate_text(RATE_HIGH)}, "
            f"{sw.n_diverged} diverged; the lowest loss after {steps} steps came from η = {fmt(sw.best_lr)} "
            f"(MSE {fmt(sw.best_loss)}, optimum {fmt(prob.optimum_loss)}). {registry.SCHEDULES[schedule].sentence(steps)}"
            + (f" Adam's best rate here ({fmt(sw.best_lr)}) suits this two-parameter line fit only; it is no "
               "advice for a network, where the usual first try is 0.001." if optimizer == "adam" else "")
        )
    return points


def _valley_shape(prob: Problem, optimizer: str) -> str:
    """The uncentered valley's shape: long and narrow (a crawl along the floor) only from
    :data:`NARROW_CONDITION`, since a learner's own data can give a round one."""
    across = f"the valley is {fmt(prob.condition, 3)} times more curved across than along"
    if not prob.narrow:
        return (f"**A fairly round valley.** x runs from 0 to 10 (mean {fmt(prob.x_mean)}), and {across}: "
                f"not the long, narrow valley of the built-in line. Near the critical rate one step removes up "
                f"to {pct(2 / prob.condition, 0)} of the remaining error even along the flattest direction, "
                "so there is no long crawl here.")
    tip = {"sgd": " Try **Center x**, or momentum.", "momentum": " Try **Center x**.",
           "adam": " Try **Center x**, or momentum."}[optimizer]
    return (f"**A long, narrow valley.** x runs from 0 to 10 (mean {fmt(prob.x_mean)}), so raising w can be undone "
            f"by lowering b: {across}. The steep side caps the rate; along the flat floor one step removes only a "
            f"small fraction of the remaining error (at most {pct(2 / prob.condition, 1)} even at the critical "
            f"rate). That is the long straight crawl in the loss curves.{tip}")


def upload_note(prob: Problem) -> str:
    """The caption of a learner's own data: how it was mapped, and what that does not change."""
    built_in = cached_problem(prob.center).critical
    return ("Mapped linearly onto x from 0 to 10 and y from 0 to 20, so that the sliders' rates are on the "
            "built-in line's scale. How the x values spread still sets the valley's curvature: plain gradient "
            f"descent's critical rate is {fmt(prob.critical)} here, against {fmt(built_in)} for the built-in "
            "line. Full-batch descent sees the data only through five averages (of x, y, x², xy and y²), so the "
            "runs train on four points with the same averages: the same losses, step by step, as on every row.")


def math_blocks(prob: Problem, schedule: str, steps: int) -> list[tuple[str, str]]:
    """(sentence, LaTeX) pairs for "The math", with the scenario's numbers."""
    h = prob.hessian
    n = prob.x.size
    return [
        (f"The model is the line ŷ = w x + b; training minimizes the mean squared error on the n = {n} points:",
         r"J(w, b) = \frac{1}{n}\sum_{i=1}^{n} (w x_i + b - y_i)^2"),
        ("Gradient descent steps against the gradient, with the learning rate η setting the step length:",
         r"\theta_{t+1} = \theta_t - \eta_t \nabla J(\theta_t),\qquad "
         r"\nabla J = \frac{2}{n}\sum_{i=1}^{n} (w x_i + b - y_i)\begin{pmatrix} x_i \\ 1 \end{pmatrix}"),
        ("J is a quadratic bowl, so its curvature (the Hessian) is the same everywhere; for this data:",
         rf"H = \frac{{2}}{{n}}\sum_{{i}} \begin{{pmatrix}} x_i^2 & x_i \\ x_i & 1 \end{{pmatrix}} = "
         rf"\begin{{pmatrix}} {h[0, 0]:.4g} & {h[0, 1]:.4g} \\ {h[1, 0]:.4g} & {h[1, 1]:.4g} \end{{pmatrix}},\quad "
         rf"\lambda_{{\max}} = {prob.lam_max:.4g},\ \lambda_{{\min}} = {prob.lam_min:.4g}"),
        ("Along an eigenvector of H with eigenvalue λ, one step multiplies the remaining error by 1 − ηλ. "
         "It shrinks only while |1 − ηλ| < 1, and the steepest direction gives out first:",
         rf"\eta_{{\text{{crit}}}} = \frac{{2}}{{\lambda_{{\max}}}} = \frac{{2}}{{{prob.lam_max:.4g}}} = {fmt(prob.critical)}"),
        ("Along the flattest direction the error only shrinks by the factor 1 − ηλmin per step, "
         "no better than 1 − 2/κ just below the cliff:",
         rf"\kappa = \frac{{\lambda_{{\max}}}}{{\lambda_{{\min}}}} = {prob.condition:.4g},\qquad "
         rf"1 - \frac{{2}}{{\kappa}} = {1 - 2 / prob.condition:.4g}"),
        (_within_math_words(prob),
         (rf"J(\theta_t) \le J(\theta^*) + 10^{{-6}}\,\big(J(\theta_0) - J(\theta^*)\big) = {prob.target_loss:.5g},\qquad "
          if prob.exact_fit else rf"J(\theta_t) \le 1.01\, J(\theta^*) = {prob.target_loss:.5g},\qquad ")
         + rf"\theta^* = (w^*, b^*) = ({prob.optimum[0]:.4g},\ {prob.optimum[1]:.4g})"),
        (f"Momentum (torch's SGD, μ = {MOMENTUM}) keeps a running sum of gradients; on a quadratic it stays stable "
         "up to a larger rate:",
         registry.OPTIMIZERS["momentum"].latex
         + rf",\qquad \eta < \frac{{2(1+\mu)}}{{\lambda_{{\max}}}} = {fmt(prob.momentum_critical)}"),
        ("Adam divides a running mean of gradients by a running size of gradients, per parameter, so each step "
         "moves a parameter by about η at most (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸):",
         registry.OPTIMIZERS["adam"].latex),
        (f"The schedule ({registry.SCHEDULES[schedule].label}) sets the rate of step t from the slider's rate η:",
         registry.SCHEDULES[schedule].latex_at(steps)),
    ]


def _within_math_words(prob: Problem) -> str:
    if prob.exact_fit:
        return ("Here the best line passes through every point, so 1% of its loss is below round-off: 'within' "
                "is the first step whose loss is within a millionth of the start's distance above the optimum; "
                "a run diverged at step k when its loss there is not finite or above 10¹² times the start:")
    return ("'Within 1%' is the first step whose loss is at most 1.01 times the exact optimum of the normal "
            "equation; a run diverged at step k when its loss there is not finite or above 10¹² times the start:")


def torch_code(values: Mapping[str, Any], role: str) -> str:
    """PyTorch code that makes run ``role``'s numbers ("too small", "good", "too large"): the built-in
    40 points, the same start (0, 0), optimizer, rate, schedule (stepped once per update) and steps."""
    rate = float(values[{"too small": "small", "good": "good", "too large": "large"}[role]])
    steps = int(values["steps"])
    entry = registry.OPTIMIZERS[values["opt"]]
    args = entry.torch_arguments(repr(rate))  # no knobs here: momentum's μ is the row's 0.9
    settings = registry.SCHEDULES[values["sched"]].settings(steps)
    scheduler = registry.SCHEDULES[values["sched"]].torch(settings, rate)
    return "\n".join([
        *registry.torch_line_header(DATA, center=bool(values["center"])),
        f"optimizer = torch.optim.{entry.torch_class}([w], {', '.join(args)})",
        f"scheduler = {scheduler}",
        f"for step in range({steps}):",
        "    optimizer.zero_grad()",
        "    loss = ((w[0] * x + w[1] - y) ** 2).mean()",
        "    loss.backward()",
        "    optimizer.step()",
        *([] if values["sched"] == "constant" else ["    scheduler.step()  # once per update"]),
        "with torch.no_grad():",
        "    print(w.tolist(), ((w[0] * x + w[1] - y) ** 2).mean().item())",
    ])
