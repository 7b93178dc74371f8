"""The "MSE vs MAE" view's own numbers: AppTest of the page, and its scenario and chart modules on their own
(that it loads, each control changes it, links and bad link values: tests/dashboard/test_view_contract.py).

Numbers are checked against references built independently of the page's code path: the
lesson's Lagos arithmetic by hand, numpy.polyfit for least squares, scikit-learn's
QuantileRegressor(alpha=0) for the exact MAE line, and scipy's BFGS on the Huber objective
written out here for the Huber line.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pytest
import scipy.optimize
import scipy.special
from sklearn.linear_model import QuantileRegressor

from core.datasets import lagos_houses, line_with_outliers
from dashboard import export, upload, upload_read
from dashboard.charts import mse_vs_mae as charts
from dashboard.charts.common import MAX_MARKS, as_frame, dataset
from dashboard.controls import log_options
from dashboard.formatting import fmt, pct, signed
from dashboard.layout import DOWNLOAD_KEY
from dashboard.palette import DATA, OUTLIER
from dashboard.scenarios import mse_vs_mae as sc
from dashboard.shared import mse_vs_mae as says
from dashboard.shared.mse_vs_mae import FITS

from .apptest_tools import errors, metrics, notice, run_page, widget

PAGE = "mse_vs_mae.py"
DEFAULTS = {"data": "synthetic", "outliers": 1, "shift": 20, "delta": 1.0, "seed": 0}
SYNTHETIC_CHARTS = ["Fitted lines", "Slope moves", "Slope against shift", "Per-point contributions", "Loss shapes",
                    "Loss pulls"]


# --------------------------------------------------------------------------- helpers
def _huber_reference(x, y, delta):
    """Huber line by scipy BFGS on mean(scipy.special.huber(delta, r)), from the least-squares start."""
    mean, std = x.mean(), x.std()
    z = (x - mean) / std

    def f(p):
        r = p[0] * z + p[1] - y
        return scipy.special.huber(delta, r).mean()

    def g(p):
        r = np.clip(p[0] * z + p[1] - y, -delta, delta)
        return np.array([(r * z).mean(), r.mean()])

    start = np.polyfit(z, y, 1)
    best = scipy.optimize.minimize(f, start, jac=g, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000})
    w = best.x[0] / std
    return np.array([w, best.x[1] - w * mean]), best.fun


def _lad(x, y):
    model = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(x[:, None], y)
    return np.array([model.coef_[0], model.intercept_])


# --------------------------------------------------------------------------- the page
def test_presets_load_their_scenarios_and_the_confusion_is_set_right_with_the_losss_own_numbers():
    at = run_page(PAGE)
    note = [c.value for c in at.caption if "Common confusion" in c.value]
    assert len(note) == 1 and "quadratically, not exponentially" in note[0]
    # The note's numbers are the page's own squared-error curve at errors 1, 2 and 10.
    squared = sc._loss_table(1.0, np.array([1.0, 2.0, 10.0])).query("fit == 'mse'").loss.to_numpy()
    assert squared[1] / squared[0] == pytest.approx(4) and squared[2] / squared[0] == pytest.approx(100)
    at.button(key="preset-lagos").click().run()
    assert widget(at, "data").value == "lagos"
    # A preset is a whole scenario: a δ, a seed or a distance set before it goes back to its default.
    big_delta = float(at.select_slider(key="delta").options[-1])
    at.radio(key="data").set_value("synthetic").run()
    at.select_slider(key="delta").set_value(big_delta)
    at.number_input(key="seed").set_value(7)
    at.run()
    at.button(key="preset-far").click().run()
    assert {k: widget(at, k).value for k in DEFAULTS} == {**DEFAULTS, "outliers": 1, "shift": 40}
    at.select_slider(key="delta").set_value(big_delta).run()
    at.button(key="preset-none").click().run()
    assert {k: widget(at, k).value for k in DEFAULTS} == {**DEFAULTS, "outliers": 0}
    assert "No outliers" in notice(at)
    assert not errors(at)


def test_lagos_numbers_match_the_lesson():
    at = run_page(PAGE, {"data": "Lagos houses"})
    assert not errors(at)
    ex = lagos_houses()
    err = ex.y_pred[0] - ex.y_true  # computed here, independently of the page
    sq, ab = err**2, np.abs(err)
    assert list(err) == [3, -5, 10] and list(sq) == [9, 25, 100] and list(ab) == [3, 5, 10]
    text = notice(at)
    assert "+3, -5 and +10 million naira" in text
    assert "9, 25 and 100" in text and f"**MSE = 134 / 3 = {sq.mean():.2f}**" == "**MSE = 134 / 3 = 44.67**"
    assert "3, 5 and 10" in text and f"**MAE = 18 / 3 = {ab.mean():.1f}**" == "**MAE = 18 / 3 = 6.0**"
    assert "**MSE = 134 / 3 = 44.67**" in text and "**MAE = 18 / 3 = 6.0**" in text
    assert "100/134 = **75% of the MSE**" in text and "10/18 = **56% of the MAE**" in text
    assert round(100 * 100 / 134) == 75 and round(100 * 10 / 18) == 56
    shown = metrics(at)
    assert shown["House 3's share of MSE"] == "75%" and shown["House 3's share of MAE"] == "56%"
    # The lesson scores a given model: MSE, MAE and RMSE (back in naira), and no fitted line.
    assert shown["MSE"] == "44.67 (₦M)²" and shown["MAE"] == "₦6.0M" and shown["RMSE"] == f"₦{np.sqrt(134 / 3):.3g}M"
    assert f"**RMSE = √44.67 = {np.sqrt(134 / 3):.3g}** million naira" in text
    assert "slope" not in text.lower() and "slope moved" not in " ".join(shown)
    assert at.selectbox(key=DOWNLOAD_KEY).options == ["Per-point contributions", "Loss shapes", "Loss pulls"]
    captions = " ".join(c.value for c in at.caption)
    assert "dashed line" not in captions and "dotted grey line" not in captions  # no line is drawn to refer to


def test_synthetic_numbers_match_independent_fits():
    scenario = {"outliers": 3, "shift": 25, "delta": 2.5, "seed": 4}
    at = run_page(PAGE, {k: str(v) for k, v in scenario.items()})
    assert not errors(at)
    d = line_with_outliers(n=30, slope=2.0, intercept=1.0, noise=1.0, n_outliers=3, outlier_shift=25.0, seed=4)
    clean = ~d.is_outlier
    mse_all, mse_clean = np.polyfit(d.x, d.y, 1), np.polyfit(d.x[clean], d.y[clean], 1)
    mae_all, mae_clean = _lad(d.x, d.y), _lad(d.x[clean], d.y[clean])
    hub_all, _ = _huber_reference(d.x, d.y, 2.5)
    hub_clean, _ = _huber_reference(d.x[clean], d.y[clean], 2.5)
    text = notice(at)
    assert f"**MSE slope by {signed(mse_all[0] - mse_clean[0])}**" in text
    assert f"from {fmt(mse_clean[0])} on the clean points to {fmt(mse_all[0])}" in text
    assert f"**MAE slope by {signed(mae_all[0] - mae_clean[0])}**" in text
    assert f"Huber slope (δ = 2.5) by {signed(hub_all[0] - hub_clean[0])}" in text
    ratio = abs((mse_all[0] - mse_clean[0]) / (mae_all[0] - mae_clean[0]))
    assert f"MSE's slope moved {fmt(ratio, 3)}× as far as MAE's" in text
    # Shares of the loss against the clean least-squares line.
    r = np.polyval(mse_clean, d.x) - d.y
    share_sq = (r[~clean] ** 2).sum() / (r**2).sum()
    share_ab = np.abs(r[~clean]).sum() / np.abs(r).sum()
    assert f"3 of 30 points (10%) but carry **{pct(share_sq)} of the squared error** and {pct(share_ab)}" in text
    assert share_sq > 0.9 > share_ab
    shown = metrics(at)
    assert shown["MSE slope moved"] == signed(mse_all[0] - mse_clean[0])
    assert shown["Outliers' share of MSE"] == pct(share_sq)


def test_extreme_settings_draw_their_charts_and_the_slope_chart_only_where_outliers_can_be_pushed():
    no_slopes = [c for c in SYNTHETIC_CHARTS if c != "Slope against shift"]
    for params, drawn in (({"outliers": "10", "shift": "-40", "delta": "0.1"}, SYNTHETIC_CHARTS),
                          ({"outliers": "10", "shift": "40", "delta": "100"}, SYNTHETIC_CHARTS),
                          ({"outliers": "0", "shift": "0"}, no_slopes),  # none to push
                          ({"data": "Lagos houses", "delta": "0.1"}, SYNTHETIC_CHARTS[3:])):  # no fitted lines
        at = run_page(PAGE, params)
        assert not errors(at), params
        assert at.selectbox(key=DOWNLOAD_KEY).options == drawn, params


# --------------------------------------------------------------------------- scenario module
def test_lagos_scenario_numbers():
    out = sc.compute("lagos", 1, 20.0, 1.0, 0)
    pts = out.points
    assert list(pts.residual) == [3.0, -5.0, 10.0]
    assert list(pts.mse) == [9.0, 25.0, 100.0] and list(pts.mae) == [3.0, 5.0, 10.0]
    assert out.mse == pytest.approx(134 / 3) and fmt(out.mse) == "44.67" and out.mae == 6.0
    assert list(pts.is_outlier) == [False, False, True]
    assert out.outlier_share_mse == pytest.approx(100 / 134) and out.outlier_share_mae == pytest.approx(10 / 18)
    assert out.top_point == "House 3"
    # x is the prediction, y the price; the reference is the identity line.
    assert list(pts.x) == [45.0, 30.0, 60.0] and list(pts.y) == [42.0, 35.0, 50.0]
    assert np.allclose(pts.reference, pts.x)
    # Fits: least squares by hand (mean x 45, Sxy 225, Sxx 450); without house 3, the line through the others.
    mse = out.fit("mse")
    assert mse.slope == pytest.approx(0.5) and mse.intercept == pytest.approx(127 / 3 - 22.5)
    assert mse.slope_clean == pytest.approx(7 / 15) and mse.intercept_clean == pytest.approx(21.0)
    mae = out.fit("mae")  # the line through houses 2 and 3 has total error 0.5, the least of the three
    assert mae.slope == pytest.approx(0.5) and mae.intercept == pytest.approx(20.0)


@pytest.mark.parametrize("n_outliers, shift, delta, seed", [
    (1, 20.0, 1.0, 0), (3, 25.0, 2.5, 4), (0, 20.0, 0.1, 1), (10, -40.0, 0.1, 5), (10, 40.0, 100.0, 2),
    (5, 8.0, 0.3, 9), (2, -15.0, 10.0, 3),
])
def test_fits_match_independent_references(n_outliers, shift, delta, seed):
    out = sc.compute("synthetic", n_outliers, shift, delta, seed)
    d = line_with_outliers(n=30, n_outliers=n_outliers, outlier_shift=shift, seed=seed)
    clean = ~d.is_outlier
    mse, mae, hub = out.fit("mse"), out.fit("mae"), out.fit("huber")
    assert [mse.slope, mse.intercept] == pytest.approx(np.polyfit(d.x, d.y, 1), rel=1e-10, abs=1e-10)
    assert [mse.slope_clean, mse.intercept_clean] == pytest.approx(np.polyfit(d.x[clean], d.y[clean], 1), abs=1e-10)
    # The LAD optimum may not be unique: compare objective values, then the line where it is unique.
    lad = _lad(d.x, d.y)
    ours = np.abs(mae.slope * d.x + mae.intercept - d.y).sum()
    assert ours == pytest.approx(np.abs(lad[0] * d.x + lad[1] - d.y).sum(), rel=1e-9)
    ref, ref_value = _huber_reference(d.x, d.y, delta)
    value = scipy.special.huber(delta, hub.slope * d.x + hub.intercept - d.y).mean()
    assert value <= ref_value + 1e-12
    assert [hub.slope, hub.intercept] == pytest.approx(ref, abs=1e-5)
    assert out.huber.converged and out.huber_clean.converged
    assert out.huber.grad_norm <= sc.HUBER_GRAD_TOL
    # Moves are differences of the two fits.
    for f in (mse, mae, hub):
        assert f.slope_moved == pytest.approx(f.slope - f.slope_clean, abs=1e-9)
        assert f.intercept_moved == pytest.approx(f.intercept - f.intercept_clean, abs=1e-9)
    if n_outliers == 0:
        assert all(out.fit(k).slope_moved == 0 for k in FITS) and out.outlier_share_mse == 0


def test_one_outlier_does_not_move_the_mae_line_at_all():
    out = sc.compute("synthetic", 1, 20.0, 1.0, 0)
    assert out.fit("mae").slope_moved == 0.0 and out.fit("mae").intercept_moved == 0.0
    assert out.fit("mse").slope_moved > 0.25
    assert 0 < out.fit("huber").slope_moved < out.fit("mse").slope_moved / 5


def test_many_outliers_break_the_mae_line_too():
    out = sc.compute("synthetic", 10, -40.0, 1.0, 0)
    assert abs(out.fit("mae").slope_moved) > abs(out.fit("mse").slope_moved) > 4
    assert "even the absolute-error line gives way" in says.notes(out)[0]
    assert "33%" in says.notes(out)[0]


def test_mse_slope_change_is_linear_in_the_shift():
    """With the points fixed, the least-squares slope is linear in y: moving one point by s adds
    s (x_o - mean x) / sum (x_i - mean x)^2."""
    a = sc.compute("synthetic", 1, 10.0, 1.0, 0).fit("mse").slope
    b = sc.compute("synthetic", 1, 30.0, 1.0, 0).fit("mse").slope
    d = line_with_outliers(n=30, n_outliers=1, outlier_shift=0.0, seed=0)
    xc = d.x - d.x.mean()
    assert b - a == pytest.approx(20.0 * xc[-1] / (xc @ xc), rel=1e-9)


def test_shapes_follow_the_loss_formulas():
    out = sc.compute("synthetic", 2, 20.0, 2.0, 0)
    shapes = out.shapes.set_index(["fit", "residual"])
    r = out.shapes.residual.unique()
    assert np.allclose(shapes.loc["mse"].loss, r**2) and np.allclose(shapes.loc["mse"].pull, 2 * r)
    assert np.allclose(shapes.loc["mae"].loss, np.abs(r)) and np.allclose(shapes.loc["mae"].pull, np.sign(r))
    huber = np.where(np.abs(r) <= 2.0, 0.5 * r**2, 2.0 * (np.abs(r) - 1.0))
    assert np.allclose(shapes.loc["huber"].loss, huber) and np.allclose(shapes.loc["huber"].pull, np.clip(r, -2, 2))
    # the curves reach past every point's error, and the marks sit at the outliers' errors
    assert r.max() >= np.abs(out.points.residual).max()
    assert sorted(out.marks.residual.unique()) == sorted(out.points.residual[out.points.is_outlier])


def test_bad_scenarios_raise_value_errors():
    with pytest.raises(ValueError, match="source"):
        sc.compute("mars", 1, 20.0, 1.0, 0)
    with pytest.raises(ValueError, match="delta"):
        sc.compute("synthetic", 1, 20.0, 0.0, 0)
    with pytest.raises(ValueError, match="n_outliers"):
        sc.compute("synthetic", 31, 20.0, 1.0, 0)


def test_huber_fit_agrees_for_any_start():
    d = line_with_outliers(n=30, n_outliers=4, outlier_shift=30.0, seed=3)
    a, run_a = sc.huber_fit(d.x, d.y, 1.5)
    ref, _ = _huber_reference(d.x, d.y, 1.5)
    assert a == pytest.approx(ref, abs=1e-6) and run_a.converged and run_a.steps <= sc.HUBER_MAX_STEPS


def test_text_blocks():
    out = sc.compute("synthetic", 2, 20.0, 1.0, 0)
    table = says.fits_table(out)
    assert table.count("\n") == 4 and "| **MSE** |" in table
    blocks = says.math_blocks(out)
    assert any("clip" in latex for _, latex in blocks)
    assert "converged" in says.math_blocks(out)[-1][0]
    assert len(says.notes(out)) == 3 and len(says.notes(sc.compute("lagos", 0, 0.0, 1.0, 0))) == 3


# --------------------------------------------------------------------------- chart module
def _frames():
    out = sc.compute("synthetic", 3, 20.0, 1.0, 0)
    return out, {
        "scatter": charts.fits_scatter(out.points, out.lines, x_title="x", y_title="y"),
        "bars": charts.contribution_bars(out.contributions, point_title="Point"),
        "shapes": charts.loss_shape(out.shapes, out.marks, delta=out.delta, part="loss"),
        "pulls": charts.loss_shape(out.shapes, out.marks, delta=out.delta, part="pull"),
        "slopes": charts.slope_moves(out.fits),
        "shift": charts.slope_shift(sc.cached_slope_curves(3, 1.0, 0), shift=20.0),
    }


def test_charts_carry_their_data():
    out, specs = _frames()
    for name, spec in specs.items():
        assert all(isinstance(table, pa.Table) for table in spec["datasets"].values())  # Arrow, converted once
        assert sum(len(table) for table in spec["datasets"].values()) <= MAX_MARKS, name
    (s,) = map(as_frame, specs["scatter"]["datasets"].values())
    assert (s.role == "point").sum() == 30 and set(s.role) == {"point", "fit", "reference"}
    assert (s[s.role == "point"].kind == "Outlier").sum() == 3
    # the legend names the reference line short enough for a phone: "Least squares on the clean po" was cut
    assert set(s[s.role == "reference"].label) == {charts.REFERENCE_NAME}
    (b,) = map(as_frame, specs["bars"]["datasets"].values())
    bars = b[b.role == "bar"]
    assert len(bars) == 60 and bars.groupby("loss").share.sum().round(12).to_dict() == {"MAE": 1.0, "MSE": 1.0}
    assert (b.role == "outlier").sum() == 3
    assert sorted(specs["shapes"]["datasets"]) == ["bends", "curves", "marks"]
    shapes = {name: dataset(specs["shapes"], name) for name in ("curves", "bends", "marks")}
    assert len(shapes["curves"]) <= MAX_MARKS
    assert specs["pulls"]["datasets"]["curves"] is specs["shapes"]["datasets"]["curves"]  # one table, two charts
    assert specs["shapes"]["width"] == specs["pulls"]["width"] == "container"  # they fit a phone's width
    assert len(shapes["marks"]) == 9
    assert sorted(shapes["bends"].residual) == [-1.0, 1.0]
    # Moving the outliers leaves the curves' table as it was: the browser skips it.
    moved = charts.loss_shape(out.shapes, sc.compute("synthetic", 3, 30.0, 1.0, 0).marks, delta=out.delta,
                              part="loss")
    assert moved["datasets"]["curves"] is specs["shapes"]["datasets"]["curves"]
    assert not dataset(moved, "marks").equals(shapes["marks"])
    (sl,) = map(as_frame, specs["slopes"]["datasets"].values())
    assert list(sl[sl.role == "fit"].label) == ["MSE", "MAE", "Huber"]
    assert np.allclose(sl[sl.role == "fit"].slope_moved, out.fits.slope_moved)


def test_chart_specs_are_valid_vega_lite_and_render():
    _, specs = _frames()
    for name, spec in specs.items():
        assert export.chart_svg(spec).lstrip().startswith("<svg"), name
    assert all(color in str(specs["shapes"]) for color in ("#0072B2", "#D55E00", "#009E73"))  # the palette's


def test_new_data_keeps_the_spec_and_the_same_data_the_same_table():
    out = sc.compute("synthetic", 1, 20.0, 1.0, 0)
    a = charts.slope_moves(out.fits)
    b = charts.slope_moves(sc.compute("synthetic", 1, 20.0, 1.0, 0).fits)
    c = charts.slope_moves(sc.compute("synthetic", 2, 20.0, 1.0, 0).fits)
    spec = {k: v for k, v in a.items() if k != "datasets"}
    assert spec == {k: v for k, v in c.items() if k != "datasets"}  # the browser only swaps data
    assert all(a["datasets"][k] is b["datasets"][k] for k in a["datasets"])  # converted once
    assert not dataset(a, "slopes").equals(dataset(c, "slopes"))
    names = re.findall(r"'name': '([^']+)'", str(spec))
    assert set(names) == set(a["datasets"])


def test_delta_slider_offers_the_default_and_the_link_values():
    options = log_options(0.1, 100.0)
    assert 1.0 in options and 3.2 in options and 0.55 not in options


def test_the_values_at_the_farthest_outlier_are_written_under_the_loss_shapes():
    # Lagos, delta 1: the farthest house misses by +10, so squared error 100 (pull 2*10),
    # absolute 10 (pull 1) and Huber 1*(10 - 1/2) = 9.5 (pull 1).
    assert says.shapes_caption(sc.compute("lagos", 0, 0.0, 1.0, 0)).endswith(
        "At the farthest outlier (error +10): penalty MSE 100 · MAE 10 · Huber 9.5; pull MSE 20 · MAE 1 · Huber 1.")
    assert says.farthest_claims(sc.compute("synthetic", 0, 10.0, 1.0, 0)) == []  # no outliers, no sentence


# --------------------------------------------------------------------------- what the text claims
def test_a_point_pushed_less_than_two_noise_widths_is_not_called_an_outlier():
    for shift in (0.0, 1.0, -1.0):
        text = " ".join(says.notes(sc.compute("synthetic", 1, shift, 1.0, 0)))
        assert "that is not an outlier" in text and "noise, not a pull" in text, shift
        assert "as far as MAE's" not in text and "but carries" not in text
    far = " ".join(says.notes(sc.compute("synthetic", 1, 2.0, 1.0, 0)))
    assert "not an outlier" not in far and "The outlier moved the **MSE slope" in far
    out = sc.compute("synthetic", 1, 0.0, 1.0, 0)
    assert f"an average point carries {pct(1 / 30)} of each" in says.notes(out)[1]


def test_when_mae_moves_farther_the_text_says_farther():
    out = sc.compute("synthetic", 10, -40.0, 1.0, 0)
    mse, mae = out.fit("mse").slope_moved, out.fit("mae").slope_moved
    assert abs(mae) > abs(mse)
    assert f"this time MAE's slope moved farther ({fmt(abs(mae / mse), 3)}× MSE's)" in says.notes(out)[0]


def test_a_large_upload_is_fitted_on_a_stated_seeded_sample():
    """The exact MAE fit is a linear program over every point (100,000 took 1.3 s and 240 MB in
    one rerun, issue 24): past FIT_ROWS the view fits a seeded sample and its caption says so."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, 30_000)
    mine = upload_read.Points(x, 2 * x + 1 + rng.normal(size=x.size), "x", "y", "big.csv")
    fitted = sc.fitted_points(mine)
    assert fitted.n == sc.FIT_ROWS == 20_000 and "random sample of 20,000" in fitted.note
    again = sc.fitted_points(mine)
    assert np.array_equal(fitted.x, again.x)  # seeded: the same scenario, the same sample
    assert set(fitted.x) <= set(mine.x)
    assert "20,000 rows of big" in upload.caption(fitted) and "random sample of 20,000" in upload.caption(fitted)
    small = upload_read.Points(x[:50], x[:50], "x", "y", "small.csv")
    assert sc.fitted_points(small) is small and sc.fitted_points(None) is None


