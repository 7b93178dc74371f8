"""Charts of the learning-rate page: the loss valley with three paths, their loss curves, the
sweep of final loss over 100 rates, and the schedule's shape. Pure Altair, no streamlit.

The page redraws all of them whenever a slider moves, so they are built to be cheap:

- each is a template serialized once by ``charts.common.filled_spec`` (one template per
  chart, whatever the scenario), returned as a Vega-Lite dict with this scenario's data
  filled in. The few scenario values a spec holds (the valley's window, its cells' size and
  the legend's rates; the optimizer's and the schedule's colour and name) are placeholders
  in the template, written into the dict by :func:`~dashboard.charts.common.fill_in`;
- their datasets go to Streamlit as Arrow tables, each converted once per distinct content
  (:func:`~dashboard.charts.common.arrow_datasets`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette, registry
from dashboard.charts.common import HEIGHT, arrow_datasets, color_scale, fill_in, filled_spec, layer

ROLE_ORDER = tuple(palette.RATE_ROLES)
BAND_SCHEME = alt.SchemeParams(name="greys", extent=[0.0, 0.5])
SEAM = 1.5  # cells overlap their neighbours, so no anti-aliased hairlines show between them
INDEPENDENT_COLOURS = alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))
MARKER_SHAPES = {"start": "cross", "optimum": "cross", "exit": "diamond"}


def _roles(labels: Mapping[str, str]) -> alt.Scale:
    """Role colours (too small / good / too large) with the rate in each legend label."""
    return color_scale(palette.RATE_ROLES, labels, keys=[k for k in ROLE_ORDER if k in labels])


def _legend(title: str | None = None, orient: str = "bottom") -> alt.Legend:
    if orient == "bottom":
        return alt.Legend(title=title, orient="bottom", direction="horizontal", columns=3, labelLimit=200,
                          symbolStrokeWidth=3, labelFontSize=11, columnPadding=6, symbolSize=60)
    return alt.Legend(title=title, orient=orient, labelLimit=200, symbolStrokeWidth=3, labelFontSize=12)


AXIS = dict(labelFontSize=12, titleFontSize=13)  # readable on a slide


def _log_axis(**kwargs) -> alt.Axis:
    """A log axis whose labels stay short: 0.01, 1, 100, then 1e+4, 1e+12 (not 1000000000000)."""
    decade = "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6"
    short = "datum.value >= 1e4 || datum.value < 1e-3 ? format(datum.value, '.0e') : format(datum.value, '~g')"
    return alt.Axis(labelExpr=f"{decade} ? ({short}) : ''", **kwargs)


def _marker_colours(labels: Mapping[str, str]) -> alt.Scale:
    """Role colours plus black for the page's own markers (start, optimum, rule labels)."""
    colours = {labels[k]: palette.RATE_ROLES[k] for k in ROLE_ORDER if k in labels}
    colours[""] = palette.MARKER
    return color_scale(colours)


def _inside(values, low: float, high: float, margin: float) -> np.ndarray:
    """Values pulled at least ``margin`` (a fraction of the range) inside [low, high], for labels."""
    span = high - low
    return np.clip(np.asarray(values, dtype=np.float64), low + margin * span, high - margin * span)


# The valley's template holds placeholders for its scenario numbers (see `fill_in`).
_WINDOW = ("@w0@", "@w1@", "@b0@", "@b1@")  # the plotted (w, b) box
_HALF_CELL = ("@half-dw@", "@half-db@")  # half a band's width and height (with the seam)
_LABELS = {role: f"@label-{k}@" for k, role in enumerate(ROLE_ORDER)}  # legend labels, with the rates


