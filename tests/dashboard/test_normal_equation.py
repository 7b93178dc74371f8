"""When can you skip the descent? The matrices against numpy, the fits against scikit-learn, the step
counts against a written-out descent, the rank flag and the ridge, the cost grid, and the page."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from dashboard.formatting import fmt
from dashboard.scenarios import normal_equation as sc
from dashboard.scenarios import normal_equation_data as table_and_code
from dashboard.shared.normal_equation import COST_STEPS

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "normal_equation.py"


def _descent_steps(X, y, lr, best, tol=1e-6, l2=0.0, limit=400_000):
    """Full-batch gradient descent written out from torch.optim.SGD's rule, counted until within tol."""
    Xa = np.column_stack([X, np.ones(len(y))])
    theta, mask = np.zeros(3), np.array([1.0, 1.0, 0.0])
    for t in range(limit):
        if np.linalg.norm(theta - best) <= tol:
            return t
        theta = theta - lr * ((2 / len(y)) * Xa.T @ (Xa @ theta - y) + 2 * l2 * mask * theta)
    return -1


def test_the_default_matrices_and_solution_against_numpy_and_sklearn():
    res = sc.compute(sc.DEFAULTS)
    data = sc.data_of(sc.DEFAULTS)
    Xa = np.column_stack([data.X, np.ones(50)])
    np.testing.assert_allclose(res.A, Xa.T @ Xa, rtol=1e-12)
    np.testing.assert_allclose(res.c, Xa.T @ data.y, rtol=1e-12)
    assert res.A[2, 2] == 50  # n, the ones column's own product
    fit = LinearRegression().fit(data.X, data.y)
    np.testing.assert_allclose(res.theta, [*fit.coef_, fit.intercept_], rtol=1e-10)
    assert res.rank == 3 and res.unique and res.cond == pytest.approx(np.linalg.cond(Xa.T @ Xa), rel=1e-9)
    # The start page's claim: gradient descent at 1/λ_max needs 12 steps here; a written-out descent agrees.
    lam_max = np.linalg.eigvalsh((2 / 50) * Xa.T @ Xa)[-1]
    assert res.count.lr == pytest.approx(1 / lam_max, rel=1e-12)
    assert res.count.steps == 12 == _descent_steps(data.X, data.y, 1 / lam_max, res.theta)
    assert "needs 12 steps" in next(v for v in __import__("dashboard.views").views.VIEWS
                                   if v.name == "normal_equation").lesson
    # The drawn run is that descent: within 1e-6 at step 12, not at step 11.
    distance = res.run.set_index("step")["value"]
    assert distance[12] <= 1e-6 < distance[11]
    assert distance[0] == pytest.approx(np.linalg.norm(res.theta), rel=1e-12)


def test_a_near_copy_keeps_the_sum_but_not_the_split_and_slows_the_descent():
    res = sc.compute(sc.NEAR_COPY)
    data = sc.data_of(sc.NEAR_COPY)
    fit = LinearRegression().fit(data.X, data.y)
    np.testing.assert_allclose(res.theta, [*fit.coef_, fit.intercept_], rtol=1e-8)
    assert res.theta[0] + res.theta[1] == pytest.approx(3.0, abs=0.05)  # the sum the data fix
    assert res.theta[0] < 0 < 5 < res.theta[1]  # the split is noise: -4.131 and 7.143, not 2 and 1
    assert round(res.cond) == 34_534 and res.count.steps == 548_781
    # Half a million steps, checked by the matrix power of one step, θ_t − θ* = (I − ηH)^t (θ_0 − θ*):
    Xa = np.column_stack([data.X, np.ones(50)])
    step = np.eye(3) - res.count.lr * (2 / 50) * Xa.T @ Xa
    distance = [np.linalg.norm(np.linalg.matrix_power(step, t) @ -res.theta) for t in (548_780, 548_781)]
    assert distance[1] <= 1e-6 < distance[0]


