"""When can you skip the descent? The normal equation against gradient descent on one linear fit."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, words
from dashboard.charts import normal_equation as charts
from dashboard.controls import Panel
from dashboard.scenarios import normal_equation as sc
from dashboard.scenarios import normal_equation_data as table_and_code

TEXT = words.of("normal_equation")

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**The data: y = 2x₁ + x₂ + 3 + noise**")
panel.slider("Rows n", "n", 3, 1000, help=TEXT("help.n"))
panel.slider("Noise σ", "noise", 0.0, 3.0, step=0.1, help=TEXT("help.noise"))
likeness = panel.select("The second feature x₂ is", "likeness", sc.LIKENESS, labels=sc.LIKENESS_NAMES,
                        radio=True, horizontal=False)
panel.log_slider("How far x₂ strays from x₁", "gap", sc.GAP_LOW, sc.GAP_HIGH, per_decade=sc.GAP_PER_DECADE,
                 disabled=likeness != "near", help=TEXT("help.gap"))
ridge = panel.toggle("Add a ridge penalty λ‖w‖²", "ridge", help=TEXT("help.ridge"))
panel.log_slider("Ridge strength λ", "lam", sc.LAM_LOW, sc.LAM_HIGH, per_decade=sc.LAM_PER_DECADE,
                 disabled=not ridge)
panel.number("Seed", "seed", 0, 999, step=1, help=TEXT("help.seed"))
panel.box.markdown("**The descent and the cost**")
panel.slider("Descent steps drawn", "steps", 10, 5000, step=10, help=TEXT("help.steps"))
panel.select("Rows n in the cost charts", "cost_n", [f"{n:,}" for n in sc.COST_NS])
panel.presets_and_reset(TEXT, {
    "preset-near": sc.NEAR_COPY,
    "preset-copy": sc.EXACT_COPY,
    "preset-ridge": sc.RIDGE_RESCUE,
})
pin = pinning.controls(panel)

res, was = layout.compute_pair("the fit", sc.result_of, panel.values, pin)
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))

st.subheader("The normal equations, with your numbers")
st.latex(sc.equation_latex(res))
for flag in sc.flags(res):
    st.warning(flag, icon=":material/warning:")

left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.contour_chart(res), res.paths, name="descent path", width="content",
                 caption=TEXT("caption.paths"))
with right:
    layout.chart(charts.distance_chart(res, pinned=was or None), res.run, name="distance per step",
                 caption=sc.distance_caption(res) + (pinning.IN_GREY if pin else ""))

st.subheader("Alike features make the descent slow")
layout.chart(charts.sweep_chart(res), res.sweep, name="steps against condition",
             caption=TEXT("caption.sweep"))

st.subheader("What each costs as the data grow")
left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.count_chart(res), res.counted, name="operation counts",
                 caption=TEXT("caption.counts"))
with right:
    layout.chart(charts.cost_chart(res), res.measured, name="measured times",
                 caption=TEXT("caption.times"))

data = layout.opened(f"The data: {res.n} rows of x₁, x₂ and y", "normal-equation-data")
if data is not None:
    layout.table(table_and_code.data_markdown(panel.values), "The data", data)
code = layout.opened("The same fit in numpy and scikit-learn", layout.CODE_KEY)
if code is not None:
    code.code(table_and_code.numpy_code(panel.values), language="python")

layout.notice(sc.notes(res))
layout.downloads()
layout.math(sc.math_blocks())
