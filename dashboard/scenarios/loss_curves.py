"""Compute for "What is your loss curve telling you?": a polynomial fit trained by mini-batch descent.

The data are the regularization view's (:func:`dashboard.scenarios.regularization.make_data`):
``n`` training and 60 validation points of ``y = sin(πx) + noise``, the features the powers
1..degree standardized on the training points. The model is trained from zero by mini-batch
gradient descent (:func:`core.training.fit_linear`, reshuffled every epoch, an optional L2
penalty on the weights); after every epoch the training and validation MSE (without the penalty)
are read, and :func:`core.diagnosis.read_curves` gives the verdict, with the noise variance as
the floor. Early stopping keeps the weights of the epoch with the lowest validation loss.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, datasets, diagnosis, penalties, training
from dashboard import palette
from dashboard.cache import by_values
from dashboard.formatting import fmt, pct
from dashboard.headline import Headline
from dashboard.scenarios.regularization import X_RANGE, make_data, power_label

BATCHES = ("1", "2", "4", "8", "16", "32", "full")
BATCH_LABELS = {"1": "1 (SGD)", "full": "all (full batch)"}
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 0.001, 1.0, 10  # 0.05 and 0.0032 are on this grid (presets)
LAM_LOW, LAM_HIGH, LAM_PER_DECADE = 1e-5, 1.0, 4
EPOCHS_RANGE = (10, 500)
GRID_POINTS = 161
WILD = 1e3  # a fitted curve reaching this far (the data lie within ±3) is not drawn
TOP = 100.0  # the loss axis ends at this multiple of the starting loss: a diverging run leaves it there
SETS = {"training": palette.TRAIN, "validation": palette.VALIDATION}
FITS = {"at the end": palette.PURPLE, "kept by early stopping": palette.GREEN, "the true curve": palette.GREY}
NAMES = {"converged": "Converged", "overfitting": "Overfitting", "underfitting": "Underfitting",
         "unstable": "Unstable", "too slow": "Too slow"}
UNSURE = "not sure yet"
DEFAULTS: dict[str, Any] = {"degree": 3, "n": 30, "noise": 0.2, "lr": 0.1, "batch": "8", "epochs": 300,
                            "l2": False, "lam": 0.001, "seed": 0, "quiz": False}
# One preset per verdict, each from the lesson's list of what a loss curve can say.
PRESETS = {
    "overfitting": {**DEFAULTS, "degree": 12, "n": 15, "noise": 0.3, "lr": 0.05, "batch": "full", "epochs": 500},
    "underfitting": {**DEFAULTS, "degree": 1},
    "unstable": {**DEFAULTS, "lr": 0.4},  # it bounces (the lesson's "jumps around") and never settles
    "too slow": {**DEFAULTS, "lr": 0.0032},
}


def mystery_run(rng: random.Random) -> dict[str, Any]:
    """A quiz question: the default or one of the presets (one per verdict) with another seed, the quiz on.
    Its verdict is whatever the curves then say; the presets make each kind likely, not certain."""
    base = rng.choice([DEFAULTS, *PRESETS.values()])
    return {**base, "seed": rng.randrange(1000), "quiz": True}


@dataclass(frozen=True, eq=False)
class LossCurves:
    """Everything the page shows.

    Attributes:
        curves: epoch, set ("training" / "validation"), loss, shown (clipped to [low, top]): one row per
            epoch and set, up to a divergence.
        verdict: :class:`core.diagnosis.Verdict`; ``floor``: the noise variance it compares with.
        best_train, best_val: the training and validation MSE of the exact minimizer of the same
            objective (what this model can reach); ``truth_val``: the true curve's own validation MSE;
            ``objective``: (epochs + 1,) the training objective (MSE plus penalty) after each epoch.
        fits: x, fit (name), y: the curve at the end, the one early stopping keeps, the true curve.
        points: x, y, set: the data.
        kept, final: the weights (degree + 1,) at the best epoch and at the end, intercept last.
        per_epoch: updates per epoch; ``low``, ``top``: the loss axis.
    """

    degree: int
    epochs: int
    per_epoch: int
    curves: pd.DataFrame
    train: np.ndarray
    val: np.ndarray
    verdict: diagnosis.Verdict
    floor: float
    fits: pd.DataFrame
    points: pd.DataFrame
    kept: np.ndarray
    final: np.ndarray
    low: float
    top: float
    best_train: float
    best_val: float
    truth_val: float
    objective: np.ndarray


def batch_of(values: Mapping[str, Any]) -> int | None:
    return None if values["batch"] == "full" else int(values["batch"])


def compute(values: Mapping[str, Any]) -> LossCurves:
    if values["batch"] not in BATCHES:
        raise ValueError(f"batch must be one of {', '.join(BATCHES)}; got {values['batch']!r}")
    degree, n, epochs = int(values["degree"]), int(values["n"]), int(values["epochs"])
    noise, seed = float(values["noise"]), int(values["seed"])
    data = make_data(n, noise, seed)
    X_train, X_val = data.features(data.x_train, degree), data.features(data.x_val, degree)
    batch = batch_of(values)
    per_epoch = 1 if batch is None or batch >= n else math.ceil(n / batch)
    penalty = penalties.get("l2", float(values["lam"])) if values["l2"] else None
    run = training.fit_linear(X_train, data.y_train, lr=float(values["lr"]), steps=epochs * per_epoch,
                              batch_size=None if per_epoch == 1 else batch, penalty=penalty, seed=seed)
    params = run.params[::per_epoch, 0, :]  # (epochs + 1, degree + 1): after each epoch
    lam = float(values["lam"]) if values["l2"] else 0.0
    with np.errstate(all="ignore"):  # a diverging run overflows; its losses become inf and the verdict says so
        train = _mse(params, X_train, data.y_train)
        val = _mse(params, X_val, data.y_val)
        objective = train + lam * np.sum(params[:, :-1] ** 2, axis=1)
    # What this model can reach on these points: the exact minimizer of the same objective (one solve).
    solved = closed_form.normal_equation(X_train, data.y_train, l2=lam)
    best_train = float(_mse(solved[None, :], X_train, data.y_train)[0])
    best_objective = best_train + lam * float(solved[:-1] @ solved[:-1])
    verdict = diagnosis.read_curves(train, val, floor=noise**2, objective=objective, best_objective=best_objective,
                                    best_train=best_train)

    start = float(max(train[0], val[0]))
    finite = np.concatenate([train[np.isfinite(train)], val[np.isfinite(val)]])
    # The axis ends at TOP x the start when a run leaves it (it is drawn ending there), else just above the curves.
    low, top = max(float(finite.min()) / 2, 1e-6 * start), min(TOP * start, 2.0 * float(finite.max()))
    if not (np.isfinite(train).all() and np.isfinite(val).all()) or finite.max() > TOP * start:
        top = TOP * start
    rows = []
    for name, loss in (("training", train), ("validation", val)):
        # A run that bounces above the axis and comes back is drawn on along the top edge (the lesson's "jumps
        # around"); only a divergence ends the line, at the top.
        gone = np.flatnonzero(~np.isfinite(loss))
        last = int(gone[0]) if gone.size else loss.size - 1
        if run.diverged_at[0] >= 0:  # the epoch of the update that blew up (its weights are frozen after it)
            last = min(last, -(-int(run.diverged_at[0]) // per_epoch))
        epoch = np.arange(last + 1)
        shown = np.clip(np.nan_to_num(loss[: last + 1], nan=top, posinf=top), low, top)
        rows.append(pd.DataFrame({"epoch": epoch, "set": name, "loss": loss[: last + 1], "shown": shown}))
    curves = pd.concat(rows, ignore_index=True)

    kept, final = params[verdict.best_epoch], params[-1]
    grid = np.linspace(*X_RANGE, GRID_POINTS)
    features = data.features(grid, degree)
    fits = pd.concat([
        pd.DataFrame({"x": grid, "fit": "the true curve", "y": datasets.CurveData.truth(grid)}),
        pd.DataFrame({"x": grid, "fit": "kept by early stopping", "y": features @ kept[:-1] + kept[-1]}),
        pd.DataFrame({"x": grid, "fit": "at the end", "y": features @ final[:-1] + final[-1]}),
    ], ignore_index=True)
    # A blown-up fit (the end of a diverging run) would cross the plot as vertical lines: it is left out.
    wild = fits.groupby("fit")["y"].transform(lambda y: not np.isfinite(y).all() or np.abs(y).max() > WILD)
    fits = fits[~wild.astype(bool)]
    return LossCurves(degree=degree, epochs=epochs, per_epoch=per_epoch, curves=curves, train=train, val=val,
                      verdict=verdict, floor=noise**2, fits=fits, points=data.points(), kept=kept, final=final,
                      low=low, top=top, best_train=best_train,
                      best_val=float(_mse(solved[None, :], X_val, data.y_val)[0]),
                      truth_val=float(np.mean((datasets.CurveData.truth(data.x_val) - data.y_val) ** 2)),
                      objective=objective)


def _mse(params: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MSE of every row of ``params`` (E, P), weights first and the intercept last, on (X, y).

    Not :func:`core.training.objective`: that refuses non-finite params, and a diverging run's
    are read here too (their loss is inf, which the verdict reads as divergence)."""
    residual = params[:, :-1] @ X.T + params[:, -1:] - y
    return np.mean(residual**2, axis=1)


