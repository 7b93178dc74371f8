"""Seeded toy data sets and the lessons' worked examples as data.

Generators (every one takes ``seed``; the same arguments always give the same arrays):

- :func:`line_with_outliers`: y = slope x + intercept + noise, with the last points (largest
  x) pushed up as outliers.
- :func:`polynomial_curve` and :func:`polynomial_features`: a noisy smooth curve and
  standardized polynomial features for under/overfitting views.
- :func:`two_classes`: two Gaussian classes with an exact base rate.
- :func:`fraud_like`: a rare, overlapping positive class, like fraud scores.
- :func:`alike_features`: a linear target of two features, the second as alike the first as
  asked (independent, nearly a copy, or an exact copy).

:func:`moment_matched` stands four points in for any (x, y) data when only a line's MSE is
needed: the same loss and gradient everywhere. :func:`hand_fit` is seven fixed points made
for the lesson's "fit the line yourself".

Worked examples (fresh arrays on every call), written in :mod:`core.worked_examples` and
imported here, so that ``core.datasets.<name>`` reaches every one as the public contract
says: :func:`lagos_houses`, :func:`rainfall_weeks`, :func:`house_prices`,
:func:`two_four_six`, :func:`house_errors_400k`, :func:`house_300k`, :func:`archery`,
:func:`spam_probabilities`, :func:`spam_confidence_pair`, :func:`cat_dog_bird`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core._validation import array, fail, integer, real
from core.worked_examples import (  # noqa: F401 - the public contract's names, reached from here
    ProbabilityExample,
    RegressionExample,
    archery,
    cat_dog_bird,
    house_300k,
    house_errors_400k,
    house_prices,
    lagos_houses,
    rainfall_weeks,
    spam_confidence_pair,
    spam_probabilities,
    two_four_six,
)

# --------------------------------------------------------------------------- containers


@dataclass(frozen=True, eq=False)
class LineData:
    """Points around a line.

    Attributes:
        x: array of shape (n,), sorted ascending.
        y: array of shape (n,).
        is_outlier: bool array of shape (n,); True for the last ``n_outliers`` points.
    """

    x: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray

    @property
    def X(self) -> np.ndarray:
        """The feature matrix of shape (n, 1), as ``fit_linear`` expects."""
        return self.x[:, None]


@dataclass(frozen=True, eq=False)
class CurveData:
    """Noisy samples of the smooth curve :meth:`truth`.

    Attributes:
        x: array of shape (n,), sorted ascending.
        y: array of shape (n,): ``truth(x)`` plus Gaussian noise.
    """

    x: np.ndarray
    y: np.ndarray

    @staticmethod
    def truth(x: Any) -> np.ndarray:
        """The noiseless curve ``sin(pi x)`` (for drawing it on a fine grid)."""
        return np.sin(np.pi * np.asarray(x, dtype=np.float64))


@dataclass(frozen=True, eq=False)
class FeatureData:
    """Targets of a linear model of several features.

    Attributes:
        X: array of shape (n, d).
        y: array of shape (n,): ``X @ w + b`` plus Gaussian noise.
        true_params: array of shape (d + 1,), ``[w_1, ..., w_d, b]`` (weights first, as core's fits).
    """

    X: np.ndarray
    y: np.ndarray
    true_params: np.ndarray


@dataclass(frozen=True, eq=False)
class ClassData:
    """Labelled points for binary classification.

    Attributes:
        X: array of shape (n, n_features).
        y: float array of shape (n,) with values 0.0 / 1.0 (1 = positive class).
        feature_names: one name per column of ``X``.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]

    @property
    def base_rate(self) -> float:
        """Share of positives."""
        return float(self.y.mean())


# --------------------------------------------------------------------------- checks


def _interval(name: str, value: Any) -> tuple[float, float]:
    try:
        low, high = value
    except (TypeError, ValueError):
        raise fail(name, value, "a pair (low, high) of finite numbers with low < high") from None
    low = real(f"{name}[0]", low)
    high = real(f"{name}[1]", high)
    if not low < high:
        raise fail(name, value, "a pair (low, high) of finite numbers with low < high")
    return low, high


def _n_positives(n: int, base_rate: float) -> int:
    # Exactly round(base_rate * n), but never a class with no members.
    return min(max(round(base_rate * n), 1), n - 1)