def test_an_exact_line_has_no_error_to_share_not_a_point_at_100_percent():
    """The review's upload: size,price / 1,2 / 2,4 / 3,6 lies on a line; its errors are round-off."""
    exact = upload_read.Points(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0]), "size", "price", "exact.csv")
    out = sc.compute_upload(exact, 1.0)
    assert out.top_share_mse == 0 and out.top_share_mae == 0
    text = " ".join(says.notes(out))
    assert "no error to share" in text and "100%" not in text


def test_mae_moves_with_the_side_a_point_is_on_not_with_how_far_it_is_pushed():
    """scikit-learn's QuantileRegressor (the median line) as the oracle: the same MAE line at shift 3 and 40."""
    slopes = {}
    for shift in (3, 40):
        out = sc.compute("synthetic", 1, shift, 1.0, 1)
        slopes[shift] = out.fit("mae").slope
        assert slopes[shift] == pytest.approx(_lad(out.points.x.to_numpy(), out.points.y.to_numpy())[0], abs=1e-6)
    assert slopes[3] == pytest.approx(slopes[40], abs=1e-9)
    text = " ".join(says.notes(sc.compute("synthetic", 1, 3, 1.0, 1)))
    assert "gives way" not in text and "shifted together" not in text
    assert "push it further along the same side and MAE's line stays where it is" in text


