"""Small optimization test functions: each a :class:`core.surface.Surface`, with its exact gradient,
its minima, saddles and a start that shows what it is for.

The "Optimizer race" and "Can training get stuck?" views run optimizers on these surfaces rather
than on a model (with :mod:`core.surface_runs`): the landscape is known exactly, so a chart can
mark the minima and say where a run settled.

Surfaces (``get(name, **params)`` or the factory of the same name):

- ``bowl(a=1, b=10)``: f = 0.5 (a x^2 + b y^2), an elongated quadratic.
- ``rosenbrock(a=1, b=100)``: f = (a - x)^2 + b (y - x^2)^2, a curved narrow valley.
- ``saddle(quartic=0.1)``: f = x^2 - y^2 + quartic y^4, a saddle point at the origin.
- ``plateau(width=1)``: f = 1 - exp(-(x^2 + y^2) / (2 width^2)), a well in a flat plain.
- ``two_minima_1d(tilt=1)``: f = x^4 - 3 x^2 + tilt x, a shallow and a deep minimum.
- ``two_minima_2d()``: two Gaussian wells of different depths on a wide quadratic bowl.
- ``line_fit(x_mean=5, x_std=2.9, slope=2, intercept=1, noise=1)``: the MSE of a line
  w x + b fitted to data with those statistics, over (w, b): a long, tilted valley.

A point ``p`` has shape (..., dim): the last axis holds the coordinates (x) or (x, y).
``grid`` tabulates a surface over its window; ``basin_of`` names the minimum nearest a point.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import optimize as _scipy_optimize

from core._validation import array, choice, fail, integer, real
from core.surface import Surface, make

NAMES = ("bowl", "rosenbrock", "saddle", "plateau", "two_minima_1d", "two_minima_2d", "line_fit")


# ----------------------------------------------------------------------------- bowl


def _bowl_value(p, a, b):
    return 0.5 * (a * p[..., 0] ** 2 + b * p[..., 1] ** 2)


def _bowl_grad(p, a, b):
    return p * np.array([a, b])


def bowl(a: float = 1.0, b: float = 10.0) -> Surface:
    """Elongated quadratic bowl f(x, y) = 0.5 (a x^2 + b y^2).

    The Hessian is diag(a, b) everywhere, so its eigenvalues are a and b, the condition
    number is max(a, b) / min(a, b), and plain gradient descent with a constant rate lr
    converges iff lr < 2 / max(a, b) (the critical rate; 0.2 for the default b = 10):
    each step multiplies y by (1 - lr b), which has modulus > 1 above it. To set the
    condition number kappa directly, use a = 1, b = kappa. Minimum f(0, 0) = 0.
    """
    a = real("a", a, low=0.0, low_open=True)
    b = real("b", b, low=0.0, low_open=True)
    return make(
        "bowl", 2, {"a": a, "b": b},
        bounds=((-5.0, 5.0), (-3.0, 3.0)),
        minima=[[0.0, 0.0]], global_min_value=0.0, saddles=[], start=[-4.0, 2.0],
        facts={
            "hessian_eigenvalues": (a, b),
            "condition_number": max(a, b) / min(a, b),
            "critical_lr": 2.0 / max(a, b),
        },
        f=functools.partial(_bowl_value, a=a, b=b),
        g=functools.partial(_bowl_grad, a=a, b=b),
    )


# ------------------------------------------------------------------------- line fit


def _line_fit_value(p, m2, m, a, c, var):
    dw, db = p[..., 0] - a, p[..., 1] - c
    return m2 * dw * dw + 2.0 * m * dw * db + db * db + var


def _line_fit_grad(p, m2, m, a, c, var):
    dw, db = p[..., 0] - a, p[..., 1] - c
    return np.stack([2.0 * (m2 * dw + m * db), 2.0 * (m * dw + db)], axis=-1)


def line_fit(x_mean: float = 5.0, x_std: float = 2.9, slope: float = 2.0, intercept: float = 1.0,
             noise: float = 1.0) -> Surface:
    """The MSE of the line w x + b over (w, b), for data y = slope x + intercept + noise.

    With E[x] = m, E[x²] = m² + s² (s = x_std) and noise of variance σ² independent of x,
    ``f(w, b) = E[(w x + b - y)²] = (s² + m²)(w - a)² + 2 m (w - a)(b - c) + (b - c)² + σ²``
    with (a, c) = (slope, intercept): a quadratic whose Hessian ``2 [[s² + m², m], [m, 1]]``
    is the least-squares Hessian of any data set with those moments (a valley like the "Learning
    rate" view's, whose own 40 points it does not copy: x in [0, 10] has m = 5 and s ≈ 2.9). Minimum f(a, c) = σ² at the true line;
    the defaults give a condition number of about 139 and a critical rate 2 / λ_max ≈ 0.029.
    """
    m = real("x_mean", x_mean)
    s = real("x_std", x_std, low=0.0, low_open=True)
    a = real("slope", slope)
    c = real("intercept", intercept)
    sigma = real("noise", noise, low=0.0)
    m2 = s * s + m * m
    eig = np.linalg.eigvalsh(2.0 * np.array([[m2, m], [m, 1.0]]))
    params = {"m2": m2, "m": m, "a": a, "c": c, "var": sigma * sigma}
    return make(
        "line_fit", 2, {"x_mean": m, "x_std": s, "slope": a, "intercept": c, "noise": sigma},
        bounds=((a - 3.0, a + 3.0), (c - 6.0, c + 6.0)),
        minima=[[a, c]], global_min_value=sigma * sigma, saddles=[], start=[0.0, 0.0],
        facts={
            "hessian_eigenvalues": (float(eig[0]), float(eig[1])),
            "condition_number": float(eig[1] / eig[0]),
            "critical_lr": float(2.0 / eig[1]),
        },
        f=functools.partial(_line_fit_value, **params),
        g=functools.partial(_line_fit_grad, **params),
    )


# ----------------------------------------------------------------------- rosenbrock


def _rosenbrock_value(p, a, b):
    x, y = p[..., 0], p[..., 1]
    return (a - x) ** 2 + b * (y - x * x) ** 2


def _rosenbrock_grad(p, a, b):
    x, y = p[..., 0], p[..., 1]
    valley = y - x * x
    return np.stack((-2.0 * (a - x) - 4.0 * b * x * valley, 2.0 * b * valley), axis=-1)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """Rosenbrock's banana valley f(x, y) = (a - x)^2 + b (y - x^2)^2.

    The only minimum is f(a, a^2) = 0, at the end of a narrow curved valley along
    y = x^2; the classic start is (-1.2, 1). With a = 1, b = 100 this equals
    ``scipy.optimize.rosen`` in two dimensions.
    """
    a = real("a", a)
    b = real("b", b, low=0.0, low_open=True)
    half = max(2.0, 1.5 * abs(a) + 0.5)
    return make(
        "rosenbrock", 2, {"a": a, "b": b},
        bounds=((-half, half), (-1.0, max(3.0, a * a + 1.0))),
        minima=[[a, a * a]], global_min_value=0.0, saddles=[], start=[-1.2, 1.0],
        facts={},
        f=functools.partial(_rosenbrock_value, a=a, b=b),
        g=functools.partial(_rosenbrock_grad, a=a, b=b),
    )


# --------------------------------------------------------------------------- saddle


def _saddle_value(p, c):
    x, y = p[..., 0], p[..., 1]
    return x * x - y * y + c * y**4


def _saddle_grad(p, c):
    x, y = p[..., 0], p[..., 1]
    return np.stack((2.0 * x, -2.0 * y + 4.0 * c * y**3), axis=-1)


def saddle(quartic: float = 0.1) -> Surface:
    """Saddle f(x, y) = x^2 - y^2 + quartic * y^4.

    The origin is a saddle point (Hessian diag(2, -2): a minimum along x, a maximum
    along y). The quartic term keeps f bounded below: the minima are
    (0, +-1/sqrt(2 quartic)) with value -1/(4 quartic) (both global). quartic = 0 gives
    the pure saddle x^2 - y^2, unbounded below: no minima, global_min_value = -inf.
    Gradient descent started exactly on the x axis (y = 0) never leaves it and stalls
    at the saddle; the default start (-2.5, 0.01) is just off it.
    """
    c = real("quartic", quartic, low=0.0)
    if c > 0.0:
        y_min = 1.0 / np.sqrt(2.0 * c)
        minima, low = [[0.0, y_min], [0.0, -y_min]], -1.0 / (4.0 * c)
        half_y = max(3.0, 1.3 * y_min)
    else:
        minima, low, half_y = [], -np.inf, 3.0
    return make(
        "saddle", 2, {"quartic": c},
        bounds=((-3.0, 3.0), (-half_y, half_y)),
        minima=minima, global_min_value=low, saddles=[[0.0, 0.0]], start=[-2.5, 0.01],
        facts={"hessian_eigenvalues_at_saddle": (2.0, -2.0)},
        f=functools.partial(_saddle_value, c=c),
        g=functools.partial(_saddle_grad, c=c),
    )


# -------------------------------------------------------------------------- plateau


def _plateau_value(p, w):
    return 1.0 - np.exp(-np.sum(p * p, axis=-1) / (2.0 * w * w))


def _plateau_grad(p, w):
    well = np.exp(-np.sum(p * p, axis=-1) / (2.0 * w * w))
    return p * (well / (w * w))[..., None]


def plateau(width: float = 1.0) -> Surface:
    """A Gaussian well in a flat plain: f(x, y) = 1 - exp(-(x^2 + y^2) / (2 width^2)).

    The gradient is (x, y) / width^2 * exp(-r^2 / (2 width^2)) with r the distance to
    the origin: beyond r of about 3 widths it is below 0.01 and shrinks like
    r exp(-r^2/2), so the plain is nearly flat and f is nearly 1 there. The minimum is
    f(0, 0) = 0. From the default start (3.5, 2.5) * width the gradient has norm about
    4e-4: plain gradient descent with lr = 0.1 needs about 6,500 steps to reach the
    well, while Adam, which normalizes the step, walks in at about lr per step.
    """
    w = real("width", width, low=0.0, low_open=True)
    return make(
        "plateau", 2, {"width": w},
        bounds=((-5.0 * w, 5.0 * w), (-5.0 * w, 5.0 * w)),
        minima=[[0.0, 0.0]], global_min_value=0.0, saddles=[],
        start=[3.5 * w, 2.5 * w],
        facts={},
        f=functools.partial(_plateau_value, w=w),
        g=functools.partial(_plateau_grad, w=w),
    )


# -------------------------------------------------------------------- two_minima_1d


def _quartic_value(p, t):
    x = p[..., 0]
    x2 = x * x
    return x2 * x2 - 3.0 * x2 + t * x


def _quartic_grad(p, t):
    return 4.0 * p**3 - 6.0 * p + t


# f' = 4x^3 - 6x + t has three real roots iff |t| < 2 sqrt(2) (its extrema are at
# x = +-1/sqrt(2), where 4x^3 - 6x = -+2 sqrt(2)).
_MAX_TILT = 2.0 * np.sqrt(2.0)


def two_minima_1d(tilt: float = 1.0) -> Surface:
    """A tilted double well f(x) = x^4 - 3 x^2 + tilt * x (one coordinate).

    The critical points are the three real roots of f'(x) = 4 x^3 - 6 x + tilt, found
    with ``np.roots``: the outer two are minima, the middle one a local maximum. For
    0 < tilt < 2 sqrt(2) the left minimum is the global one. With tilt = 1: global
    minimum f(-1.30084) = -3.51391, local minimum f(1.13090) = -1.07023, barrier top
    f(0.16994) = 0.08414. The default start x = 2 lies in the local basin: plain SGD
    (lr = 0.01) settles in the local minimum, SGD with momentum 0.9 (same lr) rolls over
    the barrier into the global one.
    """
    t = real("tilt", tilt, low=0.0, high=_MAX_TILT, low_open=True, high_open=True)
    roots = np.sort(np.roots([4.0, 0.0, -6.0, t]).real)
    left, top, right = roots
    f = functools.partial(_quartic_value, t=t)
    f_left, f_top, f_right = f(roots[:, None])
    global_, local = (left, right) if f_left <= f_right else (right, left)
    return make(
        "two_minima_1d", 1, {"tilt": t},
        bounds=((-2.2, 2.2),),
        minima=[global_, local], global_min_value=min(f_left, f_right), saddles=[top],
        start=[2.0],
        facts={"barrier_height": float(f_top - max(f_left, f_right))},
        f=f,
        g=functools.partial(_quartic_grad, t=t),
    )


# -------------------------------------------------------------------- two_minima_2d

# Well centres (global first), depths and common width, and the bowl's curvature.
_WELL_CENTERS = np.array([[1.5, -1.0], [-1.5, 1.5]])
_WELL_DEPTHS = np.array([2.0, 1.2])
_WELL_WIDTH = 0.8
_BOWL_CURVATURE = 0.1


def _wells_value(p):
    d = p[..., None, :] - _WELL_CENTERS
    wells = _WELL_DEPTHS * np.exp(-np.sum(d * d, axis=-1) / (2.0 * _WELL_WIDTH**2))
    return 0.5 * _BOWL_CURVATURE * np.sum(p * p, axis=-1) - np.sum(wells, axis=-1)


def _wells_grad(p):
    d = p[..., None, :] - _WELL_CENTERS
    wells = _WELL_DEPTHS * np.exp(-np.sum(d * d, axis=-1) / (2.0 * _WELL_WIDTH**2))
    return _BOWL_CURVATURE * p + np.sum(wells[..., None] * d, axis=-2) / _WELL_WIDTH**2


@functools.lru_cache(maxsize=1)
def _wells_critical_points() -> tuple[np.ndarray, np.ndarray]:
    """The two minima and the saddle between them, to machine precision."""

    def polish(guess):
        # BFGS finds the nearby minimum; a root solve on the gradient then drives the
        # gradient to ~1e-16. The saddle is not a minimum: it is found by root only.
        return _scipy_optimize.root(_wells_grad, guess, tol=1e-14).x

    minima = [
        polish(_scipy_optimize.minimize(
            _wells_value, c, jac=_wells_grad, method="BFGS", options={"gtol": 1e-10}
        ).x)
        for c in _WELL_CENTERS
    ]
    saddle_point = polish(_WELL_CENTERS.mean(axis=0))
    return np.array(minima), np.array([saddle_point])


def two_minima_2d() -> Surface:
    """Two Gaussian wells on a wide bowl (no parameters).

    f(p) = 0.05 |p|^2 - 2.0 exp(-|p - (1.5, -1)|^2 / 1.28)
                      - 1.2 exp(-|p - (-1.5, 1.5)|^2 / 1.28)

    (wells of width 0.8: 2 * 0.8^2 = 1.28). The minima, computed once with
    ``scipy.optimize`` to gradient ~1e-16, are the global minimum f(1.45336, -0.96890)
    = -1.84256 and the local one f(-1.42333, 1.42334) = -0.98647; the saddle between
    them is f(-0.13118, 0.28676) = -0.15156. The default start (-3, 3) lies in the local
    basin.
    """
    minima, saddles = _wells_critical_points()
    values = _wells_value(minima)
    return make(
        "two_minima_2d", 2, {},
        bounds=((-4.0, 4.0), (-4.0, 4.0)),
        minima=minima, global_min_value=values[0], saddles=saddles, start=[-3.0, 3.0],
        facts={"barrier_height": float(_wells_value(saddles[0]) - values[1])},
        f=_wells_value,
        g=_wells_grad,
    )


# ------------------------------------------------------------------------- registry

_FACTORIES: dict[str, Callable[..., Surface]] = {
    "bowl": bowl,
    "rosenbrock": rosenbrock,
    "saddle": saddle,
    "plateau": plateau,
    "two_minima_1d": two_minima_1d,
    "two_minima_2d": two_minima_2d,
    "line_fit": line_fit,
}
_PARAMS = {
    "bowl": ("a", "b"),
    "rosenbrock": ("a", "b"),
    "saddle": ("quartic",),
    "plateau": ("width",),
    "two_minima_1d": ("tilt",),
    "two_minima_2d": (),
    "line_fit": ("x_mean", "x_std", "slope", "intercept", "noise"),
}


def get(name: str, **params: float) -> Surface:
    """The surface called ``name`` (one of ``NAMES``) with the given parameters.

    Parameters: bowl ``a=1, b=10`` (> 0); rosenbrock ``a=1`` (any), ``b=100`` (> 0);
    saddle ``quartic=0.1`` (>= 0); plateau ``width=1`` (> 0); two_minima_1d ``tilt=1``
    (in (0, 2 sqrt(2))); two_minima_2d none; line_fit ``x_mean=5, x_std=2.9, slope=2,
    intercept=1`` (any), ``noise=1`` (>= 0), x_std > 0. Unknown names or parameters raise
    ValueError.
    """
    choice("name", name, NAMES)
    for key in params:
        allowed = _PARAMS[name]
        if key not in allowed:
            shown = ", ".join(repr(a) for a in allowed) or "nothing"
            raise fail(f"a parameter of surface {name!r}", key, f"one of {shown}")
    return _FACTORIES[name](**params)


def as_surface(surface: Any) -> Surface:
    """``surface`` itself, or the surface of that name (default parameters); anything else raises ValueError."""
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str):
        return get(choice("surface", surface, NAMES))
    raise fail("surface", surface, "a Surface or one of " + ", ".join(map(repr, NAMES)))


# ----------------------------------------------------------------------------- grid


def grid(surface: Surface | str, *, num: int = 101) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """f on a regular grid over ``surface.bounds``, for contour and line charts.

    Returns ``(axes, values)``: ``axes`` holds one array of shape (num,) per coordinate;
    ``values`` has shape (num,) in 1-D and (num, num) in 2-D with
    ``values[i, j] = f(axes[0][i], axes[1][j])`` (matrix "ij" indexing: x on the first
    axis).
    """
    surface = as_surface(surface)
    num = integer("num", num, low=2)
    axes = tuple(np.linspace(low, high, num) for low, high in surface.bounds)
    points = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    return axes, surface._value(points)


# ------------------------------------------------------------------------- basin_of


def basin_of(surface: Surface | str, points: Any) -> np.ndarray:
    """Index into ``surface.minima`` of the minimum nearest to each point.

    ``points`` of shape (..., dim) -> int array of shape (...); a non-finite point
    (e.g. a diverged run's NaN) gives -1. Used to say where a run settled, e.g.
    ``basin_of(s, run.final_params) == 1``: "in the local minimum" on the two-minima surfaces.

    Note: "nearest" is Euclidean distance to the minima, not the true basin of
    attraction (which depends on the optimizer); apply it to points that have settled.
    """
    surface = as_surface(surface)
    if len(surface.minima) == 0:
        raise fail("surface", surface.name, "a surface with at least one minimum")
    pts = array("points", points, finite=False)
    if pts.ndim == 0 or pts.shape[-1] != surface.dim:
        raise ValueError(
            f"points must have shape (..., {surface.dim}) for surface {surface.name!r}; "
            f"got shape {pts.shape}"
        )
    with np.errstate(invalid="ignore", over="ignore"):
        dist = np.sum((pts[..., None, :] - surface.minima) ** 2, axis=-1)
        nearest = np.argmin(np.where(np.isnan(dist), np.inf, dist), axis=-1)
    return np.where(np.all(np.isfinite(pts), axis=-1), nearest, -1)
