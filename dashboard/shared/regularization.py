"""What "How strong should the penalty be?" reads on both sides of its scenario.

The data, which the loss-curves view trains on too: ``n`` training and :data:`N_VALIDATION` validation
points of one noisy sin(πx) curve on :data:`X_RANGE` (:func:`core.datasets.polynomial_curve`, split by a
seeded permutation) or of a learner's own file, and the names of the features' powers.

What the view says about its runs: the claims (:class:`dashboard.verdicts.Claim`) read from the sweep over λ,
the fit at λ and the two-weight picture, each claim's words (from ``dashboard/texts/regularization.md``), the
headlines, the "What to notice" bullets, the coefficient paths' caption and "The math". Pure functions of the
scenario's frozen results (:mod:`dashboard.scenarios.regularization`'s ``Sweep``, ``Fit`` and ``Picture``), so
the notice can be checked without running a page. No streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core import datasets
from dashboard import registry, words
from dashboard.formatting import fmt
from dashboard.headline import Headline, whole
from dashboard.verdicts import Claim, say, template

if TYPE_CHECKING:  # the types only: the scenario imports this module, not the other way round
    from dashboard.scenarios.regularization import Fit, Picture, Sweep

TEXT = words.of("regularization")

N_VALIDATION = 60
UPLOAD_VALIDATION = 1_000  # a learner's file: at most this many validation points
PENALTIES = ("l1", "l2", "elastic_net")  # the view's menu, in its order (registry.PENALTIES has their facts)
X_RANGE = (-1.0, 1.0)


def power_label(k: int) -> str:
    """'x', 'x²', 'x³', ..., 'x¹⁵'."""
    return "x" + (str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) if k > 1 else "")


@dataclass(frozen=True, eq=False)
class Data:
    """Training and validation points of one scenario, and their standardized features."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    noise: float  # nan for a learner's own data: the noise is not known
    truth: bool = True  # whether the true curve sin(πx) is known (not for a learner's own data)

    def features(self, x: np.ndarray, degree: int) -> np.ndarray:
        """Powers 1..degree of ``x``, standardized with the training points' statistics."""
        return datasets.polynomial_features(x, degree, reference=self.x_train)

    def points(self) -> pd.DataFrame:
        """One row per point: x, y, set ("Training" / "Validation")."""
        return pd.DataFrame({
            "x": np.concatenate([self.x_train, self.x_val]),
            "y": np.concatenate([self.y_train, self.y_val]),
            "set": ["Training"] * self.x_train.size + ["Validation"] * self.x_val.size,
        })


