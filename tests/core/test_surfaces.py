"""Tests of core.surfaces: exact values and gradients, minima, trajectories.

References are independent of core: hand-computed values, scipy.optimize (rosen,
minimize), central finite differences, and scalar loops written from PyTorch's published
SGD and Adam algorithms.
"""

import math

import numpy as np
import pytest
from scipy import optimize as so

from core import optimizers, schedules, surfaces
from core.surfaces import basin_of, grid, optimize

# Every surface, with default and non-default parameters.
CASES = [
    ("bowl", {}),
    ("bowl", {"a": 2.0, "b": 25.0}),
    ("rosenbrock", {}),
    ("rosenbrock", {"a": -0.5, "b": 3.0}),
    ("saddle", {}),
    ("saddle", {"quartic": 0.0}),
    ("saddle", {"quartic": 0.02}),
    ("plateau", {}),
    ("plateau", {"width": 2.5}),
    ("two_minima_1d", {}),
    ("two_minima_1d", {"tilt": 0.3}),
    ("two_minima_1d", {"tilt": 2.5}),
    ("two_minima_2d", {}),
]
IDS = [f"{n}-{p}" for n, p in CASES]
BOUNDED = [(n, p) for n, p in CASES if not (n == "saddle" and p.get("quartic") == 0.0)]


def central_diff(f, p, h=1e-6):
    """Central finite-difference gradient of f at points p of shape (n, dim)."""
    out = np.empty_like(p)
    for i in range(p.shape[-1]):
        e = np.zeros(p.shape[-1])
        e[i] = h
        out[:, i] = (f(p + e) - f(p - e)) / (2 * h)
    return out


def hessian(surface, p, h=1e-5):
    """Finite-difference Hessian (from the exact gradient) at one point p of shape (dim,)."""
    cols = []
    for i in range(surface.dim):
        e = np.zeros(surface.dim)
        e[i] = h
        cols.append((surface.grad(p + e) - surface.grad(p - e)) / (2 * h))
    H = np.array(cols)
    return 0.5 * (H + H.T)


def random_points(surface, n=50, seed=0):
    rng = np.random.default_rng(seed)
    low = np.array([b[0] for b in surface.bounds])
    high = np.array([b[1] for b in surface.bounds])
    return rng.uniform(low, high, size=(n, surface.dim))


# ------------------------------------------------------------------ values and gradients


def test_names():
    assert surfaces.NAMES == (
        "bowl", "rosenbrock", "saddle", "plateau", "two_minima_1d", "two_minima_2d", "line_fit"
    )
    for name in surfaces.NAMES:
        s = surfaces.get(name)
        assert s.name == name
        assert s.dim == (1 if name == "two_minima_1d" else 2)
        assert len(s.bounds) == s.dim
        assert s.start.shape == (s.dim,)
        assert s.minima.ndim == 2 and s.minima.shape[1] == s.dim


def _e(z):
    return math.exp(z)


# (name, params, point, hand-computed value)
VALUE_ROWS = [
    ("bowl", {}, [1.0, 1.0], 5.5),
    ("bowl", {}, [-4.0, 2.0], 28.0),
    ("bowl", {"a": 2.0, "b": 25.0}, [1.0, -2.0], 51.0),
    ("rosenbrock", {}, [0.0, 0.0], 1.0),
    ("rosenbrock", {}, [-1.2, 1.0], 24.2),  # 2.2^2 + 100 * 0.44^2
    ("rosenbrock", {"a": 2.0, "b": 10.0}, [1.0, 3.0], 41.0),  # 1 + 10 * 2^2
    ("saddle", {}, [1.0, 2.0], -1.4),  # 1 - 4 + 0.1 * 16
    ("saddle", {"quartic": 0.0}, [3.0, 2.0], 5.0),
    ("plateau", {}, [1.0, 0.0], 1.0 - _e(-0.5)),
    ("plateau", {"width": 2.0}, [2.0, 2.0], 1.0 - _e(-1.0)),  # r^2 = 8, 2 w^2 = 8
    ("two_minima_1d", {}, [1.0], -1.0),  # 1 - 3 + 1
    ("two_minima_1d", {}, [2.0], 6.0),  # 16 - 12 + 2
    ("two_minima_1d", {"tilt": 0.5}, [-1.0], -2.5),  # 1 - 3 - 0.5
    ("two_minima_2d", {}, [0.0, 0.0], -2.0 * _e(-3.25 / 1.28) - 1.2 * _e(-4.5 / 1.28)),
    ("two_minima_2d", {}, [1.5, -1.0],
     0.05 * 3.25 - 2.0 - 1.2 * _e(-(9.0 + 6.25) / 1.28)),
]


