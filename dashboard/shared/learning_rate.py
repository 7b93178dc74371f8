"""The learning-rate view's runs, as its scenario, page and charts know them: the three roles, a run's
summary, and its name and result in words. Pure: no streamlit. (The training itself is
:mod:`dashboard.scenarios.learning_rate_training`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core import outcomes as run_outcomes
from dashboard.formatting import decimal_text
from dashboard.palette import RATE_ROLES

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
            return "now stable, and the fastest" if fastest else "now stable"
        if self.role != "too large" and self.blowing_up:
            return "now diverges" if self.diverged else "now blowing up"
        if self.role == "too small" and self.converged:
            return "now the fastest" if fastest else "now converges"
        return "now too slow" if self.role == "good" and not self.converged else ""



def role_label(role: str, rate: float, contradiction: str = "") -> str:
    """The run's name in legends and metrics: 'too large (η=0.032)', 'too large (η=0.032), now stable'."""
    return f"{role} (η={decimal_text(rate)})" + (f", {contradiction}" if contradiction else "")


def fastest_role(summaries: Sequence[RunSummary]) -> str | None:
    """The role of the run that got within 1% first (None if none did, or two tied)."""
    done = sorted((s for s in summaries if s.converged), key=lambda s: s.steps_to_1pct)
    if not done or (len(done) > 1 and done[1].steps_to_1pct == done[0].steps_to_1pct):
        return None
    return done[0].role


def reached_words(exact_fit: bool) -> str:
    """What "arrived" is called: within 1% of the optimum, or, where that is below round-off
    (:attr:`LineValley.exact_fit`), at it to a millionth of the start's gap."""
    return "at the optimum (to a millionth of the start's gap)" if exact_fit else "within 1% of the optimum"


def outcomes(diverged_at: np.ndarray, steps_to_1pct: np.ndarray, exact_fit: bool = False) -> list[str]:
    """Each run's result in words, for tooltips: diverged at step k, arrived at step k, or not."""
    near = reached_words(exact_fit)
    return [f"diverged at step {d}" if d >= 0 else f"{near} at step {k}" if k >= 0 else f"not {near}"
            for d, k in zip(diverged_at, steps_to_1pct)]
