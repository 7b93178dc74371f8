"""Compute for "What is your loss curve telling you?": a polynomial fit trained by mini-batch descent.

The data are the regularization view's (:func:`dashboard.shared.regularization.make_data`):
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
from dashboard import words
from dashboard.cache import by_values
from dashboard.checks import one_of
from dashboard.formatting import fmt, how_far_above, pct, rounded
from dashboard.headline import Headline
from dashboard.shared.regularization import N_VALIDATION, X_RANGE, make_data, power_label
from dashboard.verdicts import Claim, say, template

BATCHES = ("1", "2", "4", "8", "16", "32", "full")
BATCH_LABELS = {"1": "1 (SGD)", "full": "all (full batch)"}
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 0.001, 1.0, 10  # 0.05 and 0.0032 are on this grid (presets)
LAM_LOW, LAM_HIGH, LAM_PER_DECADE = 1e-5, 1.0, 4
EPOCHS_RANGE = (10, 500)
DEGREE_RANGE, N_RANGE = (1, 15), (10, 100)  # the degree and training-points sliders' ends
GRID_POINTS = 161
WILD = 1e3  # a fitted curve reaching this far (the data lie within ±3) is not drawn
TOP = 100.0  # the loss axis ends at this multiple of the starting loss: a diverging run leaves it there
NAMES = {"converged": "Converged", "overfitting": "Overfitting", "underfitting": "Underfitting",
         "unstable": "Unstable", "too slow": "Too slow"}
UNSURE = "not sure yet"
TEXT = words.of("loss_curves")
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
        n, penalised: the training points and whether the L2 penalty is on (what the advice can ask for).
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
    n: int = DEFAULTS["n"]  # training points
    penalised: bool = False  # the L2 penalty is on


def batch_of(values: Mapping[str, Any]) -> int | None:
    return None if values["batch"] == "full" else int(values["batch"])


def compute(values: Mapping[str, Any]) -> LossCurves:
    one_of("batch", values["batch"], BATCHES)
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
                      objective=objective, n=n, penalised=bool(values["l2"]))


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


def verdict_claims(res: LossCurves) -> list[Claim]:
    """The verdict as claims (:class:`dashboard.verdicts.Claim`): its name, the findings of
    :func:`core.diagnosis.read_curves` that decided it (one claim each, ``curves.<finding>``, with the
    finding's numbers), and what to try. Too slow with the epochs slider at its end advises only the rate,
    the half of "train longer or raise the rate" this page can follow."""
    v = res.verdict
    claims = [Claim("curves.verdict", {"kind": v.kind})]
    claims += [Claim(f"curves.{f.kind}", dict(f.values)) for f in v.findings]
    if v.kind == "too slow" and res.epochs >= EPOCHS_RANGE[1]:
        claims.append(Claim("curves.advice_rate", {"most": EPOCHS_RANGE[1]}))
    else:
        claims.append(Claim("curves.advice", {"kind": v.kind, "tries": advice_for(res)}))
    return claims


def advice_for(res: LossCurves) -> tuple[str, ...]:
    """The lesson's remedies for the verdict that this page's controls can still apply: no "raise the batch
    size" on the full batch, no "higher degree" at the slider's top, no "weaken the penalty" with none on."""
    kind = res.verdict.kind
    if kind == "unstable":
        return ("lower the learning rate",) + (("raise the batch size",) if res.per_epoch > 1 else ())
    if kind == "underfitting":
        return ((("raise the capacity (a higher degree)",) if res.degree < DEGREE_RANGE[1] else ())
                + (("weaken the penalty",) if res.penalised else ()))
    if kind == "overfitting":
        return (("stop at the turn (early stopping)",) + (("add data",) if res.n < N_RANGE[1] else ())
                + (("strengthen the penalty",) if res.penalised else ("add a penalty",))
                + (("lower the capacity",) if res.degree > DEGREE_RANGE[0] else ()))
    if kind == "too slow":
        return ("train for more epochs", "raise the learning rate")
    return ()


def verdict_text(res: LossCurves) -> str:
    """The verdict claims in words (:func:`dashboard.verdicts.say`)."""
    return say(verdict_claims(res))


def quiz_claims(res: LossCurves, guess: str) -> list[Claim]:
    """The learner's pick against the rules' verdict: right exactly when they are the same kind."""
    said = {"guess": guess, "verdict": res.verdict.kind}
    return [Claim("curves.guess_right" if guess == res.verdict.kind else "curves.guess_wrong", said)]


def quiz_feedback(res: LossCurves, guess: str) -> str:
    return say(quiz_claims(res, guess))


template("curves.verdict")(lambda v: TEXT("verdict.name", name=NAMES[v["kind"]]))
template("curves.diverged")(lambda v: TEXT("verdict.diverged", epoch=v["epoch"]))
template("curves.jumped")(lambda v: TEXT("verdict.jumped", epoch=v["epoch"], ratio=rounded(v["ratio"], 3)))


@template("curves.jumped_stuck")
def _(v):
    return TEXT("verdict.jumped-stuck", epoch=v["epoch"], ratio=rounded(v["ratio"], 3), tail=pct(diagnosis.TAIL),
                above=how_far_above(v["above"]), best=fmt(v["best_objective"]))


@template("curves.model_high")
def _(v):
    return TEXT("verdict.model-high", best_train=fmt(v["best_train"]), high=fmt(v["high"]), times=v["times"],
                floor=fmt(v["floor"]))


@template("curves.levelled_high")
def _(v):
    return TEXT("verdict.levelled-high", train=fmt(v["train"]), val=fmt(v["val"]), high=fmt(v["high"]),
                times=v["times"], floor=fmt(v["floor"]))


@template("curves.rose")
def _(v):
    return TEXT("verdict.rose", best_epoch=v["best_epoch"], best_val=fmt(v["best_val"]), rise=pct(v["rise"]),
                train_best=fmt(v["train_best"]), train_end=fmt(v["train_end"]))


template("curves.falling")(lambda v: TEXT("verdict.falling", fall=pct(v["fall"]), tail=pct(v["tail"])))
template("curves.short_of_best")(
    lambda v: TEXT("verdict.short-of-best", above=how_far_above(v["above"]), best=fmt(v["best_objective"])))
template("curves.best_is_zero")(lambda v: TEXT("verdict.best-is-zero", best=fmt(v["best_objective"])))
template("curves.levelled")(
    lambda v: TEXT("verdict.levelled", train=fmt(v["train"]), val=fmt(v["val"]), floor=fmt(v["floor"])))
template("curves.settled_jump")(lambda v: TEXT("verdict.settled-jump", epoch=v["epoch"], ratio=rounded(v["ratio"], 3)))
template("curves.above_best")(
    lambda v: TEXT("verdict.above-best", above=how_far_above(v["above"]), best=fmt(v["best_objective"])))


@template("curves.advice")
def _(v):
    tries = list(v["tries"])
    if v["kind"] == "converged":
        return TEXT("notice.converged")
    if not tries:
        return TEXT("notice.no-remedy")
    if len(tries) == 1:
        return TEXT("notice.try-one", remedy=tries[0])
    # All remedies but the last, joined with commas in code (a list, not a sentence).
    return TEXT("notice.try-many", remedies=", ".join(tries[:-1]), last=tries[-1])


template("curves.advice_rate")(lambda v: TEXT("notice.rate-at-most", most=v["most"]))
template("curves.guess_right")(
    lambda v: TEXT("quiz.right", guess=NAMES[v["guess"]].lower(), verdict=NAMES[v["verdict"]].lower()))
template("curves.guess_wrong")(
    lambda v: TEXT("quiz.wrong", guess=NAMES[v["guess"]].lower(), verdict=NAMES[v["verdict"]].lower()))


def rules_markdown() -> str:
    """The rules of :mod:`core.diagnosis`, with its thresholds, in the order they are tried."""
    d = diagnosis
    return TEXT("rules", jump=d.JUMP, tail=pct(d.TAIL), short=pct(d.SHORT), high=d.HIGH, margin=pct(d.MARGIN),
                rise=pct(d.RISE), spread=d.SPREAD, fall_se=d.FALL_SE, fall_min=pct(d.FALL_MIN))


def weights_table(res: LossCurves) -> str:
    """The weights early stopping keeps against those at the end."""
    names = [power_label(k) for k in range(1, res.degree + 1)] + ["intercept"]
    best = res.verdict.best_epoch
    lines = [f"| weight of | epoch {best} (kept) | epoch {res.epochs} (end) |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {fmt(float(a))} | {fmt(float(b))} |" for name, a, b in zip(names, res.kept, res.final)]
    return "\n".join(lines)


def note_claims(res: LossCurves, verdict_shown: bool = True) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet; while a quiz's verdict is hidden, only
    the first, without what the model can reach (that would give the answer away). Early stopping's epoch
    is said against the end only where the run did not blow up (its end loss is on the axis)."""
    v = res.verdict
    first = [Claim("curves.updates", {"per_epoch": res.per_epoch, "updates": res.epochs * res.per_epoch}),
             Claim("curves.floor", {"floor": res.floor, "truth_val": res.truth_val, "points": N_VALIDATION})]
    if not verdict_shown:
        return [first]
    first.append(Claim("curves.best_fit", {"best_val": res.best_val, "best_train": res.best_train}))
    best_val, end_val = float(res.val[v.best_epoch]), float(res.val[-1])
    if v.best_epoch == res.epochs:
        stop = Claim("curves.stop_at_end")
    elif end_val <= res.top:
        stop = Claim("curves.stop_early", {"epoch": v.best_epoch, "best_val": best_val, "end_val": end_val})
    else:
        stop = Claim("curves.stop_before_blowup", {"epoch": v.best_epoch, "best_val": best_val})
    bullets = [first, [stop]]
    if not any(res.fits["fit"] == "at the end"):
        bullets.append([Claim("curves.not_drawn")])
    return bullets


def notes(res: LossCurves, verdict_shown: bool = True) -> list[str]:
    """The "What to notice" bullets: :func:`note_claims` in words."""
    return [say(bullet) for bullet in note_claims(res, verdict_shown)]


@template("curves.updates")
def _(v):
    if v["per_epoch"] == 1:
        return TEXT("notice.updates-one", updates=v["updates"])
    return TEXT("notice.updates", per_epoch=v["per_epoch"], updates=v["updates"])


template("curves.floor")(
    lambda v: TEXT("notice.floor", floor=fmt(v["floor"]), points=v["points"], truth_val=fmt(v["truth_val"])))
template("curves.best_fit")(lambda v: TEXT("notice.best-fit", best_val=fmt(v["best_val"]), best_train=fmt(v["best_train"])))
template("curves.stop_early")(
    lambda v: TEXT("notice.stop-early", epoch=v["epoch"], best_val=fmt(v["best_val"]), end_val=fmt(v["end_val"])))
template("curves.stop_before_blowup")(
    lambda v: TEXT("notice.stop-before-blowup", epoch=v["epoch"], best_val=fmt(v["best_val"])))
template("curves.stop_at_end")(lambda v: TEXT("notice.stop-at-end"))
template("curves.not_drawn")(lambda v: TEXT("notice.not-drawn"))


def math_blocks() -> list[tuple[str, str]]:
    return [
        (TEXT("math.losses"),
         r"L_{\text{train}} = \frac1n\sum_{i\in\text{train}}(\hat y_i - y_i)^2,\qquad "
         r"L_{\text{val}} = \frac1m\sum_{j\in\text{val}}(\hat y_j - y_j)^2"),
        (TEXT("math.update"),
         r"\theta \leftarrow \theta - \eta\,\Bigl(\frac{1}{|B|}\sum_{i\in B}\nabla_\theta(\hat y_i - y_i)^2 + "
         r"2\lambda\,w\Bigr)"),
        (TEXT("math.early-stopping"),
         r"t^* = \arg\min_t L_{\text{val}}(\theta_t)"),
    ]
