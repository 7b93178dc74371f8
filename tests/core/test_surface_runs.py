"""Tests of core.surface_runs: optimizer runs on the test surfaces, races, internals, noise and restarts.

References are independent of core: hand-computed paths (gradient descent on the bowl is exact),
scalar loops written from PyTorch's published SGD and Adam algorithms, and probabilities worked out
by hand.
"""

import math

import numpy as np
import pytest

from core import optimizers, schedules, surfaces
from core.surface_runs import internals, optimize, race, random_starts
from core.surfaces import basin_of

# ------------------------------------------------------------------------- optimize


def sgd_reference(grad, x0, lr, steps, momentum=0.0):
    """torch.optim.SGD (dampening 0, no nesterov), written per coordinate in Python."""
    x = [float(v) for v in x0]
    buf = None
    for _ in range(steps):
        g = grad(x)
        buf = list(g) if buf is None else [momentum * b + gi for b, gi in zip(buf, g)]
        d = buf if momentum else g
        x = [xi - lr * di for xi, di in zip(x, d)]
    return x


def adam_reference(grad, x0, lr, steps, b1=0.9, b2=0.999, eps=1e-8):
    """torch.optim.Adam (amsgrad off, no weight decay), written per coordinate."""
    x = [float(v) for v in x0]
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    for t in range(1, steps + 1):
        g = grad(x)
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        step_size = lr / (1 - b1**t)
        root_bc2 = math.sqrt(1 - b2**t)
        x = [xi - step_size * mi / (math.sqrt(vi) / root_bc2 + eps)
             for xi, mi, vi in zip(x, m, v)]
    return x


def rosen_grad(p):
    x, y = p
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


def test_path_shapes_and_start():
    path = optimize("bowl", optimizer="sgd", lr=np.array([0.01, 0.1, 0.15]), steps=7)
    assert path.params.shape == (8, 3, 2)
    assert path.loss.shape == (8, 3)
    assert path.lr.shape == (7, 3)
    assert path.diverged_at.shape == (3,)
    assert path.diverged_at.dtype.kind == "i"
    np.testing.assert_array_equal(path.params[0], [[-4.0, 2.0]] * 3)
    np.testing.assert_array_equal(path.lr, [[0.01, 0.1, 0.15]] * 7)
    np.testing.assert_allclose(path.loss, surfaces.get("bowl").value(path.params))
    # GD on the bowl is exact: x_k = x_0 (1 - lr a)^k, y_k = y_0 (1 - lr b)^k.
    k = np.arange(8)[:, None]
    np.testing.assert_allclose(path.params[:, :, 0], -4.0 * (1 - np.array([0.01, 0.1, 0.15])) ** k)
    lrs = np.array([0.01, 0.1, 0.15])
    np.testing.assert_allclose(path.params[:, :, 1], 2.0 * (1 - 10 * lrs) ** k)


def test_zero_steps():
    path = optimize("rosenbrock", optimizer="adam", lr=0.1, steps=0)
    assert path.params.shape == (1, 1, 2) and path.lr.shape == (0, 1)
    assert path.loss[0, 0] == pytest.approx(24.2)


@pytest.mark.parametrize("b", [10.0, 25.0])
def test_bowl_critical_learning_rate(b):
    s = surfaces.get("bowl", b=b)
    critical = s.facts["critical_lr"]
    assert critical == pytest.approx(2.0 / b)
    path = optimize(s, optimizer="sgd", lr=np.array([0.97, 1.03]) * critical, steps=600)
    below, above = 0, 1
    assert path.diverged_at[below] == -1
    np.testing.assert_allclose(path.final_params[below], 0.0, atol=1e-10)
    # Above: y_k = 2 (1 - 1.03 * 2)^k = 2 (-1.06)^k grows while x_k shrinks; the run diverged at
    # the first k whose f = (x_k^2 + b y_k^2) / 2 exceeds 1e12 times f at the start (core.trajectory).
    lr = 1.03 * critical
    k = np.arange(601)
    f = 0.5 * ((-4.0 * (1 - lr) ** k) ** 2 + b * (2.0 * (1 - lr * b) ** k) ** 2)
    expected = int(np.argmax(f > 1e12 * f[0]))
    assert 200 < expected < 300  # about 12 / (2 log10 1.06) = 237 steps
    assert path.diverged_at[above] == expected
    assert np.all(np.isfinite(path.loss[: expected + 1, above]))
    assert np.all(np.isnan(path.loss[expected + 1 :, above]))
    np.testing.assert_array_equal(path.params[-1, above], path.params[expected, above])  # frozen where it blew up


