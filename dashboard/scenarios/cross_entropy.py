"""Compute for "Why does a confident wrong answer cost so much?": cross-entropy, up close.

- Binary cross-entropy and squared error of one predicted probability p against a label, over
  every p, with their derivatives with respect to the logit z (p = sigmoid(z)):
  :mod:`core.logistic`.
- Categorical cross-entropy of three logits (cat, dog, bird) through the softmax:
  :func:`core.losses.softmax` and the ``cce`` loss.
- A one-feature logistic spam model trained by gradient descent from the same start, once with
  cross-entropy and once with squared error on its probabilities (:func:`core.logistic.train`).
- The lesson's numbers (:mod:`core.datasets`' worked examples), in one table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import datasets, logistic, losses
from dashboard import words
from dashboard.cache import by_values
from dashboard.checks import one_of
from dashboard.formatting import fmt, pct
from dashboard.headline import Headline
from dashboard.verdicts import Claim, say, template

LABELS = ("1", "0")
LABEL_NAMES = {"1": "1: spam", "0": "0: not spam"}
CLASSES = ("cat", "dog", "bird")
LOSS_NAMES = {"bce": "cross-entropy", "mse": "squared error"}
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 0.01, 10.0, 6
STEPS_RANGE = (10, 1000)
CURVE_POINTS = 199  # p from 0.005 to 0.995
DEFAULTS: dict[str, Any] = {
    "p": 0.9, "label": "1",
    # ln 0.70, ln 0.20, ln 0.10 to 4 decimals (a link keeps 6 digits): a softmax of 0.700, 0.200, 0.100.
    "z_cat": round(math.log(0.70), 4), "z_dog": round(math.log(0.20), 4), "z_bird": round(math.log(0.10), 4),
    "truth": "cat", "lr": 0.1, "steps": 300, "w0": -4.0,
}
CONFIDENT_WRONG = {**DEFAULTS, "p": 0.1}  # a spam email scored 0.1: the lesson's 2.303
MOSTLY_DOG = {**DEFAULTS, "z_cat": round(math.log(0.10), 4), "z_dog": round(math.log(0.60), 4),
              "z_bird": round(math.log(0.30), 4)}  # the lesson's second output: 2.303
TEXT = words.of("cross_entropy")
SPAM = dict(n=60, base_rate=0.5, separation=3.0, n_features=1, seed=0)


@dataclass(frozen=True, eq=False)
class CrossEntropy:
    """Everything the page shows.

    Attributes:
        p, y: the probability and the label; ``ce``, ``sq``: the two losses there; ``ce_grad``,
            ``sq_grad``: their derivatives with respect to the logit.
        curves: p, loss (name), value, gradient: both losses and their logit derivatives over p.
        probs: the softmax of the three logits; ``cce``: −log of the true class's probability.
        runs: step, loss (name), value, relative (value over its start), accuracy: the spam model's
            training under each loss; ``finals``: loss name -> (first, last value, last accuracy, weight).
    """

    p: float
    y: float
    ce: float
    sq: float
    ce_grad: float
    sq_grad: float
    curves: pd.DataFrame
    logits: np.ndarray
    truth: int
    probs: np.ndarray
    cce: float
    runs: pd.DataFrame
    finals: dict[str, tuple[float, float, float, float]]
    bars: pd.DataFrame


def loss_text(value: float) -> str:
    """A loss as the lesson writes it: three decimals (0.105, 2.303), three significant digits when small,
    zeros kept so a row of them reads alike (0.0101, 0.0100, 0.000198, never "0.01" beside "0.018")."""
    if not math.isfinite(value) or 0 < abs(value) < 1e-9 or value == 0:
        return fmt(value)
    return f"{value:.3f}" if abs(value) >= 0.05 else f"{value:#.3g}"


def change_of(first: float, last: float) -> str:
    """What a training loss did from its start to its end: "stays" where the two print alike
    (:func:`loss_text`: no change a reader could see), else "falls" or "rises"."""
    if loss_text(first) == loss_text(last):
        return "stays"
    return "falls" if last < first else "rises"


def _change(first: float, last: float) -> str:
    """A training loss from its start to its end, in the words of its :func:`change_of`: a clause of its own
    block, which the training sentence names."""
    change = change_of(first, last)
    if change == "stays":
        return TEXT("change.stays", last=loss_text(last), moved=fmt(abs(last - first), 2))
    if change == "falls":
        return TEXT("change.falls", first=loss_text(first), last=loss_text(last), share=pct(last / first))
    return TEXT("change.rises", first=loss_text(first), last=loss_text(last))


def _at(p: float, y: float) -> tuple[float, float, float, float]:
    z = math.log(p / (1 - p))
    return (float(logistic.loss_value(y, z, loss="bce")), float(logistic.loss_value(y, z, loss="mse")),
            float(logistic.logit_gradient(y, z, loss="bce")), float(logistic.logit_gradient(y, z, loss="mse")))


def spam() -> datasets.ClassData:
    return datasets.two_classes(**SPAM)


def compute(values: Mapping[str, Any]) -> CrossEntropy:
    p, y = float(values["p"]), float(values["label"])
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1; got {p}")
    one_of("truth", values["truth"], CLASSES)
    ce, sq, ce_grad, sq_grad = _at(p, y)
    grid = np.linspace(0.005, 0.995, CURVE_POINTS)
    z = np.log(grid / (1 - grid))
    parts = []
    for key, name in LOSS_NAMES.items():
        parts.append(pd.DataFrame({"p": grid, "loss": name, "value": logistic.loss_value(y, z, loss=key),
                                   "gradient": np.abs(logistic.logit_gradient(y, z, loss=key))}))
    logits = np.array([float(values[f"z_{c}"]) for c in CLASSES])
    probs = losses.softmax(logits)
    truth = CLASSES.index(values["truth"])
    cce = float(losses.get("cce")(np.array([truth]), probs[None, :]))
    bars = pd.DataFrame({"class": CLASSES, "logit": logits, "probability": probs,
                         "true": [c == values["truth"] for c in CLASSES]})
    data = spam()
    start = np.array([float(values["w0"]), 0.0])
    frames, finals = [], {}
    for key, name in LOSS_NAMES.items():
        run = logistic.train(data.X, data.y, loss=key, lr=float(values["lr"]), steps=int(values["steps"]), init=start)
        value = run.loss[:, 0]
        zs = run.params[:, 0, :] @ np.vstack([data.X[:, 0], np.ones(data.X.shape[0])])
        accuracy = np.mean((zs > 0) == (data.y > 0.5), axis=1)
        frames.append(pd.DataFrame({"step": np.arange(value.size), "loss": name, "value": value,
                                    "relative": value / value[0], "accuracy": accuracy}))
        finals[name] = (float(value[0]), float(value[-1]), float(accuracy[-1]), float(run.params[-1, 0, 0]))
    return CrossEntropy(p=p, y=y, ce=ce, sq=sq, ce_grad=ce_grad, sq_grad=sq_grad,
                        curves=pd.concat(parts, ignore_index=True), logits=logits, truth=truth, probs=probs, cce=cce,
                        runs=pd.concat(frames, ignore_index=True), finals=finals, bars=bars)


result_of = by_values(compute)


# ----------------------------------------------------------------------------- texts


def headlines(res: CrossEntropy) -> list[Headline]:
    ce, sq = res.finals["cross-entropy"], res.finals["squared error"]
    steps = int(res.runs["step"].max())
    return [
        Headline("Cross-entropy", loss_text(res.ce),
                 "−log of the probability given to the true label.", value=res.ce, better="lower", key="ce"),
        Headline("Squared error", loss_text(res.sq), "(p − y)², the same prediction scored on probabilities.",
                 value=res.sq, better="lower", key="sq"),
        Headline("Push, cross-entropy", loss_text(abs(res.ce_grad)),
                 "How hard cross-entropy pushes the logit: |p − y|.", value=abs(res.ce_grad),
                 key="ce-grad"),
        Headline("Push, squared error", loss_text(abs(res.sq_grad)),
                 "How hard squared error pushes the logit: |2 (p − y) p (1 − p)|.",
                 value=abs(res.sq_grad), key="sq-grad"),
        Headline(f"Categorical CE ({CLASSES[res.truth]})", loss_text(res.cce),
                 "−log of the softmax probability of the true class.", value=res.cce, better="lower", key="cce"),
        # Training has a headline of its own, so a pin shows when it changed (3% against 97% at another start)
        Headline("Accuracy: CE · SE", f"{pct(ce[2])} · {pct(sq[2])}",
                 f"The spam model's training accuracy after {steps} steps trained on cross-entropy, then on squared "
                 "error, from the same start.", key="accuracy"),
    ]


def lesson_table() -> str:
    """The lesson's cross-entropy numbers, computed."""
    lines = ["| the lesson's case | probability of the true class | cross-entropy |", "| --- | ---: | ---: |"]
    spam_cases = datasets.spam_probabilities()
    for case, p in zip(spam_cases.cases, spam_cases.y_pred):
        lines.append(f"| spam email, {case} | {p:g} | {loss_text(float(losses.get('bce')(np.ones(1), np.array([p]))))} |")
    pair = datasets.spam_confidence_pair()
    for case, p in zip(pair.cases, pair.y_pred):
        value = float(losses.get("bce")(np.ones(1), np.array([p])))
        lines.append(f"| a positive, {case} | {p:g} | {loss_text(value)} |")
    cats = datasets.cat_dog_bird()
    for case, probs in zip(cats.cases, cats.y_pred):
        value = float(losses.get("cce")(np.zeros(1, dtype=int), probs[None, :]))
        shown = ", ".join(f"{v:.2f}" for v in probs)
        lines.append(f"| a cat picture, {case} ({shown}) | {probs[0]:.2f} | {loss_text(value)} |")
    return "\n".join(lines)


