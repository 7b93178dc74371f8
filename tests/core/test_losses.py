"""core.losses: hand-computed rows, scalar references, finite differences, batching, errors."""

import math

import numpy as np
import pytest
import scipy.special
from sklearn.metrics import log_loss, mean_absolute_error, mean_pinball_loss, mean_squared_error

from core import losses

REGRESSION = [
    ("mse", {}),
    ("mae", {}),
    ("huber", {"delta": 1.0}),
    ("huber", {"delta": 2.5}),
    ("log_cosh", {}),
    ("quantile", {"q": 0.9}),
    ("quantile", {"q": 0.2}),
    ("asymmetric", {"under": 3.0, "over": 1.0}),
    ("asymmetric", {"under": 0.0, "over": 2.0}),
]


def test_names():
    assert losses.NAMES == ("mse", "mae", "huber", "log_cosh", "quantile", "asymmetric", "bce", "cce")
    for name in losses.NAMES:
        loss = losses.get(name)
        assert loss.name == name


def test_defaults_and_params():
    assert losses.get("huber").params == {"delta": 1.0}
    assert losses.get("quantile").params == {"q": 0.5}
    assert losses.get("asymmetric").params == {"under": 1.0, "over": 1.0}
    assert losses.get("mse").params == {}
    assert losses.get("asymmetric", over=2).params == {"under": 1.0, "over": 2.0}


def test_equality_and_repr():
    assert losses.get("huber", delta=2) == losses.get("huber", delta=2.0)
    assert hash(losses.get("huber", delta=2)) == hash(losses.get("huber", delta=2.0))
    assert losses.get("huber", delta=2) != losses.get("huber", delta=1)
    assert losses.get("quantile", q=0.5) != losses.get("asymmetric", under=0.5, over=0.5)
    assert repr(losses.get("huber", delta=2)) == "losses.get('huber', delta=2.0)"


# --------------------------------------------------------------------------- hand-computed rows
# (name, params, y_true, y_pred, per-sample value, per-sample grad), all worked by hand.
ROWS = [
    ("mse", {}, [0, 0, 0], [1, -2, 0.5], [1, 4, 0.25], [2, -4, 1]),
    ("mse", {}, [3, 3], [3, 1], [0, 4], [0, -4]),
    ("mae", {}, [0, 0, 0], [1, -2, 0], [1, 2, 0], [1, -1, 0]),
    ("huber", {"delta": 1.0}, [0, 0, 0], [0.5, -2, 3], [0.125, 1.5, 2.5], [0.5, -1, 1]),
    # delta 2: r = 1 -> 0.5; r = -3 -> 2 (3 - 1) = 4; r = 2 (the joint) -> 0.5 * 4 = 2
    ("huber", {"delta": 2.0}, [1, 1, 1], [2, -2, 3], [0.5, 4, 2], [1, -2, 2]),
    (
        "log_cosh",
        {},
        [0, 0, 0],
        [0, 1, -2],
        [0, 0.4337808304830271, 1.3250027473578645],  # ln cosh 1, ln cosh 2
        [0, 0.7615941559557649, -0.9640275800758169],  # tanh 1, -tanh 2
    ),
    # q = 0.9: under by 2 -> 0.9 * 2; over by 3 -> 0.1 * 3; exact -> 0
    ("quantile", {"q": 0.9}, [10, 10, 10], [8, 13, 10], [1.8, 0.3, 0], [-0.9, 0.1, 0]),
    ("quantile", {"q": 0.5}, [0, 0], [1, -1], [0.5, 0.5], [0.5, -0.5]),
    # under 3, over 1: under by 2 -> 6; over by 4 -> 4; exact -> 0
    ("asymmetric", {"under": 3, "over": 1}, [5, 5, 5], [3, 9, 5], [6, 4, 0], [-3, 1, 0]),
    ("asymmetric", {"under": 0, "over": 2}, [0, 0], [-1, 1], [0, 2], [0, 2]),
    (
        "bce",
        {},
        [1, 0, 1, 0],
        [0.9, 0.9, 0.5, 0.2],
        [0.10536051565782628, 2.3025850929940455, 0.6931471805599453, 0.2231435513142097],
        [-0.1 / 0.09, 0.9 / 0.09, -2.0, 1.25],  # (p - y) / (p (1 - p))
    ),
    ("bce", {}, [0.25], [0.5], [0.6931471805599453], [1.0]),  # soft label: ln 2; .25/.25
]


