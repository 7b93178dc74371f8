"""Loss functions: per-sample value, per-sample gradient w.r.t. the prediction, and mean.

``get(name, **params)`` returns a :class:`Loss`. With the residual ``r = y_pred - y_true``:

============  ==========================================  ===================================
name          per-sample loss                             d loss / d y_pred
============  ==========================================  ===================================
mse           r^2                                         2 r
mae           |r|                                         sign(r)  (0 at r = 0)
huber         0.5 r^2 if |r| <= delta                     clip(r, -delta, delta)
              else delta (|r| - 0.5 delta)
log_cosh      log(cosh r)                                 tanh r
quantile      max(q (y - y_hat), (q - 1) (y - y_hat))     1 - q if r > 0, -q if r < 0, 0 at 0
asymmetric    under max(-r, 0) + over max(r, 0)           over if r > 0, -under if r < 0, 0
bce           -[y log p + (1 - y) log(1 - p)]             (p - y) / max(p (1 - p), 1e-12)
cce           -log p[y]                                   -1 / max(p[y], e^-100) at class y
============  ==========================================  ===================================

Shapes: ``y_true`` has shape (n,); ``y_pred`` has shape (n,) or (..., n) (e.g. (R, n) for
R runs) and broadcasts against it. For ``cce``, ``y_true`` holds integer labels in [0, k)
and ``y_pred`` probabilities of shape (..., n, k).

``value``/``grad``/``__call__`` validate their inputs; ``_value``/``_grad`` do the same maths
with no checks (the fast path of training loops) and broadcast any compatible shapes.

Note: the mean loss is the plain mean over samples (``reduction="mean"`` in PyTorch); MSE is
not halved, so its mean gradient is ``2 r / n``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from core._validation import array, choice, fail, real

NAMES = ("mse", "mae", "huber", "log_cosh", "quantile", "asymmetric", "bce", "cce")

_LOG_FLOOR = -100.0  # torch.nn.BCELoss clamps each log at -100
_P_FLOOR = float(np.exp(_LOG_FLOOR))  # log(max(p, e^-100)) == max(log p, -100) exactly
_BCE_EPS = 1e-12  # torch's BCELoss backward: divides by max(p (1 - p), 1e-12)
_LOG2 = float(np.log(2.0))


# --------------------------------------------------------------------------- validation
def _regression_pair(y_true: Any, y_pred: Any, pred_name: str = "y_pred"):
    yt = array("y_true", y_true, ndim=1)
    yp = array(pred_name, y_pred)
    if yp.ndim == 0 or yp.shape[-1] != yt.shape[0]:
        n = yt.shape[0]
        raise ValueError(
            f"{pred_name} must have shape ({n},) or (..., {n}) to match y_true of shape "
            f"({n},); got shape {yp.shape}"
        )
    return yt, yp


def _in_unit_interval(name: str, a: np.ndarray, what: str) -> None:
    bad = (a < 0.0) | (a > 1.0)
    if bad.any():
        raise fail(name, float(a[bad].flat[0]), f"{what} in [0, 1] (every entry)")


# --------------------------------------------------------------------------- base class
class Loss:
    """A loss function with fixed parameters.

    Attributes:
        name: one of :data:`NAMES`.
        params: dict of the loss's parameters (empty for parameter-free losses).

    Methods (``y_true`` of shape (n,), ``y_pred`` of shape (n,) or (..., n)):
        value(y_true, y_pred): per-sample loss, shape of ``y_pred``.
        grad(y_true, y_pred): per-sample derivative w.r.t. ``y_pred``, shape of ``y_pred``.
        __call__(y_true, y_pred): the mean over samples; a float for 1-D ``y_pred``, an
            array of shape (...) otherwise.
        _value, _grad: the same with no validation.

    Build instances with :func:`get`.
    """

    name = ""

    def __init__(self, **params: float):
        self.params = dict(params)

    # Subclasses provide the maths once, here, without checks.
    def _value(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _check(self, y_true: Any, y_pred: Any):
        return _regression_pair(y_true, y_pred)

    def value(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """Per-sample loss of shape ``y_pred.shape[:-1] + (n,)``."""
        yt, yp = self._check(y_true, y_pred)
        with np.errstate(over="ignore"):  # a huge finite residual squares to inf, quietly
            return self._value(yt, yp)

    def grad(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """Per-sample derivative of the loss w.r.t. ``y_pred``, same shape as ``y_pred``."""
        yt, yp = self._check(y_true, y_pred)
        with np.errstate(over="ignore"):
            return self._grad(yt, yp)

    def __call__(self, y_true: Any, y_pred: Any, *, weights: Any = None) -> float | np.ndarray:
        """Mean loss over the n samples: a float, or an array of shape (...) if batched.

        ``weights`` (n,), each >= 0 and not all 0, make it the weighted mean
        ``sum_i w_i loss_i / sum_i w_i`` (scikit-learn's ``sample_weight`` in its metrics;
        torch's losses take no per-sample weights).
        """
        values = self.value(y_true, y_pred)
        if weights is None:
            out = np.mean(values, axis=-1)
        else:
            w = array("weights", weights, ndim=1)
            if w.size != values.shape[-1]:
                raise ValueError(f"weights must hold one weight per sample ({values.shape[-1]}); got {w.size}")
            if np.any(w < 0) or not np.any(w > 0):
                raise fail("weights", weights, "numbers >= 0, not all 0")
            out = np.sum(values * w, axis=-1) / np.sum(w)
        return float(out) if out.ndim == 0 else out

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"losses.get({self.name!r}{args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.params == self.params

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))


# --------------------------------------------------------------------------- regression
class _MSE(Loss):
    """Squared error ``r^2``; gradient ``2 r``.

    Note: equals ``torch.nn.MSELoss`` and ``sklearn.metrics.mean_squared_error``; it is not
    the halved ``r^2 / 2`` some texts use.
    """

    name = "mse"

    def _value(self, y_true, y_pred):
        r = y_pred - y_true
        return r * r

    def _grad(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true)


class _MAE(Loss):
    """Absolute error ``|r|``; subgradient ``sign(r)``, 0 at r = 0.

    Note: equals ``torch.nn.L1Loss`` (whose backward also uses sign(0) = 0) and
    ``sklearn.metrics.mean_absolute_error``.
    """

    name = "mae"

    def _value(self, y_true, y_pred):
        return np.abs(y_pred - y_true)

    def _grad(self, y_true, y_pred):
        return np.sign(y_pred - y_true)


class _Huber(Loss):
    """Huber loss: ``0.5 r^2`` if ``|r| <= delta`` else ``delta (|r| - 0.5 delta)``.

    Gradient ``clip(r, -delta, delta)``. Quadratic near 0, linear (slope delta) in the tails.

    Note: equals ``torch.nn.HuberLoss(delta=delta)`` and ``scipy.special.huber(delta, r)``.
    ``torch.nn.SmoothL1Loss(beta)`` is this divided by beta. scikit-learn's
    ``HuberRegressor(epsilon)`` minimizes a different objective (residuals scaled by a
    jointly fitted sigma, plus an L2 term), so its epsilon is not this delta.
    """

    name = "huber"

    def __init__(self, delta: float):
        super().__init__(delta=delta)
        self._delta = delta

    def _value(self, y_true, y_pred):
        a = np.abs(y_pred - y_true)
        m = np.minimum(a, self._delta)
        # m (a - m/2) is both branches at once and never squares a huge residual.
        return m * (a - 0.5 * m)

    def _grad(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self._delta, self._delta)


class _LogCosh(Loss):
    """Log-cosh loss ``log(cosh r)``; gradient ``tanh r``.

    Computed as ``|r| + log1p(exp(-2|r|)) - log 2``, finite for any finite r (cosh itself
    overflows past |r| ~ 710). About ``r^2 / 2`` for small r and ``|r| - log 2`` for large r.

    Note: PyTorch has no built-in log-cosh loss; this matches Keras' ``LogCosh``.
    """

    name = "log_cosh"

    def _value(self, y_true, y_pred):
        a = np.abs(y_pred - y_true)
        return a + np.log1p(np.exp(-2.0 * a)) - _LOG2

    def _grad(self, y_true, y_pred):
        return np.tanh(y_pred - y_true)


class _Asymmetric(Loss):
    """Linear costs per unit: ``under * max(y - y_hat, 0) + over * max(y_hat - y, 0)``.

    ``under`` is paid per unit of under-prediction (y_pred < y_true), ``over`` per unit of
    over-prediction. Subgradient: ``over`` if r > 0, ``-under`` if r < 0, 0 at r = 0. Its
    minimizer is the ``under / (under + over)`` quantile of y, and it equals
    ``(under + over) * quantile(q=under / (under + over))``.

    Note: no PyTorch or scikit-learn counterpart under this name (see ``quantile``).
    """

    name = "asymmetric"

    def __init__(self, **params: float):
        super().__init__(**params)
        self._under, self._over = self._costs()

    def _costs(self) -> tuple[float, float]:
        return self.params["under"], self.params["over"]

    def _value(self, y_true, y_pred):
        r = y_pred - y_true
        # With under, over >= 0 the larger of the two linear pieces is the active one.
        return np.maximum(self._over * r, -self._under * r)

    def _grad(self, y_true, y_pred):
        r = y_pred - y_true
        return np.where(r > 0.0, self._over, np.where(r < 0.0, -self._under, 0.0))


class _Quantile(_Asymmetric):
    """Pinball loss ``max(q (y - y_hat), (q - 1) (y - y_hat))``; minimized by the q-quantile.

    The asymmetric loss with ``under = q``, ``over = 1 - q``. Subgradient ``1 - q`` if r > 0,
    ``-q`` if r < 0, 0 at r = 0. ``q = 0.5`` is half the absolute error.

    Note: equals ``sklearn.metrics.mean_pinball_loss(alpha=q)`` and the objective of
    ``sklearn.linear_model.QuantileRegressor(quantile=q, alpha=0)``.
    """

    name = "quantile"

    def _costs(self) -> tuple[float, float]:
        q = self.params["q"]
        return q, 1.0 - q


# --------------------------------------------------------------------------- classification
class _BCE(Loss):
    """Binary cross-entropy on probabilities: ``-[y log p + (1 - y) log(1 - p)]``.

    ``y_true`` of shape (n,) in [0, 1] (labels 0/1, or soft labels as in PyTorch), ``y_pred``
    probabilities p of shape (n,) or (..., n) in [0, 1]. Each log is clamped at >= -100, so
    p = 0 or 1 on the wrong side costs 100, never inf or NaN. Gradient
    ``(p - y) / max(p (1 - p), 1e-12)``.

    With logits z (p = sigmoid(z)) use ``value_logits`` / ``grad_logits``:
    ``softplus(z) - y z``, gradient ``sigmoid(z) - y``, stable for any finite z and not
    clamped (a logit of -1000 on a positive costs 1000). Training a logistic model uses these.

    Note: equals ``torch.nn.BCELoss`` (value, clamp and backward) and, for logits,
    ``torch.nn.BCEWithLogitsLoss``. ``sklearn.metrics.log_loss`` instead clips p to
    [eps, 1 - eps] with machine eps, so it gives about 36.04 (not 100) at p = 0 or 1.
    """

    name = "bce"

    def _check(self, y_true, y_pred):
        yt, yp = _regression_pair(y_true, y_pred)
        _in_unit_interval("y_true", yt, "labels")
        _in_unit_interval("y_pred", yp, "probabilities")
        return yt, yp

    def _value(self, y_true, y_pred):
        log_p = np.log(np.maximum(y_pred, _P_FLOOR))
        log_q = np.log(np.maximum(1.0 - y_pred, _P_FLOOR))
        return 0.0 - (y_true * log_p + (1.0 - y_true) * log_q)  # 0.0 - x: no -0.0 for a perfect p

    def _grad(self, y_true, y_pred):
        return (y_pred - y_true) / np.maximum(y_pred * (1.0 - y_pred), _BCE_EPS)

    # -- logits ---------------------------------------------------------------------------
    def _check_logits(self, y_true, z):
        yt, zz = _regression_pair(y_true, z, pred_name="z")
        _in_unit_interval("y_true", yt, "labels")
        return yt, zz

    def _value_logits(self, y_true: np.ndarray, z: np.ndarray) -> np.ndarray:
        # softplus(z) - y z, arranged so that a confident right answer keeps its tiny loss
        # (e.g. 4e-18 at z = 40, y = 1) instead of cancelling to 0.
        return np.maximum(z, 0.0) - y_true * z + np.log1p(np.exp(-np.abs(z)))

    def _grad_logits(self, y_true: np.ndarray, z: np.ndarray) -> np.ndarray:
        return expit(z) - y_true

    def value_logits(self, y_true: Any, z: Any) -> np.ndarray:
        """Per-sample BCE of p = sigmoid(z): ``softplus(z) - y z``, shape of ``z`` (..., n)."""
        return self._value_logits(*self._check_logits(y_true, z))

    def grad_logits(self, y_true: Any, z: Any) -> np.ndarray:
        """Per-sample derivative w.r.t. the logit: ``sigmoid(z) - y``, shape of ``z``."""
        return self._grad_logits(*self._check_logits(y_true, z))


class _CCE(Loss):
    """Categorical cross-entropy on probabilities: ``-log p[i, y_i]``, log clamped at -100.

    ``y_true`` of shape (n,): integer labels in [0, k); ``y_pred`` of shape (n, k) or
    (..., n, k): class probabilities (rows are not required to sum to 1). Value of shape
    (..., n). Gradient w.r.t. the probabilities, shape of ``y_pred``:
    ``-1 / max(p[i, y_i], e^-100)`` at the true class, 0 elsewhere.

    Note: ``torch.nn.CrossEntropyLoss`` takes logits (it applies log-softmax itself); this
    loss takes probabilities and equals ``torch.nn.NLLLoss`` applied to ``clamp(log p,
    min=-100)``. ``sklearn.metrics.log_loss`` agrees for probabilities away from 0 (it clips
    at machine eps and renormalizes rows).
    """

    name = "cce"

    def _check(self, y_true, y_pred):
        labels = array("y_true", y_true, ndim=1)
        p = array("y_pred", y_pred)
        n = labels.shape[0]
        if p.ndim < 2 or p.shape[-2] != n:
            raise ValueError(
                f"y_pred must have shape ({n}, k) or (..., {n}, k) to match y_true of shape "
                f"({n},); got shape {p.shape}"
            )
        k = p.shape[-1]
        bad = (labels != np.floor(labels)) | (labels < 0) | (labels >= k)
        if bad.any():
            raise fail("y_true", float(labels[bad][0]), f"integer class labels in [0, {k})")
        _in_unit_interval("y_pred", p, "probabilities")
        return labels.astype(np.intp), p

    @staticmethod
    def _index(y_true, y_pred):
        labels = np.asarray(y_true).astype(np.intp, copy=False)
        return np.broadcast_to(labels[..., None], y_pred.shape[:-1] + (1,))

    def _value(self, y_true, y_pred):
        p_true = np.take_along_axis(y_pred, self._index(y_true, y_pred), axis=-1)[..., 0]
        return -np.log(np.maximum(p_true, _P_FLOOR))

    def _grad(self, y_true, y_pred):
        idx = self._index(y_true, y_pred)
        p_true = np.take_along_axis(y_pred, idx, axis=-1)
        out = np.zeros(np.shape(y_pred))
        np.put_along_axis(out, idx, -1.0 / np.maximum(p_true, _P_FLOOR), axis=-1)
        return out


# --------------------------------------------------------------------------- factory
_CLASSES = {
    cls.name: cls for cls in (_MSE, _MAE, _Huber, _LogCosh, _Quantile, _Asymmetric, _BCE, _CCE)
}
_DEFAULTS: dict[str, dict[str, float]] = {
    "huber": {"delta": 1.0},
    "quantile": {"q": 0.5},
    "asymmetric": {"under": 1.0, "over": 1.0},
}


def softmax(logits: Any) -> np.ndarray:
    """Probabilities ``e^{z_k} / sum_j e^{z_j}`` along the last axis of ``logits`` (..., k).

    The largest logit is subtracted first, so no exponential overflows (as
    ``scipy.special.softmax`` and ``torch.softmax``).
    """
    z = array("logits", logits, ndim=None)
    if z.ndim == 0:
        raise ValueError("logits must have at least one axis (the classes)")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def get(name: str, **params: float) -> Loss:
    """Return the loss called ``name`` (one of :data:`NAMES`) with the given parameters.

    Parameters:
        huber: ``delta=1.0`` (> 0), the residual size where quadratic turns linear.
        quantile: ``q=0.5`` in (0, 1), the target quantile.
        asymmetric: ``under=1.0, over=1.0`` (>= 0, not both 0), the cost per unit of
            under-prediction (y_pred < y_true) and of over-prediction.
        mse, mae, log_cosh, bce, cce take none.

    Raises:
        ValueError: unknown name, unknown parameter or a parameter out of range; the message
        names the argument.

    Example:
        >>> get("mse")([42, 35, 50], [45, 30, 60])  # (9 + 25 + 100) / 3
        44.666666666666664
    """
    name = choice("name", name, NAMES)
    defaults = _DEFAULTS.get(name, {})
    for key in params:
        if key not in defaults:
            allowed = ", ".join(defaults) if defaults else "no parameters"
            raise ValueError(
                f"{key} is not a parameter of loss {name!r}; allowed: {allowed}; "
                f"got {key}={params[key]!r}"
            )
    values = {**defaults, **params}
    if name == "huber":
        return _Huber(delta=real("delta", values["delta"], low=0.0, low_open=True))
    if name == "quantile":
        q = real("q", values["q"], low=0.0, high=1.0, low_open=True, high_open=True)
        return _Quantile(q=q)
    if name == "asymmetric":
        under = real("under", values["under"], low=0.0)
        over = real("over", values["over"], low=0.0)
        if under == 0.0 and over == 0.0:
            raise fail("under and over", (under, over), "not both 0")
        return _Asymmetric(under=under, over=over)
    return _CLASSES[name]()
