"""Compute for "Do the lesson's numbers add up?": every worked regression example of the seeds, editable.

Each example is one of :mod:`core.datasets`' worked examples (the truth and the lesson's
predictions); the learner edits the predictions. Every number on a card comes from
:mod:`core.losses` (squared and absolute error per point, their means), step by step as the
lesson works them: the error (prediction − truth), its square, its absolute value, the mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import datasets, losses, outcomes
from dashboard import words
from dashboard.formatting import fmt, in_full, money, pct, signed
from dashboard.headline import Headline
from dashboard.verdicts import Claim, say, template

TEXT = words.of("worked_examples")
# Example key -> (title, source of the truth and the lesson's predictions, control key prefix,
# labels of the items, unit written before / after a number, the step of the inputs, the input range).
EXAMPLES: dict[str, dict[str, Any]] = {
    "lagos": dict(text="000", title="Three Lagos houses", data=datasets.lagos_houses, items=("house 1", "house 2", "house 3"),
                  kind="house", before="₦", after="M", step=1.0, high=500.0),
    "rain": dict(text="001", title="Rainfall, models A and B", data=datasets.rainfall_weeks,
                 items=("week 1", "week 2", "week 3", "week 4", "week 5"), kind="week", before="", after=" mm", step=1.0,
                 high=200.0),
    "usd": dict(text="001", title="House prices in dollars", data=datasets.house_prices, items=("house 1", "house 2", "house 3"),
                kind="house", before="$", after="", step=1000.0, high=5_000_000.0),
    "house": dict(text="003", title="One $300,000 house", data=datasets.house_300k, items=("the house",), kind="house", before="$", after="",
                  step=1000.0, high=5_000_000.0),
    "miss": dict(text="001", title="A $10,000 and a $20,000 miss", data=datasets.house_errors_400k,
                 items=("first house", "second house"), kind="house", before="$", after="", step=1000.0, high=5_000_000.0),
    "arrow": dict(text="003", title="Archery", data=datasets.archery, items=("arrow 1", "arrow 2", "arrow 3"), kind="arrow", before="",
                  after=" cm", step=0.5, high=100.0),
    "tie": dict(text="004", title="Two models of [2, 4, 6]", data=datasets.two_four_six, items=("1st", "2nd", "3rd"), kind="point", before="",
                after="", step=0.5, high=100.0),
}


def keys_of(example: str) -> list[tuple[str, int, int]]:
    """(control key, model row, item column) of each editable prediction of ``example``."""
    ex = EXAMPLES[example]["data"]()
    out = []
    for m, name in enumerate(ex.models):
        for i in range(ex.y_true.size):
            suffix = f"{name.lower()}{i + 1}" if len(ex.models) > 1 else f"{i + 1}"
            out.append((f"{example}_{suffix}", m, i))
    return out


def inputs(example: str) -> list[tuple[str, str, float | int, float | int]]:
    """(label, control key, step, upper bound) of each prediction of ``example`` the learner edits:
    'model B, week 4'; whole steps for whole defaults, so the link keeps whole numbers."""
    ex = EXAMPLES[example]
    models = ex["data"]().models
    out = []
    for key, m, i in keys_of(example):
        who = f"model {models[m]}, " if len(models) > 1 else ""
        counted = isinstance(DEFAULTS[key], int)
        out.append((f"{who}{ex['items'][i]}", key, int(ex["step"]) if counted else ex["step"], ex["high"]))
    return out


def _default(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


DEFAULTS: dict[str, Any] = {key: _default(EXAMPLES[name]["data"]().y_pred[m, i])
                            for name in EXAMPLES for key, m, i in keys_of(name)}
DEFAULTS["worksheet"] = False  # the answers hidden: the page as the lesson's exercise, to work by hand
B_WITHOUT_WEEK_4 = {**DEFAULTS, "rain_b4": 40}  # step 5: B's week-4 miss taken away

# What each card asks a learner working it by hand (the worksheet), a numbered Markdown list: the rainfall card
# follows the lesson's exercise step by step; the others ask for the card's own point.
QUESTIONS: dict[str, str] = {
    "lagos": TEXT("questions.lagos"), "rain": TEXT("questions.rain"), "usd": TEXT("questions.usd"),
    "house": TEXT("questions.house"), "miss": TEXT("questions.miss"), "arrow": TEXT("questions.arrow"),
    "tie": TEXT("questions.tie"),
}
ASKED = "?"  # what a hidden answer shows in a worksheet's table


@dataclass(frozen=True, eq=False)
class Card:
    """One worked example, computed step by step.

    Attributes:
        key, title, unit: which example; ``before``/``after`` the unit written around a number.
        models: model names; ``truth`` (n,); ``pred`` (m, n); ``error`` pred − truth; ``squared``
            and ``absolute`` per point (m, n); ``mse``, ``mae`` and ``rmse`` per model (m,).
    """

    key: str
    title: str
    kind: str
    items: tuple[str, ...]
    models: tuple[str, ...]
    before: str
    after: str
    truth: np.ndarray
    pred: np.ndarray
    error: np.ndarray
    squared: np.ndarray
    absolute: np.ndarray
    mse: np.ndarray
    mae: np.ndarray

    @property
    def rmse(self) -> np.ndarray:
        return np.sqrt(self.mse)


def card(example: str, values: Mapping[str, Any]) -> Card:
    ex = EXAMPLES[example]
    data = ex["data"]()
    pred = np.array(data.y_pred, dtype=float)
    for key, m, i in keys_of(example):
        pred[m, i] = float(values[key])
    sq, ab = losses.get("mse"), losses.get("mae")
    return Card(key=example, title=ex["title"], kind=ex["kind"], items=ex["items"], models=data.models, before=ex["before"],
                after=ex["after"], truth=data.y_true, pred=pred, error=pred - data.y_true,
                squared=sq.value(data.y_true, pred), absolute=ab.value(data.y_true, pred),
                mse=np.atleast_1d(sq(data.y_true, pred)), mae=np.atleast_1d(ab(data.y_true, pred)))


def cards(values: Mapping[str, Any]) -> dict[str, Card]:
    return {name: card(name, values) for name in EXAMPLES}


# ----------------------------------------------------------------------------- texts



def mean_text(value: float) -> str:
    """A mean as the lesson writes it: 44.67, 6.0, 32.0, 200,000,000."""
    value = round(float(value), 10)
    if float(value).is_integer() and abs(value) < 1e4:
        return f"{value:.1f}"
    return in_full(value)


def table(c: Card, hidden: bool = False) -> str:
    """The lesson's steps as a table: per item the truth, each model's prediction, error, square, absolute.
    ``hidden``: the worksheet's table, every computed cell (errors, squares, absolutes, means) a "?"."""
    multi = len(c.models) > 1
    head = [c.kind, "y"]
    for name in c.models:
        tag = f" {name}" if multi else ""
        head += [f"ŷ{tag}", f"e{tag}", f"e²{tag}", f"\\|e\\|{tag}"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]

    def worked(*cells: str) -> list[str]:
        return [ASKED] * len(cells) if hidden else list(cells)

    for i in range(len(c.items)):
        row = [str(i + 1), in_full(c.truth[i])]
        for m in range(len(c.models)):
            error = (signed(c.error[m, i]) if abs(c.error[m, i]) < 1e4 else
                     ("+" if c.error[m, i] > 0 else "-") + in_full(abs(c.error[m, i])))
            row += [in_full(c.pred[m, i]), *worked(error, in_full(c.squared[m, i]), in_full(c.absolute[m, i]))]
        lines.append("| " + " | ".join(row) + " |")
    mean = ["**mean**", ""]
    for m in range(len(c.models)):
        mean += ["", "", *worked(f"**{mean_text(c.mse[m])}**", f"**{mean_text(c.mae[m])}**")]
    lines.append("| " + " | ".join(mean) + " |")
    return "\n".join(lines)


