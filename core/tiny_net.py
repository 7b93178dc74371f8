"""A tiny neural network, one hidden tanh layer (2-H-1), trained from many random starts at once.

The model of R runs, each with its own parameters, on inputs X of shape (n, 2)::

    h = tanh(X W1^T + b1)        W1 (H, 2), b1 (H,)      -> h (n, H)
    z = h w2 + b2                w2 (H,),   b2 scalar    -> z (n,)

Each run's parameters are one flat vector of P = 4H + 1 numbers, in the order
``W1`` (row by row), ``b1``, ``w2``, ``b2``; R runs are an array (R, P), so one array operation
serves every run (the restarts of a loss-landscape study). The loss is the binary
cross-entropy of ``p = sigmoid(z)`` against labels in {0, 1} (``"bce"``, computed from the
logit z without overflow, as torch's ``BCEWithLogitsLoss``), or the squared error of z
(``"mse"``, not halved). :func:`gradient` is backpropagation written out; the tests check it
against finite differences.

:func:`directions` and :func:`surface` give the loss along two random directions around one
solution, each direction filter-normalized (Li et al., 2018, "Visualizing the loss landscape
of neural nets"): every hidden unit's incoming weights, and the output weights, are scaled to
the norm of the same weights in the solution, and the biases' directions are zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core import _validation as check
from core import optimizers as _optimizers
from core.trajectory import mark_divergence

LOSSES = ("bce", "mse")


def n_params(hidden: int) -> int:
    """P = 4H + 1: W1 (H, 2), b1 (H,), w2 (H,), b2."""
    return 4 * hidden + 1


def _hidden(params: np.ndarray) -> int:
    p = params.shape[-1]
    if (p - 1) % 4 or p < 5:
        raise ValueError(f"params must have 4H + 1 entries per run (H hidden units >= 1); got {p}")
    return (p - 1) // 4


def unpack(params: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W1 (R, H, 2), b1 (R, H), w2 (R, H), b2 (R,)) of params (R, P) (or (P,): R = 1)."""
    theta = np.atleast_2d(check.array("params", params, ndim=(1, 2), finite=False))
    h = _hidden(theta)
    return (theta[:, : 2 * h].reshape(-1, h, 2), theta[:, 2 * h: 3 * h], theta[:, 3 * h: 4 * h], theta[:, 4 * h])