def _contour_template(height: int) -> alt.LayerChart:
    w0, w1, b0, b1 = _WINDOW
    half_dw, half_db = _HALF_CELL
    x_scale = alt.Scale(domain=[w0, w1], nice=False, zero=False)
    y_scale = alt.Scale(domain=[b0, b1], nice=False, zero=False)
    x = alt.X(field="w", type="quantitative", scale=x_scale, axis=alt.Axis(title="slope w", grid=False))
    y = alt.Y(field="b", type="quantitative", scale=y_scale, axis=alt.Axis(title="intercept b", grid=False))

    bands = alt.Chart(alt.NamedData("surface")).transform_calculate(
        w_lo=f"datum.w - {half_dw}", w_hi=f"datum.w + {half_dw}",
        b_lo=f"datum.b - {half_db}", b_hi=f"datum.b + {half_db}",
    ).mark_rect(strokeWidth=0, clip=True).encode(
        x=alt.X(field="w_lo", type="quantitative", scale=x_scale, axis=alt.Axis(title="slope w", grid=False)),
        x2=alt.X2(field="w_hi"),
        y=alt.Y(field="b_lo", type="quantitative", scale=y_scale, axis=alt.Axis(title="intercept b", grid=False)),
        y2=alt.Y2(field="b_hi"),
        color=alt.Color(field="level", type="quantitative", scale=alt.Scale(type="log", scheme=BAND_SCHEME),
                        legend=alt.Legend(title="MSE", orient="right", format="~g", gradientLength=110)),
        tooltip=[alt.Tooltip(field="w", type="quantitative", format=".4g", title="slope w"),
                 alt.Tooltip(field="b", type="quantitative", format=".4g", title="intercept b"),
                 alt.Tooltip(field="loss", type="quantitative", format=".4g", title="MSE")],
    )
    base = alt.Chart()  # the paths go on the layer chart: Altair then skips hashing them per layer

    lines = base.mark_line(
        strokeWidth=2.2, clip=True, point=alt.OverlayMarkDef(size=22, filled=True, opacity=1, clip=True),
    ).encode(
        x=x, y=y, color=alt.Color(field="label", type="nominal", scale=_roles(_LABELS), legend=_legend()),
        order=alt.Order(field="step", type="quantitative"), detail=alt.Detail(field="role", type="nominal"),
        tooltip=[alt.Tooltip(field="label", type="nominal", title="run"), alt.Tooltip(field="step", type="quantitative"),
                 alt.Tooltip(field="w", type="quantitative", format=".4g", title="slope w"), alt.Tooltip(field="b", type="quantitative", format=".4g", title="intercept b"),
                 alt.Tooltip(field="loss", type="quantitative", format=".4g", title="MSE")],
    )
    marks = alt.Chart(alt.NamedData("marks"))
    colour = alt.Color(field="label", type="nominal", scale=_marker_colours(_LABELS), legend=None)
    symbols = marks.mark_point(
        filled=True, size=170, opacity=1, stroke=palette.MARKER, strokeWidth=0.8).encode(
        x=x, y=y, color=colour,
        shape=alt.Shape(field="kind", type="nominal", scale=alt.Scale(domain=list(MARKER_SHAPES), range=list(MARKER_SHAPES.values())),
                        legend=None),
        tooltip=[alt.Tooltip(field="text", type="nominal", title=" "), alt.Tooltip(field="w", type="quantitative", format=".4g", title="slope w"),
                 alt.Tooltip(field="b", type="quantitative", format=".4g", title="intercept b")],
    )
    notes = [
        marks.transform_filter(f"datum.side == '{side}'").mark_text(
            align=side, dx=-8 if side == "right" else 8, dy=-13, fontSize=12, fontWeight="bold").encode(
            x=alt.X(field="w_text", type="quantitative", scale=x_scale),
            y=alt.Y(field="b_text", type="quantitative", scale=y_scale),
            color=colour, text=alt.Text(field="text", type="nominal"))
        for side in ("left", "right")
    ]
    return layer(bands, lines, symbols, *notes, data=alt.NamedData("paths"), width="container", height=height,
                 resolve=INDEPENDENT_COLOURS, config=alt.Config(axis=alt.AxisConfig(**AXIS)))


