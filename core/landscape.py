"""The shape of the objective: its curvature (the largest stable learning rate) and its
surface over a grid of (w, b) for a one-feature model ``y_hat = w x + b``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import _validation as check
from core import losses as _losses
from core.closed_form import _design

# Grid points x samples evaluated at once by the chunked surfaces: 2**17 float64 values
# (1 MB) per temporary array. It bounds memory whatever the grid size, and blocks this
# small stay in cache, which runs about 1.5x faster than 8 MB blocks.
_BLOCK_ELEMENTS = 1 << 17


def hessian_mse(X: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> np.ndarray:
    """Hessian of ``J(w, b) = mean_i (x_i . w + b - y_i)^2 + l2 ||w||^2`` (constant in w, b, y).

    ``H = (2 / n) Xa^T Xa + 2 l2 diag(1, ..., 1, 0)`` with ``Xa = [X, 1]`` (``Xa = X`` and
    no 0 without an intercept, which is never penalized).

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        l2: ridge strength >= 0.
        fit_intercept: whether the parameters include ``b`` (last).

    Returns:
        array of shape (P, P).

    Note: MSE here is the plain mean of squares (not half of it), so H is twice the
    ``X^T X / n`` of texts that use ``1/2`` MSE, and the critical rate half as large.
    """
    X = _design(X)
    l2 = check.real("l2", l2, low=0.0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    n, d = X.shape
    design = np.hstack([X, np.ones((n, 1))]) if fit_intercept else X
    hessian = (2.0 / n) * (design.T @ design)
    idx = np.arange(d)
    hessian[idx, idx] += 2.0 * l2
    return hessian


def critical_learning_rate(X: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> float:
    """The largest stable rate of plain full-batch gradient descent on the MSE objective.

    ``lr_crit = 2 / lambda_max(H)`` with H from :func:`hessian_mse`. Gradient descent
    ``theta <- theta - lr * grad J(theta)`` multiplies the error along the top eigenvector
    by ``1 - lr * lambda_max`` each step: it shrinks for ``lr < lr_crit`` and grows (the
    run diverges from almost any start) for ``lr > lr_crit``.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        l2: ridge strength >= 0 (adds ``2 l2`` to the curvature of each weight).
        fit_intercept: whether the model has an intercept.

    Returns:
        lr_crit > 0, or ``inf`` when H = 0 (all-zero X, no intercept, no ridge: the
        objective is flat and no rate diverges).

    Note: this is for plain SGD (no momentum) on the full batch; heavy-ball momentum
    ``mu`` raises the limit to ``2 (1 + mu) / lambda_max``, and mini-batches are noisier.
    """
    lam_max = float(np.linalg.eigvalsh(hessian_mse(X, l2=l2, fit_intercept=fit_intercept))[-1])
    return 2.0 / lam_max if lam_max > 0 else float("inf")


def _grid(name: str, value: Any) -> np.ndarray:
    return check.array(name, value, ndim=1)


def _mse_surface(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``mean_i (w x_i + b - y_i)^2`` on the grid from a few O(n) statistics.

    Naive sums of x^2, xy, y^2 cancel catastrophically when y has a large offset or the
    fit is good. Instead, with centered data ``xc, yc``, the least-squares slope ``w0``,
    its exact residuals ``e = w0 xc - yc`` and ``c = w mean(x) + b - mean(y)``, the
    identity (exact for any ``w0``)

        mean (w x + b - y)^2 = mean(e^2) + (w - w0)^2 mean(xc^2)
                               + 2 (w - w0) mean(xc e) + 2 c mean((w - w0) xc + e) + c^2

    sums terms that are all small where the loss is small (the cross terms are only
    rounding residue, as mean(xc), mean(e) and mean(xc e) vanish in exact arithmetic; they
    are kept so that the identity holds exactly).
    """
    x_mean, y_mean = x.mean(), y.mean()
    xc, yc = x - x_mean, y - y_mean
    sxx = np.mean(xc * xc)
    w0 = np.mean(xc * yc) / sxx if sxx > 0 else 0.0
    e = w0 * xc - yc
    see, sxe, mx, me = np.mean(e * e), np.mean(xc * e), xc.mean(), e.mean()
    dw = (w - w0)[None, :]
    # c written around (w0, b0 = mean(y) - w0 mean(x)) so that the offset cancels exactly.
    b0 = y_mean - w0 * x_mean
    c = dw * x_mean + (b[:, None] - b0)
    return see + dw * dw * sxx + 2.0 * dw * sxe + 2.0 * c * (dw * mx + me) + c * c


