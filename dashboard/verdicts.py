"""The words for :mod:`core.outcomes`' verdicts, in one place: every view says what a run did the same way.

A scenario module keeps its claims as data (an :class:`core.outcomes.Outcome` per run); these
functions turn them into the text the page shows, so a test can check the data and trust the words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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


# --------------------------------------------------------------------------- claims as data


@dataclass(frozen=True)
class Claim:
    """One thing a page says, as data: what kind of statement (``kind``, a key of :data:`TEMPLATES`) and
    the numbers and names behind it (``values``). A scenario module returns claims; :func:`say` turns
    them into words, so a test can check the claim itself (its kind is present exactly when an oracle
    says it holds, its numbers are the oracle's) and trust the sentence."""

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in TEMPLATES:
            raise ValueError(f"kind must be one of the registered claims; got {self.kind!r}")


TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {}


def template(kind: str):
    """Register the words of a claim ``kind`` (a function of its values), once, beside the view that makes it."""
    def register(words: Callable[[Mapping[str, Any]], str]):
        if kind in TEMPLATES:
            raise ValueError(f"claim {kind!r} has words already")
        TEMPLATES[kind] = words
        return words
    return register


def say(claims: Sequence[Claim]) -> str:
    """The claims in words, one sentence each, in order."""
    return " ".join(TEMPLATES[c.kind](c.values) for c in claims)
