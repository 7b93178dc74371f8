"""The normal-equation view's claims, in scenarios drawn from its declared controls, against an oracle
that shares nothing with the scenario's compute: numpy.linalg.lstsq on [X 1] (the minimum-norm answer
when a feature is an exact copy) and scikit-learn's Ridge with alpha = n·λ (the view's objective is
mean((Xw + b − y)²) + λ‖w‖², scikit-learn's is ‖y − Xw − b‖² + alpha‖w‖²: the same minimizer at
alpha = nλ), the matrix [X 1]ᵀ[X 1] + nλD written out with its eigenvalues from numpy.linalg.eigvalsh,
gradient descent from zero run step by step (or, past 20,000 steps, its error's closed form in the
eigenvectors), and the break-even d of T n d = n d² + d³ by the quadratic formula. The data come from
``core.datasets`` (the input, not a claim). A failing example prints its link."""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import assume, example, given, note, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from core import datasets
from dashboard.formatting import fmt
from dashboard.scenarios import normal_equation as sc
from dashboard.scenarios import normal_equation_data as table_and_code
from dashboard.verdicts import say

from .property_tools import link, links, says

FILE = "normal_equation.py"
SIMULATED = 20_000  # counts up to this are checked by running the descent step by step


def oracle_fit(X, y, l2) -> np.ndarray:
    n = X.shape[0]
    if l2:
        ref = Ridge(alpha=n * l2, fit_intercept=True, solver="svd").fit(X, y)
        return np.append(ref.coef_, ref.intercept_)
    return np.linalg.lstsq(np.column_stack([X, np.ones(n)]), y, rcond=None)[0]


def steps_to(theta_star, H, lr, tol, singular: bool) -> int:
    """The first t with ‖θ_t − θ*‖ <= tol from θ_0 = 0: by running the descent while it is short, else
    from e_t = Σ c_i (1 − lr λ_i)^t v_i, whose norm falls monotonically at lr = 1/λ_max (bisection on t)."""
    theta, t = np.zeros(3), 0
    while np.linalg.norm(theta - theta_star) > tol:
        if t == SIMULATED:
            break
        theta = theta - lr * (H @ (theta - theta_star))
        t += 1
    else:
        return t
    lam, vec = np.linalg.eigh(H)
    c2 = (vec.T @ theta_star) ** 2
    keep = np.arange(lam.size) >= int(singular)  # along a zero eigenvalue zero never moves, nor has θ* a part
    f = np.abs(1 - lr * lam[keep])
    dist = lambda s: float(np.sum(c2[keep] * f ** (2.0 * s)))  # noqa: E731
    low, high = SIMULATED, SIMULATED
    while dist(high) > tol * tol:
        low, high = high, 2 * high
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if dist(mid) > tol * tol else (low, mid)
    return high


# seed: the seed box: "From 0 to 999"
fit_links = links(FILE, sc.DEFAULTS, ("n", "noise", "gap", "ridge", "lam"),
                  likeness=st.sampled_from(sc.LIKENESS),
                  seed=st.integers(0, 999),
                  cost_n=st.sampled_from([f"{n:,}" for n in sc.COST_NS]))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(fit_links)
