"""The learning-rate view's runs, as its scenario, page and charts know them: the three roles, a run's
summary, and its name, result and bullet in words (whole blocks of ``dashboard/texts/learning_rate.md``).
Pure: no streamlit. (The training itself is :mod:`dashboard.scenarios.learning_rate_training`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core import outcomes as run_outcomes
from dashboard import words
from dashboard.formatting import decimal_text, fmt, pct
from dashboard.palette import RATE_ROLES
from dashboard.verdicts import template

TEXT = words.of("learning_rate")
ROLES: tuple[str, ...] = tuple(RATE_ROLES)  # "too small", "good", "too large": the three runs, in this order
GROWTH_STEPS = 10  # a run's growth per step is measured over its last ten steps


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

    @property
    def growing(self) -> bool:
        """Its loss still growing at the end by more than round-off: a run sitting at the optimum wobbles
        by 1e-14 a step, which is not growth."""
        return self.growth > 1.0 + run_outcomes.EQUAL_RTOL

    @property
    def blowing_up(self) -> bool:
        """Diverged, or still growing at the end (a few steps may not reach the cut-off)."""
        return self.diverged or self.growing

    def contradiction(self, fastest: bool) -> str:
        """What the run did against what its slider's name (the lesson's) promised ('' when the name fits):
        an optimizer, a schedule or centering can turn a rate's fate around."""
        if self.role == "too large" and not self.blowing_up:
            return TEXT("label.now-stable-fastest") if fastest else TEXT("label.now-stable")
        if self.role != "too large" and self.blowing_up:
            return TEXT("label.now-diverges") if self.diverged else TEXT("label.now-blowing-up")
        if self.role == "too small" and self.converged:
            return TEXT("label.now-fastest") if fastest else TEXT("label.now-converges")
        return TEXT("label.now-too-slow") if self.role == "good" and not self.converged else ""


def role_label(role: str, rate: float, contradiction: str = "") -> str:
    """The run's name in legends and metrics: 'too large (η=0.032)', 'too large (η=0.032), now stable'."""
    if contradiction:
        return TEXT("label.run-now", role=role, rate=decimal_text(rate), now=contradiction)
    return TEXT("label.run", role=role, rate=decimal_text(rate))


def fastest_role(summaries: Sequence[RunSummary]) -> str | None:
    """The role of the run that got within 1% first (None if none did, or two tied)."""
    done = sorted((s for s in summaries if s.converged), key=lambda s: s.steps_to_1pct)
    if not done or (len(done) > 1 and done[1].steps_to_1pct == done[0].steps_to_1pct):
        return None
    return done[0].role


def outcome(summary: RunSummary, steps: int) -> str:
    """Steps to get within 1% of the optimum, short: "182 steps", "not in 300" or "diverged at step k"."""
    if summary.diverged:
        return TEXT("outcome.diverged", step=summary.diverged_at)
    return TEXT("outcome.steps", steps=summary.steps_to_1pct) if summary.converged else TEXT("outcome.not-in", steps=steps)


def outcomes(diverged_at: np.ndarray, steps_to_1pct: np.ndarray, exact_fit: bool = False) -> list[str]:
    """Each run's result in words, for tooltips: diverged at step k, arrived at step k, or not. Arrived is
    within 1% of the optimum, or, where that is below round-off (:attr:`LineValley.exact_fit`), at it to a
    millionth of the start's gap."""
    def said(d: int, k: int) -> str:
        if d >= 0:
            return TEXT("outcome.diverged", step=d)
        if k >= 0:
            return TEXT("outcome.reached-exact", step=k) if exact_fit else TEXT("outcome.reached", step=k)
        return TEXT("outcome.not-reached-exact") if exact_fit else TEXT("outcome.not-reached")

    return [said(d, k) for d, k in zip(diverged_at, steps_to_1pct)]


# ------------------------------------------------------------------------------ where a run ended
# How far a loss is above the optimum: a ratio from twice it, a percentage below that, and for a line
# through every point (optimum ≈ 0, where a ratio is meaningless) the share of the start's gap still left.

def _left(loss: float, optimum: float, start: float) -> str:
    """The share of the start's gap above the optimum still left, for a line through every point."""
    left = (loss - optimum) / (start - optimum)
    return pct(left, 1) if left >= 0.001 else fmt(left, 2)


