"""Compute for "What does one outlier do to MSE and MAE?": three fits, their shift, who carries the loss.

:func:`compute` is a plain function of five small scenario parameters (testable without
Streamlit); :func:`scenario` is its cached wrapper for the page. Two data sources:

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
What the page says about them (claims, headlines, captions, "The math") is :mod:`dashboard.shared.mse_vs_mae`,
which also holds the noisy line's numbers (``N_POINTS``, ``TRUE_SLOPE``, ``TRUE_INTERCEPT``, ``NOISE``) and
the outlier rules (``OUTLIER_NOISE_WIDTHS``, ``OUTLIER_MADS``) that both quote. The words are in
``dashboard/texts/mse_vs_mae.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, fits
from dashboard import registry, upload_read, words
from dashboard.cache import scenario_cache
from dashboard.checks import one_of
from dashboard.formatting import negligible
from dashboard.shared.mse_vs_mae import (
    FIT_LABELS,
    FITS,
    N_POINTS,
    NOISE,
    OUTLIER_MADS,
    OUTLIER_NOISE_WIDTHS,
    TRUE_INTERCEPT,
    TRUE_SLOPE,
)

TEXT = words.of("mse_vs_mae")
SOURCES = ("synthetic", "lagos")
DEFAULTS = {"data": "synthetic", "outliers": 1, "shift": 20, "delta": 1.0, "seed": 0}  # the link's keys
FIT_METHODS = {"mse": "normal equation (exact)", "mae": "linear program, q = 0.5 (exact)",
               "huber": "gradient descent (fit_linear)"}

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
        delta: the Huber delta. n_outliers: how many points are marked as outliers.
        points: one row per point: ``point`` (1..n, in x order), ``label``, ``x``, ``y``,
            ``is_outlier``, ``reference`` (the reference line at x), ``residual``
            (reference - y, i.e. prediction - truth), ``mse`` (residual^2), ``mae``
            (|residual|), ``mse_share`` and ``mae_share`` (fractions of the totals).
        contributions: ``points`` in long form, one row per (point, loss) with ``loss``
            ("MSE"/"MAE"), ``value`` and ``share``.
        lines: the fitted lines and the reference line at the ends of the x range:
            ``fit`` (mse/mae/huber/reference), ``label``, ``x``, ``y``.
        fits: one row per fit, the columns of :class:`FitRow`; ``fit_rows`` the same by fit name.
        shapes: loss and derivative against the residual: ``residual``, ``fit``, ``label``,
            ``loss``, ``pull`` (d loss / d prediction). marks: the same at the outliers' errors only.
        reference_label: what the reference line is, for legends and text.
        mse, mae: the reference line's mean squared and mean absolute error.
        outlier_share_mse, outlier_share_mae: share of the total the outliers carry.
        top_point: label of the point with the largest squared error; top_share_mse,
            top_share_mae: that point's shares of the two totals.
        inside_delta: how many points of all the data sit within delta of the Huber line.
        huber, huber_clean: how the two Huber fits were found.
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
    def outliers_are_noise(self) -> bool:
        """Shifted by less than :data:`OUTLIER_NOISE_WIDTHS` noise widths: no outlier at all (the page
        says so, so nothing calls the marked points outliers: :attr:`marked`, :attr:`marked_one`)."""
        return self.source == "synthetic" and self.n_outliers > 0 and abs(self.shift) < OUTLIER_NOISE_WIDTHS * NOISE

    @property
    def marked(self) -> str:
        """What the marked points are called: "Outliers", or "Moved points" within the noise."""
        return "Moved points" if self.outliers_are_noise else "Outliers"

    @property
    def marked_one(self) -> str:
        """What one marked point is called: "Outlier", or "Moved point" within the noise."""
        return "Moved point" if self.outliers_are_noise else "Outlier"

    @property
    def share_label(self) -> str:
        """A headline's start, short enough for a metric: "Outliers' share of" or "Moved: share of"."""
        return "Moved: share of" if self.outliers_are_noise else "Outliers' share of"

    def fit(self, name: str) -> FitRow:
        """The row of :attr:`fits` for ``name`` (mse, mae or huber)."""
        return self.fit_rows[name]


# --------------------------------------------------------------------------- fits


def _positive(delta: float) -> float:
    delta = float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"delta must be a positive number; got {delta!r}")
    return delta


