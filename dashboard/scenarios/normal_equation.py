"""Compute for "When can you skip the descent?": the normal equation against gradient descent.

- The data: ``y = 2 x1 + x2 + 3 + noise`` with x2 its own feature, nearly a copy of x1 or an
  exact copy (:func:`core.datasets.alike_features`).
- The normal equations as a textbook writes them, ``(X^T X + n λ D) θ = X^T y`` with the column of
  ones last (:func:`core.closed_form.normal_matrices`), their solution by the SVD
  (:func:`core.closed_form.normal_equation`: the minimum-norm one when X is rank-deficient) and by
  the textbook LU solve, and the rank (:func:`core.closed_form.diagnose`).
- Gradient descent from zero at the rate 1 / λ_max (half the critical rate, the textbook 1/L): the exact number of steps to come within
  1e-6 of the closed form (:func:`core.landscape.descent_count`), a drawn run
  (:func:`core.training.fit_linear`), and the count over a sweep of how alike the features are.
- The cost as n and d grow: operation counts and times measured once per server process
  (:mod:`core.costs`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import closed_form, costs, datasets, landscape, penalties, training
from dashboard import paths, words
from dashboard.cache import by_values, scenario_cache
from dashboard.checks import one_of
from dashboard.formatting import fmt, latex_number, rounded
from dashboard.headline import Headline

# The data as the page builds it (its table and its numpy code are normal_equation_data's too).
from dashboard.scenarios.normal_equation_data import data_of
from dashboard.shared.normal_equation import COST_STEPS, METHOD_NAMES, distance_axis
from dashboard.verdicts import Claim, say, template

LIKENESS = ("own", "near", "copy")
LIKENESS_NAMES = {"own": "its own feature", "near": "nearly a copy of x₁", "copy": "an exact copy of x₁"}
GAP_LOW, GAP_HIGH, GAP_PER_DECADE = 0.0001, 1.0, 4
LAM_LOW, LAM_HIGH, LAM_PER_DECADE = 0.0001, 10.0, 4
TOL = 1e-6
TEXT = words.of("normal_equation")
MAX_COUNT = 10**12  # descent_count's horizon: beyond it a count is "more than"
SWEEP = tuple(10.0 ** (-k / 4) for k in range(17))  # gaps 1 down to 1e-4
GRID = 90  # contour cells per side
COST_NS = (1_000, 10_000, 50_000)
COST_DS = (2, 8, 32, 128)
COUNT_DS = np.unique(np.round(np.logspace(0, 4, 41)).astype(int))  # features, for the operation counts
DEFAULTS: dict[str, Any] = {"n": 50, "noise": 0.5, "likeness": "own", "gap": 0.1, "ridge": False, "lam": 0.01,
                            "seed": 0, "steps": 300, "cost_n": "50,000"}
NEAR_COPY = {**DEFAULTS, "likeness": "near", "gap": 0.01, "steps": 3000}
EXACT_COPY = {**DEFAULTS, "likeness": "copy"}
RIDGE_RESCUE = {**DEFAULTS, "likeness": "copy", "ridge": True, "lam": 0.1}


@dataclass(frozen=True, eq=False)
class NormalEquation:
    """Everything the page shows.

    Attributes:
        n, l2: rows and the ridge strength (0 without ridge).
        A, c: the normal equations' matrix (3, 3) and right side (3,); ``theta``: the SVD solution.
        textbook: the LU solve's answer, or None when it raised; ``rank``, ``unique``: of [X, 1].
        count: the descent's step count to 1e-6 from zero at its best rate.
        run: the drawn descent (columns series, label, step, value, distance); ``surface``, ``cell``,
            ``window``, ``paths``: its path on the loss over (w1, w2) with b at its best.
        sweep: gap, cond, steps (-1: more than MAX_COUNT): the count as the features grow alike.
        timings: the measured grid; ``measured``, ``counted``: its rows for the chosen n, and the
            operation counts over many d, for the charts.
    """

    n: int
    l2: float
    likeness: str
    A: np.ndarray
    c: np.ndarray
    theta: np.ndarray
    textbook: np.ndarray | None
    rank: int
    unique: bool
    count: landscape.DescentCount
    drawn: int
    run: pd.DataFrame
    surface: pd.DataFrame
    cell: tuple[float, float]
    window: tuple[float, float, float, float]
    paths: pd.DataFrame
    sweep: pd.DataFrame
    cost_n: int
    timings: costs.Timings
    measured: pd.DataFrame
    counted: pd.DataFrame

    @property
    def cond(self) -> float:
        """The condition number of A (and of the Hessian, 2 A / n): ∞ when singular."""
        return math.inf if self.count.singular else self.count.cond


@scenario_cache(max_entries=1, heavy=True)
def _measured() -> costs.Timings:
    return costs.measure(COST_NS, COST_DS, steps=COST_STEPS)


@functools.cache  # kept for the process's life (a few hundred bytes): the cache would let it expire unused
def timings() -> costs.Timings:
    """The cost grid, measured once per server process, in the worker (about 2.5 s). A served app
    measures it at start (``dashboard/app.py``), so no visitor waits for it."""
    return _measured()


@scenario_cache(max_entries=16)
def sweep(n: int, noise: float, seed: int, l2: float) -> pd.DataFrame:
    """The step count and the condition number for every gap of ``SWEEP``."""
    rows = []
    for gap in SWEEP:
        data = datasets.alike_features(n=n, noise=noise, gap=gap, seed=seed)
        count = _count(data.X, data.y, l2)
        rows.append((gap, count.cond, count.steps))
    return pd.DataFrame(rows, columns=["gap", "cond", "steps"])


def _count(X: np.ndarray, y: np.ndarray, l2: float) -> landscape.DescentCount:
    """Steps to within TOL at 1 / λ_max: the fast directions settle in a step or two, without the
    undamped zigzag across a narrow valley that the best constant rate 2 / (λ_max + λ_min) shows."""
    return landscape.descent_count(X, y, tol=TOL, l2=l2, lr=landscape.critical_learning_rate(X, l2=l2) / 2,
                                   max_steps=MAX_COUNT)


def _profiled(X: np.ndarray, y: np.ndarray, l2: float):
    """The objective over (w1, w2) with b at its best for each: mean((Xc w − yc)²) + l2 |w|², as the
    quadratic form wᵀ(G + l2 I)w − 2 wᵀh + s of the centred moments G = XcᵀXc / n, h = Xcᵀyc / n,
    s = yc·yc / n (the 3 × 3 normal equations with b eliminated).

    Two numbers per point instead of n residuals: the contour's 8,100 points at n = 1,000 once
    took 125 MB per rerun.
    """
    n = X.shape[0]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    G, h, s = Xc.T @ Xc / n + l2 * np.eye(X.shape[1]), Xc.T @ yc / n, float(yc @ yc) / n

    def f(w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=np.float64)
        return np.einsum("...i,ij,...j->...", w, G, w) - 2.0 * (w @ h) + s
    return f


def _gap(X: np.ndarray, l2: float, best_w: np.ndarray):
    """Height above the minimum over (w1, w2): (w − w*)ᵀ(G + l2 I)(w − w*), exact to the last digit
    near the minimum where f(w) − f(w*) would cancel."""
    Xc = X - X.mean(axis=0)
    H = Xc.T @ Xc / X.shape[0] + l2 * np.eye(X.shape[1])

    def gap(w: np.ndarray) -> np.ndarray:
        d = np.asarray(w, dtype=np.float64) - best_w
        return np.maximum(np.einsum("...i,ij,...j->...", d, H, d), 0.0)
    return gap


def compute(values: Mapping[str, Any]) -> NormalEquation:
    one_of("likeness", values["likeness"], LIKENESS)
    data = data_of(values)
    X, y, n = data.X, data.y, data.X.shape[0]
    l2 = float(values["lam"]) if values["ridge"] else 0.0
    A, c = closed_form.normal_matrices(X, y, l2=l2)
    theta = closed_form.normal_equation(X, y, l2=l2)
    try:
        textbook = closed_form.solve_normal_matrices(X, y, l2=l2)
    except np.linalg.LinAlgError:
        textbook = None
    diagnosis = closed_form.diagnose(X, l2=l2)
    count = _count(X, y, l2)

    drawn = int(values["steps"])
    run = training.fit_linear(X, y, lr=count.lr, steps=drawn, penalty=penalties.get("l2", l2) if l2 else None)
    params = run.params[:, 0, :]
    distance = np.linalg.norm(params - theta, axis=1)
    run_rows = paths.curve_rows(distance[:, None], np.array([-1]))
    curve = pd.DataFrame({"series": "descent", "label": "gradient descent", "step": run_rows["step"],
                          "value": run_rows["value"]})

    f = _profiled(X, y, l2)
    points = params[:, :2]
    box = paths.window(points, f(points), start_value=float(f(points[0])), anchors=np.array([[0.0, 0.0], theta[:2]]),
                       square=True)
    gap = _gap(X, l2, theta[:2])
    columns, cell = paths.value_bands(gap, box, GRID, floor=1e-6 * max(float(gap(points[0])), 1e-12))
    drawn_path, _ = paths.path_rows(points[:, None, :], gap(points)[:, None], np.array([-1]), box)
    path = pd.DataFrame({"series": "descent", "label": "gradient descent", "step": drawn_path["step"],
                         "x": drawn_path["x"], "y": drawn_path["y"], "value": drawn_path["value"]})

    grid = timings()
    cost_n = one_of("cost_n", int(str(values["cost_n"]).replace(",", "")), COST_NS)
    row = COST_NS.index(cost_n)
    measured = pd.concat([pd.DataFrame({"d": grid.ds, "method": METHOD_NAMES[m], "seconds": grid.seconds[m][row]})
                          for m in costs.METHODS], ignore_index=True)
    closed, descent = costs.operation_counts(cost_n, COUNT_DS, COST_STEPS)
    counted = pd.concat([pd.DataFrame({"d": COUNT_DS, "method": "normal equation: n d² + d³", "operations": closed}),
                         pd.DataFrame({"d": COUNT_DS, "method": f"gradient descent: T n d, T = {COST_STEPS}",
                                       "operations": descent})], ignore_index=True)
    return NormalEquation(
        n=n, l2=l2, likeness=str(values["likeness"]), A=A, c=c, theta=theta, textbook=textbook, rank=diagnosis.rank,
        unique=diagnosis.unique, count=count, drawn=drawn, run=curve, surface=pd.DataFrame(columns), cell=cell,
        window=box, paths=path, sweep=sweep(n, float(values["noise"]), int(values["seed"]), l2), cost_n=cost_n,
        timings=grid, measured=measured, counted=counted)


result_of = by_values(compute)


def distance_caption(res: NormalEquation) -> str:
    """The distance chart's caption; where the run comes closer to the closed form than the axis's bottom
    (:func:`dashboard.shared.normal_equation.distance_axis`), a sentence on why it runs along that edge."""
    below = float(res.run["value"].min()) < distance_axis(res.run)[0]
    return TEXT("caption.distance") + (" " + TEXT("caption.distance-floor") if below else "")


def crossing(res: NormalEquation) -> float:
    """The d at which T n d equals n d² + d³ for the chosen n: above it the descent counts fewer."""
    return float(costs.break_even(res.cost_n, COST_STEPS))


# ----------------------------------------------------------------------------- texts


EXACT_DIGITS = 6  # counts up to a million are exact; beyond, κ's round-off reaches the last digits


def steps_text(steps: int) -> str:
    if steps < 0:
        return f"more than {MAX_COUNT:.0e}".replace("e+", "×10^")
    return f"{steps:,}" if steps < 10 ** EXACT_DIGITS else f"about {rounded(steps)}"


def headlines(res: NormalEquation) -> list[Headline]:
    return [
        Headline("Rank of [X 1]", f"{res.rank} of 3", "How many independent columns the design has: below 3, "
                 "the data cannot pin down every weight.", value=res.rank, better="higher", key="rank"),
        # Under the ridge the matrix on the left is XᵀX + nλD, and its number is the one shown: named so.
        Headline("Condition number of XᵀX + nλD" if res.l2 else "Condition number of XᵀX", _cond_text(res.cond),
                 "Largest over smallest eigenvalue of the matrix on the left: how stretched the loss valley is."
                 + (f" With no inverse it is infinite; descent only moves along the directions the data fix, whose "
                    f"κ is {fmt(res.count.cond)}: that is where the chart puts your data." if math.isinf(res.cond)
                    else ""),
                 value=None if math.isinf(res.cond) else res.cond, better="lower", key="cond"),
        Headline("Descent steps to 1e-6", steps_text(res.count.steps),
                 "Gradient descent from zero at the rate 1/λ_max (half the rate at which it would diverge), until "
                 "the parameters are within 1e-6 of the closed form. The count is exact, worked out from the "
                 "eigenvalues rather than by running every step.",
                 value=None if res.count.steps < 0 else res.count.steps, better="lower", key="steps"),
        Headline("w₁ + w₂", fmt(res.theta[0] + res.theta[1]), "What the data fix even when the two features are "
                 "one: their weights' sum (the truth is 3).", value=res.theta[0] + res.theta[1], key="sum"),
    ]


def _matrix(m: np.ndarray) -> str:
    rows = m if m.ndim == 2 else m[:, None]
    body = r" \\ ".join(" & ".join(latex_number(v) for v in row) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


def equation_latex(res: NormalEquation) -> str:
    """The normal equations with the page's numbers, and below them the solution (two lines: a phone's
    column holds each, not both side by side)."""
    left = r"X^\top X + n\lambda D" if res.l2 else r"X^\top X"
    return (rf"\begin{{gathered}}\underbrace{{{_matrix(res.A)}}}_{{{left}}}\,\theta = "
            rf"\underbrace{{{_matrix(res.c)}}}_{{X^\top y}} \\[4pt] "
            rf"\Rightarrow\quad \theta = \begin{{bmatrix}} w_1 \\ w_2 \\ b \end{{bmatrix}} = {_matrix(res.theta)}"
            r"\end{gathered}")


def flag_claims(res: NormalEquation) -> list[Claim]:
    """The rank-deficiency flag, or the ridge that lifted it, as claims (one warning each)."""
    if not res.unique:
        return [Claim("normal.no_inverse", {"rank": res.rank, "sum": float(res.theta[0] + res.theta[1])})]
    if res.rank < 3:
        return [Claim("normal.ridge_lifts", {"rank": res.rank, "lam": res.l2, "cond": res.cond})]
    return []


def flags(res: NormalEquation) -> list[str]:
    """The flag claims in words, one warning each."""
    return [say([c]) for c in flag_claims(res)]


template("normal.no_inverse")(lambda v: TEXT("notice.no-inverse", rank=v["rank"], sum=fmt(v["sum"])))
template("normal.ridge_lifts")(
    lambda v: TEXT("notice.ridge-lifts", rank=v["rank"], lam=fmt(v["lam"]), cond=_cond_text(v["cond"])))


# The weights the data are made with (core.datasets.alike_features): w₁, w₂ and b.
TRUE_W = tuple(float(v) for v in datasets.alike_features(n=2, noise=0.0, gap=1.0, seed=0).true_params[:2])
TRUE_SUM = TRUE_W[0] + TRUE_W[1]
SUM_CLOSE = 0.05  # the weights' sum is "close to" the true 3 within 5% of it
SPLIT_FAR = 0.25  # the split is "far from" the true 2 and 1 when off by more than a quarter of the sum


def split_claim(res: NormalEquation) -> Claim:
    """What the data pinned down with a near copy: the sum, within :data:`SUM_CLOSE` of the true one or not,
    and the split, within :data:`SPLIT_FAR` of the sum from the true weights or not; a far split with a close
    sum is the noise's pick (the data fix the sum), with a far sum too the data fix neither."""
    w1, w2 = float(res.theta[0]), float(res.theta[1])
    total = w1 + w2
    sum_close = abs(total - TRUE_SUM) <= SUM_CLOSE * TRUE_SUM
    split = {"sum": total, "w1": w1, "w2": w2}
    if abs(w1 - TRUE_W[0]) + abs(w2 - TRUE_W[1]) <= SPLIT_FAR * TRUE_SUM:
        return Claim("normal.split_near", {**split, "sum_close": sum_close})
    return Claim("normal.split_sum_only", split) if sum_close else Claim("normal.split_neither", {**split, "n": res.n})


