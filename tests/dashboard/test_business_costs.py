"""The business-costs view's own numbers: fraud thresholds and asymmetric demand forecasts.

The lesson's scenario recomputed with scikit-learn and plain numpy, the presets' numbers, the scenario's
and the charts' frames. That the page loads, each control changes it, links and bad links: the contract suite
(test_view_contract.py); every claim over the controls' ranges: test_business_costs_claims.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression, QuantileRegressor

from core import datasets
from dashboard import export
from dashboard.charts import business_costs as charts
from dashboard.charts.common import MAX_MARKS, dataset, mark_count
from dashboard.formatting import money
from dashboard.palette import MARKER, MISTAKES
from dashboard.scenarios import business_costs as scenario
from dashboard.shared import business_costs as says

from .apptest_tools import errors, run_page, set_controls, texts

PAGE = "business_costs.py"


def usd(value: float) -> str:
    """Dollars as the notes write them in markdown (the $ escaped)."""
    return money(value).replace("$", r"\$")


def _notice(at) -> str:
    return "\n".join(texts(at))


@pytest.fixture(scope="module")
def default_run():
    at = run_page(PAGE)
    assert not errors(at)
    return at


# --------------------------------------------------------------------------- the page


def test_presets_load_the_lesson_prices_and_equal_costs():
    at = set_controls(run_page(PAGE), {"miss": 20, "alarm": 300})
    at.button(key="preset-lesson").click().run()
    assert (at.number_input(key="miss").value, at.number_input(key="alarm").value) == (1000, 10)
    assert "= **0.0099**" in _notice(at)
    at.button(key="preset-equal").click().run()
    assert (at.slider(key="under").value, at.slider(key="over").value) == (1, 1)
    assert "= **0.5** quantile" in _notice(at)
    at.button(key="preset-fraud-equal").click().run()
    assert (at.number_input(key="miss").value, at.number_input(key="alarm").value) == (1, 1)
    # two distinct metric names, although the cost-optimal threshold is the usual 0.5
    assert [m.label for m in at.metric][:4] == ["Cost-optimal threshold", "Test cost, usual 0.5",
                                                "Test cost, cost-optimal 0.5", "Saving"]
    assert not errors(at)


def _sklearn_fit(base_rate, n, seed, class_weight=None):
    """scikit-learn's unpenalized logistic fit on the training half: (test labels, test scores, the fit)."""
    data = datasets.fraud_like(n=n, base_rate=base_rate, seed=seed)
    train, test = scenario.split_halves(data.y, seed)
    Z = (data.X - data.X[train].mean(axis=0)) / data.X[train].std(axis=0)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000, class_weight=class_weight)
    ref.fit(Z[train], data.y[train])
    return data.y[test], ref.predict_proba(Z[test])[:, 1], ref


def test_what_to_notice_has_the_right_fraud_numbers(default_run):
    text = _notice(default_run)
    # The lesson's prices: flag from 10 / 1010 = 0.0099.
    assert "P(fraud) ≥ 10 / (10 + 1000) = **0.0099**" in text
    y, p, _ = _sklearn_fit(0.02, 10_000, 0)
    assert (int(y.sum()), y.size) == (100, 5_000)
    fraud, ref = y == 1, {}
    for t in (0.5, 10 / 1010):
        flag = p >= t
        caught, alarms, missed = int(np.sum(flag & fraud)), int(np.sum(flag & ~fraud)), int(np.sum(~flag & fraud))
        ref[t] = {"flagged": int(flag.sum()), "caught": caught, "false_alarm": alarms, "missed": missed,
                  "cost": 10.0 * alarms + 1000.0 * missed}
    half, opt = ref[0.5], ref[10 / 1010]
    assert f"At 0.5 the model flags {half['flagged']:,} of the 5,000 test transactions" in text
    assert f"lets **{half['missed']} of 100** frauds through: **{usd(half['cost'])}**" in text
    assert (f"it flags {opt['flagged']:,}: {opt['caught']} frauds caught, {opt['missed']} missed and "
            f"{opt['false_alarm']:,} false alarms, **{usd(opt['cost'])}**") in text
    saving = half["cost"] - opt["cost"]
    assert f"**{usd(saving)} saved ({100 * saving / half['cost']:.0f}%)**" in text
    assert f"Saving={money(saving)}" in text
    assert "so it has converged" in text
    # This draw: 93 of 100 frauds slip through at 0.5 ($93,070); 14 at 0.0099 ($31,780).
    assert (half["missed"], half["cost"], opt["missed"], opt["cost"]) == (93, 93_070.0, 14, 31_780.0)
    # the cost curve is per transaction, the metrics are totals
    assert "Dollars per transaction, the total above divided by the 5,000 held-out transactions" in (
        " ".join(c.value for c in default_run.caption))
    assert "Total over the 5,000 held-out transactions." in [m.proto.help for m in default_run.metric]


