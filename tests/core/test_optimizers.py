"""core.optimizers against scalar references written from torch.optim's published algorithms.

The references (tests/core/optimizer_oracle.py) update ONE parameter with plain Python floats,
following the pseudo-code of the torch.optim docs; they share nothing with core. Then steps
worked by hand, batching, immutability, names, defaults and argument checks.
"""

from __future__ import annotations

import copy
import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from core import optimizers
from tests.core.optimizer_oracle import REFERENCES

# ------------------------------------------------------------ the test problem
# A separable quadratic plus a time-varying drift: the gradient depends on the current
# parameters, so any difference in the update compounds along the trajectory.
CURV = np.array([0.5, 1.0, 3.0])
CENTRE = np.array([1.0, -2.0, 0.5])
THETA0 = np.array([[0.3, -0.7, 2.0], [-1.0, 0.5, 0.1]])
LRS = np.array([0.01, 0.07])
STEPS = 25


def drift(t, j):
    return 0.3 * math.sin(1.7 * t + j)


def scalar_grad(j):
    return lambda theta, t: CURV[j] * (theta - CENTRE[j]) + drift(t, j)


def batch_grad(params, t):
    return CURV * (params - CENTRE) + 0.3 * np.sin(1.7 * t + np.arange(params.shape[1]))


def reference_trajectory(name, hyper):
    runs, n_params = THETA0.shape
    out = np.empty((STEPS, runs, n_params))
    for r in range(runs):
        for j in range(n_params):
            start, lr = THETA0[r, j].item(), LRS[r].item()
            out[:, r, j] = REFERENCES[name](start, scalar_grad(j), lr=lr, steps=STEPS, **hyper)
    return out


def core_trajectory(name, hyper, lr=LRS):
    opt = optimizers.get(name, **hyper)
    params = THETA0.copy()
    state = opt.init(params)
    out = []
    for t in range(1, STEPS + 1):
        params, state = opt.step(params, batch_grad(params, t), state, lr)
        out.append(params)
    return np.array(out)


def grid(**axes):
    keys = list(axes)
    return [dict(zip(keys, values)) for values in itertools.product(*axes.values())]


SGD_GRID = [
    h
    for h in grid(
        momentum=[0.0, 0.9], dampening=[0.0, 0.5], nesterov=[False, True], weight_decay=[0.0, 0.1]
    )
    if not (h["nesterov"] and (h["momentum"] == 0 or h["dampening"] != 0))
]
ADAGRAD_GRID = grid(
    lr_decay=[0.0, 0.1],
    weight_decay=[0.0, 0.1],
    initial_accumulator_value=[0.0, 0.5],
    eps=[1e-10, 1e-3],
)
RMSPROP_GRID = grid(
    alpha=[0.99, 0.5],
    eps=[1e-8, 1e-2],
    weight_decay=[0.0, 0.1],
    momentum=[0.0, 0.9],
    centered=[False, True],
)
ADAM_GRID = grid(
    betas=[(0.9, 0.999), (0.5, 0.9)],
    eps=[1e-8, 1e-3],
    weight_decay=[0.0, 0.1],
    amsgrad=[False, True],
)

CASES = (
    [("sgd", h) for h in SGD_GRID]
    + [("adagrad", h) for h in ADAGRAD_GRID]
    + [("rmsprop", h) for h in RMSPROP_GRID]
    + [("adam", h) for h in ADAM_GRID]
    + [("adamw", h) for h in ADAM_GRID]
    + [(name, {}) for name in optimizers.NAMES]  # torch's defaults
)


def case_id(case):
    name, hyper = case
    if not hyper:
        return name + "-defaults"
    return name + "-" + ",".join(f"{k}={v}" for k, v in hyper.items())


@pytest.mark.parametrize("name,hyper", CASES, ids=[case_id(c) for c in CASES])
def test_matches_scalar_reference(name, hyper):
    expected = reference_trajectory(name, hyper)
    got = core_trajectory(name, hyper)
    assert np.all(np.isfinite(expected))
    assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_grid_covers_every_hyperparameter():
    # Each optimizer's test grid varies every one of its hyperparameters.
    grids = {
        "sgd": SGD_GRID,
        "adagrad": ADAGRAD_GRID,
        "rmsprop": RMSPROP_GRID,
        "adam": ADAM_GRID,
        "adamw": ADAM_GRID,
    }
    for name, cases in grids.items():
        for key in optimizers.get(name).hyper:
            assert len({repr(h[key]) for h in cases}) >= 2, (name, key)


def test_amsgrad_changes_the_trajectory():
    # Guard: the grid exercises AMSGrad where the max actually bites.
    base = dict(betas=(0.5, 0.9), eps=1e-8, weight_decay=0.0)
    with_max = core_trajectory("adam", {**base, "amsgrad": True})
    assert not np.allclose(with_max, core_trajectory("adam", {**base, "amsgrad": False}))


