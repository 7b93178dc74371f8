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
  zeros are exact zeros), with ``l1``/``l2`` from :func:`core.penalties.get`.

Plain functions (``compute_*``) are testable without Streamlit; the page calls their
cached wrappers (``sweep``, ``fit_at``, ``picture``). Moving λ reuses the cached sweep: only
the row of the chosen λ is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, losses, penalized, penalties
from dashboard.cache import scenario_cache
from dashboard.controls import log_options
from dashboard.formatting import fmt
from dashboard.headline import Headline, whole
from dashboard.shared.regularization import N_VALIDATION, X_RANGE, Data, make_data, power_label
from dashboard.verdicts import Claim, say, template

PENALTIES = ("l1", "l2", "elastic_net")
DEFAULTS = {  # the link's keys
    "degree": 12, "n": 20, "noise": 0.3, "seed": 393, "penalty": "l1", "lam": 1e-4, "ratio": 0.5, "lam2": 2.5}
# Seed 393 draws points whose validation error over λ is one clean U for L1, L2 and elastic
# net alike (one dip, at λ = 0.01, 0.004 and 0.0063), with the default λ on its overfitting
# side; many seeds give a W (two dips) on 60 validation points, which the text then names.
DIP_RISE = 0.05  # a dip counts when the curve climbs 5% above it before the next dip
LABELS = {"l1": "L1", "l2": "L2", "elastic_net": "Elastic net"}  # short: the link carries them
LONG_LABELS = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elastic_net": "Elastic net"}

# The λ slider and the sweep share one grid: 1e-8 ... 10, five values a decade (46 values).
LAM_LOW, LAM_HIGH, PER_DECADE = 1e-8, 10.0, 5
# The two-weight picture has its own λ: its interesting range is where weights hit zero.
PICTURE_LAM_LOW, PICTURE_LAM_HIGH = 0.01, 10.0

GRID_POINTS = 241  # x positions of the drawn curves
CONTOUR_POINTS = 121
BACKGROUND_RINGS = 10
WILD = 10.0  # a coefficient above this size (the curve's scale is 1) is a sign of chasing noise


def lambda_grid() -> np.ndarray:
    """The λ values of the slider (and of the sweep), ascending."""
    return np.array(log_options(LAM_LOW, LAM_HIGH, PER_DECADE))


# --------------------------------------------------------------------------- data
# The built-in curve's points (make_data) live in dashboard.shared.regularization: loss_curves trains on them too.
UPLOAD_VALIDATION = 1_000  # a learner's file: at most this many validation points


