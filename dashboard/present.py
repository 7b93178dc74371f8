"""Presentation mode: ``?present=1`` on any view's link shows it for a projector or a slide.

The rest of the link sets the scenario as usual. Presenting, a view has no sidebar (its
controls still run, hidden, so the link's values hold), no Streamlit header, toolbar or
navigation, no downloads and no math; its charts are drawn larger, text and all
(:func:`larger`), and a small link at the top goes back to the normal view of the same scenario.

Every view gets this from :mod:`dashboard.app` and :mod:`dashboard.layout`, with no code of
its own.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

PARAM = "present"
BACK_LABEL = "Back to the normal view"

# The Streamlit chrome a projector does not need. The sidebar is hidden, not left out: its
# widgets hold the scenario the link sets.
HIDDEN = ('[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
          '[data-testid="stExpandSidebarButton"]', '[data-testid="stHeader"]', '[data-testid="stToolbar"]',
          '[data-testid="stDecoration"]', '[data-testid="stElementToolbar"]')
# A presented plot of fixed size grows (FIXED_FACTOR); on a screen narrower than it (a presented link
# opened on a phone) it is drawn smaller to fit instead of running off the edge.
STYLE = ("<style>" + ", ".join(HIDDEN) + " { display: none !important; }"
         ' [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }'
         # tables and formulas grow with the charts' text (TEXT_FACTOR), for the back of the room
         ' [data-testid="stMarkdownContainer"] table { font-size: 1.35em; }'
         ' [data-testid="stMarkdownContainer"] .katex-display { font-size: 1.35em; }'
         ' @media (max-width: 640px) { [data-testid="stVegaLiteChart"] canvas'
         ' { max-width: 100% !important; height: auto !important; } }</style>')

# A presented chart: every text size (axes, legends, labels in the plot) this much larger,
# and a plot as wide as its column this much taller. Vega-Lite's defaults (axis labels 10
# px, titles 11) are set explicitly first, so they grow too.
TEXT_FACTOR = 1.35
HEIGHT_FACTOR = 1.3
FIXED_FACTOR = 1.6  # a fixed-size plot: 290 px squares become 464, half a 1400 px projector page
DEFAULT_TEXT = {"axis": {"labelFontSize": 10, "titleFontSize": 11},
                "legend": {"labelFontSize": 10, "titleFontSize": 11}}
_SIZES = ("fontSize", "labelFontSize", "titleFontSize")


def requested(params: Mapping[str, str] | None = None) -> bool:
    """Whether the address asks for presentation mode (``present=1``, ``true`` or ``yes``)."""
    value = (st.query_params if params is None else params).get(PARAM, "")
    return str(value).strip().lower() in ("1", "true", "yes")


def back_params(params: Mapping[str, str]) -> dict[str, str]:
    """The link's parameters without presentation mode: the same scenario, shown normally."""
    return {key: value for key, value in params.items() if key != PARAM}


def begin() -> None:
    """Hide the chrome and put the link back to the normal view at the top of the page.

    A plain link that loads the same address without ``present`` in the same tab: the link
    alone carries the scenario, and the page config's sidebar state (``auto``) applies again.
    (A Streamlit page link or markdown link will not do: the first leaves ``present=1`` in the
    address bar, the second opens a new tab.)
    """
    query = html.escape(urlencode(back_params(st.query_params.to_dict())), quote=True)
    st.html(STYLE + f'<a href="?{query}" style="font-size: 0.9rem">&larr; {BACK_LABEL}</a>')


def larger(figure: Mapping) -> dict:
    """A Vega-Lite dict with every text size ``TEXT_FACTOR`` larger, a plot as wide as its column
    ``HEIGHT_FACTOR`` taller, and a plot of fixed size ``FIXED_FACTOR`` larger both ways. The datasets are
    shared, not copied."""
    spec = {key: value for key, value in figure.items() if key != "datasets"}
    config = dict(spec.get("config", {}))
    for part, sizes in DEFAULT_TEXT.items():
        config[part] = {**sizes, **config.get(part, {})}
    spec = _scaled({**spec, "config": config})  # a copy all through: the cached figure stays as it is
    if "datasets" in figure:
        spec["datasets"] = figure["datasets"]
    # Taller where the width follows the page. A plot of fixed size (the square valley, sized to fit a
    # phone) grows both ways, keeping its shape: a projector's column has room, and at 290 px its labels
    # crowd once they are larger.
    width, height = spec.get("width"), spec.get("height")
    if width == "container" and isinstance(height, (int, float)):
        spec["height"] = round(height * HEIGHT_FACTOR)
    elif isinstance(width, (int, float)) and isinstance(height, (int, float)):
        spec["width"], spec["height"] = round(width * FIXED_FACTOR), round(height * FIXED_FACTOR)
    return spec


def _scaled(node):
    """A copy of ``node`` with every font size multiplied by TEXT_FACTOR."""
    if isinstance(node, Mapping):
        return {key: round(value * TEXT_FACTOR, 1) if key in _SIZES and isinstance(value, (int, float))
                else _scaled(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_scaled(item) for item in node]
    return node
