"""Optimizer runs as rows to draw: paths on a 2-D surface and loss-per-step curves.

Works on the plain arrays of a :class:`core.trajectory.Trajectory`, whatever produced it (a
model fitted by :func:`core.training.fit_linear`, a point on :mod:`core.surfaces`):

    points       (T + 1, R, 2)   the run's point after each step (x, y)
    values       (T + 1, R)      the objective there (NaN after divergence)
    diverged_at  (R,)            the step a run diverged at, -1 if never (core.trajectory's rule)

Returned rows are dicts of 1-D numpy arrays (columns), which a view puts into its frames
under its own column names. No streamlit, no pandas.

What is drawn of a path:
- the window: the box holding the anchors (start, optimum...) and every point whose value is
  below ``loss_factor`` times the start's, plus a margin. A diverging run's first bounces
  stay in view, but one run cannot shrink the valley to a dot;
- a path stops at divergence; a path that leaves the window ends at its first point outside
  (the line heads off the plot) and gets an *exit*: where it crosses the window's edge;
- thinning by distance travelled: where a run crawls, many steps fall within one
  ``min_move`` of each other and only one is kept; where it zigzags, every step is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the frames' type only: this module makes columns, a view makes the frames
    import pandas as pd

WINDOW_LOSS = 5.0  # the window holds every point below this multiple of the start's value
PAD = 0.08  # margin around the window, as a fraction of its size
PATH_MAX_ROWS = 200  # per run, on a surface
CURVE_MAX_ROWS = 400  # per run, on a loss curve
MIN_MOVE = 0.002  # thinning distance, as a fraction of the window's diagonal

Window = tuple[float, float, float, float]  # (x_low, x_high, y_low, y_high)


@dataclass(frozen=True, eq=False)
class DrawnRuns:
    """What a view's result holds to draw its runs on a 2-D surface with ``dashboard/charts/paths.py``;
    each view's result extends it with its own fields.

    window: the plotted box (:func:`window`); cell: a surface grid cell's (width, height).
    paths, exits, curves: frames of :func:`path_rows`, :func:`exit_rows` and the curve rows, under
    the view's column names; diverged: one row per diverged run (series, label, step).
    """

    window: Window
    cell: tuple[float, float]
    paths: pd.DataFrame
    exits: pd.DataFrame
    curves: pd.DataFrame
    diverged: pd.DataFrame


def window(points: np.ndarray, values: np.ndarray, *, start_value: float, anchors: np.ndarray,
           loss_factor: float = WINDOW_LOSS, pad: float = PAD, square: bool = False) -> Window:
    """The plotted box: ``anchors`` (k, 2) and every point (n, 2) with value (n,) <= loss_factor x start.

    ``square``: the shorter side is widened about its centre to the longer one's length, so a
    square plot of the box has one scale on both axes and a valley keeps its true shape (with
    unequal scales any valley can be drawn round, or a round bowl as stripes).
    """
    keep = np.isfinite(values) & (values <= loss_factor * start_value)
    pts = np.vstack([points[keep], np.asarray(anchors, dtype=np.float64).reshape(-1, 2)])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-3 * max(1.0, float(np.abs(pts).max())))
    lo, hi = lo - pad * span, hi + pad * span
    if square:
        middle, half = (lo + hi) / 2, float((hi - lo).max()) / 2
        lo, hi = middle - half, middle + half
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def inside(p: np.ndarray, box: Window) -> np.ndarray:
    """Bool array (...,): which points p (..., 2) are finite and inside ``box``."""
    x0, x1, y0, y1 = box
    return np.isfinite(p).all(axis=-1) & (p[..., 0] >= x0) & (p[..., 0] <= x1) & (p[..., 1] >= y0) & (p[..., 1] <= y1)


def exit_point(a: np.ndarray, b: np.ndarray, box: Window) -> np.ndarray:
    """Where the segment from ``a`` (inside) to ``b`` (outside) crosses the box's edge (``a`` if b is not finite)."""
    x0, x1, y0, y1 = box
    d = b - a
    if not np.all(np.isfinite(d)):
        return a.copy()
    t_out = 1.0
    for k, (low, high) in enumerate(((x0, x1), (y0, y1))):
        if d[k] > 0:
            t_out = min(t_out, (high - a[k]) / d[k])
        elif d[k] < 0:
            t_out = min(t_out, (low - a[k]) / d[k])
    return a + max(0.0, t_out) * d


