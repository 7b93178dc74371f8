"""When a miss costs more than a false alarm, where should the line go?"""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning
from dashboard.charts import business_costs as charts
from dashboard.controls import Panel
from dashboard.scenarios import business_costs as scenario

LESSON = {"miss": 1000, "alarm": 10}

layout.header(
    "When a miss costs more than a false alarm, where should the line go?",
    "A classifier that flags at 50% and a forecast that aims at the average both treat every mistake as "
    "equally expensive. Give the two kinds of mistake different prices and watch the best threshold, and "
    "the best forecast, move away from the middle.",
)

panel = Panel(scenario.DEFAULTS, bind="query-params")  # every control is in the link
side = st.sidebar
side.subheader("A. Fraud")
panel.log_slider("Share of fraud (base rate)", "rate", 0.005, 0.5,
                 help="Fraction of transactions that are fraud, in both the training and the test half")
panel.slider("Transactions", "n", 2_000, 20_000, step=1_000, help="Half train the model, half are scored")
panel.number("Cost of a missed fraud ($)", "miss", 1, 1_000_000, step=10)
panel.number("Cost of a false alarm ($)", "alarm", 1, 1_000_000, step=1)
panel.toggle("Train with the costs as class weights", "weights",
             help="Put the costs into the loss (each fraud weighs the price of a miss, each legitimate "
                  "transaction the price of a false alarm) and decide at 0.5, instead of moving the "
                  "threshold of a model trained with plain cross-entropy")
panel.preset_button("Lesson: $1000 vs $10", LESSON, key="preset-lesson",
                    help="The lesson's fraud prices: a missed fraud $1000, a false alarm $10")
panel.preset_button("Equal costs: $1 vs $1", {"miss": 1, "alarm": 1}, key="preset-fraud-equal",
                    help="Same price both ways: the best threshold is the usual 0.5")
side.subheader("B. Ice-cream demand")
panel.slider("Cost per ice cream short ($)", "under", 1, 20, help="Lost margin when demand beats stock")
panel.slider("Cost per ice cream left over ($)", "over", 1, 20, help="Melted stock thrown away")
panel.slider("Day-to-day noise (units)", "noise", 0, 30)
panel.slider(f"Rush days (hottest days, +{scenario.RUSH_EXTRA:g} sold)", "rush", 0, 15)
panel.preset_button("Equal costs: $1 vs $1", {"under": 1, "over": 1}, key="preset-equal",
                    help="Same price both ways: the best forecast is the median")
side.subheader("Both")
panel.slider("Random seed", "seed", 0, 50)
panel.reset_button()
pin = pinning.controls(panel)

# --------------------------------------------------------------------------- A. fraud
st.header("A. Fraud: where should the flagging threshold go?")
st.markdown("A logistic model scores each card transaction with a probability of fraud. It learns on one half of "
            "the transactions; every count and dollar below is measured on the other half, which it never saw.")
fr = layout.compute("the fraud scenario", scenario.fraud_of, panel.values)
was = pin and layout.compute("the pinned scenario", scenario.fraud_of, pin.values)
model = fr.model
layout.metric_row(scenario.fraud_headlines(fr), pinned=was and scenario.fraud_headlines(was))
left, right = st.columns([3, 2])
with left:
    layout.chart(charts.cost_curve(fr.curve, fr.markers, pinned=was and was.curve), fr.curve, name="fraud cost curve",
                 caption=f"Dollars per transaction, the total above divided by the {model.n_test:,} held-out "
                         "transactions: one curve per kind of mistake, and their sum"
                         + (", for the class-weighted model's scores." if fr.weighted else ".")
                         + (" Wide light grey: the total in the pinned scenario." if pin else ""))
with right:
    layout.chart(charts.confusion_chart(fr.confusion), fr.confusion, name="fraud confusion matrices",
                 width="content")  # its own size: stretched, a facet grows past a phone's width
layout.notice(scenario.fraud_notes(fr))

# --------------------------------------------------------------------------- B. regression
st.header("B. Demand: how much ice cream should the shop stock?")
st.markdown("Sixty days of sales against the temperature. Two lines are fitted to the same days: one by squared "
            "error, one by the shop's own costs of running short and of throwing stock away.")
