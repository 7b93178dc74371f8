"""What does one outlier do to MSE and MAE? Three fits of one line, with and without outliers."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, upload
from dashboard.charts import mse_vs_mae as charts
from dashboard.controls import Panel
from dashboard.scenarios import mse_vs_mae as sc

SOURCE_LABELS = {"synthetic": "Noisy line", "lagos": "Lagos houses"}  # the link shows these

layout.header(
    "What does one outlier do to MSE and MAE?",
    "Squared error charges a point by the square of its miss, absolute error by the miss itself. "
    "Push a few points away from an otherwise tidy line and compare how far each loss lets them "
    "drag the fitted line, and how much of the total loss they end up owning. The Lagos houses preset "
    "scores a given model on the lesson's three houses instead: no line is fitted there.",
)

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
source = panel.select("Data", "data", sc.SOURCES, labels=SOURCE_LABELS, radio=True, horizontal=False,
                      disabled=upload.loaded(), help="While a file of your own is loaded, it is the data.")
mine = sc.fitted_points(upload.choose(panel.box))  # the learner's own points, in this session only
lagos = source == "lagos" or mine is not None
panel.slider("Number of outliers", "outliers", 0, 10, disabled=lagos,
             help="How many of the 30 points (those with the largest x) are pushed off the line.")
panel.slider("How far the outliers sit", "shift", *sc.SHIFTS, step=1, disabled=lagos,
             help="Added to each outlier's y; the noise around the line has standard deviation 1.")
panel.log_slider("Huber δ", "delta", 0.1, 100.0,
                 help="Errors smaller than δ are squared (like MSE), larger ones count linearly (like MAE).")
panel.number("Seed", "seed", 0, 9999, step=1, disabled=lagos, help="Draws another noisy line.")
if lagos:
    panel.box.caption(f"{'Your file' if mine else 'The Lagos houses'} {'is' if mine else 'are'} fixed data: outliers, "
                      "distance and seed apply to the noisy line.")
panel.box.markdown("**Presets**")
# Each preset is a whole scenario: what it does not name goes back to its default.
panel.preset_button("Lagos houses", {**sc.DEFAULTS, "data": "lagos"}, key="preset-lagos",
                    help="The lesson's three houses: prices 42, 35, 50 and predictions 45, 30, 60 (million naira).")
panel.preset_button("One far outlier", {**sc.DEFAULTS, "outliers": 1, "shift": 40}, key="preset-far",
                    help="A single point 40 units above the line.")
panel.preset_button("No outliers", {**sc.DEFAULTS, "outliers": 0}, key="preset-none")
panel.reset_button()

pin = pinning.controls(panel)



def outcome(values):
    if mine is None:
        return sc.outcome(values)
    return upload.remembered(mine, "fits", sc.compute_upload, float(values["delta"]))


out = layout.compute("the three fits", outcome, panel.values)
was = pin and layout.compute("the pinned scenario", outcome, pin.values)
drawn = sc.shown(out)

is_lagos = out.source == "lagos"
x_title, y_title = (mine.x_name, mine.y_name) if mine else ("x (input)", "y (target)")
if mine:
    st.caption(upload.caption(mine, drawn.note))
layout.metric_row(sc.headlines(out), pinned=was and sc.headlines(was))
if not is_lagos:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("The three fitted lines")
        # A pinned Lagos scenario has no fitted lines to draw.
        pinned_lines = was.lines if was and was.source != "lagos" else None
        layout.chart(charts.fits_scatter(drawn.points, out.lines, x_title=x_title, y_title=y_title,
                                         marked=out.marked_one, pinned=pinned_lines),
                     out.points, name="fitted lines", title="The three fitted lines",
                     caption=f"Dotted grey: the clean-points line ({out.reference_label.lower()}), whose errors "
                             "the bars below score; each point's thin vertical segment is its error. Huber is "
                             "dashed, so a line it covers still shows."
                             + (pinning.IN_GREY if pinned_lines is not None else ""))
    with right:
        st.subheader("How far did each fit move?")
        layout.chart(charts.slope_moves(out.fits), out.fits, name="slope moves", title="How far did each fit move?",
                     caption="Each fit on all points minus the same fit on the clean points only.")
    layout.table(sc.fits_table(out), "The three fits")
    if out.source == "synthetic" and out.n_outliers:  # only the noisy line's outliers can be pushed
        st.subheader("Slope against how far the outliers sit")
        curves = layout.compute("the slopes against the distance", sc.cached_slope_curves, out.n_outliers,
                                out.delta, int(panel.values["seed"]))
        layout.chart(charts.slope_shift(curves, shift=out.shift), curves, name="slope against shift",
                     title="Slope against how far the outliers sit",
                     caption=f"Each fit's slope on all points with the marked points pushed from {sc.SHIFTS[0]} to "
                             f"+{sc.SHIFTS[1]}, every whole step of the slider. The dark rule marks the slider's "
                             "distance; its dots are the table's \"Slope, all points\".")

st.subheader("Who carries the loss?")
layout.chart(charts.contribution_bars(drawn.contributions, point_title="House" if is_lagos else "Point (in x order)"),
             out.contributions, name="per-point contributions", title="Who carries the loss?",
             caption=sc.bars_caption(out))

st.subheader("Loss against error: squared, absolute and Huber")
penalty, pull = st.columns(2, gap="large")
with penalty:
    layout.chart(charts.loss_shape(out.shapes, drawn.marks, delta=out.delta, part="loss"), out.shapes,
                 name="loss shapes", title="Penalty for one point: squared, absolute and Huber")
with pull:
    layout.chart(charts.loss_shape(out.shapes, drawn.marks, delta=out.delta, part="pull"), out.shapes,
                 name="loss pulls", title="Pull on the prediction (derivative): squared, absolute and Huber")
st.caption(sc.shapes_caption(out))

layout.confusion(sc.SQUARING_CONFUSION)
layout.notice(sc.notes(out))
layout.downloads()
layout.math(sc.math_blocks(out))
