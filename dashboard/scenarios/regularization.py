"""Compute for "How strong should the penalty be?": a penalized polynomial fit over a sweep of λ.

The data: :func:`core.datasets.polynomial_curve` (y = sin(πx) + noise on [-1, 1]) draws
``n + N_VALIDATION`` points; a seeded random split keeps ``n`` for training and the rest
for validation, so both come from the same curve. The features are the powers
``x, x², ..., x^degree`` standardized with the *training* statistics
(:func:`core.datasets.polynomial_features` with ``reference=x_train``).

The fits are exact for every λ of the slider's grid (:func:`lambda_grid`):

- L2: the closed form, :func:`core.closed_form.normal_equation` with ``l2 = λ`` (computed by
  :func:`core.penalized.penalized_path` with ``l1 = 0``, which shares one SVD across λ);
- L1 and elastic net: :func:`core.penalized.penalized_path` (an active-set solver whose
  zeros are exact zeros), with ``l1``/``l2`` from the registry's penalty (:data:`dashboard.registry.PENALTIES`).

Plain functions (``compute_*``) are testable without Streamlit; the page calls their
cached wrappers (``sweep``, ``fit_at``, ``picture``). Moving λ reuses the cached sweep: only
the row of the chosen λ is read. What the view says about these results (claims, headlines, notes,
"The math") is :mod:`dashboard.shared.regularization`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, losses, penalized, penalties
from dashboard import registry
from dashboard.cache import scenario_cache
from dashboard.controls import log_options
from dashboard.shared.regularization import PENALTIES, X_RANGE, Data, make_data, power_label, upload_data

DEFAULTS = {  # the link's keys
    "degree": 12, "n": 20, "noise": 0.3, "seed": 393, "penalty": "l1", "lam": 1e-4, "ratio": 0.5, "lam2": 2.5}
# Seed 393 draws points whose validation error over λ is one clean U for L1, L2 and elastic
# net alike (one dip, at λ = 0.01, 0.004 and 0.0063), with the default λ on its overfitting
# side; many seeds give a W (two dips) on 60 validation points, which the text then names.
DIP_RISE = 0.05  # a dip counts when the curve climbs 5% above it before the next dip
LABELS = {k: registry.PENALTIES[k].short for k in PENALTIES}  # the link carries them

# The λ slider and the sweep share one grid: 1e-8 ... 10, five values a decade (46 values).
LAM_LOW, LAM_HIGH, PER_DECADE = 1e-8, 10.0, 5
# The two-weight picture has its own λ: its interesting range is where weights hit zero.
PICTURE_LAM_LOW, PICTURE_LAM_HIGH = 0.01, 10.0

GRID_POINTS = 241  # x positions of the drawn curves
CONTOUR_POINTS = 121
BACKGROUND_RINGS = 10


def lambda_grid() -> np.ndarray:
    """The λ values of the slider (and of the sweep), ascending."""
    return np.array(log_options(LAM_LOW, LAM_HIGH, PER_DECADE))


def fit(X: np.ndarray, y: np.ndarray, penalty: penalties.Penalty) -> np.ndarray:
    """Exact parameters (weights, then intercept) of the penalized least-squares fit."""
    if penalty.l1 == 0.0:
        return closed_form.normal_equation(X, y, l2=penalty.l2)
    return penalized.penalized_fit(X, y, l1=penalty.l1, l2=penalty.l2)


def _mse(y: np.ndarray, X: np.ndarray, params: np.ndarray) -> np.ndarray:
    """MSE of each parameter row (L, P) on (X, y) through core's loss."""
    pred = np.atleast_2d(params)[:, :-1] @ X.T + np.atleast_2d(params)[:, -1:]
    return losses.get("mse")(y, pred)


