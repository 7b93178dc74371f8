"""Charts for "How strong should the penalty be?" (pure Altair, no streamlit).

- :func:`fit_chart`: training and validation points, the true curve (dashed) and the fit.
- :func:`error_chart`: training and validation MSE against λ (the U-curve), log-log, with
  the chosen λ and the best validation λ marked.
- :func:`path_chart`: every coefficient against λ, the chosen λ marked.
- :func:`picture_chart`: the MSE ellipses of a two-weight problem with the L1 diamond, the L2
  circle and the elastic-net shape, each touching its ellipse at its optimum.

Each public builder takes the scenario's frames and returns the chart as a Vega-Lite dict
with its data, made by :func:`dashboard.charts.common.render`: the Altair chart (the
``_..._template`` functions, over named datasets and a few fixed parameters) is built and
validated once, and each rerun only puts the new data in, as Arrow tables converted once per
distinct content. The few scenario values a template holds as placeholders are the penalty's
name in the fit's legend, its colour on the coefficient paths, the selected shape of the
picture, the y range of the fitted curve and the picture's half width. So one template serves
every penalty: picking another one builds no chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette, registry
from dashboard.charts.common import (
    HEIGHT,
    MAX_MARKS,
    PINNED_DATA,
    built_once,
    color_scale,
    haloed_text,
    log_axis,
    pinned_layers,
    render,
    thin,
)
from dashboard.formatting import fmt
from dashboard.shared.regularization import PENALTIES

PENALTY_LABELS = registry.labels(registry.PENALTIES, PENALTIES)
SET_COLORS = {"Training": palette.TRAIN, "Validation": palette.VALIDATION}
TRUTH_LABEL = "True curve"
RULE_KINDS = {"chosen": "your λ", "best": "best λ"}
RULE_COLORS = {"chosen": palette.MARKER, "best": palette.VALIDATION}
LABEL_FLIP = 0.7  # share of the log λ axis beyond which a rule's label sits to its left
SYMLOG_TICKS = [-(10.0**k) for k in range(5, -2, -1)] + [0.0] + [10.0**k for k in range(-1, 6)]
LEGEND = {"orient": "top", "title": None, "labelLimit": 320, "symbolStrokeWidth": 3}
ZERO = pd.DataFrame({"weight": [0.0]})  # the y = 0 line of the coefficient paths
PICTURE_SIZE = 290  # px, the two-weight picture's square plot: with its axis it fits a 390 px phone

# Placeholders the templates hold for values chosen on the page; `render` writes the values.
PENALTY_NAME = "@penalty-name@"  # the fit's legend: "L1 (lasso) fit"
PENALTY_COLOUR = "@penalty-colour@"  # colour of the coefficient paths
SELECTED = "@selected@"  # the picture's thick shape: datum.penalty == 'l1'
LARGEST = "@largest@"  # the coefficient path drawn thick: datum.coefficient == 'x⁵'
_FIT_Y = ("@fit-y0@", "@fit-y1@")  # the fit's y axis: the points' range
_PICTURE_AXIS = ("@-half-width@", "@half-width@")  # both axes of the two-weight picture


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten between ``low`` and ``high`` (axis ticks of a log λ axis)."""
    return [float(10.0**k) for k in range(int(np.ceil(np.log10(low) - 1e-9)), int(np.floor(np.log10(high) + 1e-9)) + 1)]


def _flips(lam: float, lam_range: tuple[float, float]) -> bool:
    """Whether a label at ``lam`` sits left of its mark (beyond :data:`LABEL_FLIP` of the log λ axis)."""
    low, high = np.log10(lam_range[0]), np.log10(lam_range[1])
    return bool((np.log10(lam) - low) / (high - low) > LABEL_FLIP)


def _lambda_x(lam_range: tuple[float, float]) -> alt.X:
    axis = alt.Axis(values=log_ticks(*lam_range), title="Penalty strength λ (log scale)", labelOverlap=True,
                    labelExpr="datum.value >= 1 ? format(datum.value, '~g') : format(datum.value, '~e')")
    return alt.X("lambda:Q", scale=alt.Scale(type="log", domain=list(lam_range), nice=False), axis=axis)


