"""The type of a test surface: a function of one or two coordinates with its exact gradient.

:mod:`core.surfaces` builds the surfaces themselves (``get(name)``); this module holds what every one
of them is, a :class:`Surface` (its value, gradient and Hessian, its minima, saddles, start and
plotting window), and :func:`make`, which freezes one. A point ``p`` has shape (..., dim): the last
axis holds the coordinates (x) or (x, y).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from core._validation import array


def _frozen(values: Any, dim: int) -> np.ndarray:
    out = np.array(values, dtype=np.float64).reshape(-1, dim)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Surface:
    """A test function of ``dim`` (1 or 2) coordinates with its exact gradient.

    Attributes
    ----------
    name : str
        One of ``core.surfaces.NAMES``.
    dim : int
        Number of coordinates, 1 or 2.
    params : Mapping[str, float]
        The resolved parameters (read-only).
    bounds : tuple of (low, high) pairs
        Suggested plotting window, one pair per coordinate: ((xmin, xmax), (ymin, ymax))
        in 2-D, ((xmin, xmax),) in 1-D.
    minima : ndarray of shape (n_minima, dim)
        Every local minimum, the global one first (ties: all global ones first).
        Empty (shape (0, dim)) when the function is unbounded below.
    global_min_value : float
        The lowest value of the function (``-inf`` when unbounded below).
    saddles : ndarray of shape (n_saddles, dim)
        The other critical points: saddle points, and in 1-D the local maximum that
        separates the two wells.
    start : ndarray of shape (dim,)
        A suggested start point that shows what the surface is for.
    facts : Mapping[str, Any]
        Numbers worth stating on the page, e.g. the bowl's Hessian eigenvalues and its
        critical learning rate for plain gradient descent.
    """

    name: str
    dim: int
    params: Mapping[str, float]
    bounds: tuple[tuple[float, float], ...]
    minima: np.ndarray
    global_min_value: float
    saddles: np.ndarray
    start: np.ndarray
    facts: Mapping[str, Any]
    _f: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _g: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    @property
    def global_minima(self) -> np.ndarray:
        """(g, dim): the minima whose value is the global minimum's (within round-off), usually one."""
        if not len(self.minima):
            return self.minima
        values = self.value(self.minima)
        return self.minima[np.isclose(values, self.global_min_value, rtol=1e-9, atol=1e-12)]

    def _check(self, p: Any, name: str = "p") -> np.ndarray:
        out = array(name, p)
        if out.ndim == 0 or out.shape[-1] != self.dim:
            raise ValueError(
                f"{name} must have shape (..., {self.dim}) for surface {self.name!r} "
                f"(last axis = coordinates); got shape {out.shape}"
            )
        return out

    def value(self, p: Any) -> np.ndarray:
        """f(p) for points p of shape (..., dim); returns shape (...)."""
        p = self._check(p)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._f(p)

    def grad(self, p: Any) -> np.ndarray:
        """The exact gradient of f at p of shape (..., dim); returns shape (..., dim)."""
        p = self._check(p)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._g(p)

    def hessian(self, p: Any, step: float = 1e-5) -> np.ndarray:
        """The Hessian at one point p (dim,), shape (dim, dim): central differences of the exact
        gradient, ``H[:, i] = (∇f(p + h eᵢ) − ∇f(p − h eᵢ)) / 2h`` with h = step · max(1, |p|),
        symmetrized. Accurate to about 1e-9 relative on these smooth surfaces."""
        p = np.asarray(self._check(p), dtype=np.float64).reshape(self.dim)
        h = step * max(1.0, float(np.linalg.norm(p)))
        cols = [(self._g(p + h * e) - self._g(p - h * e)) / (2 * h) for e in np.eye(self.dim)]
        hess = np.stack(cols, axis=1)
        return 0.5 * (hess + hess.T)

    def _value(self, p: np.ndarray) -> np.ndarray:
        """``value`` without validation (for loops)."""
        return self._f(p)

    def _grad(self, p: np.ndarray) -> np.ndarray:
        """``grad`` without validation (for loops)."""
        return self._g(p)


def make(name, dim, params, bounds, minima, global_min_value, saddles, start, facts, f, g) -> Surface:
    """A :class:`Surface` with read-only arrays and mappings: ``minima``/``saddles`` of shape (n, dim),
    ``start`` (dim,), ``bounds`` one (low, high) pair per coordinate, ``f``/``g`` the value and gradient."""
    return Surface(
        name=name,
        dim=dim,
        params=MappingProxyType(dict(params)),
        bounds=tuple((float(lo), float(hi)) for lo, hi in bounds),
        minima=_frozen(minima, dim),
        global_min_value=float(global_min_value),
        saddles=_frozen(saddles, dim),
        start=_frozen(start, dim)[0],
        facts=MappingProxyType(dict(facts)),
        _f=f,
        _g=g,
    )
