"""The shell and shared UI: entry, start page, controls, export, formatting, config."""

from __future__ import annotations

import ast
import importlib
import io
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard import export, previews, upload
from dashboard.charts.common import MAX_MARKS, color_scale, thin
from dashboard.controls import format_number, log_options, snap
from dashboard.formatting import fmt, money, pct, residual, signed
from dashboard.home import prepare_previews, preview_png
from dashboard.views import PAGES_DIR, SECTIONS, SUGGESTED_ORDER, VIEWS

from .apptest_tools import APP, ROOT, TIMEOUT


def test_every_view_has_its_page_file():
    assert VIEWS, "no views registered"
    for view in VIEWS:
        assert view.path.is_file(), view.file
    assert sorted(v.file for v in VIEWS) == sorted(p.name for p in PAGES_DIR.glob("*.py"))


def test_each_view_has_one_name_across_its_files():
    """pages/<v>.py, dashboard/scenarios/<v>.py, dashboard/charts/<v>.py, tests/dashboard/test_<v>.py."""
    for view in VIEWS:
        name = view.file.removesuffix(".py")
        for path in (f"dashboard/scenarios/{name}.py", f"dashboard/charts/{name}.py",
                     f"tests/dashboard/test_{name}.py"):
            assert (ROOT / path).is_file(), f"view {name!r} has no {path}"


def test_entry_runs_and_start_page_shows_a_card_per_view():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Finding the bottom"
    links = at.get("page_link")
    # numbered in the suggested order, which is the order of the cards and of the sidebar
    shown = [v for s in SECTIONS for v in VIEWS if v.section == s]
    assert [v.name for v in shown] == list(SUGGESTED_ORDER)
    assert [link.proto.label for link in links] == [f"**{k}. {v.title}**" for k, v in enumerate(shown, start=1)]
    assert [link.proto.page for link in links] == [f"{v.name}" for s in SECTIONS for v in VIEWS
                                                    if v.section == s]
    text = " ".join(m.value for m in at.markdown)
    for view in VIEWS:
        assert view.question in text and view.sentence in text
    images = at.get("image")
    assert len(images) == len(VIEWS)
    assert not [c for c in at.caption if "could not be drawn" in c.value], "no figure failed"
    # Each card says which lesson example its view reproduces; the page suggests an order.
    captions = [c.value for c in at.caption]
    assert [c.split("  \n")[0] for c in captions] == [v.lesson for v in shown]
    # ... and names the lesson texts it comes from (the review: a teacher planning from one text)
    assert "Lesson text: 004 Loss functions & objectives (LearnMathora)." in captions[0]
    lagos = captions[[v.name for v in shown].index("mse_vs_mae")]
    assert lagos.endswith("Lesson text: 000 Finding the Bottom.")
    assert "numbered in a suggested order, the same as the sidebar's" in text


def test_the_start_pages_lesson_claims_hold_in_their_views():
    from dashboard.scenarios import learning_rate as lr

    from .apptest_tools import metrics, notice, run_page

    lagos = metrics(run_page("mse_vs_mae.py", {"data": "Lagos houses"}))
    assert (lagos["MSE"], lagos["MAE"], lagos["House 3's share of MSE"]) == ("44.67 (₦M)²", "₦6.0M", "75%")
    assert "= **0.0099**" in notice(run_page("business_costs.py"))
    runs = lr.three_runs((1e-5, 0.01, 1.0), "sgd", "constant", 300)
    small, good, large = runs.summaries
    optimum = lr.cached_problem(False).optimum_loss
    assert small.final_loss > 50 * optimum and good.final_loss < 1.05 * optimum and large.diverged
    assert "0.00001, 0.01 and 1.0" in next(v for v in VIEWS if v.name == "learning_rate").lesson


def test_start_page_figures_are_made_at_start_as_small_pngs_of_each_default_scenario(monkeypatch):
    app = ast.parse((ROOT / "dashboard" / "app.py").read_text())
    prepared = next(ast.literal_eval(node.value) for node in app.body if isinstance(node, ast.Assign)
                    and getattr(node.targets[0], "id", None) == "PREPARED_AT_START")
    assert "dashboard.home:prepare_previews" in prepared
    for target in prepared:  # a renamed function would only be logged by the server
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), target
    preview_png.clear()
    prepare_previews()
    monkeypatch.setattr(previews, "PREVIEWS", {})  # kept from the start: asking again draws nothing
    for view in VIEWS:
        png = preview_png(view.name)
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.mode == "P", view.name  # palette: compacted
        width, height = image.size
        assert 600 <= width <= 1000 and 300 <= height <= 600, (view.name, image.size)
        assert len(png) < 60_000, (view.name, len(png))  # a class fetches them all at once
        assert len(image.getcolors(maxcolors=256)) > 8, view.name  # a real picture, not a blank


def test_each_view_has_its_question_as_the_page_title():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    for view in VIEWS:
        at.switch_page(f"../pages/{view.file}")
        at.run()
        assert at.title[0].value == view.question, view.file


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file)
def test_entry_navigates_to_each_view(view):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(f"../pages/{view.file}")
    at.run()
    assert not at.exception
    assert at.title and at.title[0].value.endswith("?"), "a page's title asks its question"


def test_log_options_are_round_and_span_the_range():
    opts = log_options(1e-3, 1.0, per_decade=10)
    assert opts[0] == 0.001 and opts[-1] == 1.0
    assert len(opts) == 31
    assert opts[:5] == [0.001, 0.0013, 0.0016, 0.002, 0.0025]
    assert snap(opts, 0.0021) == 0.002
    assert snap(opts, 0.7) == 0.63
    assert format_number(2.5e-05) == "2.5e-05" and format_number(0.001) == "0.001"


