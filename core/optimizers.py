"""First-order optimizers with PyTorch's arithmetic, run on many parameter vectors at once.

Each optimizer is, as in optax, a pair of pure functions built from its hyperparameters:

    init(params)                        -> state
    update(params, grads, state, lr)    -> (new_params, new_state)

wrapped in an :class:`Optimizer` that adds validation (``step``) and keeps a lean unchecked
path (``_step``) for training loops. ``params`` and ``grads`` have shape
(n_runs, n_params): row r is one independent optimization, so a learning-rate sweep is one
vectorized call. ``lr`` is a float or an array of shape (n_runs,), one rate per run.
The learning rate is an argument of ``step`` (not a hyperparameter) so that a schedule can
change it every step.

The state is plain data: a dict holding ``"step"`` (an int, the number of updates done)
and float64 arrays of shape (n_runs, n_params) named like torch's per-parameter state
(``momentum_buffer``, ``sum``, ``square_avg``, ``grad_avg``, ``exp_avg``, ``exp_avg_sq``,
``max_exp_avg_sq``). ``step`` never modifies its inputs: every call returns new arrays.

The arithmetic is that of torch.optim's single-tensor ("for-loop") implementation in
float64 with ``maximize=False``, in the same order of operations, so results agree with
PyTorch to rounding. In the formulas below g_t is the gradient at step t = 1, 2, ...,
theta the parameters, gamma the learning rate and lambda the weight decay.

Note: unlike torch.optim, the learning rate must be > 0 (torch allows 0), ``maximize``,
``foreach``, ``fused``, ``capturable`` and ``differentiable`` are not offered, and the
learning rate is passed to ``step`` rather than to the constructor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from core._validation import array, choice, fail, flag, real

NAMES = ("sgd", "adagrad", "rmsprop", "adam", "adamw")

State = dict[str, Any]


class _Rule(NamedTuple):
    """The pure pair that defines an optimizer (optax's GradientTransformation)."""

    init: Callable[[np.ndarray], State]
    update: Callable[[np.ndarray, np.ndarray, State, Any], tuple[np.ndarray, State]]


def _per_run(lr):
    # A (R,) rate must scale whole rows of the (R, P) arrays, hence the trailing axis.
    if isinstance(lr, np.ndarray) and lr.ndim == 1:
        return lr[:, None]
    return lr


# --------------------------------------------------------------------------- rules


def _sgd_rule(momentum: float, dampening: float, nesterov: bool, weight_decay: float) -> _Rule:
    if momentum == 0.0 and weight_decay == 0.0:

        def init(params):
            return {"step": 0}

        def update(params, grads, state, lr):
            return params - _per_run(lr) * grads, {"step": state["step"] + 1}

        return _Rule(init, update)

    def init(params):
        state = {"step": 0}
        if momentum != 0.0:
            state["momentum_buffer"] = np.zeros_like(params, dtype=np.float64)
        return state

    def update(params, grads, state, lr):
        g = grads + weight_decay * params if weight_decay != 0.0 else grads
        new_state = {"step": state["step"] + 1}
        if momentum != 0.0:
            # torch creates the buffer from the first gradient itself: no dampening on step 1.
            if state["step"] == 0:
                buf = np.array(g, dtype=np.float64, copy=True)
            else:
                buf = momentum * state["momentum_buffer"] + (1.0 - dampening) * g
            new_state["momentum_buffer"] = buf
            g = g + momentum * buf if nesterov else buf
        return params - _per_run(lr) * g, new_state

    return _Rule(init, update)


def _adagrad_rule(
    lr_decay: float, weight_decay: float, initial_accumulator_value: float, eps: float
) -> _Rule:
    def init(params):
        return {"step": 0, "sum": np.full(np.shape(params), initial_accumulator_value)}

    def update(params, grads, state, lr):
        t = state["step"] + 1
        g = grads + weight_decay * params if weight_decay != 0.0 else grads
        clr = _per_run(lr) / (1.0 + (t - 1) * lr_decay)
        total = state["sum"] + g * g
        std = np.sqrt(total) + eps
        return params - clr * (g / std), {"step": t, "sum": total}

    return _Rule(init, update)


def _rmsprop_rule(
    alpha: float, eps: float, weight_decay: float, momentum: float, centered: bool
) -> _Rule:
    def init(params):
        shape = np.shape(params)
        state = {"step": 0, "square_avg": np.zeros(shape)}
        if momentum > 0.0:
            state["momentum_buffer"] = np.zeros(shape)
        if centered:
            state["grad_avg"] = np.zeros(shape)
        return state

    def update(params, grads, state, lr):
        g = grads + weight_decay * params if weight_decay != 0.0 else grads
        square_avg = alpha * state["square_avg"] + (1.0 - alpha) * (g * g)
        new_state = {"step": state["step"] + 1, "square_avg": square_avg}
        if centered:
            grad_avg = alpha * state["grad_avg"] + (1.0 - alpha) * g
            new_state["grad_avg"] = grad_avg
            # Mathematically >= 0; rounding can make it a hair negative, where torch would
            # return NaN. Clamping keeps the run finite (see the Note in rmsprop()).
            avg = np.sqrt(np.maximum(square_avg - grad_avg * grad_avg, 0.0)) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        if momentum > 0.0:
            buf = momentum * state["momentum_buffer"] + g / avg
            new_state["momentum_buffer"] = buf
            return params - _per_run(lr) * buf, new_state
        return params - _per_run(lr) * (g / avg), new_state

    return _Rule(init, update)


def _adam_rule(
    betas: tuple[float, float], eps: float, weight_decay: float, amsgrad: bool, decoupled: bool
) -> _Rule:
    beta1, beta2 = betas

    def init(params):
        shape = np.shape(params)
        state = {"step": 0, "exp_avg": np.zeros(shape), "exp_avg_sq": np.zeros(shape)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros(shape)
        return state

    def update(params, grads, state, lr):
        t = state["step"] + 1
        rate = _per_run(lr)
        if weight_decay != 0.0:
            if decoupled:
                params = params * (1.0 - rate * weight_decay)
                g = grads
            else:
                g = grads + weight_decay * params
        else:
            g = grads
        exp_avg = beta1 * state["exp_avg"] + (1.0 - beta1) * g
        exp_avg_sq = beta2 * state["exp_avg_sq"] + (1.0 - beta2) * (g * g)
        new_state = {"step": t, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
        bias_correction1 = 1.0 - beta1**t
        bias_correction2_sqrt = (1.0 - beta2**t) ** 0.5
        if amsgrad:
            # torch keeps the max of the raw second moment and bias-corrects it afterwards.
            second = np.maximum(state["max_exp_avg_sq"], exp_avg_sq)
            new_state["max_exp_avg_sq"] = second
        else:
            second = exp_avg_sq
        denom = np.sqrt(second) / bias_correction2_sqrt + eps
        step_size = rate / bias_correction1
        return params - step_size * (exp_avg / denom), new_state

    return _Rule(init, update)


# ----------------------------------------------------------------------- the wrapper


class Optimizer:
    """An optimizer: hyperparameters plus the pure ``init``/``update`` pair.

    Attributes
    ----------
    name : str
        One of :data:`NAMES`.
    hyper : dict
        Every hyperparameter, resolved to its value (defaults included).
    """

    def __init__(self, name: str, hyper: dict[str, Any], rule: _Rule):
        self.name = name
        self.hyper = dict(hyper)
        self._rule = rule
        # Training loops call this every step, so it is the bare update function itself.
        self._step = rule.update

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"{self.name}({args})"

    def init(self, params) -> State:
        """Return the initial state for ``params`` of shape (n_runs, n_params).

        The state is a dict: ``"step"`` (int, 0) and float64 arrays of the same shape as
        ``params``.
        """
        params = array("params", params, ndim=2)
        return self._rule.init(params)

    def step(self, params, grads, state: State, lr) -> tuple[np.ndarray, State]:
        """Apply one update and return ``(new_params, new_state)``.

        Parameters
        ----------
        params : array of shape (n_runs, n_params)
        grads : array of shape (n_runs, n_params)
            Gradient of the objective at ``params``.
        state : dict
            As returned by :meth:`init` or by the previous :meth:`step`.
        lr : float or array of shape (n_runs,)
            Learning rate(s), each a finite number > 0.

        Nothing passed in is modified. Overflow during a diverging run gives inf/NaN
        values, never a warning. ``_step(params, grads, state, lr)`` is the same update
        with no checks (and no warning suppression), for training loops.
        """
        params = array("params", params, ndim=2)
        grads = array("grads", grads, ndim=2)
        if grads.shape != params.shape:
            raise ValueError(
                f"grads must have the shape of params {params.shape}; got {grads.shape}"
            )
        rate = _check_lr(lr, params.shape[0])
        _check_state(state, self._rule.init(params))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._step(params, grads, state, rate)


def _check_lr(lr, n_runs: int):
    if np.ndim(lr) == 0:
        return real("lr", lr, low=0.0, low_open=True)
    rate = array("lr", lr, ndim=1)
    if rate.shape[0] != n_runs:
        raise ValueError(
            f"lr must be a number or an array of shape (n_runs,) = ({n_runs},); "
            f"got shape {rate.shape}"
        )
    if np.any(rate <= 0.0):
        raise fail("lr", lr, "finite numbers > 0")
    return rate


def _check_state(state, expected: State) -> None:
    if not isinstance(state, dict) or set(state) != set(expected):
        keys = sorted(expected)
        got = sorted(state) if isinstance(state, dict) else state
        raise fail("state", got, f"a dict with keys {keys} (from this optimizer's init)")
    count = state["step"]
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
        raise fail("state['step']", count, "an integer >= 0")
    for key, value in expected.items():
        if key != "step" and np.shape(state[key]) != value.shape:
            raise ValueError(
                f"state[{key!r}] must have shape {value.shape}; got {np.shape(state[key])}"
            )



def _nonneg(name: str, value: Any) -> float:
    return real(name, value, low=0.0)


# ---------------------------------------------------------------- public factories


def sgd(*, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0) -> Optimizer:
    r"""Stochastic gradient descent, optionally with momentum (torch.optim.SGD).

    For t = 1, 2, ...::

        g_t  = grad_t + lambda * theta_{t-1}                  (if weight_decay != 0)
        b_1  = g_1                                            (momentum != 0: no dampening
        b_t  = mu * b_{t-1} + (1 - tau) * g_t   for t > 1      on the first step)
        g_t  = g_t + mu * b_t   (nesterov)   or   g_t = b_t   (plain momentum)
        theta_t = theta_{t-1} - gamma * g_t

    with mu = ``momentum`` >= 0, tau = ``dampening`` in [0, 1], lambda = ``weight_decay``
    >= 0. ``nesterov=True`` needs momentum > 0 and dampening = 0 (as in torch).

    Note: torch leaves dampening unchecked; here it must lie in [0, 1].
    """
    momentum = _nonneg("momentum", momentum)
    dampening = real("dampening", dampening, low=0.0, high=1.0)
    nesterov = flag("nesterov", nesterov)
    weight_decay = _nonneg("weight_decay", weight_decay)
    if nesterov and momentum <= 0.0:
        raise fail("momentum", momentum, "> 0 when nesterov=True")
    if nesterov and dampening != 0.0:
        raise fail("dampening", dampening, "0 when nesterov=True")
    hyper = dict(
        momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay
    )
    return Optimizer("sgd", hyper, _sgd_rule(**hyper))


def adagrad(
    *, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10
) -> Optimizer:
    r"""Adagrad (torch.optim.Adagrad).

    With s_0 = ``initial_accumulator_value`` (tau >= 0), for t = 1, 2, ...::

        gamma_t = gamma / (1 + (t - 1) * eta)               eta = lr_decay >= 0
        g_t     = grad_t + lambda * theta_{t-1}             (if weight_decay != 0)
        s_t     = s_{t-1} + g_t^2
        theta_t = theta_{t-1} - gamma_t * g_t / (sqrt(s_t) + eps)
    """
    hyper = dict(
        lr_decay=_nonneg("lr_decay", lr_decay),
        weight_decay=_nonneg("weight_decay", weight_decay),
        initial_accumulator_value=_nonneg("initial_accumulator_value", initial_accumulator_value),
        eps=_nonneg("eps", eps),
    )
    return Optimizer("adagrad", hyper, _adagrad_rule(**hyper))


def rmsprop(*, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False) -> Optimizer:
    r"""RMSprop (torch.optim.RMSprop).

    With v_0 = 0, gbar_0 = 0, b_0 = 0, for t = 1, 2, ...::

        g_t    = grad_t + lambda * theta_{t-1}              (if weight_decay != 0)
        v_t    = alpha * v_{t-1} + (1 - alpha) * g_t^2
        centered:      gbar_t = alpha * gbar_{t-1} + (1 - alpha) * g_t
                       d_t    = sqrt(v_t - gbar_t^2) + eps
        not centered:  d_t    = sqrt(v_t) + eps
        momentum > 0:  b_t = mu * b_{t-1} + g_t / d_t ;  theta_t = theta_{t-1} - gamma * b_t
        otherwise:     theta_t = theta_{t-1} - gamma * g_t / d_t

    eps is added after the square root (TensorFlow adds it inside).

    Note: torch only requires alpha >= 0; here alpha must lie in [0, 1]. In the centered
    variant v_t - gbar_t^2 >= 0 in exact arithmetic; when rounding makes it slightly
    negative (a gradient that stays constant for long), it is clamped at 0 where torch
    would produce NaN.
    """
    hyper = dict(
        alpha=real("alpha", alpha, low=0.0, high=1.0),
        eps=_nonneg("eps", eps),
        weight_decay=_nonneg("weight_decay", weight_decay),
        momentum=_nonneg("momentum", momentum),
        centered=flag("centered", centered),
    )
    return Optimizer("rmsprop", hyper, _rmsprop_rule(**hyper))


def _betas(value: Any) -> tuple[float, float]:
    try:
        pair = tuple(value)
    except TypeError:
        raise fail("betas", value, "a pair (beta1, beta2) of numbers in [0, 1)") from None
    if len(pair) != 2:
        raise fail("betas", value, "a pair (beta1, beta2) of numbers in [0, 1)")
    return (
        real("betas[0]", pair[0], low=0.0, high=1.0, high_open=True),
        real("betas[1]", pair[1], low=0.0, high=1.0, high_open=True),
    )


def _adam_hyper(betas, eps, weight_decay, amsgrad) -> dict[str, Any]:
    return dict(
        betas=_betas(betas),
        eps=_nonneg("eps", eps),
        weight_decay=_nonneg("weight_decay", weight_decay),
        amsgrad=flag("amsgrad", amsgrad),
    )


def adam(*, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False) -> Optimizer:
    r"""Adam (torch.optim.Adam), weight decay as an L2 term added to the gradient.

    With m_0 = v_0 = vmax_0 = 0, for t = 1, 2, ...::

        g_t  = grad_t + lambda * theta_{t-1}                (if weight_decay != 0)
        m_t  = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t  = beta2 * v_{t-1} + (1 - beta2) * g_t^2
        amsgrad:  vmax_t = max(vmax_{t-1}, v_t)  and v_t is replaced by vmax_t below
        denom   = sqrt(v_t) / sqrt(1 - beta2^t) + eps
        theta_t = theta_{t-1} - gamma / (1 - beta1^t) * m_t / denom

    On the first step (lambda = 0) every parameter moves by gamma * g / (|g| + eps), i.e.
    almost exactly gamma in the direction of -sign(g), whatever the gradient's size.

    Note: like torch's code (and unlike its documented pseudo-code, which takes the max
    of the bias-corrected v), AMSGrad keeps the max of the raw second moment v_t.
    """
    hyper = _adam_hyper(betas, eps, weight_decay, amsgrad)
    return Optimizer("adam", hyper, _adam_rule(**hyper, decoupled=False))


def adamw(*, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False) -> Optimizer:
    r"""AdamW (torch.optim.AdamW): Adam with decoupled weight decay (default 1e-2).

    Each step first shrinks the parameters, then applies the Adam update to the raw
    gradient (no L2 term)::

        theta' = theta_{t-1} * (1 - gamma * lambda)
        m_t, v_t, (vmax_t), denom as in :func:`adam` with g_t = grad_t
        theta_t = theta' - gamma / (1 - beta1^t) * m_t / denom
    """
    hyper = _adam_hyper(betas, eps, weight_decay, amsgrad)
    return Optimizer("adamw", hyper, _adam_rule(**hyper, decoupled=True))


_FACTORIES = {"sgd": sgd, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam, "adamw": adamw}


def get(name: str, **hyper) -> Optimizer:
    """Build the optimizer ``name`` (one of :data:`NAMES`) with torch's hyperparameter names.

    Unknown names or hyperparameters raise ValueError. The learning rate is not a
    hyperparameter here: pass it to :meth:`Optimizer.step`.
    """
    factory = _FACTORIES[choice("name", name, NAMES)]
    allowed = factory.__kwdefaults__
    for key in hyper:
        if key not in allowed:
            extra = " (pass lr to step(), not to get())" if key == "lr" else ""
            raise ValueError(
                f"{key!r} is not a hyperparameter of {name}; allowed: "
                + ", ".join(allowed)
                + extra
            )
    return factory(**hyper)
