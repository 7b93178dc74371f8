"""Reading training and validation loss curves: a verdict and its reason, by stated rules.

:func:`read_curves` takes the loss after each epoch (epoch 0: before any training) and applies,
in this order, the first rule that holds:

1. **unstable**: a loss is not finite (the run diverged), or the training loss rises to more
   than ``JUMP`` times the lowest it had reached so far;
2. **overfitting**: validation loss ends more than ``RISE`` above its lowest, while the training
   loss kept falling after that epoch (the turn);
3. **too slow**: the training loss still falls: its mean over the last ``TAIL`` of the epochs is
   more than ``STILL_FALLING`` below its mean over the ``TAIL`` before;
4. **underfitting**: both losses have levelled off high, above ``HIGH`` times the floor (the
   loss a perfect model gets, e.g. the noise variance) plus ``MARGIN`` of the starting loss;
5. **converged**: otherwise, both have levelled off near the floor.

The thresholds are module constants, the same for every run; they are rules of thumb, not
statistics (a noisy mini-batch curve can need a longer run to read well).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core import _validation as check

JUMP = 1.5  # unstable: the training loss rises above 1.5x its lowest so far
RISE = 0.10  # overfitting: validation ends 10% above its lowest
TAIL = 0.10  # too slow: the last 10% of epochs against the 10% before them
STILL_FALLING = 0.05  # ... whose mean is 5% higher
HIGH = 2.0  # underfitting: both end above 2x the floor ...
MARGIN = 0.02  # ... plus 2% of the starting loss (a floor of 0 is never reached exactly)

VERDICTS = ("converged", "overfitting", "underfitting", "unstable", "too slow")


@dataclass(frozen=True)
class Verdict:
    """What the curves say.

    Attributes:
        kind: one of :data:`VERDICTS`.
        reason: one sentence with the numbers that decided it.
        advice: what to try, from the lesson's list.
        best_epoch: the epoch of the lowest validation loss (early stopping keeps its weights).
        turn_epoch: for overfitting, the epoch where validation turned up (the best epoch); else None.
        event_epoch: for unstable, the epoch of the first jump or non-finite loss; else None.
    """

    kind: str
    reason: str
    advice: str
    best_epoch: int
    turn_epoch: int | None = None
    event_epoch: int | None = None


ADVICE = {
    "converged": "Nothing to fix: more epochs would not help, and early stopping changes little.",
    "overfitting": "Stop at the turn (early stopping), add data or a penalty, or lower the capacity.",
    "underfitting": "Raise the capacity (a higher degree), or weaken the penalty.",
    "unstable": "Lower the learning rate or raise the batch size.",
    "too slow": "Train for more epochs or raise the learning rate.",
}


def _tail_means(loss: np.ndarray) -> tuple[float, float]:
    k = max(1, int(round(TAIL * (loss.size - 1))))
    return float(loss[-k:].mean()), float(loss[-2 * k:-k].mean()) if loss.size > 2 * k else float(loss[0])


def read_curves(train: Any, val: Any, *, floor: float = 0.0) -> Verdict:
    """The verdict on one run's curves (rules in the module docstring).

    Args:
        train, val: arrays of shape (E + 1,), the losses after each epoch, epoch 0 first (E >= 2).
            Non-finite values mean the run diverged.
        floor: the lowest loss a perfect model would reach (>= 0), e.g. the noise variance.

    Returns:
        a :class:`Verdict`.
    """
    train = np.asarray(train, dtype=np.float64)
    val = np.asarray(val, dtype=np.float64)
    if train.ndim != 1 or train.size < 3:
        raise ValueError(f"train must be a 1-D array of at least 3 epochs; got shape {train.shape}")
    if val.shape != train.shape:
        raise ValueError(f"val must have the shape of train {train.shape}; got {val.shape}")
    floor = check.real("floor", floor, low=0.0)
    finite_val = np.where(np.isfinite(val), val, np.inf)
    best = int(np.argmin(finite_val))

    bad = np.flatnonzero(~(np.isfinite(train) & np.isfinite(val)))
    lowest = np.minimum.accumulate(np.where(np.isfinite(train), train, np.inf))
    jumps = np.flatnonzero(train[1:] > JUMP * lowest[:-1]) + 1
    if bad.size or jumps.size:
        if bad.size and (not jumps.size or bad[0] <= jumps[0]):
            at, what = int(bad[0]), f"the loss diverged at epoch {int(bad[0])}"
        else:
            at = int(jumps[0])
            what = (f"at epoch {at} the training loss jumped to {train[at] / lowest[at - 1]:.1f} times the lowest it "
                    "had reached")
        return Verdict("unstable", what[0].upper() + what[1:] + ".", ADVICE["unstable"], best, event_epoch=at)

    end_val, end_train = float(val[-1]), float(train[-1])
    if end_val > (1 + RISE) * val[best] and best < val.size - 1 and end_train < train[best]:
        return Verdict("overfitting", f"Validation loss was lowest at epoch {best} ({val[best]:.4g}) and has risen "
                       f"{end_val / val[best] - 1:.0%} since, while the training loss kept falling "
                       f"({train[best]:.4g} to {end_train:.4g}).", ADVICE["overfitting"], best, turn_epoch=best)

    last, before = _tail_means(train)
    if last < (1 - STILL_FALLING) * before:
        return Verdict("too slow", f"The training loss is still falling: {1 - last / before:.0%} lower over the last "
                       f"{TAIL:.0%} of the epochs than over the {TAIL:.0%} before.", ADVICE["too slow"], best)

    high = HIGH * floor + MARGIN * float(train[0])
    if end_train > high and end_val > high:
        return Verdict("underfitting", f"Both losses levelled off high: training {end_train:.4g} and validation "
                       f"{end_val:.4g}, above {high:.4g} ({HIGH:g} times the floor {floor:.4g}, plus a margin).",
                       ADVICE["underfitting"], best)
    return Verdict("converged", f"Both losses levelled off low: training {end_train:.4g} and validation {end_val:.4g}, "
                   f"against a floor of {floor:.4g}.", ADVICE["converged"], best)
