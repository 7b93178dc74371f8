"""core.outcomes: the verdicts on hand-made runs whose answer is known by construction, and on
gradient descent on a quadratic, where the iterates have a closed form."""

from __future__ import annotations

import numpy as np
import pytest

from core import outcomes
from core.outcomes import Outcome, classify, compare


def test_a_diverged_run_is_diverged_at_its_step_whatever_else_it_did():
    assert classify([4.0, 1.0, np.nan], 0.0, diverged_at=2) == Outcome("diverged", step=2)


def test_arrived_means_staying_within_a_ten_thousandth_of_the_start_gap_from_that_step_on():
    gap0 = 100.0
    loss = np.array([gap0, 10.0, 1e-3, 0.5e-2, 0.9e-2, 1e-3])  # 1e-4 * 100 = 0.01: inside from step 2 on
    got = classify(loss, 0.0)
    assert (got.kind, got.step) == ("arrived", 2) and got.gap == pytest.approx(1e-3)
    # Dipping into the band and bouncing out again is not arriving.
    assert classify(np.array([gap0, 1e-3, 0.02, 0.03, 0.02]), 0.0).kind != "arrived"


def test_arrived_needs_the_point_near_the_minimizer_too_not_only_a_low_loss():
    # A flat valley floor: the loss is already tiny at (0.5, 0), far from the minimizer (0, 0).
    params = np.vstack([[[10.0, 0.0]], np.tile([0.5, 0.0], (30, 1))])
    loss = np.concatenate([[1.0], np.full(30, 1e-6)])
    assert classify(loss, 0.0).kind == "arrived"  # the loss alone says so ...
    got = classify(loss, 0.0, params=params, minimizer=[0.0, 0.0])
    assert got.kind == "stalled" and got.distance == pytest.approx(0.5)  # ... 5% of the way back: not arrived
    near = params.copy()
    near[20:] = [0.05, 0.0]  # within 1% of the start's distance of 10 from step 20
    assert classify(loss, 0.0, params=near, minimizer=[0.0, 0.0]).step == 20


def test_a_run_that_starts_at_the_minimizer_arrived_at_step_zero():
    got = classify(np.zeros(5), 0.0, params=np.zeros((5, 2)), minimizer=[0.0, 0.0])
    assert (got.kind, got.step) == ("arrived", 0)


def test_still_falling_reports_its_rate_per_step():
    steps = 100
    loss = 50.0 * 0.99 ** np.arange(steps + 1)  # one percent a step, far from arriving in 100 steps
    got = classify(loss, 0.0)
    assert got.kind == "falling" and got.rate == pytest.approx(0.01, rel=1e-9)


def test_a_decaying_oscillation_is_falling_a_steady_one_is_oscillating():
    t = np.arange(201)
    decaying = 0.97 ** t * (1.5 + 0.5 * (-1.0) ** t)  # up and down every step, its envelope 3% lower a step
    got = classify(decaying, 0.0)
    assert got.kind == "falling" and got.rate == pytest.approx(0.03, rel=1e-9)
    steady = 10.0 + np.where(t % 2 == 0, 1.0, -1.0)
    assert classify(steady, 0.0).kind == "oscillating"
    # Settling 10 above the minimum with a fading wobble: not falling any more (the gap stays ~10).
    assert classify(10.0 + 5.0 * (-0.97) ** t, 0.0).kind == "oscillating"


def test_stalled_on_a_plateau_and_near_the_saddle_it_stopped_at():
    flat = classify(np.full(51, 3.0), 0.0)
    assert (flat.kind, flat.gap, flat.near) == ("stalled", 3.0, -1)
    # A run that slid from (1, 1) to the saddle at (0, 0) of a surface whose minimum is at (0, 5).
    params = np.vstack([np.linspace([1.0, 1.0], [0.0, 0.0], 11), np.zeros((40, 2))])
    loss = np.concatenate([np.linspace(2.0, 1.0, 11), np.ones(40)])
    got = classify(loss, 0.0, params=params, minimizer=[0.0, 5.0], others=[[3.0, 3.0], [0.0, 0.0]])
    assert (got.kind, got.near) == ("stalled", 1)


