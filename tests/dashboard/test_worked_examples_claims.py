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
    sq, ab = w.sq[0], w.ab[0]
    total = sum(sq)
    if total == 0:  # every house exact: the scores are 0, and no share of a zero total
        assert "%" not in text and "MSE 0 and MAE 0" in text and "no house carries" in text, text
        return
    says(text, float(w.mse[0]), near(w.mse[0]), "MSE {} (₦M)²")
    says(text, float(w.mae[0]), near(w.mae[0]), "MAE ₦{}M")
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


def kinds_of(claims) -> list[str]:
    return [c.kind for c in claims]


def close(value, truth) -> bool:
    """A claim's number against the oracle's exact one: within :func:`near` (a few ulps)."""
    return abs(float(value) - float(truth)) <= near(truth)


def check_claims(cs, worked):
    """The claims themselves (:class:`dashboard.verdicts.Claim`): each kind present exactly when the exact
    arithmetic says it holds, and its numbers the oracle's within a few ulps (:func:`near`)."""
    lagos = worked["lagos"]
    claims = sc.verdict_claims(cs["lagos"])
    sq, ab = lagos.sq[0], lagos.ab[0]
    if sum(sq) == 0:
        assert kinds_of(claims) == ["worked.lagos_exact"]
    else:
        smaller = Fraction(max(ab), sum(ab)) < max(sq) / sum(sq)
        assert kinds_of(claims) == ["worked.lagos_scores", "worked.lagos_heavier" if smaller else "worked.lagos_even"]
        scores, shares = (c.values for c in claims)
        assert close(scores["mse"], lagos.mse[0]) and close(scores["mae"], lagos.mae[0])
        tops = [i for i, v in enumerate(sq) if v == max(sq)]
        assert [item for item, _ in shares["misses"]] == [f"house {i + 1}" for i in tops]
        assert all(close(e, lagos.error[0][i]) for (_, e), i in zip(shares["misses"], tops))
        for key, truth in (("squared", max(sq)), ("squared_total", sum(sq)), ("absolute", max(ab)),
                           ("absolute_total", sum(ab))):
            assert close(shares[key], truth), key
        if not smaller:
            assert shares["alone"] == (sum(1 for e in ab if e) == 1)

    rain = worked["rain"]
    kinds = kinds_of(sc.verdict_claims(cs["rain"]))
    claims = {c.kind: c.values for c in sc.verdict_claims(cs["rain"])}
    total, week4 = sum(rain.sq[1]), rain.sq[1][3]
    assert ("worked.rain_exact" in kinds) == (total == 0)
    assert ("worked.rain_dominates" in kinds) == (total > 0 and week4 / total > Fraction(1, 2))
    assert ("worked.rain_minor" in kinds) == (total > 0 and week4 / total <= Fraction(1, 2))
    if total:
        week = claims["worked.rain_week"]
        assert week["week"] == 4 and week["n"] == 5
        assert close(week["error"], rain.error[1][3]) and close(week["squared"], week4) and close(week["total"], total)
    assert [float(v) for v in claims["worked.rain_bonus"]["absolute"]] == [float(v) for v in rain.ab[1]]
    for m in range(2):
        assert close(claims["worked.rain_scores"]["mse"][m], rain.mse[m])
        assert close(claims["worked.rain_scores"]["mae"][m], rain.mae[m])

    small, large = sorted(worked["miss"].ab[0])
    (miss,) = sc.verdict_claims(cs["miss"])
    assert miss.kind == ("worked.miss_none" if large == 0 else "worked.miss_equal" if small == large else
                         "worked.miss_one" if small == 0 else "worked.miss_ratio")
    assert close(miss.values["small"], small) and close(miss.values["large"], large)

    tie = worked["tie"]
    a, b = (sum(row) for row in tie.sq)
    (verdict,) = sc.verdict_claims(cs["tie"])
    missed = [[e != 0 for e in row] for row in tie.error]  # which of the three points each model misses
    assert verdict.kind == ("worked.tie_winner" if a != b else "worked.tie_exact" if a == 0 else
                            "worked.tie_apart" if missed[0] != missed[1] else "worked.tie_same_points")
    assert close(verdict.values["a"], a) and close(verdict.values["b"], b)
    if a != b:
        assert verdict.values["winner"] == ("A" if a < b else "B")

    (first,) = sc.note_claims(cs)
    assert first.kind == ("worked.note_a_exact" if rain.mse[0] == 0 else "worked.note_ratio")
    assert close(first.values["lagos_mse"], lagos.mse[0]) and close(first.values["lagos_mae"], lagos.mae[0])
    assert all(close(first.values[k][m], getattr(rain, k)[m]) for k in ("mse", "mae") for m in range(2))


@example({**sc.DEFAULTS, "lagos_1": 42, "lagos_2": 35, "lagos_3": 50})  # every house exact: no share of zero
@example({**sc.DEFAULTS, "tie_a3": 6, "tie_b1": 2})  # both models exact: a tie, with no miss anywhere
@example({**sc.DEFAULTS, "tie_b1": 2, "tie_b3": 5})  # B as A: a tie on the same point
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
    check_claims(cs, worked)

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
