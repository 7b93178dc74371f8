"""When a miss costs more than a false alarm, where should the line go?"""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, words
from dashboard.charts import business_costs as charts
from dashboard.controls import Panel
from dashboard.scenarios import business_costs as sc
from dashboard.shared import business_costs as says

TEXT = words.of("business_costs")
LESSON = {"miss": 1000, "alarm": 10}

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
side = st.sidebar
side.subheader("A. Fraud")
panel.log_slider("Share of fraud (base rate)", "rate", 0.005, 0.5, help=TEXT("help.rate"))
panel.slider("Transactions", "n", 2_000, 20_000, step=1_000, help=TEXT("help.n"))
panel.number("Cost of a missed fraud ($)", "miss", 1, 1_000_000, step=10)
panel.number("Cost of a false alarm ($)", "alarm", 1, 1_000_000, step=1)
panel.toggle("Train with the costs as class weights", "weights", help=TEXT("help.weights"))
panel.preset_button("Lesson: $1000 vs $10", LESSON, key="preset-lesson", help=TEXT("help.preset-lesson"))
panel.preset_button("Equal costs: $1 vs $1", {"miss": 1, "alarm": 1}, key="preset-fraud-equal",
                    help=TEXT("help.preset-fraud-equal"))
side.subheader("B. Ice-cream demand")
panel.slider("Cost per ice cream short ($)", "under", 1, 20, help=TEXT("help.under"))
panel.slider("Cost per ice cream left over ($)", "over", 1, 20, help=TEXT("help.over"))
panel.slider("Day-to-day noise (units)", "noise", 0, 30)
panel.slider(f"Rush days (hottest days, +{sc.RUSH_EXTRA:g} sold)", "rush", 0, 15)
panel.preset_button("Equal costs: $1 vs $1", {"under": 1, "over": 1}, key="preset-equal", help=TEXT("help.preset-equal"))
side.subheader("Both")
panel.slider("Random seed", "seed", 0, 50)
panel.reset_button()
pin = pinning.controls(panel)

# --------------------------------------------------------------------------- A. fraud
st.header(TEXT("heading.fraud"))
st.markdown(TEXT("intro.fraud"))
fr, was = layout.compute_pair("the fraud scenario", sc.fraud_of, panel.values, pin)
layout.metric_row(says.fraud_headlines(fr), pinned=was and says.fraud_headlines(was))
caption = (TEXT("caption.curve-weighted", n_test=fr.model.n_test) if fr.weighted
           else TEXT("caption.curve", n_test=fr.model.n_test))
left, right = st.columns([3, 2])
with left:
    layout.chart(charts.cost_curve(fr.curve, fr.markers, pinned=was and was.curve), fr.curve, name="fraud cost curve",
                 caption=caption + (" " + TEXT("caption.curve-pinned") if pin else ""))
with right:
    layout.chart(charts.confusion_chart(fr.confusion), fr.confusion, name="fraud confusion matrices",
                 width="content")  # its own size: stretched, a facet grows past a phone's width
layout.notice(says.fraud_notes(fr))

# --------------------------------------------------------------------------- B. regression
st.header(TEXT("heading.demand"))
st.markdown(TEXT("intro.demand"))
dm = layout.compute("the demand scenario", sc.demand_of, panel.values)
was_demand = pin and layout.compute("the pinned scenario", sc.demand_of, pin.values)
layout.metric_row(says.demand_headlines(dm), pinned=was_demand and says.demand_headlines(was_demand))
left, right = st.columns([3, 2])
with left:
    layout.chart(charts.demand_chart(dm.points), dm.points, name="demand fits")
with right:
    layout.chart(charts.demand_cost_chart(dm.costs), dm.costs, name="demand costs")
layout.notice(says.demand_notes(dm))

layout.downloads()
layout.math(says.math_blocks())
