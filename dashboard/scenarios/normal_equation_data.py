"""The normal-equation view's data, from its controls: ``y = 2 x1 + x2 + 3 + noise`` with x2 its own feature,
nearly a copy of x1 or an exact copy (:func:`core.datasets.alike_features`); the same data as a table a learner
can work by hand, and as numpy and scikit-learn code that makes it and solves it as the page does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import datasets
from dashboard.formatting import fmt


def gap_of(values: Mapping[str, Any]) -> float | None:
    return {"own": None, "near": float(values["gap"]), "copy": 0.0}[values["likeness"]]


def data_of(values: Mapping[str, Any], gap: float | None = None) -> datasets.FeatureData:
    return datasets.alike_features(n=int(values["n"]), noise=float(values["noise"]),
                                   gap=gap_of(values) if gap is None else gap, seed=int(values["seed"]))


DATA_ROWS = 10  # rows of the data shown in full; more are cut to their first few


def data_markdown(values: Mapping[str, Any]) -> str:
    """The page's data as a table, x₁, x₂ and y per row (all of it up to :data:`DATA_ROWS` rows, the first
    five beyond): at n = 3 the learner can form XᵀX by hand from it."""
    data = data_of(values)
    n = data.X.shape[0]
    shown = n if n <= DATA_ROWS else 5
    lines = ["| row | x₁ | x₂ | y |", "|---:|---:|---:|---:|"]
    lines += [f"| {i + 1} | {fmt(data.X[i, 0])} | {fmt(data.X[i, 1])} | {fmt(data.y[i])} |" for i in range(shown)]
    if shown < n:
        lines.append(f"| … | {n - shown} more rows | | |")
    return "\n".join(lines)


def numpy_code(values: Mapping[str, Any]) -> str:
    """numpy and scikit-learn code that makes the page's data and solves it as the page does: ``theta``
    (w₁, w₂, b) from the SVD (``np.linalg.lstsq``), or with the ridge from the normal equations themselves
    ``(XᵀX + nλD) θ = Xᵀy``; then scikit-learn's ``LinearRegression`` (or ``Ridge(alpha = n λ)``: scikit-learn
    sums the squared errors where this page averages them). With an exact copy every w₁ + w₂ = 3 fits
    equally well: lstsq picks the shortest θ, scikit-learn centres the data first, so their weights differ."""
    n, noise, seed = int(values["n"]), float(values["noise"]), int(values["seed"])
    gap = gap_of(values)
    w1, w2, b = datasets.ALIKE_PARAMS
    x2 = {None: "z  # its own feature", 0.0: "x1.copy()  # an exact copy"}.get(
        gap, f"x1 + {gap!r} * z  # nearly a copy")
    lam = float(values["lam"]) if values["ridge"] else 0.0
    lines = [
        "import numpy as np",
        f"from sklearn.linear_model import {'Ridge' if lam else 'LinearRegression'}",
        "",
        f"rng = np.random.default_rng({seed})",
        f"x1, z, e = rng.standard_normal((3, {n}))",
        f"x2 = {x2}",
        f"y = {w1:g} * x1 + {w2:g} * x2 + {b:g} + {noise!r} * e",
        f"X = np.column_stack([x1, x2, np.ones({n})])  # the last column multiplies b",
        "",
    ]
    if lam:
        lines += [
            f"lam = {lam!r}",
            "D = np.diag([1.0, 1.0, 0.0])  # b is not penalized",
            f"theta = np.linalg.solve(X.T @ X + {n} * lam * D, X.T @ y)  # (XᵀX + nλD) θ = Xᵀy",
            "print(theta)  # w1, w2, b",
            "",
            f"model = Ridge(alpha={n} * lam).fit(X[:, :2], y)  # alpha = n λ: it sums where the page averages",
        ]
    else:
        lines += [
            "theta, *_ = np.linalg.lstsq(X, y, rcond=None)  # the least-squares θ, by SVD",
            "print(theta)  # w1, w2, b",
            "",
            "model = LinearRegression().fit(X[:, :2], y)",
        ]
    lines.append("print(model.coef_, model.intercept_)")
    return "\n".join(lines)
