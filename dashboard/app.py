"""Entry point: ``streamlit run dashboard/app.py``.

Sets the page up once, then hands over to ``st.navigation``: a start page and every view
of :mod:`dashboard.views`, grouped by section.
"""

from __future__ import annotations

import streamlit as st

from dashboard import present
from dashboard.home import render_home
from dashboard.views import SECTIONS, VIEWS

presenting = present.requested()
st.set_page_config(
    page_title="Finding the bottom: loss & optimization what-ifs",
    page_icon=":material/landscape:",
    layout="wide",
    # open on a wide screen, closed on a phone; never while presenting
    initial_sidebar_state="collapsed" if presenting else "auto",
)

view_pages = {view: st.Page(view.path, title=view.title, icon=view.icon) for view in VIEWS}


def start() -> None:
    render_home(view_pages)


navigation = {"Start": [st.Page(start, title="Start here", icon=":material/home:", default=True)]}
for section in SECTIONS:
    navigation[section] = [page for view, page in view_pages.items() if view.section == section]

st.navigation(navigation, position="hidden" if presenting else "sidebar").run()
