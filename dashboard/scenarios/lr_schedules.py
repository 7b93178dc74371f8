"""Compute for "How should the learning rate change during training?": two schedules on one problem.

A line fit ``y = w x + b`` by plain SGD on 64 points (x in [-1, 1], so the critical rate
2 / λ_max is about 1), where the schedule decides the outcome in two ways:

- noisy mini-batches (the default, batches of 4). Each batch's gradient is the full gradient plus noise, so a
  constant rate keeps the weights jittering around the optimum and the loss stops falling at a
  floor that grows with the rate; a decaying rate lowers the floor.
- the full batch at a peak rate above the critical rate (a preset: η = 1.3). A constant rate
  diverges; a schedule that spends only a few steps above the critical rate (warmup then
  decay, one-cycle, a fast decay) survives them.

A schedule's t counts epochs (torch's ``scheduler.step()`` once per epoch, as in the lesson's
"0.01 after 30 epochs"): every update of an epoch uses that epoch's rate
(:func:`core.training.fit_linear`'s ``lr_every``). Reduce-on-plateau reads the full-data loss
at the end of each epoch.

The range test (:mod:`core.rate_finder`) runs on the same problem and batch size.

:func:`compute` is a plain function of the controls' values; :func:`result_of` its cached
wrapper (shared across sessions: it depends on the controls only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import outcomes, rate_finder, schedules, training
from dashboard import paths, registry, words
from dashboard.cache import by_values
from dashboard.formatting import apart, fmt, negligible
from dashboard.headline import Headline
from dashboard.valley import LineValley, line_valley
from dashboard.verdicts import Claim, say, template

SCHEDULES = tuple(registry.SCHEDULES)
SIDES = ("a", "b")
TEXT = words.of("lr_schedules")
DATA = dict(n=64, slope=2.0, intercept=1.0, noise=0.5, n_outliers=0, x_range=(-1.0, 1.0), seed=0)
SEED = 0  # the mini-batches' shuffling
BATCHES = ("1", "2", "4", "8", "16", "32", "64")  # a choice (its text is its value); 64 is the full batch
BATCH_LABELS = {"1": "1 (SGD)", "64": "64 (full batch)"}
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 0.001, 10.0, 10  # 0.1, 0.01 and 1.3 are on the slider
EPOCHS_RANGE = (20, 200)
# The loss it reads is the full-data loss, with no batch noise on top: a light smoothing (a memory of
# about 10 updates, a quarter of a decade of rate) is enough, and lags the curve less than fastai's 0.98.
RANGE_TEST = dict(lr_min=1e-4, lr_max=10.0, steps=200, beta=0.9)
CURVE_ROWS = 600  # points drawn per loss curve (one per epoch: at most 201)
T_MULTS = ("1", "2", "3")
DEFAULTS: dict[str, Any] = {
    "a": "constant", "b": "step", "lr": 0.1, "epochs": 90, "batch": "4",
    "step_size": 30, "gamma": 0.1, "k": 0.05, "t_0": 10, "t_mult": "2", "warm": 5, "pct_start": 0.3, "half": 10,
    "factor": 0.1, "patience": 10,
}
# The lesson's examples and the two stories, as presets.
LESSON_STEP = dict(DEFAULTS)  # 0.1, then 0.01 after 30 epochs and 0.001 after 60
LESSON_EXPONENTIAL = {**DEFAULTS, "a": "step", "b": "exponential"}
ABOVE_CRITICAL = {**DEFAULTS, "batch": "64", "lr": 1.3, "a": "constant", "b": "warmup"}
PLATEAU_COSINE = {**DEFAULTS, "a": "cosine", "b": "reduce_on_plateau"}


def uses(values: Mapping[str, Any], knob: str) -> bool:
    """Whether schedule A or B reads the control ``knob`` (a knob is greyed out unless one does)."""
    return any(knob in registry.SCHEDULES[values[side]].knobs for side in SIDES)


def overrides(key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The registry settings of schedule ``key`` that the controls set (its t counts epochs)."""
    return registry.SCHEDULES[key].from_knobs(values, int(values["epochs"]))


def schedule(key: str, values: Mapping[str, Any]):
    """The core schedule of ``key`` with the page's rate and settings (t in epochs)."""
    return registry.SCHEDULES[key].build_with(float(values["lr"]), int(values["epochs"]), overrides(key, values))


