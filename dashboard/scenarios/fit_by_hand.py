"""Compute for "Can you beat least squares by hand?": a line set by two knobs, scored by MSE or MAE.

The points are :func:`core.datasets.hand_fit` (seven points; the lesson's start, slope 0.5 and
intercept 3, scores a total squared error of 11.9). For the chosen loss the page shows the
learner's residuals and totals, the best line (the normal equation for squared error, the exact
least-absolute-deviations fit for absolute error, :mod:`core.closed_form`) and the loss over a
grid of (slope, intercept) (:func:`core.landscape.loss_surface`).

Below, the lesson's two models of [2, 4, 6] (:func:`core.datasets.two_four_six`) under every
regression loss of the registry and under a squared error with a weight per point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, landscape, losses, outcomes
from dashboard import paths, words
from dashboard.cache import by_values
from dashboard.checks import one_of
from dashboard.formatting import apart, fmt, pct, signed
from dashboard.headline import Headline
from dashboard.shared.fit_by_hand import line_position, squares
from dashboard.verdicts import Claim, say, template

LOSSES = ("mse", "mae")
LOSS_LABELS = {"mse": "Squared error (MSE)", "mae": "Absolute error (MAE)"}
WHAT = {"mse": "squared", "mae": "absolute"}
SLOPE_RANGE, INTERCEPT_RANGE = (-1.0, 3.0), (-3.0, 8.0)
SLOPE_STEP, INTERCEPT_STEP = 0.025, 0.05
WEIGHT_RANGE = (0.0, 3.0)
DEFAULTS: dict[str, Any] = {"slope": 0.5, "intercept": 3.0, "loss": "mse", "squares": False, "reveal": False,
                            "w1": 1.0, "w2": 1.0, "w3": 1.0}
NEAR_BEST = {**DEFAULTS, "slope": 1.075, "intercept": 0.95, "squares": True, "reveal": True}
ABSOLUTE = {**DEFAULTS, "loss": "mae", "slope": 1.075, "intercept": 0.95, "reveal": True}
WEIGHTED = {**DEFAULTS, "w3": 2.0}  # the third point counts double: model A's miss costs more
GRID = 90  # cells per side of the loss surface
TIE_LOSSES = ("mse", "mae", "huber", "log_cosh")  # every regression loss without a direction
TEXT = words.of("fit_by_hand")


@dataclass(frozen=True, eq=False)
class Fit:
    """The learner's line against the best one, for one loss.

    Attributes:
        loss: "mse" or "mae"; ``slope``, ``intercept``: the learner's line.
        x, y: the points; ``pred`` the learner's predictions; ``error`` prediction − y (e = ŷ − y, the
            sign every view uses; a residual's length is its size).
        per_point: each point's loss (r² or |r|); ``total`` their sum, ``mean`` their mean.
        best: (slope, intercept) of the best line for the loss; ``best_total`` its total.
        other_best: the best line of the other loss (to say how they differ).
        rows: one row per point (x, y, pred, error, loss) for the chart and the table.
        bands, cell, window: the loss surface over (slope, intercept).
    """

    loss: str
    slope: float
    intercept: float
    x: np.ndarray
    y: np.ndarray
    pred: np.ndarray
    error: np.ndarray
    per_point: np.ndarray
    total: float
    mean: float
    best: tuple[float, float]
    best_total: float
    other_best: tuple[float, float]
    rows: pd.DataFrame
    bands: pd.DataFrame
    cell: tuple[float, float]
    window: tuple[float, float, float, float]

    @property
    def ratio(self) -> float:
        """The learner's total over the best's (1 = as good as it gets)."""
        return self.total / self.best_total


def best_line(loss: str, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) minimizing the mean loss: the normal equation or the exact MAE fit."""
    w, b = closed_form.normal_equation(X, y) if loss == "mse" else closed_form.quantile_fit(X, y, q=0.5)
    return float(w), float(b)


