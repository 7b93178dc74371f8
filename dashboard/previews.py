"""The start page's figures: each view's main chart at its default scenario (:data:`PREVIEWS`, one builder per
view, by the view's name).

Above both the scenarios and the charts, so the chart modules need neither: a builder computes the default
scenario through the view's cached wrappers and hands the result to its chart. Each imports its two modules when
called, so the start page loads a view's scenario only when it draws that view's figure.
"""

from __future__ import annotations

from collections.abc import Callable


def batch_size() -> dict:
    """The three default runs on the valley."""
    from dashboard.charts import batch_size as charts
    from dashboard.scenarios import batch_size as sc

    return charts.contour_chart(sc.result_of(sc.DEFAULTS))


def business_costs() -> dict:
    """The fraud cost curve of the default scenario."""
    from dashboard.charts import business_costs as charts
    from dashboard.scenarios import business_costs as sc

    d = sc.DEFAULTS
    out = sc.fraud_scenario(d["rate"], d["n"], d["seed"], d["miss"], d["alarm"])
    return charts.cost_curve(out.curve, out.markers)


def cross_entropy() -> dict:
    """Both losses over p for a spam email."""
    from dashboard.charts import cross_entropy as charts
    from dashboard.scenarios import cross_entropy as sc

    return charts.loss_chart(sc.result_of(sc.DEFAULTS))


def fit_by_hand() -> dict:
    """The lesson's start with its squares drawn."""
    from dashboard.charts import fit_by_hand as charts
    from dashboard.charts.common import PREVIEW_SIZE
    from dashboard.scenarios import fit_by_hand as sc

    return charts.fit_chart(sc.fit_of(sc.DEFAULTS), True, False, size=PREVIEW_SIZE)


def learning_rate() -> dict:
    """The three default runs' paths down the loss valley."""
    from dashboard.charts import learning_rate as charts
    from dashboard.scenarios import learning_rate as sc

    d = sc.DEFAULTS
    prob = sc.cached_problem(d["center"])
    runs = sc.cached_three_runs(d["small"], d["good"], d["large"], d["opt"], d["sched"], d["steps"], d["center"])
    return charts.contour_chart(runs.surface, runs.cell, runs.window, runs.paths, runs.exits, runs.labels,
                                prob.optimum)


def local_minima() -> dict:
    """The default restarts on the double well."""
    from dashboard.charts import local_minima as charts
    from dashboard.scenarios import local_minima as sc

    return charts.restart_chart(sc.restarts(sc.DEFAULTS))


def loss_curves() -> dict:
    """The default run's two loss curves."""
    from dashboard.charts import loss_curves as charts
    from dashboard.scenarios import loss_curves as sc

    return charts.curves_chart(sc.result_of(sc.DEFAULTS))


def lr_schedules() -> dict:
    """The lesson's step decay against a constant rate on noisy mini-batches."""
    from dashboard.charts import lr_schedules as charts
    from dashboard.scenarios import lr_schedules as sc

    return charts.schedule_chart(sc.result_of(sc.DEFAULTS), rate_height=60, loss_height=130,
                                 titles=("rate", "loss − best"))


def mse_vs_mae() -> dict:
    """The three fitted lines of the default scenario."""
    from dashboard.charts import mse_vs_mae as charts
    from dashboard.scenarios import mse_vs_mae as sc

    d = sc.DEFAULTS
    out = sc.scenario(d["data"], d["outliers"], float(d["shift"]), d["delta"], d["seed"])
    return charts.fits_scatter(out.points, out.lines, x_title="x (input)", y_title="y (target)")


def normal_equation() -> dict:
    """Steps against the condition number."""
    from dashboard.charts import normal_equation as charts
    from dashboard.scenarios import normal_equation as sc

    return charts.sweep_chart(sc.result_of(sc.DEFAULTS))


def optimizer_race() -> dict:
    """The lesson's race, a tuned momentum against an untuned Adam."""
    from dashboard.charts import optimizer_race as charts
    from dashboard.scenarios import optimizer_race as sc

    return charts.contour_chart(sc.race_of(sc.LESSON), None)


def regularization() -> dict:
    """Training and validation error against λ, default scenario."""
    from dashboard.charts import regularization as charts
    from dashboard.scenarios import regularization as sc

    d = sc.DEFAULTS
    args = (d["degree"], d["n"], d["noise"], d["seed"], d["penalty"], d["ratio"])
    sweep, fit = sc.sweep(*args), sc.fit_at(*args, d["lam"])
    return charts.error_chart(sweep.errors, chosen=fit.lam, best=sweep.best_lam, noise=sweep.noise,
                              lam_range=(sc.LAM_LOW, sc.LAM_HIGH))


def worked_examples() -> dict:
    """The rainfall exercise at the lesson's numbers."""
    from dashboard.charts import worked_examples as charts
    from dashboard.scenarios import worked_examples as sc

    return charts.rain_chart(sc.rain_frame(sc.card("rain", sc.DEFAULTS)))


PREVIEWS: dict[str, Callable[[], dict]] = {builder.__name__: builder for builder in (
    batch_size, business_costs, cross_entropy, fit_by_hand, learning_rate, local_minima, loss_curves,
    lr_schedules, mse_vs_mae, normal_equation, optimizer_race, regularization, worked_examples)}