@example({**sc.DEFAULTS, "n": 3})  # the review's links: three rows fitted exactly ...
@example({**sc.DEFAULTS, "likeness": "near", "gap": 0.0001})  # ... and a near copy printed like a copy
@example({**sc.DEFAULTS, "likeness": "near", "gap": 0.1})  # κ = 341, below 1000: the LU solve does no harm
@example({**sc.DEFAULTS, "n": 4})  # four rows: no longer an exact fit
def test_the_normal_equation_claims_hold_against_the_oracle(values):
    note(f"link: {link('normal_equation', values, sc.DEFAULTS)}")
    gap = {"own": None, "near": float(values["gap"]), "copy": 0.0}[values["likeness"]]
    d = datasets.alike_features(n=int(values["n"]), noise=float(values["noise"]), gap=gap, seed=int(values["seed"]))
    X, y = d.X, d.y
    n = X.shape[0]
    l2 = float(values["lam"]) if values["ridge"] else 0.0
    res = sc.result_of(values)

    # The weights: the SVD and lstsq / Ridge agree to about κ(X)·1e-16 of the weights' size; κ(X) is at
    # most ~1e5 here (a gap of 1e-4 on 3 rows), so 1e-8 of the size is the tolerance.
    theta = oracle_fit(X, y, l2)
    size = max(1.0, float(np.abs(theta).max()))
    np.testing.assert_allclose(res.theta, theta, rtol=0, atol=1e-8 * size)
    notes = sc.notes(res)
    text = "\n".join(notes)
    for name, value in zip(("w₁", "w₂", "b"), theta):
        says(notes[0], value, 1e-8 * size, f"{name} = {{}}")

    # The matrix the headline names, its rank and its condition number (over the directions it has).
    Z = np.column_stack([X, np.ones(n)])
    A = Z.T @ Z + n * l2 * np.diag([1.0, 1.0, 0.0])
    lam = np.linalg.eigvalsh(A)
    rank_z = int(np.linalg.matrix_rank(Z))
    singular = rank_z < 3 and not l2  # the rank of [X 1] by its SVD; a ridge lifts every weight's direction
    heads = {h.key: h for h in sc.headlines(res)}
    assert heads["rank"].text == f"{rank_z} of 3"
    assert heads["cond"].label == ("Condition number of XᵀX + nλD" if l2 else "Condition number of XᵀX")
    kappa = lam[-1] / lam[int(singular)]  # over the directions the data fix, where A is singular
    # eigvalsh's smallest eigenvalue carries round-off of ~1e-16 λ_max: κ is good to ~κ·1e-15 relative.
    rel = max(1e-9, kappa * 1e-14)
    if singular:
        assert heads["cond"].text == "∞ (no inverse)" and "over the two directions the data fix" in text
        assert rank_z == 2 and not l2
    # Past a million, κ is said "about" to 4 significant digits (its last digits are round-off): half a unit
    # of the 4th digit of slack, and the word.
    big = kappa >= 1e6
    shown = max(kappa * rel, 5e-4 * kappa) if big else kappa * rel
    if singular:
        pass
    elif big:
        assert heads["cond"].text.startswith("about ")
        says(heads["cond"].text, kappa, shown, "about {}")
    else:
        says(heads["cond"].text, kappa, shown)
    says(text, kappa, shown, "κ = about {}" if big else "κ = {}")

    # The descent count: from zero at η = 1/λ_max of H = (2/n) A, to within 1e-6 of θ*.
    H = 2.0 * A / n
    lr = 1.0 / np.linalg.eigvalsh(H)[-1]
    says(text, lr, lr * 1e-12, "η = 1/λ_max = {}")
    _claims_hold(values, res, theta, A, kappa, rel, lr, singular, rank_z)
    count = res.count.steps
    assume(count >= 0)  # "more than 10¹²": beyond any oracle's patience
    # A distance within round-off of 1e-6 at the last step may go either way: bracket the tolerance.
    low, high = steps_to(theta, H, lr, 1e-6 * (1 + 1e-6), singular), steps_to(theta, H, lr, 1e-6 * (1 - 1e-6), singular)
    # At κ ~ 1e10 the smallest eigenvalue, and with it a count ∝ κ, is good only to ~κ·1e-16 relative.
    slack = math.ceil(high * kappa * 1e-14)
    assert low - slack <= count <= high + slack, (low, count, high, slack)
    if count < 10 ** 6:
        assert f"needs {count:,} steps" in text and heads["steps"].text == f"{count:,}"
    else:  # a count from a κ past a million: its last digits are round-off, said to 4 significant digits
        said = f"about {float(f'{count:.4g}'):,.0f}"
        assert f"needs {said} steps" in text and heads["steps"].text == said

    # The split note of a near copy: the sum and the split, each said only where it holds.
    w1, w2 = theta[0], theta[1]
    says(heads["sum"].text, w1 + w2, 1e-8 * size)
    if values["likeness"] == "near":
        says(text, w1 + w2, 1e-8 * size, "The two weights sum to {}")
        off_sum, off_split = abs(w1 + w2 - 3), abs(w1 - 2) + abs(w2 - 1)
        assume(abs(off_sum - 0.15) > 1e-6 and abs(off_split - 0.75) > 1e-6)  # knife edges of the wording
        assert (", close to the true 3" in text) == (off_sum <= 0.15)
        assert ("is near the true (2, 1)" in text) == (off_split <= 0.75)
        if "pin down the sum much better than the split" in text and not l2 and values["noise"] > 0:
            # the sum's standard error against the difference's: σ² (ZᵀZ)⁻¹ of the OLS fit
            cov = np.linalg.inv(A)
            assert cov[0, 0] + cov[1, 1] + 2 * cov[0, 1] < cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    # Three rows, three unknowns, full rank and no ridge: the plane passes through every point (residual 0),
    # and the page says so; "far from 2 and 1" only where the split is off by more than a quarter of 3.
    exact = n == 3 and rank_z == 3 and not l2
    assert ("passes through every point exactly" in text) == exact
    if exact:
        assert np.allclose(Z @ theta, y, atol=1e-6 * max(1.0, float(np.abs(y).max())))
        far = abs(w1 - 2) + abs(w2 - 1)
        assume(abs(far - 0.75) > 1e-6)
        assert ("which is why the weights are far from 2 and 1" in text) == (far > 0.75)
    # A near copy whose XᵀX prints (to four digits) with two equal rows says why it still has one answer.
    printed = [[fmt(float(v)) for v in row] for row in A[:2]]
    look_alike = values["likeness"] == "near" and printed[0] == printed[1]
    assert ("look like those of an exact copy, yet they have one answer" in text) == look_alike
    if values["likeness"] == "copy" and not l2:  # the minimum-norm answer splits the sum evenly
        assert abs(w1 - w2) <= 1e-8 * size and "w₁ = w₂" in "\n".join(sc.flags(res))
    if values["likeness"] == "copy" and l2:
        flag = "\n".join(sc.flags(res))
        assert "the ridge makes XᵀX + nλD invertible" in flag and not singular
        says(flag, kappa, kappa * rel, "condition number {}")

    # The cost on paper: T n d = n d² + d³ at d = (−n + √(n² + 4Tn)) / 2 for T = 100.
    cost_n = int(values["cost_n"].replace(",", ""))
    cross = (-cost_n + math.sqrt(cost_n ** 2 + 400 * cost_n)) / 2
    assert f"from about d = {cross:.1f} features (at n = {cost_n:,})" in text
    # "about k of the 16 digits can be lost": log10 κ, where the view says so.
    lost = re.search(r"about (\d+) of the 16 digits", text)
    if lost:
        assert abs(int(lost.group(1)) - math.log10(kappa)) <= 0.5 + 1e-6
    assert ("no harm done" in text) == (not singular and res.textbook is not None and math.log10(kappa) < 3)


