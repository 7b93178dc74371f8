"""What does one outlier do to MSE and MAE? Three fits of one line, with and without outliers."""

from __future__ import annotations

import streamlit as st

from dashboard import layout, pinning, upload, words
from dashboard.charts import mse_vs_mae as charts
from dashboard.controls import Panel
from dashboard.formatting import fmt
from dashboard.scenarios import mse_vs_mae as sc
from dashboard.shared import mse_vs_mae as says

TEXT = words.of("mse_vs_mae")
SOURCE_LABELS = {"synthetic": "Noisy line", "lagos": "Lagos houses"}  # the link shows these

layout.header(TEXT("title"), TEXT("intro"))

panel = Panel(sc.DEFAULTS, bind="query-params")  # every control is in the link
source = panel.select("Data", "data", sc.SOURCES, labels=SOURCE_LABELS, radio=True, horizontal=False,
                      disabled=upload.loaded(), help=TEXT("help.data"))
mine = sc.fitted_points(upload.choose(panel.box))  # the learner's own points, in this session only
lagos = source == "lagos" or mine is not None
panel.slider("Number of outliers", "outliers", 0, 10, disabled=lagos, help=TEXT("help.outliers", n=says.N_POINTS))
panel.slider("How far the outliers sit", "shift", *sc.SHIFTS, step=1, disabled=lagos,
             help=TEXT("help.shift", noise=fmt(says.NOISE)))
panel.log_slider("Huber δ", "delta", 0.1, 100.0, help=TEXT("help.delta"))
panel.number("Seed", "seed", 0, 9999, step=1, disabled=lagos, help=TEXT("help.seed"))
if lagos:
    panel.box.caption(TEXT("fixed.file") if mine else TEXT("fixed.lagos"))
panel.box.markdown("**Presets**")
# Each preset is a whole scenario: what it does not name goes back to its default.
panel.presets_and_reset(TEXT, {
    "preset-lagos": {**sc.DEFAULTS, "data": "lagos"},
    "preset-far": {**sc.DEFAULTS, "outliers": 1, "shift": 40},
    "preset-none": {**sc.DEFAULTS, "outliers": 0},
})
pin = pinning.controls(panel)


def outcome(values):
    if mine is None:
        return sc.outcome(values)
    return upload.remembered(mine, "fits", sc.compute_upload, float(values["delta"]))


out, was = layout.compute_pair("the three fits", outcome, panel.values, pin)
drawn = sc.shown(out)

is_lagos = out.source == "lagos"
x_title, y_title = (mine.x_name, mine.y_name) if mine else ("x (input)", "y (target)")
if mine:
    st.caption(upload.caption(mine, drawn.note))
layout.metric_row(says.headlines(out), pinned=was and says.headlines(was))
if not is_lagos:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(TEXT("heading.fits"))
        # A pinned Lagos scenario has no fitted lines to draw.
        pinned_lines = was.lines if was and was.source != "lagos" else None
        layout.chart(charts.fits_scatter(drawn.points, out.lines, x_title=x_title, y_title=y_title,
                                         marked=out.marked_one, pinned=pinned_lines),
                     out.points, name="fitted lines", title=TEXT("heading.fits"),
                     caption=TEXT("caption.fits", reference=out.reference_label.lower())
                     + (pinning.IN_GREY if pinned_lines is not None else ""))
    with right:
        st.subheader(TEXT("heading.moves"))
        layout.chart(charts.slope_moves(out.fits), out.fits, name="slope moves", title=TEXT("heading.moves"),
                     caption=TEXT("caption.moves"))
    layout.table(says.fits_table(out), "The three fits")
    if out.source == "synthetic" and out.n_outliers:  # only the noisy line's outliers can be pushed
        st.subheader(TEXT("heading.shift"))
        curves = layout.compute("the slopes against the distance", sc.cached_slope_curves, out.n_outliers,
                                out.delta, int(panel.values["seed"]))
        layout.chart(charts.slope_shift(curves, shift=out.shift), curves, name="slope against shift",
                     title=TEXT("heading.shift"), caption=TEXT("caption.shift", low=sc.SHIFTS[0], high=sc.SHIFTS[1]))

st.subheader(TEXT("heading.bars"))
layout.chart(charts.contribution_bars(drawn.contributions, point_title="House" if is_lagos else "Point (in x order)"),
             out.contributions, name="per-point contributions", title=TEXT("heading.bars"),
             caption=says.bars_caption(out))

st.subheader(TEXT("heading.shapes"))
penalty, pull = st.columns(2, gap="large")
with penalty:
    layout.chart(charts.loss_shape(out.shapes, drawn.marks, delta=out.delta, part="loss"), out.shapes,
                 name="loss shapes", title=TEXT("title.loss"))
with pull:
    layout.chart(charts.loss_shape(out.shapes, drawn.marks, delta=out.delta, part="pull"), out.shapes,
                 name="loss pulls", title=TEXT("title.pull"))
st.caption(says.shapes_caption(out))

layout.confusion(TEXT("confusion.squaring"))
layout.notice(says.notes(out))
layout.downloads()
layout.math(says.math_blocks(out))
