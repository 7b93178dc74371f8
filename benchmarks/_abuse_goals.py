"""bench_abuse's goals, one request's cost against them, and the words of its tables.

Every rerun and export within :data:`LIMIT_S` seconds and :data:`LIMIT_MB` MB above the RSS before it;
the server's RSS after the scan's settle within :data:`SCAN_BACK_MB` of warm; a student's p95 beside
eight greedy tabs within :data:`TABS_RATIO` times its p95 alone. :class:`Goals` collects the verdicts.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

from benchmarks._abuse_proc import Watch, cpu_s, reset_peak, status_mb

LIMIT_S, LIMIT_MB = 2.0, 200.0  # no export or rerun above these
SCAN_BACK_MB = 150.0  # RSS after the scan's settle, above warm
TABS_RATIO = 2.0  # the ordinary student's p95 with eight greedy tabs, against alone


@dataclass
class Measured:
    """One request's cost on the server."""

    seconds: float = 0.0
    rss_before: float = 0.0
    peak: float = 0.0
    rss_after: float = 0.0
    cpu: float = 0.0
    note: str = ""

    @property
    def rise(self) -> float:
        return max(0.0, self.peak - self.rss_before)

    def ok(self) -> bool:
        return self.seconds <= LIMIT_S and self.rise <= LIMIT_MB


def measure(pid: int, run) -> tuple[Measured, object]:
    """Run the coroutine function ``run()`` with the server's peak memory reset first; its cost."""
    reset_peak(pid)
    m = Measured(rss_before=status_mb(pid))
    cpu = cpu_s(pid)
    with Watch([pid]) as watch:
        start = time.perf_counter()
        result = asyncio.run(run())
        m.seconds = time.perf_counter() - start
    m.peak = max(watch.peak, status_mb(pid, "VmHWM"))
    m.rss_after, m.cpu = status_mb(pid), cpu_s(pid) - cpu
    return m, result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def short(text: str, n: int = 60) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= n else text[: n - 1] + "…"



@dataclass
class Goals:
    rows: list[tuple[str, str, bool]] = field(default_factory=list)

    def add(self, name: str, measured: str, ok: bool) -> None:
        self.rows.append((name, measured, ok))

    def failed(self) -> bool:
        return any(not ok for _, _, ok in self.rows)
