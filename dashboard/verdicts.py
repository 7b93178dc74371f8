"""The words for :mod:`core.outcomes`' verdicts, in one place: every view says what a run did the same way.

A scenario module keeps its claims as data (an :class:`core.outcomes.Outcome` per run); these
functions turn them into the text the page shows, so a test can check the data and trust the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from core import outcomes
from core.outcomes import Outcome
from dashboard.formatting import fmt, pct

# The finish line in words, from the thresholds themselves.
ARRIVED_RULE = (f"a run has *arrived* from the step at which it comes within {pct(outcomes.ARRIVE_DISTANCE)} of its "
                f"start's distance from the minimizer and within {pct(outcomes.ARRIVE_GAP, 2)} of its start's height "
                "above the minimum, and stays there to the end")


def outcome_text(outcome: Outcome, steps: int, places: Sequence[str] = ()) -> str:
    """What a run of ``steps`` steps did, in a few words: 'arrived at step 67', 'diverged at step 12',
    'still falling, 1.2% a step', 'oscillating 0.3 above the minimum', 'stalled at the saddle point'.

    ``places``: the names of the run's ``others`` points (``outcome.near`` indexes them).
    """
    if outcome.kind == "diverged":
        return f"diverged at step {outcome.step}"
    if outcome.kind == "arrived":
        return "started at the minimum" if outcome.step == 0 else f"arrived at step {outcome.step}"
    if outcome.kind == "falling":
        return f"still falling after {steps} steps ({pct(outcome.rate, 1)} a step), {fmt(outcome.gap)} above the minimum"
    if outcome.kind == "rising":
        return f"rising, {fmt(outcome.gap)} above the minimum: on its way to diverging"
    if outcome.kind == "oscillating":
        return f"oscillating, {fmt(outcome.gap)} above the minimum"
    if 0 <= outcome.near < len(places):
        return f"stalled at {places[outcome.near]}, {fmt(outcome.gap)} above the minimum"
    return f"stalled {fmt(outcome.gap)} above the minimum"


def short_text(outcome: Outcome) -> str:
    """Two or three words for a headline: '67 steps', 'diverged', 'still falling', 'stalled'."""
    if outcome.kind == "arrived":
        return f"{outcome.step} steps"
    return {"diverged": f"diverged at {outcome.step}", "falling": "still falling", "rising": "rising",
            "oscillating": "oscillating", "stalled": "stalled"}[outcome.kind]
