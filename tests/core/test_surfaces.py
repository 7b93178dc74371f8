"""Tests of core.surfaces: exact values and gradients, minima, basins, bad input.

References are independent of core: hand-computed values, scipy.optimize (rosen,
minimize) and central finite differences. The runs on these surfaces are tested in
tests/core/test_surface_runs.py.
"""

import math

import numpy as np
import pytest
from scipy import optimize as so

from core import surfaces
from core.surfaces import basin_of, grid

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
