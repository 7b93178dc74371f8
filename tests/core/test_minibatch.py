"""core.minibatch: the spread of mini-batch gradients, against every subset of a small data set."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from core import minibatch, training


def data(n=6, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2, n)
    return x, 2 * x + 1 + 0.5 * rng.standard_normal(n)


def test_per_example_gradients_average_to_the_full_gradient():
    x, y = data(n=30)
    theta = np.array([0.3, -0.7])
    grads = minibatch.per_example_gradients(x, y, theta)
    assert grads.shape == (30, 2)
    assert_allclose(grads.mean(axis=0), training.objective_gradient(theta, x, y), rtol=1e-12)
    # One example by hand: 2 (w x + b - y) [x, 1].
    assert_allclose(grads[0], 2 * (0.3 * x[0] - 0.7 - y[0]) * np.array([x[0], 1.0]), rtol=1e-14)


@pytest.mark.parametrize("b", [1, 2, 3, 4, 5, 6])
def test_expected_spread_is_the_average_over_every_batch(b):
    x, y = data()
    theta = np.array([1.5, 0.2])
    grads = minibatch.per_example_gradients(x, y, theta)
    full = grads.mean(axis=0)
    every = [np.sum((grads[list(rows)].mean(axis=0) - full) ** 2) for rows in itertools.combinations(range(6), b)]
    assert minibatch.expected_spread(x, y, theta, [b])[0] == pytest.approx(np.mean(every), rel=1e-12, abs=1e-15)


def test_the_spread_falls_as_one_over_b_times_the_finite_population_correction():
    x, y = data(n=256, seed=0)
    theta = np.array([2.0, 1.0])
    sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
    expected = minibatch.expected_spread(x, y, theta, sizes)
    scaled = expected[:-1] * sizes[:-1] / ((256 - sizes[:-1]) / 255)
    assert_allclose(scaled, scaled[0], rtol=1e-12)
    assert expected[-1] == 0.0


def test_measured_spread_agrees_with_the_law_within_its_statistical_error():
    x, y = data(n=256, seed=0)
    theta = np.array([2.0, 1.0])
    sizes = [1, 2, 4, 8, 16, 32, 64, 128]
    mean, error = minibatch.measured_spread(x, y, theta, sizes, draws=4000, seed=3)
    expected = minibatch.expected_spread(x, y, theta, sizes)
    assert np.all(np.abs(mean - expected) < 4 * error)
    assert np.all(error < 0.05 * expected)  # a test that could fail: 4000 draws pin each to a few percent
    full, _ = minibatch.measured_spread(x, y, theta, [256], draws=10)
    assert full[0] < 1e-25


@pytest.mark.parametrize("call,word", [
    (lambda x, y: minibatch.expected_spread(x, y, [1.0, 2.0], [0]), "batch_sizes"),
    (lambda x, y: minibatch.expected_spread(x, y, [1.0, 2.0], [7]), "batch_sizes"),
    (lambda x, y: minibatch.expected_spread(x, y, [1.0, 2.0], [1.5]), "batch_sizes"),
    (lambda x, y: minibatch.per_example_gradients(x, y, [1.0]), "theta"),
    (lambda x, y: minibatch.measured_spread(x, y, [1.0, 2.0], [1], draws=1), "draws"),
])
def test_bad_arguments_raise_naming_them(call, word):
    x, y = data()
    with pytest.raises(ValueError, match=word):
        call(x, y)