result_of = by_values(compute, heavy=True)


# ----------------------------------------------------------------------------- texts


def verdict_shown(values: Mapping[str, Any], guess: str | None) -> bool:
    """The verdict shows unless the quiz is on and no guess is made yet."""
    return not values["quiz"] or (guess is not None and guess != UNSURE)


def headlines(res: LossCurves, shown: bool = True) -> list[Headline]:
    v = res.verdict
    end_train, end_val = float(res.train[-1]), float(res.val[-1])

    def loss(value: float) -> str:
        return fmt(value) if value <= res.top else "blew up"
    return [
        Headline("Verdict", NAMES[v.kind] if shown else "your pick first", "What the curves say, by the rules below.",
                 key="verdict"),
        Headline("Training loss at the end", loss(end_train), "MSE on the training points after the last epoch.",
                 value=end_train if end_train <= res.top else None, better="lower", key="train"),
        Headline("Validation loss at the end", loss(end_val), "MSE on the 60 validation points after the last epoch.",
                 value=end_val if end_val <= res.top else None, better="lower", key="val"),
        Headline("Best validation epoch", f"{v.best_epoch} of {res.epochs}",
                 f"Early stopping keeps these weights: validation loss {fmt(float(res.val[v.best_epoch]))}.",
                 value=v.best_epoch, key="best"),
    ]


