"""A line fit's MSE valley on built-in points: the data and the facts the optimization views quote.

``y = w x + b`` fitted by mean squared error to :func:`core.datasets.line_with_outliers`
points; the valley is a quadratic bowl over (w, b) whose least-squares point, floor and
critical rate 2 / λ_max (plain full-batch descent diverges above it) are computed once per
data set and shared by every session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core import closed_form, datasets, landscape, training
from dashboard.cache import scenario_cache


@dataclass(frozen=True, eq=False)
class LineValley:
    """The points x, y (n,), the least-squares (w*, b*), its MSE, and the critical rate 2 / λ_max."""

    x: np.ndarray
    y: np.ndarray
    optimum: np.ndarray
    optimum_loss: float
    critical: float

    @property
    def X(self) -> np.ndarray:
        return self.x[:, None]


@scenario_cache(max_entries=4)
def _valley(items: tuple) -> LineValley:
    data = datasets.line_with_outliers(**dict(items))
    X = data.x[:, None]
    best = closed_form.normal_equation(X, data.y)
    return LineValley(x=data.x, y=data.y, optimum=best, optimum_loss=float(training.objective(best, X, data.y)),
                      critical=landscape.critical_learning_rate(X))


def line_valley(data: Mapping[str, Any]) -> LineValley:
    """The valley of ``line_with_outliers(**data)`` (cached)."""
    return _valley(tuple(sorted(data.items())))
