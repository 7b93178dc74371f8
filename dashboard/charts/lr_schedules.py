"""Charts of "How should the learning rate change during training?" (pure Altair, no streamlit).

- :func:`schedule_chart`: the rate of each schedule per epoch (log scale) above the loss above
  the best possible (the shared loss-curves layers), two panels of one plot on one epoch axis;
  the critical rate of full-batch descent dashed on the rates. The pointer over either panel
  marks the same epoch on both, with each schedule's rate and loss there.
- :func:`range_test_chart`: the range test's loss against its growing rate (both log scales),
  raw and smoothed, with the suggested rate and the critical rate marked.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, built_once, haloed_text, layer, log_axis, render

RATE_HEIGHT = 150
LOSS_HEIGHT = HEIGHT
TITLES = ("learning rate (log)", "loss above the best possible (log)")
HOVER = "hover"  # the selection: the epoch under the pointer, on either panel


def _hover_layers(y_field: str, param: alt.Parameter, n_series: int, fmt: str, y_range) -> list[alt.Chart]:
    """Each series' dot and value at the epoch under the pointer, on one panel."""
    picked = alt.Chart(alt.NamedData("hover")).transform_filter(param)
    x = alt.X(field="step", type="quantitative")
    y = alt.Y(field=y_field, type="quantitative", scale=alt.Scale(type="log", range=list(y_range)))
    colour = alt.Color(field="label", type="nominal", scale=run_charts._series_placeholders(n_series), legend=None)
    dots = picked.mark_point(filled=True, size=50, opacity=1).encode(x=x, y=y, color=colour)
    text = haloed_text(picked, dict(x=x, y=y, color=colour, text=alt.Text(field=y_field, type="quantitative",
                                                                                format=fmt)),
                       align="left", dx=7, dy=-8, fontSize=12, fontWeight="bold")
    return [dots, *text]


def _pointer_layers(param: alt.Parameter) -> list[alt.Chart]:
    """The invisible targets that pick the epoch under the pointer (rules the plot's full height, over
    everything else, so the pointer anywhere over either panel picks one), and the rule that marks it."""
    base = alt.Chart(alt.NamedData("hover"))
    x = alt.X(field="step", type="quantitative")
    rule = base.transform_filter(param).mark_rule(color=palette.MARKER, strokeWidth=1).encode(x=x)
    targets = base.mark_rule(strokeWidth=8, opacity=0, tooltip=None).encode(x=x).add_params(param)
    return [rule, targets]


