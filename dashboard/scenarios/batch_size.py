"""Compute for "What does the batch size change?": one line fit by plain SGD at every batch size.

A line ``y = w x + b`` on 256 points (x in [0, 2], so the valley is a tilted ellipse) trained
from (0, 0) for a number of epochs three times: with the full batch, with the chosen
mini-batch size and with SGD (batch size 1), on the same seeded shuffles: each epoch is a
fresh permutation cut into batches (:func:`core.training.fit_linear`).

With "scale the rate", each batch size B runs at ``η · B / B_chosen`` (the linear scaling rule:
the chosen size keeps the slider's rate), so large batches get large rates, and the full batch
can pass the critical rate 2 / λ_max.

The gradient noise is measured at the least-squares optimum, where the full gradient is 0, so
the spread of a batch's gradient is its whole size (:mod:`core.minibatch`). The noise floor of
a run is the mean of its loss above the best possible over the second half of its updates.

:func:`compute` is a plain function of the controls' values; :func:`result_of` its cached
wrapper (shared across sessions: it depends on the controls only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import minibatch, outcomes, training
from dashboard import palette, paths, words
from dashboard.cache import by_values, scenario_cache
from dashboard.formatting import equal_digits, final_or_diverged, fmt
from dashboard.headline import Headline
from dashboard.valley import LineValley, line_valley
from dashboard.verdicts import Claim, say, template

DATA = dict(n=256, slope=2.0, intercept=1.0, noise=0.5, n_outliers=0, x_range=(0.0, 2.0), seed=0)
N = DATA["n"]
SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
BATCHES = tuple(str(b) for b in SIZES[1:-1])  # the chosen mini-batch (a choice: its text is its value)
RUNS = {"full": "Full batch (256)", "mini": "Mini-batch", "sgd": "SGD (batch 1)"}
COLOURS = {"full": palette.BLUE, "mini": palette.GREEN, "sgd": palette.VERMILLION}
AXES = ("epochs", "updates")
AXIS_LABELS = {"epochs": "Epochs (gradient evaluations / 256)", "updates": "Updates"}
RATE_LOW, RATE_HIGH, RATE_PER_DECADE = 0.001, 1.0, 10
EPOCHS_RANGE = (1, 30)
DRAWS = 1000  # batches drawn per size to measure the gradient noise
GRID = 100  # contour cells per side
DEFAULTS: dict[str, Any] = {"batch": "16", "lr": 0.1, "epochs": 10, "scale": False, "axis": "epochs",
                            "accumulate": 4, "seed": 0}
LINEAR_SCALING = {**DEFAULTS, "scale": True}  # the full batch's rate crosses the critical rate
TEXT = words.of("batch_size")


def problem() -> LineValley:
    """The built-in points (``DATA``) and the facts of their valley."""
    return line_valley(DATA)


@scenario_cache(max_entries=8)
def gradient_noise(seed: int) -> pd.DataFrame:
    """The spread of batch gradients at the optimum for every size below n: the law and ``DRAWS`` draws."""
    prob = problem()
    expected = minibatch.expected_spread(prob.X, prob.y, prob.optimum, SIZES[:-1])
    measured, error = minibatch.measured_spread(prob.X, prob.y, prob.optimum, SIZES[:-1], draws=DRAWS, seed=seed)
    return pd.DataFrame({"batch": SIZES[:-1], "expected": expected, "measured": measured, "error": error})


def per_epoch(batch: int) -> int:
    return -(-N // batch)


def rate_for(batch: int, values: Mapping[str, Any]) -> float:
    """The rate batch size ``batch`` runs at: the slider's, times B / B_chosen when scaled."""
    rate = float(values["lr"])
    return rate * batch / int(values["batch"]) if values["scale"] else rate


