"""The learning-rate view's claims, in scenarios drawn from its declared controls, against an oracle
that shares nothing with core: each run by a plain loop of full-batch descent on the 40 points, written
from torch.optim's rules (SGD, SGD with momentum 0.9, Adam with its defaults), the optimum from
numpy.polyfit, and the page's rules ("within 1%", "diverged at step k", a run's name against what it
did) written out again here. A failing example prints its link."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from core.datasets import line_with_outliers
from dashboard.scenarios import learning_rate as sc

from .learning_rate_oracle import _hessian_eigenvalues
from .property_tools import link, links

ROLES = ("too small", "good", "too large")


def _data(center: bool) -> tuple[np.ndarray, np.ndarray]:
    d = line_with_outliers(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0, x_range=(0.0, 10.0), seed=0)
    return (d.x - d.x.mean() if center else d.x), d.y


def descend(x, y, optimizer: str, lr: float, steps: int) -> np.ndarray:
    """The MSE before and after each update from (w, b) = (0, 0), stopping after the first whose loss is
    not finite or above 10¹² times the start (torch's SGD: momentum's buffer starts at the first gradient;
    Adam: β = (0.9, 0.999), ε = 1e-8, bias-corrected)."""
    theta, buf, m, v = np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)
    loss = lambda t: float(np.mean((t[0] * x + t[1] - y) ** 2))  # noqa: E731
    losses = [loss(theta)]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            r = theta[0] * x + theta[1] - y
            g = np.array([2 * np.mean(r * x), 2 * np.mean(r)])
            if optimizer == "sgd":
                theta = theta - lr * g
            elif optimizer == "momentum":
                buf = g if t == 1 else 0.9 * buf + g
                theta = theta - lr * buf
            else:
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g * g
                theta = theta - lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
            losses.append(loss(theta))
            if not losses[-1] <= 1e12 * losses[0]:
                break
    return np.array(losses)


def expected(losses: np.ndarray, target: float, steps: int) -> dict:
    """What the page must say of one run: its outcome, whether it arrived, whether it is blowing up."""
    diverged_at = int(losses.size - 1) if not losses[-1] <= 1e12 * losses[0] else -1
    within = next((k for k, value in enumerate(losses) if value <= target), -1) if diverged_at < 0 else -1
    m = min(10, steps)
    growth = math.inf if diverged_at >= 0 else (losses[-1] / losses[-1 - m]) ** (1 / m)
    outcome = (f"diverged at step {diverged_at}" if diverged_at >= 0 else
               f"{within} steps" if within >= 0 else f"not in {steps}")
    return {"diverged_at": diverged_at, "within": within, "growth": growth, "outcome": outcome}


def name(role: str, run: dict, fastest: bool) -> str:
    """The run's name: the slider's role, and what the run did where that contradicts it."""
    up = run["diverged_at"] >= 0 or run["growth"] > 1 + 1e-9
    arrived = run["within"] >= 0
    if role == "too large" and not up:
        return "now stable, and the fastest" if fastest else "now stable"
    if role in ("too small", "good") and up:
        return "now diverges" if run["diverged_at"] >= 0 else "now blowing up"
    if role == "too small" and arrived:
        return "now the fastest" if fastest else "now converges"
    if role == "good" and not arrived:
        return "now too slow"
    return ""


def steps_to_within(x, y, lr: float, gap: float) -> int:
    """The first t with J(θ_t) − J* <= gap for plain descent from (0, 0), from the closed form
    θ_t − θ* = (I − lr H)^t (θ_0 − θ*): in H's eigenvectors (2x2, by hand) the gap is
    Σ ½ λ_i c_i² (1 − lr λ_i)^(2t), found by doubling and then halving t."""
    w, b = np.polyfit(x, y, 1)
    lo_l, hi_l = _hessian_eigenvalues(x)
    a, off = 2 * np.mean(x * x), 2 * np.mean(x)
    vectors = [np.array([off, lam - a]) for lam in (lo_l, hi_l)]  # (H − λ I) v = 0, first row
    vectors = [v / np.linalg.norm(v) for v in vectors]
    c = [float(v @ (np.zeros(2) - np.array([w, b]))) for v in vectors]

    def excess(t: int) -> float:
        return sum(0.5 * lam * ci * ci * (1 - lr * lam) ** (2 * t) for lam, ci in zip((lo_l, hi_l), c))

    if excess(0) <= gap:
        return 0
    hi = 1
    while excess(hi) > gap:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if excess(mid) > gap else (lo, mid)
    return hi


rate_links = links("learning_rate.py", sc.DEFAULTS, ("small", "good", "large", "steps", "center"),
                   opt=st.sampled_from(("sgd", "momentum", "adam")))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(rate_links)
def test_each_runs_outcome_and_name_hold_against_the_oracle(values):
    note(f"link: {link('learning_rate', values, sc.DEFAULTS)}")
    x, y = _data(values["center"])
    w, b = np.polyfit(x, y, 1)
    optimum = float(np.mean((w * x + b - y) ** 2))
    steps = int(values["steps"])
    runs = sc.runs_of(values)
    prob = sc.cached_problem(values["center"])
    truth = [expected(descend(x, y, values["opt"], float(values[k]), steps), 1.01 * optimum, steps)
             for k in ("small", "good", "large")]
    # Knife edges (a loss within round-off of 1.01 × the optimum, a growth within round-off of 1) are
    # where two correct float64 programs may disagree: leave them out rather than loosen the rule.
    for t in truth:
        assume(t["diverged_at"] >= 0 or abs(t["growth"] - 1 - 1e-9) > 1e-7)
    lows = [descend(x, y, values["opt"], float(values[k]), steps) for k in ("small", "good", "large")]
    assume(not any(np.any(np.abs(ls / (1.01 * optimum) - 1) < 1e-9) for ls in lows))

    claims = sc.run_claims(prob, runs, values["opt"], "constant", steps)
    for t, claim, rate in zip(truth, claims, (values["small"], values["good"], values["large"])):
        kind = "lr.diverged" if t["diverged_at"] >= 0 else "lr.reached" if t["within"] >= 0 else "lr.short"
        assert claim.kind == kind, (claim.kind, kind)
        if kind != "lr.short":
            assert claim.values["step"] == (t["diverged_at"] if kind == "lr.diverged" else t["within"])
        elif values["opt"] == "sgd" and float(rate) < 2 / _hessian_eigenvalues(x)[1]:
            assert claim.values["need"] == steps_to_within(x, y, float(rate), 0.01 * optimum)
        else:
            assert claim.values["need"] == -1  # no closed form for momentum or Adam: nothing is said
    headlines = sc.headlines(runs, prob, steps)
    arrived = [t["within"] if t["within"] >= 0 else math.inf for t in truth]
    first = min(arrived)
    for role, t, s, h, k in zip(ROLES, truth, runs.summaries, headlines, arrived):
        assert s.diverged_at == t["diverged_at"] and s.steps_to_1pct == t["within"], role
        assert h.text == t["outcome"], role
        fastest = k == first and k < math.inf and arrived.count(first) == 1
        said = runs.labels[role]
        contradiction = name(role, t, fastest)
        assert said.endswith(f", {contradiction}") if contradiction else "now" not in said, (role, said)


@st.composite
def own_points(draw):
    """A learner's file: 3 to 30 rows, x not all equal; sometimes an exact line."""
    n = draw(st.integers(3, 30))
    xs = draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n))
    assume(np.ptp(xs) > 1e-3 * max(1.0, np.abs(xs).max()))
    x = np.array(xs)
    if draw(st.booleans()):
        y = -2 * x + 40
    else:
        y = np.array(draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n)))
    assume(np.ptp(y) > 1e-3 * max(1.0, np.abs(y).max()))
    return x, y


