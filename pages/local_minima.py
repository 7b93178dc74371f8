"""Can training get stuck? Restarts on two minima, a saddle, a plateau, and a tiny network's many minima."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry
from dashboard.charts import local_minima as charts
from dashboard.controls import Panel
from dashboard.scenarios import local_minima as sc

layout.header(
    "Can training get stuck?",
    "Gradient descent only ever feels the slope under its feet. Start it from many random places on a surface "
    "with a shallow and a deep valley and count where the runs settle; add noise and see whether runs climb out "
    "of the shallow one; watch plain steps stall on a saddle and a plateau and see which of momentum, noise and "
    "Adam get away; then train a small neural network from many starts and compare where training stops.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**Random restarts**")
surface = panel.select("Surface", "surface", sc.SURFACES, labels=sc.SURFACE_LABELS)
panel.slider("Restarts", "restarts", *sc.RESTARTS_RANGE, step=10, help="Random start points, uniform over the plot.")
panel.select("Optimizer", "optimizer", sc.OPTIMIZERS, labels=registry.labels(registry.OPTIMIZERS, sc.OPTIMIZERS))
for name, key in sc.RATE_KEYS.items():
    panel.log_slider(f"η, {sc.SURFACE_LABELS[name].split(' (')[0].lower()}", key, sc.RATE_LOW, sc.RATE_HIGH,
                     per_decade=sc.RATE_PER_DECADE, disabled=surface != name,
                     help="Each surface keeps its own rate: their slopes differ a lot.")
panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=100)
panel.select("Gradient noise σ", "noise", sc.NOISES,
             help="Random noise added to every gradient, fading to 0 at the halfway step.")
panel.slider("Seed", "seed", 0, 20, help="The start points and the noise.")
panel.box.markdown("**Saddle and plateau**")
trap = panel.select("Trap", "trap", sc.TRAPS, labels=sc.TRAP_LABELS, aliases=sc.TRAP_ALIASES)
panel.select("Start on the saddle", "offset", sc.OFFSETS, labels=sc.OFFSET_LABELS, disabled=trap != "saddle",
             help="How far off the ridge (y = 0) the runs start.")
panel.log_slider("η (all four runs)", "trap_lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE)
panel.slider("Steps ", "trap_steps", *sc.TRAP_STEPS_RANGE, step=50)
panel.select("Noise σ of the noisy run", "trap_noise", sc.TRAP_NOISES)
panel.box.markdown("**The network**")
panel.select("Hidden units", "hidden", sc.HIDDEN, help="A 2-H-1 network with tanh units.")
panel.slider("Networks", "nets", *sc.NETS_RANGE, step=5, help="Random starts, trained together.")
panel.slider("Seed of the starts", "net_seed", 0, 20)
panel.preset_button("Noise lifts runs out of the shallow well", sc.NOISY_RESTARTS, key="preset-noise",
                    help="The double well with σ = 30.")
panel.preset_button("Exactly on the saddle's ridge", sc.ON_THE_RIDGE, key="preset-ridge",
                    help="Only the noisy run can leave.")
panel.preset_button("The plateau", sc.THE_PLATEAU, key="preset-plateau", help="Tiny gradients far from the well.")
panel.preset_button("A network too narrow", sc.NARROW_NETWORK, key="preset-narrow",
                    help="3 hidden units: most starts end in a poor minimum.")
panel.reset_button()
pin = pinning.controls(panel)

res = layout.compute("the restarts", sc.restarts, panel.values)
sweep = layout.compute("the rate sweep", sc.sweep, panel.values)
tr = layout.compute("the saddle and plateau runs", sc.traps, panel.values)
net = layout.compute("the networks", sc.network, panel.values)
was = pin and (layout.compute("the pinned restarts", sc.restarts, pin.values),
               layout.compute("the pinned runs", sc.traps, pin.values),
               layout.compute("the pinned networks", sc.network, pin.values))

layout.metric_row(sc.headlines(res, tr, net), pinned=was and sc.headlines(*was))

st.subheader("Where do random starts end?")
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.restart_chart(res), res.points if res.dim == 1 else res.paths, name="restarts",
                 width="stretch" if res.dim == 1 else "content",
                 caption="Each start, coloured by where its run settles." if res.dim == 1 else
                 "Each run's path on the surface's height above its lowest point (grey bands a quarter of a decade "
                 "apart, the scale giving each band's lower edge), coloured by where it settles.")
    layout.chart(charts.sweep_chart(sweep, res.rate), sweep.frame, name="rate sweep",
                 caption=("The same starts" if sweep.runs == len(res.starts) else f"The first {sweep.runs} of the starts")
                         + " at every other rate of the η slider, without noise; dashed: this η"
                         + ("; dotted: the largest rate at which gradient descent can settle in each minimum."
                            if res.optimizer == "sgd" else "."))
with right:
    layout.table(sc.restart_table(res), "Where the restarts end")
    st.markdown(sc.best_of(res))

st.subheader("Stuck where the gradient vanishes")
left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.trap_contour_chart(tr), tr.paths, name="trap paths", width="content",
                 caption="The four runs from one start, on the height above the minimum (grey bands a quarter of "
                         "a decade apart; the scale gives each band's lower edge).")
with right:
    layout.chart(charts.trap_loss_chart(tr, pinned=was and was[1] or None), tr.curves, name="trap loss curves",
                 caption="Height above the minimum per step, log scale; dashed: half the trap's height, below "
                         "which a run has left the trap."
                         + (pinning.IN_GREY if pin else ""))

st.subheader("A small network from many starts")
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.network_chart(net), net.dots, name="network final losses",
                 caption=f"Each dot a network trained from its own random start by Adam (η = {sc.NET_RATE:g}, "
                         f"{sc.NET_STEPS} steps) on {sc.MOONS['n']} points of two noisy half-moons.")
with right:
    layout.chart(charts.landscape_chart(net), net.landscape, name="network loss landscape", width="content",
                 caption="The loss around the best network's weights along two random directions, each scaled to "
                         "the size of every unit's own weights.")

layout.notice(sc.notes(res, tr, net, calm=sc.quiet(panel.values) if res.sigma > 0 else None))
layout.downloads()
layout.math(sc.math_blocks(res, tr))
