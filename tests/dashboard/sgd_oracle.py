"""An oracle for the views that train one line by mini-batch SGD (batch size, schedules), sharing nothing
with core.training: plain SGD written out update by update from torch.optim.SGD's rule, on the view's
points, with its seeded batches (one permutation per epoch, cut into consecutive batches), the
least-squares floor from numpy.linalg.lstsq, and "diverged" as the loss passing 10¹² times the start's."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def minibatch_sgd(x: np.ndarray, y: np.ndarray, batch: int, rate_of_epoch: Callable[[int], float], epochs: int,
                  seed: int) -> tuple[np.ndarray, int]:
    """SGD on w x + b from (0, 0) with the rate ``rate_of_epoch(e)`` for every update of epoch e.

    Returns the gap above the least-squares loss before and after each update (stopping before the one
    that diverged), and that update, counted from 1 (-1 for none)."""
    n = x.size
    Xa = np.column_stack([x, np.ones(n)])
    floor = float(np.mean((Xa @ np.linalg.lstsq(Xa, y, rcond=None)[0] - y) ** 2))
    rng, theta = np.random.default_rng(seed), np.zeros(2)
    start = float(np.mean(y ** 2))
    gaps = [start - floor]
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            rate = rate_of_epoch(epoch)
            order = rng.permutation(n) if batch < n else np.arange(n)
            for first in range(0, n, batch):
                rows = order[first:first + batch]
                theta = theta - rate * 2 * (Xa[rows] @ theta - y[rows]) @ Xa[rows] / rows.size
                loss = float(np.mean((Xa @ theta - y) ** 2))
                if not loss <= 1e12 * start:
                    return np.array(gaps), len(gaps)
                gaps.append(loss - floor)
    return np.array(gaps), -1
