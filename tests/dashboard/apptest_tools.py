"""Run a page in Streamlit's AppTest and read what it shows, for comparing scenarios."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "pages"
APP = ROOT / "dashboard" / "app.py"
TIMEOUT = 60
# A number that is not one on screen (nan, inf, ∞; a matrix with no inverse says "∞ (no inverse)" on
# purpose), or the race's old finish line: no page text may hold one.
# Not numbers a learner should read: nan, inf, a bare ∞, the race's old "within ε", and a thousand or more in
# e-notation ("7e+03": formatting.fmt writes 7000, 14,142).
NOT_A_NUMBER = re.compile(r"\bnan\b|\binf(?:inity)?\b|∞(?! \(no inverse\))|within ε|\b\d(?:\.\d+)?e\+0?[3-9]\b|\b\d(?:\.\d+)?e\+[1-9]\d\b",
                          re.IGNORECASE)


def run_page(file: str, params: Mapping[str, str | list[str]] | None = None) -> AppTest:
    """Run ``pages/<file>`` once, with the given query parameters (a shared link)."""
    at = AppTest.from_file(str(PAGES / file), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def open_math(at: AppTest) -> AppTest:
    """Open "The math" as a learner clicking it would (its formulas are drawn only while open)."""
    from dashboard.layout import MATH_KEY

    at.session_state[MATH_KEY] = True
    return at.run()


def errors(at: AppTest) -> list[str]:
    """Exceptions and st.error messages on the page."""
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


def charts(at: AppTest) -> list[str]:
    """Each chart's spec with a hash of each dataset's bytes: changes with the spec or the data."""
    out = []
    for chart in at.get("vega_lite_chart"):
        data = sorted((d.name, hashlib.blake2b(d.data.data, digest_size=8).hexdigest()) for d in chart.proto.datasets)
        out.append(chart.proto.spec + json.dumps(data))
    return out


def texts(at: AppTest) -> list[str]:
    """Every piece of text that carries numbers: markdown, metrics, captions, latex."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    out += [f"{m.label}={m.value}" for m in at.metric]
    return out


def signature(at: AppTest) -> tuple[list[str], list[str]]:
    """What a user sees of the scenario: chart data and numbers."""
    return charts(at), texts(at)


CONTROL_KINDS = ("radio", "selectbox", "slider", "select_slider", "number_input", "toggle")


def bounds(w) -> tuple[float, float]:
    """A numeric control's range: a slider's own; a number box's from its help ("From 0 to 9,999."),
    since a number box has no bounds of its own (``Panel.number`` clamps what is typed)."""
    if w.min is not None and w.max is not None:
        return w.min, w.max
    low, high = re.search(r"From (-?[\d,.]+) to (-?[\d,.]+)\.", w.help).groups()
    kind = type(w.value)
    return kind(float(low.replace(",", ""))), kind(float(high.replace(",", "")))


def widget(at: AppTest, key: str):
    """The control with ``key``, whatever its kind."""
    for kind in CONTROL_KINDS:
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise KeyError(key)


def set_controls(at: AppTest, values: Mapping[str, object]) -> AppTest:
    """Set each control ``key -> value`` as a user would, then rerun."""
    for key, value in values.items():
        widget(at, key).set_value(value)
    return at.run()


def notice(at: AppTest) -> str:
    """The page's markdown, where "What to notice" states its live numbers."""
    return "\n".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
