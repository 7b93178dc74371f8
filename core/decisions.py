"""Turning predictions into decisions when mistakes have different prices.

- Classification: predict positive when ``p >= threshold``. With calibrated probabilities,
  a false positive costing ``c_fp`` and a false negative ``c_fn`` (correct decisions free),
  flagging costs ``(1 - p) c_fp`` in expectation and not flagging ``p c_fn``, so the best
  threshold is ``c_fp / (c_fp + c_fn)`` (:func:`optimal_threshold`).
- Regression: paying ``c_under`` per unit of under-prediction and ``c_over`` per unit of
  over-prediction, the best point forecast is the ``c_under / (c_under + c_over)``
  quantile of the predictive distribution (:func:`optimal_quantile`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from core import _validation as check


def _cost_pair(name_a: str, a: Any, name_b: str, b: Any) -> tuple[float, float]:
    a = check.real(name_a, a, low=0.0)
    b = check.real(name_b, b, low=0.0)
    if a + b == 0.0:
        raise check.fail(f"{name_a} + {name_b}", a + b, "> 0 (the costs cannot both be 0)")
    return a, b


def optimal_threshold(c_fp: float, c_fn: float) -> float:
    """Cost-optimal probability threshold ``c_fp / (c_fp + c_fn)``.

    Predicting positive at probability p costs ``(1 - p) c_fp`` in expectation, negative
    costs ``p c_fn``; positive is cheaper exactly when ``p >= c_fp / (c_fp + c_fn)``.
    Fraud example: a missed fraud costs 1000, a false alarm 10, so flag from
    ``10 / 1010 = 0.0099``.

    Args:
        c_fp: cost of a false positive, >= 0.
        c_fn: cost of a false negative, >= 0 (not both 0).

    Returns:
        the threshold, in [0, 1].

    Note: only optimal for calibrated probabilities; scikit-learn's ``predict`` uses 0.5
    whatever the costs (``FixedThresholdClassifier`` sets another one).
    """
    c_fp, c_fn = _cost_pair("c_fp", c_fp, "c_fn", c_fn)
    return c_fp / (c_fp + c_fn)


def optimal_quantile(c_under: float, c_over: float) -> float:
    """Cost-optimal quantile ``c_under / (c_under + c_over)`` for linear asymmetric costs.

    The expected cost of forecasting ``a`` is ``c_under E(Y - a)^+ + c_over E(a - Y)^+``,
    whose derivative ``-c_under P(Y > a) + c_over P(Y < a)`` vanishes where
    ``P(Y <= a) = c_under / (c_under + c_over)``. Train with the ``quantile`` loss at this q
    (or the ``asymmetric`` loss, which is ``(c_under + c_over)`` times it).

    Args:
        c_under: cost per unit of under-prediction (forecast below the truth), >= 0.
        c_over: cost per unit of over-prediction, >= 0 (not both 0).

    Returns:
        q in [0, 1].
    """
    c_under, c_over = _cost_pair("c_under", c_under, "c_over", c_over)
    return c_under / (c_under + c_over)


class ConfusionCounts(NamedTuple):
    """Counts at each threshold, each an int array of the thresholds' shape."""

    tp: np.ndarray
    fp: np.ndarray
    tn: np.ndarray
    fn: np.ndarray


