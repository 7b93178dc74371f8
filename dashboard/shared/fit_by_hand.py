"""The fit chart's window of "Can you beat least squares by hand?" and what is placed in it: each squared error
as a square on its residual, where the learner's line runs, a pinned line's total. The scenario's captions and the
charts both read them. Pure: no streamlit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core import losses

if TYPE_CHECKING:
    from dashboard.scenarios.fit_by_hand import Fit

# The fit chart's window, x then y: one scale on both axes, so a square on a residual looks square.
PLOT_X, PLOT_Y = (0.0, 8.0), (-1.0, 11.0)
EDGE_TOL = 1e-9  # a square's side this close to the window's edge lies on it (float round-off of slider values)


def _outside(box: tuple[float, float, float, float]) -> float:
    """The area of ``box`` (left, right, low, high) that lies outside the fit chart's window."""
    left, right, low, high = box
    across = max(0.0, min(right, PLOT_X[1]) - max(left, PLOT_X[0]))
    up = max(0.0, min(high, PLOT_Y[1]) - max(low, PLOT_Y[0]))
    return (right - left) * (high - low) - across * up


def _shared(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """The area two boxes share inside the window (what the eye sees overlap)."""
    across = min(a[1], b[1], PLOT_X[1]) - max(a[0], b[0], PLOT_X[0])
    up = min(a[3], b[3], PLOT_Y[1]) - max(a[2], b[2], PLOT_Y[0])
    return max(0.0, across) * max(0.0, up)


def _is_cut(box: tuple[float, float, float, float]) -> bool:
    left, right, low, high = box
    return bool(left < PLOT_X[0] - EDGE_TOL or right > PLOT_X[1] + EDGE_TOL
                or low < PLOT_Y[0] - EDGE_TOL or high > PLOT_Y[1] + EDGE_TOL)


def squares(fit: Fit, stretch: float = 1.0) -> pd.DataFrame:
    """Each point's squared error as a square standing on its residual (the rows of ``fit.rows`` plus
    left, right, low, high and ``cut``), biggest first, the order to draw them in: a small square lies on
    top of a big one it overlaps, so both show.

    The residual is one side, from the point to the line; the square grows left or right of it. The
    biggest is placed first, each on the side where less of it runs past the chart's window, then where
    it covers less of the squares placed before it, then towards the middle. ``cut``: part of it lies
    outside the window (a residual longer than the window allows, or one too wide for either side), so
    its visible area is less than its squared error. ``stretch``: x units per y unit of one screen length
    when the chart is drawn at another size than its own (its width is its side times this)."""
    rows = fit.rows.assign(side=np.abs(fit.error)).sort_values("side", ascending=False, kind="stable")
    middle = (PLOT_X[0] + PLOT_X[1]) / 2
    placed, out = [], []
    for row in rows.itertuples(index=False):
        wide, low, high = stretch * row.side, min(row.pred, row.y), max(row.pred, row.y)
        right, left = (row.x, row.x + wide, low, high), (row.x - wide, row.x, low, high)
        options = (right, left) if row.x <= middle else (left, right)
        box = min(options, key=lambda b: (_is_cut(b), round(_outside(b), 9),
                                          round(sum(_shared(b, other) for other in placed), 9)))
        placed.append(box)
        out.append((*box, _is_cut(box)))
    boxes = pd.DataFrame(out, columns=["left", "right", "low", "high", "cut"], index=rows.index)
    return pd.concat([rows.drop(columns="side"), boxes], axis=1).reset_index(drop=True)


def line_position(fit: Fit) -> str:
    """Where the learner's line is on the fit chart: "on" when some of it crosses the window, else
    "below" or "above" it (then only the residuals show, running off the plot)."""
    ends = [fit.slope * x + fit.intercept for x in PLOT_X]
    if max(ends) < PLOT_Y[0] - EDGE_TOL:
        return "below"
    if min(ends) > PLOT_Y[1] + EDGE_TOL:
        return "above"
    return "on"


def total_at(fit: Fit, slope: float, intercept: float) -> float:
    """The total loss (the fit's loss) of another line over the same points: a pinned line's height on the
    surface drawn for this loss."""
    return float(np.sum(losses.get(fit.loss).value(fit.y, slope * fit.x + intercept)))
