"""Reading training and validation loss curves: a verdict and the numbers behind it, by stated rules.

:func:`read_curves` takes the loss after each epoch (epoch 0: before any training) and, where
they are known, two facts about the model itself: the exact minimum of its training objective
``best_objective`` (the least-squares or ridge solution: one solve) and that solution's training
MSE ``best_train`` (what this model can reach on these points). It applies, in this order, the
first rule that holds:

1. **unstable**: a loss is not finite (the run diverged), or the training loss jumped to more
   than ``JUMP`` times the lowest it had reached so far and did not recover: the objective's
   median over the last ``TAIL`` is still more than ``SHORT`` above ``best_objective`` (a jump
   it recovered from is the noise of small batches, and the verdict is read on);
2. **underfitting**: the model itself is too simple: its best training MSE ``best_train`` is
   above ``HIGH`` times the floor (the loss a perfect model gets on average, e.g. the noise
   variance) plus ``MARGIN`` of the starting loss. A rate too small to finish is not this;
3. **overfitting**: validation loss rose after its lowest by more than ``RISE`` of it and more
   than ``SPREAD`` times the curve's own epoch-to-epoch wobble over the last ``TAIL`` of the
   epochs, stays up (its lowest over that tail is still more than ``RISE`` / 2 above), while
   the training loss kept falling after that epoch (the turn);
4. **too slow**: the run is short of what the model can reach (the objective's lowest over the
   last ``TAIL`` is more than ``SHORT`` above ``best_objective``) and still falling (its mean
   over the last ``TAIL`` is below the ``TAIL`` before by more than ``FALL_SE`` standard errors
   of the tail and more than ``FALL_MIN`` of it);
5. **converged**: otherwise: the curves levelled off where this model can go.

Without ``best_objective`` and ``best_train`` the model is judged by where the run ended
(rule 2 by the final losses, rule 4 by the fall alone): weaker, and said so by the caller.
The thresholds are module constants, the same for every run; they are rules of thumb, not
statistics. scikit-learn's ``validation_curve`` and early stopping read curves by a score
alone; none of its estimators name a verdict.

A verdict carries its reasons as data, never as sentences: :data:`FINDINGS` names each kind of
finding and the numbers it holds; the dashboard owns the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core import _validation as check
from core import outcomes

JUMP = 2.0  # unstable: the training loss jumps above twice its lowest so far
HIGH = 2.0  # underfitting: the model's best training loss is above 2x the floor ...
MARGIN = 0.02  # ... plus 2% of the starting loss (a floor of 0 is never reached exactly)
RISE = 0.10  # overfitting: validation rose 10% above its lowest ...
SPREAD = 3.0  # ... and 3x its own epoch-to-epoch wobble over the tail
TAIL = 0.10  # the last 10% of the epochs
SHORT = 0.10  # too slow: the objective's lowest over the tail is 10% above the model's exact minimum ...
FALL_SE, FALL_MIN = outcomes.FALL_SE, outcomes.FALL_MIN  # ... and still falling (core.outcomes.fell)

VERDICTS = ("converged", "overfitting", "underfitting", "unstable", "too slow")


# What a verdict can rest on: each finding's kind and the numbers it holds (all floats unless said).
FINDINGS = {
    "diverged": ("epoch",),  # unstable: the first epoch (int) with a non-finite loss
    "jumped": ("epoch", "ratio"),  # unstable: the training loss at ``epoch`` is ``ratio`` x the lowest before it
    "jumped_stuck": ("epoch", "ratio", "above", "best_objective"),  # ... and the tail's median objective sits
    # ``above`` (a fraction) over ``best_objective``, the model's exact minimum
    "model_high": ("best_train", "high", "times", "floor"),  # underfitting: the model's best training MSE is
    # above ``high`` = ``times`` x ``floor`` plus the margin
    "levelled_high": ("train", "val", "high", "times", "floor"),  # underfitting, the model's best unknown: both
    # final losses above ``high``
    "rose": ("best_epoch", "best_val", "rise", "train_best", "train_end"),  # overfitting: validation rose by
    # ``rise`` (a fraction) since its lowest ``best_val`` at ``best_epoch`` (int), while training fell from
    # ``train_best`` to ``train_end``
    "falling": ("fall", "tail"),  # too slow: the objective's tail mean is ``fall`` (a fraction) below the tail
    # before it; ``tail``: the tail's share of the epochs
    "short_of_best": ("above", "best_objective"),  # too slow: the tail's lowest objective is ``above`` over it
    "best_is_zero": ("best_objective",),  # too slow: the model can reach 0 (no ratio to it)
    "levelled": ("train", "val", "floor"),  # converged: the final losses and the floor
    "settled_jump": ("epoch", "ratio"),  # converged: a jump (as in "jumped") the run recovered from
    "above_best": ("above", "best_objective"),  # converged: no longer falling, yet ``above`` over the minimum
}


@dataclass(frozen=True)
class Finding:
    """One fact a verdict rests on: ``kind`` (a key of :data:`FINDINGS`) and its numbers ``values``."""

    kind: str
    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        check.choice("kind", self.kind, FINDINGS)
        if set(self.values) != set(FINDINGS[self.kind]):
            raise ValueError(f"values of a {self.kind!r} finding must be {FINDINGS[self.kind]}; got {tuple(self.values)}")


@dataclass(frozen=True)
class Verdict:
    """What the curves say.

    Attributes:
        kind: one of :data:`VERDICTS`.
        findings: the facts, with their numbers, that decided it (:class:`Finding`), in reading order.
        best_epoch: the epoch of the lowest validation loss (early stopping keeps its weights).
        turn_epoch: for overfitting, the epoch where validation turned up (the best epoch); else None.
        event_epoch: for unstable, the epoch of the first jump or non-finite loss; else None.
    """

    kind: str
    findings: tuple[Finding, ...]
    best_epoch: int
    turn_epoch: int | None = None
    event_epoch: int | None = None


def _tail(loss: np.ndarray) -> int:
    """The number of final epochs that make up the tail (at least 2)."""
    return max(2, int(round(TAIL * (loss.size - 1))))


def read_curves(train: Any, val: Any, *, floor: float = 0.0, objective: Any = None,
                best_objective: float | None = None, best_train: float | None = None) -> Verdict:
    """The verdict on one run's curves (rules in the module docstring).

    Args:
        train, val: arrays of shape (E + 1,), the MSE after each epoch, epoch 0 first (E >= 2).
            Non-finite values mean the run diverged.
        floor: the lowest loss a perfect model reaches on average over new points (>= 0), e.g. the
            noise variance. A finite validation set can score below it by chance.
        objective: (E + 1,) the training objective (the MSE plus any penalty); default ``train``.
        best_objective: the objective's exact minimum for this model and data, or None.
        best_train: the training MSE at that minimum, or None.

    Returns:
        a :class:`Verdict`.
    """
    train = np.asarray(train, dtype=np.float64)
    val = np.asarray(val, dtype=np.float64)
    if train.ndim != 1 or train.size < 3:
        raise ValueError(f"train must be a 1-D array of at least 3 epochs; got shape {train.shape}")
    if val.shape != train.shape:
        raise ValueError(f"val must have the shape of train {train.shape}; got {val.shape}")
    obj = train if objective is None else np.asarray(objective, dtype=np.float64)
    if obj.shape != train.shape:
        raise ValueError(f"objective must have the shape of train {train.shape}; got {obj.shape}")
    floor = check.real("floor", floor, low=0.0)
    if best_objective is not None:
        best_objective = check.real("best_objective", best_objective, low=0.0)
    if best_train is not None:
        best_train = check.real("best_train", best_train, low=0.0)
    finite_val = np.where(np.isfinite(val), val, np.inf)
    best = int(np.argmin(finite_val))

    # 1. unstable
    bad = np.flatnonzero(~(np.isfinite(train) & np.isfinite(val)))
    lowest = np.minimum.accumulate(np.where(np.isfinite(train), train, np.inf))
    jumps = np.flatnonzero(train[1:] > JUMP * lowest[:-1]) + 1
    k = _tail(train)
    # A jump the run recovered from (its objective's median over the tail back within SHORT of the
    # model's exact minimum) is the noise of small batches; without that minimum, every jump counts.
    recovered = (best_objective is not None and bad.size == 0
                 and float(np.median(obj[-k:])) <= (1 + SHORT) * best_objective + 1e-12)
    if bad.size or (jumps.size and not recovered):
        if bad.size and (not jumps.size or bad[0] <= jumps[0]):
            at = int(bad[0])
            found = Finding("diverged", {"epoch": at})
        else:
            at = int(jumps[0])
            jump = {"epoch": at, "ratio": float(train[at] / lowest[at - 1])}
            found = (Finding("jumped_stuck", {**jump, "above": float(np.median(obj[-k:])) / best_objective - 1,
                                              "best_objective": best_objective})
                     if best_objective is not None and best_objective > 0 else Finding("jumped", jump))
        return Verdict("unstable", (found,), best, event_epoch=at)

    end_val, end_train = float(val[-1]), float(train[-1])

    last, before = obj[-k:], obj[-2 * k:-k] if obj.size > 2 * k else obj[:1]
    falling = outcomes.fell(before, last)  # by more than the tail's own noise, and by more than 1%

    # 2. underfitting: the model's own best (or, unknown, where a run that stopped falling ended) is high
    high = HIGH * floor + MARGIN * float(train[0])
    capacity = best_train if best_train is not None else end_train
    if capacity > high and (best_train is not None or (end_val > high and not falling)):
        bar = {"high": high, "times": HIGH, "floor": floor}
        found = (Finding("model_high", {"best_train": capacity, **bar}) if best_train is not None
                 else Finding("levelled_high", {"train": end_train, "val": end_val, **bar}))
        return Verdict("underfitting", (found,), best)

    # 3. overfitting: a rise beyond the curve's own wobble, that stays
    wobble = float(np.median(np.abs(np.diff(val[-(k + 1):]))))
    rise = end_val - float(val[best])
    if (best < val.size - 1 and rise > RISE * val[best] and rise > SPREAD * wobble
            and float(val[-k:].min()) > (1 + RISE / 2) * val[best] and end_train < train[best]):
        return Verdict("overfitting", (Finding("rose", {
            "best_epoch": best, "best_val": float(val[best]), "rise": end_val / float(val[best]) - 1,
            "train_best": float(train[best]), "train_end": end_train}),), best, turn_epoch=best)

    # 4. too slow: short of the model's own minimum, and still falling
    short = best_objective is None or float(last.min()) > (1 + SHORT) * best_objective + 1e-12
    if falling and short:
        found = [Finding("falling", {"fall": 1 - float(last.mean() / before.mean()), "tail": TAIL})]
        if best_objective is not None and best_objective > 0:
            found.append(Finding("short_of_best", {"above": float(last.min()) / best_objective - 1,
                                                   "best_objective": best_objective}))
        elif best_objective is not None:
            found.append(Finding("best_is_zero", {"best_objective": best_objective}))
        return Verdict("too slow", tuple(found), best)
    found = [Finding("levelled", {"train": end_train, "val": end_val, "floor": floor})]
    if jumps.size:
        found.append(Finding("settled_jump", {"epoch": int(jumps[0]),
                                              "ratio": float(train[jumps[0]] / lowest[jumps[0] - 1])}))
    if best_objective is not None and best_objective > 0 and float(np.median(last)) > (1 + SHORT) * best_objective:
        found.append(Finding("above_best", {"above": float(np.median(last)) / best_objective - 1,
                                            "best_objective": best_objective}))
    return Verdict("converged", tuple(found), best)
