"""Charts of "When a miss costs more than a false alarm, where should the line go?".

Each builder takes frames of :mod:`dashboard.scenarios.business_costs` (``FraudOutcome``'s and
``DemandOutcome``'s, whose docstrings give their columns) and renders a template over named datasets
(:func:`dashboard.charts.common.render`). Colours from :mod:`dashboard.palette` only (mistake kinds from
``MISTAKES``, fits from ``LOSSES``, threshold rules in ``MARKER``).
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from dashboard import registry
from dashboard.charts.common import HEIGHT, PINNED_DATA, built_once, color_scale, haloed_text, pinned_layers, render
from dashboard.palette import DATA, MARKER, MISTAKES, OUTLIER
from dashboard.shared.business_costs import ERROR_PARTS, FIT_LABELS, MISTAKE_LABELS

LOSSES = registry.colours(registry.LOSSES)

COST_PARTS = ("missed", "false_alarm", "total")
COST_PART_LABELS = {"missed": "Missed fraud", "false_alarm": "False alarms", "total": "Total"}
CELL_KINDS = {"correct": "Correct (free)", **MISTAKE_LABELS}
OUTCOME_KIND = {"caught": "correct", "passed": "correct", "false_alarm": "false_alarm", "missed": "missed"}
RULE_KINDS = ("optimal", "default")  # the cost-optimal threshold (solid rule) and 0.5 (dashed)
LABEL_FLIP = 0.1  # threshold above which a rule's label sits to its left
CONFUSION_WIDTH = 210  # px, each confusion matrix: with its row labels and title it fits a 390 px phone
DAY_KINDS = {"ordinary": "Ordinary day", "rush": "Rush day"}


# --------------------------------------------------------------------------- fraud: cost curve


def _curve_template(pinned: bool = False) -> alt.LayerChart:
    colors = color_scale(MISTAKES, COST_PART_LABELS, keys=COST_PARTS)
    x = alt.X("threshold:Q", title="threshold: flag when P(fraud) ≥ this (log scale)",
              scale=alt.Scale(type="log", nice=False), axis=alt.Axis(format="~g"))
    y = alt.Y("cost:Q", title="cost per test transaction ($)")
    tooltip = [alt.Tooltip("label:N", title="cost of"), alt.Tooltip("threshold:Q", format=".4g"),
               alt.Tooltip("cost:Q", title="$ per transaction", format="$,.4f")]
    legend = alt.Legend(title=None, orient="top", labelFontSize=12, symbolStrokeWidth=3)
    # One row per threshold, one column per part: folded into (label, cost) rows by Vega-Lite.
    base = alt.Chart(alt.NamedData("curve")).transform_fold(
        list(COST_PARTS), as_=["part", "cost"]
    ).transform_calculate(label=f"{json.dumps(COST_PART_LABELS)}[datum.part]").encode(
        x=x, y=y, color=alt.Color("label:N", scale=colors, legend=legend), tooltip=tooltip)
    parts = base.transform_filter("datum.part != 'total'").mark_line(strokeWidth=2, opacity=0.8)
    total = base.transform_filter("datum.part == 'total'").mark_line(strokeWidth=3.5)

    # Labels stay inside the plot (left of a rule on the right half of the axis, right of it
    # otherwise), one line each, so they neither overlap nor change the chart's size.
    marks = alt.Chart(alt.NamedData("markers")).transform_calculate(
        label_y=f"datum.kind == '{RULE_KINDS[0]}' ? 4 : 22", label_left=f"datum.threshold > {LABEL_FLIP}",
    ).encode(
        x="threshold:Q",
        tooltip=[alt.Tooltip("rule:N", title="threshold"), alt.Tooltip("threshold:Q", format=".4g"),
                 alt.Tooltip("cost:Q", title="$ per transaction", format="$,.4f"),
                 alt.Tooltip("total:Q", title="total on the test half", format="$,.0f")],
    )
    rules = marks.mark_rule(color=MARKER, strokeWidth=1.5).encode(
        strokeDash=alt.StrokeDash("kind:N", legend=None,
                                  scale=alt.Scale(domain=list(RULE_KINDS), range=[[1, 0], [6, 4]])))
    text = {"baseline": "top", "color": MARKER, "fontSize": 13, "fontWeight": "bold"}
    label_at = {"y": alt.Y("label_y:Q", scale=None), "text": alt.Text("rule:N")}
    right = haloed_text(marks.transform_filter("datum.label_left"), label_at, align="right", dx=-5, **text)
    left = haloed_text(marks.transform_filter("!datum.label_left"), label_at, align="left", dx=5, **text)
    dots = marks.mark_point(color=MARKER, size=80, filled=True).encode(y="cost:Q")
    under = pinned_layers(x, y, what="pinned scenario") if pinned else []
    return alt.layer(*under, parts, total, rules, *right, *left, dots).properties(width="container", height=HEIGHT)


@built_once
def cost_curve(curve: pd.DataFrame, markers: pd.DataFrame, pinned: pd.DataFrame | None = None) -> dict:
    """Cost per transaction against the threshold (log axis): missed, false alarms, total; each of
    ``markers`` a vertical rule labelled at the top and a point on the total curve; a ``pinned``
    scenario's ``curve``, its total drawn wide and light grey underneath."""
    frames = {"curve": curve, "markers": markers}
    if pinned is not None:
        frames[PINNED_DATA] = pd.DataFrame({"threshold": pinned["threshold"], "cost": pinned["total"],
                                            "series": "total", "label": "total cost"})
    return render(_curve_template, frames, pinned=pinned is not None)