def _above(ratio: float) -> str:
    """How far a loss below twice the optimum is above it, as a percentage."""
    return pct(ratio - 1.0, 1 if ratio < 1.1 else 0)


def at_the_end(s: RunSummary, optimum: float, start: float, exact_fit: bool) -> str:
    """A run's end in a few words, for the centering comparison: 'within 1% at step 182', '3.2× the optimum
    at the end'."""
    if s.diverged:
        return TEXT("outcome.diverged", step=s.diverged_at)
    if s.converged:
        return (TEXT("outcome.at-optimum-at", step=s.steps_to_1pct) if exact_fit
                else TEXT("outcome.within-at", step=s.steps_to_1pct))
    if exact_fit:
        return TEXT("outcome.gap-at-end", left=_left(s.final_loss, optimum, start))
    ratio = s.final_loss / optimum
    return (TEXT("outcome.ratio-at-end", ratio=fmt(ratio, 3)) if ratio >= 2
            else TEXT("outcome.above-at-end", above=_above(ratio)))


# ------------------------------------------------------------------------------ one bullet per run
# The claims of the scenario's run_claims: label, share (of the critical rate, plain GD only, else None),
# exact (a line through every point), and each kind's numbers.

def _run(v) -> str:
    """The bold name a run's bullet starts with, with its rate against the critical rate for plain GD."""
    if v["share"] is None:
        return TEXT("notice.run-name", label=v["label"])
    return TEXT("notice.run-name-share", label=v["label"], share=fmt(v["share"], 3))


template("lr.diverged")(lambda v: TEXT("notice.run-diverged", run=_run(v), step=v["step"]))


@template("lr.reached")
def _(v):
    if v["exact"]:
        return TEXT("notice.run-reached-exact", run=_run(v), step=v["step"], steps=v["steps"], final=fmt(v["final"]))
    return TEXT("notice.run-reached", run=_run(v), step=v["step"], steps=v["steps"], final=fmt(v["final"]))


def _ended(v) -> str:
    """Where a run that neither diverged nor arrived ended: a ratio once the loss is twice the optimum or
    more, never a percentage of seven digits; a run still blowing up (``growth`` not None) says how fast
    it grows."""
    run, steps, final = _run(v), v["steps"], v["final"]
    growth = None if v["growth"] is None else dict(growth=fmt(v["growth"], 3), last=min(GROWTH_STEPS, steps))
    if v["exact"]:
        left = _left(final, v["optimum"], v["start"])
        if growth:
            return TEXT("notice.run-growing-exact", run=run, steps=steps, left=left, **growth)
        return TEXT("notice.run-ended-exact", run=run, steps=steps, final=fmt(final), left=left)
    ratio, optimum = final / v["optimum"], fmt(v["optimum"])
    if ratio >= 2:
        if growth:
            return TEXT("notice.run-growing", run=run, steps=steps, ratio=fmt(ratio, 3), optimum=optimum, **growth)
        return TEXT("notice.run-ended", run=run, steps=steps, final=fmt(final), ratio=fmt(ratio, 3), optimum=optimum)
    if growth:
        return TEXT("notice.run-growing-above", run=run, steps=steps, above=_above(ratio), optimum=optimum, **growth)
    return TEXT("notice.run-ended-above", run=run, steps=steps, final=fmt(final), above=_above(ratio), optimum=optimum)


@template("lr.short")
def _(v):
    """Where the run ended and, for plain GD at a constant rate (``need`` >= 0), when it would arrive,
    against the fastest run that did (``best``: its steps and name, or None)."""
    said, need, exact = _ended(v), f"{v['need']:,}", v["exact"]
    if v["need"] < 0:
        return said
    if v["best"] is None:
        more = TEXT("notice.run-need-exact", need=need) if exact else TEXT("notice.run-need", need=need)
    else:
        steps, label = v["best"]
        than = dict(need=need, times=fmt(v["need"] / steps, 3), best_steps=steps, best=label)
        more = TEXT("notice.run-need-than-exact", **than) if exact else TEXT("notice.run-need-than", **than)
    return said + " " + more
