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
from dashboard.formatting import fmt, money, pct, signed
from dashboard.headline import Headline

# Example key -> (title, source of the truth and the lesson's predictions, control key prefix,
# labels of the items, unit written before / after a number, the step of the inputs, the input range).
EXAMPLES: dict[str, dict[str, Any]] = {
    "lagos": dict(title="Three Lagos houses", data=datasets.lagos_houses, items=("house 1", "house 2", "house 3"),
                  kind="house", before="₦", after="M", step=1.0, high=500.0),
    "rain": dict(title="Rainfall, models A and B", data=datasets.rainfall_weeks,
                 items=("week 1", "week 2", "week 3", "week 4", "week 5"), kind="week", before="", after=" mm", step=1.0,
                 high=200.0),
    "usd": dict(title="House prices in dollars", data=datasets.house_prices, items=("house 1", "house 2", "house 3"),
                kind="house", before="$", after="", step=1000.0, high=5_000_000.0),
    "house": dict(title="One $300,000 house", data=datasets.house_300k, items=("the house",), kind="house", before="$", after="",
                  step=1000.0, high=5_000_000.0),
    "miss": dict(title="A $10,000 and a $20,000 miss", data=datasets.house_errors_400k,
                 items=("first house", "second house"), kind="house", before="$", after="", step=1000.0, high=5_000_000.0),
    "arrow": dict(title="Archery", data=datasets.archery, items=("arrow 1", "arrow 2", "arrow 3"), kind="arrow", before="",
                  after=" cm", step=0.5, high=100.0),
    "tie": dict(title="Two models of [2, 4, 6]", data=datasets.two_four_six, items=("1st", "2nd", "3rd"), kind="point", before="",
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
        whole = isinstance(DEFAULTS[key], int)
        out.append((f"{who}{ex['items'][i]}", key, int(ex["step"]) if whole else ex["step"], ex["high"]))
    return out


def _default(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


DEFAULTS: dict[str, Any] = {key: _default(EXAMPLES[name]["data"]().y_pred[m, i])
                            for name in EXAMPLES for key, m, i in keys_of(name)}
B_WITHOUT_WEEK_4 = {**DEFAULTS, "rain_b4": 40}  # step 5: B's week-4 miss taken away


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


def _big(value: float) -> str:
    """Whole numbers in full with separators (2,500,000,000), others to 4 digits."""
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    return fmt(value)


def mean_text(value: float) -> str:
    """A mean as the lesson writes it: 44.67, 6.0, 32.0, 200,000,000."""
    value = round(float(value), 10)
    if float(value).is_integer() and abs(value) < 1e4:
        return f"{value:.1f}"
    return _big(value)


def table(c: Card) -> str:
    """The lesson's steps as a table: per item the truth, each model's prediction, error, square, absolute."""
    multi = len(c.models) > 1
    head = [c.kind, "y"]
    for name in c.models:
        tag = f" {name}" if multi else ""
        head += [f"ŷ{tag}", f"e{tag}", f"e²{tag}", f"\\|e\\|{tag}"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for i in range(len(c.items)):
        row = [str(i + 1), _big(c.truth[i])]
        for m in range(len(c.models)):
            row += [_big(c.pred[m, i]), signed(c.error[m, i]) if abs(c.error[m, i]) < 1e4 else
                    ("+" if c.error[m, i] > 0 else "-") + _big(abs(c.error[m, i])),
                    _big(c.squared[m, i]), _big(c.absolute[m, i])]
        lines.append("| " + " | ".join(row) + " |")
    mean = ["**mean**", ""]
    for m in range(len(c.models)):
        mean += ["", "", f"**{mean_text(c.mse[m])}**", f"**{mean_text(c.mae[m])}**"]
    lines.append("| " + " | ".join(mean) + " |")
    return "\n".join(lines)


def verdict(c: Card) -> str:
    """The lesson's point of the example, with the live numbers."""
    if c.key == "lagos":
        sq, ab = c.squared[0], c.absolute[0]
        total = sq.sum()
        if total == 0:  # no miss to take a share of
            return "Every prediction is exact: MSE 0 and MAE 0, so no house carries any of the penalty."
        top = float(sq.max())
        tops = [i for i in range(sq.size) if outcomes.compare(sq[i], top).kind == "equal"]  # a tie shares the top
        k = tops[0]
        # Its share of the absolute error is smaller, unless every house missed at all is missed by as much.
        smaller = outcomes.compare(ab[k] / ab.sum(), top / total).kind == "smaller"
        rest = (f"{'but only' if smaller else 'and'} {_big(ab[k])}{' each' if len(tops) > 1 else ''} of "
                f"{_big(ab.sum())} in absolute error"
                + ("." if smaller else ": the same share, since it is the only miss." if np.count_nonzero(ab) == 1
                   else ": the same share, since every house missed is missed by as much."))
        if len(tops) > 1:
            who = (", ".join(f"{c.items[i]} ({signed(c.error[0, i])})" for i in tops[:-1])
                   + f" and {c.items[tops[-1]]} ({signed(c.error[0, tops[-1]])})")
            miss = (f"The biggest misses, {who}, carry {_big(top)} each of the {_big(total)} points of squared "
                    f"penalty ({pct(top / total)} each), ")
        else:
            miss = (f"The biggest miss, {c.items[k]} ({signed(c.error[0, k])}), carries {_big(top)} of the "
                    f"{_big(total)} points of squared penalty ({pct(top / total)}), ")
        return f"MSE {mean_text(c.mse[0])} (₦M)², MAE ₦{mean_text(c.mae[0])}M. " + miss + rest
    if c.key == "rain":
        a, b = c.mse
        week = 3
        total = c.squared[1].sum()
        if total == 0:  # no share of a zero total
            step5 = ("**Step 5:** model B predicts every week exactly: its MSE is 0, and no week carries any of it. ")
        else:
            share = c.squared[1, week] / total
            without = (total - c.squared[1, week]) / c.truth.size
            step5 = (f"**Step 5:** B's week-4 error ({signed(c.error[1, week])} mm) squares to "
                     f"{_big(c.squared[1, week])}, which adds {fmt(c.squared[1, week] / c.truth.size)} to B's MSE on "
                     f"its own ({pct(share)} of it); without it B's MSE would be {fmt(without)}. "
                     + ("That one large miss dominates B's squared loss. " if share > 0.5 else
                        "Here it does not dominate B's squared loss; a single large miss would. "))
        return (f"MSE: A {mean_text(a)}, B {mean_text(b)}; MAE: A {mean_text(c.mae[0])}, B {mean_text(c.mae[1])}. "
                + step5
                + f"**Bonus:** absolute error charges each mm the same whatever the miss's size: its per-week values "
                f"({', '.join(_big(v) for v in c.absolute[1])} for B) grow with the miss, so a miss twice as large "
                "costs twice as much, where the squared error costs four times as much.")
    if c.key == "usd":
        return (f"MSE {_big(round(c.mse[0], 6))} dollars², a number in squared dollars that no price is; its square "
                f"root, the RMSE, is {money(c.rmse[0])}, back in dollars.")
    if c.key == "house":
        return (f"An error of {money(abs(c.error[0, 0]))} squares to {_big(c.squared[0, 0])} dollars²: squaring "
                "makes big misses enormous.")
    if c.key == "miss":
        small, large = sorted(c.absolute[0])
        if large == 0:
            return "Both predictions are exact: no miss, and no loss under either error."
        if small == large:  # no "larger" of two equal misses
            return (f"Misses of {money(small)} and {money(large)}: the same size, so the same squared loss, "
                    f"{_big(large ** 2)} dollars² each.")
        if small == 0:  # no ratio to a miss of zero
            return (f"Misses of {money(small)} and {money(large)}: an exact prediction costs nothing under either "
                    f"loss, while {money(large)} off costs {_big(large ** 2)} dollars² of squared loss.")
        return (f"Misses of {money(small)} and {money(large)}: the larger is {fmt(large / small)} "
                f"times the error but {fmt((large / small) ** 2)} times the squared loss.")
    if c.key == "arrow":
        return ("Squared loss per arrow: " + ", ".join(f"{fmt(d)} cm off scores {_big(s)}" for d, s in
                                                        zip(c.absolute[0], c.squared[0])) + ".")
    a, b = c.squared.sum(axis=1)
    if a == b:
        return f"Total squared error: A {fmt(a)}, B {fmt(b)}: a tie, though they miss different points."
    return f"Total squared error: A {fmt(a)}, B {fmt(b)}: {'A' if a < b else 'B'} scores lower."


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


def _rain_ratio(rain: Card) -> str:
    """Rainfall B against A, as multiples of A where A missed at all (a multiple of zero is no number)."""
    if rain.mse[0] == 0:
        return (f"rainfall A predicts every week exactly (MSE 0), so B's MSE of {fmt(rain.mse[1])} and MAE of "
                f"{fmt(rain.mae[1])} are no multiple of A's.")
    return (f"rainfall B's MSE {fmt(rain.mse[1])} is {fmt(rain.mse[1] / rain.mse[0])} times A's, while its MAE is "
            f"{fmt(rain.mae[1] / rain.mae[0])} times A's.")


def notes(cs: Mapping[str, Card]) -> list[str]:
    lagos, rain = cs["lagos"], cs["rain"]
    return [
        f"Every card recomputes as you edit its predictions (in the sidebar). Lagos MSE "
        f"{mean_text(lagos.mse[0])} against MAE {mean_text(lagos.mae[0])}; " + _rain_ratio(rain),
        "Squared error grows with the square of a miss: double the miss and its loss is four times as large. That is "
        "why one large miss can outweigh all the small ones, and why the MSE is in squared units (take its root, the "
        "RMSE, to read it in the data's own unit).",
        "Absolute error grows in step with the miss: a model's MAE is its typical miss, in the data's unit.",
    ]


def math_blocks() -> list[tuple[str, str]]:
    return [
        ("Each point's error, and the two means:",
         r"e_i = \hat y_i - y_i,\qquad \text{MSE} = \frac1n\sum_i e_i^2,\qquad \text{MAE} = \frac1n\sum_i |e_i|"),
        ("The root of the MSE, in the data's unit:", r"\text{RMSE} = \sqrt{\text{MSE}}"),
        ("One point's share of the MSE:", r"\frac{e_k^2 / n}{\text{MSE}} = \frac{e_k^2}{\sum_i e_i^2}"),
    ]