@pytest.mark.parametrize("name, params, y, yhat, value, grad", ROWS)
def test_rows(name, params, y, yhat, value, grad):
    loss = losses.get(name, **params)
    assert loss.value(y, yhat) == pytest.approx(value, rel=1e-12, abs=1e-15)
    assert loss.grad(y, yhat) == pytest.approx(grad, rel=1e-12, abs=1e-15)
    assert loss(y, yhat) == pytest.approx(np.mean(value), rel=1e-12, abs=1e-15)
    assert isinstance(loss(y, yhat), float)
    # The unchecked fast path is the same maths.
    y_a, yhat_a = np.asarray(y, float), np.asarray(yhat, float)
    np.testing.assert_array_equal(loss._value(y_a, yhat_a), loss.value(y, yhat))
    np.testing.assert_array_equal(loss._grad(y_a, yhat_a), loss.grad(y, yhat))


def test_cce_rows():
    cce = losses.get("cce")
    y = [0, 2, 1]
    p = [[0.7, 0.2, 0.1], [0.2, 0.3, 0.5], [0.25, 0.25, 0.5]]
    assert cce.value(y, p) == pytest.approx([0.35667494393873245, 0.6931471805599453, 1.3862943611198906])
    assert cce(y, p) == pytest.approx((0.35667494393873245 + 0.6931471805599453 + 1.3862943611198906) / 3)
    assert cce.grad(y, p) == pytest.approx(np.array([[-1 / 0.7, 0, 0], [0, 0, -2], [0, -4, 0]]))
    yi, pa = np.array(y), np.array(p)
    np.testing.assert_array_equal(cce._value(yi, pa), cce.value(y, p))
    np.testing.assert_array_equal(cce._grad(yi, pa), cce.grad(y, p))


# --------------------------------------------------------------------------- scalar references
# Written from the published definitions (torch.nn docs, Koenker's pinball loss), one sample
# at a time, independently of core.


def _ref_value(name, p, y, yhat):
    r = yhat - y
    if name == "mse":
        return r * r
    if name == "mae":
        return abs(r)
    if name == "huber":  # torch.nn.HuberLoss
        d = p["delta"]
        return 0.5 * r * r if abs(r) < d else d * (abs(r) - 0.5 * d)
    if name == "log_cosh":
        return math.log(math.cosh(r))
    if name == "quantile":
        q = p["q"]
        return max(q * (y - yhat), (q - 1) * (y - yhat))
    if name == "asymmetric":
        return p["under"] * max(y - yhat, 0.0) + p["over"] * max(yhat - y, 0.0)
    raise AssertionError(name)


@pytest.mark.parametrize("name, params", REGRESSION)
def test_against_scalar_reference(name, params):
    rng = np.random.default_rng(1)
    y = rng.normal(0, 3, 60)
    yhat = rng.normal(0, 3, 60)
    expected = [_ref_value(name, params, a, b) for a, b in zip(y, yhat)]
    assert losses.get(name, **params).value(y, yhat) == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_bce_against_torch_bceloss_reference():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 50).astype(float)
    p = rng.uniform(0, 1, 50)
    p[:4] = [0.0, 1.0, 0.0, 1.0]
    y[:4] = [1.0, 0.0, 0.0, 1.0]

    def ref(yy, pp):  # torch: -(y * clamp(log p, -100) + (1 - y) * clamp(log(1 - p), -100))
        lp = max(math.log(pp), -100.0) if pp > 0 else -100.0
        lq = max(math.log(1 - pp), -100.0) if pp < 1 else -100.0
        return -(yy * lp + (1 - yy) * lq)

    assert losses.get("bce").value(y, p) == pytest.approx([ref(a, b) for a, b in zip(y, p)], rel=1e-12)


