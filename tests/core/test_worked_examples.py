"""Every worked number of the lesson texts (../shared/seeds) through core.losses.

Inputs and expectations are typed in from the lessons; expected values are worked out by
hand in the comments (never by calling the formula under test).
"""

import numpy as np
import pytest

from core import datasets, losses

mse = losses.get("mse")
mae = losses.get("mae")
bce = losses.get("bce")
cce = losses.get("cce")


# ----------------------------------------------------------------- Lagos houses (session 9)
def test_lagos_mse_and_mae():
    true, pred = [42, 35, 50], [45, 30, 60]  # errors +3, -5, +10
    assert mse.value(true, pred) == pytest.approx([9, 25, 100])
    assert round(mse(true, pred), 2) == 44.67  # 134 / 3
    assert mse(true, pred) == pytest.approx(134 / 3)
    assert mae(true, pred) == pytest.approx(6.0)  # (3 + 5 + 10) / 3
    # The 10M miss costs 100 under MSE but 10 under MAE.
    assert mse.value(true, pred)[2] == 100.0 and mae.value(true, pred)[2] == 10.0


def test_lekki_apartment_off_by_seven_million():
    assert mae([45], [38]) == 7.0
    assert mse([45], [38]) == 49.0


# ----------------------------------------------------------------- house prices
def test_house_prices_mse_and_rmse():
    true, pred = [200e3, 350e3, 500e3], [210e3, 340e3, 480e3]  # errors 10k, -10k, -20k
    assert mse.value(true, pred) == pytest.approx([1e8, 1e8, 4e8])
    assert mse(true, pred) == pytest.approx(200_000_000)  # 600M / 3
    assert round(np.sqrt(mse(true, pred))) == 14142


def test_20k_error_costs_four_times_a_10k_error():
    per = mse.value([400e3, 400e3], [390e3, 380e3])
    assert per == pytest.approx([1e8, 4e8])
    assert per[1] / per[0] == pytest.approx(4.0)


def test_error_of_10_contributes_100_and_of_1_contributes_1():
    assert mse.value([0, 0], [10, 1]) == pytest.approx([100, 1])


def test_house_300k_squared_error():
    assert mse([300_000], [350_000]) == 2_500_000_000


# ----------------------------------------------------------------- rainfall exercise
RAIN = [10, 25, 5, 40, 15]
RAIN_A = [12, 23, 6, 38, 18]  # errors +2, -2, +1, -2, +3
RAIN_B = [11, 20, 10, 50, 12]  # errors +1, -5, +5, +10, -3


def test_rainfall_errors_and_squared_errors():
    assert mse.value(RAIN, RAIN_A) == pytest.approx([4, 4, 1, 4, 9])
    assert mse.value(RAIN, RAIN_B) == pytest.approx([1, 25, 25, 100, 9])
    assert mae.value(RAIN, RAIN_B) == pytest.approx([1, 5, 5, 10, 3])


def test_rainfall_mse_and_mae():
    assert mse(RAIN, RAIN_A) == pytest.approx(4.4)  # 22 / 5
    assert mae(RAIN, RAIN_A) == pytest.approx(2.0)  # 10 / 5
    assert mse(RAIN, RAIN_B) == pytest.approx(32.0)  # 160 / 5
    assert mae(RAIN, RAIN_B) == pytest.approx(4.8)  # 24 / 5
    assert mse(RAIN, RAIN_A) < mse(RAIN, RAIN_B)


def test_rainfall_both_models_in_one_batched_call():
    assert mse(RAIN, [RAIN_A, RAIN_B]) == pytest.approx([4.4, 32.0])
    assert mae(RAIN, [RAIN_A, RAIN_B]) == pytest.approx([2.0, 4.8])


def test_week_4_inflates_model_b():
    per = mse.value(RAIN, RAIN_B)
    assert per[3] / 5 == pytest.approx(20.0)  # 100 / 5 of the 32
    assert (per[3] / 5) / mse(RAIN, RAIN_B) == pytest.approx(0.625)
    without = [0, 1, 2, 4]
    assert mse(np.take(RAIN, without), np.take(RAIN_B, without)) == pytest.approx(15.0)  # 60/4