def test_an_exact_copy_gets_the_minimum_norm_answer_and_the_flag_and_ridge_lifts_it():
    res = sc.compute(sc.EXACT_COPY)
    data = sc.data_of(sc.EXACT_COPY)
    assert res.rank == 2 and not res.unique and res.count.singular and res.cond == float("inf")
    fit = LinearRegression().fit(data.X, data.y)  # also the minimum-norm solution
    np.testing.assert_allclose(res.theta, [*fit.coef_, fit.intercept_], rtol=1e-9)
    assert res.theta[0] == pytest.approx(res.theta[1], rel=1e-12)
    np.testing.assert_allclose(res.theta, np.linalg.pinv(np.column_stack([data.X, np.ones(50)])) @ data.y, rtol=1e-9)
    assert "Rank 2 of 3: XᵀX has no inverse" in sc.flags(res)[0]
    # From zero the descent ends on that same answer, quickly.
    assert 0 < res.count.steps == _descent_steps(data.X, data.y, res.count.lr, res.theta) < 50

    rescued = sc.compute(sc.RIDGE_RESCUE)
    ridge = Ridge(alpha=50 * 0.1).fit(data.X, data.y)  # sklearn's alpha is n λ
    np.testing.assert_allclose(rescued.theta, [*ridge.coef_, ridge.intercept_], rtol=1e-9)
    np.testing.assert_allclose(rescued.A - res.A, np.diag([5.0, 5.0, 0.0]), atol=1e-12)
    assert rescued.unique and np.isfinite(rescued.cond) and "invertible" in sc.flags(rescued)[0]
    assert rescued.count.steps == _descent_steps(data.X, data.y, rescued.count.lr, rescued.theta, l2=0.1)


def test_the_sweep_climbs_with_the_condition_number():
    res = sc.compute(sc.DEFAULTS)
    sweep = res.sweep
    assert list(sweep["gap"]) == pytest.approx(list(sc.SWEEP)) and len(sweep) == 17
    assert np.all(np.diff(sweep["cond"]) > 0)  # alike features, stretched valley
    finite = sweep[sweep["steps"] > 0]
    assert np.all(np.diff(finite["steps"]) > 0)
    first = sc.data_of(sc.DEFAULTS, gap=1.0)
    best = LinearRegression().fit(first.X, first.y)
    lr = 1 / np.linalg.eigvalsh((2 / 50) * (lambda a: a.T @ a)(np.column_stack([first.X, np.ones(50)])))[-1]
    assert sweep["steps"].iloc[0] == _descent_steps(first.X, first.y, lr, [*best.coef_, best.intercept_])


def test_the_cost_grid_and_counts():
    res = sc.compute(sc.DEFAULTS)
    assert res.cost_n == 50_000
    assert len(res.measured) == 3 * len(sc.COST_DS) and set(res.measured["d"]) == set(sc.COST_DS)
    assert (res.measured["seconds"] > 0).all()
    # n d² + d³ against T n d at n = 50,000 and T = 100: the descent counts fewer from d = 99.8 on.
    assert "from about d = 99.8 features (at n = 50,000)" in " ".join(sc.notes(res))
    small = sc.compute({**sc.DEFAULTS, "cost_n": "1,000"})
    assert small.cost_n == 1000 and "from about d = 91.6 features (at n = 1,000)" in " ".join(sc.notes(small))
    counts = small.counted.pivot(index="d", columns="method", values="operations")
    assert counts.loc[10, "normal equation: n d² + d³"] == 1000 * 100 + 1000
    assert counts.loc[10, "gradient descent: T n d, T = 100"] == 100 * 1000 * 10


def test_the_page_states_them():
    at = run_page(PAGE)
    assert errors(at) == []
    shown = metrics(at)
    assert shown["Rank of [X 1]"] == "3 of 3" and shown["Condition number of XᵀX"] == "1.467"
    assert shown["Descent steps to 1e-6"] == "12"
    assert "w₁ = 2.012, w₂ = 1.061 and b = 3.01" in notice(at)
    assert [w.value for w in at.warning] == []
    copy = run_page(PAGE, {"likeness": "an exact copy of x₁"})
    assert errors(copy) == [] and metrics(copy)["Condition number of XᵀX"] == "∞ (no inverse)"
    assert any("Rank 2 of 3" in w.value for w in copy.warning)
    latex = [e.value for e in copy.get("latex")]
    assert latex and r"\begin{bmatrix}1.502 \\ 1.502 \\ 3.013\end{bmatrix}" in latex[0]