def verdict_text(res: LossCurves) -> str:
    v = res.verdict
    advice = v.advice
    if v.kind == "too slow" and res.epochs >= EPOCHS_RANGE[1]:
        # the slider is at its end: only half of "train longer or raise the rate" can be followed here
        advice = f"{EPOCHS_RANGE[1]} epochs is this page's most: raise the learning rate."
    return f"**{NAMES[v.kind]}.** {v.reason} {advice}"


def quiz_feedback(res: LossCurves, guess: str) -> str:
    right = guess == res.verdict.kind
    return (f"**{'Right' if right else 'Not quite'}:** you said {NAMES[guess].lower()}; the rules say "
            f"{NAMES[res.verdict.kind].lower()}.")


def rules_markdown() -> str:
    """The rules of :mod:`core.diagnosis`, with its thresholds, in the order they are tried."""
    d = diagnosis
    return "\n".join([
        f"1. **Unstable** if a loss stops being a finite number, or the training loss jumps above {d.JUMP:g} times "
        f"the lowest it had reached and does not come back: over the last {pct(d.TAIL)} of the epochs it still sits "
        f"more than {pct(d.SHORT)} above the lowest this model can reach (one least-squares solve gives that).",
        f"2. **Underfitting** if even the model's best fit (that same solve) stays above {d.HIGH:g} times the noise "
        f"variance plus {pct(d.MARGIN)} of the starting loss on the training points: the model is too simple.",
        f"3. **Overfitting** if validation loss rises more than {pct(d.RISE)} above its lowest, by more than "
        f"{d.SPREAD:g} times its own epoch-to-epoch wobble, and stays up, while the training loss kept falling after "
        "that epoch (the turn).",
        f"4. **Too slow** if the training loss is still more than {pct(d.SHORT)} above what the model can reach and "
        f"still falling: its mean over the last {pct(d.TAIL)} of the epochs is below the {pct(d.TAIL)} before by "
        f"more than {d.FALL_SE:g} standard errors and more than {pct(d.FALL_MIN)}.",
        "5. **Converged** otherwise: both levelled off.",
    ])


