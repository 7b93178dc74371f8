"""One record for R runs of an iterative optimizer, and the one rule for when a run diverged.

Both :func:`core.training.fit_linear` (a model's parameters on data) and
:func:`core.surface_runs.optimize` (a point on a 2-D or 1-D surface) return a :class:`Trajectory`.

Shapes, for ``steps`` updates of ``R`` runs of ``P`` parameters::

    params       (steps + 1, R, P)   params[0] is the start, params[t] the point after t updates
    loss         (steps + 1, R)      the objective at params[t]
    lr           (steps, R)          the learning rate of update t (from params[t] to params[t + 1])
    diverged_at  (R,)                see below; -1 for a run that never diverged

The divergence rule, stated here only: a run *diverged at step k* at the first step k whose
objective is not finite or whose size exceeds ``DIVERGENCE_FACTOR`` (10^12) times the size of
its starting objective (10^12 itself when the start's is 0). From step k + 1 on its parameters
stay those of step k (where it blew up, so the last point drawn is the escape) and its
objective is NaN. The start is finite (both callers check it), so k >= 1. Divergence is a
result, not an error: it raises nothing and no floating-point warning leaks.

Note: torch has no such rule; a diverging torch run just produces inf and NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIVERGENCE_FACTOR = 1e12


@dataclass(frozen=True)
class Trajectory:
    """R runs of an optimizer, step by step (shapes in the module docstring)."""

    params: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    diverged_at: np.ndarray

    @property
    def n_runs(self) -> int:
        return self.params.shape[1]

    @property
    def steps(self) -> int:
        return self.lr.shape[0]

    @property
    def diverged(self) -> np.ndarray:
        """Bool array (R,): which runs diverged."""
        return self.diverged_at >= 0

    @property
    def final_params(self) -> np.ndarray:
        """Array (R, P): the parameters after the last update (frozen ones for diverged runs)."""
        return self.params[-1]

    @property
    def final_loss(self) -> np.ndarray:
        """Array (R,): the objective after the last update; +inf for diverged runs."""
        return final_loss(self.loss, self.diverged_at)

    def first_step_below(self, threshold: float | np.ndarray) -> np.ndarray:
        """Int array (R,): first step t with ``loss[t] <= threshold``, -1 if never reached.

        ``threshold`` is a float or an array (R,), e.g. ``1.01 * optimum`` for "within 1%".
        """
        return first_step_below(self.loss, threshold)

    def select(self, cols) -> Trajectory:
        """The runs ``cols`` (an index array into R), as views where numpy allows."""
        return Trajectory(params=self.params[:, cols], loss=self.loss[:, cols], lr=self.lr[:, cols],
                   diverged_at=self.diverged_at[cols])

    def prefix(self, steps: int) -> Trajectory:
        """The first ``steps`` updates of these runs (views, no copy).

        A run that diverged after ``steps`` has not diverged yet. This is the run of ``steps``
        updates, bit for bit, when each update depends only on the one before and its rate.
        """
        if not 0 <= steps <= self.steps:
            raise ValueError(f"steps must be between 0 and {self.steps}; got {steps}")
        return Trajectory(params=self.params[: steps + 1], loss=self.loss[: steps + 1], lr=self.lr[:steps],
                   diverged_at=diverged_by(self.diverged_at, steps))


def final_loss(loss: np.ndarray, diverged_at: np.ndarray) -> np.ndarray:
    """Array (R,): the last row of ``loss`` (steps + 1, R), +inf for runs with ``diverged_at >= 0``."""
    out = loss[-1].copy()
    out[diverged_at >= 0] = np.inf
    return out


def first_step_below(loss: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """Int array (R,): the first t with ``loss[t] <= threshold`` (a float or (R,)), -1 if never."""
    below = loss <= np.asarray(threshold, dtype=np.float64)
    return np.where(below.any(axis=0), below.argmax(axis=0), -1)


def settled_below(loss: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """Int array (R,): the first t from which ``loss`` (steps + 1, R) stays ``<= threshold`` to the
    end, -1 if it ends above. Unlike :func:`first_step_below`, a run that dips below once and
    bounces out again has not arrived."""
    below = loss <= np.asarray(threshold, dtype=np.float64)
    tail = np.where(below[::-1].all(axis=0), below.shape[0], below[::-1].argmin(axis=0))  # trailing run of True
    return np.where(tail > 0, below.shape[0] - tail, -1)


def fastest(loss: np.ndarray, diverged_at: np.ndarray, threshold: float) -> int:
    """The best run of a sweep: the index of the run that first settles at ``loss <= threshold``
    (reaches it and stays there, :func:`settled_below`).

    Ties go to the lower final loss. When no run gets there, the lowest final loss wins; a
    diverged run never does. Returns -1 when every run diverged. ``loss`` (steps + 1, R),
    ``diverged_at`` (R,).
    """
    finals = final_loss(loss, diverged_at)
    if not np.isfinite(finals).any():
        return -1
    reached = np.where(diverged_at < 0, settled_below(loss, threshold), -1)
    if (reached >= 0).any():
        first = np.where(reached >= 0, reached, np.iinfo(np.int64).max)
        candidates = np.flatnonzero(first == first.min())
        return int(candidates[np.argmin(finals[candidates])])
    return int(np.nanargmin(np.where(np.isfinite(finals), finals, np.nan)))


def diverged_by(diverged_at: np.ndarray, steps: int) -> np.ndarray:
    """Divergence steps as seen by a run of ``steps`` updates (a later one has not happened)."""
    return np.where(diverged_at <= steps, diverged_at, -1)


def mark_divergence(params: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """Apply the divergence rule to ``params`` (steps + 1, R, P) and ``loss`` (steps + 1, R) in place.

    Returns ``diverged_at`` (R,). Call it inside ``np.errstate(all="ignore")``.
    """
    start = np.abs(loss[0])
    limit = DIVERGENCE_FACTOR * np.where(start > 0, start, 1.0)
    bad = ~(np.abs(loss) <= limit)  # also catches NaN
    hit = bad.any(axis=0)
    diverged_at = np.where(hit, bad.argmax(axis=0), -1)
    for r in np.flatnonzero(hit):  # only diverged runs: a handful at most
        k = diverged_at[r]
        params[k + 1 :, r] = params[k, r]
        loss[k + 1 :, r] = np.nan
    return diverged_at
