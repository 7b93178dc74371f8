"""Charts of "Can training get stuck?" (pure Altair, no streamlit).

- :func:`restart_chart`: the restarts. On the double well, the curve with every start on it,
  coloured by where its run settles; on the two wells, every run's path on the
  contours (the shared contour chart), coloured the same way.
- :func:`sweep_chart`: the same restarts at every other rate of the η slider, without noise: how many
  runs end each way, the page's η dashed and, for gradient descent, each minimum's largest rate dotted.
- :func:`trap_contour_chart` and :func:`trap_loss_chart`: the four runs on the saddle or the
  plateau, their paths and their height above the minimum per step (the shared pieces).
- :func:`network_chart`: the networks' final losses as a dot plot, the ones within 10% of the
  best in colour; :func:`landscape_chart`: the loss around the best network along two
  filter-normalized directions (the shared contour chart, with no paths).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, built_once, color_scale, haloed_text, layer, log_axis, render
from dashboard.formatting import fmt


def _well_template(height: int, outcomes: tuple[tuple[str, str], ...]) -> alt.LayerChart:
    scale = color_scale(dict(outcomes))
    x = alt.X(field="x", type="quantitative", title="weight x", scale=alt.Scale(nice=False))
    # Padding (px) below the lowest minimum: its label, under it, stays clear of the x axis.
    y = alt.Y(field="value", type="quantitative", title="loss f(x)", scale=alt.Scale(padding=26, zero=False))
    curve = alt.Chart(alt.NamedData("curve")).mark_line(color=palette.BLACK, strokeWidth=2).encode(x=x, y=y)
    # A thin dark rim: a yellow dot ("not settled") shows on white too.
    dots = alt.Chart(alt.NamedData("starts")).mark_point(filled=True, size=55, opacity=0.8, stroke=palette.BLACK,
                                                         strokeWidth=0.5).encode(
        x=x, y=y, color=alt.Color(field="label", type="nominal", scale=scale,
                                  legend=run_charts.legend("where the run settles", columns=3)),
        tooltip=[alt.Tooltip(field="x", type="quantitative", format=".3f", title="start x"),
                 alt.Tooltip(field="end", type="quantitative", format=".4f", title="end x"),
                 alt.Tooltip(field="label", type="nominal", title="ends in")])
    marks = alt.Chart(alt.NamedData("minima"))
    crosses = marks.mark_point(shape="cross", filled=True, size=200, opacity=1, color=palette.BLACK).encode(
        x=x, y=y, tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    texts = haloed_text(marks, dict(x=x, y=y, text=alt.Text(field="text", type="nominal")),
                        dy=22, fontSize=12, fontWeight="bold", color=palette.BLACK)
    return layer(curve, dots, crosses, *texts, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def _well_chart(res, height: int) -> dict:
    counts = [res.counts["global"], res.counts["local"]]
    minima = pd.DataFrame({"x": res.minima[:, 0], "value": res.values,
                           "text": [f"{name}: {c} of {res.runs}" for name, c in zip(("global", "local"), counts)]})
    top = pd.DataFrame({"x": [float(res.barrier_at[0])], "value": [res.barrier], "text": ["ridge"]})
    return render(_well_template, {"curve": res.curve, "starts": res.points, "minima": pd.concat([minima, top])},
                  height=int(height), outcomes=tuple(res.series.values()))


def restart_chart(res, size: int = run_charts.CONTOUR_SIZE, height: int = HEIGHT) -> dict:
    """The restarts: the double well's curve with the starts on it, or the two wells' paths."""
    if res.dim == 1:
        return _well_chart(res, height)
    (gx, gy), (lx, ly) = res.minima
    marks = [("minimum", float(gx), float(gy), f"global: {res.counts['global']}"),
             ("minimum", float(lx), float(ly), f"local: {res.counts['local']}")]
    return run_charts.contour_chart(res.bands, res.cell, res.window, res.paths, None, res.series, marks,
                                    titles=("x", "y", "f − min"), size=size)


def _sweep_template(height: int, outcomes: tuple[tuple[str, str], ...]) -> alt.LayerChart:
    x = alt.X(field="rate", type="quantitative", title="learning rate η (log scale)",
              scale=alt.Scale(type="log", nice=False), axis=log_axis())
    y = alt.Y(field="runs", type="quantitative", title="runs", scale=alt.Scale(domainMin=0))
    lines = alt.Chart(alt.NamedData("sweep")).mark_line(strokeWidth=2.2, point=alt.OverlayMarkDef(size=30)).encode(
        x=x, y=y, color=alt.Color(field="label", type="nominal", scale=color_scale(dict(outcomes)),
                                  legend=run_charts.legend(None, columns=2)),
        tooltip=[alt.Tooltip(field="rate", type="quantitative", format="~g", title="η"),
                 alt.Tooltip(field="label", type="nominal", title="ended"),
                 alt.Tooltip(field="runs", type="quantitative")])
    marks = alt.Chart(alt.NamedData("rules"))
    rules = marks.mark_rule(color=palette.BLACK).encode(
        x=x, strokeDash=alt.StrokeDash(field="kind", type="nominal", legend=None,
                                       scale=alt.Scale(domain=["now", "limit"], range=[[6, 3], [2, 3]])),
        tooltip=[alt.Tooltip(field="tip", type="nominal", title=" ")])
    texts = haloed_text(marks, dict(x=x, y=alt.YValue(0), text=alt.Text(field="text", type="nominal")),
                        align="right", baseline="top", angle=270, dx=-4, dy=3, fontSize=11, fontWeight="bold",
                        color=palette.BLACK)
    return layer(lines, rules, *texts, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def sweep_chart(sw, rate: float, height: int = HEIGHT - 40) -> dict:
    """Where the same restarts settle at each rate (no noise): one line per outcome, the page's η dashed,
    and for gradient descent the largest rate each minimum can hold (2 / its steepest curvature) dotted."""
    rules = [("now", float(rate), f"η = {fmt(rate, 2)}", f"this page's η, {fmt(rate, 2)}")]
    if sw.optimizer == "sgd":
        for where, limit in zip(("deep", "shallow"), sw.settle_rates):
            if limit <= float(sw.rates.max()):
                rules.append(("limit", limit, f"{where} well's limit",
                              f"2 / (the {where} minimum's steepest curvature) = {fmt(limit, 3)}: plain gradient descent "
                              f"cannot settle there at a larger η"))
    frame = pd.DataFrame(rules, columns=["kind", "rate", "text", "tip"])
    return render(_sweep_template, {"sweep": sw.frame, "rules": frame}, height=int(height),
                  outcomes=tuple(sw.series.values()))


def trap_contour_chart(tr, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """The four runs' paths on the saddle or the plateau."""
    # On the saddle the start's label says how far off the ridge it is; it is then long enough that the
    # shared chart's label spacing lifts "saddle point" clear of it even at the projector's larger font
    # ("start" and "saddle point" ran together into one word in ?present=1 on the ridge).
    off = "0" if tr.offset == 0 else f"{tr.offset:.0e}".replace("e-0", "e-")  # the offsets: 1e-12, 1e-8, 1e-4
    text = f"start, y = {off}" if tr.trap == "saddle" else "start"
    marks = [("start", tr.start[0], tr.start[1], text)]
    if tr.trap == "saddle":
        marks.append(("optimum", 0.0, 0.0, "saddle point"))
    else:
        marks.append(("minimum", 0.0, 0.0, "minimum"))
    return run_charts.contour_chart(tr.bands, tr.cell, tr.window, tr.paths, tr.exits, tr.series, marks,
                                    titles=("x", "y", "f − min"), size=size)


