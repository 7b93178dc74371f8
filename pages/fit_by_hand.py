"""Can you beat least squares by hand? Two knobs set a line; its residuals, their squares and the best line."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, words
from dashboard.charts import fit_by_hand as charts
from dashboard.controls import Panel
from dashboard.scenarios import fit_by_hand as sc

TEXT = words.of("fit_by_hand")

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.slider("Slope", "slope", *sc.SLOPE_RANGE, step=sc.SLOPE_STEP, format="%g")
panel.slider("Intercept", "intercept", *sc.INTERCEPT_RANGE, step=sc.INTERCEPT_STEP, format="%g")
panel.select("Loss", "loss", sc.LOSSES, labels=sc.LOSS_LABELS, radio=True, horizontal=False)
squares = panel.toggle("Draw each squared error as a square", "squares",
                       help=TEXT("help.squares"))
reveal = panel.toggle("Show the best line", "reveal", help=TEXT("help.reveal"))
panel.box.markdown("**The lesson's tie: weight per point**")
for k in (1, 2, 3):
    panel.slider(f"Weight of point {k} (true value {2 * k})", f"w{k}", *sc.WEIGHT_RANGE, step=0.5)
panel.presets_and_reset(TEXT, {
    "preset-near": sc.NEAR_BEST,
    "preset-absolute": sc.ABSOLUTE,
    "preset-weighted": sc.WEIGHTED,
})
pin = pinning.controls(panel)

fit, was = layout.compute_pair("the fit", sc.fit_of, panel.values, pin)
layout.metric_row(sc.headlines(fit, reveal), pinned=was and sc.headlines(was, pin.values["reveal"]))

left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.fit_chart(fit, squares and sc.squares_apply(fit), reveal, pinned=was or None), fit.rows,
                 name="your line", width="content", caption=sc.fit_caption(fit, squares) + (pinning.IN_GREY if pin else ""))
with right:
    layout.chart(charts.surface_chart(fit, reveal, pinned=was or None), fit.bands, name="loss surface",
                 width="content", caption=sc.surface_caption(reveal, bool(pin)))
    layout.table(sc.table_markdown(fit), "Your line, point by point")

st.subheader("Two models, one score")
tie = sc.tie(panel.values)
st.markdown(TEXT("tie.intro"))
layout.table(sc.tie_markdown(tie), "Two models, four losses")
st.markdown(sc.tie_verdict(tie))

layout.notice(sc.notes(fit, reveal))
layout.downloads()
layout.math(sc.math_blocks(fit))