def contour_chart(surface: pd.DataFrame, cell: tuple[float, float], window: Sequence[float], paths: pd.DataFrame,
                  exits: pd.DataFrame, labels: Mapping[str, str], optimum: tuple[float, float],
                  *, height: int = HEIGHT + 80) -> dict:
    """MSE over (w, b) as quarter-decade grey bands, with each rate's path from (0, 0) (a Vega-Lite dict).

    Args:
        surface: columns w, b, loss, level (cell centres of a regular grid).
        cell: (dw, db) size of one grid cell.
        window: (w_low, w_high, b_low, b_high), the plotted area; paths are clipped to it.
        paths: columns role, label, step, w, b, loss.
        exits: columns role, label, step, w, b: where a path leaves the window.
        labels: role -> legend label (every role of ROLE_ORDER).
        optimum: (w*, b*).
    """
    w0, w1, b0, b1 = (float(v) for v in window)
    dw, db = cell
    # Start, optimum and exits: one small dataset for their symbols and labels.
    w = np.concatenate([[0.0, optimum[0]], exits["w"].to_numpy(dtype=float)])
    b = np.concatenate([[0.0, optimum[1]], exits["b"].to_numpy(dtype=float)])
    marks = pd.DataFrame({
        "kind": ["start", "optimum"] + ["exit"] * len(exits),
        "label": ["", ""] + [str(v) for v in exits["label"]],
        "w": w, "b": b, "w_text": _inside(w, w0, w1, 0.02), "b_text": _inside(b, b0, b1, 0.1),
        # a label reads away from the nearer side edge, so it never runs off the plot
        "side": np.where(w > (w0 + w1) / 2, "right", "left"),
        "text": ["start (0, 0)", "optimum"] + ["left at step " + str(int(k)) for k in exits["step"]],
    })
    spec = filled_spec(_contour_template, {"paths": paths, "surface": surface, "marks": marks}, height=height)
    values = dict(zip(_WINDOW, (w0, w1, b0, b1)))
    values.update(zip(_HALF_CELL, (repr(SEAM * dw / 2), repr(SEAM * db / 2))))
    values.update((_LABELS[role], labels[role]) for role in ROLE_ORDER)
    fill_in(spec["layer"], values)
    return arrow_datasets(spec)


# --- Loss curves and sweep: templates serialized once, data refilled on every rerun -----------
# Their specs hold no scenario numbers: the rates, the axis ranges (through invisible "frame"
# rows) and every label come in the data, so `filled_spec` reuses one validated spec while a
# slider moves. Colours follow the role ("too small", "good", "too large"); the rates are in
# the tooltips, the diamonds' positions and the metric row above the charts.

_ROLE_COLOURS = alt.Scale(domain=list(ROLE_ORDER), range=[palette.RATE_ROLES[k] for k in ROLE_ORDER])
# Role colours plus black for the chart's own notes (rows whose role is "").
_NOTE_COLOURS = alt.Scale(domain=[*ROLE_ORDER, ""], range=[*(palette.RATE_ROLES[k] for k in ROLE_ORDER),
                                                            palette.MARKER])
_INVISIBLE = {"opacity": 0, "size": 1}


