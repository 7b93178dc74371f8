"""What a learning-rate schedule is: the :class:`Schedule` object, its step numbers, its base rate.

A schedule maps step numbers ``t`` (int64, any shape) to rates: ``t``'s shape for a float base
rate, ``t.shape + (n_runs,)`` for a base of shape (n_runs,). The closed forms that build one are
in :mod:`core.schedules` (which also exports :class:`Schedule`); :mod:`core.plateau` checks its
base rate with :func:`base_rate` too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from core._validation import array, fail, real


class Schedule:
    """A learning-rate schedule ``t -> lr`` (see :mod:`core.schedules` for shapes).

    Attributes
    ----------
    name : str
    base : float or array of shape (n_runs,)
        The base rate (``max_lr`` for one_cycle; the following schedule's base for warmup).
    params : dict
        The schedule's other arguments.
    """

    def __init__(
        self,
        name: str,
        base,
        params: dict[str, Any],
        fn: Callable[[np.ndarray], np.ndarray],
        last_step: int | None = None,
    ):
        self.name = name
        self.base = base
        self.params = dict(params)
        self._fn = fn  # maps int64 steps (broadcastable against base) to rates
        self._last_step = last_step  # the largest t allowed, None if unbounded

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name}(base={self.base!r}, {args})"

    def __call__(self, t):
        steps = step_numbers(t)
        if self._last_step is not None and steps.size and steps.max() > self._last_step:
            raise fail("t", t, f"step numbers <= {self._last_step} for this {self.name} schedule")
        out = self._values(steps)
        return float(out) if out.ndim == 0 else out

    def _values(self, steps: np.ndarray) -> np.ndarray:
        """Rates for valid int64 ``steps``, no checks: shape steps.shape (+ (n_runs,))."""
        tt = steps[..., None] if isinstance(self.base, np.ndarray) else steps
        with np.errstate(over="ignore"):  # gamma > 1 may grow past float range: inf, no warning
            return np.asarray(self._fn(tt), dtype=np.float64)


def step_numbers(t) -> np.ndarray:
    """``t`` as int64 step numbers (any shape); ValueError naming ``t`` unless every one is an integer >= 0."""
    values = np.asarray(t)
    allowed = "integer step numbers >= 0"
    if values.dtype == np.bool_ or not np.issubdtype(values.dtype, np.number):
        raise fail("t", t, allowed)
    if not np.issubdtype(values.dtype, np.integer):
        if not np.all(np.isfinite(values)) or np.any(values != np.floor(values)):
            raise fail("t", t, allowed)
    if values.size and values.min() < 0:
        raise fail("t", t, allowed)
    return values.astype(np.int64)


def base_rate(name: str, value) -> float | np.ndarray:
    """A base rate: a float > 0, or a copy of a 1-D array (n_runs,) of them; ValueError naming ``name`` otherwise."""
    if np.ndim(value) == 0:
        return real(name, value, low=0.0, low_open=True)
    rates = array(name, value, ndim=1)
    if np.any(rates <= 0.0):
        raise fail(name, value, "a number > 0 or a 1-D array of numbers > 0")
    return rates.copy()