def test_gradient_descent_on_a_quadratic_arrives_when_the_closed_form_says():
    """f(θ) = ½ θᵀ diag(1, 10) θ from (1, 1) at η = 0.05: θ_t = (0.95^t, 0.5^t) exactly. The distance
    is 1% of the start's √2 once 0.95^t <= 0.01 √2 (y is long gone): t >= log(0.01 √2) / log 0.95 = 83.06,
    so step 84; the gap passes 10⁻⁴ of its start earlier, so the distance decides."""
    t = np.arange(201)
    params = np.stack([0.95 ** t, 0.5 ** t], axis=1)
    loss = 0.5 * (params[:, 0] ** 2 + 10 * params[:, 1] ** 2)
    expected = int(np.ceil(np.log(0.01 * np.sqrt(2.0)) / np.log(0.95)))
    got = classify(loss, 0.0, params=params, minimizer=[0.0, 0.0])
    assert got.kind == "arrived" and got.step == expected == 84
    assert classify(loss, 0.0).step == 67  # the loss alone: 0.5 (0.95^2t) <= 1e-4 * 5.5 from t = 67


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="loss"):
        classify([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="f_min"):
        classify([1.0, 0.5], float("nan"))
    with pytest.raises(ValueError, match="a, b and scale"):
        compare(1.0, float("inf"))


@pytest.mark.parametrize(("a", "b", "kind", "ratio"), [
    (2.0, 1.0, "larger", 2.0), (1.0, 4.0, "smaller", 0.25), (0.0, 0.0, "equal", 1.0),
    (0.1 + 0.2, 0.3, "equal", 1.0), (1.0, 0.0, "larger", float("inf")), (1.0 + 1e-6, 1.0, "larger", 1.0 + 1e-6),
])
def test_compare_says_equal_only_within_round_off(a, b, kind, ratio):
    got = compare(a, b)
    assert got.kind == kind and got.ratio == pytest.approx(ratio)


@pytest.mark.parametrize(("a", "b", "scale", "kind"), [
    (1e-30, 0.0, 2.27, "equal"),  # two gaps above a minimum, both round-off of a loss of size 2.27
    (3e-9, 0.0, 2.27, "larger"),  # above 1e-9 of the loss: a real gap
    (1e-30, 0.0, 0.0, "larger"),  # no scale: a ratio of infinity is what the numbers say
])
def test_compare_measures_round_off_against_the_scale_of_what_was_subtracted(a, b, scale, kind):
    assert compare(a, b, scale).kind == kind


def test_the_window_is_a_tenth_of_the_run_and_at_least_ten_steps():
    assert [outcomes.window(n) for n in (3, 50, 300, 1000)] == [3, 10, 30, 100]


def test_arrival_steps_of_many_runs_agree_with_classify_run_by_run():
    rng = np.random.default_rng(3)
    steps, runs = 60, 25
    t = np.arange(steps + 1)[:, None]
    speed = rng.uniform(0.8, 0.99, runs)
    params = (speed ** t)[..., None] * rng.normal(size=(1, runs, 2))
    loss = (params ** 2).sum(axis=2) + rng.choice([0.0, 1e-3], size=runs)  # some settle above the minimum
    diverged_at = np.where(rng.random(runs) < 0.2, 5, -1)
    got = outcomes.arrival_steps(loss, 0.0, diverged_at=diverged_at, params=params, minimizer=[0.0, 0.0])
    one_by_one = [classify(loss[:, r], 0.0, diverged_at=int(diverged_at[r]), params=params[:, r],
                           minimizer=[0.0, 0.0]) for r in range(runs)]
    assert list(got) == [o.step if o.kind == "arrived" else -1 for o in one_by_one]
    assert (got >= 0).any() and (got < 0).any()


def test_near_any_of_several_global_minimizers_is_arrived():
    t = np.arange(41)[:, None]
    to_top, to_bottom = np.hstack([0 * t, 2 - 2 * 0.8 ** t]), np.hstack([0 * t, -2 + 2 * 0.8 ** t])
    loss = 4 * 0.8 ** (2 * t[:, 0])
    minima = [[0.0, 2.0], [0.0, -2.0]]
    for path in (to_top, to_bottom):
        got = classify(loss, 0.0, params=np.vstack([[0.0, 0.001], path[1:]]), minimizer=minima)
        assert got.kind == "arrived" and got.distance < 0.02


def test_a_gap_that_grows_is_rising_not_stalled():
    t = np.arange(101)
    got = classify(1.0 * 1.05 ** t, 0.0)  # 5% more every step: gradient descent just above its critical rate
    assert got.kind == "rising" and got.gap == pytest.approx(1.05 ** 100)


def test_fell_needs_more_than_the_noise_and_more_than_a_percent():
    rng = np.random.default_rng(0)
    flat = 1.0 + 0.05 * rng.normal(size=200)
    assert not outcomes.fell(flat[:100], flat[100:])  # a noise floor
    assert outcomes.fell(flat[:100], flat[100:] - 0.05)  # 5% lower, beyond the noise
    assert not outcomes.fell([1.0] * 5, [0.995] * 5)  # smooth, but only half a percent
    with pytest.raises(ValueError, match="earlier and later"):
        outcomes.fell([], [1.0])

