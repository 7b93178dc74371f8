"""Files a teacher can take away: a chart as PNG or SVG (vl-convert), its data as CSV.

Pure functions, no streamlit: the download buttons in :mod:`dashboard.layout` call them
lazily, only when a user clicks, because rendering a PNG takes about a second.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import vl_convert as vlc
from PIL import Image

from dashboard.charts.common import as_frame

PNG_SCALE = 2  # twice the screen size: sharp on slides and projectors
EXPORT_WIDTH = 640  # pixels, for a chart drawn with width "container" on the page
# The page's typeface, so a file matches the screen: Streamlit draws its text, charts included,
# in Source Sans. vl-convert cannot read the browser's woff2 files, so the project carries the
# unmodified OpenType files of Source Sans Pro (its earlier name), under the SIL Open Font
# License (fonts/LICENSE.txt).
FONT = "Source Sans Pro"
FONT_DIR = Path(__file__).with_name("fonts")
_fonts_registered = threading.Lock()
_fonts = []


def _register_fonts() -> None:
    with _fonts_registered:
        if not _fonts:
            vlc.register_font_directory(str(FONT_DIR))
            _fonts.append(FONT)


def chart_png(chart: alt.TopLevelMixin | Mapping, *, scale: float = PNG_SCALE,
              size: tuple[int, int] | None = None, title: str | None = None) -> bytes:
    """The chart rendered to PNG bytes on a white background, ``scale`` pixels per screen
    pixel. ``size`` = (width, height) overrides a single view's own size (the start page's
    small figures); for a concatenated chart it is left alone. ``title`` is written above
    the chart (a slide needs it; on the page the heading says it)."""
    spec = _spec(chart, title)
    _register_fonts()
    if size is not None and not any(k in spec for k in ("hconcat", "vconcat", "concat", "facet")):
        spec["width"], spec["height"] = size
    return vlc.vegalite_to_png(spec, scale=scale)


def compact_png(png: bytes, colours: int = 128) -> bytes:
    """The same picture with at most ``colours`` colours: about a tenth of the bytes for a
    chart (flat fills, thin anti-aliased edges) and no visible change. For figures that
    many browsers fetch at once (the start page), not for downloads."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def chart_svg(chart: alt.TopLevelMixin | Mapping, *, title: str | None = None) -> str:
    """The chart rendered to an SVG document, with ``title`` above it as in :func:`chart_png`."""
    _register_fonts()
    return vlc.vegalite_to_svg(_spec(chart, title))


def frame_csv(frame: pd.DataFrame) -> str:
    """The chart's data as CSV text, without the pandas index."""
    return frame.to_csv(index=False)


def _records(frame: pd.DataFrame) -> list[dict]:
    """A frame as JSON-ready records: every number at full precision (pandas' ``to_json`` keeps
    10 decimal places, which turns a loss of 1e-12 into 0 and breaks a log axis), and NaN or an
    infinity as null, as the browser's Arrow copy has it."""
    out = frame.astype(object).where(frame.map(_finite_or_text), None)
    return out.to_dict(orient="records")


def _finite_or_text(value) -> bool:
    if isinstance(value, (float, np.floating)):
        return bool(np.isfinite(value))
    return value is not None and value is not pd.NA and value is not pd.NaT


def _spec(chart: alt.TopLevelMixin | Mapping, title: str | None = None) -> dict:
    """The chart's Vega-Lite dict. A dict (see ``charts.common.render``) may hold data
    frames (or Arrow tables) in its ``datasets``; they become JSON records here."""
    if isinstance(chart, Mapping):
        spec = dict(chart)
        spec["datasets"] = {
            name: _records(as_frame(data)) if isinstance(data, (pd.DataFrame, pa.Table)) else data
            for name, data in spec.get("datasets", {}).items()
        }
    else:
        spec = chart.to_dict()
    spec.setdefault("background", "white")
    if title:
        spec["title"] = {"text": title, "anchor": "start", "fontSize": 16, "fontWeight": "bold", "offset": 12}
    # The browser's copy goes without ARIA descriptions (see charts.common); a file keeps them,
    # so a screen reader can still describe an exported SVG.
    config = {key: value for key, value in spec.get("config", {}).items() if key != "aria"}
    spec["config"] = {**config, "font": FONT}
    # Off screen there is no container to fill: give such charts a slide-sized width.
    if spec.get("width") == "container":
        spec["width"] = EXPORT_WIDTH
    return spec
