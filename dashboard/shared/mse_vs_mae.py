"""What "What does one outlier do to MSE and MAE?" says about its fits: the claims (:class:`dashboard.verdicts.Claim`)
read from an outcome, each claim's words (from ``dashboard/texts/mse_vs_mae.md``), the headlines, the fits table,
the captions, the "What to notice" bullets and "The math"; and the numbers the scenario draws its data by and the
claims quote (the three fits' keys and labels, the noisy line, when a marked point is an outlier).

Pure functions of the scenario's frozen :class:`dashboard.scenarios.mse_vs_mae.Outcome`, so the notice can be
checked without running a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from core import closed_form
from dashboard import registry, words
from dashboard.formatting import fmt, in_full, pct, residual, signed
from dashboard.headline import Headline, percentage_points
from dashboard.verdicts import Claim, say, template

if TYPE_CHECKING:  # the type only: the scenario imports this module, not the other way round
    from dashboard.scenarios.mse_vs_mae import Outcome

TEXT = words.of("mse_vs_mae")
# The three fits, in the frames' order, and their labels: the scenario writes them, the charts colour and order them.
FITS = ("mse", "mae", "huber")
FIT_LABELS = registry.labels(registry.LOSSES, FITS)

# The synthetic line: fixed so that the five controls are the whole scenario.
N_POINTS = 30
TRUE_SLOPE = 2.0
TRUE_INTERCEPT = 1.0
NOISE = 1.0
OUTLIER_NOISE_WIDTHS = 2  # a point pushed less than this many noise widths off the line is no outlier
OUTLIER_MADS = 3.0  # in a learner's own data: an outlier lies this many robust widths off the MAE line
DOMINATES = 0.5  # one point "dominates" a loss when it carries more than half of it


# --------------------------------------------------------------------------- numbers and claims


def headlines(out: Outcome) -> list[Headline]:
    """The numbers over the charts: the Lagos model's scores, or the outliers' pull on each fit."""
    if out.source == "lagos":  # the lesson scores a given model on three houses: no line is fitted
        worst = out.points.loc[out.points.mse.idxmax()]
        return [
            Headline(FIT_LABELS["mse"], f"{fmt(out.mse)} (₦M)²", TEXT("metric.mse"), out.mse, better="lower"),
            Headline("RMSE", f"₦{fmt(out.rmse, 3)}M", TEXT("metric.rmse"), out.rmse, better="lower"),
            Headline(FIT_LABELS["mae"], f"₦{out.mae:.1f}M", TEXT("metric.mae"), out.mae, better="lower"),
            Headline(f"{worst.label}'s share of MSE", pct(worst.mse_share), TEXT("metric.worst-mse"),
                     worst.mse_share, percentage_points),
            Headline(f"{worst.label}'s share of MAE", pct(worst.mae_share), TEXT("metric.worst-mae"),
                     worst.mae_share, percentage_points),
        ]
    moved = {k: out.fit(k).slope_moved for k in FITS}
    return [
        Headline(f"{out.share_label} MSE", pct(out.outlier_share_mse), TEXT("metric.share-mse"),
                 out.outlier_share_mse, percentage_points, key="share-mse"),
        Headline(f"{out.share_label} MAE", pct(out.outlier_share_mae), TEXT("metric.share-mae"),
                 out.outlier_share_mae, percentage_points, key="share-mae"),
        *(Headline(f"{FIT_LABELS[k]} slope moved", signed(moved[k]), TEXT("metric.moved"), moved[k]) for k in FITS),
    ]


def fits_table(out: Outcome) -> str:
    """A Markdown table: each fit's slope and intercept on the clean points, on all points, and the move."""
    rows = [("| Fit | Slope, clean points | Slope, all points | Slope moved | Intercept, clean points "
            "| Intercept, all points | Intercept moved |"),
            "|---|---:|---:|---:|---:|---:|---:|"]
    for f in out.fit_rows.values():
        rows.append(f"| **{f.label}** | {fmt(f.slope_clean)} | {fmt(f.slope)} | **{signed(f.slope_moved)}** | "
                    f"{fmt(f.intercept_clean)} | {fmt(f.intercept)} | {signed(f.intercept_moved)} |")
    return "\n".join(rows)


