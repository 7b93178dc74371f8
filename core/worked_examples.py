"""The lessons' worked examples as data: the truths and predictions the seeds' texts compute with.

Each function returns fresh arrays on every call (a caller may change them freely):

- regression (:class:`RegressionExample`): :func:`lagos_houses`, :func:`rainfall_weeks`,
  :func:`house_prices`, :func:`two_four_six`, :func:`house_errors_400k`, :func:`house_300k`,
  :func:`archery`;
- classification (:class:`ProbabilityExample`): :func:`spam_probabilities`,
  :func:`spam_confidence_pair`, :func:`cat_dog_bird`.

Each docstring gives the lesson's numbers worked by hand. All of them are importable from
:mod:`core.datasets` too (the public contract names them there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core._validation import fail


@dataclass(frozen=True, eq=False)
class RegressionExample:
    """A worked regression example: one truth, one or more models' predictions.

    Attributes:
        y_true: array of shape (n,).
        y_pred: array of shape (n_models, n); row m holds model ``models[m]``. Passing it
            whole to a loss gives one mean per model (batched losses).
        models: the model names.
        unit: the unit of y.
        description: one line saying what the numbers are.
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    models: tuple[str, ...]
    unit: str
    description: str

    def prediction(self, model: str) -> np.ndarray:
        """The predictions (n,) of the model called ``model``."""
        if model not in self.models:
            raise fail("model", model, "one of " + ", ".join(repr(m) for m in self.models))
        return self.y_pred[self.models.index(model)]


@dataclass(frozen=True, eq=False)
class ProbabilityExample:
    """A worked classification example: true labels and predicted probabilities.

    Attributes:
        y_true: array of shape (n,): 0/1 labels (binary) or class indices (multi-class).
        y_pred: probabilities, shape (n,) for binary (of the positive class) or (n, k).
        cases: a name for each of the n rows.
        classes: the class names (index = label).
        description: one line saying what the numbers are.
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    cases: tuple[str, ...]
    classes: tuple[str, ...]
    description: str


def _regression(y_true: list, y_pred: list[list], models: tuple[str, ...], unit: str,
                description: str) -> RegressionExample:
    """The example from the lesson's numbers as typed: y_true (n,), one row (n,) per model."""
    return RegressionExample(np.array(y_true, dtype=np.float64), np.array(y_pred, dtype=np.float64), models, unit,
                             description)


def _probabilities(y_true: list, y_pred: list, cases: tuple[str, ...], classes: tuple[str, ...],
                   description: str) -> ProbabilityExample:
    """The example from the lesson's numbers as typed: labels (n,), probabilities (n,) or (n, k)."""
    return ProbabilityExample(np.array(y_true, dtype=np.float64), np.array(y_pred, dtype=np.float64), cases, classes,
                              description)


# --------------------------------------------------------------------------- regression


def lagos_houses() -> RegressionExample:
    """Three Lagos properties: true [42, 35, 50], predicted [45, 30, 60] (million naira).

    Errors +3, -5, +10: MSE (9 + 25 + 100) / 3 = 44.67, MAE (3 + 5 + 10) / 3 = 6.0.
    """
    return _regression([42, 35, 50], [[45, 30, 60]], ("model",), "million naira",
                       "Sale prices of three Lagos properties and one model's guesses.")


def rainfall_weeks() -> RegressionExample:
    """Five weeks of rainfall (mm): true [10, 25, 5, 40, 15]; models A and B.

    A [12, 23, 6, 38, 18]: MSE 4.4, MAE 2.0. B [11, 20, 10, 50, 12]: MSE 32.0, MAE 4.8;
    week 4 (error 10) alone adds 100 / 5 = 20 of B's 32.
    """
    return _regression([10, 25, 5, 40, 15], [[12, 23, 6, 38, 18], [11, 20, 10, 50, 12]], ("A", "B"), "mm",
                       "Weekly rainfall over five weeks and two models' forecasts.")


def house_prices() -> RegressionExample:
    """True [200k, 350k, 500k] dollars, predicted [210k, 340k, 480k].

    Squared errors 100M, 100M, 400M: MSE 200,000,000 dollars^2, RMSE about 14,142 dollars.
    """
    return _regression([200_000, 350_000, 500_000], [[210_000, 340_000, 480_000]], ("model",), "dollars",
                       "Three house prices and one model's predictions.")


def two_four_six() -> RegressionExample:
    """True [2, 4, 6]; model A [2, 4, 5], model B [1, 4, 6]: both have squared error 1."""
    return _regression([2, 4, 6], [[2, 4, 5], [1, 4, 6]], ("A", "B"), "",
                       "Two models each off by 1 on a different point: the loss ties them.")


def house_errors_400k() -> RegressionExample:
    """Two houses worth 400k dollars, predicted 390k and 380k: squared errors 1e8 and 4e8."""
    return _regression([400_000, 400_000], [[390_000, 380_000]], ("model",), "dollars",
                       "A 10k and a 20k miss on equal houses: squaring makes the second 4x.")


def house_300k() -> RegressionExample:
    """One house worth 300k dollars predicted at 350k: squared error 2,500,000,000."""
    return _regression([300_000], [[350_000]], ("model",), "dollars", "A single 50k miss, squared.")


def archery() -> RegressionExample:
    """Arrows 0, 2 and 10 cm from the centre: squared losses 0, 4 and 100.

    The target centre is the truth (0) and the landing distance the prediction.
    """
    return _regression([0, 0, 0], [[0, 2, 10]], ("archer",), "cm", "Distance of three arrows from the bullseye.")


# --------------------------------------------------------------------------- classification


def spam_probabilities() -> ProbabilityExample:
    """A spam email (label 1) scored 0.9, 0.1 and 0.5: BCE 0.105, 2.303 and 0.693."""
    return _probabilities([1, 1, 1], [0.9, 0.1, 0.5], ("confident and right", "confident and wrong", "unsure"),
                          ("not spam", "spam"), "Three predicted spam probabilities for an email that is spam.")


def spam_confidence_pair() -> ProbabilityExample:
    """A positive scored 0.51 by one classifier and 0.99 by another: BCE 0.673 vs 0.01005."""
    return _probabilities([1, 1], [0.51, 0.99], ("barely right (0.51)", "confidently right (0.99)"),
                          ("negative", "positive"),
                          "Both classifiers pick the right class; the loss still prefers confidence.")


def cat_dog_bird() -> ProbabilityExample:
    """A cat image scored [0.70, 0.20, 0.10] and [0.10, 0.60, 0.30]: CCE 0.357 and 2.303."""
    return _probabilities([0, 0], [[0.70, 0.20, 0.10], [0.10, 0.60, 0.30]], ("mostly cat", "mostly dog"),
                          ("cat", "dog", "bird"), "Two softmax outputs for a picture of a cat.")