def verdict_claims(c: Card) -> list[Claim]:
    """The lesson's point of the example, as claims with the live numbers (:class:`dashboard.verdicts.Claim`)."""
    return _VERDICTS[c.key](c)


def verdict(c: Card) -> str:
    """The verdict claims in words (:func:`dashboard.verdicts.say`)."""
    return say(verdict_claims(c))


def _lagos_claims(c: Card) -> list[Claim]:
    """The biggest miss's share of the squared penalty against its share of the absolute error: smaller
    ("heavier" under squares) unless every house missed at all is missed by as much (then equal)."""
    sq, ab = c.squared[0], c.absolute[0]
    total = float(sq.sum())
    if total == 0:  # no miss to take a share of
        return [Claim("worked.lagos_exact")]
    top = float(sq.max())
    tops = [i for i in range(sq.size) if outcomes.compare(sq[i], top).kind == "equal"]  # a tie shares the top
    k = tops[0]
    scores = Claim("worked.lagos_scores", {"mse": float(c.mse[0]), "mae": float(c.mae[0])})
    shares = {"misses": [(c.items[i], float(c.error[0, i])) for i in tops], "squared": top, "squared_total": total,
              "absolute": float(ab[k]), "absolute_total": float(ab.sum())}
    if outcomes.compare(ab[k] / ab.sum(), top / total).kind == "smaller":
        return [scores, Claim("worked.lagos_heavier", shares)]
    return [scores, Claim("worked.lagos_even", {**shares, "alone": int(np.count_nonzero(ab)) == 1})]


