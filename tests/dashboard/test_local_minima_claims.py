"""The restart counts of the local-minima view, in scenarios drawn from its declared controls, against
an oracle that shares nothing with core: the double well f(x) = x⁴ − 3x² + x with f'(x) = 4x³ − 6x + 1,
its minima found by numpy's polynomial roots, plain gradient descent and momentum written from
torch.optim's rules, and "settled" written out step by step. A failing example prints its link."""

from __future__ import annotations

import numpy as np
from hypothesis import given, note, settings
from hypothesis import strategies as st

from dashboard.scenarios import local_minima as sc

from .apptest_tools import NOT_A_NUMBER
from .property_tools import link, links


def _minima() -> tuple[np.ndarray, np.ndarray]:
    """The double well's two minima (global first) and their heights, from f'(x) = 0 and f'' > 0."""
    roots = np.roots([4.0, 0.0, -6.0, 1.0]).real
    minima = np.array([r for r in roots if 12 * r * r - 6 > 0])
    heights = minima ** 4 - 3 * minima ** 2 + minima
    order = np.argsort(heights)
    return minima[order], heights[order]


def _settle_backwards(starts, key, lr, steps, minima, heights, d0, g0) -> dict[str, int]:
    """The counts: each run by a plain loop, then where its last step is. A run "settles" when it is within
    from some step to the end, and that holds exactly when its last step is within (the rule's trailing
    stretch is then not empty), so the last step decides."""
    f = lambda x: x ** 4 - 3 * x ** 2 + x  # noqa: E731
    x = starts.astype(float).copy()
    f0 = f(x)
    limit = 1e12 * np.where(f0 != 0, np.abs(f0), 1.0)
    xs, fs = [x.copy()], [f0]
    diverged = np.full(x.size, -1)
    buf = np.zeros_like(x)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = 4 * x ** 3 - 6 * x + 1
            if key == "momentum":
                buf = g if t == 1 else 0.9 * buf + g
                g = buf
            x = x - lr * g
            fx = f(x)
            diverged = np.where((diverged < 0) & ~(np.abs(fx) <= limit), t, diverged)
            xs.append(x.copy())
            fs.append(fx)
    xs, fs = np.array(xs), np.array(fs)
    counts = {"global": 0, "local": 0, "unsettled": 0, "diverged": int(np.sum(diverged >= 0))}
    for r in np.flatnonzero(diverged < 0):
        where = "unsettled"
        for m, (target, height) in enumerate(zip(minima, heights)):
            tol_x = 0.01 * d0[m, r] + 1e-9 * max(1.0, abs(target))
            tol_f = 1e-4 * g0[m, r] + 1e-9 * max(1.0, abs(height))
            if abs(xs[-1, r] - target) <= tol_x and max(fs[-1, r] - height, 0) <= tol_f:
                where = ("global", "local")[m]
                break
        counts[where] += 1
    return counts


restart_links = links("local_minima.py", sc.DEFAULTS, ("restarts", "lr_1d", "steps", "seed"),
                      optimizer=st.sampled_from(("sgd", "momentum")))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(restart_links)
def test_the_restart_counts_hold_against_the_oracle(values):
    note(f"link: {link('local_minima', values, sc.DEFAULTS)}")
    res = sc.compute_restarts(values)
    expected = _settle_backwards(res.starts[:, 0], values["optimizer"], float(values["lr_1d"]), int(values["steps"]),
                                 *_minima_and_gaps(res.starts[:, 0]))
    assert res.counts == expected
    texts = sc.notes(res, sc.traps(sc.DEFAULTS), sc.network(sc.DEFAULTS))
    for text in texts:
        assert not NOT_A_NUMBER.search(text), text
    if res.counts["global"] + res.counts["local"] == 0:
        assert "crossed the ridge" not in texts[1]


def _minima_and_gaps(starts):
    minima, heights = _minima()
    f0 = starts ** 4 - 3 * starts ** 2 + starts
    return minima, heights, np.abs(starts[None, :] - minima[:, None]), np.maximum(f0[None, :] - heights[:, None], 0.0)
