"""What an optimization run did, and whether two numbers differ: the one vocabulary of verdicts.

Every verdict a view states about a run ("arrived", "the winner", "in a minimum", "still falling")
comes from :func:`classify`, and every comparison of two quantities ("n times larger", "equal")
from :func:`compare`. The thresholds are named here and nowhere else.

A run of ``steps`` updates, with its objective ``loss`` (steps + 1,) and, where known, its
points ``params`` (steps + 1, P) and the true minimizer ``minimizer`` (P,) with value ``f_min``,
ends as exactly one :class:`Outcome` kind:

- ``"diverged"`` at step k: :mod:`core.trajectory`'s rule (k = ``diverged_at``).
- ``"arrived"`` at step k: from step k to the end, the run stays near the true minimizer, both
    in distance   ``|θ_t − θ*| <= ARRIVE_DISTANCE · |θ_0 − θ*|``   (1% of the start's distance)
    and in loss   ``f(θ_t) − f* <= ARRIVE_GAP · (f(θ_0) − f*)``     (10⁻⁴ of the start's gap).
  Both allow round-off besides (``EQUAL_RTOL`` of the minimum's size): a start at or below the
  minimum's height leaves no other room. Near a quadratic bottom the two agree (the gap falls as
  the distance squared). Without a known
  minimizer (``params`` or ``minimizer`` None) the loss test alone decides, and the caller must
  say so. A run that starts at the minimizer (zero distance and gap) arrived at step 0.
- ``"falling"``: not arrived, and over the last ``WINDOW_SHARE`` of the run its gap (f − f*)
  fell: the later half's mean below the earlier half's beyond their noise (:func:`fell`), and
  the upper envelope lower by more than ``FALLING_SHARE``; ``rate`` is the envelope's fall per
  step, as a fraction (0.01: one percent a step). An oscillation that decays counts here; the
  lucky dips of a noise floor do not.
- ``"rising"``: not arrived, and its gap grew over the window (:func:`fell`, read the other
  way): a run on its way to diverging that has not passed the divergence rule's bound yet.
- ``"oscillating"``: not arrived, not falling, and its loss changed direction on at least
  ``SWING_SHARE`` of the steps of the window with a swing above ``SWING_SIZE`` of its level.
- ``"stalled"``: anything else: not falling and not arrived (a plateau, a saddle, another
  minimum). With ``others`` (m, P), the known stationary points that are not the minimizer,
  ``near`` names the one the run stopped at (same distance rule, measured from that point).

:func:`compare` says "equal" for two numbers within round-off of each other (``EQUAL_RTOL``),
so a page never prints a ratio, a percentage of a zero total, or a winner between equals.

Note: PyTorch and scikit-learn have no such vocabulary; scikit-learn's ``tol`` stops a solver
when the loss improves by less than ``tol``, which is this module's "stalled" or "arrived"
without telling them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ARRIVE_DISTANCE = 1e-2
ARRIVE_GAP = 1e-4
WINDOW_SHARE = 0.1
WINDOW_MIN = 10  # steps: a shorter run's window is the whole run
FALLING_SHARE = 1e-2
SWING_SHARE = 0.5
SWING_SIZE = 1e-3
EQUAL_RTOL = 1e-9
FALL_SE = 2.0  # fell(): the later mean is lower by more than 2 standard errors of the later values ...
FALL_MIN = 0.01  # ... and by more than 1% of the earlier mean (a smooth curve has no noise to measure)
KINDS = ("diverged", "arrived", "falling", "rising", "oscillating", "stalled")


@dataclass(frozen=True)
class Outcome:
    """What one run did.

    Attributes:
        kind: one of :data:`KINDS`.
        step: "diverged": the step k it blew up at; "arrived": the step from which it stays
            near the minimizer; -1 otherwise.
        rate: "falling": the gap's fall per step over the window, as a fraction; 0.0 otherwise.
        gap: f − f* at the end (nan when diverged).
        distance: |θ − θ*| at the end (nan when unknown or diverged).
        near: "stalled": the index into ``others`` of the point it stopped at, -1 for none.
    """

    kind: str
    step: int = -1
    rate: float = 0.0
    gap: float = float("nan")
    distance: float = float("nan")
    near: int = -1

    @property
    def arrived(self) -> bool:
        return self.kind == "arrived"


def _stays_from(ok: np.ndarray) -> np.ndarray:
    """Int (R,): the first index from which ``ok`` (T, R) is True to the end, -1 when its last is False."""
    trailing = np.where(ok.all(axis=0), ok.shape[0], np.argmin(ok[::-1], axis=0))  # the final run of True
    return np.where(trailing > 0, ok.shape[0] - trailing, -1)


def _close(points: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Bool (T, R): each point of ``points`` (T, R, P) within ARRIVE_DISTANCE of ``target`` (P,),
    relative to its run's start's distance."""
    distance = np.linalg.norm(points - target, axis=-1)
    round_off = EQUAL_RTOL * max(1.0, float(np.abs(target).max()))
    return distance <= ARRIVE_DISTANCE * distance[:1] + round_off


