"""Scenarios for property tests: control values drawn from the ranges a page declares, and the
link that shows a drawn scenario (printed by Hypothesis when an example fails)."""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping
from urllib.parse import urlencode

from hypothesis import strategies as st

from .apptest_tools import run_page

_DECLARED: dict[str, dict] = {}


def declared_controls(file: str) -> dict[str, dict]:
    """Each numeric control and switch of ``pages/<file>`` at its defaults: key -> how it is declared
    ({"kind": "slider", "min", "max", "step"}, {"kind": "options", "options": [floats]} for a log
    slider, {"kind": "toggle"}). Read once per file from the page itself, so a test follows the
    page when a range changes. A typed number ({"kind": "number"}) without bounds is drawn within
    ten times its default either way. Choices by name (a select) are left to the caller: their
    options show as labels."""
    if file not in _DECLARED:
        at = run_page(file)
        found: dict[str, dict] = {}
        for w in at.slider:
            found[w.key] = {"kind": "slider", "min": w.min, "max": w.max, "step": w.step,
                            "whole": isinstance(w.value, int)}
        for w in at.select_slider:
            found[w.key] = {"kind": "options", "options": [float(o) for o in w.options]}
        for w in at.toggle:
            found[w.key] = {"kind": "toggle"}
        for w in at.number_input:  # a typed number: its declared bounds, or ten times its default either way
            reach = 10 * abs(w.value) + 10
            found[w.key] = {"kind": "number", "min": -reach if w.min is None else w.min,
                            "max": reach if w.max is None else w.max, "step": w.step or 1,
                            "whole": isinstance(w.value, int)}
        _DECLARED[file] = found
    return _DECLARED[file]


def strategy(declared: Mapping) -> st.SearchStrategy:
    """Values a learner can reach on one control: a slider's steps, a log slider's options, a switch."""
    if declared["kind"] == "toggle":
        return st.booleans()
    if declared["kind"] == "options":
        return st.sampled_from(declared["options"])
    low, high, step = declared["min"], declared["max"], declared["step"]
    if declared["kind"] == "number" and not declared["whole"]:
        return st.floats(low, high, allow_nan=False).map(lambda v: round(v / step) * step)
    count = int(round((high - low) / step))
    ticks = st.integers(0, count)
    if declared["whole"]:
        return ticks.map(lambda k: int(round(low + k * step)))
    return ticks.map(lambda k: round(low + k * step, 10))


@st.composite
def links(draw, file: str, defaults: Mapping[str, object], keys, **others: st.SearchStrategy) -> dict:
    """A scenario of ``pages/<file>``: ``defaults``, with each control of ``keys`` drawn from its declared
    range (:func:`declared_controls`, read when the first example is drawn, never at collection) and
    each of ``others`` (a choice by name, a typed box) from its own strategy, in that order."""
    declared = declared_controls(file)
    values = dict(defaults)
    for key in keys:
        values[key] = draw(strategy(declared[key]))
    for key, chosen in others.items():
        values[key] = draw(chosen)
    return values


def link(view: str, values: Mapping[str, object], defaults: Mapping[str, object] | None = None) -> str:
    """The address that opens ``view`` at ``values`` (only the keys that differ from ``defaults``)."""
    changed = {k: v for k, v in values.items() if defaults is None or defaults.get(k) != v}
    shown = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in changed.items()}
    return f"/{view}" + (f"?{urlencode(shown)}" if shown else "")


NUMBER = r"(-?[\d,]*\.?\d+(?:e[+-]?\d+)?)"


def says(text: str, value: float, tol: float, template: str = "{}") -> None:
    """``text`` shows ``value`` where ``template`` puts it: the number printed there is within ``tol``
    of it, plus half a unit of its last printed digit (its rounding)."""
    before, after = template.split("{}")
    found = re.findall(re.escape(before) + NUMBER + re.escape(after), text)
    assert found, (template, text)
    for s in found:
        printed = decimal.Decimal(s.replace(",", ""))
        half = 0.5 * 10.0 ** printed.as_tuple().exponent
        if abs(float(printed) - value) <= tol + half * (1 + 1e-9):
            return
    raise AssertionError((template, value, tol, found))
