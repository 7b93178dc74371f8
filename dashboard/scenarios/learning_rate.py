"""Compute of the learning-rate page: three runs on a line fit's MSE valley and a sweep of 100 rates.

The valley is :mod:`dashboard.valley`'s, of a seeded noisy line (``DATA``) whose x lies in
[0, 10], not around 0: long and narrow (the Hessian's eigenvalues differ by a factor of about
165), so the steep direction fixes the largest stable rate and the flat one makes every stable
rate slow. ``center=True`` subtracts the mean of x, a much rounder valley (a factor of about 8.5).

What each control recomputes (the ``cached_*`` wrappers are what the page calls): :func:`train`
runs the sweep's 100 rates and every slider value in one vectorized call per optimizer, schedule, run
length and centering, so moving a rate slider trains nothing; with a constant rate every run length
is read from the longest (:func:`cached_training`); :func:`three_runs` lays out what is drawn of the
three chosen runs, in the columns of :mod:`dashboard.paths` (x = w, y = b, value = MSE).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import datasets, landscape
from dashboard import paths, registry, words
from dashboard.cache import scenario_cache
from dashboard.controls import log_options, snap
from dashboard.formatting import decimal_text, fmt, pct
from dashboard.headline import Headline, whole
from dashboard.scenarios import learning_rate_training as trained
from dashboard.scenarios.learning_rate_training import Sweep, Training, fit
from dashboard.shared import learning_rate as shared
from dashboard.shared.learning_rate import (
    ROLES,
    RunSummary,
    at_the_end,
    fastest_role,
    outcome,
    outcomes,
    role_label,
)
from dashboard.valley import LineValley, line_valley, valley_of
from dashboard.verdicts import Claim, say

TEXT = words.of("learning_rate")
_ROLE_DTYPE = pd.CategoricalDtype(list(ROLES))
KEYS = dict(zip(ROLES, ("small", "good", "large")))  # role -> its slider's key in the link
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
LESSON = {**DEFAULTS, "small": 1e-5, "good": 0.01, "large": 1.0}  # its rates, plain GD, the rest at the defaults
DATA = dict(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0, x_range=(0.0, 10.0), seed=0)
GRID = 100  # contour cells per side: 10,000 cells, drawn as about 400 rectangles (paths.bands)
# A valley is "long and narrow" from this condition number: a step at the critical rate then
# removes at most 2/κ = 10% of the error along the floor, a crawl. (The built-in line's is 165;
# centered, 9.)
NARROW_CONDITION = 20.0
# A learner's own data is mapped linearly onto the built-in line's ranges, so that the sliders'
# rates mean what they mean there: the critical rate depends on the size of x, and Adam's
# steps on the size of the weights.
UPLOAD_X, UPLOAD_Y = (0.0, 10.0), (0.0, 20.0)


def cached_problem(center: bool = False) -> LineValley:
    """The built-in line's valley (``DATA``), its x centered or not (cached by :mod:`dashboard.valley`)."""
    return line_valley(DATA, center)


def momentum_critical(prob: LineValley) -> float:
    """2 (1 + mu) / lambda_max: the stable limit of heavy-ball momentum mu (full batch, constant rate)."""
    return 2.0 * (1.0 + MOMENTUM) / prob.lam_max