def weights_table(res: LossCurves) -> str:
    """The weights early stopping keeps against those at the end."""
    names = [power_label(k) for k in range(1, res.degree + 1)] + ["intercept"]
    best = res.verdict.best_epoch
    lines = [f"| weight of | epoch {best} (kept) | epoch {res.epochs} (end) |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {fmt(float(a))} | {fmt(float(b))} |" for name, a, b in zip(names, res.kept, res.final)]
    return "\n".join(lines)


def notes(res: LossCurves, verdict_shown: bool = True) -> list[str]:
    """The "What to notice" bullets; while a quiz's verdict is hidden, only those that do not give it away."""
    v = res.verdict
    out = [f"{res.per_epoch} update{'s' if res.per_epoch > 1 else ''} per epoch, {res.epochs * res.per_epoch:,} in "
           f"all. The noise variance, {fmt(res.floor)}, is the lowest validation loss any model can expect on average "
           f"over new points; on these 60 validation points the true curve itself scores {fmt(res.truth_val)}."]
    if not verdict_shown:  # what the model can reach would give the quiz's answer away
        return out
    out[0] += (f" This model's best fit (one least-squares solve) scores {fmt(res.best_val)} there, with "
               f"{fmt(res.best_train)} on the training points.")
    best_val, end_val = float(res.val[v.best_epoch]), float(res.val[-1])
    if v.best_epoch < res.epochs:
        end = f"against {fmt(end_val)} at the end" if end_val <= res.top else "before the run blew up"
        out.append(f"Early stopping would stop at epoch {v.best_epoch} and keep its weights: a validation loss of "
                   f"{fmt(best_val)}, {end}.")
    else:
        out.append("The validation loss is lowest at the last epoch: early stopping would keep the final weights.")
    if not any(res.fits["fit"] == "at the end"):
        out.append("The final weights are so large that their curve is not drawn.")
    return out


def math_blocks() -> list[tuple[str, str]]:
    return [
        ("The losses plotted are the mean squared errors on each set, without the penalty:",
         r"L_{\text{train}} = \frac1n\sum_{i\in\text{train}}(\hat y_i - y_i)^2,\qquad "
         r"L_{\text{val}} = \frac1m\sum_{j\in\text{val}}(\hat y_j - y_j)^2"),
        ("Each update uses one mini-batch B of the shuffled training points, with an optional L2 penalty:",
         r"\theta \leftarrow \theta - \eta\,\Bigl(\frac{1}{|B|}\sum_{i\in B}\nabla_\theta(\hat y_i - y_i)^2 + "
         r"2\lambda\,w\Bigr)"),
        ("Early stopping keeps the weights of the epoch with the lowest validation loss:",
         r"t^* = \arg\min_t L_{\text{val}}(\theta_t)"),
    ]