def evenly(idx: np.ndarray, max_rows: int) -> np.ndarray:
    """At most ``max_rows`` of the indices ``idx``, evenly spaced, first and last kept."""
    if idx.size <= max_rows:
        return idx
    return idx[np.unique(np.linspace(0, idx.size - 1, max_rows).round().astype(int))]


def moving_points(path: np.ndarray, min_move: float, max_rows: int = PATH_MAX_ROWS) -> np.ndarray:
    """Indices of the steps of ``path`` (T + 1, 2) where it has travelled another ``min_move`` (ends kept)."""
    seg = np.hypot(*np.diff(path, axis=0).T) if len(path) > 1 else np.zeros(0)
    travelled = np.concatenate([[0.0], np.cumsum(np.where(np.isfinite(seg), seg, 0.0))])
    marks = np.floor(travelled / min_move) if min_move > 0 else np.arange(len(path))
    idx = np.flatnonzero(np.diff(marks, prepend=-1.0) > 0)
    return evenly(np.union1d(idx, [0, len(path) - 1]), max_rows)


def _columns(parts: dict[str, list]) -> dict[str, np.ndarray]:
    return {k: np.concatenate(v) if v else np.zeros(0, dtype=int if k in ("run", "step") else float)
            for k, v in parts.items()}


def path_rows(points: np.ndarray, values: np.ndarray, diverged_at: np.ndarray, box: Window, *,
              order=None, max_rows: int = PATH_MAX_ROWS) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The thinned paths and their exits, run by run in ``order`` (default 0..R-1; drawn in that order).

    Returns ``(paths, exits)``: paths has columns run, step, x, y, value; exits run, step, x, y
    (one row per run that left the box, at the step of its first point outside).
    """
    diag = float(np.hypot(box[1] - box[0], box[3] - box[2]))
    paths: dict[str, list] = {k: [] for k in ("run", "step", "x", "y", "value")}
    exits: dict[str, list] = {k: [] for k in ("run", "step", "x", "y")}
    for r in range(points.shape[1]) if order is None else order:
        path, value, gone = points[:, r, :], values[:, r], int(diverged_at[r])
        end = len(path) - 1 if gone < 0 else gone
        outside = np.flatnonzero(~inside(path[: end + 1], box))
        first_out = int(outside[0]) if outside.size else -1
        if first_out > 0:
            where = exit_point(path[first_out - 1], path[first_out], box)
            for key, column in zip(exits, ([r], [first_out], where[:1], where[1:])):
                exits[key].append(np.asarray(column))
            if gone >= 0:
                end = first_out  # keep the first point outside: the line heads off the plot
        idx = moving_points(path[: end + 1], MIN_MOVE * diag, max_rows)
        idx = idx[np.isfinite(path[idx]).all(axis=1)]
        for key, column in zip(paths, (np.full(idx.size, r), idx, path[idx, 0], path[idx, 1], value[idx])):
            paths[key].append(column)
    return _columns(paths), _columns(exits)


def curve_rows(values: np.ndarray, diverged_at: np.ndarray, *, order=None,
               max_rows: int = CURVE_MAX_ROWS) -> dict[str, np.ndarray]:
    """Each run's finite values up to its divergence, at most ``max_rows`` evenly spaced steps.

    Columns run, step, value, run by run in ``order`` (default 0..R-1).
    """
    rows: dict[str, list] = {k: [] for k in ("run", "step", "value")}
    for r in range(values.shape[1]) if order is None else order:
        value, gone = values[:, r], int(diverged_at[r])
        last = len(value) - 1 if gone < 0 else gone
        idx = evenly(np.flatnonzero(np.isfinite(value[: last + 1])), max_rows)
        for key, column in zip(rows, (np.full(idx.size, r), idx, value[idx])):
            rows[key].append(column)
    return _columns(rows)


def grid(box: Window, cells: int) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """Cell centres (cells,) along x and along y of a cells x cells grid over ``box``, and a cell's size."""
    x0, x1, y0, y1 = box
    dx, dy = (x1 - x0) / cells, (y1 - y0) / cells
    return x0 + dx * (np.arange(cells) + 0.5), y0 + dy * (np.arange(cells) + 0.5), (dx, dy)


