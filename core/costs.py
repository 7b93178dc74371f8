"""What the closed form and gradient descent cost as the data grow: operation counts and measured times.

- :func:`operation_counts`: the leading terms, ``n d^2 + d^3`` for the normal equation (forming
  ``X^T X``, then solving a d x d system) against ``T n d`` for T steps of full-batch descent.
- :func:`break_even`: the d where those two counts are equal.
- :func:`measure`: wall-clock seconds of :func:`core.closed_form.normal_equation` (the SVD this
  project uses), :func:`core.closed_form.solve_normal_matrices` (the textbook route) and
  :func:`core.closed_form.gradient_descent` on seeded random data, over a grid of n and d.

Times are of this machine, at the moment of measuring: other work on it slows them. Each is
the best of a few repeats (the usual way to time code: the minimum is the least disturbed).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core import _validation as check
from core import closed_form

METHODS = ("svd", "solve", "descent")  # normal_equation, solve_normal_matrices, gradient_descent
REPEAT_UNDER = 0.05  # seconds: a method faster than this is timed up to REPEATS times, the best kept
REPEATS = 3


def operation_counts(n, d, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Leading-order floating-point work, constant factors dropped: ``(n d^2 + d^3, steps n d)``.

    Forming ``X^T X`` takes about ``n d^2`` multiply-adds and solving the d x d system about
    ``d^3``; one descent step reads X twice (``X w`` and ``X^T r``), about ``n d``.

    Args:
        n, d: numbers or arrays (broadcast) of rows and features, > 0.
        steps: number of descent steps T >= 0.

    Returns:
        (closed form, descent), float arrays of the broadcast shape.
    """
    n = np.asarray(n, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    if np.any(n <= 0) or np.any(d <= 0):
        raise ValueError("n and d must be positive")
    steps = check.integer("steps", steps, low=0)
    return n * d**2 + d**3, steps * n * d


def break_even(n, steps: int) -> np.ndarray:
    """The number of features d at which the two counts of :func:`operation_counts` are equal.

    ``n d^2 + d^3 = T n d``  ⇔  ``d^2 + n d - T n = 0``  ⇔  ``d = (sqrt(n^2 + 4 T n) - n) / 2``,
    just under T when n is much larger than T. Below it the closed form counts fewer operations.

    Args:
        n: number or array of rows, > 0.
        steps: T >= 0.
    """
    n = np.asarray(n, dtype=np.float64)
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    steps = check.integer("steps", steps, low=0)
    # The stable root: 2 T n / (sqrt(n^2 + 4 T n) + n), no cancellation when T is much smaller than n.
    return 2.0 * steps * n / (np.sqrt(n * n + 4.0 * steps * n) + n)


@dataclass(frozen=True)
class Timings:
    """Measured seconds per method over a grid.

    Attributes:
        ns, ds: the grid's rows and features, shapes (I,) and (J,).
        steps: the descent's T.
        seconds: method name (:data:`METHODS`) -> array (I, J) of the best time.
    """

    ns: np.ndarray
    ds: np.ndarray
    steps: int
    seconds: dict[str, np.ndarray]


def _best_time(fn) -> float:
    best, spent = np.inf, 0.0
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best, spent = min(best, took), spent + took
        if spent >= REPEAT_UNDER:
            break
    return best


def measure(ns: Sequence[int], ds: Sequence[int], *, steps: int = 100, seed: int = 0) -> Timings:
    """Time the three ways on standard-normal X (n, d) and a linear y for every n in ``ns`` and d in ``ds``.

    The descent runs ``steps`` steps at a quarter of its critical rate, which for standard-normal
    features is about ``1 / (1 + sqrt(d / n))^2`` (the top of the Marchenko-Pastur spectrum of
    ``X^T X / n``); the time does not depend on the rate.

    Args:
        ns, ds: positive integers.
        steps: T >= 1.
        seed: seed of the data.

    Returns:
        a :class:`Timings`.
    """
    ns_ = np.array([check.integer("ns", v, low=2) for v in ns])
    ds_ = np.array([check.integer("ds", v, low=1) for v in ds])
    steps = check.integer("steps", steps, low=1)
    rng = np.random.default_rng(check.integer("seed", seed, low=0))
    seconds = {m: np.empty((ns_.size, ds_.size)) for m in METHODS}
    for j, d in enumerate(ds_):
        for i, n in enumerate(ns_):
            X = rng.standard_normal((n, d))
            y = X @ rng.standard_normal(d) + rng.standard_normal(n)
            rate = 0.25 / (1.0 + np.sqrt(d / n)) ** 2
            seconds["svd"][i, j] = _best_time(lambda: closed_form.normal_equation(X, y))
            seconds["solve"][i, j] = _best_time(lambda: closed_form.solve_normal_matrices(X, y))
            seconds["descent"][i, j] = _best_time(
                lambda: closed_form.gradient_descent(X, y, lr=rate, steps=steps))
    return Timings(ns=ns_, ds=ds_, steps=steps, seconds=seconds)
