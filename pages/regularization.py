"""How strong should the penalty be? A penalized polynomial fit, its U-curve and its zeros."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, upload, words
from dashboard.charts import regularization as charts
from dashboard.controls import Panel
from dashboard.scenarios import regularization as sc
from dashboard.shared import regularization as says

TEXT = words.of("regularization")
LAM_RANGE = (sc.LAM_LOW, sc.LAM_HIGH)

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**Data**")
mine = upload.choose(panel.box, label="Your own data (CSV), instead of the built-in curve")  # this session only
panel.slider("Polynomial degree", "degree", 1, 15, help=TEXT("help.degree"))
panel.slider("Training points", "n", 10, 100,
             help=TEXT("help.n", validation=says.N_VALIDATION, upload=says.UPLOAD_VALIDATION))
panel.slider("Noise (standard deviation)", "noise", 0.0, 1.0, step=0.05, disabled=mine is not None,
             help=TEXT("help.noise"))
panel.number("Seed", "seed", 0, 9999, step=1, help=TEXT("help.seed"))
panel.box.markdown("**Penalty**")
penalty = panel.select("Penalty", "penalty", says.PENALTIES, labels=sc.LABELS, radio=True)
panel.log_slider("Penalty strength λ", "lam", sc.LAM_LOW, sc.LAM_HIGH, per_decade=sc.PER_DECADE)
ratio = panel.slider("L1 ratio α (elastic net)", "ratio", 0.0, 1.0, step=0.05, disabled=penalty != "elastic_net",
                     help=TEXT("help.ratio"))
lam2 = panel.log_slider("λ of the two-weight picture (moves only that picture)", "lam2", sc.PICTURE_LAM_LOW,
                        sc.PICTURE_LAM_HIGH, help=TEXT("help.lam2"))
panel.reset_button()  # before the compute, so it stays if a fit fails
pin = pinning.controls(panel)


def outcome(values):
    if mine is None:
        return sc.outcome(values)
    return upload.remembered(mine, "fits", sc.upload_outcome, *(values[k] for k in (
        "degree", "n", "seed", "penalty", "ratio", "lam")))


(sweep, fit), was = layout.compute_pair("the penalized fits", outcome, panel.values, pin)
if mine:
    st.caption(upload.caption(mine, TEXT("data.upload", train=fit.points.set.eq("Training").sum(),
                                         val=fit.points.set.eq("Validation").sum())))
pic = layout.compute("the two-weight picture", sc.picture, lam2, ratio)
panel.preset_button(f"Use the best λ ({sweep.best_lam:g})", {"lam": sweep.best_lam}, key="best-lam",
                    help=TEXT("help.best-lam"))

layout.metric_row(says.headlines(sweep, fit), pinned=was and says.headlines(*was))

left, right = st.columns(2, gap="large")
with left:
    st.subheader("The fitted curve")
    layout.chart(charts.fit_chart(fit.points, fit.lines, penalty=penalty, pinned=was and was[1].lines),
                 fit.table, name="fitted curve", title="The fitted curve",
                 caption=TEXT("caption.fit") + (pinning.IN_GREY.replace("lines", "curve") if pin else ""))
with right:
    st.subheader("Error against λ: the U-curve")
    layout.chart(charts.error_chart(sweep.errors, chosen=fit.lam, best=sweep.best_lam, noise=sweep.noise,
                                    lam_range=LAM_RANGE),
                 sweep.errors, name="error against lambda", title="Error against λ: the U-curve",
                 caption=TEXT("caption.errors-noise", fits=sweep.lambdas.size) if sweep.noise > 0
                 else TEXT("caption.errors", fits=sweep.lambdas.size))

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Coefficient paths")
    layout.chart(charts.path_chart(sweep.paths, chosen=fit.lam, penalty=penalty, lam_range=LAM_RANGE,
                                   largest=fit.largest),
                 sweep.paths, name="coefficient paths", title="Coefficient paths",
                 caption=says.paths_caption(sweep))
with right:
    st.subheader("Why L1 lands on an axis")
    layout.chart(charts.picture_chart(pic.curves, pic.points, half_width=pic.half_width, selected=penalty),
                 pic.points, name="two-weight picture", width="content", title="Why L1 lands on an axis",
                 caption=TEXT("caption.picture", correlation=sc.PICTURE_CORRELATION))

layout.notice(says.notes(sweep, fit, pic))
layout.downloads()
layout.math(says.math_blocks())