def test_against_sklearn_metrics():
    rng = np.random.default_rng(3)
    y, yhat = rng.normal(size=40), rng.normal(size=40)
    assert losses.get("mse")(y, yhat) == pytest.approx(mean_squared_error(y, yhat), rel=1e-12)
    assert losses.get("mae")(y, yhat) == pytest.approx(mean_absolute_error(y, yhat), rel=1e-12)
    for q in (0.1, 0.5, 0.83):
        expected = mean_pinball_loss(y, yhat, alpha=q)
        assert losses.get("quantile", q=q)(y, yhat) == pytest.approx(expected, rel=1e-12)
    labels = rng.integers(0, 2, 40)
    p = rng.uniform(0.05, 0.95, 40)
    assert losses.get("bce")(labels, p) == pytest.approx(log_loss(labels, p), rel=1e-10)
    k3 = rng.integers(0, 3, 40)
    probs = rng.dirichlet([2, 2, 2], size=40)
    assert losses.get("cce")(k3, probs) == pytest.approx(log_loss(k3, probs, labels=[0, 1, 2]), rel=1e-10)


@pytest.mark.parametrize("delta", [0.3, 1.0, 4.0])
def test_huber_equals_scipy_special_huber(delta):
    # scipy.special.huber(delta, r) = r^2/2 if |r| <= delta else delta (|r| - delta/2):
    # the same function as torch.nn.HuberLoss(delta).
    r = np.linspace(-10, 10, 401)
    y = np.full_like(r, 2.0)
    got = losses.get("huber", delta=delta).value(y, y + r)
    assert got == pytest.approx(scipy.special.huber(delta, r), rel=1e-12, abs=1e-15)


def test_log_cosh_equals_naive_formula_for_moderate_r():
    r = np.linspace(-20, 20, 801)
    got = losses.get("log_cosh").value(np.zeros_like(r), r)
    assert got == pytest.approx(np.log(np.cosh(r)), rel=1e-12, abs=1e-15)


def test_asymmetric_is_a_scaled_quantile():
    rng = np.random.default_rng(4)
    y, yhat = rng.normal(size=30), rng.normal(size=30)
    under, over = 3.0, 1.5
    asym = losses.get("asymmetric", under=under, over=over)
    quant = losses.get("quantile", q=under / (under + over))
    assert asym.value(y, yhat) == pytest.approx((under + over) * quant.value(y, yhat), rel=1e-12)


# --------------------------------------------------------------------------- finite differences
H = 1e-6


def _central(f, x):
    return (f(x + H) - f(x - H)) / (2 * H)


@pytest.mark.parametrize("name, params", REGRESSION)
def test_regression_grad_matches_finite_difference(name, params):
    rng = np.random.default_rng(5)
    y = rng.normal(0, 2, 200)
    r = rng.normal(0, 3, 200)
    # Stay away from the kinks: r = 0 (mae, quantile, asymmetric) and |r| = delta (huber).
    r = r[np.abs(r) > 1e-3]
    if "delta" in params:
        r = r[np.abs(np.abs(r) - params["delta"]) > 1e-3]
    y = y[: r.size]
    loss = losses.get(name, **params)
    fd = _central(lambda yhat: loss.value(y, yhat), y + r)
    assert loss.grad(y, y + r) == pytest.approx(fd, rel=1e-6, abs=1e-7)


def test_mean_gradient_is_grad_over_n():
    loss = losses.get("mse")
    y = np.array([1.0, -2.0, 0.5, 4.0])
    yhat = np.array([0.3, -1.0, 2.0, 4.5])
    for i in range(4):
        e = np.zeros(4)
        e[i] = H
        fd = (loss(y, yhat + e) - loss(y, yhat - e)) / (2 * H)
        assert fd == pytest.approx(loss.grad(y, yhat)[i] / 4, rel=1e-7)