def note_claims(res: CrossEntropy) -> list[Claim]:
    """"What to notice" as claims, one bullet each: what the two losses charge, how hard each pushes the
    logit, what training on each did (:func:`change_of`), and the softmax's categorical cross-entropy."""
    runs = [{"first": first, "last": last, "change": change_of(first, last), "accuracy": accuracy}
            for first, last, accuracy, _ in (res.finals["cross-entropy"], res.finals["squared error"])]
    return [
        Claim("xent.charges", {"p": res.p, "y": res.y, "right": res.p if res.y == 1 else 1 - res.p, "ce": res.ce,
                               "sq": res.sq}),
        Claim("xent.push", {"ce_grad": res.ce_grad, "sq_grad": res.sq_grad}),
        Claim("xent.training", {"steps": int(res.runs["step"].max()), "ce": runs[0], "sq": runs[1]}),
        Claim("xent.softmax", {"probs": list(zip(CLASSES, (float(q) for q in res.probs))),
                               "truth": CLASSES[res.truth], "cce": res.cce}),
    ]


def notes(res: CrossEntropy) -> list[str]:
    return [say([claim]) for claim in note_claims(res)]


@template("xent.charges")
def _(v):
    return TEXT("notice.charges", right=fmt(v["right"]), ce=loss_text(v["ce"]), p=fmt(v["p"]), y=v["y"],
                sq=loss_text(v["sq"]))


