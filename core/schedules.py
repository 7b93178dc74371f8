"""Learning-rate schedules: torch.optim.lr_scheduler's closed forms, on many steps at once.

A schedule is a callable object ``s(t) -> lr``. ``t`` is a step number 0, 1, 2, ... (an int
or an integer array of any shape); step t is the rate used by the (t+1)-th optimizer update,
i.e. the value torch's scheduler holds after ``t`` calls to ``scheduler.step()``.
Every schedule has ``.name``, ``.base`` (its base rate: a float, or an array of shape
(n_runs,) for one rate per run) and ``.params`` (its other arguments).

Output shape: ``t``'s shape when ``base`` is a float (a float for a scalar t), and
``t.shape + (n_runs,)`` when ``base`` is an array of shape (n_runs,), so that
``s(np.arange(steps))`` has shape (steps, n_runs), ready for a batched training loop.

torch updates most schedules recursively (``lr_t = f(lr_{t-1})``); the closed forms here
give the same numbers up to rounding, without a loop, for any t.

Schedules (eta = base rate)::

    constant       eta
    step           eta * gamma ** floor(t / step_size)                         (StepLR)
    exponential    eta * gamma ** t                                     (ExponentialLR)
    cosine         lr_min + (eta - lr_min) (1 + cos(pi t / t_max)) / 2  (CosineAnnealingLR)
    warm_restarts  the same cosine over restart cycles of length t_0, t_0 t_mult, ...
                                                             (CosineAnnealingWarmRestarts)
    warmup         linear ramp, then any schedule           (LinearLR, then SequentialLR)
    one_cycle      up from max_lr/div_factor to max_lr, then down            (OneCycleLR)
    cyclic         triangles between lr and max_lr                            (CyclicLR)

and one schedule that is not a function of t alone, because it reads the loss:

    reduce_on_plateau  lr times factor once the loss has not improved for patience steps
                                                                     (ReduceLROnPlateau)

:func:`reduce_on_plateau` returns a :class:`Plateau`, whose rate is updated from the
loss of each step (``update``); :func:`core.training.fit_linear` feeds it.

Where the pieces live: the closed forms and :func:`get` here; the :class:`Schedule` object in
:mod:`core.rate_schedule`; :func:`reduce_on_plateau` and :class:`Plateau` in
:mod:`core.plateau`. All of them are importable from here (``core.schedules.<name>``, as the
public contract names them).

The lesson's exponential decay eta_t = eta_0 e^(-k t) is ``exponential(eta_0, gamma=e^(-k))``.
"""

from __future__ import annotations

import inspect

import numpy as np

from core._validation import choice, fail, flag, integer, real
from core.plateau import Plateau, reduce_on_plateau
from core.rate_schedule import Schedule, base_rate

NAMES = ("constant", "step", "exponential", "cosine", "warm_restarts", "warmup", "one_cycle", "cyclic",
         "reduce_on_plateau")


def _lr_min(value, base) -> float:
    lr_min = real("lr_min", value, low=0.0)
    if lr_min >= np.min(base):
        raise fail("lr_min", value, f"< the base rate {_short(base)}")
    return lr_min


def _short(base) -> str:
    return repr(base) if np.ndim(base) == 0 else f"(smallest {float(np.min(base))!r})"


def _cosine_between(lr_min, lr_max, t_cur, t_len):
    return lr_min + (lr_max - lr_min) * (1.0 + np.cos(np.pi * t_cur / t_len)) / 2.0


# ------------------------------------------------------------------------ schedules


def constant(lr) -> Schedule:
    """The same rate at every step: ``lr(t) = lr``."""
    base = base_rate("lr", lr)
    return Schedule("constant", base, {}, lambda t: base * np.ones_like(t, dtype=np.float64))