def test_what_to_notice_has_the_right_demand_numbers(default_run):
    text = _notice(default_run)
    days = scenario.demand_days(10, 3, 0)
    X, y = days.x[:, None], days.y
    mse = LinearRegression().fit(X, y).predict(X)
    quant = QuantileRegressor(quantile=0.8, alpha=0.0, solver="highs").fit(X, y).predict(X)
    mse_cost, quant_cost = (float(np.sum(4 * np.maximum(y - f, 0) + np.maximum(f - y, 0))) for f in (mse, quant))
    assert "q = 4 / (4 + 1) = **0.8** quantile" in text
    assert "run short on about 20% of days" in text
    assert f"runs short on {int(np.sum(mse < y))} of 60 days" in text
    assert f"the MSE forecasts cost **{usd(mse_cost)}** and the quantile forecasts **{usd(quant_cost)}**" in text
    assert f"**{usd(mse_cost - quant_cost)} saved" in text
    assert f"Cost of the MSE fit={money(mse_cost)}" in text and f"Cost of the quantile fit={money(quant_cost)}" in text


def test_the_class_weights_toggle_retitles_the_metrics_and_keeps_the_baseline(default_run):
    at = run_page(PAGE, {"weights": "true"})
    assert at.toggle(key="weights").value and not errors(at)
    fraud = {m.label: m.value for m in at.metric[:4]}
    assert fraud == {"Threshold": "0.5", "Test cost, plain model at 0.5": default_run.metric[1].value,
                     "Test cost, class-weighted at 0.5": "$32,320", "Saving": "$60,750"}
    notes = " ".join(m.value for m in at.markdown)
    assert "The costs are in the loss" in notes and "threshold moved to 0.0099" in notes


# --------------------------------------------------------------------------- scenarios


@pytest.mark.parametrize(("base_rate", "n", "seed", "weights", "tol"), [
    (0.005, 4_000, 1, None, 1e-5), (0.02, 10_000, 0, None, 1e-5), (0.3, 2_000, 5, None, 1e-5),
    (0.5, 20_000, 2, None, 1e-5), (0.02, 10_000, 0, (1000, 10), 1e-4)])
def test_logistic_fit_converges_to_scikit_learns_maximum_likelihood_fit(base_rate, n, seed, weights, tol):
    """Plain, and with the costs as class weights (scikit-learn's ``class_weight``)."""
    model = scenario.fit_fraud_model(base_rate, n, seed, weights)
    _, _, ref = _sklearn_fit(base_rate, n, seed, weights and {1: weights[0], 0: weights[1]})
    np.testing.assert_allclose(model.weights, ref.coef_[0], atol=tol)
    assert model.intercept == pytest.approx(ref.intercept_[0], abs=tol)
    assert model.converged and model.grad_max < 1e-6 and model.class_weights == (weights and tuple(map(float, weights)))