def _onto(values: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return span[0] + (values - low) * ((span[1] - span[0]) / (high - low))


def upload_training(points, optimizer: str, schedule: str, steps: int, center: bool) -> tuple[LineValley, Training]:
    """The valley of a learner's own points (``dashboard.upload_read.Points``), x mapped onto [0, 10] and y onto
    [0, 20], and the sweep's training on it (:func:`train`). It trains on four moment-matched points
    (``core.datasets.moment_matched``), which give every full-batch run exactly the losses of all n."""
    prob = valley_of(*datasets.moment_matched(_onto(points.x, UPLOAD_X), _onto(points.y, UPLOAD_Y)), center=center)
    return prob, train(optimizer, schedule, steps, center, prob=prob)


def rate_options() -> list[float]:
    """The values of the three learning-rate sliders (and the ends of the sweep)."""
    return log_options(RATE_LOW, RATE_HIGH, RATE_PER_DECADE)


def default_rates() -> dict[str, float]:
    """Slider defaults that crawl, converge and diverge for plain GD on the default data: about 0.1x and
    0.8x the critical rate, and the first slider value at least 1.05x it (so rounding onto the slider
    never lands a "too large" default below the cliff)."""
    crit, opts = cached_problem(False).critical, rate_options()
    return {"too small": snap(opts, 0.1 * crit), "good": snap(opts, 0.8 * crit),
            "too large": min(o for o in opts if o >= 1.05 * crit)}


def sweep_rates() -> np.ndarray:
    return np.geomspace(RATE_LOW, RATE_HIGH, SWEEP_SIZE)


@scenario_cache()
def schedule_shape(name: str, steps: int) -> pd.DataFrame:
    """The rate at each step as a fraction of the slider's rate: columns step, factor. Its settings follow
    the run's length (:data:`dashboard.registry.SCHEDULES`), so its shape never changes."""
    t = np.arange(steps)
    return pd.DataFrame({"step": t, "factor": registry.SCHEDULES[name].build(1.0, steps)(t)})


# ------------------------------------------------------------------------------ three runs


@dataclass(frozen=True, eq=False)
class Runs(paths.DrawnRuns):
    """The three runs and everything drawn of them (frames in :mod:`dashboard.paths`' columns).

    Attributes:
        summaries: one per role, in ROLES order.
        window: (w_low, w_high, b_low, b_high) of the contour plot; ``cell`` the (dw, db) of a cell.
        surface: columns x, y, value, level (MSE rounded down to a quarter decade) of GRID x GRID cells.
        paths: columns series (the role), label, step, x, y, value (thinned; a diverged run ends at the
            first point outside the window), the "too small" run last so it is drawn on top.
        exits: columns series, label, step, x, y: where a path first leaves the window.
        curves: columns series, label, step, value, rate, excess (= value - optimum loss; finite values
            up to divergence).
        labels: role -> legend label with the rate.
        table: one row per run: role, label, lr, final_loss, diverged, diverged_at, steps_to_1pct, outcome.
        diverged: columns series, label, step: one row per diverged run.
    """

    summaries: tuple[RunSummary, ...]
    surface: pd.DataFrame
    labels: dict[str, str]
    table: pd.DataFrame


def three_runs(rates: tuple[float, float, float], optimizer: str, schedule: str, steps: int,
               center: bool = False, trained: Training | None = None, prob: LineValley | None = None) -> Runs:
    """Train the three rates (too small, good, too large) together and lay out what is drawn.

    With ``trained`` (the :func:`train` of the same optimizer, schedule, steps and center), rates that are
    slider values are read from it instead of trained again: the same numbers, bit for bit (each run of a
    vectorized call is computed on its own). ``prob``: another valley (a learner's data).
    """
    prob = prob or cached_problem(center)
    traj = trained.runs(rates) if trained is not None else None
    if traj is None:
        traj = fit(prob, np.asarray(rates, dtype=np.float64), optimizer, schedule, steps)
    to_1pct = traj.first_step_below(prob.target_loss)
    m = min(shared.GROWTH_STEPS, steps)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = (traj.loss[-1] / traj.loss[-1 - m]) ** (1.0 / m)
    growth = np.where(np.isfinite(growth), growth, np.inf)  # a diverged run's loss is inf: it grows without end
    summaries = tuple(
        RunSummary(role=role, rate=float(rate), diverged_at=int(traj.diverged_at[r]),
                   steps_to_1pct=int(to_1pct[r]), final_loss=float(traj.final_loss[r]), growth=float(growth[r]))
        for r, (role, rate) in enumerate(zip(ROLES, rates)))
    fastest = fastest_role(summaries)
    labels = {s.role: role_label(s.role, s.rate, s.contradiction(s.role == fastest)) for s in summaries}

    window = paths.window(traj.params.reshape(-1, 2), traj.loss.reshape(-1), start_value=prob.start_loss,
                          anchors=np.array([[0.0, 0.0], prob.optimum]), square=True)
    surface, cell = paths.mse_bands(prob.x, prob.y, window, GRID)
    order = list(reversed(range(len(summaries))))  # "too small" last: drawn on top
    path_rows, exit_rows = paths.path_rows(traj.params, traj.loss, traj.diverged_at, window, order=order)
    curve_rows = paths.curve_rows(traj.loss, traj.diverged_at, order=order)
    # Categoricals: sent to the browser as small dictionaries (their dtypes made once per call).
    label_dtype = pd.CategoricalDtype([labels[role] for role in ROLES])

    def frame(rows: dict[str, np.ndarray], **more: np.ndarray) -> pd.DataFrame:
        run = rows["run"]
        return pd.DataFrame({"series": pd.Categorical.from_codes(run, dtype=_ROLE_DTYPE),
                             "label": pd.Categorical.from_codes(run, dtype=label_dtype),
                             **{k: v for k, v in rows.items() if k != "run"}, **more})

    gone = [s for s in summaries if s.diverged]
    diverged_at, to_1pct = np.array([s.diverged_at for s in summaries]), np.array([s.steps_to_1pct for s in summaries])
    return Runs(
        summaries=summaries, window=window, cell=cell, surface=pd.DataFrame(surface), paths=frame(path_rows),
        exits=frame(exit_rows), labels=labels,
        curves=frame(curve_rows, rate=np.asarray(rates, dtype=np.float64)[curve_rows["run"]],
                     excess=curve_rows["value"] - prob.optimum_loss),
        table=pd.DataFrame({"role": list(ROLES), "label": [labels[r] for r in ROLES], "lr": [s.rate for s in summaries],
                            "final_loss": [s.final_loss for s in summaries], "diverged": diverged_at >= 0,
                            "diverged_at": diverged_at, "steps_to_1pct": to_1pct,
                            "outcome": outcomes(diverged_at, to_1pct, prob.exact_fit)}),
        diverged=pd.DataFrame({"series": [s.role for s in gone], "label": [labels[s.role] for s in gone],
                               "step": np.array([s.diverged_at for s in gone], dtype=int)}))


def train(optimizer: str, schedule: str, steps: int, center: bool = False, prob: LineValley | None = None) -> Training:
    """The sweep's rates and the slider values, trained together (one call of ``fit_linear``)."""
    return trained.train(prob or cached_problem(center), optimizer, schedule, steps, sweep_rates(), rate_options())


# ------------------------------------------------------------------------------ cached wrappers
# One policy for the whole dashboard: dashboard.cache.


@scenario_cache(max_entries=16)  # about 3 MB each (1000 steps), at most 3 optimizers x 2
def longest_constant(optimizer: str, center: bool) -> Training:
    """The slider's longest constant-rate training of (optimizer, center): every shorter length is read
    from it (``Training.prefix``). Kept by the cache like any result; 1000 steps train in under 0.1 s."""
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


def runs_of(values: Mapping[str, Any], prob: LineValley | None = None, trained: Training | None = None) -> Runs:
    """The three runs of a scenario given as the page's control values (``DEFAULTS``' keys), on the
    built-in line, or on ``prob`` (a learner's data) with its ``trained`` sweep."""
    rates = tuple(values[KEYS[role]] for role in ROLES)
    if prob is None:
        return cached_three_runs(*rates, values["opt"], values["sched"], values["steps"], values["center"])
    return three_runs(rates, values["opt"], values["sched"], values["steps"], values["center"], trained=trained,
                      prob=prob)


# ------------------------------------------------------------------------------ texts
# Sentences with the scenario's live numbers: whole blocks of dashboard/texts/learning_rate.md.

def headline_title(prob: LineValley) -> str:
    """The headline row's title: what "arrived" means on this valley."""
    return TEXT("headline.title-exact") if prob.exact_fit else TEXT("headline.title")


def headlines(runs: Runs, prob: LineValley, steps: int) -> list[Headline]:
    """Steps to within 1% of the optimum, one per run (compared with a pinned run of the same role)."""
    help = (TEXT("help.headline-exact", target=fmt(prob.target_loss), optimum=fmt(prob.optimum_loss))
            if prob.exact_fit else TEXT("help.headline", optimum=fmt(prob.optimum_loss)))
    return [Headline(runs.labels[s.role].capitalize(), outcome(s, steps), help,
                     value=s.steps_to_1pct if s.converged else None, change=whole, better="lower", key=s.role,
                     state=None if s.converged or s.diverged else TEXT("outcome.not-in-mse", steps=steps,
                                                                         loss=fmt(s.final_loss)))
            for s in runs.summaries]


def run_claims(prob: LineValley, runs: Runs, optimizer: str, schedule: str, steps: int) -> list[Claim]:
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
               "share": s.rate / prob.critical if optimizer == "sgd" else None, "exact": prob.exact_fit}
        if s.diverged:
            claims.append(Claim("lr.diverged", {**run, "step": s.diverged_at}))
        elif s.converged:
            claims.append(Claim("lr.reached", {**run, "step": s.steps_to_1pct, "steps": steps, "final": s.final_loss}))
        else:
            need = (landscape.steps_to_loss(prob.X, prob.y, s.rate, prob.within_gap)
                    if plain and s.rate < prob.critical else -1)
            claims.append(Claim("lr.short", {
                **run, "steps": steps, "final": s.final_loss, "growth": s.growth if s.growing else None,
                "optimum": prob.optimum_loss, "start": prob.start_loss, "need": need,
                "best": None if best is None else (best.steps_to_1pct, role_label(best.role, best.rate))}))
    return claims


