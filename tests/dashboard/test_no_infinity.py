"""No ∞, inf or nan reaches a learner (issue 24): a sentinel becomes words ("flag nothing",
"diverged at step k") or a dash, in the text and in the charts' tooltips."""

from __future__ import annotations

import math
import re

import pytest

from dashboard.formatting import NO_NUMBER, fmt, signed
from dashboard.scenarios import business_costs, worked_examples

from .apptest_tools import NOT_A_NUMBER, errors, run_page, texts


def _shown(at) -> str:
    return "\n".join(texts(at))


def test_fmt_never_prints_a_sentinel():
    assert [fmt(v) for v in (math.inf, -math.inf, math.nan)] == [NO_NUMBER] * 3
    assert signed(math.inf) == NO_NUMBER and fmt(44.6666) == "44.67"


def test_a_threshold_above_every_score_is_called_flag_nothing():
    assert business_costs.threshold_text(math.inf) == "above every score (flag nothing)"
    assert business_costs.threshold_text(0.0099) == "0.0099" and business_costs.threshold_text(1.0) == "1"


def test_business_costs_says_flag_nothing_where_it_said_infinity():
    # The review's link: with these prices the cheapest choice on the test half is to flag nothing.
    at = run_page("business_costs.py", {"rate": "0.005", "n": "2000", "alarm": "1000000", "weights": "false",
                                        "under": "20", "over": "1", "noise": "25", "rush": "0", "seed": "50"})
    assert errors(at) == []
    shown = _shown(at)
    assert "the cheapest threshold on this test half is above every score (flag nothing)" in shown
    assert not NOT_A_NUMBER.search(shown), NOT_A_NUMBER.search(shown)


def test_the_race_table_gives_a_diverged_racer_a_dash_and_its_step():
    at = run_page("optimizer_race.py", {"tuned": "false", "lr_momentum": "0.1"})
    table = next(m.value for m in at.markdown if m.value.startswith("| Optimizer"))
    momentum = next(row for row in table.splitlines() if row.startswith("| Momentum"))
    cells = [c.strip() for c in momentum.strip("|").split("|")]
    assert cells[4] == NO_NUMBER and re.fullmatch(r"diverged at step \d+", cells[5]), cells
    assert not NOT_A_NUMBER.search(_shown(at))


def _datasets(at):
    import io

    import pyarrow as pa

    for chart in at.get("vega_lite_chart"):
        for data in chart.proto.datasets:
            yield chart.proto.spec, data.name, pa.ipc.open_stream(io.BytesIO(data.data.data)).read_all().to_pandas()


def test_learning_rate_tooltips_of_diverged_rates_hold_words_not_infinity():
    at = run_page("learning_rate.py", {"large": "0.05"})
    assert errors(at) == []
    assert not NOT_A_NUMBER.search(_shown(at))
    picks = [(spec, frame) for spec, name, frame in _datasets(at) if name == "marks" and "final_text" in frame]
    assert len(picks) == 1
    spec, marks = picks[0]
    chosen = marks[marks["kind"] == "chosen"]
    gone = chosen["outcome"].str.startswith("diverged at step")
    assert gone.any() and set(chosen.loc[gone, "final_text"]) == {NO_NUMBER}
    assert not chosen["final_text"].str.contains(NOT_A_NUMBER).any()
    assert '"field": "final_text"' in spec or '"field":"final_text"' in spec


@pytest.mark.parametrize("params", [
    {"lagos_1": "42", "lagos_2": "35", "lagos_3": "50"},  # the review's nan% link
    {"rain_a1": "10", "rain_a2": "25", "rain_a3": "5", "rain_a4": "40", "rain_a5": "15"},  # A exact: MSE 0
])
def test_worked_examples_never_print_a_ratio_to_zero(params):
    at = run_page("worked_examples.py", params)
    assert errors(at) == []
    shown = _shown(at)
    assert not NOT_A_NUMBER.search(shown), NOT_A_NUMBER.search(shown)


def test_a_miss_of_zero_has_no_ratio_but_its_own_sentence():
    values = {**worked_examples.DEFAULTS, "miss_1": 400_000}  # exactly the true price
    miss = worked_examples.card("miss", values)
    assert sorted(miss.absolute[0])[0] == 0
    text = worked_examples.verdict(miss)
    assert "an exact prediction costs nothing" in text and "times" not in text
