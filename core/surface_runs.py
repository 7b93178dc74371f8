"""Optimizers run on a test surface of :mod:`core.surfaces`: R runs at once, recorded step by step.

- :func:`optimize`: R runs of one optimizer (one per start and/or learning rate), with optional
  gradient noise drawn for every run; a :class:`core.trajectory.Trajectory` (its ``params`` are the
  points, its ``loss`` the surface's values there; the divergence rule is stated there).
- :func:`race`: several optimizers, each at one or more rates, in one loop over the steps, all fed
  the same noise draw.
- :func:`internals`: what one optimizer holds at every step of one run (gradient, state, step).
- :func:`random_starts`: seeded uniform start points over a surface's window.

Every step is ``p <- optimizer.step(p, surface.grad(p) + noise_k xi_k, state, lr_k)`` with an optimizer of
:mod:`core.optimizers` (PyTorch's arithmetic). Divergence is a result, not an error: no warning leaks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core._validation import array, fail, integer, real
from core.surfaces import Surface, as_surface
from core.training import _as_optimizer  # the one rule for "an optimizer or its name"
from core.trajectory import Trajectory, mark_divergence


def _learning_rates(lr: Any, steps: int) -> tuple[np.ndarray, int | None]:
    """Rates of shape (steps, 1) or (steps, R), and R if lr fixes it (else None).

    Not :mod:`core.training`'s coercion: training feeds a reduce-on-plateau schedule its objective, which
    means nothing here (it is refused as not a rate), and it counts a schedule's t every ``lr_every`` updates."""
    if callable(lr):
        with np.errstate(all="ignore"):
            rates = np.asarray(lr(np.arange(steps)), dtype=np.float64)
        if rates.ndim not in (1, 2) or rates.shape[0] != steps:
            raise ValueError(
                f"lr schedule must return shape ({steps},) or ({steps}, n_runs) for "
                f"{steps} steps; got shape {rates.shape}"
            )
        if not np.all(np.isfinite(rates) & (rates >= 0.0)):
            raise ValueError("lr schedule must give finite rates >= 0")
        if rates.ndim == 1:
            return rates[:, None], None
        return rates, rates.shape[1]
    rates = array("lr", lr, ndim=(0, 1))
    if not np.all(rates > 0.0):
        allowed = "a number > 0, an array of shape (n_runs,) of numbers > 0 or a schedule"
        raise fail("lr", lr, allowed)
    if rates.ndim == 0:
        return np.full((steps, 1), float(rates)), None
    return np.broadcast_to(rates, (steps, rates.size)), rates.size


def optimize(
    surface: Surface | str,
    *,
    optimizer: Any,
    lr: Any,
    steps: int,
    start: Any = None,
    noise: Any = 0.0,
    seed: int = 0,
) -> Trajectory:
    """Run R optimizations on ``surface`` at once and record every point.

    Each step is ``p <- optimizer.step(p, surface.grad(p) + noise_k xi_k, state, lr_k)``,
    batched over runs: the run axis is the optimizer's R, the coordinates its P. ``xi_k`` is
    standard normal noise of shape (R, dim), drawn step by step from
    ``numpy.random.default_rng(seed)`` (a stand-in for the noise of a mini-batch gradient:
    the optimizer sees the noisy gradient, its state included).

    Parameters
    ----------
    surface : Surface or str
        A surface or a name from ``core.surfaces.NAMES`` (default parameters).
    optimizer : Optimizer or str
        An optimizer from ``core.optimizers`` or its name (default hyperparameters).
    lr : float, array of shape (n_runs,) or schedule
        One rate for all runs, one per run, or a schedule from ``core.schedules``,
        evaluated on steps 0, 1, ..., steps - 1 (a schedule with an array base gives one
        rate per run). Fixed rates must be > 0; a schedule may reach 0.
    steps : int
        Number of optimizer steps (>= 0).
    start : array of shape (n_runs, dim) or (dim,), optional
        Start points; default ``surface.start``. A single point (or an (1, dim) array)
        is shared by every run, and a single rate by every start.
    noise : float or array of shape (steps,)
        The standard deviation of the noise added to every gradient coordinate: one for all
        steps, or one per step (e.g. fading to 0, so runs settle at the end). Default 0: the
        exact gradient, and no random numbers are drawn.
    seed : int
        Seed of the noise.

    Returns
    -------
    Trajectory
        ``params`` (steps + 1, n_runs, dim): the points; ``loss`` (steps + 1, n_runs): f at
        them; ``lr`` (steps, n_runs); ``diverged_at`` (n_runs,) by :mod:`core.trajectory`' rule.
        Divergence is a result, not an error: no warning is emitted.
    """
    surface = as_surface(surface)
    optimizer = _as_optimizer(optimizer)
    steps = integer("steps", steps, low=0)
    rates, runs_lr = _learning_rates(lr, steps)
    scales = _noise_scales(noise, steps)
    rng = np.random.default_rng(integer("seed", seed, low=0))

    start = surface.start if start is None else surface._check(start, "start")
    if start.ndim > 2:
        raise ValueError(f"start must be a 1-D or 2-D array; got shape {start.shape}")
    starts = start.reshape(-1, surface.dim)
    try:
        runs = np.broadcast_shapes((starts.shape[0],), (rates.shape[1],))[0]
    except ValueError:
        raise ValueError(
            f"start and lr must describe the same number of runs; got {starts.shape[0]} "
            f"start points and {runs_lr} learning rates"
        ) from None
    starts = np.array(np.broadcast_to(starts, (runs, surface.dim)))
    rates = np.array(np.broadcast_to(rates, (steps, runs)))

    points = np.empty((steps + 1, runs, surface.dim))
    points[0] = starts
    # Divergent runs go on being stepped (each run is independent of the others) and
    # are masked afterwards: no per-step bookkeeping, and NaN/inf stay silent.
    with np.errstate(all="ignore"):
        p = starts
        state = optimizer.init(p)
        step, grad = optimizer._step, surface._grad
        for k in range(steps):
            g = grad(p)
            if scales[k] > 0.0:
                g = g + scales[k] * rng.standard_normal(p.shape)
            p, state = step(p, g, state, rates[k])
            points[k + 1] = p
        values = surface._value(points)
        diverged_at = mark_divergence(points, values)
    return Trajectory(params=points, loss=values, lr=rates, diverged_at=diverged_at)


