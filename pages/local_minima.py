"""Can training get stuck? Restarts on two minima, a saddle, a plateau, and a tiny network's many minima."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry, words
from dashboard.charts import local_minima as charts
from dashboard.controls import Panel
from dashboard.scenarios import local_minima as sc
from dashboard.shared import local_minima as says

TEXT = words.of("local_minima")
layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**Random restarts**")
surface = panel.select("Surface", "surface", sc.SURFACES, labels=sc.SURFACE_LABELS)
panel.slider("Restarts", "restarts", *sc.RESTARTS_RANGE, step=10, help=TEXT("help.restarts"))
panel.select("Optimizer", "optimizer", sc.OPTIMIZERS, labels=registry.labels(registry.OPTIMIZERS, sc.OPTIMIZERS))
for name, key in sc.RATE_KEYS.items():
    panel.log_slider(f"η, {sc.SURFACE_LABELS[name].split(' (')[0].lower()}", key, sc.RATE_LOW, sc.RATE_HIGH,
                     per_decade=sc.RATE_PER_DECADE, disabled=surface != name,
                     help=TEXT("help.lr"))
panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=100)
panel.select("Gradient noise σ", "noise", sc.NOISES,
             help=TEXT("help.noise"))
panel.slider("Seed", "seed", 0, 20, help=TEXT("help.seed"))
panel.box.markdown("**Saddle and plateau**")
trap = panel.select("Trap", "trap", sc.TRAPS, labels=sc.TRAP_LABELS, aliases=sc.TRAP_ALIASES)
panel.select("Start on the saddle", "offset", sc.OFFSETS, labels=sc.OFFSET_LABELS, disabled=trap != "saddle",
             help=TEXT("help.offset"))
panel.log_slider("η (all four runs)", "trap_lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE)
panel.slider("Steps ", "trap_steps", *sc.TRAP_STEPS_RANGE, step=50)
panel.select("Noise σ of the noisy run", "trap_noise", sc.TRAP_NOISES)
panel.box.markdown("**The network**")
panel.select("Hidden units", "hidden", sc.HIDDEN, help=TEXT("help.hidden"))
panel.slider("Networks", "nets", *sc.NETS_RANGE, step=5, help=TEXT("help.nets"))
panel.slider("Seed of the starts", "net_seed", 0, 20)
panel.presets_and_reset(TEXT, {
    "preset-noise": sc.NOISY_RESTARTS,
    "preset-ridge": sc.ON_THE_RIDGE,
    "preset-plateau": sc.THE_PLATEAU,
    "preset-narrow": sc.NARROW_NETWORK,
})
pin = pinning.controls(panel)

res = layout.compute("the restarts", sc.restarts, panel.values)
sweep = layout.compute("the rate sweep", sc.sweep, panel.values)
tr = layout.compute("the saddle and plateau runs", sc.traps, panel.values)
net = layout.compute("the networks", sc.network, panel.values)
was = pin and (layout.compute("the pinned restarts", sc.restarts, pin.values),
               layout.compute("the pinned runs", sc.traps, pin.values),
               layout.compute("the pinned networks", sc.network, pin.values))

layout.metric_row(says.headlines(res, tr, net), pinned=was and says.headlines(*was))

st.subheader("Where do random starts end?")
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.restart_chart(res), res.points if res.dim == 1 else res.paths, name="restarts",
                 width="stretch" if res.dim == 1 else "content",
                 caption=TEXT("caption.restarts-1d") if res.dim == 1 else TEXT("caption.restarts-2d"))
    if sweep.runs == len(res.starts):  # dotted settling rates: gradient descent's only
        said = TEXT("caption.sweep-sgd") if res.optimizer == "sgd" else TEXT("caption.sweep")
    else:
        said = (TEXT("caption.sweep-first-sgd", runs=sweep.runs) if res.optimizer == "sgd"
                else TEXT("caption.sweep-first", runs=sweep.runs))
    layout.chart(charts.sweep_chart(sweep, res.rate), sweep.frame, name="rate sweep", caption=said)
with right:
    layout.table(says.restart_table(res), "Where the restarts end")
    st.markdown(says.best_of(res))

st.subheader("Stuck where the gradient vanishes")
left, right = st.columns([5, 6], gap="medium")
with left:
    layout.chart(charts.trap_contour_chart(tr), tr.paths, name="trap paths", width="content",
                 caption=TEXT("caption.trap-paths"))
with right:
    layout.chart(charts.trap_loss_chart(tr, pinned=was and was[1] or None), tr.curves, name="trap loss curves",
                 caption=TEXT("caption.trap-curves") + (pinning.IN_GREY if pin else ""))

st.subheader("A small network from many starts")
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.network_chart(net), net.dots, name="network final losses",
                 caption=TEXT("caption.network", rate=sc.NET_RATE, steps=sc.NET_STEPS, points=sc.MOONS["n"]))
with right:
    layout.chart(charts.landscape_chart(net), net.landscape, name="network loss landscape", width="content",
                 caption=TEXT("caption.landscape"))

layout.notice(says.notes(res, tr, net, calm=sc.quiet(panel.values) if res.sigma > 0 else None))
layout.downloads()
layout.math(says.math_blocks(res, tr))
