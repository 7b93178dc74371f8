"""Why does a confident wrong answer cost so much? Cross-entropy against squared error, up close."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, words
from dashboard.charts import cross_entropy as charts
from dashboard.controls import Panel
from dashboard.scenarios import cross_entropy as sc

TEXT = words.of("cross_entropy")

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**One email**")
panel.slider("Predicted probability of spam, p", "p", 0.01, 0.99, step=0.01)
panel.select("True label", "label", sc.LABELS, labels=sc.LABEL_NAMES, radio=True)
panel.box.markdown("**A picture: cat, dog or bird**")
panel.box.caption(TEXT("caption.logits"))  # the lessons give probabilities, never logits
for c in sc.CLASSES:
    panel.number(f"Logit of {c}", f"z_{c}", -10.0, 10.0, step=0.1, format="%.4f", help=TEXT("help.z"))
panel.select("True class", "truth", sc.CLASSES, radio=True)
panel.box.markdown("**Training a spam model**")
panel.log_slider("Learning rate η", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE)
panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=10)
panel.slider("Starting weight", "w0", -6.0, 6.0, step=0.5,
             help=TEXT("help.w0"))
panel.presets_and_reset(TEXT, {"preset-wrong": sc.CONFIDENT_WRONG, "preset-dog": sc.MOSTLY_DOG})
pin = pinning.controls(panel)

res, was = layout.compute_pair("the losses", sc.result_of, panel.values, pin)
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))

left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.loss_chart(res), res.curves, name="loss against probability",
                 caption=TEXT("caption.loss"))
with right:
    layout.chart(charts.push_chart(res), res.curves, name="push on the logit",
                 caption=TEXT("caption.push"))
left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.softmax_chart(res), res.bars, name="softmax",
                 caption=TEXT("caption.softmax"))
with right:
    layout.chart(charts.training_chart(res, pinned=was or None), res.runs, name="spam training",
                 caption=TEXT("caption.training") + (pinning.IN_GREY if pin else ""))

st.subheader("The lesson's numbers")
layout.table(sc.lesson_table(), "The lesson's numbers")

layout.notice(sc.notes(res))
layout.downloads()
layout.math(sc.math_blocks())
