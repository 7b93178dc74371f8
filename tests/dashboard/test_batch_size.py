"""What does the batch size change? The view's numbers against plain loops and the 1/B law."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import minibatch
from dashboard.charts import batch_size as charts
from dashboard.formatting import fmt
from dashboard.scenarios import batch_size as sc

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "batch_size.py"


def reference_sgd(batch: int, rate: float, epochs: int, seed: int = 0):
    """Plain mini-batch SGD on the page's points, written out: a seeded permutation per epoch cut into
    consecutive batches. Returns (loss above the least-squares loss after each update, the weights)."""
    prob = sc.problem()
    n = prob.x.size
    Xa = np.column_stack([prob.x, np.ones(n)])
    floor = np.mean((Xa @ np.linalg.lstsq(Xa, prob.y, rcond=None)[0] - prob.y) ** 2)
    rng = np.random.default_rng(seed)
    theta = np.zeros(2)
    gaps = [np.mean((Xa @ theta - prob.y) ** 2) - floor]
    for _ in range(epochs):
        order = rng.permutation(n) if batch < n else np.arange(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            theta = theta - rate * 2 * (Xa[rows] @ theta - prob.y[rows]) @ Xa[rows] / rows.size
            gaps.append(np.mean((Xa @ theta - prob.y) ** 2) - floor)
    return np.array(gaps), theta


def test_the_three_default_runs_by_hand():
    res = sc.compute(sc.DEFAULTS)
    for key, batch in (("full", 256), ("mini", 16), ("sgd", 1)):
        gaps, theta = reference_sgd(batch, 0.1, 10)
        run = res.shown[key]
        assert run.updates == 10 * 256 // batch
        assert run.final == pytest.approx(gaps[-1], rel=1e-7)
        assert run.params[-1] == pytest.approx(theta, rel=1e-10)
        if key == "full":  # no noise: still falling at the end, so it has no floor
            assert np.isnan(run.floor)
        else:
            assert run.floor == pytest.approx(np.mean(gaps[gaps.size // 2:]), rel=1e-7)
    # Per epoch, the mini-batches end nearer the best line than the full batch, SGD's noise leaves it further.
    assert res.shown["mini"].final < res.shown["full"].final / 3 < res.shown["sgd"].final / 3


def test_the_page_states_the_numbers_and_the_updates_per_epoch():
    at = run_page(PAGE)
    assert errors(at) == []
    res = sc.compute(sc.DEFAULTS)
    shown = metrics(at)
    gaps, _ = reference_sgd(16, 0.1, 10)
    assert res.shown["mini"].final == pytest.approx(gaps[-1], rel=1e-7)  # 0.007176: one noisy draw ...
    # ... so the headline is the mean over the last epoch's 16 updates (the review: SGD's last value spans
    # three decades over seeds)
    assert shown["Mini-batch (16)"] == "0.005033" == f"{np.mean(gaps[-16:]):.4g}"
    assert "averaged over the last epoch" in " ".join(m.value for m in at.markdown)
    text = notice(at)
    assert "The full batch turns them into 1 update, batches of 16 into 16, SGD into 256" in text
    table = [m.value for m in at.markdown if m.value.startswith("| batch size")][0]
    assert "| 16 | 16 | 0.1566 ± 0.0065 | 0.1555 |" in table and "| 1 | 256 | " in table and "| 256 | 1 | 0 | 0 |" in table


def test_gradient_noise_follows_the_law_within_its_statistical_error():
    res = sc.compute(sc.DEFAULTS)
    noise = res.noise
    assert np.all(np.abs(noise["measured"] - noise["expected"]) < 4 * noise["error"])
    prob = sc.problem()
    law = minibatch.expected_spread(prob.X, prob.y, prob.optimum, [1, 16])
    # The 1/B law with its correction: 16 times smaller, times (256 - 16) / 255.
    assert law[1] == pytest.approx(law[0] / 16 * 240 / 255, rel=1e-12)
    assert noise.set_index("batch").loc[16, "expected"] == pytest.approx(law[1], rel=1e-12)


def test_accumulating_four_batches_of_16_gives_the_batch_of_64_to_the_last_digit():
    res = sc.compute(sc.DEFAULTS)
    assert res.accumulate == 4 and res.merged.batch == 64
    assert np.max(np.abs(res.accumulated.params - res.merged.params)) < 1e-15
    gaps, _ = reference_sgd(64, 0.1, 10)
    assert res.merged.final == pytest.approx(gaps[-1], rel=1e-7)
    text = sc.accumulation_text(res)
    a, m = res.accumulated.gap[-1], res.merged.gap[-1]
    # the shared digits, counted here on the two numbers' 17-digit decimal expansions
    digits = next((d for d in range(17) if f"{a:.{d}e}" != f"{m:.{d}e}"), 17)
    assert f"final loss above the best 0.00407 for both, the same to {digits} significant digits." in text or (
        a == m and "0.00407 for both, the same to the last bit" in text)
    assert digits >= 12 and str(a)[:12] not in text  # no sixteen-digit numbers on screen
    ulps = sc.last_places(res.accumulated.params, res.merged.params)
    assert 0 <= ulps <= 8 and (f"more than {ulps} unit" in text or "to the last bit" in text)
    assert sc.last_places(np.array([1.0]), np.array([np.nextafter(1.0, 2.0)])) == 1
    too_big = sc.compute({**sc.DEFAULTS, "batch": "128", "accumulate": 4})
    assert too_big.merged is None and "more than the 256 points" in sc.accumulation_text(too_big)


@pytest.mark.parametrize(("batch", "accumulate"), [("4", 2), ("8", 4), ("32", 2), ("2", 8)])
def test_accumulation_that_tiles_an_epoch_says_how_many_digits_the_two_losses_share(batch, accumulate):
    """Beyond the default: wherever k·B divides the 256 points, the note's digit count is the one the two final
    losses' decimal expansions share (counted here), or 'to the last bit' for equal doubles."""
    res = sc.result_of({**sc.DEFAULTS, "batch": batch, "accumulate": accumulate})
    text = sc.accumulation_text(res)
    a, m = res.accumulated.gap[-1], res.merged.gap[-1]
    assert 256 % (int(batch) * accumulate) == 0 and "not the same run" not in text
    digits = next((d for d in range(17) if f"{a:.{d}e}" != f"{m:.{d}e}"), 17)
    said = "the same to the last bit" if a == m else f"the same to {digits} significant digits"
    assert f"final loss above the best {fmt(a)} for both, {said}." in text


