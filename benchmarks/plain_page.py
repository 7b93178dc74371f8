"""Baseline for bench_pages.py: a plain page with one slider and one 500-point Altair chart."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

shift = st.slider("Shift", 0, 100, 0, key="shift")
x = np.linspace(0, 10, 500)
frame = pd.DataFrame({"x": x, "y": np.sin(x + shift / 10)})
st.altair_chart(alt.Chart(frame).mark_point().encode(x="x", y="y"), width="stretch")
