"""torch.optim's published algorithms as scalar loops: the oracle of core.optimizers.

Each reference updates ONE parameter with plain Python floats and math.sqrt, following the
pseudo-code of the torch.optim docs (and torch's code where the two differ: AMSGrad keeps the
max of the raw second moment; SGD's first momentum step is undampened; Adagrad's accumulator
starts at initial_accumulator_value). ``grad(theta, t)`` gives the gradient at step t = 1, 2, ...;
each returns the parameter after every step. They share nothing with core.
"""

from __future__ import annotations

import math


def ref_sgd(
    theta, grad, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, steps
):
    buf = None
    out = []
    for t in range(1, steps + 1):
        g = grad(theta, t)
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            buf = g if t == 1 else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        theta = theta - lr * g
        out.append(theta)
    return out


def ref_adagrad(
    theta, grad, *, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
    eps=1e-10, steps,
):
    state_sum = initial_accumulator_value
    out = []
    for t in range(1, steps + 1):
        g = grad(theta, t)
        clr = lr / (1 + (t - 1) * lr_decay)
        if weight_decay != 0:
            g = g + weight_decay * theta
        state_sum = state_sum + g * g
        theta = theta - clr * g / (math.sqrt(state_sum) + eps)
        out.append(theta)
    return out


def ref_rmsprop(
    theta, grad, *, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
    steps,
):
    v = 0.0
    g_ave = 0.0
    b = 0.0
    out = []
    for t in range(1, steps + 1):
        g = grad(theta, t)
        if weight_decay != 0:
            g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g * g
        v_tilde = v
        if centered:
            g_ave = g_ave * alpha + (1 - alpha) * g
            v_tilde = v_tilde - g_ave * g_ave
        if momentum > 0:
            b = momentum * b + g / (math.sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (math.sqrt(v_tilde) + eps)
        out.append(theta)
    return out


def ref_adam(
    theta, grad, *, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
    decoupled=False, steps,
):
    beta1, beta2 = betas
    m = v = v_max = 0.0
    out = []
    for t in range(1, steps + 1):
        g = grad(theta, t)
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        elif weight_decay != 0:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = max(v_max, v)
            denom = math.sqrt(v_max) / math.sqrt(1 - beta2**t) + eps
        else:
            denom = math.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        theta = theta - lr * m_hat / denom
        out.append(theta)
    return out


def ref_adamw(theta, grad, *, weight_decay=1e-2, **kw):
    return ref_adam(theta, grad, weight_decay=weight_decay, decoupled=True, **kw)


REFERENCES = {
    "sgd": ref_sgd,
    "adagrad": ref_adagrad,
    "rmsprop": ref_rmsprop,
    "adam": ref_adam,
    "adamw": ref_adamw,
}
