"""Compute for "When a miss costs more than a false alarm, where should the line go?".

Two parts, each a plain function of small scenario parameters (testable without
Streamlit) plus a cached wrapper for the page:

- Fraud (:func:`fit_fraud_model`, :func:`fraud_costs`; cached :func:`fraud_scenario`):
  :func:`core.datasets.fraud_like` transactions with a chosen share of fraud, split 50/50
  into a training and a test half *per class* (so each half holds the same share of fraud;
  the split is seeded). A logistic model is trained on the training half with the ``bce``
  loss by :func:`core.fits.logistic_fit` on features standardized with the training
  half's mean and std. It reaches the maximum-likelihood fit, and the final gradient
  is reported. Every cost is measured on the held-out test half, so the numbers describe
  decisions on transactions the model has not seen.
- Regression (:func:`demand_costs`; cached :func:`regression_scenario`): daily ice-cream
  demand against the temperature, :func:`core.datasets.line_with_outliers` with the
  hottest days pushed up (rush days). The MSE fit (:func:`core.closed_form.normal_equation`)
  and the cost-optimal quantile fit (:func:`core.closed_form.quantile_fit` at
  ``q = core.decisions.optimal_quantile(c_under, c_over)``), each scored with the
  ``asymmetric`` loss of :mod:`core.losses` on the days fitted and on as many new days
  drawn the same way (seed + :data:`NEW_DAYS_SEED_OFFSET`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, decisions, fits, losses
from core.outcomes import compare
from dashboard.cache import scenario_cache
from dashboard.formatting import fmt, money, negligible, pct, residual
from dashboard.headline import Headline, dollars
from dashboard.shared.business_costs import ERROR_PARTS, FIT_LABELS
from dashboard.verdicts import Claim, say, template

DEFAULTS = {  # the link's keys
    "rate": 0.02,  # share of fraud among the transactions
    "n": 10_000,  # transactions (half to train, half to test)
    "miss": 1000,  # $ per missed fraud (false negative)
    "alarm": 10,  # $ per false alarm (false positive)
    "weights": False,  # train with the two costs as class weights (else move the threshold)
    "under": 4,  # $ per ice cream short (under-prediction)
    "over": 1,  # $ per ice cream left over (over-prediction)
    "noise": 10,  # day-to-day noise of demand (units)
    "rush": 3,  # rush days (the hottest days sell more)
    "seed": 0,
}


# --------------------------------------------------------------------------- fraud

DEFAULT_THRESHOLD = 0.5
CONVERGED_GRAD = 1e-6  # largest |gradient| of the mean BCE counted as converged
CURVE_POINTS = 250  # thresholds on the cost curve (log-spaced)

# Labels on screen, carried by the frames too, so the CSV downloads read the same.
OUTCOME_LABELS = {"caught": "Fraud caught", "false_alarm": "False alarm", "missed": "Missed fraud",
                  "passed": "Legit, passed"}
OUTCOMES = tuple(OUTCOME_LABELS)  # caught, false_alarm, missed, passed


@dataclass(frozen=True, eq=False)
class FraudModel:
    """A logistic model trained on the training half, and its scores on the test half.

    Attributes:
        base_rate, n, seed: the scenario.
        class_weights: None (plain cross-entropy), or (c_fn, c_fp): each fraud weighs c_fn and
            each legitimate transaction c_fp in the training loss.
        n_train, n_test: transactions in each half.
        frauds_train, frauds_test: frauds in each half.
        weights: array (2,) on the standardized features (amount, velocity).
        intercept: the intercept on the standardized features.
        mean, std: arrays (2,), the training half's feature statistics.
        train_bce: the (weighted) mean BCE on the training half after the last step.
        grad_max: the largest |component| of the BCE gradient after the last step.
        converged: ``grad_max <= CONVERGED_GRAD`` and no divergence.
        y_test: labels (n_test,), 1.0 = fraud.
        p_test: predicted fraud probabilities (n_test,).
    """

    base_rate: float
    n: int
    seed: int
    class_weights: tuple[float, float] | None
    n_train: int
    n_test: int
    frauds_train: int
    frauds_test: int
    weights: np.ndarray
    intercept: float
    mean: np.ndarray
    std: np.ndarray
    train_bce: float
    grad_max: float
    converged: bool
    y_test: np.ndarray
    p_test: np.ndarray


def split_halves(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, test) row indices: half of each class (rounded down) to training."""
    rng = np.random.default_rng([seed, 2])  # a stream apart from the data's own
    in_train = np.zeros(y.size, dtype=bool)
    for label in (0.0, 1.0):
        rows = rng.permutation(np.flatnonzero(y == label))
        in_train[rows[: rows.size // 2]] = True
    return np.flatnonzero(in_train), np.flatnonzero(~in_train)


def fit_fraud_model(base_rate: float, n: int, seed: int,
                    class_weights: tuple[float, float] | None = None) -> FraudModel:
    """Draw the transactions, split them, train the logistic model, score the test half.

    ``class_weights`` = (c_fn, c_fp) trains on the weighted mean cross-entropy
    ``sum_i s_i BCE_i / sum_i s_i`` with s_i = c_fn for a fraud and c_fp otherwise: the costs
    enter the loss. Its scores are then cost-weighted odds, ``c_fn p / (c_fn p + c_fp (1 - p))``
    in the limit of a well-specified model, so 0.5 is their break-even threshold.
    """
    data = datasets.fraud_like(n=n, base_rate=base_rate, seed=seed)
    train, test = split_halves(data.y, seed)
    mean = data.X[train].mean(axis=0)
    std = data.X[train].std(axis=0)
    std[std == 0.0] = 1.0
    Z = (data.X - mean) / std
    y_tr = data.y[train]
    weights = None if class_weights is None else np.where(y_tr == 1.0, *map(float, class_weights))
    fit = fits.logistic_fit(Z[train], y_tr, tol=CONVERGED_GRAD, sample_weight=weights)
    return FraudModel(
        base_rate=float(base_rate), n=int(n), seed=int(seed),
        class_weights=None if class_weights is None else (float(class_weights[0]), float(class_weights[1])),
        n_train=int(train.size), n_test=int(test.size),
        frauds_train=int(y_tr.sum()), frauds_test=int(data.y[test].sum()),
        weights=fit.params[:2], intercept=float(fit.params[2]), mean=mean, std=std,
        train_bce=float(np.average(losses.get("bce").value(y_tr, fits.predict_proba(Z[train], fit.params)),
                                   weights=weights)),
        grad_max=fit.grad_max, converged=fit.converged,
        y_test=data.y[test], p_test=fits.predict_proba(Z[test], fit.params),
    )


@dataclass(frozen=True)
class Decision:
    """The confusion counts and the total cost on the test half at one threshold."""

    threshold: float
    caught: int  # true positives
    false_alarm: int  # false positives
    missed: int  # false negatives
    passed: int  # true negatives
    cost: float  # c_fp * false_alarm + c_fn * missed, dollars on the test half

    @property
    def flagged(self) -> int:
        return self.caught + self.false_alarm


@dataclass(frozen=True, eq=False)
class FraudOutcome:
    """Everything the fraud part shows.

    Two ways to put the costs in, with the plain model at 0.5 as the baseline of both:

    - on the decision side (``model`` plain): the threshold moves to ``c_fp / (c_fp + c_fn)``;
    - on the loss side (``model`` class-weighted): the model is trained with the costs as class
      weights and its scores are cut at 0.5, their break-even.

    Attributes:
        model: the model whose scores are thresholded, and its test scores.
        c_fn, c_fp: cost of a missed fraud and of a false alarm (dollars).
        optimal: the decision at the cost-optimal threshold of ``model``'s scores:
            ``c_fp / (c_fp + c_fn)`` for the plain model, 0.5 for the class-weighted one.
        default: the plain model's decision at 0.5.
        threshold_moved: with a class-weighted ``model``, the plain model's decision at
            ``c_fp / (c_fp + c_fn)`` (the decision-side alternative, to compare); else None.
        best: the cheapest threshold for ``model``'s scores on this test half in hindsight (the
            lowest score among equally cheap ones).
        curve: one row per threshold of ``model``'s scores: ``threshold`` and the cost per test
            transaction (dollars) of ``missed`` frauds, ``false_alarm`` s and their ``total``.
        confusion: one row per (decision, outcome): ``rule`` (chart label of the decision),
            ``order`` (0 for ``optimal``, 1 for ``default``), ``threshold``, ``outcome``,
            ``label``, ``actual``, ``decision``, ``count``, ``unit_cost``, ``cost``.
        markers: one row per threshold marked on the curve: ``kind`` (optimal / default), ``rule``,
            ``threshold``, ``cost`` (per transaction), ``total`` (dollars on the test half). The
            plain model's 0.5 is not on a class-weighted model's curve, so it is not marked there.
    """

    model: FraudModel
    c_fn: float
    c_fp: float
    optimal: Decision
    default: Decision
    best: Decision
    curve: pd.DataFrame
    confusion: pd.DataFrame
    markers: pd.DataFrame
    threshold_moved: Decision | None = None

    @property
    def weighted(self) -> bool:
        """Whether the costs are in the loss (a class-weighted model) rather than in the threshold."""
        return self.model.class_weights is not None

    @property
    def saving(self) -> float:
        """Dollars saved on the test half by the cost-optimal threshold instead of 0.5."""
        return self.default.cost - self.optimal.cost


def _decision(y: np.ndarray, p: np.ndarray, threshold: float, c_fn: float, c_fp: float) -> Decision:
    counts = decisions.confusion_counts(y, p, threshold)
    cost = decisions.expected_cost(y, p, threshold, c_fp=c_fp, c_fn=c_fn, normalize=False)
    return Decision(threshold=float(threshold), caught=int(counts.tp), false_alarm=int(counts.fp),
                    missed=int(counts.fn), passed=int(counts.tn), cost=float(cost))


def _usd(value: float) -> str:
    """Dollars for markdown: $ escaped, so that two amounts on a line never read as LaTeX."""
    return money(value).replace("$", r"\$")


def saving(before: float, after: float) -> dict[str, Any]:
    """The saving of ``after`` over ``before`` (dollars) as data: both costs and the ``change``, "saved" when
    ``after`` is cheaper, "more" when it costs more, "none" when the two agree within round-off
    (:func:`core.outcomes.compare`)."""
    kind = compare(before, after).kind
    return {"before": float(before), "after": float(after),
            "change": "none" if kind == "equal" else "saved" if kind == "larger" else "more"}


def saving_words(s: Mapping[str, Any], against: str, bold: bool = True) -> str:
    """A :func:`saving` in words: "**$X saved (p%)**", "**$X more** than {against} (p%)", or "$0 saved (0%)".
    No percentage of a zero ``before``."""
    before, after = s["before"], s["after"]
    share = " (0%)" if s["change"] == "none" else f" ({pct(abs(before - after) / before)})" if before else ""
    if s["change"] == "none":
        text = f"{_usd(0.0)} saved{share}"
    elif s["change"] == "saved":
        text = f"{_usd(before - after)} saved{share}"
    else:
        text = f"{_usd(after - before)} more than {against}{share}"
    return f"**{text}**" if bold else text


def saving_text(before: float, after: float, against: str, bold: bool = True) -> str:
    """The saving of ``after`` over ``before`` in words (:func:`saving`, :func:`saving_words`)."""
    return saving_words(saving(before, after), against, bold)


FAR_FACTOR = 10.0  # "far below" 0.5: an order of magnitude below it


FLAG_NOTHING = "above every score (flag nothing)"  # the threshold past the highest score


def threshold_text(t: float) -> str:
    """A threshold as people read it: 0.0099, 0.000001, 0.381, 0.999999 (never rounded to 0 or 1);
    one above every score (+inf: flag nothing) in words."""
    if t > 1.0:
        return FLAG_NOTHING
    if t in (0.0, 1.0) or not np.isfinite(t):
        return fmt(t)
    if t > 0.99:  # two significant digits of the distance to 1
        decimals = 1 - int(np.floor(np.log10(1.0 - t)))
        return f"{t:.{decimals}f}".rstrip("0")
    digits = 2 if t < 0.01 else 3
    return np.format_float_positional(t, precision=digits, fractional=False, trim="-")


def rule_label(name: str, threshold: float) -> str:
    """Chart label of a marked threshold, e.g. 'cost-optimal 0.0099'."""
    return f"{name} {threshold_text(threshold)}"


def fraud_costs(model: FraudModel, c_fn: float, c_fp: float, plain: FraudModel | None = None) -> FraudOutcome:
    """Costs of deciding on the test half at every threshold, for given mistake prices.

    ``model`` plain: its threshold moves to the costs' break-even. ``model`` class-weighted
    (``plain`` then required, the same data trained without weights): it decides at 0.5,
    against the plain model at 0.5 and, to compare, at the moved threshold.
    """
    y, p = model.y_test, model.p_test
    t_costs = decisions.optimal_threshold(c_fp, c_fn)
    weighted = model.class_weights is not None
    if weighted and plain is None:
        raise ValueError("plain: a class-weighted model is compared with the plain one; give it")
    baseline = plain if weighted else model
    t_opt = DEFAULT_THRESHOLD if weighted else t_costs
    optimal = _decision(y, p, t_opt, c_fn, c_fp)
    default = _decision(baseline.y_test, baseline.p_test, DEFAULT_THRESHOLD, c_fn, c_fp)
    moved = _decision(plain.y_test, plain.p_test, t_costs, c_fn, c_fp) if weighted else None

    # The cheapest threshold in hindsight: the cost only changes at the scores themselves.
    candidates = np.append(np.unique(p), np.inf)
    totals = decisions.expected_cost(y, p, candidates, c_fp=c_fp, c_fn=c_fn, normalize=False)
    best_t = float(candidates[int(np.argmin(totals))])
    best = _decision(y, p, best_t, c_fn, c_fp)

    # The curve on a log-spaced grid wide enough to show both marked thresholds.
    low = min(1e-4, t_opt / 3.0)
    grid = np.unique(np.concatenate([np.geomspace(low, 1.0, CURVE_POINTS), [t_opt, DEFAULT_THRESHOLD]]))
    counts = decisions.confusion_counts(y, p, grid)
    n = y.size
    missed = c_fn * counts.fn / n
    alarms = c_fp * counts.fp / n
    curve = pd.DataFrame({"threshold": grid, "missed": missed, "false_alarm": alarms, "total": missed + alarms})

    rules = {
        "optimal": rule_label("class-weighted model," if weighted else "cost-optimal", t_opt),
        "default": rule_label("plain model," if weighted else "default", DEFAULT_THRESHOLD),
    }
    rows = []
    for key, dec in (("optimal", optimal), ("default", default)):
        unit = {"caught": 0.0, "false_alarm": c_fp, "missed": c_fn, "passed": 0.0}
        place = {"caught": ("Fraud", "Flagged"), "false_alarm": ("Legit", "Flagged"),
                 "missed": ("Fraud", "Passed"), "passed": ("Legit", "Passed")}
        for outcome in OUTCOMES:
            count = getattr(dec, outcome)
            rows.append({
                "rule": rules[key], "order": len(rows) // len(OUTCOMES), "threshold": dec.threshold,
                "outcome": outcome,
                "label": OUTCOME_LABELS[outcome], "actual": place[outcome][0],
                "decision": place[outcome][1], "count": count, "unit_cost": unit[outcome],
                "cost": unit[outcome] * count,
            })
    confusion = pd.DataFrame(rows)
    marked = [("optimal", optimal)] if weighted else [("optimal", optimal), ("default", default)]
    markers = pd.DataFrame({
        "kind": [kind for kind, _ in marked],
        "rule": [rules[kind] for kind, _ in marked],
        "threshold": [dec.threshold for _, dec in marked],
        "cost": [dec.cost / n for _, dec in marked],
        "total": [dec.cost for _, dec in marked],
    })
    return FraudOutcome(model=model, c_fn=float(c_fn), c_fp=float(c_fp), optimal=optimal, default=default,
                        best=best, curve=curve, confusion=confusion, markers=markers, threshold_moved=moved)


def _decided(dec: Decision) -> dict[str, Any]:
    """A decision's counts and cost, for a claim."""
    return {"threshold": dec.threshold, "flagged": dec.flagged, "caught": dec.caught, "missed": dec.missed,
            "false_alarm": dec.false_alarm, "cost": dec.cost}


def fraud_claims(out: FraudOutcome) -> list[list[Claim]]:
    """"What to notice" for the fraud part as claims, one list per bullet: where the costs put the threshold
    (or, class-weighted, the loss), what 0.5 and the cost-aware decision cost and whether the move paid off on
    this test half, the cheapest threshold in hindsight, and how the model was trained."""
    model, opt, half, best = out.model, out.optimal, out.default, out.best
    baseline = Claim("costs.baseline", {"plain": out.weighted, "flagged": half.flagged, "n_test": model.n_test,
                                        "missed": half.missed, "frauds": model.frauds_test, "cost": half.cost})
    gap = opt.cost - best.cost
    hindsight = Claim("costs.hindsight_matches" if gap == 0 else "costs.hindsight_within",
                      {"weighted": out.weighted, "threshold": best.threshold, "cost": best.cost, "gap": gap})
    trained = {"n_train": model.n_train, "frauds_train": model.frauds_train, "grad": model.grad_max,
               "converged": model.converged}
    if out.weighted:
        return _weighted_claims(out, baseline, hindsight, trained)
    prices = {"c_fn": out.c_fn, "c_fp": out.c_fp, "threshold": opt.threshold}
    paid_off = compare(half.cost, opt.cost).kind == "larger"  # the moved threshold is cheaper on this test half
    if opt.threshold < DEFAULT_THRESHOLD:
        far = opt.threshold * FAR_FACTOR <= DEFAULT_THRESHOLD
        where = "costs.threshold_far_below" if far else "costs.threshold_below"
        trade = "costs.trade_buys_back" if paid_off else "costs.trade_alarms_wasted"
    elif opt.threshold > DEFAULT_THRESHOLD:
        where = "costs.threshold_above"
        trade = "costs.trade_surer" if paid_off else "costs.trade_held_back_wasted"
    else:
        where, trade = "costs.threshold_half", "costs.trade_same_threshold"
    if opt.threshold != DEFAULT_THRESHOLD and opt.flagged == half.flagged:  # no test score lies between them
        trade = "costs.trade_same_decisions"
    return [
        [Claim(where, prices)],
        [baseline],
        [Claim("costs.decided", _decided(opt)), Claim(trade, {"saving": saving(half.cost, opt.cost)})],
        [hindsight],
        [Claim("costs.model_plain", trained)],
    ]


def fraud_notes(out: FraudOutcome) -> list[str]:
    """"What to notice" for the fraud part, with this scenario's numbers (:func:`fraud_claims` in words)."""
    return [say(bullet) for bullet in fraud_claims(out)]


def _weighted_claims(out: FraudOutcome, baseline: Claim, hindsight: Claim, trained: dict) -> list[list[Claim]]:
    """The class-weighted bullets: which way the weights lean the scores, the weighted model at 0.5 against the
    plain one, and against the plain model with its threshold moved (the same cost within round-off, more or less)."""
    opt, moved = out.optimal, out.threshold_moved
    difference = moved.cost - opt.cost
    if negligible(difference, max(moved.cost, opt.cost, 1.0)):
        versus = "costs.moved_as_much"
    else:
        versus = "costs.moved_dearer" if difference > 0 else "costs.moved_cheaper"
    lean = ("costs.weights_equal" if out.c_fn == out.c_fp else
            "costs.weights_towards" if out.c_fn > out.c_fp else "costs.weights_away")
    return [
        [Claim(lean, {"c_fn": out.c_fn, "c_fp": out.c_fp})],
        [baseline],
        [Claim("costs.weighted_decided", {**_decided(opt), "saving": saving(out.default.cost, opt.cost)})],
        [Claim(versus, {"threshold": moved.threshold, "cost": moved.cost, "difference": difference})],
        [hindsight],
        [Claim("costs.model_weighted", trained)],
    ]


def _break_even(v) -> str:
    return f"{fmt(v['c_fp'])} / ({fmt(v['c_fp'])} + {fmt(v['c_fn'])})"


def _prices(v) -> str:
    return f"A missed fraud costs {_usd(v['c_fn'])} and a false alarm {_usd(v['c_fp'])}, so "


@template("costs.threshold_far_below")
def _(v):
    return (_prices(v) + f"a transaction is worth flagging once P(fraud) ≥ {_break_even(v)} = "
            f"**{threshold_text(v['threshold'])}**, far below the usual 0.5.")


@template("costs.threshold_below")
def _(v):
    return (_prices(v) + f"a transaction is worth flagging once P(fraud) ≥ {_break_even(v)} = "
            f"**{threshold_text(v['threshold'])}**, below the usual 0.5.")


@template("costs.threshold_above")
def _(v):
    return (_prices(v) + f"flag only once P(fraud) ≥ {_break_even(v)} = **{threshold_text(v['threshold'])}**, "
            "above the usual 0.5: here a false alarm is the expensive mistake.")


@template("costs.threshold_half")
def _(v):
    return (_prices(v) + f"the break-even point {_break_even(v)} is exactly **0.5**: with equal prices the usual "
            "threshold is already the right one.")


@template("costs.baseline")
def _(v):
    return (f"At 0.5 the {'plain ' if v['plain'] else ''}model flags {v['flagged']:,} of the {v['n_test']:,} test "
            f"transactions and lets **{v['missed']:,} of {v['frauds']:,}** frauds through: **{_usd(v['cost'])}**.")


@template("costs.decided")
def _(v):
    return (f"At {threshold_text(v['threshold'])} it flags {v['flagged']:,}: {v['caught']:,} frauds caught, "
            f"{v['missed']:,} missed and {v['false_alarm']:,} false alarms, **{_usd(v['cost'])}**.")


def _trade(words: str):
    """The words of a trade-off claim: ``words``, then the saving against the usual 0.5."""
    return lambda v: f"{words}: {saving_words(v['saving'], 'at 0.5')}."


template("costs.trade_buys_back")(_trade("Many cheap false alarms buy back expensive misses"))
template("costs.trade_alarms_wasted")(_trade("On this test half the extra alarms do not pay for themselves"))
template("costs.trade_surer")(_trade("Fewer, surer alarms avoid expensive false alarms at the price of cheap misses"))
template("costs.trade_held_back_wasted")(_trade("On this test half the alarms held back do not pay for the misses "
                                                "they let through"))
template("costs.trade_same_threshold")(_trade("Both thresholds are the same"))
template("costs.trade_same_decisions")(_trade("No test score lies between the two thresholds, so both make the same "
                                              "decisions"))


def _hindsight(v, verdict: str) -> str:
    if v["weighted"]:
        return (f"With hindsight, the cheapest threshold for the class-weighted scores on this test half is "
                f"{threshold_text(v['threshold'])} at {_usd(v['cost'])}; 0.5 {verdict}.")
    return (f"With hindsight, the cheapest threshold on this test half is {threshold_text(v['threshold'])} at "
            f"{_usd(v['cost'])}; the formula, which never looked at the test labels, {verdict}.")


@template("costs.hindsight_matches")
def _(v):
    return _hindsight(v, "matches it")


@template("costs.hindsight_within")
def _(v):
    return _hindsight(v, f"comes within {_usd(v['gap'])} of it")


def _converged(v) -> str:
    return (f"its largest gradient component at the end is {residual(v['grad'])}, "
            + ("so it has converged." if v["converged"] else "so it has **not** fully converged."))


@template("costs.model_plain")
def _(v):
    return (f"The model is logistic regression trained with plain binary cross-entropy on the other "
            f"{v['n_train']:,} transactions ({v['frauds_train']:,} frauds); {_converged(v)} The costs enter only "
            "at the decision: moving the threshold is the decision-side alternative to a loss that carries "
            "the costs itself. Switch on **Train with the costs as class weights** to compare the two.")


@template("costs.model_weighted")
def _(v):
    return (f"The model is logistic regression trained with class-weighted cross-entropy on the other "
            f"{v['n_train']:,} transactions ({v['frauds_train']:,} frauds); {_converged(v)}")


def _in_the_loss(v) -> str:
    return (f"The costs are in the loss: in the cross-entropy the model is trained on, each fraud weighs "
            f"{_usd(v['c_fn'])} and each legitimate transaction {_usd(v['c_fp'])}.")


@template("costs.weights_equal")
def _(v):
    return _in_the_loss(v) + " With equal weights that is plain cross-entropy, the plain model, and 0.5 is its break-even."


@template("costs.weights_towards")
def _(v):
    return (_in_the_loss(v) + " Its scores already lean towards flagging, so the usual 0.5 is their break-even and "
            "the threshold stays there.")


@template("costs.weights_away")
def _(v):
    return (_in_the_loss(v) + " Its scores already lean away from flagging, so the usual 0.5 is their break-even "
            "and the threshold stays there.")


@template("costs.weighted_decided")
def _(v):
    return (f"The class-weighted model at 0.5 flags {v['flagged']:,}: {v['caught']:,} frauds caught, {v['missed']:,} "
            f"missed and {v['false_alarm']:,} false alarms, **{_usd(v['cost'])}**: "
            f"{saving_words(v['saving'], 'the plain model at 0.5')}.")


def _versus(v, verdict: str) -> str:
    return (f"The decision-side alternative, the plain model with its threshold moved to "
            f"{threshold_text(v['threshold'])}, costs {_usd(v['cost'])}: {verdict}. Both put the same prices to "
            "work, one while training, one when deciding; moving the threshold of the weighted model as well would "
            "count the costs twice.")


@template("costs.moved_as_much")
def _(v):
    return _versus(v, "exactly as much as the class-weighted model")


@template("costs.moved_dearer")
def _(v):
    return _versus(v, f"{_usd(abs(v['difference']))} more than the class-weighted model")


@template("costs.moved_cheaper")
def _(v):
    return _versus(v, f"{_usd(abs(v['difference']))} less than the class-weighted model")


@scenario_cache()
def fraud_model(base_rate: float, n: int, seed: int, class_weights: tuple[float, float] | None = None) -> FraudModel:
    """Cached :func:`fit_fraud_model` (plain, the training does not depend on the costs)."""
    return fit_fraud_model(base_rate, n, seed, class_weights)


@scenario_cache()
def fraud_scenario(base_rate: float, n: int, seed: int, c_fn: float, c_fp: float,
                   weighted: bool = False) -> FraudOutcome:
    """Cached fraud part of the page for one scenario (``weighted``: the costs as class weights)."""
    plain = fraud_model(base_rate, n, seed)
    if not weighted:
        return fraud_costs(plain, c_fn, c_fp)
    return fraud_costs(fraud_model(base_rate, n, seed, (float(c_fn), float(c_fp))), c_fn, c_fp, plain)


# --------------------------------------------------------------------------- regression

N_DAYS = 60
TEMPERATURE_RANGE = (10.0, 35.0)  # degrees C
UNITS_PER_DEGREE = 4.0  # true slope: extra ice creams sold per degree
BASE_UNITS = 0.0  # true intercept
RUSH_EXTRA = 60.0  # extra units on each rush day (the hottest days)
NEW_DAYS_SEED_OFFSET = 1000  # new days to score the fits on: seed + this


@dataclass(frozen=True)
class FitCost:
    """One fitted line and what its forecasts cost.

    Attributes:
        slope, intercept: the line, units per degree and units.
        cost: total asymmetric cost on the fitted days (dollars).
        under_cost, over_cost: the two parts of ``cost``.
        short_days: days forecast below demand (stock-outs).
        cost_new: total cost on the new days.
    """

    slope: float
    intercept: float
    cost: float
    under_cost: float
    over_cost: float
    short_days: int
    cost_new: float


@dataclass(frozen=True, eq=False)
class DemandOutcome:
    """Everything the regression part shows.

    Attributes:
        c_under, c_over: dollars per unit of under- and over-prediction.
        q: the cost-optimal quantile ``c_under / (c_under + c_over)``.
        mse, quantile: the two fits.
        points: one row per day, in temperature order: ``day``, ``temperature``, ``demand``,
            ``rush`` (bool), and the two fits' forecasts ``forecast_mse``, ``forecast_quantile``.
        costs: one row per (fit, part): ``fit``, ``label``, ``part``, ``part_label``,
            ``cost``, ``total``.
        n_days: days fitted (and new days scored).
    """

    c_under: float
    c_over: float
    q: float
    mse: FitCost
    quantile: FitCost
    points: pd.DataFrame
    costs: pd.DataFrame
    n_days: int

    @property
    def saving(self) -> float:
        """Dollars saved on the fitted days by the quantile fit instead of the MSE fit."""
        return self.mse.cost - self.quantile.cost

    @property
    def saving_new(self) -> float:
        """The same saving on the new days."""
        return self.mse.cost_new - self.quantile.cost_new


def demand_days(noise: float, rush_days: int, seed: int) -> datasets.LineData:
    """The days: demand = 4 x temperature + noise, the hottest ``rush_days`` days +60 units."""
    return datasets.line_with_outliers(
        n=N_DAYS, slope=UNITS_PER_DEGREE, intercept=BASE_UNITS, noise=noise, n_outliers=rush_days,
        outlier_shift=RUSH_EXTRA, x_range=TEMPERATURE_RANGE, seed=seed,
    )


def _fit_cost(params: np.ndarray, days: datasets.LineData, new: datasets.LineData,
              cost: losses.Loss) -> FitCost:
    slope, intercept = float(params[0]), float(params[1])

    def priced(y: np.ndarray, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # A miss below the data's precision is round-off of the fit (noise 0 puts every day on
        # the line): no day is short by 1e-14 units, and no dollar is lost on it.
        missed = ~negligible(forecast - y, float(np.abs(y).max()))
        return np.where(missed, cost.value(y, forecast), 0.0), missed & (forecast < y)

    per_day, short = priced(days.y, slope * days.x + intercept)
    per_new_day, _ = priced(new.y, slope * new.x + intercept)
    return FitCost(
        slope=slope, intercept=intercept, cost=float(per_day.sum()),
        under_cost=float(per_day[short].sum()), over_cost=float(per_day[~short].sum()),
        short_days=int(short.sum()), cost_new=float(per_new_day.sum()),
    )


def demand_costs(c_under: float, c_over: float, noise: float, rush_days: int, seed: int) -> DemandOutcome:
    """Fit demand with MSE and with the cost-optimal quantile; price both fits' forecasts."""
    q = decisions.optimal_quantile(c_under, c_over)
    if not 0.0 < q < 1.0:
        raise ValueError(f"c_under and c_over must both be > 0 (got {c_under} and {c_over})")
    days = demand_days(noise, rush_days, seed)
    new = demand_days(noise, rush_days, seed + NEW_DAYS_SEED_OFFSET)
    cost = losses.get("asymmetric", under=c_under, over=c_over)
    fits = {
        "mse": _fit_cost(closed_form.normal_equation(days.X, days.y), days, new, cost),
        "asymmetric": _fit_cost(closed_form.quantile_fit(days.X, days.y, q=q), days, new, cost),
    }
    points = pd.DataFrame({
        "day": np.arange(1, days.x.size + 1), "temperature": days.x, "demand": days.y, "rush": days.is_outlier,
        "forecast_mse": fits["mse"].slope * days.x + fits["mse"].intercept,
        "forecast_quantile": fits["asymmetric"].slope * days.x + fits["asymmetric"].intercept,
    })
    costs = pd.DataFrame([
        {"fit": key, "label": FIT_LABELS[key], "part": part, "part_label": ERROR_PARTS[part],
         "cost": getattr(fit, f"{part}_cost"), "total": fit.cost}
        for key, fit in fits.items() for part in ("under", "over")
    ])
    return DemandOutcome(
        c_under=float(c_under), c_over=float(c_over), q=q, mse=fits["mse"], quantile=fits["asymmetric"],
        points=points, costs=costs, n_days=int(days.x.size),
    )


def demand_claims(out: DemandOutcome) -> list[list[Claim]]:
    """"What to notice" for the demand part as claims, one list per bullet: the cost-optimal quantile, the days
    each line runs short and where the quantile line sits against the MSE line at the middle temperature (on
    it when the two agree to round-off of the data), and what each line's forecasts cost, fitted and new days."""
    mid = float(np.mean(TEMPERATURE_RANGE))
    above = (out.quantile.slope - out.mse.slope) * mid + out.quantile.intercept - out.mse.intercept
    if negligible(above, float(out.points["demand"].abs().max())):
        above = 0.0  # the two fits agree to round-off
    where = "costs.quantile_above" if above > 0 else "costs.quantile_below" if above < 0 else "costs.lines_same"
    return [
        [Claim("costs.quantile", {"c_under": out.c_under, "c_over": out.c_over, "q": out.q})],
        [Claim("costs.short_days", {"mse": out.mse.short_days, "quantile": out.quantile.short_days,
                                    "days": out.n_days}),
         Claim(where, {"at": mid, "gap": abs(above), "slope": out.quantile.slope, "mse_slope": out.mse.slope})],
        [Claim("costs.forecasts", {"mse": out.mse.cost, "quantile": out.quantile.cost, "days": out.n_days,
                                   "mse_new": out.mse.cost_new, "quantile_new": out.quantile.cost_new,
                                   "saving": saving(out.mse.cost, out.quantile.cost),
                                   "saving_new": saving(out.mse.cost_new, out.quantile.cost_new)})],
    ]


def demand_notes(out: DemandOutcome) -> list[str]:
    """"What to notice" for the demand part, with this scenario's numbers (:func:`demand_claims` in words)."""
    return [say(bullet) for bullet in demand_claims(out)]


@template("costs.quantile")
def _(v):
    return (f"Running short costs {_usd(v['c_under'])} per ice cream and a leftover {_usd(v['c_over'])}, so the "
            f"best stock level is the q = {fmt(v['c_under'])} / ({fmt(v['c_under'])} + {fmt(v['c_over'])}) = "
            f"**{fmt(v['q'], 3)}** quantile of demand: stock so that you run short on about {pct(1 - v['q'])} of days.")


@template("costs.short_days")
def _(v):
    return (f"The MSE line aims at the average and runs short on {v['mse']} of {v['days']} days; the quantile line "
            f"runs short on {v['quantile']}.")


def _sits(v, where: str) -> str:
    return (f"At {fmt(v['at'], 3)} °C it sits {fmt(v['gap'], 3)} units {where} the MSE line (slope "
            f"{fmt(v['slope'], 3)} vs {fmt(v['mse_slope'], 3)} units per °C).")


@template("costs.quantile_above")
def _(v):
    return _sits(v, "above")


@template("costs.quantile_below")
def _(v):
    return _sits(v, "below")


@template("costs.lines_same")
def _(v):
    return (f"The two lines are one and the same (slope {fmt(v['mse_slope'], 3)} units per °C): with every day "
            "on the line there is nothing for the costs to shift.")


@template("costs.forecasts")
def _(v):
    return (f"Over the fitted days the MSE forecasts cost **{_usd(v['mse'])}** and the quantile forecasts "
            f"**{_usd(v['quantile'])}**: {saving_words(v['saving'], 'the MSE forecasts')}. On {v['days']} new days "
            f"drawn the same way: {_usd(v['mse_new'])} against {_usd(v['quantile_new'])}, "
            f"{saving_words(v['saving_new'], 'the MSE forecasts', bold=False)}.")


@scenario_cache()
def regression_scenario(c_under: float, c_over: float, noise: float, rush_days: int, seed: int) -> DemandOutcome:
    """Cached regression part of the page for one scenario."""
    return demand_costs(c_under, c_over, noise, rush_days, seed)


# --------------------------------------------------------------------------- headlines

def fraud_of(values: Mapping[str, Any]) -> FraudOutcome:
    """Part A of the page's control values (``DEFAULTS``' keys)."""
    return fraud_scenario(values["rate"], values["n"], values["seed"], values["miss"], values["alarm"],
                          values["weights"])


def demand_of(values: Mapping[str, Any]) -> DemandOutcome:
    """Part B of the page's control values (``DEFAULTS``' keys)."""
    return regression_scenario(values["under"], values["over"], values["noise"], values["rush"], values["seed"])


def fraud_headlines(out: FraudOutcome) -> list[Headline]:
    """The threshold, the held-out cost at 0.5 and at the threshold, and the saving.

    Keyed by what each is, so a pinned plain model compares with a class-weighted one.
    """
    opt, half = out.optimal, out.default
    t_opt = threshold_text(opt.threshold)
    total = f"Total over the {out.model.n_test:,} held-out transactions."
    if out.weighted:
        labels = ("Threshold", "Test cost, plain model at 0.5", "Test cost, class-weighted at 0.5")
        helps = ("The class-weighted model's scores carry the costs, so 0.5 is their break-even", total, total,
                 "cost of the plain model at 0.5 minus that of the class-weighted one")
    else:
        labels = ("Cost-optimal threshold", "Test cost, usual 0.5", f"Test cost, cost-optimal {t_opt}")
        helps = ("cost of a false alarm / (false alarm + missed fraud)", total, total,
                 "cost at 0.5 minus cost at the cost-optimal threshold")
    return [
        Headline(labels[0], t_opt, helps[0], opt.threshold, key="threshold"),
        Headline(labels[1], money(half.cost), helps[1], half.cost, dollars, "lower", key="cost at 0.5"),
        Headline(labels[2], money(opt.cost), helps[2], opt.cost, dollars, "lower", key="cost decided"),
        Headline("Saving", money(out.saving), helps[3], out.saving, dollars, "higher"),
    ]


def demand_headlines(out: DemandOutcome) -> list[Headline]:
    """The cost-optimal quantile, the cost of each fit over the fitted days, and the saving."""
    days = f"over the {out.n_days} fitted days"
    return [
        Headline("Cost-optimal quantile q", fmt(out.q, 3), "cost short / (cost short + cost left over)", out.q),
        Headline("Cost of the MSE fit", money(out.mse.cost), days, out.mse.cost, dollars, "lower"),
        Headline("Cost of the quantile fit", money(out.quantile.cost), days, out.quantile.cost, dollars, "lower"),
        Headline("Saving", money(out.saving), "MSE fit's cost minus the quantile fit's", out.saving, dollars,
                 "higher"),
    ]
