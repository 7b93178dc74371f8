"""core.tiny_net: backpropagation against finite differences, many starts against one, landscapes."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from core import datasets, optimizers, tiny_net


def moons(n=60):
    data = datasets.two_moons(n=n, noise=0.1, seed=1)
    return data.X, data.y


@pytest.mark.parametrize("kind", ["bce", "mse"])
@pytest.mark.parametrize("hidden", [1, 3, 8])
def test_backpropagation_matches_central_finite_differences(kind, hidden):
    X, y = moons()
    theta = tiny_net.init(hidden, 3, seed=4) * 2.0  # away from the start's small weights
    grad = tiny_net.gradient(theta, X, y, loss=kind)
    step = 1e-6
    numeric = np.empty_like(theta)
    for j in range(theta.shape[1]):
        e = np.zeros(theta.shape[1])
        e[j] = step
        numeric[:, j] = (tiny_net.loss(theta + e, X, y, loss=kind) - tiny_net.loss(theta - e, X, y, loss=kind)) / (2 * step)
    assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_the_forward_pass_by_hand_for_one_unit():
    X = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.array([1.0, 0.0])
    theta = np.array([0.3, -0.2, 0.1, 1.5, -0.4])  # W1 = [0.3, -0.2], b1 = 0.1, w2 = 1.5, b2 = -0.4
    h = np.tanh(np.array([0.3 * 1 - 0.2 * 2 + 0.1, 0.3 * 0.5 + 0.2 + 0.1]))
    z = 1.5 * h - 0.4
    assert_allclose(tiny_net.predict(theta, X)[0], z, rtol=1e-15)
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert tiny_net.loss(theta, X, y)[0] == pytest.approx(expected, rel=1e-12)


def test_bce_from_logits_does_not_overflow():
    X = np.array([[1.0, 0.0]])
    theta = np.array([0.0, 0.0, 0.0, 0.0, 800.0])  # z = 800 for a label 0: loss 800
    assert tiny_net.loss(theta, X, np.array([0.0]))[0] == pytest.approx(800.0)
    assert np.isfinite(tiny_net.gradient(theta, X, np.array([0.0]))).all()


def test_many_starts_train_exactly_as_each_alone():
    X, y = moons()
    together = tiny_net.train(X, y, hidden=4, runs=5, steps=60, lr=0.05, seed=2)
    for r in (0, 3):
        alone = tiny_net.train(X, y, hidden=4, steps=60, lr=0.05, start=together.start[r])
        assert_allclose(alone.params[0], together.params[r], rtol=1e-12, atol=1e-14)
        assert_allclose(alone.loss[:, 0], together.loss[:, r], rtol=1e-12)


def test_training_a_2_8_1_network_separates_the_moons():
    X, y = moons(n=100)
    runs = tiny_net.train(X, y, hidden=8, runs=20, steps=1500, lr=0.05, optimizer=optimizers.adam(), seed=0)
    final = runs.loss[-1]
    assert np.all(final < runs.loss[0])
    assert np.median(final) < 0.1  # a linear model cannot get below about 0.3 on these moons
    accuracy = np.mean((tiny_net.predict(runs.params[np.argmin(final)], X)[0] > 0) == (y == 1))
    assert accuracy > 0.97


def test_init_draws_torch_s_linear_bounds():
    theta = tiny_net.init(8, 2000, seed=0)
    W1b1, w2b2 = theta[:, :24], theta[:, 24:]
    assert np.abs(W1b1).max() <= 1 / np.sqrt(2) and np.abs(W1b1).max() > 0.99 / np.sqrt(2)
    assert np.abs(w2b2).max() <= 1 / np.sqrt(8) and np.abs(w2b2).max() > 0.99 / np.sqrt(8)


def test_directions_are_filter_normalized_and_the_surface_passes_through_the_solution():
    X, y = moons()
    theta = tiny_net.init(8, 1, seed=5)[0] * 3
    d1, d2 = tiny_net.directions(theta, seed=1)
    W1, b1, w2, _ = tiny_net.unpack(theta)
    for d in (d1, d2):
        D1, db1, dw2, db2 = tiny_net.unpack(d)
        assert_allclose(np.linalg.norm(D1[0], axis=1), np.linalg.norm(W1[0], axis=1), rtol=1e-12)
        assert np.linalg.norm(dw2) == pytest.approx(np.linalg.norm(w2))
        assert not db1.any() and db2[0] == 0.0
    assert not np.allclose(d1, d2)
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 3)
    grid = tiny_net.surface(theta, d1, d2, X, y, alphas, betas)
    assert grid.shape == (3, 5)
    assert grid[1, 2] == pytest.approx(tiny_net.loss(theta, X, y)[0], rel=1e-12)
    assert grid[0, 4] == pytest.approx(tiny_net.loss(theta + 1.0 * d1 - 0.5 * d2, X, y)[0], rel=1e-12)


@pytest.mark.parametrize("call,word", [
    (lambda X, y: tiny_net.loss(np.zeros(6), X, y), "params"),
    (lambda X, y: tiny_net.loss(np.zeros(5), X[:, :1], y), "X"),
    (lambda X, y: tiny_net.loss(np.zeros(5), X, y + 0.5), "labels"),
    (lambda X, y: tiny_net.loss(np.zeros(5), X, y, loss="mae"), "loss"),
    (lambda X, y: tiny_net.train(X, y, lr=0.0), "lr"),
    (lambda X, y: tiny_net.init(0, 3), "hidden"),
])
def test_bad_arguments_raise_naming_them(call, word):
    X, y = moons()
    with pytest.raises(ValueError, match=word):
        call(X, y)


def test_two_moons_are_two_half_circles():
    data = datasets.two_moons(n=9, noise=0.0)
    assert data.X.shape == (9, 2) and data.y.tolist() == [0] * 4 + [1] * 5
    assert_allclose(np.hypot(*data.X[:4].T), 1.0)
    assert_allclose(np.hypot(data.X[4:, 0] - 1.0, data.X[4:, 1] - 0.5), 1.0)


def test_a_diverging_start_is_marked_without_warnings():
    import warnings

    X, y = moons()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs = tiny_net.train(X, y, hidden=4, runs=2, steps=50, lr=1e6, optimizer="sgd", loss="mse", seed=0)
    assert (runs.diverged_at >= 0).all() and (runs.diverged_at < 50).all()