def _cliff(prob: LineValley, sw: Sweep, optimizer: str, schedule: str, steps: int) -> str:
    """Where the sweep's runs start to diverge, against the critical rate."""
    plain = optimizer == "sgd" and schedule == "constant"
    lo, hi, table = sw.largest_stable, sw.smallest_diverged, sw.table
    growing = table[~table["diverged"].to_numpy(dtype=bool) & (table["final_loss"].to_numpy() > prob.start_loss)]
    if len(growing):  # a short run: not yet past the cut-off, but above where they began
        lo = float(table.loc[~table["diverged"] & (table["final_loss"] <= prob.start_loss), "lr"].max())
    if math.isnan(hi) and not len(growing):
        said = (TEXT("notice.cliff-none-adam", size=SWEEP_SIZE, high=decimal_text(RATE_HIGH), steps=steps)
                if optimizer == "adam" else TEXT("notice.cliff-none", size=SWEEP_SIZE, high=decimal_text(RATE_HIGH),
                                                 steps=steps))
    elif math.isnan(lo):
        said = TEXT("notice.cliff-all", size=SWEEP_SIZE)
    elif len(growing):
        rates = growing["lr"].to_numpy(dtype=float)
        said = TEXT("notice.cliff-below-start", lo=fmt(lo)) + " " + _still_growing(rates, hi, optimizer == "adam", steps)
        if plain and lo <= prob.critical <= rates.min():
            said += " " + TEXT("notice.cliff-there")
    elif plain and lo <= prob.critical <= hi:
        said = TEXT("notice.cliff-at-critical", lo=fmt(lo), hi=fmt(hi))
    else:
        said = TEXT("notice.cliff-between", lo=fmt(lo), hi=fmt(hi))
    if plain:
        return said
    said = TEXT("notice.cliff-plain-only") + " " + said
    limit = dict(mu=MOMENTUM, limit=fmt(momentum_critical(prob)))
    if optimizer == "momentum":
        said += " " + (TEXT("notice.momentum-limit", **limit) if schedule == "constant"
                       else TEXT("notice.momentum-limit-scheduled", **limit))
    return said