# --------------------------------------------------------------------------- the sweep
@dataclass(frozen=True, eq=False)
class Sweep:
    """Exact fits for every λ of :func:`lambda_grid`.

    Attributes:
        penalty: "l1", "l2" or "elastic_net"; ratio: the l1 ratio (elastic net only).
        degree: number of weights.
        lambdas: (L,) ascending.
        params: (L, degree + 1), weights then intercept.
        train_mse, val_mse: (L,).
        noise: the noise standard deviation (its square is the best MSE any model can expect).
        errors: long table lambda, set, mse (the U-curve).
        paths: long table lambda, coefficient ('x³'), power, weight, is_zero (coefficient paths).

    The tables are built once by :func:`compute_sweep`, so the cache keeps them.
    """

    penalty: str
    ratio: float
    degree: int
    lambdas: np.ndarray
    params: np.ndarray
    train_mse: np.ndarray
    val_mse: np.ndarray
    noise: float

    @property
    def weights(self) -> np.ndarray:
        return self.params[:, :-1]

    @property
    def zeros(self) -> np.ndarray:
        """Number of weights that are exactly 0 at each λ."""
        return np.count_nonzero(self.weights == 0.0, axis=1)

    @property
    def best_index(self) -> int:
        """Index of the λ with the lowest validation MSE (the smallest such λ on a tie)."""
        return int(np.argmin(self.val_mse))

    @property
    def best_lam(self) -> float:
        return float(self.lambdas[self.best_index])

    def index(self, lam: float) -> int:
        """Index of the grid λ nearest to ``lam`` on a log scale."""
        return int(np.argmin(np.abs(np.log(self.lambdas) - np.log(lam))))

    @property
    def departures_from_zero(self) -> int:
        """How often a weight that is exactly 0 at one λ of the grid is not at the next larger λ."""
        zero = self.weights == 0.0
        return int(np.count_nonzero(zero[:-1] & ~zero[1:]))

    @property
    def dips(self) -> list[int]:
        """Indices of the validation curve's dips, left to right: one for a U, two for a W.

        A local minimum is a dip of its own only if the curve climbs more than
        :data:`DIP_RISE` (relative) above both it and the next one in between; otherwise the
        lower of the two stands for both.
        """
        v = self.val_mse
        lows = [i for i in range(v.size) if (i == 0 or v[i] < v[i - 1]) and (i == v.size - 1 or v[i] <= v[i + 1])]
        kept: list[int] = []
        for i in lows:
            if kept and v[kept[-1]:i + 1].max() <= max(v[kept[-1]], v[i]) * (1 + DIP_RISE):
                if v[i] < v[kept[-1]]:
                    kept[-1] = i
                continue
            kept.append(i)
        return kept

    errors: pd.DataFrame = None  # filled by compute_sweep
    paths: pd.DataFrame = None


