"""Exact fits of a linear model ``y_hat = X @ w + b``, without gradient descent.

- :func:`normal_equation`: least squares with an optional ridge term, solved by an SVD of
  the centered design (never by inverting ``X^T X``).
- :func:`diagnose`: rank and condition numbers of that problem, so a caller can warn.
- :func:`normal_matrices` and :func:`solve_normal_matrices`: the textbook route, forming
  ``X^T X`` and ``X^T y`` and solving that system (to show, and to time against the SVD).
- :func:`gradient_descent`: plain full-batch descent on the same objective, reading the data
  every step (the cost that grows as steps x n x d), for timing against the closed form.
- :func:`quantile_fit`: least absolute deviations / pinball loss as a linear program
  (scipy's HiGHS).

Parameters are ordered weights first, the intercept last (when ``fit_intercept``).
A 1-D ``X`` of shape (n,) is read as one feature, i.e. shape (n, 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.optimize

from core import _validation as check


def _design(X: Any) -> np.ndarray:
    """``X`` as a float64 array of shape (n, d); a 1-D array becomes one feature."""
    X = check.array("X", X, ndim=(1, 2))
    return X[:, None] if X.ndim == 1 else X


def _data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = _design(X)
    y = check.array("y", y, ndim=1)
    check.same_length("X", X, "y", y)
    return X, y


def _centered_svd(X: np.ndarray, fit_intercept: bool):
    """SVD of the design the weights see: X minus its column means when an intercept is fit.

    Profiling out the (unpenalized) intercept leaves a problem in w alone on the centered
    data; centering also removes the large common offset that makes ``X^T X`` lose digits.
    Returns (x_mean, U, s, Vt, tol) where singular values ``<= tol`` count as zero
    (numpy's ``matrix_rank`` tolerance).
    """
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    U, s, Vt = np.linalg.svd(X - x_mean, full_matrices=False)
    tol = (s[0] if s.size else 0.0) * max(X.shape) * np.finfo(np.float64).eps
    return x_mean, U, s, Vt, tol


def normal_equation(X: Any, y: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> np.ndarray:
    """Exact minimizer of ``J(w, b) = mean_i (x_i . w + b - y_i)^2 + l2 * ||w||^2``.

    With an intercept, ``b = mean(y) - mean(X) . w`` and ``w`` solves the centered problem
    ``(Xc^T Xc / n + l2 I) w = Xc^T yc / n``. It is solved through the SVD
    ``Xc = U diag(s) V^T``: ``w = V diag(s / (s^2 + n l2)) U^T yc``, accurate to about
    ``eps * cond(Xc)`` instead of the ``eps * cond(Xc)^2`` of forming ``X^T X``.

    A rank-deficient X (e.g. a duplicated column) with ``l2 = 0`` has many minimizers; the
    one returned has the smallest ``||w||`` (singular values ``<= s_max * max(n, d) * eps``
    are treated as zero), which is the limit of the ridge solution as ``l2 -> 0+``. It is
    never an error or a warning; call :func:`diagnose` to learn that it happened.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        l2: ridge strength >= 0 on the weights; the intercept is never penalized.
        fit_intercept: whether to fit ``b``; if False, ``b = 0`` and is not returned.

    Returns:
        params of shape (P,) with P = d + 1 (``[w_1, ..., w_d, b]``) or P = d.

    Note: scikit-learn's ``Ridge(alpha)`` minimizes the *sum* ``||Xw + b - y||^2 +
    alpha ||w||^2``, so ``alpha = n * l2`` gives the same solution; ``LinearRegression`` is
    ``l2 = 0`` (it returns the same minimum-norm ``w`` on rank-deficient data).
    """
    X, y = _data(X, y)
    l2 = check.real("l2", l2, low=0.0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    n = X.shape[0]
    x_mean, U, s, Vt, tol = _centered_svd(X, fit_intercept)
    y_mean = y.mean() if fit_intercept else 0.0
    keep = s > tol
    # Dropped directions get 0: that is what makes the solution minimum-norm.
    gain = np.zeros_like(s)
    gain[keep] = s[keep] / (s[keep] ** 2 + n * l2)
    w = Vt.T @ (gain * (U.T @ (y - y_mean)))
    if not fit_intercept:
        return w
    return np.append(w, y_mean - x_mean @ w)


def _augmented(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    return np.hstack([X, np.ones((X.shape[0], 1))]) if fit_intercept else X


def normal_matrices(X: Any, y: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The normal equations ``A theta = c`` as a textbook writes them.

    ``A = Xa^T Xa + n l2 D`` and ``c = Xa^T y``, with ``Xa = [X, 1]`` (the column of ones last,
    since the intercept is the last parameter; ``Xa = X`` without an intercept) and ``D`` the
    identity with a 0 for the intercept, which is never penalized. These are the sums
    (``A[-1, -1] = n``, ``A[0, -1] = sum x_1``), i.e. n times the mean form of
    :func:`normal_equation`'s docstring, which has the same solution.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        l2: ridge strength >= 0 on the weights.
        fit_intercept: whether the parameters include the intercept.

    Returns:
        (A, c) of shapes (P, P) and (P,), P = d + 1 (or d).
    """
    X, y = _data(X, y)
    l2 = check.real("l2", l2, low=0.0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    design = _augmented(X, fit_intercept)
    A = design.T @ design
    idx = np.arange(X.shape[1])
    A[idx, idx] += X.shape[0] * l2
    return A, design.T @ y


def solve_normal_matrices(X: Any, y: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> np.ndarray:
    """``theta = A^{-1} c`` from :func:`normal_matrices`, by an LU solve (``numpy.linalg.solve``).

    The textbook route. Forming ``A`` squares the condition number, so it loses about
    ``log10 cond(A)`` digits where :func:`normal_equation` (an SVD of the centered X) loses
    about half as many; on a singular A it raises ``numpy.linalg.LinAlgError`` rather than
    returning the minimum-norm solution. Both cost about ``n d^2`` for tall X, the solve a
    small constant factor less.

    Returns:
        params of shape (P,), weights first, intercept last.
    """
    A, c = normal_matrices(X, y, l2=l2, fit_intercept=fit_intercept)
    return np.linalg.solve(A, c)


def gradient_descent(X: Any, y: Any, *, lr: float, steps: int, fit_intercept: bool = True) -> np.ndarray:
    """Plain full-batch gradient descent on ``mean_i (x_i . w + b - y_i)^2`` from zero; the last params.

    Each step reads the data: ``r = X w + b - y``, then ``w -= lr (2 / n) X^T r`` and
    ``b -= lr 2 mean(r)``, about ``4 n d`` floating-point operations, so T steps cost ``O(T n d)``.
    The same iterates as :func:`core.training.fit_linear` with ``optimizer="sgd"`` (which, for
    MSE on the full batch, first forms the d x d Gram matrix to step in ``O(d^2)``, and keeps the
    whole path): this one keeps only the last point, so its time is the descent's alone.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        lr: learning rate > 0.
        steps: number of steps >= 0.
        fit_intercept: whether to fit ``b``.

    Returns:
        params of shape (P,), weights first, intercept last.
    """
    X, y = _data(X, y)
    lr = check.real("lr", lr, low=0.0, low_open=True)
    steps = check.integer("steps", steps, low=0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    n = X.shape[0]
    w, b = np.zeros(X.shape[1]), 0.0
    with np.errstate(all="ignore"):  # a rate above the critical one overflows; the caller sees inf/nan
        for _ in range(steps):
            r = X @ w + b - y
            w = w - (lr * 2.0 / n) * (r @ X)
            if fit_intercept:
                b = b - lr * 2.0 * r.mean()
    return np.append(w, b) if fit_intercept else w


@dataclass(frozen=True)
class Diagnosis:
    """How well posed the least-squares problem of :func:`normal_equation` is.

    Attributes:
        n_samples: n.
        n_params: P (weights plus intercept if fitted).
        rank: rank of the design ``[X, 1]`` (``X`` without an intercept), at most P.
        rank_deficient: ``rank < n_params``: without ridge the data do not pin down a
            single line; :func:`normal_equation` then returns the minimum-norm one.
        unique: the objective has exactly one minimizer (not rank-deficient, or
            ``l2 > 0``).
        cond_design: condition number ``s_max / s_min`` of the centered design ``Xc`` (of
            ``X`` without an intercept); ``inf`` when rank-deficient. About how many
            digits a least-squares solve can lose (``log10`` of it).
        cond_hessian: condition number of the Hessian of the objective in the weights
            after the intercept is profiled out, ``2 (Xc^T Xc / n + l2 I)``:
            ``(s_max^2 / n + l2) / (s_min^2 / n + l2)``; ``inf`` when singular. It is
            ``cond_design^2`` without ridge, and ridge shrinks it. (Gradient descent on the
            raw ``(w, b)`` sees the uncentered Hessian of
            :func:`core.landscape.hessian_mse`, which is worse when the features are not
            centered.)
    """

    n_samples: int
    n_params: int
    rank: int
    rank_deficient: bool
    unique: bool
    cond_design: float
    cond_hessian: float


def diagnose(X: Any, *, l2: float = 0.0, fit_intercept: bool = True) -> Diagnosis:
    """Rank and conditioning of ``mean((X w + b - y)^2) + l2 ||w||^2`` (y does not matter).

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        l2: ridge strength >= 0.
        fit_intercept: whether the model has an intercept.

    Returns:
        a :class:`Diagnosis`.
    """
    X = _design(X)
    l2 = check.real("l2", l2, low=0.0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    n, d = X.shape
    _, _, s, _, tol = _centered_svd(X, fit_intercept)
    s = np.where(s > tol, s, 0.0)
    rank_w = int(np.count_nonzero(s))
    # The constant column is orthogonal to every centered column: it adds exactly 1.
    rank = rank_w + int(fit_intercept)
    n_params = d + int(fit_intercept)
    s_min = s[-1] if rank_w == d else 0.0  # fewer than d singular values when n < d
    s_max = s[0] if s.size else 0.0
    cond_design = float(s_max / s_min) if s_min > 0 else float("inf")
    top, bottom = s_max**2 / n + l2, s_min**2 / n + l2
    cond_hessian = float(top / bottom) if bottom > 0 else float("inf")
    return Diagnosis(
        n_samples=n,
        n_params=n_params,
        rank=rank,
        rank_deficient=rank < n_params,
        unique=rank == n_params or l2 > 0,
        cond_design=cond_design,
        cond_hessian=cond_hessian,
    )


IPM_FROM = 20_000  # quantile_fit: points above which HiGHS' interior-point method is faster


def quantile_fit(X: Any, y: Any, *, q: float = 0.5, fit_intercept: bool = True) -> np.ndarray:
    """Exact minimizer of the mean pinball loss ``mean_i rho_q(y_i - x_i . w - b)``.

    ``rho_q(r) = max(q r, (q - 1) r)``: under-predictions (r > 0) cost ``q`` per unit,
    over-predictions ``1 - q``. ``q = 0.5`` gives half the absolute error, so this is the
    exact least-absolute-deviations (MAE) fit; in general it is the linear conditional
    q-quantile.

    It is a linear program (scipy ``linprog``, method ``"highs"``). The primal has 2n + P
    variables and n constraints; its dual (Koenker & Bassett)::

        maximize   y . d
        subject to Xa^T d = 0,   q - 1 <= d_i <= q        (Xa = [X, 1])

    has n box-bounded variables and only P constraints, and solves 30-100x faster
    (n = 10,000 in about 0.1 s). Above IPM_FROM points HiGHS' interior-point method (with
    its crossover to a vertex, so the answer is the same kind of solution) replaces its
    simplex, which slows down sharply there (n = 100,000: 1.2 s against 10 s). By LP duality the fitted ``(w, b)`` are the multipliers of
    its P equality constraints, read from HiGHS' ``eqlin.marginals`` (with the sign flipped
    because linprog minimizes ``-y . d``).

    The minimizer need not be unique (e.g. an even number of points and ``q = 0.5``);
    the simplex returns a vertex of the optimal set, a line that passes through at least
    P of the points. Its objective value is always the minimum.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        q: the quantile, in (0, 1).
        fit_intercept: whether to fit ``b``.

    Returns:
        params of shape (P,), weights first, intercept last.

    Raises:
        RuntimeError: if HiGHS reports failure (not expected: the program is always
            feasible and bounded).

    Note: equals scikit-learn's ``QuantileRegressor(quantile=q, alpha=0)``; its default
    ``alpha=1.0`` adds an L1 penalty on w, which this function never does.
    """
    X, y = _data(X, y)
    q = check.real("q", q, low=0.0, high=1.0, low_open=True, high_open=True)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    n = X.shape[0]
    design = np.hstack([X, np.ones((n, 1))]) if fit_intercept else X
    bounds = np.column_stack([np.full(n, q - 1.0), np.full(n, q)])
    result = scipy.optimize.linprog(
        -y, A_eq=design.T, b_eq=np.zeros(design.shape[1]), bounds=bounds,
        method="highs-ipm" if n > IPM_FROM else "highs",
    )
    if result.status != 0:
        raise RuntimeError(f"quantile_fit: HiGHS failed ({result.message})")
    return -np.asarray(result.eqlin.marginals, dtype=np.float64)
