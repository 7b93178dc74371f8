"""Charts of "What does the batch size change?" (pure Altair, no streamlit).

- :func:`contour_chart`: the three runs' paths on the MSE valley (the shared contour chart);
- :func:`loss_chart`: each run's loss above the best possible per epoch or per update, log
  scale, with the noisy runs' floors dashed (the shared loss-curves chart);
- :func:`noise_chart`: the measured spread of batch gradients at the optimum against the
  batch size, with its error bars and the 1/B law, both axes logarithmic.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard import palette
from dashboard.charts import paths as run_charts
from dashboard.charts.common import HEIGHT, built_once, layer, log_axis, render


def contour_chart(res, size: int = run_charts.CONTOUR_SIZE) -> dict:
    """The paths from (0, 0) on the valley's contours, one scale on both axes."""
    marks = [("start", 0.0, 0.0, "start (0, 0)"), ("optimum", res.optimum[0], res.optimum[1], "optimum")]
    return run_charts.contour_chart(res.surface, res.cell, res.window, res.paths, res.exits, res.series, marks,
                                    titles=("slope w", "intercept b", "MSE"), size=size)


def loss_chart(res, pinned=None) -> dict:
    """Each run's loss above the best possible, log scale; the noisy runs' floors as rules."""
    shown = res.curves["value"].to_numpy(dtype=float)
    rules = [(run.floor, f"{res.series[key][0]}: floor {run.floor:.2g}") for key, run in res.shown.items()
             if key != "full" and np.isfinite(run.floor) and run.floor > res.low]
    return run_charts.loss_curves_chart(
        res.curves, res.diverged, res.series, shown=shown, low=res.low, top=res.top, steps=res.x_end, rules=rules,
        titles=("epoch" if res.axis == "epochs" else "update (log scale)", "loss above the best possible (log)",
                "loss above the best"),
        # per update, the full batch's 10 steps and SGD's 2,560 share one axis: a log axis shows both
        x_log=() if res.axis == "epochs" else [t for t in (0, 1, 3, 10, 30, 100, 300, 1000, 3000, 10_000, 30_000)
                                               if t <= res.x_end],
        pinned=None if pinned is None else pinned.curves,
        pinned_shown=None if pinned is None else pinned.curves["value"].to_numpy(dtype=float))


def _noise_template(height: int) -> alt.LayerChart:
    x = alt.X(field="batch", type="quantitative", scale=alt.Scale(type="log", base=2, nice=False),
              title="batch size B (log)", axis=alt.Axis(values=[1, 2, 4, 8, 16, 32, 64, 128], format="d"))
    y = alt.Y(field="measured", type="quantitative", scale=alt.Scale(type="log", nice=False),
              title="‖g_B − g‖² at the optimum (log)", axis=log_axis())
    base = alt.Chart(alt.NamedData("noise"))
    law = base.mark_line(color=palette.BLACK, strokeDash=[5, 4], strokeWidth=1.5).encode(
        x=x, y=alt.Y(field="expected", type="quantitative"),
        tooltip=[alt.Tooltip(field="batch", type="quantitative", title="B"),
                 alt.Tooltip(field="expected", type="quantitative", format=".4g", title="1/B law")])
    bars = base.mark_rule(color=palette.BLUE, strokeWidth=2).encode(
        x=x, y=alt.Y(field="low", type="quantitative"), y2=alt.Y2(field="high"))
    dots = base.mark_point(color=palette.BLUE, filled=True, size=60, opacity=1).encode(
        x=x, y=y, tooltip=[alt.Tooltip(field="batch", type="quantitative", title="B"),
                           alt.Tooltip(field="measured", type="quantitative", format=".4g", title="measured"),
                           alt.Tooltip(field="error", type="quantitative", format=".2g", title="± (standard error)")])
    chosen = base.transform_filter("datum.chosen").mark_point(color=palette.GREEN, size=220, strokeWidth=2.5,
                                                              opacity=1).encode(x=x, y=y)
    return layer(law, bars, dots, chosen, width="container", height=height,
                 config=alt.Config(axis=alt.AxisConfig(**run_charts.AXIS)))


@built_once
def noise_chart(res, height: int = HEIGHT) -> dict:
    """Measured spread per batch size (dots, ± 2 standard errors), the law dashed, the chosen size ringed."""
    noise = res.noise.assign(low=lambda f: f["measured"] - 2 * f["error"], high=lambda f: f["measured"] + 2 * f["error"],
                             chosen=lambda f: f["batch"] == res.batch)
    return render(_noise_template, {"noise": pd.DataFrame(noise)}, height=int(height))