@pytest.mark.parametrize("name, params, point, expected", VALUE_ROWS)
def test_value_hand_computed(name, params, point, expected):
    s = surfaces.get(name, **params)
    assert s.value(np.array(point)) == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_grad_matches_central_differences(name, params):
    s = surfaces.get(name, **params)
    p = random_points(s)
    np.testing.assert_allclose(s.grad(p), central_diff(s.value, p), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_batched_shapes(name, params):
    s = surfaces.get(name, **params)
    p = random_points(s, n=12).reshape(3, 4, s.dim)
    assert s.value(p).shape == (3, 4)
    assert s.grad(p).shape == (3, 4, s.dim)
    np.testing.assert_array_equal(s.value(p)[1, 2], s.value(p[1, 2]))


def test_rosenbrock_equals_scipy():
    s = surfaces.get("rosenbrock")
    p = random_points(s, n=20, seed=3)
    np.testing.assert_allclose(s.value(p), [so.rosen(q) for q in p], rtol=1e-13)
    np.testing.assert_allclose(s.grad(p), [so.rosen_der(q) for q in p], rtol=1e-12, atol=1e-12)


def test_grid_layout():
    s = surfaces.get("bowl")
    (xs, ys), z = grid(s, num=5)
    np.testing.assert_array_equal(xs, [-5.0, -2.5, 0.0, 2.5, 5.0])
    np.testing.assert_array_equal(ys, [-3.0, -1.5, 0.0, 1.5, 3.0])
    assert z.shape == (5, 5)
    assert z[4, 1] == pytest.approx(0.5 * (25.0 + 10.0 * 2.25))  # x = 5, y = -1.5
    (x1,), z1 = grid("two_minima_1d", num=3)
    np.testing.assert_allclose(z1, [2.2**4 - 3 * 2.2**2 - 2.2, 0.0, 2.2**4 - 3 * 2.2**2 + 2.2])


# --------------------------------------------------------------------------- minima


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_minima_are_minima_and_global_first(name, params):
    s = surfaces.get(name, **params)
    for m in s.minima:
        np.testing.assert_allclose(s.grad(m), 0.0, atol=1e-10)
        assert np.all(np.linalg.eigvalsh(hessian(s, m)) > 0)
    for q in s.saddles:
        np.testing.assert_allclose(s.grad(q), 0.0, atol=1e-10)
        eig = np.linalg.eigvalsh(hessian(s, q))
        assert eig.min() < 0  # a maximum in 1-D, a saddle (mixed signs) in 2-D
        assert s.dim == 1 or eig.max() > 0
    if len(s.minima):
        values = s.value(s.minima)
        assert values[0] == pytest.approx(s.global_min_value, abs=1e-14)
        assert np.all(values[0] <= values + 1e-14)
    else:
        assert s.global_min_value == -np.inf


@pytest.mark.parametrize("name, params", BOUNDED, ids=[f"{n}-{p}" for n, p in BOUNDED])
def test_global_minimum_against_scipy(name, params):
    s = surfaces.get(name, **params)
    starts = random_points(s, n=8, seed=1)
    found = []
    for x0 in np.vstack([starts, s.start]):
        res = so.minimize(lambda q: s.value(q), x0, jac=lambda q: s.grad(q),
                          method="BFGS", options={"gtol": 1e-9})
        found.append(res.fun)
        # Every minimum scipy settles in is one of ours (the plateau's plain is excluded:
        # there BFGS may stop on the flat part).
        if np.linalg.norm(res.jac) < 1e-6 and res.fun < (0.99 if name == "plateau" else np.inf):
            assert np.min(np.linalg.norm(s.minima - res.x, axis=1)) < 1e-4
    assert min(found) >= s.global_min_value - 1e-10
    assert min(found) == pytest.approx(s.global_min_value, abs=1e-8)


def test_two_minima_1d_pinned_numbers():
    s = surfaces.get("two_minima_1d")
    # Roots of 4x^3 - 6x + 1 (checked by substitution below) and the docstring's numbers.
    np.testing.assert_allclose(s.minima[:, 0], [-1.3008395659, 1.1309011226], atol=1e-9)
    np.testing.assert_allclose(s.saddles[:, 0], [0.1699384418], atol=1e-9)
    for x in (*s.minima[:, 0], *s.saddles[:, 0]):
        assert 4 * x**3 - 6 * x + 1 == pytest.approx(0.0, abs=1e-12)
    assert s.global_min_value == pytest.approx(-3.51390504, abs=1e-8)
    assert s.value(s.minima[1]) == pytest.approx(-1.07023018, abs=1e-8)
    assert s.facts["barrier_height"] == pytest.approx(0.08413522 + 1.07023018, abs=1e-7)


def test_two_minima_1d_tilt_moves_minima():
    s = surfaces.get("two_minima_1d", tilt=2.5)
    for x in s.minima[:, 0]:
        assert 4 * x**3 - 6 * x + 2.5 == pytest.approx(0.0, abs=1e-11)
    assert s.minima[0, 0] < s.saddles[0, 0] < s.minima[1, 0]


def test_two_minima_2d_pinned_numbers():
    s = surfaces.get("two_minima_2d")
    np.testing.assert_allclose(
        s.minima, [[1.45336146, -0.96890490], [-1.42332582, 1.42333605]], atol=1e-8
    )
    np.testing.assert_allclose(s.saddles, [[-0.13117699, 0.28676283]], atol=1e-8)
    np.testing.assert_allclose(s.value(s.minima), [-1.84255600, -0.98646749], atol=1e-8)
    np.testing.assert_allclose(s.grad(np.vstack([s.minima, s.saddles])), 0.0, atol=1e-14)


def test_saddle_and_bowl_facts():
    s = surfaces.get("saddle", quartic=0.02)
    np.testing.assert_allclose(s.minima, [[0.0, 5.0], [0.0, -5.0]])  # 1 / sqrt(0.04)
    assert s.global_min_value == pytest.approx(-12.5)  # -1 / 0.08
    b = surfaces.get("bowl", a=2.0, b=25.0)
    assert b.facts["critical_lr"] == pytest.approx(0.08)
    assert b.facts["condition_number"] == pytest.approx(12.5)
    np.testing.assert_allclose(hessian(b, np.array([0.3, -0.7])), [[2.0, 0.0], [0.0, 25.0]],
                               atol=1e-6)


def test_surface_arrays_are_read_only():
    s = surfaces.get("bowl")
    with pytest.raises(ValueError):
        s.minima[0, 0] = 1.0
    with pytest.raises(ValueError):
        s.start[0] = 1.0


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


def test_two_minima_1d_momentum_escapes_local_minimum():
    # Documented case: start x = 2 (local basin), lr = 0.01, 500 steps. Plain SGD settles
    # in the local minimum; momentum 0.9 carries the run over the barrier at x = 0.17.
    s = surfaces.get("two_minima_1d")
    plain = optimize(s, optimizer="sgd", lr=0.01, steps=500)
    heavy = optimize(s, optimizer=optimizers.get("sgd", momentum=0.9), lr=0.01, steps=500)
    assert basin_of(s, plain.final_params)[0] == 1
    assert basin_of(s, heavy.final_params)[0] == 0
    np.testing.assert_allclose(plain.final_params[0], s.minima[1], atol=1e-10)
    np.testing.assert_allclose(heavy.final_params[0], s.minima[0], atol=1e-8)
    # Against the scalar torch.optim.SGD reference.
    grad = lambda x: [4 * x[0] ** 3 - 6 * x[0] + 1]  # noqa: E731
    ref = sgd_reference(grad, [2.0], 0.01, 500, momentum=0.9)
    np.testing.assert_allclose(heavy.final_params[0], ref, rtol=1e-12)
    # The momentum run actually crossed the barrier top at some step.
    assert np.any(heavy.params[:, 0, 0] < s.saddles[0, 0])


def test_two_minima_2d_momentum_escapes_local_minimum():
    s = surfaces.get("two_minima_2d")
    plain = optimize(s, optimizer="sgd", lr=0.3, steps=500)
    heavy = optimize(s, optimizer=optimizers.get("sgd", momentum=0.9), lr=0.3, steps=500)
    assert basin_of(s, plain.final_params)[0] == 1
    assert basin_of(s, heavy.final_params)[0] == 0
    np.testing.assert_allclose(heavy.final_params[0], s.minima[0], atol=1e-6)


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


# ------------------------------------------------------------------------- basin_of


@pytest.mark.parametrize(
    "name, points, expected",
    [
        ("two_minima_1d", [[-2.0], [0.5], [1.0], [np.nan]], [0, 1, 1, -1]),
        ("two_minima_2d", [[2.0, -2.0], [-3.0, 3.0], [np.inf, 0.0]], [0, 1, -1]),
        ("saddle", [[0.0, 1.0], [0.0, -1.0]], [0, 1]),
    ],
)
def test_basin_of(name, points, expected):
    np.testing.assert_array_equal(basin_of(name, np.array(points)), expected)


def test_basin_of_shapes():
    s = surfaces.get("two_minima_2d")
    out = basin_of(s, np.zeros((4, 3, 2)) + s.minima[1])
    assert out.shape == (4, 3) and np.all(out == 1)
    assert basin_of(s, s.minima[0]) == 0


# ----------------------------------------------------------------------- bad input


def _bad_schedule(t):
    return -0.1 * np.ones_like(t, dtype=float)


BAD = [
    (lambda: surfaces.get("nope"), "name"),
    (lambda: surfaces.get("bowl", c=1.0), "'c'"),
    (lambda: surfaces.get("two_minima_2d", tilt=1.0), "'tilt'"),
    (lambda: surfaces.get("bowl", a=0.0), "a must"),
    (lambda: surfaces.get("bowl", b=np.nan), "b must"),
    (lambda: surfaces.get("rosenbrock", b=-1.0), "b must"),
    (lambda: surfaces.get("saddle", quartic=-0.1), "quartic"),
    (lambda: surfaces.get("plateau", width=0.0), "width"),
    (lambda: surfaces.get("two_minima_1d", tilt=0.0), "tilt"),
    (lambda: surfaces.get("two_minima_1d", tilt=3.0), "tilt"),
    (lambda: surfaces.get("bowl").value([1.0, 2.0, 3.0]), "p must"),
    (lambda: surfaces.get("bowl").value(1.0), "p must"),
    (lambda: surfaces.get("two_minima_1d").grad([1.0, 2.0]), "p must"),
    (lambda: surfaces.get("bowl").grad([np.nan, 0.0]), "p must"),
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
    (lambda: basin_of(surfaces.get("saddle", quartic=0.0), [0.0, 0.0]), "surface"),
    (lambda: basin_of("two_minima_2d", [1.0]), "points"),
    (lambda: grid("bowl", num=1), "num"),
]


@pytest.mark.parametrize("call, match", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_raises_value_error_naming_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_line_fit_is_the_mse_of_data_with_its_moments():
    from core import datasets, training

    s = surfaces.line_fit(x_mean=5.0, x_std=2.9, slope=2.0, intercept=1.0, noise=1.0)
    # Four points with mean 5, standard deviation 2.9 in x, on y = 2x + 1 give or take 1:
    x4 = np.array([7.9, 7.9, 2.1, 2.1])
    y4 = 2.0 * x4 + 1.0 + np.array([1.0, -1.0, 1.0, -1.0])
    rng = np.random.default_rng(5)
    for w, b in rng.normal(0, 4, (10, 2)):
        assert s.value([w, b]) == pytest.approx(training.objective(np.array([w, b]), x4[:, None], y4), rel=1e-12)
        np.testing.assert_allclose(s.grad([w, b]), training.objective_gradient(np.array([w, b]), x4[:, None], y4),
                                   rtol=1e-10, atol=1e-10)
    assert s.value(s.minima[0]) == pytest.approx(1.0)  # the noise variance
    # The learning-rate view's line: its critical rate from the data and from the surface agree to 2%.
    data = datasets.line_with_outliers(n=40, slope=2.0, intercept=1.0, noise=1.0, n_outliers=0,
                                       x_range=(0.0, 10.0), seed=0)
    from core import landscape

    same = surfaces.line_fit(x_mean=data.x.mean(), x_std=data.x.std())
    assert same.facts["critical_lr"] == pytest.approx(landscape.critical_learning_rate(data.x[:, None]), rel=1e-9)
    assert s.facts["condition_number"] == pytest.approx(138.78, abs=0.01)


def test_internals_replay_the_run_and_debias_adam_by_hand():
    s = surfaces.get("bowl")
    run = surfaces.optimize(s, optimizer=optimizers.get("adam"), lr=0.1, steps=30)
    inside = surfaces.internals(s, optimizer=optimizers.get("adam"), lr=0.1, steps=30)
    np.testing.assert_array_equal(inside["point"], run.params[:-1, 0])
    np.testing.assert_array_equal(inside["point"][1:] - inside["point"][:-1], inside["step"][:-1])
    # Step 1 by hand from (-4, 2): g = (-4, 20); m1 = 0.1 g, v1 = 0.001 g^2; m_hat = g, v_hat = g^2,
    # so the step is -0.1 g / (|g| + 1e-8) = -0.1 sign(g) per coordinate.
    np.testing.assert_allclose(inside["grad"][0], [-4.0, 20.0])
    np.testing.assert_allclose(inside["m_hat"][0], [-4.0, 20.0])
    np.testing.assert_allclose(inside["v_hat"][0], [16.0, 400.0])
    np.testing.assert_allclose(inside["step"][0], [0.1, -0.1], rtol=1e-8)
    # Momentum's velocity: v1 = g1, v2 = 0.9 g1 + g2.
    mom = surfaces.internals(s, optimizer=optimizers.get("sgd", momentum=0.9), lr=0.01, steps=2)
    g = mom["grad"]
    np.testing.assert_allclose(mom["momentum_buffer"][1], 0.9 * g[0] + g[1])
    np.testing.assert_allclose(mom["step"][1], -0.01 * (0.9 * g[0] + g[1]))


def test_a_race_is_each_optimizer_run_alone_bit_for_bit():
    s = surfaces.get("rosenbrock")
    opts = [optimizers.get("sgd", momentum=0.9), optimizers.get("adam"), optimizers.get("rmsprop")]
    lrs = [np.array([1e-4, 5e-4]), 0.05, np.array([0.001, 0.01, 0.1])]
    runs = surfaces.race(s, optimizers=opts, lrs=lrs, steps=200, start=[-1.5, 2.0])
    for opt, lr, got in zip(opts, lrs, runs):
        alone = surfaces.optimize(s, optimizer=opt, lr=lr, steps=200, start=[-1.5, 2.0])
        np.testing.assert_array_equal(got.params, alone.params)
        np.testing.assert_array_equal(got.loss, alone.loss)
        np.testing.assert_array_equal(got.diverged_at, alone.diverged_at)
    with pytest.raises(ValueError, match="lrs"):
        surfaces.race(s, optimizers=opts[:1], lrs=[-1.0], steps=3)


# ----------------------------------------------------------------------------- noise and restarts


def test_random_starts_are_seeded_uniform_draws_over_the_bounds():
    s = surfaces.get("two_minima_2d")
    starts = surfaces.random_starts(s, 500, seed=3)
    rng = np.random.default_rng(3)
    expected = np.column_stack([rng.uniform(-4.0, 4.0, 500), rng.uniform(-4.0, 4.0, 500)])
    assert starts.shape == (500, 2) and np.array_equal(starts, expected)
    assert np.array_equal(surfaces.random_starts("two_minima_1d", 7, seed=0),
                          np.random.default_rng(0).uniform(-2.2, 2.2, 7)[:, None])
    with pytest.raises(ValueError, match="runs"):
        surfaces.random_starts(s, 0)


def test_noisy_gradient_descent_and_momentum_match_loops_written_from_torch():
    """p <- p - lr (g + sigma_k xi_k) for SGD; torch's momentum buffer v <- mu v + g (v_1 = g_1), p <- p - lr v."""
    s = surfaces.get("two_minima_2d")
    starts = surfaces.random_starts(s, 4, seed=1)
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
    starts = surfaces.random_starts(s, 2000, seed=0)
    run = optimize(s, optimizer="sgd", lr=0.01, steps=1000, start=starts)
    landed = basin_of(s, run.params[-1])
    assert np.array_equal(landed == 0, starts[:, 0] < top)
    share = np.mean(landed == 0)
    p = (top + 2.2) / 4.4
    assert p == pytest.approx(0.53862, abs=1e-5)
    assert abs(share - p) < 3 * math.sqrt(p * (1 - p) / 2000)