def _curves_template(height: int) -> alt.LayerChart:
    x = alt.X(field="step", type="quantitative", scale=alt.Scale(nice=False, zero=False),
              title="step (number of updates)")
    y = alt.Y(field="gap", type="quantitative", scale=alt.Scale(type="log", nice=False),
              title="MSE above the optimum (log)", axis=_log_axis())
    notes = alt.Chart(alt.NamedData("notes"))
    colour = alt.Color(field="role", type="nominal", scale=_NOTE_COLOURS, legend=None)
    lines = alt.Chart(alt.NamedData("curves")).mark_line(strokeWidth=2.2).encode(
        x=x, y=y, color=alt.Color(field="role", type="nominal", scale=_ROLE_COLOURS, legend=_legend()),
        tooltip=[alt.Tooltip(field="label", type="nominal", title="run"),
                 alt.Tooltip(field="step", type="quantitative"),
                 alt.Tooltip(field="loss", type="quantitative", format=".6g", title="MSE"),
                 alt.Tooltip(field="excess", type="quantitative", format=".3g", title="above the optimum")])
    frame = notes.transform_filter("datum.kind == 'frame'").mark_point(**_INVISIBLE).encode(x=x, y=y)
    rule = notes.transform_filter("datum.kind == 'rule'").mark_rule(strokeDash=[5, 4], color=palette.MARKER).encode(
        y=y, tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    triangles = notes.transform_filter("datum.kind == 'diverged'").mark_point(
        shape="triangle-up", filled=True, size=140, opacity=1, yOffset=7).encode(
        x=x, y=y, color=colour, tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    # Notes start at their x: a diverged run's step (below the top edge), the 1% line's left end (under it).
    texts = notes.transform_filter("datum.kind != 'frame'").mark_text(
        align="left", baseline="top", dx=9, dy=6, fontSize=12, fontWeight="bold").encode(
        x=x, y=y, color=colour, text=alt.Text(field="text", type="nominal"))
    return layer(lines, frame, rule, triangles, texts, width="container", height=height,
                 resolve=INDEPENDENT_COLOURS, config=alt.Config(axis=alt.AxisConfig(**AXIS)))


def loss_curves_chart(curves: pd.DataFrame, diverged: pd.DataFrame, labels: Mapping[str, str],
                      optimum_loss: float, start_loss: float, steps: int,
                      *, height: int = HEIGHT + 80) -> dict:
    """How far each run's loss is above the optimum, per step, on a log axis (a Vega-Lite dict).

    On a log axis the plain loss flattens onto the optimum and hides whether a run is 20%
    or 0.01% away; the gap ``loss - optimum`` keeps shrinking by a constant factor per
    step while a run converges (a straight line) and shows the "within 1%" line clearly.
    A diverged run leaves the top and is marked "diverged at step k".

    Args:
        curves: columns role, label, rate, step, loss, excess (finite values only).
        diverged: columns role, label, step: one row per diverged run.
        labels: role -> label with the rate (tooltips).
        optimum_loss: the least-squares minimum; the dashed line is 1% of it.
        start_loss: loss at the start; the axis stops 10x above its gap.
        steps: number of updates (the x range).
    """
    top = (start_loss - optimum_loss) * 10.0
    excess = curves["excess"].to_numpy(dtype=float)
    positive = excess[excess > 0]
    low = max(float(positive.min()) if positive.size else top, 1e-6 * optimum_loss) * 0.5
    low = min(low, 0.002 * optimum_loss)
    # The axis runs from low to top: a run leaving the top ends on it (its first point above),
    # a run converging below the floor is drawn along the floor.
    above = excess > top
    keep = np.ones(len(curves), dtype=bool)
    if above.any():
        role = curves["role"].to_numpy()
        for r in np.unique(role[above]):
            rows = np.flatnonzero(role == r)
            first = rows[above[rows]][0]
            keep[rows[rows > first]] = False
    lines = (curves if keep.all() else curves.loc[keep]).assign(gap=np.clip(excess[keep], low, top))
    one = 0.01 * optimum_loss
    notes = pd.DataFrame({
        "kind": ["frame", "frame", "rule"] + ["diverged"] * len(diverged),
        "role": ["", "", ""] + [str(v) for v in diverged["role"]],
        "step": [0.0, float(steps), steps * 0.01] + [float(k) for k in diverged["step"]],
        "gap": [low, top, one] + [top] * len(diverged),
        "text": ["", "", f"within 1% of the optimum (MSE ≤ {1.01 * optimum_loss:.4g})"]
                + ["diverged at step " + str(int(k)) for k in diverged["step"]],
    })
    return arrow_datasets(filled_spec(_curves_template, {"curves": lines, "notes": notes}, height=height))


# Placeholders of the sweep's template: one template serves every optimizer.
_OPTIMIZER_COLOUR = "@optimizer-colour@"
_OPTIMIZER_LABEL = "@optimizer-label@"


def _sweep_template(height: int) -> alt.LayerChart:
    colour, optimizer = _OPTIMIZER_COLOUR, _OPTIMIZER_LABEL
    x = alt.X(field="lr", type="quantitative", scale=alt.Scale(type="log", nice=False),
              title="learning rate η (log scale)", axis=alt.Axis(format="~g"))
    y = alt.Y(field="shown", type="quantitative", scale=alt.Scale(type="log", nice=False),
              title="final MSE (log scale)", axis=_log_axis())
    tips = [alt.Tooltip(field="lr", type="quantitative", format=".4g", title="learning rate"),
            alt.Tooltip(field="final_loss", type="quantitative", format=".4g", title=f"final MSE ({optimizer})"),
            alt.Tooltip(field="outcome", type="nominal", title="outcome")]
    sweep = alt.Chart(alt.NamedData("sweep"))
    marks = alt.Chart(alt.NamedData("marks"))
    stable = sweep.transform_filter("!datum.diverged").mark_line(
        color=colour, strokeWidth=2, point=alt.OverlayMarkDef(size=30, filled=True, color=colour, opacity=1),
    ).encode(x=x, y=y, tooltip=tips)
    # Diverged runs: a row of triangles above the curve (their loss is off the scale).
    blown = sweep.transform_filter("datum.diverged").mark_point(
        shape="triangle-up", filled=True, color=colour, size=60, opacity=1).encode(x=x, y=y, tooltip=tips)
    frame = marks.transform_filter("datum.kind == 'frame'").mark_point(**_INVISIBLE).encode(x=x, y=y)
    is_bound = "datum.kind == 'critical' || datum.kind == 'momentum'"
    rules = marks.transform_filter(is_bound).mark_rule(color=palette.MARKER, strokeWidth=2).encode(
        x=x, tooltip=[alt.Tooltip(field="text", type="nominal", title=" "),
                      alt.Tooltip(field="lr", type="quantitative", format=".4g")],
        strokeDash=alt.StrokeDash(field="kind", type="nominal", legend=None,
                                  scale=alt.Scale(domain=["critical", "momentum"], range=[[1, 0], [6, 3]])))
    # Plain GD's label to the left of its rule, momentum's to the right of its own: they never cross.
    # (Without momentum the data has no "momentum" row, so that layer draws nothing.)
    rule_notes = [
        marks.transform_filter(f"datum.kind == '{kind}'").mark_text(
            align=align, baseline="top", dx=dx, dy=4, color=palette.MARKER, fontWeight="bold").encode(
            x=x, y=alt.YValue(0), text=alt.Text(field="text", type="nominal"))
        for kind, align, dx in (("critical", "right", -5), ("momentum", "left", 5))
    ]
    picks = marks.transform_filter("datum.kind == 'chosen'").mark_point(
        shape="diamond", filled=True, size=190, stroke=palette.MARKER, strokeWidth=1, opacity=1).encode(
        x=x, y=y, color=alt.Color(field="role", type="nominal", scale=_ROLE_COLOURS,
                                  legend=_legend("the three slider rates", orient="right")),
        tooltip=[alt.Tooltip(field="label", type="nominal", title="run"),
                 alt.Tooltip(field="final_loss", type="quantitative", format=".4g", title="final MSE"),
                 alt.Tooltip(field="outcome", type="nominal", title="outcome")])
    return layer(stable, blown, frame, rules, *rule_notes, picks, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**AXIS)))


