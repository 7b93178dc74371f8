"""How long does each page take to rerun after a control moves?

Run: python benchmarks/bench_pages.py [page.py ...]

Each page runs in Streamlit's AppTest. Every keyed control of a page (sliders, select
sliders, number inputs, select boxes, radios, toggles) is moved to new values one after
another, each value seen for the first time so cached compute is recomputed (the worst case
a user meets), and each rerun is timed. The baseline, measured in the same process, is a
plain page with one 500-point Altair chart whose slider moves the same way, timed again
next to every control so that a passing load on the machine slows both sides of a ratio.

Target: every control's median rerun within 4x of the baseline's. Exit status 1 otherwise.
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
from tests.dashboard.apptest_tools import bounds  # noqa: E402

MOVES = 6
LIMIT = 4.0
KINDS = ("slider", "select_slider", "number_input", "selectbox", "radio", "toggle")

# AppTest sets session state before any script runs, and Streamlit logs that it has no
# script context then: true, expected, and noise in a table.
import streamlit.runtime.scriptrunner_utils.script_run_context as _ctx  # noqa: E402

_ctx._LOGGER.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())


def _numbers(widget) -> list:
    """MOVES values spread over a numeric control's range, on its step, none equal to its start."""
    lo, hi = base, top = bounds(widget)
    if hi - lo > 1000 * max(abs(widget.value), 1):  # e.g. a $ amount allowed up to 1,000,000
        lo, hi = widget.value / 4, widget.value * 4
    step = widget.step or (hi - lo) / 100
    out = []
    for i in range(1, MOVES + 1):
        v = lo + (hi - lo) * i / (MOVES + 1)
        out.append(type(widget.value)(base + round((v - base) / step) * step))
    return [v for v in dict.fromkeys(out) if v != widget.value] or [top]


def _values(kind: str, widget) -> list:
    """New values for a control: the first visit of each, as a user exploring it meets them."""
    if kind == "toggle":
        return [not widget.value]
    if kind in ("selectbox", "radio"):
        return [o for o in widget.options if o != widget.value][:MOVES]
    if kind == "select_slider":
        options = list(widget.options)
        picks = [options[int(i * (len(options) - 1) / MOVES)] for i in range(1, MOVES + 1)]
        typed = [p if isinstance(widget.value, str) else type(widget.value)(p) for p in picks]
        return [v for v in typed if v != widget.value]
    return _numbers(widget)


def _time_moves(path: Path, kind: str, key: str) -> list[float]:
    at = AppTest.from_file(str(path), default_timeout=120).run()
    times = []
    for value in _values(kind, getattr(at, kind)(key=key)):
        control = getattr(at, kind)(key=key)
        control.set_value(value)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"{path.name} {key}={value!r}: {at.exception[0].value}")
    return times


def _controls(path: Path) -> list[tuple[str, str]]:
    at = AppTest.from_file(str(path), default_timeout=120).run()
    return [(kind, w.key) for kind in KINDS for w in getattr(at.sidebar, kind) if w.key]


def main(argv: list[str]) -> int:
    pages = [ROOT / "pages" / name for name in argv] or [v.path for v in VIEWS]
    plain = ROOT / "benchmarks" / "plain_page.py"

    def baseline() -> float:
        return statistics.median(_time_moves(plain, "slider", "shift"))

    # The baseline is measured again right before each control, and each ratio is taken
    # against the mean of the baselines before and after it: a load that comes and goes on
    # the machine (another process, a browser) slows both sides of a ratio alike.
    base = baseline()
    print(f"{'page':<16} {'control':<16} {'median rerun':>13} {'baseline':>10} {'ratio':>7}")
    slow, ratios = [], []
    for path in pages:
        for kind, key in _controls(path):
            med = statistics.median(_time_moves(path, kind, key))
            after = baseline()
            local = (base + after) / 2
            base = after
            ratio = med / local
            ratios.append(ratio)
            flag = "" if ratio <= LIMIT else f"  > {LIMIT:g}x"
            if flag:
                slow.append(f"{path.stem}:{key}")
            print(f"{path.stem:<16} {key:<16} {med * 1e3:10.1f} ms {local * 1e3:7.1f} ms {ratio:7.2f}{flag}")
    print(f"median ratio {statistics.median(ratios):.2f}, worst {max(ratios):.2f}")
    print(f"every control within {LIMIT:g}x" if not slow else f"over {LIMIT:g}x: {', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
