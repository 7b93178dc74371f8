"""When can you skip the descent? The normal equation against gradient descent on one linear fit."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning
from dashboard.charts import normal_equation as charts
from dashboard.controls import Panel
from dashboard.scenarios import normal_equation as sc

layout.header(
    "When can you skip the descent?",
    "For a linear model scored by squared error, setting the gradient to zero gives a small system of equations, "
    "and solving it lands on the best weights in one go, with no learning rate and no steps. Build the data, see "
    "that system with its numbers, and find out when gradient descent struggles to match it and when the "
    "one-shot solve stops being cheap.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**The data: y = 2x₁ + x₂ + 3 + noise**")
panel.slider("Rows n", "n", 3, 1000, help="How many examples the model is fitted to.")
panel.slider("Noise σ", "noise", 0.0, 3.0, step=0.1, help="The spread of the noise added to y.")
likeness = panel.select("The second feature x₂ is", "likeness", sc.LIKENESS, labels=sc.LIKENESS_NAMES,
                        radio=True, horizontal=False)
panel.log_slider("How far x₂ strays from x₁", "gap", sc.GAP_LOW, sc.GAP_HIGH, per_decade=sc.GAP_PER_DECADE,
                 disabled=likeness != "near", help="x₂ = x₁ + this × (random noise): small means nearly identical.")
ridge = panel.toggle("Add a ridge penalty λ‖w‖²", "ridge", help="Adds nλ to the weights' diagonal of XᵀX.")
panel.log_slider("Ridge strength λ", "lam", sc.LAM_LOW, sc.LAM_HIGH, per_decade=sc.LAM_PER_DECADE,
                 disabled=not ridge)
panel.number("Seed", "seed", 0, 999, step=1, help="The random draw of the features and the noise.")
panel.box.markdown("**The descent and the cost**")
panel.slider("Descent steps drawn", "steps", 10, 5000, step=10, help="The run drawn below, from zero.")
panel.select("Rows n in the cost charts", "cost_n", [f"{n:,}" for n in sc.COST_NS])
panel.preset_button("Nearly identical features", sc.NEAR_COPY, key="preset-near",
                    help="x₂ strays from x₁ by 0.01: the valley becomes a long, nearly flat trough.")
panel.preset_button("An exact copy", sc.EXACT_COPY, key="preset-copy", help="x₂ = x₁: XᵀX has no inverse.")
panel.preset_button("The copy, rescued by ridge", sc.RIDGE_RESCUE, key="preset-ridge",
                    help="λ = 0.1 makes XᵀX + nλD invertible.")
panel.reset_button()
pin = pinning.controls(panel)

res = layout.compute("the fit", sc.result_of, panel.values)
was = pin and layout.compute("the pinned fit", sc.result_of, pin.values)
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))

st.subheader("The normal equations, with your numbers")
st.latex(sc.equation_latex(res))
for flag in sc.flags(res):
    st.warning(flag, icon=":material/warning:")

left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.contour_chart(res), res.paths, name="descent path", width="content",
                 caption="The loss over the two weights, with b at its best for each pair, in grey bands a quarter "
                         "of a decade apart, and the descent's path from (0, 0).")
with right:
    floor = charts.distance_floor(res)[0]
    layout.chart(charts.distance_chart(res, pinned=was or None), res.run, name="distance per step",
                 caption="How far the descent's (w₁, w₂, b) is from the closed form after each step, log scale."
                         + (" The axis stops below the 1e-6 line: a run that gets closer runs along its bottom "
                            "edge."
                            if float(res.run["value"].min()) < floor else "")
                         + (pinning.IN_GREY if pin else ""))

st.subheader("Alike features make the descent slow")
layout.chart(charts.sweep_chart(res), res.sweep, name="steps against condition",
             caption="Each dot is the same data with x₂ = x₁ + gap × noise, the gap from 1 down to 0.0001: the exact "
                     "number of steps to within 1e-6 at η = 1/λ_max. The diamond is your data.")

st.subheader("What each costs as the data grow")
left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.count_chart(res), res.counted, name="operation counts",
                 caption="The leading terms of the work, constant factors dropped.")
with right:
    layout.chart(charts.cost_chart(res), res.measured, name="measured times",
                 caption="Seconds on this server, the best of up to three runs, measured once when the view was "
                         "first opened on random data; other users' work can slow them.")

data = layout.opened(f"The data: {res.n} rows of x₁, x₂ and y", "normal-equation-data")
if data is not None:
    layout.table(sc.data_markdown(panel.values), "The data", data)
code = layout.opened("The same fit in numpy and scikit-learn", layout.CODE_KEY)
if code is not None:
    code.code(sc.numpy_code(panel.values), language="python")

layout.notice(sc.notes(res))
layout.downloads()
layout.math(sc.math_blocks())