dm = layout.compute("the demand scenario", scenario.demand_of, panel.values)
was_demand = pin and layout.compute("the pinned scenario", scenario.demand_of, pin.values)
layout.metric_row(scenario.demand_headlines(dm), pinned=was_demand and scenario.demand_headlines(was_demand))
left, right = st.columns([3, 2])
with left:
    layout.chart(charts.demand_chart(dm.points), dm.points, name="demand fits")
with right:
    layout.chart(charts.demand_cost_chart(dm.costs), dm.costs, name="demand costs")
layout.notice(scenario.demand_notes(dm))

layout.downloads()
layout.math([
    ("**Expected cost of a decision.** With a calibrated probability $p$ of fraud, flagging is wrong "
     "(a false alarm) with probability $1 - p$, passing is wrong (a miss) with probability $p$:",
     r"\mathbb{E}[\text{cost} \mid \text{flag}] = (1-p)\,c_{FP}, \qquad "
     r"\mathbb{E}[\text{cost} \mid \text{pass}] = p\,c_{FN}"),
    ("Flag whenever that is the cheaper of the two; the break-even point is the threshold:",
     r"(1-p)\,c_{FP} \le p\,c_{FN} \iff p \ge t^* = \frac{c_{FP}}{c_{FP} + c_{FN}}"
     r"\qquad\text{lesson: } \frac{10}{10 + 1000} = 0.0099"),
    ("On the $n$ test transactions, a threshold $t$ costs, per transaction (the curve above),",
     r"\text{cost}(t) = \frac{c_{FP}\,FP(t) + c_{FN}\,FN(t)}{n}"),
    ("**The costs in the loss instead.** Class weights make each fraud count $c_{FN}$ times and each "
     "legitimate transaction $c_{FP}$ times in the cross-entropy the model is trained on:",
     r"J(w) = \frac{\sum_i s_i\,\mathrm{BCE}(y_i, q_i)}{\sum_i s_i}, \qquad "
     r"s_i = \begin{cases} c_{FN} & y_i = 1 \\ c_{FP} & y_i = 0 \end{cases}"),
    (r"Where the true probability is $p$, the weighted loss is smallest at the score $q$ below, and "
     r"$q \ge 0.5$ exactly when $p \ge t^*$: the weighted model's 0.5 is the plain model's $t^*$. Use one "
     "or the other; both together count the costs twice.",
     r"q = \frac{c_{FN}\,p}{c_{FN}\,p + c_{FP}\,(1-p)}"),
    (r"**Asymmetric regression cost and the pinball loss.** With the residual $r = y - \hat y$, paying "
     r"$c_{\text{under}}$ per unit short and $c_{\text{over}}$ per unit left over is a scaled pinball loss:",
     r"c_{\text{under}}\,(y-\hat y)^+ + c_{\text{over}}\,(\hat y-y)^+ = (c_{\text{under}}+c_{\text{over}})\,"
     r"\rho_q(y-\hat y), \qquad \rho_q(r) = \max\big(q\,r,\ (q-1)\,r\big)"),
    ("Its expected value over the demand $Y$ is smallest where its slope in the forecast $a$ is zero: "
     r"raising $a$ by one unit saves $c_{\text{under}}$ on the days demand is above it and costs "
     r"$c_{\text{over}}$ on the days below it:",
     r"\frac{d}{da}\,\mathbb{E}[\text{cost}] = -c_{\text{under}}\,P(Y > a) + c_{\text{over}}\,P(Y < a) = 0"
     r"\iff P(Y \le a) = q = \frac{c_{\text{under}}}{c_{\text{under}} + c_{\text{over}}}"),
    ("So the best forecast is the $q$-quantile of demand (the median when the costs are equal), while "
     "squared error is minimized by the mean. The orange line is the line with the smallest total "
     "pinball loss over the days (an exact linear program); the blue one has the smallest squared error:",
     r"\arg\min_a \mathbb{E}[(Y-a)^2] = \mathbb{E}[Y], \qquad "
     r"\arg\min_a \mathbb{E}[\rho_q(Y-a)] = F_Y^{-1}(q)"),
])
