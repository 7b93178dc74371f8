"""Which optimizer reaches the bottom first? Seven optimizers race on one surface."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry, words
from dashboard.charts import optimizer_race as charts
from dashboard.controls import Panel
from dashboard.scenarios import optimizer_race as sc
from dashboard.shared import optimizer_race as says

TEXT = words.of("optimizer_race")
layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.select("Surface", "surface", sc.SURFACES, labels=sc.SURFACE_LABELS, aliases=sc.SURFACE_ALIASES)
panel.box.markdown("**Who races**")
running = {key: panel.toggle(entry.label, f"run_{key}", help=entry.description)
           for key, entry in registry.OPTIMIZERS.items()}
if not any(running.values()):  # a race needs a racer: say which one runs, since its toggle shows off
    panel.box.caption(TEXT("notice.no-racer"))
panel.box.markdown("**Learning rates**")
tuned = panel.toggle("Tuned: each at its best rate", "tuned",
             help=TEXT("help.tuned", rates=sc.rates().size))
side, panel.box = panel.box, panel.box.expander("Each optimizer's own rate (when not tuned)")
for key, entry in registry.OPTIMIZERS.items():
    panel.log_slider(f"η, {entry.label}", f"lr_{key}", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE,
                     disabled=tuned or not running[key])
panel.box = side
panel.box.markdown("**Settings**")
panel.slider("Momentum μ (momentum, Nesterov)", "mu", 0.1, 0.99, step=0.01,
             help=TEXT("help.mu"))
panel.slider("Adam's β₁ (AdamW too)", "beta1", 0.0, 0.99, step=0.01)
panel.select("Adam's β₂", "beta2", sc.BETA2_OPTIONS)
steps = panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=10)
panel.slider("Gradient noise σ", "sigma", *sc.NOISE_RANGE, step=sc.NOISE_STEP,
             help=TEXT("help.sigma"))
own = panel.toggle("Choose the start point", "own_start", help=TEXT("help.own_start"))
panel.slider("Start x", "x0", -5.0, 5.0, step=0.1, disabled=not own)
panel.slider("Start y", "y0", -5.0, 5.0, step=0.1, disabled=not own)
panel.presets_and_reset(TEXT, {
    "preset-momentum-adam": sc.LESSON,
    "preset-saddle": {**sc.DEFAULTS, "surface": "saddle", "run_nesterov": True},
    "preset-plateau": {**sc.DEFAULTS, "surface": "plateau", "run_rmsprop": True},
    "preset-noise": sc.NOISY_DESCENT,
})
pin = pinning.controls(panel)

race, was = layout.compute_pair("the race", sc.race_of, panel.values, pin)
racing = [r.key for r in race.racers]

st.markdown(TEXT("heading.metrics", surface=race.title))
layout.metric_row(says.headlines(race), pinned=was and says.headlines(was))

# Beside the charts, to scrub while watching. Its range is the longest run's: a range that followed the
# steps slider made a step chosen in a long run, sent with a shorter run's rerun, one the slider cannot
# hold (Streamlit raises), so a step past the end shows the end.
scrub = Panel({"k": sc.STEPS_RANGE[1], "inside": racing[-1]}, container=st)
k = min(steps, scrub.slider(f"Step (the run has {steps})", "k", 0, sc.STEPS_RANGE[1], step=1,
                            help=TEXT("help.k")))
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.contour_chart(race, k), race.paths, name="race paths", width="content",
                 caption=TEXT("caption.paths"))
with right:
    layout.chart(charts.loss_chart(race, pinned=was or None), race.curves, name="race loss curves",
                 caption=TEXT("caption.curves") + (pinning.IN_GREY if pin else ""))
layout.table(says.table_markdown(race), "The race")

st.subheader("Inside one optimizer")
key = scrub.select("Look inside", "inside", racing, labels=registry.labels(registry.OPTIMIZERS, racing), radio=True)
ins = layout.compute("the optimizer's internals", sc.inside, panel.values, key)
layout.chart(charts.internals_chart(ins.rows, k), ins.rows, name="optimizer internals", width="content",
             caption=TEXT("caption.internals"))
if "betas" in registry.OPTIMIZERS[key].knobs:  # Adam's kind
    layout.confusion(TEXT("confusion.adam"))
st.markdown(TEXT("heading.code", optimizer=registry.OPTIMIZERS[key].label))
st.code(sc.torch_code(race, panel.values, key), language="python")

layout.notice(sc.notes(race, ins, k, panel.values))
layout.downloads()
layout.math(says.math_blocks(race, key))
