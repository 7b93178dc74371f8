"""Charts of "Why does a confident wrong answer cost so much?" (pure Altair, no streamlit).

- :func:`loss_chart`: cross-entropy and squared error of a probability against the label, over
  every probability, with the chosen one marked;
- :func:`push_chart`: how hard each pushes the logit, |d loss / d z|, over the same axis;
- :func:`softmax_chart`: three logits' softmax probabilities, the true class in colour;
- :func:`training_chart`: the spam model's loss per step under each loss, as a share of its start
  (a pinned scenario's runs in grey underneath).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import palette, registry
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, PINNED_DATA, built_once, color_scale, layer, pinned_layers, render

# The registry's colours of the two losses, as on every other view: squared error is MSE's blue.
_COLOURS = {"cross-entropy": registry.LOSSES["bce"].colour, "squared error": registry.LOSSES["mse"].colour}
_CONFIG = alt.Config(axis=alt.AxisConfig(**run_charts.AXIS))


def _colour(legend: bool = True) -> alt.Color:
    return alt.Color(field="loss", type="nominal", scale=color_scale(_COLOURS),
                     legend=run_charts.legend(None, columns=2) if legend else None)


def _over_p_template(field: str, title: str, height: int) -> alt.LayerChart:
    x = alt.X(field="p", type="quantitative", title="predicted probability of spam, p",
              scale=alt.Scale(domain=[0, 1], nice=False))
    y = alt.Y(field=field, type="quantitative", title=title)
    lines = alt.Chart(alt.NamedData("curves")).mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=_colour(),
        tooltip=[alt.Tooltip(field="loss", type="nominal"), alt.Tooltip(field="p", type="quantitative", format=".3f"),
                 alt.Tooltip(field=field, type="quantitative", format=".4g", title=title)])
    rule = alt.Chart(alt.NamedData("now")).mark_rule(color=palette.MARKER, strokeDash=[4, 3]).encode(x=x)
    dots = alt.Chart(alt.NamedData("now")).mark_point(filled=True, size=90, opacity=1).encode(
        x=x, y=y, color=_colour(legend=False),
        tooltip=[alt.Tooltip(field="loss", type="nominal"), alt.Tooltip(field=field, type="quantitative",
                                                                        format=".4g", title=title)])
    return layer(lines, rule, dots, width="container", height=height, config=_CONFIG)


def _now(res, field: str) -> pd.DataFrame:
    values = (res.ce, res.sq) if field == "value" else (abs(res.ce_grad), abs(res.sq_grad))
    return pd.DataFrame({"p": [res.p, res.p], "loss": ["cross-entropy", "squared error"], field: list(values)})


@built_once
def loss_chart(res, height: int = HEIGHT - 40) -> dict:
    """Both losses over p for the chosen label, the chosen p marked."""
    return render(_over_p_template, {"curves": res.curves, "now": _now(res, "value")}, field="value",
                  title=f"loss when the label is {res.y:g}", height=int(height))


@built_once
def push_chart(res, height: int = HEIGHT - 40) -> dict:
    """|d loss / d z| over p: how hard each loss pushes the logit."""
    return render(_over_p_template, {"curves": res.curves, "now": _now(res, "gradient")}, field="gradient",
                  title="push on the logit |∂loss/∂z|", height=int(height))


def _softmax_template(height: int) -> alt.LayerChart:
    x = alt.X(field="class", type="nominal", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y(field="probability", type="quantitative", title="softmax probability", scale=alt.Scale(domain=[0, 1]))
    base = alt.Chart(alt.NamedData("bars"))
    bars = base.mark_bar().encode(
        x=x, y=y, color=alt.Color(field="kind", type="nominal", legend=run_charts.legend(None, columns=2),
                                  scale=color_scale({"true class": palette.GREEN, "other classes": palette.GREY})),
        tooltip=[alt.Tooltip(field="class", type="nominal"), alt.Tooltip(field="logit", type="quantitative", format=".3f"),
                 alt.Tooltip(field="probability", type="quantitative", format=".3f")])
    text = base.mark_text(dy=-8, fontSize=13, fontWeight="bold").encode(
        x=x, y=y, text=alt.Text(field="probability", type="quantitative", format=".3f"))
    return layer(bars, text, width="container", height=height, config=_CONFIG)


@built_once
def softmax_chart(res, height: int = HEIGHT - 80) -> dict:
    bars = res.bars.assign(kind=["true class" if t else "other classes" for t in res.bars["true"]])
    return render(_softmax_template, {"bars": bars}, height=int(height))


def _training_template(height: int, pinned: bool) -> alt.LayerChart:
    # About six step ticks: at 1,000 steps ten of them put "900" against the flush "1,000".
    x = alt.X(field="step", type="quantitative", title="step", scale=alt.Scale(nice=False),
              axis=alt.Axis(tickCount=6))
    y = alt.Y(field="relative", type="quantitative", title="loss / its value at the start (solid)",
              scale=alt.Scale(domainMin=0))
    tooltip = [alt.Tooltip(field="loss", type="nominal", title="trained on"),
               alt.Tooltip(field="step", type="quantitative"),
               alt.Tooltip(field="value", type="quantitative", format=".4g", title="its loss"),
               alt.Tooltip(field="accuracy", type="quantitative", format=".0%", title="training accuracy")]
    runs = alt.Chart(alt.NamedData("runs"))
    lines = runs.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=_colour(), tooltip=tooltip)
    under = pinned_layers(x, y, detail="series", what="pinned run") if pinned else []
    # Accuracy on its own right-hand axis, dashed in the same colours: the lesson's 97% against 3% is
    # a result a slide should carry, not only a tooltip.
    accuracy = runs.mark_line(strokeWidth=2, strokeDash=[6, 4]).encode(
        x=x, y=alt.Y(field="accuracy", type="quantitative", scale=alt.Scale(domain=[0, 1]),
                     axis=alt.Axis(format="%", orient="right", title="training accuracy (dashed)")),
        color=_colour(legend=False), tooltip=tooltip)
    return alt.layer(layer(*under, lines), accuracy).resolve_scale(y="independent").properties(
        width="container", height=height).configure(**_CONFIG.to_dict())


@built_once
def training_chart(res, pinned=None, height: int = HEIGHT - 40) -> dict:
    """Each run's loss over its start, per step; ``pinned``: a pinned scenario's runs in grey."""
    frames = {"runs": res.runs}
    if pinned is not None:
        frames[PINNED_DATA] = pinned.runs.assign(series=pinned.runs["loss"], label=pinned.runs["loss"])
    return render(_training_template, frames, height=int(height), pinned=pinned is not None)