def _still_growing(rates: np.ndarray, hi: float, adam: bool, steps: int) -> str:
    """The sweep's ``rates`` that ended above the start without passing the cut-off: one or several, said
    for Adam or not, with ``hi`` the smallest rate that passed it (nan: none did)."""
    if len(rates) == 1:  # one rate: named alone, in the singular
        one = dict(rate=fmt(rates[0]), steps=steps)
        if math.isnan(hi):
            return TEXT("notice.cliff-growing-adam-one", **one) if adam else TEXT("notice.cliff-growing-one", **one)
        return (TEXT("notice.cliff-growing-adam-one-then", hi=fmt(hi), **one) if adam
                else TEXT("notice.cliff-growing-one-then", hi=fmt(hi), **one))
    numbers = dict(low=fmt(rates.min()), high=fmt(rates.max()), steps=steps)
    if math.isnan(hi):
        return (TEXT("notice.cliff-growing-adam", n=len(rates), **numbers) if adam
                else TEXT("notice.cliff-growing", n=len(rates), **numbers))
    return (TEXT("notice.cliff-growing-adam-then", n=len(rates), hi=fmt(hi), **numbers) if adam
            else TEXT("notice.cliff-growing-then", n=len(rates), hi=fmt(hi), **numbers))


def _centering(prob: LineValley, runs: Runs, other: Runs) -> str:
    """Run by run, what centering x changed against the same rates on the uncentered valley."""
    def said(s: RunSummary) -> str:
        return at_the_end(s, prob.optimum_loss, prob.start_loss, prob.exact_fit)

    # One item per run, joined into the sentence's list of changes.
    changes = "; ".join(TEXT("notice.centering-run", role=now.role, now=said(now), before=said(before))
                        for now, before in zip(runs.summaries, other.summaries))
    slower = [n.role for n, b in zip(runs.summaries, other.summaries)
              if not n.diverged and not n.converged and not b.diverged and n.final_loss > b.final_loss]
    return TEXT("notice.centering", changes=changes) + (
        " " + TEXT("notice.centering-slower", mean_y=fmt(prob.optimum[1]), runs=", ".join(slower)) if slower else "")