def _rules_layers(lam_range: tuple[float, float], kinds: Sequence[str]) -> list[alt.Chart]:
    """Vertical rules at the chosen (solid black) and best (dashed) λ, labelled at the top."""
    keys = list(kinds)
    scale = color_scale(RULE_COLORS, RULE_KINDS, keys=keys)
    base = alt.Chart(alt.NamedData("rules")).encode(
        x=_lambda_x(lam_range),
        tooltip=[alt.Tooltip("what:N", title="marker"), alt.Tooltip("lambda:Q", title="λ", format=".4g")],
    )
    rule = base.mark_rule(strokeWidth=2).encode(
        color=alt.Color("what:N", scale=scale, legend=None),
        strokeDash=alt.StrokeDash("kind:N", legend=None, scale=alt.Scale(domain=keys, range=[[1, 0], [6, 4]][: len(keys)])),
    )
    text = {"baseline": "top", "fontSize": 12, "fontWeight": "bold"}
    at = {"y": alt.Y("label_y:Q", scale=None), "text": alt.Text("label:N"),
          "color": alt.Color("what:N", scale=scale, legend=None)}
    left = haloed_text(base.transform_filter("datum.label_left"), at, align="right", dx=-5, **text)
    right = haloed_text(base.transform_filter("!datum.label_left"), at, align="left", dx=5, **text)
    return [rule, *left, *right]


def _floor(noise: float) -> pd.DataFrame:
    """The noise variance line (no row when there is no noise)."""
    rows = [noise**2] if noise > 0 else []
    return pd.DataFrame({"mse": rows, "label": [f"noise σ² = {v:.4g}" for v in rows]})


def _rules(chosen: float, best: float | None, lam_range: tuple[float, float]) -> pd.DataFrame:
    """The rules' data: kind, what, lambda, label, label_y (pixels from the top), label_left."""
    rows = [("chosen", chosen)] + ([("best", best)] if best is not None else [])
    return pd.DataFrame({
        "kind": [k for k, _ in rows],
        "what": [RULE_KINDS[k] for k, _ in rows],
        "lambda": [float(v) for _, v in rows],
        "label": [f"{RULE_KINDS[k]}: {v:g}" for k, v in rows],
        "label_y": [4 + 18 * i for i in range(len(rows))],
        "label_left": [_flips(v, lam_range) for _, v in rows],
    })


# --------------------------------------------------------------------------- the fitted curve
def _fit_template(pinned: bool = False, truth: bool = True) -> alt.LayerChart:
    # The fit is black (the model), not its penalty's colour: L1 and L2 share their hues with
    # the validation and training points. The legend names the penalty (filled in by fit_chart).
    names = {"fit": f"{PENALTY_NAME} fit", "truth": TRUTH_LABEL}
    colors = {**SET_COLORS, "fit": palette.MARKER, "truth": palette.DATA}
    label_expr = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in names.items()) + " : datum.label"
    legend = alt.Legend(**LEGEND, columns=4, labelExpr=label_expr)
    x = alt.X("x:Q", title="x", scale=alt.Scale(domain=[-1.02, 1.02], nice=False))
    y = alt.Y("y:Q", title="y", scale=alt.Scale(domain=list(_FIT_Y), nice=False, zero=False))
    tip = [alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("y:Q", format=".4g")]
    # One field ("series") carries colour, dash and shape on both layers, so Vega-Lite merges
    # them into one legend that draws each entry as it is drawn in the plot.
    order = ["Training", "Validation", "fit", "truth"][: 4 if truth else 3]
    series = alt.Color("series:N", scale=color_scale(colors, keys=order), legend=legend)
    dash = alt.StrokeDash("series:N", legend=legend,
                          scale=alt.Scale(domain=order, range=[[1, 0], [1, 0], [1, 0], [7, 5]][: len(order)]))
    shape = alt.Shape("series:N", legend=legend,
                      scale=alt.Scale(domain=order, range=["circle", "triangle", "stroke", "stroke"][: len(order)]))
    lines = alt.Chart(alt.NamedData("lines")).mark_line(strokeWidth=3, clip=True).encode(
        x=x, y=y, color=series, strokeDash=dash, tooltip=[alt.Tooltip("series:N", title="curve"), *tip],
    )
    points = alt.Chart(alt.NamedData("points")).transform_calculate(series="datum.set").mark_point(
        filled=True, size=60, opacity=0.85, clip=True).encode(
        x=x, y=y, color=series, shape=shape, tooltip=[alt.Tooltip("set:N", title="point"), *tip],
    )
    under = pinned_layers(x, y, what="pinned scenario", clip=True, named=False) if pinned else []
    return alt.layer(*under, lines, points).properties(width="container", height=HEIGHT)