def _claims_hold(values, res, theta, A, kappa, rel, lr, singular, rank_z):
    """The view's claims (dashboard.verdicts.Claim), kind by kind, against the oracle: each kind said exactly
    when the oracle's numbers make it hold (a knife edge of a threshold, within 1e-6, is skipped), with the
    oracle's numbers."""
    n, l2 = res.n, res.l2
    bullets = sc.note_claims(res)
    assert [say(b) for b in bullets] == sc.notes(res)  # the page's bullets are these claims, in words
    claims = [c for bullet in bullets for c in bullet] + sc.flag_claims(res)
    kinds = [c.kind for c in claims]
    assert len(kinds) == len(set(kinds)), kinds
    said = {c.kind: dict(c.values) for c in claims}
    size = max(1.0, float(np.abs(theta).max()))
    w1, w2, b = theta
    solution = said["normal.solution"]
    assert np.allclose([solution["w1"], solution["w2"], solution["b"]], theta, rtol=0, atol=1e-8 * size)

    descent = said["normal.descent_singular" if singular else "normal.descent"]
    assert ("normal.descent" in said) != ("normal.descent_singular" in said)
    assert abs(descent["lr"] - lr) <= 1e-12 * lr and abs(descent["cond"] - kappa) <= kappa * rel
    assert descent["steps"] == res.count.steps  # the count itself: bracketed by the oracle's descent below

    off_sum, off_split = abs(w1 + w2 - 3), abs(w1 - 2) + abs(w2 - 1)
    splits = [k for k in kinds if k.startswith("normal.split_")]
    if values["likeness"] != "near":
        assert not splits
    elif abs(off_sum - 0.15) > 1e-6 and abs(off_split - 0.75) > 1e-6:
        kind = ("normal.split_near" if off_split <= 0.75 else "normal.split_sum_only" if off_sum <= 0.15
                else "normal.split_neither")
        assert splits == [kind], (splits, off_sum, off_split)
        assert abs(said[kind]["sum"] - (w1 + w2)) <= 1e-8 * size
        assert abs(said[kind]["w1"] - w1) <= 1e-8 * size and abs(said[kind]["w2"] - w2) <= 1e-8 * size
        if kind == "normal.split_near":
            assert said[kind]["sum_close"] == (off_sum <= 0.15)
        if kind == "normal.split_neither":
            assert said[kind]["n"] == n
    printed = [[fmt(float(v)) for v in row] for row in A[:2]]
    assert ("normal.look_alike" in said) == (values["likeness"] == "near" and printed[0] == printed[1])

    exact = n == 3 and rank_z == 3 and not l2
    fits = [k for k in kinds if k.startswith("normal.exact_fit")]
    if not exact:
        assert not fits
    elif abs(off_split - 0.75) > 1e-6:
        assert fits == ["normal.exact_fit_far" if off_split > 0.75 else "normal.exact_fit"]
    assert ("normal.copy_quick" in said) == (values["likeness"] == "copy" and not l2)

    # The textbook solve: no answer, one of many (rank-deficient), or agreeing, losing about log10 κ digits
    # from κ = 1000 on (a knife edge within round-off of 1000: skipped).
    books = [k for k in kinds if k.startswith("normal.textbook_")]
    assert len(books) == 1
    if res.textbook is None:
        assert books == ["normal.textbook_fails"]
    elif singular:
        assert books == ["normal.textbook_guess"]
        assert abs(said["normal.textbook_guess"]["gap"] - np.abs(res.textbook - theta).max()) <= 1e-8 * size
    elif abs(math.log10(kappa) - 3) > rel:
        assert books == ["normal.textbook_fine" if math.log10(kappa) < 3 else "normal.textbook_loses"]
        if books == ["normal.textbook_loses"]:
            assert abs(said["normal.textbook_loses"]["digits"] - math.log10(kappa)) <= rel

    # The cost on paper: T n d = n d² + d³ at d = (−n + √(n² + 4Tn)) / 2, T = 100.
    cost_n = int(values["cost_n"].replace(",", ""))
    cost = said["normal.cost"]
    assert (cost["steps"], cost["n"], cost["d"]) == (100, cost_n, 128)
    assert abs(cost["cross"] - (-cost_n + math.sqrt(cost_n ** 2 + 400 * cost_n)) / 2) <= 1e-9 * cost_n

    # The flags: no inverse (an exact copy without the ridge), or the ridge that lifted a rank below 3.
    if singular:
        assert said["normal.no_inverse"]["rank"] == rank_z
        assert abs(said["normal.no_inverse"]["sum"] - (w1 + w2)) <= 1e-8 * size
    elif rank_z < 3:
        lifted = said["normal.ridge_lifts"]
        assert lifted["rank"] == rank_z and lifted["lam"] == l2 and abs(lifted["cond"] - kappa) <= kappa * rel
    assert ("normal.no_inverse" in said) == singular and ("normal.ridge_lifts" in said) == (not singular and rank_z < 3)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(fit_links)
