"""A view's headline numbers, and how each changed from a pinned scenario.

A scenario module says what its headlines are (:class:`Headline`: a label, the text shown,
and the number behind it); :func:`dashboard.layout.metric_row` draws them, and, when a
scenario is pinned (:mod:`dashboard.pinning`), the change of each from the pinned scenario's
headline of the same label as the ``delta`` of ``st.metric``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dashboard.checks import one_of
from dashboard.formatting import signed

BETTER = ("lower", "higher", None)


@dataclass(frozen=True)
class Headline:
    """One headline number.

    Attributes:
        label: what it is.
        text: the value as shown ("44.67", "$1,235", "diverged at step 12").
        help: the tooltip.
        value: the number behind ``text`` (None: nothing to compare, e.g. a run that diverged).
        change: how a difference of two values is written (default: :func:`signed`, 4 digits).
        better: "lower" (a cost: a rise is drawn red), "higher" (a rise is green) or None (grey).
        key: what a pinned headline is matched by (default: the label; give one when the label
            carries a value, "too small (η=0.001)").
        state: where ``value`` is None, what a pinned comparison weighs instead of ``text`` when the
            text leaves out what changed ("not in 300" both times, with an MSE of 1.332 and 114.2:
            "not in 300, MSE 114.2").
    """

    label: str
    text: str
    help: str | None = None
    value: float | None = None
    change: Callable[[float], str] | None = None
    better: str | None = None
    key: str | None = None
    state: str | None = None

    @property
    def match(self) -> str:
        return self.key or self.label

    def __post_init__(self):
        one_of("better", self.better, BETTER)


@dataclass(frozen=True)
class Change:
    """A headline's change from the pinned scenario, as ``st.metric`` takes it."""

    text: str  # "+0.29", "-$540", "no change"
    color: str  # st.metric's delta_color: "normal", "inverse" or "off"
    arrow: str  # st.metric's delta_arrow: "auto" or "off"


def change(now: Headline, pinned: Headline | None) -> Change | None:
    """``now`` against its pinned headline (None: none pinned).

    Two numbers give their difference; where either has no number (a run that diverged),
    the change says what the pinned scenario showed, "was 182 steps", uncoloured.
    """
    if pinned is None:
        return None
    if now.value is None or pinned.value is None:
        was, is_ = pinned.state or pinned.text, now.state or now.text
        if is_ == was:
            return Change("no change", "off", "off")
        return Change(f"was {was}", "off", "off")
    diff = float(now.value) - float(pinned.value)
    text = (now.change or signed)(diff)
    if text.lstrip("+-") in ("0", "$0", "0 pts"):
        return Change("no change", "off", "off")
    if not text.startswith(("+", "-")):
        text = f"+{text}"
    color = {"lower": "inverse", "higher": "normal", None: "off"}[now.better]
    return Change(text, color, "auto")


def changes(now: Iterable[Headline], pinned: Iterable[Headline]) -> list[Change | None]:
    """Each headline's :func:`change` from the pinned headline of the same key (or label)."""
    by_key = {h.match: h for h in pinned}
    return [change(h, by_key.get(h.match)) for h in now]


def percentage_points(diff: float) -> str:
    """A change of a share in percentage points: percentage_points(0.052) -> '+5 pts', (-0.01) -> '-1 pt'."""
    text = f"{100 * diff:+.0f}"
    return f"{text} pt" if text in ("+1", "-1") else f"{text} pts"


def dollars(diff: float) -> str:
    """A change in dollars: dollars(-540) -> '-$540'."""
    return f"-${-diff:,.0f}" if diff < 0 else f"+${diff:,.0f}"


def whole(diff: float) -> str:
    """A change of a count: whole(-3) -> '-3'."""
    return f"{diff:+,.0f}"
