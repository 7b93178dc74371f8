"""Mini-batch gradients of the MSE of a linear model: how far they scatter around the full gradient.

With per-example gradients ``g_i = 2 (x_i . w + b - y_i) [x_i, 1]`` (shape (P,), weights
first, the intercept last) and the full gradient ``g = mean_i g_i``, a batch of B rows drawn
without replacement from the n (as one epoch's shuffled batches are) has the mean gradient
``g_B``, an unbiased estimate of g whose expected squared distance from it is::

    E ||g_B - g||^2 = (s^2 / B) * (n - B) / (n - 1),      s^2 = mean_i ||g_i - g||^2

the 1/B law, times the finite-population correction (n - B)/(n - 1), which is 1 for B = 1 and
0 for the full batch. :func:`expected_spread` is that formula; :func:`measured_spread` draws
batches and measures it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import _validation as check


def _data(X: Any, y: Any, theta: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = check.array("X", X, ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    y = check.array("y", y, ndim=1)
    check.same_length("X", X, "y", y)
    theta = check.array("theta", theta, ndim=1)
    if theta.size != X.shape[1] + 1:
        raise ValueError(f"theta must have {X.shape[1] + 1} entries (weights, then the intercept); "
                         f"got {theta.size}")
    return X, y, theta


def per_example_gradients(X: Any, y: Any, theta: Any) -> np.ndarray:
    """The MSE gradient of each example at ``theta`` (P,): ``2 (x_i . w + b - y_i) [x_i, 1]``, shape (n, P).

    Their mean is the full gradient of ``mean((X w + b - y)^2)`` (MSE not halved, as everywhere here).
    """
    X, y, theta = _data(X, y, theta)
    Xa = np.hstack([X, np.ones((X.shape[0], 1))])
    return 2.0 * (Xa @ theta - y)[:, None] * Xa


def _batch_sizes(batch_sizes: Any, n: int) -> np.ndarray:
    sizes = np.atleast_1d(np.asarray(batch_sizes))
    if sizes.ndim != 1 or sizes.size == 0 or not np.issubdtype(sizes.dtype, np.integer) or sizes.min() < 1 \
            or sizes.max() > n:
        raise check.fail("batch_sizes", batch_sizes, f"integers from 1 to n = {n}")
    return sizes.astype(np.int64)


def expected_spread(X: Any, y: Any, theta: Any, batch_sizes: Any) -> np.ndarray:
    """``E ||g_B - g||^2`` for each batch size B (see the module docstring), shape (len(batch_sizes),)."""
    grads = per_example_gradients(X, y, theta)
    n = grads.shape[0]
    sizes = _batch_sizes(batch_sizes, n)
    s2 = float(np.mean(np.sum((grads - grads.mean(axis=0)) ** 2, axis=1)))
    correction = (n - sizes) / (n - 1) if n > 1 else np.zeros(sizes.size)
    return s2 / sizes * correction


def measured_spread(X: Any, y: Any, theta: Any, batch_sizes: Any, *, draws: int = 2000,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``||g_B - g||^2`` averaged over ``draws`` batches of each size drawn without replacement.

    Returns (mean, standard error of the mean), each of shape (len(batch_sizes),). Each batch is
    the first B rows of a fresh seeded permutation of the n rows (one per draw, shared by all B).
    """
    grads = per_example_gradients(X, y, theta)
    n = grads.shape[0]
    sizes = _batch_sizes(batch_sizes, n)
    draws = check.integer("draws", draws, low=2)
    rng = np.random.default_rng(check.integer("seed", seed, low=0))
    order = np.argsort(rng.random((draws, n)), axis=1)  # a permutation per draw
    full = grads.mean(axis=0)
    # Running sums along each permutation: the mean of its first B rows for every B at once.
    sums = np.cumsum(grads[order], axis=1)  # (draws, n, P)
    mean = np.empty(sizes.size)
    error = np.empty(sizes.size)
    for k, b in enumerate(sizes):
        spread = np.sum((sums[:, b - 1] / b - full) ** 2, axis=1)
        mean[k] = spread.mean()
        error[k] = spread.std(ddof=1) / np.sqrt(draws)
    return mean, error
