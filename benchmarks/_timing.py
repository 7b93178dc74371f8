"""Timing helpers for the benchmark scripts: best-of-N wall time, printed as ratios."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(fn: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """Smallest wall time of ``number`` calls of ``fn`` over ``repeat`` tries, per call (s)."""
    fn()  # warm caches and imports
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def row(label: str, seconds: float, baseline: float, verdict: str = "") -> str:
    return f"{label:<58} {seconds * 1e3:10.3f} ms  {seconds / baseline:8.2f}x  {verdict}"
