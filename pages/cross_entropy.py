"""Why does a confident wrong answer cost so much? Cross-entropy against squared error, up close."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning
from dashboard.charts import cross_entropy as charts
from dashboard.controls import Panel
from dashboard.scenarios import cross_entropy as sc

layout.header(
    "Why does a confident wrong answer cost so much?",
    "A classifier answers with a probability. Cross-entropy scores it by the probability it gave the right answer: "
    "−log of it, small when that probability is near 1 and without limit as it nears 0. Set a prediction and see "
    "how that compares with squared error, how hard each pushes the model to change, and what it does to training.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**One email**")
panel.slider("Predicted probability of spam, p", "p", 0.01, 0.99, step=0.01)
panel.select("True label", "label", sc.LABELS, labels=sc.LABEL_NAMES, radio=True)
panel.box.markdown("**A picture: cat, dog or bird**")
panel.box.caption(sc.LOGIT_NOTE)
for c in sc.CLASSES:
    panel.number(f"Logit of {c}", f"z_{c}", -10.0, 10.0, step=0.1, format="%.4f", help=sc.LOGIT_HELP)
panel.select("True class", "truth", sc.CLASSES, radio=True)
panel.box.markdown("**Training a spam model**")
panel.log_slider("Learning rate η", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE)
panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=10)
panel.slider("Starting weight", "w0", -6.0, 6.0, step=0.5,
             help="Negative: the model starts out confident and wrong (it calls spam safe).")
panel.preset_button("Confident and wrong: p = 0.1", sc.CONFIDENT_WRONG, key="preset-wrong",
                    help="The lesson's spam email scored 0.1.")
panel.preset_button("The lesson's second picture: mostly dog", sc.MOSTLY_DOG, key="preset-dog",
                    help="0.10 cat, 0.60 dog, 0.30 bird for a cat.")
panel.reset_button()
pin = pinning.controls(panel)

res = layout.compute("the losses", sc.result_of, panel.values)
was = pin and layout.compute("the pinned losses", sc.result_of, pin.values)
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))

left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.loss_chart(res), res.curves, name="loss against probability",
                 caption="Each loss of a predicted probability p for the chosen label; the dashed line is your p.")
with right:
    layout.chart(charts.push_chart(res), res.curves, name="push on the logit",
                 caption="How hard each loss pushes the logit z (p = σ(z)) at each p: squared error's push dies away "
                         "at both ends, right or wrong.")
left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.softmax_chart(res), res.bars, name="softmax",
                 caption="The softmax of the three logits; the loss is −log of the true class's bar.")
with right:
    layout.chart(charts.training_chart(res, pinned=was or None), res.runs, name="spam training",
                 caption="A one-feature spam model trained from the same start on each loss. Solid: each run's own "
                         "loss over its value at the start (left axis); dashed: the share of training emails it "
                         "classifies right (right axis)." + (pinning.IN_GREY if pin else ""))

st.subheader("The lesson's numbers")
layout.table(sc.lesson_table(), "The lesson's numbers")

layout.notice(sc.notes(res))
layout.downloads()
layout.math(sc.math_blocks())
