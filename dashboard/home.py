"""The start page: a gallery with one card per view (its question, one sentence, a small
figure of its default scenario and a link to it).

The first thing a whole class opens at once, so it is built to be cheap: each figure is
the view's own main chart (``dashboard.previews.PREVIEWS[<view>]()``, through the one render
path) drawn once per server process to a small PNG and shared by every session; the
browser then shows images instead of running Vega for a dozen charts. The cards' text is
sent first and the figures fill in after, so the page paints before any figure is drawn.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard import export, previews
from dashboard.cache import scenario_cache
from dashboard.charts.common import PREVIEW_SIZE
from dashboard.views import LESSON_TEXTS, SECTIONS, SUGGESTED_ORDER, VIEWS, View

_LOG = logging.getLogger(__name__)
COLUMNS = 3  # cards per row on a wide screen; Streamlit stacks them on a phone
FIGURE_SIZE = PREVIEW_SIZE  # CSS pixels of the plotting area (drawn at export.PNG_SCALE)


@scenario_cache(max_entries=len(VIEWS), heavy=True)
def preview_png(name: str) -> bytes:
    """The view's main chart at its default scenario, as a compact PNG (cached for every session;
    computed in the server's worker process, like the views' heavy results)."""
    figure = previews.PREVIEWS[name]()
    return export.compact_png(export.chart_png(figure, size=FIGURE_SIZE))


def prepare_previews() -> None:
    """Every view's figure, asked for when a server starts (``dashboard/app.py``): a fresh server's
    first visitor found the start page computing all of them, 8 s on a quiet machine."""
    for view in VIEWS:
        preview_png(view.name)


def card_caption(view: View) -> str:
    """The lesson example a view reproduces, and the lesson texts it comes from (by their number)."""
    texts = "; ".join(f"{key} {LESSON_TEXTS[key]}" for key in view.texts)
    return view.lesson + (f"  \nLesson text{'s' if len(view.texts) > 1 else ''}: {texts}." if texts else "")


def render_home(pages: Mapping[View, Any]) -> None:
    """Draw the start page; ``pages`` maps each view to its ``st.Page`` for the links."""
    st.title("Finding the bottom")
    st.markdown(
        "Training a model means walking downhill on a loss surface, one gradient step at a time. "
        "Each view below changes one thing (the loss, the step size, the penalty, the price of a "
        "mistake) and shows what the model does about it; every setting lives in the address bar, "
        "so a scenario is a link you can share."
    )
    st.markdown("The views are numbered in a suggested order, the same as the sidebar's: from scoring a line by "
                "hand, through the descent, to pricing a model's mistakes.")
    number = {name: k for k, name in enumerate(SUGGESTED_ORDER, start=1)}
    figures: list[tuple[View, Any]] = []
    for section in SECTIONS:
        st.subheader(section)
        views = [v for v in VIEWS if v.section == section]
        for start in range(0, len(views), COLUMNS):
            row = st.columns(COLUMNS, gap="medium")
            for column, view in zip(row, views[start:start + COLUMNS], strict=False):
                card = column.container(border=True)
                figures.append((view, card.empty()))  # the figure on top, drawn last
                card.page_link(pages[view], label=f"**{number[view.name]}. {view.title}**", icon=view.icon)
                card.markdown(f"*{view.question}*  \n{view.sentence}")
                if view.lesson:
                    card.caption(card_caption(view))
    for view, slot in figures:  # after every card's text is on its way to the browser
        try:
            slot.image(preview_png(view.name), width="stretch",
                       alt=f"{view.title} at its default settings: {view.sentence}")
        except Exception as err:  # a missing figure must not cost the learner the start page
            _LOG.error("could not draw the start page's figure of %s", view.name, exc_info=err)
            slot.caption("(The figure could not be drawn; the view itself is one click away.)")
