"""Baseline for the benchmarks: a plain page with one slider and one 500-point Altair chart.

``?charts=k`` (1 to 8) draws k such charts, each moved by the slider: the like-for-like
baseline of a view that draws k charts.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

try:
    copies = min(max(int(st.query_params.get("charts", 1)), 1), 8)
except ValueError:
    copies = 1
shift = st.slider("Shift", 0, 100, 0, key="shift")
x = np.linspace(0, 10, 500)
for copy in range(copies):
    frame = pd.DataFrame({"x": x, "y": np.sin(x + shift / 10 + copy)})
    st.altair_chart(alt.Chart(frame).mark_point().encode(x="x", y="y"), width="stretch")
