"""The learning-rate view's valley and its training: the valley's numbers against independent ones, the three runs
against a per-step loop, the window, and the one vectorized training of the sweep and the slider rates
(dashboard/valley.py, dashboard/scenarios/learning_rate_training.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core import schedules
from dashboard import registry
from dashboard.scenarios import learning_rate as sc

from .learning_rate_oracle import _data, _diverged_at, _hessian_eigenvalues, _optimum, _run, _spy_on_training, _within


# --------------------------------------------------------------------------- the valley and the runs
@pytest.mark.parametrize("center", [False, True])
def test_the_valley_matches_independent_numbers(center):
    prob, (x, y) = sc.cached_problem(center), _data(center)
    lam_min, lam_max = _hessian_eigenvalues(x)
    w, b, optimum = _optimum(x, y)
    assert prob.lam_max == pytest.approx(lam_max, rel=1e-12) and prob.lam_min == pytest.approx(lam_min, rel=1e-10)
    assert prob.critical == pytest.approx(2 / lam_max, rel=1e-12)
    assert sc.momentum_critical(prob) == pytest.approx(2 * 1.9 / lam_max, rel=1e-12)
    assert prob.optimum == pytest.approx((w, b), rel=1e-10) and prob.optimum_loss == pytest.approx(optimum, rel=1e-10)
    assert prob.start_loss == pytest.approx(np.mean(y * y), rel=1e-12)
    assert prob.condition > 100 if not center else prob.condition < 10
    assert not prob.exact_fit and prob.target_loss == pytest.approx(1.01 * optimum, rel=1e-12)  # a noisy line: 1%


@pytest.mark.parametrize("optimizer, momentum", [("sgd", 0.0), ("momentum", 0.9)])
def test_three_runs_match_a_step_by_step_loop(optimizer, momentum):
    (x, y), rates = _data(), (0.001, 0.025, 0.05)
    optimum = _optimum(x, y)[2]
    runs = sc.three_runs(rates, optimizer, "constant", 200)
    for s, lr in zip(runs.summaries, rates):
        losses = _run(x, y, lr, 200, momentum)
        assert s.rate == lr and s.diverged_at == _diverged_at(losses)
        assert s.steps_to_1pct == (_within(losses, optimum) if s.diverged_at < 0 else -1)
        if not s.diverged:
            assert s.final_loss == pytest.approx(losses[-1], rel=1e-9)
        curve = runs.curves[runs.curves["series"] == s.role]
        assert curve["value"].to_numpy() == pytest.approx(np.array(losses)[curve["step"].to_numpy()], rel=1e-9)
        assert np.isfinite(curve["value"]).all() and curve["step"].max() == (200 if s.diverged_at < 0 else s.diverged_at)
        assert curve["excess"].to_numpy() == pytest.approx(curve["value"].to_numpy() - optimum, rel=1e-9, abs=1e-12)
    assert list(runs.table["outcome"]) == [sc.outcomes([s.diverged_at], [s.steps_to_1pct])[0] for s in runs.summaries]


def test_window_holds_the_paths_and_exits_sit_on_its_edge():
    runs, prob = sc.three_runs((0.0025, 0.02, 0.032), "sgd", "constant", 300), sc.cached_problem(False)
    w0, w1, b0, b1 = runs.window
    assert w0 < 0 < w1 and b0 < 0 < b1 and w0 < prob.optimum[0] < w1 and b0 < prob.optimum[1] < b1
    inside = runs.paths[runs.paths["series"] != "too large"]
    assert inside["x"].between(w0, w1).all() and inside["y"].between(b0, b1).all()
    # the diverging run: its bounces are drawn, then it leaves through the edge
    assert list(runs.exits["series"]) == ["too large"] and list(runs.diverged["step"]) == [36]
    ex = runs.exits.iloc[0]
    assert min(abs(ex.x - w0), abs(ex.x - w1), abs(ex.y - b0), abs(ex.y - b1)) < 1e-9 * max(1.0, abs(w1 - w0))
    large = runs.paths[runs.paths["series"] == "too large"]
    assert large["step"].max() == ex.step and 0 < ex.step < runs.summaries[2].diverged_at
    assert [list(f.columns) for f in (runs.surface, runs.paths, runs.exits, runs.curves, runs.diverged)] == [
        ["x", "y", "value", "level"], ["series", "label", "step", "x", "y", "value"],
        ["series", "label", "step", "x", "y"], ["series", "label", "step", "value", "rate", "excess"],
        ["series", "label", "step"]]  # dashboard.paths' columns: x = w, y = b, value = MSE
    # the surface: a GRID x GRID of cell centres, with the exact MSE
    (x, y), row = _data(), runs.surface.iloc[1234]
    assert len(runs.surface) == sc.GRID ** 2 and row.value == pytest.approx(np.mean((row.x * x + row.y - y) ** 2), rel=1e-12)
    assert row.level <= row.value < row.level * 10 ** 0.25 * (1 + 1e-12)


def test_the_sweep_and_the_slider_values_are_one_vectorized_call(monkeypatch):
    calls = _spy_on_training(monkeypatch)
    sw = sc.train("momentum", "cosine", 120).sweep
    (call,) = calls
    assert isinstance(call["lr"], schedules.Schedule) and call["lr"].name == "cosine"
    assert np.allclose(call["lr"].base[:100], np.geomspace(1e-5, 10, 100)) and list(call["lr"].base[100:]) == sc.rate_options()
    assert list(sw.table["lr"]) == list(np.geomspace(1e-5, 10, 100))


@pytest.mark.parametrize("optimizer, schedule, steps, center", [
    ("sgd", "constant", 300, False), ("momentum", "cosine", 500, True), ("adam", "warmup", 40, False)])
def test_slider_rates_are_read_from_the_joint_training_bit_for_bit(monkeypatch, optimizer, schedule, steps, center):
    """Moving a rate slider trains nothing; each run equals the three rates trained on their own, to the last bit."""
    trained, rates = sc.train(optimizer, schedule, steps, center), (1e-05, 0.02, 0.1)
    alone = sc.three_runs(rates, optimizer, schedule, steps, center)
    calls = _spy_on_training(monkeypatch)
    read = sc.three_runs(rates, optimizer, schedule, steps, center, trained=trained)
    assert calls == [] and read.summaries == alone.summaries and read.window == alone.window
    for name in ("surface", "paths", "exits", "curves", "table", "diverged"):
        pd.testing.assert_frame_equal(getattr(read, name), getattr(alone, name), check_exact=True)
    # a rate that is not a slider value (they are rounded: 0.025, not 10^-1.6) is trained on its own
    sc.three_runs((0.0123, 0.02, 0.1), optimizer, schedule, steps, center, trained=trained)
    assert len(calls) == 1 and list(np.broadcast_to(calls[0]["lr"].base, (3,))) == [0.0123, 0.02, 0.1]


@pytest.mark.parametrize("optimizer", sc.OPTIMIZERS)
def test_a_constant_rate_training_holds_every_shorter_one_bit_for_bit(optimizer):
    long = sc.train(optimizer, "constant", 400)
    for steps in (1, 36, 37, 150, 399):
        alone, cut = sc.train(optimizer, "constant", steps), long.prefix(steps)
        assert cut.steps == steps
        for name in ("params", "loss", "lr", "diverged_at"):
            np.testing.assert_array_equal(getattr(cut.grid, name), getattr(alone.grid, name))
        pd.testing.assert_frame_equal(cut.sweep.table, alone.sweep.table, check_exact=True)
        assert (cut.sweep.largest_stable, cut.sweep.best_lr, cut.sweep.best_loss) == (
            alone.sweep.largest_stable, alone.sweep.best_lr, alone.sweep.best_loss)
    with pytest.raises(ValueError, match="constant"):
        sc.train(optimizer, "cosine", 50).prefix(20)


def test_steps_moves_with_a_constant_rate_are_read_from_one_long_training(monkeypatch):
    sc.cached_training.clear()
    sc.longest_constant.clear()
    calls = _spy_on_training(monkeypatch)
    first = sc.cached_training("momentum", "constant", 300, True)
    assert [c["steps"] for c in calls] == [sc.STEPS_RANGE[1]]  # the slider's longest run, once
    for steps in (150, 430, 570, 860, 10, 1000):
        sc.cached_training("momentum", "constant", steps, True)
    longer = sc.cached_training("momentum", "constant", 430, True)
    sc.cached_training("momentum", "cosine", 300, True)  # other schedules depend on the run length
    assert [c["steps"] for c in calls] == [sc.STEPS_RANGE[1], 300] and (first.steps, longer.steps) == (300, 430)
    for got, steps in ((longer, 430), (first, 300)):
        pd.testing.assert_frame_equal(got.sweep.table, sc.train("momentum", "constant", steps, True).sweep.table,
                                      check_exact=True)


def test_sweep_cliff_brackets_the_critical_rate_for_plain_gd():
    prob, sw, (x, y) = sc.cached_problem(False), sc.train("sgd", "constant", 300).sweep, _data()
    assert sw.largest_stable < prob.critical < sw.smallest_diverged
    assert sw.smallest_diverged / sw.largest_stable == pytest.approx(10 ** (6 / 99), rel=1e-9)  # neighbours
    assert not sw.table.loc[sw.table["lr"] < prob.critical, "diverged"].any()
    assert sw.table.loc[sw.table["lr"] > 1.2 * prob.critical, "diverged"].all()
    for _, row in sw.table.iloc[::11].iterrows():
        assert row.diverged_at == _diverged_at(_run(x, y, row.lr, 300))
    # momentum: the cliff moves to about 2 (1 + 0.9) / lambda_max; Adam never blows up here
    mom = sc.train("momentum", "constant", 300).sweep
    assert mom.largest_stable < sc.momentum_critical(prob) < mom.smallest_diverged
    assert sc.train("adam", "constant", 300).sweep.n_diverged == 0


def test_schedule_shape_is_the_registrys():
    t = np.arange(90)
    assert list(sc.schedule_shape("step", 90)["factor"]) == list(registry.SCHEDULES["step"].build(1.0, 90)(t))