def test_class_weights_put_the_costs_in_the_loss_and_decide_at_one_half():
    plain = scenario.fit_fraud_model(0.02, 10_000, 0)
    weighted = scenario.fit_fraud_model(0.02, 10_000, 0, (1000, 10))
    out = scenario.fraud_costs(weighted, 1000, 10, plain)
    moved = scenario.fraud_costs(plain, 1000, 10)
    assert out.weighted and not moved.weighted
    assert out.optimal.threshold == 0.5 and out.default == moved.default  # baseline: the plain model at 0.5
    assert out.threshold_moved == moved.optimal  # the decision-side alternative, to compare
    # the lesson's scenario: $32,320 with the costs in the loss, $31,780 with them in the threshold
    assert (out.optimal.cost, out.threshold_moved.cost, out.saving) == (32_320, 31_780, 60_750)
    assert out.markers["kind"].tolist() == ["optimal"]  # the plain model's 0.5 is not on this curve
    assert sorted(out.confusion["rule"].unique()) == ["class-weighted model, 0.5", "plain model, 0.5"]
    text = " ".join(says.fraud_notes(out))
    assert r"costs \$31,780: \$540 less than the class-weighted model" in text
    assert "count the costs twice" in text and "**\\$60,750 saved (65%)**" in text
    assert "decision-side alternative" in " ".join(says.fraud_notes(moved))
    equal = scenario.fraud_costs(scenario.fit_fraud_model(0.02, 10_000, 0, (1, 1)), 1, 1, plain)
    assert equal.saving == 0 and "plain cross-entropy, the plain model" in " ".join(says.fraud_notes(equal))
    with pytest.raises(ValueError, match="plain"):
        scenario.fraud_costs(weighted, 1000, 10)


def test_split_is_half_of_each_class():
    y = datasets.fraud_like(n=3_001, base_rate=0.02, seed=4).y
    train, test = scenario.split_halves(y, 4)
    assert np.intersect1d(train, test).size == 0 and train.size + test.size == y.size
    assert y[train].sum() == y.sum() // 2 and y[test].sum() == y.sum() - y.sum() // 2
    model = scenario.fit_fraud_model(0.02, 3_001, 4)
    assert (model.frauds_train, model.frauds_test) == (30, 30)
    assert (model.n_train, model.n_test) == (train.size, test.size)


def test_fraud_costs_are_consistent():
    model = scenario.fit_fraud_model(0.02, 10_000, 0)
    out = scenario.fraud_costs(model, 1000, 10)
    assert out.optimal.threshold == pytest.approx(10 / 1010)
    assert out.default.threshold == 0.5
    for dec in (out.optimal, out.default, out.best):
        assert dec.caught + dec.missed == model.frauds_test
        assert dec.caught + dec.false_alarm + dec.missed + dec.passed == model.n_test
        assert dec.cost == 10 * dec.false_alarm + 1000 * dec.missed
    # Flagging by hand agrees with the counts.
    flag = model.p_test >= out.optimal.threshold
    assert out.optimal.false_alarm == int(np.sum(flag & (model.y_test == 0)))
    assert out.saving == out.default.cost - out.optimal.cost > 0
    assert out.best.cost <= min(out.optimal.cost, out.default.cost)
    # The curve passes through both marked thresholds at their exact cost per transaction.
    curve = out.curve.set_index("threshold")
    assert curve.loc[0.5, "total"] == pytest.approx(out.default.cost / model.n_test)
    assert curve.loc[out.optimal.threshold, "total"] == pytest.approx(out.optimal.cost / model.n_test)
    np.testing.assert_allclose(curve["total"], curve["missed"] + curve["false_alarm"])
    assert curve.index.is_monotonic_increasing and curve["missed"].is_monotonic_increasing
    assert curve["false_alarm"].is_monotonic_decreasing
    # The confusion table holds the same counts.
    counts = out.confusion.set_index(["threshold", "outcome"])["count"]
    assert counts[(0.5, "missed")] == out.default.missed
    assert out.confusion.groupby("rule")["count"].sum().tolist() == [model.n_test] * 2
    assert out.confusion.groupby("rule")["cost"].sum().sort_values().tolist() == sorted(
        [out.optimal.cost, out.default.cost])


