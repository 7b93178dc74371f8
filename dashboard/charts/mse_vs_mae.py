"""Charts for "What does one outlier do to MSE and MAE?" (pure Altair, no streamlit).

- :func:`fits_scatter`: the points (outliers marked) with the MSE, MAE and Huber lines and
  the dotted grey clean-points line whose errors the contribution bars score.
- :func:`contribution_bars`: each point's share of the total squared and absolute error.
- :func:`loss_shape`: the loss, or its pull (derivative), against the error; the page shows both.
- :func:`slope_moves`: how far each fit's slope moved because of the outliers.
- :func:`slope_shift`: each fit's slope against how far the outliers sit, over the slider's range.

Each public builder takes data frames and returns the chart as a Vega-Lite dict with its data
(:func:`dashboard.charts.common.render`): the Altair chart (the ``_..._template``
functions, over named datasets) is serialized and validated once per set of small
parameters, and each rerun only puts new data in. Everything that depends on the data is
in the data (or derived by Vega-Lite from it), never baked into the template.
"""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd

from dashboard import registry
from dashboard.charts.common import (
    HEIGHT,
    MAX_MARKS,
    PINNED_DATA,
    built_once,
    color_scale,
    pinned_layers,
    render,
    thin,
)
from dashboard.checks import one_of
from dashboard.palette import DATA, OUTLIER
from dashboard.shared.mse_vs_mae import FIT_LABELS, FITS  # the frames' keys and labels

LOSSES = registry.colours(registry.LOSSES)
LABEL_BARS_UP_TO = 12  # write each bar's share on it when there are this few points
CLEAN_POINT = "Clean point"
REFERENCE_NAME = "Clean-points line"  # the legend's name for the reference: short enough for a phone's legend
LOSS_ORDER = [FIT_LABELS[k] for k in FITS]
SOLID, HUBER_DASH, REFERENCE_DOTS = [1, 0], [8, 4], [1, 4]  # dots: 1 px dashes drawn with round caps
# Huber is dashed on every chart, so the line it hides (MSE's for a large delta, MAE's for a small one) shows.
FIT_DASHES = [HUBER_DASH if k == "huber" else SOLID for k in FITS]
LEGEND_STROKE = 500  # a legend line's "area": about 22 px long, enough to show two dashes


def _fit_colors() -> alt.Scale:
    return color_scale(LOSSES, FIT_LABELS, keys=list(FITS))


def _line_legend(**more) -> alt.Legend:
    """A legend on top whose entries are drawn as the lines are (dashed, dotted)."""
    return alt.Legend(orient="top", symbolType="stroke", symbolStrokeWidth=3, symbolSize=LEGEND_STROKE, **more)


def _fit_lines(legend: alt.Legend, **title) -> tuple[alt.Color, alt.StrokeDash]:
    """Colour and dash of the three fits on the field ``label``: one field and one legend for both, so
    Vega-Lite merges them and the legend draws Huber dashed too."""
    dashes = alt.Scale(domain=LOSS_ORDER, range=FIT_DASHES)
    return (alt.Color("label:N", scale=_fit_colors(), legend=legend, **title),
            alt.StrokeDash("label:N", legend=legend, scale=dashes, **title))


# --------------------------------------------------------------------------- scatter


