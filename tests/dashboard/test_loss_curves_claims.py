"""The loss-curves verdict, in scenarios drawn from the page's declared controls, against oracles that
share nothing with core: scikit-learn's Ridge (alpha = n·λ) and, without a penalty, numpy's lstsq on [X 1]
(scikit-learn's LinearRegression loses 20% of the training MSE on the overfitting preset's degree-12 powers,
condition number ~4e6, checked against a 50-digit solve) for what the model can reach, numpy for the curves'
own numbers, and the review's links. A failing example prints the link that shows it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from core import diagnosis
from dashboard.scenarios import loss_curves as sc
from dashboard.shared.regularization import make_data

from .apptest_tools import NOT_A_NUMBER, errors, metrics, run_page
from .property_tools import declared_controls, link, links

PAGE = "loss_curves.py"


def _best_by_sklearn(values) -> tuple[float, float, float]:
    """(training MSE, objective, validation MSE) of the exact minimizer of the page's objective, by scikit-learn."""
    data = make_data(int(values["n"]), float(values["noise"]), int(values["seed"]))
    X = data.features(data.x_train, int(values["degree"]))
    lam = float(values["lam"]) if values["l2"] else 0.0
    X_val = data.features(data.x_val, int(values["degree"]))
    if lam:
        model = Ridge(alpha=X.shape[0] * lam).fit(X, data.y_train)
        w, b = model.coef_, model.intercept_
    else:
        *w, b = np.linalg.lstsq(np.column_stack([X, np.ones(X.shape[0])]), data.y_train, rcond=None)[0]
        w = np.array(w)
    mse = float(np.mean((X @ w + b - data.y_train) ** 2))
    return mse, mse + lam * float(w @ w), float(np.mean((X_val @ w + b - data.y_val) ** 2))


def _claims(claims) -> dict:
    """kind -> values of each claim (a kind said twice would be a bug: asserted)."""
    kinds = [c.kind for c in claims]
    assert len(kinds) == len(set(kinds)), kinds
    return {c.kind: dict(c.values) for c in claims}


REL = 1e-9  # the claims' numbers against the curves' own: the same arithmetic in another order


loss_links = links(PAGE, sc.DEFAULTS, ("degree", "n", "noise", "lr", "epochs", "l2", "lam"),
                   seed=st.integers(0, 40),
                   batch=st.sampled_from(sc.BATCHES))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(loss_links)
@example(sc.PRESETS["overfitting"])  # each verdict's preset, so every rule's claims are checked every run
@example(sc.PRESETS["underfitting"])
@example({**sc.PRESETS["too slow"], "epochs": 500})  # too slow with the epochs slider at its end
@example({**sc.DEFAULTS, "lr": 0.2})  # a jump the run recovered from: converged, and it says so
@example({**sc.DEFAULTS, "lr": 1.0, "degree": 12})  # blown up: unstable, the final curve not drawn
@example({**sc.DEFAULTS, "lr": 1.0, "batch": "full"})  # unstable on the full batch: no "raise the batch size"
@example({**sc.PRESETS["overfitting"], "l2": True, "n": 100})  # overfitting with a penalty on and the most data
def test_every_verdict_holds_against_the_oracle(values):
    note(f"link: {link('loss_curves', values, sc.DEFAULTS)}")
    res = sc.compute(values)
    best_train, best_objective, best_val = _best_by_sklearn(values)
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
    _verdict_claims_hold(values, res, best_train, best_objective)
    _note_claims_hold(values, res, best_train, best_val)


def _first_jump(train: np.ndarray) -> int:
    """The first epoch whose training loss is above twice the lowest before it (0: none)."""
    for t in range(1, train.size):
        if np.isfinite(train[t]) and train[t] > 2.0 * np.nanmin(np.where(np.isfinite(train[:t]), train[:t], np.nan)):
            return t
    return 0


def _advice_can_be_followed(values, tries):
    """Every remedy the advice names moves a control of the page (read from the page itself) that is not
    already at its end: the review's "raise the batch size" on the full batch could not be followed."""
    declared = declared_controls("loss_curves.py")
    movable = {"raise the batch size": values["batch"] != "full",
               "raise the capacity (a higher degree)": values["degree"] < declared["degree"]["max"],
               "lower the capacity": values["degree"] > declared["degree"]["min"],
               "add data": values["n"] < declared["n"]["max"],
               "weaken the penalty": values["l2"], "strengthen the penalty": values["l2"],
               "add a penalty": not values["l2"]}
    for remedy in tries:
        assert movable.get(remedy, True), (remedy, values)


