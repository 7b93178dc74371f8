"""Charts of "Do the lesson's numbers add up?" (pure Altair, no streamlit).

- :func:`rain_chart`: the rainfall exercise's squared error per week for models A and B, side by
  side, a pinned scenario's values as grey ticks.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, PINNED_DATA, built_once, color_scale, layer, render

MODEL_COLOURS = {"model A": palette.BLUE, "model B": palette.VERMILLION}


def _rain_template(height: int, pinned: bool) -> alt.LayerChart:
    x = alt.X(field="week", type="nominal", title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y(field="squared", type="quantitative", title="squared error (mm²)")
    offset = alt.XOffset(field="model", type="nominal")
    bars = alt.Chart(alt.NamedData("rain")).mark_bar().encode(
        x=x, y=y, xOffset=offset,
        color=alt.Color(field="model", type="nominal", scale=color_scale(MODEL_COLOURS),
                        legend=run_charts.legend(None, columns=2)),
        tooltip=[alt.Tooltip(field="model", type="nominal"), alt.Tooltip(field="week", type="nominal"),
                 alt.Tooltip(field="error", type="quantitative", format="+.4g", title="error (mm)"),
                 alt.Tooltip(field="squared", type="quantitative", format=".4g", title="squared")])
    layers = [bars]
    if pinned:
        layers.append(alt.Chart(alt.NamedData(PINNED_DATA)).mark_tick(
            color=palette.PINNED, thickness=4, opacity=1).encode(
            x=x, y=y, xOffset=offset, tooltip=[alt.Tooltip(field="squared", type="quantitative", format=".4g",
                                                           title="pinned")]))
    return layer(*layers, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def rain_chart(frame: pd.DataFrame, pinned: pd.DataFrame | None = None, height: int = HEIGHT - 60) -> dict:
    """Squared error per week, A beside B; ``pinned``: a pinned scenario's frame, as grey ticks."""
    frames = {"rain": frame}
    if pinned is not None:
        frames[PINNED_DATA] = pinned
    return render(_rain_template, frames, height=int(height), pinned=pinned is not None)
