"""dashboard.formatting: numbers as a learner rounding by hand would write them."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.formatting import NO_NUMBER, apart, fmt, latex_power, pct


@pytest.mark.parametrize(("fraction", "digits", "shown"), [
    (0.625, 0, "63%"),  # Python's own format rounds the half to even: 62%
    (0.125, 1, "12.5%"), (0.0125, 1, "1.3%"), (0.745, 0, "75%"), (0.29, 0, "29%"), (1 / 3, 1, "33.3%"),
    (0.0, 0, "0%"), (1.0, 0, "100%"), (-0.625, 0, "-63%"), (np.float64(0.625), 0, "63%"),
    (float("nan"), 0, NO_NUMBER), (float("inf"), 0, NO_NUMBER),
])
def test_a_percentage_rounds_its_half_up(fraction, digits, shown):
    assert pct(fraction, digits) == shown


def test_a_power_of_ten_is_written_as_one():
    assert (latex_power(1e-4), latex_power(100.0), latex_power(0.3)) == ("10^{-4}", "10^{2}", "0.3")


@pytest.mark.parametrize("value, digits, shown", [
    (7000.0, 3, "7000"), (3612.4, 3, "3610"), (12.5, 1, "10"), (9999.7, 3, "10,000"), (-1234.5, 2, "-1200"),
    (999.96, 4, "1000"), (0.5, 3, "0.5"), (123.456, 3, "123"),
])
def test_a_number_of_fewer_digits_than_its_size_is_never_written_in_e_notation(value, digits, shown):
    # By hand: round to the significant digits, then write the integer part out.
    assert fmt(value, digits) == shown


@pytest.mark.parametrize("a, b, shown", [
    (0.9997525, 1.0, ("0.9998", "1")),  # the schedules view's critical rate against η = 1
    (0.1105, 0.032, ("0.111", "0.032")), (2.0, 2.0, ("2", "2")), (1.0002475, 1.0, ("1.0002", "1")),
])
def test_two_different_numbers_are_written_differently(a, b, shown):
    assert apart(a, b) == shown


@pytest.mark.parametrize(("a", "b", "digits"), [
    (0.0040695158815927, 0.0040695158815931, 13), (0.12345, 0.12349, 4), (0.99975, 1.0, 3), (1.0, 2.0, 0),
    (1.0, 1.0, 17)])
def test_the_digits_two_numbers_share_when_rounded(a, b, digits):
    from dashboard.formatting import equal_digits

    assert equal_digits(a, b) == digits


@pytest.mark.parametrize(("fraction", "said"), [(0.63, "63% above"), (8.994, "899% above"), (9.0, "10 times"),
                                                (1.99e15, "1,990,000,000,000,000 times"), (float("nan"), "—")])
def test_far_above_is_a_multiple_not_a_percentage_of_trillions(fraction, said):
    from dashboard.formatting import how_far_above

    assert how_far_above(fraction) == said


@pytest.mark.parametrize(("write", "value", "shown"), [
    # whole numbers in full (the worked examples' dollars, the Lagos squares), others as fmt
    ("in_full", 2.5e9, "2,500,000,000"), ("in_full", 9.0, "9"), ("in_full", 134.0, "134"), ("in_full", 44.6666, "44.67"),
    # rates as people write them, not 1e-05, while they fit
    ("decimal_text", 1e-05, "0.00001"), ("decimal_text", 0.0025, "0.0025"), ("decimal_text", 10.0, "10"),
    ("decimal_text", 1e-07, "1e-07"), ("decimal_text", 0.123456789123, "0.123457"),
    # numbers in PyTorch code read back as floats
    ("python_float", 0.9, "0.9"), ("python_float", 1e-05, "1e-05"), ("python_float", 0.0, "0.0"),
    ("python_float", 2, "2.0"),
    # dollars in Markdown never open LaTeX
    ("money_markdown", 1234.5, r"\$1,234"), ("money_markdown", -20, r"-\$20"),
    # fmt inside LaTeX
    ("latex_number", 14142.1356, "14{,}142"), ("latex_number", 5e-15, r"\approx 0"),
    # a schedule's settings in its formula
    ("setting_number", 30.0, "30"), ("setting_number", 10000.0, "10000"), ("setting_number", 0.98474, "0.9847"),
])
def test_each_way_of_writing_a_number(write, value, shown):
    from dashboard import formatting

    assert getattr(formatting, write)(value) == shown