def compute(values: Mapping[str, Any]) -> Fit:
    loss = one_of("loss", values["loss"], LOSSES)
    data = datasets.hand_fit()
    slope, intercept = float(values["slope"]), float(values["intercept"])
    pred = slope * data.x + intercept
    scorer = losses.get(loss)
    per_point = scorer.value(data.y, pred)
    best = best_line(loss, data.X, data.y)
    best_total = float(np.sum(scorer.value(data.y, best[0] * data.x + best[1])))
    other = best_line("mae" if loss == "mse" else "mse", data.X, data.y)
    rows = pd.DataFrame({"x": data.x, "y": data.y, "pred": pred, "error": pred - data.y, "loss": per_point})
    window = (*SLOPE_RANGE, *INTERCEPT_RANGE)
    w, b, cell = paths.grid(window, GRID)
    z = landscape.loss_surface(data.x, data.y, w, b, loss=loss) * data.x.size  # the total, as on the page
    ww, bb = np.meshgrid(w, b)
    bands = pd.DataFrame({"x": ww.ravel(), "y": bb.ravel(), "value": z.ravel(),
                          "level": paths.quarter_decades(z).ravel()})
    return Fit(loss=loss, slope=slope, intercept=intercept, x=data.x, y=data.y, pred=pred, error=pred - data.y,
               per_point=per_point, total=float(per_point.sum()), mean=float(per_point.mean()), best=best,
               best_total=best_total, other_best=other, rows=rows, bands=bands, cell=cell, window=window)


fit_of = by_values(compute)


# ----------------------------------------------------------------------------- the tie


@dataclass(frozen=True, eq=False)
class Tie:
    """The lesson's models A and B of [2, 4, 6] under each loss: ``table`` rows (loss, A, B),
    the weights, and the weighted squared errors (A, B)."""

    truth: np.ndarray
    models: dict[str, np.ndarray]
    rows: list[tuple[str, float, float]]
    weights: np.ndarray
    weighted: tuple[float, float]


def tie(values: Mapping[str, Any]) -> Tie:
    example = datasets.two_four_six()
    weights = np.array([float(values[k]) for k in ("w1", "w2", "w3")])
    rows = []
    for name in TIE_LOSSES:
        loss = losses.get(name)
        total = loss.value(example.y_true, example.y_pred).sum(axis=-1)
        rows.append((name, float(total[0]), float(total[1])))
    if weights.sum() > 0:
        weighted = losses.get("mse")(example.y_true, example.y_pred, weights=weights) * weights.sum()
    else:
        weighted = np.zeros(2)
    return Tie(truth=example.y_true, models=dict(zip(example.models, example.y_pred)), rows=rows, weights=weights,
               weighted=(float(weighted[0]), float(weighted[1])))


TIE_NAMES = {"mse": "squared error", "mae": "absolute error", "huber": "Huber (δ = 1)", "log_cosh": "log-cosh"}


def tie_markdown(t: Tie) -> str:
    lines = ["| total loss | model A: [2, 4, 5] | model B: [1, 4, 6] |", "| --- | ---: | ---: |"]
    for name, a, b in t.rows:
        lines.append(f"| {TIE_NAMES[name]} | {fmt(a)} | {fmt(b)} |")
    w = ", ".join(fmt(v) for v in t.weights)
    lines.append(f"| squared error, weights ({w}) | {fmt(t.weighted[0])} | {fmt(t.weighted[1])} |")
    return "\n".join(lines)


TIE_TOL = 1e-12  # relative: two weighted totals this close are one number (the tie holds)


def tie_claims(t: Tie) -> list[Claim]:
    """Whether the weighted squared error breaks the lesson's tie of A and B, and which model wins: a tie
    while the two totals agree within :data:`TIE_TOL` of the larger (at least 1)."""
    a, b = t.weighted
    if abs(a - b) <= TIE_TOL * max(1.0, a, b):
        return [Claim("fit.tie_holds")]
    (better, low), (worse, high) = sorted((("A", a), ("B", b)), key=lambda pair: pair[1])
    return [Claim("fit.tie_broken", {"better": better, "worse": worse, "low": low, "high": high})]


def tie_verdict(t: Tie) -> str:
    """The tie claims in words (:func:`dashboard.verdicts.say`)."""
    return say(tie_claims(t))


template("fit.tie_holds")(lambda v: TEXT("tie.holds"))
template("fit.tie_broken")(
    lambda v: TEXT("tie.broken", better=v["better"], low=fmt(v["low"]), worse=v["worse"], high=fmt(v["high"])))