def test_expensive_false_alarms_move_the_threshold_up():
    model = scenario.fit_fraud_model(0.02, 10_000, 0)
    out = scenario.fraud_costs(model, 10, 1000)
    assert out.optimal.threshold == pytest.approx(1000 / 1010)
    assert out.optimal.flagged <= out.default.flagged
    # The two labels are on the right half of the axis, so the curve still spans both.
    assert out.curve["threshold"].min() <= 1e-4 and out.curve["threshold"].max() == 1.0


def test_fraud_notes_follow_the_prices():
    model = scenario.fit_fraud_model(0.02, 10_000, 0)
    cheap_alarms = " ".join(says.fraud_notes(scenario.fraud_costs(model, 1000, 10)))
    assert "= **0.0099**, far below the usual 0.5" in cheap_alarms and "Many cheap false alarms" in cheap_alarms
    dear_alarms = " ".join(says.fraud_notes(scenario.fraud_costs(model, 10, 1000)))
    assert "1000 / (1000 + 10) = **0.9901**, above the usual 0.5" in dear_alarms
    equal = scenario.fraud_costs(model, 10, 10)
    assert equal.saving == 0 and "exactly **0.5**" in " ".join(says.fraud_notes(equal))


@pytest.mark.parametrize(("t", "text"), [(10 / 1010, "0.0099"), (1 / 1_000_001, "0.000001"), (0.5, "0.5"),
                                         (1000 / 1010, "0.9901"), (1_000_000 / 1_000_001, "0.999999"),
                                         (1 / 21, "0.0476")])
def test_threshold_text_never_rounds_to_0_or_1(t, text):
    assert says.threshold_text(t) == text


def test_demand_notes_say_where_the_quantile_line_sits():
    high = " ".join(says.demand_notes(scenario.demand_costs(20, 1, 30, 0, 0)))
    assert "units above the MSE line" in high and "run short on about 5% of days" in high
    low = " ".join(says.demand_notes(scenario.demand_costs(1, 20, 10, 3, 0)))
    assert "units below the MSE line" in low and "q = 1 / (1 + 20) = **0.0476**" in low


def test_noise_free_days_at_equal_costs_show_no_round_off():
    """Every day on the line: the two fits agree to round-off, which must never reach the page."""
    out = scenario.demand_costs(1, 1, 0, 0, 0)
    text = " ".join(says.demand_notes(out) + [h.text for h in says.demand_headlines(out)])
    assert "runs short on 0 of 60 days; the quantile line runs short on 0" in text
    assert "The two lines are one and the same (slope 4 units per °C)" in text
    assert r"**\$0 saved (0%)**" in text and "100%" not in text and "e-1" not in text
    assert (out.costs["cost"] == 0).all() and (out.costs["total"] == 0).all()


def test_demand_quantile_fit_is_cheapest_and_its_costs_add_up():
    out = scenario.demand_costs(4, 1, 10, 3, 0)
    assert out.q == 0.8
    assert out.quantile.cost <= out.mse.cost
    assert out.saving == pytest.approx(out.mse.cost - out.quantile.cost)
    for fit in (out.mse, out.quantile):
        assert fit.under_cost + fit.over_cost == pytest.approx(fit.cost)
    # The short days against n (1 - q) and the MSE line against numpy.polyfit: test_business_costs_claims.py.
    days = scenario.demand_days(10, 3, 0)
    assert list(out.points.columns) == ["day", "temperature", "demand", "rush", "forecast_mse", "forecast_quantile"]
    np.testing.assert_allclose(out.points["forecast_quantile"], out.quantile.slope * days.x + out.quantile.intercept)
    assert int(out.points["rush"].sum()) == 3 and len(out.points) == 60


def test_equal_costs_give_the_median_line():
    out = scenario.demand_costs(1, 1, 10, 3, 0)
    assert out.q == 0.5
    days = scenario.demand_days(10, 3, 0)
    mae = np.mean(np.abs(days.y - (out.quantile.slope * days.x + out.quantile.intercept)))
    assert out.quantile.cost == pytest.approx(mae * out.n_days)
    with pytest.raises(ValueError, match="c_under"):
        scenario.demand_costs(0, 1, 10, 3, 0)