def upload_data(points, n: int, seed: int) -> Data:
    """A learner's own points (``dashboard.upload.Points``) as training and validation points.

    x is mapped linearly onto [-1, 1] and y standardized (mean 0, standard deviation 1), so λ
    weighs the penalty against the error as it does for the built-in curve. ``n`` training
    points (at most two thirds of the file) are drawn with ``seed``; up to UPLOAD_VALIDATION of
    the rest validate.
    """
    x = points.x
    x = X_RANGE[0] + (x - x.min()) * ((X_RANGE[1] - X_RANGE[0]) / (x.max() - x.min()))
    y = (points.y - points.y.mean()) / points.y.std()
    n_train = min(int(n), max(2, (2 * x.size) // 3))
    order = np.random.default_rng([seed, 1]).permutation(x.size)
    train = np.sort(order[:n_train])
    val = np.sort(order[n_train:n_train + UPLOAD_VALIDATION])
    return Data(x[train], y[train], x[val], y[val], float("nan"), truth=False)


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
    return penalties.get(name, float(lam), float(ratio))


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
        curve: x, fit, truth on a fine grid of [-1, 1].
        lines: the same curves long: x, y, series ("truth" / "fit"), for the chart.
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
    curve: pd.DataFrame
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


    def coefficients(self) -> pd.DataFrame:
        """coefficient, weight, is_zero: the table behind the zero count."""
        return pd.DataFrame({
            "coefficient": [power_label(k) for k in range(1, self.degree + 1)],
            "weight": self.weights,
            "is_zero": self.weights == 0.0,
        })


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
        points=points, curve=pd.DataFrame({"x": x_grid, "fit": fitted, "truth": truth}), table=table,
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
    names, labels = list(PENALTIES), [LONG_LABELS[name] for name in PENALTIES]
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


# --------------------------------------------------------------------------- cached wrappers
# One policy for the whole dashboard: dashboard.cache.


def _ratio_key(penalty: str, ratio: float) -> float:
    # Only elastic net reads the l1 ratio: L1 and L2 sweeps are shared across its values.
    return float(ratio) if penalty == "elastic_net" else 0.5


@scenario_cache()
def _cached_sweep(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float) -> Sweep:
    return compute_sweep(degree, n, noise, seed, penalty, ratio)


def sweep(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float) -> Sweep:
    """Cached :func:`compute_sweep` (not recomputed when only λ moves)."""
    return _cached_sweep(int(degree), int(n), float(noise), int(seed), penalty, _ratio_key(penalty, ratio))


@scenario_cache()
def _cached_fit(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float, lam: float) -> Fit:
    return compute_fit(degree, n, noise, seed, penalty, ratio, lam,
                       sweep_result=_cached_sweep(degree, n, noise, seed, penalty, ratio))


def fit_at(degree: int, n: int, noise: float, seed: int, penalty: str, ratio: float, lam: float) -> Fit:
    """Cached :func:`compute_fit`, read from the cached sweep."""
    return _cached_fit(int(degree), int(n), float(noise), int(seed), penalty, _ratio_key(penalty, ratio), float(lam))


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


def headlines(sw: Sweep, ft: Fit) -> list[Headline]:
    """Training and validation MSE at λ, the best λ, the zeros and the largest coefficient."""
    name, value = ft.largest
    return [
        Headline("Training MSE", fmt(ft.train_mse), "On the training points, at your λ.", ft.train_mse,
                 better="lower"),
        Headline("Validation MSE", fmt(ft.val_mse), "On the validation points, at your λ.", ft.val_mse,
                 better="lower"),
        Headline("Best λ on validation", f"{sw.best_lam:g}",
                 f"Validation MSE {fmt(float(sw.val_mse.min()))} there.", sw.best_lam),
        Headline("Coefficients exactly 0", f"{ft.zeros} of {ft.degree}", "Weights the penalty has switched off.",
                 ft.zeros, whole),
        Headline("Largest coefficient", f"{name} = {fmt(value)}", "On standardized features.", abs(value)),
    ]


# --------------------------------------------------------------------------- text
PATHS_WORDS = "One line per coefficient (hover over one to name it); the thick dark one is the largest at your λ."


def _ridge_like(penalty: str, ratio: float) -> bool:
    """L2, or elastic net with all of λ on w² (α = 0): a penalty that never makes a weight exactly 0."""
    return penalty == "l2" or (penalty == "elastic_net" and ratio == 0)


def paths_claims(sw: Sweep) -> list[Claim]:
    """What the coefficient paths show, as claims: L2 never reaches 0; L1 does, and how often a line that
    reached 0 leaves it again as λ grows (:attr:`Sweep.departures_from_zero`)."""
    if _ridge_like(sw.penalty, sw.ratio):
        return [Claim("reg.paths_l2")]
    leaves = sw.departures_from_zero
    return [Claim("reg.paths_leave", {"times": leaves}) if leaves else Claim("reg.paths_stay")]


def paths_caption(sw: Sweep) -> str:
    """The coefficient-path chart's caption: what L1 and L2 do to a line, true for this sweep."""
    return f"{PATHS_WORDS} {say(paths_claims(sw))}"


def _side_claim(sw: Sweep, ft: Fit) -> Claim:
    """Where the chosen λ lies against the best one: the best itself; the same errors as printed (a difference
    below the digits shown is no difference to the reader); left (freer: the validation-training gap is the
    price); right with a raised training error (underfitting); or right with only the validation error to say."""
    k, best = sw.index(ft.lam), sw.best_index
    best_val, best_train = float(sw.val_mse[best]), float(sw.train_mse[best])
    if k == best:
        return Claim("reg.at_best")
    if fmt(ft.val_mse) == fmt(best_val) and fmt(ft.train_mse) == fmt(best_train):
        return Claim("reg.same_shown")
    if k < best:
        return Claim("reg.left_exact" if sw.noise == 0 else "reg.left", {"gap": ft.val_mse - ft.train_mse})
    if fmt(ft.train_mse) != fmt(best_train):
        return Claim("reg.right_underfit", {"best_train": best_train, "train": ft.train_mse})
    return Claim("reg.right", {"val": ft.val_mse, "best_val": best_val})


def _shape_claim(sw: Sweep, degree: int) -> Claim:
    """The validation curve's shape over λ: lowest at an end of the grid, several dips (:attr:`Sweep.dips`),
    or one U."""
    best, dips = sw.best_index, sw.dips
    if best == 0:
        return Claim("reg.best_smallest", {"degree": degree})
    if best == sw.lambdas.size - 1:
        return Claim("reg.best_largest")
    if len(dips) > 1:
        return Claim("reg.dips_exact" if sw.noise == 0 else "reg.dips", {
            "count": len(dips), "at": [float(sw.lambdas[i]) for i in dips], "best_lam": sw.best_lam,
            "points": N_VALIDATION})
    return Claim("reg.u", {"best_lam": sw.best_lam})


def _zero_claims(sw: Sweep, ft: Fit) -> list[Claim]:
    """How many weights are exactly 0 at λ, and what that says about the penalty: L2 only shrinks; L1 switched
    all, none (and whether a larger λ would) or some of them off."""
    d, zeros = ft.degree, ft.zeros
    if _ridge_like(ft.penalty, ft.ratio):
        claims = [Claim("reg.l2_shrinks", {"degree": d, "smallest": ft.smallest_nonzero}) if zeros == 0
                  else Claim("reg.zeros", {"zeros": zeros, "degree": d})]
        return claims + ([Claim("reg.en_is_l2")] if ft.penalty == "elastic_net" else [])
    if zeros == d:
        return [Claim("reg.all_zero", {"degree": d})]
    if zeros == 0:
        later = int(sw.zeros[-1])
        return [Claim("reg.none_zero", {"degree": d}),
                Claim("reg.zeros_later", {"penalty": ft.penalty, "later": later, "degree": d}) if later
                else Claim("reg.never_zero")]
    return [Claim("reg.some_zero", {"zeros": zeros, "degree": d, "first": int(sw.zeros[0]), "last": int(sw.zeros[-1])})]


def _size_claims(sw: Sweep, ft: Fit) -> list[Claim]:
    """The largest coefficient at λ, and the largest at the smallest λ: above :data:`WILD` it is chasing noise."""
    name, value = ft.largest
    wildest = float(np.abs(sw.weights[0]).max())
    if wildest > WILD:
        size = Claim("reg.wild", {"size": wildest, "degree": ft.degree})
    else:
        size = Claim("reg.tame_exact" if sw.noise == 0 else "reg.tame", {"size": wildest, "degree": ft.degree})
    return [Claim("reg.largest", {"name": name, "value": value}), size]


def _picture_claims(pic: Picture) -> list[Claim]:
    """Where each penalty lands in the two-weight picture, and how many of L1's two weights are exactly 0."""
    at = {p: (float(pic.optima[p][0]), float(pic.optima[p][1])) for p in PENALTIES}
    zeros = pic.zeros("l1")
    return [Claim("reg.picture", {"lam": pic.lam, **at}),
            Claim({1: "reg.corner", 2: "reg.origin"}.get(zeros, "reg.no_zero_yet"))]


def note_claims(sw: Sweep, ft: Fit, pic: Picture) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet: the errors at λ and the best λ with where
    yours lies; the training error over the sweep and the validation curve's shape; the exact zeros; the
    coefficients' size; the two-weight picture."""
    best = sw.best_index
    errors = [Claim("reg.errors", {"lam": ft.lam, "train": ft.train_mse, "val": ft.val_mse})]
    said = {"lam": sw.best_lam, "val": float(sw.val_mse[best])}
    errors.append(Claim("reg.best_noise", {**said, "noise": sw.noise}) if np.isfinite(sw.noise)
                  else Claim("reg.best", said))
    first, last = float(sw.train_mse[0]), float(sw.train_mse[-1])
    train = (Claim("reg.train_grows", {"first": first, "last": last}) if fmt(first) != fmt(last)
             else Claim("reg.train_flat", {"value": first}))
    return [errors + [_side_claim(sw, ft)], [train, _shape_claim(sw, ft.degree)], _zero_claims(sw, ft),
            _size_claims(sw, ft), _picture_claims(pic)]


def notes(sw: Sweep, ft: Fit, pic: Picture) -> list[str]:
    """The "What to notice" bullets with the live numbers of the scenario: :func:`note_claims` in words."""
    return [say(bullet) for bullet in note_claims(sw, ft, pic)]


@template("reg.paths_l2")
def _(v):
    return "L2 brings lines close to 0 but never onto it."


@template("reg.paths_leave")
def _(v):
    return ("L1 sets a weight exactly to 0 once λ outweighs that feature's pull on the fit; a line can also leave 0 "
            "again as λ grows, when other weights shrink and the feature is worth using after all: here that happens "
            f"{v['times']} time{'s' if v['times'] > 1 else ''}.")


@template("reg.paths_stay")
def _(v):
    return ("L1 sets a weight exactly to 0 once λ outweighs that feature's pull on the fit: here no line leaves 0 "
            "once it reaches it.")


@template("reg.errors")
def _(v):
    return f"At λ = {fmt(v['lam'])}, the training MSE is **{fmt(v['train'])}** and the validation MSE **{fmt(v['val'])}**."


@template("reg.best")
def _(v):
    return f"The lowest validation MSE, **{fmt(v['val'])}**, is at **λ = {fmt(v['lam'])}**."


@template("reg.best_noise")
def _(v):
    return (f"The lowest validation MSE, **{fmt(v['val'])}**, is at **λ = {fmt(v['lam'])}** (noise alone costs "
            f"σ² = {fmt(v['noise'] ** 2)}).")


@template("reg.at_best")
def _(v):
    return "Your λ is the best one on the grid for this validation set."


@template("reg.same_shown")
def _(v):
    return ("Your λ and the best one give the same errors to the digits shown: between them the penalty changes "
            "nothing you can see.")


@template("reg.left")
def _(v):
    return (f"Your λ is left of the best one: the model is freer than it should be, and the gap between validation "
            f"and training error ({fmt(v['gap'])}) is the price of fitting noise.")


@template("reg.left_exact")
def _(v):
    return (f"Your λ is left of the best one: the model is freer than it should be, and the gap between validation "
            f"and training error ({fmt(v['gap'])}) is the price of bending freely between the points (there is no "
            "noise here: the curve itself is matched at the training points and missed between them).")


@template("reg.right_underfit")
def _(v):
    return (f"Your λ is right of the best one: the penalty has raised the training error from {fmt(v['best_train'])} "
            f"to {fmt(v['train'])}, and the model starts to miss the curve itself (underfitting).")


@template("reg.right")
def _(v):
    return (f"Your λ is right of the best one: validation error is {fmt(v['val'])} against {fmt(v['best_val'])} "
            "there.")


@template("reg.train_grows")
def _(v):
    return (f"Training error only grows with λ (from {fmt(v['first'])} to {fmt(v['last'])}): a penalty never helps "
            "on the data it was fitted to.")


@template("reg.train_flat")
def _(v):
    return (f"Training error stays at {fmt(v['value'])} over the whole sweep: this model is too simple for the "
            "penalty to matter.")


@template("reg.best_smallest")
def _(v):
    return (f"Here validation error is lowest at the smallest λ: a degree-{v['degree']} polynomial on these points "
            "has too little freedom to overfit, so any penalty only hurts.")


@template("reg.best_largest")
def _(v):
    return "Here validation error is lowest at the largest λ: with this much noise, the flattest model predicts best."


def _dips_head(v) -> str:
    return f"Here the validation curve has {v['count']} dips (at λ = {', '.join(fmt(lam) for lam in v['at'])}), not one U:"


@template("reg.dips")
def _(v):
    return (f"{_dips_head(v)} {v['points']} validation points measure it roughly, and the lowest dip, at "
            f"λ = {fmt(v['best_lam'])}, wins. Another seed usually draws a single U.")


@template("reg.dips_exact")
def _(v):
    return (f"{_dips_head(v)} with no noise the {v['points']} validation points are exact, so the dips are the fit's "
            "own: as λ grows the penalty reshapes the polynomial unevenly, better between the points at some λ than "
            f"at the next. The lowest dip, at λ = {fmt(v['best_lam'])}, wins.")


@template("reg.u")
def _(v):
    return f"Validation error falls until λ = {fmt(v['best_lam'])}, then rises again: the U."


@template("reg.l2_shrinks")
def _(v):
    return (f"**0 of {v['degree']}** coefficients are exactly zero. L2 only shrinks: its smallest coefficient here "
            f"is {fmt(v['smallest'])}, small but not 0, and no λ makes it exactly 0.")


@template("reg.zeros")
def _(v):
    return f"**{v['zeros']} of {v['degree']}** coefficients are exactly zero."


@template("reg.en_is_l2")
def _(v):
    return "With α = 0, elastic net puts all of λ on w²: it is L2 (ridge)."


@template("reg.all_zero")
def _(v):
    return (f"**{v['degree']} of {v['degree']}** coefficients are exactly zero: the penalty has switched every "
            "feature off, and the fit is the flat line y = mean(y).")


@template("reg.none_zero")
def _(v):
    return f"**0 of {v['degree']}** coefficients are exactly zero: at this λ the penalty only shrinks."


@template("reg.zeros_later")
def _(v):
    return (f"Raise λ and {'L1' if v['penalty'] == 'l1' else 'elastic net'} starts switching features off (at the "
            f"largest λ, {v['later']} of {v['degree']} are zero).")


@template("reg.never_zero")
def _(v):
    return "Even at the largest λ none is exactly 0."


@template("reg.some_zero")
def _(v):
    return (f"**{v['zeros']} of {v['degree']}** coefficients are exactly zero: the penalty switched those features "
            f"off entirely (at the smallest λ, {v['first']} are zero; at the largest, {v['last']}).")


@template("reg.largest")
def _(v):
    return f"The largest coefficient is {v['name']} = **{fmt(v['value'])}** (on standardized features)."


@template("reg.wild")
def _(v):
    return (f"At the smallest λ the largest has size {fmt(v['size'])}: huge coefficients that nearly cancel each "
            f"other are how a degree-{v['degree']} polynomial bends through the noise.")


@template("reg.tame")
def _(v):
    return (f"Even at the smallest λ no coefficient is larger than {fmt(v['size'])} in size: here a "
            f"degree-{v['degree']} polynomial gets close to the points without the huge, cancelling coefficients "
            "that chasing noise takes.")


@template("reg.tame_exact")
def _(v):
    return (f"Even at the smallest λ no coefficient is larger than {fmt(v['size'])} in size: with no noise there is "
            "nothing to chase, and the polynomial follows the curve itself.")


@template("reg.picture")
def _(v):
    def at(p):
        return f"({fmt(v[p][0])}, {fmt(v[p][1])})"
    return (f"In the two-weight picture (λ = {fmt(v['lam'])}), L1 lands at (w₁, w₂) = {at('l1')}, L2 at {at('l2')} "
            f"and elastic net at {at('elastic_net')}.")


@template("reg.corner")
def _(v):
    return ("The diamond touches its ellipse at a corner, on an axis, so one weight is exactly 0; the circle has no "
            "corners, so L2 keeps both weights.")


@template("reg.origin")
def _(v):
    return ("λ is so strong that L1 has shrunk its diamond to the origin: both weights are 0, while L2 still keeps "
            "two small ones.")


@template("reg.no_zero_yet")
def _(v):
    return "No weight is zero yet: raise this λ until the shrinking diamond meets its ellipse at a corner."
