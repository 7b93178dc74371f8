"""Curvature and loss surfaces: hand-computed Hessians, a gradient-descent loop written
here, and brute-force means over samples."""

import tracemalloc

import numpy as np
import pytest

from core import closed_form, datasets, landscape
from core.closed_form import normal_equation
from core.landscape import critical_learning_rate, hessian_mse, loss_surface

SQRT10, SQRT193 = np.sqrt(10.0), np.sqrt(193.0)


# -------------------------------------------------------------- critical learning rate
@pytest.mark.parametrize(
    "X, l2, fit_intercept, hessian, lr_crit",
    [
        # x = [0, 1, 2]: Xa^T Xa = [[5, 3], [3, 3]], H = 2/3 of it; trace 16/3, det 8/3,
        # lambda_max = (8 + 2 sqrt 10) / 3, lr = 2 / lambda_max = (4 - sqrt 10) / 2
        ([0, 1, 2], 0.0, True, [[10 / 3, 2], [2, 2]], (4 - SQRT10) / 2),
        # + 2 l2 = 1 on the weight only: trace 19/3, det 14/3, lambda_max = (19 + sqrt 193)/6
        ([0, 1, 2], 0.5, True, [[13 / 3, 2], [2, 2]], 12 / (19 + SQRT193)),
        # no intercept: H = 2/3 * 5
        ([0, 1, 2], 0.0, False, [[10 / 3]], 0.6),
        ([0, 1, 2], 0.5, False, [[13 / 3]], 6 / 13),
        # H = (2/2) diag(1, 4)
        ([[1, 0], [0, 2]], 0.0, False, [[1, 0], [0, 4]], 0.5),
        # all-zero X without intercept or ridge: flat objective, nothing diverges
        ([[0.0], [0.0]], 0.0, False, [[0.0]], np.inf),
    ],
)
def test_hessian_and_critical_rate_by_hand(X, l2, fit_intercept, hessian, lr_crit):
    np.testing.assert_allclose(
        hessian_mse(X, l2=l2, fit_intercept=fit_intercept), hessian, rtol=1e-14, atol=1e-15
    )
    assert critical_learning_rate(X, l2=l2, fit_intercept=fit_intercept) == pytest.approx(
        lr_crit, rel=1e-12
    )


def _gradient_descent(X, y, lr, steps, l2, fit_intercept):
    """Plain full-batch GD on mean((Xa theta - y)^2) + l2 ||w||^2 from theta = 0."""
    Xa = np.hstack([X, np.ones((len(y), 1))]) if fit_intercept else X
    mask = np.ones(Xa.shape[1])
    if fit_intercept:
        mask[-1] = 0.0
    theta = np.zeros(Xa.shape[1])
    losses = []
    for _ in range(steps):
        r = Xa @ theta - y
        losses.append(np.mean(r**2) + l2 * np.sum((mask * theta) ** 2))
        theta = theta - lr * (2 / len(y) * Xa.T @ r + 2 * l2 * mask * theta)
    return theta, np.array(losses)


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_three_percent_either_side_of_the_critical_rate(l2, fit_intercept):
    rng = np.random.default_rng(4)
    X = rng.normal(loc=[1.0, -0.5], scale=[1.0, 0.7], size=(30, 2))
    y = X @ [2.0, -1.0] + 0.5 + rng.normal(scale=0.3, size=30)
    lr = critical_learning_rate(X, l2=l2, fit_intercept=fit_intercept)

    _, losses = _gradient_descent(X, y, 1.03 * lr, 600, l2, fit_intercept)
    assert losses[-1] > 1e9 * losses[0]
    assert np.all(np.diff(losses[-100:]) > 0)

    theta, losses = _gradient_descent(X, y, 0.97 * lr, 600, l2, fit_intercept)
    exact = normal_equation(X, y, l2=l2, fit_intercept=fit_intercept)
    np.testing.assert_allclose(theta, exact, rtol=1e-9, atol=1e-10)
    assert losses[-1] < losses[0]


# ------------------------------------------------------------------------ MSE surface
def _brute(x, y, w, b, per_sample):
    pred = w[None, :, None] * x + b[:, None, None]
    return per_sample(y, pred).mean(axis=-1)


