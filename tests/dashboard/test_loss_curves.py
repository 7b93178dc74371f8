"""What is your loss curve telling you? Each preset gets its verdict, the curves are a plain mini-batch
loop's, early stopping keeps the best epoch's weights, and the quiz hides the verdict until a pick."""

from __future__ import annotations

import numpy as np
import pytest

from core import datasets
from dashboard.scenarios import loss_curves as sc
from dashboard.shared.regularization import make_data

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "loss_curves.py"


@pytest.mark.parametrize(("values", "kind"), [(sc.DEFAULTS, "converged"), *((v, k) for k, v in sc.PRESETS.items())])
def test_each_preset_gets_its_verdict(values, kind):
    assert sc.compute(values).verdict.kind == kind


def test_each_preset_button_loads_a_run_with_that_verdict():
    at = run_page(PAGE)
    for kind in sc.PRESETS:
        at.button(key=f"preset-{kind.replace(' ', '-')}").click().run()
        assert errors(at) == [] and metrics(at)["Verdict"] == sc.NAMES[kind], kind


def test_the_overfitting_preset_turns_at_epoch_36_and_early_stopping_keeps_that_fit():
    res = sc.compute(sc.PRESETS["overfitting"])
    v = res.verdict
    assert v.turn_epoch == v.best_epoch == 36
    assert res.val[36] == pytest.approx(0.2368, abs=5e-5) and res.val[-1] > 5 * res.val[36]
    assert res.train[-1] < res.train[36] / 5  # training kept falling
    # Early stopping keeps epoch 36's weights: its fitted curve is that epoch's polynomial.
    data = make_data(15, 0.3, 0)
    grid = res.fits[res.fits["fit"] == "kept by early stopping"]
    features = data.features(grid["x"].to_numpy(), 12)
    np.testing.assert_allclose(grid["y"], features @ res.kept[:-1] + res.kept[-1], rtol=1e-12)
    truth = res.fits[res.fits["fit"] == "the true curve"]
    np.testing.assert_allclose(truth["y"], datasets.CurveData.truth(truth["x"]), rtol=1e-12)


def test_the_curves_are_a_plain_mini_batch_loop():
    """Written from torch.optim.SGD's rule on shuffled batches of 8, epoch by epoch (the default: 4 per epoch)."""
    res = sc.compute(sc.DEFAULTS)
    data = make_data(30, 0.2, 0)
    X = np.column_stack([data.features(data.x_train, 3), np.ones(30)])
    Xv = np.column_stack([data.features(data.x_val, 3), np.ones(60)])
    theta = np.zeros(4)
    rng = np.random.default_rng(0)
    train, val = [np.mean((X @ theta - data.y_train) ** 2)], [np.mean((Xv @ theta - data.y_val) ** 2)]
    for _ in range(300):
        order = rng.permutation(30)
        for batch in np.array_split(order, [8, 16, 24]):
            g = (2 / batch.size) * X[batch].T @ (X[batch] @ theta - data.y_train[batch])
            theta = theta - 0.1 * g
        train.append(np.mean((X @ theta - data.y_train) ** 2))
        val.append(np.mean((Xv @ theta - data.y_val) ** 2))
    np.testing.assert_allclose(res.train, train, rtol=1e-9)
    np.testing.assert_allclose(res.val, val, rtol=1e-9)
    assert res.per_epoch == 4 and res.verdict.best_epoch == int(np.argmin(val))


def test_a_diverging_run_ends_at_the_top_and_says_so():
    res = sc.compute({**sc.DEFAULTS, "lr": 1.0, "degree": 12})
    assert res.verdict.kind == "unstable"
    assert res.curves["shown"].max() <= res.top and len(res.curves) < 2 * 301
    assert "before the run blew up" in " ".join(sc.notes(res))


def test_the_page_states_the_verdict_and_the_quiz_hides_it():
    at = run_page(PAGE)
    assert errors(at) == []
    shown = metrics(at)
    assert shown["Verdict"] == "Converged" and shown["Best validation epoch"] == "261 of 300"
    assert any("Converged." in i.value for i in at.info)
    assert "Early stopping would stop at epoch 261" in notice(at)
    quiz = run_page(PAGE, {"quiz": "true"})
    assert metrics(quiz)["Verdict"] == "your pick first" and not quiz.info
    assert "Converged." not in notice(quiz)
    guess = quiz.radio[0]
    guess.set_value("overfitting").run()
    assert metrics(quiz)["Verdict"] == "Converged" and any("Converged." in i.value for i in quiz.info)
    assert any("Not quite" in m.value and "converged" in m.value for m in quiz.markdown)
    over = run_page(PAGE, {"quiz": "true", "degree": "12", "n": "15", "noise": "0.3", "lr": "0.05",
                           "batch": "all (full batch)", "epochs": "500"})
    over.radio[0].set_value("overfitting").run()
    assert any(m.value.startswith("**Right:**") for m in over.markdown)


def test_the_chart_draws_the_levels_the_verdict_quotes():
    # The review: "near the noise variance" could not be seen (no line at 0.04), nor "the best this model can do".
    from dashboard.charts import loss_curves as charts

    res = sc.result_of(sc.DEFAULTS)
    levels = charts.levels_frame(res)
    assert levels["y"].tolist() == [pytest.approx(0.2 ** 2), pytest.approx(res.best_train)]
    assert charts.levels_caption(res).startswith(" Level lines (dotted: noise σ² = 0.04; dashed: best training loss")
    assert levels["text"].tolist()[0] == "noise σ² = 0.04"
    # in a quiz, the model's best training loss would hint at the answer: only the noise level is drawn
    assert charts.levels_frame(res, verdict_shown=False)["text"].tolist() == ["noise σ² = 0.04"]


def test_too_slow_at_the_last_epoch_only_advises_what_the_page_can_do():
    text = sc.verdict_text(sc.result_of({**sc.DEFAULTS, "lr": 0.0032, "epochs": 500}))
    assert text.startswith("**Too slow.**") and "more epochs" not in text and "raise the learning rate" in text


def test_a_quiz_deals_mystery_runs_and_keeps_its_answer_hidden():
    # The review: in quiz mode the presets were named by their answers and switched the quiz off.
    at = run_page(PAGE, {"quiz": "true"})
    assert not errors(at)
    labels = [b.label for b in at.button]
    assert "Deal a mystery run" in labels and not any(label in labels for label in sc.NAMES.values())
    at.button(key="preset-mystery").click().run()
    assert not errors(at) and at.toggle(key="quiz").value is True
    assert not at.info, "the verdict stays hidden until a guess"
    import random

    dealt = [sc.mystery_run(random.Random(k)) for k in range(20)]
    assert all(d["quiz"] for d in dealt) and len({d["seed"] for d in dealt}) > 10


def test_the_pinned_runs_two_grey_curves_can_be_told_apart():
    # The review: both pinned curves (training and validation) were the same wide grey.
    import json

    from dashboard.charts import loss_curves as charts

    res = sc.result_of(sc.DEFAULTS)
    spec = json.dumps(charts.curves_chart(res, pinned=sc.result_of(sc.PRESETS["overfitting"])), default=str)
    assert '"strokeDash"' in spec and "[10, 5]" in spec
    at = run_page(PAGE, {"pin": "lr~0.05"})
    assert not errors(at)
    assert any("training solid and validation dashed" in c.value for c in at.caption)
