"""Exact fits: hand-computed rows, scikit-learn as oracle, brute force for the LP."""

from itertools import combinations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, QuantileRegressor, Ridge

from core import closed_form
from core.closed_form import diagnose, normal_equation, quantile_fit


def _augment(X, fit_intercept):
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    return np.hstack([X, np.ones((len(X), 1))]) if fit_intercept else X


def _mse_objective(X, y, params, l2, fit_intercept):
    Xa = _augment(X, fit_intercept)
    w = params[:-1] if fit_intercept else params
    return np.mean((Xa @ params - y) ** 2) + l2 * np.sum(w**2)


def _pinball(X, y, params, q, fit_intercept):
    r = y - _augment(X, fit_intercept) @ params
    return np.mean(np.maximum(q * r, (q - 1) * r))


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) + [0.0, 2.0, -1.0]
    y = X @ [1.5, -2.0, 0.5] + 3.0 + rng.standard_t(3, size=40)
    return X, y


# ------------------------------------------------------------------- normal equation
@pytest.mark.parametrize(
    "X, y, l2, fit_intercept, expected",
    [
        # (0,1), (1,3), (2,5) lie on y = 2x + 1.
        ([0, 1, 2], [1, 3, 5], 0.0, True, [2.0, 1.0]),
        # xc = [-1.5, -.5, .5, 1.5]: slope = sum(xc yc) / sum(xc^2) = 3 / 5, b = 1.5 - .9
        ([0, 1, 2, 3], [1, 0, 3, 2], 0.0, True, [0.6, 0.6]),
        # ridge: (sum(xc^2)/n + l2) w = sum(xc yc)/n -> (2/3 + 1) w = 4/3, b = 3 - w
        ([0, 1, 2], [1, 3, 5], 1.0, True, [0.8, 2.2]),
        # through the origin: w = x.y / x.x = 8 / 5
        ([1, 2], [2, 3], 0.0, False, [1.6]),
        # (x.x/n + l2) w = x.y/n -> (2.5 + 0.5) w = 4
        ([1, 2], [2, 3], 0.5, False, [4.0 / 3.0]),
        # two features, exact fit y = x1 + 2 x2
        ([[1, 0], [0, 1], [1, 1]], [1, 2, 3], 0.0, False, [1.0, 2.0]),
        # one point: the line is not determined; minimum norm keeps w = 0, b = y
        ([[4.0]], [7.0], 0.0, True, [0.0, 7.0]),
    ],
)
def test_normal_equation_hand_rows(X, y, l2, fit_intercept, expected):
    params = normal_equation(X, y, l2=l2, fit_intercept=fit_intercept)
    assert params.shape == (len(expected),)
    np.testing.assert_allclose(params, expected, rtol=0, atol=1e-12)


def test_one_dimensional_x_is_one_feature(data):
    X, y = data
    np.testing.assert_array_equal(normal_equation(X[:, 1], y), normal_equation(X[:, [1]], y))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_linear_regression(data, fit_intercept):
    X, y = data
    ref = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    params = normal_equation(X, y, fit_intercept=fit_intercept)
    np.testing.assert_allclose(params[:3], ref.coef_, rtol=1e-10)
    if fit_intercept:
        assert params[3] == pytest.approx(ref.intercept_, rel=1e-10)