def _squared(y, pred):
    return (pred - y) ** 2


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_mse_surface_equals_brute_force(offset):
    rng = np.random.default_rng(5)
    x = rng.normal(loc=3.0, size=500)
    y = offset + 2.0 * x + rng.normal(size=500)
    w = np.linspace(0.5, 3.5, 31)
    b = offset + np.linspace(-4.0, 6.0, 17)  # not square: pins the orientation
    Z = loss_surface(x, y, w, b)
    assert Z.shape == (17, 31)
    np.testing.assert_allclose(Z, _brute(x, y, w, b, _squared), rtol=1e-9)


def test_mse_surface_point_by_point_orientation():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    Z = loss_surface(x, y, [2.0, 0.0], [1.0, 0.0, 3.0])
    # rows follow b, columns w: Z[i, j] = mean((w_j x + b_i - y)^2)
    assert Z[0, 0] == 0.0  # w=2, b=1 is the exact line
    assert Z[1, 0] == pytest.approx(1.0)  # every residual -1
    assert Z[2, 0] == pytest.approx(4.0)  # every residual +2
    assert Z[0, 1] == pytest.approx((0 + 4 + 16) / 3)  # w=0, b=1: residuals 0, -2, -4


@pytest.mark.parametrize(
    "x, y",
    [
        (np.full(6, 2.5), np.arange(6.0)),  # no spread in x: no least-squares slope
        (np.array([4.0]), np.array([-1.0])),  # one sample
        (np.arange(5.0), 7.0 - 3.0 * np.arange(5.0)),  # exact fit: minimum loss 0
    ],
)
def test_mse_surface_degenerate_data(x, y):
    w, b = np.linspace(-5, 5, 11), np.linspace(-3, 9, 7)
    np.testing.assert_allclose(loss_surface(x, y, w, b), _brute(x, y, w, b, _squared),
                               rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------- other losses
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


CASES = [
    ("mae", {}, lambda y, p: np.abs(p - y)),
    ("huber", {"delta": 0.7},
     lambda y, p: np.where(np.abs(p - y) <= 0.7, 0.5 * (p - y) ** 2,
                           0.7 * (np.abs(p - y) - 0.35))),
    ("huber", {}, lambda y, p: np.where(np.abs(p - y) <= 1, 0.5 * (p - y) ** 2,
                                        np.abs(p - y) - 0.5)),
    ("log_cosh", {}, lambda y, p: np.log(np.cosh(p - y))),
    ("quantile", {"q": 0.2}, lambda y, p: np.maximum(0.2 * (y - p), -0.8 * (y - p))),
    ("asymmetric", {"under": 3.0, "over": 1.0},
     lambda y, p: 3.0 * np.maximum(y - p, 0) + 1.0 * np.maximum(p - y, 0)),
    ("mse", {}, _squared),
]


@pytest.mark.parametrize("loss, params, per_sample", CASES)
def test_other_losses_equal_brute_force(loss, params, per_sample):
    rng = np.random.default_rng(6)
    x = rng.normal(size=200)
    y = 1.0 - 0.5 * x + rng.standard_t(2, size=200)
    w, b = np.linspace(-3, 2, 13), np.linspace(-2, 4, 9)
    Z = loss_surface(x, y, w, b, loss=loss, **params)
    np.testing.assert_allclose(Z, _brute(x, y, w, b, per_sample), rtol=1e-12)


def test_bce_surface_is_the_logistic_model():
    rng = np.random.default_rng(8)
    x = rng.normal(size=300)
    y = (rng.uniform(size=300) < _sigmoid(1.5 * x - 0.5)).astype(float)
    w, b = np.linspace(-4, 4, 9), np.linspace(-3, 3, 7)

    def bce(y, z):
        p = _sigmoid(z)
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))

    np.testing.assert_allclose(loss_surface(x, y, w, b, loss="bce"), _brute(x, y, w, b, bce),
                               rtol=1e-10)


def test_blocks_with_a_ragged_last_block(monkeypatch):
    rng = np.random.default_rng(9)
    x, y = rng.normal(size=40), rng.normal(size=40)
    w, b = np.linspace(-1, 1, 7), np.linspace(-1, 1, 5)  # 35 points in blocks of 3
    monkeypatch.setattr(landscape, "_BLOCK_ELEMENTS", 3 * 40 + 1)
    _, params, per_sample = CASES[1]  # huber, delta 0.7
    Z = loss_surface(x, y, w, b, loss="huber", **params)
    np.testing.assert_allclose(Z, _brute(x, y, w, b, per_sample), rtol=1e-12)


