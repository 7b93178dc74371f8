"""dashboard.formatting: numbers as a learner rounding by hand would write them."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.formatting import NO_NUMBER, latex_power, pct


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