def _noise_scales(noise: Any, steps: int) -> np.ndarray:
    """The noise's standard deviation at each step: shape (steps,), every one >= 0."""
    scales = array("noise", noise, ndim=(0, 1), min_size=0)
    if scales.ndim == 1 and scales.size != steps:
        raise ValueError(f"noise must be a number or one per step ({steps}); got {scales.size} values")
    if not np.all(scales >= 0.0):
        raise fail("noise", noise, "standard deviations >= 0")
    return np.broadcast_to(scales, (steps,))


def random_starts(surface: Surface | str, runs: int, *, seed: int = 0) -> np.ndarray:
    """``runs`` start points drawn uniformly over ``surface.bounds``: shape (runs, dim).

    Seeded (``numpy.random.default_rng(seed)``, one ``uniform(low, high, runs)`` per
    coordinate in order), so a restart study is the same on every machine.
    """
    surface = as_surface(surface)
    runs = integer("runs", runs, low=1)
    rng = np.random.default_rng(integer("seed", seed, low=0))
    return np.column_stack([rng.uniform(low, high, runs) for low, high in surface.bounds])


def _shared_noise(noise: Any, seed: Any, steps: int, dim: int) -> np.ndarray | None:
    """The noise added to the gradient at each step, one draw shared by every run: shape (steps, dim),
    row k = noise_k * xi_k with xi = ``default_rng(seed).standard_normal((steps, dim))`` (row k for
    step k + 1). None when every noise_k is 0 (then no random numbers are drawn)."""
    scales = _noise_scales(noise, steps)
    rng = np.random.default_rng(integer("seed", seed, low=0))
    if not np.any(scales > 0.0):
        return None
    return scales[:, None] * rng.standard_normal((steps, dim))