def sweep_chart(table: pd.DataFrame, chosen: pd.DataFrame, labels: Mapping[str, str], *, critical: float,
                optimizer: str, momentum_bound: float | None = None,
                height: int = HEIGHT + 20) -> dict:
    """Final loss against the learning rate (both log) as a Vega-Lite dict; diverged runs as
    triangles in a row above the curve.

    Args:
        table: columns lr, final_loss, diverged, outcome (one row per rate); diverged runs are
            drawn in a row at 3x the highest final loss.
        chosen: columns role, label, lr, final_loss, diverged, outcome: the three slider rates.
        labels: role -> label with the rate (tooltips).
        critical: plain GD's critical rate 2 / lambda_max, drawn as a vertical rule.
        optimizer: the optimizer's id in :data:`dashboard.registry.OPTIMIZERS` (its colour and name).
        momentum_bound: if given, heavy-ball momentum's limit 2 (1 + mu) / lambda_max, a dashed rule.
    """
    finals, diverged = table["final_loss"].to_numpy(dtype=float), table["diverged"].to_numpy(dtype=bool)
    ran = finals[np.isfinite(finals) & ~diverged]
    ceiling = 3.0 * (float(ran.max()) if ran.size else 10.0)
    table = pd.DataFrame({"lr": table["lr"].to_numpy(), "final_loss": finals, "diverged": diverged,
                          "outcome": table["outcome"].array, "shown": np.where(diverged, ceiling, finals)})
    picked = np.where(chosen["diverged"].to_numpy(dtype=bool), ceiling, chosen["final_loss"].to_numpy(dtype=float))
    every = np.concatenate([table["shown"].to_numpy(), picked])
    every = every[np.isfinite(every)]
    low, high = float(every.min()), float(every.max())
    bounds = [("critical", critical, f"plain GD's critical rate 2/λmax = {critical:.3g}")]
    if momentum_bound is not None:
        bounds.append(("momentum", momentum_bound, f"momentum's limit 2(1+μ)/λmax = {momentum_bound:.3g}"))
    lrs = table["lr"].to_numpy()
    lr_mid = float(np.sqrt(lrs.min() * lrs.max()))
    n = len(chosen)
    marks = pd.DataFrame({
        "kind": ["frame", "frame"] + [k for k, *_ in bounds] + ["chosen"] * n,
        "lr": [lr_mid, lr_mid] + [v for _, v, _ in bounds] + [float(v) for v in chosen["lr"]],
        "shown": [low * 0.8, high * 6.0] + [np.nan] * len(bounds) + [float(v) for v in picked],
        "text": ["", ""] + [t for _, _, t in bounds] + [""] * n,
        "role": ["", ""] + [""] * len(bounds) + [str(v) for v in chosen["role"]],
        "label": ["", ""] + [""] * len(bounds) + [str(v) for v in chosen["label"]],
        "final_loss": [np.nan] * (2 + len(bounds)) + [float(v) for v in chosen["final_loss"]],
        "outcome": ["", ""] + [""] * len(bounds) + [str(v) for v in chosen["outcome"]],
    })
    spec = filled_spec(_sweep_template, {"sweep": table, "marks": marks}, height=height)
    entry = registry.OPTIMIZERS[optimizer]
    fill_in(spec["layer"], {_OPTIMIZER_COLOUR: entry.colour, _OPTIMIZER_LABEL: entry.label})
    return arrow_datasets(spec)