def arrival_steps(loss, f_min: float, *, diverged_at=None, params=None, minimizer=None) -> np.ndarray:
    """Int (R,): the step each of R runs arrived at (the module's rule), -1 for the rest.

    ``loss`` (steps + 1, R); ``diverged_at`` (R,) or None; ``params`` (steps + 1, R, P) and
    ``minimizer`` (P,) or, where the minimum is reached at several points, (g, P) (near any of
    them counts), or None for the loss test alone. A diverged run never arrived.
    """
    loss = np.asarray(loss, dtype=np.float64)
    if loss.ndim != 2 or loss.shape[0] < 1:
        raise ValueError(f"loss must be (steps + 1, R); got shape {loss.shape}")
    with np.errstate(invalid="ignore"):
        gap = np.maximum(loss - f_min, 0.0)
        # NaN (after a divergence) is never within; round-off always is (a start at or below the
        # minimum's height leaves no room for anything else)
        ok = gap <= ARRIVE_GAP * gap[:1] + EQUAL_RTOL * max(1.0, abs(f_min))
    if params is not None and minimizer is not None:
        points = np.asarray(params, dtype=np.float64)
        targets = np.asarray(minimizer, dtype=np.float64).reshape(-1, points.shape[-1])
        near = np.zeros_like(ok)
        for target in targets:  # a few global minimizers at most (a symmetric surface has two)
            near |= _close(points, target)
        ok &= near
    steps = _stays_from(ok)
    if diverged_at is not None:
        steps = np.where(np.asarray(diverged_at) >= 0, -1, steps)
    return steps


def window(steps: int) -> int:
    """The number of final steps :func:`classify` reads for "falling" and "oscillating"."""
    return min(steps, max(WINDOW_MIN, int(round(WINDOW_SHARE * steps))))


