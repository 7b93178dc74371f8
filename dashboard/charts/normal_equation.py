"""Charts of "When can you skip the descent?" (pure Altair, no streamlit).

- :func:`contour_chart`: the descent's path on the loss over (w1, w2), b at its best, with the
  closed form marked (the shared contour chart);
- :func:`distance_chart`: the descent's distance to the closed form per step, log scale, with the
  1e-6 line (the shared loss-curve chart; a pinned scenario's run in grey);
- :func:`sweep_chart`: steps to 1e-6 against the condition number as the features grow alike,
  the page's data marked;
- :func:`cost_chart`: measured seconds of the three ways against d; :func:`count_chart`: the
  operation counts against d.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, built_once, color_scale, layer, log_axis, render
from dashboard.shared.normal_equation import METHOD_NAMES, distance_axis

METHOD_COLOURS = {METHOD_NAMES["svd"]: palette.BLUE, METHOD_NAMES["solve"]: palette.SKY,
                  METHOD_NAMES["descent"]: palette.VERMILLION}

SERIES = {"descent": ("gradient descent", palette.VERMILLION)}
_CONFIG = alt.Config(axis=alt.AxisConfig(**run_charts.AXIS))


def contour_chart(res, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """The descent from (0, 0) on the loss over (w1, w2), one scale on both axes."""
    name = "minimum-norm answer" if not res.unique else "closed form"
    marks = [("start", 0.0, 0.0, "start (0, 0)"), ("optimum", float(res.theta[0]), float(res.theta[1]), name)]
    return run_charts.contour_chart(res.surface, res.cell, res.window, res.paths, None, SERIES, marks,
                                    titles=("weight w₁", "weight w₂", "loss above the best"), size=size)


def distance_chart(res, pinned=None, height: int = HEIGHT) -> dict:
    """‖θ_t − θ*‖ per step on a log axis, the 1e-6 line dashed; ``pinned``: a pinned scenario's run in grey."""
    low, top = distance_axis(res.run)
    if pinned is not None:
        low = min(low, distance_axis(pinned.run)[0])
        top = max(top, distance_axis(pinned.run)[1])
    values = res.run["value"].to_numpy(dtype=float)
    return run_charts.loss_curves_chart(
        res.run, pd.DataFrame({"series": [], "step": []}), SERIES, shown=values, low=low, top=top,
        steps=int(max(res.drawn, 1 if pinned is None else pinned.drawn)), rules=[(1e-6, "within 1e-6")],
        titles=("step", "distance to the closed form", "distance"), height=int(height),
        pinned=None if pinned is None else pinned.run.assign(label="pinned run"),
        pinned_shown=None if pinned is None else pinned.run["value"].to_numpy(dtype=float))


def _sweep_template(height: int) -> alt.LayerChart:
    # nice: whole decades, so a diamond at the sweep's far end is not cut in half by the frame
    x = alt.X(field="cond", type="quantitative", title="condition number of XᵀX",
              scale=alt.Scale(type="log", nice=True), axis=log_axis())
    y = alt.Y(field="steps", type="quantitative", title="descent steps to within 1e-6",
              scale=alt.Scale(type="log", nice=True), axis=log_axis())
    series = {"as the features grow alike": (palette.BLUE, "circle"), "your data": (palette.MARKER, "diamond")}
    colour = alt.Color(field="series", type="nominal", legend=run_charts.legend(None, columns=2),
                       scale=color_scale({k: c for k, (c, _) in series.items()}))
    # The legend's swatch takes each series' own mark: the page's data is a diamond, not a dot.
    shape = alt.Shape(field="series", type="nominal", legend=run_charts.legend(None, columns=2),
                      scale=alt.Scale(domain=list(series), range=[m for _, m in series.values()]))
    tips = [alt.Tooltip(field="what", type="nominal", title=" "),
            alt.Tooltip(field="cond", type="quantitative", format=",.4g", title="condition number"),
            alt.Tooltip(field="steps", type="quantitative", format=",d", title="steps")]
    line = alt.Chart(alt.NamedData("sweep")).mark_line(point=True, strokeWidth=2.2).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tips)
    mine = alt.Chart(alt.NamedData("mine")).mark_point(filled=True, size=160, opacity=1).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tips)
    return layer(line, mine, width="container", height=height, config=_CONFIG)


@built_once
def sweep_chart(res, height: int = HEIGHT) -> dict:
    """Steps against the condition number over the gap sweep (counts beyond the horizon left out)."""
    sweep = res.sweep[res.sweep["steps"] > 0]
    line = pd.DataFrame({"series": "as the features grow alike", "cond": sweep["cond"], "steps": sweep["steps"],
                         "what": [f"x₂ = x₁ + {g:.2g} z" for g in sweep["gap"]]})
    shown = res.count.steps > 0 and math.isfinite(res.count.cond)
    mine = pd.DataFrame({"series": ["your data"] if shown else [], "cond": [res.count.cond] if shown else [],
                         "steps": [res.count.steps] if shown else [], "what": ["your data"] if shown else []})
    return render(_sweep_template, {"sweep": line, "mine": mine}, height=int(height))


def _cost_template(height: int, field: str, title: str, colours: tuple[tuple[str, str], ...]) -> alt.LayerChart:
    x = alt.X(field="d", type="quantitative", title="features d", scale=alt.Scale(type="log", nice=False),
              axis=log_axis())
    y = alt.Y(field=field, type="quantitative", title=title, scale=alt.Scale(type="log", nice=False),
              axis=log_axis())
    lines = alt.Chart(alt.NamedData("cost")).mark_line(point=field == "seconds", strokeWidth=2.2).encode(
        x=x, y=y, color=alt.Color(field="method", type="nominal", scale=color_scale(dict(colours)),
                                  legend=run_charts.legend(None, columns=1)),
        tooltip=[alt.Tooltip(field="method", type="nominal"), alt.Tooltip(field="d", type="quantitative"),
                 alt.Tooltip(field=field, type="quantitative", format=".3g", title=title)])
    return layer(lines, width="container", height=height, config=_CONFIG)


@built_once
def cost_chart(res, height: int = HEIGHT) -> dict:
    """Measured seconds of the three ways against d, at the chosen n."""
    return render(_cost_template, {"cost": res.measured}, height=int(height), field="seconds",
                  title=f"seconds at n = {res.cost_n:,}", colours=tuple(METHOD_COLOURS.items()))


@built_once
def count_chart(res, height: int = HEIGHT) -> dict:
    """The operation counts against d, at the chosen n."""
    names = tuple(dict.fromkeys(res.counted["method"]))
    # n d² + d³ counts forming XᵀX and solving it: the route the timing chart beside it draws in sky
    # blue; the descent keeps its vermillion. One colour, one meaning across the pair.
    return render(_cost_template, {"cost": res.counted}, height=int(height), field="operations",
                  title=f"operations at n = {res.cost_n:,}",
                  colours=((names[0], METHOD_COLOURS[METHOD_NAMES["solve"]]),
                           (names[1], METHOD_COLOURS[METHOD_NAMES["descent"]])))
