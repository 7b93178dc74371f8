"""Pin and compare: the change of each headline from the pinned scenario, and the pin in the link."""

from __future__ import annotations

import pytest

from dashboard import pinning
from dashboard.headline import Headline, change, changes, dollars, percentage_points, whole
from dashboard.scenarios import mse_vs_mae

from .apptest_tools import errors, run_page


def test_a_change_is_the_difference_written_as_its_headline_says():
    now = Headline("Test cost", "$31,780", value=31_780, change=dollars, better="lower")
    was = Headline("Test cost", "$32,320", value=32_320, change=dollars, better="lower")
    assert change(now, was).text == "-$540"
    assert change(now, was).color == "inverse", "a cost that falls is drawn green"
    share = Headline("Share", "98%", value=0.98, change=percentage_points)
    assert change(share, Headline("Share", "93%", value=0.93)).text == "+5 pts"
    assert change(share, Headline("Share", "93%", value=0.93)).color == "off"
    assert percentage_points(-0.01) == "-1 pt" and percentage_points(0.001) == "+0 pts"
    count = Headline("Zeros", "3 of 12", value=3, change=whole, better="higher")
    assert change(count, Headline("Zeros", "12 of 12", value=12)).text == "-9"
    plain = Headline("Slope moved", "+0.8234", value=0.8234)
    assert change(plain, Headline("Slope moved", "+0.29", value=0.29)).text == "+0.5334"


def test_no_change_and_text_only_headlines():
    same = Headline("MSE", "44.67", value=44.666666)
    assert change(same, same).text == "no change" and change(same, same).arrow == "off"
    diverged = Headline("Good", "diverged at step 14", key="good")
    converged = Headline("Good (η=0.02)", "182 steps", value=182, key="good")
    assert change(diverged, converged).text == "was 182 steps"
    assert change(diverged, converged).color == "off"
    assert change(diverged, None) is None
    assert changes([diverged], [converged])[0].text == "was 182 steps", "matched by key, not by label"
    with pytest.raises(ValueError, match="better"):
        Headline("x", "1", better="smaller")


def test_a_pin_weighs_what_the_text_leaves_out():
    # The review: "Too small (η=0.00001) not in 300 · no change", though its MSE went from 1.332 to 114.2.
    now = Headline("Too small", "not in 300", key="small", state="not in 300, MSE 114.2")
    was = Headline("Too small", "not in 300", key="small", state="not in 300, MSE 1.332")
    assert change(now, was).text == "was not in 300, MSE 1.332"
    assert change(now, now).text == "no change"


def test_the_learning_rate_pin_says_the_small_runs_loss_moved():
    from dashboard.scenarios import learning_rate as lr

    lesson = {**lr.DEFAULTS, "small": 1e-5, "good": 0.01, "large": 1.0}
    was = lr.headlines(lr.runs_of(lr.DEFAULTS), lr.cached_problem(False), 300)
    now = lr.headlines(lr.runs_of(lesson), lr.cached_problem(False), 300)
    said = changes(now, was)[0].text
    assert said.startswith("was not in 300, MSE ") and said != "no change"


def test_each_pinned_line_is_named_at_its_right_end_in_the_drawn_picture():
    """The review: grey pinned lines said nothing about which run they were. The drawn SVG names each
    pinned run once (plus its white halo), right-aligned at the last step, where a projector shows it."""
    import re

    from dashboard.charts import learning_rate as charts
    from dashboard.export import chart_svg
    from dashboard.scenarios import learning_rate as lr

    prob = lr.cached_problem(False)
    runs = lr.runs_of(lr.DEFAULTS)
    was = lr.runs_of({**lr.DEFAULTS, "small": 0.00125, "good": 0.01, "large": 0.016})
    svg = chart_svg(charts.loss_curves_chart(runs.curves, runs.diverged, runs.labels, prob.optimum_loss,
                                             prob.start_loss, 300, within=prob.within_gap, pinned=was.curves))
    drawn = re.findall(r'text-anchor="end" transform="translate\(([\d.]+),[\d.]+\)"[^>]*>(pinned: [^<]*)<', svg)
    names = sorted({name for _, name in drawn})
    assert names == sorted(f"pinned: {label}" for label in was.curves["label"].unique())
    assert len(drawn) == 2 * len(names)  # the text and its halo
    assert len({x for x, _ in drawn}) == 1  # all three runs end at step 300: one right edge


def test_lines_that_end_together_are_named_in_the_tooltip_only():
    from dashboard.charts import mse_vs_mae as charts
    from dashboard.export import chart_svg

    out = mse_vs_mae.outcome(mse_vs_mae.DEFAULTS)
    svg = chart_svg(charts.fits_scatter(mse_vs_mae.shown(out).points, out.lines, x_title="x", y_title="y",
                                        pinned=out.lines))
    assert "pinned scenario" in svg and "pinned: " not in svg  # the tooltip's title is there, no name


def test_the_pin_is_written_as_keys_and_values_a_link_need_not_escape():
    text = pinning.encode({"data": "synthetic", "outliers": 3, "delta": 1e-05, "center": True, "lam": 0.5})
    assert text == "data~synthetic~outliers~3~delta~1e-05~center~true~lam~0.5"
    from urllib.parse import quote_plus

    assert quote_plus(text) == text


def test_the_pinned_numbers_are_the_pinned_scenario_s():
    """Pin MSE vs MAE at one outlier, move to three: each change is the difference of the two scenarios."""
    at = run_page("mse_vs_mae.py")
    at.button(key="pin-scenario").click().run()
    at.slider(key="outliers").set_value(3).run()
    assert errors(at) == []
    one = mse_vs_mae.compute("synthetic", 1, 20.0, 1.0, 0)
    three = mse_vs_mae.compute("synthetic", 3, 20.0, 1.0, 0)
    deltas = {m.label: m.proto.delta for m in at.metric}
    points = 100 * (three.outlier_share_mse - one.outlier_share_mse)
    assert points > 0.5 and deltas["Outliers' share of MSE"] == f"+{points:.0f} pts"
    moved = three.fit("mse").slope_moved - one.fit("mse").slope_moved
    assert deltas["MSE slope moved"] == f"{moved:+.4g}"
    assert any("Number of outliers: 1 → 3" in c.value for c in at.caption)


def test_a_presented_a_b_link_keeps_the_comparison_and_its_way_back():
    link = {"outliers": "3", "pin": "data~synthetic~outliers~1~shift~20~delta~1~seed~0", "present": "1"}
    at = run_page("mse_vs_mae.py", link)
    assert errors(at) == []
    assert {m.proto.delta for m in at.metric} - {"no change"}
    back = "".join(h.proto.body for h in at.get("html"))
    assert "pin=data~synthetic~outliers~1" in back, "the way back to the normal view keeps the pin"
