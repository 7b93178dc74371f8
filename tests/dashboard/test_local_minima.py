"""Can training get stuck? The view's numbers against hand counts, plain loops and the core network."""

from __future__ import annotations

import numpy as np
import pytest

from core import datasets, surfaces, tiny_net
from dashboard.charts import common
from dashboard.charts import local_minima as charts
from dashboard.scenarios import local_minima as sc

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "local_minima.py"


def test_the_default_restart_fraction_is_the_hand_count_of_starts_left_of_the_ridge():
    res = sc.compute_restarts(sc.DEFAULTS)
    s = surfaces.get("two_minima_1d")
    starts = np.random.default_rng(0).uniform(-2.2, 2.2, 100)  # the seeded starts, drawn here by hand
    assert np.array_equal(res.starts[:, 0], starts)
    left = int(np.sum(starts < s.saddles[0, 0]))
    assert res.counts == {"global": left, "local": 100 - left, "unsettled": 0, "diverged": 0} and left == 46
    # Every run settled in its minimum: the last points are the minima themselves.
    np.testing.assert_allclose(res.finals[:, 0], s.minima[res.basin, 0], atol=1e-9)


def test_fading_noise_lifts_runs_out_of_the_shallow_well():
    assert list(sc.fading(10.0, 4)) == [10.0, 5.0, 0.0, 0.0]
    quiet, noisy = sc.compute_restarts(sc.DEFAULTS), sc.compute_restarts(sc.NOISY_RESTARTS)
    assert np.array_equal(quiet.starts, noisy.starts)
    assert noisy.counts["global"] == 75 > quiet.counts["global"] + 20
    # The noise is gone by the halfway step, so every noisy run still settles at a minimum.
    np.testing.assert_allclose(noisy.finals[:, 0], surfaces.get("two_minima_1d").minima[noisy.basin, 0], atol=1e-9)
    # Some runs that started in the shallow basin end in the deep one.
    top = surfaces.get("two_minima_1d").saddles[0, 0]
    assert np.sum((noisy.starts[:, 0] > top) & (noisy.basin == 0)) > 20


def test_the_two_wells_count_every_run_once_and_draw_their_paths():
    res = sc.compute_restarts({**sc.DEFAULTS, "surface": "two_minima_2d"})
    assert sum(res.counts.values()) == 100 and res.counts["diverged"] == 0
    assert set(res.paths["series"]) == {str(r) for r in range(100)}
    assert res.paths.groupby("series").size().max() <= sc.PATH_ROWS
    landed = surfaces.basin_of("two_minima_2d", res.finals)
    assert np.array_equal(landed, res.basin)


def test_the_saddle_runs_follow_the_linear_recursion_near_the_ridge():
    """Near the saddle point f ≈ x² − y²: gradient descent multiplies x by 1 − 2η and y by 1 + 2η each step."""
    tr = sc.compute_traps(sc.DEFAULTS)
    eta, path = 0.01, tr.points["sgd"]
    t = np.arange(201)
    np.testing.assert_allclose(path[:201, 0], -2.5 * (1 - 2 * eta) ** t, rtol=1e-12)
    np.testing.assert_allclose(path[:201, 1], 1e-8 * (1 + 2 * eta) ** t, rtol=1e-6)
    assert tr.escaped == {"sgd": -1, "momentum": 188, "noisy": 282, "adam": 166}
    on_ridge = sc.compute_traps(sc.ON_THE_RIDGE)
    assert on_ridge.escaped["sgd"] == on_ridge.escaped["momentum"] == on_ridge.escaped["adam"] == -1
    assert np.all(on_ridge.points["momentum"][:, 1] == 0.0) and on_ridge.escaped["noisy"] > 0
    assert on_ridge.gaps["sgd"][-1] == pytest.approx(tr.trap_gap + (2.5 * 0.98 ** 500) ** 2, rel=1e-12) and tr.trap_gap == pytest.approx(2.5)


def test_on_the_plateau_only_adam_reaches_the_well():
    tr = sc.compute_traps(sc.THE_PLATEAU)
    assert tr.escaped["adam"] == 135 and tr.escaped["sgd"] == tr.escaped["momentum"] == -1
    # Plain steps are η times a gradient of about 4e-4: the whole run moves less than a tenth.
    moved = np.linalg.norm(tr.points["sgd"][-1] - tr.points["sgd"][0])
    assert moved < 0.1 and np.linalg.norm(surfaces.get("plateau").grad(np.array(tr.start))) < 5e-4


