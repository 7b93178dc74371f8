"""A learner whose server went away is told so, in one sentence, and the link restores the scenario.

When the process that held a learner's session ends (a replica behind nginx crashed or was
restarted, a container was restarted), or the browser was away longer than
``server.disconnectedSessionTTL``, Streamlit's frontend reconnects to a live process, which
opens a NEW session. The frontend reruns the page at once on such a reconnect only when the
page has a fragment that reruns on a timer (otherwise it waits for the learner's next action,
and until then the page's downloads point at the process that is gone): :func:`notice` draws
one, empty, that reruns once an hour. That first run of the new session carries every widget
value the browser still holds and the query parameters of the address, so the scenario is
rebuilt as it was (every control is bound to the link). A first visit, a reload or a link
opened in a new tab starts from an empty page, whose first run carries no widget value. So a
session whose first run arrives with widget values from the browser is a reconnection:
:func:`notice` says so in one sentence then, and :func:`reconnected` tells other parts (the
upload note) that the address is this learner's own, not a link someone sent.

Uploaded files stay in the session that received them (:mod:`dashboard.upload`), so the new
session has none: the sentence says so when the address carried one.
"""

from __future__ import annotations

import streamlit as st

_KEY = "_reconnect"  # session state: (sentence, page hash) of a reconnection, or () for a new visit
WATCH_EVERY_S = 3600  # the empty fragment's timer: any will do, so rarely

# One sentence each. "Restarted, or offline for a while": a session also ends when its browser
# was away longer than server.disconnectedSessionTTL (a laptop closed for a few minutes).
SENTENCE = ("This page lost its session on the server (the server restarted, or the page was offline for a "
            "while) and was rebuilt from its link: your scenario is as you left it.")
SENTENCE_UPLOAD = ("This page lost its session on the server (the server restarted, or the page was offline for a "
                   "while) and was rebuilt from its link: your scenario is as you left it, but your uploaded "
                   "file is gone and must be uploaded again.")


def _browser_sent_widget_values() -> bool:
    """Whether this run came with widget values from the browser. Read before any widget of the
    run is drawn (drawing one stores its value too): Streamlit has no public way to ask."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    return bool(get_session_state().get_widget_states())


def _page_hash() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def check() -> None:
    """On a session's first run, record whether it is a reconnection. Call it first thing in the
    entry script, before any widget."""
    if _KEY in st.session_state:
        return
    if not _browser_sent_widget_values():
        st.session_state[_KEY] = ()
        return
    from dashboard.upload import PARAM, PARAM_VALUE

    had_upload = st.query_params.get(PARAM) == PARAM_VALUE
    st.session_state[_KEY] = (SENTENCE_UPLOAD if had_upload else SENTENCE, _page_hash())


def reconnected() -> bool:
    """Whether this session began when a browser that had a session elsewhere reconnected."""
    return bool(st.session_state.get(_KEY))


@st.fragment(run_every=WATCH_EVERY_S)
def _watch() -> None:
    """Draws nothing (an empty container takes no room): a page with a timed fragment is rerun by
    the frontend as soon as it reconnects, with everything the browser holds."""


def notice() -> None:
    """:func:`check`, the timed fragment, then the sentence on the page where the reconnection
    happened, until the learner goes to another view. Call it first thing in the entry script."""
    check()
    _watch()
    state = st.session_state[_KEY]
    if state and state[1] == _page_hash():
        st.info(state[0], icon=":material/sync_problem:")
