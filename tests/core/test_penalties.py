"""core.penalties: hand-computed values, subgradients, batching, errors, library mappings."""

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from core import penalties

W = [1.0, -2.0, 0.0]  # sum|w| = 3, sum w^2 = 5


def test_names():
    assert penalties.NAMES == ("none", "l1", "l2", "elastic_net")


# (name, lam, l1_ratio, l1, l2, value at W, grad at W), all by hand.
ROWS = [
    ("none", 0.7, 0.5, 0.0, 0.0, 0.0, [0, 0, 0]),
    ("l1", 0.5, 0.5, 0.5, 0.0, 1.5, [0.5, -0.5, 0]),  # 0.5 * 3; 0.5 sign(w)
    ("l2", 0.5, 0.5, 0.0, 0.5, 2.5, [1.0, -2.0, 0]),  # 0.5 * 5; 2 * 0.5 * w
    # lam 2, ratio 0.25: l1 = 0.5, l2 = 1.5; value 0.5*3 + 1.5*5 = 9; grad 0.5 sign(w) + 3 w
    ("elastic_net", 2.0, 0.25, 0.5, 1.5, 9.0, [3.5, -6.5, 0]),
    ("elastic_net", 1.0, 1.0, 1.0, 0.0, 3.0, [1, -1, 0]),
    ("elastic_net", 1.0, 0.0, 0.0, 1.0, 5.0, [2, -4, 0]),
    ("l2", 0.0, 0.5, 0.0, 0.0, 0.0, [0, 0, 0]),
]


@pytest.mark.parametrize("name, lam, ratio, l1, l2, value, grad", ROWS)
def test_rows(name, lam, ratio, l1, l2, value, grad):
    pen = penalties.get(name, lam=lam, l1_ratio=ratio)
    assert (pen.name, pen.lam) == (name, lam)
    assert (pen.l1, pen.l2) == pytest.approx((l1, l2), abs=0)
    assert pen.value(W) == pytest.approx(value, abs=1e-15)
    assert isinstance(pen.value(W), float)
    assert pen.grad(W) == pytest.approx(grad, abs=1e-15)
    assert pen(W) == pen.value(W)
    w = np.array(W)
    assert float(pen._value(w)) == pen.value(W)
    np.testing.assert_array_equal(pen._grad(w), pen.grad(W))


def test_effective_l1_ratio_and_positional_lam():
    assert penalties.get("l1", 0.3).l1_ratio == 1.0
    assert penalties.get("l2", 0.3).l1_ratio == 0.0
    assert penalties.get("elastic_net", 0.3, 0.2).l1_ratio == 0.2
    assert penalties.get("l2", 0.3) == penalties.get("l2", lam=0.3, l1_ratio=0.9)  # ratio unused
    assert penalties.get("none").value(W) == 0.0


def test_subgradient_at_zero_is_zero():
    w = np.zeros((2, 4))
    for name in penalties.NAMES:
        pen = penalties.get(name, lam=1.3, l1_ratio=0.4)
        np.testing.assert_array_equal(pen.grad(w), np.zeros((2, 4)))
        np.testing.assert_array_equal(pen.value(w), np.zeros(2))


@pytest.mark.parametrize("ratio", [0.0, 1.0])
def test_elastic_net_endpoints_equal_l2_and_l1(ratio):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 5))
    en = penalties.get("elastic_net", lam=0.8, l1_ratio=ratio)
    other = penalties.get("l1" if ratio == 1.0 else "l2", lam=0.8)
    assert (en.l1, en.l2) == (other.l1, other.l2)
    np.testing.assert_array_equal(en.value(w), other.value(w))
    np.testing.assert_array_equal(en.grad(w), other.grad(w))