def _labelled(rng: np.random.Generator, n: int, n_pos: int) -> tuple[np.ndarray, np.ndarray]:
    """A random order of n_pos ones and n - n_pos zeros, plus the positive mask."""
    y = np.zeros(n)
    y[:n_pos] = 1.0
    y = rng.permutation(y)
    return y, y == 1.0


# --------------------------------------------------------------------------- generators


def line_with_outliers(
    *,
    n: int = 40,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 1.0,
    n_outliers: int = 0,
    outlier_shift: float = 15.0,
    x_range: tuple[float, float] = (0, 10),
    seed: int = 0,
) -> LineData:
    """Points ``y = slope x + intercept + noise * N(0, 1)``, some shifted up as outliers.

    x is drawn uniformly in ``x_range`` and sorted. The outliers are the last
    ``n_outliers`` points in x order (the largest x, where they pull a fitted line most),
    shifted by ``+outlier_shift``. All random draws happen before outliers are chosen, so
    for a given seed the clean points never change with ``n_outliers``, and adding one more
    outlier keeps the earlier outliers as they were.

    Args:
        n: number of points, integer >= 2.
        slope, intercept: the true line (finite).
        noise: standard deviation of the Gaussian noise, >= 0.
        n_outliers: integer in [0, n].
        outlier_shift: added to each outlier's y (finite; negative shifts down).
        x_range: (low, high) with low < high.
        seed: seed of ``numpy.random.default_rng``.

    Returns:
        LineData with ``x`` (n,), ``y`` (n,), ``is_outlier`` (n,) bool.
    """
    n = integer("n", n, low=2)
    slope = real("slope", slope)
    intercept = real("intercept", intercept)
    noise = real("noise", noise, low=0.0)
    n_outliers = integer("n_outliers", n_outliers, low=0, high=n)
    outlier_shift = real("outlier_shift", outlier_shift)
    low, high = _interval("x_range", x_range)
    rng = np.random.default_rng(integer("seed", seed, low=0))

    x = np.sort(rng.uniform(low, high, size=n))
    y = slope * x + intercept + noise * rng.standard_normal(n)
    is_outlier = np.arange(n) >= n - n_outliers
    y[is_outlier] += outlier_shift
    return LineData(x=x, y=y, is_outlier=is_outlier)


