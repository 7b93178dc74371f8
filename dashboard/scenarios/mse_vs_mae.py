"""Compute for "What does one outlier do to MSE and MAE?": three fits, their shift, who carries the loss.

:func:`compute` is a plain function of five small scenario parameters (testable without
Streamlit); :func:`scenario` is its cached wrapper for the page.

Two data sources:

- ``"synthetic"``: :func:`core.datasets.line_with_outliers` (n = 30 points around
  y = 2x + 1 with unit noise); the last ``n_outliers`` points (largest x) are shifted by
  ``outlier_shift``.
- ``"lagos"``: the lesson's three Lagos houses (:func:`core.datasets.lagos_houses`),
  drawn as x = the model's predicted price and y = the true price, so the given model is
  the identity line y = x. Its misses are +3, -5 and +10 million naira; the house with the
  10M miss is marked as the outlier.

Every per-point loss contribution is measured against one *reference* line, so MSE and
MAE score the same errors (exactly as in the lesson's example): the given model for the
Lagos houses, and the least-squares line through the clean points for synthetic data.

The three fits: MSE by :func:`core.closed_form.normal_equation` (exact), MAE by
:func:`core.closed_form.quantile_fit` with q = 0.5 (exact, a linear program), Huber by
:func:`core.fits.huber_fit` (full-batch gradient descent on standardized x, run until
the gradient vanishes), each fitted once on all points and once on the clean points only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, fits
from dashboard import registry, upload
from dashboard.cache import scenario_cache
from dashboard.formatting import fmt, negligible, pct, residual, signed
from dashboard.headline import Headline, percentage_points
from dashboard.shared.mse_vs_mae import FIT_LABELS, FITS
from dashboard.verdicts import Claim, say, template

SOURCES = ("synthetic", "lagos")
DEFAULTS = {"data": "synthetic", "outliers": 1, "shift": 20, "delta": 1.0, "seed": 0}  # the link's keys
FIT_METHODS = {
    "mse": "normal equation (exact)",
    "mae": "linear program, q = 0.5 (exact)",
    "huber": "gradient descent (fit_linear)",
}

# The synthetic line: fixed so that the five controls are the whole scenario.
N_POINTS = 30
TRUE_SLOPE = 2.0
TRUE_INTERCEPT = 1.0
NOISE = 1.0
SQUARING_CONFUSION = ("Squaring makes a large error grow quadratically, not exponentially: an error twice as "
                      "large costs 4 times as much, ten times as large costs 100 times.")
OUTLIER_NOISE_WIDTHS = 2  # a point pushed less than this many noise widths off the line is no outlier
OUTLIER_MADS = 3.0  # in a learner's own data: an outlier lies this many robust widths off the MAE line
DOMINATES = 0.5  # one point "dominates" a loss when it carries more than half of it
SHOWN_POINTS = 1_000  # an upload's scatter draws at most this many points (every outlier first, up to half)
SHOWN_BARS = 50  # and its contribution bars the points with the largest squared errors

# Huber by gradient descent (core.fits.huber_fit): lr = 1 on standardized x (the Hessian
# of the quadratic part is then at most the identity), in growing chunks until converged.
HUBER_LR = 1.0
HUBER_CHUNK = 25  # first chunk of steps; each further chunk is twice as long
HUBER_MAX_STEPS = 20_000
HUBER_GRAD_TOL = 1e-9

SHAPE_POINTS = 201
SHIFTS = (-40, 40)  # the distance slider's ends; the slope-against-shift chart spans every whole step between


@dataclass(frozen=True)
class HuberRun:
    """How the Huber fit was found: gradient descent steps and the final gradient norm."""

    steps: int
    lr: float
    grad_norm: float  # of the mean Huber loss in the standardized (w, b) at the end
    converged: bool
    start: str  # "mse" or "mae": the exact fit it was warm-started from


@dataclass(frozen=True)
class FitRow:
    """One fit's line with and without the outliers (a row of :attr:`Outcome.fits`)."""

    fit: str
    label: str
    method: str
    slope: float
    intercept: float
    slope_clean: float
    intercept_clean: float
    slope_moved: float
    intercept_moved: float


@dataclass(frozen=True)
class Outcome:
    """Everything the page shows for one scenario.

    Attributes:
        source: "synthetic", "lagos" or "upload" (a learner's own points, :func:`compute_upload`).
        delta: the Huber delta.
        n_outliers: how many points are marked as outliers.
        points: one row per point: ``point`` (1..n, in x order), ``label``, ``x``, ``y``,
            ``is_outlier``, ``reference`` (the reference line at x), ``residual``
            (reference - y, i.e. prediction - truth), ``mse`` (residual^2), ``mae``
            (|residual|), ``mse_share`` and ``mae_share`` (fractions of the totals).
        contributions: ``points`` in long form, one row per (point, loss) with ``loss``
            ("MSE"/"MAE"), ``value`` and ``share``.
        lines: the fitted lines and the reference line at the ends of the x range:
            ``fit`` (mse/mae/huber/reference), ``label``, ``x``, ``y``.
        fits: one row per fit: ``fit``, ``label``, ``method``, ``slope``, ``intercept``,
            ``slope_clean``, ``intercept_clean``, ``slope_moved``, ``intercept_moved``.
        shapes: loss and derivative against the residual: ``residual``, ``fit``, ``label``,
            ``loss``, ``pull`` (d loss / d prediction).
        marks: the same columns at the outliers' errors only (dots on the curves).
        reference_label: what the reference line is, for legends and text.
        mse, mae: the reference line's mean squared and mean absolute error.
        outlier_share_mse, outlier_share_mae: share of the total the outliers carry.
        top_point: label of the point with the largest squared error.
        top_share_mse, top_share_mae: that point's shares of the two totals.
        inside_delta: how many points of all the data sit within delta of the Huber line.
        huber, huber_clean: how the two Huber fits were found.
        fit_rows: the rows of ``fits`` as :class:`FitRow` by fit name (see :meth:`fit`).
    """

    source: str
    delta: float
    n_outliers: int
    points: pd.DataFrame
    contributions: pd.DataFrame
    lines: pd.DataFrame
    fits: pd.DataFrame
    shapes: pd.DataFrame
    marks: pd.DataFrame
    reference_label: str
    mse: float
    mae: float
    outlier_share_mse: float
    outlier_share_mae: float
    top_point: str
    top_share_mse: float
    top_share_mae: float
    inside_delta: int
    huber: HuberRun
    huber_clean: HuberRun
    fit_rows: dict[str, FitRow]
    shift: float = 0.0  # how far the outliers were pushed off the line (synthetic data)

    @property
    def rmse(self) -> float:
        """Root of the MSE: the squared error back in the data's own units."""
        return float(np.sqrt(self.mse))

    @property
    def marked(self) -> str:
        """What the marked points are called: "Outliers", or "Moved points" while they sit within the
        noise (:attr:`outliers_are_noise`: the page says they are not outliers, so nothing calls them so)."""
        return "Moved points" if self.outliers_are_noise else "Outliers"

    @property
    def marked_one(self) -> str:
        """What one marked point is called, as :attr:`marked`: "Outlier", or "Moved point" within the noise."""
        return "Moved point" if self.outliers_are_noise else "Outlier"

    @property
    def share_label(self) -> str:
        """A headline's start, short enough for a metric: "Outliers' share of" or "Moved: share of"."""
        return "Moved: share of" if self.outliers_are_noise else "Outliers' share of"

    @property
    def outliers_are_noise(self) -> bool:
        """Shifted by less than :data:`OUTLIER_NOISE_WIDTHS` noise widths: no outlier at all."""
        return self.source == "synthetic" and self.n_outliers > 0 and abs(self.shift) < OUTLIER_NOISE_WIDTHS * NOISE

    def fit(self, name: str) -> FitRow:
        """The row of :attr:`fits` for ``name`` (mse, mae or huber)."""
        return self.fit_rows[name]