def farthest_claims(out: Outcome) -> list[Claim]:
    """Each loss's penalty and pull at the farthest outlier (the first of those as far), as a claim ('At the
    farthest outlier (error +10): penalty MSE 100 · MAE 10 · Huber 9.5; pull MSE 20 · MAE 1 · Huber 1.');
    none without outliers."""
    marks = out.marks
    if not len(marks):
        return []
    r = marks.residual.to_numpy()
    far = np.flatnonzero(np.abs(r) == np.abs(r).max())
    labels = marks.label.to_numpy()[far]

    def values(field: str) -> list[tuple[str, float]]:
        first = dict(zip(labels[::-1], marks[field].to_numpy()[far][::-1]))  # one value per loss
        return [(label, float(first[label])) for label in dict.fromkeys(labels)]

    return [Claim("mae.farthest", {"marked": out.marked_one.lower(), "error": float(r[far[0]]),
                                   "penalty": values("loss"), "pull": values("pull")})]


def shapes_claims(out: Outcome) -> list[Claim]:
    """The loss shapes' caption as claims: where Huber bends, and, only where points are marked, that the
    dashed rules are their errors (outliers or moved points, as :attr:`Outcome.marked` names them) and each
    loss's penalty and pull at the farthest (:func:`farthest_claims`)."""
    marked = [Claim("mae.marked_errors", {"marked": out.marked.lower()})] if len(out.marks) else []
    return [Claim("mae.bend", {"delta": out.delta}), *marked, *farthest_claims(out)]


def bars_claims(out: Outcome) -> list[Claim]:
    """The contribution bars' caption as a claim: the two totals the shares are of, and what ▼ marks (the
    largest Lagos miss, or the marked points where there are any)."""
    totals = {"mse": out.mse, "mae": out.mae, "marked": out.marked.lower()}
    if out.source == "lagos":
        return [Claim("mae.bars_lagos", totals)]
    return [Claim("mae.bars_marked" if out.n_outliers else "mae.bars", totals)]


def note_claims(out: Outcome) -> list[Claim]:
    """The "What to notice" bullets as claims, one bullet each: the Lagos houses' scores, or (for an upload,
    after how many outliers the robust rule found) what the marked points did to the three fits."""
    if out.source == "lagos":
        return lagos_claims(out)
    if out.source == "upload":
        found = {"k": out.n_outliers, "n": len(out.points), "mads": OUTLIER_MADS}
        return [Claim("mae.upload_outliers" if out.n_outliers else "mae.upload_clean", found), *synthetic_claims(out)]
    return synthetic_claims(out)


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
    n, k = len(out.points), out.n_outliers
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


def huber_claims(out: Outcome) -> list[Claim]:
    """How the Huber fits were found: steps on all points and on the clean ones, whether both converged,
    and the final gradient norms."""
    runs = {"lr": out.huber.lr, "steps": (out.huber.steps, out.huber_clean.steps),
            "grads": (out.huber.grad_norm, out.huber_clean.grad_norm)}
    converged = out.huber.converged and out.huber_clean.converged
    return [Claim("mae.huber_converged" if converged else "mae.huber_stopped", runs)]


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


# --------------------------------------------------------------------------- the claims in words


def shapes_caption(out: Outcome) -> str:
    """The caption under the loss shapes (:func:`shapes_claims` in words)."""
    return say(shapes_claims(out))


def bars_caption(out: Outcome) -> str:
    """The caption under the contribution bars (:func:`bars_claims` in words)."""
    return say(bars_claims(out))


def notes(out: Outcome) -> list[str]:
    """The "What to notice" bullets with the scenario's live numbers (:func:`note_claims` in words)."""
    return [say([claim]) for claim in note_claims(out)]



def _listed(values, each) -> str:
    """'a, b and c' of ``values``, each written by ``each``."""
    return ", ".join(each(v) for v in values[:-1]) + f" and {each(values[-1])}"


def _per_loss(pairs) -> str:
    """'MSE 100 · MAE 10 · Huber 9.5' of (label, value) pairs."""
    return " · ".join(f"{label} {value:.4g}" for label, value in pairs)