@pytest.mark.parametrize("l2", [1e-4, 0.01, 0.3, 1.0, 25.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_ridge_with_alpha_n_l2(data, l2, fit_intercept):
    X, y = data
    ref = Ridge(alpha=len(y) * l2, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    params = normal_equation(X, y, l2=l2, fit_intercept=fit_intercept)
    np.testing.assert_allclose(params[:3], ref.coef_, rtol=1e-9, atol=1e-12)
    if fit_intercept:
        assert params[3] == pytest.approx(ref.intercept_, rel=1e-9)


@pytest.mark.parametrize("l2", [0.0, 0.2])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gradient_vanishes_at_solution(data, l2, fit_intercept):
    X, y = data
    params = normal_equation(X, y, l2=l2, fit_intercept=fit_intercept)
    Xa = _augment(X, fit_intercept)
    mask = np.r_[np.ones(3), np.zeros(int(fit_intercept))]
    grad = 2 / len(y) * Xa.T @ (Xa @ params - y) + 2 * l2 * mask * params
    np.testing.assert_allclose(grad, 0.0, atol=1e-11)
    # and any small move raises the objective
    rng = np.random.default_rng(1)
    best = _mse_objective(X, y, params, l2, fit_intercept)
    for step in rng.normal(scale=1e-3, size=(5, params.size)):
        assert _mse_objective(X, y, params + step, l2, fit_intercept) > best


def test_large_offset_keeps_digits():
    x = 1e6 + np.arange(10.0)
    y = 3.0 * x + 5.0
    params = normal_equation(x, y)
    assert params[0] == pytest.approx(3.0, rel=1e-12)
    assert params[1] == pytest.approx(5.0, abs=1e-6)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_duplicated_column_gives_pinv_minimum_norm(data, fit_intercept):
    X, y = data
    Xd = np.hstack([X, X[:, [0]]])  # column 0 twice
    params = normal_equation(Xd, y, fit_intercept=fit_intercept)
    reference = np.linalg.pinv(_augment(Xd, fit_intercept)) @ y
    np.testing.assert_allclose(params, reference, rtol=1e-9, atol=1e-12)
    # the duplicated pair shares the weight of the single column equally
    single = normal_equation(X, y, fit_intercept=fit_intercept)
    assert params[0] == pytest.approx(single[0] / 2, rel=1e-9)
    assert params[3] == pytest.approx(single[0] / 2, rel=1e-9)
    d = diagnose(Xd, fit_intercept=fit_intercept)
    assert d.rank_deficient and not d.unique
    assert d.rank == 3 + int(fit_intercept)
    assert d.n_params == 4 + int(fit_intercept)
    assert d.cond_design == np.inf and d.cond_hessian == np.inf
    # ridge makes it unique and finite-conditioned
    d = diagnose(Xd, l2=0.1, fit_intercept=fit_intercept)
    assert d.rank_deficient and d.unique and np.isfinite(d.cond_hessian)


def test_constant_column_leaves_the_intercept_to_the_intercept(data):
    X, y = data
    Xc = np.hstack([X[:, [0]], np.full((len(y), 1), 5.0)])
    params = normal_equation(Xc, y)
    single = normal_equation(X[:, 0], y)
    np.testing.assert_allclose(params, [single[0], 0.0, single[1]], atol=1e-10)
    assert diagnose(Xc).rank == 2


def test_more_features_than_samples_is_minimum_norm():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(3, 5)), rng.normal(size=3)
    params = normal_equation(X, y, fit_intercept=False)
    np.testing.assert_allclose(params, np.linalg.pinv(X) @ y, rtol=1e-10)
    np.testing.assert_allclose(X @ params, y, atol=1e-12)  # interpolates
    d = diagnose(X, fit_intercept=False)
    assert (d.rank, d.n_params, d.rank_deficient) == (3, 5, True)


@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_diagnose_condition_numbers(data, l2):
    X, _ = data
    d = diagnose(X, l2=l2)
    assert (d.n_samples, d.n_params, d.rank, d.rank_deficient, d.unique) == (40, 4, 4, False, True)
    Xc = X - X.mean(axis=0)
    assert d.cond_design == pytest.approx(np.linalg.cond(Xc), rel=1e-10)
    eig = np.linalg.eigvalsh(2 * (Xc.T @ Xc / 40 + l2 * np.eye(3)))
    assert d.cond_hessian == pytest.approx(eig[-1] / eig[0], rel=1e-9)
    if l2 == 0:
        assert d.cond_hessian == pytest.approx(d.cond_design**2, rel=1e-10)


def test_diagnose_without_intercept_uses_raw_design(data):
    X, _ = data
    d = diagnose(X, fit_intercept=False)
    assert d.cond_design == pytest.approx(np.linalg.cond(X), rel=1e-10)
    assert (d.rank, d.n_params) == (3, 3)


# ------------------------------------------------------------------------ quantile fit
@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_quantile_fit_matches_sklearn(data, q, fit_intercept):
    X, y = data
    ref = QuantileRegressor(quantile=q, alpha=0.0, solver="highs", fit_intercept=fit_intercept)
    ref.fit(X, y)
    ref_params = np.r_[ref.coef_, ref.intercept_] if fit_intercept else ref.coef_
    params = quantile_fit(X, y, q=q, fit_intercept=fit_intercept)
    assert params.shape == ref_params.shape
    ours = _pinball(X, y, params, q, fit_intercept)
    theirs = _pinball(X, y, ref_params, q, fit_intercept)
    assert ours == pytest.approx(theirs, rel=1e-9)
    # continuous data: the optimal vertex is unique, so the parameters agree too
    np.testing.assert_allclose(params, ref_params, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.75, 0.9])
def test_quantile_fit_is_the_best_line_through_two_points(q):
    # A one-feature LP optimum is a line through two data points: brute force them all.
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, size=14)
    y = 0.5 * x + rng.exponential(2.0, size=14)
    brute = min(
        _pinball(x, y, np.array([s, y[i] - s * x[i]]), q, True)
        for i, j in combinations(range(14), 2)
        for s in [(y[j] - y[i]) / (x[j] - x[i])]
    )
    params = quantile_fit(x, y, q=q)
    assert _pinball(x, y, params, q, True) == pytest.approx(brute, rel=1e-9)


