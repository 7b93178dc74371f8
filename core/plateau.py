"""Reduce on plateau: the one schedule that is no function of t alone, because it reads the loss.

torch's ReduceLROnPlateau (mode="min") as pure functions of plain state, for R runs at once:
:func:`reduce_on_plateau` builds a :class:`Plateau`; ``init`` gives the state (each field (R,)),
``update`` the state after one more loss value, ``rate`` the rate a state gives, ``replay`` a
whole loss history's rates. :func:`core.training.fit_linear` feeds it the full-data objective.
Both names are importable from :mod:`core.schedules` too (``schedules.get("reduce_on_plateau", ...)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core._validation import choice, fail, integer, real
from core.rate_schedule import base_rate


class Plateau:
    """ReduceLROnPlateau: a rate that the loss itself lowers (see :func:`reduce_on_plateau`).

    Pure functions of plain state, for R runs at once: :meth:`init` gives the state at the
    start, :meth:`update` the state after one more loss value, :meth:`rate` the rate a state
    gives; :meth:`replay` runs a whole loss history through it.
    """

    name = "reduce_on_plateau"

    def __init__(self, base, params: dict[str, Any]):
        self.base = base
        self.params = dict(params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"reduce_on_plateau(base={self.base!r}, {args})"

    def init(self, n_runs: int = 1) -> dict[str, np.ndarray]:
        """The state before any loss is seen: each field has shape (n_runs,)."""
        n_runs = integer("n_runs", n_runs, low=1)
        if np.ndim(self.base) and np.size(self.base) != n_runs:
            raise fail("n_runs", n_runs, f"{np.size(self.base)}, the number of base rates")
        return {
            "lr": np.broadcast_to(np.asarray(self.base, dtype=np.float64), (n_runs,)).copy(),
            "best": np.full(n_runs, np.inf),
            "bad": np.zeros(n_runs, dtype=np.int64),  # torch's num_bad_epochs
            "cooldown": np.zeros(n_runs, dtype=np.int64),  # torch's cooldown_counter
        }

    def update(self, state: dict[str, np.ndarray], loss) -> dict[str, np.ndarray]:
        """The state after ``scheduler.step(loss)``: ``loss`` of shape (n_runs,) (or a float).

        A non-finite loss never counts as better (as in torch: nan < x is False).
        """
        p = self.params
        loss = np.broadcast_to(np.asarray(loss, dtype=np.float64), state["best"].shape)
        best, bad, cool, lr = (state[k].copy() for k in ("best", "bad", "cooldown", "lr"))
        if p["threshold_mode"] == "rel":
            better = loss < best * (1.0 - p["threshold"])
        else:
            better = loss < best - p["threshold"]
        best = np.where(better, loss, best)
        bad = np.where(better, 0, bad + 1)
        cooling = cool > 0
        cool = np.where(cooling, cool - 1, cool)
        bad = np.where(cooling, 0, bad)  # bad steps during a cooldown are ignored
        cut = bad > p["patience"]
        new_lr = np.maximum(lr * p["factor"], p["min_lr"])
        lr = np.where(cut & (lr - new_lr > p["eps"]), new_lr, lr)
        cool = np.where(cut, p["cooldown"], cool)
        bad = np.where(cut, 0, bad)
        return {"lr": lr, "best": best, "bad": bad, "cooldown": cool}

    @staticmethod
    def rate(state: dict[str, np.ndarray]) -> np.ndarray:
        """The rate of the next step, shape (n_runs,)."""
        return state["lr"].copy()

    def replay(self, losses) -> np.ndarray:
        """Rates for a loss history ``losses`` of shape (T,) or (T, n_runs).

        Returns shape (T + 1,) or (T + 1, n_runs): row 0 is the base rate, row t + 1 the rate
        after ``scheduler.step(losses[t])``.
        """
        values = np.asarray(losses, dtype=np.float64)
        if values.ndim not in (1, 2) or values.dtype == np.bool_:
            raise fail("losses", losses, "an array of shape (T,) or (T, n_runs)")
        table = values if values.ndim == 2 else values[:, None]
        state = self.init(table.shape[1])
        out = np.empty((table.shape[0] + 1, table.shape[1]))
        out[0] = state["lr"]
        for t, row in enumerate(table):
            state = self.update(state, row)
            out[t + 1] = state["lr"]
        return out if values.ndim == 2 else out[:, 0]


def reduce_on_plateau(lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0,
                      min_lr=0.0, eps=1e-8) -> Plateau:
    """Lower the rate when the loss stops improving (ReduceLROnPlateau, mode="min").

    After each loss value (torch's ``scheduler.step(loss)``): the loss is an improvement when
    it is below ``best * (1 - threshold)`` (``"rel"``) or ``best - threshold`` (``"abs"``);
    each value that is not adds one bad step, an improvement resets the count. When the count
    exceeds ``patience``, the rate becomes ``max(lr * factor, min_lr)`` (unless that changes it
    by less than ``eps``), the count restarts, and the next ``cooldown`` values count no bad
    steps. With patience 10 the rate is cut after the 11th value in a row without improvement.

    torch's defaults throughout. ``lr`` > 0 (or an array (n_runs,)), 0 < factor < 1,
    patience and cooldown ints >= 0, threshold >= 0, min_lr >= 0, eps >= 0.

    Note: mode="max" (for a metric to maximize) is left out: here the metric is a loss.
    """
    base = base_rate("lr", lr)
    params = {
        "factor": real("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True),
        "patience": integer("patience", patience, low=0),
        "threshold": real("threshold", threshold, low=0.0),
        "threshold_mode": choice("threshold_mode", threshold_mode, ("rel", "abs")),
        "cooldown": integer("cooldown", cooldown, low=0),
        "min_lr": real("min_lr", min_lr, low=0.0),
        "eps": real("eps", eps, low=0.0),
    }
    return Plateau(base, params)
