"""What does the batch size change? Full batch, mini-batches and SGD on one line fit."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning
from dashboard.charts import batch_size as charts
from dashboard.controls import Panel
from dashboard.scenarios import batch_size as sc

layout.header(
    "What does the batch size change?",
    "Three runs fit the same line from the same start for the same number of epochs: one update per epoch on all "
    "256 points, one update per mini-batch, and one per single point. Each reads every point once per epoch; "
    "they differ in how many steps they take and how noisy each step is.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
batch = panel.select("Mini-batch size", "batch", sc.BATCHES, help="The middle run's batch (the others are 256 and 1).")
panel.log_slider("Learning rate η", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE,
                 help="The same for all three runs, unless scaled with the batch size.")
panel.toggle("Scale the rate with the batch size", "scale",
             help="The linear scaling rule: each run's rate is η × B / (the mini-batch size).")
panel.slider("Epochs", "epochs", *sc.EPOCHS_RANGE, help="Passes over the 256 points.")
panel.select("Loss against", "axis", sc.AXES, labels=sc.AXIS_LABELS, radio=True, horizontal=False)
panel.slider("Batches accumulated per update", "accumulate", 1, 16,
             help="Gradient accumulation: the mini-batch run again, stepping once per k batches, against one "
                  "batch k times as large.")
panel.slider("Shuffle seed", "seed", 0, 20, help="The order of the points in each epoch, and the batches measured.")
panel.preset_button("Linear scaling past the critical rate", sc.LINEAR_SCALING, key="preset-scaling",
                    help="Rates scaled with the batch size: the full batch gets 16 times the rate, above the "
                         "critical rate.")
panel.reset_button()
pin = pinning.controls(panel)

res = layout.compute("the three runs", sc.result_of, panel.values)
was = pin and layout.compute("the pinned runs", sc.result_of, pin.values)

st.markdown(sc.HEADLINE_TITLE)
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))
left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.contour_chart(res), res.paths, name="batch paths", width="content",
                 caption="The MSE of every line (w, b) in grey bands a quarter of a decade apart, one scale on both "
                         "axes, and each run's path from (0, 0).")
with right:
    layout.chart(charts.loss_chart(res, pinned=was or None), res.curves, name="batch loss curves",
                 caption="Loss above the best possible after each update, log scale; dashed: the average over the "
                         "second half of each noisy run that stopped falling (a run still falling has no floor yet)."
                         + (pinning.IN_GREY if pin else ""))

st.subheader("Gradient noise falls as 1/B")
layout.chart(charts.noise_chart(res), res.noise, name="batch gradient noise",
             caption=f"At the optimum: the mean squared size of a batch's gradient over {sc.DRAWS} random batches "
                     "(dots, with two standard errors), the 1/B law with its correction for drawing without "
                     "replacement (dashed); the ring is the mini-batch size chosen.")
layout.table(sc.table_markdown(res), "Gradient noise by batch size")
st.caption(f"Whatever the batch, one epoch evaluates all {sc.N} examples' gradients once: a smaller batch only "
           "cuts them into more updates.")

st.subheader("Gradient accumulation")
st.markdown(sc.accumulation_text(res))

layout.notice(sc.notes(res, panel.values))
layout.downloads()
layout.math(sc.math_blocks(res))
