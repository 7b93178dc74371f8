"""Charts of "Can you beat least squares by hand?" (pure Altair, no streamlit).

- :func:`fit_chart`: the points, the learner's line, each residual dashed and, on request,
  each squared error drawn as a real square on its residual (one scale on both axes, so a
  square looks square), and the best line once revealed;
- :func:`surface_chart`: the total loss over (slope, intercept), the learner's line as a
  point on it, and the best one once revealed (the shared contour chart).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import (
    PINNED_DATA,
    built_once,
    color_scale,
    haloed_text,
    layer,
    pinned_layers,
    render,
)
from dashboard.shared import fit_by_hand as window

X_DOMAIN, Y_DOMAIN = window.PLOT_X, window.PLOT_Y
SQUARE_FILL = 0.45  # vermillion at 45% on white is #ECB78C, 1.8:1 against white: it stays visible on a projector
PINNED_LABEL = "your pinned line"
UNIT_PX = 36  # pixels per unit on both axes: 288 x 432, which fits a phone
YOURS, BEST = "your line", "the best line"


def _fit_template(squares: bool, reveal: bool, pinned: bool, off: bool = False) -> alt.LayerChart:
    """``squares``: the dataset "squares" (:func:`dashboard.shared.fit_by_hand.squares`), each drawn from
    left to right and low to high, biggest first, a cut one with a dashed edge; ``off``: the dataset "off",
    one note saying the line runs outside the plot."""
    x_scale = alt.Scale(domain=list(X_DOMAIN), nice=False)
    y_scale = alt.Scale(domain=list(Y_DOMAIN), nice=False)
    x = alt.X(field="x", type="quantitative", scale=x_scale, title="x")
    y = alt.Y(field="y", type="quantitative", scale=y_scale, title="y")
    lines_colours = {YOURS: palette.BLUE, BEST: palette.GREEN} if reveal else {YOURS: palette.BLUE}
    key = run_charts.legend(None, columns=2)  # one legend for the colour and the dashes
    lines = alt.Chart(alt.NamedData("lines")).mark_line(strokeWidth=2.5, clip=True).encode(
        x=x, y=y, color=alt.Color(field="line", type="nominal", scale=color_scale(lines_colours), legend=key),
        strokeDash=alt.StrokeDash(field="line", type="nominal", legend=key,
                                  scale=alt.Scale(domain=list(lines_colours), range=[[1, 0], [7, 4]][:len(lines_colours)])))
    residuals = alt.Chart(alt.NamedData("points")).mark_rule(strokeDash=[4, 3], color=palette.VERMILLION,
                                                             strokeWidth=1.8, clip=True).encode(
        x=x, y=alt.Y(field="pred", type="quantitative", scale=y_scale), y2=alt.Y2(field="y"))
    tip = [alt.Tooltip(field="x", type="quantitative", format=".3g"),
           alt.Tooltip(field="y", type="quantitative", format=".3g"),
           alt.Tooltip(field="pred", type="quantitative", format=".4g", title="your line"),
           alt.Tooltip(field="error", type="quantitative", format="+.4g", title="error ŷ − y"),
           alt.Tooltip(field="loss", type="quantitative", format=".4g", title="its loss")]
    dots = alt.Chart(alt.NamedData("points")).mark_circle(size=90, opacity=1, color=palette.BLACK).encode(
        x=x, y=y, tooltip=tip)
    layers = [lines, residuals, dots]
    if pinned:
        layers[:0] = pinned_layers(x, y, what="pinned line", clip=True, named=False)
    if squares:
        # Placed by the scenario (each on the side where it is least cut and covers the others least),
        # biggest first, so a small square lies on top of a big one. The outline is solid and the fill
        # translucent: where two squares overlap, both edges and a darker patch show.
        squares_ = alt.Chart(alt.NamedData("squares"))
        where = dict(x=alt.X(field="left", type="quantitative", scale=x_scale), x2=alt.X2(field="right"),
                     y=alt.Y(field="low", type="quantitative", scale=y_scale), y2=alt.Y2(field="high"), tooltip=tip)
        whole = squares_.transform_filter("!datum.cut").mark_rect(
            fill=palette.VERMILLION, fillOpacity=SQUARE_FILL, stroke=palette.VERMILLION, strokeWidth=1.5,
            clip=True).encode(**where)
        # a cut square's visible area is not its squared error: a dashed outline, unfilled
        cut = squares_.transform_filter("datum.cut").mark_rect(
            fill=palette.VERMILLION, fillOpacity=0.0, stroke=palette.VERMILLION, strokeWidth=1.5,
            strokeDash=[6, 4], clip=True).encode(**where)
        layers[:0] = [whole, cut]
    if off:
        layers += haloed_text(alt.Chart(alt.NamedData("off")),
                              dict(x=x, y=y, text=alt.Text(field="text", type="nominal")),
                              baseline="middle", fontSize=13, fontWeight="bold", color=palette.BLUE)
    width = int((X_DOMAIN[1] - X_DOMAIN[0]) * UNIT_PX)
    height = int((Y_DOMAIN[1] - Y_DOMAIN[0]) * UNIT_PX)
    return layer(*layers, width=width, height=height, autosize=alt.AutoSizeParams(type="pad"),
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def fit_chart(fit, squares: bool, reveal: bool, pinned=None, size: tuple[int, int] | None = None) -> dict:
    """The points, the learner's line and its residuals; the squares and the best line when asked;
    ``pinned``: a pinned fit, its line wide and light grey underneath; ``size``: the (width, height)
    the plot will be drawn at instead of its own one scale on both axes (the squares stay square)."""
    xs = np.array(X_DOMAIN)
    lines = [pd.DataFrame({"line": YOURS, "x": xs, "y": fit.slope * xs + fit.intercept})]
    if reveal:
        lines.append(pd.DataFrame({"line": BEST, "x": xs, "y": fit.best[0] * xs + fit.best[1]}))
    frames = {"lines": pd.concat(lines, ignore_index=True), "points": fit.rows}
    if pinned is not None:
        frames[PINNED_DATA] = pd.DataFrame({"series": "pinned", "label": "your pinned line", "x": xs,
                                            "y": pinned.slope * xs + pinned.intercept})
    stretch = 1.0 if size is None else ((X_DOMAIN[1] - X_DOMAIN[0]) / size[0]) / ((Y_DOMAIN[1] - Y_DOMAIN[0]) / size[1])
    if squares:
        frames["squares"] = window.squares(fit, float(stretch))
    where = window.line_position(fit)
    if where != "on":
        arrow = "↓" if where == "below" else "↑"
        frames["off"] = pd.DataFrame({"x": [sum(X_DOMAIN) / 2],
                                      "y": [Y_DOMAIN[0] + 0.5 if where == "below" else Y_DOMAIN[1] - 0.5],
                                      "text": [f"{arrow} your line runs {where} the plot {arrow}"]})
    return render(_fit_template, frames, squares=bool(squares), reveal=bool(reveal), pinned=pinned is not None,
                  off=where != "on")


def surface_chart(fit, reveal: bool, size: int = run_charts.CONTOUR_SIZE, pinned=None) -> dict:
    """The total loss over (slope, intercept): the learner's point, and the best one when revealed;
    ``pinned``: a pinned fit, its line a grey dot under the learner's (at its total for this surface's
    loss, whichever loss it was pinned with)."""
    # Your line is a blue dot (its legend entry, drawn on top), the best line a black cross with its label:
    # two crosses, one unlabelled in the legend, could not be told apart where they meet.
    marks = [("optimum", fit.best[0], fit.best[1], "the best line")] if reveal else []
    series = {"yours": (YOURS, palette.BLUE)}
    what = "total squared error" if fit.loss == "mse" else "total absolute error"
    here = pd.DataFrame({"series": ["yours"], "label": [YOURS], "step": [0], "x": [fit.slope], "y": [fit.intercept],
                         "value": [fit.total]})  # a one-point path: the legend's dot is on the chart too
    dot = pd.DataFrame({"label": [YOURS], "x": [fit.slope], "y": [fit.intercept], "step": [0]})
    if pinned is not None:  # first, so your own dot is drawn over it where they meet
        series["pinned"] = (PINNED_LABEL, palette.PINNED)
        there = pd.DataFrame({"series": ["pinned"], "label": [PINNED_LABEL], "step": [0], "x": [pinned.slope],
                              "y": [pinned.intercept], "value": [window.total_at(fit, pinned.slope, pinned.intercept)]})
        here = pd.concat([there, here], ignore_index=True)
        dot = pd.concat([there[dot.columns], dot], ignore_index=True)
    return run_charts.contour_chart(fit.bands, fit.cell, fit.window, here, None, series, marks,
                                    titles=("slope", "intercept", what), size=size, now=dot)