def test_overflowing_runs_are_silent_and_marked():
    # lr = 10 on Rosenbrock overflows to inf/NaN within a few steps: no warning leaks
    # (pytest turns warnings into errors) and the good run is untouched.
    path = optimize("rosenbrock", optimizer="sgd", lr=np.array([1e-3, 10.0]), steps=50)
    assert path.diverged_at[0] == -1
    assert 1 <= path.diverged_at[1] <= 5
    assert np.all(np.isfinite(path.loss[:, 0]))


def test_a_far_start_is_not_a_divergence():
    """The rule compares a run with its own start: starting far out and coming in is converging."""
    path = optimize("bowl", optimizer="sgd", lr=np.array([0.01, 1e3]), steps=300, start=[[1e8, 0.0], [1.0, 1.0]])
    assert path.diverged_at[0] == -1 and path.loss[-1, 0] < path.loss[0, 0]
    # lr = 1000 multiplies y by -9999 per step: f grows 1e8-fold, past 1e12 times the start at step 2.
    assert path.diverged_at[1] == 2 and np.isnan(path.loss[3:, 1]).all()


def test_batched_runs_equal_single_runs():
    s = surfaces.get("rosenbrock")
    starts = np.array([[-1.2, 1.0], [0.5, -0.5], [1.8, 2.5]])
    lrs = np.array([0.01, 0.003, 0.05])
    for opt in (optimizers.get("adam"), optimizers.get("sgd", momentum=0.9, nesterov=True),
                optimizers.get("rmsprop", centered=True)):
        batched = optimize(s, optimizer=opt, lr=lrs * (0.1 if opt.name == "sgd" else 1),
                           steps=300, start=starts)
        for r in range(3):
            single = optimize(s, optimizer=opt, lr=lrs[r] * (0.1 if opt.name == "sgd" else 1),
                              steps=300, start=starts[r])
            np.testing.assert_allclose(batched.params[:, r], single.params[:, 0],
                                       rtol=1e-14, atol=1e-14)
            assert batched.diverged_at[r] == single.diverged_at[0]


