"""Weight penalties (regularizers) added to the mean data loss.

With effective coefficients ``l1`` and ``l2`` every penalty is

    penalty(w) = l1 * sum_j |w_j| + l2 * sum_j w_j^2

========================  =======================  ===================================
name                      l1                       l2
========================  =======================  ===================================
none                      0                        0
l1                        lam                      0
l2                        0                        lam
elastic_net               lam * l1_ratio           lam * (1 - l1_ratio)
========================  =======================  ===================================

``w`` holds the weights only, of shape (P_w,) or (..., P_w) (e.g. (R, P_w) for R runs); the
caller never passes the intercept, so the intercept is never penalized. The gradient is
``l1 * sign(w) + 2 * l2 * w``, with the subgradient sign(0) = 0.

Note (how ``lam`` maps to other libraries, for the data term ``mean((Xw + b - y)^2)``):

- scikit-learn ``Ridge(alpha)`` minimizes ``sum(...)^2 + alpha ||w||^2``: ``alpha = n * lam``.
- scikit-learn ``Lasso(alpha)`` minimizes ``sum(...)^2 / (2 n) + alpha ||w||_1``:
  ``alpha = lam / 2``.
- scikit-learn ``ElasticNet(alpha, l1_ratio=rho)`` minimizes ``sum(...)^2 / (2 n) +
  alpha rho ||w||_1 + alpha (1 - rho) ||w||^2 / 2``: ``alpha = lam (1 - l1_ratio / 2)`` and
  ``rho = l1_ratio / (2 - l1_ratio)``.
- PyTorch ``weight_decay=wd`` (SGD/Adam) adds ``wd * w`` to the gradient, the gradient of
  ``(wd / 2) ||w||^2``: ``lam = wd / 2`` (and PyTorch also decays the bias unless told not to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core._validation import array, choice, real

NAMES = ("none", "l1", "l2", "elastic_net")


@dataclass(frozen=True)
class Penalty:
    """A weight penalty ``l1 * sum|w| + l2 * sum w^2``; build it with :func:`get`.

    Attributes:
        name: one of :data:`NAMES`.
        lam: the overall strength (>= 0) as given.
        l1_ratio: the share of ``lam`` on the L1 term: as given for ``elastic_net`` (and
            ``none``), 1.0 for ``l1``, 0.0 for ``l2``.
        l1, l2: the effective coefficients (see the module table).
    """

    name: str
    lam: float = 0.0
    l1_ratio: float = 0.5
    l1: float = field(init=False)
    l2: float = field(init=False)

    def __post_init__(self) -> None:
        name = choice("name", self.name, NAMES)
        lam = real("lam", self.lam, low=0.0)
        ratio = real("l1_ratio", self.l1_ratio, low=0.0, high=1.0)
        ratio = {"l1": 1.0, "l2": 0.0}.get(name, ratio)
        l1, l2 = (0.0, 0.0) if name == "none" else (lam * ratio, lam * (1.0 - ratio))
        for key, val in (("lam", lam), ("l1_ratio", ratio), ("l1", l1), ("l2", l2)):
            object.__setattr__(self, key, val)

    # -- unchecked maths (training loops) ------------------------------------------------
    def _value(self, w: np.ndarray) -> np.ndarray:
        out = np.zeros(np.shape(w)[:-1])
        if self.l1:
            out = out + self.l1 * np.abs(w).sum(axis=-1)
        if self.l2:
            out = out + self.l2 * (w * w).sum(axis=-1)
        return out

    def _grad(self, w: np.ndarray) -> np.ndarray:
        out = np.zeros(np.shape(w))
        if self.l1:
            out = out + self.l1 * np.sign(w)
        if self.l2:
            out = out + (2.0 * self.l2) * w
        return out

    # -- checked ---------------------------------------------------------------------------
    @staticmethod
    def _check(w: Any) -> np.ndarray:
        out = array("w", w, min_size=0)
        if out.ndim == 0:
            raise ValueError("w must have shape (P_w,) or (..., P_w); got a scalar, shape ()")
        return out

    def value(self, w: Any) -> float | np.ndarray:
        """Penalty of the weights ``w`` (P_w,) or (..., P_w): a float, or an array (...)."""
        ww = self._check(w)
        with np.errstate(over="ignore"):  # huge weights give inf, quietly
            out = self._value(ww)
        return float(out) if out.ndim == 0 else out

    def grad(self, w: Any) -> np.ndarray:
        """(Sub)gradient ``l1 sign(w) + 2 l2 w`` of the same shape as ``w``; sign(0) = 0."""
        ww = self._check(w)
        with np.errstate(over="ignore"):
            return self._grad(ww)

    def __call__(self, w: Any) -> float | np.ndarray:
        """Same as :meth:`value`."""
        return self.value(w)


def get(name: str, lam: float = 0.0, l1_ratio: float = 0.5) -> Penalty:
    """Return the penalty ``name`` (one of :data:`NAMES`) of strength ``lam``.

    Args:
        name: "none", "l1" (lam sum|w|), "l2" (lam sum w^2) or "elastic_net"
            (lam (l1_ratio sum|w| + (1 - l1_ratio) sum w^2)).
        lam: finite number >= 0.
        l1_ratio: in [0, 1]; used by ``elastic_net`` only (still validated for the others).

    Note: the L2 term is ``lam * sum w^2``, not ``lam / 2 * sum w^2``, and elastic net splits
    one ``lam`` between the two terms (the lesson's convention); see the module docstring
    for the matching scikit-learn and PyTorch settings.

    Example:
        >>> get("elastic_net", lam=1.0, l1_ratio=0.5).value([1.0, -2.0])  # 0.5*3 + 0.5*5
        4.0
    """
    return Penalty(name, lam, l1_ratio)
