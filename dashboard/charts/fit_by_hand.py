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
from dashboard.charts.common import PINNED_DATA, PREVIEW_SIZE, built_once, color_scale, layer, pinned_layers, render

X_DOMAIN, Y_DOMAIN = (0.0, 8.0), (-1.0, 11.0)
UNIT_PX = 36  # pixels per unit on both axes: 288 x 432, which fits a phone
YOURS, BEST = "your line", "the best line"


def _fit_template(squares: bool, reveal: bool, pinned: bool, stretch: float = 1.0) -> alt.LayerChart:
    """``stretch``: x units per y unit of one screen length, when the plot is drawn at another size
    than its own (the start page's figure): a square's width is then its side times this, so it
    still looks square."""
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
        # Each square grows towards the middle of the plot, so none runs off its edge.
        middle = (X_DOMAIN[0] + X_DOMAIN[1]) / 2
        box = alt.Chart(alt.NamedData("points")).transform_calculate(
            right=f"datum.x <= {middle} ? datum.x + {stretch!r} * abs(datum.error) "
                  f": datum.x - {stretch!r} * abs(datum.error)").mark_rect(
            color=palette.VERMILLION, opacity=0.18, stroke=palette.VERMILLION, strokeWidth=1, clip=True).encode(
            x=x, x2=alt.X2(field="right"), y=alt.Y(field="pred", type="quantitative", scale=y_scale),
            y2=alt.Y2(field="y"), tooltip=tip)
        layers.insert(0, box)
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
    return render(_fit_template, frames, squares=bool(squares), reveal=bool(reveal), pinned=pinned is not None,
                  stretch=float(stretch))


def surface_chart(fit, reveal: bool, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """The total loss over (slope, intercept): the learner's point, and the best one when revealed."""
    # Your line is a blue dot (its legend entry, drawn on top), the best line a black cross with its label:
    # two crosses, one unlabelled in the legend, could not be told apart where they meet.
    marks = [("optimum", fit.best[0], fit.best[1], "the best line")] if reveal else []
    series = {"yours": (YOURS, palette.BLUE)}
    what = "total squared error" if fit.loss == "mse" else "total absolute error"
    here = pd.DataFrame({"series": ["yours"], "label": [YOURS], "step": [0], "x": [fit.slope], "y": [fit.intercept],
                         "value": [fit.total]})  # a one-point path: the legend's dot is on the chart too
    dot = pd.DataFrame({"label": [YOURS], "x": [fit.slope], "y": [fit.intercept], "step": [0]})
    return run_charts.contour_chart(fit.bands, fit.cell, fit.window, here, None, series, marks,
                                    titles=("slope", "intercept", what), size=size, now=dot)


def preview() -> dict:
    """The start page's figure: the lesson's start with its squares drawn."""
    from dashboard.scenarios import fit_by_hand as sc

    return fit_chart(sc.fit_of(sc.DEFAULTS), True, False, size=PREVIEW_SIZE)