def trap_loss_chart(tr, pinned=None) -> dict:
    """Each run's height above the minimum per step (log); dashed, half the trap's height: a run below it
    has left the trap (the notes' and headlines' escape step). A line at the trap's height itself would hide
    every run still stuck on it, gradient descent's on the saddle first."""
    what = "half the saddle point's height" if tr.trap == "saddle" else "half the plain's height"
    return run_charts.loss_curves_chart(
        tr.curves, tr.diverged_rows, tr.series, shown=tr.curves["value"].to_numpy(dtype=float), low=tr.low,
        top=tr.top, steps=tr.steps, rules=[(tr.escape_gap, what)], titles=("step", "f − min (log scale)", "f − min"),
        pinned=None if pinned is None else pinned.curves,
        pinned_shown=None if pinned is None else pinned.curves["value"].to_numpy(dtype=float), legend_columns=2)


# Black, as the best network's dot in the landscape beside it (green was momentum's and the global minimum's).
NEAR_COLOURS = {"within 10% of the best": palette.BLACK, "further": palette.GREY}


def _dots_template(height: int) -> alt.LayerChart:
    x = alt.X(field="loss", type="quantitative", title="final training loss", scale=alt.Scale(zero=False, nice=True))
    y = alt.Y(field="stack", type="quantitative", title="runs", axis=alt.Axis(tickMinStep=1, format="d"),
              scale=alt.Scale(domainMin=0))
    colour = alt.Color(field="group", type="nominal", legend=run_charts.legend(None, columns=2),
                       scale=color_scale(NEAR_COLOURS))
    dots = alt.Chart(alt.NamedData("dots")).mark_circle(size=90, opacity=1).encode(
        x=x, y=y, color=colour,
        tooltip=[alt.Tooltip(field="run", type="quantitative"),
                 alt.Tooltip(field="loss", type="quantitative", format=".4f", title="final loss"),
                 alt.Tooltip(field="accuracy", type="quantitative", format=".0%", title="training accuracy")])
    return layer(dots, width="container", height=height, config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def network_chart(net, height: int = HEIGHT - 80) -> dict:
    """One dot per network at its final loss, stacked where losses are close."""
    dots = net.dots.assign(group=np.where(net.dots["near"], "within 10% of the best", "further"))
    return render(_dots_template, {"dots": dots}, height=int(height))


def landscape_chart(net, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """The loss around the best network's weights along two filter-normalized directions."""
    best = float(net.final.min())
    half = net.cell[0] / 2
    x, y = net.landscape["x"], net.landscape["y"]
    window = (float(x.min()) - half, float(x.max()) + half, float(y.min()) - half, float(y.max()) + half)
    # A dot, as in its legend entry (a cross there had a dot for its key); its tooltip gives the loss.
    series = {"best": ("the best network's weights", palette.BLACK)}
    marks = [("now", 0.0, 0.0, f"the best network's weights, loss {best:.3g}")]
    here = pd.DataFrame({"series": ["best"], "label": ["the best network's weights"], "step": [0], "x": [0.0],
                         "y": [0.0], "value": [best]})  # a one-point path: the legend's dot
    return run_charts.contour_chart(net.landscape, net.cell, window, here, None, series, marks,
                                    titles=("α along d₁", "β along d₂", "loss"), size=size)
