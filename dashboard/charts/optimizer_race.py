"""Charts of "Which optimizer reaches the bottom first?" (pure Altair, no streamlit).

- :func:`contour_chart`: the racers' paths on the surface, with a dot where each is at the
  scrubber's step (the shared :func:`dashboard.charts.paths.contour_chart`);
- :func:`loss_chart`: each racer's height above the minimum per step, log scale, with the
  the height a run must stay under to have arrived (the shared loss-curves chart);
- :func:`internals_chart`: what one optimizer computes at every step (gradient, velocity or
  Adam's averages, the step itself), per coordinate, one row per quantity, a rule at the
  scrubber's step.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import built_once, render
from dashboard.formatting import fmt

# Black and grey: blue and vermillion are gradient descent's and Adam's colours in the race just above.
COORDINATE_COLOURS = {"x": palette.MARKER, "y": palette.GREY}
ROW_HEIGHT = 78
INTERNALS_WIDTH = 290  # px: with the row titles and the axis it fits a 390 px phone


def contour_chart(race, k: int | None, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """The paths on the surface's contours, each racer's dot at step ``k`` (None: no dots); a ``size``
    px square plot."""
    (mx, my) = race.minima[0]
    marks = [("start", race.start[0], race.start[1], "start"), ("minimum", float(mx), float(my), "global minimum")]
    return run_charts.contour_chart(race.bands, race.cell, race.window, race.paths, race.exits, race.series(), marks,
                                    titles=(*race.axes, "f − min"), now=None if k is None else race.at(k), size=size)


def loss_chart(race, pinned=None) -> dict:
    """Each racer's f − min per step (log), the arrival height dashed; a diverged run is marked.

    ``pinned``: a pinned race, its curves drawn wide and light grey underneath.
    """
    gap0 = float(next(iter(race.gaps.values()))[0])
    shown = race.curves["value"].to_numpy(dtype=float)
    positive = shown[shown > 0]
    line = race.arrive_gap
    low = max(float(positive.min()) if positive.size else line, 1e-9 * gap0, 1e-300) * 0.5
    low = min(low, 0.1 * line) if line > 0 else low
    return run_charts.loss_curves_chart(
        race.curves, race.diverged, race.series(), shown=shown, low=low, top=10.0 * max(gap0, low), steps=race.steps,
        # The height half of the finish line (a run must also be near the minimizer).
        rules=[(line, f"arrival height: {fmt(line, 3)}")] if line > 0 else [],
        titles=("step", "f − min (log scale)", "f − min"),
        pinned=None if pinned is None else pinned.curves,
        pinned_shown=None if pinned is None else pinned.curves["value"].to_numpy(dtype=float), legend_columns=2)


def _internals_template(quantities: tuple[str, ...]) -> alt.FacetChart:
    base = alt.Chart(alt.NamedData("inside"))
    x = alt.X("step:Q", title="step", scale=alt.Scale(nice=False))
    lines = base.transform_filter("datum.kind == 'line'").mark_line(strokeWidth=1.8).encode(
        x=x, y=alt.Y("value:Q", title=None, axis=alt.Axis(format=".3~r", tickCount=3)),
        color=alt.Color("coordinate:N", title="coordinate",
                        scale=alt.Scale(domain=list(COORDINATE_COLOURS), range=list(COORDINATE_COLOURS.values())),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("quantity:N"), alt.Tooltip("coordinate:N"), alt.Tooltip("step:Q"),
                 alt.Tooltip("value:Q", format=".4g")],
    )
    rule = base.transform_filter("datum.kind == 'now'").mark_rule(color=palette.MARKER, strokeDash=[4, 3]).encode(x=x)
    return alt.layer(lines, rule).properties(width=INTERNALS_WIDTH, height=ROW_HEIGHT).facet(
        row=alt.Row("quantity:N", sort=list(quantities), title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                      labelFontWeight="bold")),
        spacing=14,
    ).resolve_scale(y="independent")


@built_once
def internals_chart(rows: pd.DataFrame, k: int) -> dict:
    """One row per quantity (columns quantity, coordinate, step, value), a dashed rule at step ``k``."""
    quantities = tuple(dict.fromkeys(rows["quantity"]))
    now = pd.DataFrame({"quantity": list(quantities), "coordinate": "", "step": float(k), "value": np.nan,
                        "kind": "now"})
    data = pd.concat([rows.assign(kind="line"), now], ignore_index=True)
    return render(_internals_template, {"inside": data}, quantities=quantities)
