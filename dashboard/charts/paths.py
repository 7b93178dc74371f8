"""Charts of optimizer runs, for every view that draws them: paths on a surface's contours and
loss-per-step curves on a log axis. Pure Altair, no streamlit.

Each run is a *series*: a key in the frames' ``series`` column (the role, the optimizer...),
drawn in its colour under its legend label. Templates are serialized once per number of
series (``charts.common.render``); the labels, colours, the surface's window and the axes'
extents are placeholders filled in by ``render``, so a rerun only refills data.

Frames (see :mod:`dashboard.paths` for how the rows are chosen):

- surface: columns x, y, value, level: cell centres of a regular grid, drawn as few
  rectangles of equal level (:func:`dashboard.paths.bands`);
- paths: series, label, step, x, y, value (thinned; a diverged run ends at its first point
  outside the window);
- exits: series, label, step, x, y: where a path first leaves the window;
- curves: series, label, step, value, plus any tooltip columns; diverged: series, step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette
from dashboard import paths as run_rows
from dashboard.charts.common import (
    HEIGHT,
    PINNED_DATA,
    built_once,
    color_scale,
    extent_frame,
    extent_layer,
    haloed_text,
    layer,
    log_axis,
    pinned_layers,
    render,
)

BAND_SCHEME = alt.SchemeParams(name="greys", extent=[0.0, 0.5])
BAND_RATIO = 10 ** 0.25  # a band's top over its bottom (dashboard.paths.quarter_decades)
LABEL_CHAR_PX = 7.0  # the width of one character of a bold 12 px label, roughly (Source Sans)
SEAM = 1.5  # cells overlap their neighbours, so no anti-aliased hairlines show between them
INDEPENDENT_COLOURS = alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))
MARKER_SHAPES = {"start": "cross", "optimum": "cross", "minimum": "cross", "exit": "diamond", "now": "circle",
                 # a run's marker that lies outside the window sits on its edge, pointing the way it went
                 "now-left": "triangle-left", "now-right": "triangle-right", "now-up": "triangle-up",
                 "now-down": "triangle-down"}
AXIS = dict(labelFontSize=12, titleFontSize=13)  # readable on a slide
CONTOUR_SIZE = 290  # px, the square plot: with its y axis (~55 px) it fits a 390 px phone's 358 px column


def legend(title: str | None = None, orient: str = "bottom", columns: int = 3) -> alt.Legend:
    if orient == "bottom":
        return alt.Legend(title=title, orient="bottom", direction="horizontal", columns=columns,
                          labelLimit=200 if columns > 1 else 300,
                          symbolStrokeWidth=3, labelFontSize=11, columnPadding=6, symbolSize=60)
    return alt.Legend(title=title, orient=orient, labelLimit=200, symbolStrokeWidth=3, labelFontSize=12)


def _series_placeholders(n: int, with_marker: bool = False) -> alt.Scale:
    """A colour scale of n series (label and colour placeholders), plus black "" when asked."""
    colours = {f"@label-{k}@": f"@colour-{k}@" for k in range(n)}
    if with_marker:
        colours[""] = palette.MARKER
    return color_scale(colours)


def _series_values(series: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    values = {}
    for k, (label, colour) in enumerate(series.values()):
        values[f"@label-{k}@"], values[f"@colour-{k}@"] = label, colour
    return values


def _pulled_inside(values, low: float, high: float, margin: float) -> np.ndarray:
    """Values pulled at least ``margin`` (a fraction of the range) inside [low, high], for labels."""
    span = high - low
    return np.clip(np.asarray(values, dtype=np.float64), low + margin * span, high - margin * span)


def on_edge(x, y, window: Sequence[float], margin: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points pulled onto the window's edge where they lie outside it (a non-finite one too), and
    the edge each was pulled to: "" inside, else "left", "right", "up" or "down" (the side it is
    furthest beyond, in window widths). A pulled point goes ``margin`` (a fraction of the window's
    width or height) inside the edge, so a marker on it shows whole; one inside is not moved.

    A marker drawn where the data put it can lie millions of widths outside the plot (a diverged
    run), and a chart sized to hold its marks ("pad") then grows to millions of pixels.
    """
    x0, x1, y0, y1 = (float(v) for v in window)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    # NaN is nowhere: put it far past the right edge, so it lands there pointing out.
    x = np.where(np.isnan(x), np.inf, x)
    y = np.where(np.isnan(y), (y0 + y1) / 2, y)
    cx, cy = np.clip(x, x0, x1), np.clip(y, y0, y1)
    with np.errstate(invalid="ignore", over="ignore"):
        over_x = np.abs(x - cx) / (x1 - x0)
        over_y = np.abs(y - cy) / (y1 - y0)
    side = np.where(over_x >= over_y, np.where(x > x1, "right", "left"), np.where(y > y1, "up", "down"))
    out = (over_x > 0) | (over_y > 0)
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    cx = np.where(out, np.clip(cx, x0 + mx, x1 - mx), cx)
    cy = np.where(out, np.clip(cy, y0 + my, y1 - my), cy)
    return cx, cy, np.where(out, side, "")


