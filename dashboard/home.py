"""The start page: what the dashboard is for, and one line per view on what it answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.views import SECTIONS, VIEWS, View


def render_home(pages: Mapping[View, Any]) -> None:
    """Draw the start page; ``pages`` maps each view to its ``st.Page`` for the links."""
    st.title("Finding the bottom")
    st.markdown(
        "Training a model means walking downhill on a loss surface, one gradient step at a time. "
        "Each view below changes one thing (the loss, the step size, the penalty, the price of a "
        "mistake) and shows what the model does about it; every setting lives in the address bar, "
        "so a scenario is a link you can share."
    )
    for section in SECTIONS:
        st.subheader(section)
        for view in VIEWS:
            if view.section == section:
                st.page_link(pages[view], label=f"**{view.title}**: {view.answers}", icon=view.icon)
