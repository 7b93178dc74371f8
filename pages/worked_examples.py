"""Do the lesson's numbers add up? Every worked regression example of the lesson, step by step, editable."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, present
from dashboard.charts import worked_examples as charts
from dashboard.controls import Panel
from dashboard.scenarios import worked_examples as sc
from dashboard.views import LESSON_TEXTS

layout.header(
    "Do the lesson's numbers add up?",
    "Each card below is one of the lesson's worked examples, computed the way the lesson does it: the error of each "
    "prediction, its square, its absolute value, and the means. Change any prediction and every step is worked "
    "again.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
side = panel.box
for name, ex in sc.EXAMPLES.items():
    panel.box = side.popover(f"Predictions: {ex['title']}", width="stretch")
    for label, key, step, high in sc.inputs(name):
        panel.number(label, key, 0, high, step=step)
panel.box = side
sheet = panel.toggle("Worksheet: hide the answers", "worksheet",
                     help="Each card keeps its truths and predictions and asks for the rest, with the lesson's "
                          "questions: the page as an exercise to work by hand. Switch it off to check.")
panel.preset_button("Rainfall: B without its week-4 miss", sc.B_WITHOUT_WEEK_4, key="preset-week-4",
                    help="Model B's week 4 set to the true 40 mm (step 5 of the exercise).")
panel.reset_button()
pin = pinning.controls(panel)

cards = layout.compute("the examples", sc.cards, panel.values)
was = pin and layout.compute("the pinned examples", sc.cards, pin.values)
if sheet:
    st.info("Worksheet: every **?** is yours to work out, by hand, from the truths y and the predictions ŷ. "
            "Switch **Worksheet** off" + ("" if present.requested() else " in the sidebar") + " to check your answers.",
            icon=":material/edit_note:")
else:
    layout.metric_row(sc.headlines(cards), pinned=was and sc.headlines(was))

st.caption("In every table: y is the true value, ŷ the prediction, e = ŷ − y the error, then its square and its "
           "absolute value; the last row holds the means, the MSE and the MAE."
           + ("" if present.requested() else " Each card's predictions are set in its box in the sidebar."))
# Small numbers fit two cards to a row; dollars in full and the two-model tables get a row each.
for row in (("lagos", "arrow"), ("usd",), ("house",), ("miss",), ("rain",), ("tie",)):
    for column, name in zip(st.columns(2, gap="medium") if len(row) > 1 else [st.container()], row):
        c = cards[name]
        box = column.container(border=True)
        text = sc.EXAMPLES[name]["text"]
        box.markdown(f"**{c.title}**")
        box.caption(f"From lesson text {text}, *{LESSON_TEXTS[text]}*.")
        layout.table(sc.table(c, hidden=sheet), c.title, box)
        if sheet:
            box.markdown("\n".join(f"{k}. {q}" for k, q in enumerate(sc.QUESTIONS[name], 1)))
            continue
        box.markdown(sc.verdict(c))
        if name == "rain":
            with box:
                layout.chart(charts.rain_chart(sc.rain_frame(c), pinned=sc.rain_frame(was["rain"]) if was else None),
                             sc.rain_frame(c), name="rainfall squared errors",
                             caption="Each week's squared error, A beside B." + (pinning.IN_GREY if pin else ""))

if not sheet:
    layout.notice(sc.notes(cards))
layout.downloads()
layout.math(sc.math_blocks())