# ----------------------------------------------------------------- archery and [2, 4, 6]
def test_archery_squared_losses():
    assert mse.value([0, 0, 0], [0, 2, 10]) == pytest.approx([0, 4, 100])


def test_two_four_six_models_tie():
    true, a, b = [2, 4, 6], [2, 4, 5], [1, 4, 6]
    assert mse.value(true, a).sum() == 1.0
    assert mse.value(true, b).sum() == 1.0
    assert mse(true, [a, b]) == pytest.approx([1 / 3, 1 / 3])
    assert mse(true, a) == mse(true, b)


# ----------------------------------------------------------------- cross-entropy
@pytest.mark.parametrize(
    "p, expected, rounded, digits",
    [
        (0.9, 0.10536051565782628, 0.105, 3),  # -ln 0.9
        (0.1, 2.3025850929940455, 2.303, 3),  # -ln 0.1 = ln 10
        (0.5, 0.6931471805599453, 0.693, 3),  # ln 2
        (0.51, 0.6733445532637656, 0.673, 3),  # -ln 0.51
        (0.99, 0.01005033585350145, 0.01005, 5),  # -ln 0.99
    ],
)
def test_bce_of_a_positive(p, expected, rounded, digits):
    assert bce([1], [p]) == pytest.approx(expected, rel=1e-12)
    assert round(bce([1], [p]), digits) == rounded


def test_bce_prefers_confident_right_answer():
    per = bce.value([1, 1], [0.51, 0.99])
    assert per == pytest.approx([0.6733445532637656, 0.01005033585350145])
    assert per[1] < per[0]


def test_bce_spam_ordering_confident_wrong_is_worst():
    per = bce.value([1, 1, 1], [0.9, 0.1, 0.5])
    assert per[0] < per[2] < per[1]


def test_cat_dog_bird_cce():
    per = cce.value([0, 0], [[0.70, 0.20, 0.10], [0.10, 0.60, 0.30]])
    assert per == pytest.approx([0.35667494393873245, 2.3025850929940455])  # -ln .7, -ln .1
    assert np.round(per, 3) == pytest.approx([0.357, 2.303])


# ----------------------------------------------------------------- the same via core.datasets
@pytest.mark.parametrize(
    "example, loss, expected",
    [
        (datasets.lagos_houses, "mse", [134 / 3]),
        (datasets.lagos_houses, "mae", [6.0]),
        (datasets.house_prices, "mse", [2e8]),
        (datasets.rainfall_weeks, "mse", [4.4, 32.0]),
        (datasets.rainfall_weeks, "mae", [2.0, 4.8]),
        (datasets.two_four_six, "mse", [1 / 3, 1 / 3]),
        (datasets.house_errors_400k, "mse", [2.5e8]),  # (1e8 + 4e8) / 2
        (datasets.house_300k, "mse", [2.5e9]),
        (datasets.archery, "mse", [104 / 3]),  # (0 + 4 + 100) / 3
    ],
)
def test_regression_examples_as_data(example, loss, expected):
    ex = example()
    assert losses.get(loss)(ex.y_true, ex.y_pred) == pytest.approx(expected)


@pytest.mark.parametrize(
    "example, loss, expected",
    [
        (datasets.spam_probabilities, "bce", [0.10536051565782628, 2.3025850929940455, 0.6931471805599453]),
        (datasets.spam_confidence_pair, "bce", [0.6733445532637656, 0.01005033585350145]),
        (datasets.cat_dog_bird, "cce", [0.35667494393873245, 2.3025850929940455]),
    ],
)
def test_probability_examples_as_data(example, loss, expected):
    ex = example()
    assert losses.get(loss).value(ex.y_true, ex.y_pred) == pytest.approx(expected)
