"""How should the learning rate change during training? Two schedules on one problem, and the range test."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry
from dashboard.charts import lr_schedules as charts
from dashboard.controls import Panel, format_number, log_options, snap
from dashboard.scenarios import lr_schedules as sc

layout.header(
    "How should the learning rate change during training?",
    "Two learning-rate schedules train the same line from the same start on the same mini-batches. The top "
    "chart shows the rate each one uses, epoch by epoch; the one below, how far each loss is from the best it "
    "could be. Point at either chart to read both at one epoch.",
)

LABELS = registry.labels(registry.SCHEDULES, sc.SCHEDULES)
panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
a = panel.select("Schedule A", "a", sc.SCHEDULES, labels=LABELS)
b = panel.select("Schedule B", "b", sc.SCHEDULES, labels=LABELS)
panel.log_slider("Learning rate η (the peak)", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE,
                 help="Each schedule's starting or highest rate.")
panel.slider("Epochs", "epochs", *sc.EPOCHS_RANGE, step=5, help="Passes over the 64 points; each schedule steps once "
             "per epoch.")
panel.select("Batch size", "batch", sc.BATCHES, labels=sc.BATCH_LABELS,
             help="Points per update: small batches give noisy steps; 64 is the full batch, with no noise.")
side, panel.box = panel.box, panel.box.expander("Schedule settings", expanded=True)
knob = {k: not sc.uses({"a": a, "b": b}, k) for e in registry.SCHEDULES.values() for k in e.knobs}  # True: greyed out
panel.slider("Step decay: epochs per step", "step_size", 1, 100, disabled=knob["step_size"])
panel.slider("Step decay: factor γ", "gamma", 0.05, 0.9, step=0.05, disabled=knob["gamma"])
panel.slider("Exponential: k per epoch", "k", 0.005, 0.3, step=0.005, format="%.3f", disabled=knob["k"],
             help="η_t = η·e^(−kt)")
panel.slider("Warm restarts: first cycle (epochs)", "t_0", 1, 50, disabled=knob["t_0"])
panel.select("Warm restarts: cycle growth", "t_mult", sc.T_MULTS, disabled=knob["t_mult"], radio=True)
panel.slider("Warmup: epochs", "warm", 1, 50, disabled=knob["warm"])
panel.slider("One-cycle: share of the run climbing", "pct_start", 0.1, 0.5, step=0.05, disabled=knob["pct_start"])
panel.slider("Cyclic: epochs per climb", "half", 1, 50, disabled=knob["half"])
panel.slider("Plateau: factor", "factor", 0.05, 0.9, step=0.05, disabled=knob["factor"])
panel.slider("Plateau: patience (epochs)", "patience", 0, 30, disabled=knob["patience"])
panel.box = side
panel.preset_button("Lesson: 0.1, 0.01 after 30, 0.001 after 60", sc.LESSON_STEP, key="preset-step",
                    help="The lesson's step decay against a constant rate, on noisy mini-batches.")
panel.preset_button("Lesson: η₀·e^(−kt)", sc.LESSON_EXPONENTIAL, key="preset-exponential",
                    help="Exponential decay with k = 0.05 per epoch against the step decay.")
panel.preset_button("Above the critical rate: warmup", sc.ABOVE_CRITICAL, key="preset-critical",
                    help="The full batch at a peak rate 1.3 times the critical one: constant against warmup, then "
                         "cosine.")
panel.preset_button("Reduce on plateau against cosine", sc.PLATEAU_COSINE, key="preset-plateau")
panel.reset_button()
pin = pinning.controls(panel)

res = layout.compute("the two runs", sc.result_of, panel.values)
was = pin and layout.compute("the pinned runs", sc.result_of, pin.values)

st.markdown(sc.HEADLINE_TITLE)
layout.metric_row(sc.headlines(res), pinned=was and sc.headlines(was))
layout.chart(charts.schedule_chart(res, pinned=was or None), res.hover, name="schedules rate and loss",
             caption="Top: each schedule's rate per epoch (log scale), the critical rate of full-batch descent "
                     "dashed. Bottom: the mean squared error above the least-squares line's after each epoch (log "
                     "scale)." + (pinning.IN_GREY if pin else ""))

st.subheader("Pick the rate: the range test")
st.markdown(f"One short run of {sc.RANGE_TEST['steps']} updates whose rate grows geometrically from "
            f"{sc.RANGE_TEST['lr_min']:g} to {sc.RANGE_TEST['lr_max']:g}, on the same problem and batch size. The loss barely moves while the rate is too small, falls fast, then "
            "runs away. A common pick is where it falls fastest.")
layout.chart(charts.range_test_chart(res), res.test_frame, name="schedules range test",
             caption="Grey: the loss after each update; black: its smoothed average. The run stops where the average "
                     "passes four times its lowest value.")
if res.test.suggested:
    # The slider holds log-spaced rates: the button sets the one nearest the pick, and says which.
    nearest = snap(log_options(sc.RATE_LOW, sc.RATE_HIGH, sc.RATE_PER_DECADE), res.test.suggested)
    st.button(f"Use η = {format_number(nearest)} for both schedules", key="use-range-rate", on_click=Panel.apply,
              args=({"lr": nearest},), disabled=nearest == panel.values["lr"],
              help=f"The slider's rate nearest to the range test's pick, {res.test.suggested:.3g}.")

code = layout.opened("The same runs in PyTorch: the page's data, batches, rate and scheduler", layout.CODE_KEY)
if code is not None:
    for tab, side_key in zip(code.tabs([res.run(s).label for s in sc.SIDES]), sc.SIDES):
        tab.code(sc.torch_code(panel.values, side_key), language="python")

layout.notice(sc.notes(res, panel.values))
layout.downloads()
layout.math(sc.math_blocks(res, panel.values))