def _valley_shape(prob: LineValley, optimizer: str) -> str:
    """The uncentered valley's shape: long and narrow (a crawl along the floor) only from
    :data:`NARROW_CONDITION`, since a learner's own data can give a round one."""
    if prob.condition < NARROW_CONDITION:
        return TEXT("notice.round", x_mean=fmt(prob.x_mean), condition=fmt(prob.condition, 3),
                    share=pct(2 / prob.condition, 0))
    return TEXT("notice.narrow", x_mean=fmt(prob.x_mean), condition=fmt(prob.condition, 3),
                share=pct(2 / prob.condition, 1)) + " " + (
        TEXT("notice.try-center") if optimizer == "momentum" else TEXT("notice.try-center-or-momentum"))


def notice_points(prob: LineValley, runs: Runs, sw: Sweep, optimizer: str, schedule: str, steps: int,
                  uncentered: Runs | None = None) -> list[str]:
    """The "What to notice" bullets, all with the scenario's live numbers. ``uncentered``: with centered
    x, the same three runs on the uncentered valley, to say which runs centering speeds up."""
    points = [TEXT("notice.cliff", critical=fmt(prob.critical), lam_max=fmt(prob.lam_max)),
              _cliff(prob, sw, optimizer, schedule, steps)]
    points.extend(say([claim]) for claim in run_claims(prob, runs, optimizer, schedule, steps))
    if optimizer == "sgd" and schedule == "constant":
        zig = [role_label(s.role, s.rate) for s in runs.summaries if prob.critical / 2 < s.rate < prob.critical]
        points.append(TEXT("notice.bouncing", half=fmt(prob.critical / 2)) + " " + (
            TEXT("notice.bouncing-none") if not zig else TEXT("notice.bouncing-one", run=zig[0]) if len(zig) == 1
            else TEXT("notice.bouncing-many", runs=" and ".join(zig))))
    if prob.centered:
        said = TEXT("notice.centered", x_mean=fmt(prob.x_mean), condition=fmt(prob.condition, 3),
                    critical=fmt(prob.critical), slope=fmt(prob.optimum[0]))
        points.append(said + " " + _centering(prob, runs, uncentered) if uncentered is not None else said)
    else:
        points.append(_valley_shape(prob, optimizer))
    if not math.isnan(sw.best_lr):
        numbers = dict(size=SWEEP_SIZE, low=decimal_text(RATE_LOW), high=decimal_text(RATE_HIGH), n=sw.n_diverged,
                       steps=steps, best=fmt(sw.best_lr), loss=fmt(sw.best_loss), optimum=fmt(prob.optimum_loss))
        points.append(TEXT("notice.sweep", **numbers) + " " + registry.SCHEDULES[schedule].sentence(steps) + (
            " " + TEXT("notice.sweep-adam", best=fmt(sw.best_lr)) if optimizer == "adam" else ""))
    return points


def upload_note(prob: LineValley) -> str:
    """The caption of a learner's own data: how it was mapped, and what that does not change."""
    return TEXT("caption.upload", critical=fmt(prob.critical), built_in=fmt(cached_problem(prob.centered).critical))


