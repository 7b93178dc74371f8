"""core.training.fit_linear against loop-based references, finite differences and sklearn."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from core import losses, optimizers, penalties, schedules
from core.training import fit_linear, objective, objective_gradient
from core.trajectory import Trajectory


def small_data(n=12, d=2, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.arange(1.0, d + 1) + 0.5 + 0.3 * rng.normal(size=n)
    return X, y


def reference_gd_mse(X, y, lr, steps):
    """Plain full-batch gradient descent on mean((x.w + b - y)^2), one sample at a time."""
    n, d = len(X), len(X[0])
    w = [0.0] * d
    b = 0.0
    path, loss = [], []
    for t in range(steps + 1):
        preds = [sum(w[j] * X[i][j] for j in range(d)) + b for i in range(n)]
        errs = [preds[i] - y[i] for i in range(n)]
        path.append(w + [b])
        loss.append(sum(e * e for e in errs) / n)
        if t == steps:
            break
        gw = [sum(2 * errs[i] * X[i][j] for i in range(n)) / n for j in range(d)]
        gb = sum(2 * e for e in errs) / n
        w = [w[j] - lr * gw[j] for j in range(d)]
        b = b - lr * gb
    return np.array(path), np.array(loss)


def critical_lr_by_hand(X):
    Xa = np.hstack([X, np.ones((len(X), 1))])
    return 2.0 / np.linalg.eigvalsh(2.0 * Xa.T @ Xa / len(X)).max()


# -- exact arithmetic against references --------------------------------------------------


def test_full_batch_mse_matches_scalar_loop():
    X, y = small_data()
    traj = fit_linear(X, y, loss="mse", optimizer="sgd", lr=0.05, steps=30)
    ref_path, ref_loss = reference_gd_mse(X.tolist(), y.tolist(), 0.05, 30)
    assert traj.params.shape == (31, 1, 3)
    assert traj.loss.shape == (31, 1)
    assert traj.lr.shape == (30, 1)
    np.testing.assert_allclose(traj.params[:, 0], ref_path, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(traj.loss[:, 0], ref_loss, rtol=1e-10)
    assert traj.diverged_at.tolist() == [-1]


def test_hand_computed_first_step():
    # x = [0, 1, 2], y = [1, 3, 5]; from w = b = 0 the gradient is
    # dJ/dw = 2/3 * (0*-1 + 1*-3 + 2*-5) = -26/3, dJ/db = 2/3 * (-9) = -6; J(0) = 35/3.
    X = np.array([[0.0], [1.0], [2.0]])
    y = np.array([1.0, 3.0, 5.0])
    traj = fit_linear(X, y, lr=0.1, steps=1)
    np.testing.assert_allclose(traj.params[1, 0], [2.6 / 3 * 1.0, 0.6], rtol=1e-12)
    assert traj.loss[0, 0] == pytest.approx(35 / 3, rel=1e-12)


def test_loss_is_exact_near_the_optimum_despite_a_large_offset():
    # With y ~ 1e6 a naive w'Aw - 2c'w + mean(y^2) loses ~10 digits; the path's loss must not.
    X, y = small_data(n=50, d=1)
    y = y + 1e6
    traj = fit_linear(X, y, optimizer="adam", lr=0.5, steps=5, init=[[1.0, 1e6]])
    Xa = np.hstack([X, np.ones((50, 1))])
    brute = np.mean((traj.params[:, 0] @ Xa.T - y) ** 2, axis=1)
    np.testing.assert_allclose(traj.loss[:, 0], brute, rtol=1e-9)


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "log_cosh", "quantile", "asymmetric"])
def test_generic_losses_follow_their_gradient(name):
    """One plain GD step moves params by -lr * mean(dloss/dpred * x) (checked by hand)."""
    X, y = small_data(n=9, d=1)
    X = X + 0.123  # keep residuals away from the kinks
    params = {"asymmetric": {"under": 3.0, "over": 0.5}, "quantile": {"q": 0.8}}.get(name, {})
    loss = losses.get(name, **params)
    traj = fit_linear(X, y, loss=loss, lr=0.01, steps=1, init=[[0.2, -0.1]])
    pred = 0.2 * X[:, 0] - 0.1
    g = loss.grad(y, pred)
    expected = np.array([0.2, -0.1]) - 0.01 * np.array([np.mean(g * X[:, 0]), np.mean(g)])
    np.testing.assert_allclose(traj.params[1, 0], expected, rtol=1e-12)
    assert traj.loss[0, 0] == pytest.approx(np.mean(loss.value(y, pred)), rel=1e-12)


# -- the objective and its gradient -------------------------------------------------------

LOSSES = [
    ("mse", {}),
    ("mae", {}),
    ("huber", {"delta": 0.7}),
    ("log_cosh", {}),
    ("quantile", {"q": 0.3}),
    ("asymmetric", {"under": 4.0, "over": 1.0}),
    ("bce", {}),
]
PENALTIES = [("none", 0.0), ("l1", 0.3), ("l2", 0.3), ("elastic_net", 0.3)]


@pytest.mark.parametrize("loss_name,loss_params", LOSSES)
@pytest.mark.parametrize("pen_name,lam", PENALTIES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_objective_gradient_matches_finite_differences(loss_name, loss_params, pen_name, lam, fit_intercept):
    X, y = small_data(n=15, d=2, seed=7)
    if loss_name == "bce":
        y = (y > np.median(y)).astype(float)
    loss = losses.get(loss_name, **loss_params)
    pen = penalties.get(pen_name, lam)
    theta = np.array([[0.37, -0.81, 0.23], [1.1, 0.4, -0.6]])[:, : 2 + fit_intercept]
    kw = dict(loss=loss, penalty=pen, fit_intercept=fit_intercept)
    g = objective_gradient(theta, X, y, **kw)
    h = 1e-6
    fd = np.empty_like(theta)
    for r in range(theta.shape[0]):
        for p in range(theta.shape[1]):
            up, down = theta[r].copy(), theta[r].copy()
            up[p] += h
            down[p] -= h
            fd[r, p] = (objective(up, X, y, **kw) - objective(down, X, y, **kw)) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-7)


def test_objective_adds_the_penalty_on_weights_only():
    X, y = small_data(n=10, d=2)
    theta = np.array([0.5, -2.0, 7.0])  # the intercept 7 must not be penalized
    pen = penalties.get("elastic_net", 0.4, l1_ratio=0.25)
    plain = objective(theta, X, y)
    assert objective(theta, X, y, penalty=pen) == pytest.approx(
        plain + 0.4 * (0.25 * 2.5 + 0.75 * 4.25), rel=1e-12
    )


# -- batching, runs, schedules ------------------------------------------------------------

OPTIMIZERS = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("adagrad", {}),
    ("rmsprop", {"momentum": 0.5, "centered": True}),
    ("adam", {"amsgrad": True}),
    ("adamw", {}),
]


@pytest.mark.parametrize("opt_name,hyper", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 4, 1])
def test_batched_runs_equal_single_runs(opt_name, hyper, batch_size):
    X, y = small_data(n=11, d=2)
    rates = np.array([0.001, 0.02, 0.07])
    opt = optimizers.get(opt_name, **hyper)
    kw = dict(loss="huber", optimizer=opt, steps=25, batch_size=batch_size, seed=5,
              penalty=penalties.get("l2", 0.01))
    together = fit_linear(X, y, lr=rates, **kw)
    for r, rate in enumerate(rates):
        alone = fit_linear(X, y, lr=float(rate), **kw)
        np.testing.assert_allclose(together.params[:, r], alone.params[:, 0], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(together.loss[:, r], alone.loss[:, 0], rtol=1e-13)


def test_sgd_batch_size_one_matches_a_sample_by_sample_loop():
    X, y = small_data(n=5, d=1)
    steps, lr, seed = 13, 0.05, 9
    traj = fit_linear(X, y, lr=lr, steps=steps, batch_size=1, seed=seed)
    # Reference: documented shuffling, a fresh permutation of the n samples every epoch.
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(5) for _ in range(3)])[:steps]
    w, b = 0.0, 0.0
    for t, i in enumerate(order):
        err = w * X[i, 0] + b - y[i]
        w, b = w - lr * 2 * err * X[i, 0], b - lr * 2 * err
        np.testing.assert_allclose(traj.params[t + 1, 0], [w, b], rtol=1e-12)


def test_last_batch_of_an_epoch_is_smaller():
    # n = 5, batch 2: batches of 2, 2, 1 per epoch; the third step uses one sample only.
    X, y = small_data(n=5, d=1)
    traj = fit_linear(X, y, lr=0.1, steps=3, batch_size=2, seed=0)
    perm = np.random.default_rng(0).permutation(5)
    theta = traj.params[2, 0]
    i = perm[4]
    err = theta[0] * X[i, 0] + theta[1] - y[i]
    np.testing.assert_allclose(traj.params[3, 0], theta - 0.1 * 2 * err * np.array([X[i, 0], 1.0]))


def test_seed_changes_mini_batches_only():
    X, y = small_data(n=20, d=1)
    a = fit_linear(X, y, lr=0.05, steps=10, batch_size=4, seed=1)
    b = fit_linear(X, y, lr=0.05, steps=10, batch_size=4, seed=1)
    c = fit_linear(X, y, lr=0.05, steps=10, batch_size=4, seed=2)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.allclose(a.params, c.params)
    full1 = fit_linear(X, y, lr=0.05, steps=10, seed=1)
    full2 = fit_linear(X, y, lr=0.05, steps=10, seed=2)
    np.testing.assert_array_equal(full1.params, full2.params)


def test_schedule_rates_are_used_and_recorded():
    X, y = small_data()
    sched = schedules.step(0.1, step_size=3, gamma=0.5)
    traj = fit_linear(X, y, lr=sched, steps=7)
    np.testing.assert_allclose(traj.lr[:, 0], [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    # Same path as doing the updates with the recorded rates by hand.
    Xa = np.hstack([X, np.ones((len(X), 1))])
    theta = np.zeros(3)
    for t in range(7):
        theta = theta - traj.lr[t, 0] * 2 * Xa.T @ (Xa @ theta - y) / len(y)
    np.testing.assert_allclose(traj.params[-1, 0], theta, rtol=1e-12)


def test_schedule_with_an_array_base_is_a_sweep():
    X, y = small_data()
    traj = fit_linear(X, y, lr=schedules.cosine(np.array([0.01, 0.1]), t_max=10), steps=10)
    assert traj.lr.shape == (10, 2)
    np.testing.assert_allclose(traj.lr[0], [0.01, 0.1])
    np.testing.assert_allclose(traj.lr[5], [0.005, 0.05], rtol=1e-12)


def test_init_rows_make_runs():
    X, y = small_data(d=1)
    traj = fit_linear(X, y, lr=0.01, steps=2, init=[[0.0, 0.0], [5.0, -5.0]])
    assert traj.params.shape == (3, 2, 2)
    np.testing.assert_array_equal(traj.params[0], [[0.0, 0.0], [5.0, -5.0]])


# -- convergence, divergence --------------------------------------------------------------


def test_converges_to_least_squares():
    X, y = small_data(n=40, d=3)
    traj = fit_linear(X, y, lr=0.9 * critical_lr_by_hand(X), steps=3000)
    Xa = np.hstack([X, np.ones((40, 1))])
    best = np.linalg.lstsq(Xa, y, rcond=None)[0]
    np.testing.assert_allclose(traj.final_params[0], best, rtol=1e-8)


def test_weighted_mse_converges_to_scikit_learns_weighted_least_squares():
    from sklearn.linear_model import LinearRegression

    X, y = small_data(n=40, d=2)
    s = np.linspace(0.2, 5.0, 40)
    traj = fit_linear(X, y, lr=0.05, steps=4000, sample_weight=s)
    ref = LinearRegression().fit(X, y, sample_weight=s)
    np.testing.assert_allclose(traj.final_params[0], [*ref.coef_, ref.intercept_], rtol=1e-7)
    # the value is the weighted mean of the squared errors, by hand, along the path
    theta = traj.params[7, 0]
    err = X @ theta[:2] + theta[2] - y
    assert traj.loss[7, 0] == pytest.approx(s @ err**2 / s.sum(), rel=1e-10)


def test_weighted_sgd_step_by_hand():
    # batch of one: the step is the sample's gradient times its weight over the mean weight
    X, y = small_data(n=5, d=1)
    s = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    traj = fit_linear(X, y, lr=0.05, steps=1, batch_size=1, seed=9, sample_weight=s)
    i = np.random.default_rng(9).permutation(5)[0]
    err = -y[i]  # from (0, 0)
    step = 0.05 * 2 * err * (s[i] / s.mean()) * np.array([X[i, 0], 1.0])
    np.testing.assert_allclose(traj.params[1, 0], -step, rtol=1e-12)


def test_rate_three_percent_above_critical_diverges_and_below_converges():
    X, y = small_data(n=30, d=2)
    crit = critical_lr_by_hand(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may leak
        traj = fit_linear(X, y, lr=np.array([0.97, 1.03]) * crit, steps=3000)
    below, above = traj.diverged_at
    assert below == -1
    assert above > 0
    assert traj.final_loss[1] == math.inf
    assert np.isnan(traj.loss[above + 1 :, 1]).all()
    assert np.isfinite(traj.params[above:, 1]).all()
    np.testing.assert_array_equal(traj.params[-1, 1], traj.params[above, 1])  # frozen
    Xa = np.hstack([X, np.ones((30, 1))])
    best_loss = np.mean((Xa @ np.linalg.lstsq(Xa, y, rcond=None)[0] - y) ** 2)
    assert traj.final_loss[0] == pytest.approx(best_loss, rel=1e-9)


def test_huge_rate_diverges_at_once_without_warnings():
    X, y = small_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow to inf and NaN must stay silent
        traj = fit_linear(X, y, lr=np.array([1e6, 1e300]), steps=2000, optimizer="sgd")
    # lr = 1e6 multiplies the error by ~1e6 per step: past 1e12 x the start within 3 steps.
    assert 1 <= traj.diverged_at[0] <= 3
    assert traj.diverged_at[1] == 1
    assert np.isnan(traj.loss[2:, 1]).all()


def test_first_step_below():
    X, y = small_data()
    traj = fit_linear(X, y, lr=np.array([0.001, 0.1]), steps=200)
    target = traj.loss[-1, 1] * 1.01
    hit = traj.first_step_below(target)
    assert hit[0] == -1
    assert 0 < hit[1] < 200
    assert traj.loss[hit[1], 1] <= target < traj.loss[hit[1] - 1, 1]


# -- logistic model ------------------------------------------------------------------------


def test_logistic_fit_matches_sklearn():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X @ [1.5, -1.0] + 0.3 + rng.logistic(size=200) > 0).astype(float)
    C = 0.5
    # sklearn minimizes C * sum(logloss) + 0.5 ||w||^2, i.e. mean(logloss) + ||w||^2 / (2 C n).
    pen = penalties.get("l2", 1.0 / (2 * C * 200))
    traj = fit_linear(X, y, loss="bce", optimizer="sgd", lr=2.0, steps=4000, penalty=pen)
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(traj.final_params[0, :2], ref.coef_[0], rtol=1e-6)
    np.testing.assert_allclose(traj.final_params[0, 2], ref.intercept_[0], rtol=1e-6)


def test_logistic_loss_is_stable_for_huge_logits():
    X = np.array([[1.0], [-1.0]])
    y = np.array([1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        val = objective([800.0, 0.0], X, y, loss="bce")
        wrong = objective([-800.0, 0.0], X, y, loss="bce")
    assert val == pytest.approx(0.0, abs=1e-300)
    assert wrong == pytest.approx(800.0, rel=1e-12)


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(lr=-0.1), "lr"),
        (dict(lr=0.0), "lr"),
        (dict(lr=np.array([0.1, -1.0])), "lr"),
        (dict(lr=float("nan")), "lr"),
        (dict(steps=-1), "steps"),
        (dict(steps=2.5), "steps"),
        (dict(batch_size=0), "batch_size"),
        (dict(loss="hinge"), "loss"),
        (dict(loss="cce"), "loss"),
        (dict(optimizer="lbfgs"), "optimizer"),
        (dict(penalty="l2"), "penalty"),
        (dict(init=[[0.0, 0.0]]), "init"),
        (dict(init=np.zeros((2, 3)), lr=np.array([0.1, 0.2, 0.3])), "lr"),
        (dict(seed=-3), "seed"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs, match):
    X, y = small_data(d=2)
    args = dict(lr=0.1, steps=3) | kwargs
    with pytest.raises(ValueError, match=match):
        fit_linear(X, y, **args)


@pytest.mark.parametrize(
    "X,y,match",
    [
        (np.ones((3, 1)), np.ones(4), "same number of samples"),
        (np.array([[1.0], [np.nan]]), np.ones(2), "X"),
        (np.ones((2, 1)), np.array([1.0, np.inf]), "y"),
        (np.ones((2, 2, 2)), np.ones(2), "X"),
    ],
)
def test_bad_data_raises(X, y, match):
    with pytest.raises(ValueError, match=match):
        fit_linear(X, y, lr=0.1, steps=1)


def test_bce_labels_must_be_in_unit_interval():
    with pytest.raises(ValueError, match="y"):
        fit_linear(np.ones((2, 1)), np.array([0.0, 2.0]), loss="bce", lr=0.1, steps=1)


def test_trajectory_is_a_plain_record():
    X, y = small_data()
    traj = fit_linear(X, y, lr=0.1, steps=0)
    assert isinstance(traj, Trajectory)
    assert traj.params.shape == (1, 1, 3) and traj.lr.shape == (0, 1)
    assert traj.n_runs == 1


def test_lr_every_steps_the_schedule_once_per_block_of_updates():
    X, y = small_data()
    run = fit_linear(X, y, lr=schedules.step(0.05, step_size=2, gamma=0.5), steps=12, batch_size=4, lr_every=3)
    # 3 mini-batches per epoch: the schedule's t is the epoch, so the rate halves every 6 updates.
    assert np.allclose(run.lr[:, 0], [0.05] * 6 + [0.025] * 6)


def test_reduce_on_plateau_is_fed_the_full_objective_after_each_block():
    """A loop with the reference scheduler (torch's algorithm) and plain SGD on mini-batches."""
    from tests.core.schedule_oracle import RefPlateau

    X, y = small_data(n=12)
    steps, every, lr = 60, 3, 0.3
    run = fit_linear(X, y, lr=schedules.reduce_on_plateau(lr, patience=1, factor=0.5), steps=steps,
                     batch_size=4, lr_every=every, seed=5)
    ref = RefPlateau(lr, patience=1, factor=0.5)
    theta = np.zeros(3)
    rng = np.random.default_rng(5)
    batches = [b for _ in range(steps // every) for b in np.split(rng.permutation(12), 3)]
    Xa = np.hstack([X, np.ones((12, 1))])
    rates = []
    for t in range(steps):
        rows = batches[t]
        grad = 2 * (Xa[rows] @ theta - y[rows]) @ Xa[rows] / len(rows)
        rates.append(ref.lr)
        theta = theta - ref.lr * grad
        if (t + 1) % every == 0:
            ref.step(np.mean((Xa @ theta - y) ** 2))
    assert np.allclose(run.lr[:, 0], rates, rtol=1e-13)
    assert len(set(rates)) >= 3  # the rate was cut at least twice
    assert np.allclose(run.params[-1, 0], theta, rtol=1e-10)


def test_reduce_on_plateau_with_one_rate_per_run():
    X, y = small_data()
    run = fit_linear(X, y, lr=schedules.reduce_on_plateau(np.array([0.01, 0.3]), patience=0), steps=40)
    assert run.lr.shape == (40, 2)
    assert run.lr[0].tolist() == [0.01, 0.3] and run.lr[-1, 1] < 0.3


def test_lr_every_must_be_a_positive_integer():
    X, y = small_data()
    with pytest.raises(ValueError, match="lr_every"):
        fit_linear(X, y, lr=0.1, steps=3, lr_every=0)


@pytest.mark.parametrize("k,b", [(4, 4), (2, 8), (8, 1)])
def test_accumulating_k_batches_of_b_is_one_batch_of_k_b(k, b):
    X, y = small_data(n=32)
    big = fit_linear(X, y, lr=0.05, steps=40, batch_size=k * b, seed=2)
    accumulated = fit_linear(X, y, lr=0.05, steps=40, batch_size=b, accumulate=k, seed=2)
    assert np.allclose(accumulated.params, big.params, rtol=1e-13, atol=1e-15)
    assert np.abs(accumulated.params - big.params).max() < 1e-13


def test_accumulation_by_hand_as_torch_code_does_it():
    """k backward() calls on loss / k, then one step: the rows of k consecutive shuffled batches."""
    X, y = small_data(n=12)
    run = fit_linear(X, y, lr=0.1, steps=6, batch_size=2, accumulate=3, seed=4)
    Xa = np.hstack([X, np.ones((12, 1))])
    rng = np.random.default_rng(4)
    batches = [b for _ in range(3) for b in np.split(rng.permutation(12), 6)]
    theta = np.zeros(3)
    for t in range(6):
        grad = np.zeros(3)
        for rows in batches[3 * t: 3 * t + 3]:
            grad += 2 * (Xa[rows] @ theta - y[rows]) @ Xa[rows] / rows.size / 3
        theta = theta - 0.1 * grad
    assert np.allclose(run.params[-1, 0], theta, rtol=1e-13)