def test_points_that_are_not_outliers_are_not_called_outliers():
    # /mse_vs_mae?outliers=3&shift=0 (the review): "those are not outliers", yet the headlines and the bar
    # chart said outliers, and three points were weighed against one average point.
    at = run_page(PAGE, {"outliers": "3", "shift": "0"})
    assert not errors(at)
    shown = metrics(at)
    assert "Moved: share of MSE" in shown and not any(k.startswith("Outliers'") for k in shown)
    text = notice(at)
    assert "3 average points carry 10% of each" in text  # 3 of 30 points, by hand
    assert any("▼ marks the moved points" in c.value for c in at.caption)
    # nor the loss shapes' caption: "the moved points' errors", "at the farthest moved point"
    assert not any("outlier" in c.value.lower() for c in at.caption)
    assert "Outliers' share of MSE" in metrics(run_page(PAGE))  # pushed 20 off the line: outliers


def test_the_lagos_math_explains_no_fitted_line():
    # /mse_vs_mae?data=lagos (the review): "The math" explained the MSE, MAE and Huber lines of a page that
    # fits none.
    lagos = says.math_blocks(sc.outcome({**sc.DEFAULTS, "data": "lagos"}))
    assert not any(w in s for s, _ in lagos for w in ("MSE line", "MAE line", "Huber lines")) and len(lagos) == 4
    assert any("**MSE line**" in sentence for sentence, _ in says.math_blocks(sc.outcome(sc.DEFAULTS)))


