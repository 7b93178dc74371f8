"""How should the learning rate change during training? Two schedules on one problem, and the range test."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry, words
from dashboard.charts import lr_schedules as charts
from dashboard.controls import Panel, format_number, log_options, snap
from dashboard.scenarios import lr_schedules as sc
from dashboard.scenarios.lr_schedules_torch import torch_code

TEXT = words.of("lr_schedules")

layout.header(TEXT("title"), TEXT("intro"))

LABELS = registry.labels(registry.SCHEDULES, sc.SCHEDULES)
panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
a = panel.select("Schedule A", "a", sc.SCHEDULES, labels=LABELS)
b = panel.select("Schedule B", "b", sc.SCHEDULES, labels=LABELS)
panel.log_slider("Learning rate η (the peak)", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE,
                 help=TEXT("help.lr"))
panel.slider("Epochs", "epochs", *sc.EPOCHS_RANGE, step=5, help=TEXT("help.epochs"))
panel.select("Batch size", "batch", sc.BATCHES, labels=sc.BATCH_LABELS,
             help=TEXT("help.batch"))
side, panel.box = panel.box, panel.box.expander("Schedule settings", expanded=True)
knob = {k: not sc.uses({"a": a, "b": b}, k) for e in registry.SCHEDULES.values() for k in e.knobs}  # True: greyed out
panel.slider("Step decay: epochs per step", "step_size", 1, 100, disabled=knob["step_size"])
panel.slider("Step decay: factor γ", "gamma", 0.05, 0.9, step=0.05, disabled=knob["gamma"])
panel.slider("Exponential: k per epoch", "k", 0.005, 0.3, step=0.005, format="%.3f", disabled=knob["k"],
             help=TEXT("help.k"))
panel.slider("Warm restarts: first cycle (epochs)", "t_0", 1, 50, disabled=knob["t_0"])
panel.select("Warm restarts: cycle growth", "t_mult", sc.T_MULTS, disabled=knob["t_mult"], radio=True)
panel.slider("Warmup: epochs", "warm", 1, 50, disabled=knob["warm"])
panel.slider("One-cycle: share of the run climbing", "pct_start", 0.1, 0.5, step=0.05, disabled=knob["pct_start"])
panel.slider("Cyclic: epochs per climb", "half", 1, 50, disabled=knob["half"])
panel.slider("Plateau: factor", "factor", 0.05, 0.9, step=0.05, disabled=knob["factor"])
panel.slider("Plateau: patience (epochs)", "patience", 0, 30, disabled=knob["patience"])
panel.box = side
panel.presets_and_reset(TEXT, {
    "preset-step": sc.LESSON_STEP,
    "preset-exponential": sc.LESSON_EXPONENTIAL,
    "preset-critical": sc.ABOVE_CRITICAL,
    "preset-plateau": sc.PLATEAU_COSINE,
})
pin = pinning.controls(panel)

res, was = layout.compute_pair("the two runs", sc.result_of, panel.values, pin)

st.markdown(TEXT("metrics"))
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))
layout.chart(charts.schedule_chart(res, pinned=was or None), res.hover, name="schedules rate and loss",
             caption=TEXT("caption.schedules") + (pinning.IN_GREY if pin else ""))

st.subheader("Pick the rate: the range test")
st.markdown(TEXT("range-test", steps=sc.RANGE_TEST["steps"], lr_min=sc.RANGE_TEST["lr_min"],
                 lr_max=sc.RANGE_TEST["lr_max"]))
layout.chart(charts.range_test_chart(res), res.test_frame, name="schedules range test",
             caption=TEXT("caption.range-test"))
if res.test.suggested:
    # The slider holds log-spaced rates: the button sets the one nearest the pick, and says which.
    nearest = snap(log_options(sc.RATE_LOW, sc.RATE_HIGH, sc.RATE_PER_DECADE), res.test.suggested)
    st.button(f"Use η = {format_number(nearest)} for both schedules", key="use-range-rate", on_click=Panel.apply,
              args=({"lr": nearest},), disabled=nearest == panel.values["lr"],
              help=TEXT("help.use-range-rate", pick=res.test.suggested))

code = layout.opened("The same runs in PyTorch: the page's data, batches, rate and scheduler", layout.CODE_KEY)
if code is not None:
    for tab, side_key in zip(code.tabs([res.run(s).label for s in sc.SIDES]), sc.SIDES):
        tab.code(torch_code(panel.values, side_key), language="python")

layout.notice(sc.notes(res, panel.values))
layout.downloads()
layout.math(sc.math_blocks(res, panel.values))