@settings(max_examples=25, deadline=None, derandomize=True)
@given(own_points(), st.sampled_from(("sgd", "momentum")))
def test_a_learners_own_points_get_the_steps_a_loop_on_every_row_gets(points, optimizer):
    from types import SimpleNamespace
    x, y = points
    note("file: x,y\n" + "\n".join(f"{a!r},{b!r}" for a, b in zip(x, y)))
    mx, my = 10 * (x - x.min()) / np.ptp(x), 20 * (y - y.min()) / np.ptp(y)
    w, b = np.polyfit(mx, my, 1)
    optimum, start = float(np.mean((w * mx + b - my) ** 2)), float(np.mean(my * my))
    # "Within 1%", unless 1% of the optimum is under a millionth of the start's gap (a line through every point)
    target = optimum + max(0.01 * optimum, 1e-6 * (start - optimum))
    prob, trained = sc.upload_training(SimpleNamespace(x=x, y=y), optimizer, "constant", 300, False)
    assert prob.target_loss == np.float64(target) or abs(prob.target_loss / target - 1) < 1e-9
    runs = sc.runs_of({**sc.DEFAULTS, "opt": optimizer}, prob, trained)
    for role, s, rate in zip(ROLES, runs.summaries, (0.0025, 0.02, 0.032)):
        losses = descend(mx, my, optimizer, rate, 300)
        assume(not np.any(np.abs(losses / target - 1) < 1e-7))  # the four points' round-off, not the rule
        t = expected(losses, target, 300)
        assert (s.diverged_at, s.steps_to_1pct) == (t["diverged_at"], t["within"]), role
    text = " ".join(sc.notice_points(prob, runs, trained.sweep, optimizer, "constant", 300))
    condition = np.linalg.cond(np.array([[np.mean(mx * mx), np.mean(mx)], [np.mean(mx), 1.0]]))
    assert ("A long, narrow valley" in text) == (condition >= 20)
    assert "× the optimum" not in text or optimum > 1e-6 * (start - optimum) * 100
