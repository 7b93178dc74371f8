"""No link can make a chart, or its export, unbounded (issue 24).

The optimizer race's step markers once followed a diverged racer a million window widths off
the plot; the chart grew to hold them (37,451,948 × 922,169 px) and the PNG export aborted the
server. Markers now stay in the window (pulled onto its edge, pointing the way the run went),
and every export runs in a child process with a size, memory and time limit
(:mod:`dashboard.converter`).
"""

from __future__ import annotations

import io
import os
import signal

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from hypothesis import HealthCheck, given, note, settings
from PIL import Image

from dashboard import converter, export
from dashboard.charts import optimizer_race as race_charts
from dashboard.charts.common import dataset
from dashboard.charts.paths import on_edge
from dashboard.scenarios import optimizer_race as sc

from .property_tools import link
from .race_oracle import race_links

# The review's links, each of which made an unbounded chart.
REVIEW_LINKS = {
    "momentum at 0.1 (a 37,451,948 px chart)": {"tuned": False, "lr_momentum": 0.1},
    "seven racers from a far corner (149,899 px)": {
        "steps": 1000, "run_nesterov": True, "run_adagrad": True, "run_rmsprop": True, "run_adamw": True,
        "own_start": True, "x0": -5.0, "y0": 5.0, "mu": 0.99, "beta1": 0.99, "beta2": "0.9999"},
    "gradient descent at 0.01 (a converter error)": {"tuned": False, "lr_sgd": 0.01},
}
PLOT = race_charts.run_charts.CONTOUR_SIZE
# The contour chart is its plot plus one axis, the legends and the title: well under twice the plot.
BOUND_PX = 2 * PLOT + 100


def _race_chart(changes, k=None):
    values = {**sc.DEFAULTS, **changes}
    race = sc.race_of(values)
    return race, race_charts.contour_chart(race, values["steps"] if k is None else k)


def _inside(race, spec) -> None:
    x0, x1, y0, y1 = race.window
    marks = dataset(spec, "marks")
    for column, low, high in (("x", x0, x1), ("x_text", x0, x1), ("y", y0, y1), ("y_text", y0, y1)):
        values = marks[column].to_numpy(dtype=float)
        assert np.isfinite(values).all() and (values >= low).all() and (values <= high).all(), (column, values)


@pytest.mark.parametrize("name", list(REVIEW_LINKS))
def test_the_review_links_draw_a_chart_of_the_plots_size(name):
    race, spec = _race_chart(REVIEW_LINKS[name])
    assert any(r.diverged_at >= 0 for r in race.racers)  # each link has a racer that flies off
    _inside(race, spec)
    scene = vlc.vegalite_to_scenegraph(export._spec(spec))
    assert PLOT < scene["width"] < BOUND_PX and PLOT < scene["height"] < BOUND_PX + 150, scene["width"]


@pytest.mark.parametrize("name", list(REVIEW_LINKS))
def test_the_review_links_export_bounded_files(name):
    _, spec = _race_chart(REVIEW_LINKS[name])
    png = Image.open(io.BytesIO(export.chart_png(spec, title="race paths")))
    assert png.width <= export.PNG_SCALE * BOUND_PX and png.height <= export.PNG_SCALE * (BOUND_PX + 150)
    svg = export.chart_svg(spec, title="race paths")
    width = float(converter._SVG_SIZE.search(svg[:2000].encode()).group(1))
    assert width < BOUND_PX


def test_a_racer_off_the_plot_is_marked_on_its_edge_pointing_the_way_it_went():
    race, spec = _race_chart(REVIEW_LINKS["momentum at 0.1 (a 37,451,948 px chart)"], k=300)
    marks = dataset(spec, "marks")
    marks = marks[marks["kind"].str.startswith("now")].set_index("label")
    where = race.at(300).set_index("label")
    assert where.loc["Momentum", "x"] < race.window[0] - 1000  # far to the left...
    assert marks.loc["Momentum", "kind"] == "now-left"  # ...drawn on the left edge, pointing left
    assert marks.loc["Momentum", "text"].endswith("off the plot")
    x0, x1 = race.window[:2]
    assert marks.loc["Momentum", "x"] == pytest.approx(x0 + 0.025 * (x1 - x0))
    assert marks.loc["Adam", "kind"] == "now" and marks.loc["Adam", "x"] == pytest.approx(where.loc["Adam", "x"])


def test_on_edge_by_hand():
    window = (0.0, 10.0, 0.0, 1.0)
    x, y, side = on_edge([5, 25, -3, 5, 5, np.nan, np.inf], [0.5, 0.5, 0.9, 4.0, -0.2, 0.5, np.nan], window)
    assert side.tolist() == ["", "right", "left", "up", "down", "right", "right"]
    assert x.tolist() == [5, 10, 0, 5, 5, 10, 10] and y.tolist() == [0.5, 0.5, 0.9, 1.0, 0.0, 0.5, 0.5]
    # 25 is 1.5 widths out to the right, 4.0 is 3 heights up: the larger wins
    assert on_edge([25], [4.0], window)[2].tolist() == ["up"]


