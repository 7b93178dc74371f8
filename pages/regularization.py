"""How strong should the penalty be? A penalized polynomial fit, its U-curve and its zeros."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, registry, upload
from dashboard.charts import regularization as charts
from dashboard.controls import Panel
from dashboard.scenarios import regularization as sc
from dashboard.shared.regularization import N_VALIDATION

LAM_RANGE = (sc.LAM_LOW, sc.LAM_HIGH)

layout.header(
    "How strong should the penalty be?",
    "A polynomial of high degree has enough freedom to thread every noisy training point. A penalty on the "
    "size of its coefficients takes some of that freedom back; turn λ up and watch the validation error "
    "fall and rise again, and see which coefficients L1 switches off completely.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
panel.box.markdown("**Data**")
mine = upload.choose(panel.box, label="Your own data (CSV), instead of the built-in curve")  # this session only
panel.slider("Polynomial degree", "degree", 1, 15, help="Features x, x², …, x^degree, standardized.")
panel.slider("Training points", "n", 10, 100, help=f"Plus {N_VALIDATION} validation points from the same curve "
             f"(from your file: up to {sc.UPLOAD_VALIDATION:,} of its other rows).")
panel.slider("Noise (standard deviation)", "noise", 0.0, 1.0, step=0.05, disabled=mine is not None,
             help="Of the built-in curve (your file's noise is what it is).")
panel.number("Seed", "seed", 0, 9999, step=1, help="Draws other points and another train/validation split.")
panel.box.markdown("**Penalty**")
penalty = panel.select("Penalty", "penalty", sc.PENALTIES, labels=sc.LABELS, radio=True)
panel.log_slider("Penalty strength λ", "lam", sc.LAM_LOW, sc.LAM_HIGH, per_decade=sc.PER_DECADE)
ratio = panel.slider("L1 ratio α (elastic net)", "ratio", 0.0, 1.0, step=0.05, disabled=penalty != "elastic_net",
                     help="Elastic net puts α·λ on |w| and (1 − α)·λ on w². α = 1 is L1, α = 0 is L2. "
                          "Only elastic net has one.")
lam2 = panel.log_slider("λ of the two-weight picture (moves only that picture)", "lam2", sc.PICTURE_LAM_LOW,
                        sc.PICTURE_LAM_HIGH,
                        help="The picture is a separate small problem on its own scale: with L1 its second "
                             "weight is exactly 0 from λ = 1.6 on, both weights from λ = 4.6.")

panel.reset_button()  # before the compute, so it stays if a fit fails
pin = pinning.controls(panel)


def outcome(values):
    if mine is None:
        return sc.outcome(values)
    return upload.remembered(mine, "fits", sc.upload_outcome, *(values[k] for k in (
        "degree", "n", "seed", "penalty", "ratio", "lam")))


sweep, fit = layout.compute("the penalized fits", outcome, panel.values)
was = pin and layout.compute("the pinned scenario", outcome, pin.values)
if mine:
    st.caption(upload.caption(
        mine, f"{fit.points.set.eq('Training').sum():,} training and {fit.points.set.eq('Validation').sum():,} "
        "validation rows drawn with the seed; x mapped onto −1…1 and y standardized, so that λ weighs as it does "
        "for the built-in curve."))
pic = layout.compute("the two-weight picture", sc.picture, lam2, ratio)
panel.preset_button(f"Use the best λ ({sweep.best_lam:g})", {"lam": sweep.best_lam}, key="best-lam",
                    help="Move λ to where the validation error is lowest.")

layout.metric_row(sc.headlines(sweep, fit), pinned=was and sc.headlines(*was))

left, right = st.columns(2, gap="large")
with left:
    st.subheader("The fitted curve")
    layout.chart(charts.fit_chart(fit.points, fit.lines, penalty=penalty, pinned=was and was[1].lines),
                 fit.table, name="fitted curve", title="The fitted curve",
                 caption="Circles: training points (the fit sees only these). Triangles: validation points."
                         + (pinning.IN_GREY.replace("lines", "curve") if pin else ""))
with right:
    st.subheader("Error against λ: the U-curve")
    layout.chart(charts.error_chart(sweep.errors, chosen=fit.lam, best=sweep.best_lam, noise=sweep.noise,
                                    lam_range=LAM_RANGE),
                 sweep.errors, name="error against lambda", title="Error against λ: the U-curve",
                 caption=f"{sweep.lambdas.size} exact fits, one per λ. Solid: your λ; dashed: the λ with the "
                         "lowest validation error."
                         + (" Dotted grey: the noise variance, the error even the true curve makes."
                            if sweep.noise > 0 else ""))

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Coefficient paths")
    layout.chart(charts.path_chart(sweep.paths, chosen=fit.lam, penalty=penalty, lam_range=LAM_RANGE,
                                   largest=fit.largest),
                 sweep.paths, name="coefficient paths", title="Coefficient paths",
                 caption=sc.paths_caption(sweep))
with right:
    st.subheader("Why L1 lands on an axis")
    layout.chart(charts.picture_chart(pic.curves, pic.points, half_width=pic.half_width, selected=penalty),
                 pic.points, name="two-weight picture", width="content", title="Why L1 lands on an axis",
                 caption=f"A separate small problem with two correlated features (correlation "
                         f"{sc.PICTURE_CORRELATION:g}). Grey: ellipses of equal training MSE around the "
                         "least-squares weights (+). Each penalty's optimum (dot) is where the lowest ellipse it "
                         "can reach (dashed) touches its shape; the thick shape is your penalty.")

layout.notice(sc.notes(sweep, fit, pic))
layout.downloads()
layout.math([
    (("The penalized objective adds λ times a size measure R(w) of the weights to the training MSE "
     "(the intercept b is never penalized):"),
     r"J(w,b)=\frac1n\sum_{i=1}^n\left(x_i\cdot w+b-y_i\right)^2+\lambda\,R(w)"),
    ("L2 (ridge), L1 (lasso) and elastic net, which splits λ with the ratio α:",
     r",\qquad ".join(registry.PENALTIES[k].latex for k in ("l2", "l1", "elastic_net"))),
    ("L2 has a closed form (on the centered features $X_c$ and targets $y_c$), used here for every λ:",
     r"w=\left(\tfrac1n X_c^\top X_c+\lambda I\right)^{-1}\tfrac1n X_c^\top y_c,\qquad b=\bar y-\bar x\cdot w"),
    (("Why L1 gives exact zeros: for one standardized feature with least-squares weight ŵ, the L1 solution "
     "is ŵ soft-thresholded at λ/2, while L2 only divides it. Every |ŵ| ≤ λ/2 becomes exactly 0 under L1; "
     "under L2 nothing does."),
     (r"w_{L1}=\operatorname{sign}(\hat w)\,\max\!\left(|\hat w|-\tfrac{\lambda}{2},\,0\right),\qquad "
     r"w_{L2}=\frac{\hat w}{1+\lambda}")),
    (("With many features the same holds coordinate by coordinate: a weight is exactly 0 at the optimum when "
     "the pull of the data on it is weaker than the L1 penalty's slope,"),
     r"w_j=0\iff\left|\tfrac{2}{n}\,x_{\cdot j}^\top\left(y-Xw-b\right)\right|\le\lambda\alpha\quad(\alpha=1\text{ for L1})"),
    (("The L1 and elastic-net fits are exact: an active-set method solves the linear system on the non-zero "
     "weights and checks these conditions (`core.penalized`); L2 uses the normal equation. The features are "
     "the powers of x, each standardized with the training points' mean and standard deviation."), ""),
])