def test_mae_fit_ignores_one_huge_outlier_while_mse_moves():
    x = np.arange(10.0)
    y = 2 * x + 1
    y[5] = 1000.0  # was 11
    np.testing.assert_allclose(quantile_fit(x, y, q=0.5), [2.0, 1.0], atol=1e-9)
    mse = normal_equation(x, y)
    # OLS shift by the 989 error at x = 5: slope += 0.5 * 989 / 82.5, b += 98.9 - 4.5 * that
    np.testing.assert_allclose(mse, [2 + 0.5 * 989 / 82.5, 1 + 98.9 - 4.5 * 0.5 * 989 / 82.5])


def test_intercept_only_quantile_is_the_sample_quantile():
    y = np.array([3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.0, 3.5, 8.0, 7.0])
    X = np.zeros((10, 1))
    for q in (0.15, 0.5, 0.85):
        params = quantile_fit(X, y, q=q)
        best = min(_pinball(X, y, np.array([0.0, c]), q, True) for c in y)
        assert _pinball(X, y, params, q, True) == pytest.approx(best, rel=1e-12)
        # q n is not an integer: the minimizer is the ceil(q n)-th order statistic
        assert params[1] == pytest.approx(np.sort(y)[int(np.ceil(q * 10)) - 1])


# ------------------------------------------------------------------------- bad input
GOOD_X, GOOD_Y = np.arange(4.0).reshape(4, 1), np.arange(4.0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"X": [[np.nan], [1], [2], [3]]}, "X"),
        ({"y": [0, 1, np.inf, 3]}, "y"),
        ({"y": [0, 1, 2]}, "X and y"),
        ({"X": np.zeros((0, 1)), "y": np.zeros(0)}, "X"),
        ({"y": np.zeros((4, 1))}, "y"),
        ({"X": np.zeros((4, 1, 1))}, "X"),
        ({"X": [["a"], ["b"], ["c"], ["d"]]}, "X"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
    ],
)
@pytest.mark.parametrize("func", [normal_equation, quantile_fit])
def test_bad_data_raises(func, kwargs, name):
    args = {"X": GOOD_X, "y": GOOD_Y, **kwargs}
    with pytest.raises(ValueError, match=f"^{name} "):
        func(args.pop("X"), args.pop("y"), **args)


@pytest.mark.parametrize("q", [0.0, 1.0, -0.1, 1.5, np.nan, "half", None])
def test_bad_q_raises(q):
    with pytest.raises(ValueError, match="^q must be"):
        quantile_fit(GOOD_X, GOOD_Y, q=q)


@pytest.mark.parametrize("l2", [-1e-9, np.inf, np.nan])
def test_bad_l2_raises(l2):
    with pytest.raises(ValueError, match="^l2 must be"):
        normal_equation(GOOD_X, GOOD_Y, l2=l2)
    with pytest.raises(ValueError, match="^l2 must be"):
        diagnose(GOOD_X, l2=l2)


def test_quantile_fit_rank_deficient_and_offset_data():
    # A duplicated column and a 1e6 offset: the optimum is the one-column optimum.
    rng = np.random.default_rng(11)
    x = rng.normal(size=60)
    y = 1e6 + 2 * x + rng.normal(size=60)
    single = quantile_fit(x, y, q=0.3)
    double = quantile_fit(np.c_[x, x], y, q=0.3)
    assert double.shape == (3,)
    assert _pinball(np.c_[x, x], y, double, 0.3, True) == pytest.approx(
        _pinball(x, y, single, 0.3, True), rel=1e-9
    )
    assert double[0] + double[1] == pytest.approx(single[0], rel=1e-8)


