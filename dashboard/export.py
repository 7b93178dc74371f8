"""Files a teacher can take away: a chart as PNG or SVG (vl-convert), its data as CSV.

Pure functions, no streamlit: the download buttons in :mod:`dashboard.layout` call them
lazily, only when a user clicks, because rendering a PNG takes about a second.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc

PNG_SCALE = 2  # twice the screen size: sharp on slides and projectors


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    """The chart rendered to PNG bytes on a white background."""
    return vlc.vegalite_to_png(_spec(chart), scale=PNG_SCALE)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart rendered to an SVG document."""
    return vlc.vegalite_to_svg(_spec(chart))


def frame_csv(frame: pd.DataFrame) -> str:
    """The chart's data as CSV text, without the pandas index."""
    return frame.to_csv(index=False)


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict()
    spec.setdefault("background", "white")
    return spec
