"""Every number a view writes stays readable at the ends of every control.

Each numeric control of each view is set to its minimum and to its maximum, one at a time,
from the default scenario, with "The math" open. The page's text (markdown, captions,
metrics, formulas) must then hold no round-off written in scientific notation (a number below 1e-9
such as ``5.77e-15``), no ``nan``/``inf``, and no percentage of seven digits or more.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.layout import MATH_KEY
from dashboard.views import VIEWS

from .apptest_tools import PAGES, TIMEOUT, bounds, errors, run_page, texts

NUMERIC = ("slider", "number_input", "select_slider")

_BAD_WORD = re.compile(r"(?<![A-Za-z])(nan|inf|infinity)(?![A-Za-z])", re.IGNORECASE)
_HUGE_PERCENT = re.compile(r"\d[\d,]{6,}(?:\.\d+)?\s*%")


def faults(text: str) -> list[str]:
    """What a learner should never read in ``text``."""
    found = []
    for m in re.finditer(r"[-+]?\d(?:\.\d+)?e-?\d+", text, re.IGNORECASE):
        try:
            value = abs(float(m.group()))
        except ValueError:
            continue
        if 0 < value < 1e-9:
            found.append(f"round-off {m.group()!r}")
    found += [f"{m.group()!r}" for m in _BAD_WORD.finditer(text)]
    found += [f"percentage {m.group()!r}" for m in _HUGE_PERCENT.finditer(text)]
    return found


def test_the_checker_catches_what_it_should():
    assert faults("5.77e-15 units above the MSE line") == ["round-off '5.77e-15'"]
    assert faults("still 35133044% above the optimum") == ["percentage '35133044%'"]
    assert faults("still 35,133,044% above") == ["percentage '35,133,044%'"]
    assert faults("MSE nan, slope inf") == ["'nan'", "'inf'"]
    assert faults("λ = 1e-08 and 0.0001235, 99x the optimum, 618% above, finance") == []


def _ends(file: str):
    """(kind, key, end, value) of each end of each numeric control of ``file``, read from the page
    when the test runs (never while pytest collects: every worker would run every page)."""
    at = run_page(file)
    for kind in NUMERIC:
        for w in getattr(at.sidebar, kind):
            if not w.key or w.proto.disabled:
                continue
            if kind == "select_slider":
                lo, hi = w.options[0], w.options[-1]
                lo, hi = (float(lo), float(hi)) if not isinstance(w.value, str) else (lo, hi)
            else:
                lo, hi = bounds(w)
            for end, value in (("min", lo), ("max", hi)):
                yield kind, w.key, end, value


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_no_unreadable_number_at_either_end(view):
    """Each end of each numeric control, one at a time; every fault is reported with its control."""
    found = []
    for kind, key, end, value in _ends(view.file):
        at = AppTest.from_file(str(PAGES / view.file), default_timeout=TIMEOUT)
        at.session_state[MATH_KEY] = True
        at.run()
        getattr(at, kind)(key=key).set_value(value)
        at.run()
        where = f"{view.name}:{key}={end}"
        if errors(at) or not at.latex:
            found.append((where, errors(at) or "no formula drawn"))
        found += [(where, f, t[:160]) for t in texts(at) + [x.value for x in at.latex] for f in faults(t)]
    assert not found, found
