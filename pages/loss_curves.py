"""What is your loss curve telling you? Training and validation loss per epoch, read by stated rules."""

from __future__ import annotations

import random

import streamlit as st

from dashboard import layout, pinning, words
from dashboard.charts import loss_curves as charts
from dashboard.controls import Panel
from dashboard.scenarios import loss_curves as sc

TEXT = words.of("loss_curves")

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**The model and its data**")
panel.slider("Polynomial degree (capacity)", "degree", *sc.DEGREE_RANGE, help=TEXT("help.degree"))
panel.slider("Training points", "n", *sc.N_RANGE, help=TEXT("help.n"))
panel.slider("Noise σ", "noise", 0.0, 1.0, step=0.05, help=TEXT("help.noise"))
panel.box.markdown("**Training**")
panel.log_slider("Learning rate η", "lr", sc.RATE_LOW, sc.RATE_HIGH, per_decade=sc.RATE_PER_DECADE)
panel.select("Batch size", "batch", sc.BATCHES, labels=sc.BATCH_LABELS, help=TEXT("help.batch"))
panel.slider("Epochs", "epochs", *sc.EPOCHS_RANGE, step=10)
penalty = panel.toggle("L2 penalty λ‖w‖²", "l2", help=TEXT("help.l2"))
panel.log_slider("Penalty strength λ", "lam", sc.LAM_LOW, sc.LAM_HIGH, per_decade=sc.LAM_PER_DECADE,
                 disabled=not penalty)
panel.number("Seed", "seed", 0, 999, step=1, help=TEXT("help.seed"))
quiz = panel.toggle("Quiz me: hide the verdict until I pick one", "quiz")
if quiz:  # buttons named by their answers would give the question away: deal one instead
    panel.preset_button("Deal a mystery run", sc.mystery_run(random.Random()), key="preset-mystery",
                        help=TEXT("help.preset-mystery"))
else:
    for kind, values in sc.PRESETS.items():
        panel.preset_button(sc.NAMES[kind], values, key=f"preset-{kind.replace(' ', '-')}",
                            help=TEXT("help.preset", kind=kind))
panel.reset_button()
pin = pinning.controls(panel)

res, was = layout.compute_pair("the training run", sc.result_of, panel.values, pin)

guess = None
if panel.values["quiz"]:
    # Not in the link: a quiz link must not carry its answer. A new scenario starts a fresh guess.
    guess = st.radio("Which is it?", [sc.UNSURE, *sc.NAMES], format_func=lambda k: sc.NAMES.get(k, k),
                     horizontal=True, key=f"guess-{hash(tuple(sorted(panel.values.items())))}")
shown = sc.verdict_shown(panel.values, guess)
layout.metric_row(sc.headlines(res, shown), pinned=was and sc.headlines(was, shown))
if shown:
    if guess is not None:
        st.markdown(sc.quiz_feedback(res, guess))
    st.info(sc.verdict_text(res), icon=":material/stethoscope:")

left, right = st.columns(2, gap="medium")
with left:
    layout.chart(charts.curves_chart(res, pinned=was or None, verdict_shown=shown), res.curves, name="loss curves",
                 caption=TEXT("caption.curves") + charts.levels_caption(res, shown)
                         + (" " + TEXT("caption.pinned") if pin else ""))
with right:
    layout.chart(charts.fit_chart(res), res.fits, name="fitted curves",
                 caption=TEXT("caption.fit"))

st.subheader("How the verdict is read")
st.markdown(sc.rules_markdown())
box = layout.opened("The weights early stopping keeps", "loss-curves-weights")
if box is not None:
    layout.table(sc.weights_table(res), "The weights at the end and at the best epoch", box)

layout.notice(sc.notes(res, shown))
layout.downloads()
layout.math(sc.math_blocks())