@built_once
def fit_chart(points: pd.DataFrame, lines: pd.DataFrame, *, penalty: str, pinned: pd.DataFrame | None = None) -> dict:
    """The data and the fitted polynomial; the y range is the points' range (a wild fit is cut off).

    Args:
        points: rows with ``x, y, set`` ("Training" / "Validation").
        lines: rows with ``x, y, series`` ("truth": the true curve, dashed; "fit": the fit).
        penalty: "l1", "l2" or "elastic_net" (named in the legend).
        pinned: a pinned scenario's ``lines``: its fit drawn wide and light grey underneath.
    """
    y = points.y.to_numpy()
    pad = 0.35
    frames = {"lines": lines, "points": points}
    if pinned is not None:
        frames[PINNED_DATA] = pinned.loc[pinned.series == "fit", ["x", "y", "series"]].assign(label="fit")
    return render(_fit_template, frames, pinned=pinned is not None, truth=bool((lines.series == "truth").any()),
                  values={PENALTY_NAME: registry.PENALTIES[penalty].label,
                          _FIT_Y[0]: float(y.min()) - pad, _FIT_Y[1]: float(y.max()) + pad})


# --------------------------------------------------------------------------- the U-curve
def _error_template(lam_range: tuple[float, float]) -> alt.LayerChart:
    lines = alt.Chart(alt.NamedData("errors")).mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=25, filled=True)).encode(
        x=_lambda_x(lam_range),
        y=alt.Y("mse:Q", title="Mean squared error (log scale)", scale=alt.Scale(type="log"),
                axis=log_axis(mantissas=(1, 2, 5))),
        color=alt.Color("set:N", scale=color_scale(SET_COLORS), legend=alt.Legend(**LEGEND)),
        tooltip=[alt.Tooltip("set:N", title="data"), alt.Tooltip("lambda:Q", title="λ", format=".4g"),
                 alt.Tooltip("mse:Q", title="MSE", format=".4g")],
    )
    floor = alt.Chart(alt.NamedData("floor"))
    floor_rule = floor.mark_rule(color=palette.DATA, strokeDash=[2, 3], strokeWidth=2).encode(
        y=alt.Y("mse:Q"), tooltip=[alt.Tooltip("label:N", title="floor")])
    floor_text = floor.mark_text(align="left", dx=4, dy=-7, color=palette.DATA, fontSize=12).encode(
        y=alt.Y("mse:Q"), x=alt.XValue(4), text=alt.Text("label:N"))
    return (alt.layer(lines, floor_rule, floor_text, *_rules_layers(lam_range, RULE_KINDS))
            .resolve_scale(color="independent").properties(width="container", height=HEIGHT))


@built_once
def error_chart(errors: pd.DataFrame, *, chosen: float, best: float, noise: float,
                lam_range: tuple[float, float]) -> dict:
    """Training and validation MSE over λ (log-log): the U-curve.

    Args:
        errors: rows with ``lambda, set, mse``.
        chosen: the chosen λ (solid black rule).
        best: the λ of lowest validation MSE (dashed rule).
        noise: the noise standard deviation; σ² is drawn as a dotted grey line (none when 0).
        lam_range: (smallest, largest) λ of the axis.
    """
    data = errors if len(errors) <= MAX_MARKS else thin(errors, MAX_MARKS, by="set")
    lam_range = tuple(float(v) for v in lam_range)
    frames = {"errors": data, "floor": _floor(float(noise)), "rules": _rules(float(chosen), float(best), lam_range)}
    return render(_error_template, frames, lam_range=lam_range)


