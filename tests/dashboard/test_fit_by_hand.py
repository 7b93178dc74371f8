"""Can you beat least squares by hand? The lesson's 11.9, the best lines against scikit-learn, the tie."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, QuantileRegressor

from dashboard.scenarios import fit_by_hand as sc
from dashboard.shared import fit_by_hand as window

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
    assert revealed["The best line's total"] == "2.18" and revealed["Yours over the best"] == "5.46×"
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


def test_the_start_page_figure_draws_its_squares_square():
    # The review: drawn at 300 x 150 px over x 0-8 and y -1-11, a square one unit high was 37.5 px wide
    # and 12.5 px tall. Its width in x units must be (8 / 300) / (12 / 150) = 1/3 of its side.
    from dashboard import previews
    from dashboard.charts import fit_by_hand as charts
    from dashboard.charts.common import PREVIEW_SIZE, dataset

    width, height = PREVIEW_SIZE
    boxes = dataset(previews.fit_by_hand(), "squares")
    px_wide = (boxes["right"] - boxes["left"]) * width / 8.0
    px_tall = (boxes["high"] - boxes["low"]) * height / 12.0
    np.testing.assert_allclose(px_wide, px_tall, rtol=1e-12)
    own = dataset(charts.fit_chart(sc.fit_of(sc.DEFAULTS), True, False), "squares")  # one scale on both axes
    np.testing.assert_allclose(own["right"] - own["left"], own["high"] - own["low"], rtol=1e-12)
    np.testing.assert_allclose(own["high"] - own["low"], np.abs(own["error"]), rtol=1e-12)


def test_the_squares_are_placed_to_show_and_a_cut_one_says_so():
    """The review: at the lesson start the x = 7 square (2.6 wide) lay over the x = 5 one, and at slope −1,
    intercept −3 the line left the plot and seven clipped squares piled up under a caption that called each
    area its squared error."""
    start = window.squares(sc.fit_of(sc.DEFAULTS))
    assert list(start["x"]) == [7, 5, 1, 2, 6, 3, 4]  # biggest first: a smaller square is drawn over a bigger one
    by_x = start.set_index("x")
    assert by_x.loc[7, ["left", "right"]].tolist() == pytest.approx([4.4, 7.0])  # rightwards it would leave the plot
    assert by_x.loc[2, ["left", "right"]].tolist() == pytest.approx([2.0, 3.1])  # away from the x = 1 square
    assert not start["cut"].any()
    # x = 5 (1.5 wide, 5.5 to 7) shares 0.6 x 0.5 with x = 7 leftwards, 1.5 x 0.5 rightwards: it goes left
    assert by_x.loc[5, ["left", "right"]].tolist() == pytest.approx([3.5, 5.0])
    caption = sc.fit_caption(sc.fit_of(sc.DEFAULTS), True)
    assert "Each square's area is its point's squared error." in caption and "dashed edge" not in caption

    off = sc.fit_of({**sc.DEFAULTS, "slope": -1.0, "intercept": -3.0})  # y = −x − 3: below y = −1 from x = 0 on
    assert window.line_position(off) == "below" and window.squares(off)["cut"].all()
    caption = sc.fit_caption(off, True)
    assert "except the 7 with a dashed edge" in caption and "runs entirely below the plot" in caption
    assert "raise the intercept" in caption
    assert window.line_position(sc.fit_of({**sc.DEFAULTS, "slope": 0.0, "intercept": -1.0})) == "on"  # along the edge
    from dashboard.charts import fit_by_hand as charts
    from dashboard.charts.common import dataset

    spec = charts.fit_chart(off, True, False)
    assert "below the plot" in dataset(spec, "off")["text"][0]
    cut = [layer_ for layer_ in spec["layer"] if layer_.get("data", {}).get("name") == "squares"
           and layer_["transform"][0]["filter"] == "datum.cut"]
    assert len(cut) == 1 and cut[0]["mark"]["strokeDash"] and cut[0]["mark"]["fillOpacity"] == 0


def _contrast_with_white(hex_colour: str, opacity: float) -> float:
    """WCAG contrast against white of a colour laid over white at an opacity."""
    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    rgb = [1 - opacity * (1 - int(hex_colour[k:k + 2], 16) / 255) for k in (1, 3, 5)]
    lum = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
    return 1.05 / (lum + 0.05)


def test_the_squares_show_on_a_projector():
    # The review: vermillion at 18% on white is #F7E2D1, 1.25 : 1 against white; now at least 1.75 : 1.
    from dashboard import palette
    from dashboard.charts import fit_by_hand as charts

    assert _contrast_with_white(palette.VERMILLION, 0.18) == pytest.approx(1.25, abs=0.01)
    assert _contrast_with_white(palette.VERMILLION, charts.SQUARE_FILL) >= 1.75


def test_text_details_of_the_review():
    big = sc.fit_of({**sc.DEFAULTS, "slope": 3.0, "intercept": 8.0})
    assert {h.key: h.text for h in sc.headlines(big, True)}["ratio"] == "746.6×"
    off = sc.fit_of({**sc.DEFAULTS, "slope": -1.0, "intercept": -3.0})
    notes = sc.notes(off, True)
    assert "Your line y = −x − 3 leaves" in notes[0] and "yours is 538.8 times that" in notes[2]
    assert "lowest point of the loss surface." in notes[2] and "below" not in notes[2]
    assert [sc.line_text(*v) for v in ((0.5, 3.0), (1.0, 0.0), (0.0, -2.5), (-0.25, 1.0))] == [
        "y = 0.5 x + 3", "y = x", "y = −2.5", "y = −0.25 x + 1"]
    assert sc.ratio_text(1 + 2e-5) == "1.00002" and sc.ratio_text(1.0) == "1"
    caption = sc.surface_caption(False, False)
    assert "decade" not in caption and "about 1.8 times its bottom" in caption


def test_a_pinned_line_is_a_point_on_the_surface():
    # The review: a pin drew a grey line on the fit chart and nothing on the surface.
    from dashboard import palette, pinning
    from dashboard.charts import fit_by_hand as charts
    from dashboard.charts.common import dataset

    now, was = sc.fit_of({**sc.DEFAULTS, "slope": 1.0, "intercept": 2.0}), sc.fit_of(sc.DEFAULTS)
    spec = charts.surface_chart(now, True, pinned=was)
    marks = dataset(spec, "marks")
    pinned = marks[marks["label"] == charts.PINNED_LABEL]
    assert pinned[["x", "y"]].values.tolist() == [[0.5, 3.0]] and pinned["kind"].tolist() == ["now"]
    assert list(marks["label"]).index(charts.PINNED_LABEL) < list(marks["label"]).index(charts.YOURS)  # under yours
    assert palette.PINNED in str(spec) and charts.PINNED_LABEL in str(spec)
    path = dataset(spec, "paths").set_index("label")
    assert path.loc[charts.PINNED_LABEL, "value"] == pytest.approx(11.9, abs=1e-12)  # the lesson start's total
    mae = sc.fit_of({**sc.DEFAULTS, "loss": "mae"})  # pinned under squared error, seen on the absolute surface
    path = dataset(charts.surface_chart(mae, False, pinned=was), "paths").set_index("label")
    assert path.loc[charts.PINNED_LABEL, "value"] == pytest.approx(7.2, abs=1e-12)  # 1.2+1.1+.2+.2+1.5+.4+2.6
    at = run_page(PAGE, {"slope": "1", "pin": pinning.encode(sc.DEFAULTS)})
    assert not errors(at) and any("your pinned line the grey dot" in c.value for c in at.caption)


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
