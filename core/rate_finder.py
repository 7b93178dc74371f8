"""The learning-rate range test: one short run whose rate grows exponentially, read for a rate.

The test (Smith 2017, "Cyclical learning rates"; the "LR finder" of fastai and
torch-lr-finder) trains once while the rate climbs from ``lr_min`` to ``lr_max``::

    lr_t = lr_min * (lr_max / lr_min) ** (t / (steps - 1)),   t = 0 .. steps - 1

and plots the loss after each update against that update's rate on a log axis. The loss
first barely moves (the rate is too small to matter), then falls fast, then turns up and
explodes. The suggested rate is where the smoothed loss falls fastest per factor of rate:
the steepest point of the curve, before it turns.

Smoothing is the debiased exponential moving average of torch-lr-finder and fastai::

    a_t = beta * a_{t-1} + (1 - beta) * loss_t,   a_{-1} = 0,   smooth_t = a_t / (1 - beta ** (t + 1))

and the run is cut where ``smooth_t > factor * min(smooth_0 .. smooth_t)`` (or is not finite).

Note: torch-lr-finder records each batch's loss *before* the update that uses the rate;
here the loss after update t is the full-data objective, so the curve shows each rate's
effect, with no batch-to-batch noise on top of the path's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core import _validation as check
from core import schedules, training


def schedule(lr_min: float, lr_max: float, steps: int) -> schedules.Schedule:
    """The test's rates: ``exponential(lr_min, gamma)`` reaching ``lr_max`` at t = steps - 1.

    ``0 < lr_min < lr_max``, ``steps`` an int >= 2.
    """
    lr_min = check.real("lr_min", lr_min, low=0.0, low_open=True)
    lr_max = check.real("lr_max", lr_max, low=0.0, low_open=True)
    if lr_max <= lr_min:
        raise check.fail("lr_max", lr_max, f"a rate > lr_min = {lr_min!r}")
    steps = check.integer("steps", steps, low=2)
    return schedules.exponential(lr_min, (lr_max / lr_min) ** (1.0 / (steps - 1)))


def smoothed(losses: Any, beta: float = 0.98) -> np.ndarray:
    """The debiased exponential moving average of ``losses`` (shape (T,)), shape (T,).

    ``beta`` in [0, 1): 0 gives the losses themselves. A non-finite loss makes every later
    value non-finite, which :func:`stop_index` reads as the end.
    """
    values = check.array("losses", losses, ndim=1, finite=False)
    beta = check.real("beta", beta, low=0.0, high=1.0, high_open=True)
    out = np.empty_like(values)
    avg = 0.0
    with np.errstate(all="ignore"):
        for t, loss in enumerate(values):
            avg = beta * avg + (1.0 - beta) * loss
            out[t] = avg / (1.0 - beta ** (t + 1))
    return out


def stop_index(smooth: Any, factor: float = 4.0) -> int:
    """The first t where ``smooth[t] > factor * min(smooth[:t + 1])`` or is not finite; T if none."""
    values = check.array("smooth", smooth, ndim=1, finite=False)
    factor = check.real("factor", factor, low=1.0, low_open=True)
    with np.errstate(invalid="ignore"):
        best = np.minimum.accumulate(np.where(np.isfinite(values), values, np.inf))
        bad = ~np.isfinite(values) | (values > factor * best)
    return int(np.argmax(bad)) if bad.any() else int(values.size)


def steepest(smooth: Any, stop: int, skip_start: int = 10, skip_end: int = 5) -> int:
    """The index of the smoothed loss's steepest fall, between ``skip_start`` and ``stop - skip_end``.

    The fall per step is ``np.gradient(smooth)`` (central differences); on the test's evenly
    spaced log rates that is the slope against log(rate). As torch-lr-finder's ``suggestion``,
    the first ``skip_start`` and last ``skip_end`` points are left out (the average is still
    settling at the start; the loss is turning at the end). Returns -1 when fewer than two
    points remain.
    """
    values = check.array("smooth", smooth, ndim=1, finite=False)
    stop = check.integer("stop", stop, low=0, high=values.size)
    skip_start = check.integer("skip_start", skip_start, low=0)
    skip_end = check.integer("skip_end", skip_end, low=0)
    end = stop - skip_end
    if end - skip_start < 2:
        return -1
    part = values[skip_start:end]
    return skip_start + int(np.argmin(np.gradient(part)))


@dataclass(frozen=True)
class RangeTest:
    """One range test.

    Attributes:
        rates: (steps,) the rate of each update.
        loss: (steps,) the full-data objective after each update.
        smooth: (steps,) its debiased moving average.
        stop: the update where the test stops (the loss ran away); ``steps`` if it never did.
        best: the index of the suggested rate (the steepest fall), -1 if the run was too short.
        start_loss: the objective before the first update.
    """

    rates: np.ndarray
    loss: np.ndarray
    smooth: np.ndarray
    stop: int
    best: int
    start_loss: float

    @property
    def suggested(self) -> float | None:
        """The suggested rate, None when the test found none."""
        return None if self.best < 0 else float(self.rates[self.best])


def range_test(X: Any, y: Any, *, lr_min: float = 1e-5, lr_max: float = 10.0, steps: int = 100,
               optimizer: Any = "sgd", loss: Any = "mse", batch_size: int | None = None, seed: int = 0,
               beta: float = 0.98, factor: float = 4.0, init: Any = None) -> RangeTest:
    """Run the range test on a linear model (see the module docstring).

    ``X`` (n, d), ``y`` (n,), ``optimizer``, ``loss``, ``batch_size``, ``seed`` and ``init``
    (P,) as :func:`core.training.fit_linear`; the rates as :func:`schedule`; ``beta`` as
    :func:`smoothed` and ``factor`` as :func:`stop_index`.
    """
    rates = schedule(lr_min, lr_max, steps)
    run = training.fit_linear(X, y, loss=loss, optimizer=optimizer, lr=rates, steps=steps,
                              batch_size=batch_size, seed=seed, init=init)
    after = run.loss[1:, 0]
    smooth = smoothed(after, beta)
    stop = stop_index(smooth, factor)
    return RangeTest(rates=run.lr[:, 0].copy(), loss=after, smooth=smooth, stop=stop,
                     best=steepest(smooth, stop), start_loss=float(run.loss[0, 0]))
