"""The fit-by-hand view's claims, in scenarios drawn from its declared controls, against an oracle that
shares nothing with ``core``: the seven points typed in again, each residual e = ŷ − y and its square or
size in exact rational arithmetic (``fractions.Fraction`` of the decimals a slider holds), the best line
for squared error by ``numpy.polyfit`` and for absolute error by ``scipy.optimize.linprog`` (HiGHS), the
tie of [2, 4, 6] by hand, and a percentage rounded half up by hand from the exact fraction. A failing
example prints its link."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
from hypothesis import example, given, note, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from dashboard.scenarios import fit_by_hand as sc
from dashboard.shared import fit_by_hand as window

from .apptest_tools import NOT_A_NUMBER
from .property_tools import link, links, says

FILE = "fit_by_hand.py"
X = [1, 2, 3, 4, 5, 6, 7]
Y = ["2.3", "2.9", "4.3", "4.8", "7.0", "6.4", "9.1"]  # the lesson's points, as decimals


def exact(value) -> Fraction:
    """The decimal a control shows (0.025, -1.35) as an exact fraction."""
    return Fraction(repr(float(value)))


def per_point(loss: str, slope, intercept) -> list[Fraction]:
    errors = [exact(slope) * x + exact(intercept) - Fraction(y) for x, y in zip(X, Y)]
    return [e * e if loss == "mse" else abs(e) for e in errors], errors


def half_up(share: Fraction) -> str:
    """A share as a whole percentage, a half rounded up, as by hand."""
    return f"{math.floor(share * 100 + Fraction(1, 2))}%"


def lad_line() -> tuple[float, float, float]:
    """(slope, intercept, total) of the least-absolute-deviations line: min Σ u_i, u_i ≥ ±(w x_i + b − y_i)."""
    x, y, n = np.array(X, float), np.array([float(v) for v in Y]), len(X)
    A = np.zeros((2 * n, 2 + n))
    A[:n, 0], A[:n, 1], A[n:, 0], A[n:, 1] = x, 1.0, -x, -1.0
    A[:n, 2:], A[n:, 2:] = -np.eye(n), -np.eye(n)
    res = linprog(np.r_[0.0, 0.0, np.ones(n)], A_ub=A, b_ub=np.r_[y, -y],
                  bounds=[(None, None)] * 2 + [(0, None)] * n, method="highs")
    return float(res.x[0]), float(res.x[1]), float(res.fun)


hand_links = links(FILE, sc.DEFAULTS, ("slope", "intercept", "w1", "w2", "w3", "squares", "reveal"),
                   loss=st.sampled_from(sc.LOSSES))


def read_line(text: str) -> tuple[Fraction, Fraction]:
    """(slope, intercept) read back from "Your line y = −x − 3 leaves", "y = 0.5 x + 3", "y = −2.5 leaves"."""
    found = re.search(r"Your line y = (−?)(\d*\.?\d*)( ?x)?(?: ([+−]) (\d+\.?\d*))? leaves", text)
    assert found, text
    minus, number, has_x, sign, rest = found.groups()
    if not has_x:  # slope 0: the number is the intercept
        return Fraction(0), (-1 if minus else 1) * Fraction(number)
    slope = (-1 if minus else 1) * (Fraction(number) if number else Fraction(1))
    return slope, (Fraction(0) if sign is None else (-1 if sign == "−" else 1) * Fraction(rest))


def squares_cut(errors) -> int:
    """How many squares the window x 0 to 8, y −1 to 11 must cut: a residual reaching past y = −1 or y = 11, or
    a side too long for either direction from its point (longer than x and than 8 − x)."""
    count = 0
    for x, y, e in zip(X, Y, errors):
        low, high, side = min(Fraction(y), Fraction(y) + e), max(Fraction(y), Fraction(y) + e), abs(e)
        count += low < -1 or high > 11 or (side > x and side > 8 - x)
    return count


# Slope −1, intercept −3: y = −x − 3 runs below the plot (y < −1 for every x from 0 to 8), and all seven
# squares are cut. Slope 1.6, intercept 0: only x = 7's square (side 2.1, from 9.1 to 11.2) is cut.
@example({**sc.DEFAULTS, "slope": -1.0, "intercept": -3.0, "squares": True, "reveal": True})
@example({**sc.DEFAULTS, "slope": 1.6, "intercept": 0.0, "squares": True})
@example({**sc.DEFAULTS, "slope": 0.0, "intercept": -2.5, "squares": True})
# Slope 0.5, intercept 3.7 (one of 641 such lines on the sliders' grid): x = 1 misses by +1.9 and x = 7 by
# −1.9, the two largest errors, a tie for the top. Slope 1.2, intercept 0.7 is the best absolute-error line.
@example({**sc.DEFAULTS, "slope": 0.5, "intercept": 3.7, "reveal": True})
@example({**sc.DEFAULTS, "slope": 1.2, "intercept": 0.7, "loss": "mae", "reveal": True, "w1": 2.0, "w3": 2.0})
@settings(max_examples=30, deadline=None, derandomize=True)
@given(hand_links)
def test_the_fit_by_hand_claims_hold_against_the_oracle(values):
    note(f"link: {link('fit_by_hand', values, sc.DEFAULTS)}")
    loss, reveal = values["loss"], values["reveal"]
    fit = sc.compute(values)
    parts, errors = per_point(loss, values["slope"], values["intercept"])
    total = sum(parts)

    # Residuals, their squares or sizes, the total and the mean: a handful of float operations on numbers
    # of size ≤ 30 against the exact rationals, so 1e-12 is far above their round-off.
    np.testing.assert_allclose(fit.error, [float(e) for e in errors], rtol=0, atol=1e-12)
    np.testing.assert_allclose(fit.per_point, [float(p) for p in parts], rtol=0, atol=1e-12)
    table = sc.table_markdown(fit).splitlines()
    for row, e, p in zip(table[2:], errors, parts):
        cells = [c.strip() for c in row.strip("|").split("|")]
        says(cells[3].lstrip("+"), float(e), 1e-12)
        assert cells[3].startswith("+" if e > 0 else ("-" if e < 0 else "0")), row  # the sign of ŷ − y
        says(cells[4], float(p), 1e-12)
    says(table[-1], float(total), 1e-12, "**{}**")
    heads = {h.key: h for h in sc.headlines(fit, reveal)}
    says(heads["total"].text, float(total), 1e-12)
    says(heads["mean"].text, float(total) / 7, 1e-12)
    assert heads["total"].label == f"Total {sc.WHAT[loss]} error"

    # The point that contributes the most, and its share (rounded half up from the exact fraction).
    notes = sc.notes(fit, reveal)
    text = "\n".join(notes)
    assert not NOT_A_NUMBER.search(text), text
    top = max(parts)
    tops = [x for x, p in zip(X, parts) if p == top]
    assert total > 0  # seven points off one line: no line has a zero total
    says(notes[0], float(total), 1e-12, "error of **{}**")
    if len(tops) == 1:
        assert f"The point at x = {tops[0]} contributes the most: " in notes[0]
    else:  # a tie for the top: no single point may be named the largest
        assert "contributes the most" not in notes[0]
        assert all(f"x = {x}" in notes[0] for x in tops), notes[0]
    assert f"{half_up(top / total)} of the total" in notes[0], (half_up(top / total), notes[0])
    # the same, on the claims the first note is made of (dashboard.verdicts.Claim)
    line, most = sc.line_claims(fit)
    assert line.kind == "fit.line" and line.values["loss"] == loss
    assert (line.values["slope"], line.values["intercept"]) == (float(values["slope"]), float(values["intercept"]))
    assert abs(line.values["total"] - float(total)) <= 1e-12
    assert most.kind == ("fit.top" if len(tops) == 1 else "fit.top_shared")
    assert most.values["x"] == [float(x) for x in tops]
    assert abs(most.values["value"] - float(top)) <= 1e-12 and abs(most.values["total"] - float(total)) <= 1e-12

    # The line as written (read back to exact numbers), where it is on the plot, and how many squares are cut.
    assert read_line(notes[0]) == (exact(values["slope"]), exact(values["intercept"])), notes[0]
    assert "-" not in notes[0].split(" leaves")[0], notes[0]  # a true minus sign, never a hyphen
    ends = [exact(values["slope"]) * x + exact(values["intercept"]) for x in (0, 8)]
    side = "below" if max(ends) < -1 else ("above" if min(ends) > 11 else None)
    caption = sc.fit_caption(fit, values["squares"])
    kinds = {c.kind: c.values for c in sc.caption_claims(fit, values["squares"])}
    if side:
        assert kinds["fit.line_off"] == {"side": side} and f"runs entirely {side} the plot" in caption
    else:
        assert "fit.line_off" not in kinds and "runs entirely" not in caption
    drawn = values["squares"] and loss == "mse"
    if drawn:
        cut = squares_cut(errors)
        assert kinds["fit.squares_cut"] == {"count": cut}, (cut, kinds)
        if cut == 0:
            assert "Each square's area is its point's squared error." in caption and "dashed edge" not in caption
        else:
            assert (f"except the {cut} with a dashed edge" if cut > 1 else "except the one with a dashed edge") in caption
        boxes = window.squares(fit)
        for row in boxes.itertuples(index=False):  # a square on its residual, a side |e| long
            e = errors[X.index(int(row.x))]
            assert abs((row.right - row.left) - float(abs(e))) <= 1e-12 and row.x in (row.left, row.right)
            assert abs(row.low - float(min(Fraction(Y[X.index(int(row.x))]), Fraction(Y[X.index(int(row.x))]) + e))) <= 1e-12
            assert abs((row.high - row.low) - float(abs(e))) <= 1e-12
        assert int(boxes["cut"].sum()) == cut
    else:
        assert "fit.squares_cut" not in kinds and "dashed edge" not in caption

    # The best line: numpy.polyfit for squared error, the linear program for absolute error.
    ls_slope, ls_intercept = np.polyfit(np.array(X, float), np.array([float(v) for v in Y]), 1)
    ls_total = float(np.sum((ls_slope * np.array(X) + ls_intercept - np.array([float(v) for v in Y])) ** 2))
    lad_slope, lad_intercept, lad_total = lad_line()
    best, other = ((ls_slope, ls_intercept), (lad_slope, lad_intercept)) if loss == "mse" else (
        (lad_slope, lad_intercept), (ls_slope, ls_intercept))
    best_total = ls_total if loss == "mse" else lad_total
    # Both solvers are exact up to round-off on 7 points of size ≤ 10 (HiGHS to its 1e-9 feasibility).
    np.testing.assert_allclose(fit.best, best, atol=1e-8)
    np.testing.assert_allclose(fit.other_best, other, atol=1e-8)
    assert abs(fit.best_total - best_total) <= 1e-8
    assert float(total) >= best_total - 1e-8  # "No line does better"
    if reveal:
        says(heads["best"].text, best_total, 1e-8)
        says(heads["ratio"].text, float(total) / best_total, 1e-8, "{}×")
        says(notes[2], best[0], 1e-8, f"best line for {sc.WHAT[loss]} error is y = {{}} x")
        says(notes[2], best[1], 1e-8, " x + {}, with a total")
        says(notes[2], best_total, 1e-8, "with a total of **{}**")
        says(notes[2], float(total) / best_total, 1e-8, "yours is {} times that")
        says(notes[2], other[0], 1e-8, "error the best line is y = {} x")
        (claim,) = sc.best_claims(fit)
        assert [c.kind for c in sc.note_claims(fit, reveal)] == [line.kind, most.kind, "fit.best"]
        np.testing.assert_allclose(claim.values["best"], best, atol=1e-8)
        np.testing.assert_allclose(claim.values["other_best"], other, atol=1e-8)
        assert abs(claim.values["best_total"] - best_total) <= 1e-8
        assert abs(claim.values["ratio"] - float(total) / best_total) <= 1e-8
    else:
        assert "best" not in heads and "how far from the best" in notes[2]
        assert "fit.best" not in [c.kind for c in sc.note_claims(fit, reveal)]

    # The tie of [2, 4, 6]: A = [2, 4, 5], B = [1, 4, 6], each off by 1 once; weighted, A pays w3, B pays w1.
    t = sc.tie(values)
    by_hand = {"mse": 1.0, "mae": 1.0, "huber": 0.5, "log_cosh": math.log(math.cosh(1.0))}
    for name, a, b in t.rows:
        assert abs(a - by_hand[name]) <= 1e-12 and abs(b - by_hand[name]) <= 1e-12, name
    w1, w3 = float(values["w1"]), float(values["w3"])
    assert t.weighted == (w3, w1)  # weights on a 0.5 grid: exact
    verdict = sc.tie_verdict(t)
    if w1 == w3:
        assert "Every loss in the table ties them" in verdict
    else:
        better, worse = ("A", "B") if w3 < w1 else ("B", "A")
        found = re.search(r"model (\w) scores (\d+(?:\.\d+)?) against (\w)'s (\d+(?:\.\d+)?)", verdict)
        assert found and found.groups() == (better, f"{min(w1, w3):g}", worse, f"{max(w1, w3):g}"), verdict
    (claim,) = sc.tie_claims(t)  # the tie holds exactly when the two weights A and B pay are equal
    assert claim.kind == ("fit.tie_holds" if w1 == w3 else "fit.tie_broken")
    if w1 != w3:
        assert (claim.values["better"], claim.values["worse"]) == (better, worse)
        assert (claim.values["low"], claim.values["high"]) == (min(w1, w3), max(w1, w3))
    assert not NOT_A_NUMBER.search(sc.tie_markdown(t) + verdict)
