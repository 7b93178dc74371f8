"""The learning-rate view's training: one vectorized run of many rates on a line fit's valley (the
sweep's rates and every slider value together), and the sweep's summary. Pure: no streamlit.

A :class:`Training` of a constant rate holds every shorter run too (:meth:`Training.prefix`), bit
for bit, so the scenario trains the longest run once and reads every run length from it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import training
from core import trajectory as core_trajectory
from core.trajectory import Trajectory
from dashboard import registry
from dashboard.shared.learning_rate import outcomes
from dashboard.valley import WITHIN, LineValley


def fit(prob: LineValley, rates: np.ndarray, optimizer: str, schedule: str, steps: int) -> Trajectory:
    """Full-batch runs from (0, 0), one per rate (R,), with the registry's optimizer and schedule."""
    return training.fit_linear(
        prob.X, prob.y, loss="mse", optimizer=registry.OPTIMIZERS[optimizer].build(),
        lr=registry.SCHEDULES[schedule].build(np.asarray(rates, dtype=np.float64), steps), steps=steps,
    )


@dataclass(frozen=True, eq=False)
class Sweep:
    """Final loss of many runs, one per learning rate, trained in one vectorized call.

    ``table``: columns lr, final_loss (inf when diverged), diverged, diverged_at, steps_to_1pct (-1 when
    never within 1%), outcome (that result in words). The largest swept rate that did not diverge and the
    smallest that did, the rate with the lowest final loss and that loss (nan where there is none).
    """

    table: pd.DataFrame
    largest_stable: float
    smallest_diverged: float
    best_lr: float
    best_loss: float

    @property
    def n_diverged(self) -> int:
        return int(self.table["diverged"].sum())

    @classmethod
    def of(cls, lrs: np.ndarray, finals: np.ndarray, diverged_at: np.ndarray, steps_to_1pct: np.ndarray,
           exact_fit: bool) -> Sweep:
        diverged = diverged_at >= 0
        ok, bad, finite = lrs[~diverged], lrs[diverged], np.isfinite(finals)
        best = int(np.argmin(np.where(finite, finals, np.inf))) if finite.any() else -1
        return cls(pd.DataFrame({"lr": lrs, "final_loss": finals, "diverged": diverged, "diverged_at": diverged_at,
                                 "steps_to_1pct": steps_to_1pct,
                                 "outcome": np.array(outcomes(diverged_at, steps_to_1pct, exact_fit), dtype=object)}),
                   float(ok.max()) if ok.size else math.nan, float(bad.min()) if bad.size else math.nan,
                   float(lrs[best]) if best >= 0 else math.nan, float(finals[best]) if best >= 0 else math.nan)


@dataclass(frozen=True, eq=False)
class Training:
    """Every rate a page can show for one optimizer, schedule, run length and valley, trained in one
    vectorized call: the sweep's rates ``lrs`` and a grid of slider values.

    Attributes:
        schedule: the schedule's name.
        optimum_loss, target_loss: the MSE at the optimum and the one that counts as arrived.
        lrs: the sweep's rates (S,); sweep: the sweep of them.
        sweep_loss: array (steps + 1, S), the sweep's loss at every step.
        sweep_diverged_at: int array (S,), the sweep's divergence steps (-1: none).
        grid: the runs of the slider values; index: slider value -> its run in ``grid``.
    """

    schedule: str
    optimum_loss: float
    target_loss: float
    lrs: np.ndarray
    sweep: Sweep
    sweep_loss: np.ndarray
    sweep_diverged_at: np.ndarray
    grid: Trajectory
    index: Mapping[float, int]

    @property
    def steps(self) -> int:
        return self.grid.steps

    def runs(self, rates) -> Trajectory | None:
        """The runs of ``rates`` (in that order), or None when one of them is not a slider value."""
        try:
            cols = np.array([self.index[float(rate)] for rate in rates])
        except KeyError:
            return None
        return self.grid.select(cols)

    def prefix(self, steps: int) -> Training:
        """The same training stopped after ``steps`` updates, bit for bit, for a constant rate.

        Each update depends only on the one before and on the rate, so the first ``steps`` updates of a
        longer run are the run of ``steps`` updates; a run that diverged later has not diverged yet.
        (Every other schedule is scaled to the run length: a shorter run is not the start of a longer one.)
        """
        if self.schedule != "constant":
            raise ValueError(f"only a constant-rate training has its shorter runs in it; this one is {self.schedule!r}")
        # Views of this training's arrays (never modified), so a shorter run costs no memory.
        return _training(self.schedule, self.optimum_loss, self.target_loss, self.lrs, self.sweep_loss[: steps + 1],
                         core_trajectory.diverged_by(self.sweep_diverged_at, steps), self.grid.prefix(steps),
                         self.index)


def _training(schedule: str, optimum_loss: float, target_loss: float, lrs: np.ndarray, sweep_loss: np.ndarray,
              sweep_diverged_at: np.ndarray, grid: Trajectory, index: Mapping[float, int]) -> Training:
    # The sweep keeps its losses only (not its parameters): the numbers of core.trajectory on them.
    finals = core_trajectory.final_loss(sweep_loss, sweep_diverged_at)
    steps_to_1pct = core_trajectory.first_step_below(sweep_loss, target_loss)
    return Training(schedule=schedule, optimum_loss=optimum_loss, target_loss=target_loss, lrs=lrs,
                    sweep=Sweep.of(lrs, finals, sweep_diverged_at, steps_to_1pct,
                                   exact_fit=target_loss > WITHIN * optimum_loss),
                    sweep_loss=sweep_loss, sweep_diverged_at=sweep_diverged_at, grid=grid, index=index)


def train(prob: LineValley, optimizer: str, schedule: str, steps: int, lrs: np.ndarray, slider: list[float]) -> Training:
    """The sweep's rates ``lrs`` and the ``slider`` values, trained together (one call of ``fit_linear``)."""
    traj = fit(prob, np.concatenate([lrs, slider]), optimizer, schedule, steps)
    n, cols = lrs.size, np.arange(lrs.size, traj.n_runs)
    grid = Trajectory(params=traj.params[:, cols], loss=traj.loss[:, cols], lr=traj.lr[:, cols],
                      diverged_at=traj.diverged_at[cols])  # copies (fancy indexing): the sweep's params go
    return _training(schedule, prob.optimum_loss, prob.target_loss, lrs, traj.loss[:, :n].copy(),
                     traj.diverged_at[:n].copy(), grid, {float(rate): k for k, rate in enumerate(slider)})
