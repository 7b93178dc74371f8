"""Which optimizer reaches the bottom first? Seven optimizers race on one surface."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry
from dashboard.charts import optimizer_race as charts
from dashboard.controls import Panel
from dashboard.scenarios import optimizer_race as sc

layout.header(
    "Which optimizer reaches the bottom first?",
    "Seven optimizers start from the same point on the same surface and take the same number of steps. "
    "Pick who races, give each a learning rate or let each run at its best one, and scrub through the steps "
    "to see where each one is, and what the one you choose computes along the way.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.select("Surface", "surface", sc.SURFACES, labels=sc.SURFACE_LABELS, aliases=sc.SURFACE_ALIASES)
panel.box.markdown("**Who races**")
running = {key: panel.toggle(entry.label, f"run_{key}", help=entry.description)
           for key, entry in registry.OPTIMIZERS.items()}
if not any(running.values()):  # a race needs a racer: say which one runs, since its toggle shows off
    panel.box.caption(sc.NO_RACER_NOTE)
panel.box.markdown("**Learning rates**")
tuned = panel.toggle("Tuned: each at its best rate", "tuned",
             help=f"Each optimizer runs at every one of {sc.rates().size} rates at once; tuned, it races at the one "
                  "that arrived first (near the minimum, and staying there).")
side, panel.box = panel.box, panel.box.expander("Each optimizer's own rate (when not tuned)")
for key, entry in registry.OPTIMIZERS.items():
    panel.log_slider(f"η, {entry.label}", f"lr_{key}", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE,
                     disabled=tuned or not running[key])
panel.box = side
panel.box.markdown("**Settings**")
panel.slider("Momentum μ (momentum, Nesterov)", "mu", 0.1, 0.99, step=0.01,
             help="How much of the last velocity each step keeps (Nesterov needs some).")
panel.slider("Adam's β₁ (AdamW too)", "beta1", 0.0, 0.99, step=0.01)
panel.select("Adam's β₂", "beta2", sc.BETA2_OPTIONS)
steps = panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=10)
panel.slider("Gradient noise σ", "sigma", *sc.NOISE_RANGE, step=sc.NOISE_STEP,
             help="0: off. Adds σₜ·ξₜ to every step's gradient, like the noise of a mini-batch: ξₜ standard normal, "
                  "one draw per step shared by every racer and every rate. σₜ fades from σ to 0 at half the steps, "
                  "so every run ends on the exact gradient and its verdict says where it settled.")
own = panel.toggle("Choose the start point", "own_start", help="Otherwise each surface's own start.")
panel.slider("Start x", "x0", -5.0, 5.0, step=0.1, disabled=not own)
panel.slider("Start y", "y0", -5.0, 5.0, step=0.1, disabled=not own)
panel.preset_button("Tuned momentum against an untuned Adam", sc.LESSON, key="preset-momentum-adam",
                    help="Momentum at its best rate on Rosenbrock's valley, Adam at a rate that is too small.")
panel.preset_button("The saddle", {**sc.DEFAULTS, "surface": "saddle", "run_nesterov": True}, key="preset-saddle",
                    help="Started just off the ridge of a saddle point.")
panel.preset_button("The plateau", {**sc.DEFAULTS, "surface": "plateau", "run_rmsprop": True}, key="preset-plateau",
                    help="Tiny gradients far from the well.")
panel.preset_button("Noise lifts gradient descent out of the shallow well", sc.NOISY_DESCENT,
                    key="preset-noise", help="Two minima: gradient descent alone at η = 0.42, with and without noise.")
panel.reset_button()
pin = pinning.controls(panel)

race = layout.compute("the race", sc.race_of, panel.values)
was = pin and layout.compute("the pinned race", sc.race_of, pin.values)
racing = [r.key for r in race.racers]

st.markdown(f"**Steps to arrive at the minimum: {race.title}**")
layout.metric_row(sc.headlines(race), pinned=was and sc.headlines(was))

# Beside the charts, to scrub while watching. Its range is the longest run's: a range that followed the
# steps slider made a step chosen in a long run, sent with a shorter run's rerun, one the slider cannot
# hold (Streamlit raises), so a step past the end shows the end.
scrub = Panel({"k": sc.STEPS_RANGE[1], "inside": racing[-1]}, container=st)
k = min(steps, scrub.slider(f"Step (the run has {steps})", "k", 0, sc.STEPS_RANGE[1], step=1,
                            help="Moves every racer's dot to where it was after this step; past the end, the end."))
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.contour_chart(race, k), race.paths, name="race paths", width="content",
                 caption="The surface's height above its minimum in grey bands a quarter of a decade apart (lighter "
                         "is lower), one scale on both axes. Dots: where each racer is at the chosen step.")
with right:
    layout.chart(charts.loss_chart(race, pinned=was or None), race.curves, name="race loss curves",
                 caption="Height above the minimum at every step, on a log scale; the dashed line is the finish."
                         + (pinning.IN_GREY if pin else ""))
layout.table(sc.table_markdown(race), "The race")

st.subheader("Inside one optimizer")
key = scrub.select("Look inside", "inside", racing, labels=registry.labels(registry.OPTIMIZERS, racing), radio=True)
ins = layout.compute("the optimizer's internals", sc.inside, panel.values, key)
layout.chart(charts.internals_chart(ins.rows, k), ins.rows, name="optimizer internals", width="content",
             caption="Per coordinate, at every step: the gradient, what the optimizer keeps of it, and the step it "
                     "takes. The dashed line is the chosen step.")
if "betas" in registry.OPTIMIZERS[key].knobs:  # Adam's kind
    layout.confusion(sc.ADAM_CONFUSION)
st.markdown(f"**The same run in PyTorch** ({registry.OPTIMIZERS[key].label})")
st.code(sc.torch_code(race, panel.values, key), language="python")

layout.notice(sc.notes(race, ins, k, panel.values))
layout.downloads()
layout.math(sc.math_blocks(race, key))