# --------------------------------------------------------------------------- fits


def huber_fit(x: np.ndarray, y: np.ndarray, delta: float, *,
              starts: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, HuberRun]:
    """The line minimizing the mean Huber loss (:func:`core.fits.huber_fit`).

    Args:
        x, y: arrays of shape (n,).
        delta: the Huber delta (> 0).
        starts: the exact fits ``{"mse": [w, b], "mae": [w, b]}`` if already known
            (otherwise they are computed here); the fit starts from the better one.

    Returns:
        ([slope, intercept], the HuberRun report).
    """
    if starts is None:
        starts = {"mse": closed_form.normal_equation(x[:, None], y), "mae": closed_form.quantile_fit(x[:, None], y)}
    names = list(starts)
    fit = fits.huber_fit(x, y, delta=delta, starts=[starts[k] for k in names], tol=HUBER_GRAD_TOL,
                         first_chunk=HUBER_CHUNK, max_steps=HUBER_MAX_STEPS)
    return fit.params, HuberRun(steps=fit.steps, lr=HUBER_LR, grad_norm=fit.grad_norm, converged=fit.converged,
                                start=names[fit.start])


def _fit_all(x: np.ndarray, y: np.ndarray, delta: float, mae: np.ndarray | None = None,
             ) -> tuple[dict[str, np.ndarray], HuberRun]:
    params = {
        "mse": closed_form.normal_equation(x[:, None], y),
        "mae": closed_form.quantile_fit(x[:, None], y, q=0.5) if mae is None else mae,
    }
    params["huber"], run = huber_fit(x, y, delta, starts=dict(params))
    return params, run


# --------------------------------------------------------------------------- data


def _data(source: str, n_outliers: int, outlier_shift: float, seed: int):
    """x, y, outlier mask, reference line (slope, intercept), point labels, reference label."""
    if source == "lagos":
        ex = datasets.lagos_houses()
        x = ex.prediction("model")
        y = ex.y_true
        errors = np.abs(x - y)
        is_outlier = errors == errors.max()
        labels = [f"House {i + 1}" for i in range(len(x))]
        return x, y, is_outlier, np.array([1.0, 0.0]), labels, "The given model (prediction = price)"
    data = datasets.line_with_outliers(
        n=N_POINTS, slope=TRUE_SLOPE, intercept=TRUE_INTERCEPT, noise=NOISE,
        n_outliers=n_outliers, outlier_shift=outlier_shift, seed=seed,
    )
    clean = ~data.is_outlier
    reference = closed_form.normal_equation(data.x[clean][:, None], data.y[clean])
    labels = [f"Point {i + 1}" for i in range(len(data.x))]
    return data.x, data.y, data.is_outlier, reference, labels, "Least squares on the clean points"


def _loss_table(delta: float, residuals: np.ndarray) -> pd.DataFrame:
    """Loss and pull (d loss / d prediction) of MSE, MAE and Huber at the given errors.

    Columns ``residual, fit, label, loss, pull``: one block of rows per loss, in FITS order.
    """
    m = len(residuals)
    made = [registry.LOSSES[k].build(delta=delta) if k == "huber" else registry.LOSSES[k].build() for k in FITS]
    zero = np.zeros_like(residuals)
    empty = np.zeros(0)
    return pd.DataFrame({
        "residual": np.tile(residuals, len(FITS)),
        "fit": np.repeat(FITS, m).astype(object),
        "label": np.repeat([FIT_LABELS[k] for k in FITS], m).astype(object),
        "loss": np.concatenate([f.value(zero, residuals) if m else empty for f in made]),
        "pull": np.concatenate([f.grad(zero, residuals) if m else empty for f in made]),
    })


def _moved(with_outliers: float, clean: float) -> float:
    """The difference, with round-off of two equal exact fits (e.g. 1e-15) shown as 0."""
    diff = float(with_outliers - clean)
    return 0.0 if abs(diff) <= 1e-9 * max(1.0, abs(with_outliers), abs(clean)) else diff


def _share(values: np.ndarray, scale: float) -> np.ndarray:
    """Each value's share of their total; all 0 when the total is round-off against the data's
    ``scale`` (a line through every point leaves errors of 1e-16, not a share of 100%)."""
    total = values.sum()
    return values / total if not negligible(total, scale) and total > 0 else np.zeros_like(values)


