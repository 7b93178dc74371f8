"""The verdict rules on hand-made curves: each rule fires on a curve built for it, at its threshold."""

import numpy as np
import pytest

from core import diagnosis
from core.diagnosis import read_curves

EPOCHS = np.arange(101)


def settled(start=1.0, end=0.05, rate=0.1):
    """A loss falling from start to end, exponentially, settled long before epoch 100."""
    return end + (start - end) * np.exp(-rate * EPOCHS)


def test_converged_curves():
    v = read_curves(settled(end=0.05), settled(end=0.06), floor=0.04)
    assert v.kind == "converged" and v.best_epoch == 100 and v.turn_epoch is None
    assert "0.05" in v.reason and "0.06" in v.reason


def test_overfitting_turns_where_validation_is_lowest():
    train = settled(end=0.01)
    val = settled(end=0.2) + 0.004 * np.maximum(EPOCHS - 30, 0)  # rises by 0.28 after epoch 30
    v = read_curves(train, val, floor=0.04)
    turn = int(np.argmin(val))
    assert v.kind == "overfitting" and v.turn_epoch == v.best_epoch == turn and 28 <= turn <= 32
    assert f"lowest at epoch {turn}" in v.reason


def test_overfitting_needs_validation_up_more_than_the_rise():
    """Up 9% from its lowest is not overfitting; up 11% is."""
    train = settled(end=0.01)
    for rise, kind in ((0.09, "converged"), (0.11, "overfitting")):
        val = settled(end=0.05).copy()
        val[-1] = val.min() * (1 + rise)
        assert read_curves(train, val, floor=0.04).kind == kind, rise


def test_a_jump_above_one_and_a_half_times_the_lowest_is_unstable():
    train, val = settled(), settled(end=0.06)
    train[40] = 1.49 * train[:40].min()
    assert read_curves(train, val, floor=0.04).kind != "unstable"
    train[40] = 1.51 * train[:40].min()
    v = read_curves(train, val, floor=0.04)
    assert v.kind == "unstable" and v.event_epoch == 40 and "epoch 40" in v.reason and "1.5 times" in v.reason


def test_a_diverged_run_is_unstable_at_its_first_non_finite_loss():
    train, val = settled(), settled()
    train[57:] = np.inf
    val[58:] = np.nan
    v = read_curves(train, val)
    assert v.kind == "unstable" and v.event_epoch == 57 and "diverged at epoch 57" in v.reason
    assert "lower the learning rate" in v.advice.lower()


def test_still_falling_at_the_end_is_too_slow():
    slow = 1.0 - 0.009 * EPOCHS  # linear: the last 10 epochs average 10% below the 10 before... roughly
    last, before = slow[-10:].mean(), slow[-20:-10].mean()
    assert last < 0.95 * before
    v = read_curves(slow, slow + 0.01, floor=0.01)
    assert v.kind == "too slow" and "still falling" in v.reason


def test_both_high_and_flat_is_underfitting_and_the_threshold_is_twice_the_floor_plus_the_margin():
    floor, start = 0.04, 1.0
    high = diagnosis.HIGH * floor + diagnosis.MARGIN * start  # 0.1
    assert read_curves(settled(end=high * 1.05), settled(end=high * 1.1), floor=floor).kind == "underfitting"
    assert read_curves(settled(end=high * 0.95), settled(end=high * 0.97), floor=floor).kind == "converged"


def test_the_rules_are_tried_in_order():
    # Rising validation and still falling training: overfitting wins over too slow.
    train = 1.0 - 0.009 * EPOCHS
    val = settled(end=0.2) + 0.004 * np.maximum(EPOCHS - 30, 0)
    assert read_curves(train, val).kind == "overfitting"


@pytest.mark.parametrize(("train", "val", "floor", "name"), [
    ([1.0, 0.5], [1.0, 0.5], 0.0, "train"), (np.ones((3, 2)), np.ones((3, 2)), 0.0, "train"),
    ([1.0, 0.5, 0.4], [1.0, 0.5], 0.0, "val"), ([1.0, 0.5, 0.4], [1.0, 0.5, 0.4], -1.0, "floor")])
def test_bad_curves_raise(train, val, floor, name):
    with pytest.raises(ValueError, match=name):
        read_curves(train, val, floor=floor)
