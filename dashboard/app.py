"""Entry point: ``streamlit run dashboard/app.py``.

Sets the page up once, then hands over to ``st.navigation``: a start page and every view
of :mod:`dashboard.views`, grouped by section.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Hosts such as Community Cloud run `streamlit run dashboard/app.py` from the repository root
# without installing the project, and `streamlit run` puts only this file's folder on the
# path: the root goes first, so `core` and `dashboard` import as they do when installed.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from dashboard import cache, fair, offload, present, reconnect  # noqa: E402
from dashboard.charts import common as chart_common  # noqa: E402
from dashboard.home import render_home  # noqa: E402
from dashboard.views import SECTIONS, VIEWS  # noqa: E402

PREPARED_AT_START = ("dashboard.scenarios.normal_equation:timings", "dashboard.home:prepare_previews")
presenting = present.requested()
st.set_page_config(
    page_title="Finding the bottom: loss & optimization what-ifs",
    page_icon=":material/landscape:",
    layout="wide",
    # open on a wide screen, closed on a phone; never while presenting
    initial_sidebar_state="collapsed" if presenting else "auto",
)
reconnect.notice()  # before any widget: it reads what the browser sent

# The scenario cache's sweep also drops the charts' Arrow tables nobody drew for its time limit.
cache.on_sweep(chart_common.expire_arrow)
# Heavy computations run in a worker process, so one visitor's heavy pages leave the class the interpreter;
# the normal equation's timing grid (2.5 s) and the start page's figures (8 s) are made there at start, not
# while a visitor waits.
offload.start_if_served(prepare=PREPARED_AT_START)

view_pages = {view: st.Page(view.path, title=view.title, icon=view.icon) for view in VIEWS}


def start() -> None:
    render_home(view_pages)


navigation = {"Start": [st.Page(start, title="Start here", icon=":material/home:", default=True)]}
for section in SECTIONS:
    navigation[section] = [page for view, page in view_pages.items() if view.section == section]

# expanded: every view stays in the list; by default Streamlit folds a list of more than twelve
# pages into ten and a "View 3 more" button, which hid the last section's views.
page = st.navigation(navigation, position="hidden" if presenting else "sidebar", expanded=True)
with fair.visit():  # a browser's tabs run one at a time: one visitor's many heavy tabs queue, not the class
    page.run()
