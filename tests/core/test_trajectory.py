"""core.trajectory: the one run record and the one divergence rule, on hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from core.trajectory import Trajectory, diverged_by, first_step_below, mark_divergence


def _arrays(loss_rows):
    loss = np.array(loss_rows, dtype=np.float64)
    params = np.arange(loss.size * 2, dtype=np.float64).reshape(loss.shape + (2,))
    return params, loss


def test_the_rule_on_hand_rows():
    # Columns: converging; past 1e12 x start at step 2; NaN at step 1; start 0 (limit 1e12);
    # a negative objective growing in size (a surface unbounded below); exactly 1e12 x start (not past it).
    params, loss = _arrays([
        [4.0, 2.0, 1.0, 0.0, -1.0, 3.0],
        [2.0, 5.0, np.nan, 5e11, -1e6, 3e12],
        [1.0, 2.1e12, 7.0, 2e12, -2e12, 3e12],
        [0.5, 1.0, 1.0, 1.0, 1.0, 3.0],
    ])
    before = params.copy()
    with np.errstate(all="ignore"):
        diverged_at = mark_divergence(params, loss)
    np.testing.assert_array_equal(diverged_at, [-1, 2, 1, 2, 2, -1])
    assert loss[2, 1] == 2.1e12 and np.isnan(loss[3, 1])  # the step that blew up stays as evidence
    np.testing.assert_array_equal(params[3, 1], before[2, 1])  # later params frozen there
    assert np.isnan(loss[2:, 2]).all() and np.isnan(loss[1, 2])
    np.testing.assert_array_equal(params[:, 0], before[:, 0])  # a converging run is untouched


def test_record_numbers():
    params, loss = _arrays([[4.0, 4.0], [2.0, 1e20], [1.0, 1.0]])
    with np.errstate(all="ignore"):
        run = Trajectory(params=params, loss=loss, lr=np.full((2, 2), 0.1), diverged_at=mark_divergence(params, loss))
    assert run.n_runs == 2 and run.steps == 2
    np.testing.assert_array_equal(run.diverged, [False, True])
    np.testing.assert_array_equal(run.final_loss, [1.0, np.inf])
    np.testing.assert_array_equal(run.first_step_below(2.0), [1, -1])
    np.testing.assert_array_equal(first_step_below(loss, np.array([0.5, 5.0])), [-1, 0])
    short = run.prefix(1)
    assert short.params.shape == (2, 2, 2) and short.lr.shape == (1, 2)
    np.testing.assert_array_equal(short.diverged_at, [-1, 1])
    np.testing.assert_array_equal(run.prefix(0).diverged_at, [-1, -1])  # step 1 has not happened yet
    picked = run.select(np.array([1]))
    assert picked.n_runs == 1 and picked.diverged_at.tolist() == [1]
    np.testing.assert_array_equal(diverged_by(np.array([-1, 3, 5]), 4), [-1, 3, -1])
    with pytest.raises(ValueError, match="steps"):
        run.prefix(3)


def test_fastest_picks_the_first_to_arrive_then_the_lowest():
    from core.trajectory import fastest

    inf = np.nan
    loss = np.array([
        [9.0, 9.0, 9.0, 9.0],
        [5.0, 0.5, 0.8, 50.0],
        [3.0, 0.4, 0.05, inf],
        [2.0, 0.3, 0.01, inf],
    ])
    diverged = np.array([-1, -1, -1, 2])
    assert fastest(loss, diverged, 1.0) == 2, "runs 1 and 2 arrive at step 1; run 2 ends lower"
    assert fastest(loss, diverged, 0.6) == 1, "run 1 arrives at step 1, run 2 only at step 2"
    assert fastest(loss, diverged, 0.45) == 2, "both arrive at step 2: the lower final loss wins"
    assert fastest(loss, diverged, 1e-6) == 2, "nobody arrives: the lowest final loss"
    assert fastest(loss[:, 3:], diverged[3:], 1.0) == -1, "all diverged"



def test_a_run_that_bounces_out_again_has_not_settled():
    from core.trajectory import fastest, settled_below

    loss = np.array([
        [9.0, 9.0, 9.0],
        [0.5, 5.0, 0.5],
        [7.0, 0.9, 0.4],
        [0.2, 0.8, 0.3],
    ])
    np.testing.assert_array_equal(settled_below(loss, 1.0), [3, 2, 1])
    np.testing.assert_array_equal(settled_below(loss, 0.25), [3, -1, -1])
    assert fastest(loss, np.array([-1, -1, -1]), 1.0) == 2, "run 0 dipped first, at step 1, but bounced out"