def compute(source: str, n_outliers: int, outlier_shift: float, delta: float, seed: int) -> Outcome:
    """The whole scenario (see the module docstring). Bad arguments raise ValueError."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}; got {source!r}")
    delta = float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"delta must be a positive number; got {delta!r}")
    x, y, is_outlier, ref, labels, ref_label = _data(source, int(n_outliers), float(outlier_shift), int(seed))
    return _outcome(source, x, y, is_outlier, ref, labels, ref_label, delta,
                    float(outlier_shift) if source == "synthetic" else 0.0)


def _outcome(source: str, x: np.ndarray, y: np.ndarray, is_outlier: np.ndarray, ref: np.ndarray, labels: list[str],
             ref_label: str, delta: float, shift: float, full_mae: np.ndarray | None = None) -> Outcome:
    clean = ~is_outlier
    full, run = _fit_all(x, y, delta, mae=full_mae)
    clean_fit, run_clean = _fit_all(x[clean], y[clean], delta)

    reference = ref[0] * x + ref[1]
    residual = reference - y
    sq, ab = residual**2, np.abs(residual)
    n = len(x)
    mse_share, mae_share = _share(sq, float(np.sum(y**2))), _share(ab, float(np.sum(np.abs(y))))
    points = pd.DataFrame({
        "point": np.arange(1, n + 1), "label": labels, "x": x, "y": y, "is_outlier": is_outlier,
        "reference": reference, "residual": residual, "mse": sq, "mae": ab,
        "mse_share": mse_share, "mae_share": mae_share,
    })
    contributions = pd.DataFrame({
        "point": np.tile(points.point.to_numpy(), 2), "label": labels * 2, "x": np.tile(x, 2), "y": np.tile(y, 2),
        "is_outlier": np.tile(is_outlier, 2), "residual": np.tile(residual, 2),
        "fit": np.repeat(["mse", "mae"], n), "loss": np.repeat(["MSE", "MAE"], n),
        "value": np.concatenate([sq, ab]), "share": np.concatenate([mse_share, mae_share]),
    })

    ends = np.array([x.min(), x.max()])
    line_params = [full[k] for k in FITS] + [ref]
    lines = pd.DataFrame({
        "fit": np.repeat([*FITS, "reference"], 2),
        "label": np.repeat([f"{FIT_LABELS[k]} fit" for k in FITS] + [ref_label], 2),
        "x": np.tile(ends, len(line_params)),
        "y": np.concatenate([p[0] * ends + p[1] for p in line_params]),
    })
    rows = {k: FitRow(
        fit=k, label=FIT_LABELS[k], method=FIT_METHODS[k],
        slope=float(full[k][0]), intercept=float(full[k][1]),
        slope_clean=float(clean_fit[k][0]), intercept_clean=float(clean_fit[k][1]),
        slope_moved=_moved(full[k][0], clean_fit[k][0]), intercept_moved=_moved(full[k][1], clean_fit[k][1]),
    ) for k in FITS}
    fits = pd.DataFrame([vars(r) for r in rows.values()])

    # The curves reach past every point's error and past the Huber bend at delta.
    reach = max(1.15 * float(ab.max()), 1.25 * delta, 3.0)
    huber_residual = np.abs(full["huber"][0] * x + full["huber"][1] - y)
    top = int(np.argmax(sq))
    return Outcome(
        source=source, delta=delta, n_outliers=int(is_outlier.sum()),
        points=points, contributions=contributions, lines=lines, fits=fits,
        shapes=_loss_table(delta, np.linspace(-reach, reach, SHAPE_POINTS)),
        marks=_loss_table(delta, residual[is_outlier]), reference_label=ref_label, fit_rows=rows,
        mse=float(sq.mean()), mae=float(ab.mean()),
        outlier_share_mse=float(mse_share[is_outlier].sum()), outlier_share_mae=float(mae_share[is_outlier].sum()),
        top_point=labels[top], top_share_mse=float(mse_share[top]), top_share_mae=float(mae_share[top]),
        inside_delta=int((huber_residual <= delta).sum()),
        huber=run, huber_clean=run_clean, shift=shift,
    )


def upload_outliers(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which uploaded points are outliers, and the MAE line it was judged by.

    A point is an outlier when its error from the least-absolute-deviations line is more than
    OUTLIER_MADS robust widths (1.4826 × the median absolute deviation of the errors, which is
    the standard deviation for normal noise; an outlier cannot inflate it as it inflates the
    standard deviation). Returns the mask (n,) and the MAE line's (slope, intercept).
    """
    mae = closed_form.quantile_fit(x[:, None], y, q=0.5)
    r = y - (mae[0] * x + mae[1])
    width = 1.4826 * float(np.median(np.abs(r - np.median(r))))
    if width == 0:  # more than half the points on one line: anything off it stands out
        width = 1e-12 * max(1.0, float(np.abs(y).max()))
    return np.abs(r) > OUTLIER_MADS * width, mae


FIT_ROWS = 20_000  # the exact MAE fit is a linear program over every point: 100,000 took 1.3 s and 240 MB


def fitted_points(points: upload.Points | None) -> upload.Points | None:
    """The learner's points as this view fits them: all of them, or a seeded sample of
    :data:`FIT_ROWS` (the page's caption says so, through the points' note)."""
    if points is None or points.n <= FIT_ROWS:
        return points
    keep = upload.sample(points.n, FIT_ROWS, upload.SAMPLE_SEED)
    said = (f"The three fits use a random sample of {FIT_ROWS:,} of these rows (seed {upload.SAMPLE_SEED}): "
            "the exact absolute-error fit solves a linear program over every point it is given.")
    return replace(points, x=points.x[keep], y=points.y[keep], note=" ".join(filter(None, (points.note, said))))