def test_the_numpy_snippet_makes_the_page_s_data_and_answer_in_every_scenario(values):
    """The code a learner copies, run as they would run it, over the scenarios the controls reach: the page's
    data exactly, its θ (by lstsq, or the ridge's normal equations), and scikit-learn's fit making the same
    predictions where the answer is unique (an exact copy without ridge has a line of answers)."""
    import contextlib
    import io

    note(f"link: {link('normal_equation', values, sc.DEFAULTS)}")
    made: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(table_and_code.numpy_code(values), made)  # noqa: S102 - the page's own snippet
    data, res = sc.data_of(values), sc.result_of(values)
    np.testing.assert_array_equal(made["X"][:, :2], data.X)
    np.testing.assert_allclose(made["y"], data.y, rtol=1e-15)
    scale = max(1.0, float(np.abs(res.theta).max()))
    np.testing.assert_allclose(made["theta"], res.theta, rtol=1e-7, atol=1e-8 * scale)
    if res.unique or values["ridge"]:
        # the same fit: compared by its predictions, which stay well defined where two features nearly coincide
        fitted = made["model"].predict(data.X)
        ours = data.X @ res.theta[:2] + res.theta[2]
        np.testing.assert_allclose(fitted, ours, rtol=0, atol=1e-8 * max(1.0, float(np.abs(data.y).max())))