# --------------------------------------------------------------------------- charts


@pytest.fixture(scope="module")
def built():
    fraud = scenario.fraud_costs(scenario.fit_fraud_model(0.02, 10_000, 0), 1000, 10)
    demand = scenario.demand_costs(4, 1, 10, 3, 0)
    return fraud, demand, {
        "curve": charts.cost_curve(fraud.curve, fraud.markers),
        "confusion": charts.confusion_chart(fraud.confusion),
        "demand": charts.demand_chart(demand.points),
        "costs": charts.demand_cost_chart(demand.costs),
    }


def test_chart_builders_carry_the_scenario_data_and_stay_small(built):
    fraud, demand, specs = built
    expected = {"curve": {"curve", "markers"}, "confusion": {"confusion"}, "demand": {"points"}, "costs": {"costs"}}
    for name, spec in specs.items():
        assert set(spec["datasets"]) == expected[name], name
        assert 0 < mark_count(spec) <= MAX_MARKS, name
    curve = dataset(specs["curve"], "curve")
    assert list(curve.columns) == ["threshold", "missed", "false_alarm", "total"]
    assert len(curve) == len(fraud.curve) <= MAX_MARKS // 3  # three lines
    assert list(dataset(specs["curve"], "markers")["rule"]) == ["cost-optimal 0.0099", "default 0.5"]
    assert len(dataset(specs["confusion"], "confusion")) == 8 and len(dataset(specs["costs"], "costs")) == 4
    points = dataset(specs["demand"], "points")
    assert len(points) == 60 and {"forecast_mse", "forecast_quantile"} <= set(points.columns)
    # Another scenario gives other data under the same names.
    assert not dataset(charts.demand_chart(scenario.demand_costs(4, 2, 10, 3, 0).points), "points").equals(points)


def test_chart_colours_come_from_the_palette(built):
    specs = built[2]
    fit_colors = [layer["encoding"]["color"]["scale"] for layer in specs["demand"]["layer"]
                  if "color" in layer["encoding"]]
    assert fit_colors[0]["range"] == [charts.LOSSES["mse"], charts.LOSSES["asymmetric"]]
    part_colors = specs["curve"]["layer"][0]["encoding"]["color"]["scale"]
    assert part_colors["range"] == [MISTAKES["missed"], MISTAKES["false_alarm"], MISTAKES["total"]]
    assert specs["curve"]["layer"][2]["mark"]["color"] == MARKER


def test_charts_render_their_derived_labels(built):
    """Cell dollar texts, the rule labels, the totals and legends are computed by Vega-Lite: render and read them."""
    fraud, demand, specs = built
    confusion = export.chart_svg(specs["confusion"])
    for text in ("cost-optimal 0.0099", "default 0.5", "$14,000", "$17,780", "$93,000", "$70", "free",
                 "1,778", "4,893", "Correct (free)", "False alarm", "Missed fraud"):
        assert f">{text}<" in confusion, text
    curve = export.chart_svg(specs["curve"])
    for text in ("cost-optimal 0.0099", "default 0.5", "Missed fraud", "False alarms", "Total"):
        assert f">{text}<" in curve, text
    demand_svg = export.chart_svg(specs["demand"])
    for text in ("Ordinary day", "Rush day", "MSE fit (mean)", "Cost-optimal quantile fit"):
        assert f">{text}<" in demand_svg, text
    costs_svg = export.chart_svg(specs["costs"])
    for value in (demand.mse.cost, demand.quantile.cost):
        assert f">{money(value)}<" in costs_svg


def test_the_rush_day_legend_shows_only_with_rush_days():
    for rush, kinds in ((0, ["Ordinary day"]), (3, ["Ordinary day", "Rush day"])):
        spec = charts.demand_chart(scenario.demand_costs(4, 1, 10, rush, 0).points)
        shapes = [layer["encoding"]["shape"]["scale"]["domain"] for layer in spec["layer"]
                  if "shape" in layer.get("encoding", {})]
        assert shapes == [kinds], rush
