"""How long does each page take to rerun after a control moves?

Run: python benchmarks/bench_pages.py [page.py ...]

Each page runs in Streamlit's AppTest. For every slider of a page, the slider is moved to
new values one after another (each value seen for the first time, so cached compute is
recomputed: the worst case a user meets) and the rerun is timed. The baseline, measured in
the same process, is a plain page with one 500-point Altair chart whose slider moves the
same way. Target: every page's median rerun within 4x of the baseline.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.views import VIEWS  # noqa: E402

MOVES = 6
LIMIT = 4.0


def _values(widget) -> list:
    """MOVES values of a slider or select-slider, none equal to its start."""
    if hasattr(widget, "options") and widget.options:
        options = list(widget.options)
        picks = [options[int(i * (len(options) - 1) / MOVES)] for i in range(1, MOVES + 1)]
        return [type(widget.value)(p) if not isinstance(widget.value, str) else p for p in picks]
    lo, hi = widget.min, widget.max
    step = widget.step or (hi - lo) / 100
    span = hi - lo
    out = []
    for i in range(1, MOVES + 1):
        v = lo + span * i / (MOVES + 1)
        v = lo + round((v - lo) / step) * step
        out.append(type(widget.value)(v))
    return [v for v in out if v != widget.value] or [hi]


def _time_moves(path: Path, kind: str, key: str) -> list[float]:
    at = AppTest.from_file(str(path), default_timeout=120).run()
    widget = getattr(at, kind)(key=key)
    times = []
    for value in _values(widget):
        getattr(at, kind)(key=key).set_value(value)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"{path.name}: {at.exception[0].value}")
    return times


def _sliders(path: Path) -> list[tuple[str, str]]:
    at = AppTest.from_file(str(path), default_timeout=120).run()
    found = [("slider", w.key) for w in at.slider if w.key]
    found += [("select_slider", w.key) for w in at.select_slider if w.key]
    return found


def main(argv: list[str]) -> int:
    pages = [ROOT / "pages" / name for name in argv] or [v.path for v in VIEWS]
    base_times = _time_moves(ROOT / "benchmarks" / "plain_page.py", "slider", "shift")
    base_times += _time_moves(ROOT / "benchmarks" / "plain_page.py", "slider", "shift")
    base = statistics.median(base_times)
    print(f"{'page':<22} {'control':<16} {'median rerun':>13} {'ratio':>7}")
    print(f"{'plain 500-pt chart':<22} {'shift':<16} {base * 1e3:10.1f} ms {1.0:7.2f}")
    worst_ok = True
    for path in pages:
        medians = []
        for kind, key in _sliders(path):
            med = statistics.median(_time_moves(path, kind, key))
            medians.append(med)
            print(f"{path.stem:<22} {key:<16} {med * 1e3:10.1f} ms {med / base:7.2f}")
        if medians:
            page_med = statistics.median(medians)
            ok = page_med <= LIMIT * base
            worst_ok &= ok
            verdict = "OK" if ok else f"TOO SLOW (> {LIMIT:g}x)"
            print(f"{path.stem:<22} {'(page median)':<16} {page_med * 1e3:10.1f} ms {page_med / base:7.2f}  {verdict}")
    return 0 if worst_ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