def test_the_networks_are_core_training_and_the_landscape_is_centred_on_the_best():
    net = sc.compute_network(sc.DEFAULTS)
    data = datasets.two_moons(n=100, noise=0.3, seed=0)
    runs = tiny_net.train(data.X, data.y, hidden=8, runs=30, steps=500, lr=0.05, optimizer="adam", seed=0)
    np.testing.assert_array_equal(net.final, runs.loss[-1])
    centre = net.landscape[(net.landscape["x"] == 0) & (net.landscape["y"] == 0)]["value"]
    assert float(centre.iloc[0]) == pytest.approx(net.final.min(), rel=1e-12)
    assert net.landscape["value"].min() >= net.final.min() * 0.99  # the best weights sit at a low point
    assert net.near == 28 and net.runs == 30
    narrow = sc.compute_network(sc.NARROW_NETWORK)
    assert narrow.near < 10 and np.median(narrow.final) > 1.5 * narrow.final.min()


def test_dot_stacks_pile_equal_values():
    assert list(sc.dot_stacks(np.array([1.0, 1.0, 2.0, 1.0, 3.0]), bins=2)) == [1, 2, 1, 3, 2]


def test_the_page_states_the_counts():
    at = run_page(PAGE)
    assert errors(at) == []
    shown = metrics(at)
    assert shown["Global minimum"] == "46 of 100"
    assert shown["Gradient descent off the saddle"] == "not in 500" and shown["Adam off the saddle"] == "step 166"
    assert shown["Networks near the best"] == "28 of 30"
    text = notice(at)
    assert "**46** settled in the global minimum and **54** in the local one" in text
    assert "is in its basin: 46 of the 100 starts (" in text and "with probability 0.539)" in text
    assert "None of the 100 runs that settled crossed the ridge" in text
    assert "momentum step 188" in text
    best_of = [m.value for m in at.markdown if m.value.startswith("**Best of k restarts.**")]
    # 46 of 100: 1 − 0.54² = 0.708, 1 − 0.54⁵ = 0.954, 1 − 0.54¹⁰ = 0.9979 (rounded down);
    # 0.54⁷ = 0.0134 and 0.54⁸ = 0.0072, so 8 restarts for 99%
    assert len(best_of) == 1 and "46% for 1, 71% for 2, 95.4% for 5, 99.7% for 10" in best_of[0]
    assert "**8** restarts find the global minimum at least 99%" in best_of[0]
    assert "**28** of them were still falling at the last step, so these are where training stopped" in text
    table = [m.value for m in at.markdown if m.value.startswith("| minimum")][0]
    assert "| global minimum | (-1.301) | -3.514 | 46 of 100 |" in table


@pytest.mark.parametrize(("query", "said", "not_said"), [
    # The review's links: momentum and a larger rate carry runs over the ridge ...
    ({"optimizer": "momentum"}, "**17** runs settled in the other well", "settled in the basin it started in"),
    ({"lr_1d": "0.1"}, "**15** runs settled in the other well", "only go downhill"),
    # ... every run diverged ...
    ({"lr_1d": "1"}, "**100** diverged", "crossed the ridge"),
    # ... runs nowhere near a minimum are not counted in one ...
    ({"surface": "two_minima_2d", "lr_2d": "0.001"}, "**100** had not settled in either", "end in the global"),
    ({"steps": "100", "lr_1d": "0.001"}, "had not settled in either", "runs end there"),
    # ... a rate too large for the narrow deep well: the flat-minima lesson.
    ({"lr_1d": "0.2"}, "0.14 in the deep well and 0.214 in the shallow one. At η = 0.2 only the shallow one can",
     "neither holds"),
    # Noise is compared with no noise, whatever it does.
    ({"optimizer": "adam", "noise": "30"}, "**42** of 100 settle in the global minimum, against **46** without it: "
                                           "fewer of them", "the share in the global minimum rises"),
    ({"optimizer": "momentum", "noise": "100"}, "82 runs diverged", "close to chance"),
])
def test_the_reviews_links_say_what_the_runs_did(query, said, not_said):
    at = run_page(PAGE, query)
    assert errors(at) == []
    text = notice(at)
    assert said in text and not_said not in text


def test_a_pinned_share_changes_by_its_own_points():
    at = run_page(PAGE, {"noise": "30", "pin": "noise~0"})
    assert errors(at) == []
    global_minimum = [m for m in at.metric if m.label == "Global minimum"][0]
    assert global_minimum.value == "75 of 100" and global_minimum.delta == "+29 pts"  # 46 -> 75, not +2900


def test_one_colour_means_one_thing_on_the_page():
    """The outcomes of the restarts, the saddle's four runs and the networks near the best share no hue
    (grey is the page's neutral: a run that diverged, a network further from the best)."""
    outcomes = {colour for key, (_, colour) in sc.OUTCOMES.items() if key != "diverged"}
    runs = {colour for _, colour in sc.TRAP_RUNS.values()}
    near = {charts.NEAR_COLOURS["within 10% of the best"]}
    assert len(outcomes) == 3 and len(runs) == 4
    assert not outcomes & runs and not near & (outcomes | runs)