# --------------------------------------------------------- hand-computed steps


def one_step(name, p, g, lr, **hyper):
    opt = optimizers.get(name, **hyper)
    params = np.array([p], dtype=float)
    new, _ = opt.step(params, np.array([g], dtype=float), opt.init(params), lr)
    return new[0]


@pytest.mark.parametrize(
    "name,hyper,expected",
    [
        ("sgd", {}, 1 - 0.1 * 2),  # 0.8
        ("sgd", {"weight_decay": 0.1}, 1 - 0.1 * (2 + 0.1)),  # 0.79
        ("sgd", {"momentum": 0.9, "dampening": 0.5}, 0.8),  # first buffer = g, undampened
        ("sgd", {"momentum": 0.9, "nesterov": True}, 1 - 0.1 * (2 + 0.9 * 2)),  # 0.62
        ("adagrad", {"initial_accumulator_value": 5.0, "eps": 0.0}, 1 - 0.1 * 2 / 3),
        ("rmsprop", {"eps": 0.0}, 1 - 0.1 / math.sqrt(0.01)),  # lr / sqrt(1 - alpha) = 1.0
        ("rmsprop", {"eps": 0.0, "centered": True}, 1 - 0.1 / math.sqrt(0.99 * 0.01)),
        ("adam", {"eps": 0.0}, 1 - 0.1),
        ("adamw", {"eps": 0.0}, 1 * (1 - 0.1 * 0.01) - 0.1),
    ],
)
def test_first_step_by_hand(name, hyper, expected):
    # p = 1, g = 2, lr = 0.1
    assert one_step(name, [1.0], [2.0], 0.1, **hyper)[0] == pytest.approx(expected, rel=1e-13)


def test_adam_first_step_moves_every_param_by_lr():
    p = [1.0, -2.0, 0.5, 4.0]
    g = [3.0, -0.001, 1e3, -1e-4]
    for name in ("adam", "adamw"):
        new = one_step(name, p, g, 0.05, weight_decay=0.0)
        assert_allclose(np.array(p) - new, 0.05 * np.sign(g), rtol=1e-3)
        # and exactly lr * g / (|g| + eps)
        assert_allclose(np.array(p) - new, 0.05 * np.array(g) / (np.abs(g) + 1e-8), rtol=1e-14)


def test_adam_two_steps_by_hand():
    # theta0 = 0, g = +1 then -1, lr = 0.1, eps = 0:
    # m1 = 0.1, v1 = 0.001 -> theta1 = -0.1
    # m2 = 0.09 - 0.1 = -0.01, v2 = 0.001999 = 1 - 0.999^2, so denom = 1 and
    # theta2 = theta1 - 0.1 / 0.19 * (-0.01) = -0.1 + 1/190
    opt = optimizers.get("adam", eps=0.0)
    p = np.zeros((1, 1))
    state = opt.init(p)
    p, state = opt.step(p, np.ones((1, 1)), state, 0.1)
    assert p[0, 0] == pytest.approx(-0.1, rel=1e-15)
    p, state = opt.step(p, -np.ones((1, 1)), state, 0.1)
    assert p[0, 0] == pytest.approx(-0.1 + 1 / 190, rel=1e-13)
    assert state["step"] == 2


def test_sgd_momentum_second_step_by_hand():
    # buf1 = g1 = 2 -> 0.8; buf2 = 0.9 * 2 + (1 - 0.5) * 1 = 2.3 -> 0.8 - 0.23 = 0.57
    opt = optimizers.get("sgd", momentum=0.9, dampening=0.5)
    p = np.ones((1, 1))
    state = opt.init(p)
    p, state = opt.step(p, np.full((1, 1), 2.0), state, 0.1)
    p, state = opt.step(p, np.full((1, 1), 1.0), state, 0.1)
    assert p[0, 0] == pytest.approx(0.57, rel=1e-14)
    assert state["momentum_buffer"][0, 0] == pytest.approx(2.3, rel=1e-15)


def test_adagrad_lr_decay_by_hand():
    # step 2 uses lr / (1 + lr_decay); sum = 4 + 1 = 5
    opt = optimizers.get("adagrad", lr_decay=0.5, eps=0.0)
    p = np.ones((1, 1))
    state = opt.init(p)
    p, state = opt.step(p, np.full((1, 1), 2.0), state, 0.1)
    assert p[0, 0] == pytest.approx(0.9, rel=1e-15)
    p, state = opt.step(p, np.full((1, 1), 1.0), state, 0.1)
    assert p[0, 0] == pytest.approx(0.9 - 0.1 / 1.5 / math.sqrt(5.0), rel=1e-14)


# --------------------------------------------------------------------- batching

