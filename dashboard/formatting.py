"""Numbers as people read them, for "What to notice", captions and tooltips."""

from __future__ import annotations

import math


def fmt(value: float, digits: int = 4) -> str:
    """4 significant digits; thousands separators from 10,000; infinities as symbols.

    >>> fmt(44.6666), fmt(14142.1356), fmt(0.000123456), fmt(float("inf"))
    ('44.67', '14,142', '0.0001235', '∞')
    """
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if 1e4 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def pct(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage: pct(0.746) -> '75%'."""
    return f"{100 * fraction:.{digits}f}%"


def money(value: float) -> str:
    """Dollars with thousands separators: money(1234.5) -> '$1,235'."""
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def signed(value: float, digits: int = 4) -> str:
    """A change with its sign, as :func:`fmt`: signed(0.29) -> '+0.29', signed(-1.5) -> '-1.5', signed(0) -> '0'."""
    if value == 0:
        return "0"
    text = fmt(value, digits)
    return text if text.startswith(("-", "n/a")) else f"+{text}"