def _scatter_template(*, x_title: str, y_title: str, marked: str, pinned: bool = False) -> alt.LayerChart:
    colors = {f"{FIT_LABELS[k]} fit": LOSSES[k] for k in FITS}
    colors[REFERENCE_NAME] = DATA
    # zero=False and a few pixels of padding: the view hugs the data, whatever its range.
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, padding=12))
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False, padding=12))
    # Colour and dash share one field and one legend, so Vega-Lite merges them into a single
    # legend whose entries are drawn as the lines are: Huber dashed, the reference dotted.
    line_legend = _line_legend(title=None, labelLimit=300, columns=2)  # two columns: fits a phone
    color = alt.Color("label:N", scale=color_scale(colors), legend=line_legend)
    dash = alt.StrokeDash("label:N", legend=line_legend, scale=alt.Scale(
        domain=list(colors), range=[*FIT_DASHES, REFERENCE_DOTS]))
    # The points' colours on the stroke and fill channels, never colour: the colour channel holds only
    # the lines' labels, so the browser's Vega-Lite, which merges the legends of one field, draws a
    # single legend with the lines' dashes. Fill, stroke and shape share the field "kind" and one
    # legend, which then draws each kind as the plot does: a grey circle, a black diamond.
    kinds = [CLEAN_POINT, marked]
    point_legend = alt.Legend(title=None, orient="bottom", symbolOpacity=1)
    ink = alt.Scale(domain=kinds, range=[DATA, OUTLIER])
    # The error segments share the dots' stroke (field, scale and legend): a stroke on another field
    # there made the browser draw a second legend of ringed symbols.
    ink_stroke = alt.Stroke("kind:N", scale=ink, legend=point_legend)
    tooltip = [alt.Tooltip("label:N", title="line"), alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("y:Q", format=".4g")]
    base = alt.Chart(alt.NamedData("scatter"))
    fit_layer = base.mark_line(strokeWidth=3).encode(x=x, y=y, color=color, strokeDash=dash, detail=alt.Detail("fit:N"),
                                                     tooltip=tooltip).transform_filter("datum.role == 'fit'")
    # The reference goes on top, thinner and dotted, so it shows where a fit lies on it.
    reference_layer = base.mark_line(strokeWidth=2.5, strokeCap="round").encode(
        x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip).transform_filter("datum.role == 'reference'")
    points = base.transform_filter("datum.role == 'point'")
    # Each point's error against the reference line, as a thin vertical segment.
    errors = points.mark_rule(strokeWidth=1.5, opacity=0.6).encode(x=x, y=y, y2=alt.Y2("reference:Q"), stroke=ink_stroke)
    dots = points.mark_point(filled=True, opacity=0.9).encode(
        x=x, y=y, fill=alt.Fill("kind:N", scale=ink, legend=point_legend),
        stroke=ink_stroke, size=alt.Size("area:Q", scale=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), legend=point_legend),
        tooltip=[
            alt.Tooltip("label:N", title="point"), alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("y:Q", format=".4g"),
            alt.Tooltip("residual:Q", title="error of the reference line", format=".4g"),
            alt.Tooltip("mse:Q", title="squared error", format=".4g"),
            alt.Tooltip("mae:Q", title="absolute error", format=".4g"),
            alt.Tooltip("kind:N", title="kind"),
        ],
    )
    under = pinned_layers(x, y, detail="fit", what="pinned scenario", named=False) if pinned else []
    return alt.layer(*under, errors, fit_layer, reference_layer, dots).properties(width="container",
                                                                                  height=HEIGHT + 60)


@built_once
def fits_scatter(points: pd.DataFrame, lines: pd.DataFrame, *, x_title: str, y_title: str,
                 marked: str = "Outlier", pinned: pd.DataFrame | None = None) -> dict:
    """Points and the fitted lines on one plot (a Vega-Lite dict with its data).

    Args:
        points: rows with ``label, x, y, is_outlier, reference, residual, mse, mae``; a thin
            vertical segment joins each point to the reference line (its error).
        lines: rows with ``fit, label, x, y`` (two ends per line; ``fit == "reference"`` is
            drawn grey and dotted, named :data:`REFERENCE_NAME` in the legend).
        x_title, y_title: axis titles with units.
        marked: what one marked point is called in the legend: "Outlier", or "Moved point" while
            the marked points sit within the noise.
        pinned: a pinned scenario's ``lines``: its three fits drawn wide and light grey underneath.
    """
    out = points.is_outlier.to_numpy()
    dots = {c: points[c].to_numpy() for c in ("label", "x", "y", "reference", "residual", "mse", "mae")}
    dots.update(role="point", kind=np.where(out, marked, CLEAN_POINT),
                area=np.where(out, 170.0, 70.0))
    fit = lines.fit.to_numpy()
    ends = {c: lines[c].to_numpy() for c in ("fit", "label", "x", "y")}
    ends["role"] = np.where(fit == "reference", "reference", "fit")
    ends["label"] = np.where(fit == "reference", REFERENCE_NAME, ends["label"])
    frames = {"scatter": _stack([dots, ends])}
    if pinned is not None:
        fits = pinned.loc[pinned.fit != "reference"]
        frames[PINNED_DATA] = fits[["fit", "label", "x", "y"]]
    return render(_scatter_template, frames, x_title=x_title, y_title=y_title, marked=marked,
                  pinned=pinned is not None)


# --------------------------------------------------------------------------- contributions