def test_linear_scaling_sends_the_full_batch_past_the_critical_rate():
    res = sc.compute(sc.LINEAR_SCALING)
    full, sgd = res.shown["full"], res.shown["sgd"]
    assert full.rate == pytest.approx(1.6) and sgd.rate == pytest.approx(0.1 / 16)
    assert full.rate > res.critical and full.diverged_at > 0
    assert f"diverged at step {full.diverged_at}" in " ".join(sc.notes(res, sc.LINEAR_SCALING))


def test_the_axis_switch_counts_updates_or_epochs():
    per_update = sc.compute({**sc.DEFAULTS, "axis": "updates"})
    per_epoch = sc.compute(sc.DEFAULTS)
    sgd = per_update.curves[per_update.curves["series"] == "sgd"]["step"]
    assert sgd.max() == 2560 and per_update.x_end == 2560
    assert per_epoch.curves[per_epoch.curves["series"] == "sgd"]["step"].max() == pytest.approx(10.0)


@pytest.mark.parametrize("query", [{"accumulate": "3"}, {"accumulate": "5"}, {"accumulate": "7"},
                                   {"batch": "64", "accumulate": "3"}])
def test_accumulation_that_does_not_tile_an_epoch_is_not_called_rounding(query):
    """The review's links: k·B does not divide 256, so the two runs average different gradients."""
    res = sc.result_of({**sc.DEFAULTS, **{k: int(v) for k, v in query.items()}})
    text = sc.accumulation_text(res)
    assert "not the same run" in text and "rounding" not in text
    assert res.accumulated.gap[-1] != res.merged.gap[-1]


@pytest.mark.parametrize(("lr", "no_floor"), [(0.01, "Batches of 16 (η = 0.01) are still falling"),
                                               (0.001, "SGD (η = 0.001) and batches of 16 (η = 0.001) are still falling")])
def test_a_floor_is_named_only_where_the_run_stopped_falling(lr, no_floor):
    """The review's links: at η = 0.01 the batch of 16 ends below its "floor", still falling."""
    res = sc.result_of({**sc.DEFAULTS, "lr": lr})
    text = sc.floor_note(res)
    assert no_floor in text
    mini = res.shown["mini"]
    assert np.isnan(mini.floor) and mini.gap[-1] < np.mean(mini.gap[mini.gap.size // 2:])  # below its half's mean
    if lr == 0.01:
        assert "SGD (η = 0.01) sits 0.005159 above the best on average" in text


def test_sgd_diverging_where_batches_survive_gives_the_lessons_advice():
    # /batch_size?lr=0.4: the review's link; by hand, SGD blows up and batches of 16 do not
    sgd, _ = reference_sgd(1, 0.4, 10)
    mini, _ = reference_sgd(16, 0.4, 10)
    start = sgd[0] + 0  # the gap at the start; divergence is the loss passing 10**12 times the start
    assert not np.all(np.isfinite(sgd)) or sgd.max() > 1e11 * start
    assert np.all(np.isfinite(mini)) and mini[-1] < mini[0]
    values = {**sc.DEFAULTS, "lr": 0.4}
    res = sc.result_of(values)
    text = " ".join(sc.notes(res, values))
    assert "lower the rate, or raise the batch size" in text
    assert res.diverged["text"].tolist() == [f"diverged in epoch {-(-res.shown['sgd'].diverged_at // 256)}"]
    plain = " ".join(sc.notes(sc.result_of(sc.DEFAULTS), sc.DEFAULTS))
    assert "raise the batch size" not in plain


def test_the_updates_axis_is_logarithmic_so_the_full_batchs_ten_updates_show():
    spec = charts.loss_chart(sc.result_of({**sc.DEFAULTS, "axis": "updates"}))
    kinds = {json.dumps(node.get("scale", {}).get("type")) for node in _x_encodings(spec)}
    assert '"symlog"' in kinds
    spec = charts.loss_chart(sc.result_of(sc.DEFAULTS))
    assert '"symlog"' not in {json.dumps(node.get("scale", {}).get("type")) for node in _x_encodings(spec)}


def _x_encodings(node):
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict) and isinstance(node["encoding"].get("x"), dict):
            yield node["encoding"]["x"]
        for v in node.values():
            yield from _x_encodings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _x_encodings(v)


@pytest.mark.parametrize(("at", "merged_at", "said"), [
    (12, 12, "Both runs diverged: 4 batches of 8 per update at step 12, one batch of 32 at step 12."),
    (12, -1, "4 batches of 8 per update diverged at step 12; one batch of 32 did not."),
    (-1, 9, "One batch of 32 diverged at step 9; 4 batches of 8 per update did not."),
])
def test_accumulation_says_which_run_diverged_and_never_a_step_minus_one(at, merged_at, said):
    from types import SimpleNamespace

    res = SimpleNamespace(accumulate=4, batch=8, accumulated=SimpleNamespace(diverged_at=at),
                          merged=SimpleNamespace(diverged_at=merged_at))
    assert sc.accumulation_text(res) == said