def math_blocks(prob: LineValley, schedule: str, steps: int) -> list[tuple[str, str]]:
    """(sentence, LaTeX) pairs for "The math", with the scenario's numbers."""
    h, lam_max = prob.hessian, prob.lam_max
    within = (TEXT("math.within-exact"), rf"J(\theta_t) \le J(\theta^*) + 10^{{-6}}\,\big(J(\theta_0) - J(\theta^*)\big) "
              rf"= {prob.target_loss:.5g},\qquad ") if prob.exact_fit else (
        TEXT("math.within"), rf"J(\theta_t) \le 1.01\, J(\theta^*) = {prob.target_loss:.5g},\qquad ")
    entry = registry.SCHEDULES[schedule]
    return [
        (TEXT("math.model", n=prob.x.size), r"J(w, b) = \frac{1}{n}\sum_{i=1}^{n} (w x_i + b - y_i)^2"),
        (TEXT("math.step"), r"\theta_{t+1} = \theta_t - \eta_t \nabla J(\theta_t),\qquad "
         r"\nabla J = \frac{2}{n}\sum_{i=1}^{n} (w x_i + b - y_i)\begin{pmatrix} x_i \\ 1 \end{pmatrix}"),
        (TEXT("math.hessian"),
         rf"H = \frac{{2}}{{n}}\sum_{{i}} \begin{{pmatrix}} x_i^2 & x_i \\ x_i & 1 \end{{pmatrix}} = "
         rf"\begin{{pmatrix}} {h[0, 0]:.4g} & {h[0, 1]:.4g} \\ {h[1, 0]:.4g} & {h[1, 1]:.4g} \end{{pmatrix}},\quad "
         rf"\lambda_{{\max}} = {lam_max:.4g},\ \lambda_{{\min}} = {prob.lam_min:.4g}"),
        (TEXT("math.critical"),
         rf"\eta_{{\text{{crit}}}} = \frac{{2}}{{\lambda_{{\max}}}} = \frac{{2}}{{{lam_max:.4g}}} = {fmt(prob.critical)}"),
        (TEXT("math.flat"), rf"\kappa = \frac{{\lambda_{{\max}}}}{{\lambda_{{\min}}}} = {prob.condition:.4g},\qquad "
         rf"1 - \frac{{2}}{{\kappa}} = {1 - 2 / prob.condition:.4g}"),
        (within[0], within[1] + rf"\theta^* = (w^*, b^*) = ({prob.optimum[0]:.4g},\ {prob.optimum[1]:.4g})"),
        (TEXT("math.momentum", mu=MOMENTUM), registry.OPTIMIZERS["momentum"].latex
         + rf",\qquad \eta < \frac{{2(1+\mu)}}{{\lambda_{{\max}}}} = {fmt(momentum_critical(prob))}"),
        (TEXT("math.adam"), registry.OPTIMIZERS["adam"].latex),
        (TEXT("math.schedule", schedule=entry.label), entry.latex_at(steps)),
    ]


def torch_code(values: Mapping[str, Any], role: str) -> str:
    """PyTorch code that makes run ``role``'s numbers ("too small", "good", "too large"): the built-in
    40 points, the same start (0, 0), optimizer, rate, schedule (stepped once per update) and steps."""
    rate, steps = float(values[KEYS[role]]), int(values["steps"])
    entry, schedule = registry.OPTIMIZERS[values["opt"]], registry.SCHEDULES[values["sched"]]
    args = entry.torch_arguments(repr(rate))  # no knobs here: momentum's μ is the row's 0.9
    return "\n".join([
        *registry.torch_line_header(DATA, center=bool(values["center"])),
        f"optimizer = torch.optim.{entry.torch_class}([w], {', '.join(args)})",
        f"scheduler = {schedule.torch(schedule.settings(steps), rate)}",
        f"for step in range({steps}):",
        "    optimizer.zero_grad()",
        "    loss = ((w[0] * x + w[1] - y) ** 2).mean()",
        "    loss.backward()",
        "    optimizer.step()",
        *([] if values["sched"] == "constant" else ["    scheduler.step()  # once per update"]),
        "with torch.no_grad():",
        "    print(w.tolist(), ((w[0] * x + w[1] - y) ** 2).mean().item())",
    ])