def _pulled(v) -> dict[str, Any]:
    """The numbers of a pull claim: each fit's slope and intercept moves, the MSE slope's two ends, δ."""
    m = v["moved"]
    return {"delta": fmt(v["delta"]), "mse_clean": fmt(m["mse"]["slope_clean"]),
            "mse_slope": fmt(m["mse"]["slope"]), **{key: signed(m[key]["slope_moved"]) for key in FITS},
            **{f"{key}_b": signed(m[key]["intercept_moved"]) for key in FITS}}


def _ratio(v, over: str, under: str) -> str:
    return fmt(abs(v["moved"][over]["slope_moved"] / v["moved"][under]["slope_moved"]), 3)


template("mae.bend")(lambda v: TEXT("caption.bend", delta=fmt(v["delta"])))
template("mae.marked_errors")(lambda v: TEXT("caption.marked-errors", marked=v["marked"]))
template("mae.farthest")(lambda v: TEXT("caption.farthest", marked=v["marked"], error=v["error"],
                                        penalty=_per_loss(v["penalty"]), pull=_per_loss(v["pull"])))
template("mae.bars_lagos")(lambda v: TEXT("caption.bars-lagos", mse=fmt(v["mse"]), mae=v["mae"]))
template("mae.bars")(lambda v: TEXT("caption.bars", mse=fmt(v["mse"]), mae=fmt(v["mae"])))
template("mae.bars_marked")(lambda v: TEXT("caption.bars-marked", mse=fmt(v["mse"]), mae=fmt(v["mae"]),
                                           marked=v["marked"]))
template("mae.upload_clean")(lambda v: TEXT("notice.upload-clean", n=v["n"], mads=fmt(v["mads"])))
template("mae.upload_outliers")(lambda v: TEXT("notice.upload-outliers-one", k=v["k"], n=v["n"], mads=fmt(v["mads"]))
                                if v["k"] == 1 else
                                TEXT("notice.upload-outliers-many", k=v["k"], n=v["n"], mads=fmt(v["mads"])))
template("mae.lagos_means")(lambda v: TEXT(
    "notice.lagos-means", misses=_listed(v["misses"], signed), squared=_listed(v["squared"], in_full),
    squared_sum=in_full(sum(v["squared"])), n=len(v["misses"]), mse=fmt(v["mse"]),
    absolute=_listed(v["absolute"], in_full), absolute_sum=in_full(sum(v["absolute"])), mae=v["mae"]))
template("mae.lagos_largest")(lambda v: TEXT(
    "notice.lagos-largest", label=v["label"], miss=in_full(abs(v["miss"])), squared=in_full(v["squared"]),
    squared_total=in_full(v["squared_total"]), mse_share=pct(v["mse_share"]), absolute=in_full(v["absolute"]),
    absolute_total=in_full(v["absolute_total"]), mae_share=pct(v["mae_share"])))
template("mae.lagos_rmse")(lambda v: TEXT("notice.lagos-rmse", mse=fmt(v["mse"]), rmse=fmt(v["rmse"], 3), mae=v["mae"]))
template("mae.no_error")(lambda v: TEXT("notice.no-error"))
template("mae.no_dominant")(lambda v: TEXT("notice.no-dominant", point=v["point"], mse_share=pct(v["mse_share"]),
                                           mae_share=pct(v["mae_share"])))
template("mae.dominant")(lambda v: TEXT("notice.dominant", point=v["point"], mse_share=pct(v["mse_share"]),
                                        mae_share=pct(v["mae_share"])))
template("mae.huber_all_inside")(lambda v: TEXT("notice.huber-all-inside", n=v["n"], delta=fmt(v["delta"])))
template("mae.huber_some_inside")(lambda v: TEXT("notice.huber-some-inside", inside=v["inside"], n=v["n"],
                                                 delta=fmt(v["delta"])))


@template("mae.no_outliers")
def _(v):
    s = {key: fmt(value) for key, value in v["slopes"].items()}
    if v["drawn"]:
        return TEXT("notice.no-outliers-drawn", **s, true_slope=fmt(v["true_slope"]))
    return TEXT("notice.no-outliers", **s)


@template("mae.noise")
def _(v):
    said = {"shift": signed(v["shift"]), "widths": v["widths"], "noise": fmt(v["noise"]),
            **{key: signed(v["moved"][key]["slope_moved"]) for key in FITS}}
    return TEXT("notice.noise-one", **said) if v["k"] == 1 else TEXT("notice.noise-many", k=v["k"], **said)