def test_formatting():
    assert fmt(44.6666) == "44.67"
    assert fmt(14142.1356) == "14,142"
    assert fmt(float("inf")) == "—" and fmt(float("nan")) == "—"
    assert pct(100 / 134) == "75%"
    assert money(1234.6) == "$1,235"
    assert money(-10) == "-$10"
    # Round-off never reaches the page: below 1e-9 a value is "≈0", a change is none at all.
    assert fmt(5.77e-15) == "≈0" and fmt(-3.9e-10) == "≈0" and fmt(1.2e-9) == "1.2e-09" and fmt(0.0) == "0"
    assert signed(4e-16) == "0" and signed(-2e-9) == "-2e-09" and signed(0.29) == "+0.29"
    assert residual(1.5e-12) == "below 10⁻⁹" and residual(3.2e-7) == "3.2e-07"


def test_color_scale_maps_labels_to_colours_in_key_order():
    colours = {"mse": "#111111", "mae": "#222222"}
    scale = color_scale(colours, {"mse": "MSE"}, keys=["mse", "mae"])
    assert scale.domain == ["MSE", "mae"] and scale.range == ["#111111", "#222222"]


def test_thin_keeps_ends_and_bounds_rows():
    frame = pd.DataFrame({"t": np.arange(20_000), "run": np.repeat(["a", "b"], 10_000)})
    out = thin(frame, MAX_MARKS, by="run")
    assert len(out) <= MAX_MARKS
    for run, group in out.groupby("run"):
        full = frame[frame.run == run]
        assert group.t.iloc[0] == full.t.iloc[0] and group.t.iloc[-1] == full.t.iloc[-1]
    assert thin(frame.head(10), 100).equals(frame.head(10))


def test_export_png_svg_csv():
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [1.0, 3.0, 5.0]})
    chart = alt.Chart(frame).mark_line().encode(x="x", y="y").properties(width=200, height=100)
    png = export.chart_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width >= 2 * 200  # rendered at twice the size for slides
    svg = export.chart_svg(chart)
    assert ET.fromstring(svg).tag.endswith("svg")
    csv = export.frame_csv(frame)
    assert csv == "x,y\n0,1\n1,3\n2,5\n"  # as a worksheet writes them (12 significant digits, no ".0")
    assert pd.read_csv(io.StringIO(csv)).astype(float).equals(frame)


def test_exported_files_are_set_in_the_pages_typeface():
    # Text in a font vl-convert does not have is drawn in its fallback; in the page's font (the
    # project's own files, registered on first use) it looks different. Unregistered, the two
    # would be the same picture.
    def word(font: str) -> bytes:
        chart = alt.Chart(pd.DataFrame({"t": ["Missed fraud ≤ η"]})).mark_text(font=font, fontSize=30).encode(
            text="t:N").properties(width=300, height=60)
        return export.chart_png(chart, scale=1)

    assert (export.FONT_DIR / "SourceSansPro-Regular.otf").is_file() and (export.FONT_DIR / "LICENSE.txt").is_file()
    assert word(export.FONT) != word("no such font")
    svg = export.chart_svg(alt.Chart(pd.DataFrame({"x": [0.0]})).mark_point().encode(x="x:Q"), title="A title")
    assert set(re.findall(r'font-family="[^"]*"', svg)) == {'font-family="Source Sans Pro"'}  # title and axis


def test_config_pins_light_theme_and_hides_errors():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["theme"]["base"] == "light"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
    # hosted for a class: XSRF protection on, uploads small
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["maxUploadSize"] == upload.MAX_MB == 5


@pytest.mark.parametrize(("error", "shown"), [
    ("ValueError('noise must be at least 0; got -1')", "Could not compute the fits: noise must be at least 0; got -1"),
    ("ZeroDivisionError('x')", "Something went wrong while computing the fits. Try Reset, or another setting."),
])
def test_a_failed_compute_says_one_sentence_keeps_the_controls_and_stops(error, shown):
    script = f"""
import streamlit as st
from dashboard import layout
st.sidebar.button("Reset", key="reset")
def boom():
    raise {error}
layout.compute("the fits", boom)
st.markdown("drawn after the compute")
"""
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [e.value for e in at.error] == [shown]
    assert at.button(key="reset")  # the controls drawn before stay
    assert "drawn after the compute" not in [m.value for m in at.markdown]


def test_a_compute_returns_its_result():
    script = """
import streamlit as st
from dashboard import layout
st.markdown(str(layout.compute("the sum", lambda a, b=0: a + b, 2, b=3)))
"""
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    assert [m.value for m in at.markdown] == ["5"] and not at.error


def test_the_readmes_view_table_follows_views_py():
    # one order everywhere: the README's table, the start page's numbered cards and the sidebar
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \*\*([^*]+)\*\* \(([A-Za-z]+)\)", readme, flags=re.M)
    assert rows == [(v.title, v.section) for v in VIEWS]


def test_the_batch_size_cards_numbers_hold_in_its_view():
    from dashboard.scenarios import batch_size as bs

    res = bs.result_of(bs.DEFAULTS)
    full, mini, sgd = (res.shown[k].last_epoch(res.epochs) for k in ("full", "mini", "sgd"))
    lesson = next(v for v in VIEWS if v.name == "batch_size").lesson
    assert f"end {full / mini:.1f} times closer" in lesson and f"keeps it {sgd / full:.1f} times further" in lesson
