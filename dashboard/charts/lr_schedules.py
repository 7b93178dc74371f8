"""Charts of "How should the learning rate change during training?" (pure Altair, no streamlit).

- :func:`schedule_chart`: the rate of each schedule per epoch (log scale) above the loss above
  the best possible (the shared loss-curves layers), on one epoch axis; the critical rate of
  full-batch descent dashed on the rates. The pointer over
  either panel marks the same epoch on both, with each schedule's rate and loss there.
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
HOVER = "hover"  # the selection: the epoch under the pointer, on either panel
OTHER_TARGETS = "rate_targets"  # the rate panel's pointer targets (a view of the selection too)


def _hover_layers(y_field: str, param: alt.Parameter, n_series: int, fmt: str, owner: bool) -> list[alt.Chart]:
    """The invisible targets that pick the epoch under the pointer, and what marks it.

    The selection is declared on the ``owner`` panel's targets only; the other panel's targets
    (named :data:`OTHER_TARGETS`) join it in :func:`schedule_chart` (declaring it on both makes
    Altair merge two copies, with a warning).
    """
    base = alt.Chart(alt.NamedData("hover"))
    x = alt.X(field="step", type="quantitative")
    y = alt.Y(field=y_field, type="quantitative")
    colour = alt.Color(field="label", type="nominal", scale=run_charts._series_placeholders(n_series), legend=None)
    targets = base.mark_rule(strokeWidth=8, opacity=0).encode(x=x)
    targets = targets.add_params(param) if owner else targets.properties(name=OTHER_TARGETS)
    picked = base.transform_filter(param)
    rule = picked.mark_rule(color=palette.MARKER, strokeWidth=1).encode(x=x)
    dots = picked.mark_point(filled=True, size=50, opacity=1).encode(x=x, y=y, color=colour)
    text = haloed_text(picked, dict(x=x, y=y, color=colour, text=alt.Text(field=y_field, type="quantitative",
                                                                                format=fmt)),
                       align="left", dx=7, dy=-8, fontSize=12, fontWeight="bold")
    return [targets, rule, dots, *text]


def _template(n_series: int, pinned: bool, rate_height: int, loss_height: int) -> alt.VConcatChart:
    hover = alt.selection_point(name=HOVER, nearest=True, on="pointerover", clear="pointerout", fields=["step"],
                                empty=False)
    x = alt.X(field="step", type="quantitative", scale=alt.Scale(nice=False, zero=False), title=None)
    rate_lines = alt.Chart(alt.NamedData("rates")).mark_line(strokeWidth=2.2, interpolate="step-after").encode(
        x=x, y=alt.Y(field="rate", type="quantitative", scale=alt.Scale(type="log", nice=False),
                     title="learning rate (log)", axis=log_axis()),
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
    top = alt.layer(rate_lines, critical_rule, critical_text,
                    *_hover_layers("rate", hover, n_series, ".3~g", owner=False)).properties(
        width="container", height=rate_height)
    losses = run_charts.curve_layers(n_series, "epoch", "loss above the best possible (log)", "loss above the best",
                                     "", (), pinned, legend_columns=2)
    bottom = alt.layer(*losses, *_hover_layers("shown", hover, n_series, ".3~e", owner=True)).properties(
        width="container", height=loss_height).resolve_scale(color="independent")
    return alt.vconcat(top, bottom, spacing=6).resolve_scale(color="independent").configure_axis(**run_charts.AXIS)


@built_once
def schedule_chart(res, pinned=None, rate_height: int = RATE_HEIGHT, loss_height: int = LOSS_HEIGHT) -> dict:
    """The two schedules' rates above their losses (a Vega-Lite dict); ``pinned``: a pinned result, its loss
    curves wide and light grey underneath."""
    shown = res.curves["value"].to_numpy(dtype=float)
    frames, values = run_charts.curve_frames(
        res.curves, res.diverged, res.series, shown=shown, low=res.low, top=res.top, steps=res.epochs,
        pinned=None if pinned is None else pinned.curves,
        pinned_shown=None if pinned is None else pinned.curves["value"].to_numpy(dtype=float))
    critical = pd.DataFrame({"step": [float(res.epochs)], "rate": [res.critical],
                             "text": [f"critical rate {res.critical:.3g} (full batch)"]})
    frames = {**frames, "rates": res.rate_frame, "hover": res.hover, "critical": critical}
    spec = render(_template, frames, values=values, n_series=len(res.series), pinned=pinned is not None,
                  rate_height=int(rate_height), loss_height=int(loss_height))
    for param in spec.get("params", []):
        if param.get("name") == HOVER and OTHER_TARGETS not in param["views"]:
            param["views"].append(OTHER_TARGETS)
    return spec


def _range_template(height: int) -> alt.LayerChart:
    x = alt.X(field="rate", type="quantitative", scale=alt.Scale(type="log", nice=False), title="learning rate (log)",
              axis=log_axis())
    y = alt.Y(field="loss", type="quantitative", scale=alt.Scale(type="log", nice=False), title="loss (log)",
              axis=log_axis())
    base = alt.Chart(alt.NamedData("test"))
    raw = base.mark_line(color=palette.GREY, strokeWidth=1.2, opacity=0.8).encode(
        x=x, y=y, tooltip=[alt.Tooltip(field="rate", type="quantitative", format=".3g"),
                           alt.Tooltip(field="loss", type="quantitative", format=".4g")])
    smooth = base.mark_line(color=palette.BLUE, strokeWidth=2.4).encode(
        x=x, y=alt.Y(field="smooth", type="quantitative"),
        tooltip=[alt.Tooltip(field="rate", type="quantitative", format=".3g"),
                 alt.Tooltip(field="smooth", type="quantitative", format=".4g", title="smoothed loss")])
    marks = alt.Chart(alt.NamedData("marks"))
    rules = marks.mark_rule(strokeWidth=1.6).encode(
        x=x, color=alt.Color(field="kind", type="nominal", legend=None,
                             scale=alt.Scale(domain=["suggested", "critical"], range=[palette.VERMILLION, palette.MARKER])),
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
    """The range test: loss (grey) and smoothed loss (blue) against the rate; the suggested rate and the
    critical rate as vertical lines."""
    test = res.test_frame
    top = float(test["loss"].max())
    rows = [("critical", res.critical, f"critical rate {res.critical:.3g}", top)]
    if res.test.suggested:
        rows.insert(0, ("suggested", res.test.suggested, f"steepest fall: η = {res.test.suggested:.3g}",
                        float(test["loss"].min()) * 1.5))
    marks = pd.DataFrame(rows, columns=["kind", "rate", "text", "y"])
    return render(_range_template, {"test": test, "marks": marks}, height=int(height))


def preview() -> dict:
    """The start page's figure: the lesson's step decay against a constant rate on noisy mini-batches."""
    from dashboard.scenarios import lr_schedules as sc

    return schedule_chart(sc.result_of(sc.DEFAULTS))