def test_the_preset_buttons_load_their_scenarios():
    at = run_page(PAGE)
    at.button(key="preset-near").click().run()
    assert metrics(at)["Condition number of XᵀX"] == "34,534" and metrics(at)["Descent steps to 1e-6"] == "548,781"
    at.button(key="preset-copy").click().run()
    assert metrics(at)["Rank of [X 1]"] == "2 of 3"
    at.button(key="preset-ridge").click().run()
    assert metrics(at)["Rank of [X 1]"] == "2 of 3" and metrics(at)["Condition number of XᵀX + nλD"] == "18.34"
    assert any("invertible" in w.value for w in at.warning)


@pytest.mark.parametrize("likeness, ridge", [("own", False), ("near", False), ("copy", False), ("copy", True)])
def test_the_contour_from_the_normal_matrices_equals_the_residuals_written_out(likeness, ridge):
    """The surface over (w1, w2), b at its best, from two centred moments per point (issue 24: it
    was n residuals per grid point, 125 MB per rerun at n = 1,000), against the mean squared
    residual of every point computed directly, with the best b solved for each (w1, w2)."""
    values = {**sc.DEFAULTS, "likeness": likeness, "ridge": ridge, "n": 1000}
    data = sc.data_of(values)
    X, y = data.X, data.y
    l2 = float(values["lam"]) if ridge else 0.0
    w = np.random.default_rng(0).normal(scale=3.0, size=(25, 2))
    b = y.mean() - w @ X.mean(axis=0)  # the best intercept for each (w1, w2)
    direct = np.mean((X @ w.T + b - y[:, None]) ** 2, axis=0) + l2 * np.sum(w**2, axis=1)
    np.testing.assert_allclose(sc._profiled(X, y, l2)(w), direct, rtol=1e-10)
    theta = sc.closed_form.normal_equation(X, y, l2=l2)
    best = np.mean((X @ theta[:2] + theta[2] - y) ** 2) + l2 * np.sum(theta[:2] ** 2)
    np.testing.assert_allclose(sc._gap(X, l2, theta[:2])(w), direct - best, rtol=1e-8, atol=1e-9 * best)


@pytest.mark.parametrize(("query", "said"), [
    # The review's links: the near-copy bullet said "close to the true 3" whatever the data said.
    ({"n": "3", "likeness": "near", "gap": "0.01"}, "sum to 0.3859, not the true 3"),
    ({"likeness": "near", "gap": "0.0001", "noise": "0"}, "the split (2, 1) is near the true (2, 1)"),
    ({"likeness": "near", "gap": "1"}, "the split (1.951, 1.061) is near the true (2, 1)"),
    ({"likeness": "near"}, "pin down the sum much better than the split"),
])
def test_the_near_copy_note_says_what_the_numbers_show(query, said):
    at = run_page(PAGE, query)
    assert errors(at) == []
    assert said in notice(at)


def test_under_the_ridge_the_condition_number_names_its_matrix():
    """κ of XᵀX + nλD by numpy, not XᵀX's (singular for an exact copy), and the label says which."""
    at = run_page(PAGE, {"likeness": "copy", "ridge": "true", "lam": "0.1"})
    assert errors(at) == []
    shown = metrics(at)
    assert "Condition number of XᵀX" not in shown
    res = sc.result_of({**sc.DEFAULTS, "likeness": "copy", "ridge": True, "lam": 0.1})
    eig = np.linalg.eigvalsh(res.A)
    assert shown["Condition number of XᵀX + nλD"] == fmt(eig.max() / eig.min())


def test_a_near_copy_that_prints_like_an_exact_copy_says_why_it_has_an_answer():
    # /normal_equation?likeness=near&gap=0.0001 (the review): the same matrix to 4 digits as the exact copy,
    # yet rank 3 and weights in the hundreds; and κ's last digits are round-off.
    res = sc.compute({**sc.DEFAULTS, "likeness": "near", "gap": 0.0001})
    text = " ".join(sc.notes(res))
    assert "look like those of an exact copy, yet they have one answer" in text
    kappa = np.linalg.cond(res.A)
    said = {h.key: h.text for h in sc.headlines(res)}
    assert said["cond"] == f"about {float(f'{kappa:.4g}'):,.0f}"  # 4 significant digits, said as such
    assert said["steps"].startswith("about ") and said["steps"].endswith(",000")