# --------------------------------------------------------------------------- slope against shift
def _lad_lp(x, y):
    """The least-absolute-deviations line as scipy's linprog of the primal problem, written out here:
    minimize sum(u + v) over (w, b, u >= 0, v >= 0) with w x + b + u - v = y (u - v is each point's miss)."""
    n = x.size
    cost = np.r_[0.0, 0.0, np.ones(2 * n)]
    rows = np.hstack([x[:, None], np.ones((n, 1)), np.eye(n), -np.eye(n)])
    best = scipy.optimize.linprog(cost, A_eq=rows, b_eq=y, bounds=[(None, None)] * 2 + [(0, None)] * (2 * n),
                                  method="highs")
    assert best.status == 0
    return best.x[:2]


@pytest.mark.parametrize("k, delta, seed", [(1, 1.0, 1), (3, 0.3, 7), (10, 5.0, 0)])
def test_the_slope_against_shift_curves_match_independent_fits(k, delta, seed):
    """Each curve at a few shifts against a fit of the data drawn at that shift: numpy's lstsq (MSE), the
    primal linear program (MAE) and BFGS on the Huber loss (Huber)."""
    curves = sc.slope_curves(k, delta, seed).pivot(index="shift", columns="fit", values="slope")
    assert list(curves.index) == list(range(-40, 41)) and sc.SHIFTS == (-40, 40)  # every whole step of the slider
    for shift in (-40, -3, 0, 2, 3, 17, 40):
        d = line_with_outliers(n=30, n_outliers=k, outlier_shift=float(shift), seed=seed)
        design = np.c_[d.x, np.ones_like(d.x)]
        assert curves.loc[shift, "mse"] == pytest.approx(np.linalg.lstsq(design, d.y, rcond=None)[0][0], abs=1e-9)
        assert curves.loc[shift, "mae"] == pytest.approx(_lad_lp(d.x, d.y)[0], abs=1e-6), shift
        assert curves.loc[shift, "huber"] == pytest.approx(_huber_reference(d.x, d.y, delta)[0][0], abs=1e-5), shift