def compute_upload(points: upload.Points, delta: float) -> Outcome:
    """The scenario on a learner's own points: outliers found by :func:`upload_outliers`.

    The points are put in x order; each keeps its data row number as its label. Not cached
    across sessions (``dashboard.upload.remembered`` keeps it in the uploading session).
    """
    delta = float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"delta must be a positive number; got {delta!r}")
    order = np.argsort(points.x, kind="stable")
    x, y = points.x[order], points.y[order]
    is_outlier, mae = upload_outliers(x, y)
    clean = ~is_outlier
    if clean.sum() >= 2 and np.ptp(x[clean]) > 0:
        ref = closed_form.normal_equation(x[clean][:, None], y[clean])
    else:
        ref, is_outlier = closed_form.normal_equation(x[:, None], y), np.zeros_like(is_outlier)
    labels = [f"Row {i + 1}" for i in order]
    return _outcome("upload", x, y, is_outlier, ref, labels, "Least squares on the points that are no outliers",
                    delta, 0.0, full_mae=mae)


@dataclass(frozen=True, eq=False)
class Shown:
    """What the charts draw of an outcome: all of it, or for a large upload a part.

    Attributes:
        points: every point, or SHOWN_POINTS of them (every outlier first, up to half; the
            rest a seeded sample of the clean points), in x order.
        contributions: every point's bars, or those of the SHOWN_BARS largest squared errors.
        marks: the outliers' dots on the loss curves, at most SHOWN_BARS (the largest errors).
        note: '' when everything is drawn, else a sentence saying what is.
    """

    points: pd.DataFrame
    contributions: pd.DataFrame
    marks: pd.DataFrame
    note: str