# --------------------------------------------------------------------------- fraud: confusion


def _confusion_template() -> alt.FacetChart:
    colors = color_scale(MISTAKES, CELL_KINDS, keys=CELL_KINDS)
    x = alt.X("decision:N", title="decision", sort=["Flagged", "Passed"], axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("actual:N", title="actual", sort=["Fraud", "Legit"])
    tooltip = [alt.Tooltip("rule:N", title="threshold"), alt.Tooltip("label:N", title="outcome"),
               alt.Tooltip("count:Q", format=","), alt.Tooltip("unit_cost:Q", title="$ each", format="$,.0f"),
               alt.Tooltip("cost:Q", title="cost", format="$,.0f")]
    kinds = {outcome: CELL_KINDS[kind] for outcome, kind in OUTCOME_KIND.items()}
    base = alt.Chart().encode(x=x, y=y, tooltip=tooltip)
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("kind:N", scale=colors, legend=alt.Legend(title=None, orient="bottom", columns=2)),  # fits a phone
        opacity=alt.condition(f"datum.kind == '{CELL_KINDS['correct']}'", alt.value(0.25), alt.value(0.85)),
    )
    counts = base.mark_text(fontSize=20, fontWeight="bold", dy=-9, color=MARKER).encode(
        text=alt.Text("count:Q", format=","))
    dollars = base.mark_text(fontSize=12, dy=12, color=MARKER).encode(text="cost_text:N")
    return (
        alt.layer(cells, counts, dollars, data=alt.NamedData("confusion"))
        .transform_calculate(
            kind=f"{json.dumps(kinds)}[datum.outcome]",
            cost_text="datum.cost == 0 ? 'free' : '$' + format(datum.cost, ',.0f')",
        )
        .properties(width=CONFUSION_WIDTH, height=110)
        .facet(row=alt.Row("rule:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                           header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelOrient="top",
                                             labelAnchor="middle", labelAngle=0)))
        .resolve_axis(x="independent")
    )


@built_once
def confusion_chart(confusion: pd.DataFrame) -> dict:
    """Two small confusion matrices, one above the other (one per marked threshold): counts and dollars."""
    return render(_confusion_template, {"confusion": confusion})


# --------------------------------------------------------------------------- demand