# --------------------------------------------------------------------------- coefficient paths
def _path_template(lam_range: tuple[float, float]) -> alt.LayerChart:
    x = _lambda_x(lam_range)
    y = alt.Y("weight:Q", title="Coefficient (symlog scale)", scale=alt.Scale(type="symlog", constant=0.1),
              axis=alt.Axis(values=SYMLOG_TICKS, format=",.1~f", labelOverlap=True))
    tooltip = [alt.Tooltip("coefficient:N", title="feature"), alt.Tooltip("lambda:Q", title="λ", format=".4g"),
               alt.Tooltip("weight:Q", format=".4g"), alt.Tooltip("is_zero:N", title="exactly 0")]
    # Hovering picks out one coefficient's line (the nearest point's), the others fade; the
    # tooltip names it. With nothing hovered every line is drawn alike.
    hover = alt.selection_point(name="coefficient_hover", on="pointerover", clear="pointerout", nearest=True,
                                fields=["coefficient"])
    paths = alt.Chart(alt.NamedData("paths"))
    lines = paths.mark_line(color=PENALTY_COLOUR).encode(
        x=x, y=y, detail=alt.Detail("coefficient:N"), tooltip=tooltip,
        opacity=alt.condition(hover, alt.value(0.85), alt.value(0.2)),
        strokeWidth=alt.condition(hover, alt.value(2.2), alt.value(1.5)),
    )
    # Vega-Lite finds the nearest point, not the nearest line: the lines' points, unseen, carry
    # the selection and the tooltip of whatever line is nearest the pointer.
    targets = paths.mark_point(opacity=0, size=30).encode(x=x, y=y, tooltip=tooltip).add_params(hover)
    # The largest coefficient at your λ: drawn thick and dark, and named where it crosses your λ.
    largest = paths.transform_filter(f"datum.coefficient == '{LARGEST}'").mark_line(
        color=palette.MARKER, strokeWidth=3).encode(x=x, y=y, tooltip=tooltip)
    name = alt.Chart(alt.NamedData("largest"))
    text = {"fontSize": 12, "fontWeight": "bold", "color": palette.MARKER, "baseline": "bottom", "dy": -4}
    at = {"x": x, "y": y, "text": alt.Text("text:N")}
    labels = [*haloed_text(name.transform_filter("datum.label_left"), at, align="right", dx=-6, **text),
              *haloed_text(name.transform_filter("!datum.label_left"), at, align="left", dx=6, **text)]
    zero = alt.Chart(alt.NamedData("zero")).mark_rule(color=palette.DATA, strokeWidth=1).encode(y=alt.Y("weight:Q"))
    return alt.layer(zero, lines, largest, *_rules_layers(lam_range, ["chosen"]), *labels, targets).properties(
        width="container", height=HEIGHT)


@built_once
def path_chart(paths: pd.DataFrame, *, chosen: float, penalty: str, lam_range: tuple[float, float],
               largest: tuple[str, float]) -> dict:
    """One line per coefficient against λ; the y axis is symlog so that big and zero weights both show.

    Args:
        paths: rows with ``lambda, coefficient, weight, is_zero``.
        chosen: the chosen λ (solid black rule).
        penalty: the penalty whose colour the lines take.
        lam_range: (smallest, largest) λ of the axis.
        largest: (name, value) of the largest coefficient at the chosen λ: its line is drawn
            thick and dark, and named at the chosen λ ("x⁵ = -11.84"). Hovering picks out any line.
    """
    data = paths if len(paths) <= MAX_MARKS else thin(paths, MAX_MARKS, by="coefficient")
    lam_range = tuple(float(v) for v in lam_range)
    name, value = largest
    label = pd.DataFrame({"lambda": [float(chosen)], "weight": [float(value)], "text": [f"{name} = {fmt(value)}"],
                          "label_left": [_flips(chosen, lam_range)]})
    frames = {"paths": data, "zero": ZERO, "rules": _rules(float(chosen), None, lam_range), "largest": label}
    return render(_path_template, frames, values={PENALTY_COLOUR: registry.PENALTIES[penalty].colour, LARGEST: name},
                  lam_range=lam_range)


