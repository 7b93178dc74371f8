"""core.penalized: hand rows, scikit-learn's Lasso/ElasticNet/Ridge as oracles, KKT certificates
on ill-conditioned polynomial features, exact zeros, paths, and the two-weight contours."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso

from core import penalties
from core.closed_form import normal_equation
from core.datasets import polynomial_curve, polynomial_features
from core.penalized import (
    mse_contour,
    optimality_gap,
    penalized_fit,
    penalized_path,
    penalty_contour,
    soft_threshold,
)
from core.training import objective


def _objective(X, y, params, l1, l2, fit_intercept=True):
    """J = mean squared error + l1 |w|_1 + l2 |w|^2, written out by hand."""
    X = np.asarray(X, float).reshape(len(y), -1)
    d = X.shape[1]
    w = params[:d]
    b = params[d] if fit_intercept else 0.0
    return np.mean((X @ w + b - y) ** 2) + l1 * np.abs(w).sum() + l2 * (w**2).sum()


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 6)) + [0.0, 1.0, -2.0, 0.5, 0.0, 3.0]
    y = X @ [2.0, -1.0, 0.0, 0.5, 0.0, 0.1] + 1.0 + 0.5 * rng.normal(size=50)
    return X, y


@pytest.fixture
def poly():
    """Degree-15 standardized polynomial features: condition number about 1e11."""
    curve = polynomial_curve(n=30, noise=0.3, seed=0)
    return polynomial_features(curve.x, 15), curve.y


def _sklearn(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


# ------------------------------------------------------------------ soft-thresholding
@pytest.mark.parametrize(
    "z, t, expected",
    [
        ([3.0, -3.0, 0.5, -0.5, 1.0, 0.0], 1.0, [2.0, -2.0, 0.0, 0.0, 0.0, 0.0]),
        ([2.0, -2.0], [0.5, 3.0], [1.5, 0.0]),
        (0.25, 0.0, 0.25),
    ],
)
def test_soft_threshold_rows(z, t, expected):
    out = soft_threshold(z, t)
    np.testing.assert_array_equal(out, expected)
    assert np.all(out[np.abs(np.asarray(z)) <= t] == 0.0) if np.ndim(z) else True


def test_soft_threshold_minimizes_the_one_coordinate_problem():
    grid = np.linspace(-4, 4, 80_001)  # step 1e-4
    for z in (-2.3, -0.4, 0.0, 0.7, 3.1):
        brute = grid[np.argmin(0.5 * (grid - z) ** 2 + 0.8 * np.abs(grid))]
        assert float(soft_threshold(z, 0.8)) == pytest.approx(brute, abs=1e-4)


def test_soft_threshold_rejects_negative_threshold():
    with pytest.raises(ValueError, match="t must be thresholds >= 0"):
        soft_threshold([1.0], -0.1)


# ------------------------------------------------------------------ hand rows
@pytest.mark.parametrize(
    "X, y, l1, l2, fit_intercept, expected",
    [
        # one feature, xc = [-1, 1], mean(xc^2) = 1, c = mean(xc yc) = 1: w = S(1, l1/2) / (1 + l2)
        ([-1, 1], [-1, 1], 0.5, 0.0, True, [0.75, 0.0]),
        ([-1, 1], [-1, 1], 2.0, 0.0, True, [0.0, 0.0]),  # threshold 1 = c: exactly 0
        ([-1, 1], [-1, 1], 0.5, 0.5, True, [0.5, 0.0]),  # 0.75 / 1.5
        ([-1, 1], [1, 5], 1.0, 0.0, True, [1.5, 3.0]),  # c = 2 -> 1.5, b = mean(y)
        ([-1, 1], [-1, 1], 3.0, 0.0, True, [0.0, 0.0]),
        # no intercept: x = [1, 2], x.x/n = 2.5, x.y/n = 4; w = (4 - l1/2) / (2.5 + l2)
        ([1, 2], [2, 3], 1.0, 0.0, False, [3.5 / 2.5]),
        ([1, 2], [2, 3], 1.0, 0.5, False, [3.5 / 3.0]),
        # two orthonormal columns (Xc^T Xc / n = I): each weight soft-thresholded on its own
        ([[1, 1], [1, -1], [-1, 1], [-1, -1]], [3, 1, -1, -3], 1.0, 0.0, True, [1.5, 0.5, 0.0]),
        ([[1, 1], [1, -1], [-1, 1], [-1, -1]], [3, 1, -1, -3], 2.0, 0.0, True, [1.0, 0.0, 0.0]),
        ([[1, 1], [1, -1], [-1, 1], [-1, -1]], [3, 1, -1, -3], 1.0, 1.0, True, [0.75, 0.25, 0.0]),
    ],
)
def test_hand_rows(X, y, l1, l2, fit_intercept, expected):
    params = penalized_fit(X, y, l1=l1, l2=l2, fit_intercept=fit_intercept)
    np.testing.assert_allclose(params, expected, rtol=0, atol=1e-14)
    assert optimality_gap(X, y, params, l1=l1, l2=l2, fit_intercept=fit_intercept) < 1e-14


def test_orthonormal_design_is_soft_thresholded_least_squares():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(40, 5)) - 0.0)
    Xc = Q - Q.mean(axis=0)
    Q, _ = np.linalg.qr(Xc)
    X = Q * np.sqrt(40)  # centred, X^T X / n = I
    y = X @ [1.0, -0.3, 0.05, 2.0, 0.0] + 0.1 * rng.normal(size=40)
    w_ls = normal_equation(X, y)[:5]
    for l1, l2 in [(0.2, 0.0), (0.7, 0.3), (5.0, 1.0)]:
        params = penalized_fit(X, y, l1=l1, l2=l2)
        np.testing.assert_allclose(params[:5], soft_threshold(w_ls, l1 / 2) / (1 + l2), atol=1e-13)


# ------------------------------------------------------------------ scikit-learn oracles
@pytest.mark.parametrize("l1", [1e-3, 0.05, 0.3, 1.0, 3.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn_lasso_with_alpha_l1_over_2(data, l1, fit_intercept):
    X, y = data
    ref = _sklearn(Lasso(alpha=l1 / 2, fit_intercept=fit_intercept, tol=1e-14, max_iter=200_000), X, y)
    params = penalized_fit(X, y, l1=l1, fit_intercept=fit_intercept)
    np.testing.assert_allclose(params[:6], ref.coef_, atol=1e-9)
    # Exact zeros agree with coordinate descent's exact zeros.
    np.testing.assert_array_equal(params[:6] == 0.0, ref.coef_ == 0.0)
    if fit_intercept:
        assert params[6] == pytest.approx(ref.intercept_, abs=1e-9)


@pytest.mark.parametrize("lam", [1e-3, 0.1, 1.0])
@pytest.mark.parametrize("ratio", [0.1, 0.5, 0.9])
def test_matches_sklearn_elastic_net_with_the_documented_mapping(data, lam, ratio):
    X, y = data
    pen = penalties.get("elastic_net", lam, ratio)
    # core/penalties.py: alpha = lam (1 - l1_ratio / 2), rho = l1_ratio / (2 - l1_ratio)
    ref = _sklearn(ElasticNet(alpha=lam * (1 - ratio / 2), l1_ratio=ratio / (2 - ratio), tol=1e-14,
                              max_iter=200_000), X, y)
    params = penalized_fit(X, y, l1=pen.l1, l2=pen.l2)
    np.testing.assert_allclose(params[:6], ref.coef_, atol=1e-9)
    assert params[6] == pytest.approx(ref.intercept_, abs=1e-9)
    np.testing.assert_array_equal(params[:6] == 0.0, ref.coef_ == 0.0)


@pytest.mark.parametrize("l2", [0.0, 1e-3, 0.5])
def test_without_l1_it_is_the_normal_equation(data, l2):
    X, y = data
    np.testing.assert_array_equal(penalized_fit(X, y, l2=l2), normal_equation(X, y, l2=l2))


def test_minimizes_the_training_objective_of_core(data):
    X, y = data
    for name, lam, ratio in [("l1", 0.2, 0.5), ("elastic_net", 0.4, 0.3), ("l2", 0.1, 0.5)]:
        pen = penalties.get(name, lam, ratio)
        params = penalized_fit(X, y, l1=pen.l1, l2=pen.l2)
        best = objective(params, X, y, penalty=pen)
        assert best == pytest.approx(_objective(X, y, params, pen.l1, pen.l2), rel=1e-14)
        rng = np.random.default_rng(1)
        nearby = params + 1e-4 * rng.normal(size=(200, params.size))
        assert np.all(objective(nearby, X, y, penalty=pen) > best)


# ------------------------------------------------------------------ ill-conditioned designs
def test_exact_on_degree_15_polynomial_features(poly):
    """Coordinate descent stalls here (cond ~1e11); the active-set solution satisfies KKT."""
    X, y = poly
    lams = np.geomspace(1e-5, 10, 31)
    for name in ("l1", "elastic_net"):
        pens = [penalties.get(name, lam, 0.5) for lam in lams]
        path = penalized_path(X, y, l1=[p.l1 for p in pens], l2=[p.l2 for p in pens])
        for pen, params in zip(pens, path):
            assert optimality_gap(X, y, params, l1=pen.l1, l2=pen.l2) < 1e-11
            # At least as good as scikit-learn after its default iteration budget.
            ref = _sklearn(Lasso(alpha=pen.l1 / 2) if name == "l1" else
                           ElasticNet(alpha=pen.lam * 0.75, l1_ratio=1 / 3), X, y)
            ref_params = np.append(ref.coef_, ref.intercept_)
            assert _objective(X, y, params, pen.l1, pen.l2) <= _objective(X, y, ref_params, pen.l1, pen.l2) + 1e-13


@pytest.mark.parametrize("n, degree, seed", [(10, 12, 0), (20, 12, 4), (20, 15, 4), (8, 15, 1)])
def test_paths_on_hard_polynomial_designs_satisfy_kkt(n, degree, seed):
    """Condition numbers up to ~1e12, coefficients in the thousands, and n < d (singular X^T X)."""
    curve = polynomial_curve(n=n, noise=0.3, seed=seed)
    X = polynomial_features(curve.x, degree)
    lams = np.geomspace(1e-8, 10, 46)
    for name, ratio in (("l1", 1.0), ("elastic_net", 0.3)):
        pens = [penalties.get(name, lam, ratio) for lam in lams]
        path = penalized_path(X, curve.y, l1=[p.l1 for p in pens], l2=[p.l2 for p in pens])
        for pen, params in zip(pens, path):
            gap = optimality_gap(X, curve.y, params, l1=pen.l1, l2=pen.l2)
            assert gap < 1e-10 * (1 + np.abs(params).max()), (name, pen.lam)


def test_zero_count_grows_to_all_zero_above_lambda_max(poly):
    X, y = poly
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    lam_max = 2 * np.abs(Xc.T @ yc / len(y)).max()  # KKT at w = 0: |grad_j| <= l1
    at_max = penalized_fit(X, y, l1=lam_max * (1 + 1e-12))
    np.testing.assert_array_equal(at_max[:15], np.zeros(15))
    assert at_max[15] == pytest.approx(y.mean(), abs=1e-15)
    below = penalized_fit(X, y, l1=lam_max * 0.99)
    assert np.count_nonzero(below[:15]) == 1


def test_rank_deficient_designs_give_a_minimizer(data):
    X, y = data
    doubled = np.hstack([X, X[:, :1]])  # a duplicated column
    params = penalized_fit(doubled, y, l1=0.1)
    assert optimality_gap(doubled, y, params, l1=0.1) < 1e-12
    single = penalized_fit(X, y, l1=0.1)
    # The objective value is unique: the duplicate shares the weight of its twin.
    assert _objective(doubled, y, params, 0.1, 0) == pytest.approx(_objective(X, y, single, 0.1, 0), rel=1e-12)
    few = penalized_fit(X[:4], y[:4], l1=0.01)  # fewer samples than weights
    assert optimality_gap(X[:4], y[:4], few, l1=0.01) < 1e-12
    assert np.count_nonzero(few[:6]) <= 3  # at most n - 1 non-zero weights after centring


# ------------------------------------------------------------------ paths
def test_path_equals_separate_fits_in_the_given_order(poly):
    X, y = poly
    l1 = np.array([0.01, 3.0, 1e-4, 0.2, 0.0])  # not sorted, includes plain least squares
    l2 = np.array([0.0, 0.1, 1e-5, 0.0, 1e-3])
    path = penalized_path(X, y, l1=l1, l2=l2)
    assert path.shape == (5, 16)
    for k in range(5):
        np.testing.assert_allclose(path[k], penalized_fit(X, y, l1=l1[k], l2=l2[k]), atol=1e-9)
        assert optimality_gap(X, y, path[k], l1=l1[k], l2=l2[k]) < 1e-11


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_path_without_l1_is_the_normal_equation_bit_for_bit(poly, data, fit_intercept):
    """The ridge rows of a path share one SVD and still equal normal_equation to the last bit."""
    l2 = np.geomspace(10.0, 1e-8, 46)
    doubled = np.column_stack([data[0], data[0][:, 0]])  # rank-deficient: the minimum-norm solution
    for X, y in (poly, data, (doubled, data[1])):
        path = penalized_path(X, y, l1=np.zeros_like(l2), l2=l2, fit_intercept=fit_intercept)
        for k in range(l2.size):
            np.testing.assert_array_equal(path[k], normal_equation(X, y, l2=l2[k], fit_intercept=fit_intercept))


@pytest.mark.parametrize("l2", [0.0, 1e-3])
def test_path_reuses_decompositions_without_changing_a_bit(poly, data, l2):
    """A path keeps H_AA's eigendecompositions while H stays the same; each row is still exactly
    the warm-started solve on its own, decomposing afresh."""
    from core import penalized

    lams = np.geomspace(10.0, 1e-8, 46)
    for X, y in (poly, data):
        path = penalized_path(X, y, l1=lams, l2=l2)
        moments = penalized._moments(X, y, True)
        w = np.zeros(X.shape[1])
        for k in range(lams.size):
            alone = penalized._solve(X, y, float(lams[k]), l2, True, moments, w)
            np.testing.assert_array_equal(path[k], alone)
            w = alone[:-1]


def test_path_broadcasts_a_scalar_l2_and_checks_lengths(data):
    X, y = data
    path = penalized_path(X, y, l1=[0.1, 0.2], l2=0.3)
    np.testing.assert_allclose(path[1], penalized_fit(X, y, l1=0.2, l2=0.3), atol=1e-12)
    assert penalized_path(X, y, l1=0.5).shape == (1, 7)
    with pytest.raises(ValueError, match="same length"):
        penalized_path(X, y, l1=[0.1, 0.2], l2=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="l1 must be coefficients >= 0"):
        penalized_path(X, y, l1=[0.1, -0.2])


# ------------------------------------------------------------------ optimality gap and errors
def test_optimality_gap_by_hand():
    # X = [-1, 1], y = [-1, 1]; at w = 0, b = 0: data gradient 2 X^T r / n = -2; |g| - l1 = 1.5
    assert optimality_gap([-1, 1], [-1, 1], [0.0, 0.0], l1=0.5) == pytest.approx(1.5)
    # at w = 1, b = 0.5 (exact fit shifted): g = 0, intercept gradient 2 mean(r) = 1, weight gap l1
    assert optimality_gap([-1, 1], [-1, 1], [1.0, 0.5], l1=0.25) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="params must have shape"):
        optimality_gap([-1, 1], [-1, 1], [0.0], l1=0.5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"l1": -1.0}, "l1 must be a finite number >= 0"),
        ({"l2": float("nan")}, "l2 must be a finite real number"),
        ({"fit_intercept": 1}, "fit_intercept must be True or False"),
    ],
)
def test_bad_arguments(data, kwargs, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        penalized_fit(X, y, **kwargs)
    with pytest.raises(ValueError, match="same number of samples"):
        penalized_fit(X, y[:-1], l1=0.1)


# ------------------------------------------------------------------ contours of two weights
def test_mse_contour_points_have_the_requested_mse(data):
    X, y = data
    X2 = X[:, :2]
    w_star = normal_equation(X2, y)
    floor = np.mean((X2 @ w_star[:2] + w_star[2] - y) ** 2)
    levels = [floor * 0.5, floor, floor + 0.1, floor + 4.0]
    curves = mse_contour(X2, y, levels, num=101)
    assert curves.shape == (4, 101, 2)
    assert np.all(np.isnan(curves[0]))
    np.testing.assert_allclose(curves[1], np.broadcast_to(w_star[:2], (101, 2)), atol=1e-12)
    for level, curve in zip(levels[2:], curves[2:]):
        b = y.mean() - X2.mean(axis=0) @ curve.T  # the best intercept for each w
        mse = np.mean((curve @ X2.T + b[:, None] - y) ** 2, axis=1)
        np.testing.assert_allclose(mse, level, rtol=1e-12)
        np.testing.assert_array_equal(curve[0], curve[-1])
    with pytest.raises(ValueError, match="exactly 2 columns"):
        mse_contour(X, y, [1.0])
    with pytest.raises(ValueError, match="collinear"):
        mse_contour(np.column_stack([X[:, 0], 2 * X[:, 0]]), y, [1.0])


@pytest.mark.parametrize("name, ratio", [("l1", 0.5), ("l2", 0.5), ("elastic_net", 0.3), ("elastic_net", 0.9)])
def test_penalty_contour_is_the_level_set(name, ratio):
    pen = penalties.get(name, 0.7, ratio)
    curve = penalty_contour(pen, 2.0, num=202)
    assert curve.shape == (201, 2)  # rounded down to 4 k + 1
    np.testing.assert_allclose(pen.value(curve), 2.0, rtol=1e-13)
    # Points on the axes are included (the diamond's corners), at exact zeros.
    on_axis = curve[(curve == 0.0).any(axis=1)]
    assert len(on_axis) == 5  # (r, 0), (0, r), (-r, 0), (0, -r), (r, 0) again
    if name == "l1":
        assert curve[0, 0] == pytest.approx(2.0 / 0.7)  # |w1| = level / lam
    if name == "l2":
        np.testing.assert_allclose(np.hypot(*curve.T), np.sqrt(2.0 / 0.7))
    np.testing.assert_array_equal(penalty_contour(pen, 0.0, num=9), np.zeros((9, 2)))
    np.testing.assert_allclose(pen.value(penalty_contour(pen, 1e-20, num=9)), 1e-20, rtol=1e-13)


def test_penalty_contour_needs_a_penalty_with_a_shape():
    with pytest.raises(ValueError, match="penalty must be"):
        penalty_contour(penalties.get("none"), 1.0)
    with pytest.raises(ValueError, match="penalty must be"):
        penalty_contour("l1", 1.0)
    with pytest.raises(ValueError, match="level must be"):
        penalty_contour(penalties.get("l1", 1.0), -1.0)