BATCH_CASES = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("adagrad", {"lr_decay": 0.05, "initial_accumulator_value": 0.1}),
    ("rmsprop", {"momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("adam", {"amsgrad": True, "weight_decay": 0.01}),
    ("adamw", {"amsgrad": True}),
]


@pytest.mark.parametrize("name,hyper", BATCH_CASES, ids=[case_id(c) for c in BATCH_CASES])
def test_batched_equals_one_run_at_a_time(name, hyper):
    rng = np.random.default_rng(0)
    lrs = np.array([0.001, 0.01, 0.1, 0.3])
    p0 = rng.normal(size=(4, 5))
    grads = rng.normal(size=(12, 4, 5))
    opt = optimizers.get(name, **hyper)

    p, state = p0, opt.init(p0)
    for g in grads:
        p, state = opt.step(p, g, state, lrs)
    for r, lr in enumerate(lrs):
        q, s = p0[r : r + 1], opt.init(p0[r : r + 1])
        for g in grads:
            q, s = opt.step(q, g[r : r + 1], s, float(lr))
        assert_array_equal(p[r], q[0])


@pytest.mark.parametrize("name,hyper", BATCH_CASES, ids=[case_id(c) for c in BATCH_CASES])
def test_unchecked_step_equals_step(name, hyper):
    opt = optimizers.get(name, **hyper)
    rng = np.random.default_rng(1)
    p = rng.normal(size=(3, 2))
    g = rng.normal(size=(3, 2))
    lr = np.array([0.1, 0.2, 0.3])
    a = opt.step(p, g, opt.init(p), lr)
    b = opt._step(p, g, opt.init(p), lr)
    assert_array_equal(a[0], b[0])
    c = opt._step(p, g, opt.init(p), 0.2)
    d = opt.step(p, g, opt.init(p), np.full(3, 0.2))
    assert_array_equal(c[0], d[0])


def test_plain_sgd_keeps_no_arrays_in_state():
    opt = optimizers.get("sgd")
    p = np.ones((2, 3))
    assert opt.init(p) == {"step": 0}
    new, state = opt._step(p, np.ones((2, 3)), opt.init(p), np.array([0.1, 0.2]))
    assert_allclose(new, [[0.9] * 3, [0.8] * 3])
    assert state == {"step": 1}


# ---------------------------------------------------------------- immutability

ALL_STATE_CASES = [
    ("sgd", {"momentum": 0.9, "weight_decay": 0.1}),
    ("sgd", {"momentum": 0.9}),
    ("adagrad", {"weight_decay": 0.1}),
    ("rmsprop", {"momentum": 0.9, "centered": True}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("adamw", {"amsgrad": True}),
    ("sgd", {}),
]


@pytest.mark.parametrize("name,hyper", ALL_STATE_CASES, ids=[case_id(c) for c in ALL_STATE_CASES])
def test_step_does_not_mutate_its_inputs(name, hyper):
    opt = optimizers.get(name, **hyper)
    rng = np.random.default_rng(2)
    params = rng.normal(size=(2, 3))
    state = opt.init(params)
    for _ in range(2):  # the second step starts from a non-trivial state
        grads = rng.normal(size=(2, 3))
        lr = np.array([0.1, 0.01])
        saved = copy.deepcopy((params, grads, state, lr))
        new_params, new_state = opt.step(params, grads, state, lr)
        for before, after in zip(saved, (params, grads, state, lr)):
            if isinstance(before, dict):
                assert before.keys() == after.keys()
                for key in before:
                    assert_array_equal(before[key], after[key])
            else:
                assert_array_equal(before, after)
        assert new_params is not params and not np.shares_memory(new_params, params)
        for value in new_state.values():
            if isinstance(value, np.ndarray):
                assert not np.shares_memory(value, grads)
                assert not np.shares_memory(value, params)
                for old in state.values():
                    assert not (isinstance(old, np.ndarray) and np.shares_memory(value, old))
        params, state = new_params, new_state


def test_state_is_plain_data():
    opt = optimizers.get("adam", amsgrad=True)
    state = opt.init(np.zeros((2, 4)))
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert isinstance(state["step"], int)
    for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        assert state[key].dtype == np.float64 and state[key].shape == (2, 4)
    adagrad = optimizers.get("adagrad", initial_accumulator_value=0.5)
    assert adagrad.init(np.zeros((1, 2)))["sum"].tolist() == [[0.5, 0.5]]


# -------------------------------------------------------------- names, defaults


def test_defaults_are_torchs():
    assert optimizers.NAMES == ("sgd", "adagrad", "rmsprop", "adam", "adamw")
    assert optimizers.get("sgd").hyper == {
        "momentum": 0.0,
        "dampening": 0.0,
        "nesterov": False,
        "weight_decay": 0.0,
    }
    assert optimizers.get("adagrad").hyper == {
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    }
    assert optimizers.get("rmsprop").hyper == {
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    }
    adam = {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}
    assert optimizers.get("adam").hyper == adam
    assert optimizers.get("adamw").hyper == {**adam, "weight_decay": 1e-2}
    for name in optimizers.NAMES:
        assert optimizers.get(name).name == name


@pytest.mark.parametrize(
    "name,hyper,word",
    [
        ("sgd", {"momentum": -0.1}, "momentum"),
        ("sgd", {"dampening": 1.5}, "dampening"),
        ("sgd", {"weight_decay": -1.0}, "weight_decay"),
        ("sgd", {"nesterov": True}, "momentum"),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening"),
        ("sgd", {"nesterov": 1}, "nesterov"),
        ("sgd", {"momentum": float("nan")}, "momentum"),
        ("sgd", {"lr": 0.1}, "lr"),
        ("adagrad", {"lr_decay": -0.1}, "lr_decay"),
        ("adagrad", {"weight_decay": -0.1}, "weight_decay"),
        ("adagrad", {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
        ("adagrad", {"eps": -1e-10}, "eps"),
        ("rmsprop", {"alpha": 1.5}, "alpha"),
        ("rmsprop", {"alpha": -0.1}, "alpha"),
        ("rmsprop", {"eps": -1.0}, "eps"),
        ("rmsprop", {"momentum": -0.5}, "momentum"),
        ("rmsprop", {"weight_decay": -0.5}, "weight_decay"),
        ("rmsprop", {"centered": "yes"}, "centered"),
        ("adam", {"betas": (1.0, 0.999)}, "betas[0]"),
        ("adam", {"betas": (-0.1, 0.999)}, "betas[0]"),
        ("adam", {"betas": (0.9, 1.0)}, "betas[1]"),
        ("adam", {"betas": 0.9}, "betas"),
        ("adam", {"betas": (0.9,)}, "betas"),
        ("adam", {"eps": float("inf")}, "eps"),
        ("adam", {"weight_decay": -0.01}, "weight_decay"),
        ("adam", {"amsgrad": None}, "amsgrad"),
        ("adam", {"beta1": 0.9}, "beta1"),
        ("adamw", {"weight_decay": -0.01}, "weight_decay"),
        ("adamw", {"betas": (0.9, 2.0)}, "betas[1]"),
    ],
)
def test_bad_hyperparameters_raise_naming_them(name, hyper, word):
    with pytest.raises(ValueError, match=word.replace("[", r"\[").replace("]", r"\]")):
        optimizers.get(name, **hyper)


@pytest.mark.parametrize("name", ["lbfgs", "SGD", "", None])
def test_unknown_name_raises(name):
    with pytest.raises(ValueError, match="name must be one of 'sgd'"):
        optimizers.get(name)


@pytest.mark.parametrize(
    "kind,word",
    [
        ("lr_zero", "lr"),
        ("lr_negative", "lr"),
        ("lr_nan", "lr"),
        ("lr_wrong_length", "lr"),
        ("lr_array_zero", "lr"),
        ("params_1d", "params"),
        ("grads_shape", "grads"),
        ("grads_nan", "grads"),
        ("state_other_optimizer", "state"),
        ("state_wrong_shape", "exp_avg"),
        ("state_bad_step", "step"),
    ],
)
def test_bad_step_inputs_raise(kind, word):
    opt = optimizers.get("adam")
    p = np.zeros((2, 3))
    g = np.ones((2, 3))
    state = opt.init(p)
    lr = 0.1
    if kind == "lr_zero":
        lr = 0.0
    elif kind == "lr_negative":
        lr = -0.1
    elif kind == "lr_nan":
        lr = float("nan")
    elif kind == "lr_wrong_length":
        lr = np.array([0.1, 0.2, 0.3])
    elif kind == "lr_array_zero":
        lr = np.array([0.1, 0.0])
    elif kind == "params_1d":
        p = np.zeros(3)
    elif kind == "grads_shape":
        g = np.ones((2, 2))
    elif kind == "grads_nan":
        g = np.array([[1.0, np.nan, 0.0], [0.0, 0.0, 0.0]])
    elif kind == "state_other_optimizer":
        state = optimizers.get("sgd", momentum=0.9).init(p)
    elif kind == "state_wrong_shape":
        state = opt.init(np.zeros((2, 4)))
    elif kind == "state_bad_step":
        state = {**state, "step": -1}
    with pytest.raises(ValueError, match=word):
        opt.step(p, g, state, lr)


def test_divergence_gives_inf_without_warning():
    opt = optimizers.get("sgd", momentum=0.9)
    p = np.array([[1e300]])
    new, _ = opt.step(p, np.array([[1e300]]), opt.init(p), 1e10)
    assert np.isinf(new[0, 0])