def test_quantile_fit_above_the_interior_point_threshold_reaches_the_simplex_minimum():
    """Past IPM_FROM points HiGHS' interior-point method runs: the same minimum as its simplex."""
    import scipy.optimize

    rng = np.random.default_rng(11)
    n = closed_form.IPM_FROM + 5_000
    x = rng.uniform(0, 50, n)
    y = 2.5 * x + 3 + rng.laplace(0, 4, n)
    y[:300] += 150  # outliers the absolute loss should shrug off
    fast = closed_form.quantile_fit(x[:, None], y, q=0.5)
    design = np.column_stack([x, np.ones(n)])
    simplex = scipy.optimize.linprog(-y, A_eq=design.T, b_eq=np.zeros(2), bounds=[(-0.5, 0.5)] * n, method="highs-ds")
    reference = -simplex.eqlin.marginals

    def mean_abs(p):
        return np.mean(np.abs(y - design @ p))

    assert mean_abs(fast) == pytest.approx(mean_abs(reference), rel=1e-9)
    np.testing.assert_allclose(fast, reference, rtol=1e-6)
    assert abs(fast[0] - 2.5) < 0.05


# ------------------------------------------------------------- the textbook route, the matrix-free descent
def test_normal_matrices_by_hand():
    """X = [1, 2, 3], y = [2, 4, 7]: XᵀX = [[14, 6], [6, 3]], Xᵀy = [31, 13]; with l2 = 1 the weight gets n l2 = 3."""
    A, c = closed_form.normal_matrices([1.0, 2.0, 3.0], [2.0, 4.0, 7.0])
    np.testing.assert_array_equal(A, [[14.0, 6.0], [6.0, 3.0]])
    np.testing.assert_array_equal(c, [31.0, 13.0])
    ridge, _ = closed_form.normal_matrices([1.0, 2.0, 3.0], [2.0, 4.0, 7.0], l2=1.0)
    np.testing.assert_array_equal(ridge, [[17.0, 6.0], [6.0, 3.0]])
    # Solved: w = 2.5, b = -2/3 (by hand: 14w + 6b = 31, 6w + 3b = 13).
    np.testing.assert_allclose(closed_form.solve_normal_matrices([1.0, 2.0, 3.0], [2.0, 4.0, 7.0]), [2.5, -2 / 3],
                               rtol=1e-12)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_the_textbook_solve_agrees_with_the_svd_and_numpy(data, l2):
    X, y = data
    A, c = closed_form.normal_matrices(X, y, l2=l2)
    Xa = _augment(X, True)
    np.testing.assert_allclose(A, Xa.T @ Xa + len(y) * l2 * np.diag([1.0, 1.0, 1.0, 0.0]), rtol=1e-12)
    np.testing.assert_allclose(c, Xa.T @ y, rtol=1e-12)
    np.testing.assert_allclose(closed_form.solve_normal_matrices(X, y, l2=l2), normal_equation(X, y, l2=l2),
                               rtol=1e-9)


def test_the_textbook_solve_raises_on_an_exactly_singular_matrix():
    X = np.column_stack([np.zeros(5), np.arange(5.0)])
    with pytest.raises(np.linalg.LinAlgError):
        closed_form.solve_normal_matrices(X, np.arange(5.0), fit_intercept=False)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matrix_free_descent_equals_a_loop_and_reaches_the_closed_form(data, fit_intercept):
    """Written from torch.optim.SGD's rule θ ← θ − η ∇J with ∇J = (2/n) Xaᵀ(Xa θ − y)."""
    X, y = data
    Xa = _augment(X, fit_intercept)
    theta = np.zeros(Xa.shape[1])
    for _ in range(50):
        theta = theta - 0.05 * (2 / len(y)) * Xa.T @ (Xa @ theta - y)
    np.testing.assert_allclose(closed_form.gradient_descent(X, y, lr=0.05, steps=50, fit_intercept=fit_intercept),
                               theta, rtol=1e-12, atol=1e-12)
    far = closed_form.gradient_descent(X, y, lr=0.05, steps=5000, fit_intercept=fit_intercept)
    np.testing.assert_allclose(far, normal_equation(X, y, fit_intercept=fit_intercept), atol=1e-9)


@pytest.mark.parametrize(("kwargs", "name"), [({"lr": 0.0, "steps": 3}, "lr"), ({"lr": 0.1, "steps": -1}, "steps")])
def test_descent_bad_input(data, kwargs, name):
    with pytest.raises(ValueError, match=name):
        closed_form.gradient_descent(*data, **kwargs)