def test_the_curves_show_the_lesson_in_one_picture():
    """The review's seed 1, one outlier, δ = 1: MSE's slope is a straight line in the shift (the point's
    weight, by hand, is its gradient), MAE's a step where the point crosses the line and flat on either side,
    Huber's a ramp that levels off: its move is +0.0272 at shift 3 and at shift 40."""
    curves = sc.slope_curves(1, 1.0, 1).pivot(index="shift", columns="fit", values="slope")
    d = line_with_outliers(n=30, n_outliers=1, outlier_shift=0.0, seed=1)
    xc = d.x - d.x.mean()
    assert np.allclose(np.diff(curves.mse), xc[-1] / (xc @ xc), rtol=1e-9, atol=0)
    mae = curves.mae
    assert np.ptp(mae.loc[-40:1]) < 1e-9 and np.ptp(mae.loc[2:40]) < 1e-9 and mae[2] - mae[1] > 0.1
    clean = sc.compute("synthetic", 1, 3.0, 1.0, 1).fit("huber").slope_clean
    assert round(curves.huber[3] - clean, 4) == round(curves.huber[40] - clean, 4) == 0.0272
    assert curves.huber[1] < curves.huber[2] < curves.huber[3]  # the ramp inside δ


def test_the_slope_chart_marks_the_sliders_shift_and_keeps_its_curves_when_the_shift_moves():
    curves = sc.cached_slope_curves(1, 1.0, 0)
    a, b = charts.slope_shift(curves, shift=20.0), charts.slope_shift(curves, shift=-7.0)
    # the same bytes: the browser skips the unchanged curves (the one object, when the Arrow cache holds it)
    assert a["datasets"]["curves"].equals(b["datasets"]["curves"])
    now = dataset(a, "now").set_index("fit").slope
    out = sc.compute("synthetic", 1, 20.0, 1.0, 0)
    for key in FITS:  # the dots are the table's "Slope, all points"
        assert now[key] == pytest.approx(out.fit(key).slope, abs=1e-8), key
    assert len(dataset(a, "curves")) == 3 * 81 <= MAX_MARKS
    assert export.chart_svg(a).lstrip().startswith("<svg")


def test_the_scatter_legend_draws_each_kind_of_point_as_the_plot_does():
    """The review: the legend drew the outlier as a grey diamond with a black centre, and called points within
    the noise outliers. Fill, stroke and shape share one field: grey circles, black diamonds, named as marked."""
    out = sc.compute("synthetic", 3, 0.0, 1.0, 0)
    spec = charts.fits_scatter(out.points, out.lines, x_title="x", y_title="y", marked=out.marked_one)
    (s,) = map(as_frame, spec["datasets"].values())
    assert set(s[s.role == "point"].kind) == {"Clean point", "Moved point"}
    dots = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "point"][0]["encoding"]
    for channel in ("fill", "stroke"):
        assert dots[channel]["field"] == "kind"
        assert dots[channel]["scale"] == {"domain": ["Clean point", "Moved point"], "range": [DATA, OUTLIER]}
    assert dots["shape"]["scale"]["range"] == ["circle", "diamond"]