def _bars_template(*, point_title: str, labelled: bool, tick_prefix: str) -> alt.LayerChart:
    # Points are numbered 1..n in x order, so an ordinal axis of the numbers is already in
    # order; a sort by another field would cost the browser an aggregate pass per rerun.
    axis = alt.Axis(labelAngle=0, labelExpr=f"'{tick_prefix}' + datum.label") if tick_prefix else alt.Axis(labelAngle=0)
    x = alt.X("point:O", title=point_title, axis=axis)
    offset = alt.XOffset("loss:N", sort=[FIT_LABELS["mse"], FIT_LABELS["mae"]])
    y = alt.Y("share:Q", title="Share of the total loss", axis=alt.Axis(format="%"))
    data = alt.Chart(alt.NamedData("contributions"))
    base = data.transform_filter("datum.role == 'bar'")
    bars = base.mark_bar().encode(
        x=x, xOffset=offset, y=y,
        color=alt.Color("loss:N", scale=color_scale(LOSSES, FIT_LABELS, keys=["mse", "mae"]),
                        legend=alt.Legend(orient="top", title=None)),
        tooltip=[
            alt.Tooltip("label:N", title="point"), alt.Tooltip("loss:N"),
            alt.Tooltip("residual:Q", title="error", format=".4g"),
            alt.Tooltip("value:Q", title="contribution", format=".4g"),
            alt.Tooltip("share:Q", title="share of total", format=".1%"),
        ],
    )
    marker = data.transform_filter("datum.role == 'outlier'").mark_point(
        shape="triangle-down", filled=True, color=OUTLIER, size=110, yOffset=-28 if labelled else -10,
    ).encode(x=x, y=alt.Y("share:Q"), tooltip=[alt.Tooltip("label:N", title="outlier")])
    layers = [bars, marker]
    if labelled:
        layers.append(base.mark_text(dy=-9, fontSize=13, fontWeight="bold", color="#222").encode(
            x=x, xOffset=offset, y=alt.Y("share:Q"), text=alt.Text("share:Q", format=".0%")))
    return alt.layer(*layers).properties(width="container", height=HEIGHT)


@built_once
def contribution_bars(contributions: pd.DataFrame, *, point_title: str) -> dict:
    """Side-by-side bars: each point's share of the total MSE and of the total MAE.

    A black triangle marks each outlier; with few points (Lagos) each bar carries its share.

    Args:
        contributions: rows with ``point, label, fit ("mse"/"mae"), loss (its label), value, share,
            is_outlier, residual``: all the MSE rows, then the MAE rows in the same point order.
        point_title: the x-axis title.
    """
    cols = ("point", "label", "loss", "value", "share", "residual")
    bars = {c: contributions[c].to_numpy() for c in cols}
    bars["role"] = "bar"
    # One triangle per outlier, over the taller of its two bars.
    out = contributions.is_outlier.to_numpy() & (contributions.fit.to_numpy() == "mse")
    taller = np.maximum(*np.split(contributions.share.to_numpy(), 2))
    marks = {"point": bars["point"][out], "label": bars["label"][out],
             "share": taller[out[: len(taller)]], "role": "outlier"}
    # The axis shows the point numbers ("7"), or the label's own word before them ("House 3").
    word = re.match(r"\D*", str(bars["label"][0])).group() if len(bars["label"]) else ""
    return render(_bars_template, {"contributions": _stack([bars, marks])},
                  point_title=point_title, labelled=bool(len(taller) <= LABEL_BARS_UP_TO),
                  tick_prefix="" if word == "Point " else word)


# --------------------------------------------------------------------------- shapes


SHAPE_PANELS = {  # part -> (panel title, y axis title)
    "loss": ("Penalty for one point", "Loss of one point"),
    "pull": ("Pull on the prediction (derivative)", "d loss / d prediction"),
}