def test_one_start_broadcasts_over_rates_and_one_rate_over_starts():
    a = optimize("bowl", optimizer="sgd", lr=np.array([0.05, 0.1]), steps=5, start=[1.0, 1.0])
    b = optimize("bowl", optimizer="sgd", lr=0.05, steps=5, start=[[1.0, 1.0], [2.0, 0.0]])
    assert a.params.shape == (6, 2, 2) and b.params.shape == (6, 2, 2)
    np.testing.assert_array_equal(a.params[0], [[1.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(b.lr, np.full((5, 2), 0.05))


def test_schedule_learning_rate():
    sched = schedules.step(0.1, step_size=10, gamma=0.5)
    path = optimize("bowl", optimizer="sgd", lr=sched, steps=30)
    expected_lr = [0.1] * 10 + [0.05] * 10 + [0.025] * 10
    np.testing.assert_allclose(path.lr[:, 0], expected_lr)
    # GD on the bowl with varying rates: each coordinate is multiplied by (1 - lr_k c).
    x = -4.0 * np.prod([1 - r for r in expected_lr])
    y = 2.0 * np.prod([1 - 10 * r for r in expected_lr])
    np.testing.assert_allclose(path.final_params[0], [x, y], rtol=1e-12, atol=1e-300)


def test_schedule_with_per_run_base():
    sched = schedules.exponential(np.array([0.01, 0.02]), gamma=0.99)
    path = optimize("two_minima_2d", optimizer="sgd", lr=sched, steps=40)
    assert path.lr.shape == (40, 2)
    np.testing.assert_allclose(path.lr[:, 1], 0.02 * 0.99 ** np.arange(40))
    single = optimize("two_minima_2d", optimizer="sgd",
                      lr=schedules.exponential(0.02, gamma=0.99), steps=40)
    np.testing.assert_allclose(path.params[:, 1], single.params[:, 0], rtol=1e-14)


@pytest.mark.parametrize("name, lr, atol", [("two_minima_1d", 0.01, 1e-8), ("two_minima_2d", 0.3, 1e-6)])
def test_momentum_escapes_the_local_minimum_plain_descent_stays(name, lr, atol):
    # From the default start (the local basin), 500 steps: plain SGD settles in the local minimum,
    # momentum 0.9 carries the run over the barrier into the global one.
    s = surfaces.get(name)
    plain = optimize(s, optimizer="sgd", lr=lr, steps=500)
    heavy = optimize(s, optimizer=optimizers.get("sgd", momentum=0.9), lr=lr, steps=500)
    assert basin_of(s, plain.final_params)[0] == 1
    assert basin_of(s, heavy.final_params)[0] == 0
    np.testing.assert_allclose(heavy.final_params[0], s.minima[0], atol=atol)


def test_two_minima_1d_momentum_run_is_torchs_and_crosses_the_barrier():
    # Documented case: start x = 2, lr = 0.01, 500 steps; the barrier's top is at x = 0.17.
    s = surfaces.get("two_minima_1d")
    plain = optimize(s, optimizer="sgd", lr=0.01, steps=500)
    heavy = optimize(s, optimizer=optimizers.get("sgd", momentum=0.9), lr=0.01, steps=500)
    np.testing.assert_allclose(plain.final_params[0], s.minima[1], atol=1e-10)
    # Against the scalar torch.optim.SGD reference.
    grad = lambda x: [4 * x[0] ** 3 - 6 * x[0] + 1]  # noqa: E731
    ref = sgd_reference(grad, [2.0], 0.01, 500, momentum=0.9)
    np.testing.assert_allclose(heavy.final_params[0], ref, rtol=1e-12)
    # The momentum run actually crossed the barrier top at some step.
    assert np.any(heavy.params[:, 0, 0] < s.saddles[0, 0])


def test_rosenbrock_adam():
    # Adam (lr = 0.01, default betas) from the classic start (-1.2, 1) for 2000 steps:
    # it has come through the valley to within 0.45 of (1, 1), at (0.78499, 0.61550).
    path = optimize("rosenbrock", optimizer="adam", lr=0.01, steps=2000)
    final = path.final_params[0]
    ref = adam_reference(rosen_grad, [-1.2, 1.0], 0.01, 2000)
    np.testing.assert_allclose(final, ref, rtol=1e-9)
    np.testing.assert_allclose(final, [0.78498826, 0.61550353], atol=1e-7)
    distance = np.linalg.norm(final - 1.0)
    assert distance == pytest.approx(0.44053102, abs=1e-7)
    assert distance < 0.45
    assert path.loss[-1, 0] == pytest.approx(0.04627947, abs=1e-7)
    assert path.diverged_at[0] == -1


def test_plateau_stalls_gradient_descent_but_not_adam():
    s = surfaces.get("plateau")
    assert np.linalg.norm(s.grad(s.start)) == pytest.approx(
        math.hypot(3.5, 2.5) * math.exp(-9.25), rel=1e-12
    )
    gd = optimize(s, optimizer="sgd", lr=0.1, steps=500)
    adam = optimize(s, optimizer="adam", lr=0.05, steps=500)
    assert gd.loss[-1, 0] > 0.999
    assert adam.loss[-1, 0] < 1e-6


def test_saddle_stalls_on_axis_and_escapes_off_it():
    s = surfaces.get("saddle")
    path = optimize(s, optimizer="sgd", lr=0.1, steps=300, start=[[-2.5, 0.0], [-2.5, 0.01]])
    np.testing.assert_allclose(path.final_params[0], [0.0, 0.0], atol=1e-12)  # stuck on the saddle
    np.testing.assert_allclose(path.final_params[1], s.minima[0], atol=1e-10)  # (0, sqrt(5))
    assert basin_of(s, path.final_params[1]) == 0


# ----------------------------------------------------------------------- bad input


def _bad_schedule(t):
    return -0.1 * np.ones_like(t, dtype=float)


BAD = [
    (lambda: optimize("bowl", optimizer="sgd", lr=0.0, steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=-0.1, steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=np.inf, steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=[[0.1]], steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=[0.1, 0.0], steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=_bad_schedule, steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=lambda t: 0.1, steps=5), "lr"),
    (lambda: optimize("bowl", optimizer="sgd", lr=0.1, steps=-1), "steps"),
    (lambda: optimize("bowl", optimizer="sgd", lr=0.1, steps=2.0), "steps"),
    (lambda: optimize("bowl", optimizer="sgd", lr=0.1, steps=5, start=[1.0]), "start"),
    (lambda: optimize("bowl", optimizer="sgd", lr=0.1, steps=5, start=[np.nan, 1.0]), "start"),
    (lambda: optimize("bowl", optimizer="sgd", lr=0.1, steps=5, start=np.zeros((2, 2, 2))),
     "start"),
    (lambda: optimize("bowl", optimizer="sgd", lr=[0.1, 0.2], steps=5, start=np.zeros((3, 2))),
     "start and lr"),
    (lambda: optimize("bowl", optimizer="nope", lr=0.1, steps=5), "optimizer"),
    (lambda: optimize("bowl", optimizer=3, lr=0.1, steps=5), "optimizer"),
    (lambda: optimize("nope", optimizer="sgd", lr=0.1, steps=5), "surface"),
    (lambda: optimize(None, optimizer="sgd", lr=0.1, steps=5), "surface"),
]


@pytest.mark.parametrize("call, match", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_raises_value_error_naming_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()



def test_internals_replay_the_run_and_debias_adam_by_hand():
    s = surfaces.get("bowl")
    run = optimize(s, optimizer=optimizers.get("adam"), lr=0.1, steps=30)
    inside = internals(s, optimizer=optimizers.get("adam"), lr=0.1, steps=30)
    np.testing.assert_array_equal(inside["point"], run.params[:-1, 0])
    np.testing.assert_array_equal(inside["point"][1:] - inside["point"][:-1], inside["step"][:-1])
    # Step 1 by hand from (-4, 2): g = (-4, 20); m1 = 0.1 g, v1 = 0.001 g^2; m_hat = g, v_hat = g^2,
    # so the step is -0.1 g / (|g| + 1e-8) = -0.1 sign(g) per coordinate.
    np.testing.assert_allclose(inside["grad"][0], [-4.0, 20.0])
    np.testing.assert_allclose(inside["m_hat"][0], [-4.0, 20.0])
    np.testing.assert_allclose(inside["v_hat"][0], [16.0, 400.0])
    np.testing.assert_allclose(inside["step"][0], [0.1, -0.1], rtol=1e-8)
    # Momentum's velocity: v1 = g1, v2 = 0.9 g1 + g2.
    mom = internals(s, optimizer=optimizers.get("sgd", momentum=0.9), lr=0.01, steps=2)
    g = mom["grad"]
    np.testing.assert_allclose(mom["momentum_buffer"][1], 0.9 * g[0] + g[1])
    np.testing.assert_allclose(mom["step"][1], -0.01 * (0.9 * g[0] + g[1]))


def test_a_race_is_each_optimizer_run_alone_bit_for_bit():
    s = surfaces.get("rosenbrock")
    opts = [optimizers.get("sgd", momentum=0.9), optimizers.get("adam"), optimizers.get("rmsprop")]
    lrs = [np.array([1e-4, 5e-4]), 0.05, np.array([0.001, 0.01, 0.1])]
    runs = race(s, optimizers=opts, lrs=lrs, steps=200, start=[-1.5, 2.0])
    for opt, lr, got in zip(opts, lrs, runs):
        alone = optimize(s, optimizer=opt, lr=lr, steps=200, start=[-1.5, 2.0])
        np.testing.assert_array_equal(got.params, alone.params)
        np.testing.assert_array_equal(got.loss, alone.loss)
        np.testing.assert_array_equal(got.diverged_at, alone.diverged_at)
    with pytest.raises(ValueError, match="lrs"):
        race(s, optimizers=opts[:1], lrs=[-1.0], steps=3)


# ----------------------------------------------------------------------------- noise and restarts


def test_random_starts_are_seeded_uniform_draws_over_the_bounds():
    s = surfaces.get("two_minima_2d")
    starts = random_starts(s, 500, seed=3)
    rng = np.random.default_rng(3)
    expected = np.column_stack([rng.uniform(-4.0, 4.0, 500), rng.uniform(-4.0, 4.0, 500)])
    assert starts.shape == (500, 2) and np.array_equal(starts, expected)
    assert np.array_equal(random_starts("two_minima_1d", 7, seed=0),
                          np.random.default_rng(0).uniform(-2.2, 2.2, 7)[:, None])
    with pytest.raises(ValueError, match="runs"):
        random_starts(s, 0)


def test_noisy_gradient_descent_and_momentum_match_loops_written_from_torch():
    """p <- p - lr (g + sigma_k xi_k) for SGD; torch's momentum buffer v <- mu v + g (v_1 = g_1), p <- p - lr v."""
    s = surfaces.get("two_minima_2d")
    starts = random_starts(s, 4, seed=1)
    steps, lr, mu = 60, 0.2, 0.9
    sigma = np.linspace(2.0, 0.0, steps)
    for momentum in (0.0, mu):
        run = optimize(s, optimizer=optimizers.get("sgd", momentum=momentum), lr=lr, steps=steps, start=starts,
                       noise=sigma, seed=11)
        rng = np.random.default_rng(11)
        p, v = starts.copy(), None
        for k in range(steps):
            xi = rng.standard_normal(p.shape) if sigma[k] > 0 else 0.0
            g = np.array([s.grad(q) for q in p]) + sigma[k] * xi
            if momentum:
                v = g if v is None else momentum * v + g
                g = v
            p = p - lr * g
            np.testing.assert_allclose(run.params[k + 1], p, rtol=1e-12, atol=1e-12)


def test_zero_noise_is_the_exact_gradient_bit_for_bit_and_bad_noise_is_refused():
    s = surfaces.get("saddle")
    plain = optimize(s, optimizer="sgd", lr=0.05, steps=40)
    assert np.array_equal(optimize(s, optimizer="sgd", lr=0.05, steps=40, noise=0.0, seed=5).params, plain.params)
    assert np.array_equal(optimize(s, optimizer="sgd", lr=0.05, steps=40, noise=np.zeros(40)).params, plain.params)
    assert not np.array_equal(optimize(s, optimizer="sgd", lr=0.05, steps=40, noise=0.1).params, plain.params)
    with pytest.raises(ValueError, match="noise"):
        optimize(s, optimizer="sgd", lr=0.05, steps=40, noise=-1.0)
    with pytest.raises(ValueError, match="noise"):
        optimize(s, optimizer="sgd", lr=0.05, steps=40, noise=np.ones(39))


def test_restart_fraction_by_hand_on_the_double_well():
    """With a small rate, gradient descent never climbs: a start ends in the global (left) minimum exactly
    when it lies left of the ridge's top, the middle root of f'(x) = 4x^3 - 6x + 1 (found here by bisection).
    Uniform starts over [-2.2, 2.2] land there with probability (top + 2.2) / 4.4."""
    s = surfaces.get("two_minima_1d")
    low, high = 0.0, 0.5  # f'(0) = 1 > 0 > f'(0.5) = -1.5
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if 4 * mid**3 - 6 * mid + 1 > 0 else (low, mid)
    top = (low + high) / 2
    assert s.saddles[0, 0] == pytest.approx(top, abs=1e-12) and top == pytest.approx(0.16994, abs=1e-5)
    starts = random_starts(s, 2000, seed=0)
    run = optimize(s, optimizer="sgd", lr=0.01, steps=1000, start=starts)
    landed = basin_of(s, run.params[-1])
    assert np.array_equal(landed == 0, starts[:, 0] < top)
    share = np.mean(landed == 0)
    p = (top + 2.2) / 4.4
    assert p == pytest.approx(0.53862, abs=1e-5)
    assert abs(share - p) < 3 * math.sqrt(p * (1 - p) / 2000)