@template("xent.push")
def _(v):
    ratio = abs(v["ce_grad"]) / abs(v["sq_grad"]) if v["sq_grad"] else math.inf
    return TEXT("notice.push", ce_grad=loss_text(v["ce_grad"]), sq_grad=loss_text(v["sq_grad"]), ratio=fmt(ratio, 3))


@template("xent.training")
def _(v):
    ce, sq = v["ce"], v["sq"]
    return TEXT("notice.training", steps=v["steps"], ce_change=_change(ce["first"], ce["last"]),
                ce_accuracy=pct(ce["accuracy"]), sq_change=_change(sq["first"], sq["last"]),
                sq_accuracy=pct(sq["accuracy"]))


@template("xent.softmax")
def _(v):
    # Each class with its probability, listed with commas in code.
    probs = ", ".join(f"{c} {q:.3f}" for c, q in v["probs"])
    return TEXT("notice.softmax", probs=probs, truth=v["truth"], cce=loss_text(v["cce"]))


def math_blocks() -> list[tuple[str, str]]:
    return [
        (TEXT("math.losses"),
         r"\text{CE} = -\bigl[y\log p + (1-y)\log(1-p)\bigr],\qquad \text{SE} = (p - y)^2"),
        (TEXT("math.gradients"),
         r"\frac{\partial\,\text{CE}}{\partial z} = p - y,\qquad \frac{\partial\,\text{SE}}{\partial z} = "
         r"2\,(p - y)\,p\,(1-p)"),
        (TEXT("math.softmax"),
         r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}},\qquad \text{CCE} = -\log p_t"),
    ]