def test_far_grid_overflows_to_inf_without_warning():
    x, y = np.array([1.0, 2.0]), np.array([0.0, 1.0])
    Z = loss_surface(x, y, [1e200], [0.0])
    assert Z[0, 0] == np.inf


# --------------------------------------------------------------------------- memory
@pytest.mark.parametrize("loss, params, grid", [
    ("mae", {}, 100),
    ("huber", {"delta": 1.0}, 6),
    ("log_cosh", {}, 6),
    ("asymmetric", {"under": 2.0, "over": 1.0}, 6),
    ("bce", {}, 6),
    ("mse", {}, 100),
])
def test_peak_memory_is_bounded(loss, params, grid):
    rng = np.random.default_rng(10)
    n = 100_000
    x = rng.normal(size=n)
    y = (x > 0).astype(float) if loss == "bce" else 2 * x + rng.normal(size=n)
    w, b = np.linspace(-1, 4, grid), np.linspace(-2, 3, grid)
    tracemalloc.start()
    try:
        Z = loss_surface(x, y, w, b, loss=loss, **params)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Z.shape == (grid, grid) and np.all(np.isfinite(Z))
    # an (n_grid, n) array of predictions alone would be 8 GB at 100 x 100
    assert peak < 200e6


# ------------------------------------------------------------------------ bad input
X3, Y3 = np.arange(3.0), np.arange(3.0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"x": [0.0, np.nan, 1.0]}, "x"),
        ({"y": [0.0, 1.0]}, "x and y"),
        ({"w_grid": [[0.0, 1.0]]}, "w_grid"),
        ({"b_grid": [0.0, np.inf]}, "b_grid"),
        ({"b_grid": []}, "b_grid"),
        ({"loss": "cce"}, "loss"),
        ({"loss": "squared"}, "loss"),
        ({"loss": "huber", "delta": -1.0}, "delta"),
        ({"loss": "bce", "y": [0.0, 1.0, 2.0]}, "y"),
    ],
)
def test_loss_surface_bad_input(kwargs, name):
    args = {"x": X3, "y": Y3, "w_grid": [0.0, 1.0], "b_grid": [0.0], **kwargs}
    with pytest.raises(ValueError, match=f"^{name} "):
        loss_surface(args.pop("x"), args.pop("y"), args.pop("w_grid"), args.pop("b_grid"),
                     **args)


def test_unknown_loss_parameter_raises():
    with pytest.raises(ValueError, match="delta"):
        loss_surface(X3, Y3, [0.0], [0.0], loss="mse", delta=1.0)


