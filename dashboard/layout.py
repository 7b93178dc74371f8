"""The parts every page shares: header, charts with downloads, "What to notice", the math.

Each page reads top to bottom the same way: the question as title, a short intro, the
charts, "What to notice" with the scenario's live numbers, one row of downloads (any chart
as PNG, SVG or its data as CSV), then an expander with the formulas.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import export, headline, present
from dashboard.controls import PRESETS_KEY
from dashboard.headline import Headline

_LOG = logging.getLogger(__name__)
T = TypeVar("T")

CHARTS_KEY = "layout-charts-this-run"  # (name, figure, data, title) of each chart drawn in this run
NOTICES_KEY = "layout-notices-this-run"  # the "What to notice" bullets of this run, block by block
TABLES_KEY = "layout-tables-this-run"  # (title, markdown) of each table shown in this run, for the deck
DOWNLOAD_KEY = "download-chart"
# A table wider than a phone scrolls in its own box instead of pushing the page sideways. A headline
# too long for its column wraps, smaller, instead of Streamlit's ellipsis: "diverged at updat…" hid
# the one number that mattered.
PAGE_STYLE = ('<style>[data-testid="stMarkdownContainer"] table { display: block; overflow-x: auto; }'
              '[data-testid="stMetricValue"] * { white-space: normal !important; overflow: visible !important;'
              ' text-overflow: clip !important; overflow-wrap: break-word; }'
              '[data-testid="stMetricValue"] { line-height: 1.15; }</style>')


def header(title: str, intro: str) -> None:
    """The page's question as its title and the intro; every page starts here."""
    st.html(PAGE_STYLE)
    st.session_state[CHARTS_KEY] = []
    st.session_state[NOTICES_KEY] = []
    st.session_state[TABLES_KEY] = []
    st.session_state[PRESETS_KEY] = []
    if present.requested():
        present.begin()
    st.title(title)
    st.markdown(intro)