def classify(loss, f_min: float, *, diverged_at: int = -1, params=None, minimizer=None,
             others=None) -> Outcome:
    """The :class:`Outcome` of one run (the rule is in the module docstring).

    Args:
        loss: (steps + 1,) the objective at each step, the start first.
        f_min: the minimum's value (the true one where known, else the best reference there is).
        diverged_at: the step the run diverged at (-1: never).
        params: (steps + 1, P) its points, or None; minimizer: (P,), (g, P) for several global
            minimizers (``distance`` is then to the nearest), or None.
        others: (m, P) other stationary points (local minima, saddles), or None.
    """
    loss = np.asarray(loss, dtype=np.float64)
    if loss.ndim != 1 or loss.size < 1:
        raise ValueError(f"loss must be a 1-D array with the start first; got shape {loss.shape}")
    if not np.isfinite(f_min):
        raise ValueError(f"f_min must be finite; got {f_min}")
    if diverged_at >= 0:
        return Outcome("diverged", step=int(diverged_at))
    if not np.isfinite(loss).all():
        raise ValueError("loss must be finite for a run that did not diverge (diverged_at = -1)")
    gap = np.maximum(loss - f_min, 0.0)
    distance = float("nan")
    points = None
    if params is not None and minimizer is not None:
        points = np.asarray(params, dtype=np.float64).reshape(loss.size, 1, -1)
        targets = np.asarray(minimizer, dtype=np.float64).reshape(-1, points.shape[2])
        distance = float(np.linalg.norm(points[-1, 0] - targets, axis=1).min())
    end = float(gap[-1])
    arrived = int(arrival_steps(loss[:, None], f_min, params=points, minimizer=minimizer)[0])
    if arrived >= 0:
        return Outcome("arrived", step=arrived, gap=end, distance=distance)
    steps = loss.size - 1
    if steps >= 2:
        w = window(steps)
        tail = gap[-(w + 1):]
        half = max(1, (w + 1) // 2)
        i_early = int(np.argmax(tail[:half]))
        i_late = tail.size - half + int(np.argmax(tail[-half:]))
        early, late = float(tail[i_early]), float(tail[i_late])
        # Falling: the window's later half lower than its earlier half beyond their noise (fell), with the
        # envelope lower too (a decaying oscillation counts, a noise floor's lucky dips do not).
        if early > 0 and late < (1.0 - FALLING_SHARE) * early and fell(tail[:half], tail[-half:]):
            # the envelope's fall per step between its two peaks
            per_step = 1.0 - (late / early) ** (1.0 / (i_late - i_early)) if late > 0 else 1.0
            return Outcome("falling", rate=float(per_step), gap=end, distance=distance)
        if fell(tail[-half:], tail[:half]):  # the gap grows: a run on its way to diverging
            return Outcome("rising", gap=end, distance=distance)
        moves = np.diff(loss[-(w + 1):])
        turns = np.count_nonzero(np.sign(moves[1:]) * np.sign(moves[:-1]) < 0)
        level = max(float(np.abs(tail).max()), np.finfo(float).tiny)
        if turns >= SWING_SHARE * max(1, moves.size - 1) and np.ptp(tail) > SWING_SIZE * level:
            return Outcome("oscillating", gap=end, distance=distance)
    near = -1
    if others is not None and points is not None:
        ends = points[[0, -1]]  # the start and the end: the distance rule measured from that point
        for i, point in enumerate(np.asarray(others, dtype=np.float64).reshape(-1, points.shape[2])):
            if _close(ends, point)[-1, 0]:
                near = i
                break
    return Outcome("stalled", gap=end, distance=distance, near=near)


def fastest(arrived_at, final_gap) -> tuple[int, bool]:
    """The best of R runs: (index, whether it arrived). The run that arrived in the fewest steps
    (ties: the lower final gap); where none arrived, the lowest finite final gap; (-1, False) when
    every final gap is not finite (every run diverged). ``arrived_at`` (R,) from
    :func:`arrival_steps`, ``final_gap`` (R,) with inf or nan for diverged runs."""
    steps = np.asarray(arrived_at)
    gap = np.asarray(final_gap, dtype=np.float64)
    finite = np.isfinite(gap)
    if (steps >= 0).any():
        first = np.where(steps >= 0, steps, np.iinfo(np.int64).max)
        ties = np.flatnonzero(first == first.min())
        return int(ties[np.argmin(np.where(finite[ties], gap[ties], np.inf))]), True
    if not finite.any():
        return -1, False
    return int(np.argmin(np.where(finite, gap, np.inf))), False


def fell(earlier, later) -> bool:
    """Whether a noisy quantity is still falling: the mean of ``later`` (k,) is below the mean of
    ``earlier`` by more than ``FALL_SE`` standard errors of ``later``'s mean and by more than
    ``FALL_MIN`` of ``earlier``'s mean. Two stretches of a curve that has levelled off (a noise
    floor, a plateau) differ by less; one still coming down differs by more."""
    earlier = np.asarray(earlier, dtype=np.float64)
    later = np.asarray(later, dtype=np.float64)
    if earlier.size < 1 or later.size < 1:
        raise ValueError("earlier and later must each hold at least one value")
    error = float(np.std(later, ddof=1) / np.sqrt(later.size)) if later.size > 1 else 0.0
    before = float(earlier.mean())
    return float(later.mean()) < before - max(FALL_SE * error, FALL_MIN * abs(before))


@dataclass(frozen=True)
class Comparison:
    """Two quantities side by side: ``kind`` is "equal", "larger" or "smaller" (a against b), and
    ``ratio`` a / b (1.0 when equal, inf when b is 0 and a is not)."""

    kind: str
    ratio: float


def compare(a: float, b: float, scale: float = 0.0) -> Comparison:
    """a against b, "equal" when they agree within round-off: ``EQUAL_RTOL`` of the larger, or of
    ``scale`` where the two are differences of larger numbers (gaps above a minimum of a loss whose
    size is ``scale``: two gaps of 1e-30 and 0 are the same round-off, not a ratio of infinity)."""
    a, b = float(a), float(b)
    if not (np.isfinite(a) and np.isfinite(b) and np.isfinite(scale)):
        raise ValueError(f"a, b and scale must be finite; got {a}, {b} and {scale}")
    if abs(a - b) <= EQUAL_RTOL * max(abs(a), abs(b), abs(scale)):
        return Comparison("equal", 1.0)
    ratio = a / b if b != 0 else float("inf")
    return Comparison("larger" if a > b else "smaller", ratio)
