"""core.schedules against loop references written from torch.optim.lr_scheduler's chainable forms.

The references (tests/core/schedule_oracle.py) simulate a torch scheduler with plain floats: the
value at index t is the learning rate after t calls to ``scheduler.step()``, computed RECURSIVELY
from the previous rate with torch's ``get_lr`` formula (not the closed form used by core).
Reduce on plateau has its own tests (tests/core/test_plateau.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from core import schedules
from tests.core.schedule_oracle import (  # noqa: F401 - RefPlateau: tests/dashboard/test_lr_schedules.py imports it from here
    N,
    RefPlateau,
    ref_cosine_lr,
    ref_cyclic_lr,
    ref_exponential_lr,
    ref_linear_lr,
    ref_one_cycle,
    ref_sequential,
    ref_step_lr,
    ref_warm_restarts,
)


def close(got, expected, scale):
    assert_allclose(got, expected, rtol=1e-9, atol=1e-13 * scale)


# ------------------------------------------------------------ against references

T = np.arange(N)


@pytest.mark.parametrize(
    "base,step_size,gamma", [(0.1, 30, 0.1), (0.5, 7, 0.5), (1.0, 1, 0.9), (0.2, 4, 1.5)]
)
def test_step_matches_step_lr(base, step_size, gamma):
    close(schedules.step(base, step_size, gamma)(T), ref_step_lr(base, step_size, gamma), base)


@pytest.mark.parametrize(
    "base,gamma", [(0.1, 0.95), (1.0, math.exp(-0.1)), (0.3, 1.0), (0.01, 1.05)]
)
def test_exponential_matches_exponential_lr(base, gamma):
    close(schedules.exponential(base, gamma)(T), ref_exponential_lr(base, gamma), base)


@pytest.mark.parametrize(
    "base,t_max,lr_min",
    [(0.1, 60, 0.0), (0.1, 25, 0.0), (1.0, 20, 0.1), (0.05, 7, 0.001), (0.3, 1, 0.0)],
)
def test_cosine_matches_cosine_annealing_lr(base, t_max, lr_min):
    # t_max < 60 runs past the minimum: torch's curve rises again, and so does core's.
    close(schedules.cosine(base, t_max, lr_min)(T), ref_cosine_lr(base, t_max, lr_min), base)


@pytest.mark.parametrize(
    "base,t_0,t_mult,lr_min",
    [
        (0.1, 10, 1, 0.0),
        (0.1, 10, 2, 0.0),
        (1.0, 3, 3, 0.05),
        (0.2, 1, 2, 0.0),
        (0.5, 1, 1, 0.1),
        (0.1, 7, 4, 0.01),
    ],
)
def test_warm_restarts_matches_cosine_annealing_warm_restarts(base, t_0, t_mult, lr_min):
    got = schedules.warm_restarts(base, t_0, t_mult, lr_min)(T)
    close(got, ref_warm_restarts(base, t_0, t_mult, lr_min), base)


WARMUP_AFTERS = [
    ("constant", lambda: schedules.constant(0.1), lambda n: [0.1] * n),
    ("step", lambda: schedules.step(0.1, 10, 0.5), lambda n: ref_step_lr(0.1, 10, 0.5, n)),
    (
        "exponential",
        lambda: schedules.exponential(0.1, 0.97),
        lambda n: ref_exponential_lr(0.1, 0.97, n),
    ),
    (
        "cosine",
        lambda: schedules.cosine(0.1, 40, 0.001),
        lambda n: ref_cosine_lr(0.1, 40, 0.001, n),
    ),
    (
        "warm_restarts",
        lambda: schedules.warm_restarts(0.1, 5, 2),
        lambda n: ref_warm_restarts(0.1, 5, 2, 0.0, n),
    ),
]


@pytest.mark.parametrize(
    "label,make_after,after_ref", WARMUP_AFTERS, ids=[a[0] for a in WARMUP_AFTERS]
)
@pytest.mark.parametrize("steps,start_factor", [(5, 1 / 3), (1, 0.5), (12, 0.01), (3, 1.0)])
def test_warmup_matches_sequential_of_linear_lr(label, make_after, after_ref, steps, start_factor):
    after = make_after()
    expected = ref_sequential(ref_linear_lr(after.base, start_factor, steps, N), after_ref, steps)
    close(schedules.warmup(after, steps, start_factor)(T), expected, 0.1)


def test_warmup_into_one_cycle_uses_its_first_value_as_base():
    after = schedules.one_cycle(1.0, 40)
    warm = ref_linear_lr(1.0 / 25, 0.25, 10, 51)
    expected = ref_sequential(warm, lambda n: ref_one_cycle(1.0, 40)[:n], 10, n=51)
    close(schedules.warmup(after, 10, 0.25)(np.arange(51)), expected, 1.0)
    with pytest.raises(ValueError, match="t must be"):
        schedules.warmup(after, 10, 0.25)(51)


@pytest.mark.parametrize(
    "max_lr,total_steps,pct_start,anneal,div,final_div,three",
    [
        (1.0, 100, 0.3, "cos", 25.0, 1e4, False),
        (1.0, 100, 0.3, "linear", 25.0, 1e4, False),
        (0.1, 60, 0.25, "cos", 10.0, 100.0, True),
        (0.1, 60, 0.25, "linear", 10.0, 100.0, True),
        (0.5, 7, 0.5, "cos", 5.0, 1e3, False),
        (0.5, 33, 0.45, "linear", 25.0, 1e4, True),
    ],
)
def test_one_cycle_matches_one_cycle_lr(
    max_lr, total_steps, pct_start, anneal, div, final_div, three
):
    s = schedules.one_cycle(max_lr, total_steps, pct_start, anneal, div, final_div, three)
    expected = ref_one_cycle(max_lr, total_steps, pct_start, anneal, div, final_div, three)
    close(s(np.arange(total_steps + 1)), expected, max_lr)


# ----------------------------------------------------------------- hand-computed


@pytest.mark.parametrize(
    "t,expected",
    [(0, 0.1), (29, 0.1), (30, 0.01), (59, 0.01), (60, 0.001), (89, 0.001), (90, 0.0001)],
)
def test_step_decay_lesson_example(t, expected):
    # The lesson: start at 0.1, 0.01 after 30 epochs, 0.001 after 60.
    assert schedules.step(0.1, 30)(t) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("k,t", [(0.05, 0), (0.05, 10), (0.1, 7), (1.0, 3)])
def test_exponential_is_the_lessons_eta0_exp_minus_kt(k, t):
    expected = 0.1 * math.exp(-k * t)
    assert schedules.exponential(0.1, math.exp(-k))(t) == pytest.approx(expected, rel=1e-13)


def test_exponential_hand_row():
    # 0.1 * e^(-0.05 * 10) = 0.1 * e^(-0.5)
    got = schedules.exponential(0.1, math.exp(-0.05))(10)
    assert got == pytest.approx(0.06065306597126334, rel=1e-13)


@pytest.mark.parametrize(
    "lr_min,t,expected",
    [
        (0.0, 0, 0.1),
        (0.0, 50, 0.05),
        (0.0, 100, 0.0),
        (0.01, 50, 0.055),
        (0.01, 100, 0.01),
        (0.0, 25, 0.1 * (1 + math.sqrt(0.5)) / 2),
    ],
)
def test_cosine_hand_rows(lr_min, t, expected):
    assert schedules.cosine(0.1, 100, lr_min)(t) == pytest.approx(expected, rel=1e-13, abs=1e-17)


@pytest.mark.parametrize(
    "t,expected",
    [
        (0, 1.0),
        (5, 0.5),
        (9, (1 + math.cos(0.9 * math.pi)) / 2),
        (10, 1.0),  # first restart
        (20, 0.5),  # middle of the 20-step cycle
        (29, (1 + math.cos(19 / 20 * math.pi)) / 2),
        (30, 1.0),  # second restart
        (50, 0.5),  # middle of the 40-step cycle
        (69, (1 + math.cos(39 / 40 * math.pi)) / 2),
        (70, 1.0),  # third restart
        (150, 1.0),
    ],
)
def test_warm_restarts_t_mult_2_restarts_at_10_30_70(t, expected):
    assert schedules.warm_restarts(1.0, 10, t_mult=2)(t) == pytest.approx(expected, rel=1e-13)


def test_warm_restarts_jumps_exactly_at_restarts():
    lr = schedules.warm_restarts(1.0, 10, t_mult=2)(np.arange(200))
    jumps = np.flatnonzero(np.diff(lr) > 0) + 1
    assert jumps.tolist() == [10, 30, 70, 150]
    lr1 = schedules.warm_restarts(1.0, 10)(np.arange(45))
    assert (np.flatnonzero(np.diff(lr1) > 0) + 1).tolist() == [10, 20, 30, 40]


@pytest.mark.parametrize(
    "after,steps,start_factor,rows",
    [
        ("const", 3, 1 / 3, [(0, 0.1), (1, 0.3 * 5 / 9), (2, 0.3 * 7 / 9), (3, 0.3), (10, 0.3)]),
        ("step", 2, 0.5, [(0, 0.05), (1, 0.075), (2, 0.1), (3, 0.1), (4, 0.01), (6, 0.001)]),
    ],
)
def test_warmup_hand_rows(after, steps, start_factor, rows):
    following = schedules.constant(0.3) if after == "const" else schedules.step(0.1, 2)
    s = schedules.warmup(following, steps, start_factor)
    for t, expected in rows:
        assert s(t) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("anneal", ["cos", "linear"])
def test_one_cycle_start_peak_end(anneal):
    s = schedules.one_cycle(1.0, 100, pct_start=0.3, anneal_strategy=anneal)
    assert s(0) == pytest.approx(1.0 / 25, rel=1e-13)  # max_lr / div_factor
    assert s(29) == pytest.approx(1.0, rel=1e-15)  # peak at pct_start * total_steps - 1
    assert s(99) == pytest.approx(1.0 / 25 / 1e4, rel=1e-9)  # initial / final_div_factor
    values = s(np.arange(100))
    assert np.argmax(values) == 29
    assert np.all(np.diff(values[:30]) > 0) and np.all(np.diff(values[29:]) < 0)


def test_one_cycle_three_phase_rows():
    s = schedules.one_cycle(0.1, 100, pct_start=0.3, three_phase=True, anneal_strategy="linear")
    assert s(0) == pytest.approx(0.004, rel=1e-13)
    assert s(29) == pytest.approx(0.1, rel=1e-13)
    assert s(58) == pytest.approx(0.004, rel=1e-13)  # back to initial at 2 * pct * total - 2
    assert s(99) == pytest.approx(0.004 / 1e4, rel=1e-9)
    assert s(14) == pytest.approx(0.004 + 0.096 * 14 / 29, rel=1e-13)


def test_constant():
    assert schedules.constant(0.3)(7) == 0.3
    assert schedules.constant(0.3)(np.arange(4)).tolist() == [0.3] * 4


# ------------------------------------------------------------------ shapes


def every_schedule(base):
    return [
        schedules.constant(base),
        schedules.step(base, 5, 0.5),
        schedules.exponential(base, 0.9),
        schedules.cosine(base, 20, 0.001),
        schedules.warm_restarts(base, 4, 2, 0.001),
        schedules.warmup(schedules.cosine(base, 20), 5),
        schedules.one_cycle(base, 30),
        schedules.cyclic(base, 3 * np.asarray(base), 4, 6, "triangular2"),
    ]


def test_every_name_is_covered():
    # reduce_on_plateau is no function of t: it has its own tests below.
    assert {s.name for s in every_schedule(0.1)} | {"reduce_on_plateau"} == set(schedules.NAMES)


@pytest.mark.parametrize("index", range(8))
def test_array_base_gives_shape_t_by_runs(index):
    bases = np.array([0.01, 0.1, 0.5])
    batched = every_schedule(bases)[index]
    t = np.arange(25)
    out = batched(t)
    assert out.shape == (25, 3)
    for r, b in enumerate(bases):
        assert_allclose(out[:, r], every_schedule(float(b))[index](t), rtol=1e-14)
    assert batched(np.arange(6).reshape(2, 3)).shape == (2, 3, 3)
    assert batched(4).shape == (3,)
    assert_allclose(batched.base, bases)


@pytest.mark.parametrize("index", range(8))
def test_float_base_gives_shape_of_t(index):
    s = every_schedule(0.1)[index]
    assert isinstance(s(3), float)
    assert s(np.arange(6).reshape(2, 3)).shape == (2, 3)
    assert s(np.int64(2)) == s(2) == s(np.array([0, 1, 2]))[2] == s(2.0)
    assert s.base == 0.1


# ------------------------------------------------------------------ get, names


def test_get_builds_each_schedule():
    assert schedules.get("step", 0.1, step_size=30)(30) == pytest.approx(0.01)
    assert schedules.get("exponential", 0.1, gamma=0.5)(2) == pytest.approx(0.025)
    assert schedules.get("one_cycle", 1.0, total_steps=100)(29) == pytest.approx(1.0)
    warm = schedules.get("warmup", 0.1, steps=5, start_factor=0.2, after="cosine", t_max=30)
    assert_allclose(warm(T), schedules.warmup(schedules.cosine(0.1, 30), 5, 0.2)(T), rtol=1e-15)
    assert schedules.get("warmup", 0.1, steps=2)(5) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "args,kwargs,word",
    [
        (("adam", 0.1), {}, "name"),
        (("step", 0.1), {"step_size": 3, "gama": 0.5}, "gama"),
        (("constant", 0.1), {"t_max": 3}, "t_max"),
        (("warmup", 0.1), {}, "steps"),
        (("warmup", 0.1), {"steps": 3, "after": "warmup"}, "after"),
        (("warmup", 0.1), {"steps": 3, "after": "cosine", "t_mx": 3}, "t_mx"),
    ],
)
def test_get_rejects_unknown_names_and_arguments(args, kwargs, word):
    with pytest.raises(ValueError, match=word):
        schedules.get(*args, **kwargs)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "make,word",
    [
        (lambda: schedules.constant(0.0), "lr"),
        (lambda: schedules.constant(-0.1), "lr"),
        (lambda: schedules.constant(float("nan")), "lr"),
        (lambda: schedules.constant([0.1, 0.0]), "lr"),
        (lambda: schedules.constant([[0.1]]), "lr"),
        (lambda: schedules.step(0.1, 0), "step_size"),
        (lambda: schedules.step(0.1, 2.5), "step_size"),
        (lambda: schedules.step(0.1, 10, 0.0), "gamma"),
        (lambda: schedules.exponential(0.1, -0.5), "gamma"),
        (lambda: schedules.exponential(0.1, float("inf")), "gamma"),
        (lambda: schedules.cosine(0.1, 0), "t_max"),
        (lambda: schedules.cosine(0.1, 10, -0.01), "lr_min"),
        (lambda: schedules.cosine(0.1, 10, 0.1), "lr_min"),
        (lambda: schedules.cosine([0.1, 0.01], 10, 0.05), "lr_min"),
        (lambda: schedules.warm_restarts(0.1, 0), "t_0"),
        (lambda: schedules.warm_restarts(0.1, 10, 0), "t_mult"),
        (lambda: schedules.warm_restarts(0.1, 10, 1.5), "t_mult"),
        (lambda: schedules.warm_restarts(0.1, 10, 1, 0.2), "lr_min"),
        (lambda: schedules.warmup(schedules.constant(0.1), 0), "steps"),
        (lambda: schedules.warmup(schedules.constant(0.1), 5, 0.0), "start_factor"),
        (lambda: schedules.warmup(schedules.constant(0.1), 5, 1.5), "start_factor"),
        (lambda: schedules.warmup("cosine", 5), "after"),
        (lambda: schedules.one_cycle(0.0, 100), "max_lr"),
        (lambda: schedules.one_cycle(1.0, 1), "total_steps"),
        (lambda: schedules.one_cycle(1.0, 100, 0.0), "pct_start"),
        (lambda: schedules.one_cycle(1.0, 100, 1.0), "pct_start"),
        (lambda: schedules.one_cycle(1.0, 10, 0.1), "pct_start"),  # warm-up phase of length 0
        (lambda: schedules.one_cycle(1.0, 10, 0.6, three_phase=True), "pct_start"),
        (lambda: schedules.one_cycle(1.0, 100, anneal_strategy="exp"), "anneal_strategy"),
        (lambda: schedules.one_cycle(1.0, 100, div_factor=0.0), "div_factor"),
        (lambda: schedules.one_cycle(1.0, 100, final_div_factor=-1.0), "final_div_factor"),
        (lambda: schedules.one_cycle(1.0, 100, three_phase="yes"), "three_phase"),
    ],
)
def test_invalid_arguments_raise_naming_them(make, word):
    with pytest.raises(ValueError, match=word):
        make()


@pytest.mark.parametrize(
    "t", [-1, np.array([0, 3, -2]), 1.5, np.array([0.5]), "3", True, float("nan")]
)
@pytest.mark.parametrize("index", range(8))
def test_bad_steps_raise(index, t):
    with pytest.raises(ValueError, match="t must be"):
        every_schedule(0.1)[index](t)


def test_one_cycle_refuses_steps_past_total_steps():
    s = schedules.one_cycle(1.0, 30)
    assert np.isfinite(s(30))  # torch allows t == total_steps
    with pytest.raises(ValueError, match="t must be"):
        s(np.array([0, 31]))


def test_growing_exponential_overflows_quietly():
    assert np.isinf(schedules.exponential(1.0, 10.0)(400))


# ------------------------------------------------- cyclic (CyclicLR, cycle_momentum=False)


@pytest.mark.parametrize(
    "base,top,up,down,mode,gamma",
    [(0.01, 0.1, 10, None, "triangular", 1.0), (0.001, 0.1, 4, 7, "triangular2", 1.0),
     (0.02, 0.5, 5, 3, "exp_range", 0.97), (0.1, 0.2, 1, 1, "triangular", 1.0)],
)
def test_cyclic_matches_cyclic_lr(base, top, up, down, mode, gamma):
    got = schedules.cyclic(base, top, up, down, mode, gamma)(np.arange(N))
    close(got, ref_cyclic_lr(base, top, up, down, mode, gamma), top)


def test_cyclic_triangle_by_hand():
    # 0.01 up to 0.1 over 3 steps and back down over 3: the rates climb by 0.03 a step.
    got = schedules.cyclic(0.01, 0.1, step_size_up=3)(np.arange(8))
    assert_allclose(got, [0.01, 0.04, 0.07, 0.1, 0.07, 0.04, 0.01, 0.04], rtol=1e-12)


def test_get_builds_cyclic():
    assert schedules.get("cyclic", 0.01, max_lr=0.1, step_size_up=3)(3) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "make,word",
    [(lambda: schedules.cyclic(0.1, -1.0), "max_lr"),
     (lambda: schedules.cyclic(0.1, 1.0, step_size_up=0), "step_size_up"),
     (lambda: schedules.cyclic(0.1, 1.0, mode="cosine"), "mode")],
)
def test_cyclic_rejects_bad_arguments_naming_them(make, word):
    with pytest.raises(ValueError, match=word):
        make()
