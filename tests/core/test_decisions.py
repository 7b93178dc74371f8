"""Decisions under costs: hand-counted confusion tables, loops over samples, simulation."""

import numpy as np
import pytest

from core.decisions import (
    confusion_counts,
    cost_curve,
    expected_cost,
    optimal_quantile,
    optimal_threshold,
)

# y:  0     0     1     1     0     1
# p:  0.1   0.4   0.35  0.8   0.8   0.5
Y = np.array([0, 0, 1, 1, 0, 1])
P = np.array([0.1, 0.4, 0.35, 0.8, 0.8, 0.5])

COUNT_ROWS = [
    # threshold, (tp, fp, tn, fn); positive when p >= threshold
    (0.0, (3, 3, 0, 0)),
    (0.1, (3, 3, 0, 0)),  # equal to a negative's score: it is still flagged
    (0.2, (3, 2, 1, 0)),
    (0.35, (3, 2, 1, 0)),  # equal to a positive's score: still caught
    (0.4, (2, 2, 1, 1)),
    (0.45, (2, 1, 2, 1)),
    (0.5, (2, 1, 2, 1)),
    (0.8, (1, 1, 2, 2)),  # a tie across the classes: both flagged
    (0.81, (0, 0, 3, 3)),
    (1.0, (0, 0, 3, 3)),
    (-np.inf, (3, 3, 0, 0)),
    (np.inf, (0, 0, 3, 3)),
]


@pytest.mark.parametrize("threshold, counts", COUNT_ROWS)
def test_confusion_counts_by_hand(threshold, counts):
    result = confusion_counts(Y, P, threshold)
    assert tuple(int(c) for c in result) == counts
    assert (result.tp, result.fp, result.tn, result.fn) == counts


def test_confusion_counts_vectorized_keeps_the_thresholds_shape():
    thresholds = np.array([row[0] for row in COUNT_ROWS]).reshape(3, 4)
    result = confusion_counts(Y.astype(bool), list(P), thresholds)
    expected = np.array([row[1] for row in COUNT_ROWS]).reshape(3, 4, 4)
    for k, field in enumerate(("tp", "fp", "tn", "fn")):
        assert getattr(result, field).shape == (3, 4)
        np.testing.assert_array_equal(getattr(result, field), expected[..., k])


def _cost_loop(y, p, t, c_fp, c_fn):
    total = 0.0
    for label, score in zip(y, p):
        flagged = score >= t
        if flagged and label == 0:
            total += c_fp
        elif not flagged and label == 1:
            total += c_fn
    return total


@pytest.mark.parametrize("normalize", [True, False])
def test_expected_cost_equals_a_loop_over_samples(normalize):
    rng = np.random.default_rng(0)
    p = np.round(rng.uniform(size=200), 2)  # many ties
    y = (rng.uniform(size=200) < p).astype(int)
    thresholds = np.r_[rng.uniform(size=40), rng.choice(p, size=10)]  # 50, some on scores
    costs = expected_cost(y, p, thresholds, c_fp=2.5, c_fn=40.0, normalize=normalize)
    scale = 1 / 200 if normalize else 1.0
    expected = [scale * _cost_loop(y, p, t, 2.5, 40.0) for t in thresholds]
    assert costs.shape == (50,)
    np.testing.assert_allclose(costs, expected, rtol=1e-13)


def test_expected_cost_scalar_by_hand():
    # t = 0.5: fp = 1 (the 0.8 negative), fn = 1 (the 0.35 positive)
    assert expected_cost(Y, P, 0.5, c_fp=10, c_fn=1000) == pytest.approx(1010 / 6)
    assert expected_cost(Y, P, 0.5, c_fp=10, c_fn=1000, normalize=False) == 1010.0


def test_cost_curve_is_expected_cost_on_a_grid():
    thresholds, costs = cost_curve(Y, P, c_fp=1.0, c_fn=3.0, num=5)
    np.testing.assert_array_equal(thresholds, [0.0, 0.25, 0.5, 0.75, 1.0])
    # fp/fn at 0, .25, .5, .75, 1: (3,0), (2,0), (1,1), (1,2), (0,3)
    np.testing.assert_allclose(costs, np.array([3, 2, 4, 7, 9]) / 6)


@pytest.mark.parametrize(
    "c_fp, c_fn, threshold",
    [
        (10.0, 1000.0, 10 / 1010),  # the fraud example
        (1.0, 1.0, 0.5),
        (1.0, 3.0, 0.25),
        (0.0, 5.0, 0.0),  # false alarms free: flag everything
        (5.0, 0.0, 1.0),  # misses free: flag only certainties
    ],
)
def test_optimal_threshold_rows(c_fp, c_fn, threshold):
    assert optimal_threshold(c_fp, c_fn) == pytest.approx(threshold, rel=1e-15)


def test_fraud_threshold_is_about_one_percent():
    assert round(optimal_threshold(c_fp=10, c_fn=1000), 4) == 0.0099


