"""The cost grid: the operation counts by hand, and the timings' shape and sense (never their values)."""

import numpy as np
import pytest

from core import costs


def test_operation_counts_by_hand():
    closed, descent = costs.operation_counts(1000, 10, 100)
    assert closed == 1000 * 100 + 1000 and descent == 100 * 1000 * 10
    closed, descent = costs.operation_counts([100, 1000], [[1], [10]], 5)  # broadcast
    np.testing.assert_array_equal(closed, [[101, 1001], [11000, 101000]])
    np.testing.assert_array_equal(descent, [[500, 5000], [5000, 50000]])


def test_the_counts_cross_where_d_plus_d2_over_n_reaches_t():
    """n d² + d³ < T n d  ⇔  d + d²/n < T: at n = 10,000 and T = 100, d = 99 is below and 100 above."""
    closed, descent = costs.operation_counts(10_000, np.array([99, 100]), 100)
    assert descent[0] > closed[0] and descent[1] < closed[1]


def test_break_even_is_where_the_counts_meet():
    d = costs.break_even(np.array([1_000, 10_000, 50_000]), 100)
    np.testing.assert_allclose(d, [(np.sqrt(1e6 + 4e5) - 1e3) / 2, (np.sqrt(1e8 + 4e6) - 1e4) / 2,
                                   (np.sqrt(2.5e9 + 2e7) - 5e4) / 2], rtol=1e-12)
    assert round(float(d[0]), 1) == 91.6 and round(float(d[2]), 1) == 99.8
    closed, descent = costs.operation_counts(10_000, d[1], 100)
    assert closed == pytest.approx(descent, rel=1e-12)


def test_measure_times_every_method_on_every_cell():
    grid = costs.measure((50, 200), (1, 4, 8), steps=3)
    assert grid.steps == 3 and list(grid.ns) == [50, 200] and list(grid.ds) == [1, 4, 8]
    assert set(grid.seconds) == set(costs.METHODS)
    for seconds in grid.seconds.values():
        assert seconds.shape == (2, 3) and np.all(np.isfinite(seconds)) and np.all(seconds > 0)


@pytest.mark.parametrize(("args", "kwargs", "name"), [(((1,), (2,)), {}, "ns"), (((10,), (0,)), {}, "ds"),
                                                      (((10,), (2,)), {"steps": 0}, "steps")])
def test_measure_bad_input(args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        costs.measure(*args, **kwargs)


def test_counts_bad_input():
    with pytest.raises(ValueError, match="positive"):
        costs.operation_counts(0, 3, 10)
