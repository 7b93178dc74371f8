"""An oracle for the optimizer race, sharing nothing with core.optimizers or core.outcomes: each
racer's run by a plain loop written from torch.optim's published update rules (on a 2-vector),
the gradient noise drawn and faded by hand, the divergence and arrival rules written out step by
step, and the race scenarios a learner can reach, drawn from the page's declared controls."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from core import surfaces
from dashboard.scenarios import optimizer_race as sc

from .property_tools import declared_controls, strategy

RACE_KEYS = ("steps", "mu", "beta1", "x0", "y0", "own_start", "tuned", "sigma",
             *(f"run_{k}" for k in sc.RACERS), *(f"lr_{k}" for k in sc.RACERS))


@st.composite
def race_links(draw, with_step: bool = True):
    """The controls of one race scenario (and the scrubber's step ``k`` when ``with_step``)."""
    declared = declared_controls("optimizer_race.py")
    values = {key: draw(strategy(declared[key])) for key in RACE_KEYS}
    values["surface"] = draw(st.sampled_from(sc.SURFACES))
    values["beta2"] = draw(st.sampled_from(sc.BETA2_OPTIONS))
    if with_step:
        values["k"] = draw(strategy(declared["k"]))
    return values


def noise(sigma: float, steps: int, seed: int = 0) -> np.ndarray:
    """The race's gradient noise, (steps, 2), row t - 1 added to the gradient of step t: one standard-normal
    pair per step from numpy's default_rng(seed), times σ·(1 − 2t/steps) for t below steps/2, then nothing."""
    rng = np.random.default_rng(seed)
    rows = np.zeros((steps, 2))
    draws = rng.standard_normal((steps, 2))
    for t in range(1, steps + 1):
        share = 1 - 2 * t / steps
        if share > 0:
            rows[t - 1] = sigma * share * draws[t - 1]
    return rows


def nearest_minimum(surface: str, point) -> int:
    """Index of the surface's listed minimum nearest the point (plain distances); -1 for a non-finite point."""
    if not np.all(np.isfinite(point)):
        return -1
    minima = surfaces.get(surface).minima
    return int(np.argmin([math.hypot(*(np.asarray(point) - m)) for m in minima]))


def run(key: str, surface: str, lr: float, steps: int, start, mu: float, beta1: float, beta2: float,
        added=None) -> tuple:
    """(points (steps + 1, 2), f (steps + 1,), diverged_at) of racer ``key``, by torch.optim's rules:
    SGD (momentum's first buffer is the gradient, Nesterov looks ahead with g + μ·buf), Adagrad
    (eps 1e-10), RMSprop (α 0.99, eps 1e-8), Adam and AdamW (eps 1e-8, AdamW's decay 0.01 applied to
    the weights first). Diverged: the first step whose f is not finite or above 10¹² times |f(start)|
    (10¹² when that is 0); the points stop there. ``added`` (steps, 2): noise added to each step's gradient."""
    s = surfaces.get(surface)
    theta = np.array(start, dtype=float)
    f0 = float(s.value(theta))
    limit = 1e12 * (abs(f0) if f0 != 0 else 1.0)
    points, values = [theta.copy()], [f0]
    buf = m = v = total = avg = None
    for t in range(1, steps + 1):
        with np.errstate(all="ignore"):
            g = np.asarray(s.grad(theta), dtype=float)
            if added is not None:
                g = g + added[t - 1]
            if key in ("sgd", "momentum", "nesterov"):
                if key == "sgd":
                    step = g
                else:
                    buf = g.copy() if t == 1 else mu * buf + g
                    step = g + mu * buf if key == "nesterov" else buf
                theta = theta - lr * step
            elif key == "adagrad":
                total = g * g if t == 1 else total + g * g
                theta = theta - lr * g / (np.sqrt(total) + 1e-10)
            elif key == "rmsprop":
                avg = 0.01 * g * g if t == 1 else 0.99 * avg + 0.01 * g * g
                theta = theta - lr * g / (np.sqrt(avg) + 1e-8)
            else:
                if key == "adamw":
                    theta = theta * (1 - lr * 0.01)
                m = (1 - beta1) * g if t == 1 else beta1 * m + (1 - beta1) * g
                v = (1 - beta2) * g * g if t == 1 else beta2 * v + (1 - beta2) * g * g
                m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
                theta = theta - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
            f = float(s.value(theta))
        if not math.isfinite(f) or abs(f) > limit:
            return np.array(points), np.array(values), t
        points.append(theta.copy())
        values.append(f)
    return np.array(points), np.array(values), -1


def arrived_at(points: np.ndarray, f: np.ndarray, surface: str, slack: float = 1.0) -> int:
    """The step from which the run stays within 1% of its start's distance of a global minimizer and
    within 10⁻⁴ of its start's height above the minimum, to its end; -1 if it ends outside. ``slack``
    scales both tolerances (to tell a borderline case from a wrong verdict)."""
    s = surfaces.get(surface)
    f_min = s.global_min_value
    targets = [m for m in s.minima if abs(float(s.value(m)) - f_min) <= 1e-9 * max(1.0, abs(f_min))]
    gap0 = max(f[0] - f_min, 0.0)
    first = -1
    for t in range(len(f) - 1, -1, -1):
        near = any(np.hypot(*(points[t] - m)) <= 0.01 * slack * np.hypot(*(points[0] - m)) for m in targets)
        if not (near and max(f[t] - f_min, 0.0) <= 1e-4 * slack * gap0):
            break
        first = t
    return first
