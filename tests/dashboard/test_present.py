"""Presentation mode (``?present=1``): every view, through AppTest, and the module's pieces."""

from __future__ import annotations

import json

import pytest

from dashboard import present
from dashboard.views import VIEWS

from .apptest_tools import errors, run_page

# One scenario value per view (its Tags.present), so the back link must carry the rest of the link.
SCENARIO = {v.file: v.tags.present for v in VIEWS}


def _fonts(spec: dict) -> list[float]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("fontSize", "labelFontSize", "titleFontSize") and isinstance(value, (int, float)):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_presenting_shows_the_linked_scenario_larger_without_files_or_math(view):
    key, value = SCENARIO[view.file]
    normal = run_page(view.file, {key: value})
    shown = run_page(view.file, {key: value, "present": "1"})
    assert not errors(shown)
    assert shown.title[0].value == normal.title[0].value
    # the same scenario: the same headline numbers
    assert [m.value for m in shown.metric] == [m.value for m in normal.metric]
    assert len(shown.get("vega_lite_chart")) == len(normal.get("vega_lite_chart"))
    # no downloads, no math; the others have them
    assert normal.get("download_button") and not shown.get("download_button")
    assert "The math" in [e.label for e in normal.expander]
    assert "The math" not in [e.label for e in shown.expander]
    # a link back to the normal view of the same scenario: the same address without present
    body = " ".join(h.proto.body for h in shown.get("html"))
    assert f'<a href="?{key}={value}"' in body and "Back to the normal view" in body
    assert '[data-testid="stSidebar"]' in body  # the style that hides the chrome
    assert "Back to the normal view" not in " ".join(h.proto.body for h in normal.get("html"))
    # every chart's text larger
    for a, b in zip(normal.get("vega_lite_chart"), shown.get("vega_lite_chart")):
        small, large = json.loads(a.proto.spec), json.loads(b.proto.spec)
        assert max(_fonts(large)) == pytest.approx(max(_fonts(small) + [11]) * present.TEXT_FACTOR, abs=0.1)


def test_requested_reads_the_usual_spellings():
    assert present.requested({"present": "1"}) and present.requested({"present": "true"})
    assert present.requested({"present": " Yes "})
    assert not present.requested({}) and not present.requested({"present": "0"})
    assert not present.requested({"present": "<b>1</b>"})


def test_back_params_drop_present_only():
    assert present.back_params({"present": "1", "lr": "0.04", "opt": "Momentum"}) == {"lr": "0.04", "opt": "Momentum"}
    assert present.back_params({"present": "1"}) == {}


def test_the_link_back_escapes_what_the_address_holds():
    at = run_page("learning_rate.py", {"present": "1", "x": '"><script>alert(1)</script>'})
    body = " ".join(h.proto.body for h in at.get("html"))
    assert "<script>" not in body and 'href="?x=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in body


def test_larger_scales_text_the_height_of_a_column_wide_chart_and_a_square_both_ways():
    spec = {"width": "container", "height": 300, "config": {"axis": {"labelFontSize": 12}},
            "layer": [{"mark": {"type": "text", "fontSize": 10}}], "datasets": {"a": object()}}
    out = present.larger(spec)
    assert out["height"] == 390 and out["config"]["axis"] == {"labelFontSize": 16.2, "titleFontSize": 14.9}
    assert out["config"]["legend"] == {"labelFontSize": 13.5, "titleFontSize": 14.9}  # Vega-Lite's defaults, larger
    assert out["layer"][0]["mark"]["fontSize"] == 13.5
    assert out["datasets"] is spec["datasets"] and spec["height"] == 300  # shared data, the original untouched
    assert spec["config"]["axis"] == {"labelFontSize": 12} and spec["layer"][0]["mark"]["fontSize"] == 10
    square = present.larger({"width": 290, "height": 290})
    assert (square["width"], square["height"]) == (464, 464)  # cross-view 3: the valley grows, still square
