"""core.rate_finder: the learning-rate range test, by hand and on a problem with a known critical rate."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from core import landscape, rate_finder


def test_schedule_runs_from_lr_min_to_lr_max_geometrically():
    rates = rate_finder.schedule(1e-4, 1.0, 5)(np.arange(5))
    assert_allclose(rates, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)


def test_smoothed_is_the_debiased_moving_average_by_hand():
    # beta 0.5: a = 0.5 a + 0.5 x; debiased by 1 - 0.5^(t+1).
    got = rate_finder.smoothed([4.0, 2.0, 1.0], beta=0.5)
    a1, a2, a3 = 2.0, 0.5 * 2.0 + 1.0, 0.5 * 2.0 + 0.5
    assert_allclose(got, [a1 / 0.5, a2 / 0.75, a3 / 0.875], rtol=1e-15)
    assert_allclose(rate_finder.smoothed([3.0, 1.0, 7.0], beta=0.0), [3.0, 1.0, 7.0])


def test_stop_index_is_the_first_point_past_factor_times_the_best():
    assert rate_finder.stop_index([5.0, 2.0, 1.0, 3.9, 4.1, 0.1], factor=4.0) == 4
    assert rate_finder.stop_index([5.0, 2.0, np.nan, 1.0]) == 2
    assert rate_finder.stop_index([3.0, 2.0, 1.0]) == 3


def test_steepest_skips_the_ends_and_finds_the_largest_fall():
    smooth = np.array([10, 10, 10, 9, 7, 3, 2.5, 2.4, 2.6, 50.0])
    # np.gradient: the fall is steepest at index 4 ((3 - 9) / 2 = -3) and 5 ((2.5 - 7) / 2 = -2.25).
    assert rate_finder.steepest(smooth, stop=9, skip_start=1, skip_end=1) == 4
    assert rate_finder.steepest(smooth, stop=9, skip_start=5, skip_end=1) == 5
    assert rate_finder.steepest(smooth, stop=4, skip_start=2, skip_end=1) == -1


def test_range_test_on_a_line_fit_suggests_a_rate_below_the_critical_one():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 200)
    y = 2 * x + 1 + 0.1 * rng.standard_normal(200)
    critical = landscape.critical_learning_rate(x[:, None])
    test = rate_finder.range_test(x, y, lr_min=1e-4, lr_max=10.0, steps=120)
    assert test.rates[0] == pytest.approx(1e-4) and test.rates[-1] == pytest.approx(10.0)
    # Full-batch GD on a quadratic: the loss runs away only above the critical rate.
    assert test.rates[test.stop] > critical
    assert 0.05 * critical < test.suggested < critical
    assert test.loss[test.best] < test.start_loss


@pytest.mark.parametrize(
    "call,word",
    [(lambda: rate_finder.schedule(1.0, 0.1, 10), "lr_max"), (lambda: rate_finder.schedule(0.0, 1.0, 10), "lr_min"),
     (lambda: rate_finder.schedule(0.1, 1.0, 1), "steps"), (lambda: rate_finder.smoothed([1.0], beta=1.0), "beta"),
     (lambda: rate_finder.stop_index([1.0], factor=1.0), "factor"),
     (lambda: rate_finder.steepest([1.0, 2.0], stop=5), "stop")],
)
def test_bad_arguments_raise_naming_them(call, word):
    with pytest.raises(ValueError, match=word):
        call()
