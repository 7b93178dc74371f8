"""charts.common.log_axis: a label at every decade (and at 2x and 5x when asked), read off the
SVG that vl-convert draws, as a slide would show it."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest

from dashboard import export
from dashboard.charts.common import log_axis


def _labels(low: float, high: float, **kwargs) -> list[str]:
    frame = pd.DataFrame({"x": [0.0, 1.0], "y": [low, high]})
    chart = alt.Chart(frame).mark_line().encode(
        x=alt.X("x:Q", axis=None),
        y=alt.Y("y:Q", scale=alt.Scale(type="log", nice=False), axis=log_axis(title=None, **kwargs)),
    ).properties(width=200, height=300)
    svg = export.chart_svg(chart)
    return [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.strip()]


@pytest.mark.parametrize("low, high, mantissas, expected", [
    # the regularization U-curve's range: Vega alone labels 0.4, 0.2, 0.05, 0.03 and skips 0.1
    (0.013, 0.9, (1, 2, 5), ["0.02", "0.05", "0.1", "0.2", "0.5"]),
    (0.01, 1.0, (1,), ["0.01", "0.1", "1"]),
    # a loss curve's nine decades: every one labelled, the small and large ones short
    (1e-6, 1e3, (1,), ["1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10", "100", "1000"]),
    (0.5, 2e5, (1,), ["1", "10", "100", "1000", "1e+4", "1e+5"]),
])
def test_each_decade_is_labelled(low, high, mantissas, expected):
    assert sorted(_labels(low, high, mantissas=mantissas), key=lambda t: float(t.replace("−", "-"))) == expected


def test_the_loss_curves_and_the_range_test_label_within_their_decade():
    # The review: the loss curves' default labelled only "1" and "0.1" while the story lies between 0.03 and
    # 0.5; the schedules' range test labelled a single "1".
    from dashboard.charts import loss_curves, lr_schedules
    from dashboard.scenarios import loss_curves as lc
    from dashboard.scenarios import lr_schedules as ls

    for spec in (loss_curves.curves_chart(lc.result_of(lc.DEFAULTS)),
                 lr_schedules.range_test_chart(ls.result_of(ls.DEFAULTS))):
        svg = export.chart_svg(spec)
        labels = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        assert {"0.2", "0.5"} <= labels or {"2", "5"} <= labels, sorted(labels)


def test_only_each_decade_s_grid_line_is_full_the_others_faint():
    """The review (schedules 6): over ten decades, 90 equal grid lines printed as a grey block. In the drawn
    SVG the lines at 1, 10, 100 are opaque and those at 2..9 times a decade are faint."""
    frame = pd.DataFrame({"x": [0.0, 1.0], "y": [1.0, 1000.0]})
    chart = alt.Chart(frame).mark_line().encode(
        x=alt.X("x:Q", axis=None),
        y=alt.Y("y:Q", scale=alt.Scale(type="log", nice=False), axis=log_axis(title=None)),
    ).properties(width=200, height=300)
    svg = export.chart_svg(chart)
    grid = svg[svg.index("role-axis-grid"):]
    grid = grid[:grid.index("</g>")]
    opacities = [float(o) for o in re.findall(r'<line[^>]*opacity="([\d.]+)"', grid)]
    assert len(opacities) == 28  # 1..1000: 1 to 9, 10 to 90, 100 to 900, and 1000
    assert opacities.count(1.0) == 4 and all(o < 0.5 for o in opacities if o != 1.0)