def test_bce_grad_matches_finite_difference():
    rng = np.random.default_rng(6)
    y = rng.uniform(0, 1, 100)  # soft labels too
    y[:50] = np.round(y[:50])
    p = rng.uniform(0.05, 0.95, 100)
    bce = losses.get("bce")
    fd = _central(lambda pp: bce.value(y, pp), p)
    assert bce.grad(y, p) == pytest.approx(fd, rel=1e-6)


def test_bce_logits_value_and_grad():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 100).astype(float)
    z = rng.uniform(-6, 6, 100)
    bce = losses.get("bce")
    p = 1 / (1 + np.exp(-z))
    assert bce.value_logits(y, z) == pytest.approx(bce.value(y, p), rel=1e-10)
    assert bce.grad_logits(y, z) == pytest.approx(p - y, rel=1e-12, abs=1e-15)
    fd = _central(lambda zz: bce.value_logits(y, zz), z)
    assert bce.grad_logits(y, z) == pytest.approx(fd, rel=1e-6, abs=1e-9)
    np.testing.assert_array_equal(bce._value_logits(y, z), bce.value_logits(y, z))
    np.testing.assert_array_equal(bce._grad_logits(y, z), bce.grad_logits(y, z))


def test_bce_logits_extremes_are_stable():
    bce = losses.get("bce")
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    z = np.array([-1e6, 1e6, 1e6, -1e6, 40.0])
    assert bce.value_logits(y, z) == pytest.approx([1e6, 1e6, 0.0, 0.0, 4.248354255291589e-18], rel=1e-12)
    assert bce.grad_logits(y, z) == pytest.approx([-1.0, 1.0, 0.0, 0.0, -4.248354255291589e-18], rel=1e-9)


def test_cce_grad_matches_finite_difference():
    rng = np.random.default_rng(8)
    n, k = 40, 4
    y = rng.integers(0, k, n)
    p = rng.uniform(0.05, 0.95, (n, k))  # need not sum to 1: the loss reads one entry
    cce = losses.get("cce")
    g = cce.grad(y, p)
    for j in range(k):
        e = np.zeros(k)
        e[j] = H
        fd = (cce.value(y, p + e) - cce.value(y, p - e)) / (2 * H)
        assert g[:, j] == pytest.approx(fd, rel=1e-6, abs=1e-9)


# --------------------------------------------------------------------------- batching
ALL = REGRESSION + [("bce", {})]


@pytest.mark.parametrize("name, params", ALL)
def test_batched_equals_row_by_row(name, params):
    rng = np.random.default_rng(9)
    n, R = 12, 5
    if name == "bce":
        y = rng.integers(0, 2, n).astype(float)
        Y = rng.uniform(0.01, 0.99, (R, n))
    else:
        y = rng.normal(size=n)
        Y = rng.normal(size=(R, n))
    loss = losses.get(name, **params)
    v, g, m = loss.value(y, Y), loss.grad(y, Y), loss(y, Y)
    assert v.shape == g.shape == (R, n) and m.shape == (R,)
    for i in range(R):
        np.testing.assert_allclose(v[i], loss.value(y, Y[i]), rtol=1e-15)
        np.testing.assert_allclose(g[i], loss.grad(y, Y[i]), rtol=1e-15)
        assert m[i] == pytest.approx(loss(y, Y[i]), rel=1e-14)
    # Any number of leading axes.
    assert loss(y, np.stack([Y, Y])).shape == (2, R)


def test_bce_logits_batched():
    rng = np.random.default_rng(10)
    y = rng.integers(0, 2, 7).astype(float)
    Z = rng.normal(size=(3, 7))
    bce = losses.get("bce")
    for i in range(3):
        np.testing.assert_allclose(bce.value_logits(y, Z)[i], bce.value_logits(y, Z[i]), rtol=1e-15)
        np.testing.assert_allclose(bce.grad_logits(y, Z)[i], bce.grad_logits(y, Z[i]), rtol=1e-15)


