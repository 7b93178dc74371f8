"""Do the lesson's numbers add up? Every worked regression example of the lesson, step by step, editable."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, present, words
from dashboard.charts import worked_examples as charts
from dashboard.controls import Panel
from dashboard.scenarios import worked_examples as sc
from dashboard.views import LESSON_TEXTS

TEXT = words.of("worked_examples")

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
side = panel.box
for name, ex in sc.EXAMPLES.items():
    panel.box = side.popover(f"Predictions: {ex['title']}", width="stretch")
    for label, key, step, high in sc.inputs(name):
        panel.number(label, key, 0, high, step=step)
panel.box = side
sheet = panel.toggle("Worksheet: hide the answers", "worksheet",
                     help=TEXT("help.worksheet"))
panel.presets_and_reset(TEXT, {"preset-week-4": sc.B_WITHOUT_WEEK_4})
pin = pinning.controls(panel)

cards, was = layout.compute_pair("the examples", sc.cards, panel.values, pin)
if sheet:
    st.info(TEXT("notice.worksheet-present") if present.requested() else TEXT("notice.worksheet"),
            icon=":material/edit_note:")
else:
    layout.metric_row(sc.headlines(cards), pinned=was and sc.headlines(was))

st.caption(TEXT("caption.tables-present") if present.requested() else TEXT("caption.tables"))
# Small numbers fit two cards to a row; dollars in full and the two-model tables get a row each.
for row in (("lagos", "arrow"), ("usd",), ("house",), ("miss",), ("rain",), ("tie",)):
    for column, name in zip(st.columns(2, gap="medium") if len(row) > 1 else [st.container()], row):
        c = cards[name]
        box = column.container(border=True)
        text = sc.EXAMPLES[name]["text"]
        box.markdown(f"**{c.title}**")
        box.caption(TEXT("caption.source", text=text, name=LESSON_TEXTS[text]))
        layout.table(sc.table(c, hidden=sheet), c.title, box)
        if sheet:
            box.markdown(sc.QUESTIONS[name])
            continue
        box.markdown(sc.verdict(c))
        if name == "rain":
            with box:
                layout.chart(charts.rain_chart(sc.rain_frame(c), pinned=sc.rain_frame(was["rain"]) if was else None),
                             sc.rain_frame(c), name="rainfall squared errors",
                             caption=TEXT("caption.rain") + (pinning.IN_GREY if pin else ""))

if not sheet:
    layout.notice(sc.notes(cards))
layout.downloads()
layout.math(sc.math_blocks())
