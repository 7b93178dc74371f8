"""Argument checks shared by every public function of ``core``.

Each check raises ``ValueError`` whose message names the argument, shows the value
(shortened) and says what is allowed, e.g.
``lr must be a finite number > 0; got -0.1``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def fail(name: str, value: Any, allowed: str) -> ValueError:
    """Build the project's standard error: ``<name> must be <allowed>; got <value>``."""
    return ValueError(f"{name} must be {allowed}; got {_show(value)}")


def choice(name: str, value: Any, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed`` (case-sensitive)."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise fail(name, value, "one of " + ", ".join(repr(a) for a in allowed))
    return value


def real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float inside the given bounds.

    ``low_open=True`` excludes ``low`` itself (``> low``), likewise ``high_open``.
    """
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise fail(name, value, "a real number") from None
    if isinstance(value, bool) or not np.isfinite(out):
        raise fail(name, value, "a finite real number")
    bad_low = low is not None and (out <= low if low_open else out < low)
    bad_high = high is not None and (out >= high if high_open else out > high)
    if bad_low or bad_high:
        lo = "" if low is None else (f"> {low}" if low_open else f">= {low}")
        hi = "" if high is None else (f"< {high}" if high_open else f"<= {high}")
        raise fail(name, value, "a finite number " + " and ".join(p for p in (lo, hi) if p))
    return out


def integer(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int inside ``[low, high]`` (floats like 3.0 are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise fail(name, value, "an integer")
    out = int(value)
    if (low is not None and out < low) or (high is not None and out > high):
        lo = "" if low is None else f">= {low}"
        hi = "" if high is None else f"<= {high}"
        raise fail(name, value, "an integer " + " and ".join(p for p in (lo, hi) if p))
    return out


def array(
    name: str,
    value: Any,
    *,
    ndim: int | tuple[int, ...] | None = None,
    finite: bool = True,
    min_size: int = 1,
) -> np.ndarray:
    """Return ``value`` as a float64 array, checking its number of axes and finiteness.

    The input is never modified; a new array is returned when a conversion is needed.
    """
    try:
        out = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail(name, value, "an array of real numbers") from None
    if ndim is not None:
        dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if out.ndim not in dims:
            allowed = " or ".join(f"{d}-D" for d in dims)
            raise ValueError(f"{name} must be a {allowed} array; got shape {out.shape}")
    if out.size < min_size:
        raise ValueError(f"{name} must hold at least {min_size} value(s); got shape {out.shape}")
    if finite and not np.all(np.isfinite(out)):
        raise ValueError(f"{name} must hold only finite numbers (no NaN or inf)")
    return out


def same_length(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Check that two arrays have the same number of samples (first axis)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples; "
            f"got {a.shape[0]} and {b.shape[0]}"
        )


def sample_weights(name: str, value: Any, n: int) -> np.ndarray | None:
    """None, or ``value`` as n finite weights >= 0, not all 0."""
    if value is None:
        return None
    weights = array(name, value, ndim=1)
    if weights.shape[0] != n:
        raise ValueError(f"{name} must have one weight per sample ({n}); got {weights.shape[0]}")
    if np.any(weights < 0) or not np.any(weights > 0):
        raise fail(name, value, "weights >= 0, not all 0")
    return weights


def flag(name: str, value: Any) -> bool:
    """Return ``value`` as a bool; only True/False (numpy bools too) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise fail(name, value, "True or False")
    return bool(value)