@template("mae.noise_shares")
def _(v):
    said = {"mse_share": pct(v["mse_share"]), "mae_share": pct(v["mae_share"]), "average": pct(v["k"] / v["n"])}
    return TEXT("notice.noise-shares-one", **said) if v["k"] == 1 else TEXT("notice.noise-shares-many", k=v["k"], **said)


@template("mae.outlier_shares")
def _(v):
    said = {"k": v["k"], "n": v["n"], "share": pct(v["k"] / v["n"]), "mse_share": pct(v["mse_share"]),
            "mae_share": pct(v["mae_share"]), "top": v["top"], "top_mse": pct(v["top_mse"]), "top_mae": pct(v["top_mae"])}
    return TEXT("notice.outlier-shares-one", **said) if v["k"] == 1 else TEXT("notice.outlier-shares-many", **said)


@template("mae.pull_mae_still")
def _(v):
    p = _pulled(v)
    return TEXT("notice.pull-still-one", **p) if v["k"] == 1 else TEXT("notice.pull-still-many", k=v["k"], **p)


@template("mae.pull_mse_farther")
def _(v):
    p = {**_pulled(v), "ratio": _ratio(v, "mse", "mae")}
    return TEXT("notice.pull-mse-farther-one", **p) if v["k"] == 1 else TEXT("notice.pull-mse-farther-many", k=v["k"], **p)


template("mae.pull_mae_farther_one")(lambda v: TEXT("notice.pull-mae-farther-one", **_pulled(v),
                                                    ratio=_ratio(v, "mae", "mse")))
template("mae.pull_mae_farther_many")(lambda v: TEXT("notice.pull-mae-farther-many", **_pulled(v), k=v["k"],
                                                     ratio=_ratio(v, "mae", "mse"), share=pct(v["k"] / v["n"])))


@template("mae.mse_tilt")
def _(v):
    said = {"weight": fmt(v["weight"]), "pushed": signed(v["shift"]), "shift": fmt(v["shift"]),
            "tilt": signed(v["tilt"]), "unpushed": fmt(v["unpushed"]), "slope": fmt(v["slope"]),
            "moved": signed(v["moved"]), "clean": fmt(v["clean"]), "added": signed(v["added"])}
    return TEXT("math.mse-tilt-one", **said) if v["k"] == 1 else TEXT("math.mse-tilt-many", k=v["k"], **said)


def _huber_runs(v) -> dict[str, Any]:
    (steps, steps_clean), (grad, grad_clean) = v["steps"], v["grads"]
    return {"lr": fmt(v["lr"]), "steps": steps, "steps_clean": steps_clean, "grad": residual(grad),
            "grad_clean": residual(grad_clean)}


template("mae.huber_converged")(lambda v: TEXT("math.huber-converged", **_huber_runs(v)))
template("mae.huber_stopped")(lambda v: TEXT("math.huber-stopped", **_huber_runs(v)))


def math_blocks(out: Outcome) -> list[tuple[str, str]]:
    """"The math": (sentence, LaTeX) pairs for the losses, their pull and the three fits; the Lagos houses
    are scored by a given model, so no fit is explained there."""
    def with_pull(k: str) -> str:
        return registry.LOSSES[k].latex + r",\qquad " + registry.LOSSES[k].derivative

    losses_and_shares = [
        (TEXT("math.mse-loss"), with_pull("mse")),
        (TEXT("math.mae-loss"), with_pull("mae")),
        (TEXT("math.huber-loss"), with_pull("huber")),
        (TEXT("math.share"), r"\text{share}_i=\frac{\ell(r_i)}{\sum_j \ell(r_j)}"),
    ]
    if out.source == "lagos":
        return losses_and_shares
    mse_line = " ".join([TEXT("math.mse-line"), *([say(tilts)] if (tilts := tilt_claims(out)) else [])])
    return [
        *losses_and_shares,
        (mse_line, r"w=\frac{\sum_i (x_i-\bar x)(y_i-\bar y)}{\sum_i (x_i-\bar x)^2},\qquad b=\bar y-w\,\bar x"),
        (TEXT("math.mae-line"), r"\min_{w,b}\ \sum_i |w x_i+b-y_i|"),
        (say(huber_claims(out)), ""),  # how the Huber lines were found
    ]
