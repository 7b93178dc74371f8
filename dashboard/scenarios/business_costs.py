"""Compute for "When a miss costs more than a false alarm, where should the line go?".

Two parts, each a plain function of small scenario parameters plus a cached wrapper for the page:

- Fraud (:func:`fit_fraud_model`, :func:`fraud_costs`; cached :func:`fraud_scenario`):
  :func:`core.datasets.fraud_like` transactions split 50/50 into a training and a test half *per
  class* (seeded). A logistic model is trained on the training half (``bce``, by
  :func:`core.fits.logistic_fit`, on features standardized with that half's mean and std) to the
  maximum-likelihood fit. Every cost is measured on the held-out test half.
- Regression (:func:`demand_costs`; cached :func:`regression_scenario`): daily ice-cream demand
  against the temperature (:func:`core.datasets.line_with_outliers`, the hottest days pushed up).
  The MSE fit (:func:`core.closed_form.normal_equation`) and the cost-optimal quantile fit
  (:func:`core.closed_form.quantile_fit` at ``q = c_under / (c_under + c_over)``), each priced with
  the ``asymmetric`` loss on the days fitted and on as many new days (seed + :data:`NEW_DAYS_SEED_OFFSET`).

What the view says about these results (the claims, their words, the headlines, "The math") is
:mod:`dashboard.shared.business_costs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, decisions, fits, losses
from dashboard.cache import scenario_cache
from dashboard.formatting import negligible
from dashboard.shared.business_costs import ERROR_PARTS, FIT_LABELS, MISTAKE_LABELS, threshold_text

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
# Chart labels, carried by the frames too, so the CSV downloads read the same; each outcome's cell is
# (actual, decision).
OUTCOME_LABELS = {"caught": "Fraud caught", **MISTAKE_LABELS, "passed": "Legit, passed"}
OUTCOMES = tuple(OUTCOME_LABELS)  # caught, false_alarm, missed, passed
OUTCOME_CELL = {"caught": ("Fraud", "Flagged"), "false_alarm": ("Legit", "Flagged"), "missed": ("Fraud", "Passed"),
                "passed": ("Legit", "Passed")}


@dataclass(frozen=True, eq=False)
class FraudModel:
    """A logistic model trained on the training half, and its scores on the test half."""

    class_weights: tuple[float, float] | None  # None (plain cross-entropy) or (c_fn, c_fp), each class's weight
    n_train: int  # transactions in each half
    n_test: int
    frauds_train: int  # frauds in each half
    frauds_test: int
    weights: np.ndarray  # (2,) on the standardized features (amount, velocity)
    intercept: float
    mean: np.ndarray  # (2,) the training half's feature means and standard deviations
    std: np.ndarray
    grad_max: float  # the largest |component| of the BCE gradient after the last step
    converged: bool  # grad_max <= CONVERGED_GRAD and no divergence
    y_test: np.ndarray  # (n_test,) labels, 1.0 = fraud
    p_test: np.ndarray  # (n_test,) predicted fraud probabilities


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
        class_weights=None if class_weights is None else (float(class_weights[0]), float(class_weights[1])),
        n_train=int(train.size), n_test=int(test.size), frauds_train=int(y_tr.sum()),
        frauds_test=int(data.y[test].sum()), weights=fit.params[:2], intercept=float(fit.params[2]), mean=mean,
        std=std, grad_max=fit.grad_max, converged=fit.converged,
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

    Two ways to put the costs in, with the plain model at 0.5 as the baseline of both: on the decision
    side (``model`` plain) the threshold moves to ``c_fp / (c_fp + c_fn)``; on the loss side (``model``
    class-weighted) the model is trained with the costs as class weights and its scores are cut at 0.5.

    Frames: ``curve``, one row per threshold of ``model``'s scores: ``threshold`` and the cost per test
    transaction (dollars) of ``missed`` frauds, ``false_alarm`` s and their ``total``; ``confusion``, one
    row per (decision, outcome): ``rule`` (chart label of the decision), ``order`` (0 for ``optimal``, 1 for
    ``default``), ``threshold``, ``outcome``, ``label``, ``actual``, ``decision``, ``count``, ``unit_cost``,
    ``cost``; ``markers``, one row per threshold marked on the curve: ``kind`` (optimal / default),
    ``rule``, ``threshold``, ``cost`` (per transaction), ``total`` (dollars on the test half). The plain
    model's 0.5 is not on a class-weighted model's curve, so it is not marked there.
    """

    model: FraudModel  # the model whose scores are thresholded
    c_fn: float  # dollars per missed fraud and per false alarm
    c_fp: float
    optimal: Decision  # at the cost-optimal threshold of model's scores (c_fp / (c_fp + c_fn), or 0.5 weighted)
    default: Decision  # the plain model at 0.5
    best: Decision  # the cheapest threshold in hindsight (the lowest score among equally cheap ones)
    curve: pd.DataFrame
    confusion: pd.DataFrame
    markers: pd.DataFrame
    threshold_moved: Decision | None = None  # weighted: the plain model at c_fp / (c_fp + c_fn), to compare

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
    best = _decision(y, p, float(candidates[int(np.argmin(totals))]), c_fn, c_fp)

    # The curve on a log-spaced grid wide enough to show both marked thresholds.
    low = min(1e-4, t_opt / 3.0)
    grid = np.unique(np.concatenate([np.geomspace(low, 1.0, CURVE_POINTS), [t_opt, DEFAULT_THRESHOLD]]))
    counts = decisions.confusion_counts(y, p, grid)
    n = y.size
    missed, alarms = c_fn * counts.fn / n, c_fp * counts.fp / n
    curve = pd.DataFrame({"threshold": grid, "missed": missed, "false_alarm": alarms, "total": missed + alarms})

    rules = {"optimal": f"{'class-weighted model,' if weighted else 'cost-optimal'} {threshold_text(t_opt)}",
             "default": f"{'plain model,' if weighted else 'default'} {threshold_text(DEFAULT_THRESHOLD)}"}
    unit = {"caught": 0.0, "false_alarm": c_fp, "missed": c_fn, "passed": 0.0}
    confusion = pd.DataFrame([
        {"rule": rules[key], "order": order, "threshold": dec.threshold, "outcome": outcome,
         "label": OUTCOME_LABELS[outcome], "actual": OUTCOME_CELL[outcome][0], "decision": OUTCOME_CELL[outcome][1],
         "count": getattr(dec, outcome), "unit_cost": unit[outcome], "cost": unit[outcome] * getattr(dec, outcome)}
        for order, (key, dec) in enumerate((("optimal", optimal), ("default", default))) for outcome in OUTCOMES
    ])
    marked = [("optimal", optimal)] if weighted else [("optimal", optimal), ("default", default)]
    markers = pd.DataFrame({"kind": [kind for kind, _ in marked], "rule": [rules[kind] for kind, _ in marked],
                            "threshold": [dec.threshold for _, dec in marked],
                            "cost": [dec.cost / n for _, dec in marked], "total": [dec.cost for _, dec in marked]})
    return FraudOutcome(model=model, c_fn=float(c_fn), c_fp=float(c_fp), optimal=optimal, default=default,
                        best=best, curve=curve, confusion=confusion, markers=markers, threshold_moved=moved)


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


