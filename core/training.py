"""Gradient-based training of a linear (or logistic) model, R runs at once.

The model is ``y_hat = X @ w + b`` (``p = sigmoid(X @ w + b)`` with the ``bce`` loss),
trained on the objective

    J(w, b) = mean_i loss(y_i, y_hat_i) + penalty(w)

or, with sample weights s_i, the weighted mean ``sum_i s_i loss_i / sum_i s_i`` in place of
the mean (class weights: s_i = the weight of y_i's class).

by any optimizer of :mod:`core.optimizers`, with a constant, per-run or scheduled learning
rate, on full batches, mini-batches or single samples. Parameters are ordered weights
first, the intercept last (when ``fit_intercept``); the intercept is never penalized.

Why it is fast:

- Full-batch MSE never touches the data inside the loop: with ``Xa = [X, 1]``,
  ``A = Xa^T Xa / n`` and ``c = Xa^T y / n`` the gradient is ``2 (A theta - c)``, O(P^2)
  per step whatever n.
- The objective along the path is evaluated after the loop in one vectorized pass (for MSE
  as the exact quadratic ``J* + (theta - theta*)^T A (theta - theta*)`` around the
  least-squares optimum, which does not lose digits when the loss is small next to y^2).
- All R runs share each array operation, so a learning-rate sweep is one computation.

The result is a :class:`core.trajectory.Trajectory` (also importable from here); when a run
diverged is said there, once for every optimizer run of the project. Divergence is a result, not an error, and no floating-point
warning leaks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import _validation as check
from core import losses as _losses
from core import optimizers as _optimizers
from core import schedules as _schedules
from core.trajectory import Trajectory, mark_divergence

_CHUNK_ELEMENTS = 4_000_000  # bounds the (steps, R, n) predictions evaluated at once


class _Objective:
    """The training objective on fixed data: value and gradient for R parameter rows.

    ``theta`` has shape (..., R, P) with P = d + fit_intercept.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, loss: Any, penalty: Any, fit_intercept: bool,
                 weights: np.ndarray | None = None):
        self.n, self.d = X.shape
        self.Xa = np.hstack([X, np.ones((self.n, 1))]) if fit_intercept else X
        self.y = y
        # Weights scaled to mean 1: the plain mean of s_i * loss_i is then the weighted mean,
        # and a mini-batch's mean of them estimates it without bias.
        self.s = None if weights is None else weights / weights.mean()
        self.loss = loss
        self.penalty = penalty if penalty is not None and (penalty.l1 or penalty.l2) else None
        self.logistic = loss.name == "bce"
        self.mse = loss.name == "mse"
        if self.mse:
            s = np.ones(self.n) if self.s is None else self.s
            self.A = (self.Xa * s[:, None]).T @ self.Xa / self.n
            self.c = self.Xa.T @ (s * y) / self.n
            # Minimum-norm (weighted) least-squares optimum: the residual there is orthogonal to
            # the column space, so J(theta) = J* + (theta - theta*)^T A (theta - theta*) exactly.
            root = np.sqrt(s)
            self.theta_star = np.linalg.lstsq(self.Xa * root[:, None], root * y, rcond=None)[0]
            resid = self.Xa @ self.theta_star - y
            self.j_star = float(s @ resid**2) / self.n

    # -- gradient ---------------------------------------------------------------------------
    def grad_full_mse(self, theta: np.ndarray) -> np.ndarray:
        return 2.0 * (theta @ self.A - self.c)

    def grad_rows(self, theta: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Mean gradient of the data loss over ``rows`` (None: all samples), shape (R, P)."""
        Xb = self.Xa if rows is None else self.Xa[rows]
        yb = self.y if rows is None else self.y[rows]
        z = theta @ Xb.T
        g = self.loss._grad_logits(yb, z) if self.logistic else self.loss._grad(yb, z)
        if self.s is not None:
            g = g * (self.s if rows is None else self.s[rows])
        return g @ Xb / Xb.shape[0]

    def add_penalty_grad(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        if self.penalty is not None:
            grad[..., : self.d] += self.penalty._grad(theta[..., : self.d])
        return grad

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """Full-data gradient of J, shape like ``theta`` (R, P)."""
        g = self.grad_full_mse(theta) if self.mse else self.grad_rows(theta, None)
        return self.add_penalty_grad(theta, g)

    # -- value ------------------------------------------------------------------------------
    def value(self, theta: np.ndarray) -> np.ndarray:
        """J at every row of ``theta`` (..., P) -> (...)."""
        if self.mse:
            diff = theta - self.theta_star
            data = self.j_star + np.einsum("...p,pq,...q->...", diff, self.A, diff)
        else:
            flat = theta.reshape(-1, theta.shape[-1])
            data = np.empty(flat.shape[0])
            step = max(1, _CHUNK_ELEMENTS // self.n)
            for lo in range(0, flat.shape[0], step):
                z = flat[lo : lo + step] @ self.Xa.T
                per = (
                    self.loss._value_logits(self.y, z)
                    if self.logistic
                    else self.loss._value(self.y, z)
                )
                data[lo : lo + step] = per.mean(axis=-1) if self.s is None else per @ self.s / self.n
            data = data.reshape(theta.shape[:-1])
        if self.penalty is not None:
            data = data + self.penalty._value(theta[..., : self.d])
        return data


def _named(kind: str, value: Any, module: Any, needs: tuple[str, ...], allowed: str):
    """``value`` if it has the attributes ``needs``, or the object ``module.get`` builds from the name ``value``."""
    if isinstance(value, str):
        value = module.get(check.choice(kind, value, module.NAMES))
    if not all(hasattr(value, a) for a in needs):
        raise check.fail(kind, value, allowed)
    return value


def _as_loss(loss: Any):
    loss = _named("loss", loss, _losses, ("_grad", "name"), "a loss name or an object from core.losses.get")
    if loss.name == "cce":
        raise ValueError("loss must be a regression loss or 'bce' for a linear model; got 'cce'")
    return loss


def _as_optimizer(optimizer: Any):
    return _named("optimizer", optimizer, _optimizers, ("_step", "init"),
                  "an optimizer name or an object from core.optimizers.get")


def _check_penalty(penalty: Any):
    if penalty is None:
        return None
    if not all(hasattr(penalty, a) for a in ("l1", "l2", "_grad", "_value")):
        raise check.fail("penalty", penalty, "None or an object from core.penalties.get")
    return penalty


def _check_data(X: Any, y: Any, loss: Any) -> tuple[np.ndarray, np.ndarray]:
    X = check.array("X", X, ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    y = check.array("y", y, ndim=1)
    check.same_length("X", X, "y", y)
    if loss.name == "bce" and np.any((y < 0) | (y > 1)):
        raise ValueError("y must hold labels (probabilities) in [0, 1] for the 'bce' loss")
    return X, y


def _learning_rates(lr: Any, steps: int, every: int = 1) -> np.ndarray:
    """The rate of every update as an array (steps, R_lr); a schedule's t counts every ``every`` updates."""
    t = np.arange(steps) // every
    if isinstance(lr, _schedules.Plateau):
        return np.broadcast_to(np.asarray(lr.base, dtype=np.float64), (steps, np.size(lr.base))).copy()
    if callable(lr) and not isinstance(lr, np.ndarray):
        with np.errstate(all="ignore"):
            table = np.asarray(lr(t), dtype=np.float64)
        if table.ndim == 1:
            table = table[:, None]
        if table.shape[0] != steps or table.ndim != 2:
            raise check.fail("lr", lr, "a schedule returning one rate per step (and per run)")
        if not np.all(np.isfinite(table) & (table >= 0)):
            raise ValueError("lr: the schedule must give finite rates >= 0 at every step")
        return table
    if np.ndim(lr) == 0:
        rate = check.real("lr", lr, low=0.0, low_open=True)
        return np.full((steps, 1), rate)
    rates = check.array("lr", lr, ndim=1)
    if np.any(rates <= 0):
        raise check.fail("lr", lr, "positive learning rates (one per run)")
    return np.broadcast_to(rates, (steps, rates.size)).copy()


def _initial_params(init: Any, n_runs: int, n_params: int) -> np.ndarray:
    if init is None:
        return np.zeros((n_runs, n_params))
    start = check.array("init", init, ndim=(1, 2))
    if start.ndim == 1:
        start = start[None, :]
    if start.shape[1] != n_params:
        raise ValueError(
            f"init must have {n_params} columns (weights, then the intercept); got shape {start.shape}"
        )
    if start.shape[0] not in (1, n_runs):
        raise ValueError(f"init must have 1 or {n_runs} rows (one per run); got shape {start.shape}")
    return np.broadcast_to(start, (n_runs, n_params)).copy()


def _batches(n: int, batch_size: int | None, steps: int, seed: int) -> list[np.ndarray] | None:
    """Row indices of each step's batch; None for full batch.

    Every epoch is a fresh seeded permutation cut into consecutive batches; the last batch
    of an epoch may be smaller (like torch's DataLoader with shuffle=True, drop_last=False).
    All runs of a call see the same batches, so a sweep compares like with like.
    """
    if batch_size is None or batch_size >= n:
        return None
    rng = np.random.default_rng(seed)
    per_epoch = -(-n // batch_size)
    out: list[np.ndarray] = []
    while len(out) < steps:
        perm = rng.permutation(n)
        out.extend(perm[i * batch_size : (i + 1) * batch_size] for i in range(per_epoch))
    return out[:steps]


def fit_linear(
    X: Any,
    y: Any,
    *,
    loss: Any = "mse",
    optimizer: Any = "sgd",
    lr: Any,
    steps: int,
    batch_size: int | None = None,
    penalty: Any = None,
    fit_intercept: bool = True,
    init: Any = None,
    seed: int = 0,
    sample_weight: Any = None,
    lr_every: int = 1,
    accumulate: int = 1,
) -> Trajectory:
    """Train R linear models by gradient descent and return their whole path.

    Args:
        X: array of shape (n, d) (a 1-D array is one feature).
        y: array of shape (n,); labels in [0, 1] for ``loss="bce"``.
        loss: a name or object from :func:`core.losses.get`; ``"bce"`` trains a logistic
            model ``p = sigmoid(X w + b)`` (its gradient uses the stable logit form).
        optimizer: a name or object from :func:`core.optimizers.get`.
        lr: a float, an array of shape (R,) (one rate per run: a learning-rate sweep), or a
            schedule from :mod:`core.schedules` (its base may itself have shape (R,)), including
            :func:`core.schedules.reduce_on_plateau`, which is fed the full-data objective.
        steps: number of updates (>= 0).
        batch_size: None for full batch; k for mini-batches of k samples reshuffled every
            epoch with ``seed``; 1 is plain stochastic gradient descent.
        penalty: None or a :func:`core.penalties.get` object, applied to the weights only.
        fit_intercept: add an unpenalized intercept as the last parameter.
        init: starting parameters of shape (R, P) or (P,); None starts every run at zeros.
        seed: seed of the mini-batch shuffling.
        sample_weight: None, or weights (n,) >= 0: the objective's mean becomes the weighted
            mean ``sum s_i loss_i / sum s_i``.
        lr_every: a schedule's step t advances once every ``lr_every`` updates: with the number
            of mini-batches per epoch, the schedule is stepped once per epoch, as with torch's
            ``scheduler.step()`` after each epoch. A reduce-on-plateau schedule is given the
            full-data objective after each such block (``scheduler.step(loss)``).
        accumulate: gradient accumulation: each update averages the gradients of ``accumulate``
            consecutive mini-batches (as torch code that calls ``backward()`` on ``loss / k`` for k
            batches, then ``step()``). When every batch has ``batch_size`` rows this is the update
            of one batch of ``accumulate * batch_size`` rows, up to rounding; ``steps`` counts
            updates, so the run reads ``steps * accumulate`` batches.

    Returns:
        Trajectory with params (steps+1, R, P), loss (steps+1, R), lr (steps, R), and
        diverged_at (R,). R is the number of rates (or of init rows).

    Note:
        The objective is the mean loss plus the penalty, as in the lesson; torch's
        ``weight_decay`` is a separate optimizer setting and scikit-learn scales its
        penalties differently (see :mod:`core.penalties`). MSE is not halved. Weighted, the
        objective is the weighted *mean*: scikit-learn's ``sample_weight`` / ``class_weight``
        weight a *sum* (same minimizer without a penalty; a penalty then weighs differently),
        and torch's per-element ``weight`` with ``reduction="mean"`` divides by n, not by the
        weights' sum.
    """
    loss = _as_loss(loss)
    optimizer = _as_optimizer(optimizer)
    penalty = _check_penalty(penalty)
    X, y = _check_data(X, y, loss)
    steps = check.integer("steps", steps, low=0)
    if batch_size is not None:
        batch_size = check.integer("batch_size", batch_size, low=1)
    seed = check.integer("seed", seed, low=0)
    fit_intercept = check.flag("fit_intercept", fit_intercept)

    lr_every = check.integer("lr_every", lr_every, low=1)
    accumulate = check.integer("accumulate", accumulate, low=1)
    plateau = lr if isinstance(lr, _schedules.Plateau) else None
    rates = _learning_rates(lr, steps, lr_every)
    n_params = X.shape[1] + int(fit_intercept)
    init_rows = 1 if init is None else np.atleast_2d(np.asarray(init)).shape[0]
    n_runs = max(rates.shape[1], init_rows)
    if 1 < rates.shape[1] != init_rows > 1:
        raise ValueError(
            f"lr gives {rates.shape[1]} runs but init has {init_rows} rows; "
            "give one rate per init row (or a single rate, or a single init row)"
        )
    rates = np.broadcast_to(rates, (steps, n_runs)).copy()
    theta = _initial_params(init, n_runs, n_params)

    objective = _Objective(X, y, loss, penalty, bool(fit_intercept), check.sample_weights("sample_weight", sample_weight, X.shape[0]))
    batches = _batches(X.shape[0], batch_size, steps * accumulate, seed)
    full_mse = objective.mse and batches is None

    path = np.empty((steps + 1, n_runs, n_params))
    path[0] = theta
    state = optimizer.init(theta)
    watch = plateau and plateau.init(n_runs)
    with np.errstate(all="ignore"):  # a diverging run overflows by design; it is marked below
        for t in range(steps):
            if watch is not None:
                rates[t] = plateau.rate(watch)
            if full_mse:
                grad = objective.grad_full_mse(theta)
            elif batches is None:
                grad = objective.grad_rows(theta, None)
            else:
                grad = objective.grad_rows(theta, batches[t * accumulate])
                for j in range(1, accumulate):
                    grad = grad + objective.grad_rows(theta, batches[t * accumulate + j])
                if accumulate > 1:
                    grad = grad / accumulate
            grad = objective.add_penalty_grad(theta, grad)
            theta, state = optimizer._step(theta, grad, state, rates[t])
            path[t + 1] = theta
            if watch is not None and (t + 1) % lr_every == 0:
                watch = plateau.update(watch, objective.value(theta))
        values = objective.value(path)
        diverged_at = mark_divergence(path, values)
    return Trajectory(params=path, loss=values, lr=rates, diverged_at=diverged_at)


def _objective_for(X: Any, y: Any, loss: Any, penalty: Any, fit_intercept: bool, params: Any,
                   sample_weight: Any = None):
    loss = _as_loss(loss)
    X, y = _check_data(X, y, loss)
    theta = check.array("params", params, ndim=(1, 2))
    n_params = X.shape[1] + int(fit_intercept)
    if theta.shape[-1] != n_params:
        raise ValueError(f"params must have {n_params} entries per row; got shape {theta.shape}")
    weights = check.sample_weights("sample_weight", sample_weight, X.shape[0])
    return _Objective(X, y, loss, _check_penalty(penalty), bool(fit_intercept), weights), theta


def objective(params: Any, X: Any, y: Any, *, loss: Any = "mse", penalty: Any = None,
              fit_intercept: bool = True, sample_weight: Any = None) -> np.ndarray | float:
    """The training objective J = (weighted) mean loss + penalty at ``params`` of shape (P,) or (R, P)."""
    obj, theta = _objective_for(X, y, loss, penalty, fit_intercept, params, sample_weight)
    out = obj.value(theta)
    return float(out) if theta.ndim == 1 else out


def objective_gradient(params: Any, X: Any, y: Any, *, loss: Any = "mse", penalty: Any = None,
                       fit_intercept: bool = True, sample_weight: Any = None) -> np.ndarray:
    """The full-data gradient of :func:`objective` w.r.t. ``params``, same shape as params."""
    obj, theta = _objective_for(X, y, loss, penalty, fit_intercept, params, sample_weight)
    return obj.gradient(np.atleast_2d(theta)).reshape(theta.shape)
