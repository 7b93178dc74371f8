"""A logistic model scored by cross-entropy or by squared error on its probabilities.

The model is ``p = sigmoid(z)``, ``z = X w + b``. Two losses of p against labels y in {0, 1}:

- ``"bce"``: binary cross-entropy ``-[y log p + (1 - y) log(1 - p)]``, whose derivative with
  respect to the logit is ``p - y``: it never vanishes while the model is wrong;
- ``"mse"``: squared error on the probability, ``(p - y)^2``, whose derivative with respect to
  the logit is ``2 (p - y) p (1 - p)``: it vanishes as p goes to 0 or 1, so a model that is
  confidently wrong hardly moves.

:func:`logit_gradient` gives both; :func:`train` runs full-batch gradient descent on either loss
for R starts at once. Note: ``"mse"`` here is the squared error of the probability (as
``torch.nn.MSELoss()(torch.sigmoid(z), y)``), not of the logit as in :func:`core.training.fit_linear`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import _validation as check
from core.trajectory import Trajectory, mark_divergence

LOSSES = ("bce", "mse")


def sigmoid(z: Any) -> np.ndarray:
    """1 / (1 + e^-z), written with tanh so that no exponential overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def _value(y: np.ndarray, z: np.ndarray, loss: str) -> np.ndarray:
    if loss == "bce":
        return np.logaddexp(0.0, z) - y * z  # -[y log p + (1 - y) log(1 - p)] from the logit
    return (sigmoid(z) - y) ** 2


def _grad(y: np.ndarray, z: np.ndarray, loss: str) -> np.ndarray:
    p = sigmoid(z)
    return p - y if loss == "bce" else 2.0 * (p - y) * p * (1.0 - p)


def loss_value(y: Any, z: Any, *, loss: str) -> np.ndarray:
    """Each example's loss at logit z (broadcast with y): shape of the broadcast."""
    loss = check.choice("loss", loss, LOSSES)
    return _value(check.array("y", y), check.array("z", z, finite=False), loss)


def logit_gradient(y: Any, z: Any, *, loss: str) -> np.ndarray:
    """d loss / d z per example: ``p - y`` for "bce", ``2 (p - y) p (1 - p)`` for "mse"."""
    loss = check.choice("loss", loss, LOSSES)
    return _grad(check.array("y", y), check.array("z", z, finite=False), loss)


def train(X: Any, y: Any, *, loss: str, lr: float, steps: int, init: Any = None) -> Trajectory:
    """Full-batch gradient descent on the mean loss of ``p = sigmoid(X w + b)``, R runs at once.

    Args:
        X: array of shape (n, d) (a 1-D array is one feature); y: labels (n,) of 0 and 1.
        loss: "bce" or "mse" (on the probability).
        lr: the learning rate (> 0); steps: the number of updates (>= 0).
        init: starting parameters (R, d + 1) or (d + 1,), weights first, intercept last; default zeros.

    Returns:
        Trajectory: ``params`` (steps + 1, R, d + 1), ``loss`` (steps + 1, R) the mean loss,
        ``lr`` (steps, R), ``diverged_at`` (R,).
    """
    X = check.array("X", X, ndim=(1, 2))
    X = X[:, None] if X.ndim == 1 else X
    y = check.array("y", y, ndim=1)
    check.same_length("X", X, "y", y)
    if np.any((y != 0) & (y != 1)):
        raise ValueError("y must hold labels 0 and 1")
    loss = check.choice("loss", loss, LOSSES)
    rate = check.real("lr", lr, low=0.0, low_open=True)
    steps = check.integer("steps", steps, low=0)
    n, d = X.shape
    Xa = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros((1, d + 1)) if init is None else np.atleast_2d(check.array("init", init, ndim=(1, 2))).copy()
    if theta.shape[1] != d + 1:
        raise ValueError(f"init must have {d + 1} columns (weights, then the intercept); got shape {theta.shape}")
    params = np.empty((steps + 1, theta.shape[0], d + 1))
    values = np.empty((steps + 1, theta.shape[0]))
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            z = theta @ Xa.T  # (R, n)
            params[t], values[t] = theta, _value(y, z, loss).mean(axis=1)
            if t < steps:
                theta = theta - rate * (_grad(y, z, loss) @ Xa) / n
        diverged_at = mark_divergence(params, values)
    return Trajectory(params=params, loss=values, lr=np.full((steps, theta.shape[0]), rate), diverged_at=diverged_at)