def note_claims(res: NormalEquation) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet: the solution; for a near copy what the data
    pin down (and why equations that print like a copy's still have one answer); an exact fit of three rows;
    the descent's count and its pace; the exact copy's quick descent; the textbook solve; the cost."""
    w1, w2, b = (float(t) for t in res.theta)
    bullets = [[Claim("normal.solution", {"w1": w1, "w2": w2, "b": b})]]
    if res.likeness == "near":
        bullets.append([split_claim(res)])
        if _printed_rows_equal(res):
            bullets.append([Claim("normal.look_alike")])
    if res.n == 3 and res.rank == 3 and not res.l2:
        far = abs(w1 - TRUE_W[0]) + abs(w2 - TRUE_W[1]) > SPLIT_FAR * TRUE_SUM
        bullets.append([Claim("normal.exact_fit_far" if far else "normal.exact_fit")])
    count = res.count
    bullets.append([Claim("normal.descent_singular" if count.singular else "normal.descent",
                          {"lr": count.lr, "steps": count.steps, "cond": count.cond})])
    if res.likeness == "copy" and not res.l2:
        bullets.append([Claim("normal.copy_quick")])
    bullets.append([textbook_claim(res)])
    top = res.measured.pivot(index="d", columns="method", values="seconds").loc[COST_DS[-1]]
    bullets.append([Claim("normal.cost", {
        "steps": COST_STEPS, "cross": crossing(res), "n": res.cost_n, "d": COST_DS[-1],
        **{m: float(top[METHOD_NAMES[m]]) for m in ("solve", "svd", "descent")}})])
    return bullets


def notes(res: NormalEquation) -> list[str]:
    """The "What to notice" bullets: :func:`note_claims` in words."""
    return [say(bullet) for bullet in note_claims(res)]


TRUE_WORDS = {"true_sum": TRUE_SUM, "true_w1": TRUE_W[0], "true_w2": TRUE_W[1]}  # what the split sentences compare with


template("normal.solution")(lambda v: TEXT("notice.solution", w1=fmt(v["w1"]), w2=fmt(v["w2"]), b=fmt(v["b"])))


def _split(v) -> dict[str, Any]:
    """The split sentences' numbers: the weights found, their sum, and the true ones they compare with."""
    return {"sum": fmt(v["sum"]), "w1": fmt(v["w1"]), "w2": fmt(v["w2"]), **TRUE_WORDS}


template("normal.split_near")(
    lambda v: TEXT("notice.split-near", **_split(v)) if v["sum_close"] else TEXT("notice.split-near-sum-off", **_split(v)))
template("normal.split_sum_only")(lambda v: TEXT("notice.split-sum-only", **_split(v)))
template("normal.split_neither")(lambda v: TEXT("notice.split-neither", n=v["n"], **_split(v)))
template("normal.look_alike")(lambda v: TEXT("notice.look-alike"))
template("normal.exact_fit")(lambda v: TEXT("notice.exact-fit"))
template("normal.exact_fit_far")(lambda v: TEXT("notice.exact-fit-far", true_w1=TRUE_W[0], true_w2=TRUE_W[1]))


def _descent(v) -> dict[str, str]:
    """The descent sentence's numbers, as the page prints them."""
    kappa = v["cond"]
    return {"lr": fmt(v["lr"]), "steps": steps_text(v["steps"]), "cond": _cond_text(kappa),
            "factor": _factor(1 - 1 / kappa)}


template("normal.descent")(lambda v: TEXT("notice.descent", **_descent(v)))
template("normal.descent_singular")(lambda v: TEXT("notice.descent-singular", **_descent(v)))
template("normal.copy_quick")(lambda v: TEXT("notice.copy-quick"))
template("normal.cost")(lambda v: TEXT("notice.cost", steps=v["steps"], cross=v["cross"], n=v["n"], d=v["d"],
                                       solve=time_text(v["solve"]), svd=time_text(v["svd"]),
                                       descent=time_text(v["descent"])))


def _printed_rows_equal(res: NormalEquation) -> bool:
    """The first two rows of XᵀX look the same as the page prints them (a near copy whose columns differ
    beyond the fourth digit)."""
    return [latex_number(v) for v in res.A[0]] == [latex_number(v) for v in res.A[1]]


def _factor(value: float) -> str:
    """A factor just under 1 with the digits that show how close: 0.9999710."""
    return f"{value:.{max(4, 3 - math.floor(math.log10(max(1 - value, 1e-15))))}f}" if value < 1 else fmt(value)


def _cond_text(kappa: float) -> str:
    """κ as a number; a singular matrix's is infinite by definition (numpy's cond says inf), and the
    page says so in those words, not as a dash."""
    if math.isinf(kappa):
        return "∞ (no inverse)"
    return fmt(kappa) if kappa < 10 ** EXACT_DIGITS else f"about {rounded(kappa)}"


def time_text(seconds: float) -> str:
    return f"{fmt(seconds, 3)} s" if seconds >= 1 else f"{fmt(seconds * 1000, 3)} ms"


def textbook_claim(res: NormalEquation) -> Claim:
    """The textbook LU solve of XᵀX θ = Xᵀy against the SVD: it fails on an exactly singular matrix, returns one
    of many answers on a rank-deficient one, else agrees to some significant digits; from a condition number of
    1000 on, forming XᵀX costs about log₁₀ κ of the 16 digits a double carries."""
    if res.textbook is None:
        return Claim("normal.textbook_fails")
    gap = float(np.max(np.abs(res.textbook - res.theta)))
    if not res.unique:
        return Claim("normal.textbook_guess", {"gap": gap})
    digits = math.log10(res.cond)
    scale = float(np.max(np.abs(res.theta)))
    agree = 16 if gap == 0 else min(16, math.floor(-math.log10(gap / scale)))
    if digits < 3:
        return Claim("normal.textbook_fine", {"agree": agree})
    return Claim("normal.textbook_loses", {"agree": agree, "digits": digits})


template("normal.textbook_fails")(lambda v: TEXT("notice.textbook-fails"))
template("normal.textbook_guess")(lambda v: TEXT("notice.textbook-guess", gap=fmt(v["gap"])))
template("normal.textbook_fine")(lambda v: TEXT("notice.textbook-fine", agree=v["agree"]))
template("normal.textbook_loses")(lambda v: TEXT("notice.textbook-loses", agree=v["agree"], digits=v["digits"]))


def math_blocks() -> list[tuple[str, str]]:
    return [
        (TEXT("math.gradient"),
         r"\nabla_\theta\Bigl(\tfrac1n\|X\theta - y\|^2 + \lambda\|D\theta\|^2\Bigr) = \tfrac2n X^\top(X\theta - y)"
         r" + 2\lambda D\theta = 0 \;\Rightarrow\; (X^\top X + n\lambda D)\,\theta = X^\top y"),
        (TEXT("math.descent"),
         r"\theta_t - \theta^* = (I - \eta H)^t(\theta_0 - \theta^*),\qquad \eta = \frac{1}{\lambda_{\max}} "
         r"\Rightarrow \text{slowest factor } 1 - \frac{1}{\kappa},\quad \kappa = \frac{\lambda_{\max}}"
         r"{\lambda_{\min}}"),
        (TEXT("math.steps"),
         r"t \approx \kappa\,\ln\frac{\|\theta_0 - \theta^*\|}{\varepsilon}"),
        (TEXT("math.cost"),
         r"n d^2 + d^3 \quad\text{against}\quad T\,n\,d"),
    ]