def _shape_template(*, part: str) -> alt.LayerChart:
    title, y_title = SHAPE_PANELS[part]
    color, dash = _fit_lines(_line_legend(), title=None)
    x = alt.X("residual:Q", title="Error: prediction − truth")
    # One dataset per layer, no filters: moving the outliers changes only "marks", and the
    # browser skips the curves, whose bytes are the same. The values at the farthest outlier
    # are written under the chart, not in it: a line of text beside the plot made the browser
    # lay out and redraw it, curves and all, whenever it changed (157 ms a key press against 52).
    curves, bends, marks = (alt.Chart(alt.NamedData(k)) for k in ("curves", "bends", "marks"))
    # A symmetric-log axis: MSE's penalty reaches 1,600 and its pull ±80 where MAE's is 40 and ±1, so on a
    # linear axis MAE and Huber lay flat along 0, and with them the bounded pull the panel is about.
    y = alt.Y(f"{part}:Q", title=f"{y_title} (symlog)", scale=alt.Scale(type="symlog", constant=1))
    curve = curves.mark_line(strokeWidth=3).encode(
        x=x, y=y, color=color, strokeDash=dash,
        tooltip=[alt.Tooltip("label:N", title="loss"), alt.Tooltip("residual:Q", title="error", format=".4g"),
                 alt.Tooltip(f"{part}:Q", title=y_title, format=".4g")],
    )
    bend = bends.mark_rule(
        color=LOSSES["huber"], strokeDash=[2, 3], strokeWidth=2,
    ).encode(x=alt.X("residual:Q"), tooltip=[alt.Tooltip("what:N", title="rule"),
                                             alt.Tooltip("residual:Q", format=".4g")])
    rule = marks.mark_rule(color=OUTLIER, strokeDash=[6, 4]).encode(x=alt.X("residual:Q"))
    dots = marks.mark_point(filled=True, size=80, stroke=OUTLIER, strokeWidth=1.5).encode(
        x=alt.X("residual:Q"), y=y, color=color,
        tooltip=[alt.Tooltip("label:N", title="loss"),
                 alt.Tooltip("residual:Q", title="outlier's error", format=".4g"),
                 alt.Tooltip(f"{part}:Q", title=y_title, format=".4g")])
    return alt.layer(curve, bend, rule, dots).properties(
        title=alt.Title(title, anchor="start"), width="container", height=HEIGHT + 20)


