"""The one cache policy for a view's computed results.

``@scenario_cache()`` is ``st.cache_resource`` with a bounded size and no spinner. Resource,
not data: a rerun gets the cached result itself instead of an unpickled copy (a few ms per
rerun for a frame, more for a 1000-step training). That is safe because results are frozen
dataclasses of arrays and frames that nothing modifies: the page and the chart builders only
read them. The cache is shared by every session on the server, so only results computed from
a view's controls (never a learner's own upload) may go through it.
"""

from __future__ import annotations

import streamlit as st

DEFAULT_ENTRIES = 32


def scenario_cache(max_entries: int = DEFAULT_ENTRIES):
    """Decorator: cache a pure function of a view's control values, shared across sessions."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False)
