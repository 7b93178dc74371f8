"""Gradient noise in core.surface_runs.race: one draw per step shared by every run, checked against plain
loops written from torch.optim's published SGD (with momentum) and Adam rules, fed the same noise drawn
here by hand; noise 0 is the noise-free race bit for bit."""

import numpy as np
import pytest

from core import optimizers, surface_runs, surfaces


def _loop(key: str, s, lr: float, steps: int, start, noise: np.ndarray) -> np.ndarray:
    """The points (steps + 1, dim) of one run, with ``noise[k]`` added to the gradient of step k + 1."""
    theta = np.array(start, dtype=float)
    points = [theta.copy()]
    buf = m = v = None
    for t in range(1, steps + 1):
        g = s.grad(theta) + noise[t - 1]
        if key == "momentum":  # torch: buf_1 = g_1, buf_t = 0.9 buf + g; theta -= lr buf
            buf = g.copy() if t == 1 else 0.9 * buf + g
            theta = theta - lr * buf
        else:  # Adam, betas (0.9, 0.999), eps 1e-8
            m = 0.1 * g if t == 1 else 0.9 * m + 0.1 * g
            v = 0.001 * g * g if t == 1 else 0.999 * v + 0.001 * g * g
            theta = theta - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        points.append(theta.copy())
    return np.array(points)


def test_every_run_gets_the_same_fading_noise_as_a_hand_loop_fed_the_same_draw():
    s = surfaces.get("two_minima_2d")
    steps, sigma, seed = 120, 2.0, 7
    scale = sigma * (1 - np.arange(1, steps + 1) / steps)  # fades to 0 at the last step
    draw = np.random.default_rng(seed).standard_normal((steps, 2))  # one (x, y) pair per step, for every run
    lrs = [np.array([0.05, 0.3]), np.array([0.01, 0.2, 0.8])]
    runs = surface_runs.race(s, optimizers=[optimizers.get("sgd", momentum=0.9), optimizers.get("adam")], lrs=lrs,
                         steps=steps, noise=scale, seed=seed)
    for key, rates, run in zip(("momentum", "adam"), lrs, runs):
        for r, lr in enumerate(rates):
            want = _loop(key, s, float(lr), steps, s.start, scale[:, None] * draw)
            np.testing.assert_allclose(run.params[:, r], want, rtol=1e-10, atol=1e-12)
    # The noise moved the runs: without it, the same loop ends elsewhere.
    quiet = _loop("momentum", s, 0.05, steps, s.start, np.zeros((steps, 2)))
    assert np.linalg.norm(quiet[-1] - runs[0].params[-1, 0]) > 1e-3


def test_one_number_is_the_same_noise_at_every_step():
    s = surfaces.get("bowl")
    steps = 40
    draw = 0.5 * np.random.default_rng(0).standard_normal((steps, 2))
    (run,) = surface_runs.race(s, optimizers=[optimizers.get("sgd", momentum=0.9)], lrs=[0.02], steps=steps, noise=0.5)
    np.testing.assert_allclose(run.params[:, 0], _loop("momentum", s, 0.02, steps, s.start, draw),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("noise", [0.0, 0, np.zeros(150)])
def test_noise_zero_is_the_noise_free_race_bit_for_bit(noise):
    s = surfaces.get("rosenbrock")
    opts = [optimizers.get("sgd", momentum=0.9), optimizers.get("adam"), optimizers.get("adagrad")]
    lrs = [np.array([1e-4, 1e-3]), 0.05, np.array([0.1, 1.0])]
    runs = surface_runs.race(s, optimizers=opts, lrs=lrs, steps=150, noise=noise, seed=3)
    for opt, lr, got in zip(opts, lrs, runs):
        alone = surface_runs.optimize(s, optimizer=opt, lr=lr, steps=150)  # optimize, unchanged, without noise
        np.testing.assert_array_equal(got.params, alone.params)
        np.testing.assert_array_equal(got.loss, alone.loss)
        np.testing.assert_array_equal(got.diverged_at, alone.diverged_at)


def test_internals_replay_a_noisy_race_run_bit_for_bit():
    s = surfaces.get("two_minima_2d")
    scale = 3.0 * (1 - np.arange(1, 81) / 80)
    opt = optimizers.get("adam")
    (run,) = surface_runs.race(s, optimizers=[opt], lrs=[0.3], steps=80, noise=scale, seed=2)
    inside = surface_runs.internals(s, optimizer=opt, lr=0.3, steps=80, noise=scale, seed=2)
    np.testing.assert_array_equal(inside["point"], run.params[:-1, 0])
    draw = np.random.default_rng(2).standard_normal((80, 2))
    np.testing.assert_allclose(inside["grad"], s.grad(run.params[:-1, 0]) + scale[:, None] * draw, rtol=1e-12)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"noise": -1.0}, "noise"), ({"noise": np.ones(3)}, "noise"), ({"noise": np.nan}, "noise"),
    ({"noise": "loud"}, "noise"), ({"noise": 1.0, "seed": -1}, "seed"), ({"noise": 1.0, "seed": 1.5}, "seed")])
def test_bad_noise_or_seed_is_refused_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        surface_runs.race("bowl", optimizers=["sgd"], lrs=[0.1], steps=10, **kwargs)