def _chunked_surface(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, per_sample
) -> np.ndarray:
    """Mean over samples of ``per_sample(y, w x + b)`` on the grid, a block of points at a time."""
    n = x.size
    ww, bb = np.meshgrid(w, b)  # shape (len(b), len(w)): the documented orientation
    ww, bb = ww.ravel(), bb.ravel()
    out = np.empty(ww.size)
    step = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, ww.size, step):
        stop = start + step
        pred = ww[start:stop, None] * x + bb[start:stop, None]
        out[start:stop] = per_sample(y, pred).mean(axis=-1)
    return out.reshape(b.size, w.size)


def loss_surface(
    x: Any,
    y: Any,
    w_grid: Any,
    b_grid: Any,
    *,
    loss: str = "mse",
    **loss_params: Any,
) -> np.ndarray:
    """Mean loss of the one-feature model ``y_hat = w x + b`` at every grid point.

    ``Z[i, j] = mean_k loss(y_k, w_grid[j] * x_k + b_grid[i])``: rows follow ``b_grid``,
    columns ``w_grid`` (the orientation of ``np.meshgrid(w_grid, b_grid)``, ready for a
    heat map with w across and b up).

    - ``"mse"`` costs O(n) once and O(grid) after, whatever n, and keeps full relative
      accuracy even when y has a large offset (see ``_mse_surface``).
    - Any other name of :mod:`core.losses` except ``"cce"`` (``mae``, ``huber``,
      ``log_cosh``, ``quantile``, ``asymmetric``, ``bce``) is evaluated exactly, a block of
      grid points at a time, so temporary memory stays around ten arrays of
      ``max(n, 2**17)`` floats whatever the grid size.
    - ``"bce"`` is the logistic model ``p = sigmoid(w x + b)`` with y in [0, 1], via the
      stable logits form (no clamping needed).

    Args:
        x: array of shape (n,), the feature.
        y: array of shape (n,), the targets.
        w_grid: array of shape (n_w,), slopes.
        b_grid: array of shape (n_b,), intercepts.
        loss: a name from ``core.losses.NAMES`` other than ``"cce"``.
        **loss_params: the loss's parameters, e.g. ``delta=`` (huber), ``q=`` (quantile),
            ``under=``/``over=`` (asymmetric).

    Returns:
        Z of shape (n_b, n_w); ``inf`` where the loss overflows float64.
    """
    x = check.array("x", x, ndim=1)
    y = check.array("y", y, ndim=1)
    check.same_length("x", x, "y", y)
    w = _grid("w_grid", w_grid)
    b = _grid("b_grid", b_grid)
    check.choice("loss", loss, [name for name in _losses.NAMES if name != "cce"])
    loss_obj = _losses.get(loss, **loss_params)
    if loss == "bce" and np.any((y < 0) | (y > 1)):
        raise check.fail("y", y, "targets in [0, 1] for the bce loss")
    # A grid reaching far beyond the data may overflow: that point's loss is then inf,
    # which is the honest value to plot, not a reason to warn.
    with np.errstate(over="ignore"):
        if loss == "mse":
            return _mse_surface(x, y, w, b)
        if loss == "bce":
            return _chunked_surface(x, y, w, b, loss_obj._value_logits)
        return _chunked_surface(x, y, w, b, loss_obj._value)