# ------------------------------------------------------------------------------ the problem


def problem() -> LineValley:
    """The built-in points (``DATA``) and the facts of their valley."""
    return line_valley(DATA)


def batch_of(values: Mapping[str, Any]) -> int:
    return int(values["batch"])


def per_epoch(batch: int) -> int:
    return -(-DATA["n"] // batch)


# ------------------------------------------------------------------------------ the runs


@dataclass(frozen=True)
class Run:
    """One schedule's run: ``gap`` (updates + 1,) the loss above the least-squares loss after each
    update, ``rates`` (updates,) each update's rate, ``diverged_at`` the update it diverged at (-1)."""

    key: str
    side: str
    label: str
    gap: np.ndarray
    rates: np.ndarray
    diverged_at: int

    @property
    def final(self) -> float:
        return float("inf") if self.diverged_at >= 0 else float(self.gap[-1])


@dataclass(frozen=True)
class Result:
    """Everything the page shows of one scenario (frames for the charts, numbers for the text)."""

    rate: float
    epochs: int
    batch: int
    per_epoch: int
    critical: float
    start_gap: float
    runs: tuple[Run, ...]
    test: rate_finder.RangeTest
    series: dict[str, tuple[str, str]]  # side -> (label, colour)
    rate_frame: pd.DataFrame  # series, label, step (epoch), rate
    curves: pd.DataFrame  # series, label, step (epoch), value (the gap after that epoch), run
    diverged: pd.DataFrame  # series, step (epoch), text
    hover: pd.DataFrame  # series, label, step (epoch), rate, gap, shown: one row per epoch and schedule
    test_frame: pd.DataFrame  # rate, loss, smooth (up to where the test stopped)
    low: float
    top: float

    @property
    def full_batch(self) -> bool:
        return self.batch >= DATA["n"]

    def run(self, side: str) -> Run:
        return next(r for r in self.runs if r.side == side)


def _label(side: str, key: str) -> str:
    return f"{side.upper()}: {registry.SCHEDULES[key].label}"


def _train(prob: LineValley, values: Mapping[str, Any]) -> tuple[Run, ...]:
    """Schedules A and B trained on the same batches: in one vectorized run of two columns when both
    are functions of the epoch, one after the other when one reads the loss (reduce on plateau)."""
    epochs, batch = int(values["epochs"]), batch_of(values)
    per = per_epoch(batch)
    keys = [values[side] for side in SIDES]
    made = [schedule(key, values) for key in keys]
    common = dict(optimizer="sgd", steps=epochs * per, batch_size=None if batch >= DATA["n"] else batch, seed=SEED,
                  lr_every=per)
    if any(isinstance(m, schedules.Plateau) for m in made):
        fits = [training.fit_linear(prob.X, prob.y, lr=m, **common) for m in made]
        columns = [(fit, 0) for fit in fits]
    else:
        both = training.fit_linear(prob.X, prob.y, lr=lambda t: np.stack([m(t) for m in made], axis=-1), **common)
        columns = [(both, 0), (both, 1)]
    return tuple(Run(key=key, side=side, label=_label(side, key), gap=fit.loss[:, r] - prob.optimum_loss,
                     rates=fit.lr[:, r].copy(), diverged_at=int(fit.diverged_at[r]))
                 for key, side, (fit, r) in zip(keys, SIDES, columns))


def compute(values: Mapping[str, Any]) -> Result:
    prob = problem()
    epochs, batch = int(values["epochs"]), batch_of(values)
    per = per_epoch(batch)
    runs = _train(prob, values)
    series = {r.side: (r.label, registry.SCHEDULES[r.key].colour) for r in runs}
    start_gap = float(runs[0].gap[0])
    # The loss axis: from just under the lowest gap either run reaches to ten times the start.
    low = paths.log_floor(np.concatenate([r.gap for r in runs]), start_gap)
    # ... or to twice the highest a surviving run climbed, so a spike it survived is drawn whole.
    survived = [r.gap for r in runs if r.diverged_at < 0]
    top = max(10.0 * start_gap, 2.0 * max(float(np.max(g)) for g in survived) if survived else 0.0)

    # Drawn per epoch (the loss after each epoch's last update): the schedule moves once per epoch, and the
    # per-update jitter of mini-batches would hide the trend under a band of noise.
    gaps = np.stack([r.gap for r in runs], axis=1)
    marks = np.arange(epochs + 1)
    epoch_gaps = gaps[marks * per]
    gone = np.array([r.diverged_at for r in runs])
    gone_epoch = np.where(gone >= 0, -(-gone // per), -1)
    rows = paths.curve_rows(epoch_gaps, gone_epoch, max_rows=CURVE_ROWS)
    side_of = np.array(SIDES, dtype=object)
    label_of = np.array([r.label for r in runs], dtype=object)
    run_text = np.array([f"{r.label} (η = {float(values['lr']):g})" for r in runs], dtype=object)
    curves = pd.DataFrame({"series": side_of[rows["run"]], "label": label_of[rows["run"]],
                           "step": rows["step"].astype(float), "value": rows["value"], "run": run_text[rows["run"]]})
    # A diverged run's marker sits where its line leaves the top of the chart, named by its run: at the
    # epoch it diverged, the marker could sit on the other run's curve and be read as that run's.
    gone_runs = [(k, r) for k, r in enumerate(runs) if r.diverged_at >= 0]
    diverged = pd.DataFrame({
        "series": [r.side for _, r in gone_runs],
        "step": [float(_left_chart(epoch_gaps[:, k], gone_epoch[k], top)) for k, r in gone_runs],
        "text": [f"{r.side.upper()}: {diverged_words(r, per)}" for _, r in gone_runs],
    })
    # The rate is one value per epoch: drawn as steps, with the last epoch's rate held to the end.
    epoch_rates = np.stack([r.rates[::per] for r in runs], axis=1)  # (epochs, 2)
    held = np.vstack([epoch_rates, epoch_rates[-1:]])
    rate_frame = pd.DataFrame({"series": np.repeat(side_of, epochs + 1), "label": np.repeat(label_of, epochs + 1),
                               "step": np.tile(marks, 2).astype(float), "rate": held.T.ravel()})
    after = marks[:, None] > np.where(gone_epoch >= 0, gone_epoch, epochs + 1)[None, :]
    hover = pd.DataFrame({"series": np.repeat(side_of, epochs + 1), "label": np.repeat(label_of, epochs + 1),
                          "step": np.tile(marks, 2).astype(float), "rate": held.T.ravel(),
                          "gap": np.where(after, np.nan, epoch_gaps).T.ravel()})
    hover["shown"] = np.clip(hover["gap"].to_numpy(), low, top)

    test = rate_finder.range_test(prob.X, prob.y, optimizer="sgd", batch_size=None if batch >= DATA["n"] else batch,
                                  seed=SEED, **RANGE_TEST)
    keep = slice(0, max(test.stop, 1))
    test_frame = pd.DataFrame({"rate": test.rates[keep], "loss": test.loss[keep], "smooth": test.smooth[keep]})
    return Result(rate=float(values["lr"]), epochs=epochs, batch=batch,
                  per_epoch=per, critical=prob.critical, start_gap=start_gap, runs=runs, test=test, series=series,
                  rate_frame=rate_frame, curves=curves, diverged=diverged, hover=hover, test_frame=test_frame,
                  low=low, top=top)


result_of = by_values(compute, heavy=True)


# ------------------------------------------------------------------------------ texts


def _left_chart(epoch_gap: np.ndarray, gone_epoch: int, top: float) -> int:
    """The first epoch whose gap is above the chart's top (or not finite), at most the epoch it diverged."""
    with np.errstate(invalid="ignore"):
        out = np.flatnonzero(~(epoch_gap[: gone_epoch + 1] <= top))
    return int(out[0]) if out.size else gone_epoch


def diverged_words(run: Run, per: int, with_update: bool = True) -> str:
    """"diverged in epoch e" (the axes count epochs), with the update when an epoch holds several
    (``with_update``: a headline, which shows about 20 characters, leaves it to the notes)."""
    epoch = -(-run.diverged_at // per)
    return f"diverged in epoch {epoch}" + (f" (update {run.diverged_at})" if per > 1 and with_update else "")


def outcome(run: Run, per: int = 1, with_update: bool = True) -> str:
    """"diverged in epoch e", or the final gap (≈0 within round-off of the start's)."""
    if run.diverged_at >= 0:
        return diverged_words(run, per, with_update)
    return "≈0" if negligible(run.final, float(run.gap[0])) else fmt(run.final)


def headlines(res: Result) -> list[Headline]:
    """Each schedule's loss above the best possible at the end, then the range test's rate."""
    out = [Headline(run.label, outcome(run, res.per_epoch, with_update=False),
                    "The mean squared error above the least-squares line's after the last update.",
                    value=None if run.diverged_at >= 0 else run.final, better="lower", key=run.side)
           for run in res.runs]
    suggested = res.test.suggested
    out.append(Headline("Range test suggests", f"η = {suggested:.3g}" if suggested else "no rate",
                        "The rate where the range test's smoothed loss fell fastest.", value=suggested, key="test"))
    return out


def _cuts(run: Run, per: int) -> list[int]:
    """The epochs at which the rate fell (for reduce on plateau: its cuts)."""
    by_epoch = run.rates[::per]
    return [int(e) for e in np.flatnonzero(by_epoch[1:] < by_epoch[:-1] * (1 - 1e-12)) + 1]


def _above(run: Run, critical: float) -> int:
    """How many updates ran above the critical rate (before any divergence)."""
    rates = run.rates if run.diverged_at < 0 else run.rates[: run.diverged_at]
    return int(np.sum(rates > critical))


def verdict_of(run: Run) -> outcomes.Outcome:
    """What the run did (core.outcomes: diverged, still falling, hovering at a floor...)."""
    return outcomes.classify(run.gap, 0.0, diverged_at=run.diverged_at)  # a diverged run reads no further


def minibatch_claims(res: Result) -> list[Claim]:
    """Mini-batch runs, as claims (:class:`dashboard.verdicts.Claim`): what each did, a comparison only
    between two that ended, and the noise floor only for a constant rate that stopped falling."""
    claims = [Claim("schedules.noisy", {"batch": res.batch, "per_epoch": res.per_epoch})]
    verdicts_ = {r.side: verdict_of(r) for r in res.runs}
    for r in res.runs:
        v = verdicts_[r.side]
        run = {"label": r.label, "gap": outcome(r), "final": r.final}
        if v.kind == "diverged":
            claims.append(Claim("schedules.diverged", {**run, "epoch": -(-r.diverged_at // res.per_epoch),
                                                       "update": r.diverged_at, "several": res.per_epoch > 1}))
        elif r.final > res.start_gap:
            claims.append(Claim("schedules.above_start", {**run, "start": res.start_gap}))
        else:
            claims.append(Claim(f"schedules.{v.kind if v.kind in ('falling', 'rising') else 'levelled'}", run))
    # The chart's only rate line is the full batch's critical rate; a run that went wrong without ever
    # crossing it shows that mini-batch noise lowers the safe rate (schedules review 7).
    under = [r for r in res.runs if (verdicts_[r.side].kind == "diverged" or r.final > res.start_gap)
             and _peak(r) < res.critical]
    if under:
        claims.append(Claim("schedules.noise_lowers_the_limit", {
            "runs": [(r.label, _peak(r)) for r in under], "critical": res.critical}))
    a, b = res.runs
    if a.diverged_at < 0 and b.diverged_at < 0:
        c = outcomes.compare(a.final, b.final, res.start_gap)
        if c.kind == "equal":
            claims.append(Claim("schedules.equal"))
        else:
            low, high = (a, b) if c.kind == "smaller" else (b, a)
            claims.append(Claim("schedules.lower", {"low": low.label, "high": high.label,
                                                    "ratio": high.final / low.final}))
    if any(r.key == "constant" and verdicts_[r.side].kind in ("stalled", "oscillating") and r.final <= res.start_gap
           for r in res.runs):
        claims.append(Claim("schedules.jumps"))
    if any(verdicts_[r.side].kind == "falling" and r.final <= res.start_gap for r in res.runs):
        claims.append(Claim("schedules.no_floor_yet"))
    return claims


def _peak(run: Run) -> float:
    """The largest rate the run used, up to the update where it diverged."""
    used = run.rates if run.diverged_at < 0 else run.rates[:max(run.diverged_at, 1)]
    return float(np.max(used))


def minibatch_note(res: Result) -> str:
    """The mini-batch claims in words (:func:`dashboard.verdicts.say`)."""
    return say(minibatch_claims(res))


template("schedules.noisy")(lambda v: TEXT("notice.noisy", batch=v["batch"], per_epoch=v["per_epoch"]))


@template("schedules.diverged")
def _(v):  # the words of diverged_words: the update only where an epoch holds several
    if v["several"]:
        return TEXT("notice.diverged-update", label=v["label"], epoch=v["epoch"], update=v["update"])
    return TEXT("notice.diverged", label=v["label"], epoch=v["epoch"])


template("schedules.above_start")(
    lambda v: TEXT("notice.above-start", label=v["label"], final=fmt(v["final"]), start=fmt(v["start"])))


@template("schedules.noise_lowers_the_limit")
def _(v):
    critical = apart(v["runs"][0][1], v["critical"])[1]
    peaks = [(label, apart(peak, v["critical"])[0]) for label, peak in v["runs"]]
    if len(peaks) == 2:
        (first, first_peak), (second, second_peak) = peaks
        return TEXT("notice.noise-limit-both", first=first, first_peak=first_peak, second=second,
                    second_peak=second_peak, critical=critical)
    ((label, peak),) = peaks
    return TEXT("notice.noise-limit", label=label, peak=peak, critical=critical)


template("schedules.falling")(lambda v: TEXT("notice.falling", label=v["label"], gap=v["gap"]))
template("schedules.rising")(lambda v: TEXT("notice.rising", label=v["label"], gap=v["gap"]))
template("schedules.levelled")(lambda v: TEXT("notice.levelled", label=v["label"], gap=v["gap"]))
template("schedules.equal")(lambda v: TEXT("notice.equal"))
template("schedules.lower")(lambda v: TEXT("notice.lower", low=v["low"], ratio=fmt(v["ratio"], 3), high=v["high"]))
template("schedules.jumps")(lambda v: TEXT("notice.jumps"))
template("schedules.no_floor_yet")(lambda v: TEXT("notice.no-floor-yet"))


def notes(res: Result, values: Mapping[str, Any]) -> list[str]:
    """The "What to notice" bullets: the runs against the noise or the critical rate, schedules that never moved
    the rate, where step decay, exponential decay and reduce on plateau took it, and the range test's pick."""
    a, b = res.runs
    out = []
    if not res.full_batch:
        out.append(minibatch_note(res))
    elif res.rate > res.critical:
        critical, rate = apart(res.critical, res.rate)
        limit = TEXT("notice.above-critical", critical=critical, rate=rate, times=apart(res.rate / res.critical, 1.0, 2)[0])
        out.append(" ".join([limit, *(_above_critical(r, res) for r in res.runs), TEXT("notice.curvature")]))
    else:
        out.append(_below_critical(res))
    out.extend(said for said in (_unchanged(r, res) for r in res.runs if r.key != "constant") if said)
    out.extend(said for said in (_where_the_rate_went(r, res, values) for r in res.runs) if said)
    test = res.test
    if test.suggested:
        numbers = dict(lr_min=RANGE_TEST["lr_min"], lr_max=RANGE_TEST["lr_max"], steps=RANGE_TEST["steps"],
                       pick=test.suggested, critical=res.critical)
        picked = [TEXT("notice.range-test-away", away=test.rates[test.stop], **numbers) if test.stop < test.rates.size
                  else TEXT("notice.range-test", **numbers)]
        if test.suggested < 0.5 * res.critical:
            picked.append(TEXT("notice.range-pick-safe", below=fmt(res.critical / test.suggested, 2)))
        out.append(" ".join(picked))
    if a.key == b.key:
        out.append(TEXT("notice.same-schedule"))
    return out


def _where_the_rate_went(r: Run, res: Result, values: Mapping[str, Any]) -> str:
    """Step decay's first cuts, exponential decay's rate after 10 epochs, reduce on plateau's cuts ("" for others)."""
    cuts = _cuts(r, res.per_epoch)
    rates = r.rates[:: res.per_epoch]
    if r.key == "step" and cuts:
        # the first three cuts as one list, "0.01 after 30 epochs, 0.001 after 60 epochs"
        after = ", ".join(f"{rates[e]:.3g} after {epochs_words(e)}" for e in cuts[:3])
        return TEXT("notice.step-cuts", label=r.label, first=rates[0], cuts=after)
    if r.key == "exponential":
        k, at = float(values["k"]), 10
        return TEXT("notice.exponential", label=r.label, k=k, at=at, first=rates[0], kt=at * k,
                    rate=rates[min(at, len(rates) - 1)])
    if r.key != "reduce_on_plateau":
        return ""
    if not cuts:
        return TEXT("notice.plateau-uncut", label=r.label, end=rates[-1])
    epochs = ", ".join(map(str, cuts[:6]))  # the first six cuts' epochs as one list, "12, 25, 38"
    if len(cuts) == 1:
        return TEXT("notice.plateau-cut-once", label=r.label, epochs=epochs, end=rates[-1])
    return TEXT("notice.plateau-cuts", label=r.label, cuts=len(cuts), epochs=epochs, end=rates[-1])


def epochs_words(n: int) -> str:
    return f"{n} epoch" + ("" if n == 1 else "s")


def _above_critical(r: Run, res: Result) -> str:
    """A full-batch run above the critical rate: how long it spent there and how it ended."""
    run = {"label": r.label, "above": _above(r, res.critical)}
    if r.diverged_at >= 0:
        epoch = -(-r.diverged_at // res.per_epoch)  # diverged_words': the update only where an epoch holds several
        if res.per_epoch > 1:
            return TEXT("notice.above-diverged-update", epoch=epoch, update=r.diverged_at, **run)
        return TEXT("notice.above-diverged", epoch=epoch, **run)
    peak = fmt(float(np.nanmax(r.gap)))
    if r.final > res.start_gap:
        return TEXT("notice.above-climbed", peak=peak, final=fmt(r.final), times=fmt(r.final / res.start_gap, 3),
                    start=fmt(res.start_gap), **run)
    if np.nanmax(r.gap) <= r.gap[0]:
        return TEXT("notice.above-never-rose", final=fmt(r.final), **run)
    return TEXT("notice.above-survived", peak=peak, final=fmt(r.final), **run)


def _below_critical(res: Result) -> str:
    """Full batch below the critical rate: no noise, no divergence; what each run did (core.outcomes)
    and which ended lower, only where they differ."""
    said = [TEXT("notice.full-batch", rate=res.rate, critical=fmt(res.critical, 3))]
    for r in res.runs:
        kind = verdict_of(r).kind
        if kind == "arrived":
            said.append(TEXT("notice.ends-arrived", label=r.label, gap=outcome(r)))
        elif kind == "falling":
            said.append(TEXT("notice.ends-falling", label=r.label, gap=outcome(r)))
        else:
            said.append(TEXT("notice.ends-stopped", label=r.label, gap=outcome(r)))
    a, b = res.runs
    c = outcomes.compare(a.final, b.final, res.start_gap)
    if a.key != b.key and c.kind != "equal":
        low = a if c.kind == "smaller" else b
        said.append(TEXT("notice.constant-lower", label=low.label) if low.key == "constant"
                    else TEXT("notice.ends-lower", label=low.label))
    said.append(TEXT("notice.try-above", critical=fmt(res.critical, 3)))
    return " ".join(said)


def _unchanged(r: Run, res: Result) -> str:
    """A schedule that never moved the rate in this run (step decay's first cut after the last epoch):
    its run is the constant rate's, which explains a tie."""
    if r.diverged_at < 0 and np.all(r.rates == r.rates[0]):  # a diverged run may have ended before a cut
        return TEXT("notice.unchanged", label=r.label, epochs=epochs_words(res.epochs))
    return ""


def math_blocks(res: Result, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    blocks = []
    for r in res.runs:
        entry = registry.SCHEDULES[r.key]
        sentence = entry.sentence(res.epochs, overrides(r.key, values))
        blocks.append((TEXT("math.schedule", label=r.label, sentence=sentence),
                       entry.latex_at(res.epochs, overrides(r.key, values))))
    blocks.append((TEXT("math.critical"),
                   r"\eta_{\text{crit}} = \frac{2}{\lambda_{\max}} = " + f"{res.critical:.4g}"))
    blocks.append((TEXT("math.range-test"),
                   r"\eta_t = \eta_{\min}\Bigl(\tfrac{\eta_{\max}}{\eta_{\min}}\Bigr)^{t/(T-1)},\qquad "
                   r"a_t = \beta a_{t-1} + (1-\beta)\,L_t,\quad \hat L_t = \frac{a_t}{1-\beta^{t+1}}"))
    return blocks