DOMINATES = 0.5  # one miss "dominates" a loss when it carries more than half of it


def _rain_claims(c: Card) -> list[Claim]:
    """Step 5: B's week-4 miss, its share of B's squared loss (it dominates above :data:`DOMINATES`), and the bonus."""
    a, b = c.mse
    claims = [Claim("worked.rain_scores", {"mse": (float(a), float(b)), "mae": (float(c.mae[0]), float(c.mae[1]))})]
    week = 3
    total = float(c.squared[1].sum())
    if total == 0:  # no share of a zero total
        claims.append(Claim("worked.rain_exact"))
    else:
        squared = float(c.squared[1, week])
        claims.append(Claim("worked.rain_week", {"week": week + 1, "error": float(c.error[1, week]), "squared": squared,
                                                 "total": total, "n": int(c.truth.size)}))
        claims.append(Claim("worked.rain_dominates" if squared / total > DOMINATES else "worked.rain_minor",
                            {"share": squared / total}))
    claims.append(Claim("worked.rain_bonus", {"absolute": [float(v) for v in c.absolute[1]]}))
    return claims


def _usd_claims(c: Card) -> list[Claim]:
    return [Claim("worked.usd", {"mse": float(c.mse[0]), "rmse": float(c.rmse[0])})]


def _house_claims(c: Card) -> list[Claim]:
    return [Claim("worked.house", {"error": float(c.error[0, 0]), "squared": float(c.squared[0, 0])})]


def _miss_claims(c: Card) -> list[Claim]:
    """Two misses: a ratio of the squares only where both are misses and they differ."""
    small, large = (float(v) for v in sorted(c.absolute[0]))
    if large == 0:
        kind = "worked.miss_none"
    elif small == large:  # no "larger" of two equal misses
        kind = "worked.miss_equal"
    elif small == 0:  # no ratio to a miss of zero
        kind = "worked.miss_one"
    else:
        kind = "worked.miss_ratio"
    return [Claim(kind, {"small": small, "large": large})]


def _arrow_claims(c: Card) -> list[Claim]:
    return [Claim("worked.arrow", {"scores": [(float(d), float(s)) for d, s in zip(c.absolute[0], c.squared[0])]})]


def _tie_claims(c: Card) -> list[Claim]:
    """A against B on total squared error; a tie says whether they miss different points, the same ones, or none."""
    a, b = (float(v) for v in c.squared.sum(axis=1))
    if a != b:
        return [Claim("worked.tie_winner", {"a": a, "b": b, "winner": "A" if a < b else "B"})]
    missed = [tuple(bool(v) for v in row != 0) for row in c.error]
    kind = ("worked.tie_exact" if a == 0 else "worked.tie_apart" if missed[0] != missed[1] else
            "worked.tie_same_points")
    return [Claim(kind, {"a": a, "b": b})]