def huber_fit(x: np.ndarray, y: np.ndarray, delta: float, *,
              starts: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, HuberRun]:
    """The line minimizing the mean Huber loss (:func:`core.fits.huber_fit`) through x, y of shape (n,),
    started from the best of ``starts`` (``{"mse": [w, b], "mae": [w, b]}``, the exact fits, computed here
    when not given). Returns ([slope, intercept], the HuberRun report)."""
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
        x, y = ex.prediction("model"), ex.y_true
        errors = np.abs(x - y)
        labels = [f"House {i + 1}" for i in range(len(x))]
        return x, y, errors == errors.max(), np.array([1.0, 0.0]), labels, "The given model (prediction = price)"
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
    zero, empty = np.zeros_like(residuals), np.zeros(0)
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
    one_of("source", source, SOURCES)
    delta = _positive(delta)
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
        "fit": np.repeat(["mse", "mae"], n), "loss": np.repeat([FIT_LABELS["mse"], FIT_LABELS["mae"]], n),
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

    # The curves reach past every point's error and past the Huber bend at delta.
    reach = max(1.15 * float(ab.max()), 1.25 * delta, 3.0)
    huber_residual = np.abs(full["huber"][0] * x + full["huber"][1] - y)
    top = int(np.argmax(sq))
    return Outcome(
        source=source, delta=delta, n_outliers=int(is_outlier.sum()),
        points=points, contributions=contributions, lines=lines, fits=pd.DataFrame([vars(r) for r in rows.values()]),
        shapes=_loss_table(delta, np.linspace(-reach, reach, SHAPE_POINTS)),
        marks=_loss_table(delta, residual[is_outlier]), reference_label=ref_label, fit_rows=rows,
        mse=float(sq.mean()), mae=float(ab.mean()),
        outlier_share_mse=float(mse_share[is_outlier].sum()), outlier_share_mae=float(mae_share[is_outlier].sum()),
        top_point=labels[top], top_share_mse=float(mse_share[top]), top_share_mae=float(mae_share[top]),
        inside_delta=int((huber_residual <= delta).sum()),
        huber=run, huber_clean=run_clean, shift=shift,
    )


# --------------------------------------------------------------------------- a learner's own points


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


def fitted_points(points: upload_read.Points | None) -> upload_read.Points | None:
    """The learner's points as this view fits them: all of them, or a seeded sample of
    :data:`FIT_ROWS` (the page's caption says so, through the points' note)."""
    if points is None or points.n <= FIT_ROWS:
        return points
    keep = upload_read.sample(points.n, FIT_ROWS, upload_read.SAMPLE_SEED)
    said = TEXT("note.sample", rows=FIT_ROWS, seed=upload_read.SAMPLE_SEED)
    return replace(points, x=points.x[keep], y=points.y[keep], note=" ".join(filter(None, (points.note, said))))


def compute_upload(points: upload_read.Points, delta: float) -> Outcome:
    """The scenario on a learner's own points: outliers found by :func:`upload_outliers`.

    The points are put in x order; each keeps its data row number as its label. Not cached
    across sessions (``dashboard.upload.remembered`` keeps it in the uploading session).
    """
    delta = _positive(delta)
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
        per = len(marks) // len(FITS)
        top = np.sort(np.argsort(-np.abs(marks.residual.to_numpy()[:per]), kind="stable")[:SHOWN_BARS])
        marks = marks.iloc[np.concatenate([top + k * per for k in range(len(FITS))])]
    if n <= SHOWN_POINTS:
        return Shown(pts, bars, marks, TEXT("note.shown-bars", bars=SHOWN_BARS, n=n))
    return Shown(pts.iloc[keep], bars, marks, TEXT("note.shown-points", drawn=len(keep), n=n, bars=SHOWN_BARS))


@scenario_cache()
def scenario(source: str, n_outliers: int, outlier_shift: float, delta: float, seed: int) -> Outcome:
    """:func:`compute`, cached on the five scenario parameters."""
    return compute(source, n_outliers, outlier_shift, delta, seed)


def outcome(values: Mapping[str, Any]) -> Outcome:
    """The scenario of the page's control values (``DEFAULTS``' keys)."""
    return scenario(values["data"], int(values["outliers"]), float(values["shift"]), float(values["delta"]),
                    int(values["seed"]))


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
    delta = _positive(delta)
    data = datasets.line_with_outliers(n=N_POINTS, slope=TRUE_SLOPE, intercept=TRUE_INTERCEPT, noise=NOISE,
                                       n_outliers=int(n_outliers), outlier_shift=0.0, seed=int(seed))
    x, marked = data.x, data.is_outlier.astype(float)
    shifts = np.arange(SHIFTS[0], SHIFTS[1] + 1, dtype=float)
    ys = data.y + shifts[:, None] * marked  # (S, n): the data at every shift, as line_with_outliers draws them
    mse = (closed_form.normal_equation(x[:, None], data.y)[0]
           + shifts * closed_form.normal_equation(x[:, None], marked)[0])
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