def step(lr, step_size, gamma=0.1) -> Schedule:
    """Step decay (StepLR): ``lr(t) = lr * gamma ** floor(t / step_size)``.

    ``step_size`` is an int >= 1 and ``gamma`` a number > 0. With lr = 0.1, step_size = 30,
    gamma = 0.1 the rate is 0.1 for t < 30, 0.01 from t = 30 and 0.001 from t = 60.
    """
    base = base_rate("lr", lr)
    step_size = integer("step_size", step_size, low=1)
    gamma = real("gamma", gamma, low=0.0, low_open=True)
    return Schedule(
        "step",
        base,
        {"step_size": step_size, "gamma": gamma},
        lambda t: base * gamma ** (t // step_size).astype(np.float64),
    )


def exponential(lr, gamma) -> Schedule:
    """Exponential decay (ExponentialLR): ``lr(t) = lr * gamma ** t`` with gamma > 0.

    The continuous form eta_0 * e^(-k t) is this schedule with ``gamma = e^(-k)``.
    """
    base = base_rate("lr", lr)
    gamma = real("gamma", gamma, low=0.0, low_open=True)
    return Schedule(
        "exponential", base, {"gamma": gamma}, lambda t: base * gamma ** t.astype(np.float64)
    )


def cosine(lr, t_max, lr_min=0.0) -> Schedule:
    """Cosine annealing (CosineAnnealingLR's closed form).

    ``lr(t) = lr_min + (lr - lr_min) * (1 + cos(pi * t / t_max)) / 2``: ``lr`` at t = 0,
    ``lr_min`` at t = t_max. ``t_max`` is an int >= 1 and 0 <= lr_min < lr.

    Note: as in torch, the curve is not clamped after t_max: it rises back towards ``lr``
    (period 2 t_max). Use :func:`warm_restarts` for restarts.
    """
    base = base_rate("lr", lr)
    t_max = integer("t_max", t_max, low=1)
    lr_min = _lr_min(lr_min, base)
    return Schedule(
        "cosine",
        base,
        {"t_max": t_max, "lr_min": lr_min},
        lambda t: _cosine_between(lr_min, base, t, t_max),
    )


def warm_restarts(lr, t_0, t_mult=1, lr_min=0.0) -> Schedule:
    """Cosine annealing with warm restarts, SGDR (CosineAnnealingWarmRestarts).

    The steps are cut into cycles of lengths T_0 = t_0, T_1 = t_0 t_mult, T_2 = t_0 t_mult^2...
    Within a cycle of length T_i, at T_cur steps since its start::

        lr(t) = lr_min + (lr - lr_min) * (1 + cos(pi * T_cur / T_i)) / 2

    so the rate jumps back to ``lr`` at each restart: for t_0 = 10, t_mult = 2 at
    t = 10, 30, 70, 150, ... ``t_0`` and ``t_mult`` are ints >= 1, 0 <= lr_min < lr.

    Note: the cycle of each step is found with exact integer arithmetic; torch's
    ``step(epoch)`` uses a floating-point logarithm that can misplace a step lying exactly
    on a restart for some (t_0, t_mult). Its default incremental ``step()`` agrees with this.
    """
    base = base_rate("lr", lr)
    t_0 = integer("t_0", t_0, low=1)
    t_mult = integer("t_mult", t_mult, low=1)
    lr_min = _lr_min(lr_min, base)

    def fn(t):
        if t_mult == 1:
            t_cur, t_len = t % t_0, t_0
        else:
            # Cycle i starts at t_0 (t_mult^i - 1) / (t_mult - 1); locate t among the starts.
            starts = [0]
            top = int(t.max()) if t.size else 0
            while starts[-1] <= top:
                starts.append(starts[-1] + t_0 * t_mult ** (len(starts) - 1))
            starts = np.array(starts, dtype=np.int64)
            cycle = np.searchsorted(starts, t, side="right") - 1
            t_cur = t - starts[cycle]
            t_len = np.diff(starts)[cycle]
        return _cosine_between(lr_min, base, t_cur, t_len)

    return Schedule("warm_restarts", base, {"t_0": t_0, "t_mult": t_mult, "lr_min": lr_min}, fn)


def warmup(after, steps, start_factor=1 / 3) -> Schedule:
    """Linear warmup for ``steps`` steps, then the schedule ``after`` from its own t = 0.

    This is torch's SequentialLR([LinearLR(start_factor, end_factor=1, total_iters=steps),
    after], milestones=[steps])::

        t < steps:   lr(t) = after(0) * (start_factor + (1 - start_factor) * t / steps)
        t >= steps:  lr(t) = after(t - steps)

    ``after`` is a :class:`Schedule` (or a number, taken as a constant rate), ``steps`` an
    int >= 1 and ``start_factor`` in (0, 1]. ``.base`` is ``after.base``.
    """
    if not isinstance(after, Schedule):
        try:
            after = constant(after)
        except ValueError:
            raise fail("after", after, "a Schedule (from core.schedules) or a rate > 0") from None
    steps = integer("steps", steps, low=1)
    start_factor = real("start_factor", start_factor, low=0.0, high=1.0, low_open=True)
    first = after._values(np.zeros((), dtype=np.int64))

    def fn(t):
        ramp = first * (start_factor + (1.0 - start_factor) * np.minimum(t, steps) / steps)
        rest = after._fn(np.maximum(t - steps, 0))
        return np.where(t < steps, ramp, rest)

    last = None if after._last_step is None else after._last_step + steps
    params = {"after": after, "steps": steps, "start_factor": start_factor}
    return Schedule("warmup", after.base, params, fn, last_step=last)


def one_cycle(
    max_lr,
    total_steps,
    pct_start=0.3,
    anneal_strategy="cos",
    div_factor=25.0,
    final_div_factor=1e4,
    three_phase=False,
) -> Schedule:
    """The 1cycle policy (OneCycleLR; the rate only, momentum is not cycled).

    With initial = max_lr / div_factor and final = initial / final_div_factor, the rate
    is annealed (``"cos"``: b + (a - b)(1 + cos(pi p)) / 2, ``"linear"``: a + (b - a) p,
    from a to b, p the fraction of the phase done) through the phases::

        two phases:   initial -> max_lr   over t in [0, pct_start * total_steps - 1]
                      max_lr  -> final    until t = total_steps - 1
        three_phase:  initial -> max_lr   over t in [0, pct_start * total_steps - 1]
                      max_lr  -> initial  until t = 2 * pct_start * total_steps - 2
                      initial -> final    until t = total_steps - 1

    Steps beyond ``total_steps`` raise ValueError, as in torch (t = total_steps is allowed
    and continues the last phase's curve slightly past ``final``).
    ``total_steps`` is an int >= 2, ``pct_start`` in (0, 1), ``div_factor`` and
    ``final_div_factor`` > 0.

    Note: torch accepts a ``pct_start`` so small (pct_start * total_steps <= 1) or, with
    three_phase, so large that a phase has no length, which gives a division by zero or
    a phase running backwards; here such a ``pct_start`` raises ValueError.
    """
    peak = base_rate("max_lr", max_lr)
    total_steps = integer("total_steps", total_steps, low=2)
    pct_start = real("pct_start", pct_start, low=0.0, high=1.0, low_open=True, high_open=True)
    anneal_strategy = choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
    div_factor = real("div_factor", div_factor, low=0.0, low_open=True)
    final_div_factor = real("final_div_factor", final_div_factor, low=0.0, low_open=True)
    three_phase = flag("three_phase", three_phase)

    initial = peak / div_factor
    final = initial / final_div_factor
    up_end = float(pct_start * total_steps) - 1
    if three_phase:
        phases = [
            (up_end, initial, peak),
            (float(2 * pct_start * total_steps) - 2, peak, initial),
            (total_steps - 1, initial, final),
        ]
    else:
        phases = [(up_end, initial, peak), (total_steps - 1, peak, final)]
    start = 0.0
    for end, _, _ in phases:
        if not end > start:
            raise fail(
                "pct_start",
                pct_start,
                f"a value giving every phase a positive length with total_steps={total_steps}"
                + (" and three_phase=True" if three_phase else "")
                + " (pct_start * total_steps > 1"
                + (", 2 * pct_start * total_steps < total_steps + 1)" if three_phase else ")"),
            )
        start = end

    def anneal(a, b, pct):
        if anneal_strategy == "cos":
            return b + (a - b) / 2.0 * (np.cos(np.pi * pct) + 1.0)
        return (b - a) * pct + a

    def fn(t):
        # torch picks the first phase whose end_step >= t (the last phase takes the rest).
        out = np.zeros(np.broadcast_shapes(np.shape(t), np.shape(peak)))
        begin = 0.0
        done = np.zeros(np.shape(t), dtype=bool)
        for i, (end, a, b) in enumerate(phases):
            here = ~done if i == len(phases) - 1 else (~done & (t <= end))
            out = np.where(here, anneal(a, b, (t - begin) / (end - begin)), out)
            done = done | here
            begin = end
        return out

    params = {
        "total_steps": total_steps,
        "pct_start": pct_start,
        "anneal_strategy": anneal_strategy,
        "div_factor": div_factor,
        "final_div_factor": final_div_factor,
        "three_phase": three_phase,
    }
    return Schedule("one_cycle", peak, params, fn, last_step=total_steps)


def cyclic(lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0) -> Schedule:
    """Cyclical learning rates (CyclicLR): up from ``lr`` to ``max_lr`` and back, again and again.

    With a cycle of ``size = step_size_up + step_size_down`` steps (down defaults to up),
    ``cycle = floor(1 + t / size)`` and ``x = 1 + t / size - cycle`` (0 <= x < 1)::

        h(t)  = x / r               if x <= r, r = step_size_up / size
                (x - 1) / (r - 1)   otherwise
        lr(t) = lr + (max_lr - lr) * h(t) * scale

    where scale is 1 (``"triangular"``), 1 / 2^(cycle - 1) (``"triangular2"``: each cycle half
    as tall) or gamma^t (``"exp_range"``). ``lr`` is the bottom of the cycle (torch's
    ``base_lr``), ``max_lr`` > 0 its top; both may be arrays of shape (n_runs,).

    Note: torch's CyclicLR also cycles the optimizer's momentum by default
    (``cycle_momentum=True``, and it refuses an optimizer without momentum); this is the rate
    alone, i.e. torch with ``cycle_momentum=False``.
    """
    base = base_rate("lr", lr)
    top = base_rate("max_lr", max_lr)
    up = integer("step_size_up", step_size_up, low=1)
    down = up if step_size_down is None else integer("step_size_down", step_size_down, low=1)
    mode = choice("mode", mode, ("triangular", "triangular2", "exp_range"))
    gamma = real("gamma", gamma, low=0.0, low_open=True)
    size = float(up + down)
    ratio = up / size

    def fn(t):
        tf = t.astype(np.float64)
        cycle = np.floor(1.0 + tf / size)
        x = 1.0 + tf / size - cycle
        height = np.where(x <= ratio, x / ratio, (x - 1.0) / (ratio - 1.0))
        if mode == "triangular":
            scale = 1.0
        elif mode == "triangular2":
            scale = 1.0 / 2.0 ** (cycle - 1.0)
        else:
            scale = gamma**tf
        return base + (top - base) * height * scale

    params = {"max_lr": top, "step_size_up": up, "step_size_down": down, "mode": mode, "gamma": gamma}
    return Schedule("cyclic", base, params, fn)




_FACTORIES = {
    "constant": constant,
    "step": step,
    "exponential": exponential,
    "cosine": cosine,
    "warm_restarts": warm_restarts,
    "warmup": None,
    "one_cycle": one_cycle,
    "cyclic": cyclic,
    "reduce_on_plateau": reduce_on_plateau,
}


def get(name: str, lr, **kwargs) -> Schedule | Plateau:
    """Build the schedule ``name`` (one of :data:`NAMES`) with base rate ``lr``.

    ``lr`` is the first argument of the matching function (``max_lr`` for one_cycle, the
    cycle's bottom for cyclic). ``"reduce_on_plateau"`` gives a :class:`Plateau`.
    For ``"warmup"``: ``get("warmup", lr, steps=..., start_factor=..., after="cosine",
    **after_kwargs)`` warms up into ``get(after, lr, **after_kwargs)`` (after defaults to
    ``"constant"``). Unknown names or arguments raise ValueError.
    """
    choice("name", name, NAMES)
    if name == "warmup":
        own = {k: kwargs.pop(k) for k in ("steps", "start_factor") if k in kwargs}
        if "steps" not in own:
            raise ValueError("steps must be given for the warmup schedule (an integer >= 1)")
        after_name = kwargs.pop("after", "constant")
        if isinstance(after_name, str) and after_name == "warmup":
            raise fail("after", after_name, "a schedule name other than 'warmup'")
        after = get(after_name, lr, **kwargs)
        return warmup(after, **own)
    factory = _FACTORIES[name]
    names = list(inspect.signature(factory).parameters)[1:]
    for key in kwargs:
        if key not in names:
            raise ValueError(
                f"{key!r} is not an argument of the {name} schedule; allowed: "
                + (", ".join(names) if names else "none")
            )
    return factory(lr, **kwargs)

