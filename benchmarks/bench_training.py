"""How fast is a learning-rate sweep in core.training.fit_linear?

Run: python benchmarks/bench_training.py

Prints, for the same machine and process:
1. a 64-rate x 500-step full-batch MSE sweep on n = 1,000 in one fit_linear call, against a
   minimal hand-written numpy loop doing the same sweep (params and loss of every step);
   target: within 2x;
2. the same sweep as a user would write it with torch.optim.SGD, one rate at a time;
   target: fit_linear at least 300x faster (skipped where torch is not installed);
3. the cost of one full-batch MSE step at n = 1,000,000 against n = 1,000, after the
   one-time X^T X; target: within 1.5x.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_time, row  # noqa: E402

from core import datasets  # noqa: E402
from core.training import fit_linear  # noqa: E402

RATES = np.logspace(-4, 0, 64)
STEPS = 500


def make_data(n: int):
    data = datasets.line_with_outliers(n=n, noise=1.0, seed=1)
    return data.x[:, None], data.y


def hand_loop(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sweep written directly and well: plain GD on MSE for every rate at once.

    Like fit_linear it works from X^T X and X^T y, and gets every step's loss from the
    quadratic form, so the comparison is about overhead, not about a smarter algorithm.
    """
    n = X.shape[0]
    Xa = np.hstack([X, np.ones((n, 1))])
    A = Xa.T @ Xa / n
    c = Xa.T @ y / n
    yy = y @ y / n
    A2, c2 = 2.0 * A, 2.0 * c
    lr = RATES[:, None]
    W = np.zeros((RATES.size, 2))
    path = np.empty((STEPS + 1, RATES.size, 2))
    path[0] = W
    with np.errstate(all="ignore"):
        for t in range(STEPS):
            W = W - lr * (W @ A2 - c2)
            path[t + 1] = W
        loss = yy - 2.0 * path @ c + np.einsum("srp,pq,srq->sr", path, A, path)
    return path, loss


def torch_loop(X: np.ndarray, y: np.ndarray):
    import torch

    Xt = torch.tensor(X)
    yt = torch.tensor(y)
    losses = []
    for rate in RATES:
        w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=float(rate))
        run = []
        for _ in range(STEPS):
            opt.zero_grad()
            loss = ((Xt[:, 0] * w + b - yt) ** 2).mean()
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses.append(run)
    return losses


def main() -> None:
    X, y = make_data(1_000)
    ours = lambda: fit_linear(X, y, loss="mse", optimizer="sgd", lr=RATES, steps=STEPS)  # noqa: E731
    hand = lambda: hand_loop(X, y)  # noqa: E731

    traj = ours()
    path, loss = hand()
    with np.errstate(all="ignore"):
        ok = traj.diverged_at < 0
        same = np.allclose(traj.params[:, ok], path[:, ok], rtol=1e-9, atol=1e-12)
    print(f"fit_linear and the hand loop agree on the {ok.sum()} converging runs: {same}")

    t_hand = best_time(hand, repeat=15)
    t_ours = best_time(ours, repeat=15)
    print(f"{'case':<58} {'time':>13}  {'ratio':>8}")
    print(row("hand-written numpy loop, 64 rates x 500 steps (baseline)", t_hand, t_hand))
    verdict = "OK (<= 2x)" if t_ours <= 2 * t_hand else "TOO SLOW (> 2x)"
    print(row("fit_linear, same sweep in one call", t_ours, t_hand, verdict))

    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch.optim.SGD loop: skipped (torch is not installed; pip install torch==2.13.0)")
    else:
        t_torch = best_time(lambda: torch_loop(X, y), repeat=1)
        speedup = t_torch / t_ours
        verdict = "OK (>= 300x)" if speedup >= 300 else "TOO SLOW (< 300x)"
        print(row("torch.optim.SGD looped over the 64 rates", t_torch, t_hand))
        print(f"  fit_linear is {speedup:,.0f}x faster than the torch loop: {verdict}")

    print()
    print("One full-batch MSE step (after the one-time X^T X), 64 runs:")
    per_step = {}
    for n in (1_000, 1_000_000):
        Xn, yn = make_data(n)
        steps = 20_000
        t_long = best_time(lambda: fit_linear(Xn, yn, lr=RATES * 1e-2, steps=steps), repeat=3)
        t_none = best_time(lambda: fit_linear(Xn, yn, lr=RATES * 1e-2, steps=0), repeat=3)
        per_step[n] = max(t_long - t_none, 1e-12) / steps
    base = per_step[1_000]
    print(row("step at n = 1,000 (baseline)", per_step[1_000], base))
    ratio = per_step[1_000_000] / base
    verdict = "OK (<= 1.5x)" if ratio <= 1.5 else "TOO SLOW (> 1.5x)"
    print(row("step at n = 1,000,000", per_step[1_000_000], base, verdict))


if __name__ == "__main__":
    main()