# Placeholders of the schedule's template: one template serves every schedule.
_SCHEDULE_COLOUR = "@schedule-colour@"
_SCHEDULE_LABEL = "@schedule-label@"


def _schedule_template(height: int) -> alt.Chart:
    return alt.Chart(alt.NamedData("shape"), width="container", height=height).mark_line(
        color=_SCHEDULE_COLOUR, strokeWidth=2.5, interpolate="step-after").encode(
        # The rate of step t holds for the whole of update t: steps, not ramps, between them.
        x=alt.X(field="step", type="quantitative", title="step", scale=alt.Scale(nice=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y(field="factor", type="quantitative", title=f"{_SCHEDULE_LABEL}: × slider rate",
                scale=alt.Scale(domain=[0, 1.05]),
                axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1.0], titleAngle=0, titleAlign="left", titleAnchor="end",
                              titleY=-12, titleX=0)),
        tooltip=[alt.Tooltip(field="schedule", type="nominal"), alt.Tooltip(field="step", type="quantitative"),
                 alt.Tooltip(field="factor", type="quantitative", format=".4g", title="× slider rate")],
    ).configure_axis(**AXIS)


def schedule_chart(shape: pd.DataFrame, schedule: str, *, height: int = 170) -> dict:
    """The schedule's rate at each step as a multiple of the slider's rate (columns step, factor), a Vega-Lite dict."""
    entry = registry.SCHEDULES[schedule]
    spec = filled_spec(_schedule_template, {"shape": shape.assign(schedule=entry.label)}, height=height)
    fill_in(spec["mark"], {_SCHEDULE_COLOUR: entry.colour})
    fill_in(spec["encoding"], {_SCHEDULE_LABEL: entry.label})
    return arrow_datasets(spec)
