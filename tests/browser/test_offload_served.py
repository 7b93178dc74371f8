"""A served dashboard computes heavy pages in its worker process (dashboard.offload) and shows
them as computed here; the worker goes with the server."""

from __future__ import annotations

import time
from pathlib import Path

from .streamlit_page import error_texts, main_text, open_page

HEAVY_LINK = "/local_minima?surface=Two%20wells%20%282-D%29&restarts=150&steps=1500&seed=7"


def _workers(parent: int) -> list[tuple[int, float]]:
    """(pid, CPU seconds) of each ``python -m dashboard.offload`` whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == parent and b"dashboard.offload" in command:
            found.append((int(entry.name), (int(stat[11]) + int(stat[12])) / 100))
    return found


def test_a_heavy_page_is_computed_in_the_servers_worker(served, page):
    url, proc = served
    open_page(page, url + HEAVY_LINK, charts=2)
    assert not error_texts(page)
    assert "150" in main_text(page)
    # The start's preparation (the timing grid) runs in a second child that exits when done: on a busy
    # machine it may still be measuring; once it is gone, one worker is left.
    deadline = time.monotonic() + 60
    while len(workers := _workers(proc.pid)) > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(workers) == 1, workers  # started on demand: one page asked, one worker
    assert workers[0][1] > 0.5  # it did the work: imports, the timing grid and the restarts
