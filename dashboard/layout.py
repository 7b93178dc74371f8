"""The parts every page shares: header, charts with downloads, "What to notice", the math.

Each page reads top to bottom the same way: the question as title, a short intro, the
charts (each with PNG, SVG and CSV downloads), "What to notice" with the scenario's live
numbers, then an expander with the formulas.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import export

_LOG = logging.getLogger(__name__)
T = TypeVar("T")

def header(title: str, intro: str) -> None:
    st.title(title)
    st.markdown(intro)

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"

def chart(figure: alt.TopLevelMixin | Mapping, data: pd.DataFrame, *, name: str, caption: str | None = None,
          width: str = "stretch") -> None:
    """Draw an Altair chart with download buttons for PNG, SVG and its data as CSV.

    ``figure`` may also be a Vega-Lite dict (from ``charts.common.render``: serialized
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

MATH_KEY = "show-the-math"  # one state for every view: a learner who opens the math sees it on each


def math(blocks: Iterable[tuple[str, str]], *, title: str = "The math") -> None:
    """An expander of (sentence, LaTeX formula) pairs, drawn only while it is open.

    Typeset formulas are about half of a page's DOM nodes (1,200 to 1,900 of 3,000 to 3,700),
    and the browser lays them out again on every rerun even inside a closed expander; so a
    closed expander holds nothing, and opening it reruns the page with the formulas in.
    """
    box = st.expander(title, key=MATH_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        for sentence, formula in blocks:
            if sentence:
                st.markdown(sentence)
            if formula:
                st.latex(formula)

def _say_failure(what: str, err: Exception) -> None:
    """One sentence for the learner. A ``ValueError`` from ``core`` is written for people (it
    names the argument and what is allowed), so it is shown as is; anything else is logged for
    the maintainers and the learner gets a plain sentence."""
    if isinstance(err, ValueError):
        st.error(f"Could not compute {what}: {err}")
    else:
        _LOG.error("unexpected failure while computing %s", what, exc_info=err)
        st.error(f"Something went wrong while computing {what}. Try Reset, or another setting.")


def compute(what: str, fn: Callable[..., T], /, *args, **kwargs) -> T:
    """The one failure path of a page: ``fn(*args, **kwargs)``, or one sentence and the end of this run.

    Call it after the controls are drawn: on failure the sidebar, its Reset button and the
    header stay, the rest of the page is not drawn (``st.stop``), and no traceback shows.
    ``what`` names the computation in the sentence ("the three fits").
    """
    try:
        return fn(*args, **kwargs)
    except Exception as err:  # noqa: BLE001 - the user must never see a traceback
        _say_failure(what, err)
        st.stop()  # inside a Streamlit run this ends the run here
        raise  # outside one (bare mode) st.stop returns: the caller gets the error itself


def metric_row(items: Iterable[tuple[str, str, str | None]]) -> None:
    """A row of ``st.metric`` (label, value, help)."""
    items = list(items)
    for col, (label, value, help_text) in zip(st.columns(len(items)), items):
        col.metric(label, value, help=help_text)