# ----------------------------------------------------------------------------- texts


def ratio_text(ratio: float) -> str:
    """Your total over the best's, to 4 significant digits (746.6, 5.46), with more where it takes them to
    tell it from 1 (1.00002): the ratio is 1 only at a best line."""
    return apart(ratio, 1.0, digits=4)[0]


def line_text(slope: float, intercept: float) -> str:
    """A line as it is written by hand: y = 0.5 x + 3, y = −x − 3, y = 1.2 x, y = 3 (true minus signs)."""
    if slope == 0:
        return f"y = {fmt(intercept).replace('-', '−')}"
    size = "" if abs(slope) == 1 else f"{fmt(abs(slope))} "
    text = f"y = {'−' if slope < 0 else ''}{size}x"
    if intercept != 0:
        text += f" {'−' if intercept < 0 else '+'} {fmt(abs(intercept))}"
    return text


def headlines(fit: Fit, reveal: bool) -> list[Headline]:
    what = WHAT[fit.loss]
    out = [
        Headline(f"Total {what} error", fmt(fit.total), f"The sum over the 7 points of each one's {what} error.",
                 value=fit.total, better="lower", key="total"),
        Headline("MSE" if fit.loss == "mse" else "MAE", fmt(fit.mean), "The total over the number of points.",
                 value=fit.mean, better="lower", key="mean"),
    ]
    if reveal:
        out += [
            Headline("The best line's total", fmt(fit.best_total),
                     "Least squares (the normal equation)" if fit.loss == "mse" else "The exact absolute-error fit.",
                     value=fit.best_total, key="best"),
            Headline("Yours over the best", f"{ratio_text(fit.ratio)}×", "1 is as good as any line can be.",
                     value=fit.ratio, better="lower", key="ratio"),
        ]
    return out


def table_markdown(fit: Fit) -> str:
    head = "e²" if fit.loss == "mse" else "\\|e\\|"  # escaped: a bare | splits a Markdown table
    lines = [f"| x | y | your line ŷ | error e = ŷ − y | {head} |", "| ---: | ---: | ---: | ---: | ---: |"]
    for row in fit.rows.itertuples(index=False):
        lines.append(f"| {fmt(row.x)} | {fmt(row.y)} | {fmt(row.pred)} | {signed(row.error)} | {fmt(row.loss)} |")
    lines.append(f"| | | | total | **{fmt(fit.total)}** |")
    return "\n".join(lines)


def line_claims(fit: Fit) -> list[Claim]:
    """The learner's line and its total, then the point that contributes the most (every point whose loss
    equals the largest within round-off, :func:`core.outcomes.compare`: two of them share the top)."""
    top = float(fit.per_point.max())
    tied = [float(x) for x, v in zip(fit.x, fit.per_point) if outcomes.compare(v, top).kind == "equal"]
    line = Claim("fit.line", {"loss": fit.loss, "slope": fit.slope, "intercept": fit.intercept, "total": fit.total})
    return [line, Claim("fit.top_shared" if len(tied) > 1 else "fit.top", {"x": tied, "value": top, "total": fit.total})]


def best_claims(fit: Fit) -> list[Claim]:
    """The best line for the chosen loss, how many times its total the learner's is, and the other loss's best line."""
    return [Claim("fit.best", {"loss": fit.loss, "best": fit.best, "best_total": fit.best_total, "ratio": fit.ratio,
                               "other_best": fit.other_best})]


def note_claims(fit: Fit, reveal: bool) -> list[Claim]:
    """Every claim of "What to notice": :func:`line_claims`, and :func:`best_claims` once the best line is shown."""
    return line_claims(fit) + (best_claims(fit) if reveal else [])


def notes(fit: Fit, reveal: bool) -> list[str]:
    out = [say(line_claims(fit))]
    out.append(TEXT("notice.mse") if fit.loss == "mse" else TEXT("notice.mae"))
    out.append(say(best_claims(fit)) if reveal else TEXT("notice.reveal"))
    return out


@template("fit.line")
def _(v):
    line, total = line_text(v["slope"], v["intercept"]), fmt(v["total"])
    if v["loss"] == "mse":
        return TEXT("notice.line-mse", line=line, total=total)
    return TEXT("notice.line-mae", line=line, total=total)


