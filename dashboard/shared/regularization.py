"""The data of the regularization view, which the loss-curves view trains on too: ``n`` training and
:data:`N_VALIDATION` validation points of one noisy sin(πx) curve on :data:`X_RANGE`
(:func:`core.datasets.polynomial_curve`, split by a seeded permutation), and the names of the features'
powers. Pure: no streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import datasets

N_VALIDATION = 60
X_RANGE = (-1.0, 1.0)


def power_label(k: int) -> str:
    """'x', 'x²', 'x³', ..., 'x¹⁵'."""
    return "x" + (str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) if k > 1 else "")


@dataclass(frozen=True, eq=False)
class Data:
    """Training and validation points of one scenario, and their standardized features."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    noise: float  # nan for a learner's own data: the noise is not known
    truth: bool = True  # whether the true curve sin(πx) is known (not for a learner's own data)

    def features(self, x: np.ndarray, degree: int) -> np.ndarray:
        """Powers 1..degree of ``x``, standardized with the training points' statistics."""
        return datasets.polynomial_features(x, degree, reference=self.x_train)

    def points(self) -> pd.DataFrame:
        """One row per point: x, y, set ("Training" / "Validation")."""
        return pd.DataFrame({
            "x": np.concatenate([self.x_train, self.x_val]),
            "y": np.concatenate([self.y_train, self.y_val]),
            "set": ["Training"] * self.x_train.size + ["Validation"] * self.x_val.size,
        })


def make_data(n: int, noise: float, seed: int) -> Data:
    """``n`` training and :data:`N_VALIDATION` validation points of one noisy sin(πx) curve."""
    curve = datasets.polynomial_curve(n=n + N_VALIDATION, noise=noise, seed=seed, x_range=X_RANGE)
    order = np.random.default_rng([seed, 1]).permutation(curve.x.size)  # its own stream: the split
    train, val = np.sort(order[:n]), np.sort(order[n:])
    return Data(curve.x[train], curve.y[train], curve.x[val], curve.y[val], float(noise))