@pytest.mark.parametrize("name", penalties.NAMES)
def test_grad_matches_finite_difference(name):
    rng = np.random.default_rng(1)
    w = rng.normal(size=(4, 6))
    w[np.abs(w) < 1e-2] = 0.5  # away from the kink at 0
    pen = penalties.get(name, lam=0.7, l1_ratio=0.3)
    h = 1e-6
    fd = np.empty_like(w)
    for j in range(w.shape[1]):
        e = np.zeros(w.shape[1])
        e[j] = h
        fd[:, j] = (pen.value(w + e) - pen.value(w - e)) / (2 * h)
    assert pen.grad(w) == pytest.approx(fd, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", penalties.NAMES)
def test_batched_shapes_and_rows(name):
    rng = np.random.default_rng(2)
    w = rng.normal(size=(2, 3, 4))
    pen = penalties.get(name, lam=0.9, l1_ratio=0.6)
    assert pen.value(w).shape == (2, 3)
    assert pen.grad(w).shape == (2, 3, 4)
    for i in range(2):
        for j in range(3):
            assert pen.value(w)[i, j] == pytest.approx(pen.value(w[i, j]), rel=1e-14, abs=0)
            np.testing.assert_array_equal(pen.grad(w)[i, j], pen.grad(w[i, j]))


def test_no_weights_gives_zero():
    pen = penalties.get("l2", lam=1.0)
    assert pen.value(np.zeros((3, 0))).shape == (3,)
    assert pen.grad(np.zeros((3, 0))).shape == (3, 0)


def test_huge_weights_give_inf_without_warning():
    assert penalties.get("l2", lam=1.0).value([1e300]) == np.inf


@pytest.mark.parametrize(
    "args, match",
    [
        (("ridge", 1.0), "name"),
        ((None, 1.0), "name"),
        (("l2", -0.1), "lam"),
        (("l2", float("nan")), "lam"),
        (("l1", float("inf")), "lam"),
        (("l1", "big"), "lam"),
        (("elastic_net", 1.0, 1.5), "l1_ratio"),
        (("elastic_net", 1.0, -0.1), "l1_ratio"),
        (("l1", 1.0, 2.0), "l1_ratio"),
    ],
)
def test_bad_get(args, match):
    with pytest.raises(ValueError, match=match):
        penalties.get(*args)


@pytest.mark.parametrize("w", [[1.0, np.nan], [np.inf], 3.0, "abc"])
def test_bad_weights(w):
    pen = penalties.get("l2", lam=1.0)
    for method in (pen.value, pen.grad):
        with pytest.raises(ValueError, match="w"):
            method(w)


# ------------------------------------------------- the documented mapping to scikit-learn
def _data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 4))
    y = X @ np.array([1.5, 0.0, -2.0, 0.1]) + 0.7 + 0.3 * rng.normal(size=60)
    return X, y


def _mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 * X.T @ r / len(y), 2 * r.mean()


def test_ridge_alpha_is_n_times_lam():
    X, y = _data()
    lam = 0.2
    m = Ridge(alpha=len(y) * lam).fit(X, y)
    gw, gb = _mse_grads(X, y, m.coef_, m.intercept_)
    gw = gw + penalties.get("l2", lam).grad(m.coef_)
    assert gw == pytest.approx(np.zeros(4), abs=1e-10)
    assert gb == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("ratio", [1.0, 0.7, 0.3])
def test_elastic_net_and_lasso_mapping(ratio):
    X, y = _data()
    lam = 0.4
    alpha = lam * (1 - ratio / 2)
    rho = ratio / (2 - ratio)
    model = (Lasso(alpha=lam / 2, tol=1e-12, max_iter=100_000) if ratio == 1.0
             else ElasticNet(alpha=alpha, l1_ratio=rho, tol=1e-12, max_iter=100_000))
    m = model.fit(X, y)
    pen = penalties.get("elastic_net", lam, ratio)
    gw, gb = _mse_grads(X, y, m.coef_, m.intercept_)
    smooth = gw + 2 * pen.l2 * m.coef_
    nz = m.coef_ != 0
    assert (~nz).any(), "the data should make the L1 term zero out a weight"
    # Optimality of OUR objective at scikit-learn's solution: zero gradient on non-zero
    # weights, |smooth gradient| <= l1 on zero weights (the subdifferential of |w| at 0).
    assert smooth[nz] + pen.l1 * np.sign(m.coef_[nz]) == pytest.approx(np.zeros(nz.sum()), abs=1e-8)
    assert np.all(np.abs(smooth[~nz]) <= pen.l1 + 1e-8)
    assert gb == pytest.approx(0.0, abs=1e-8)