def _demand_template(with_rush: bool) -> alt.LayerChart:
    colors = color_scale(LOSSES, FIT_LABELS, keys=FIT_LABELS)
    x = alt.X("temperature:Q", title="temperature (°C)", scale=alt.Scale(zero=False))
    # The legend names rush days only when there are some.
    present = {k: v for k, v in DAY_KINDS.items() if with_rush or k != "rush"}
    kinds = list(present.values())
    legend = alt.Legend(title=None, orient="bottom-right", fillColor="white", padding=4)
    days = alt.Chart(alt.NamedData("points"))
    dots = days.transform_calculate(
        kind=f"datum.rush ? '{DAY_KINDS['rush']}' : '{DAY_KINDS['ordinary']}'",
    ).mark_point(filled=True, opacity=0.75, strokeWidth=0).encode(
        x=x,
        y=alt.Y("demand:Q", title="ice creams sold that day (units)"),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"][:len(kinds)]),
                        legend=legend),
        # fill, not color: the lines' colour scale stays their own and one legend shows both channels.
        fill=alt.Fill("kind:N", scale=color_scale({k: {"ordinary": DATA, "rush": OUTLIER}[k] for k in present}, present),
                      legend=legend),
        size=alt.condition("datum.rush", alt.value(110), alt.value(55)),
        tooltip=[alt.Tooltip("day:Q"), alt.Tooltip("temperature:Q", title="°C", format=".3g"),
                 alt.Tooltip("demand:Q", title="units sold", format=".4g"), alt.Tooltip("kind:N", title="kind"),
                 alt.Tooltip("forecast_mse:Q", title="MSE forecast", format=".4g"),
                 alt.Tooltip("forecast_quantile:Q", title="quantile forecast", format=".4g")],
    )
    # Both fitted lines through every day's temperature (straight, so the days are enough).
    columns = {"forecast_mse": FIT_LABELS["mse"], "forecast_quantile": FIT_LABELS["asymmetric"]}
    fits = days.transform_fold(list(columns), as_=["fit", "forecast"]).transform_calculate(
        label=f"{json.dumps(columns)}[datum.fit]",
    ).mark_line(strokeWidth=3).encode(
        x=x, y="forecast:Q",
        color=alt.Color("label:N", scale=colors, legend=alt.Legend(title=None, orient="top-left", fillColor="white",
                                                                    padding=4)),
        tooltip=[alt.Tooltip("label:N", title="fit"), alt.Tooltip("temperature:Q", title="°C", format=".3g"),
                 alt.Tooltip("forecast:Q", title="forecast (units)", format=".4g")],
    )
    return alt.layer(dots, fits).properties(width="container", height=HEIGHT)


@built_once
def demand_chart(points: pd.DataFrame) -> dict:
    """The days (rush days darker) with the MSE fit and the cost-optimal quantile fit."""
    return render(_demand_template, {"points": points}, with_rush=bool(points["rush"].any()))


def _demand_cost_template() -> alt.LayerChart:
    colors = color_scale(MISTAKES, ERROR_PARTS, keys=ERROR_PARTS)
    # Each word of a fit's name on its own line, so the names fit under narrow columns.
    x = alt.X("label:N", title=None, sort=list(FIT_LABELS.values()),
              axis=alt.Axis(labelAngle=0, labelFontSize=12, labelExpr="split(datum.label, ' ')", labelPadding=6))
    costs = alt.Chart(alt.NamedData("costs"))
    bars = costs.mark_bar(size=56).encode(
        x=x,
        y=alt.Y("cost:Q", title="cost over the fitted days ($)", stack="zero", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("part_label:N", scale=colors, legend=alt.Legend(title=None, orient="top")),
        order=alt.Order("part:N", sort="descending"),
        tooltip=[alt.Tooltip("label:N", title="fit"), alt.Tooltip("part_label:N", title="part"),
                 alt.Tooltip("cost:Q", title="cost", format="$,.2f"), alt.Tooltip("total:Q", format="$,.2f")],
    )
    totals = (
        costs.transform_aggregate(total="max(total)", groupby=["label"])
        .transform_calculate(text="'$' + format(datum.total, ',.0f')")
        .mark_text(baseline="bottom", dy=-4, fontSize=14, fontWeight="bold", color=MARKER)
        .encode(x=x, y="total:Q", text="text:N")
    )
    return alt.layer(bars, totals).properties(width="container", height=HEIGHT)


@built_once
def demand_cost_chart(costs: pd.DataFrame) -> dict:
    """Each fit's total cost as a column split into stock-outs and leftovers, total on top."""
    return render(_demand_cost_template, {"costs": costs})