def slug(text: str) -> str:
    """A file name from a chart's name: the download buttons' and the lesson deck's."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"

def chart(figure: alt.TopLevelMixin | Mapping, data: pd.DataFrame, *, name: str, caption: str | None = None,
          width: str = "stretch", title: str | None = None) -> None:
    """Draw an Altair chart and offer it in the page's downloads (:func:`downloads`).

    ``figure`` may also be a Vega-Lite dict (from ``charts.common.render``: serialized
    once, only its data refilled per rerun). ``name`` says what the chart shows ("loss
    curves"): it names the chart in the downloads and its files, so it must be unique on the
    page. ``width="content"`` keeps the chart's own width (e.g. a square plot whose two
    axes share one scale). ``title`` heads the exported files (default: the name).
    """
    if isinstance(figure, Mapping):
        st.vega_lite_chart(present.larger(figure) if present.requested() else figure, width=width)
    else:
        st.altair_chart(figure, width=width)
    if caption:
        st.caption(caption)
    st.session_state.setdefault(CHARTS_KEY, []).append((name, figure, data, title or name.capitalize()))


def downloads() -> None:
    """One row for the files of every chart drawn so far: pick the chart, then PNG, SVG or CSV.

    One row per page rather than three buttons under each chart: every element on a page is
    sent and drawn again on each rerun, and twelve buttons with their rows were about a
    tenth of a four-chart page's time on screen. The files are rendered only when a button
    is clicked (a PNG takes about a second), through :mod:`dashboard.export`.
    """
    drawn = {name: (figure, data, title) for name, figure, data, title in st.session_state.get(CHARTS_KEY, [])}
    if not drawn or present.requested():  # a projected page has no use for files
        return
    names = list(drawn)
    if st.session_state.get(DOWNLOAD_KEY) not in names:  # a chart this scenario does not draw
        st.session_state[DOWNLOAD_KEY] = names[0]
    row = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    name = row.selectbox("Download a chart", names, key=DOWNLOAD_KEY, format_func=str.capitalize,
                         width=300)
    figure, data, title = drawn[name]
    stem = slug(name)
    link = scenario_link()
    row.download_button("PNG", lambda: export.download_png(figure, title=title, subtitle=link), file_name=f"{stem}.png",
                        mime="image/png", on_click="ignore", icon=":material/image:")
    row.download_button("SVG", lambda: export.download_svg(figure, title=title, subtitle=link), file_name=f"{stem}.svg",
                        mime="image/svg+xml", on_click="ignore")
    row.download_button("CSV", lambda: export.frame_csv(data), file_name=f"{stem}.csv", mime="text/csv",
                        on_click="ignore", icon=":material/table:")

def scenario_link() -> str:
    """The address of the scenario on screen: the page's URL (where the browser told it) and its
    query, so an exported picture says which scenario it shows and a class can open it."""
    query = urlencode(st.query_params.to_dict())
    return (st.context.url or "") + (f"?{query}" if query else "")


def notice(points: Iterable[str]) -> None:
    """The "What to notice" block: one bullet per observation, with live numbers."""
    points = list(points)
    st.session_state.setdefault(NOTICES_KEY, []).append(points)
    st.subheader("What to notice")
    st.markdown("\n".join(f"- {p}" for p in points))

def table(markdown: str, title: str, where=None) -> None:
    """A Markdown table of the page (in ``where``, a column or a card; the page by default), recorded with
    its ``title`` so the lesson deck carries it beside the charts: a worked table is often the slide."""
    st.session_state.setdefault(TABLES_KEY, []).append((title, markdown))
    (st if where is None else where).markdown(markdown)


def confusion(text: str) -> None:
    """A "common confusion" note: one plain sentence that corrects a frequent misreading."""
    st.caption(f":material/lightbulb: **Common confusion.** {text}")


MATH_KEY = "show-the-math"  # one state for every view: a learner who opens the math sees it on each
CODE_KEY = "show-the-code"  # the same for the PyTorch code


def opened(title: str, key: str):
    """An expander whose content the page draws only while it is open: the expander when open, else None.

    What a closed expander holds still costs the browser on every rerun (it lays it out again,
    and highlights code again when it changed); opening it reruns the page with its content.
    """
    box = st.expander(title, key=key, on_change="rerun")
    return box if box.open else None


def math(blocks: Iterable[tuple[str, str]], *, title: str = "The math") -> None:
    """An expander of (sentence, LaTeX formula) pairs, drawn only while it is open.

    Typeset formulas are about half of a page's DOM nodes (1,200 to 1,900 of 3,000 to 3,700),
    and the browser lays them out again on every rerun even inside a closed expander; so a
    closed expander holds nothing, and opening it reruns the page with the formulas in.
    """
    if present.requested():
        return
    box = opened(title, MATH_KEY)
    if box is None:
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


def compute_pair(what: str, fn: Callable[[Mapping], T], values: Mapping, pin) -> tuple[T, T | None]:
    """``fn(values)`` and, while a scenario is pinned, ``fn(pin.values)`` (else None), each through
    :func:`compute`: the page's scenario and the one it is compared with."""
    return (compute(what, fn, values),
            compute(f"{what} of the pinned scenario", fn, pin.values) if pin else None)


def metric_row(items: Iterable[Headline | tuple[str, str, str | None]],
               pinned: Iterable[Headline] | None = None) -> None:
    """A row of ``st.metric``, one per headline (or ``(label, text, help)``).

    With ``pinned`` (the pinned scenario's headlines, :mod:`dashboard.pinning`), each
    headline shows its change from the pinned one with the same key (its label unless it says
    otherwise), coloured by whether it went the way that is better.
    """
    items = [item if isinstance(item, Headline) else Headline(*item) for item in items]
    moves = headline.changes(items, pinned) if pinned is not None else [None] * len(items)
    for col, item, move in zip(st.columns(len(items)), items, moves):
        if move is None:
            col.metric(item.label, item.text, help=item.help)
        else:
            col.metric(item.label, item.text, delta=move.text, delta_color=move.color, delta_arrow=move.arrow,
                       help=item.help)