def race(surface: Surface | str, *, optimizers: Any, lrs: Any, steps: int, start: Any = None,
         noise: Any = 0.0, seed: int = 0) -> list[Trajectory]:
    """Several optimizers on one surface in one computation: one loop over the steps, one
    gradient evaluation per step for every run of every optimizer.

    ``optimizers[i]`` runs once per rate of ``lrs[i]`` (a number or an array (R_i,)), all from
    ``start`` (default ``surface.start``). Without noise, each returned :class:`Trajectory` is
    exactly the one :func:`optimize` gives for that optimizer and those rates (the same
    arithmetic, row by row). This is how a race of seven optimizers, each with a sweep of rates
    to find its best, is one vectorized computation.

    ``noise`` (a number or one per step, >= 0, as in :func:`optimize`) makes each step's gradient
    ``surface.grad(p) + noise_k xi_k``, with ``xi_k`` standard normal of shape (dim,): row k of
    ``numpy.random.default_rng(seed).standard_normal((steps, dim))``, drawn once for the whole
    race. Note: unlike :func:`optimize`, which draws its own noise for every run, every run of
    every optimizer here gets the same ``xi_k`` at step k (a fair race: as if all were fed the
    same mini-batches), and the draw does not depend on ``noise`` (a different scale multiplies
    the same ``xi``). Default 0: the exact gradient, bit for bit the noise-free race, and no
    random numbers are drawn.
    """
    surface = as_surface(surface)
    opts = [_as_optimizer(o) for o in optimizers]
    rates = [array(f"lrs[{i}]", r, ndim=(0, 1)).reshape(-1) for i, r in enumerate(lrs)]
    if len(rates) != len(opts):
        raise ValueError(f"optimizers and lrs must have the same length; got {len(opts)} and {len(rates)}")
    for i, r in enumerate(rates):
        if r.size == 0 or not np.all(r > 0.0):
            raise fail(f"lrs[{i}]", r, "learning rates > 0")
    steps = integer("steps", steps, low=0)
    shared = _shared_noise(noise, seed, steps, surface.dim)
    start = (surface.start if start is None else surface._check(start, "start")).reshape(1, surface.dim)
    sizes = [r.size for r in rates]
    edges = np.concatenate([[0], np.cumsum(sizes)])
    total = int(edges[-1])
    points = np.empty((steps + 1, total, surface.dim))
    points[0] = start
    with np.errstate(all="ignore"):
        p = np.array(points[0])
        states = [o.init(p[a:b]) for o, a, b in zip(opts, edges[:-1], edges[1:])]
        for k in range(steps):
            g = surface._grad(p)
            if shared is not None:
                g = g + shared[k]
            for i, (o, a, b) in enumerate(zip(opts, edges[:-1], edges[1:])):
                p[a:b], states[i] = o._step(p[a:b], g[a:b], states[i], rates[i])
            points[k + 1] = p
        values = surface._value(points)
    out = []
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        block, loss = points[:, a:b], values[:, a:b]
        with np.errstate(all="ignore"):
            diverged_at = mark_divergence(block, loss)
        out.append(Trajectory(params=block, loss=loss, lr=np.broadcast_to(rates[i], (steps, sizes[i])).copy(),
                              diverged_at=diverged_at))
    return out


def internals(surface: Surface | str, *, optimizer: Any, lr: float, steps: int, start: Any = None,
              noise: Any = 0.0, seed: int = 0) -> dict[str, np.ndarray]:
    """What one optimizer computes at every step of one run: its gradient, state and step.

    The run is the one :func:`optimize` makes with the same arguments (the same points, bit
    for bit); with ``noise``, the one :func:`race` makes with the same ``noise`` and ``seed``
    (the same shared draw). Returns arrays of shape (steps, dim), row t - 1 for step t = 1 .. steps:

    - ``"point"``: where the gradient was taken (the point before step t);
    - ``"grad"``: the gradient g_t there (with the step's noise, when there is noise);
    - each array of the optimizer's state after step t, by torch's name
      (``momentum_buffer``: the velocity; ``sum``, ``square_avg``, ``exp_avg``,
      ``exp_avg_sq``, ...);
    - for Adam and AdamW, ``"m_hat"`` = exp_avg / (1 - beta1^t) and ``"v_hat"`` =
      exp_avg_sq / (1 - beta2^t), the debiased averages the step divides;
    - ``"step"``: the change of the point, p_t - p_{t-1}, per coordinate.

    A diverging run gives inf/NaN rows, silently.
    """
    surface = as_surface(surface)
    optimizer = _as_optimizer(optimizer)
    steps = integer("steps", steps, low=0)
    rate = real("lr", lr, low=0.0, low_open=True)
    shared = _shared_noise(noise, seed, steps, surface.dim)
    p = (surface.start if start is None else surface._check(start, "start")).reshape(1, surface.dim)
    state = optimizer.init(p)
    rows: dict[str, list[np.ndarray]] = {"point": [], "grad": [], "step": []}
    with np.errstate(all="ignore"):
        for k in range(steps):
            g = surface._grad(p)
            if shared is not None:
                g = g + shared[k]
            new, state = optimizer._step(p, g, state, rate)
            rows["point"].append(p[0])
            rows["grad"].append(g[0])
            rows["step"].append(new[0] - p[0])
            for key, value in state.items():
                if isinstance(value, np.ndarray):
                    rows.setdefault(key, []).append(value[0])
            p = new
    out = {key: np.array(values).reshape(steps, surface.dim) for key, values in rows.items()}
    if "exp_avg" in out and "betas" in optimizer.hyper:
        beta1, beta2 = optimizer.hyper["betas"]
        t = np.arange(1, steps + 1, dtype=np.float64)[:, None]
        with np.errstate(all="ignore"):
            out["m_hat"] = out["exp_avg"] / (1.0 - beta1**t)
            out["v_hat"] = out["exp_avg_sq"] / (1.0 - beta2**t)
    return out