def mse_bands(x: np.ndarray, y: np.ndarray, box: Window, cells: int) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
    """A line fit's MSE over a cells x cells grid of (w, b) in ``box``, ready for a banded contour chart.

    Returns (columns x (slope w), y (intercept b), value (the MSE), level (its quarter decade), each
    of cells² cell centres; a cell's size (dw, db)).
    """
    from core import landscape

    w, b, cell = grid(box, cells)
    z = landscape.loss_surface(x, y, w, b, loss="mse")  # (len(b), len(w))
    ww, bb = np.meshgrid(w, b)
    return {"x": ww.ravel(), "y": bb.ravel(), "value": z.ravel(), "level": quarter_decades(z).ravel()}, cell


def value_bands(f, box: Window, cells: int, *, floor: float) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
    """Any surface ``f`` (points (..., 2) -> values (...), e.g. a height above the minimum) over a
    cells x cells grid in ``box``, for a banded contour chart; values below ``floor`` (> 0) share its band.

    Returns (columns x, y, value, level, one row per cell centre; a cell's size (dx, dy)).
    """
    x, y, cell = grid(box, cells)
    xx, yy = np.meshgrid(x, y)
    z = f(np.stack([xx, yy], axis=-1))
    return {"x": xx.ravel(), "y": yy.ravel(), "value": z.ravel(),
            "level": quarter_decades(np.maximum(z, floor)).ravel()}, cell


def log_floor(gaps: np.ndarray, start: float) -> float:
    """The bottom of a log axis of gaps above an optimum: half the smallest positive gap, but no lower
    than 1e-12 times the start's (a run that reaches the optimum exactly is drawn along it)."""
    positive = gaps[np.isfinite(gaps) & (gaps > 0)]
    return float(max(positive.min() / 2 if positive.size else 1e-12, 1e-12 * start))


def quarter_decades(z: np.ndarray) -> np.ndarray:
    """Each value rounded down to a quarter decade (1, 1.78, 3.16, 5.62, 10, ...): contour bands."""
    with np.errstate(divide="ignore"):
        return 10.0 ** (np.floor(4.0 * np.log10(np.maximum(z, 1e-300))) / 4.0)


def bands(x: np.ndarray, y: np.ndarray, level: np.ndarray, cell: tuple[float, float], *,
          seam: float = 1.0) -> dict[str, np.ndarray]:
    """A banded surface as few rectangles: each run of equal ``level`` along a grid line is one.

    ``x`` (n,) and ``y`` (n,) are the cell centres of a regular grid (any order) and ``level``
    (n,) the band of each cell; ``cell`` = (dx, dy). Runs go along x or along y, whichever
    gives fewer: on a valley 60 x 60 cells become 100 to 400 rectangles instead of 3,600
    (the browser draws each one), with the same picture. Each rectangle reaches ``seam``
    half cells past its end cells (1.5: a quarter cell of overlap with each neighbour, so no
    anti-aliased hairline shows between them).

    Returns columns x_lo, x_hi, y_lo, y_hi, level, one row per rectangle.
    """
    xs, ix = np.unique(np.asarray(x, dtype=np.float64), return_inverse=True)
    ys, iy = np.unique(np.asarray(y, dtype=np.float64), return_inverse=True)
    grid = np.full((ys.size, xs.size), np.nan)
    grid[iy, ix] = level
    along_x = _run_count(grid) <= _run_count(grid.T)
    lines = grid if along_x else grid.T  # runs go along the last axis
    change = np.ones(lines.shape, dtype=bool)
    change[:, 1:] = ~_same(lines[:, 1:], lines[:, :-1])
    end = np.ones(lines.shape, dtype=bool)
    end[:, :-1] = change[:, 1:]
    line, first = np.nonzero(change)  # row-major: both lists run line by line
    last = np.nonzero(end)[1]
    half_x, half_y = seam * cell[0] / 2, seam * cell[1] / 2
    if along_x:
        x_lo, x_hi, y_lo, y_hi = xs[first] - half_x, xs[last] + half_x, ys[line] - half_y, ys[line] + half_y
    else:
        x_lo, x_hi, y_lo, y_hi = xs[line] - half_x, xs[line] + half_x, ys[first] - half_y, ys[last] + half_y
    return {"x_lo": x_lo, "x_hi": x_hi, "y_lo": y_lo, "y_hi": y_hi, "level": lines[line, first]}


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _run_count(lines: np.ndarray) -> int:
    return int(lines.shape[0] + np.count_nonzero(~_same(lines[:, 1:], lines[:, :-1])))