# The autouse fixture that validates chart templates is function-scoped: every example then
# validates them afresh, which is what it is for.
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(race_links())
def test_every_mark_of_a_race_stays_inside_its_window(drawn):
    k = drawn.pop("k")
    note(f"link: {link('optimizer_race', drawn, sc.DEFAULTS)} at step {k}")
    race, spec = _race_chart(drawn, k=k)
    _inside(race, spec)
    x0, x1, y0, y1 = race.window
    assert np.isfinite(race.window).all() and x1 > x0 and y1 > y0


# --------------------------------------------------------------------------- the converter's limits

def _plain_chart(width=200, height=100):
    return alt.Chart(pd.DataFrame({"x": [0.0, 1.0]})).mark_point().encode(x="x:Q").properties(width=width, height=height)


def test_a_chart_wider_than_the_limit_is_refused_with_one_sentence_and_the_download_says_it():
    wide = _plain_chart(width=converter.MAX_SIDE + 100)
    with pytest.raises(export.ExportRefused, match=r"^This chart would be 4,1\d\d × \d+ pixels, more than an export "
                                                   r"allows \(4,000 on a side\)"):
        export.chart_png(wide)
    with pytest.raises(export.ExportRefused):
        export.chart_svg(wide)
    picture = Image.open(io.BytesIO(export.download_png(wide)))
    assert picture.width == 2 * export.SENTENCE_WIDTH and picture.height < 400  # the sentence, small
    assert "pixels, more than an" in export.download_svg(wide)
    assert export.chart_png(_plain_chart())[:8] == b"\x89PNG\r\n\x1a\n"  # the next export works


def test_a_conversion_over_time_is_stopped_and_the_next_one_gets_a_fresh_converter():
    slow = converter.Converter(workers=1, timeout=0.001)
    spec = export._spec(_plain_chart())
    with pytest.raises(converter.ExportRefused, match="took longer than 0.001 s"):
        slow.convert(spec, "svg")
    slow.timeout = converter.TIMEOUT_S
    assert slow.convert(spec, "svg").startswith(b"<svg")
    slow.close()


def test_a_converter_that_dies_mid_export_costs_one_sentence_not_the_server():
    pool = converter.Converter(workers=1)
    spec = export._spec(_plain_chart())
    assert pool.convert(spec, "png")[:4] == b"\x89PNG"
    child = pool._idle.get()
    os.kill(child.proc.pid, signal.SIGKILL)  # as the kernel or an abort() would
    child.proc.wait()
    pool._idle.put(child)
    assert pool.convert(spec, "png")[:4] == b"\x89PNG"  # a dead child is replaced before use
    child = pool._idle.get()
    pool._idle.put(child)
    os.kill(child.proc.pid, signal.SIGSTOP)  # alive but stuck: the time limit ends it
    pool.timeout = 1.0
    with pytest.raises(converter.ExportRefused, match="took longer than 1 s"):
        pool.convert(spec, "png")
    pool.timeout = converter.TIMEOUT_S
    assert pool.convert(spec, "svg").startswith(b"<svg")
    pool.close()


def test_a_conversion_over_the_memory_limit_is_stopped(monkeypatch):
    monkeypatch.setattr(converter, "MAX_RSS_MB", 1)  # any child is over it
    pool = converter.Converter(workers=1)
    with pytest.raises(converter.ExportRefused, match="more memory than an export may use"):
        pool.convert(export._spec(_plain_chart()), "png")
    pool.close()


def test_busy_converters_refuse_after_a_wait_instead_of_queueing_forever(monkeypatch):
    monkeypatch.setattr(converter, "QUEUE_WAIT_S", 0.01)
    pool = converter.Converter(workers=1)
    pool._idle.get()  # the one slot is taken
    with pytest.raises(converter.ExportRefused, match="Many charts are being exported"):
        pool.convert(export._spec(_plain_chart()), "svg")


def test_an_export_never_fetches_from_the_network():
    spec = {"data": {"url": "http://example.invalid/data.csv"}, "mark": "point",
            "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    with pytest.raises(converter.ExportRefused, match="could not be converted"):
        converter.pool().convert(spec, "svg")


def test_the_refusal_names_the_limit_that_was_passed():
    assert converter._too_big(converter.MAX_SIDE, 100) is None
    assert "(4,000 on a side)" in converter._too_big(4_100, 100)
    square = converter._too_big(3_000, 2_500)  # within a side, over the area
    assert square.startswith("This chart would be 3,000 × 2,500 pixels") and "(6,000,000 in all)" in square


def test_both_files_from_one_layout_are_the_two_files_made_one_by_one():
    chart = _plain_chart()
    png, svg = export.chart_files(chart, scale=1.0, title="A title")
    assert svg == export.chart_svg(chart, title="A title")
    one = Image.open(io.BytesIO(png))
    two = Image.open(io.BytesIO(export.chart_png(chart, scale=1.0, title="A title")))
    assert one.size == two.size and one.tobytes() == two.tobytes()
    with pytest.raises(export.ExportRefused, match="more than an export allows"):
        export.chart_files(_plain_chart(width=converter.MAX_SIDE + 100))