template("fit.top")(
    lambda v: TEXT("notice.top", x=fmt(v["x"][0]), value=fmt(v["value"]), share=pct(v["value"] / v["total"])))


@template("fit.top_shared")
def _(v):
    *first, last = v["x"]
    # All the tied points but the last, listed with commas in code.
    return TEXT("notice.top-shared", points=", ".join(f"x = {fmt(x)}" for x in first), last=fmt(last),
                value=fmt(v["value"]), share=pct(v["value"] / v["total"]))


@template("fit.best")
def _(v):
    (w, b), (ow, ob) = v["best"], v["other_best"]
    said = {"best": line_text(w, b), "total": fmt(v["best_total"]), "ratio": ratio_text(v["ratio"]),
            "other": line_text(ow, ob)}
    return TEXT("notice.best-mse", **said) if v["loss"] == "mse" else TEXT("notice.best-mae", **said)


BAND_RATIO = 10 ** 0.25  # one grey band's top over its bottom on the surface (dashboard.paths.quarter_decades)


def surface_caption(reveal: bool, pinned: bool) -> str:
    """The loss surface's caption: what the grey bands mean, in plain numbers, and which mark is which
    (four whole variants: with or without the best line, with or without a pinned line)."""
    ratio = fmt(BAND_RATIO, 2)
    if reveal and pinned:
        return TEXT("caption.surface-best-pinned", ratio=ratio)
    if reveal:
        return TEXT("caption.surface-best", ratio=ratio)
    if pinned:
        return TEXT("caption.surface-pinned", ratio=ratio)
    return TEXT("caption.surface", ratio=ratio)


def math_blocks(fit: Fit) -> list[tuple[str, str]]:
    return [
        (TEXT("math.sse"),
         r"\text{SSE}(w, b) = \sum_{i=1}^{n} \bigl((w x_i + b) - y_i\bigr)^2,\qquad \text{MSE} = \text{SSE} / n"),
        (TEXT("math.normal"),
         r"\begin{pmatrix} w^* \\ b^* \end{pmatrix} = (X^\top X)^{-1} X^\top y"),
        (TEXT("math.sae"),
         r"\text{SAE}(w, b) = \sum_{i=1}^{n} \bigl|y_i - (w x_i + b)\bigr|"),
        (TEXT("math.weights"), r"\sum_i w_i\,(\hat y_i - y_i)^2"),
        (TEXT("math.tie"),
         r"\text{Huber}_\delta(e) = \begin{cases} \tfrac12 e^2 & |e| \le \delta \\ "
         r"\delta\,(|e| - \tfrac12 \delta) & |e| > \delta \end{cases},\qquad \text{log-cosh}(e) = \log\cosh e"),
    ]


def squares_apply(fit) -> bool:
    """Squares are drawn only under squared error: under absolute error a point's loss is its residual's
    length, and a square's area would not be the loss on screen."""
    return fit.loss == "mse"


def caption_claims(fit: Fit, squares_on: bool) -> list[Claim]:
    """What the fit chart's caption states about the scenario: how many squares the window cuts (when they are
    drawn), and that the line runs outside the window (when it does)."""
    out = []
    if squares_on and squares_apply(fit):
        out.append(Claim("fit.squares_cut", {"count": int(squares(fit)["cut"].sum())}))
    where = line_position(fit)
    if where != "on":
        out.append(Claim("fit.line_off", {"side": where}))
    return out


@template("fit.squares_cut")
def _(v):
    if v["count"] == 0:
        return TEXT("caption.squares-whole")
    if v["count"] == 1:
        return TEXT("caption.squares-one-cut")
    return TEXT("caption.squares-cut", count=v["count"])


template("fit.line_off")(lambda v: TEXT("caption.line-below") if v["side"] == "below" else TEXT("caption.line-above"))


def fit_caption(fit, squares_on: bool) -> str:
    """The fit chart's caption: what the squares are (or why they are not drawn), and where the line went if it
    left the plot."""
    text = TEXT("caption.fit")
    if squares_on and not squares_apply(fit):
        text += " " + TEXT("caption.fit-no-squares")
    claims = caption_claims(fit, squares_on)
    return text + (" " + say(claims) if claims else "")
