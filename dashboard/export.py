"""Files a teacher can take away: a chart as PNG or SVG (vl-convert), its data as CSV.

Pure functions, no streamlit: the download buttons in :mod:`dashboard.layout` call them
lazily, only when a user clicks, because rendering a PNG takes about a second. Every
conversion goes through :mod:`dashboard.converter`: in a child process, at a bounded size,
memory and time, so that no chart can take the server down; a chart it refuses raises
:class:`ExportRefused` with one sentence, which the download buttons deliver as the file
(:func:`download_png`, :func:`download_svg`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
from PIL import Image

from dashboard import converter
from dashboard.charts.common import as_frame
from dashboard.converter import ExportRefused, pool

__all__ = ["ExportRefused", "chart_png", "chart_svg", "compact_png", "download_png", "download_svg", "frame_csv"]

PNG_SCALE = 2  # twice the screen size: sharp on slides and projectors
EXPORT_WIDTH = 640  # pixels, for a chart drawn with width "container" on the page
# The page's typeface, so a file matches the screen: Streamlit draws its text, charts included,
# in Source Sans. vl-convert cannot read the browser's woff2 files, so the project carries the
# unmodified OpenType files of Source Sans Pro (its earlier name), under the SIL Open Font
# License (fonts/LICENSE.txt).
FONT = "Source Sans Pro"
FONT_DIR = converter.FONT_DIR  # the converter registers them in its own process


def chart_png(chart: alt.TopLevelMixin | Mapping, *, scale: float = PNG_SCALE,
              size: tuple[int, int] | None = None, title: str | None = None, subtitle: str | None = None) -> bytes:
    """The chart rendered to PNG bytes on a white background, ``scale`` pixels per screen
    pixel. ``size`` = (width, height) overrides a single view's own size (the start page's
    small figures); for a concatenated chart it is left alone. ``title`` is written above
    the chart (a slide needs it; on the page the heading says it), ``subtitle`` under it (the
    scenario's link, so a picture on a slide says which scenario it shows)."""
    spec = _spec(chart, title, subtitle)
    if size is not None and not any(k in spec for k in ("hconcat", "vconcat", "concat", "facet")):
        spec["width"], spec["height"] = size
    return pool().convert(spec, "png", scale)


def chart_files(chart: alt.TopLevelMixin | Mapping, *, scale: float = PNG_SCALE,
                title: str | None = None, subtitle: str | None = None) -> tuple[bytes, str]:
    """(PNG bytes, SVG text) of the chart, as :func:`chart_png` and :func:`chart_svg` give them, from
    one conversion: the chart is laid out once (a deck writes both files of every chart)."""
    svg, png = converter.split_both(pool().convert(_spec(chart, title, subtitle), "both", scale))
    return png, svg.decode()


def compact_png(png: bytes, colours: int = 128) -> bytes:
    """The same picture with at most ``colours`` colours: about a tenth of the bytes for a
    chart (flat fills, thin anti-aliased edges) and no visible change. For figures that
    many browsers fetch at once (the start page), not for downloads."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def chart_svg(chart: alt.TopLevelMixin | Mapping, *, title: str | None = None, subtitle: str | None = None) -> str:
    """The chart rendered to an SVG document, with ``title`` above it as in :func:`chart_png`."""
    return pool().convert(_spec(chart, title, subtitle), "svg").decode()


def download_png(chart: alt.TopLevelMixin | Mapping, *, title: str | None = None,
                 subtitle: str | None = None) -> bytes:
    """:func:`chart_png` for a download button: a refused chart gives a picture of the sentence
    that says why (a deferred download has no other way to speak to the user)."""
    try:
        return chart_png(chart, title=title, subtitle=subtitle)
    except ExportRefused as refused:
        return sentence_png(str(refused))


def download_svg(chart: alt.TopLevelMixin | Mapping, *, title: str | None = None,
                 subtitle: str | None = None) -> str:
    """:func:`chart_svg` for a download button; a refused chart gives an SVG of the sentence."""
    try:
        return chart_svg(chart, title=title, subtitle=subtitle)
    except ExportRefused as refused:
        return sentence_svg(str(refused))


SENTENCE_WIDTH = 640  # px: the refusal's picture, at the size of an exported chart


def _lines(text: str, per_line: int = 60) -> list[str]:
    import textwrap

    return textwrap.wrap(text, per_line) or [""]


def sentence_png(text: str) -> bytes:
    """A small white PNG with ``text`` on it, wrapped, in the page's typeface (no vl-convert)."""
    from PIL import ImageDraw, ImageFont

    lines = _lines(text)
    font = ImageFont.truetype(str(FONT_DIR / "SourceSansPro-Regular.otf"), 2 * 16)
    image = Image.new("RGB", (2 * SENTENCE_WIDTH, 2 * (24 * len(lines) + 32)), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((32, 32 + 48 * k), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def sentence_svg(text: str) -> str:
    """An SVG document with ``text`` on it, wrapped and escaped."""
    from xml.sax.saxutils import escape

    lines = _lines(text)
    rows = "".join(f'<text x="16" y="{28 + 24 * k}">{escape(line)}</text>' for k, line in enumerate(lines))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SENTENCE_WIDTH}" height="{24 * len(lines) + 24}" '
            f'font-family="{FONT}, sans-serif" font-size="16"><rect width="100%" height="100%" fill="white"/>'
            f"{rows}</svg>")


CSV_DIGITS = 12  # significant digits of a number in a CSV: -1.2, not float64's -1.2000000000000002


def frame_csv(frame: pd.DataFrame) -> str:
    """The chart's data as CSV text, without the pandas index; numbers to :data:`CSV_DIGITS`
    significant digits, so a worksheet shows 0.04 where float64 holds 0.04000000000000007."""
    return frame.to_csv(index=False, float_format=f"%.{CSV_DIGITS}g")


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


SUBTITLE_LINE = 90  # characters per line of a subtitle (a link breaks after an "&")


def subtitle_lines(text: str, per_line: int = SUBTITLE_LINE) -> list[str]:
    """A subtitle (a scenario's link) in lines of at most about ``per_line`` characters, broken after
    an "&" where it can be, so that a long link fits the width of a slide."""
    lines, line = [], ""
    for part in re.split(r"(?<=&)", text):
        if line and len(line) + len(part) > per_line:
            lines.append(line)
            line = ""
        line += part
    return [*lines, line] if line else lines


def _spec(chart: alt.TopLevelMixin | Mapping, title: str | None = None, subtitle: str | None = None) -> dict:
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
        if subtitle:
            spec["title"].update(subtitle=subtitle_lines(subtitle), subtitleFontSize=11, subtitleColor="#444444")
    # The browser's copy goes without ARIA descriptions (see charts.common); a file keeps them,
    # so a screen reader can still describe an exported SVG.
    config = {key: value for key, value in spec.get("config", {}).items() if key != "aria"}
    spec["config"] = {**config, "font": FONT}
    # Off screen there is no container to fill: give such charts a slide-sized width.
    if spec.get("width") == "container":
        spec["width"] = EXPORT_WIDTH
    return spec