def test_cce_batched_equals_row_by_row():
    rng = np.random.default_rng(11)
    n, k, R = 9, 3, 4
    y = rng.integers(0, k, n)
    P = rng.dirichlet([1, 1, 1], size=(R, n))
    cce = losses.get("cce")
    v, g, m = cce.value(y, P), cce.grad(y, P), cce(y, P)
    assert v.shape == (R, n) and g.shape == (R, n, k) and m.shape == (R,)
    for i in range(R):
        np.testing.assert_allclose(v[i], cce.value(y, P[i]), rtol=1e-15)
        np.testing.assert_allclose(g[i], cce.grad(y, P[i]), rtol=1e-15)
        assert m[i] == pytest.approx(cce(y, P[i]), rel=1e-14)


# --------------------------------------------------------------------------- extremes
def test_bce_at_zero_and_one_is_finite_without_warning():
    bce = losses.get("bce")
    y = [1, 0, 0, 1]
    p = [0.0, 1.0, 0.0, 1.0]
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        v = bce.value(y, p)
        g = bce.grad(y, p)
    assert v == pytest.approx([100.0, 100.0, 0.0, 0.0], abs=0)
    assert np.all(np.isfinite(g))
    assert g == pytest.approx([-1e12, 1e12, 0.0, 0.0])  # (p - y) / 1e-12
    assert bce(y, p) == 50.0


def test_cce_at_zero_and_one_is_finite_without_warning():
    cce = losses.get("cce")
    y = [0, 1]
    p = [[0.0, 1.0], [0.0, 1.0]]
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        v = cce.value(y, p)
        g = cce.grad(y, p)
    assert v == pytest.approx([100.0, 0.0], abs=0)
    assert g[0, 0] == pytest.approx(-math.exp(100)) and np.all(np.isfinite(g))
    assert g[1] == pytest.approx([0.0, -1.0])


def test_huge_residuals_are_finite_for_huber_and_log_cosh():
    y = np.zeros(2)
    r = np.array([1e6, -1e6])
    huber = losses.get("huber", delta=1.0)
    assert huber.value(y, r) == pytest.approx([1e6 - 0.5] * 2, rel=1e-15)
    assert huber.grad(y, r) == pytest.approx([1.0, -1.0])
    lc = losses.get("log_cosh")
    assert lc.value(y, r) == pytest.approx([1e6 - math.log(2)] * 2, rel=1e-15)
    assert lc.grad(y, r) == pytest.approx([1.0, -1.0])
    # Far past where r^2 or cosh r overflow, still finite.
    assert np.isfinite(huber.value([0.0], [1e300])).all()
    assert np.isfinite(lc.value([0.0], [1e300])).all()


def test_mse_overflow_is_inf_without_warning():
    assert losses.get("mse").value([0.0], [1e300])[0] == np.inf


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "name, params, match",
    [
        ("rmse", {}, "name"),
        ("MSE", {}, "name"),
        ("huber", {"delta": 0.0}, "delta"),
        ("huber", {"delta": -1.0}, "delta"),
        ("huber", {"delta": float("nan")}, "delta"),
        ("huber", {"delta": "big"}, "delta"),
        ("huber", {"delta": 1.0, "alpha": 2.0}, "alpha"),
        ("mse", {"delta": 1.0}, "delta"),
        ("quantile", {"q": 0.0}, "q"),
        ("quantile", {"q": 1.0}, "q"),
        ("quantile", {"q": 1.5}, "q"),
        ("quantile", {"tau": 0.5}, "tau"),
        ("asymmetric", {"under": -1.0}, "under"),
        ("asymmetric", {"over": float("inf")}, "over"),
        ("asymmetric", {"under": 0.0, "over": 0.0}, "under and over"),
    ],
)
def test_bad_get(name, params, match):
    with pytest.raises(ValueError, match=match):
        losses.get(name, **params)


