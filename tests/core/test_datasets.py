"""core.datasets: determinism, shapes, exact base rates, stable outliers, worked examples."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from core import datasets

GENERATORS = [
    (datasets.line_with_outliers, {"n_outliers": 3}),
    (datasets.polynomial_curve, {}),
    (datasets.two_classes, {"base_rate": 0.3}),
    (datasets.fraud_like, {}),
]


def _arrays(data):
    return [v for v in vars(data).values() if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("gen, kwargs", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(gen, kwargs):
    a, b, c = gen(seed=5, **kwargs), gen(seed=5, **kwargs), gen(seed=6, **kwargs)
    for x, y in zip(_arrays(a), _arrays(b)):
        np.testing.assert_array_equal(x, y)
    float_pairs = [(x, z) for x, z in zip(_arrays(a), _arrays(c)) if x.dtype == np.float64]
    assert all(not np.array_equal(x, z) for x, z in float_pairs)


# --------------------------------------------------------------------------- line
def test_line_shapes_and_defaults():
    d = datasets.line_with_outliers()
    assert d.x.shape == d.y.shape == d.is_outlier.shape == (40,)
    assert d.is_outlier.dtype == bool and not d.is_outlier.any()
    assert np.all(np.diff(d.x) >= 0) and d.x.min() >= 0 and d.x.max() <= 10
    assert d.X.shape == (40, 1)


def test_line_without_noise_is_the_line():
    d = datasets.line_with_outliers(n=10, slope=-3, intercept=2, noise=0, n_outliers=2,
                                    outlier_shift=7, x_range=(-5, 5))
    expected = -3 * d.x + 2 + np.where(d.is_outlier, 7.0, 0.0)
    assert d.y == pytest.approx(expected, rel=1e-15, abs=1e-14)
    np.testing.assert_array_equal(d.is_outlier, np.arange(10) >= 8)


def test_clean_points_do_not_move_when_outliers_are_added():
    n = 25
    runs = [datasets.line_with_outliers(n=n, n_outliers=k, seed=3) for k in range(6)]
    base = runs[0]
    for k, d in enumerate(runs):
        np.testing.assert_array_equal(d.x, base.x)
        np.testing.assert_array_equal(d.is_outlier, np.arange(n) >= n - k)
        np.testing.assert_array_equal(d.y[: n - k], base.y[: n - k])
        assert d.y[n - k:] == pytest.approx(base.y[n - k:] + 15.0, rel=1e-15)
    # One more outlier keeps the previous outliers exactly where they were.
    for k in range(1, 5):
        np.testing.assert_array_equal(runs[k + 1].y[n - k:], runs[k].y[n - k:])


def test_outliers_are_shifted_up_at_the_largest_x():
    d = datasets.line_with_outliers(n_outliers=2)
    assert d.x[d.is_outlier].min() >= d.x[~d.is_outlier].max()
    clean = datasets.line_with_outliers(n_outliers=0)
    assert np.all(d.y[d.is_outlier] - clean.y[d.is_outlier] == pytest.approx(15.0))


# --------------------------------------------------------------------------- polynomial
def test_curve_shape_and_truth():
    d = datasets.polynomial_curve(n=17, noise=0.0, x_range=(-2, 1))
    assert d.x.shape == d.y.shape == (17,)
    assert np.all(np.diff(d.x) >= 0) and d.x.min() >= -2 and d.x.max() <= 1
    assert d.y == pytest.approx(np.sin(np.pi * d.x), abs=1e-15)
    assert d.truth([0.5, -0.5, 0.0]) == pytest.approx([1.0, -1.0, 0.0], abs=1e-15)


def test_curve_noise_level():
    d = datasets.polynomial_curve(n=20_000, noise=0.3)
    assert np.std(d.y - d.truth(d.x)) == pytest.approx(0.3, rel=0.03)


def test_polynomial_features_raw_powers():
    x = np.array([1.0, 2.0, -3.0])
    f = datasets.polynomial_features(x, 3, standardize=False)
    assert f == pytest.approx(np.array([[1, 1, 1], [2, 4, 8], [-3, 9, -27]]))


def test_polynomial_features_hand_standardized():
    # x = [0, 1, 2]: column x has mean 1, std sqrt(2/3); column x^2 = [0, 1, 4] has mean 5/3,
    # std sqrt(((25 + 4 + 49) / 9) / 3) = sqrt(26/9).
    f = datasets.polynomial_features([0.0, 1.0, 2.0], 2)
    s1, s2 = np.sqrt(2 / 3), np.sqrt(26 / 9)
    expected = [[-1 / s1, -5 / 3 / s2], [0, -2 / 3 / s2], [1 / s1, 7 / 3 / s2]]
    assert f == pytest.approx(np.array(expected), rel=1e-12, abs=1e-15)


def test_polynomial_features_match_sklearn_with_reference_scaling():
    train = datasets.polynomial_curve(n=30, seed=1)
    val = datasets.polynomial_curve(n=12, seed=2)
    degree = 6
    poly = PolynomialFeatures(degree, include_bias=False)
    scaler = StandardScaler().fit(poly.fit_transform(train.x[:, None]))
    f_train = datasets.polynomial_features(train.x, degree)
    f_val = datasets.polynomial_features(val.x, degree, reference=train.x)
    assert f_train.shape == (30, degree) and f_val.shape == (12, degree)
    assert f_train == pytest.approx(scaler.transform(poly.transform(train.x[:, None])), rel=1e-9)
    assert f_val == pytest.approx(scaler.transform(poly.transform(val.x[:, None])), rel=1e-9)
    assert f_train.mean(axis=0) == pytest.approx(np.zeros(degree), abs=1e-12)
    assert f_train.std(axis=0) == pytest.approx(np.ones(degree), rel=1e-12)


def test_polynomial_features_constant_reference_has_no_nan():
    f = datasets.polynomial_features([1.0, 2.0], 2, reference=[3.0, 3.0])
    assert f == pytest.approx(np.array([[-2.0, -8.0], [-1.0, -5.0]]))


# --------------------------------------------------------------------------- classes
@pytest.mark.parametrize(
    "n, rate, positives",
    [(500, 0.5, 250), (500, 0.1, 50), (7, 0.5, 4), (10, 0.01, 1), (10, 0.99, 9), (1000, 0.333, 333)],
)
def test_two_classes_exact_base_rate(n, rate, positives):
    d = datasets.two_classes(n=n, base_rate=rate, n_features=3, seed=4)
    assert d.X.shape == (n, 3) and d.y.shape == (n,)
    assert set(np.unique(d.y)) == {0.0, 1.0}
    assert d.y.sum() == positives
    assert d.base_rate == positives / n
    assert d.feature_names == ("x1", "x2", "x3")


def test_two_classes_geometry():
    d = datasets.two_classes(n=40_000, separation=3.0, n_features=2, seed=1)
    mu_pos, mu_neg = d.X[d.y == 1].mean(axis=0), d.X[d.y == 0].mean(axis=0)
    assert np.linalg.norm(mu_pos - mu_neg) == pytest.approx(3.0, rel=0.02)
    assert mu_pos == pytest.approx(np.full(2, 1.5 / np.sqrt(2)), abs=0.03)
    assert (mu_pos + mu_neg) / 2 == pytest.approx(np.zeros(2), abs=0.03)
    assert d.y[:200].sum() not in (0, 200)  # shuffled, not sorted by class


def test_fraud_like_is_rare_and_overlapping():
    d = datasets.fraud_like()
    assert d.X.shape == (2000, 2) and d.y.sum() == 40
    assert d.feature_names == ("amount", "velocity")
    auc = roc_auc_score(d.y, d.X.sum(axis=1))
    assert 0.7 < auc < 0.95
    assert datasets.fraud_like(n=100, base_rate=0.001).y.sum() == 1


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "gen, kwargs, match",
    [
        (datasets.line_with_outliers, {"n": 1}, "n"),
        (datasets.line_with_outliers, {"n": 10.0}, "n"),
        (datasets.line_with_outliers, {"n_outliers": 41}, "n_outliers"),
        (datasets.line_with_outliers, {"n_outliers": -1}, "n_outliers"),
        (datasets.line_with_outliers, {"noise": -1.0}, "noise"),
        (datasets.line_with_outliers, {"slope": float("nan")}, "slope"),
        (datasets.line_with_outliers, {"outlier_shift": float("inf")}, "outlier_shift"),
        (datasets.line_with_outliers, {"x_range": (3, 3)}, "x_range"),
        (datasets.line_with_outliers, {"x_range": 5}, "x_range"),
        (datasets.line_with_outliers, {"x_range": (0, float("inf"))}, "x_range"),
        (datasets.line_with_outliers, {"seed": -1}, "seed"),
        (datasets.line_with_outliers, {"seed": 1.5}, "seed"),
        (datasets.polynomial_curve, {"noise": float("nan")}, "noise"),
        (datasets.polynomial_curve, {"x_range": (1, -1)}, "x_range"),
        (datasets.two_classes, {"base_rate": 0.0}, "base_rate"),
        (datasets.two_classes, {"base_rate": 1.0}, "base_rate"),
        (datasets.two_classes, {"separation": -1.0}, "separation"),
        (datasets.two_classes, {"n_features": 0}, "n_features"),
        (datasets.two_classes, {"n": 1}, "n"),
        (datasets.fraud_like, {"base_rate": 1.5}, "base_rate"),
        (datasets.fraud_like, {"n": "many"}, "n"),
    ],
)
def test_bad_generator_input(gen, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gen(**kwargs)


def test_generators_are_keyword_only():
    with pytest.raises(TypeError):
        datasets.line_with_outliers(40)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (([[1.0, 2.0]], 2), {}, "x"),
        (([1.0, np.nan], 2), {}, "x"),
        (([1.0, 2.0], 0), {}, "degree"),
        (([1.0, 2.0], 2.0), {}, "degree"),
        (([1.0, 2.0], 2), {"reference": [np.inf, 1.0]}, "reference"),
    ],
)
def test_bad_polynomial_features(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.polynomial_features(*args, **kwargs)


# --------------------------------------------------------------------------- worked examples
def test_worked_regression_examples_hold_the_lesson_numbers():
    ex = datasets.lagos_houses()
    np.testing.assert_array_equal(ex.y_true, [42, 35, 50])
    np.testing.assert_array_equal(ex.prediction("model"), [45, 30, 60])
    ex = datasets.rainfall_weeks()
    np.testing.assert_array_equal(ex.y_true, [10, 25, 5, 40, 15])
    np.testing.assert_array_equal(ex.prediction("A"), [12, 23, 6, 38, 18])
    np.testing.assert_array_equal(ex.prediction("B"), [11, 20, 10, 50, 12])
    assert ex.y_pred.shape == (2, 5) and ex.unit == "mm"
    ex = datasets.house_prices()
    np.testing.assert_array_equal(ex.y_true, [200_000, 350_000, 500_000])
    np.testing.assert_array_equal(ex.y_pred, [[210_000, 340_000, 480_000]])
    ex = datasets.two_four_six()
    np.testing.assert_array_equal(ex.y_true, [2, 4, 6])
    np.testing.assert_array_equal(ex.y_pred, [[2, 4, 5], [1, 4, 6]])
    ex = datasets.house_errors_400k()
    np.testing.assert_array_equal(ex.y_true, [400_000, 400_000])
    np.testing.assert_array_equal(ex.y_pred, [[390_000, 380_000]])
    ex = datasets.house_300k()
    np.testing.assert_array_equal(ex.y_pred - ex.y_true, [[50_000]])
    ex = datasets.archery()
    np.testing.assert_array_equal(ex.y_pred - ex.y_true, [[0, 2, 10]])


def test_worked_probability_examples_hold_the_lesson_numbers():
    ex = datasets.spam_probabilities()
    np.testing.assert_array_equal(ex.y_true, [1, 1, 1])
    np.testing.assert_array_equal(ex.y_pred, [0.9, 0.1, 0.5])
    ex = datasets.spam_confidence_pair()
    np.testing.assert_array_equal(ex.y_pred, [0.51, 0.99])
    ex = datasets.cat_dog_bird()
    assert ex.classes[int(ex.y_true[0])] == "cat"
    np.testing.assert_array_equal(ex.y_pred, [[0.70, 0.20, 0.10], [0.10, 0.60, 0.30]])


def test_worked_examples_are_fresh_copies():
    a = datasets.lagos_houses()
    a.y_true[0] = -1
    assert datasets.lagos_houses().y_true[0] == 42


def test_unknown_model_name():
    with pytest.raises(ValueError, match="model"):
        datasets.rainfall_weeks().prediction("C")


def test_moment_matched_points_give_the_same_mse_and_gradient_everywhere():
    from core import datasets, training

    rng = np.random.default_rng(3)
    x = rng.uniform(3, 40, 5_000)
    y = 0.7 * x - 4 + rng.standard_t(3, 5_000) * 5
    x4, y4 = datasets.moment_matched(x, y)
    assert x4.shape == y4.shape == (4,)
    for w, b in rng.normal(0, 5, (20, 2)):
        params = np.array([w, b])
        full = training.objective(params, x[:, None], y)
        four = training.objective(params, x4[:, None], y4)
        assert four == pytest.approx(full, rel=1e-9)
        np.testing.assert_allclose(training.objective_gradient(params, x4[:, None], y4),
                                   training.objective_gradient(params, x[:, None], y), rtol=1e-8, atol=1e-9)
    # By hand: x = [0, 2], y = [1, 5] lies on y = 2x + 1: s = 1, beta = 2, r = 0.
    x4, y4 = datasets.moment_matched([0.0, 2.0], [1.0, 5.0])
    np.testing.assert_allclose(x4, [2, 2, 0, 0])
    np.testing.assert_allclose(y4, [5, 5, 1, 1])
    with pytest.raises(ValueError, match="x"):
        datasets.moment_matched([1.0, 1.0], [2.0, 3.0])


def test_hand_fit_points_reproduce_the_lessons_start_and_least_squares():
    from sklearn.linear_model import LinearRegression

    d = datasets.hand_fit()
    # The lesson's line y = 0.5 x + 3: residuals -1.2, -1.1, -0.2, -0.2, 1.5, 0.4, 2.6 by hand.
    assert np.allclose(d.y - (0.5 * d.x + 3), [-1.2, -1.1, -0.2, -0.2, 1.5, 0.4, 2.6])
    assert np.sum((d.y - (0.5 * d.x + 3)) ** 2) == pytest.approx(11.9, abs=1e-12)
    ols = LinearRegression().fit(d.X, d.y)
    assert ols.coef_[0] == pytest.approx(1.075, abs=1e-12) and ols.intercept_ == pytest.approx(0.957142857142857)


def test_alike_features_copy_nearly_copy_and_own():
    own = datasets.alike_features(n=2000, noise=0.0, seed=4)
    np.testing.assert_allclose(own.y, 2 * own.X[:, 0] + own.X[:, 1] + 3, rtol=1e-12)
    assert abs(np.corrcoef(own.X.T)[0, 1]) < 0.06
    copy = datasets.alike_features(n=2000, noise=0.5, gap=0.0, seed=4)
    np.testing.assert_array_equal(copy.X[:, 0], copy.X[:, 1])
    np.testing.assert_array_equal(copy.X[:, 0], own.X[:, 0])  # one seed, one x1 whatever the gap
    near = datasets.alike_features(n=2000, noise=0.5, gap=0.5, seed=4)
    # x2 = x1 + 0.5 z: correlation 1 / sqrt(1 + 0.25) = 0.894, within sampling error.
    assert np.corrcoef(near.X.T)[0, 1] == pytest.approx(1 / np.sqrt(1.25), abs=0.01)
    np.testing.assert_array_equal(near.true_params, [2.0, 1.0, 3.0])
    # The noise: residuals from the true plane have standard deviation 0.5.
    assert np.std(near.y - near.X @ [2.0, 1.0] - 3) == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize(("kwargs", "name"), [({"n": 1}, "n"), ({"noise": -1.0}, "noise"), ({"gap": -0.1}, "gap"),
                                              ({"seed": -1}, "seed")])
def test_alike_features_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        datasets.alike_features(**kwargs)