def moment_matched(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Four points with the same means of x, y, x², xy and y² as the data ``(x, y)``.

    The MSE of a line, ``mean((w x + b - y)²) = w² E[x²] + 2wb E[x] + b² - 2w E[xy] - 2b E[y]
    + E[y²]``, depends on the data only through those five means; so do its gradient and
    Hessian. Full-batch gradient descent (any optimizer whose step uses only the gradient) thus
    takes exactly the same steps on these four points as on all n: with ``s`` the standard
    deviation of x, ``β = cov(x, y) / s²`` the least-squares slope and ``r`` the standard
    deviation of the residuals about that line, the points are::

        (x̄ ± s,  ȳ ± β s ± r)     (all four sign pairs)

    Mini-batch methods see more than the means, so this is for full-batch training only.

    Args:
        x, y: arrays (n,), finite, n >= 2, with x not constant.

    Returns:
        (x4, y4): arrays (4,).
    """
    x = array("x", x, ndim=1, min_size=2)
    y = array("y", y, ndim=1, min_size=2)
    if x.size != y.size:
        raise ValueError(f"x and y must have the same length; got {x.size} and {y.size}")
    mx, my = float(x.mean()), float(y.mean())
    dx, dy = x - mx, y - my
    var_x = float(np.mean(dx * dx))
    if not var_x > 0:
        raise fail("x", x, "values that are not all equal")
    beta = float(np.mean(dx * dy)) / var_x
    s = np.sqrt(var_x)
    r = np.sqrt(max(float(np.mean(dy * dy)) - beta * beta * var_x, 0.0))
    sx = np.array([1.0, 1.0, -1.0, -1.0])
    sr = np.array([1.0, -1.0, 1.0, -1.0])
    return mx + sx * s, my + sx * beta * s + sr * r


def polynomial_curve(
    *,
    n: int = 30,
    noise: float = 0.3,
    seed: int = 0,
    x_range: tuple[float, float] = (-1, 1),
) -> CurveData:
    """Noisy samples ``y = sin(pi x) + noise * N(0, 1)`` of a smooth curve.

    x is uniform in ``x_range`` and sorted. A low-degree polynomial underfits it, a
    high-degree one chases the noise: draw a validation set with another seed.

    Args:
        n: number of points, integer >= 2.
        noise: standard deviation of the noise, >= 0.
        seed: seed of ``numpy.random.default_rng``.
        x_range: (low, high) with low < high.

    Returns:
        CurveData with ``x`` (n,) and ``y`` (n,); ``CurveData.truth(x)`` is the clean curve.
    """
    n = integer("n", n, low=2)
    noise = real("noise", noise, low=0.0)
    low, high = _interval("x_range", x_range)
    rng = np.random.default_rng(integer("seed", seed, low=0))

    x = np.sort(rng.uniform(low, high, size=n))
    y = CurveData.truth(x) + noise * rng.standard_normal(n)
    return CurveData(x=x, y=y)


def polynomial_features(
    x: Any, degree: int, *, standardize: bool = True, reference: Any = None
) -> np.ndarray:
    """Columns ``x, x^2, ..., x^degree`` (no bias column), optionally standardized.

    Standardizing rescales each column to mean 0 and standard deviation 1 using the
    statistics of ``reference`` (default: ``x`` itself), so that training and validation
    features share one scaling: ``polynomial_features(x_val, d, reference=x_train)``.
    A constant column is centred but not divided (its standard deviation is taken as 1).

    Args:
        x: array of shape (n,), finite.
        degree: integer in [1, 50].
        standardize: whether to standardize.
        reference: array of shape (m,) whose powers give the mean and standard deviation;
            ignored when ``standardize`` is False.

    Returns:
        Array of shape (n, degree).

    Note: equals scikit-learn's ``PolynomialFeatures(degree, include_bias=False)`` followed
    by ``StandardScaler`` fitted on ``reference`` (population standard deviation, ddof=0).
    """
    xx = array("x", x, ndim=1)
    degree = integer("degree", degree, low=1, high=50)
    powers = np.arange(1, degree + 1)
    feats = xx[:, None] ** powers
    if not standardize:
        return feats
    ref = xx if reference is None else array("reference", reference, ndim=1)
    ref_feats = ref[:, None] ** powers
    mean = ref_feats.mean(axis=0)
    std = ref_feats.std(axis=0)
    std[std == 0.0] = 1.0
    return (feats - mean) / std


def two_classes(
    *,
    n: int = 500,
    base_rate: float = 0.5,
    separation: float = 2.0,
    n_features: int = 2,
    seed: int = 0,
) -> ClassData:
    """Two Gaussian classes with identity covariance whose means lie ``separation`` apart.

    The class means are ``-/+ separation / 2`` along the diagonal direction
    ``(1, ..., 1) / sqrt(n_features)``, so the midpoint is the origin. Exactly
    ``round(base_rate * n)`` points are positive (at least 1 and at most n - 1), in random
    order.

    Args:
        n: number of points, integer >= 2.
        base_rate: share of positives, in (0, 1).
        separation: distance between the class means, >= 0 (0: indistinguishable).
        n_features: integer in [1, 50].
        seed: seed of ``numpy.random.default_rng``.

    Returns:
        ClassData with ``X`` (n, n_features) and ``y`` (n,) of 0.0 / 1.0.
    """
    n = integer("n", n, low=2)
    base_rate = real("base_rate", base_rate, low=0.0, high=1.0, low_open=True, high_open=True)
    separation = real("separation", separation, low=0.0)
    d = integer("n_features", n_features, low=1, high=50)
    rng = np.random.default_rng(integer("seed", seed, low=0))

    y, pos = _labelled(rng, n, _n_positives(n, base_rate))
    direction = np.full(d, 1.0 / np.sqrt(d))
    X = rng.standard_normal((n, d)) + np.where(pos, 0.5, -0.5)[:, None] * separation * direction
    return ClassData(X=X, y=y, feature_names=tuple(f"x{j + 1}" for j in range(d)))


ALIKE_PARAMS = (2.0, 1.0, 3.0)  # alike_features' y = 2 x1 + 1 x2 + 3 (+ noise)


def alike_features(*, n: int = 50, noise: float = 0.5, gap: float | None = None, seed: int = 0) -> FeatureData:
    """Two standard-normal features and ``y = 2 x1 + x2 + 3 + noise * e``.

    ``gap`` sets how alike the features are: None draws ``x2`` independently; a number makes it
    ``x2 = x1 + gap * z`` with ``z`` standard normal, so ``gap = 0`` is an exact copy (the data
    then fix only ``w1 + w2 = 3``) and a small gap a near copy (the correlation of x1 and x2 is
    about ``1 / sqrt(1 + gap^2)``). The same seed gives the same x1, z and e whatever the gap,
    so only the likeness changes between two calls.

    Args:
        n: number of rows, integer >= 2.
        noise: standard deviation of the Gaussian noise on y, >= 0.
        gap: None, or the spread (>= 0) of x2 around x1.
        seed: seed of ``numpy.random.default_rng``.

    Returns:
        FeatureData with ``X`` (n, 2), ``y`` (n,) and ``true_params`` = [2, 1, 3].
    """
    n = integer("n", n, low=2)
    noise = real("noise", noise, low=0.0)
    gap = None if gap is None else real("gap", gap, low=0.0)
    rng = np.random.default_rng(integer("seed", seed, low=0))
    x1, z, e = rng.standard_normal((3, n))
    x2 = z if gap is None else x1 + gap * z
    X = np.column_stack([x1, x2])
    w1, w2, b = ALIKE_PARAMS
    return FeatureData(X=X, y=w1 * x1 + w2 * x2 + b + noise * e, true_params=np.array(ALIKE_PARAMS))


def two_moons(*, n: int = 100, noise: float = 0.1, seed: int = 0) -> ClassData:
    """Two interleaved half circles, a class each: data no straight line separates.

    Class 0 lies on the upper half of the unit circle centred at (0, 0), class 1 on the lower half
    of the one centred at (1, 0.5), at evenly spaced angles (n // 2 points for class 0, the rest
    for class 1), plus Gaussian noise of standard deviation ``noise``; as scikit-learn's
    ``make_moons`` but with numpy's generator (so not its numbers) and unshuffled.

    Args:
        n: number of points, integer >= 4.
        noise: standard deviation of the noise, >= 0.
        seed: seed of ``numpy.random.default_rng``.

    Returns:
        ClassData with ``X`` (n, 2) and ``y`` (n,) of 0.0 / 1.0.
    """
    n = integer("n", n, low=4)
    noise = real("noise", noise, low=0.0)
    rng = np.random.default_rng(integer("seed", seed, low=0))
    n0 = n // 2
    a0, a1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n - n0)
    X = np.vstack([np.column_stack([np.cos(a0), np.sin(a0)]),
                   np.column_stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)])])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    return ClassData(X=X, y=y, feature_names=("x1", "x2"))


def fraud_like(*, n: int = 2000, base_rate: float = 0.02, seed: int = 0) -> ClassData:
    """An imbalanced, overlapping two-feature set shaped like transaction-fraud scores.

    Features (standardized-looking scores): ``amount`` (log-amount) and ``velocity``
    (recent transaction count). Legitimate rows are N(0, 1) in both, mildly correlated
    (0.3). Fraud rows are shifted (+1.5 amount, +1.2 velocity) and more spread out (std
    1.3), so the classes overlap: a good threshold still trades missed fraud against false
    alarms. Exactly ``round(base_rate * n)`` frauds (at least 1 and at most n - 1).

    Args:
        n: number of rows, integer >= 2.
        base_rate: share of fraud, in (0, 1).
        seed: seed of ``numpy.random.default_rng``.

    Returns:
        ClassData with ``X`` (n, 2), ``y`` (n,) (1.0 = fraud),
        ``feature_names == ("amount", "velocity")``.
    """
    n = integer("n", n, low=2)
    base_rate = real("base_rate", base_rate, low=0.0, high=1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(integer("seed", seed, low=0))

    y, pos = _labelled(rng, n, _n_positives(n, base_rate))
    chol = np.linalg.cholesky(np.array([[1.0, 0.3], [0.3, 1.0]]))
    X = rng.standard_normal((n, 2)) @ chol.T
    X[pos] = X[pos] * 1.3 + np.array([1.5, 1.2])
    return ClassData(X=X, y=y, feature_names=("amount", "velocity"))


# --------------------------------------------------------------------------- a fixed data set


def hand_fit() -> LineData:
    """Seven points to fit a line to by hand: x = 1..7, y = 2.3, 2.9, 4.3, 4.8, 7.0, 6.4, 9.1.

    Made for the lesson's "fit the line yourself", whose line starts at slope 0.5 and
    intercept 3 with a total squared error of 11.9 (its points are not given): these points
    give exactly that, and least squares gives slope 1.075, intercept 0.9571, total 2.18.
    """
    x = np.arange(1.0, 8.0)
    y = np.array([2.3, 2.9, 4.3, 4.8, 7.0, 6.4, 9.1])
    return LineData(x=x, y=y, is_outlier=np.zeros(7, dtype=bool))
