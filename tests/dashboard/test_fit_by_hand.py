"""Can you beat least squares by hand? The lesson's 11.9, the best lines against scikit-learn, the tie."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, QuantileRegressor

from dashboard.scenarios import fit_by_hand as sc

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "fit_by_hand.py"
X = np.arange(1.0, 8.0)
Y = np.array([2.3, 2.9, 4.3, 4.8, 7.0, 6.4, 9.1])


def test_the_lessons_start_scores_11_9_by_hand():
    fit = sc.compute(sc.DEFAULTS)
    errors_ = [1.2, 1.1, 0.2, 0.2, -1.5, -0.4, -2.6]  # e = ŷ − y = (0.5 x + 3) − y, point by point
    np.testing.assert_allclose(fit.error, errors_, atol=1e-12)
    assert fit.total == pytest.approx(1.44 + 1.21 + 0.04 + 0.04 + 2.25 + 0.16 + 6.76, abs=1e-12)
    assert fit.total == pytest.approx(11.9, abs=1e-12) and fit.mean == pytest.approx(1.7, abs=1e-12)


def test_the_best_lines_against_scikit_learn():
    fit = sc.compute({**sc.DEFAULTS, "reveal": True})
    ols = LinearRegression().fit(X[:, None], Y)
    assert fit.best == pytest.approx((ols.coef_[0], ols.intercept_), abs=1e-12)
    assert fit.best_total == pytest.approx(np.sum((ols.predict(X[:, None]) - Y) ** 2), rel=1e-12)
    assert fit.best_total == pytest.approx(2.1796428571, abs=1e-9) and fit.ratio == pytest.approx(11.9 / 2.1796428571)
    mae = sc.compute({**sc.DEFAULTS, "loss": "mae"})
    lad = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X[:, None], Y)
    sk_total = np.sum(np.abs(lad.predict(X[:, None]) - Y))
    assert mae.best_total == pytest.approx(sk_total, abs=1e-9)  # the same minimum (the line may not be unique)
    assert mae.total == pytest.approx(1.2 + 1.1 + 0.2 + 0.2 + 1.5 + 0.4 + 2.6, abs=1e-12)


def test_the_surface_is_the_total_loss_and_has_its_minimum_at_the_best_line():
    fit = sc.compute(sc.DEFAULTS)
    row = fit.bands.iloc[fit.bands["value"].to_numpy().argmin()]
    w, b = row["x"], row["y"]
    assert row["value"] == pytest.approx(np.sum((w * X + b - Y) ** 2), rel=1e-12)
    assert abs(w - fit.best[0]) <= fit.cell[0] and abs(b - fit.best[1]) <= fit.cell[1]


def test_the_tie_holds_under_every_loss_and_weights_break_it():
    t = sc.tie(sc.DEFAULTS)
    assert all(a == b for _, a, b in t.rows) and t.rows[0][1:] == (1.0, 1.0) and t.weighted == (1.0, 1.0)
    assert "no loss of the error alone" in sc.tie_verdict(t)
    heavy = sc.tie(sc.WEIGHTED)  # the third point weighs 2: A's miss costs 2, B's 1
    assert heavy.weighted == (2.0, 1.0) and "model B scores 1 against A's 2" in sc.tie_verdict(heavy)


def test_the_page_states_the_lessons_numbers():
    at = run_page(PAGE)
    assert errors(at) == []
    shown = metrics(at)
    assert shown["Total squared error"] == "11.9" and shown["MSE"] == "1.7" and "Yours over the best" not in shown
    revealed = metrics(run_page(PAGE, {"reveal": "true"}))
    assert revealed["The best line's total"] == "2.18" and revealed["Yours over the best"] == "5.460×"
    text = notice(run_page(PAGE, {"reveal": "true"}))
    assert "y = 1.075 x + 0.9571" in text and "y = 1.2 x + 0.7" in text


def test_the_absolute_error_table_is_a_table_and_every_error_is_prediction_minus_truth():
    """The review's link /fit_by_hand?loss=mae: an unescaped |r| head broke the table into one paragraph."""
    fit = sc.compute({**sc.DEFAULTS, "loss": "mae"})
    table = sc.table_markdown(fit)
    head, rule = table.splitlines()[:2]
    assert head.count(" | ") == rule.count("|") - 2 == 4  # five columns, the head's pipes escaped
    assert "\\|e\\|" in head and "error e = ŷ − y" in head
    assert table.splitlines()[2].startswith("| 1 | 2.3 | 3.5 | +1.2 |")  # ŷ = 0.5·1 + 3 = 3.5; e = 3.5 − 2.3


def _square_widths(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        if node.get("as") == "right" and "calculate" in node:
            found.append(node["calculate"])
        for v in node.values():
            found += _square_widths(v)
    elif isinstance(node, list):
        for v in node:
            found += _square_widths(v)
    return found


def test_the_start_page_figure_draws_its_squares_square():
    # The review: drawn at 300 x 150 px over x 0-8 and y -1-11, a square one unit high was 37.5 px wide
    # and 12.5 px tall. Its width in x units must be (8 / 300) / (12 / 150) = 1/3 of its side.
    from dashboard.charts import fit_by_hand as charts
    from dashboard.charts.common import PREVIEW_SIZE

    (formula,) = _square_widths(charts.preview())
    width, height = PREVIEW_SIZE
    stretch = float(formula.split("datum.x + ")[1].split(" *")[0])
    px_wide = stretch * width / 8.0  # pixels across per unit of error
    px_tall = height / 12.0  # pixels up per unit of error
    assert px_wide == pytest.approx(px_tall, rel=1e-12)
    (own,) = _square_widths(charts.fit_chart(sc.fit_of(sc.DEFAULTS), True, False))
    assert "datum.x + 1.0 * abs(datum.error)" in own  # the page's own chart has one scale on both axes


def test_squares_are_drawn_only_where_they_are_the_loss():
    # The review: /fit_by_hand?loss=mae&squares=true drew squared errors while the page scored |r|.
    at = run_page(PAGE, {"loss": "mae", "squares": "true"})
    assert not errors(at)
    assert any("the squares are not drawn" in c.value for c in at.caption)
    mae = sc.fit_of({**sc.DEFAULTS, "loss": "mae"})
    assert not sc.squares_apply(mae) and sc.squares_apply(sc.fit_of(sc.DEFAULTS))


def test_on_the_surface_your_line_and_the_best_line_are_different_marks():
    # The review: both were black crosses, and at the first preset the two stacked over one mark.
    import json

    from dashboard.charts import fit_by_hand as charts

    fit = sc.fit_of({**sc.DEFAULTS, "slope": 1.075, "intercept": 0.95})
    spec = charts.surface_chart(fit, True)
    marks = spec["datasets"]["marks"]
    frame = marks.to_pandas() if hasattr(marks, "to_pandas") else marks
    kinds = dict(zip(frame["kind"], frame["label"].astype(str) + "|" + frame["text"].astype(str)))
    assert set(kinds) == {"optimum", "now"} and "the best line" in kinds["optimum"] and "your line" in kinds["now"]
    assert "start" not in json.dumps(list(frame["kind"]))
