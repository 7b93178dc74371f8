"""How should the learning rate change during training? The view's numbers against plain loops."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from dashboard import registry, words
from dashboard.scenarios import lr_schedules as sc
from dashboard.scenarios.lr_schedules_torch import torch_code

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "lr_schedules.py"


def reference_sgd(rate_of_epoch, epochs: int, batch: int, plateau=None):
    """Plain SGD on the page's points, written out: the page's seeded batches, the rate of each epoch from
    ``rate_of_epoch(e)`` (or from a torch-style plateau object fed the full MSE after each epoch).
    Returns (loss above the least-squares loss after each epoch, the rate of each epoch)."""
    prob = sc.problem()
    n = prob.x.size
    Xa = np.column_stack([prob.x, np.ones(n)])
    best = np.linalg.lstsq(Xa, prob.y, rcond=None)[0]
    floor = np.mean((Xa @ best - prob.y) ** 2)
    theta = np.zeros(2)
    rng = np.random.default_rng(sc.SEED)
    gaps, rates = [np.mean((Xa @ theta - prob.y) ** 2) - floor], []
    for epoch in range(epochs):
        rate = plateau.lr if plateau is not None else rate_of_epoch(epoch)
        rates.append(rate)
        order = rng.permutation(n) if batch < n else np.arange(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            theta = theta - rate * 2 * (Xa[rows] @ theta - prob.y[rows]) @ Xa[rows] / rows.size
        loss = np.mean((Xa @ theta - prob.y) ** 2)
        if plateau is not None:
            plateau.step(loss)
        gaps.append(loss - floor)
    return np.array(gaps), np.array(rates)


def test_the_lesson_s_step_decay_against_a_constant_rate_by_hand():
    res = sc.compute(sc.DEFAULTS)
    constant, _ = reference_sgd(lambda e: 0.1, 90, 4)
    step, rates = reference_sgd(lambda e: 0.1 * 0.1 ** (e // 30), 90, 4)
    assert rates[[0, 29, 30, 59, 60, 89]] == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001])
    assert res.run("a").final == pytest.approx(constant[-1], rel=1e-6)
    assert res.run("b").final == pytest.approx(step[-1], rel=1e-5)
    # The noise floor: the constant rate ends far above the decayed one.
    assert res.run("a").final > 1000 * res.run("b").final
    # What the rate chart draws: 0.1 until epoch 30, 0.01 until 60, then 0.001.
    drawn = res.rate_frame[res.rate_frame["series"] == "b"].set_index("step")["rate"]
    assert drawn[[0.0, 29.0, 30.0, 59.0, 60.0, 90.0]].tolist() == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


def test_the_default_page_states_the_numbers():
    at = run_page(PAGE)
    assert errors(at) == []
    res = sc.compute(sc.DEFAULTS)
    shown = metrics(at)
    assert shown["A: Constant"] == "0.002784" == f"{res.run('a').final:.4g}"
    assert shown["B: Step decay"] == f"{res.run('b').final:.4g}"
    assert "η = 0.1, then 0.01 after 30 epochs, 0.001 after 60 epochs" in notice(at)


def test_the_lesson_s_exponential_decay_is_eta0_e_to_the_minus_kt():
    res = sc.compute(sc.LESSON_EXPONENTIAL)
    rates = res.run("b").rates[:: res.per_epoch]
    epochs = np.arange(rates.size)
    assert rates == pytest.approx(0.1 * np.exp(-0.05 * epochs), rel=1e-12)
    gaps, _ = reference_sgd(lambda e: 0.1 * math.exp(-0.05 * e), 90, 4)
    assert res.run("b").final == pytest.approx(gaps[-1], rel=1e-5)
    assert "0.1 × e^(−0.5) = 0.06065" in " ".join(sc.notes(res, sc.LESSON_EXPONENTIAL))


def test_above_the_critical_rate_constant_diverges_and_warmup_survives():
    res = sc.compute(sc.ABOVE_CRITICAL)
    critical = res.critical
    assert critical == pytest.approx(1.0, abs=0.01)
    a, b = res.run("a"), res.run("b")
    assert a.diverged_at > 0 and b.diverged_at < 0
    # Warmup from 0.1 η over 5 epochs, then a cosine over the remaining 85, written out.
    def warm_cosine(e):
        return 1.3 * (0.1 + 0.9 * e / 5) if e < 5 else 0.5 * 1.3 * (1 + math.cos(math.pi * (e - 5) / 85))
    gaps, rates = reference_sgd(warm_cosine, 90, 64)
    assert b.rates == pytest.approx(rates, rel=1e-12)
    assert b.final == pytest.approx(gaps[-1], abs=1e-12)
    assert sc._above(b, critical) == int(np.sum(rates > critical))
    # Constant: the error along the steepest direction grows by |1 - 1.3 λ_max| = 1 + 2 (1.3/critical - 1) a step.
    growth = abs(1 - 1.3 * 2 / critical)
    steps_to_1e12 = math.log(1e12) / (2 * math.log(growth))
    assert abs(a.diverged_at - steps_to_1e12) < 6
    text = " ".join(sc.notes(res, sc.ABOVE_CRITICAL))
    # full batch: one update per epoch, so the epoch is the update
    assert f"diverged in epoch {a.diverged_at}." in text and "survived" in text


def test_reduce_on_plateau_cuts_where_a_torch_style_scheduler_does():
    from tests.core.test_schedules import RefPlateau

    res = sc.compute(sc.PLATEAU_COSINE)
    gaps, rates = reference_sgd(None, 90, 4, plateau=RefPlateau(0.1, factor=0.1, patience=10))
    by_epoch = res.run("b").rates[:: res.per_epoch]
    assert by_epoch == pytest.approx(rates, rel=1e-12)
    cuts = [e for e in range(1, 90) if rates[e] < rates[e - 1]]
    assert len(cuts) >= 3
    assert f"cut {len(cuts)} times, after epochs {', '.join(map(str, cuts[:6]))}" in " ".join(
        sc.notes(res, sc.PLATEAU_COSINE))


def test_the_range_test_suggests_a_rate_below_the_critical_rate():
    res = sc.compute(sc.DEFAULTS)
    assert 0.01 < res.test.suggested < res.critical
    assert res.test_frame["rate"].iloc[0] == pytest.approx(1e-4)
    at = run_page(PAGE)
    assert metrics(at)["Range test suggests"] == f"η = {res.test.suggested:.3g}"


def test_same_schedule_twice_says_the_curves_coincide():
    values = {**sc.DEFAULTS, "a": "cosine", "b": "cosine"}
    res = sc.compute(values)
    assert res.run("a").final == res.run("b").final
    assert "coincide" in " ".join(sc.notes(res, values))


@pytest.mark.parametrize("key", sc.SCHEDULES)
def test_every_schedule_trains_and_draws(key):
    values = {**sc.DEFAULTS, "b": key, "epochs": 40}
    res = sc.compute(values)
    assert np.isfinite(res.run("b").final)
    assert res.series["b"] == (f"B: {registry.SCHEDULES[key].label}", registry.SCHEDULES[key].colour)
    assert len(res.rate_frame) == 2 * 41 and res.hover["step"].max() == 40


def test_a_schedule_s_settings_are_live_only_while_it_is_chosen():
    at = run_page(PAGE)
    assert not at.slider(key="step_size").proto.disabled and at.slider(key="k").proto.disabled
    at = run_page(PAGE, {"a": "Exponential decay"})
    assert errors(at) == [] and not at.slider(key="k").proto.disabled


# ------------------------------------------------------------------------------ the PyTorch code

TORCH_CLASS = {"constant": None, "step": "StepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR",
               "warm_restarts": "CosineAnnealingWarmRestarts", "warmup": "SequentialLR", "one_cycle": "OneCycleLR",
               "cyclic": "CyclicLR", "reduce_on_plateau": "ReduceLROnPlateau"}


@pytest.mark.parametrize("key", sc.SCHEDULES)
def test_the_pytorch_code_names_the_scheduler_and_the_page_s_values(key):
    values = {**sc.DEFAULTS, "b": key, "lr": 0.2, "epochs": 60, "batch": "8", "step_size": 20, "gamma": 0.5, "k": 0.1,
              "t_0": 7, "t_mult": "3", "warm": 4, "pct_start": 0.25, "half": 6, "factor": 0.5, "patience": 3}
    code = torch_code(values, "b")
    compile(code, "schedules", "exec")
    assert "torch.optim.SGD([w], lr=0.2)" in code and "range(60)" in code and "range(0, 64, 8)" in code
    expected = {
        "constant": "scheduler = None", "step": "StepLR(optimizer, step_size=20, gamma=0.5)",
        "exponential": f"ExponentialLR(optimizer, gamma={math.exp(-0.1)!r})", "cosine": "CosineAnnealingLR(optimizer, T_max=60)",
        "warm_restarts": "CosineAnnealingWarmRestarts(optimizer, T_0=7, T_mult=3)",
        "warmup": "LinearLR(optimizer, start_factor=0.1, total_iters=4)",
        "one_cycle": "OneCycleLR(optimizer, max_lr=0.2, total_steps=60, pct_start=0.25, cycle_momentum=False)",
        "cyclic": "CyclicLR(optimizer, base_lr=0.02, max_lr=0.2, step_size_up=6, cycle_momentum=False)",
        "reduce_on_plateau": "ReduceLROnPlateau(optimizer, factor=0.5, patience=3)",
    }[key]
    assert expected in code
    if key == "warmup":
        assert "CosineAnnealingLR(optimizer, T_max=56)" in code and "milestones=[4]" in code
    if key == "reduce_on_plateau":
        assert "scheduler.step(full_loss().item())" in code
    elif key != "constant":
        assert re.search(r"^    scheduler\.step\(\)", code, re.M)


@pytest.mark.parametrize("key", sc.SCHEDULES)
def test_the_pytorch_code_lands_where_core_does_where_torch_is_installed(key):
    pytest.importorskip("torch")
    values = {**sc.DEFAULTS, "b": key, "epochs": 30}
    scope: dict = {}
    exec(compile(torch_code(values, "b").replace("print(", "_ = ("), "schedules", "exec"), scope)
    final = float(scope["full_loss"]().item()) - sc.problem().optimum_loss
    assert final == pytest.approx(sc.compute(values).run("b").final, rel=1e-6, abs=1e-12)


def test_the_code_is_drawn_once_its_expander_is_opened():
    from dashboard.layout import CODE_KEY

    at = run_page(PAGE, {"b": "Cyclic (triangular)"})
    assert not at.code, "closed, the code costs the browser nothing"
    at.session_state[CODE_KEY] = True
    at.run()
    assert errors(at) == [] and len(at.code) == 2
    assert "scheduler = None" in at.code[0].value
    assert "lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=10" in at.code[1].value
    assert [t.label for t in at.tabs] == ["A: Constant", "B: Cyclic (triangular)"]


@pytest.mark.parametrize(("query", "said", "not_said"), [
    # The review's links: the noise-floor sentence was printed whatever the runs did.
    ({"lr": 10.0}, "A: Constant diverged in epoch 1 (update 5). B: Step decay diverged in epoch 1 (update 5).",
     "jumping around"),
    ({"lr": 0.001, "epochs": 20}, "A: Constant is still falling at the end, 1.097 above", "jumping around"),
    ({"lr": 0.001, "epochs": 200}, "A: Constant ends 48.3 times lower", "jumping around"),
    ({"lr": 1.0}, "higher than where it started", "jumping around the bottom"),
    ({}, "keeps jumping around the bottom", "still falling"),
])
def test_the_minibatch_note_says_what_each_run_did(query, said, not_said):
    # (the review's links, as they read after the fix)
    text = sc.minibatch_note(sc.result_of({**sc.DEFAULTS, **query}))
    assert said in text and not_said not in text


@pytest.mark.parametrize(("query", "said", "not_said"), [
    # The review's links. A run that ends 2,285 times further off than it started did not "survive".
    ({"a": "step", "b": "exponential", "batch": "64", "lr": 1.3}, "times further off than where it started",
     "Step decay ran 30 of its steps above it and survived"),
    # Still crawling after 20 epochs: not "converges"; step decay's first cut (epoch 30) never came: the tie.
    ({"batch": "64", "lr": 0.001, "epochs": 20}, "is still falling", "converges"),
    ({"epochs": 20}, "B: Step decay never changed the rate in these 20 epochs", "times lower"),
    # Two gaps of round-off are equal, not one "lower" than the other.
    ({"batch": "64", "lr": 0.5, "b": "one_cycle"}, "has reached the bottom", "ends lower"),
])
def test_full_batch_and_tie_notes_say_what_the_runs_did(query, said, not_said):
    values = {**sc.DEFAULTS, **query}
    text = " ".join(sc.notes(sc.result_of(values), values))
    assert said in text and not_said not in text


def test_a_divergence_is_counted_in_epochs_and_marked_where_its_line_leaves_the_chart():
    # /lr_schedules?lr=1.3&b=warmup: batches of 4, 16 updates an epoch. Update 107 is in epoch ceil(107/16) = 7.
    values = {**sc.DEFAULTS, "lr": 1.3, "b": "warmup"}
    res = sc.result_of(values)
    assert [h.text for h in sc.headlines(res)][:2] == ["diverged in epoch 3", "diverged in epoch 7"]
    assert "diverged in epoch 7 (update 107)" in sc.minibatch_note(res)
    marks = res.diverged.set_index("series")
    for run in res.runs:
        by_epoch = run.gap[:: res.per_epoch][: -(-run.diverged_at // res.per_epoch) + 1]
        with np.errstate(invalid="ignore"):
            first_out = int(np.flatnonzero(~(by_epoch <= res.top))[0])
        assert marks.loc[run.side, "step"] == first_out
        assert marks.loc[run.side, "text"].startswith(f"{run.side.upper()}: diverged in epoch")
    # the headline row says what its numbers are
    assert "above the best possible" in words.of("lr_schedules")("metrics")


def test_the_range_test_s_rate_is_one_click_away_and_lands_in_the_link():
    """Review finding 7: a 'use this rate' button. It sets the slider's rate nearest the pick (0.0345 at the
    default: 0.032 on a ten-per-decade grid, |log 0.032 − log 0.0345| < |log 0.04 − log 0.0345|)."""
    at = run_page(PAGE)
    button = at.button(key="use-range-rate")
    assert button.label == "Use η = 0.032 for both schedules" and not button.disabled
    button.click().run()
    assert not errors(at) and at.query_params["lr"] == "0.032"
    assert at.button(key="use-range-rate").disabled  # nothing left to use
