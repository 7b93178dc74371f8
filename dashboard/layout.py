"""The parts every page shares: header, charts with downloads, "What to notice", the math.

Each page reads top to bottom the same way: the question as title, a short intro, the
charts (each with PNG, SVG and CSV downloads), "What to notice" with the scenario's live
numbers, then an expander with the formulas.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import export

_LOG = logging.getLogger(__name__)

def header(title: str, intro: str) -> None:
    st.title(title)
    st.markdown(intro)

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"

def chart(figure: alt.TopLevelMixin | Mapping, data: pd.DataFrame, *, name: str, caption: str | None = None,
          width: str = "stretch") -> None:
    """Draw an Altair chart with download buttons for PNG, SVG and its data as CSV.

    ``figure`` may also be a Vega-Lite dict (from ``charts.common.filled_spec``: serialized
    once, only its data refilled per rerun). The files are rendered only when a button is
    clicked (a PNG takes about a second). ``name`` makes the file names and widget keys, so
    it must be unique on the page. ``width="content"`` keeps the chart's own width (e.g. a
    square plot whose two axes share one scale).
    """
    if isinstance(figure, Mapping):
        st.vega_lite_chart(figure, width=width)
    else:
        st.altair_chart(figure, width=width)
    if caption:
        st.caption(caption)
    slug = _slug(name)
    # A row sized to its buttons, so they stay readable in a narrow column.
    row = st.container(horizontal=True, gap="small")
    row.download_button("PNG", lambda: export.chart_png(figure), file_name=f"{slug}.png", mime="image/png",
                        key=f"png-{slug}", on_click="ignore", icon=":material/image:")
    row.download_button("SVG", lambda: export.chart_svg(figure), file_name=f"{slug}.svg",
                        mime="image/svg+xml", key=f"svg-{slug}", on_click="ignore")
    row.download_button("CSV", lambda: export.frame_csv(data), file_name=f"{slug}.csv", mime="text/csv",
                        key=f"csv-{slug}", on_click="ignore", icon=":material/table:")

def notice(points: Iterable[str]) -> None:
    """The "What to notice" block: one bullet per observation, with live numbers."""
    st.subheader("What to notice")
    st.markdown("\n".join(f"- {p}" for p in points))

def math(blocks: Iterable[tuple[str, str]], *, title: str = "The math") -> None:
    """An expander of (sentence, LaTeX formula) pairs."""
    with st.expander(title):
        for sentence, formula in blocks:
            if sentence:
                st.markdown(sentence)
            if formula:
                st.latex(formula)

@contextmanager
def friendly_errors(what: str = "this scenario"):
    """Turn an expected failure into a short message instead of a traceback.

    ``ValueError`` from ``core`` carries a message written for people (it names the
    argument and what is allowed), so it is shown as is; anything else is logged for the
    maintainers and the user gets a plain sentence.
    """
    try:
        yield
    except ValueError as err:
        st.error(f"Could not compute {what}: {err}")
    except Exception:  # noqa: BLE001 - the user must never see a traceback
        _LOG.exception("unexpected failure while computing %s", what)
        st.error(f"Something went wrong while computing {what}. Try Reset, or another setting.")

def metric_row(items: Iterable[tuple[str, str, str | None]]) -> None:
    """A row of ``st.metric`` (label, value, help)."""
    items = list(items)
    for col, (label, value, help_text) in zip(st.columns(len(items)), items):
        col.metric(label, value, help=help_text)
