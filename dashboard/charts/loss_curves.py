"""Charts of "What is your loss curve telling you?" (pure Altair, no streamlit).

- :func:`curves_chart`: training and validation loss per epoch on a log axis, early stopping's
  epoch as a dashed rule, a diverging run ending at the top edge (a pinned scenario's curves in grey);
- :func:`fit_chart`: the points, the true curve, the fit at the end and the one early stopping keeps.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import palette, words
from dashboard.charts import common
from dashboard.charts import paths as run_charts
from dashboard.formatting import fmt

# The frames' keys and their colours.
SETS = {"training": palette.TRAIN, "validation": palette.VALIDATION}
FITS = {"at the end": palette.PURPLE, "kept by early stopping": palette.GREEN, "the true curve": palette.GREY}

TEXT = words.of("loss_curves")
_CONFIG = alt.Config(axis=alt.AxisConfig(**run_charts.AXIS))


def _curves_template(height: int, pinned: bool) -> alt.LayerChart:
    x = alt.X(field="epoch", type="quantitative", title="epoch", scale=alt.Scale(nice=False))
    # 1, 2 and 5 of each decade: the curves' story lies between 0.03 and 0.5, where powers of ten alone
    # label only 0.1
    y = alt.Y(field="shown", type="quantitative", title="loss (MSE)", scale=alt.Scale(type="log", nice=False),
              axis=common.log_axis((1, 2, 5)))
    lines = alt.Chart(alt.NamedData("curves")).mark_line(strokeWidth=2.4).encode(
        x=x, y=y, color=alt.Color(field="set", type="nominal", scale=common.color_scale(SETS),
                                  legend=run_charts.legend(None, columns=2)),
        tooltip=[alt.Tooltip(field="set", type="nominal"), alt.Tooltip(field="epoch", type="quantitative"),
                 alt.Tooltip(field="loss", type="quantitative", format=".4g")])
    marks = alt.Chart(alt.NamedData("marks"))
    rule = marks.mark_rule(strokeDash=[5, 4], color=palette.MARKER).encode(
        x=x, tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    # The label reads away from the nearer side edge, so it never widens the chart.
    texts = [marks.transform_filter(f"datum.side == '{side}'").mark_text(
        align=side, baseline="top", dx=5 if side == "left" else -5, dy=4, fontSize=12, fontWeight="bold",
        color=palette.MARKER).encode(x=x, y=alt.Y(field="y", type="quantitative"),
                                     text=alt.Text(field="text", type="nominal")) for side in ("left", "right")]
    # Levels the verdicts quote: the noise variance (no model's validation loss can expect less) and the
    # lowest training loss this model can reach (the exact minimizer), dotted and named in the caption and
    # tooltip: the two often lie close together, on the curves, where labels would cover both.
    levels = alt.Chart(alt.NamedData("levels"))
    level_rules = levels.mark_rule(strokeDash=[2, 3], strokeWidth=1.6, color=palette.MARKER).encode(
        y=alt.Y(field="y", type="quantitative"),
        strokeDash=alt.StrokeDash(field="kind", type="nominal", legend=None,
                                  scale=alt.Scale(domain=list(LEVEL_DASHES), range=list(LEVEL_DASHES.values()))),
        tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    extent = common.extent_layer(alt.X(field="epoch", type="quantitative"), alt.Y(field="shown", type="quantitative"))
    under = common.pinned_layers(x, y, detail="set", what="pinned scenario", dashes=PINNED_DASHES) if pinned else []
    return common.layer(*under, level_rules, lines, rule, *texts, extent, width="container", height=height,
                        config=_CONFIG)


@common.built_once
def curves_chart(res, pinned=None, height: int = common.HEIGHT + 40, verdict_shown: bool = True) -> dict:
    """Both losses per epoch; ``pinned``: a pinned scenario's curves in grey underneath. Until a quiz's
    verdict is shown, the line says only where validation is lowest (a "turns up" would give it away)."""
    best = res.verdict.best_epoch
    text = f"early stop: epoch {best}" if verdict_shown else f"lowest validation: epoch {best}"
    if verdict_shown and res.verdict.turn_epoch is not None:
        text = f"validation turns up: epoch {best}"
    marks = pd.DataFrame({"epoch": [best], "y": [res.top], "text": [text],
                          "side": ["left" if best < res.epochs / 2 else "right"]})
    low, top, epochs = res.low, res.top, res.epochs
    frames = {"curves": res.curves, "marks": marks, "levels": levels_frame(res, verdict_shown)}
    if pinned is not None:
        low, top, epochs = min(low, pinned.low), max(top, pinned.top), max(epochs, pinned.epochs)
        frames[common.PINNED_DATA] = pinned.curves.assign(label=pinned.curves["set"])
    frames["extent"] = common.extent_frame((0, epochs), (low, top), x_field="epoch", y_field="shown")
    return common.render(_curves_template, frames, height=int(height), pinned=pinned is not None)


def levels_frame(res, verdict_shown: bool = True) -> pd.DataFrame:
    """The dotted levels (columns x, y, text): the noise variance, and once the verdict is shown the lowest
    training loss this model can reach (in a quiz it would hint at the answer); only those on the axis."""
    rows = [("noise", res.floor, f"noise σ² = {fmt(res.floor, 3)}")]
    if verdict_shown:
        rows.append(("best", res.best_train, f"best training loss of this model = {fmt(res.best_train, 3)}"))
    rows = [row for row in rows if res.low < row[1] < res.top]
    return pd.DataFrame(rows, columns=["kind", "y", "text"])


def levels_caption(res, verdict_shown: bool = True) -> str:
    """The sentence that names the dotted levels of :func:`levels_frame` (after a space), or "" where none
    is on the axis: one whole variant for each set of levels shown."""
    frame = levels_frame(res, verdict_shown)
    text = dict(zip(frame["kind"], frame["text"]))
    if "noise" in text and "best" in text:
        return " " + TEXT("caption.levels-both", noise=text["noise"], best=text["best"])
    if "noise" in text:
        return " " + TEXT("caption.levels-noise", noise=text["noise"])
    if "best" in text:
        return " " + TEXT("caption.levels-best", best=text["best"])
    return ""


LEVEL_DASHES = {"noise": [2, 3], "best": [8, 3]}
# The pinned run's two grey curves: training solid, validation dashed (the page's caption says so).
PINNED_DASHES = {"training": [1, 0], "validation": [10, 5]}


def _fit_template(height: int) -> alt.LayerChart:
    x = alt.X(field="x", type="quantitative", title="x", scale=alt.Scale(domain=[-1, 1], nice=False))
    y = alt.Y(field="y", type="quantitative", title="y", scale=alt.Scale(domain=[-2.5, 2.5]))
    points = alt.Chart(alt.NamedData("points")).mark_circle(size=45, opacity=0.75, clip=True).encode(
        x=x, y=y, color=alt.Color(field="set", type="nominal",
                                  scale=common.color_scale(SETS, labels={"training": "Training", "validation": "Validation"}),
                                  legend=run_charts.legend(None, columns=2)),
        tooltip=[alt.Tooltip(field="set", type="nominal"), alt.Tooltip(field="x", type="quantitative", format=".3f"),
                 alt.Tooltip(field="y", type="quantitative", format=".3f")])
    lines = alt.Chart(alt.NamedData("fits")).mark_line(strokeWidth=2.4, clip=True).encode(
        x=x, y=y, color=alt.Color(field="fit", type="nominal", scale=common.color_scale(FITS),
                                  legend=run_charts.legend(None, columns=3)),
        tooltip=[alt.Tooltip(field="fit", type="nominal"), alt.Tooltip(field="x", type="quantitative", format=".3f"),
                 alt.Tooltip(field="y", type="quantitative", format=".3f")])
    return common.layer(points, lines, width="container", height=height, config=_CONFIG,
                 resolve=run_charts.INDEPENDENT_COLOURS)


@common.built_once
def fit_chart(res, height: int = common.HEIGHT + 40) -> dict:
    """The data, the true curve, and the fits at the end and at early stopping's epoch."""
    return common.render(_fit_template, {"points": res.points, "fits": res.fits}, height=int(height))