def _data(X: Any, y: Any, loss: str) -> tuple[np.ndarray, np.ndarray, str]:
    X = check.array("X", X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (the network is 2-H-1); got shape {X.shape}")
    y = check.array("y", y, ndim=1)
    check.same_length("X", X, "y", y)
    loss = check.choice("loss", loss, LOSSES)
    if loss == "bce" and np.any((y != 0) & (y != 1)):
        raise ValueError("y must hold labels 0 and 1 for the 'bce' loss")
    return X, y, loss


def _forward(theta: np.ndarray, X: np.ndarray):
    W1, b1, w2, b2 = unpack(theta)
    # Batched matmul, not einsum: about twice as fast here, and each run's product is its own gemm.
    h = np.tanh(np.matmul(X, W1.transpose(0, 2, 1)) + b1[:, None, :])  # (R, n, H)
    z = np.matmul(h, w2[:, :, None])[..., 0] + b2[:, None]  # (R, n)
    return h, z


def _loss_from_logits(z: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    if loss == "mse":
        return np.mean((z - y) ** 2, axis=-1)
    # log(1 + e^z) - y z, written so that no exponential overflows
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def predict(params: Any, X: Any) -> np.ndarray:
    """The logits z of each run on X: shape (R, n)."""
    X = check.array("X", X, ndim=2)
    return _forward(np.atleast_2d(np.asarray(params, dtype=np.float64)), X)[1]


def loss(params: Any, X: Any, y: Any, *, loss: str = "bce") -> np.ndarray:
    """The mean loss of each run: shape (R,)."""
    X, y, kind = _data(X, y, loss)
    with np.errstate(all="ignore"):
        return _loss_from_logits(_forward(np.atleast_2d(np.asarray(params, dtype=np.float64)), X)[1], y, kind)


def gradient(params: Any, X: Any, y: Any, *, loss: str = "bce") -> np.ndarray:
    """d loss / d params of each run by backpropagation: shape (R, P), the order of the parameters.

    With dz = dL/dz (``(sigmoid(z) - y) / n`` for bce, ``2 (z - y) / n`` for mse)::

        dw2 = h^T dz,  db2 = sum dz,  da = dz w2^T * (1 - h^2),  dW1 = da^T X,  db1 = sum da
    """
    X, y, kind = _data(X, y, loss)
    theta = np.atleast_2d(check.array("params", params, ndim=(1, 2)))
    return _gradient(theta, X, y, kind)


def _gradient(theta: np.ndarray, X: np.ndarray, y: np.ndarray, kind: str) -> np.ndarray:
    return _loss_and_gradient(theta, X, y, kind)[1]


def _loss_and_gradient(theta: np.ndarray, X: np.ndarray, y: np.ndarray, kind: str
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(loss (R,), gradient (R, P)) from one forward pass: training needs both at every step."""
    n = X.shape[0]
    _, b1, w2, _ = unpack(theta)
    h, z = _forward(theta, X)
    if kind == "mse":
        dz = 2.0 * (z - y) / n
    else:
        dz = (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / n  # sigmoid(z) without overflow
    dw2 = np.matmul(dz[:, None, :], h)[:, 0, :]
    db2 = dz.sum(axis=1)
    da = dz[:, :, None] * w2[:, None, :] * (1.0 - h * h)  # (R, n, H)
    dW1 = np.matmul(da.transpose(0, 2, 1), X)
    db1 = da.sum(axis=1)
    grad = np.concatenate([dW1.reshape(theta.shape[0], -1), db1, dw2, db2[:, None]], axis=1)
    return _loss_from_logits(z, y, kind), grad


def init(hidden: int, runs: int, *, seed: int = 0) -> np.ndarray:
    """R random starts (R, P), as torch's ``nn.Linear`` draws them: every weight and bias of a layer
    uniform in ±1/sqrt(fan_in) (fan_in 2 for the hidden layer, H for the output)."""
    hidden = check.integer("hidden", hidden, low=1)
    runs = check.integer("runs", runs, low=1)
    rng = np.random.default_rng(check.integer("seed", seed, low=0))
    first = rng.uniform(-1.0, 1.0, (runs, 3 * hidden)) / np.sqrt(2.0)  # W1 and b1
    second = rng.uniform(-1.0, 1.0, (runs, hidden + 1)) / np.sqrt(hidden)  # w2 and b2
    return np.concatenate([first, second], axis=1)


@dataclass(frozen=True)
class Runs:
    """Training of R starts: ``params`` (R, P) at the end, ``loss`` (steps + 1, R) along the way,
    ``start`` (R, P) and ``diverged_at`` (R,) (-1 if never)."""

    start: np.ndarray
    params: np.ndarray
    loss: np.ndarray
    diverged_at: np.ndarray


def train(X: Any, y: Any, *, hidden: int = 8, runs: int = 50, steps: int = 2000, lr: float = 0.1,
          optimizer: Any = "adam", loss: str = "bce", seed: int = 0, start: Any = None) -> Runs:
    """Train ``runs`` networks from seeded random starts (or ``start`` (R, P)) by full-batch descent.

    ``optimizer`` is a name or object of :mod:`core.optimizers` (torch.optim's arithmetic), all
    runs advancing together, one array operation per step.
    """
    X, y, kind = _data(X, y, loss)
    steps = check.integer("steps", steps, low=0)
    rate = check.real("lr", lr, low=0.0, low_open=True)
    opt = _optimizers.get(optimizer) if isinstance(optimizer, str) else optimizer
    if start is None:
        theta = init(hidden, runs, seed=seed)
    else:
        theta = np.atleast_2d(check.array("start", start, ndim=(1, 2))).copy()
        _hidden(theta)
    first = theta.copy()
    state = opt.init(theta)
    losses = np.empty((steps + 1, theta.shape[0]))
    with np.errstate(all="ignore"):  # a diverging run overflows by design; it is marked below
        for t in range(steps):
            losses[t], grad = _loss_and_gradient(theta, X, y, kind)
            theta, state = opt._step(theta, grad, state, rate)  # unchecked, as training
        losses[steps] = _loss_from_logits(_forward(theta, X)[1], y, kind)
        # The project's divergence rule on the losses (the path is not kept: a placeholder of one number).
        diverged_at = mark_divergence(np.zeros((steps + 1, theta.shape[0], 1)), losses)
    return Runs(start=first, params=theta, loss=losses, diverged_at=diverged_at)


def directions(params: Any, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two random directions (P,) around ``params`` (P,), filter-normalized (see the module docstring).

    Each direction is Gaussian, then every hidden unit's incoming weights (a row of W1) are scaled
    to that row's norm in ``params``, the output weights w2 to w2's norm, and the biases set to 0.
    """
    theta = check.array("params", params, ndim=1)
    h = _hidden(theta[None, :])
    rng = np.random.default_rng(check.integer("seed", seed, low=0))
    out = []
    for _ in range(2):
        d = rng.standard_normal(theta.size)
        d[2 * h: 3 * h] = 0.0  # b1
        d[4 * h] = 0.0  # b2
        rows, target = d[: 2 * h].reshape(h, 2), theta[: 2 * h].reshape(h, 2)
        rows *= (np.linalg.norm(target, axis=1) / np.maximum(np.linalg.norm(rows, axis=1), 1e-300))[:, None]
        d[: 2 * h] = rows.ravel()
        d[3 * h: 4 * h] *= np.linalg.norm(theta[3 * h: 4 * h]) / max(np.linalg.norm(d[3 * h: 4 * h]), 1e-300)
        out.append(d)
    return out[0], out[1]


def surface(params: Any, d1: Any, d2: Any, X: Any, y: Any, alphas: Any, betas: Any, *,
            loss: str = "bce") -> np.ndarray:
    """The loss at ``params + a d1 + b d2`` for every a of ``alphas`` and b of ``betas``.

    Shape (len(betas), len(alphas)): rows follow ``betas`` (as ``np.meshgrid(alphas, betas)``).
    All grid points are evaluated as runs of one forward pass.
    """
    X, y, kind = _data(X, y, loss)
    theta = check.array("params", params, ndim=1)
    d1, d2 = check.array("d1", d1, ndim=1), check.array("d2", d2, ndim=1)
    a, b = check.array("alphas", alphas, ndim=1), check.array("betas", betas, ndim=1)
    aa, bb = np.meshgrid(a, b)
    grid = theta + aa.reshape(-1, 1) * d1 + bb.reshape(-1, 1) * d2
    with np.errstate(all="ignore"):
        return _loss_from_logits(_forward(grid, X)[1], y, kind).reshape(bb.shape)
