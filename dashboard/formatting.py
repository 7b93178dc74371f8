"""Numbers as people read them, for "What to notice", captions and tooltips."""

from __future__ import annotations

import decimal
import math

ROUND_OFF = 1e-9  # below this a number on screen is round-off or as good as 0, never 5.77e-15


def negligible(value, scale: float = 1.0):
    """Round-off: ``|value|`` at most :data:`ROUND_OFF` times the data's size ``scale`` (at least 1).

    Works on numpy arrays too (elementwise).
    """
    return abs(value) <= ROUND_OFF * max(1.0, abs(scale))


NO_NUMBER = "—"  # what a number that is not one (nan, ±inf) shows as: never "nan" or "∞"


def fmt(value: float, digits: int = 4) -> str:
    """4 significant digits; thousands separators from 10,000; round-off as ≈0; not a number as a dash.

    A non-finite value is a sentinel (a diverged run's loss, a threshold that flags nothing), never
    a quantity a learner should read: it shows as :data:`NO_NUMBER`, and the sentence around it
    says what happened ("diverged at step k", "flag nothing").

    >>> fmt(44.6666), fmt(14142.1356), fmt(0.000123456), fmt(float("inf")), fmt(5.77e-15), fmt(3612.4, 3)
    ('44.67', '14,142', '0.0001235', '—', '≈0', '3610')
    """
    if not math.isfinite(value):
        return NO_NUMBER
    if 0 < abs(value) < ROUND_OFF:
        return "≈0"
    if 1e4 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    if abs(value) >= 10 ** digits:  # 7000 to 3 digits: "7000", never "7e+03"
        rounded = float(f"{value:.{digits}g}")
        return f"{rounded:,.0f}" if abs(rounded) >= 1e4 else f"{rounded:.0f}"
    return f"{value:.{digits}g}"


def rounded(value: float, digits: int = 4) -> str:
    """A large count or ratio to ``digits`` significant digits, written out: rounded(346054971) ->
    '346,100,000'. For a number whose last digits are round-off (a condition number of 3.5e8, a step count
    worked out from it), where :func:`fmt` would print every digit as if it were exact."""
    if not math.isfinite(value):
        return NO_NUMBER
    return f"{float(f'{value:.{digits}g}'):,.0f}" if abs(value) >= 10 ** digits else fmt(value, digits)


def apart(a: float, b: float, digits: int = 3, most: int = 8) -> tuple[str, str]:
    """``a`` and ``b`` as :func:`fmt`, with as many significant digits (from ``digits``, at most ``most``)
    as it takes to write two different numbers differently: apart(0.99975, 1.0) -> ('0.9998', '1'),
    where three digits would say "below the critical rate 1, η = 1"."""
    for d in range(digits, most + 1):
        shown = fmt(a, d), fmt(b, d)
        if shown[0] != shown[1] or a == b:
            return shown
    return shown


def equal_digits(a: float, b: float, most: int = 17) -> int:
    """How many significant digits ``a`` and ``b`` share when each is rounded to that many: ``most``
    (17, all a double has) for two equal numbers; equal_digits(0.0040695158815927, 0.0040695158815931) -> 13."""
    for d in range(1, most + 1):
        if f"{a:.{d - 1}e}" != f"{b:.{d - 1}e}":
            return d - 1
    return most


def how_far_above(fraction: float) -> str:
    """How far a value sits above a reference, given as ``value / reference − 1``: a percentage up to
    ten times the reference, then a multiple, as a learner would say it. how_far_above(0.63) -> '63% above',
    how_far_above(1.99e15) -> '1,990,000,000,000,000 times' ("199239161634185696% above" reads as noise)."""
    if not math.isfinite(fraction):
        return NO_NUMBER
    return f"{pct(fraction)} above" if fraction < 9 else f"{rounded(1 + fraction, 3)} times"


def pct(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage, a half rounded up as by hand: pct(0.746) -> '75%', pct(0.625) -> '63%'
    (Python's own rounding gives '62%': it rounds a half to even). Not a number: :data:`NO_NUMBER`."""
    if not math.isfinite(fraction):
        return NO_NUMBER
    # The shortest decimal of 100 × fraction (62.5, not 62.4999...), then rounded half away from zero.
    exact = decimal.Decimal(repr(float(100 * fraction)))
    return f"{exact.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)}%"


def money(value: float) -> str:
    """Dollars with thousands separators: money(1234.5) -> '$1,235'."""
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def signed(value: float, digits: int = 4) -> str:
    """A change with its sign, as :func:`fmt`: signed(0.29) -> '+0.29', signed(-1.5) -> '-1.5', signed(0) -> '0'.

    Round-off (below :data:`ROUND_OFF`) is no change: signed(4e-16) -> '0'.
    """
    if abs(value) < ROUND_OFF:
        return "0"
    text = fmt(value, digits)
    return text if text.startswith(("-", NO_NUMBER)) else f"+{text}"


def residual(value: float) -> str:
    """How far from converged (a gradient's size): '3.2e-07', or 'below 10⁻⁹' once it is round-off."""
    return "below 10⁻⁹" if abs(value) < ROUND_OFF else f"{value:.1e}"


def final_or_diverged(value: float, diverged_at: int, unit: str = "step") -> str:
    """A run's final number, or "diverged at step k" when it diverged (``diverged_at`` >= 0); ``unit``
    names what k counts where a page counts updates, not steps ("diverged at update 2408")."""
    return f"diverged at {unit} {diverged_at}" if diverged_at >= 0 else fmt(value)


def latex_power(value: float) -> str:
    """A power of ten in LaTeX: 1e-4 -> '10^{-4}'; other numbers as :func:`fmt`."""
    exponent = math.log10(value) if value > 0 else float("nan")
    if math.isfinite(exponent) and exponent == round(exponent):
        return f"10^{{{int(round(exponent))}}}"
    return fmt(value)


def in_full(value: float) -> str:
    """A whole number in full, others as :func:`fmt`: in_full(2.5e9) -> '2,500,000,000', in_full(9.0) -> '9',
    in_full(44.666) -> '44.67'."""
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    return fmt(value)


def decimal_text(value: float) -> str:
    """A small number as people write it, without an exponent while it fits in 9 characters:
    decimal_text(1e-5) -> '0.00001', decimal_text(0.032) -> '0.032', decimal_text(1e-7) -> '1e-07'."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text if 1e-6 <= abs(value) < 1e6 and len(text) <= 9 else f"{value:g}"


def python_float(value: float) -> str:
    """A number in code, as Python reads it back as a float: '0.9', '1e-05', '0.0' (never '0', an int,
    which torch's Adam refuses among its betas)."""
    text = f"{float(value):g}"
    return text if any(c in text for c in ".en") else text + ".0"


def money_markdown(value: float) -> str:
    """:func:`money` for Markdown: the $ escaped, so two amounts on a line never read as LaTeX."""
    return money(value).replace("$", r"\$")


def latex_number(value: float) -> str:
    """:func:`fmt` inside LaTeX: thousands separators braced, ≈0 and ∞ as LaTeX."""
    return fmt(float(value)).replace(",", "{,}").replace("≈0", r"\approx 0").replace("∞", r"\infty")


def setting_number(value: float) -> str:
    """A setting in a formula: 30, 0.1, 0.9847, 10000 (never 1e+04)."""
    if float(value).is_integer() and abs(value) < 1e7:
        return str(int(value))
    return f"{value:.4g}"

