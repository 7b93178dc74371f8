"""The loss-curves verdict, in scenarios drawn from the page's declared controls, against oracles that
share nothing with core: scikit-learn's least squares (Ridge with alpha = n·λ, LinearRegression without a
penalty) for what the model can reach, numpy for the curves' own numbers, and the review's links. A
failing example prints the link that shows it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression, Ridge

from core import diagnosis
from dashboard.scenarios import loss_curves as sc
from dashboard.scenarios.regularization import make_data

from .apptest_tools import NOT_A_NUMBER, errors, metrics, run_page
from .property_tools import link, links

PAGE = "loss_curves.py"


def _best_by_sklearn(values) -> tuple[float, float]:
    """(training MSE, objective) of the exact minimizer of the page's objective, by scikit-learn."""
    data = make_data(int(values["n"]), float(values["noise"]), int(values["seed"]))
    X = data.features(data.x_train, int(values["degree"]))
    lam = float(values["lam"]) if values["l2"] else 0.0
    model = (Ridge(alpha=X.shape[0] * lam) if lam else LinearRegression()).fit(X, data.y_train)
    mse = float(np.mean((model.predict(X) - data.y_train) ** 2))
    return mse, mse + lam * float(model.coef_ @ model.coef_)


loss_links = links(PAGE, sc.DEFAULTS, ("degree", "n", "noise", "lr", "epochs", "l2", "lam"),
                   seed=st.integers(0, 40),
                   batch=st.sampled_from(sc.BATCHES))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(loss_links)
def test_every_verdict_holds_against_the_oracle(values):
    note(f"link: {link('loss_curves', values, sc.DEFAULTS)}")
    res = sc.compute(values)
    best_train, best_objective = _best_by_sklearn(values)
    assert res.best_train == pytest.approx(best_train, rel=1e-6, abs=1e-9)
    kind, train, val = res.verdict.kind, res.train, res.val
    high = diagnosis.HIGH * res.floor + diagnosis.MARGIN * float(train[0])
    if kind == "underfitting":
        assert best_train > high, "called underfitting, yet the model can fit below the bar"
    elif np.isfinite(train).all():
        assert best_train <= high or kind == "unstable"
    k = max(2, round(diagnosis.TAIL * (train.size - 1)))
    if kind == "too slow":
        tail = res.objective[-k:]
        assert tail.min() > (1 + diagnosis.SHORT) * best_objective, "too slow, yet already at the model's best"
        assert tail.mean() < res.objective[-2 * k:-k].mean(), "too slow, yet not falling"
    if kind == "overfitting":
        b = res.verdict.best_epoch
        assert val[-k:].min() > (1 + diagnosis.RISE / 2) * val[b] and train[-1] < train[b]
    texts = sc.notes(res) + [sc.verdict_text(res)] + [f"{h.label} {h.text}" for h in sc.headlines(res)]
    for text in texts:
        assert not NOT_A_NUMBER.search(text), text


@pytest.mark.parametrize(("query", "verdict"), [
    ({"lr": "0.001"}, "Too slow"),  # was "Underfitting ... raise the capacity"
    ({"lr": "0.002"}, "Too slow"),
    ({"degree": "15", "lr": "0.0032"}, "Too slow"),  # at the slider's top: raising the capacity was impossible
    ({"degree": "1", "seed": "2"}, "Underfitting"),  # was "Overfitting" for two flat lines
    ({"degree": "2", "seed": "2"}, "Underfitting"),
    ({"seed": "1"}, "Converged"),  # mini-batch wobble was "Overfitting"
    ({"seed": "2"}, "Converged"),
    ({"batch": "4"}, "Converged"),  # single-epoch jumps at the floor were "Unstable"
    ({"n": "50"}, "Converged"),
    ({"lr": "0.2"}, "Converged"),
    ({"lr": "0.4"}, "Unstable"),  # the bouncing the lesson names
])
def test_the_reviews_links_get_the_verdict_the_oracle_supports(query, verdict):
    at = run_page(PAGE, query)
    assert errors(at) == []
    assert metrics(at)["Verdict"] == verdict


def test_the_quiz_does_not_give_its_answer_away():
    overfit = {"degree": "12", "n": "15", "noise": "0.3", "lr": "0.05", "batch": "full", "epochs": "500", "quiz": "true"}
    at = run_page(PAGE, overfit)
    drawn = b" ".join(d.data.data for c in at.get("vega_lite_chart") for d in c.proto.datasets)
    assert b"turns up" not in drawn and b"lowest validation: epoch 36" in drawn
    text = " ".join(m.value for m in at.markdown)
    assert "Early stopping would stop" not in text and "This model's best fit" not in text