def staggered(x, y, *, near_x: float, step_y: float, low: float, high: float,
              spans: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Label heights ``y`` moved so that no two labels overlap: a label within ``near_x`` across
    and ``step_y`` up or down of one placed before it (in the order given) moves one
    ``step_y`` further (up while there is room below ``high``, else down) until it is clear.
    ``spans``: each label's (left, right) extent across, where known; then two labels are near
    across when their extents overlap (a right-aligned label reaches left of its anchor), and
    ``near_x`` is ignored. Data units; for a log axis pass log values."""
    x = np.asarray(x, dtype=np.float64)
    out = np.array(y, dtype=np.float64)
    left, right = (None, None) if spans is None else (np.asarray(spans[0], float), np.asarray(spans[1], float))
    for i in range(out.size):
        away = step_y if out[i] + 2 * step_y <= high else -step_y
        across = (np.abs(x[:i] - x[i]) < near_x) if spans is None else (left[:i] < right[i]) & (left[i] < right[:i])
        for _ in range(out.size):
            close = across & (np.abs(out[:i] - out[i]) < 0.999 * step_y)
            if not close.any():
                break
            out[i] += away
    return out


# --------------------------------------------------------------------------- paths on contours

_WINDOW = ("@x0@", "@x1@", "@y0@", "@y1@")  # the plotted box


def _contour_template(size: int, n_series: int, x_title: str, y_title: str, value_title: str) -> alt.LayerChart:
    x0, x1, y0, y1 = _WINDOW
    x_scale = alt.Scale(domain=[x0, x1], nice=False, zero=False)
    y_scale = alt.Scale(domain=[y0, y1], nice=False, zero=False)
    x = alt.X(field="x", type="quantitative", scale=x_scale, axis=alt.Axis(title=x_title, grid=False))
    y = alt.Y(field="y", type="quantitative", scale=y_scale, axis=alt.Axis(title=y_title, grid=False))
    tip_x = alt.Tooltip(field="x", type="quantitative", format=".4g", title=x_title)
    tip_y = alt.Tooltip(field="y", type="quantitative", format=".4g", title=y_title)
    tip_value = alt.Tooltip(field="value", type="quantitative", format=".4g", title=value_title)

    level = alt.Color(field="level", type="quantitative", scale=alt.Scale(type="log", scheme=BAND_SCHEME),
                      legend=alt.Legend(title=value_title, orient="bottom", direction="horizontal", labelOverlap=True,
                                        # two digits at most: a band edge such as 10^-3.5 is 0.00032, not 0.000316227766
                                        labelExpr="datum.value >= 1e4 || datum.value < 1e-3 ? format(datum.value, '.0e') "
                                                  ": format(datum.value, '.2~r')",
                                        gradientLength=min(160, size // 2), titleOrient="left"))
    bands = alt.Chart(alt.NamedData("bands")).transform_calculate(top=f"datum.level * {BAND_RATIO}").mark_rect(
        strokeWidth=0, clip=True,
    ).encode(
        x=alt.X(field="x_lo", type="quantitative", scale=x_scale, axis=alt.Axis(title=x_title, grid=False)),
        x2=alt.X2(field="x_hi"),
        y=alt.Y(field="y_lo", type="quantitative", scale=y_scale, axis=alt.Axis(title=y_title, grid=False)),
        y2=alt.Y2(field="y_hi"),
        color=level,
        tooltip=[alt.Tooltip(field="level", type="quantitative", format=".3g", title=f"{value_title} from"),
                 alt.Tooltip(field="top", type="quantitative", format=".3g", title="to")],
    )
    lines = alt.Chart().mark_line(  # the paths go on the layer chart: Altair then skips hashing them per layer
        strokeWidth=2.2, clip=True, point=alt.OverlayMarkDef(size=22, filled=True, opacity=1, clip=True),
    ).encode(
        x=x, y=y, color=alt.Color(field="label", type="nominal", scale=_series_placeholders(n_series),
                                  legend=legend(columns=1)),  # one per line: labels can be long
        order=alt.Order(field="step", type="quantitative"), detail=alt.Detail(field="series", type="nominal"),
        tooltip=[alt.Tooltip(field="label", type="nominal", title="run"), alt.Tooltip(field="step", type="quantitative"),
                 tip_x, tip_y, tip_value],
    )
    marks = alt.Chart(alt.NamedData("marks"))
    colour = alt.Color(field="label", type="nominal", scale=_series_placeholders(n_series, with_marker=True),
                       legend=None)
    # Not clipped (an exit's diamond on the edge shows whole): every mark's row is inside the
    # window by construction (`on_edge`), so the chart's size never follows a far-away point.
    symbols = marks.mark_point(filled=True, size=170, opacity=1, stroke=palette.MARKER, strokeWidth=0.8).encode(
        x=x, y=y, color=colour,
        shape=alt.Shape(field="kind", type="nominal", legend=None,
                        scale=alt.Scale(domain=list(MARKER_SHAPES), range=list(MARKER_SHAPES.values()))),
        tooltip=[alt.Tooltip(field="text", type="nominal", title=" "), tip_x, tip_y],
    )
    # Every mark's name but the runs' markers at step k (their colour and the tooltip say whose they are),
    # on a white halo: a noisy run's scatter otherwise swallows "optimum" (the batch-size review).
    notes = [
        layer_ for side in ("left", "right") for layer_ in haloed_text(
            marks.transform_filter(f"datum.side == '{side}' && indexof(datum.kind, 'now') != 0"),
            dict(x=alt.X(field="x_text", type="quantitative", scale=x_scale),
                 y=alt.Y(field="y_text", type="quantitative", scale=y_scale),
                 color=colour, text=alt.Text(field="text", type="nominal")),
            align=side, dx=-8 if side == "right" else 8, dy=-13, fontSize=12, fontWeight="bold")
    ]
    # A square plot of a square window: one scale on both axes. "pad": width and height are the
    # plot's own, axes and legends come around it. Legends go below, so the chart is the plot's
    # width plus one axis: it fits a phone (390 px) at the default size.
    return layer(bands, lines, symbols, *notes, data=alt.NamedData("paths"), width=size, height=size,
                 autosize=alt.AutoSizeParams(type="pad"), resolve=INDEPENDENT_COLOURS,
                 config=alt.Config(axis=alt.AxisConfig(**AXIS)))


_NO_EXITS = pd.DataFrame({"series": [], "label": [], "step": [], "x": [], "y": []})


@built_once
def contour_chart(surface: pd.DataFrame, cell: tuple[float, float], window: Sequence[float], paths: pd.DataFrame,
                  exits: pd.DataFrame | None, series: Mapping[str, tuple[str, str]],
                  points: Sequence[tuple[str, float, float, str]], *, titles: tuple[str, str, str],
                  size: int = CONTOUR_SIZE, now: pd.DataFrame | None = None) -> dict:
    """A surface as log-spaced grey bands with each series' path on it (a Vega-Lite dict).

    The plot is ``size`` pixels square; a ``window`` that is square too (``dashboard.paths.window``
    with ``square=True``) gives both axes one scale, so the surface keeps its true shape. Draw it
    with ``layout.chart(..., width="content")``.

    Args:
        surface, paths, exits: the frames of the module docstring (exits None: no path leaves the window).
        cell: (dx, dy) size of one grid cell.
        window: (x_low, x_high, y_low, y_high), the plotted box; paths are clipped to it.
        series: key -> (legend label, colour), in legend order.
        points: (kind, x, y, text) of the fixed marks: "start", "optimum" or "minimum".
        titles: the x axis, the y axis and the surface's value ("slope w", "intercept b", "MSE").
        now: where each run is at one step (columns label, x, y, step; a step scrubber's markers),
            drawn as a dot of its colour, unlabelled.
    """
    x0, x1, y0, y1 = (float(v) for v in window)
    exits = _NO_EXITS if exits is None else exits
    x = np.concatenate([[p[1] for p in points], exits["x"].to_numpy(dtype=float)])
    y = np.concatenate([[p[2] for p in points], exits["y"].to_numpy(dtype=float)])
    x_text, y_text = _pulled_inside(x, x0, x1, 0.02), _pulled_inside(y, y0, y1, 0.1)
    texts = [p[3] for p in points] + ["left at step " + str(int(k)) for k in exits["step"]]
    # a label reads away from the nearer side edge, so it never runs off the plot
    side = np.where(x > (x0 + x1) / 2, "right", "left")
    # Each label's extent across: ~7 px a bold 12 px character, plus its 8 px offset, in data units.
    width = (np.array([len(t) for t in texts]) * LABEL_CHAR_PX + 8) * (x1 - x0) / size
    spans = (np.where(side == "right", x_text - width, x_text), np.where(side == "right", x_text, x_text + width))
    # About one line of text apart, wherever two labels' extents meet across.
    y_text = staggered(x_text, y_text, near_x=0.0, step_y=0.065 * (y1 - y0), low=y0, high=y1, spans=spans)
    marks = pd.DataFrame({
        "kind": [p[0] for p in points] + ["exit"] * len(exits),
        "label": [""] * len(points) + [str(v) for v in exits["label"]],
        "x": x, "y": y, "x_text": x_text, "y_text": y_text, "side": side, "text": texts,
    })
    if now is not None and len(now):
        now_x, now_y, edge = on_edge(now["x"], now["y"], (x0, x1, y0, y1), margin=0.025)
        marks = pd.concat([marks, pd.DataFrame({
            "kind": np.where(edge == "", "now", np.char.add("now-", edge.astype(str))),
            "label": now["label"].astype(str).to_numpy(), "x": now_x, "y": now_y, "x_text": now_x,
            "y_text": now_y, "side": "left",
            "text": [f"{label} at step {int(k)}" + (", off the plot" if e else "")
                     for label, k, e in zip(now["label"], now["step"], edge)]})],
            ignore_index=True)
    marks["x"], marks["y"], _ = on_edge(marks["x"], marks["y"], (x0, x1, y0, y1))  # the fixed marks too, to be sure
    values = dict(zip(_WINDOW, (x0, x1, y0, y1)))
    values.update(_series_values(series))
    banded = pd.DataFrame(run_rows.bands(surface["x"].to_numpy(), surface["y"].to_numpy(),
                                         surface["level"].to_numpy(), cell, seam=SEAM))
    return render(_contour_template, {"paths": paths, "bands": banded, "marks": marks}, values=values,
                  size=int(size), n_series=len(series), x_title=titles[0], y_title=titles[1], value_title=titles[2])


# --------------------------------------------------------------------------- loss per step


def curve_layers(n_series: int, x_title: str, y_title: str, value_title: str, legend_title: str,
                 extra: tuple[tuple[str, str, str], ...], pinned: bool = False,
                 legend_columns: int = 3, y_range: tuple[float, float] | None = None,
                 x_log: tuple[float, ...] = ()) -> list[alt.Chart]:
    """The layers of :func:`loss_curves_chart` (datasets of :func:`curve_frames`), to stack in a bigger chart.

    ``y_range``: the pixels (bottom, top) the loss axis spans, for a panel in part of a taller plot.
    ``x_log``: the ticks of a symmetric-log step axis (linear near 0, so step 0 has a place), for runs of
    10 and of 2,560 steps on one axis; empty for a linear axis.
    """
    if x_log:
        x = alt.X(field="step", type="quantitative", scale=alt.Scale(type="symlog", nice=False, zero=False),
                  title=x_title, axis=alt.Axis(values=list(x_log), format=",d"))
    else:
        x = alt.X(field="step", type="quantitative", scale=alt.Scale(nice=False, zero=False), title=x_title)
    y_scale = alt.Scale(type="log", nice=False) if y_range is None else alt.Scale(type="log", nice=False,
                                                                                  range=list(y_range))
    y = alt.Y(field="shown", type="quantitative", scale=y_scale, title=y_title,
              axis=log_axis() if y_range is None else log_axis(orient="left"))
    notes = alt.Chart(alt.NamedData("notes"))
    colour = alt.Color(field="label", type="nominal", scale=_series_placeholders(n_series, with_marker=True),
                       legend=None)
    lines = alt.Chart(alt.NamedData("curves")).mark_line(strokeWidth=2.2).encode(
        x=x, y=y, color=alt.Color(field="label", type="nominal", scale=_series_placeholders(n_series),
                                  legend=legend(legend_title or None, columns=legend_columns)),
        detail=alt.Detail(field="series", type="nominal"),
        tooltip=[alt.Tooltip(field="run", type="nominal"), alt.Tooltip(field="step", type="quantitative", title=x_title),
                 alt.Tooltip(field="value", type="quantitative", format=".6g", title=value_title),
                 *(alt.Tooltip(field=f, type="quantitative", title=t, format=fmt) for f, t, fmt in extra)])
    rule = notes.transform_filter("datum.kind == 'rule'").mark_rule(strokeDash=[5, 4], color=palette.MARKER).encode(
        y=y, tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    triangles = notes.transform_filter("datum.kind == 'diverged'").mark_point(
        shape="triangle-up", filled=True, size=140, opacity=1, yOffset=7).encode(
        x=x, y=y, color=colour, tooltip=[alt.Tooltip(field="text", type="nominal", title=" ")])
    # Notes start at their x: a diverged run's step (below the top edge), a rule's left end (under it).
    texts = notes.mark_text(
        align="left", baseline="top", dx=9, dy=6, fontSize=12, fontWeight="bold").encode(
        x=x, y=alt.Y(field="text_shown", type="quantitative"), color=colour, text=alt.Text(field="text", type="nominal"))
    # The axes run from step 0 to the last, and from `low` to `top`: the extent layer's corners.
    extent = extent_layer(alt.X(field="step", type="quantitative"), alt.Y(field="shown", type="quantitative"))
    under = pinned_layers(x, y, what="pinned scenario") if pinned else []
    return [*under, lines, rule, triangles, texts, extent]


def _curves_template(height: int, n_series: int, x_title: str, y_title: str, value_title: str,
                     legend_title: str, extra: tuple[tuple[str, str, str], ...], pinned: bool = False,
                     legend_columns: int = 3, x_log: tuple[float, ...] = ()) -> alt.LayerChart:
    return layer(*curve_layers(n_series, x_title, y_title, value_title, legend_title, extra, pinned, legend_columns,
                               x_log=x_log),
                 width="container", height=height, resolve=INDEPENDENT_COLOURS,
                 config=alt.Config(axis=alt.AxisConfig(**AXIS)))


def _on_axis(curves: pd.DataFrame, shown, low: float, top: float, gone=()) -> pd.DataFrame:
    """``curves`` with the column ``shown`` clipped to [low, top]; a series of ``gone`` (it
    diverged) that leaves the top ends on it (its rows after the first one above are dropped),
    another runs along the top edge while it is above."""
    shown = np.asarray(shown, dtype=np.float64)
    key = curves["series"].to_numpy()
    above = (shown > top) & np.isin(key, list(gone))
    keep = np.ones(len(curves), dtype=bool)
    if above.any():
        for s in np.unique(key[above]):
            rows = np.flatnonzero(key == s)
            keep[rows[rows > rows[above[rows]][0]]] = False
    return (curves if keep.all() else curves.loc[keep]).assign(shown=np.clip(shown[keep], low, top))


def curve_frames(curves: pd.DataFrame, diverged: pd.DataFrame, series: Mapping[str, tuple[str, str]], *,
                 shown: np.ndarray, low: float, top: float, steps: float, rules: Sequence[tuple[float, str]] = (),
                 pinned: pd.DataFrame | None = None, pinned_shown: np.ndarray | None = None
                 ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The datasets and placeholder values of :func:`curve_layers` (arguments as :func:`loss_curves_chart`).

    A ``text`` column in ``diverged`` replaces the note "diverged at step k" (its ``step`` is where
    the note stands on the x axis).
    """
    lines = _on_axis(curves, shown, low, top, gone=[str(v) for v in diverged["series"]])
    if "run" not in lines:
        lines = lines.assign(run=lines["label"])
    labels = {key: label for key, (label, _) in series.items()}
    gone = [str(v) for v in diverged["series"]]
    notes = pd.DataFrame({
        "kind": ["rule"] * len(rules) + ["diverged"] * len(diverged),
        "label": [""] * len(rules) + [labels[k] for k in gone],
        "step": [steps * 0.01] * len(rules) + [float(k) for k in diverged["step"]],
        "shown": [float(v) for v, _ in rules] + [top] * len(diverged),
        "text": [t for _, t in rules] + (list(diverged["text"]) if "text" in diverged
                                         else ["diverged at step " + str(int(k)) for k in diverged["step"]]),
    })
    # Two runs diverging a few steps apart would write their notes over each other: a line apart.
    span = np.log10(top) - np.log10(low)
    notes["text_shown"] = 10.0 ** staggered(notes["step"], np.log10(notes["shown"]), near_x=0.35 * steps,
                                            step_y=0.06 * span, low=np.log10(low), high=np.log10(top))
    values = _series_values(series)
    extent = extent_frame((0, steps), (low, top), x_field="step", y_field="shown")
    frames = {"curves": lines, "notes": notes, "extent": extent}
    if pinned is not None:
        frames[PINNED_DATA] = _on_axis(pinned[["series", "label", "step"]], pinned_shown, low, top)
    return frames, values


@built_once
def loss_curves_chart(curves: pd.DataFrame, diverged: pd.DataFrame, series: Mapping[str, tuple[str, str]], *,
                      shown: np.ndarray, low: float, top: float, steps: int,
                      rules: Sequence[tuple[float, str]] = (), titles: tuple[str, str, str],
                      extra: Sequence[tuple[str, str, str]] = (), legend_title: str = "",
                      height: int = HEIGHT + 80, pinned: pd.DataFrame | None = None,
                      pinned_shown: np.ndarray | None = None, legend_columns: int = 3,
                      x_log: Sequence[float] = ()) -> dict:
    """Each series' loss per step on a log axis from ``low`` to ``top`` (a Vega-Lite dict).

    A run leaving the top ends on it (its first point above) and is marked "diverged at step k"
    where it diverged; a run below the floor is drawn along it.

    Args:
        curves: columns series, label, step, value (+ run for the tooltip, the label if absent, and the
            ``extra`` columns).
        diverged: columns series, step: one row per diverged run.
        series: key -> (legend label, colour), in legend order.
        shown: array (len(curves),): the value drawn (the loss itself, or its gap above an optimum).
        low, top: the axis range. steps: the x range (0 to steps).
        rules: (value, text) of dashed horizontal lines, e.g. "within 1% of the optimum".
        titles: the x axis, the y axis, and the tooltip's name for ``value``.
        extra: (column, title, d3 format) of further numbers in the tooltip.
        legend_columns: entries per legend row (fewer for long labels, so the legend fits the chart).
        x_log: the ticks of a symmetric-log step axis (:func:`curve_layers`); empty: linear.
        pinned, pinned_shown: a pinned scenario's curves (columns series, label, step) and the
            values drawn, as ``curves`` and ``shown``: wide and light grey, underneath.
    """
    frames, values = curve_frames(curves, diverged, series, shown=shown, low=low, top=top, steps=steps,
                                  rules=rules, pinned=pinned, pinned_shown=pinned_shown)
    return render(_curves_template, frames, values=values, height=height,
                  n_series=len(series), x_title=titles[0], y_title=titles[1], value_title=titles[2],
                  legend_title=legend_title, extra=tuple(tuple(e) for e in extra), pinned=pinned is not None,
                  legend_columns=int(legend_columns), x_log=tuple(float(t) for t in x_log))