@pytest.mark.parametrize(
    "name, y, yhat, match",
    [
        ("mse", [1, 2, 3], [1, 2], "y_pred"),
        ("mse", [1, 2, 3], [[1, 2], [3, 4]], "y_pred"),
        ("mse", [[1, 2, 3]], [1, 2, 3], "y_true"),
        ("mse", [1, 2], 3.0, "y_pred"),
        ("mae", [1, np.nan], [1, 2], "y_true"),
        ("mae", [1, 2], [np.inf, 2], "y_pred"),
        ("huber", ["a", "b"], [1, 2], "y_true"),
        ("mse", [], [], "y_true"),
        ("bce", [1, 0], [0.5, 1.1], "y_pred"),
        ("bce", [1, 0], [-0.1, 0.5], "y_pred"),
        ("bce", [2, 0], [0.5, 0.5], "y_true"),
        ("bce", [1, 0], [0.5, np.nan], "y_pred"),
        ("cce", [0, 3], [[0.5, 0.5, 0], [0.2, 0.3, 0.5]], "y_true"),
        ("cce", [0, -1], [[0.5, 0.5, 0], [0.2, 0.3, 0.5]], "y_true"),
        ("cce", [0, 0.5], [[0.5, 0.5, 0], [0.2, 0.3, 0.5]], "y_true"),
        ("cce", [0, 1], [0.5, 0.5], "y_pred"),
        ("cce", [0, 1, 2], [[0.5, 0.5, 0], [0.2, 0.3, 0.5]], "y_pred"),
        ("cce", [0, 1], [[0.5, 1.5, 0], [0.2, 0.3, 0.5]], "y_pred"),
    ],
)
def test_bad_arrays(name, y, yhat, match):
    loss = losses.get(name)
    for method in (loss.value, loss.grad, loss):
        with pytest.raises(ValueError, match=match):
            method(y, yhat)


def test_bad_logits():
    bce = losses.get("bce")
    with pytest.raises(ValueError, match="z"):
        bce.value_logits([1, 0], [0.3, np.nan])
    with pytest.raises(ValueError, match="z"):
        bce.grad_logits([1, 0], [0.3, 0.2, 0.1])
    with pytest.raises(ValueError, match="y_true"):
        bce.value_logits([1, 3], [0.3, 0.2])


def test_error_message_names_value_and_allowed():
    with pytest.raises(ValueError, match=r"q must be .*> 0.0.*< 1.0.*got 1.5"):
        losses.get("quantile", q=1.5)
    with pytest.raises(ValueError, match=r"name must be one of 'mse'.*got 'rmse'"):
        losses.get("rmse")


def test_weighted_mean_against_sklearn_sample_weight():
    rng = np.random.default_rng(4)
    y, yhat, w = rng.normal(size=9), rng.normal(size=9), rng.uniform(0.0, 3.0, 9)
    assert losses.get("mse")(y, yhat, weights=w) == pytest.approx(mean_squared_error(y, yhat, sample_weight=w),
                                                                  rel=1e-13)
    assert losses.get("mae")(y, yhat, weights=w) == pytest.approx(mean_absolute_error(y, yhat, sample_weight=w),
                                                                  rel=1e-13)
    # The lesson's tie: A misses the third point by 1, B the first; weights decide between them.
    true, preds = np.array([2.0, 4.0, 6.0]), np.array([[2.0, 4.0, 5.0], [1.0, 4.0, 6.0]])
    assert list(losses.get("mse")(true, preds, weights=[1.0, 1.0, 2.0])) == [0.5, 0.25]
    assert list(losses.get("mse")(true, preds)) == [1 / 3, 1 / 3]
    for bad in ([1.0, 1.0], [1.0, -1.0, 1.0], [0.0, 0.0, 0.0]):
        with pytest.raises(ValueError, match="weights"):
            losses.get("mse")(true, preds[0], weights=bad)


def test_softmax_against_scipy_and_the_lessons_cat():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=5.0, size=(4, 3))
    np.testing.assert_allclose(losses.softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-13)
    np.testing.assert_allclose(losses.softmax([1000.0, 0.0]), [1.0, 0.0])  # no overflow
    cat = losses.softmax(np.log([0.70, 0.20, 0.10]))
    np.testing.assert_allclose(cat, [0.70, 0.20, 0.10], rtol=1e-13)
    assert losses.get("cce")(np.array([0]), cat[None, :]) == pytest.approx(0.357, abs=5e-4)
    with pytest.raises(ValueError, match="logits"):
        losses.softmax(1.0)
