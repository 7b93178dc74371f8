"""What does the batch size change? Full batch, mini-batches and SGD on one line fit."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, words
from dashboard.charts import batch_size as charts
from dashboard.controls import Panel
from dashboard.scenarios import batch_size as sc

TEXT = words.of("batch_size")

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
batch = panel.select("Mini-batch size", "batch", sc.BATCHES, help=TEXT("help.batch"))
panel.log_slider("Learning rate η", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE,
                 help=TEXT("help.lr"))
panel.toggle("Scale the rate with the batch size", "scale",
             help=TEXT("help.scale"))
panel.slider("Epochs", "epochs", *sc.EPOCHS_RANGE, help=TEXT("help.epochs"))
panel.select("Loss against", "axis", sc.AXES, labels=sc.AXIS_LABELS, radio=True, horizontal=False)
panel.slider("Batches accumulated per update", "accumulate", 1, 16, help=TEXT("help.accumulate"))
panel.slider("Shuffle seed", "seed", 0, 20, help=TEXT("help.seed"))
panel.presets_and_reset(TEXT, {"preset-scaling": sc.LINEAR_SCALING})
pin = pinning.controls(panel)

res, was = layout.compute_pair("the three runs", sc.result_of, panel.values, pin)

st.markdown(TEXT("metrics"))
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))
left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.contour_chart(res), res.paths, name="batch paths", width="content",
                 caption=TEXT("caption.paths"))
with right:
    layout.chart(charts.loss_chart(res, pinned=was or None), res.curves, name="batch loss curves",
                 caption=TEXT("caption.curves") + (pinning.IN_GREY if pin else ""))

st.subheader("Gradient noise falls as 1/B")
layout.chart(charts.noise_chart(res), res.noise, name="batch gradient noise",
             caption=TEXT("caption.noise", draws=sc.DRAWS))
layout.table(sc.table_markdown(res), "Gradient noise by batch size")
st.caption(TEXT("caption.evaluations", n=sc.N))

st.subheader("Gradient accumulation")
st.markdown(sc.accumulation_text(res))

layout.notice(sc.notes(res, panel.values))
layout.downloads()
layout.math(sc.math_blocks(res))