def _sweep_frames(lambdas: np.ndarray, weights: np.ndarray, train_mse: np.ndarray,
                  val_mse: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    count, d = weights.shape
    errors = pd.DataFrame({
        "lambda": np.tile(lambdas, 2),
        "set": ["Training"] * count + ["Validation"] * count,
        "mse": np.concatenate([train_mse, val_mse]),
    })
    paths = pd.DataFrame({
        "lambda": np.repeat(lambdas, d),
        "coefficient": [power_label(k) for k in range(1, d + 1)] * count,
        "power": np.tile(np.arange(1, d + 1), count),
        "weight": weights.ravel(),
        "is_zero": (weights == 0.0).ravel(),
    })
    return errors, paths


def penalty_at(name: str, lam: float, ratio: float) -> penalties.Penalty:
    """The registry's penalty ``name`` at strength ``lam`` (``ratio``: elastic net's l1 ratio)."""
    return registry.PENALTIES[name].build(float(lam), float(ratio))


def compute_sweep(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float,
                  data: Data | None = None) -> Sweep:
    """Fit the scenario exactly at every λ of the grid (one call; L2 by the closed form).

    ``data``: other points than the built-in curve's (a learner's own, :func:`upload_data`).
    """
    data = data or make_data(n, noise, seed)
    X_train, X_val = data.features(data.x_train, degree), data.features(data.x_val, degree)
    lams = lambda_grid()
    pens = [penalty_at(penalty, lam, ratio) for lam in lams]
    # With l1 = 0 (L2) the path is the normal equation at each λ, sharing one SVD.
    params = penalized.penalized_path(X_train, data.y_train, l1=[p.l1 for p in pens], l2=[p.l2 for p in pens])
    train_mse, val_mse = _mse(data.y_train, X_train, params), _mse(data.y_val, X_val, params)
    errors, paths = _sweep_frames(lams, params[:, :-1], train_mse, val_mse)
    return Sweep(
        penalty=penalty, ratio=float(ratio), degree=int(degree), lambdas=lams, params=params,
        train_mse=train_mse, val_mse=val_mse, noise=data.noise, errors=errors, paths=paths,
    )


# --------------------------------------------------------------------------- the chosen λ
@dataclass(frozen=True, eq=False)
class Fit:
    """The fit at the chosen λ, with the numbers "What to notice" quotes.

    Attributes:
        lam: the chosen λ; penalty, ratio as chosen.
        params: (degree + 1,), weights then intercept.
        train_mse, val_mse: at the chosen λ.
        points: x, y, set of every point.
        lines: the fit and the true curve on a fine grid of [-1, 1]: x, y, series ("truth" / "fit").
        table: the chart's data for download: the points (x, y, set) then the curves
            (x, fit, truth, set = "Curve").
    """

    lam: float
    penalty: str
    ratio: float
    params: np.ndarray
    train_mse: float
    val_mse: float
    points: pd.DataFrame
    lines: pd.DataFrame
    table: pd.DataFrame

    @property
    def weights(self) -> np.ndarray:
        return self.params[:-1]

    @property
    def degree(self) -> int:
        return self.weights.size

    @property
    def zeros(self) -> int:
        return int(np.count_nonzero(self.weights == 0.0))

    @property
    def largest(self) -> tuple[str, float]:
        """The coefficient with the largest magnitude: (name, value)."""
        k = int(np.argmax(np.abs(self.weights)))
        return power_label(k + 1), float(self.weights[k])

    @property
    def smallest_nonzero(self) -> float:
        """The smallest |weight| that is not exactly 0 (nan when all are 0)."""
        nonzero = np.abs(self.weights[self.weights != 0.0])
        return float(nonzero.min()) if nonzero.size else float("nan")


def compute_fit(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float, lam: float,
                sweep_result: Sweep | None = None, data: Data | None = None) -> Fit:
    """The fit at ``lam``: the sweep's row when ``lam`` is on its grid, else solved directly."""
    data = data or make_data(n, noise, seed)
    X_train, X_val = data.features(data.x_train, degree), data.features(data.x_val, degree)
    params = None
    if sweep_result is not None:
        k = sweep_result.index(lam)
        if np.isclose(sweep_result.lambdas[k], lam, rtol=1e-12, atol=0):
            params = sweep_result.params[k]
    if params is None:
        params = fit(X_train, data.y_train, penalty_at(penalty, lam, ratio))
    x_grid = np.linspace(*X_RANGE, GRID_POINTS)
    fitted = data.features(x_grid, degree) @ params[:-1] + params[-1]
    truth = datasets.CurveData.truth(x_grid) if data.truth else np.full(x_grid.size, np.nan)
    points = data.points()
    # The frames are built from whole columns (pd.concat and .assign cost more than the fit).
    x_points, gap = points["x"].to_numpy(), np.full(len(points), np.nan)
    table = pd.DataFrame({
        "x": np.concatenate([x_points, x_grid]),
        "y": np.concatenate([points["y"].to_numpy(), np.full(x_grid.size, np.nan)]),
        "set": np.concatenate([points["set"].to_numpy(dtype=object), np.full(x_grid.size, "Curve", dtype=object)]),
        "fit": np.concatenate([gap, fitted]),
        "truth": np.concatenate([gap, truth]),
    })
    return Fit(
        lam=float(lam), penalty=penalty, ratio=float(ratio), params=np.asarray(params, dtype=float),
        train_mse=float(_mse(data.y_train, X_train, params)[0]), val_mse=float(_mse(data.y_val, X_val, params)[0]),
        points=points, table=table,
        lines=pd.DataFrame({"x": np.concatenate([x_grid, x_grid]), "y": np.concatenate([truth, fitted]),
                            "series": np.repeat(np.array(["truth", "fit"], dtype=object), x_grid.size)})
        if data.truth else pd.DataFrame({"x": x_grid, "y": fitted, "series": np.full(x_grid.size, "fit", dtype=object)}),
    )


# --------------------------------------------------------------------------- two weights
# A small least-squares problem with two correlated standardized features (correlation
# PICTURE_CORRELATION) whose least-squares weights are PICTURE_WEIGHTS: four points built from
# three orthogonal, centred ±1 patterns, so every number of the picture is exact.
PICTURE_CORRELATION = 0.6
PICTURE_WEIGHTS = (2.0, 0.5)
PICTURE_RESIDUAL = 0.5  # root-mean-square error of the least-squares fit


def picture_problem() -> tuple[np.ndarray, np.ndarray]:
    """(X of shape (4, 2), y of shape (4,)): mean(X) = 0, X^T X / 4 = [[1, ρ], [ρ, 1]], w_ls = PICTURE_WEIGHTS."""
    u1 = np.array([1.0, 1.0, -1.0, -1.0])
    u2 = np.array([1.0, -1.0, 1.0, -1.0])
    u3 = np.array([1.0, -1.0, -1.0, 1.0])
    rho = PICTURE_CORRELATION
    X = np.column_stack([u1, rho * u1 + np.sqrt(1.0 - rho**2) * u2])
    return X, X @ np.array(PICTURE_WEIGHTS) + PICTURE_RESIDUAL * u3


@dataclass(frozen=True, eq=False)
class Picture:
    """Two correlated features: MSE ellipses and the penalty shapes at the picture's λ.

    Attributes:
        lam, ratio: the picture's λ and the elastic net's l1 ratio.
        least_squares: (w1, w2) without penalty.
        optima: penalty name -> (w1, w2) of the penalized fit at ``lam``.
        curves: one row per drawn point of every curve: layer ("background": grey ellipses
            of equal training MSE; "touching": each penalty's ellipse through its optimum;
            "shape": each penalty's curve where it equals its value at the optimum), curve (an
            id), penalty ("" for background), label, order, w1, w2, mse (NaN on shapes).
        points: label, penalty ("none" for least squares), w1, w2, mse, penalty_value, text.
        half_width: the plotted square is [-half_width, half_width]².
    """

    lam: float
    ratio: float
    least_squares: np.ndarray
    optima: dict[str, np.ndarray]
    curves: pd.DataFrame
    points: pd.DataFrame
    half_width: float

    def zeros(self, name: str) -> int:
        return int(np.count_nonzero(self.optima[name] == 0.0))

    def curve(self, layer: str, penalty: str = "") -> np.ndarray:
        """The (w1, w2) points of one curve, shape (m, 2) (all rings for "background")."""
        rows = (self.curves.layer == layer) & (self.curves.penalty == penalty)
        return self.curves.loc[rows, ["w1", "w2"]].to_numpy()


def _curves(layer: str, curves: np.ndarray, ids, penalty, label, mse) -> dict[str, np.ndarray]:
    """Columns for K curves (K, m, 2), the per-curve values repeated over their m points."""
    count, m, _ = curves.shape

    def each(values):
        return np.repeat(np.asarray(values, dtype=object if isinstance(values[0], str) else float), m)

    return {"layer": np.full(count * m, layer, dtype=object), "curve": each(ids), "penalty": each(penalty),
            "label": each(label), "order": np.tile(np.arange(m), count),
            "w1": curves[:, :, 0].ravel(), "w2": curves[:, :, 1].ravel(), "mse": each(mse)}


def compute_picture(lam: float, ratio: float) -> Picture:
    """Fit the two-feature problem with each penalty at ``lam``; the ellipses and shapes that touch."""
    X, y = picture_problem()
    ls = closed_form.normal_equation(X, y)
    floor = float(_mse(y, X, ls)[0])
    at_origin = float(_mse(y, X, np.array([0.0, 0.0, y.mean()]))[0])
    pens = [penalty_at(name, lam, ratio) for name in PENALTIES]
    params = np.array([fit(X, y, pen) for pen in pens])
    mses = _mse(y, X, params)
    levels = np.array([float(pen.value(p[:2])) for pen, p in zip(pens, params)])
    names, labels = list(PENALTIES), list(registry.labels(registry.PENALTIES, PENALTIES).values())
    # Background ellipses evenly spaced in "distance" from the least-squares point; ring 4
    # passes through the origin (both weights zero).
    rings = floor + (np.arange(1, BACKGROUND_RINGS + 1) / 4.0) ** 2 * (at_origin - floor)
    parts = [
        _curves("background", penalized.mse_contour(X, y, rings, num=CONTOUR_POINTS),
                [f"ring-{k}" for k in range(1, BACKGROUND_RINGS + 1)], [""] * BACKGROUND_RINGS,
                [""] * BACKGROUND_RINGS, rings),
        _curves("touching", penalized.mse_contour(X, y, mses, num=CONTOUR_POINTS),
                [f"touch-{name}" for name in names], names, labels, mses),
        _curves("shape", np.array([penalized.penalty_contour(pen, level, num=CONTOUR_POINTS)
                                   for pen, level in zip(pens, levels)]),
                [f"shape-{name}" for name in names], names, labels, [np.nan] * len(names)),
    ]
    # One frame from whole columns (no pd.concat): fast, and the same data always
    # serializes the same way (concatenated Arrow strings keep their pieces as chunks).
    curves = pd.DataFrame({key: np.concatenate([part[key] for part in parts]) for key in parts[0]})
    points = pd.DataFrame({
        "label": labels + ["Least squares (no penalty)"],
        "penalty": names + ["none"],
        "w1": np.append(params[:, 0], ls[0]), "w2": np.append(params[:, 1], ls[1]),
        "mse": np.append(mses, floor), "penalty_value": np.append(levels, 0.0),
        "text": [""] * len(names) + ["least squares"],
    })
    return Picture(
        lam=float(lam), ratio=float(ratio), least_squares=ls[:2],
        optima={name: params[k, :2] for k, name in enumerate(PENALTIES)},
        curves=curves, points=points, half_width=1.25 * float(np.abs(ls[:2]).max()),
    )


# --------------------------------------------------------------------------- cached (dashboard.cache)
def _ratio_key(penalty: str, ratio: float) -> float:
    # Only elastic net reads the l1 ratio: L1 and L2 sweeps are shared across its values.
    return float(ratio) if penalty == "elastic_net" else 0.5


@scenario_cache()
def _sweep(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float) -> Sweep:
    return compute_sweep(degree, n, noise, seed, penalty, ratio)


def sweep(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float) -> Sweep:
    """Cached :func:`compute_sweep` (not recomputed when only λ moves)."""
    return _sweep(int(degree), int(n), float(noise), int(seed), penalty, _ratio_key(penalty, ratio))


@scenario_cache()
def _fit(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float, lam: float) -> Fit:
    return compute_fit(degree, n, noise, seed, penalty, ratio, lam, sweep_result=_sweep(degree, n, noise, seed, penalty, ratio))


def fit_at(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float, lam: float) -> Fit:
    """Cached :func:`compute_fit`, read from the cached sweep."""
    return _fit(int(degree), int(n), float(noise), int(seed), penalty, _ratio_key(penalty, ratio), float(lam))


@scenario_cache()
def picture(lam: float, ratio: float) -> Picture:
    """Cached :func:`compute_picture`."""
    return compute_picture(float(lam), float(ratio))


def upload_outcome(points, degree: int, n: int, seed: int, penalty: str, ratio: float, lam: float,
                   ) -> tuple[Sweep, Fit]:
    """:func:`outcome` on a learner's own points (:func:`upload_data`); not cached across sessions."""
    data = upload_data(points, n, seed)
    ratio = _ratio_key(penalty, ratio)
    sw = compute_sweep(degree, n, 0.0, seed, penalty, ratio, data=data)
    return sw, compute_fit(degree, n, 0.0, seed, penalty, ratio, lam, sweep_result=sw, data=data)


def outcome(values: Mapping[str, Any]) -> tuple[Sweep, Fit]:
    """The sweep over λ and the fit at λ of the page's control values (``DEFAULTS``' keys)."""
    data = [values[k] for k in ("degree", "n", "noise", "seed", "penalty", "ratio")]
    return sweep(*data), fit_at(*data, values["lam"])
