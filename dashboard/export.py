"""Files a teacher can take away: a chart as PNG or SVG (vl-convert), its data as CSV.

Pure functions, no streamlit: the download buttons in :mod:`dashboard.layout` call them
lazily, only when a user clicks, because rendering a PNG takes about a second.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import altair as alt
import pandas as pd
import pyarrow as pa
import vl_convert as vlc

from dashboard.charts.common import as_frame

PNG_SCALE = 2  # twice the screen size: sharp on slides and projectors
EXPORT_WIDTH = 640  # pixels, for a chart drawn with width "container" on the page


def chart_png(chart: alt.TopLevelMixin | Mapping) -> bytes:
    """The chart rendered to PNG bytes on a white background."""
    return vlc.vegalite_to_png(_spec(chart), scale=PNG_SCALE)


def chart_svg(chart: alt.TopLevelMixin | Mapping) -> str:
    """The chart rendered to an SVG document."""
    return vlc.vegalite_to_svg(_spec(chart))


def frame_csv(frame: pd.DataFrame) -> str:
    """The chart's data as CSV text, without the pandas index."""
    return frame.to_csv(index=False)


def _spec(chart: alt.TopLevelMixin | Mapping) -> dict:
    """The chart's Vega-Lite dict. A dict (see ``charts.common.render``) may hold data
    frames (or Arrow tables) in its ``datasets``; they become JSON records here."""
    if isinstance(chart, Mapping):
        spec = dict(chart)
        spec["datasets"] = {
            name: json.loads(as_frame(data).to_json(orient="records")) if isinstance(data, (pd.DataFrame, pa.Table))
            else data
            for name, data in spec.get("datasets", {}).items()
        }
    else:
        spec = chart.to_dict()
    spec.setdefault("background", "white")
    # Off screen there is no container to fill: give such charts a slide-sized width.
    if spec.get("width") == "container":
        spec["width"] = EXPORT_WIDTH
    return spec
