"""Charts of the learning-rate page: the loss valley with three paths, their loss curves, the
sweep of final loss over 100 rates, and the schedule's shape. Pure Altair, no streamlit.

The page redraws all of them whenever a slider moves, so they are built to be cheap:

- each is made by :func:`dashboard.charts.common.render`: a template serialized once (one
  per chart, whatever the scenario), this scenario's data as Arrow tables, and the few
  scenario values a spec holds (the valley's window, its cells' size, the legend's rates, the
  optimizer's and the schedule's colour and name, the axes' extents) written over the
  template's placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette, registry
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, built_once, color_scale, extent_frame, extent_layer, layer, log_axis, render
from dashboard.formatting import fmt
from dashboard.shared.learning_rate import ROLES


@built_once
def contour_chart(surface: pd.DataFrame, cell: tuple[float, float], window: Sequence[float], paths: pd.DataFrame,
                  exits: pd.DataFrame, labels: Mapping[str, str], optimum: tuple[float, float],
                  *, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """MSE over (w, b) as quarter-decade grey bands, with each rate's path from (0, 0) (a Vega-Lite dict).

    A square plot with one scale on both axes (``window`` is square), so the valley's length
    against its width is the true one: what makes one rate too large for the steep direction
    and too small for the long one.

    Args:
        surface, paths, exits: the frames of :mod:`dashboard.charts.paths` (x = w, y = b, value = MSE;
            series: the role).
        cell: (dw, db) size of one grid cell.
        window: (w_low, w_high, b_low, b_high), the plotted area; paths are clipped to it.
        labels: role -> legend label (every role of ROLES).
        optimum: (w*, b*).
    """
    return run_charts.contour_chart(
        surface, cell, window, paths, exits, {k: (labels[k], palette.RATE_ROLES[k]) for k in ROLES},
        [("start", 0.0, 0.0, "start (0, 0)"), ("optimum", optimum[0], optimum[1], "optimum")],
        titles=("slope w", "intercept b", "MSE"), size=size)


# An excess over the optimum below this share of the "within" gap is drawn at the axis's bottom
# (1e-4 of 1% of the optimum: a millionth of the optimum on the built-in line).
CURVE_FLOOR = 1e-4


@built_once
def loss_curves_chart(curves: pd.DataFrame, diverged: pd.DataFrame, labels: Mapping[str, str],
                      optimum_loss: float, start_loss: float, steps: int,
                      *, within: float | None = None, height: int = HEIGHT + 80,
                      pinned: pd.DataFrame | None = None) -> dict:
    """How far each run's loss is above the optimum, per step, on a log axis (a Vega-Lite dict).

    On a log axis the plain loss flattens onto the optimum and hides whether a run is 20%
    or 0.01% away; the gap ``loss - optimum`` keeps shrinking by a constant factor per
    step while a run converges (a straight line) and shows the "within 1%" line clearly.
    A diverged run leaves the top and is marked "diverged at step k".

    Args:
        curves: columns series (the role), label, step, value (the MSE), rate, excess (finite values only).
        diverged: columns series, label, step: one row per diverged run.
        labels: role -> label with the rate (tooltips).
        optimum_loss: the least-squares minimum.
        within: how far above it a run counts as arrived (the dashed line;
            :attr:`dashboard.valley.LineValley.within_gap`); default 1% of it.
        start_loss: loss at the start; the axis stops 10x above its gap.
        steps: number of updates (the x range).
        pinned: a pinned scenario's ``curves``, drawn wide and light grey underneath.
    """
    within = 0.01 * optimum_loss if within is None else within
    top = (start_loss - optimum_loss) * 10.0
    excess = curves["excess"].to_numpy(dtype=float)
    positive = excess[excess > 0]
    low = max(float(positive.min()) if positive.size else top, CURVE_FLOOR * within) * 0.5
    low = min(low, 0.2 * within)
    # The legend names the roles; each line's tooltip names its run, with its rate.
    lines = curves.rename(columns={"label": "run"}).assign(label=curves["series"])
    return run_charts.loss_curves_chart(
        lines, diverged, {k: (k, palette.RATE_ROLES[k]) for k in ROLES},
        shown=excess, low=low, top=top, steps=steps,
        rules=[(within, f"within {within:.3g} of the optimum (MSE ≤ {optimum_loss + within:.4g})")],
        titles=("step (number of updates)", "MSE above the optimum (log)", "MSE"),
        extra=[("excess", "above the optimum", ".3g")], height=height,
        pinned=pinned,
        pinned_shown=None if pinned is None else pinned["excess"].to_numpy(dtype=float))


# Placeholders of the sweep's template: one template serves every optimizer.
_OPTIMIZER_COLOUR = "@optimizer-colour@"
_OPTIMIZER_LABEL = "@optimizer-label@"


def _sweep_template(height: int) -> alt.LayerChart:
    colour, optimizer = _OPTIMIZER_COLOUR, _OPTIMIZER_LABEL
    x = alt.X(field="lr", type="quantitative", scale=alt.Scale(type="log", nice=False),
              title="learning rate η (log scale)", axis=alt.Axis(format="~g"))
    y = alt.Y(field="shown", type="quantitative", scale=alt.Scale(type="log", nice=False),
              title="final MSE above the optimum (log scale)", axis=log_axis())
    tips = [alt.Tooltip(field="lr", type="quantitative", format=".4g", title="learning rate"),
            alt.Tooltip(field="final_loss", type="quantitative", format=".4g", title=f"final MSE ({optimizer})"),
            alt.Tooltip(field="excess", type="quantitative", format=".3g", title="above the optimum"),
            alt.Tooltip(field="outcome", type="nominal", title="outcome")]
    sweep = alt.Chart(alt.NamedData("sweep"))
    marks = alt.Chart(alt.NamedData("marks"))
    stable = sweep.transform_filter("!datum.diverged").mark_line(
        color=colour, strokeWidth=2, point=alt.OverlayMarkDef(size=30, filled=True, color=colour, opacity=1),
    ).encode(x=x, y=y, tooltip=tips)
    # Diverged runs: a row of triangles above the curve (their loss is off the scale).
    # Their tooltip has no final MSE: a diverged run's is infinite, and its outcome says so in words.
    blown = sweep.transform_filter("datum.diverged").mark_point(
        shape="triangle-up", filled=True, color=colour, size=60, opacity=1).encode(
        x=x, y=y, tooltip=[tips[0], tips[-1]])
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
        x=x, y=y, color=alt.Color(field="role", type="nominal", scale=color_scale(palette.RATE_ROLES),
                                  legend=run_charts.legend("the three slider rates", orient="right")),
        tooltip=[alt.Tooltip(field="label", type="nominal", title="run"),
                 alt.Tooltip(field="final_text", type="nominal", title="final MSE"),
                 alt.Tooltip(field="outcome", type="nominal", title="outcome")])
    # The final-loss axis: from a little below the lowest loss to well above the row of triangles.
    extent = extent_layer(None, alt.Y(field="shown", type="quantitative"))
    return layer(stable, blown, rules, *rule_notes, picks, extent, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def sweep_chart(table: pd.DataFrame, chosen: pd.DataFrame, labels: Mapping[str, str], *, critical: float,
                optimizer: str, optimum: float, momentum_bound: float | None = None,
                within: float | None = None, height: int = HEIGHT + 20) -> dict:
    """Final loss above the optimum against the learning rate (both log) as a Vega-Lite dict;
    diverged runs as triangles in a row above the curve.

    The excess, not the loss itself: a run that stopped 15% above the optimum and one that
    reached it differ by a factor of thousands here, where their final MSEs (1.33 and 1.158)
    would sit side by side on the floor. As in the loss curves, the axis stops at a millionth
    of the optimum: a run closer than that runs along the bottom.

    Args:
        table: columns lr, final_loss, diverged, outcome (one row per rate); diverged runs are
            drawn in a row at 3x the highest final loss.
        chosen: columns role, label, lr, final_loss, diverged, outcome: the three slider rates.
        labels: role -> label with the rate (tooltips).
        critical: plain GD's critical rate 2 / lambda_max, drawn as a vertical rule.
        optimum: the lowest possible MSE (the normal equation's).
        within: the gap above it that counts as arrived (default 1% of it); the axis stops at
            :data:`CURVE_FLOOR` of that.
        optimizer: the optimizer's id in :data:`dashboard.registry.OPTIMIZERS` (its colour and name).
        momentum_bound: if given, heavy-ball momentum's limit 2 (1 + mu) / lambda_max, a dashed rule.
    """
    floor = (0.01 * optimum if within is None else within) * CURVE_FLOOR
    finals, diverged = table["final_loss"].to_numpy(dtype=float), table["diverged"].to_numpy(dtype=bool)
    with np.errstate(invalid="ignore"):
        excess = np.maximum(finals - optimum, floor)
    ran = excess[np.isfinite(excess) & ~diverged]
    ceiling = 3.0 * (float(ran.max()) if ran.size else 10.0)
    table = pd.DataFrame({"lr": table["lr"].to_numpy(), "final_loss": finals, "diverged": diverged,
                          "outcome": table["outcome"].array, "excess": finals - optimum,
                          "shown": np.where(diverged, ceiling, excess)})
    chosen_finals = chosen["final_loss"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        picked = np.where(chosen["diverged"].to_numpy(dtype=bool), ceiling, np.maximum(chosen_finals - optimum, floor))
    every = np.concatenate([table["shown"].to_numpy(), picked])
    every = every[np.isfinite(every)]
    low, high = float(every.min()), float(every.max())
    bounds = [("critical", critical, f"plain GD's critical rate {critical:.3g}")]
    if momentum_bound is not None:
        bounds.append(("momentum", momentum_bound, f"momentum's limit {momentum_bound:.3g}"))
    n = len(chosen)
    marks = pd.DataFrame({
        "kind": [k for k, *_ in bounds] + ["chosen"] * n,
        "lr": [v for _, v, _ in bounds] + [float(v) for v in chosen["lr"]],
        "shown": [np.nan] * len(bounds) + [float(v) for v in picked],
        "text": [t for _, _, t in bounds] + [""] * n,
        "role": [""] * len(bounds) + [str(v) for v in chosen["role"]],
        "label": [""] * len(bounds) + [str(v) for v in chosen["label"]],
        "final_loss": [np.nan] * len(bounds) + [float(v) for v in chosen["final_loss"]],
        "final_text": [""] * len(bounds) + [fmt(float(v)) for v in chosen["final_loss"]],
        "outcome": [""] * len(bounds) + [str(v) for v in chosen["outcome"]],
    })
    entry = registry.OPTIMIZERS[optimizer]
    extent = extent_frame(y=(low * 0.8, high * 6.0), y_field="shown")
    # Black, not the optimizer's colour: momentum's green and Adam's vermillion are also the colours of the
    # "good" and "too large" runs on this page, and the sweep is neither.
    return render(_sweep_template, {"sweep": table, "marks": marks, "extent": extent}, height=height,
                  values={_OPTIMIZER_COLOUR: palette.MARKER, _OPTIMIZER_LABEL: entry.label})


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
    ).configure_axis(**run_charts.AXIS)


@built_once
def schedule_chart(shape: pd.DataFrame, schedule: str, *, height: int = 170) -> dict:
    """The schedule's rate at each step as a multiple of the slider's rate (columns step, factor), a Vega-Lite dict."""
    entry = registry.SCHEDULES[schedule]
    # Black for the same reason as the sweep: a schedule's colour here would read as one of the three runs.
    return render(_schedule_template, {"shape": shape.assign(schedule=entry.label)}, height=height,
                  values={_SCHEDULE_COLOUR: palette.MARKER, _SCHEDULE_LABEL: entry.label})
