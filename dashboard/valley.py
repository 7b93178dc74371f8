"""A line fit's MSE valley on built-in points: the data and the facts the optimization views quote.

``y = w x + b`` fitted by mean squared error to :func:`core.datasets.line_with_outliers`
points (or to any x, y: :func:`valley_of`); the valley is a quadratic bowl over (w, b) whose
least-squares point, floor, curvature (the Hessian's eigenvalues, :func:`core.landscape.hessian_mse`)
and critical rate 2 / λ_max (plain full-batch descent diverges above it) are computed once per
data set and shared by every session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core import closed_form, datasets, landscape, training
from dashboard.cache import scenario_cache

WITHIN = 1.01  # a run has arrived "within 1% of the optimum" ...
# ... unless 1% of the optimum is below round-off (a line through every point has an optimum of
# about 1e-28): then "within" means within a millionth of the start's gap, which no run of a
# float64 descent misses for lack of digits, and which the default data never reaches (there 1%
# of the optimum is 0.0117, a millionth of the gap 0.00013).
WITHIN_FLOOR = 1e-6


@dataclass(frozen=True, eq=False)
class LineValley:
    """The points x, y (n,), the least-squares (w*, b*), its MSE, and the critical rate 2 / λ_max.

    Also the MSE at the start (w, b) = (0, 0), the Hessian's eigenvalues λ_min <= λ_max (the
    valley's flattest and steepest curvature), the mean of the x given and whether it was
    subtracted (``centered``: then ``x`` is centered).
    """

    x: np.ndarray
    y: np.ndarray
    optimum: np.ndarray
    optimum_loss: float
    critical: float
    start_loss: float
    lam_min: float
    lam_max: float
    x_mean: float
    centered: bool = False

    @property
    def X(self) -> np.ndarray:
        return self.x[:, None]

    @property
    def hessian(self) -> np.ndarray:
        """H (2, 2) of :func:`core.landscape.hessian_mse`: constant, the valley is a quadratic."""
        return landscape.hessian_mse(self.X)

    @property
    def condition(self) -> float:
        """λ_max / λ_min: how elongated the valley is."""
        return self.lam_max / self.lam_min

    @property
    def exact_fit(self) -> bool:
        """The line passes through the points up to round-off: 1% of the optimum is below the floor."""
        return (WITHIN - 1.0) * self.optimum_loss < WITHIN_FLOOR * (self.start_loss - self.optimum_loss)

    @property
    def within_gap(self) -> float:
        """How far above the optimum a loss may be to count as arrived:
        ``max((WITHIN - 1) J*, WITHIN_FLOOR (J(0) - J*))``."""
        return max((WITHIN - 1.0) * self.optimum_loss, WITHIN_FLOOR * (self.start_loss - self.optimum_loss))

    @property
    def target_loss(self) -> float:
        """The loss a run must reach to have arrived (see :attr:`within_gap`)."""
        return self.optimum_loss + self.within_gap


def valley_of(x: np.ndarray, y: np.ndarray, *, center: bool = False) -> LineValley:
    """The valley of the points x, y (n,); ``center``: of x minus its mean."""
    x_mean = float(x.mean())
    X = (x - x_mean if center else x)[:, None]
    best = closed_form.normal_equation(X, y)
    eig = np.linalg.eigvalsh(landscape.hessian_mse(X))
    return LineValley(x=X[:, 0], y=y, optimum=best, optimum_loss=float(training.objective(best, X, y)),
                      critical=landscape.critical_learning_rate(X), start_loss=float(training.objective(np.zeros(2), X, y)),
                      lam_min=float(eig[0]), lam_max=float(eig[-1]), x_mean=x_mean, centered=bool(center))


@scenario_cache(max_entries=8)  # a few data sets, each raw and centered
def _valley(items: tuple, center: bool = False) -> LineValley:
    data = datasets.line_with_outliers(**dict(items))
    return valley_of(data.x, data.y, center=center)


def line_valley(data: Mapping[str, Any], center: bool = False) -> LineValley:
    """The valley of ``line_with_outliers(**data)`` (cached); ``center``: of its x minus their mean."""
    return _valley(tuple(sorted(data.items())), bool(center))
