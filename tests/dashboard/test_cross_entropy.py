"""Why does a confident wrong answer cost so much? The lesson's numbers, the logit gradients by hand,
and the two trainings against a plain loop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dashboard.scenarios import cross_entropy as sc

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "cross_entropy.py"


def test_the_lessons_numbers_at_the_default_and_the_presets():
    res = sc.compute(sc.DEFAULTS)
    assert res.ce == pytest.approx(-math.log(0.9), rel=1e-12) and round(res.ce, 3) == 0.105
    assert res.sq == pytest.approx(0.01, rel=1e-12)
    assert res.ce_grad == pytest.approx(-0.1, rel=1e-12) and res.sq_grad == pytest.approx(2 * -0.1 * 0.9 * 0.1)
    assert round(res.cce, 3) == 0.357 and res.probs == pytest.approx([0.7, 0.2, 0.1], abs=2e-5)
    wrong = sc.compute(sc.CONFIDENT_WRONG)
    assert round(wrong.ce, 3) == 2.303 and wrong.sq == pytest.approx(0.81)
    # Confidently wrong, squared error pushes 0.162 against cross-entropy's 0.9.
    assert wrong.sq_grad == pytest.approx(2 * (0.1 - 1) * 0.1 * 0.9) and wrong.ce_grad == pytest.approx(-0.9)
    dog = sc.compute(sc.MOSTLY_DOG)
    assert round(dog.cce, 3) == 2.303
    table = sc.lesson_table()
    for row in ("| 0.9 | 0.105 |", "| 0.1 | 2.303 |", "| 0.5 | 0.693 |", "| 0.51 | 0.673 |", "| 0.99 | 0.0101 |",
                "| 0.70 | 0.357 |", "| 0.10 | 2.303 |"):
        assert row in table, row


def test_for_a_label_of_0_the_curves_mirror():
    one, zero = sc.compute(sc.DEFAULTS), sc.compute({**sc.DEFAULTS, "label": "0", "p": 0.1})
    assert zero.ce == pytest.approx(one.ce, rel=1e-12) and zero.sq == pytest.approx(one.sq, rel=1e-12)
    assert zero.ce_grad == pytest.approx(-one.ce_grad, rel=1e-12)


def test_the_trainings_are_plain_gradient_descent_loops():
    """Written out: z = w x + b, p = σ(z); cross-entropy steps by mean((p − y) [x, 1]), squared error by
    mean(2 (p − y) p (1 − p) [x, 1])."""
    res = sc.compute(sc.DEFAULTS)
    data = sc.spam()
    x, y = data.X[:, 0], data.y
    for name, grad in (("cross-entropy", lambda p: p - y), ("squared error", lambda p: 2 * (p - y) * p * (1 - p))):
        w, b = -4.0, 0.0
        for _ in range(300):
            p = 1 / (1 + np.exp(-(w * x + b)))
            g = grad(p)
            w, b = w - 0.1 * np.mean(g * x), b - 0.1 * np.mean(g)
        assert res.finals[name][3] == pytest.approx(w, rel=1e-10)
    # From a confident wrong start, cross-entropy turns the model round; squared error has not moved it much.
    assert res.finals["cross-entropy"][2] > 0.95 and res.finals["squared error"][2] < 0.1


def test_the_page_states_them():
    at = run_page(PAGE)
    assert errors(at) == []
    shown = metrics(at)
    assert shown["Cross-entropy"] == "0.105" and shown["Categorical CE (cat)"] == "0.357"
    assert shown["Push, squared error"] == "0.0180"  # 3 significant digits, as "0.0100" beside it
    assert "−log(0.9) = **0.105**" in notice(at) and "5.56 times weaker" in notice(at)
    assert metrics(run_page(PAGE, {"p": "0.1"}))["Cross-entropy"] == "2.303"


def test_squared_errors_push_weakens_with_confidence_only_below_a_third():
    """The note's claim against a numpy grid of the push 2 (p − y) p (1 − p) with y = 1: it peaks at the true
    label's probability 1/3, so between 1/3 and 1/2 a more confident wrong answer is pushed harder (the
    review's links p = 0.35 and 0.45: 0.296 and 0.272), and below 1/3 less hard."""
    grid = np.linspace(0.01, 0.99, 9_801)
    push = np.abs(2 * (grid - 1) * grid * (1 - grid))
    assert grid[np.argmax(push)] == pytest.approx(1 / 3, abs=1e-4)
    pushes = {p: abs(sc.compute({**sc.DEFAULTS, "p": p}).sq_grad) for p in (0.2, 0.3, 0.35, 0.45)}
    assert pushes[0.35] == pytest.approx(0.296, abs=5e-4) and pushes[0.45] == pytest.approx(0.272, abs=5e-4)
    assert pushes[0.2] < pushes[0.3] and pushes[0.35] > pushes[0.45]  # weaker below 1/3, stronger above it
    for p in (0.35, 0.45, 0.9):
        text = " ".join(sc.notes(sc.compute({**sc.DEFAULTS, "p": p})))
        assert "Once the true label's probability is below 1/3" in text


def test_a_pin_shows_when_training_changed():
    # The review: pin the default, set the starting weight to -2: every headline said "no change", though
    # squared error's training accuracy went from 3% to 97%.
    from dashboard.headline import changes

    was = sc.headlines(sc.compute(sc.DEFAULTS))
    now = sc.headlines(sc.compute({**sc.DEFAULTS, "w0": -2.0}))
    said = {h.key: c.text for h, c in zip(now, changes(now, was))}
    acc_was = next(h.text for h in was if h.key == "accuracy")
    assert said["accuracy"] == f"was {acc_was}" != "no change"