def _template(n_series: int, pinned: bool, rate_height: int, loss_height: int,
              titles: tuple[str, str]) -> alt.LayerChart:
    # One plot, two panels: the rates on a log scale over the top rate_height pixels, the losses on
    # their own log scale below them. One view (not a vconcat) so that it can fill the container's
    # width (Vega-Lite sizes only single and layered views to a container) and one pointer selection
    # covers both panels.
    # The panels' pixel ranges follow the plot's height (the page fits the chart to its container,
    # axes and legend included, so the plot is shorter than asked): expressions of `height`.
    gap = 36  # pixels between the panels: the rates' lowest label and the losses' highest
    share = rate_height / (rate_height + gap + loss_height)
    rate_range = ({"expr": f"height * {share:.6f}"}, 0)
    loss_range = ({"expr": "height"}, {"expr": f"height * {share:.6f} + {gap}"})
    hover = alt.selection_point(name=HOVER, nearest=True, on="pointerover", clear="view:pointerleave", fields=["step"],
                                empty=False)
    x = alt.X(field="step", type="quantitative", scale=alt.Scale(nice=False, zero=False), title="epoch")
    rate_y = alt.Y(field="rate", type="quantitative", scale=alt.Scale(type="log", nice=False, range=list(rate_range)),
                   title=titles[0], axis=log_axis(orient="left"))
    rate_lines = alt.Chart(alt.NamedData("rates")).mark_line(strokeWidth=2.2, interpolate="step-after").encode(
        x=x, y=rate_y,
        color=alt.Color(field="label", type="nominal", scale=run_charts._series_placeholders(n_series), legend=None),
        detail=alt.Detail(field="series", type="nominal"),
        tooltip=[alt.Tooltip(field="label", type="nominal", title="schedule"),
                 alt.Tooltip(field="step", type="quantitative", title="epoch"),
                 alt.Tooltip(field="rate", type="quantitative", format=".4g", title="rate")])
    critical = alt.Chart(alt.NamedData("critical"))
    critical_rule = critical.mark_rule(strokeDash=[5, 4], color=palette.MARKER).encode(
        y=alt.Y(field="rate", type="quantitative"), tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    critical_text = critical.mark_text(align="right", baseline="top", dy=3, fontSize=11,
                                       color=palette.MARKER).encode(
        x=alt.X(field="step", type="quantitative"), y=alt.Y(field="rate", type="quantitative"),
        text=alt.Text(field="text", type="nominal"))
    rates = alt.layer(rate_lines, critical_rule, critical_text,
                      *_hover_layers("rate", hover, n_series, ".3~g", rate_range))
    losses = run_charts.curve_layers(n_series, "epoch", titles[1], "loss above the best", "", (), pinned,
                                     legend_columns=2, y_range=loss_range)
    loss = alt.layer(*losses, *_hover_layers("shown", hover, n_series, ".3~e", loss_range)
                     ).resolve_scale(color="independent")
    return alt.layer(loss, rates, *_pointer_layers(hover)).resolve_scale(y="independent", color="independent").properties(
        width="container", height=rate_height + gap + loss_height).configure_axis(**run_charts.AXIS)


@built_once
def schedule_chart(res, pinned=None, rate_height: int = RATE_HEIGHT, loss_height: int = LOSS_HEIGHT,
                   titles: tuple[str, str] = TITLES) -> dict:
    """The two schedules' rates above their losses (a Vega-Lite dict); ``pinned``: a pinned result, its loss
    curves wide and light grey underneath; ``titles``: the two y axes'."""
    shown = res.curves["value"].to_numpy(dtype=float)
    frames, values = run_charts.curve_frames(
        res.curves, res.diverged, res.series, shown=shown, low=res.low, top=res.top, steps=res.epochs,
        pinned=None if pinned is None else pinned.curves,
        pinned_shown=None if pinned is None else pinned.curves["value"].to_numpy(dtype=float))
    critical = pd.DataFrame({"step": [float(res.epochs)], "rate": [res.critical],
                             "text": [f"critical rate {res.critical:.3g} (full batch)"]})
    frames = {**frames, "rates": res.rate_frame, "hover": res.hover, "critical": critical}
    return render(_template, frames, values=values, n_series=len(res.series), pinned=pinned is not None,
                  rate_height=int(rate_height), loss_height=int(loss_height), titles=tuple(titles))


def _range_template(height: int) -> alt.LayerChart:
    x = alt.X(field="rate", type="quantitative", scale=alt.Scale(type="log", nice=False), title="learning rate (log)",
              axis=log_axis())
    # the test's loss spans about a decade: 1, 2 and 5 of it are labelled, not "1" alone
    y = alt.Y(field="loss", type="quantitative", scale=alt.Scale(type="log", nice=False), title="loss (log)",
              axis=log_axis((1, 2, 5)))
    base = alt.Chart(alt.NamedData("test"))
    raw = base.mark_line(color=palette.GREY, strokeWidth=1.2, opacity=0.8).encode(
        x=x, y=y, tooltip=[alt.Tooltip(field="rate", type="quantitative", format=".3g"),
                           alt.Tooltip(field="loss", type="quantitative", format=".4g")])
    # Black and grey only: every other colour here is some schedule's, and a learner would read it as A or B.
    smooth = base.mark_line(color=palette.MARKER, strokeWidth=2.4).encode(
        x=x, y=alt.Y(field="smooth", type="quantitative"),
        tooltip=[alt.Tooltip(field="rate", type="quantitative", format=".3g"),
                 alt.Tooltip(field="smooth", type="quantitative", format=".4g", title="smoothed loss")])
    marks = alt.Chart(alt.NamedData("marks"))
    rules = marks.mark_rule(strokeWidth=1.6).encode(
        x=x, color=alt.Color(field="kind", type="nominal", legend=None,
                             scale=alt.Scale(domain=["suggested", "critical"], range=[palette.MARKER, palette.MARKER])),
        strokeDash=alt.StrokeDash(field="kind", type="nominal", legend=None,
                                  scale=alt.Scale(domain=["suggested", "critical"], range=[[1, 0], [5, 4]])),
        tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    text = haloed_text(marks, dict(x=x, y=alt.Y(field="y", type="quantitative"), text=alt.Text(field="text", type="nominal"),
                                   color=alt.Color(field="kind", type="nominal", legend=None)),
                       align="left", dx=5, baseline="top", fontSize=12, fontWeight="bold")
    return layer(raw, smooth, rules, *text, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def range_test_chart(res, height: int = HEIGHT) -> dict:
    """The range test: loss (grey) and smoothed loss (black) against the rate; the suggested rate (solid)
    and the critical rate (dashed) as vertical lines."""
    test = res.test_frame
    top = float(test["loss"].max())
    rows = [("critical", res.critical, f"critical rate {res.critical:.3g}", top)]
    if res.test.suggested:
        rows.insert(0, ("suggested", res.test.suggested, f"steepest fall: η = {res.test.suggested:.3g}",
                        float(test["loss"].min()) * 1.5))
    marks = pd.DataFrame(rows, columns=["kind", "rate", "text", "y"])
    return render(_range_template, {"test": test, "marks": marks}, height=int(height))