_VERDICTS = {"lagos": _lagos_claims, "rain": _rain_claims, "usd": _usd_claims, "house": _house_claims,
             "miss": _miss_claims, "arrow": _arrow_claims, "tie": _tie_claims}


template("worked.lagos_exact")(lambda v: TEXT("notice.lagos-exact"))
template("worked.lagos_scores")(lambda v: TEXT("notice.lagos-scores", mse=mean_text(v["mse"]), mae=mean_text(v["mae"])))


def _lagos_shares(v) -> dict[str, str]:
    """The Lagos sentences' numbers: the biggest miss (or, tied, all but the last of them, listed with commas in
    code, and the last), its squared penalty and absolute error and their totals, its share of the penalty."""
    *first, last = [f"{item} ({signed(error)})" for item, error in v["misses"]]
    said = {"last": last, "squared": in_full(v["squared"]), "squared_total": in_full(v["squared_total"]),
            "share": pct(v["squared"] / v["squared_total"]), "absolute": in_full(v["absolute"]),
            "absolute_total": in_full(v["absolute_total"])}
    return {**said, "misses": ", ".join(first)} if first else said


@template("worked.lagos_heavier")
def _(v):
    if len(v["misses"]) > 1:
        return TEXT("notice.lagos-heavier-tied", **_lagos_shares(v))
    return TEXT("notice.lagos-heavier", **_lagos_shares(v))


@template("worked.lagos_even")
def _(v):
    if v["alone"]:  # the only miss: one house, never a tie
        return TEXT("notice.lagos-even-alone", **_lagos_shares(v))
    if len(v["misses"]) > 1:
        return TEXT("notice.lagos-even-tied", **_lagos_shares(v))
    return TEXT("notice.lagos-even", **_lagos_shares(v))


@template("worked.rain_scores")
def _(v):
    (a, b), (ma, mb) = v["mse"], v["mae"]
    return TEXT("notice.rain-scores", mse_a=mean_text(a), mse_b=mean_text(b), mae_a=mean_text(ma), mae_b=mean_text(mb))


template("worked.rain_exact")(lambda v: TEXT("notice.rain-exact"))


@template("worked.rain_week")
def _(v):
    return TEXT("notice.rain-week", week=v["week"], error=signed(v["error"]), squared=in_full(v["squared"]),
                adds=fmt(v["squared"] / v["n"]), share=pct(v["squared"] / v["total"]),
                without=fmt((v["total"] - v["squared"]) / v["n"]))


template("worked.rain_dominates")(lambda v: TEXT("notice.rain-dominates"))
template("worked.rain_minor")(lambda v: TEXT("notice.rain-minor"))
# B's absolute errors per week, listed with commas in code.
template("worked.rain_bonus")(lambda v: TEXT("notice.rain-bonus", absolute=", ".join(in_full(a) for a in v["absolute"])))
template("worked.usd")(lambda v: TEXT("notice.usd", mse=in_full(round(v["mse"], 6)), rmse=money(v["rmse"])))
template("worked.house")(lambda v: TEXT("notice.house", error=money(abs(v["error"])), squared=in_full(v["squared"])))
template("worked.miss_none")(lambda v: TEXT("notice.miss-none"))
template("worked.miss_equal")(
    lambda v: TEXT("notice.miss-equal", small=money(v["small"]), large=money(v["large"]), squared=in_full(v["large"] ** 2)))
template("worked.miss_one")(
    lambda v: TEXT("notice.miss-one", small=money(v["small"]), large=money(v["large"]), squared=in_full(v["large"] ** 2)))


@template("worked.miss_ratio")
def _(v):
    ratio = v["large"] / v["small"]
    return TEXT("notice.miss-ratio", small=money(v["small"]), large=money(v["large"]), ratio=fmt(ratio),
                squared_ratio=fmt(ratio ** 2))


@template("worked.arrow")
def _(v):
    # Each arrow's distance and score (a block of its own), listed with commas in code.
    scores = ", ".join(TEXT("notice.arrow-score", distance=fmt(d), score=in_full(s)) for d, s in v["scores"])
    return TEXT("notice.arrow", scores=scores)