def _verdict_claims_hold(values, res, best_train, best_objective):
    """The verdict's claims (dashboard.verdicts.Claim): its kind first, each finding with the numbers the curves
    and scikit-learn give, and the advice last (only the rate where the epochs slider is at its end)."""
    claims = sc.verdict_claims(res)
    said = _claims(claims)
    kind, train, val, obj = res.verdict.kind, res.train, res.val, res.objective
    assert claims[0].kind == "curves.verdict" and said["curves.verdict"] == {"kind": kind}
    at_end = kind == "too slow" and int(values["epochs"]) >= 500
    assert claims[-1].kind == ("curves.advice_rate" if at_end else "curves.advice")
    _advice_can_be_followed(values, claims[-1].values.get("tries", ()))
    k = max(2, round(diagnosis.TAIL * (train.size - 1)))
    gone = np.flatnonzero(~(np.isfinite(train) & np.isfinite(val)))
    jump = _first_jump(train)
    ratio = train[jump] / np.nanmin(train[:jump]) if jump else None
    if "curves.diverged" in said:
        assert kind == "unstable" and said["curves.diverged"]["epoch"] == gone[0]
    assert ("curves.jumped_stuck" in said) == (kind == "unstable" and jump > 0 and (not gone.size or jump < gone[0]))
    if "curves.jumped_stuck" in said:
        stuck = said["curves.jumped_stuck"]
        assert stuck["epoch"] == jump and stuck["ratio"] == pytest.approx(ratio, rel=REL)
        assert stuck["above"] + 1 == pytest.approx(np.median(obj[-k:]) / best_objective, rel=1e-6)
    if kind == "underfitting":
        model = said["curves.model_high"]
        assert model["best_train"] == pytest.approx(best_train, rel=1e-6)
        assert model["high"] == pytest.approx(diagnosis.HIGH * values["noise"] ** 2 + diagnosis.MARGIN * train[0],
                                              rel=REL)
    if kind == "overfitting":
        b = int(np.argmin(val))
        rose = said["curves.rose"]
        assert rose["best_epoch"] == b and rose["best_val"] == val[b]
        assert rose["rise"] == pytest.approx(val[-1] / val[b] - 1, rel=REL)
        assert (rose["train_best"], rose["train_end"]) == (train[b], train[-1])
    if kind == "too slow":
        fall = 1 - obj[-k:].mean() / obj[-2 * k:-k].mean() if obj.size > 2 * k else 1 - obj[-k:].mean() / obj[0]
        assert said["curves.falling"]["fall"] == pytest.approx(fall, rel=1e-6)
        short = said["curves.short_of_best"]  # the model's best is never exactly 0 with noise on the points
        assert short["above"] + 1 == pytest.approx(obj[-k:].min() / best_objective, rel=1e-6)
    if kind == "converged":
        assert said["curves.levelled"] == {"train": train[-1], "val": val[-1], "floor": values["noise"] ** 2}
        assert ("curves.settled_jump" in said) == (jump > 0)
        if jump:
            assert said["curves.settled_jump"] == {"epoch": jump, "ratio": pytest.approx(ratio, rel=REL)}
        above = np.median(obj[-k:]) / best_objective - 1
        if abs(above - diagnosis.SHORT) > 1e-6:  # a knife edge of the rule: skipped
            assert ("curves.above_best" in said) == (above > diagnosis.SHORT)
        if "curves.above_best" in said:
            assert said["curves.above_best"]["above"] == pytest.approx(above, rel=1e-6, abs=1e-9)
    for guess in sc.NAMES:
        assert [c.kind for c in sc.quiz_claims(res, guess)] == [
            "curves.guess_right" if guess == kind else "curves.guess_wrong"]


def _note_claims_hold(values, res, best_train, best_val):
    """The notes' claims: the updates counted from n and the batch, the floor and the true curve's own score,
    the model's best by scikit-learn, and early stopping's epoch (the lowest validation loss) said against the
    end only where the end is on the axis. In a quiz, only the first bullet, without the model's best."""
    n, epochs = int(values["n"]), int(values["epochs"])
    per = 1 if values["batch"] == "full" else -(-n // int(values["batch"]))
    data = make_data(n, float(values["noise"]), int(values["seed"]))
    truth_val = float(np.mean((np.sin(np.pi * data.x_val) - data.y_val) ** 2))
    hidden = sc.note_claims(res, verdict_shown=False)
    assert [[c.kind for c in bullet] for bullet in hidden] == [["curves.updates", "curves.floor"]]
    bullets = sc.note_claims(res)
    said = _claims([c for bullet in bullets for c in bullet])
    assert said["curves.updates"] == {"per_epoch": per, "updates": epochs * per}
    assert said["curves.floor"]["floor"] == pytest.approx(values["noise"] ** 2, rel=REL)
    assert said["curves.floor"]["truth_val"] == pytest.approx(truth_val, rel=1e-12)
    assert said["curves.best_fit"]["best_train"] == pytest.approx(best_train, rel=1e-6, abs=1e-12)
    if n > int(values["degree"]) + 1:  # one minimizer: its validation error is the oracle's alone
        assert said["curves.best_fit"]["best_val"] == pytest.approx(best_val, rel=1e-5)
    val = res.val
    b = int(np.argmin(np.where(np.isfinite(val), val, np.inf)))
    stop = bullets[1][0]
    if b == epochs:
        assert stop.kind == "curves.stop_at_end"
    elif np.isfinite(val[-1]) and val[-1] <= res.top:
        assert stop.kind == "curves.stop_early" and dict(stop.values) == {"epoch": b, "best_val": val[b],
                                                                           "end_val": val[-1]}
    else:
        assert stop.kind == "curves.stop_before_blowup" and dict(stop.values) == {"epoch": b, "best_val": val[b]}


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
