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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import closed_form, datasets, landscape, optimizers, schedules, training
from dashboard import registry
from dashboard.cache import scenario_cache
from dashboard.controls import log_options, snap
from dashboard.formatting import fmt, pct
from dashboard.palette import RATE_ROLES

ROLES: tuple[str, ...] = tuple(RATE_ROLES)  # "too small", "good", "too large"
_ROLE_DTYPE = pd.CategoricalDtype(list(ROLES))
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
SCHEDULES: tuple[str, ...] = ("constant", "step", "exponential", "cosine", "warmup")
MOMENTUM = registry.OPTIMIZERS["momentum"].defaults["momentum"]  # the momentum run's mu

# The learning-rate range of the sliders and of the sweep (the lesson's 0.00001 to 1.0 and beyond).
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 1e-5, 10.0, 10
SWEEP_SIZE = 100
STEPS_RANGE = (10, 1000)  # the steps slider: updates per run

DATA = dict(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0, x_range=(0.0, 10.0), seed=0)

GRID = 60  # contour cells per side: 3,600 rects
WITHIN = 1.01  # "within 1% of the optimum"
PATH_MAX_ROWS = 200  # per run, on the contour
CURVE_MAX_ROWS = 400  # per run, on the loss curves
WINDOW_LOSS = 5.0  # the contour shows every path point whose loss is below this multiple of the start's
PAD = 0.08  # margin around the paths, as a fraction of the window


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
    def momentum_critical(self) -> float:
        """2 (1 + mu) / lambda_max: the stable limit of heavy-ball momentum mu (full batch, constant rate)."""
        return 2.0 * (1.0 + MOMENTUM) / self.lam_max

    @property
    def hessian(self) -> np.ndarray:
        return landscape.hessian_mse(self.X)


def problem(center: bool = False) -> Problem:
    data = datasets.line_with_outliers(**DATA)
    x_mean = float(data.x.mean())
    x = data.x - x_mean if center else data.x
    X = x[:, None]
    eig = np.linalg.eigvalsh(landscape.hessian_mse(X))
    w, b = closed_form.normal_equation(X, data.y)
    return Problem(
        x=x,
        y=data.y,
        center=bool(center),
        critical=landscape.critical_learning_rate(X),
        lam_max=float(eig[-1]),
        lam_min=float(eig[0]),
        optimum=(float(w), float(b)),
        optimum_loss=float(training.objective(np.array([w, b]), X, data.y)),
        start_loss=float(training.objective(np.zeros(2), X, data.y)),
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


def _fit(prob: Problem, rates: np.ndarray, optimizer: str, schedule: str, steps: int) -> training.Trajectory:
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

    @property
    def diverged(self) -> bool:
        return self.diverged_at >= 0


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


def _runs_table(summaries: tuple[RunSummary, ...], labels: dict[str, str]) -> pd.DataFrame:
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
        "outcome": outcomes(np.array(diverged_at), np.array(steps_to_1pct)),
    })


def outcomes(diverged_at: np.ndarray, steps_to_1pct: np.ndarray) -> list[str]:
    """Each run's result in words, for tooltips."""
    return [f"diverged at step {d}" if d >= 0 else
            f"within 1% of the optimum at step {k}" if k >= 0 else "not within 1% of the optimum"
            for d, k in zip(diverged_at, steps_to_1pct)]


def role_label(role: str, rate: float) -> str:
    return f"{role} (η={rate_text(rate)})"