@dataclass(frozen=True)
class Run:
    """One batch size's run: ``gap`` (updates + 1,) the loss above the best after each update,
    ``params`` (updates + 1, 2) the path, its rate, and the update it diverged at (-1)."""

    batch: int
    rate: float
    gap: np.ndarray
    params: np.ndarray
    diverged_at: int

    @property
    def updates(self) -> int:
        return self.gap.size - 1

    @property
    def final(self) -> float:
        return float("inf") if self.diverged_at >= 0 else float(self.gap[-1])

    def last_epoch(self, epochs: int) -> float:
        """The gap averaged over the last epoch's updates (inf if diverged): one update of a noisy run
        is one draw (SGD's last value ranges over three decades from seed to seed), an epoch's mean
        much less. For the full batch, one update an epoch, it is the final gap."""
        if self.diverged_at >= 0:
            return float("inf")
        return float(np.mean(self.gap[-max(1, self.updates // epochs):]))

    @property
    def floor(self) -> float:
        """The noise floor: the mean gap over the second half of the updates, once that half is flat
        (its last quarter no lower than its first, by core.outcomes.fell); nan while the run is still
        falling, inf if it diverged."""
        if self.diverged_at >= 0:
            return float("inf")
        half = self.gap[self.gap.size // 2:]
        quarter = max(1, half.size // 2)
        if half.size < 4 or outcomes.fell(half[:quarter], half[-quarter:]):
            return float("nan")
        return float(np.mean(half))


def _train(prob: LineValley, batch: int, rate: float, epochs: int, seed: int, accumulate: int = 1) -> Run:
    fit = training.fit_linear(prob.X, prob.y, lr=rate, steps=epochs * per_epoch(batch * accumulate),
                              batch_size=None if batch >= N else batch, seed=seed, accumulate=accumulate)
    return Run(batch=batch, rate=rate, gap=fit.loss[:, 0] - prob.optimum_loss, params=fit.params[:, 0],
               diverged_at=int(fit.diverged_at[0]))


@dataclass(frozen=True)
class Result(paths.DrawnRuns):
    """Everything the page shows of one scenario (the drawn runs' fields are :class:`dashboard.paths.DrawnRuns`')."""

    batch: int
    epochs: int
    axis: str
    critical: float
    shown: dict[str, Run]  # full, mini, sgd
    series: dict[str, tuple[str, str]]  # run key -> (label, colour)
    surface: pd.DataFrame
    optimum: tuple[float, float]
    noise: pd.DataFrame  # batch, expected, measured, error (every size below n)
    accumulated: Run  # the chosen batch, accumulate mini-batches per update
    merged: Run | None  # one batch of accumulate x chosen (None when that is above n)
    accumulate: int
    start_gap: float
    low: float
    top: float
    x_end: float


def _label(key: str, batch: int) -> str:
    return f"Mini-batch ({batch})" if key == "mini" else RUNS[key]


def compute(values: Mapping[str, Any]) -> Result:
    prob = problem()
    batch, epochs, seed = int(values["batch"]), int(values["epochs"]), int(values["seed"])
    shown = {key: _train(prob, b, rate_for(b, values), epochs, seed) for key, b in (("full", N), ("mini", batch),
                                                                                  ("sgd", 1))}
    series = {key: (_label(key, batch), COLOURS[key]) for key in shown}

    # The paths on the valley's contours: the box the runs need, one scale on both axes.
    points = np.concatenate([r.params for r in shown.values()])
    values_ = np.concatenate([r.gap + prob.optimum_loss for r in shown.values()])
    start_loss = float(shown["full"].gap[0] + prob.optimum_loss)
    box = paths.window(points, values_, start_value=start_loss, anchors=np.array([[0.0, 0.0], prob.optimum]),
                       square=True)
    columns, cell = paths.mse_bands(prob.x, prob.y, box, GRID)
    surface = pd.DataFrame(columns)
    path_parts, exit_parts, curve_parts = [], [], []
    for key in ("sgd", "mini", "full"):  # drawn in this order: SGD's scatter under the smoother paths
        run = shown[key]
        label = series[key][0]
        drawn, left = paths.path_rows(run.params[:, None, :], (run.gap + prob.optimum_loss)[:, None],
                                      np.array([run.diverged_at]), box)
        path_parts.append(pd.DataFrame({"series": key, "label": label, "step": drawn["step"], "x": drawn["x"],
                                        "y": drawn["y"], "value": drawn["value"]}))
        exit_parts.append(pd.DataFrame({"series": key, "label": label, "step": left["step"], "x": left["x"],
                                        "y": left["y"]}))
        rows = paths.curve_rows(run.gap[:, None], np.array([run.diverged_at]))
        scale = 1.0 / per_epoch(run.batch) if values["axis"] == "epochs" else 1.0
        curve_parts.append(pd.DataFrame({
            "series": key, "label": label, "step": rows["step"] * scale, "value": rows["value"],
            "run": f"{label}, η = {run.rate:.3g}, {per_epoch(run.batch)} updates per epoch"}))
    gone = [(key, r) for key, r in shown.items() if r.diverged_at >= 0]
    diverged = pd.DataFrame({
        "series": [k for k, _ in gone],
        "step": [r.diverged_at / (per_epoch(r.batch) if values["axis"] == "epochs" else 1) for _, r in gone],
        # said in the axis's unit: "in epoch e" on the epochs axis, where "step 56" read as epoch 56
        "text": [f"diverged in epoch {-(-r.diverged_at // per_epoch(r.batch))}" if values["axis"] == "epochs"
                 else f"diverged at update {r.diverged_at}" for _, r in gone]})
    start_gap = float(shown["full"].gap[0])
    low = paths.log_floor(np.concatenate([r.gap for r in shown.values()]), start_gap)
    x_end = float(epochs if values["axis"] == "epochs" else max(r.updates for r in shown.values()))

    noise = gradient_noise(seed)

    k = int(values["accumulate"])
    accumulated = _train(prob, batch, rate_for(batch, values), epochs, seed, accumulate=k)
    merged = _train(prob, batch * k, rate_for(batch, values), epochs, seed) if batch * k <= N else None
    return Result(batch=batch, epochs=epochs, axis=str(values["axis"]), critical=prob.critical, shown=shown, series=series, surface=surface, cell=cell, window=box,
                  optimum=(float(prob.optimum[0]), float(prob.optimum[1])), paths=pd.concat(path_parts, ignore_index=True),
                  exits=pd.concat(exit_parts, ignore_index=True), curves=pd.concat(curve_parts, ignore_index=True),
                  diverged=diverged, noise=noise, accumulated=accumulated, merged=merged, accumulate=k,
                  start_gap=start_gap, low=low, top=10.0 * start_gap, x_end=x_end)


result_of = by_values(compute, heavy=True)


# ------------------------------------------------------------------------------ texts


def outcome(run: Run, epochs: int) -> str:
    """"diverged at update k", or the gap averaged over the last epoch (:meth:`Run.last_epoch`)."""
    return final_or_diverged(run.last_epoch(epochs), run.diverged_at, unit="update")


def headlines(res: Result) -> list[Headline]:
    """Each drawn run's loss above the best possible, averaged over its last epoch (the same epochs for all)."""
    return [Headline(res.series[key][0], outcome(run, res.epochs), _head_help(run, res.epochs),
                     value=None if run.diverged_at >= 0 else run.last_epoch(res.epochs), better="lower", key=key)
            for key, run in res.shown.items()]


def _head_help(run: Run, epochs: int) -> str:
    """A headline's tooltip: the last update's gap (one update an epoch) or the last epoch's mean."""
    if run.updates == epochs:
        return TEXT("help.head-last", updates=run.updates, batch=run.batch, rate=run.rate)
    return TEXT("help.head-epoch", per_epoch=run.updates // epochs, epochs=epochs, updates=run.updates,
                batch=run.batch, rate=run.rate)


def accumulation_text(res: Result) -> str:
    """The accumulated run against one batch of k x B: their final losses and largest difference."""
    k, b = res.accumulate, res.batch
    acc = res.accumulated
    if res.merged is None:
        return TEXT("accumulation.too-big", k=k, batch=b, merged=k * b, n=N)
    if k == 1:
        return TEXT("accumulation.one", batch=b)
    runs = dict(k=k, batch=b, merged=k * b)
    if acc.diverged_at >= 0 and res.merged.diverged_at >= 0:
        return TEXT("accumulation.diverged", at=acc.diverged_at, merged_at=res.merged.diverged_at, **runs)
    if acc.diverged_at >= 0:  # one run alone: the other is not said to have diverged (it printed step -1)
        return TEXT("accumulation.diverged-accumulated", at=acc.diverged_at, **runs)
    if res.merged.diverged_at >= 0:
        return TEXT("accumulation.diverged-merged", at=res.merged.diverged_at, **runs)
    if N % (k * b):
        # The groups of k batches do not tile an epoch: some straddle two epochs' shuffles (and the batch of
        # k·B has a short last batch), so the two runs average different gradients. Say so, not "rounding".
        return TEXT("accumulation.straddle", k=k, batch=b, merged=k * b, n=N, final=fmt(acc.gap[-1]),
                    merged_final=fmt(res.merged.gap[-1]), divides=N // b)
    ulps = last_places(acc.params, res.merged.params)
    a, m = float(acc.gap[-1]), float(res.merged.gap[-1])
    shared = equal_digits(a, m)
    run = {"k": k, "batch": b, "merged": k * b, "updates": acc.updates, "final": fmt(a)}
    # Sixteen digits on screen would only say "equal"; say it, and how far.
    if a == m:
        final = TEXT("accumulation.same-bits", **run)
    elif shared >= 4:
        final = TEXT("accumulation.same-digits", shared=shared, **run)
    else:
        final = TEXT("accumulation.apart", merged_final=fmt(m), **run)
    weights = (TEXT("accumulation.weights-same") if ulps == 0 else TEXT("accumulation.weights-one") if ulps == 1
               else TEXT("accumulation.weights-ulps", ulps=ulps))
    return final + " " + weights  # two whole sentences


def last_places(a: np.ndarray, b: np.ndarray) -> int:
    """The largest difference of a and b in units in the last place (ULPs) of the larger of each pair."""
    spacing = np.spacing(np.maximum(np.abs(a), np.abs(b)))
    return int(np.max(np.round(np.abs(a - b) / spacing)))


def floor_claims(res: Result) -> list[Claim]:
    """As claims (:class:`dashboard.verdicts.Claim`): which noisy runs stopped falling at a noise floor, which
    are still falling or diverged, and what the full batch did (core.outcomes' verdict: it converges only while
    it is falling or arrived)."""
    full, mini, sgd = (res.shown[k] for k in ("full", "mini", "sgd"))
    runs = ((f"SGD (η = {sgd.rate:.3g})", sgd, False), (f"batches of {mini.batch} (η = {mini.rate:.3g})", mini, True))
    level = [(name, run, many) for name, run, many in runs if np.isfinite(run.floor)]
    moving = [(name, many) for name, run, many in runs if np.isnan(run.floor)]
    gone = [name for name, run, _ in runs if run.diverged_at >= 0]
    claims = []
    if level:
        claims.append(Claim("batch.floors", {"runs": [(name, run.floor, many) for name, run, many in level]}))
        if len(level) == 2 and sgd.rate == mini.rate and sgd.floor > mini.floor:
            claims.append(Claim("batch.larger_lower"))
    if moving:
        claims.append(Claim("batch.still_falling", {"names": [name for name, _ in moving],
                                                    "plural": len(moving) > 1 or moving[0][1]}))
    if gone:
        claims.append(Claim("batch.diverged", {"names": gone}))
    if sgd.diverged_at >= 0 and mini.diverged_at < 0 and sgd.rate == mini.rate:
        claims.append(Claim("batch.advice", {"batch": mini.batch}))
    verdict = outcomes.classify(full.gap, 0.0, diverged_at=full.diverged_at)  # a diverged run reads no further
    if verdict.kind in ("falling", "arrived"):
        claims.append(Claim("batch.full_converges"))
    elif verdict.kind == "diverged":
        claims.append(Claim("batch.full_diverged", {"rate": full.rate, "at": full.diverged_at}))
    else:
        claims.append(Claim("batch.full_stuck", {"rate": full.rate, "kind": verdict.kind, "gap": verdict.gap}))
    return claims


def floor_note(res: Result) -> str:
    """The floor claims in words (:func:`dashboard.verdicts.say`)."""
    return say(floor_claims(res))


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


@template("batch.floors")
def _(v):
    # floor_claims lists SGD (one point a batch: it "sits") before the mini-batches (they "sit").
    if len(v["runs"]) == 2:
        (sgd, sgd_floor, _), (mini, mini_floor, _) = v["runs"]
        return TEXT("notice.floors", sgd=sgd, sgd_floor=fmt(sgd_floor), mini=mini, mini_floor=fmt(mini_floor))
    ((name, floor, many),) = v["runs"]
    if many:
        return TEXT("notice.floor-many", name=name, floor=fmt(floor))
    return TEXT("notice.floor-one", name=name, floor=fmt(floor))


template("batch.larger_lower")(lambda v: TEXT("notice.larger-lower"))


@template("batch.still_falling")
def _(v):
    if len(v["names"]) == 2:
        return TEXT("notice.still-falling-both", first=_first_up(v["names"][0]), second=v["names"][1])
    if v["plural"]:
        return TEXT("notice.still-falling-many", name=_first_up(v["names"][0]))
    return TEXT("notice.still-falling-one", name=_first_up(v["names"][0]))


@template("batch.diverged")
def _(v):
    if len(v["names"]) == 2:
        return TEXT("notice.diverged-both", first=_first_up(v["names"][0]), second=v["names"][1])
    return TEXT("notice.diverged", name=_first_up(v["names"][0]))


template("batch.advice")(lambda v: TEXT("notice.advice", batch=v["batch"]))
template("batch.full_converges")(lambda v: TEXT("notice.full-converges"))
template("batch.full_diverged")(lambda v: TEXT("notice.full-diverged", rate=v["rate"], at=v["at"]))


@template("batch.full_stuck")
def _(v):
    if v["kind"] == "rising":
        return TEXT("notice.full-rising", rate=v["rate"], gap=fmt(v["gap"]))
    if v["kind"] == "oscillating":
        return TEXT("notice.full-oscillating", rate=v["rate"], gap=fmt(v["gap"]))
    return TEXT("notice.full-stalled", rate=v["rate"], gap=fmt(v["gap"]))


def notes(res: Result, values: Mapping[str, Any]) -> list[str]:
    """The "What to notice" bullets: the gradient evaluations and each run's end, the gradient noise at the
    chosen size, the floors (:func:`floor_note`) and, with scaled rates, the full batch's rate."""
    full, mini, sgd = (res.shown[k] for k in ("full", "mini", "sgd"))
    evaluations = TEXT("notice.evaluations", n=N, batch=mini.batch, per_epoch=per_epoch(mini.batch),
                       epochs=res.epochs, full=outcome(full, res.epochs), mini=outcome(mini, res.epochs),
                       sgd=outcome(sgd, res.epochs))
    out = [evaluations + " " + TEXT("notice.per-update") if res.axis == "epochs" else evaluations]
    row = res.noise.set_index("batch")
    if mini.batch in row.index:
        r = row.loc[mini.batch]
        out.append(TEXT("notice.noise", one=fmt(row.loc[1]["measured"]), measured=fmt(r["measured"]),
                        batch=mini.batch, draws=DRAWS, error=fmt(r["error"], 2), expected=fmt(r["expected"])))
    out.append(floor_note(res))
    if values["scale"]:
        if full.diverged_at >= 0:
            scaled = TEXT("notice.scaled-diverged", batch=mini.batch, rate=full.rate, critical=res.critical,
                          at=full.diverged_at)
        else:
            scaled = TEXT("notice.scaled", batch=mini.batch, rate=full.rate, critical=res.critical)
        out.append(scaled + " " + TEXT("notice.scaling-limit"))
    return out


def table_markdown(res: Result) -> str:
    """Per batch size: updates per epoch and the gradient noise at the optimum, measured and by the 1/B law.
    (Every batch size evaluates all N gradients per epoch, so that column would be N throughout and push the
    last column off a phone's screen: the caption says it once.)"""
    lines = [f"| batch size | updates per epoch | gradient noise at the optimum, over {DRAWS} batches | the 1/B law |",
             "| ---: | ---: | ---: | ---: |"]
    for _, r in res.noise.iterrows():
        b = int(r["batch"])
        lines.append(f"| {b} | {per_epoch(b)} | {fmt(r['measured'])} ± {fmt(r['error'], 2)} | {fmt(r['expected'])} |")
    lines.append(f"| {N} | 1 | 0 | 0 |")
    return "\n".join(lines)


def math_blocks(res: Result) -> list[tuple[str, str]]:
    return [
        (TEXT("math.noise"),
         r"g_B = \frac1B\sum_{i\in B} g_i,\qquad \mathbb{E}\,\lVert g_B - g\rVert^2 = \frac{s^2}{B}\cdot"
         r"\frac{n-B}{n-1},\quad s^2 = \frac1n\sum_i \lVert g_i - g\rVert^2"),
        (TEXT("math.example"),
         r"g_i = 2\,(w x_i + b - y_i)\begin{pmatrix}x_i\\1\end{pmatrix}"),
        (TEXT("math.accumulation"),
         r"\frac1k\sum_{j=1}^{k}\frac1B\sum_{i\in B_j} g_i = \frac{1}{kB}\sum_{i\in B_1\cup\dots\cup B_k} g_i"),
        (TEXT("math.scaling"), r"\eta_B = \eta\cdot\frac{B}{B_{\text{chosen}}}"),
        (TEXT("math.critical"),
         r"\eta_{\text{crit}} = \frac{2}{\lambda_{\max}} = " + f"{res.critical:.4g}"),
    ]
