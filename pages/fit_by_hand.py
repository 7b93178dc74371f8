"""Can you beat least squares by hand? Two knobs set a line; its residuals, their squares and the best line."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning
from dashboard.charts import fit_by_hand as charts
from dashboard.controls import Panel
from dashboard.scenarios import fit_by_hand as sc

layout.header(
    "Can you beat least squares by hand?",
    "Set a line's slope and intercept yourself. Each dashed segment is one point's residual, the gap between the "
    "point and your line; the loss adds them up, squared or as they are. Lower the total as far as you can, then "
    "reveal the line that training would find and see how close you came.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.slider("Slope", "slope", *sc.SLOPE_RANGE, step=sc.SLOPE_STEP, format="%g")
panel.slider("Intercept", "intercept", *sc.INTERCEPT_RANGE, step=sc.INTERCEPT_STEP, format="%g")
panel.select("Loss", "loss", sc.LOSSES, labels=sc.LOSS_LABELS, radio=True, horizontal=False)
squares = panel.toggle("Draw each squared error as a square", "squares",
                       help="A square on each residual: its area is that point's squared error.")
reveal = panel.toggle("Show the best line", "reveal", help="The line with the lowest possible total for this loss.")
panel.box.markdown("**The lesson's tie: weight per point**")
for k in (1, 2, 3):
    panel.slider(f"Weight of point {k} (true value {2 * k})", f"w{k}", *sc.WEIGHT_RANGE, step=0.5)
panel.preset_button("Close to least squares, squares drawn", sc.NEAR_BEST, key="preset-near",
                    help="Slope 1.075, intercept 0.95, with the best line shown.")
panel.preset_button("The same line, scored by absolute error", sc.ABSOLUTE, key="preset-absolute")
panel.preset_button("The third point counts double", sc.WEIGHTED, key="preset-weighted")
panel.reset_button()
pin = pinning.controls(panel)

fit = layout.compute("the fit", sc.fit_of, panel.values)
was = pin and layout.compute("the pinned fit", sc.fit_of, pin.values)
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
st.markdown("The lesson scores two models of the true values [2, 4, 6]: A predicts [2, 4, 5] and B predicts "
            "[1, 4, 6]. Each misses one point by exactly 1. Two more losses join squared and absolute error in "
            "the table: Huber with δ = 1 is half the squared error for an error up to 1 and grows in a straight "
            "line beyond it; log-cosh, log(cosh e), is close to half the squared error for small errors and to "
            "|e| − log 2 for large ones (the formulas are at the bottom of the page).")
layout.table(sc.tie_markdown(tie), "Two models, four losses")
st.markdown(sc.tie_verdict(tie))

layout.notice(sc.notes(fit, reveal))
layout.downloads()
layout.math(sc.math_blocks(fit))
