"""torch.optim.lr_scheduler's schedulers written as loops with plain floats: the oracle of core's schedules.

Each reference simulates a torch scheduler: the value at index t is the learning rate after t
calls to ``scheduler.step()``, computed RECURSIVELY from the previous rate with torch's
``get_lr`` formula (not the closed form used by core). They share nothing with core.
"""

from __future__ import annotations

import math

N = 60  # steps each reference runs by default


def ref_step_lr(base, step_size, gamma, n=N):
    lr, out = base, []
    for epoch in range(n):
        if epoch != 0 and epoch % step_size == 0:
            lr = lr * gamma
        out.append(lr)
    return out


def ref_exponential_lr(base, gamma, n=N):
    lr, out = base, []
    for epoch in range(n):
        if epoch != 0:
            lr = lr * gamma
        out.append(lr)
    return out


def ref_cosine_lr(base, t_max, eta_min=0.0, n=N):
    lr, out = base, []
    for epoch in range(n):
        if epoch == 0:
            pass
        elif (epoch - 1 - t_max) % (2 * t_max) == 0:
            lr = lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        else:
            ratio = (1 + math.cos(math.pi * epoch / t_max)) / (
                1 + math.cos(math.pi * (epoch - 1) / t_max)
            )
            lr = ratio * (lr - eta_min) + eta_min
        out.append(lr)
    return out


def ref_warm_restarts(base, t_0, t_mult=1, eta_min=0.0, n=N):
    t_cur, t_i, out = 0, t_0, []
    for epoch in range(n):
        if epoch > 0:
            t_cur += 1
            if t_cur >= t_i:
                t_cur -= t_i
                t_i *= t_mult
        out.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
    return out


def ref_linear_lr(base, start_factor, total_iters, n, end_factor=1.0):
    lr, out = base, []
    for epoch in range(n):
        if epoch == 0:
            lr = base * start_factor
        elif epoch <= total_iters:
            lr = lr * (
                1.0
                + (end_factor - start_factor)
                / (total_iters * start_factor + (epoch - 1) * (end_factor - start_factor))
            )
        out.append(lr)
    return out


def ref_sequential(warm, after_ref, milestone, n=N):
    # SequentialLR: the first scheduler before the milestone, then the second one restarted
    # at its own epoch 0 (its base rate) and stepped from there.
    return warm[:milestone] + after_ref(n - milestone)


def ref_one_cycle(
    max_lr, total_steps, pct_start=0.3, anneal="cos", div_factor=25.0, final_div_factor=1e4,
    three_phase=False,
):
    initial = max_lr / div_factor
    minimum = initial / final_div_factor
    if three_phase:
        phases = [
            (float(pct_start * total_steps) - 1, initial, max_lr),
            (float(2 * pct_start * total_steps) - 2, max_lr, initial),
            (total_steps - 1, initial, minimum),
        ]
    else:
        phases = [
            (float(pct_start * total_steps) - 1, initial, max_lr),
            (total_steps - 1, max_lr, minimum),
        ]

    def cos_anneal(start, end, pct):
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    def linear_anneal(start, end, pct):
        return (end - start) * pct + start

    fn = cos_anneal if anneal == "cos" else linear_anneal
    out = []
    for step_num in range(total_steps + 1):
        start_step = 0
        for i, (end_step, a, b) in enumerate(phases):
            if step_num <= end_step or i == len(phases) - 1:
                out.append(fn(a, b, (step_num - start_step) / (end_step - start_step)))
                break
            start_step = end_step
    return out


def ref_cyclic_lr(base_lr, max_lr, step_size_up, step_size_down=None, mode="triangular", gamma=1.0, n=N):
    """torch's CyclicLR.get_lr, evaluated after each scheduler.step() with plain floats."""
    up = float(step_size_up)
    down = float(step_size_down) if step_size_down is not None else up
    total, out = up + down, []
    ratio = up / total
    for last_epoch in range(n):
        cycle = math.floor(1 + last_epoch / total)
        x = 1.0 + last_epoch / total - cycle
        scale_factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        height = (max_lr - base_lr) * scale_factor
        if mode == "triangular":
            lr = base_lr + height * 1.0
        elif mode == "triangular2":
            lr = base_lr + height * (1 / (2.0 ** (cycle - 1)))
        else:
            lr = base_lr + height * gamma**last_epoch
        out.append(lr)
    return out


class RefPlateau:
    """torch's ReduceLROnPlateau (mode="min") for one param group, line by line with floats."""

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0,
                 min_lr=0.0, eps=1e-8):
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lr, self.eps = cooldown, min_lr, eps
        self.best, self.cooldown_counter, self.num_bad_epochs = math.inf, 0, 0

    def is_better(self, a, best):
        if self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        return a < best - self.threshold

    def step(self, metrics):
        current = float(metrics)
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0


def ref_plateau_rates(losses, **kwargs):
    ref = RefPlateau(**kwargs)
    out = [ref.lr]
    for value in losses:
        ref.step(value)
        out.append(ref.lr)
    return out