@pytest.mark.parametrize("c_fp, c_fn", [(1.0, 4.0), (10.0, 1000.0), (3.0, 1.0)])
def test_optimal_threshold_minimizes_cost_of_calibrated_decisions(c_fp, c_fn):
    rng = np.random.default_rng(1)
    n = 200_000
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(int)  # p is calibrated
    grid = np.linspace(0.0, 1.0, 401)
    costs = expected_cost(y, p, grid, c_fp=c_fp, c_fn=c_fn)
    # For p ~ U(0, 1): E cost(t) = c_fn t^2 / 2 + c_fp (1 - t)^2 / 2, minimal at t*.
    theory = c_fn * grid**2 / 2 + c_fp * (1 - grid) ** 2 / 2
    best = c_fp * c_fn / (c_fp + c_fn) / 2  # its value at t*
    np.testing.assert_allclose(costs, theory, rtol=0.05)
    t_star = optimal_threshold(c_fp, c_fn)
    at_t_star = expected_cost(y, p, t_star, c_fp=c_fp, c_fn=c_fn)
    assert at_t_star == pytest.approx(best, rel=0.05)
    assert at_t_star - costs.min() < 0.01 * best  # within sampling noise of the grid's best
    assert abs(grid[np.argmin(costs)] - t_star) < 0.03
    # and clearly better than the default 0.5 when the costs are lopsided
    assert expected_cost(y, p, 0.5, c_fp=c_fp, c_fn=c_fn) - at_t_star > 0.25 * best


@pytest.mark.parametrize(
    "c_under, c_over, q",
    [(1.0, 1.0, 0.5), (9.0, 1.0, 0.9), (1.0, 3.0, 0.25), (0.0, 2.0, 0.0), (2.0, 0.0, 1.0)],
)
def test_optimal_quantile_rows(c_under, c_over, q):
    assert optimal_quantile(c_under, c_over) == pytest.approx(q, rel=1e-15)


@pytest.mark.parametrize("c_under, c_over", [(9.0, 1.0), (1.0, 3.0), (1.0, 1.0)])
def test_optimal_quantile_minimizes_asymmetric_cost(c_under, c_over):
    rng = np.random.default_rng(2)
    y = rng.exponential(3.0, size=1001)
    candidates = np.sort(y)  # an optimal constant forecast is one of the samples
    r = y[None, :] - candidates[:, None]
    cost = (c_under * np.maximum(r, 0) + c_over * np.maximum(-r, 0)).mean(axis=1)
    q = optimal_quantile(c_under, c_over)
    # q n is not an integer here: the minimizer is the ceil(q n)-th smallest sample
    assert candidates[np.argmin(cost)] == np.quantile(y, q, method="inverted_cdf")


# ------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "a, b, name",
    [(-1.0, 1.0, "c_fp"), (1.0, np.nan, "c_fn"), (1.0, np.inf, "c_fn"), ("x", 1.0, "c_fp"),
     (0.0, 0.0, r"c_fp \+ c_fn")],
)
def test_bad_costs_raise(a, b, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        optimal_threshold(a, b)
    with pytest.raises(ValueError, match=f"^{name} must be"):
        expected_cost(Y, P, 0.5, c_fp=a, c_fn=b)
    under = name.replace("c_fp", "c_under").replace("c_fn", "c_over")
    with pytest.raises(ValueError, match=f"^{under} must be"):
        optimal_quantile(a, b)


@pytest.mark.parametrize(
    "y, p, t, name",
    [
        ([0, 1, 2], [0.1, 0.2, 0.3], 0.5, "y_true"),
        ([0, 1, np.nan], [0.1, 0.2, 0.3], 0.5, "y_true"),
        ([0, 1, 1], [0.1, 1.2, 0.3], 0.5, "p"),
        ([0, 1, 1], [0.1, -0.2, 0.3], 0.5, "p"),
        ([0, 1, 1], [[0.1, 0.2, 0.3]], 0.5, "p"),
        ([0, 1, 1], [0.1, 0.2], 0.5, "y_true and p"),
        ([], [], 0.5, "y_true"),
        ([0, 1, 1], [0.1, 0.2, 0.3], [0.5, np.nan], "thresholds"),
        ([0, 1, 1], [0.1, 0.2, 0.3], "high", "thresholds"),
    ],
)
def test_bad_data_raise(y, p, t, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        confusion_counts(y, p, t)
    with pytest.raises(ValueError, match=f"^{name} "):
        expected_cost(y, p, t, c_fp=1.0, c_fn=1.0)


def test_bad_flags_raise():
    with pytest.raises(ValueError, match="^normalize must be"):
        expected_cost(Y, P, 0.5, c_fp=1.0, c_fn=1.0, normalize="yes")
    with pytest.raises(ValueError, match="^num must be"):
        cost_curve(Y, P, c_fp=1.0, c_fn=1.0, num=1)