def _split(size: int, n: int, seed: int, most: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted indices of ``n`` training points among ``size`` and of the rest (at most ``most``) to validate."""
    order = np.random.default_rng([seed, 1]).permutation(size)  # its own stream: the split
    return np.sort(order[:n]), np.sort(order[n:][:most])


def make_data(n: int, noise: float, seed: int) -> Data:
    """``n`` training and :data:`N_VALIDATION` validation points of one noisy sin(πx) curve."""
    curve = datasets.polynomial_curve(n=n + N_VALIDATION, noise=noise, seed=seed, x_range=X_RANGE)
    train, val = _split(curve.x.size, n, seed)
    return Data(curve.x[train], curve.y[train], curve.x[val], curve.y[val], float(noise))


def upload_data(points, n: int, seed: int) -> Data:
    """A learner's own points (``dashboard.upload_read.Points``) as training and validation points.

    x is mapped linearly onto [-1, 1] and y standardized (mean 0, standard deviation 1), so λ
    weighs the penalty against the error as it does for the built-in curve. ``n`` training
    points (at most two thirds of the file) are drawn with ``seed``; up to :data:`UPLOAD_VALIDATION`
    of the rest validate.
    """
    x = X_RANGE[0] + (points.x - points.x.min()) * ((X_RANGE[1] - X_RANGE[0]) / (points.x.max() - points.x.min()))
    y = (points.y - points.y.mean()) / points.y.std()
    train, val = _split(x.size, min(int(n), max(2, (2 * x.size) // 3)), seed, UPLOAD_VALIDATION)
    return Data(x[train], y[train], x[val], y[val], float("nan"), truth=False)


# --------------------------------------------------------------------------- what the view says
def headlines(sw: Sweep, ft: Fit) -> list[Headline]:
    """Training and validation MSE at λ, the best λ, the zeros and the largest coefficient."""
    name, value = ft.largest
    return [
        Headline("Training MSE", fmt(ft.train_mse), TEXT("metric.train"), ft.train_mse, better="lower"),
        Headline("Validation MSE", fmt(ft.val_mse), TEXT("metric.val"), ft.val_mse, better="lower"),
        Headline("Best λ on validation", f"{sw.best_lam:g}", TEXT("metric.best", val=fmt(float(sw.val_mse.min()))),
                 sw.best_lam),
        Headline("Coefficients exactly 0", f"{ft.zeros} of {ft.degree}", TEXT("metric.zeros"), ft.zeros, whole),
        Headline("Largest coefficient", f"{name} = {fmt(value)}", TEXT("metric.largest"), abs(value)),
    ]


def math_blocks() -> list[tuple[str, str]]:
    """"The math": (sentence, LaTeX) pairs: the objective, the penalties (the registry's formulas), L2's closed
    form, L1's soft threshold and the condition for an exact zero."""
    return [
        (TEXT("math.objective"), r"J(w,b)=\frac1n\sum_{i=1}^n\left(x_i\cdot w+b-y_i\right)^2+\lambda\,R(w)"),
        (TEXT("math.penalties"), r",\qquad ".join(registry.PENALTIES[k].latex for k in ("l2", "l1", "elastic_net"))),
        (TEXT("math.l2"),
         r"w=\left(\tfrac1n X_c^\top X_c+\lambda I\right)^{-1}\tfrac1n X_c^\top y_c,\qquad b=\bar y-\bar x\cdot w"),
        (TEXT("math.l1"), r"w_{L1}=\operatorname{sign}(\hat w)\,\max\!\left(|\hat w|-\tfrac{\lambda}{2},\,0\right),\qquad "
                          r"w_{L2}=\frac{\hat w}{1+\lambda}"),
        (TEXT("math.zero"),
         r"w_j=0\iff\left|\tfrac{2}{n}\,x_{\cdot j}^\top\left(y-Xw-b\right)\right|\le\lambda\alpha\quad(\alpha=1\text{ for L1})"),
        (TEXT("math.exact"), ""),
    ]


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
    return f"{TEXT('caption.paths')} {say(paths_claims(sw))}"


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


WILD = 10.0  # a coefficient above this size (the curve's scale is 1) is a sign of chasing noise


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


# Each claim's words: its block in dashboard/texts/regularization.md, with the claim's numbers as shown.
def _picture_words(v) -> str:
    at = {f"{short}_w{i + 1}": fmt(v[p][i]) for p, short in (("l1", "l1"), ("l2", "l2"), ("elastic_net", "en"))
          for i in (0, 1)}
    return TEXT("notice.picture", lam=fmt(v["lam"]), **at)


_WORDS = {
    "reg.paths_l2": lambda v: TEXT("notice.paths_l2"),
    "reg.paths_leave": lambda v: (TEXT("notice.paths_leave", times=v["times"]) if v["times"] > 1
                                  else TEXT("notice.paths_leave_once")),
    "reg.paths_stay": lambda v: TEXT("notice.paths_stay"),
    "reg.errors": lambda v: TEXT("notice.errors", lam=fmt(v["lam"]), train=fmt(v["train"]), val=fmt(v["val"])),
    "reg.best": lambda v: TEXT("notice.best", val=fmt(v["val"]), lam=fmt(v["lam"])),
    "reg.best_noise": lambda v: TEXT("notice.best_noise", val=fmt(v["val"]), lam=fmt(v["lam"]),
                                     variance=fmt(v["noise"] ** 2)),
    "reg.at_best": lambda v: TEXT("notice.at_best"),
    "reg.same_shown": lambda v: TEXT("notice.same_shown"),
    "reg.left": lambda v: TEXT("notice.left", gap=fmt(v["gap"])),
    "reg.left_exact": lambda v: TEXT("notice.left_exact", gap=fmt(v["gap"])),
    "reg.right_underfit": lambda v: TEXT("notice.right_underfit", best_train=fmt(v["best_train"]), train=fmt(v["train"])),
    "reg.right": lambda v: TEXT("notice.right", val=fmt(v["val"]), best_val=fmt(v["best_val"])),
    "reg.train_grows": lambda v: TEXT("notice.train_grows", first=fmt(v["first"]), last=fmt(v["last"])),
    "reg.train_flat": lambda v: TEXT("notice.train_flat", value=fmt(v["value"])),
    "reg.best_smallest": lambda v: TEXT("notice.best_smallest", degree=v["degree"]),
    "reg.best_largest": lambda v: TEXT("notice.best_largest"),
    "reg.dips": lambda v: TEXT("notice.dips", count=v["count"], at=", ".join(fmt(lam) for lam in v["at"]),
                               points=v["points"], best_lam=fmt(v["best_lam"])),
    "reg.dips_exact": lambda v: TEXT("notice.dips_exact", count=v["count"], at=", ".join(fmt(lam) for lam in v["at"]),
                                     points=v["points"], best_lam=fmt(v["best_lam"])),
    "reg.u": lambda v: TEXT("notice.u", best_lam=fmt(v["best_lam"])),
    "reg.l2_shrinks": lambda v: TEXT("notice.l2_shrinks", degree=v["degree"], smallest=fmt(v["smallest"])),
    "reg.zeros": lambda v: TEXT("notice.zeros", zeros=v["zeros"], degree=v["degree"]),
    "reg.en_is_l2": lambda v: TEXT("notice.en_is_l2"),
    "reg.all_zero": lambda v: TEXT("notice.all_zero", degree=v["degree"]),
    "reg.none_zero": lambda v: TEXT("notice.none_zero", degree=v["degree"]),
    "reg.zeros_later": lambda v: (TEXT("notice.zeros_later_l1", later=v["later"], degree=v["degree"])
                                  if v["penalty"] == "l1" else
                                  TEXT("notice.zeros_later_en", later=v["later"], degree=v["degree"])),
    "reg.never_zero": lambda v: TEXT("notice.never_zero"),
    "reg.some_zero": lambda v: TEXT("notice.some_zero", zeros=v["zeros"], degree=v["degree"], first=v["first"],
                                    last=v["last"]),
    "reg.largest": lambda v: TEXT("notice.largest", name=v["name"], value=fmt(v["value"])),
    "reg.wild": lambda v: TEXT("notice.wild", size=fmt(v["size"]), degree=v["degree"]),
    "reg.tame": lambda v: TEXT("notice.tame", size=fmt(v["size"]), degree=v["degree"]),
    "reg.tame_exact": lambda v: TEXT("notice.tame_exact", size=fmt(v["size"])),
    "reg.picture": _picture_words,
    "reg.corner": lambda v: TEXT("notice.corner"),
    "reg.origin": lambda v: TEXT("notice.origin"),
    "reg.no_zero_yet": lambda v: TEXT("notice.no_zero_yet"),
}
for _kind, _said in _WORDS.items():
    template(_kind)(_said)
