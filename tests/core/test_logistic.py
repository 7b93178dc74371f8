"""core.logistic: the lesson's cross-entropy numbers, gradients against finite differences, training
against core.training (cross-entropy) and the vanishing gradient of squared error on probabilities."""

import math

import numpy as np
import pytest

from core import logistic, training


def _logit(p):
    return math.log(p / (1 - p))


@pytest.mark.parametrize(("p", "expected"), [(0.9, 0.105), (0.1, 2.303), (0.5, 0.693), (0.51, 0.673),
                                             (0.99, 0.0101)])
def test_the_lessons_cross_entropy_numbers(p, expected):
    value = float(logistic.loss_value(1.0, _logit(p), loss="bce"))
    assert value == pytest.approx(-math.log(p), rel=1e-12)
    assert round(value, 3 if expected > 0.05 else 4) == expected


@pytest.mark.parametrize("loss", logistic.LOSSES)
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_logit_gradient_against_central_differences(loss, y):
    z = np.linspace(-12.0, 12.0, 97)
    h = 1e-6
    numeric = (logistic.loss_value(y, z + h, loss=loss) - logistic.loss_value(y, z - h, loss=loss)) / (2 * h)
    np.testing.assert_allclose(logistic.logit_gradient(y, z, loss=loss), numeric, atol=1e-8)


def test_squared_error_on_probabilities_stops_pushing_when_confidently_wrong():
    # y = 1, z = -8: p = 0.000335. Cross-entropy still pushes with p - y ≈ -1; squared error with
    # 2 (p - 1) p (1 - p) ≈ -6.7e-4, about 1,500 times less.
    p = 1 / (1 + math.exp(8))
    assert float(logistic.logit_gradient(1.0, -8.0, loss="bce")) == pytest.approx(p - 1, rel=1e-12)
    assert float(logistic.logit_gradient(1.0, -8.0, loss="mse")) == pytest.approx(2 * (p - 1) * p * (1 - p), rel=1e-12)
    assert abs(float(logistic.logit_gradient(1.0, -8.0, loss="mse"))) < 7e-4


def test_cross_entropy_training_is_core_trainings_logistic_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=40) > 0).astype(float)
    init = np.array([[0.3, -0.2, 0.1], [-1.0, 2.0, 0.5]])
    ours = logistic.train(X, y, loss="bce", lr=0.5, steps=60, init=init)
    theirs = training.fit_linear(X, y, loss="bce", optimizer="sgd", lr=0.5, steps=60, init=init)
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.loss, theirs.loss, rtol=1e-12)


def test_a_confidently_wrong_start_recovers_under_cross_entropy_but_crawls_under_squared_error():
    x = np.linspace(-2.0, 2.0, 20)
    y = (x > 0).astype(float)
    start = np.array([-6.0, 0.0])  # the weight points the wrong way: confident and wrong
    ce = logistic.train(x, y, loss="bce", lr=0.5, steps=200, init=start)
    sq = logistic.train(x, y, loss="mse", lr=0.5, steps=200, init=start)
    # After 200 steps cross-entropy has turned the weight round (loss 6.38 -> 0.080); squared error
    # still points it the wrong way (0.907 -> 0.841): its steps vanish while p is near 0 or 1.
    assert ce.params[-1, 0, 0] > 4 and sq.params[-1, 0, 0] < -3
    assert ce.loss[-1, 0] < 0.02 * ce.loss[0, 0] and sq.loss[-1, 0] > 0.9 * sq.loss[0, 0]


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="loss"):
        logistic.train([0.0, 1.0], [0.0, 1.0], loss="hinge", lr=0.1, steps=1)
    with pytest.raises(ValueError, match="y"):
        logistic.train([0.0, 1.0], [0.0, 2.0], loss="bce", lr=0.1, steps=1)
    with pytest.raises(ValueError, match="init"):
        logistic.train([0.0, 1.0], [0.0, 1.0], loss="bce", lr=0.1, steps=1, init=[1.0, 2.0, 3.0])