def test_the_dashed_line_is_half_the_trap_and_no_stuck_run_hides_under_it():
    """The dashed line is the escape threshold, half the trap's height: gradient descent stuck on the
    saddle (2.5 above the minimum) and the three runs stuck on the plateau (1) are drawn above it."""
    for values, height in ((sc.DEFAULTS, 2.5), (sc.THE_PLATEAU, 1.0)):
        tr = sc.compute_traps(values)
        spec = charts.trap_loss_chart(tr)
        rules = common.as_frame(spec["datasets"]["notes"]).query("kind == 'rule'")
        assert list(rules["shown"]) == pytest.approx([height / 2]) and tr.escape_gap == pytest.approx(height / 2)
        curves = common.as_frame(spec["datasets"]["curves"])
        stuck = [key for key in sc.TRAP_RUNS if tr.escaped[key] < 0 and tr.diverged[key] < 0]
        assert stuck and all(curves.query("series == @key")["shown"].min() > 1.5 * tr.escape_gap for key in stuck)


def test_the_landscape_marks_the_best_weights_with_a_dot_like_its_legend():
    spec = charts.landscape_chart(sc.network(sc.DEFAULTS))
    marks = common.as_frame(spec["datasets"]["marks"])
    assert list(marks["kind"]) == ["now"]  # drawn as a circle, the legend's symbol
    assert marks["text"].iloc[0].startswith("the best network's weights, loss 0.136")


def test_the_saddles_start_label_says_its_offset():
    texts = {offset: list(common.as_frame(charts.trap_contour_chart(
        sc.compute_traps({**sc.DEFAULTS, "offset": offset}))["datasets"]["marks"])["text"]) for offset in sc.OFFSETS}
    assert texts == {"0": ["start, y = 0", "saddle point"], "1e-12": ["start, y = 1e-12", "saddle point"],
                     "1e-08": ["start, y = 1e-8", "saddle point"], "0.0001": ["start, y = 1e-4", "saddle point"]}


def test_the_rate_sweep_is_the_restarts_at_each_rate_without_noise():
    """At a rate of the sweep, its counts are the page's own restarts at that rate with no noise; on the two
    wells, gradient descent holds 66 runs in the deep well up to η = 0.4 and none at 0.63, above 2 / λ = 0.62."""
    values = {**sc.DEFAULTS, "surface": "two_minima_2d", "noise": "30"}
    sw = sc.compute_sweep(values)
    for rate in (0.01, 0.25, 0.63):
        quiet = sc.compute_restarts({**values, "lr_2d": rate, "noise": "0"})
        at = list(sw.rates).index(rate)
        assert {key: int(sw.counts[key][at]) for key in sc.OUTCOMES} == quiet.counts
    rates = list(sw.rates)
    assert sw.counts["global"][rates.index(0.4)] == 66 and sw.counts["global"][rates.index(0.63)] == 0
    assert sw.settle_rates[0] == pytest.approx(0.62, abs=0.005)
    spec = charts.sweep_chart(sw, 0.25)
    rules = common.as_frame(spec["datasets"]["rules"])
    assert list(rules["kind"]) == ["now", "limit"]  # the shallow well's limit, 1.02, is off the axis
    assert list(rules["rate"]) == pytest.approx([0.25, sw.settle_rates[0]])
    momentum = charts.sweep_chart(sc.compute_sweep({**values, "optimizer": "momentum"}), 0.25)
    assert list(common.as_frame(momentum["datasets"]["rules"])["kind"]) == ["now"]  # 2 / λ is gradient descent's


def test_the_rate_sweep_takes_the_first_100_starts_and_says_so():
    """16 rates of 200 two-well runs of 2,000 steps took 2.6 s: over what one click may cost. Past 100 starts
    the sweep keeps the page's first 100 (the same points), and its caption says so."""
    many = {**sc.DEFAULTS, "surface": "two_minima_2d", "restarts": 200, "steps": 2000}
    sw = sc.compute_sweep(many)
    page = sc.compute_restarts({**many, "lr_2d": 0.25})  # the page's 200 runs, no noise, at a rate of the sweep
    outcome = sc._outcome_keys(page.basin[:100])
    first = {key: int(np.sum(outcome == key)) for key in sc.OUTCOMES}
    assert sw.runs == 100 and {k: int(sw.counts[k][list(sw.rates).index(0.25)]) for k in sc.OUTCOMES} == first
    at = run_page("local_minima.py", {"surface": "Two wells (2-D)", "restarts": "200"})
    assert any(c.value.startswith("The first 100 of the starts at every other rate") for c in at.caption)
