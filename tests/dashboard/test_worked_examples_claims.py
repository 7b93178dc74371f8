"""The worked-examples view's claims, with predictions a learner types (drawn from each number input,
clamped to the range the page keeps, or set to the truth so that a miss vanishes), against an oracle that
shares nothing with ``core``: the lesson's true values typed in again, each error ŷ − y, its square and
its size, the means, the shares and the ratios in exact rational arithmetic (``fractions.Fraction``),
the RMSE by ``math.sqrt``, and each percentage rounded half up by hand from the exact fraction. A failing
example prints its link."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from dashboard.scenarios import worked_examples as sc

from .apptest_tools import NOT_A_NUMBER
from .property_tools import declared_controls, link, says, strategy

FILE = "worked_examples.py"
TRUTH = {  # the lesson's true values, typed in again
    "lagos": [42, 35, 50], "rain": [10, 25, 5, 40, 15], "usd": [200_000, 350_000, 500_000], "house": [300_000],
    "miss": [400_000, 400_000], "arrow": [0, 0, 0], "tie": [2, 4, 6],
}


def half_up(share: Fraction) -> str:
    return f"{math.floor(share * 100 + Fraction(1, 2))}%"


def money(value: Fraction) -> str:
    return f"${math.floor(value + Fraction(1, 2)):,}"


class Worked:
    """One example worked by hand: per model the errors, squares, sizes and their sums (exact)."""

    def __init__(self, name, values):
        self.truth = [Fraction(v) for v in TRUTH[name]]
        keys = sc.keys_of(name)
        models = 1 + max(m for _, m, _ in keys)
        self.pred = [[Fraction(0)] * len(self.truth) for _ in range(models)]
        for key, m, i in keys:
            self.pred[m][i] = Fraction(repr(float(values[key])))
        self.error = [[p - t for p, t in zip(row, self.truth)] for row in self.pred]
        self.sq = [[e * e for e in row] for row in self.error]
        self.ab = [[abs(e) for e in row] for row in self.error]
        n = len(self.truth)
        self.mse = [sum(row) / n for row in self.sq]
        self.mae = [sum(row) / n for row in self.ab]


def near(value) -> float:
    """Tolerance of a float computed from exact small sums: a few ulps of its size."""
    return 1e-12 * max(1.0, abs(float(value)))


@st.composite
def prediction_links(draw):
    declared = declared_controls(FILE)
    values = dict(sc.DEFAULTS)
    for name in sc.EXAMPLES:
        for (_, key, _, high), (_, _, i) in zip(sc.inputs(name), sc.keys_of(name)):
            typed = strategy(declared[key]).map(lambda v, high=high: min(max(v, 0), high))  # the page clamps
            values[key] = draw(st.one_of(typed, st.just(TRUTH[name][i]), st.just(sc.DEFAULTS[key])))
    return values


def _cells(row: str) -> list[str]:
    return [c.strip().strip("*") for c in row.strip().strip("|").split("|")]


def check_table(c, w: Worked):
    lines = sc.table(c).splitlines()
    for i, row in enumerate(lines[2:-1]):
        cells = _cells(row)
        says(cells[1], float(w.truth[i]), 0)
        for m in range(len(w.pred)):
            pred, err, sq, ab = cells[2 + 4 * m: 6 + 4 * m]
            says(pred, float(w.pred[m][i]), 0)
            says(err, float(w.error[m][i]), near(w.error[m][i]))
            assert err[0] == ("+" if w.error[m][i] > 0 else "-" if w.error[m][i] < 0 else "0"), row  # ŷ − y
            says(sq, float(w.sq[m][i]), near(w.sq[m][i]))
            says(ab, float(w.ab[m][i]), near(w.ab[m][i]))
    mean = _cells(lines[-1])
    for m in range(len(w.pred)):
        says(mean[4 + 4 * m], float(w.mse[m]), near(w.mse[m]))
        says(mean[5 + 4 * m], float(w.mae[m]), near(w.mae[m]))


def check_lagos(text, w: Worked):
    says(text, float(w.mse[0]), near(w.mse[0]), "MSE {} (₦M)²")
    says(text, float(w.mae[0]), near(w.mae[0]), "MAE ₦{}M")
    sq, ab = w.sq[0], w.ab[0]
    total = sum(sq)
    if total == 0:
        assert "%" not in text and "no house carries" in text, text
        return
    top = max(sq)
    tops = [i for i, v in enumerate(sq) if v == top]
    names = [f"house {i + 1}" for i in tops]
    if len(tops) == 1:
        assert f"The biggest miss, {names[0]} (" in text, text
    else:  # two houses miss by as much: neither alone is the biggest
        assert "The biggest miss," not in text and all(n in text for n in names), text
    says(text, float(top), 0, "carries {} ") if len(tops) == 1 else says(text, float(top), 0, "carry {} each")
    says(text, float(total), 0, "of the {} points")
    assert f"({half_up(top / total)}" in text, (half_up(top / total), text)
    # "but only": the biggest miss's share of the absolute error is smaller than its share of the squares,
    # except when every house it misses at all is missed by as much (then the shares are equal).
    smaller = Fraction(max(ab), sum(ab)) < top / total
    assert ("but only" in text) == smaller, text
    says(text, float(max(ab)), 0, "{} ")
    says(text, float(sum(ab)), 0, "of {} in absolute error")


def check_rain(text, w: Worked):
    for m, name in enumerate("AB"):
        says(text, float(w.mse[m]), near(w.mse[m]), f"{name} {{}}")
    says(text, float(w.mae[0]), near(w.mae[0]), "MAE: A {}")
    says(text, float(w.mae[1]), near(w.mae[1]), ", B {}. ")
    total = sum(w.sq[1])
    week4 = w.sq[1][3]
    if total == 0:  # no percentage of a zero total
        assert "%" not in text and "dominate" not in text, text
    else:
        printed = re.search(r"week-4 error \(([+-]?[\d.,]+) mm\)", text).group(1)  # signed: + or - or 0
        assert float(printed.replace(",", "")) == float(w.error[1][3]), (printed, text)
        says(text, float(week4), 0, "squares to {}, ")
        says(text, float(week4 / 5), near(week4), "adds {} to B's MSE")
        assert f"({half_up(week4 / total)} of it)" in text, (half_up(week4 / total), text)
        says(text, float((total - week4) / 5), near(total), "MSE would be {}")
        assert ("That one large miss dominates" in text) == (week4 / total > Fraction(1, 2)), text
    listed = re.search(r"values \(([^)]*) for B\)", text).group(1).split(", ")
    assert [float(v.replace(",", "")) for v in listed] == [float(v) for v in w.ab[1]]


@example({**sc.DEFAULTS, "lagos_1": 47, "lagos_2": 30, "lagos_3": 50})  # house 1 +5, house 2 −5: a tie
@example({**sc.DEFAULTS, "lagos_1": 42, "lagos_2": 35, "lagos_3": 60})  # only house 3 misses
@example({**sc.DEFAULTS, "rain_b1": 10, "rain_b2": 25, "rain_b3": 5, "rain_b4": 40, "rain_b5": 15})  # B exact
@example({**sc.DEFAULTS, "miss_1": 410_000, "miss_2": 390_000})  # two misses of $10,000
@example({**sc.DEFAULTS, "miss_1": 400_000, "miss_2": 400_000})  # no miss at all
@settings(max_examples=30, deadline=None, derandomize=True)
@given(prediction_links())
def test_the_worked_examples_claims_hold_against_the_oracle(values):
    note(f"link: {link('worked_examples', values, sc.DEFAULTS)}")
    cs = sc.cards(values)
    worked = {name: Worked(name, values) for name in sc.EXAMPLES}
    verdicts = {name: sc.verdict(cs[name]) for name in sc.EXAMPLES}
    everything = "\n".join([*verdicts.values(), *sc.notes(cs), *(sc.table(c) for c in cs.values())])
    assert not NOT_A_NUMBER.search(everything), everything

    for name in sc.EXAMPLES:
        w = worked[name]
        np.testing.assert_array_equal(cs[name].error, [[float(e) for e in row] for row in w.error])
        check_table(cs[name], w)
    check_lagos(verdicts["lagos"], worked["lagos"])
    check_rain(verdicts["rain"], worked["rain"])

    usd = worked["usd"]
    says(verdicts["usd"], float(usd.mse[0]), near(usd.mse[0]), "MSE {} dollars²")
    assert f"is {money(Fraction(math.sqrt(usd.mse[0])))}, back in dollars" in verdicts["usd"]  # √ to the dollar

    house = worked["house"]
    assert f"An error of {money(house.ab[0][0])} squares to {int(house.sq[0][0]):,} dollars²" in verdicts["house"]

    small, large = sorted(worked["miss"].ab[0])
    text = verdicts["miss"]
    assert f"{money(small)} and {money(large)}" in text or large == 0, text
    if small > 0 and small != large:
        says(text, float(large / small), near(large / small), "the larger is {} times the error")
        says(text, float((large / small) ** 2), near(large / small), "but {} times the squared loss")
    else:  # no ratio to a miss of zero, and no "larger" of two equal misses
        assert "times" not in text and "larger" not in text, text
        if large > 0 and small == 0:
            says(text, float(large * large), 0, "costs {} dollars²")

    arrows = worked["arrow"]
    for d, s in zip(arrows.ab[0], arrows.sq[0]):
        says(verdicts["arrow"], float(s), near(s), f"{float(d):g} cm off scores {{}}")

    a, b = (sum(row) for row in worked["tie"].sq)
    text = verdicts["tie"]
    says(text, float(a), 0, "A {},")
    says(text, float(b), 0, "B {}:")
    assert ("a tie" in text) == (a == b) and (a == b or f"{'A' if a < b else 'B'} scores lower" in text), text

    lagos, rain = worked["lagos"], worked["rain"]
    notes = sc.notes(cs)
    says(notes[0], float(lagos.mse[0]), near(lagos.mse[0]), "Lagos MSE {} against")
    says(notes[0], float(lagos.mae[0]), near(lagos.mae[0]), "against MAE {};")
    if rain.mse[0] == 0:
        assert "times A's" not in notes[0]
    else:
        says(notes[0], float(rain.mse[1] / rain.mse[0]), near(rain.mse[1] / rain.mse[0]), "is {} times A's, while")
        says(notes[0], float(rain.mae[1] / rain.mae[0]), near(rain.mae[1] / rain.mae[0]), "MAE is {} times A's")

    heads = {h.key: h.text for h in sc.headlines(cs)}
    says(heads["lagos"], float(lagos.mse[0]), near(lagos.mse[0]))
    says(heads["rain-a"], float(rain.mse[0]), near(rain.mse[0]))
    says(heads["rain-b"], float(rain.mse[1]), near(rain.mse[1]))
    assert heads["usd"] == money(Fraction(math.sqrt(usd.mse[0])))