def _labels_and_scores(y_true: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    y = check.array("y_true", y_true, ndim=1)
    if not np.all((y == 0) | (y == 1)):
        raise check.fail("y_true", y_true, "labels 0 or 1")
    p = check.array("p", p, ndim=1)
    if np.any((p < 0) | (p > 1)):
        raise check.fail("p", p, "probabilities in [0, 1]")
    check.same_length("y_true", y, "p", p)
    return y.astype(bool), p


def _thresholds(value: Any) -> np.ndarray:
    # +-inf are meaningful thresholds (flag everything / nothing); NaN is not.
    t = check.array("thresholds", value, finite=False)
    if np.any(np.isnan(t)):
        raise check.fail("thresholds", value, "numbers without NaN (inf is allowed)")
    return t


def _at_or_above(sorted_scores: np.ndarray, t: np.ndarray) -> np.ndarray:
    """How many sorted scores are ``>= t`` for each t: O(T log n)."""
    return sorted_scores.size - np.searchsorted(sorted_scores, t, side="left")


def _counts(y: np.ndarray, p: np.ndarray, t: np.ndarray) -> ConfusionCounts:
    pos, neg = np.sort(p[y]), np.sort(p[~y])
    tp = _at_or_above(pos, t)
    fp = _at_or_above(neg, t)
    # [()] turns a 0-d result into a scalar and leaves arrays as they are.
    return ConfusionCounts(tp[()], fp[()], (neg.size - fp)[()], (pos.size - tp)[()])


def confusion_counts(y_true: Any, p: Any, thresholds: Any) -> ConfusionCounts:
    """True/false positives/negatives when predicting positive for ``p >= threshold``.

    Sorts the scores of each class once, then counts with binary search: O((n + T) log n)
    time and O(n + T) memory for T thresholds, never an (n, T) matrix.

    Args:
        y_true: labels of shape (n,), 0 or 1 (bool, int or float).
        p: predicted probabilities of shape (n,), in [0, 1].
        thresholds: a number or an array of any shape; ``-inf`` flags every sample,
            ``inf`` none.

    Returns:
        :class:`ConfusionCounts` ``(tp, fp, tn, fn)``, each of the thresholds' shape
        (numpy integer scalars for a scalar threshold).

    Note: ``p >= threshold`` (a score equal to the threshold is positive) is the rule of
    scikit-learn's ``roc_curve``; ``LogisticRegression.predict`` uses ``p > 0.5``, which
    differs only at an exact tie.
    """
    return _counts(*_labels_and_scores(y_true, p), _thresholds(thresholds))


def expected_cost(
    y_true: Any,
    p: Any,
    thresholds: Any,
    *,
    c_fp: float,
    c_fn: float,
    normalize: bool = True,
) -> np.ndarray | float:
    """Cost of the decisions ``p >= threshold``: ``(c_fp * FP + c_fn * FN) / n``.

    Correct decisions cost nothing. With ``normalize=True`` (default) the total is divided
    by n: the average cost per decision, i.e. the expected cost of one more case drawn
    like these; ``normalize=False`` gives the total over the n samples.

    Args:
        y_true: labels of shape (n,), 0 or 1.
        p: predicted probabilities of shape (n,), in [0, 1].
        thresholds: a number or an array of any shape.
        c_fp: cost of a false positive, >= 0.
        c_fn: cost of a false negative, >= 0 (not both 0).
        normalize: per-sample average (True) or total (False).

    Returns:
        costs of the thresholds' shape (a float for a scalar threshold).
    """
    c_fp, c_fn = _cost_pair("c_fp", c_fp, "c_fn", c_fn)
    if not isinstance(normalize, (bool, np.bool_)):
        raise check.fail("normalize", normalize, "True or False")
    y, p = _labels_and_scores(y_true, p)
    counts = _counts(y, p, _thresholds(thresholds))
    fp = np.asarray(counts.fp, dtype=np.float64)
    fn = np.asarray(counts.fn, dtype=np.float64)
    cost = c_fp * fp + c_fn * fn
    if normalize:
        cost = cost / p.size
    return float(cost) if cost.ndim == 0 else cost


def cost_curve(
    y_true: Any,
    p: Any,
    *,
    c_fp: float,
    c_fn: float,
    num: int = 101,
    normalize: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected cost on an even grid of thresholds from 0 to 1, ready to plot.

    Args:
        y_true, p, c_fp, c_fn, normalize: as in :func:`expected_cost`.
        num: number of thresholds, >= 2.

    Returns:
        ``(thresholds, costs)``, both of shape (num,); ``thresholds = linspace(0, 1, num)``.
    """
    num = check.integer("num", num, low=2)
    thresholds = np.linspace(0.0, 1.0, num)
    costs = expected_cost(y_true, p, thresholds, c_fp=c_fp, c_fn=c_fn, normalize=normalize)
    return thresholds, costs
