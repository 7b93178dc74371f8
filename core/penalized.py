"""Exact fits of a linear model with an L1 and/or L2 penalty (lasso, ridge, elastic net).

The objective is the one of :mod:`core.penalties` on top of the plain MSE:

    J(w, b) = mean_i (x_i . w + b - y_i)^2 + l1 * sum_j |w_j| + l2 * sum_j w_j^2

(``l1``, ``l2`` are a :class:`core.penalties.Penalty`'s ``.l1`` and ``.l2``; the intercept
``b`` is never penalized).

- :func:`penalized_fit`: the exact minimizer for one ``(l1, l2)``; with ``l1 = 0`` it is the
  ridge solution of :func:`core.closed_form.normal_equation`.
- :func:`penalized_path`: minimizers for a sequence of ``(l1, l2)``, strongest first, each
  solve warm-started from the previous solution.
- :func:`optimality_gap`: how far given parameters are from satisfying the optimality
  (KKT) conditions; 0 at the exact minimizer.
- :func:`soft_threshold`: ``sign(z) max(|z| - t, 0)``, the one-coordinate lasso solution
  and the reason L1 gives exact zeros.
- :func:`mse_contour` and :func:`penalty_contour`: the level curves of a two-weight problem
  (ellipses of the MSE, the L1 diamond, the L2 circle, the elastic-net shape), for the
  picture of why L1 lands on an axis.

How the L1 problem is solved exactly (no gradient descent, no stopping tolerance on the
step size): with the intercept profiled out, ``J = 2 F(w) + const`` where

    F(w) = 1/2 w^T H w - c^T w + t ||w||_1,   H = Xc^T Xc / n + l2 I,   c = Xc^T yc / n,
    t = l1 / 2

(``Xc``, ``yc``: data centered on their means when an intercept is fit). ``w`` minimizes F
if and only if (KKT) ``(H w - c)_j = -t sign(w_j)`` where ``w_j != 0`` and
``|(H w - c)_j| <= t`` where ``w_j = 0``. The solver is the feature-sign active-set method
(Lee, Battle, Raina & Ng, NIPS 2006): guess the signs of the non-zero weights, solve the
linear system ``H_AA w_A = c_A - t s_A`` on that set, and walk from the current point
towards it, stopping at the best point where a weight changes sign (that weight becomes an
exact 0 and leaves the set); add the zero weight that violates its condition most; repeat.
When the columns of the set are linearly dependent (possible only without ridge, e.g. with
fewer samples than features) the step instead slides along a null direction of ``H_AA``, where
the smooth part of F is constant, to the point of least ``||w||_1``, where a weight is 0.
Every step lowers F and no sign pattern repeats, so it ends after finitely many steps at a
point that satisfies the KKT conditions up to rounding (objective changes are computed as
differences, so they keep their digits even when huge weights nearly cancel). Weights outside the final set are
exactly 0. Coordinate descent (scikit-learn's method) reaches the same point, but needs up to
millions of sweeps on ill-conditioned designs such as polynomial features.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import _validation as check
from core.closed_form import _centered_svd, _data, normal_equation
from core.penalties import Penalty

# Relative size of a KKT residual that counts as rounding (scaled by |H| |w| + |c| + t).
_KKT_RTOL = 1e-12


def soft_threshold(z: Any, t: Any) -> np.ndarray:
    """``sign(z) * max(|z| - t, 0)``, elementwise (broadcasting ``z`` against ``t``).

    It is the exact minimizer of ``1/2 (w - z)^2 + t |w|`` over w: any ``|z| <= t`` maps to
    exactly 0. For one standardized feature (or orthogonal features with
    ``Xc^T Xc / n = I``) the lasso weight is ``soft_threshold(w_ls, l1 / 2)`` where ``w_ls`` is
    the least-squares weight.

    Args:
        z: array-like of finite numbers.
        t: threshold(s) >= 0, broadcastable against ``z``.

    Returns:
        float64 array of the broadcast shape.
    """
    zz = check.array("z", z, min_size=0)
    tt = check.array("t", t, min_size=0)
    if np.any(tt < 0):
        raise check.fail("t", t, "thresholds >= 0")
    return np.sign(zz) * np.maximum(np.abs(zz) - tt, 0.0)


def _moments(X: np.ndarray, y: np.ndarray, fit_intercept: bool):
    """(x_mean, y_mean, G = Xc^T Xc / n, c = Xc^T yc / n)."""
    n = X.shape[0]
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    y_mean = float(y.mean()) if fit_intercept else 0.0
    Xc = X - x_mean
    return x_mean, y_mean, (Xc.T @ Xc) / n, (Xc.T @ (y - y_mean)) / n


_EPS = float(np.finfo(np.float64).eps)


class _Smooth:
    """The smooth part 1/2 w^T H w - c^T w of F, with what every solve on it reuses.

    ``eigen`` keeps the eigendecomposition of ``H_AA`` for each active set met so far (and
    whether it is singular), so a path whose ridge part does not change (the same ``H`` for
    every strength) decomposes each active set once.
    """

    def __init__(self, H: np.ndarray, c: np.ndarray):
        self.H, self.c = H, c
        self.abs_H = np.abs(H)
        # A KKT residual counts as rounding below _KKT_RTOL (|H| |w| + |c| + t): |H| and |c|
        # stay put while w moves.
        self.h_max, self.c_max = self.abs_H.max(), np.abs(c).max(initial=0.0)
        self.eigen: dict[bytes, tuple[np.ndarray, np.ndarray, bool]] = {}

    def eigh(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
        key = idx.tobytes()
        found = self.eigen.get(key)
        if found is None:
            eig, vec = np.linalg.eigh(self.H[np.ix_(idx, idx)])
            found = eig, vec, bool(eig[0] <= max(eig[-1], 0.0) * 10.0 * idx.size * _EPS)
            self.eigen[key] = found
        return found


def _feature_sign(smooth: _Smooth, t: float, w0: np.ndarray) -> np.ndarray:
    """Minimize F(w) = 1/2 w^T H w - c^T w + t |w|_1 (t > 0) from the start ``w0`` (see module doc).

    Each step either moves to the best point on the segment towards the minimizer for the
    current signs, or, when the active columns are linearly dependent (possible only without
    ridge, e.g. fewer samples than features), slides along a null direction of ``H_AA`` (where
    the smooth part of F is constant) to the point of least ``|w|_1``, where one weight is 0.
    """
    H, c, abs_H = smooth.H, smooth.c, smooth.abs_H
    d = c.size
    w = w0.copy()
    for _ in range(50 * (d + 1)):
        g = H @ w - c
        abs_w = np.abs(w)
        tol = _KKT_RTOL * float(smooth.h_max * abs_w.max(initial=0.0) + smooth.c_max + t)
        active = w != 0.0
        signs = np.sign(w)
        idx = active.nonzero()[0]
        # (max(initial=0) <= tol is all(<= tol), with NaN failing both ways, in one call fewer)
        if np.abs(g[idx] + t * signs[idx]).max(initial=0.0) <= tol:
            # The non-zero weights are optimal for their signs: check the zeros.
            violation = np.abs(g) - t
            violation[idx] = -np.inf
            j = int(violation.argmax())
            if violation[j] <= tol:
                return w
            active[j] = True
            signs[j] = -np.sign(g[j])  # moving w_j this way lowers F
            idx = active.nonzero()[0]
        start = w[idx]
        eig, vec, singular = smooth.eigh(idx)
        # Candidate points, as rows of full weight vectors: a target (the minimizer for these
        # signs) and the points start + s (target - start), 0 < s < 1, where a weight crosses 0;
        # or, on a null direction, the points along it where a weight is 0 (both ways).
        if singular:
            direction = vec[:, 0]
            size = np.abs(direction)
            where = (size > 1e-12 * size.max()).nonzero()[0]
            first = 0
        else:
            target = vec @ ((vec.T @ (c[idx] - t * signs[idx])) / eig)
            direction = target - start
            # Where the direction is 0 nothing crosses: NaN there fails the tests below.
            cross = np.divide(-start, direction, out=np.full(start.size, np.nan), where=direction != 0.0)
            where = ((start != 0.0) & (cross > 0.0) & (cross < 1.0)).nonzero()[0]
            first = 1
        points = np.zeros((first + where.size, d))
        if first:
            points[0, idx] = target
        if where.size:
            if singular:
                with np.errstate(divide="ignore", invalid="ignore"):
                    cross = -start / direction
            moves = start + cross[where, None] * direction
            moves[np.arange(where.size), where] = 0.0  # exactly on the axis
            points[first:, idx] = moves
        # F(v) - F(w) = D.g + 1/2 D^T H D + t (|v|_1 - |w|_1), D = v - w: computed as a
        # difference it keeps its digits even when huge weights nearly cancel in F itself.
        steps = points - w
        change = steps @ g + 0.5 * np.einsum("ki,ij,kj->k", steps, H, steps) + t * (
            np.abs(points).sum(axis=1) - abs_w.sum())
        best = int(change.argmin())
        if change[best] > 0.0:  # (the rounding allowance is >= 0: a drop needs no allowance)
            size = np.abs(steps[best])
            rounding = 1e-12 * (size @ (np.abs(g) + t + 0.5 * abs_H @ size))
            if change[best] > rounding:
                return w  # no progress possible beyond rounding
        if points[best].tolist() == w.tolist():
            return w  # no progress possible beyond rounding
        w = points[best]
    return w


def _ridge(X, y, l2s, fit_intercept):
    """:func:`core.closed_form.normal_equation` for each ``l2`` of ``l2s``, one SVD for all.

    The same arithmetic as ``normal_equation`` (so the same numbers, to the last bit), with
    the SVD of the centered design and its projection of ``y`` computed once.
    """
    n = X.shape[0]
    x_mean, U, s, Vt, tol = _centered_svd(X, fit_intercept)
    y_mean = y.mean() if fit_intercept else 0.0
    keep = s > tol
    projected = U.T @ (y - y_mean)
    out = []
    for l2 in l2s:
        # Dropped directions get 0: that is what makes the solution minimum-norm.
        gain = np.zeros_like(s)
        gain[keep] = s[keep] / (s[keep] ** 2 + n * float(l2))
        w = Vt.T @ (gain * projected)
        out.append(np.append(w, y_mean - x_mean @ w) if fit_intercept else w)
    return out


def _smooth(moments, l2: float) -> _Smooth:
    _, _, G, c = moments
    return _Smooth(G + l2 * np.eye(G.shape[0]), c)


def _solve(X, y, l1, l2, fit_intercept, moments, start, smooth: _Smooth | None = None):
    x_mean, y_mean, _, _ = moments
    if l1 == 0.0:
        return normal_equation(X, y, l2=l2, fit_intercept=fit_intercept)
    w = _feature_sign(smooth or _smooth(moments, l2), l1 / 2.0, start)
    return np.append(w, y_mean - x_mean @ w) if fit_intercept else w


def penalized_fit(X: Any, y: Any, *, l1: float = 0.0, l2: float = 0.0, fit_intercept: bool = True) -> np.ndarray:
    """Exact minimizer of ``mean_i (x_i . w + b - y_i)^2 + l1 * ||w||_1 + l2 * ||w||^2``.

    With ``l1 > 0`` many weights are exactly 0.0 (not merely small); ``l1 = 0`` returns
    :func:`core.closed_form.normal_equation` ``(X, y, l2=l2)`` (ridge, or least squares).

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        l1: L1 coefficient >= 0 (``Penalty.l1``).
        l2: L2 coefficient >= 0 (``Penalty.l2``).
        fit_intercept: whether to fit an (unpenalized) intercept ``b``.

    Returns:
        params of shape (P,): ``[w_1, ..., w_d, b]``, or ``[w_1, ..., w_d]`` without intercept.

    When ``l2 = 0`` and the columns of X are linearly dependent the minimizer may not be
    unique; one minimizer is returned (its objective value is the minimum).

    Note: scikit-learn scales its objectives differently; with ``n`` samples,
    ``Lasso(alpha=l1 / 2)`` and ``ElasticNet(alpha=(l1 + 2 l2) / 2, l1_ratio=l1 / (l1 + 2 l2))``
    minimize the same objective (see :mod:`core.penalties`).

    Example:
        >>> penalized_fit([[-1.0], [1.0]], [-1.0, 1.0], l1=0.5)  # soft_threshold(1, 0.25)
        array([0.75, 0.  ])
    """
    X, y = _data(X, y)
    l1 = check.real("l1", l1, low=0.0)
    l2 = check.real("l2", l2, low=0.0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    moments = _moments(X, y, fit_intercept)
    return _solve(X, y, l1, l2, fit_intercept, moments, np.zeros(X.shape[1]))


def penalized_path(X: Any, y: Any, *, l1: Any, l2: Any = 0.0, fit_intercept: bool = True) -> np.ndarray:
    """:func:`penalized_fit` for many ``(l1, l2)`` pairs at once.

    The pairs are solved from the strongest (largest ``l1 + l2``) to the weakest, each
    starting from the previous solution (a warm start: neighbouring strengths have nearly
    the same non-zero set, so each solve takes a few linear solves). Results come back in
    the order given. Work is shared without changing a bit of any row: rows with ``l1 = 0``
    (ridge) share one SVD of the design, and consecutive rows with the same ``l2`` share the
    eigendecomposition of each non-zero set they meet.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        l1: array-like of shape (L,) (or a scalar), coefficients >= 0.
        l2: array-like of shape (L,) (or a scalar), coefficients >= 0; broadcast with ``l1``.
        fit_intercept: whether to fit an (unpenalized) intercept.

    Returns:
        params of shape (L, P), row k the minimizer for ``(l1[k], l2[k])``.

    Example: the elastic-net path of :mod:`core.penalties` for strengths ``lams``::

        pens = [penalties.get("elastic_net", lam, 0.5) for lam in lams]
        penalized_path(X, y, l1=[p.l1 for p in pens], l2=[p.l2 for p in pens])
    """
    X, y = _data(X, y)
    l1s = check.array("l1", l1, ndim=(0, 1))
    l2s = check.array("l2", l2, ndim=(0, 1))
    try:
        l1s, l2s = (np.atleast_1d(a).copy() for a in np.broadcast_arrays(l1s, l2s))
    except ValueError:
        raise ValueError(f"l1 and l2 must have the same length; got {l1s.shape} and {l2s.shape}") from None
    for name, values in (("l1", l1s), ("l2", l2s)):
        if np.any(values < 0):
            raise check.fail(name, values, "coefficients >= 0")
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    moments = _moments(X, y, fit_intercept)
    out = np.empty((l1s.size, X.shape[1] + int(fit_intercept)))
    ridge = np.flatnonzero(l1s == 0.0)
    if ridge.size:  # no L1 part: the normal equation, sharing one SVD
        out[ridge] = _ridge(X, y, l2s[ridge], fit_intercept)
    w = np.zeros(X.shape[1])
    smooth, l2_now = None, None  # H and what hangs on it, shared while l2 stays the same (bit for bit)
    for k in np.argsort(-(l1s + l2s), kind="stable"):
        if l1s[k] != 0.0:
            if l2s[k].tobytes() != l2_now:
                smooth, l2_now = _smooth(moments, float(l2s[k])), l2s[k].tobytes()
            out[k] = _solve(X, y, float(l1s[k]), float(l2s[k]), fit_intercept, moments, w, smooth)
        w = out[k, : X.shape[1]]
    return out


def optimality_gap(X: Any, y: Any, params: Any, *, l1: float = 0.0, l2: float = 0.0,
                   fit_intercept: bool = True) -> float:
    """The largest violation of the optimality (KKT) conditions of :func:`penalized_fit`.

    With ``r = X w + b - y`` and the gradient of the data term ``g = 2 X^T r / n``:
    ``|g_j + 2 l2 w_j + l1 sign(w_j)|`` for each non-zero weight, ``max(|g_j| - l1, 0)`` for
    each zero weight, and ``|2 mean(r)|`` for the intercept. It is 0 exactly at a minimizer
    (the objective is convex), so it certifies a solution from any solver.

    Args:
        X: array of shape (n, d), or (n,) for one feature.
        y: array of shape (n,).
        params: array of shape (P,), weights first, intercept last if ``fit_intercept``.
        l1, l2: the penalty coefficients >= 0.
        fit_intercept: whether ``params`` ends with an intercept.

    Returns:
        the largest violation, >= 0, in units of the objective's gradient.
    """
    X, y = _data(X, y)
    l1 = check.real("l1", l1, low=0.0)
    l2 = check.real("l2", l2, low=0.0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    params = check.array("params", params, ndim=1)
    d = X.shape[1]
    if params.size != d + int(fit_intercept):
        raise ValueError(f"params must have shape ({d + int(fit_intercept)},); got {params.shape}")
    w = params[:d]
    b = params[d] if fit_intercept else 0.0
    r = X @ w + b - y
    g = 2.0 * (X.T @ r) / X.shape[0] + 2.0 * l2 * w
    nonzero = w != 0
    gaps = np.where(nonzero, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
    worst = float(gaps.max(initial=0.0))
    return max(worst, abs(2.0 * float(r.mean()))) if fit_intercept else worst


def _angles(num: int) -> np.ndarray:
    num = check.integer("num", num, low=9)
    # A multiple of 4 intervals puts points exactly on the axes (the diamond's corners).
    count = 4 * ((num - 1) // 4)
    return np.linspace(0.0, 2.0 * np.pi, count + 1)


def mse_contour(X: Any, y: Any, levels: Any, *, num: int = 181, fit_intercept: bool = True) -> np.ndarray:
    """Curves where the MSE of a two-weight model equals each level (intercept at its best).

    For ``X`` of shape (n, 2), ``M(w) = min_b mean_i (x_i . w + b - y_i)^2`` is the exact
    quadratic ``M* + (w - w*)^T G (w - w*)`` around the least-squares weights ``w*``, with
    ``G = Xc^T Xc / n``; each level set is an ellipse, drawn through the eigenvectors of G.

    Args:
        X: array of shape (n, 2) whose columns are not collinear.
        y: array of shape (n,).
        levels: array-like of shape (K,): MSE values (levels below the minimum give NaN
            rows, the minimum itself a single point).
        num: points per curve, >= 9 (rounded down to 4 k + 1, closed: first = last).
        fit_intercept: whether the model has an intercept (profiled out as above).

    Returns:
        array of shape (K, num', 2): the (w_1, w_2) points of each curve.
    """
    X, y = _data(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 columns for a contour of two weights; got shape {X.shape}")
    levels = np.atleast_1d(check.array("levels", levels, ndim=(0, 1)))
    fit_intercept = check.flag("fit_intercept", fit_intercept)
    theta = _angles(num)
    _, _, G, _ = _moments(X, y, fit_intercept)
    eig, vec = np.linalg.eigh(G)
    if eig[0] <= eig[-1] * 1e-12:
        raise ValueError("X must have 2 linearly independent columns; its columns are collinear")
    w_star = normal_equation(X, y, fit_intercept=fit_intercept)[:2]
    r = X @ w_star - y
    floor = float(np.mean((r - r.mean()) ** 2)) if fit_intercept else float(np.mean(r * r))
    excess = levels - floor
    excess[(excess < 0) & (excess >= -1e-12 * max(floor, 1e-300))] = 0.0  # the minimum, up to rounding
    with np.errstate(invalid="ignore"):
        radius = np.sqrt(np.where(excess >= 0, excess, np.nan))  # (K,)
    unit = np.stack([np.cos(theta), np.sin(theta)], axis=1)  # (m, 2)
    # w = w* + V diag(1/sqrt(eig)) u sqrt(level - M*) has (w - w*)^T G (w - w*) = level - M*.
    shape = (unit / np.sqrt(eig)) @ vec.T  # (m, 2)
    curves = w_star + radius[:, None, None] * shape[None, :, :]
    curves[:, -1] = curves[:, 0]  # closed exactly
    return curves


def penalty_contour(penalty: Penalty, level: float, *, num: int = 181) -> np.ndarray:
    """The curve of two weights where ``penalty(w) == level``: diamond, circle or in between.

    ``l1 (|w_1| + |w_2|) + l2 (w_1^2 + w_2^2) = level`` along each direction
    ``(cos a, sin a)`` has radius ``rho = 2 level / (s + sqrt(s^2 + 4 l2 level))`` with
    ``s = l1 (|cos a| + |sin a|)`` (the positive root of ``l2 rho^2 + s rho = level``, in a
    form that is also right for ``l2 = 0``). The L1 curve is the diamond with corners on the
    axes, the L2 curve a circle, elastic net a rounded diamond that keeps its corners.

    Args:
        penalty: a :class:`core.penalties.Penalty` other than ``none`` with ``lam > 0``.
        level: the penalty value >= 0 (0 gives the single point 0).
        num: points, >= 9 (rounded down to 4 k + 1; closed: first = last; points at the
            four corners on the axes are included).

    Returns:
        array of shape (num', 2).
    """
    if not isinstance(penalty, Penalty):
        raise check.fail("penalty", penalty, "a core.penalties.Penalty")
    if penalty.l1 == 0.0 and penalty.l2 == 0.0:
        raise check.fail("penalty", penalty, "a penalty with l1 > 0 or l2 > 0 (it has no shape otherwise)")
    level = check.real("level", level, low=0.0)
    theta = _angles(num)
    cos, sin = np.cos(theta), np.sin(theta)
    quarter = (theta.size - 1) // 4  # cos(pi / 2) is 6e-17 in floating point; make the axes exact
    cos[[quarter, 3 * quarter]] = 0.0
    sin[[0, 2 * quarter, 4 * quarter]] = 0.0
    s = penalty.l1 * (np.abs(cos) + np.abs(sin))
    rho = 2.0 * level / (s + np.sqrt(s * s + 4.0 * penalty.l2 * level)) if level > 0 else np.zeros_like(theta)
    points = np.stack([rho * cos, rho * sin], axis=1)
    points[-1] = points[0]  # closed exactly
    return points
