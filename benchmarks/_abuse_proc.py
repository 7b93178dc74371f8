"""A process's memory and CPU time, read from Linux's /proc, and the machine's load (bench_abuse's meters).

RSS is ``VmRSS`` of ``/proc/<pid>/status``, its peak ``VmHWM`` (reset through ``/proc/<pid>/clear_refs``);
CPU time is user plus system time of ``/proc/<pid>/stat``. :class:`Watch` polls RSS in a thread.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def status_mb(pid: int, field_name: str = "VmRSS") -> float:
    """``field_name`` (VmRSS, VmHWM) of ``pid`` in MB; 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def reset_peak(pid: int) -> None:
    """Set ``pid``'s VmHWM back to its current RSS (Linux: ``echo 5 > /proc/PID/clear_refs``)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds ``pid`` has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


class Watch:
    """Polls the RSS of ``pids`` (and, with ``kids``, of their children) in a thread; ``peak`` in MB."""

    def __init__(self, pids: list[int], every: float = 0.05, kids: bool = False):
        self.pids, self.every, self.kids = pids, every, kids
        self.peak = 0.0
        self.together = 0.0  # the peak of all the watched processes' RSS summed at one moment
        self.peaks: dict[int, float] = {}  # pid -> its peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [c for p in self.pids for c in children(p)] if self.kids else self.pids
            now = {pid: status_mb(pid) for pid in pids}
            for pid, mb in now.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)
            self.peak = max([self.peak, *self.peaks.values()])
            self.together = max(self.together, sum(now.values()))
            self._stop.wait(self.every)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()



def load() -> str:
    """The machine's load averages (1, 5 and 15 minutes): timings on a shared machine move with them."""
    try:
        return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load ?"
