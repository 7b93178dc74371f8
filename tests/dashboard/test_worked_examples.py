"""Do the lesson's numbers add up? Every worked example's numbers on the page, and edits rework them."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.scenarios import worked_examples as sc

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "worked_examples.py"


def _cards():
    return sc.cards(sc.DEFAULTS)


def test_every_example_has_the_lessons_numbers_by_hand():
    c = _cards()
    lagos = c["lagos"]
    assert list(lagos.error[0]) == [3, -5, 10] and list(lagos.squared[0]) == [9, 25, 100]
    assert lagos.mse[0] == pytest.approx(134 / 3) and lagos.mae[0] == 6.0
    usd = c["usd"]
    assert usd.mse[0] == pytest.approx(200_000_000) and usd.rmse[0] == pytest.approx(14142.1356, abs=1e-4)
    assert c["house"].squared[0, 0] == 2_500_000_000
    assert c["miss"].squared[0, 1] / c["miss"].squared[0, 0] == 4.0
    rain = c["rain"]
    assert list(rain.mse) == pytest.approx([4.4, 32.0]) and list(rain.mae) == pytest.approx([2.0, 4.8])
    assert rain.squared[1, 3] / rain.truth.size == 20.0  # step 5: week 4 alone adds 20 of B's 32
    assert list(c["arrow"].squared[0]) == [0, 4, 100]
    assert list(c["tie"].squared.sum(axis=1)) == [1, 1]


def test_the_cards_state_them():
    c = _cards()
    assert "MSE 44.67 (₦M)², MAE ₦6.0M" in sc.verdict(c["lagos"]) and "100 of the 134" in sc.verdict(c["lagos"])
    assert "(75%)" in sc.verdict(c["lagos"])
    text = sc.verdict(c["rain"])
    assert "MSE: A 4.4, B 32.0; MAE: A 2.0, B 4.8" in text and "adds 20 to B's MSE" in text
    assert "(63% of it)" in text and "would be 12" in text
    assert "$14,142" in sc.verdict(c["usd"]) and "200,000,000 dollars²" in sc.verdict(c["usd"])
    assert "2,500,000,000 dollars²" in sc.verdict(c["house"])
    assert "2 times the error but 4 times the squared loss" in sc.verdict(c["miss"])
    assert "2 cm off scores 4, 10 cm off scores 100" in sc.verdict(c["arrow"])
    assert "A 1, B 1: a tie" in sc.verdict(c["tie"])
    assert "| 3 | 50 | 60 | +10 | 100 | 10 |" in sc.table(c["lagos"])
    assert "| **mean** |  |  |  | **44.67** | **6.0** |" in sc.table(c["lagos"])


def test_the_page_shows_every_example_and_an_edit_reworks_it():
    at = run_page(PAGE)
    assert errors(at) == []
    shown = metrics(at)
    assert shown == {"Lagos MSE": "44.67", "Rainfall MSE, A": "4.4", "Rainfall MSE, B": "32",
                     "House prices RMSE": "$14,142"}
    page = " ".join(m.value for m in at.markdown)
    for number in ("44.67", "2,500,000,000", "200,000,000", "$14,142", "4 times the squared loss", "B 32.0"):
        assert number in page, number
    edited = run_page(PAGE, {"rain_b4": "40", "lagos_3": "50"})
    assert metrics(edited)["Rainfall MSE, B"] == "12" and metrics(edited)["Lagos MSE"] == "11.33"
    assert "Lagos MSE 11.33 against MAE 2.667" in notice(edited)


def test_the_week_4_preset_is_step_5():
    c = sc.card("rain", sc.B_WITHOUT_WEEK_4)
    assert c.mse[1] == pytest.approx(12.0) and np.all(c.squared[0] == _cards()["rain"].squared[0])


def test_the_rain_card_says_a_miss_dominates_only_when_it_does():
    at = run_page(PAGE)
    text = " ".join(m.value for m in at.markdown)
    assert "(63% of it)" in text and "That one large miss dominates B's squared loss." in text  # 100 / 160 = 62.5%
    at = run_page(PAGE, {"rain_b4": "40"})  # the review's link: B's week 4 exact
    text = " ".join(m.value for m in at.markdown)
    assert "(0% of it)" in text and "Here it does not dominate" in text and "weigh a 10 mm miss" not in text


def test_the_worksheet_asks_for_every_worked_number_and_shows_none_of_them():
    """Review 4: the page as lesson 001's exercise. With the worksheet on, the truths and predictions stay, the
    lesson's questions appear, and no error, square, mean or verdict of any card is anywhere on the page (the
    numbers below are worked by hand from the lesson's data); off again, they are back."""
    from .apptest_tools import texts

    at = run_page(PAGE, {"worksheet": "true"})
    shown = " ".join(texts(at)) + " ".join(i.value for i in at.info)
    assert not errors(at) and not at.metric and not at.get("vega_lite_chart")
    # Lagos: e = +3, -5, +10; MSE 44.67, MAE 6.0. Rainfall B: e = +1, -5, +5, +10, -3; MSE 32.0, MAE 4.8.
    for answer in ("+3", "44.67", "6.0", "+10", "32.0", "4.8", "4.4", "200,000,000", "2,500,000,000", "14,142"):
        assert answer not in shown, answer
    for given in ("| 1 | 42 | 45 |", "| 4 | 40 | 38 | ? | ? | ? | 50 | ? | ? | ? |"):
        assert given in shown
    assert "Which model has the lower MSE?" in shown and "From lesson text 001" in shown
    at.toggle(key="worksheet").set_value(False).run()
    back = " ".join(texts(at))
    assert "44.67" in back and "32.0" in back and at.metric
