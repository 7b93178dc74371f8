"""Which learning rates crawl, converge, or blow up? Gradient descent on a line fit's MSE valley."""

import streamlit as st

from dashboard import layout, pinning, registry, upload, words
from dashboard.charts import learning_rate as charts
from dashboard.controls import Panel
from dashboard.scenarios import learning_rate as sc

TEXT = words.of("learning_rate")

layout.header(TEXT("title"), TEXT("intro", size=sc.SWEEP_SIZE))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.subheader(TEXT("section.rates"))
for label, key, said in (("Too small η", "small", TEXT("help.small")), ("Good η", "good", TEXT("help.good")),
                         ("Too large η", "large", TEXT("help.large"))):
    panel.log_slider(label, key, sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE, help=said)
panel.box.subheader(TEXT("section.training"))
opt = panel.select("Optimizer", "opt", sc.OPTIMIZERS, labels=registry.labels(registry.OPTIMIZERS, sc.OPTIMIZERS),
                   radio=True)
sched = panel.select("Learning-rate schedule", "sched", sc.SCHEDULES, labels=registry.labels(registry.SCHEDULES, sc.SCHEDULES),
                     help=TEXT("help.sched"))
steps = panel.slider("Steps", "steps", *sc.STEPS_RANGE, step=10, help=TEXT("help.steps"))
center = panel.toggle("Center x (subtract its mean)", "center", help=TEXT("help.center"))
panel.box.subheader(TEXT("section.data"))
panel.box.caption(TEXT("data"))
mine = upload.choose(panel.box, label=TEXT("upload"))  # this session only
panel.presets_and_reset(TEXT, {"preset-lesson": sc.LESSON})
pin = pinning.controls(panel)


def scenario(values):
    """The valley, the three runs and the sweep of ``values``, on the built-in line or the learner's file."""
    if mine is None:
        return (sc.cached_problem(values["center"]), sc.runs_of(values),
                sc.cached_sweep(values["opt"], values["sched"], values["steps"], values["center"]))
    prob, trained = upload.remembered(mine, "training", sc.upload_training, values["opt"], values["sched"],
                                      values["steps"], values["center"])
    return prob, sc.runs_of(values, prob, trained), trained.sweep


prob, runs, sweep = layout.compute("the training runs", scenario, panel.values)
pinned = pin and layout.compute("the pinned scenario", scenario, pin.values)
was = pinned and pinned[1]
if mine:
    st.caption(upload.caption(mine, sc.upload_note(prob)))
st.markdown(sc.headline_title(prob))
layout.metric_row(sc.headlines(runs, prob, steps),
                  pinned=was and sc.headlines(was, pinned[0], pin.values["steps"]))
left, right = st.columns([6, 5], gap="medium")
with left:
    layout.chart(charts.contour_chart(runs.surface, runs.cell, runs.window, runs.paths, runs.exits, runs.labels,
                                      prob.optimum),
                 runs.paths, name="loss valley paths", width="content", caption=TEXT("caption.valley"))
with right:
    layout.chart(charts.loss_curves_chart(runs.curves, runs.diverged, runs.labels, prob.optimum_loss,
                                          prob.start_loss, steps, within=prob.within_gap, pinned=was and was.curves),
                 runs.curves, name="loss curves", caption=TEXT("caption.curves") + (pinning.IN_GREY if pin else ""))
if sched != "constant":
    shape = sc.schedule_shape(sched, steps)
    layout.chart(charts.schedule_chart(shape, sched), shape, name="learning rate schedule",
                 caption=TEXT("caption.schedule"))
layout.chart(charts.sweep_chart(sweep.table, runs.table, runs.labels, critical=prob.critical, optimizer=opt,
                                optimum=prob.optimum_loss, within=prob.within_gap,
                                momentum_bound=sc.momentum_critical(prob) if opt == "momentum" else None),
             sweep.table, name="learning rate sweep", caption=TEXT("caption.sweep", size=sc.SWEEP_SIZE, steps=steps))
if opt == "adam":
    layout.confusion(TEXT("notice.adam-confusion"))
uncentered = scenario({**panel.values, "center": False})[1] if center else None
layout.notice(sc.notice_points(prob, runs, sweep, opt, sched, steps, uncentered))
if mine is None:  # the code rebuilds the built-in points; a learner's file is not in it
    code = layout.opened(TEXT("code"), layout.CODE_KEY)
    if code is not None:
        for tab, role in zip(code.tabs([runs.labels[r].capitalize() for r in sc.ROLES]), sc.ROLES, strict=True):
            tab.code(sc.torch_code(panel.values, role), language="python")
layout.downloads()
layout.math(sc.math_blocks(prob, sched, steps))
