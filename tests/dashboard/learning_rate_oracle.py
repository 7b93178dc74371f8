"""References for the learning-rate view's tests, written from the update rule, not from the view's code path:
the built-in data, the Hessian's eigenvalues from the 2x2 closed form, the optimum from numpy.polyfit, and the
runs from a plain per-step loop of gradient descent (and of torch-style momentum)."""

from __future__ import annotations

import math

import numpy as np

from core import training
from core.datasets import line_with_outliers


def _data(center=False):
    d = line_with_outliers(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0, x_range=(0.0, 10.0), seed=0)
    return (d.x - d.x.mean() if center else d.x), d.y


def _hessian_eigenvalues(x):
    """Eigenvalues of H = (2/n) [[sum x^2, sum x], [sum x, n]] by the 2x2 closed form."""
    a, b, c = 2 * np.mean(x * x), 2 * np.mean(x), 2.0
    mid, rad = (a + c) / 2, math.hypot((a - c) / 2, b)
    return mid - rad, mid + rad


def _optimum(x, y):
    w, b = np.polyfit(x, y, 1)
    return w, b, float(np.mean((w * x + b - y) ** 2))


def _run(x, y, lr, steps, momentum=0.0):
    """Loss after each of ``steps`` full-batch updates from (0, 0), one step at a time."""
    w = b = vw = vb = 0.0
    losses = [float(np.mean(y * y))]
    with np.errstate(all="ignore"):
        for t in range(steps):
            r = w * x + b - y
            gw, gb = 2 * float(np.mean(r * x)), 2 * float(np.mean(r))
            if momentum:  # torch: the buffer starts at the first gradient
                vw, vb = (gw, gb) if t == 0 else (momentum * vw + gw, momentum * vb + gb)
                gw, gb = vw, vb
            w, b = w - lr * gw, b - lr * gb
            losses.append(float(np.mean((w * x + b - y) ** 2)))
            if not losses[-1] <= 1e12 * losses[0]:
                break
    return losses


def _diverged_at(losses):
    return next((k for k, v in enumerate(losses) if not v <= 1e12 * losses[0]), -1)


def _within(losses, optimum):
    return next((k for k, v in enumerate(losses) if v <= 1.01 * optimum), -1)


def _spy_on_training(monkeypatch) -> list[dict]:
    calls, real = [], training.fit_linear
    monkeypatch.setattr(training, "fit_linear", lambda *a, **k: calls.append(k) or real(*a, **k))
    return calls