def fraud_of(values: Mapping[str, Any]) -> FraudOutcome:
    """Part A of the page's control values (``DEFAULTS``' keys)."""
    return fraud_scenario(values["rate"], values["n"], values["seed"], values["miss"], values["alarm"],
                          values["weights"])


# --------------------------------------------------------------------------- regression

N_DAYS = 60
TEMPERATURE_RANGE = (10.0, 35.0)  # degrees C
UNITS_PER_DEGREE = 4.0  # true slope: extra ice creams sold per degree
BASE_UNITS = 0.0  # true intercept
RUSH_EXTRA = 60.0  # extra units on each rush day (the hottest days)
NEW_DAYS_SEED_OFFSET = 1000  # new days to score the fits on: seed + this


@dataclass(frozen=True)
class FitCost:
    """One fitted line and what its forecasts cost (dollars)."""

    slope: float  # units per degree
    intercept: float  # units
    cost: float  # total asymmetric cost on the fitted days
    under_cost: float  # the two parts of cost
    over_cost: float
    short_days: int  # days forecast below demand (stock-outs)
    cost_new: float  # total cost on the new days


@dataclass(frozen=True, eq=False)
class DemandOutcome:
    """Everything the regression part shows.

    Frames: ``points``, one row per day in temperature order: ``day``, ``temperature``, ``demand``, ``rush``
    (bool), and the two fits' forecasts ``forecast_mse``, ``forecast_quantile``; ``costs``, one row per
    (fit, part): ``fit``, ``label``, ``part``, ``part_label``, ``cost``, ``total``.
    """

    c_under: float  # dollars per unit of under- and over-prediction
    c_over: float
    q: float  # the cost-optimal quantile c_under / (c_under + c_over)
    mse: FitCost
    quantile: FitCost
    points: pd.DataFrame
    costs: pd.DataFrame
    n_days: int  # days fitted (and new days scored)

    @property
    def middle(self) -> float:
        """The middle of the temperature range the days are drawn from (degrees C)."""
        return float(np.mean(TEMPERATURE_RANGE))

    @property
    def saving(self) -> float:
        """Dollars saved on the fitted days by the quantile fit instead of the MSE fit."""
        return self.mse.cost - self.quantile.cost


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


@scenario_cache()
def regression_scenario(c_under: float, c_over: float, noise: float, rush_days: int, seed: int) -> DemandOutcome:
    """Cached regression part of the page for one scenario."""
    return demand_costs(c_under, c_over, noise, rush_days, seed)


def demand_of(values: Mapping[str, Any]) -> DemandOutcome:
    """Part B of the page's control values (``DEFAULTS``' keys)."""
    return regression_scenario(values["under"], values["over"], values["noise"], values["rush"], values["seed"])