def test_three_rows_are_fitted_exactly_and_the_page_says_so():
    res = sc.compute({**sc.DEFAULTS, "n": 3})
    assert "passes through every point exactly" in " ".join(sc.notes(res))
    assert "passes through every point" not in " ".join(sc.notes(sc.compute(sc.DEFAULTS)))


def test_an_exact_copys_infinite_condition_number_explains_the_charts_finite_one():
    res = sc.compute({**sc.DEFAULTS, "likeness": "copy"})
    cond = next(h for h in sc.headlines(res) if h.key == "cond")
    assert cond.text == "∞ (no inverse)" and f"κ is {fmt(res.count.cond)}" in cond.help


@pytest.mark.parametrize("values", [sc.DEFAULTS, sc.NEAR_COPY, sc.EXACT_COPY, sc.RIDGE_RESCUE,
                                    {**sc.DEFAULTS, "n": 3, "noise": 0.0, "seed": 7},
                                    {**sc.DEFAULTS, "ridge": True, "lam": 1.0, "likeness": "near", "gap": 0.01}],
                         ids=["default", "near", "copy", "ridge", "three-rows", "near-ridge"])
def test_the_numpy_and_scikit_learn_code_makes_the_page_s_answer(values):
    """Review 9: the code a learner copies makes the page's data and its θ (run here, as they would); scikit-learn
    agrees where the answer is unique (an exact copy without ridge has a line of answers)."""
    import contextlib
    import io

    made: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(table_and_code.numpy_code(values), made)  # noqa: S102 - the page's own snippet
    res = sc.result_of(values)
    data = sc.data_of(values)
    np.testing.assert_allclose(made["X"][:, :2], data.X, rtol=0, atol=0)
    np.testing.assert_allclose(made["y"], data.y, rtol=1e-15)
    np.testing.assert_allclose(made["theta"], res.theta, rtol=1e-9, atol=1e-9)
    assert printed.getvalue().count("\n") == 2
    if res.unique or values["ridge"]:
        fitted = np.r_[made["model"].coef_, made["model"].intercept_]
        np.testing.assert_allclose(fitted, res.theta, rtol=1e-6, atol=1e-8)


def test_the_data_is_on_the_page_whole_at_three_rows():
    """At n = 3 the learner forms XᵀX by hand from the rows shown; at 50 the first five are shown."""
    three = table_and_code.data_markdown({**sc.DEFAULTS, "n": 3}).splitlines()
    data = sc.data_of({**sc.DEFAULTS, "n": 3})
    assert len(three) == 2 + 3 and three[3] == f"| 2 | {fmt(data.X[1, 0])} | {fmt(data.X[1, 1])} | {fmt(data.y[1])} |"
    fifty = table_and_code.data_markdown(sc.DEFAULTS).splitlines()
    assert len(fifty) == 2 + 5 + 1 and fifty[-1] == "| … | 45 more rows | | |"


def test_the_distance_chart_says_where_its_axis_stops_when_the_run_goes_below_it():
    """Review 8: the run ran flat along ~1e-11 with no word. At the default the descent closes to round-off
    (1e-15 by step 300: the exact count is 47); the caption then says the axis's floor."""
    at = run_page(PAGE)
    captions = " ".join(c.value for c in at.caption)
    assert sc.result_of(sc.DEFAULTS).count.steps < 300 and "The axis stops below the 1e-6 line: a run" in captions
    near = run_page(PAGE, {"likeness": "nearly a copy of x₁", "gap": "0.01", "steps": "3000"})
    assert "The axis stops" not in " ".join(c.value for c in near.caption)  # still far: no floor reached


def test_the_timing_grid_is_measured_on_this_machine():
    """The shared suites count instead of timing (tests/dashboard/conftest.py); the one real measurement of the
    view's grid: every method timed on every cell (its shape and sense, never its values: a busy machine
    reorders them)."""
    from tests.stubs import real_measure

    grid = real_measure(sc.COST_NS, sc.COST_DS, steps=COST_STEPS)
    assert tuple(grid.ns) == sc.COST_NS and tuple(grid.ds) == sc.COST_DS
    for seconds in grid.seconds.values():
        assert seconds.shape == (len(sc.COST_NS), len(sc.COST_DS)) and np.all(np.isfinite(seconds))
        assert np.all(seconds > 0)