def shown(out: Outcome) -> Shown:
    """The part of ``out`` the charts draw (all of it up to SHOWN_POINTS points)."""
    pts = out.points
    n = len(pts)
    if n <= SHOWN_BARS:
        return Shown(pts, out.contributions, out.marks, "")
    rng = np.random.default_rng(0)
    outliers = np.flatnonzero(pts.is_outlier.to_numpy())
    if outliers.size > SHOWN_POINTS // 2:
        outliers = np.sort(rng.choice(outliers, SHOWN_POINTS // 2, replace=False))
    clean = np.flatnonzero(~pts.is_outlier.to_numpy())
    room = min(clean.size, SHOWN_POINTS - outliers.size)
    keep = np.sort(np.concatenate([outliers, rng.choice(clean, room, replace=False)]))
    largest = np.sort(np.argsort(-pts.mse.to_numpy(), kind="stable")[:SHOWN_BARS])
    bars = out.contributions[out.contributions.point.isin(pts.point.to_numpy()[largest])]
    marks = out.marks
    if len(marks) > SHOWN_BARS * len(FITS):
        errors = np.abs(marks.residual.to_numpy()[: len(marks) // len(FITS)])
        top = np.sort(np.argsort(-errors, kind="stable")[:SHOWN_BARS])
        per = len(marks) // len(FITS)
        marks = marks.iloc[np.concatenate([top + k * per for k in range(len(FITS))])]
    scatter = pts if n <= SHOWN_POINTS else pts.iloc[keep]
    drawn = "" if n <= SHOWN_POINTS else f"The scatter draws {len(keep):,} of the {n:,} points (every outlier first). "
    return Shown(scatter, bars, marks, f"{drawn}The bars show the {SHOWN_BARS} points with the largest squared "
                                       f"errors of all {n:,}; every number is computed on all of them.")


@scenario_cache()
def scenario(source: str, n_outliers: int, outlier_shift: float, delta: float, seed: int) -> Outcome:
    """:func:`compute`, cached on the five scenario parameters."""
    return compute(source, n_outliers, outlier_shift, delta, seed)


def slope_curves(n_outliers: int, delta: float, seed: int) -> pd.DataFrame:
    """Each fit's slope on all points with the outliers at every whole shift of the slider, :data:`SHIFTS`.

    Columns ``shift, fit, label, slope``: one block of rows per fit, in FITS order. The data are
    the noisy line's (:func:`core.datasets.line_with_outliers`); the outliers are pushed by each
    shift in turn, so the slope at the slider's shift is the one :func:`compute` reports. The MSE
    slope is linear in y, so all of it comes from two exact fits: the data unpushed plus each shift
    times the fit of the outlier indicator (the outliers' summed weight, "The math"). MAE is one
    linear program per shift; Huber one gradient-descent fit per shift, warm-started from the fit
    at the shift before (the start with the lowest objective wins, as in :func:`huber_fit`).
    """
    delta = float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"delta must be a positive number; got {delta!r}")
    data = datasets.line_with_outliers(n=N_POINTS, slope=TRUE_SLOPE, intercept=TRUE_INTERCEPT, noise=NOISE,
                                       n_outliers=int(n_outliers), outlier_shift=0.0, seed=int(seed))
    x, marked = data.x, data.is_outlier.astype(float)
    shifts = np.arange(SHIFTS[0], SHIFTS[1] + 1, dtype=float)
    ys = data.y + shifts[:, None] * marked  # (S, n): the data at every shift, as line_with_outliers draws them
    mse = closed_form.normal_equation(x[:, None], data.y)[0] + shifts * closed_form.normal_equation(x[:, None],
                                                                                                    marked)[0]
    mae = np.array([closed_form.quantile_fit(x[:, None], y, q=0.5) for y in ys])
    huber, before = np.empty_like(mae), None
    for i, y in enumerate(ys):
        starts = {"mse": closed_form.normal_equation(x[:, None], y), "mae": mae[i]}
        if before is not None:
            starts["before"] = before
        huber[i], _ = huber_fit(x, y, delta, starts=starts)
        before = huber[i]
    slopes = {"mse": mse, "mae": mae[:, 0], "huber": huber[:, 0]}
    return pd.DataFrame({
        "shift": np.tile(shifts, len(FITS)),
        "fit": np.repeat(FITS, shifts.size).astype(object),
        "label": np.repeat([FIT_LABELS[k] for k in FITS], shifts.size).astype(object),
        "slope": np.concatenate([slopes[k] for k in FITS]),
    })


@scenario_cache()
def cached_slope_curves(n_outliers: int, delta: float, seed: int) -> pd.DataFrame:
    """:func:`slope_curves`, cached: moving the outliers (the shift) leaves it as it is."""
    return slope_curves(n_outliers, delta, seed)


# --------------------------------------------------------------------------- text


def outcome(values: Mapping[str, Any]) -> Outcome:
    """The scenario of the page's control values (``DEFAULTS``' keys)."""
    return scenario(values["data"], int(values["outliers"]), float(values["shift"]), float(values["delta"]),
                    int(values["seed"]))


def headlines(out: Outcome) -> list[Headline]:
    """The numbers over the charts: the Lagos model's scores, or the outliers' pull on each fit."""
    if out.source == "lagos":
        # The lesson scores a given model on three houses: no line is fitted.
        worst = out.points.loc[out.points.mse.idxmax()]
        return [
            Headline("MSE", f"{fmt(out.mse)} (₦M)²", "Mean of the squared misses, in squared millions of naira.",
                     out.mse, better="lower"),
            Headline("RMSE", f"₦{fmt(out.rmse, 3)}M", "Square root of the MSE: back in naira.", out.rmse,
                     better="lower"),
            Headline("MAE", f"₦{out.mae:.1f}M", "Mean of the absolute misses.", out.mae, better="lower"),
            Headline(f"{worst.label}'s share of MSE", pct(worst.mse_share), "Its squared miss over the total.",
                     worst.mse_share, percentage_points),
            Headline(f"{worst.label}'s share of MAE", pct(worst.mae_share), "Its absolute miss over the total.",
                     worst.mae_share, percentage_points),
        ]
    moved = {k: out.fit(k).slope_moved for k in FITS}
    return [
        Headline(f"{out.share_label} MSE", pct(out.outlier_share_mse),
                 "Of the total squared error of the dotted grey line.", out.outlier_share_mse, percentage_points,
                 key="share-mse"),
        Headline(f"{out.share_label} MAE", pct(out.outlier_share_mae),
                 "Of the total absolute error of the dotted grey line.", out.outlier_share_mae, percentage_points,
                 key="share-mae"),
        *(Headline(f"{FIT_LABELS[k]} slope moved", signed(moved[k]),
                   "Fit on all points minus fit on clean points.", moved[k]) for k in FITS),
    ]


def _whole(value: float) -> str:
    """9, 25, 100 for whole numbers; 4 significant digits otherwise."""
    return f"{value:.0f}" if float(value).is_integer() else fmt(value)


def farthest_claims(out: Outcome) -> list[Claim]:
    """Each loss's penalty and pull at the farthest outlier (the first of those as far), as a claim; none
    without outliers."""
    marks = out.marks
    if not len(marks):
        return []
    r = marks.residual.to_numpy()
    far = np.flatnonzero(np.abs(r) == np.abs(r).max())
    labels = marks.label.to_numpy()[far]

    def values(field: str) -> list[tuple[str, float]]:
        first = dict(zip(labels[::-1], marks[field].to_numpy()[far][::-1]))  # one value per loss
        return [(label, float(first[label])) for label in dict.fromkeys(labels)]

    return [Claim("mae.farthest", {"marked": _marked_one(out), "error": float(r[far[0]]), "penalty": values("loss"),
                                   "pull": values("pull")})]


def _marked_one(out: Outcome) -> str:
    """One marked point, by what it is: an outlier, or a moved point while it sits within the noise."""
    return out.marked_one.lower()


def farthest_values(out: Outcome) -> str:
    """The caption of the loss shapes ("" without outliers): 'At the farthest outlier (error +10): penalty
    MSE 100 · MAE 10 · Huber 9.5; pull MSE 20 · MAE 1 · Huber 1.' (:func:`farthest_claims` in words)."""
    return say(farthest_claims(out))


@template("mae.farthest")
def _(v):
    def listed(pairs) -> str:
        return " · ".join(f"{label} {value:.4g}" for label, value in pairs)

    return (f"At the farthest {v['marked']} (error {v['error']:+.3g}): penalty {listed(v['penalty'])}; "
            f"pull {listed(v['pull'])}.")


def shapes_claims(out: Outcome) -> list[Claim]:
    """The loss shapes' caption as claims: where Huber bends, and, only where points are marked, that the
    dashed rules are their errors (outliers or moved points, as :attr:`Outcome.marked` names them) and each
    loss's penalty and pull at the farthest (:func:`farthest_claims`)."""
    marked = [Claim("mae.marked_errors", {"marked": out.marked.lower()})] if len(out.marks) else []
    return [Claim("mae.bend", {"delta": out.delta}), *marked, *farthest_claims(out)]


def shapes_caption(out: Outcome) -> str:
    """The caption under the loss shapes (:func:`shapes_claims` in words)."""
    return say(shapes_claims(out))


@template("mae.bend")
def _(v):
    return f"Dotted green: ±δ = ±{fmt(v['delta'])}, where Huber bends."


@template("mae.marked_errors")
def _(v):
    return f"Dashed black: the {v['marked']}' errors."


def bars_claims(out: Outcome) -> list[Claim]:
    """The contribution bars' caption as a claim: the two totals the shares are of, and what ▼ marks (the
    largest Lagos miss, or the marked points where there are any)."""
    totals = {"mse": out.mse, "mae": out.mae, "marked": out.marked.lower()}
    if out.source == "lagos":
        return [Claim("mae.bars_lagos", totals)]
    return [Claim("mae.bars_marked" if out.n_outliers else "mae.bars", totals)]


def bars_caption(out: Outcome) -> str:
    """The caption under the contribution bars (:func:`bars_claims` in words)."""
    return say(bars_claims(out))


@template("mae.bars_lagos")
def _(v):
    return (f"Each house's share of the model's total squared and absolute error (MSE {fmt(v['mse'])}, "
            f"MAE {v['mae']:.1f}). ▼ marks the largest miss.")


@template("mae.bars")
def _(v):
    return (f"Each point's share of the total squared and absolute error of the dotted grey line "
            f"(MSE {fmt(v['mse'])}, MAE {fmt(v['mae'])}).")


@template("mae.bars_marked")
def _(v):
    return (f"Each point's share of the total squared and absolute error of the dotted grey line "
            f"(MSE {fmt(v['mse'])}, MAE {fmt(v['mae'])}). ▼ marks the {v['marked']}.")


def note_claims(out: Outcome) -> list[Claim]:
    """The "What to notice" bullets as claims, one bullet each: the Lagos houses' scores, or (for an upload,
    after how many outliers the robust rule found) what the marked points did to the three fits."""
    if out.source == "lagos":
        return lagos_claims(out)
    if out.source == "upload":
        found = {"k": out.n_outliers, "n": len(out.points), "mads": OUTLIER_MADS}
        return [Claim("mae.upload_outliers" if out.n_outliers else "mae.upload_clean", found), *synthetic_claims(out)]
    return synthetic_claims(out)


def notes(out: Outcome) -> list[str]:
    """The "What to notice" bullets with the scenario's live numbers (:func:`note_claims` in words)."""
    return [say([claim]) for claim in note_claims(out)]


@template("mae.upload_outliers")
def _(v):
    return (f"{v['k']} of the {v['n']:,} points lie{'s' if v['k'] == 1 else ''} more than {fmt(v['mads'])} robust "
            "widths (1.4826 × the median absolute deviation) from the MAE line, and count as outliers here; the "
            "clean-points line is least squares on the rest.")


@template("mae.upload_clean")
def _(v):
    return (f"None of the {v['n']:,} points lies more than {fmt(v['mads'])} robust widths (1.4826 × the median "
            "absolute deviation) from the MAE line: by that rule your data have no outliers.")


def lagos_claims(out: Outcome) -> list[Claim]:
    """The lesson's three houses: the misses and the two means, the largest miss's shares of each, the RMSE."""
    pts = out.points
    worst = pts.loc[pts.mse.idxmax()]
    return [
        Claim("mae.lagos_means", {"misses": [float(r) for r in pts.residual], "squared": [float(v) for v in pts.mse],
                                  "absolute": [float(v) for v in pts.mae], "mse": out.mse, "mae": out.mae}),
        Claim("mae.lagos_largest", {"label": str(worst.label), "miss": float(worst.residual),
                                    "squared": float(worst.mse), "squared_total": float(pts.mse.sum()),
                                    "absolute": float(worst.mae), "absolute_total": float(pts.mae.sum()),
                                    "mse_share": float(worst.mse_share), "mae_share": float(worst.mae_share)}),
        Claim("mae.lagos_rmse", {"mse": out.mse, "rmse": out.rmse, "mae": out.mae}),
    ]


def _listed(values, each) -> str:
    """'a, b and c' of ``values``, each written by ``each``."""
    return ", ".join(each(v) for v in values[:-1]) + f" and {each(values[-1])}"


@template("mae.lagos_means")
def _(v):
    n = len(v["misses"])
    return (f"The model's misses (prediction − price) are {_listed(v['misses'], signed)} million naira. Squared they "
            f"cost {_listed(v['squared'], _whole)}, so **MSE = {_whole(sum(v['squared']))} / {n} = {fmt(v['mse'])}** "
            f"(million naira)²; taken as absolute values they cost {_listed(v['absolute'], _whole)}, so **MAE = "
            f"{_whole(sum(v['absolute']))} / {n} = {v['mae']:.1f}** million naira.")


@template("mae.lagos_largest")
def _(v):
    return (f"{v['label']}'s ₦{_whole(abs(v['miss']))}M miss is {_whole(v['squared'])}/{_whole(v['squared_total'])} = "
            f"**{pct(v['mse_share'])} of the MSE** but only {_whole(v['absolute'])}/{_whole(v['absolute_total'])} = "
            f"**{pct(v['mae_share'])} of the MAE**: squaring hands the largest miss most of the blame.")


@template("mae.lagos_rmse")
def _(v):
    return (f"MSE is in squared naira, which nobody prices a house in; its square root, **RMSE = √{fmt(v['mse'])} = "
            f"{fmt(v['rmse'], 3)}** million naira, is back in naira. It is above the MAE ({v['mae']:.1f}) because "
            "squaring weighs the largest miss most; the two are equal only when every miss is the same size.")


def huber_claim(out: Outcome) -> Claim:
    """How many points lie within δ of the Huber line: all of them (Huber is then half the squared error)
    or some."""
    n = len(out.points)
    return Claim("mae.huber_all_inside" if out.inside_delta == n else "mae.huber_some_inside",
                 {"inside": out.inside_delta, "n": n, "delta": out.delta})


def _moves(out: Outcome) -> dict[str, Any]:
    """Each fit's slope and intercept with and without the marked points, and how far they moved."""
    return {k: {"slope": out.fit(k).slope, "slope_clean": out.fit(k).slope_clean, "slope_moved": out.fit(k).slope_moved,
                "intercept_moved": out.fit(k).intercept_moved} for k in FITS}


def synthetic_claims(out: Outcome) -> list[Claim]:
    """What the marked points did: no outliers (then how evenly the error is shared), points within the
    noise (:attr:`Outcome.outliers_are_noise`), or outliers, whose pull on each slope is compared; then
    how many points Huber scores like squared error."""
    pts = out.points
    n, k = len(pts), out.n_outliers
    if k == 0:
        slopes = {key: out.fit(key).slope for key in FITS}
        if out.top_share_mse == 0:
            spread = Claim("mae.no_error")
        else:
            spread = Claim("mae.no_dominant" if out.top_share_mse <= DOMINATES else "mae.dominant",
                           {"point": out.top_point, "mse_share": out.top_share_mse, "mae_share": out.top_share_mae})
        return [Claim("mae.no_outliers", {"slopes": slopes, "drawn": out.source == "synthetic",
                                          "true_slope": TRUE_SLOPE}), spread, huber_claim(out)]
    shares = {"k": k, "n": n, "mse_share": out.outlier_share_mse, "mae_share": out.outlier_share_mae}
    if out.outliers_are_noise:
        return [Claim("mae.noise", {"k": k, "shift": out.shift, "widths": OUTLIER_NOISE_WIDTHS, "noise": NOISE,
                                    "moved": _moves(out)}),
                Claim("mae.noise_shares", shares), huber_claim(out)]
    mse, mae = out.fit("mse"), out.fit("mae")
    if mae.slope_moved == 0:
        kind = "mae.pull_mae_still"
    elif abs(mse.slope_moved) >= abs(mae.slope_moved):
        kind = "mae.pull_mse_farther"
    else:
        # One point moves the median line by which side it is on, never by how far: the LAD fit depends
        # on its residual's sign only. Many points shifted together can carry the median line with them.
        kind = "mae.pull_mae_farther_one" if k == 1 else "mae.pull_mae_farther_many"
    return [Claim(kind, {"k": k, "n": n, "delta": out.delta, "moved": _moves(out)}),
            Claim("mae.outlier_shares", {**shares, "top": out.top_point, "top_mse": out.top_share_mse,
                                         "top_mae": out.top_share_mae}),
            huber_claim(out)]


@template("mae.huber_all_inside")
def _(v):
    return (f"All {v['n']} points lie within δ = {fmt(v['delta'])} of the Huber line, so Huber is just half the "
            "squared error here and its line is the MSE line. Lower δ to cap the outliers' pull.")


@template("mae.huber_some_inside")
def _(v):
    return (f"{v['inside']} of the {v['n']} points lie within δ = {fmt(v['delta'])} of the Huber line and "
            "are scored like squared error (½r²); every point farther out pulls with the same capped "
            "force δ, like MAE.")


@template("mae.no_outliers")
def _(v):
    s = v["slopes"]
    drawn = (f"; the data were drawn around slope {fmt(v['true_slope'])}). Add an outlier with the slider."
             if v["drawn"] else ").")
    return (f"No outliers: the three lines almost agree (slopes MSE {fmt(s['mse'])}, MAE {fmt(s['mae'])}, "
            f"Huber {fmt(s['huber'])}{drawn}")


@template("mae.no_error")
def _(v):
    return "The reference line passes through every point: there is no error to share."


@template("mae.no_dominant")
def _(v):
    return (f"No point dominates: the largest, {v['point']}, is {pct(v['mse_share'])} of the MSE and "
            f"{pct(v['mae_share'])} of the MAE.")


@template("mae.dominant")
def _(v):
    return (f"One point dominates: {v['point']} is {pct(v['mse_share'])} of the MSE but "
            f"{pct(v['mae_share'])} of the MAE.")


@template("mae.noise")
def _(v):
    k, m = v["k"], v["moved"]
    few = "point" if k == 1 else f"{k} points"
    return (f"The {few} pushed by {signed(v['shift'])} sit{'s' if k == 1 else ''} within "
            f"{v['widths']} noise widths of the line (the noise has standard deviation {fmt(v['noise'])}): "
            f"{'that is not an outlier' if k == 1 else 'those are not outliers'}. The slopes moved by "
            f"{signed(m['mse']['slope_moved'])} (MSE), {signed(m['mae']['slope_moved'])} (MAE) and "
            f"{signed(m['huber']['slope_moved'])} (Huber): noise, not a pull. Push {'it' if k == 1 else 'them'} "
            "further to see the losses part ways.")


@template("mae.noise_shares")
def _(v):
    k = v["k"]
    few = "point" if k == 1 else f"{k} points"
    return (f"Measured against the clean-points line, the {few} carr{'ies' if k == 1 else 'y'} "
            f"{pct(v['mse_share'])} of the squared error and {pct(v['mae_share'])} of the absolute "
            f"error; {'an average point carries' if k == 1 else f'{k} average points carry'} {pct(k / v['n'])} of each.")


def _them(k: int) -> str:
    return "outlier" if k == 1 else f"{k} outliers"


def _pull(v, comparison: str) -> str:
    """The slopes' and intercepts' moves around the ``comparison`` of the two slopes' moves (a whole bullet)."""
    m = v["moved"]
    mse, mae, huber = m["mse"], m["mae"], m["huber"]
    return (f"The {_them(v['k'])} moved the **MSE slope by {signed(mse['slope_moved'])}** (from "
            f"{fmt(mse['slope_clean'])} on the clean points to {fmt(mse['slope'])}), the **MAE slope by "
            f"{signed(mae['slope_moved'])}** and the Huber slope (δ = {fmt(v['delta'])}) by "
            f"{signed(huber['slope_moved'])}: {comparison}. Intercepts moved by {signed(mse['intercept_moved'])} "
            f"(MSE), {signed(mae['intercept_moved'])} (MAE) and {signed(huber['intercept_moved'])} (Huber).")


def _farther(v) -> str:
    m = v["moved"]
    return f"this time MAE's slope moved farther ({fmt(abs(m['mae']['slope_moved'] / m['mse']['slope_moved']), 3)}× MSE's)"


@template("mae.pull_mae_still")
def _(v):
    return _pull(v, "MAE's slope did not move at all")


@template("mae.pull_mse_farther")
def _(v):
    m = v["moved"]
    return _pull(v, f"MSE's slope moved {fmt(abs(m['mse']['slope_moved'] / m['mae']['slope_moved']), 3)}× as far "
                    "as MAE's")


@template("mae.pull_mae_farther_one")
def _(v):
    return _pull(v, _farther(v) + ", because adding the point on one side of the line moved it, not how far it was "
                 "pushed: push it further along the same side and MAE's line stays where it is while MSE's keeps moving")


@template("mae.pull_mae_farther_many")
def _(v):
    return _pull(v, _farther(v) + f": with {pct(v['k'] / v['n'])} of the points shifted together, even the "
                 "absolute-error line gives way")


@template("mae.outlier_shares")
def _(v):
    k = v["k"]
    return (f"Measured against the clean-points line, the {_them(k)} {'is' if k == 1 else 'are'} {k} of {v['n']} "
            f"points ({pct(k / v['n'])}) but carr{'ies' if k == 1 else 'y'} **{pct(v['mse_share'])} of the squared "
            f"error** and {pct(v['mae_share'])} of the absolute error. The biggest single share is {v['top']}'s: "
            f"{pct(v['top_mse'])} of the MSE against {pct(v['top_mae'])} of the MAE.")


def fits_table(out: Outcome) -> str:
    """A Markdown table: each fit's slope and intercept on the clean points, on all points, and the move."""
    rows = [("| Fit | Slope, clean points | Slope, all points | Slope moved | Intercept, clean points "
            "| Intercept, all points | Intercept moved |"),
            "|---|---:|---:|---:|---:|---:|---:|"]
    for f in out.fit_rows.values():
        rows.append(f"| **{f.label}** | {fmt(f.slope_clean)} | {fmt(f.slope)} | **{signed(f.slope_moved)}** | "
                    f"{fmt(f.intercept_clean)} | {fmt(f.intercept)} | {signed(f.intercept_moved)} |")
    return "\n".join(rows)


def huber_claims(out: Outcome) -> list[Claim]:
    """How the Huber fits were found: steps on all points and on the clean ones, whether both converged,
    and the final gradient norms."""
    runs = {"lr": out.huber.lr, "steps": (out.huber.steps, out.huber_clean.steps),
            "grads": (out.huber.grad_norm, out.huber_clean.grad_norm)}
    converged = out.huber.converged and out.huber_clean.converged
    return [Claim("mae.huber_converged" if converged else "mae.huber_stopped", runs)]


def huber_note(out: Outcome) -> str:
    """How the Huber fits were found, in one sentence (for "The math"; :func:`huber_claims` in words)."""
    return say(huber_claims(out))


def _huber_runs(v, status: str) -> str:
    (steps, steps_clean), (grad, grad_clean) = v["steps"], v["grads"]
    return (f"The Huber lines come from full-batch gradient descent (`core.fits.huber_fit`, lr = {fmt(v['lr'])} "
            f"on standardized x, started from the better of the two exact fits): {steps:,} steps on all "
            f"points and {steps_clean:,} on the clean ones, {status} with gradient norms "
            f"{residual(grad)} and {residual(grad_clean)}.")


@template("mae.huber_converged")
def _(v):
    return _huber_runs(v, "converged")


@template("mae.huber_stopped")
def _(v):
    return _huber_runs(v, "stopped before converging")


def tilt_claims(out: Outcome) -> list[Claim]:
    """The MSE rule of "The math" with this scenario's numbers: on the noisy line with its outliers pushed, the
    outliers' summed weight, the tilt it predicts (shift × weight) and the two exact fits it links (the
    outliers unpushed and pushed), then how that tilt and the headline's move (measured from the fit without
    the outliers) differ. None elsewhere: an upload or the Lagos houses are not pushed, nor is a shift of 0."""
    if out.source != "synthetic" or out.n_outliers == 0 or out.shift == 0:
        return []
    pts = out.points
    x, marked = pts.x.to_numpy(), pts.is_outlier.to_numpy()
    centred = x - x.mean()
    weight = float(centred[marked].sum() / (centred @ centred))  # each y_i's weight in the slope, summed
    unpushed = closed_form.normal_equation(x[:, None], pts.y.to_numpy() - out.shift * marked)[0]
    mse = out.fit("mse")
    return [Claim("mae.mse_tilt", {"k": out.n_outliers, "shift": out.shift, "weight": weight,
                                   "tilt": out.shift * weight, "unpushed": float(unpushed), "slope": mse.slope,
                                   "clean": mse.slope_clean, "moved": mse.slope_moved,
                                   "added": float(unpushed) - mse.slope_clean})]


@template("mae.mse_tilt")
def _(v):
    one = v["k"] == 1
    whose = "the outlier's weight is" if one else f"the {v['k']} outliers' weights add up to"
    return (f"Here {whose} {fmt(v['weight'])}, how steeply the MSE curve climbs in the chart of slope against "
            f"shift: pushed by {signed(v['shift'])}, {'it tilts' if one else 'they tilt'} the MSE line by "
            f"{fmt(v['shift'])} × {fmt(v['weight'])} = {signed(v['tilt'])}, from slope {fmt(v['unpushed'])} with "
            f"{'it' if one else 'them'} unpushed to {fmt(v['slope'])}. The headline's {signed(v['moved'])} starts instead "
            f"from the clean-points fit, {fmt(v['clean'])}, without {'the point' if one else 'those points'} at "
            f"all: adding {'it' if one else 'them'} unpushed had already moved the slope by {signed(v['added'])}.")


def math_blocks(out: Outcome) -> list[tuple[str, str]]:
    """"The math": (sentence, LaTeX) pairs for the losses, their pull and the three fits."""
    mse_sentence = (
        "The **MSE line** has a closed form (the normal equation). Every $y_i$ enters the slope linearly with "
        r"weight $(x_i-\bar x)/\sum_j (x_j-\bar x)^2$: a point far to the right that moves up by $s$ tilts the "
        "line by $s$ times its weight."
    )
    if tilts := tilt_claims(out):
        mse_sentence += " " + say(tilts)
    mae_sentence = (
        "The **MAE line** minimizes the sum of absolute errors exactly, as a linear program "
        "(`core.closed_form.quantile_fit`, q = 0.5). Some best line always passes through at least two of the "
        "points, and moving a point that is already above the line further up does not change it."
    )
    def with_pull(k: str) -> str:
        return registry.LOSSES[k].latex + r",\qquad " + registry.LOSSES[k].derivative

    losses_and_shares = [
        ("**MSE** squares each error; its derivative grows with the error, so a far point pulls hardest.",
         with_pull("mse")),
        ("**MAE** counts each error once; its derivative is ±1 whatever the size of the miss.",
         with_pull("mae")),
        ("**Huber** is half the square inside ±δ and a straight line outside, so its pull is capped at δ.",
         with_pull("huber")),
        ("A point's share of a total loss, as in the bars:", r"\text{share}_i=\frac{\ell(r_i)}{\sum_j \ell(r_j)}"),
    ]
    if out.source == "lagos":  # the lesson scores a given model on three houses: no line is fitted
        return losses_and_shares
    return [
        *losses_and_shares,
        (mse_sentence, r"w=\frac{\sum_i (x_i-\bar x)(y_i-\bar y)}{\sum_i (x_i-\bar x)^2},\qquad b=\bar y-w\,\bar x"),
        (mae_sentence, r"\min_{w,b}\ \sum_i |w x_i+b-y_i|"),
        (huber_note(out), ""),
    ]
