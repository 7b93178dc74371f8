"""The verdict rules on hand-made curves: each rule fires on a curve built for it, at its threshold, and
carries the findings (kinds and numbers) that decided it; the words are the dashboard's."""

import numpy as np
import pytest

from core import diagnosis
from core.diagnosis import read_curves

EPOCHS = np.arange(101)


def found(v) -> dict:
    """The verdict's findings: kind -> values."""
    return {f.kind: dict(f.values) for f in v.findings}


def settled(start=1.0, end=0.05, rate=0.1):
    """A loss falling from start to end, exponentially, settled long before epoch 100."""
    return end + (start - end) * np.exp(-rate * EPOCHS)


def test_converged_curves():
    v = read_curves(settled(end=0.05), settled(end=0.06), floor=0.04)
    assert v.kind == "converged" and v.best_epoch == 100 and v.turn_epoch is None
    train, val = settled(end=0.05), settled(end=0.06)
    assert found(v) == {"levelled": {"train": train[-1], "val": val[-1], "floor": 0.04}}


def test_overfitting_turns_where_validation_is_lowest():
    train = settled(end=0.01)
    val = settled(end=0.2) + 0.004 * np.maximum(EPOCHS - 30, 0)  # rises by 0.28 after epoch 30
    v = read_curves(train, val, floor=0.04)
    turn = int(np.argmin(val))
    assert v.kind == "overfitting" and v.turn_epoch == v.best_epoch == turn and 28 <= turn <= 32
    rose = found(v)["rose"]
    assert rose["best_epoch"] == turn and rose["best_val"] == val[turn]
    assert rose["rise"] == pytest.approx(val[-1] / val[turn] - 1) and rose["train_end"] == train[-1]


def test_overfitting_needs_validation_up_more_than_the_rise_and_staying_up():
    """Up 9% from its lowest is not overfitting; up 11% over the whole tail is; one high last epoch is not."""
    train = settled(end=0.01)
    for rise, kind in ((0.09, "converged"), (0.11, "overfitting")):
        val = settled(end=0.05).copy()
        val[-10:] = val.min() * (1 + rise)
        assert read_curves(train, val, floor=0.04, best_objective=0.01, best_train=0.01).kind == kind, rise
    val = settled(end=0.05).copy()
    val[-1] = val.min() * 1.3
    assert read_curves(train, val, floor=0.04, best_objective=0.01, best_train=0.01).kind == "converged"


def test_a_jump_above_twice_the_lowest_is_unstable_unless_the_run_recovered_to_its_best():
    train, val = settled(), settled(end=0.06)
    train[40] = 1.99 * train[:40].min()
    assert read_curves(train, val, floor=0.04).kind != "unstable"
    train[40] = 2.01 * train[:40].min()
    v = read_curves(train, val, floor=0.04)
    assert v.kind == "unstable" and v.event_epoch == 40
    assert found(v) == {"jumped": {"epoch": 40, "ratio": pytest.approx(2.01)}}
    # Back at the model's own minimum (0.05) by the end: the noise of small batches, read on.
    v = read_curves(train, val, floor=0.04, best_objective=0.05, best_train=0.05)
    assert v.kind == "converged" and found(v)["settled_jump"] == {"epoch": 40, "ratio": pytest.approx(2.01)}
    # Still 20% above it over the tail: unstable, and it says how far.
    v = read_curves(train, val, floor=0.04, best_objective=0.05 / 1.2, best_train=0.05 / 1.2)
    assert v.kind == "unstable"
    assert found(v) == {"jumped_stuck": {"epoch": 40, "ratio": pytest.approx(2.01), "above": pytest.approx(0.2, abs=0.01),
                                         "best_objective": pytest.approx(0.05 / 1.2)}}


def test_a_diverged_run_is_unstable_at_its_first_non_finite_loss():
    train, val = settled(), settled()
    train[57:] = np.inf
    val[58:] = np.nan
    v = read_curves(train, val)
    assert v.kind == "unstable" and v.event_epoch == 57 and found(v) == {"diverged": {"epoch": 57}}


def test_still_falling_at_the_end_is_too_slow():
    slow = 1.0 - 0.009 * EPOCHS  # linear: the last 10 epochs average 9% below the 10 before
    v = read_curves(slow, slow + 0.01, floor=0.01)
    last, before = slow[-10:].mean(), slow[-20:-10].mean()
    assert v.kind == "too slow" and found(v) == {"falling": {"fall": pytest.approx(1 - last / before), "tail": 0.1}}
    # Short of the model's minimum, and falling: too slow, with how far it still is.
    v = read_curves(slow, slow + 0.01, floor=0.01, best_objective=0.02, best_train=0.02)
    assert v.kind == "too slow"
    assert found(v)["short_of_best"] == {"above": pytest.approx(slow[-10:].min() / 0.02 - 1), "best_objective": 0.02}
    assert "best_is_zero" in found(read_curves(slow, slow + 0.01, floor=0.01, best_objective=0.0, best_train=0.0))


def test_a_slow_decay_is_too_slow_not_underfitting_when_the_model_can_fit():
    """The review's case: a small rate, the curves falling 2-4% per tenth of the run, far above what the
    model reaches in one solve. The old rules called it underfitting."""
    decay = 0.04 + 0.5 * np.exp(-0.005 * EPOCHS)  # 2.4% lower over the last tenth than the tenth before
    v = read_curves(decay, decay + 0.03, floor=0.04, best_objective=0.038, best_train=0.038)
    assert v.kind == "too slow"
    assert read_curves(decay, decay + 0.03, floor=0.04).kind == "too slow"


def test_underfitting_is_a_model_too_simple_for_the_data_whatever_the_run_did():
    floor, start = 0.04, 1.0
    high = diagnosis.HIGH * floor + diagnosis.MARGIN * start  # 0.1
    assert read_curves(settled(end=high * 1.05), settled(end=high * 1.1), floor=floor).kind == "underfitting"
    assert read_curves(settled(end=high * 0.95), settled(end=high * 0.97), floor=floor).kind == "converged"
    # With the model's best known, that decides: a capable model is not underfitting, a line is.
    assert read_curves(settled(end=0.3), settled(end=0.35), floor=floor, best_objective=0.05,
                       best_train=0.05).kind != "underfitting"
    v = read_curves(settled(end=0.3), settled(end=0.35), floor=floor, best_objective=0.3, best_train=0.3)
    assert v.kind == "underfitting"
    assert found(v) == {"model_high": {"best_train": 0.3, "high": pytest.approx(0.1), "times": 2.0, "floor": floor}}
    v = read_curves(settled(end=high * 1.05), settled(end=high * 1.1), floor=floor)
    assert found(v)["levelled_high"]["train"] == pytest.approx(high * 1.05, rel=1e-3)


def test_a_rise_within_the_curves_own_wobble_is_not_overfitting():
    rng = np.random.default_rng(0)
    train = settled(end=0.03)
    val = settled(end=0.045) + rng.normal(0, 0.004, EPOCHS.size)  # mini-batch wobble of about 10%
    val[-1] = val.min() * 1.12  # 12% above its lowest, within the wobble's reach
    assert read_curves(train, val, floor=0.04).kind != "overfitting"


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


def test_every_finding_names_its_numbers():
    with pytest.raises(ValueError, match="kind"):
        diagnosis.Finding("slow", {})
    with pytest.raises(ValueError, match="values"):
        diagnosis.Finding("diverged", {"step": 3})