# --------------------------------------------------------------------------- the two-weight picture
def _picture_template(size: int) -> alt.LayerChart:
    scale = alt.Scale(domain=list(_PICTURE_AXIS), nice=False)
    x = alt.X("w1:Q", title="first weight w₁", scale=scale)
    y = alt.Y("w2:Q", title="second weight w₂", scale=scale)
    color = alt.Color("label:N", scale=color_scale(registry.colours(registry.PENALTIES), PENALTY_LABELS, keys=PENALTIES),
                      legend=alt.Legend(orient="top", title=None, columns=3, symbolStrokeWidth=3))
    curve = {"x": x, "y": y, "order": alt.Order("order:Q"), "detail": alt.Detail("curve:N")}
    curves = alt.Chart(alt.NamedData("curves"))
    points = alt.Chart(alt.NamedData("points"))
    optimum_tooltip = [alt.Tooltip("label:N", title="optimum"), alt.Tooltip("w1:Q", title="w₁", format=".4g"),
                       alt.Tooltip("w2:Q", title="w₂", format=".4g"),
                       alt.Tooltip("mse:Q", title="training MSE", format=".4g"),
                       alt.Tooltip("penalty_value:Q", title="penalty", format=".4g")]
    least = points.transform_filter("datum.penalty == 'none'")
    layers = [
        least.mark_rule(color=palette.DATA, strokeWidth=1).encode(x=alt.XDatum(0.0, scale=scale)),
        least.mark_rule(color=palette.DATA, strokeWidth=1).encode(y=alt.YDatum(0.0, scale=scale)),
        curves.transform_filter("datum.layer == 'background'").mark_line(
            color=palette.FAINT_DATA, strokeWidth=1, clip=True).encode(
            **curve, tooltip=[alt.Tooltip("mse:Q", title="training MSE on this ellipse", format=".4g")]),
        curves.transform_filter("datum.layer == 'touching'").mark_line(
            strokeWidth=1.5, strokeDash=[5, 4], clip=True).encode(
            **curve, color=color, tooltip=[alt.Tooltip("label:N", title="ellipse touching"),
                                           alt.Tooltip("mse:Q", title="training MSE", format=".4g")]),
        curves.transform_filter("datum.layer == 'shape'").mark_line(clip=True).encode(
            **curve, color=color, tooltip=[alt.Tooltip("label:N", title="penalty shape")],
            strokeWidth=alt.condition(f"datum.penalty == '{SELECTED}'", alt.value(3.5), alt.value(2.0))),
        points.transform_filter("datum.penalty != 'none'").mark_point(
            filled=True, size=110, stroke="white", strokeWidth=1, opacity=1, clip=True).encode(
            x=x, y=y, color=color, tooltip=optimum_tooltip),
        least.mark_point(shape="cross", filled=True, size=160, color=palette.MARKER, clip=True).encode(
            x=x, y=y, tooltip=optimum_tooltip[:4]),
        least.mark_text(align="right", dx=-10, dy=-10, fontSize=12, color=palette.MARKER).encode(
            x=x, y=y, text=alt.Text("text:N")),
    ]
    # "pad": width and height are the plot's own (axes and legend come on top), so it stays square.
    return alt.layer(*layers).properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))


def _within(curves: pd.DataFrame, half_width: float) -> pd.DataFrame:
    """Each curve cut to its runs inside the square ±``half_width`` (each run with one point on
    either side, so it still reaches the edge), every run its own ``curve``. The plot clips the
    rest anyway, but the PNG export's rasterizer pays for every clipped segment: the background
    ellipses, mostly outside, took 0.6 s of the picture's 0.7 s."""
    inside = (curves["w1"].abs() <= half_width) & (curves["w2"].abs() <= half_width)
    key = curves["curve"].astype(str).to_numpy()
    same = np.r_[False, key[1:] == key[:-1]]  # the row before is of the same curve
    near = inside.to_numpy().copy()
    near[:-1] |= inside.to_numpy()[1:] & same[1:]
    near[1:] |= inside.to_numpy()[:-1] & same[1:]
    if near.all():
        return curves
    run = np.cumsum(~(same & np.r_[False, near[:-1]]))  # a new run where a curve starts or comes back in
    return curves.assign(curve=[f"{k}~{r}" for k, r in zip(key, run)]).loc[near]


@built_once
def picture_chart(curves: pd.DataFrame, points: pd.DataFrame, *, half_width: float, selected: str,
                  size: int = PICTURE_SIZE) -> dict:
    """MSE ellipses of (w1, w2) with each penalty's shape through its optimum.

    Equal scales on both axes (a square plot), so the circle is round and the diamond square.

    Args:
        curves: rows with ``layer ("background" / "touching" / "shape"), curve, penalty, label,
            order, w1, w2, mse``: grey ellipses, each penalty's dashed ellipse and its shape.
        points: rows with ``label, penalty ("none" for least squares), w1, w2, mse,
            penalty_value, text``.
        half_width: the axes run from -half_width to +half_width.
        selected: the page's penalty, whose shape is drawn thicker.
        size: width and height of the plot in pixels.
    """
    return render(_picture_template, {"curves": _within(curves, half_width), "points": points}, size=int(size),
                  values={SELECTED: selected, _PICTURE_AXIS[0]: -float(half_width), _PICTURE_AXIS[1]: float(half_width)})