def _window(prob: Problem, params: np.ndarray, loss: np.ndarray) -> tuple[float, float, float, float]:
    """The box holding the start, the optimum and every path point below 5x the start's loss.

    The bound keeps the first bounces of a diverging run in view (each bounce multiplies its
    loss by about (1 - lr lambda_max)^2) without letting one run shrink the valley to a dot.
    """
    keep = np.isfinite(loss) & (loss <= WINDOW_LOSS * prob.start_loss)
    pts = params[keep]  # (k, 2)
    pts = np.vstack([pts, [[0.0, 0.0], list(prob.optimum)]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-3 * max(1.0, float(np.abs(pts).max())))
    lo, hi = lo - PAD * span, hi + PAD * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def _inside(p: np.ndarray, window) -> np.ndarray:
    w0, w1, b0, b1 = window
    return np.isfinite(p).all(axis=-1) & (p[..., 0] >= w0) & (p[..., 0] <= w1) & (p[..., 1] >= b0) & (p[..., 1] <= b1)


def _exit_point(a: np.ndarray, b: np.ndarray, window) -> np.ndarray:
    """Where the segment from ``a`` (inside) to ``b`` (outside) crosses the window's edge."""
    w0, w1, b0, b1 = window
    d = b - a
    if not np.all(np.isfinite(d)):
        return a.copy()
    t_out = 1.0
    for k, (low, high) in enumerate(((w0, w1), (b0, b1))):
        if d[k] > 0:
            t_out = min(t_out, (high - a[k]) / d[k])
        elif d[k] < 0:
            t_out = min(t_out, (low - a[k]) / d[k])
    return a + max(0.0, t_out) * d


def _moving_points(path: np.ndarray, min_move: float) -> np.ndarray:
    """Indices of the steps where the path has travelled another ``min_move`` (ends kept).

    Where a run crawls, many steps fall within one ``min_move`` and only one is kept; where
    it zigzags, every step is kept. At most PATH_MAX_ROWS indices are returned.
    """
    seg = np.hypot(*np.diff(path, axis=0).T) if len(path) > 1 else np.zeros(0)
    travelled = np.concatenate([[0.0], np.cumsum(np.where(np.isfinite(seg), seg, 0.0))])
    marks = np.floor(travelled / min_move) if min_move > 0 else np.arange(len(path))
    idx = np.flatnonzero(np.diff(marks, prepend=-1.0) > 0)
    idx = np.union1d(idx, [0, len(path) - 1])
    if idx.size > PATH_MAX_ROWS:
        idx = idx[np.unique(np.linspace(0, idx.size - 1, PATH_MAX_ROWS).round().astype(int))]
    return idx


def _surface(prob: Problem, window) -> tuple[pd.DataFrame, tuple[float, float]]:
    w0, w1, b0, b1 = window
    dw, db = (w1 - w0) / GRID, (b1 - b0) / GRID
    w = w0 + dw * (np.arange(GRID) + 0.5)
    b = b0 + db * (np.arange(GRID) + 0.5)
    z = landscape.loss_surface(prob.x, prob.y, w, b, loss="mse")  # (len(b), len(w))
    ww, bb = np.meshgrid(w, b)
    with np.errstate(divide="ignore"):
        level = 10.0 ** (np.floor(4.0 * np.log10(np.maximum(z, 1e-300))) / 4.0)
    frame = pd.DataFrame({"w": ww.ravel(), "b": bb.ravel(), "loss": z.ravel(), "level": level.ravel()})
    return frame, (dw, db)


def three_runs(rates: tuple[float, float, float], optimizer: str, schedule: str, steps: int,
               center: bool = False, trained: Training | None = None) -> Runs:
    """Train the three rates (too small, good, too large) together and lay out what is drawn.

    With ``trained`` (the :func:`train` of the same optimizer, schedule, steps and center),
    rates that are slider values are read from it instead of trained again: the same numbers,
    bit for bit (each run of a vectorized call is computed on its own).
    """
    prob = cached_problem(center)
    traj = trained.runs(rates) if trained is not None else None
    if traj is None:
        traj = _fit(prob, np.asarray(rates, dtype=np.float64), optimizer, schedule, steps)
    to_1pct = traj.first_step_below(WITHIN * prob.optimum_loss)
    finals = traj.final_loss
    labels = {role: role_label(role, rate) for role, rate in zip(ROLES, rates)}
    summaries = tuple(
        RunSummary(role=role, rate=float(rate), diverged_at=int(traj.diverged_at[r]),
                   steps_to_1pct=int(to_1pct[r]), final_loss=float(finals[r]))
        for r, (role, rate) in enumerate(zip(ROLES, rates))
    )

    window = _window(prob, traj.params.reshape(-1, 2), traj.loss.reshape(-1))
    surface, cell = _surface(prob, window)
    diag = math.hypot(window[1] - window[0], window[3] - window[2])

    # Columns are gathered as arrays, run by run; "run" is the role's index in ROLES.
    paths: dict[str, list] = {k: [] for k in ("run", "step", "w", "b", "loss")}
    curves: dict[str, list] = {k: [] for k in ("run", "step", "loss")}
    exits: dict[str, list] = {k: [] for k in ("run", "step", "w", "b")}
    for r in reversed(range(len(summaries))):  # "too small" last: drawn on top
        s = summaries[r]
        path = traj.params[:, r, :]
        loss = traj.loss[:, r]
        end = len(path) - 1 if s.diverged_at < 0 else s.diverged_at
        outside = np.flatnonzero(~_inside(path[: end + 1], window))
        first_out = int(outside[0]) if outside.size else -1
        if first_out > 0:
            where = _exit_point(path[first_out - 1], path[first_out], window)
            for key, value in zip(exits, ([r], [first_out], where[:1], where[1:])):
                exits[key].append(np.asarray(value))
        if s.diverged and first_out > 0:
            end = first_out  # keep the first point outside: the line heads off the plot
        idx = _moving_points(path[: end + 1], 0.002 * diag)
        idx = idx[np.isfinite(path[idx]).all(axis=1)]
        for key, value in zip(paths, (np.full(idx.size, r), idx, path[idx, 0], path[idx, 1], loss[idx])):
            paths[key].append(value)
        last = len(loss) - 1 if s.diverged_at < 0 else s.diverged_at
        steps_idx = np.flatnonzero(np.isfinite(loss[: last + 1]))
        if steps_idx.size > CURVE_MAX_ROWS:
            steps_idx = steps_idx[np.unique(np.linspace(0, steps_idx.size - 1, CURVE_MAX_ROWS).round().astype(int))]
        for key, value in zip(curves, (np.full(steps_idx.size, r), steps_idx, loss[steps_idx])):
            curves[key].append(value)

    # Categoricals: sent to the browser as small dictionaries. Their dtypes are made once
    # (pandas checks the categories each time it makes one).
    label_dtype = pd.CategoricalDtype([labels[role] for role in ROLES])

    def frame(columns: dict[str, list], **more: np.ndarray) -> pd.DataFrame:
        data = {k: np.concatenate(v) if v else np.zeros(0) for k, v in columns.items()}
        run = data.pop("run").astype(int)
        return pd.DataFrame({"role": pd.Categorical.from_codes(run, dtype=_ROLE_DTYPE),
                             "label": pd.Categorical.from_codes(run, dtype=label_dtype), **data, **more})

    curve_runs = np.concatenate(curves["run"]).astype(int)
    curve_frame = frame(curves, rate=np.asarray(rates, dtype=np.float64)[curve_runs],
                        excess=np.concatenate(curves["loss"]) - prob.optimum_loss)
    exit_frame = frame(exits)
    exit_frame = exit_frame.astype({"step": int}) if exit_frame["step"].dtype != int else exit_frame
    table = _runs_table(summaries, labels)
    gone = [s for s in summaries if s.diverged]
    diverged = pd.DataFrame({"role": [s.role for s in gone], "label": [labels[s.role] for s in gone],
                             "step": np.array([s.diverged_at for s in gone], dtype=int)})
    return Runs(
        summaries=summaries, window=window, cell=cell, surface=surface,
        paths=frame(paths), exits=exit_frame, curves=curve_frame, labels=labels, table=table, diverged=diverged,
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
           steps_to_1pct: np.ndarray) -> Sweep:
    table = pd.DataFrame({
        "lr": lrs,
        "final_loss": finals,
        "diverged": diverged,
        "diverged_at": diverged_at,
        "steps_to_1pct": steps_to_1pct,
        "outcome": np.array(outcomes(diverged_at, steps_to_1pct), dtype=object),
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
        optimum_loss: the MSE at the optimum ("within 1%" is measured against it).
        sweep: the sweep (the first SWEEP_SIZE runs).
        sweep_loss: array (steps + 1, SWEEP_SIZE), the sweep's loss at every step.
        sweep_diverged_at: int array (SWEEP_SIZE,), the sweep's divergence steps (-1: none).
        grid: the runs of the slider values :func:`rate_options`, in that order.
    """

    schedule: str
    optimum_loss: float
    sweep: Sweep
    sweep_loss: np.ndarray
    sweep_diverged_at: np.ndarray
    grid: training.Trajectory

    @property
    def steps(self) -> int:
        return self.grid.lr.shape[0]

    def runs(self, rates) -> training.Trajectory | None:
        """The runs of ``rates`` (in that order), or None when one of them is not a slider value."""
        try:
            cols = np.array([_GRID_INDEX[float(rate)] for rate in rates])
        except KeyError:
            return None
        g = self.grid
        return training.Trajectory(params=g.params[:, cols], loss=g.loss[:, cols], lr=g.lr[:, cols],
                                   diverged_at=g.diverged_at[cols])

    def prefix(self, steps: int) -> Training:
        """The same training stopped after ``steps`` updates, bit for bit, for a constant rate.

        Each update depends only on the one before and on the rate, so the first ``steps``
        updates of a longer run are the run of ``steps`` updates; a run that diverged later
        than ``steps`` has not diverged yet. (Every other schedule is scaled to the run length,
        so a shorter run of it is not the start of a longer one.)
        """
        if self.schedule != "constant":
            raise ValueError(f"only a constant-rate training has its shorter runs in it; this one is {self.schedule!r}")
        if not 0 <= steps <= self.steps:
            raise ValueError(f"steps must be between 0 and {self.steps}; got {steps}")
        keep = steps + 1
        g = self.grid
        # Views of this training's arrays (never modified), so a shorter run costs no memory.
        grid = training.Trajectory(params=g.params[:keep], loss=g.loss[:keep], lr=g.lr[:steps],
                                   diverged_at=_diverged_by(g.diverged_at, steps))
        return _training(self.schedule, self.optimum_loss, self.sweep_loss[:keep],
                         _diverged_by(self.sweep_diverged_at, steps), grid)


_GRID_INDEX = {rate: k for k, rate in enumerate(rate_options())}


def _diverged_by(diverged_at: np.ndarray, steps: int) -> np.ndarray:
    """Divergence steps as seen by a run of ``steps`` updates (a later one has not happened)."""
    return np.where(diverged_at <= steps, diverged_at, -1)


def _training(schedule: str, optimum_loss: float, sweep_loss: np.ndarray, sweep_diverged_at: np.ndarray,
              grid: training.Trajectory) -> Training:
    # The sweep's numbers as core.training.Trajectory computes them (final_loss, first_step_below).
    diverged = sweep_diverged_at >= 0
    finals = sweep_loss[-1].copy()
    finals[diverged] = np.inf
    below = sweep_loss <= np.asarray(WITHIN * optimum_loss, dtype=np.float64)
    steps_to_1pct = np.where(below.any(axis=0), below.argmax(axis=0), -1)
    return Training(schedule=schedule, optimum_loss=optimum_loss,
                    sweep=_sweep(sweep_rates(), finals, diverged, sweep_diverged_at, steps_to_1pct),
                    sweep_loss=sweep_loss, sweep_diverged_at=sweep_diverged_at, grid=grid)


def train(optimizer: str, schedule: str, steps: int, center: bool = False) -> Training:
    """The sweep's rates and the slider values, trained together (one call of ``fit_linear``)."""
    prob = cached_problem(center)
    lrs = sweep_rates()
    traj = _fit(prob, np.concatenate([lrs, rate_options()]), optimizer, schedule, steps)
    n = lrs.size
    grid = training.Trajectory(params=traj.params[:, n:].copy(), loss=traj.loss[:, n:].copy(),
                               lr=traj.lr[:, n:].copy(), diverged_at=traj.diverged_at[n:].copy())
    return _training(schedule, prob.optimum_loss, traj.loss[:, :n].copy(), traj.diverged_at[:n].copy(), grid)


def sweep(optimizer: str, schedule: str, steps: int, center: bool = False) -> Sweep:
    """Final loss of the SWEEP_SIZE rates (trained together with the slider values, see :func:`train`)."""
    return train(optimizer, schedule, steps, center).sweep


# ------------------------------------------------------------------------------ cached wrappers
# One policy for the whole dashboard: dashboard.cache.
@scenario_cache()
def cached_problem(center: bool = False) -> Problem:
    return problem(center)


@scenario_cache(max_entries=1)
def _longest_constant() -> dict[tuple[str, bool], Training]:
    """The longest constant-rate training so far of each (optimizer, center), for every session."""
    return {}


@scenario_cache(max_entries=16)  # up to 3 MB each (1000 steps; a prefix shares it)
def cached_training(optimizer: str, schedule: str, steps: int, center: bool) -> Training:
    if schedule != "constant":
        return train(optimizer, schedule, steps, center)
    # With a constant rate a run of any length is the start of a longer one (Training.prefix).
    # The first run of an optimizer trains the length asked for; asking for a longer one than
    # that trains the slider's longest run, once, and every length is read from it from then on.
    longest = _longest_constant()
    have = longest.get((optimizer, bool(center)))
    if have is None or have.steps < steps:
        have = train(optimizer, schedule, steps if have is None else max(steps, STEPS_RANGE[1]), center)
        longest[(optimizer, bool(center))] = have
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


def outcome(summary: RunSummary, steps: int) -> str:
    """Steps to get within 1% of the optimum, short: "182 steps", "not in 300" or "diverged at step k"."""
    if summary.diverged:
        return f"diverged at step {summary.diverged_at}"
    if summary.steps_to_1pct >= 0:
        return f"{summary.steps_to_1pct} steps"
    return f"not in {steps}"


def notice_points(prob: Problem, runs: Runs, sw: Sweep, optimizer: str, schedule: str, steps: int) -> list[str]:
    """The "What to notice" bullets, all with the scenario's live numbers."""
    plain = optimizer == "sgd" and schedule == "constant"
    points = [
        f"**The cliff.** Plain gradient descent is stable only below the critical rate "
        f"2/λmax = **{fmt(prob.critical)}** (λmax = {fmt(prob.lam_max)} is the curvature across the valley). "
        f"The black line in the sweep marks it."
    ]
    lo, hi = sw.largest_stable, sw.smallest_diverged
    if math.isnan(hi):
        cliff = (f"None of the {SWEEP_SIZE} rates up to {rate_text(RATE_HIGH)} diverged in {steps} steps"
                 + (": Adam scales each step by the gradient's own recent size, so a parameter moves about η per step "
                    "at most, and a big η makes it hover around the optimum instead of blowing up."
                    if optimizer == "adam" else "."))
    elif math.isnan(lo):
        cliff = f"Every one of the {SWEEP_SIZE} swept rates diverged."
    else:
        cliff = (f"In the sweep the largest rate that survived is {fmt(lo)} and the smallest that diverged is "
                 f"{fmt(hi)}")
        cliff += ": the cliff sits right at the critical rate." if plain and lo <= prob.critical <= hi else "."
    if not plain:
        cliff = ("That line is plain GD's bound at a constant rate, exact only for that case. " + cliff)
        if optimizer == "momentum":
            cliff += (f" For momentum μ = {MOMENTUM} the theory moves the limit to "
                      f"2(1+μ)/λmax = {fmt(prob.momentum_critical)} (dashed line)"
                      + (", and the rate schedule shifts it again." if schedule != "constant" else "."))
    points.append(cliff)

    for s in runs.summaries:
        head = f"**{s.role}** (η = {rate_text(s.rate)}"
        head += f", {fmt(s.rate / prob.critical, 3)} × the critical rate): " if optimizer == "sgd" else "): "
        if s.diverged:
            body = f"diverged at step {s.diverged_at}; its loss passed 10¹² times the starting loss."
        elif s.steps_to_1pct >= 0:
            body = f"within 1% of the optimum at step {s.steps_to_1pct}; after {steps} steps the MSE is {fmt(s.final_loss)}."
        else:
            gap = s.final_loss / prob.optimum_loss - 1.0
            body = (f"after {steps} steps the MSE is {fmt(s.final_loss)}, still {pct(gap, 1 if gap < 0.1 else 0)} "
                    f"above the optimum {fmt(prob.optimum_loss)}.")
        points.append(head + body)

    if prob.center:
        points.append(
            f"**Centered x.** With the mean of x ({fmt(prob.x_mean)}) subtracted, the valley is only "
            f"κ = λmax/λmin = {fmt(prob.condition, 3)} times more curved across than along, the critical rate "
            f"rises to {fmt(prob.critical)}, and the same rates get to the bottom much sooner. The best slope is "
            f"unchanged ({fmt(prob.optimum[0])}); only the intercept moves, because x was shifted."
        )
    else:
        points.append(
            f"**A long, narrow valley.** x runs from 0 to 10 (mean {fmt(prob.x_mean)}), so raising w can be undone "
            f"by lowering b: the valley is κ = λmax/λmin = {fmt(prob.condition, 3)} times more curved across than "
            f"along. The steep side caps the rate; along the flat floor one step removes only the fraction ηλmin "
            f"of the remaining error (at most 2/κ = {pct(2 / prob.condition, 1)} at the critical rate). That is the "
            f"long straight crawl in the loss curves. Try **Center x**, or momentum."
        )
    if not math.isnan(sw.best_lr):
        points.append(
            f"**The sweep.** Of the {SWEEP_SIZE} rates from {rate_text(RATE_LOW)} to {rate_text(RATE_HIGH)}, "
            f"{sw.n_diverged} diverged; the lowest loss after {steps} steps came from η = {fmt(sw.best_lr)} "
            f"(MSE {fmt(sw.best_loss)}, optimum {fmt(prob.optimum_loss)}). {registry.SCHEDULES[schedule].sentence(steps)}"
        )
    return points


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
        ("'Within 1%' is the first step whose loss is at most 1.01 times the exact optimum of the normal equation; "
         "a run diverged at step k when its loss there is not finite or above 10¹² times the start:",
         rf"J(\theta_t) \le 1.01\, J(\theta^*) = {1.01 * prob.optimum_loss:.5g},\qquad "
         rf"\theta^* = (w^*, b^*) = ({prob.optimum[0]:.4g},\ {prob.optimum[1]:.4g})"),
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
