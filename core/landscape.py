"""The shape of the objective: its curvature (the largest stable learning rate) and its
surface over a grid of (w, b) for a one-feature model ``y_hat = w x + b``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class DescentCount:
    """How many plain gradient-descent steps a least-squares problem takes (:func:`descent_count`).

    Attributes:
        steps: the first step t with ``||theta_t - theta*||_2 <= tol``; -1 if not within ``max_steps``
            (or never: a start off the minimum-norm solution along a direction the data do not fix).
        lr: the rate used.
        cond: ``lambda_max / lambda_min`` of the Hessian over the directions the data fix (its
            positive eigenvalues): what sets the pace. Equal to its condition number unless singular.
        singular: whether the Hessian has a zero eigenvalue (rank-deficient X, no ridge).
        start_distance: ``||theta_0 - theta*||_2``.
    """

    steps: int
    lr: float
    cond: float
    singular: bool
    start_distance: float


def best_rate(X: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> float:
    """``2 / (lambda_max + lambda_min)`` of :func:`hessian_mse`: the constant rate at which gradient
    descent's slowest direction shrinks fastest, by ``(cond - 1) / (cond + 1)`` per step.

    ``lambda_min`` is the smallest *positive* eigenvalue (zero ones, of a rank-deficient X, are
    directions the descent never moves along). Practice rarely knows it; this is the descent's best case.
    """
    lam = _positive_eigenvalues(hessian_mse(X, l2=l2, fit_intercept=fit_intercept))[0]
    return 2.0 / (lam[-1] + lam[0])


def _positive_eigenvalues(hessian: np.ndarray):
    """(positive eigenvalues ascending, all eigenvalues, eigenvectors, whether any is zero); an
    eigenvalue at or below ``lambda_max * P * eps * 10`` counts as zero (rounding, not curvature)."""
    lam, vectors = np.linalg.eigh(hessian)
    top = float(lam[-1])
    if top <= 0:
        raise ValueError("X: the objective is flat (all-zero X and no intercept); gradient descent cannot move")
    zero = lam <= top * lam.size * np.finfo(np.float64).eps * 10
    return lam[~zero], np.where(zero, 0.0, lam), vectors, bool(zero.any())


def descent_count(X: Any, y: Any, *, tol: float = 1e-6, lr: float | None = None, l2: float = 0.0,
                  fit_intercept: bool = True, start: Any = None, max_steps: int = 10**9) -> DescentCount:
    """The exact number of full-batch gradient-descent steps until every parameter is near the closed form.

    On ``J = mean (x . w + b - y)^2 + l2 ||w||^2`` the gradient is ``H (theta - theta*)`` with H
    from :func:`hessian_mse` and ``theta*`` from :func:`core.closed_form.normal_equation`, so
    descent with rate ``lr`` is linear: ``theta_t - theta* = (I - lr H)^t (theta_0 - theta*)``.
    In H's eigenvectors ``v_i`` that is ``sum_i c_i (1 - lr lambda_i)^t v_i``, and
    ``||theta_t - theta*||^2 = sum_i c_i^2 (1 - lr lambda_i)^(2t)`` falls monotonically (for
    ``lr < 2 / lambda_max``); the first t with it ``<= tol^2`` is found by doubling and then
    bisection, in logs, without running the 10^5 or 10^8 steps an ill-conditioned problem needs.
    A run of the descent gives the same count, up to rounding in the last step.

    Started from zero (the default), the descent never moves along a direction with
    ``lambda_i = 0`` and so converges to the minimum-norm solution, as the closed form does.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        tol: the distance > 0 to come within.
        lr: the rate > 0; None takes :func:`best_rate`.
        l2: ridge strength >= 0.
        fit_intercept: whether the model has an intercept (last parameter).
        start: parameters (P,) to start from; None starts at zeros.
        max_steps: the largest count returned; beyond it, -1.

    Returns:
        a :class:`DescentCount`.
    """
    from core.closed_form import _data, normal_equation

    X, y = _data(X, y)
    tol = check.real("tol", tol, low=0.0, low_open=True)
    l2 = check.real("l2", l2, low=0.0)
    max_steps = check.integer("max_steps", max_steps, low=1)
    positive, lam, vectors, singular = _positive_eigenvalues(hessian_mse(X, l2=l2, fit_intercept=fit_intercept))
    rate = 2.0 / (positive[-1] + positive[0]) if lr is None else check.real("lr", lr, low=0.0, low_open=True)
    best = normal_equation(X, y, l2=l2, fit_intercept=fit_intercept)
    theta0 = np.zeros_like(best) if start is None else check.array("start", start, ndim=1)
    if theta0.shape != best.shape:
        raise ValueError(f"start must have shape {best.shape}; got {theta0.shape}")
    c2 = (vectors.T @ (theta0 - best)) ** 2
    rho = np.abs(1.0 - rate * lam)
    hit = rho == 0.0  # a direction the rate removes in one step (lr = 1 / lambda_i exactly)
    with np.errstate(divide="ignore"):
        log_c2, log_rho2 = np.log(c2), 2.0 * np.log(np.where(hit, 1.0, rho))

    def gap2(t: int) -> float:  # ||theta_t - theta*||^2
        terms = np.exp(log_c2 + t * log_rho2)
        return float(np.where(hit & (t > 0), 0.0, terms).sum())

    count = DescentCount(steps=-1, lr=float(rate), cond=float(positive[-1] / positive[0]), singular=singular,
                         start_distance=float(np.sqrt(c2.sum())))
    return replace(count, steps=_first_at_most(gap2, tol * tol, max_steps))


def _first_at_most(falling: Callable[[int], float], target: float, max_steps: int) -> int:
    """The first t >= 0 with ``falling(t) <= target`` for a function that never rises, by doubling and
    then bisection (about 2 log2(t) calls); -1 beyond ``max_steps``."""
    if falling(0) <= target:
        return 0
    hi = 1
    while falling(hi) > target:
        if hi >= max_steps:
            return -1
        hi = min(2 * hi, max_steps)
    lo = hi // 2  # falling(lo) > target (lo = 0 checked above)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if falling(mid) > target else (lo, mid)
    return hi


def steps_to_loss(X: Any, y: Any, lr: float, gap: float, *, fit_intercept: bool = True,
                  max_steps: int = 10**12) -> int:
    """The exact number of full-batch gradient-descent steps from zero until ``J(θ_t) − J* <= gap``.

    ``J = mean (x . w + b - y)^2`` is a quadratic with Hessian H (:func:`hessian_mse`), so
    ``J(θ) − J* = ½ (θ − θ*)ᵀ H (θ − θ*)``, and with ``θ_t − θ* = (I − lr H)^t (θ_0 − θ*)``, in H's
    eigenvectors: ``J(θ_t) − J* = Σ_i ½ λ_i c_i² (1 − lr λ_i)^(2t)``. Each term falls
    monotonically while ``lr < 2 / λ_max``, so the sum does and the first such t is found by
    bisection: 364,681 steps (the lesson's rate 0.00001 on the learning-rate view's line) cost a
    few dozen evaluations, not 364,681 updates. A run of the descent gives the same count, up to
    rounding in the last step.

    Args:
        X: array (n, d) or (n,); y: array (n,).
        lr: the constant rate, 0 < lr < 2 / λ_max.
        gap: how far above the minimum J* to come, > 0.
        max_steps: the largest count returned; beyond it, -1.

    Returns:
        the step count t >= 0, or -1.
    """
    from core.closed_form import _data, normal_equation

    X, y = _data(X, y)
    gap = check.real("gap", gap, low=0.0, low_open=True)
    max_steps = check.integer("max_steps", max_steps, low=1)
    hessian = hessian_mse(X, fit_intercept=fit_intercept)
    lam, vectors = np.linalg.eigh(hessian)
    lr = check.real("lr", lr, low=0.0, low_open=True)
    if not lr < 2.0 / lam[-1]:
        raise ValueError(f"lr must be below the critical rate 2 / λ_max = {2.0 / lam[-1]:.6g}; got {lr}")
    best = normal_equation(X, y, fit_intercept=fit_intercept)
    c2 = (vectors.T @ (0.0 - best)) ** 2
    weight = 0.5 * np.clip(lam, 0.0, None) * c2
    rho2 = (1.0 - lr * lam) ** 2
    with np.errstate(divide="ignore"):
        log_w, log_rho2 = np.log(weight), np.log(rho2)

    def excess(t: int) -> float:
        return float(np.exp(log_w + t * log_rho2).sum()) if t else float(weight.sum())

    return _first_at_most(excess, gap, max_steps)


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