@pytest.mark.parametrize(
    "X, kwargs, name",
    [
        ([[0.0], [np.nan]], {}, "X"),
        (np.zeros((2, 2, 2)), {}, "X"),
        ([[1.0], [2.0]], {"l2": -0.1}, "l2"),
        ([[1.0], [2.0]], {"fit_intercept": 1}, "fit_intercept"),
    ],
)
def test_critical_rate_bad_input(X, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        critical_learning_rate(X, **kwargs)


# ------------------------------------------------------------------- counting descent steps
def _loop_count(X, y, lr, tol, l2=0.0, limit=100_000):
    """Full-batch descent written out (torch.optim.SGD's rule on the mean squared error plus l2 |w|²)."""
    Xa = np.column_stack([X, np.ones(len(y))])
    best = closed_form.normal_equation(X, y, l2=l2)
    theta = np.zeros(Xa.shape[1])
    mask = np.r_[np.ones(Xa.shape[1] - 1), 0.0]
    for t in range(limit + 1):
        if np.linalg.norm(theta - best) <= tol:
            return t
        theta = theta - lr * ((2 / len(y)) * Xa.T @ (Xa @ theta - y) + 2 * l2 * mask * theta)
    return -1


@pytest.mark.parametrize(("gap", "l2"), [(None, 0.0), (1.0, 0.0), (0.3, 0.0), (0.1, 0.0), (0.0, 0.0), (0.3, 0.05),
                                         (0.0, 0.1)])
def test_descent_count_equals_running_the_descent(gap, l2):
    data = datasets.alike_features(n=40, noise=0.5, gap=gap, seed=3)
    count = landscape.descent_count(data.X, data.y, tol=1e-6, l2=l2)
    assert count.steps == _loop_count(data.X, data.y, count.lr, 1e-6, l2)
    assert count.singular == (gap == 0.0 and l2 == 0.0)
    # A given rate too: a tenth of the best one takes about ten times the steps.
    slow = landscape.descent_count(data.X, data.y, tol=1e-6, l2=l2, lr=count.lr / 10)
    assert slow.steps == _loop_count(data.X, data.y, count.lr / 10, 1e-6, l2)


def test_best_rate_and_condition_by_hand():
    """X = [-1, 1] with an intercept: H = (2/2) [[2, 0], [0, 2]] = 2I, so κ = 1 and the best rate 1/2 lands in one step."""
    count = landscape.descent_count([-1.0, 1.0], [0.0, 2.0])
    assert count.cond == 1.0 and count.lr == 0.5 and landscape.best_rate([-1.0, 1.0]) == 0.5
    assert count.steps == 1 and count.start_distance == pytest.approx(np.sqrt(2))


def test_the_count_grows_with_the_condition_number_as_the_theory_says():
    """At the best rate the slowest error shrinks by (κ − 1)/(κ + 1): about (κ/2) ln(d0/ε) steps."""
    for gap in (0.1, 0.03, 0.01):
        data = datasets.alike_features(n=60, noise=0.5, gap=gap, seed=1)
        count = landscape.descent_count(data.X, data.y, tol=1e-6)
        rough = count.cond / 2 * np.log(count.start_distance / 1e-6)
        assert 0.5 * rough < count.steps < 1.1 * rough, (gap, count.steps, rough)


def test_an_exact_copy_from_zero_reaches_the_minimum_norm_answer_but_not_from_elsewhere():
    data = datasets.alike_features(n=30, gap=0.0, seed=2)
    count = landscape.descent_count(data.X, data.y)
    assert count.singular and 0 < count.steps < 100
    off = landscape.descent_count(data.X, data.y, start=[1.0, -1.0, 0.0])  # along the unseen direction
    assert off.steps == -1
    assert landscape.descent_count(data.X, data.y, max_steps=3).steps == -1


@pytest.mark.parametrize(("kwargs", "name"), [({"tol": 0.0}, "tol"), ({"lr": -1.0}, "lr"), ({"l2": -1.0}, "l2"),
                                              ({"start": [0.0, 0.0]}, "start"), ({"max_steps": 0}, "max_steps")])
def test_descent_count_bad_input(kwargs, name):
    data = datasets.alike_features(n=10)
    with pytest.raises(ValueError, match=name):
        landscape.descent_count(data.X, data.y, **kwargs)


def test_steps_to_loss_gives_the_reviews_counts_and_a_loop_agrees():
    # The learning-rate view's 40 points: within 1% of the least-squares loss from (0, 0). The review counted
    # 364,681 at the lesson's 0.00001, 364 at 0.01 and 182 at 0.02 from the eigenvalues (numpy, by hand).
    from core.datasets import line_with_outliers

    d = line_with_outliers(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0, x_range=(0.0, 10.0), seed=0)
    w, b = np.polyfit(d.x, d.y, 1)
    best = float(np.mean((w * d.x + b - d.y) ** 2))
    got = [landscape.steps_to_loss(d.x, d.y, lr, 0.01 * best) for lr in (1e-5, 0.01, 0.02)]
    assert got == [364_681, 364, 182]
    # a plain loop of 400 updates at 0.01, written out
    theta, k = np.zeros(2), 0
    while np.mean((theta[0] * d.x + theta[1] - d.y) ** 2) > 1.01 * best:
        r = theta[0] * d.x + theta[1] - d.y
        theta = theta - 0.01 * np.array([2 * np.mean(r * d.x), 2 * np.mean(r)])
        k += 1
    assert k == 364
    assert landscape.steps_to_loss(d.x, d.y, 1e-5, 0.01 * best, max_steps=1000) == -1
    with pytest.raises(ValueError, match="critical rate"):
        landscape.steps_to_loss(d.x, d.y, 0.03, 0.01 * best)
    with pytest.raises(ValueError, match="gap"):
        landscape.steps_to_loss(d.x, d.y, 0.01, 0.0)