@built_once
def loss_shape(shapes: pd.DataFrame, marks: pd.DataFrame, *, delta: float, part: str) -> dict:
    """One loss curve per fit against the error: its penalty (``part="loss"``) or its pull on
    the line, d loss / d prediction (``part="pull"``). The page draws the two side by side in
    columns, which stack on a phone.

    Args:
        shapes: rows with ``residual, fit, label, loss, pull`` (the curves).
        marks: the same columns at the outliers' errors (dots and a dashed rule); may be empty.
        delta: the Huber delta (dotted green rules at +-delta).
        part: "loss" or "pull".
    """
    one_of("part", part, sorted(SHAPE_PANELS))
    columns = ["residual", "fit", "label", "loss", "pull"]
    frames = {
        "curves": thin(shapes, MAX_MARKS // 2, by="fit")[columns],  # smooth curves: half the budget is plenty
        "bends": pd.DataFrame({"residual": [-delta, delta], "what": ["-δ: Huber bends", "+δ: Huber bends"]}),
        "marks": marks[columns],
    }
    return render(_shape_template, frames, part=part)


# --------------------------------------------------------------------------- slopes


def _slopes_template() -> alt.LayerChart:
    scale = alt.Scale(nice=False)
    data = alt.Chart(alt.NamedData("slopes"))
    base = data.transform_filter("datum.role == 'fit'").encode(
        y=alt.Y("label:N", sort=LOSS_ORDER, title=None, axis=alt.Axis(labelFontSize=13, labelFontWeight="bold")),
        tooltip=[alt.Tooltip("label:N", title="fit"),
                 alt.Tooltip("slope:Q", title="slope, all points", format=".4g"),
                 alt.Tooltip("slope_clean:Q", title="slope, clean points only", format=".4g"),
                 alt.Tooltip("slope_moved:Q", title="moved by", format="+.4g")],
    )
    bars = base.mark_bar(height=26).encode(
        x=alt.X("slope_moved:Q", title="Change of slope: all points minus clean points", scale=scale),
        color=alt.Color("label:N", scale=_fit_colors(), legend=None),
    )
    label = base.transform_calculate(shown="datum.slope_moved == 0 ? '0' : format(datum.slope_moved, '+.3~g')")
    # The value sits just past the end of its bar (right of a positive bar, left of a negative one).
    right = label.transform_filter("datum.slope_moved >= 0").mark_text(fontSize=13, align="left", dx=5).encode(
        x=alt.X("slope_moved:Q", scale=scale), text=alt.Text("shown:N"))
    left = label.transform_filter("datum.slope_moved < 0").mark_text(fontSize=13, align="right", dx=-5).encode(
        x=alt.X("slope_moved:Q", scale=scale), text=alt.Text("shown:N"))
    # Invisible ends at +-1.4 x the largest move: a symmetric axis with room for the labels.
    ends = data.transform_filter("datum.role == 'end'").mark_point(opacity=0).encode(
        x=alt.X("slope_moved:Q", scale=scale))
    zero = data.transform_filter("datum.role == 'end'").mark_rule(color="#444").encode(x=alt.datum(0))
    return alt.layer(bars, right, left, ends, zero).properties(width="container", height=230)


@built_once
def slope_moves(fits: pd.DataFrame) -> dict:
    """Horizontal bars: each fit's slope on all points minus its slope on the clean points.

    Args:
        fits: rows with ``fit, label, slope, slope_clean, slope_moved`` (one per fit).
    """
    moved = fits.slope_moved.to_numpy()
    span = float(np.abs(moved).max()) or 0.1
    rows = {c: fits[c].to_numpy() for c in ("fit", "label", "slope", "slope_clean", "slope_moved")}
    rows["role"] = "fit"
    ends = {"slope_moved": np.array([-1.4 * span, 1.4 * span]), "role": "end"}
    return render(_slopes_template, {"slopes": _stack([rows, ends])})


# --------------------------------------------------------------------------- slope against shift


SHIFT_RULE = "#444"  # the current shift: a neutral rule, not a loss's or a point's colour


def _shift_template() -> alt.LayerChart:
    color, dash = _fit_lines(_line_legend(title=None))
    x = alt.X("shift:Q", title="How far the outliers sit (added to each outlier's y)",
              scale=alt.Scale(nice=False))
    y = alt.Y("slope:Q", title="Slope of the fit on all points", scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("label:N", title="fit"), alt.Tooltip("shift:Q", title="shift", format="+.4g"),
               alt.Tooltip("slope:Q", format=".4g")]
    curves, now = alt.Chart(alt.NamedData("curves")), alt.Chart(alt.NamedData("now"))
    lines = curves.mark_line(strokeWidth=3).encode(x=x, y=y, color=color, strokeDash=dash,
                                                   detail=alt.Detail("fit:N"), tooltip=tooltip)
    # The slider's shift: a rule across the plot and each fit's slope there, the table's "Slope, all points".
    rule = now.mark_rule(color=SHIFT_RULE, strokeWidth=1.5).encode(
        x=alt.X("shift:Q"), tooltip=[alt.Tooltip("shift:Q", title="the slider's shift", format="+.4g")])
    dots = now.mark_point(filled=True, size=90, stroke="white", strokeWidth=1.5, opacity=1).encode(
        x=alt.X("shift:Q"), y=alt.Y("slope:Q"), color=color, tooltip=tooltip)
    return alt.layer(lines, rule, dots).properties(width="container", height=HEIGHT)


@built_once
def slope_shift(curves: pd.DataFrame, *, shift: float) -> dict:
    """Each fit's slope (on all points) against the outliers' shift, one line per loss, with a rule and
    dots at the slider's ``shift``.

    Args:
        curves: rows with ``shift, fit, label, slope`` (:func:`dashboard.scenarios.mse_vs_mae.slope_curves`).
        shift: the slider's shift; the dots are the curves' slopes there (nothing where no curve has it).
    """
    at = curves.loc[curves["shift"] == shift, ["shift", "fit", "label", "slope"]]
    return render(_shift_template, {"curves": curves[["shift", "fit", "label", "slope"]], "now": at})


# --------------------------------------------------------------------------- helpers


def _stack(parts: list[dict]) -> pd.DataFrame:
    """One frame from several dicts of columns (arrays, or a scalar for the whole part).

    Columns missing from a part are empty there (NaN for numbers, None otherwise), so one
    dataset can feed every layer of a chart (each layer filters on ``role``).
    """
    sizes = [max((len(v) for v in p.values() if isinstance(v, np.ndarray)), default=1) for p in parts]
    columns = list(dict.fromkeys(c for p in parts for c in p))
    out = {}
    for c in columns:
        chunks = []
        for p, size in zip(parts, sizes):
            v = p.get(c)
            if isinstance(v, np.ndarray):
                chunks.append(v.astype(object) if v.dtype.kind in "USO" else v)
            elif v is None:
                chunks.append(np.full(size, None, dtype=object))
            else:
                chunks.append(np.full(size, v, dtype=object if isinstance(v, str) else None))
        kinds = {ch.dtype.kind for ch, p in zip(chunks, parts) if c in p}
        if kinds <= {"f", "i", "u", "b"} and kinds:
            chunks = [ch if ch.dtype != object else np.full(len(ch), np.nan) for ch in chunks]
            out[c] = np.concatenate([ch.astype(float) if ch.dtype.kind == "b" else ch for ch in chunks])
        else:
            out[c] = np.concatenate(chunks)
    return pd.DataFrame(out)