template("worked.tie_winner")(lambda v: TEXT("notice.tie-winner", a=fmt(v["a"]), b=fmt(v["b"]), winner=v["winner"]))
template("worked.tie_apart")(lambda v: TEXT("notice.tie-apart", a=fmt(v["a"]), b=fmt(v["b"])))
template("worked.tie_same_points")(lambda v: TEXT("notice.tie-same-points", a=fmt(v["a"]), b=fmt(v["b"])))
template("worked.tie_exact")(lambda v: TEXT("notice.tie-exact", a=fmt(v["a"]), b=fmt(v["b"])))


def headlines(cs: Mapping[str, Card]) -> list[Headline]:
    lagos, rain, usd = cs["lagos"], cs["rain"], cs["usd"]
    return [
        Headline("Lagos MSE", fmt(lagos.mse[0]), "(₦M)²", value=float(lagos.mse[0]), better="lower", key="lagos"),
        Headline("Rainfall MSE, A", fmt(rain.mse[0]), "mm²", value=float(rain.mse[0]), better="lower", key="rain-a"),
        Headline("Rainfall MSE, B", fmt(rain.mse[1]), "mm²", value=float(rain.mse[1]), better="lower", key="rain-b"),
        Headline("House prices RMSE", money(usd.rmse[0]), "The square root of the MSE, in dollars.",
                 value=float(usd.rmse[0]), better="lower", key="usd"),
    ]


def rain_frame(c: Card) -> pd.DataFrame:
    """Rainfall's squared errors per week and model, for the chart."""
    rows = []
    for m, name in enumerate(c.models):
        for i, item in enumerate(c.items):
            rows.append((f"model {name}", item, float(c.squared[m, i]), float(c.absolute[m, i]), float(c.error[m, i])))
    return pd.DataFrame(rows, columns=["model", "week", "squared", "absolute", "error"])


def note_claims(cs: Mapping[str, Card]) -> list[Claim]:
    """The first "What to notice" bullet as a claim: the Lagos scores, and rainfall B against A as multiples of A
    where A missed at all (a multiple of zero is no number)."""
    lagos, rain = cs["lagos"], cs["rain"]
    scores = {"lagos_mse": float(lagos.mse[0]), "lagos_mae": float(lagos.mae[0]),
              "mse": (float(rain.mse[0]), float(rain.mse[1])), "mae": (float(rain.mae[0]), float(rain.mae[1]))}
    return [Claim("worked.note_a_exact" if rain.mse[0] == 0 else "worked.note_ratio", scores)]


@template("worked.note_a_exact")
def _(v):
    return TEXT("notice.recomputes-a-exact", lagos_mse=mean_text(v["lagos_mse"]), lagos_mae=mean_text(v["lagos_mae"]),
                mse_b=fmt(v["mse"][1]), mae_b=fmt(v["mae"][1]))


@template("worked.note_ratio")
def _(v):
    (a, b), (ma, mb) = v["mse"], v["mae"]
    return TEXT("notice.recomputes", lagos_mse=mean_text(v["lagos_mse"]), lagos_mae=mean_text(v["lagos_mae"]),
                mse_b=fmt(b), mse_times=fmt(b / a), mae_times=fmt(mb / ma))


def notes(cs: Mapping[str, Card]) -> list[str]:
    return [
        *(say([claim]) for claim in note_claims(cs)),
        TEXT("notice.squared"),
        TEXT("notice.absolute"),
    ]


def math_blocks() -> list[tuple[str, str]]:
    return [
        (TEXT("math.means"),
         r"e_i = \hat y_i - y_i,\qquad \text{MSE} = \frac1n\sum_i e_i^2,\qquad \text{MAE} = \frac1n\sum_i |e_i|"),
        (TEXT("math.rmse"), r"\text{RMSE} = \sqrt{\text{MSE}}"),
        (TEXT("math.share"), r"\frac{e_k^2 / n}{\text{MSE}} = \frac{e_k^2}{\sum_i e_i^2}"),
    ]
