"""The learning-rate view's own numbers: its page in AppTest, its scenario and chart modules on their own.

References are written here, independently of the view's code path: the Hessian's eigenvalues from the
2x2 closed form, the optimum from numpy.polyfit, and the runs from a plain per-step loop of gradient
descent (and of torch-style momentum) written from the update rule. What every view does (it loads,
each control changes the output, a link reproduces the scenario, bad link values fall back, presets and
pinning) is the contract suite's (tests/dashboard/test_view_contract.py).
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import numpy as np
import pytest

from dashboard import palette, registry
from dashboard.charts import common
from dashboard.charts import learning_rate as charts
from dashboard.charts import paths as run_charts
from dashboard.formatting import fmt, pct
from dashboard.layout import CODE_KEY, DOWNLOAD_KEY
from dashboard.scenarios import learning_rate as sc

from .apptest_tools import errors, metrics, notice, open_math, run_page
from .chart_tools import assert_valid_vega_lite
from .learning_rate_oracle import _data, _diverged_at, _hessian_eigenvalues, _optimum, _run, _within

PAGE = "learning_rate.py"
DEFAULTS = {"small": 0.0025, "good": 0.02, "large": 0.032, "opt": "sgd", "sched": "constant", "steps": 300,
            "center": False}


# --------------------------------------------------------------------------- the page's numbers
def test_default_rates_crawl_converge_and_diverge():
    """The defaults are about 0.1x, 0.8x and just above 1x the critical rate, rounded onto the sliders."""
    x, y = _data()
    crit = 2 / _hessian_eigenvalues(x)[1]
    assert sc.default_rates() == {"too small": DEFAULTS["small"], "good": DEFAULTS["good"], "too large": DEFAULTS["large"]}
    assert DEFAULTS["small"] < 0.15 * crit < 0.7 * crit < DEFAULTS["good"] < crit < DEFAULTS["large"] < 1.3 * crit
    optimum = _optimum(x, y)[2]
    small, good, large = (_run(x, y, DEFAULTS[k], 300) for k in ("small", "good", "large"))
    assert _diverged_at(small) == _diverged_at(good) == -1 and _within(small, optimum) == -1
    assert _within(good, optimum) > 0 and _diverged_at(large) > 0


def test_live_numbers_of_the_default_scenario():
    at = run_page(PAGE)
    x, y = _data()
    lam_min, lam_max = _hessian_eigenvalues(x)
    crit, optimum = 2 / lam_max, _optimum(x, y)[2]
    small, good, large = (_run(x, y, DEFAULTS[k], 300) for k in ("small", "good", "large"))
    k_large, k_good = _diverged_at(large), _within(good, optimum)
    text = notice(at)
    assert f"critical rate **{fmt(crit)}**: two divided by the valley's steepest curvature ({fmt(lam_max)}" in text
    assert f"**Too large (η=0.032)** ({fmt(0.032 / crit, 3)} × the critical rate): diverged at step {k_large}" in text
    assert f"**Good (η=0.02)** ({fmt(0.02 / crit, 3)} × the critical rate): within 1% of the optimum at step {k_good}" in text
    assert (f"after 300 steps the MSE is {fmt(small[-1])}, still {pct(small[-1] / optimum - 1)} above the optimum "
            f"{fmt(optimum)}") in text
    assert f"the valley is {fmt(lam_max / lam_min, 3)} times more curved across than along" in text
    assert f"at most {pct(lam_min * 2 / lam_max, 1)} even at the critical rate" in text
    assert "the cliff sits right at the critical rate" in text
    assert metrics(at) == {"Too small (η=0.0025)": "not in 300", "Good (η=0.02)": f"{k_good} steps",
                           "Too large (η=0.032)": f"diverged at step {k_large}"}
    assert (fmt(crit), k_good, k_large, fmt(optimum)) == ("0.02589", 182, 36, "1.157")  # the lesson text's numbers


def test_live_numbers_with_momentum_and_centered_x():
    at = run_page(PAGE, {"opt": "Momentum", "center": "true"})
    assert not errors(at)
    x, y = _data(center=True)
    lam_min, lam_max = _hessian_eigenvalues(x)
    optimum = _optimum(x, y)[2]
    text = notice(at)
    assert f"critical rate **{fmt(2 / lam_max)}**" in text and f"by the factor 1 + μ, to {fmt(3.8 / lam_max)}" in text
    assert "That line is plain GD's bound at a constant rate" in text
    assert f"only {fmt(lam_max / lam_min, 3)} times more curved across than along" in text
    # With momentum every run converges: the slider names get what the runs did added.
    names = {"small": "Too small (η=0.0025), now converges", "good": "Good (η=0.02)",
             "large": "Too large (η=0.032), now stable, and the fastest"}
    for key, name in names.items():
        k = _within(_run(x, y, DEFAULTS[key], 300, momentum=0.9), optimum)
        assert k > 0 and metrics(at)[name] == f"{k} steps"


def test_the_lesson_says_where_the_large_rate_diverged_and_how_long_the_small_one_would_take():
    # The lesson preset's link: the lesson's "10 minutes instead of 6 hours", in steps.
    at = run_page(PAGE, {"small": "0.00001", "good": "0.01", "large": "1"})
    text, (x, y) = notice(at), _data()
    k = _diverged_at(_run(x, y, 1.0, 300))
    assert k > 0 and f"diverged at step {k}" in text and metrics(at)["Too large (η=1)"] == f"diverged at step {k}"
    assert _within(_run(x, y, 0.01, 400), _optimum(x, y)[2]) == 364  # by the plain loop; 364,681 by the same rule
    assert "would get within 1% of the optimum at step 364,681" in text
    assert "would get within 1% of the optimum at step 364 " in text
    assert sc.LESSON == {**DEFAULTS, "small": 1e-05, "good": 0.01, "large": 1.0}


def test_a_schedule_adds_its_chart_and_its_formula():
    at = run_page(PAGE, {"sched": "Step decay", "steps": "90"})
    assert not errors(at) and len(at.get("vega_lite_chart")) == 4
    assert at.selectbox(key=DOWNLOAD_KEY).options == [  # the downloads offer the schedule's chart too
        "Loss valley paths", "Loss curves", "Learning rate schedule", "Learning rate sweep"]
    (spec,) = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")
               if any(d.name == "shape" for d in c.proto.datasets)]
    assert spec["mark"]["interpolate"] == "step-after"  # η/10 from step 30 on, not a ramp from 29 to 30
    assert "Step decay keeps η for steps 0–29, then η/10 from step 30 and η/100 from step 60 onwards." in notice(at)
    assert any(r"0.1^{\lfloor t/30 \rfloor}" in latex.value for latex in open_math(at).get("latex"))


@pytest.mark.parametrize("params", [
    {"small": "1e-05", "good": "1e-05", "large": "1e-05", "steps": "10"}, {"small": "10", "good": "10", "large": "10", "steps": "1000"},
    {"opt": "Adam", "large": "10", "sched": "Exponential decay"},
    {"opt": "Momentum", "sched": "Warmup, then cosine", "steps": "10", "center": "true"}])
def test_extreme_settings_draw_without_error(params):
    at = run_page(PAGE, params)
    assert not errors(at) and len(at.get("vega_lite_chart")) >= 3


def test_adam_says_its_best_rate_fits_this_problem_only_and_its_common_confusion():
    def confusions(at):
        return [c.value for c in at.caption if "Common confusion" in c.value]

    at = run_page(PAGE, {"opt": "Adam"})
    best = sc.cached_sweep("adam", "constant", 300, False).best_lr
    assert f"Adam's best rate here ({fmt(best)}) suits this two-parameter line fit only" in notice(at)
    (note,) = confusions(at)
    assert "size of that weight's recent gradients, not by how often" in note
    assert confusions(run_page(PAGE)) == []


def test_centering_says_which_runs_sped_up_and_why_the_small_one_did_not():
    text = notice(run_page(PAGE, {"center": "true"}))
    (xc, y), (x, _) = _data(center=True), _data()
    opt_c, opt = _optimum(xc, y)[2], _optimum(x, y)[2]
    small_c, small = _run(xc, y, DEFAULTS["small"], 300), _run(x, y, DEFAULTS["small"], 300)
    # The too-small run ends further off centered (about 7x the optimum) than uncentered (15% above).
    assert small_c[-1] / opt_c > 6 and small[-1] / opt < 1.2
    assert (f"too small: {fmt(small_c[-1] / opt_c, 3)}× the optimum at the end (uncentered: {pct(small[-1] / opt - 1, 0)} "
            "above the optimum at the end)") in text  # a ratio below 2 is said as a percentage above
    k_good_c, k_good = _within(_run(xc, y, 0.02, 300), opt_c), _within(_run(x, y, 0.02, 300), opt)
    assert f"good: within 1% at step {k_good_c} (uncentered: within 1% at step {k_good})" in text and k_good_c < k_good
    assert f"best intercept moves to the mean of y ({fmt(float(np.mean(y)))})" in text


def test_run_names_follow_what_the_runs_did():
    assert metrics(run_page(PAGE, {"center": "true"}))["Too large (η=0.032), now stable, and the fastest"]
    assert any(label.startswith("Too large (η=0.032), now stable")
               for label in metrics(run_page(PAGE, {"sched": "Warmup, then cosine"})))
    assert not any("now" in label for label in metrics(run_page(PAGE))), "the default does what the names say"
    # The review's links: a run sitting at the optimum wobbles by 1e-14, which is not blowing up; a
    # "too small" rate that diverges says so.
    assert sc.runs_of({**sc.LESSON, "opt": "adam"}).labels["too large"] == "too large (η=1), now stable, and the fastest"
    assert sc.runs_of({**DEFAULTS, "small": 10.0}).labels["too small"] == "too small (η=10), now diverges"


def test_a_short_run_tells_growth_as_a_ratio_and_never_calls_an_exploding_rate_survivable():
    at = run_page(PAGE, {"steps": "10"})
    x, y = _data()
    optimum, large = _optimum(x, y)[2], _run(x, y, 0.032, 10)
    assert _diverged_at(large) < 0 and large[-1] / optimum > 1e5  # not yet past the cut-off, but far off
    text = notice(at)
    assert f"still growing, ×{fmt((large[-1] / large[0]) ** (1 / 10), 3)} per step over the last 10" in text
    assert f"now at {fmt(large[-1] / optimum, 3)}× the optimum" in text
    assert not re.search(r"\d{7,}%", text.replace(",", ""))
    assert "Too large (η=0.032)" in metrics(at) and "now stable" not in "".join(metrics(at))
    # rates above the critical 0.02589 had not passed 10¹² in 10 steps (the review)
    assert _run(x, y, 0.05722, 10)[-1] > float(np.mean(y * y)) and "largest rate that survived" not in text
    assert "did not pass the divergence cut-off in 10 steps but ended above the start" in text


def test_bouncing_names_the_runs_that_zigzag_and_they_do():
    x, y = _data()
    text = notice(run_page(PAGE))
    assert f"A rate between {fmt(1 / _hessian_eigenvalues(x)[1])} and the critical rate" in text
    assert "Here good (η=0.02) zigzags like that" in text  # 0.01295 < 0.02 < 0.02589; 0.0025 and 0.032 are not
    # By hand: across the valley (the steep eigenvector), the good run's offset from the optimum flips sign each step.
    H, g0 = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]]), 2 * np.array([np.mean(x * y), np.mean(y)])
    steep, best, theta, signs = np.linalg.eigh(H)[1][:, 1], np.linalg.solve(H, g0), np.zeros(2), []
    for _ in range(8):
        theta = theta - 0.02 * (H @ theta - g0)
        signs.append(np.sign((theta - best) @ steep))
    assert all(a == -b for a, b in zip(signs, signs[1:])) and "Adam's best rate here" not in text


@pytest.mark.parametrize(("query", "shown"), [
    # The review's links: the lesson writes 0.00001; an off-grid rate snaps to the nearest the slider shows.
    ({"small": "0.00001", "good": "0.01", "large": "1"}, "Too small (η=0.00001)"),
    ({"good": "0.025119"}, "Good (η=0.025)"),
    ({"small": "1e-9"}, "Too small (η=0.0025)"),  # beyond the slider: the default
])
def test_a_link_rate_is_snapped_to_the_slider_not_dropped(query, shown):
    at = run_page(PAGE, query)
    assert errors(at) == [] and shown in metrics(at)


def test_the_code_is_drawn_once_its_expander_is_opened():
    at = run_page(PAGE)
    assert not at.code, "closed, the code costs the browser nothing"
    at.session_state[CODE_KEY] = True
    at.run()
    assert errors(at) == [] and len(at.code) == 3 and "lr=0.032" in at.code[2].value
    assert [t.label for t in at.tabs] == ["Too small (η=0.0025)", "Good (η=0.02)", "Too large (η=0.032)"]


# --------------------------------------------------------------------------- the charts
def _built(rates, optimizer, schedule, steps, center):
    prob, runs = sc.cached_problem(center), sc.three_runs(rates, optimizer, schedule, steps, center)
    sw = sc.train(optimizer, schedule, steps, center).sweep
    return prob, runs, sw, {
        "contour": charts.contour_chart(runs.surface, runs.cell, runs.window, runs.paths, runs.exits, runs.labels,
                                        prob.optimum),
        "curves": charts.loss_curves_chart(runs.curves, runs.diverged, runs.labels, prob.optimum_loss,
                                           prob.start_loss, steps),
        "sweep": charts.sweep_chart(sw.table, runs.table, runs.labels, critical=prob.critical, optimizer=optimizer,
                                    optimum=prob.optimum_loss,
                                    momentum_bound=sc.momentum_critical(prob) if optimizer == "momentum" else None),
        "schedule": charts.schedule_chart(sc.schedule_shape(schedule, steps), schedule)}


@pytest.mark.parametrize("rates, optimizer, schedule, steps, center", [
    ((0.0025, 0.02, 0.032), "sgd", "constant", 300, False), ((1e-05, 0.01, 1.0), "sgd", "constant", 1000, False),
    ((0.001, 0.01, 0.1), "momentum", "cosine", 500, True), ((10.0, 10.0, 10.0), "adam", "warmup", 10, False)])
def test_charts_are_valid_small_and_use_the_palette(rates, optimizer, schedule, steps, center):
    prob, runs, sw, built = _built(rates, optimizer, schedule, steps, center)
    specs = {}
    for name, spec in built.items():
        assert spec["width"] == (run_charts.CONTOUR_SIZE if name == "contour" else "container"), name
        assert_valid_vega_lite(spec)
        specs[name] = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, ensure_ascii=False)
        assert "@" not in specs[name], name  # every placeholder filled in
        assert name == "schedule" or all(colour in specs[name] for colour in palette.RATE_ROLES.values()), name
    x0, x1, y0, y1 = runs.window  # square, one scale on both axes
    assert x1 - x0 == pytest.approx(y1 - y0) and all(runs.labels[role] in specs["contour"] for role in sc.ROLES)
    # the sweep and the schedule are black: an optimizer's or a schedule's own colour here is also one of the
    # three runs' (momentum's green is "good", Adam's vermillion "too large"; the review's finding 5)
    assert f'"{palette.MARKER}"' in specs["sweep"] and f'"{palette.MARKER}"' in specs["schedule"]
    assert registry.SCHEDULES[schedule].colour not in specs["schedule"] or schedule == "constant"
    assert f"final MSE ({registry.OPTIMIZERS[optimizer].label})" in specs["sweep"]
    assert f"{registry.SCHEDULES[schedule].label}: × slider rate" in specs["schedule"]
    # The axes' extents come from each chart's extent corners (data), not from its spec.
    lines, notes = common.dataset(built["curves"], "curves"), common.dataset(built["curves"], "notes")
    (low, top), (first, last) = sorted(common.dataset(built["curves"], "extent")["shown"]), sorted(
        common.dataset(built["curves"], "extent")["step"])
    assert (first, last) == (0, steps) and 0 < low < top and lines["shown"].between(low, top).all()
    assert notes["shown"].between(low, top).all() and notes["step"].between(0, steps).all()
    assert list(notes.loc[notes["kind"] == "diverged", "text"]) == [
        f"diverged at step {s.diverged_at}" for s in runs.summaries if s.diverged]
    sweep, (sweep_low, sweep_high) = common.dataset(built["sweep"], "sweep"), sorted(
        common.dataset(built["sweep"], "extent")["shown"])
    assert len(sweep) == 100 and 0 < sweep_low < sweep_high and sweep["shown"].between(sweep_low, sweep_high).all()
    assert len(common.dataset(built["contour"], "bands")) + 2 * len(runs.paths) + 2 * (2 + len(runs.exits)) <= common.MAX_MARKS
    assert len(runs.curves) + 2 + 2 * len(runs.diverged) <= common.MAX_MARKS


def test_the_sweep_draws_the_excess_over_the_optimum_and_one_template_serves_every_scenario(monkeypatch):
    monkeypatch.setattr(common, "_TEMPLATES", {})  # counted from empty: other tests built some already
    prob, runs, sw, built = _built((0.0025, 0.02, 0.032), "sgd", "constant", 300, False)
    marks, rows = common.dataset(built["sweep"], "marks"), common.dataset(built["sweep"], "sweep")
    assert f"plain GD's critical rate {prob.critical:.3g}" in list(marks["text"])
    assert np.isinf(sw.table.loc[sw.table["diverged"], "final_loss"]).all()
    # The excess, floored at a millionth of the optimum: the too-small run (15% above) sits far above the
    # good one (at the optimum), not beside it on the floor.
    stable = ~rows["diverged"]
    assert rows.loc[stable, "shown"].to_numpy() == pytest.approx(
        np.maximum(rows.loc[stable, "final_loss"].to_numpy() - prob.optimum_loss, 1e-6 * prob.optimum_loss))
    small, good = (float(marks.loc[marks["role"] == r, "shown"].iloc[0]) for r in ("too small", "good"))
    assert small > 100 * good and list(marks.loc[marks["kind"] == "chosen", "role"]) == list(sc.ROLES)
    # Moving any control only refills data and placeholders: the spec the browser compares is the same text.
    for case in [((0.001, 0.01, 0.1), "momentum", "cosine", 500, True), ((1e-05, 0.1, 10.0), "adam", "warmup", 40, False)]:
        bounds = common.dataset(_built(*case)[3]["sweep"], "marks")
        assert list(bounds.loc[bounds["kind"] == "momentum", "lr"]) == (
            [pytest.approx(sc.momentum_critical(sc.cached_problem(True)))] if case[1] == "momentum" else [])
    again = charts.sweep_chart(sw.table, sc.three_runs((0.001, 0.01, 0.1), "sgd", "constant", 300).table, runs.labels,
                               critical=prob.critical, optimizer="sgd", optimum=prob.optimum_loss)
    assert not common.dataset(again, "marks").equals(marks)
    assert {k: v for k, v in again.items() if k != "datasets"} == {k: v for k, v in built["sweep"].items() if k != "datasets"}
    for schedule in sc.SCHEDULES:
        charts.schedule_chart(sc.schedule_shape(schedule, 90), schedule)
    for template in (run_charts._contour_template, run_charts._curves_template, charts._sweep_template,
                     charts._schedule_template):
        assert len(common._TEMPLATES[template]) == 1, template.__name__


def test_two_runs_diverging_close_together_write_their_notes_a_line_apart():
    prob, runs = sc.cached_problem(False), sc.three_runs((0.0025, 0.03, 0.032), "sgd", "constant", 300, False)
    assert sorted(runs.diverged["step"]) == [36, 51]
    notes = common.dataset(charts.loss_curves_chart(runs.curves, runs.diverged, runs.labels, prob.optimum_loss,
                                                    prob.start_loss, 300), "notes")
    gone = notes[notes["kind"] == "diverged"]
    heights = np.log10(gone["text_shown"].to_numpy())
    assert abs(heights[0] - heights[1]) > 0.3  # decades apart on the log axis (~18 px)
    assert (gone["shown"] == gone["shown"].max()).all()  # the triangles stay on the top edge
    marks = common.dataset(charts.contour_chart(runs.surface, runs.cell, runs.window, runs.paths, runs.exits,
                                                runs.labels, prob.optimum), "marks")
    exits = marks[marks["kind"] == "exit"]
    assert len(exits) == 2 and abs(exits["y_text"].diff().iloc[-1]) > 0.05 * (runs.window[3] - runs.window[2])


# ------------------------------------------------------------------ a learner's own data
def _mapped(x, y):
    """The upload's linear map onto x in [0, 10], y in [0, 20], written out here."""
    return 10 * (x - x.min()) / np.ptp(x), 20 * (y - y.min()) / np.ptp(y)


def _upload(x, y, rates=(0.0025, 0.02, 0.032), steps=300, opt="sgd"):
    prob, trained = sc.upload_training(SimpleNamespace(x=x, y=y), opt, "constant", steps, False)
    runs = sc.runs_of({**DEFAULTS, "small": rates[0], "good": rates[1], "large": rates[2], "steps": steps, "opt": opt},
                      prob, trained)
    return prob, runs, " ".join(sc.notice_points(prob, runs, trained.sweep, opt, "constant", steps))


def test_a_line_through_every_point_is_reached_to_a_millionth_of_the_start_not_to_1pct_of_round_off():
    # The review's file: 21 rows of y = -2x + 40 (x = 0..20). The optimum is ~1e-28, so "within 1%" of it
    # is out of float64's reach; the page's target is then a millionth of the start's gap.
    x = np.arange(21.0)
    mx, my = _mapped(x, -2 * x + 40)
    prob, runs, text = _upload(x, -2 * x + 40, steps=1000)
    start, best = float(np.mean(my * my)), _optimum(mx, my)[2]
    assert best < 1e-20 and prob.exact_fit
    good = _run(mx, my, 0.02, 1000)  # on all 21 mapped rows, step by step
    assert runs.summaries[1].steps_to_1pct == next(k for k, v in enumerate(good) if v <= best + 1e-6 * (start - best))
    assert "within a millionth of the starting error" in sc.headline_title(prob)
    assert "× the optimum" not in text and "e+" not in text
    small = _run(mx, my, 0.0025, 1000)[-1]
    assert f"{pct((small - best) / (start - best), 1)} of the starting gap above the optimum ≈ 0" in text


def test_a_skewed_upload_is_called_round_and_its_caption_gives_its_own_critical_rate():
    # The review's file: 29 x in [0, 5] and one at 100. Condition number about 4, not the built-in 165.
    x = np.r_[np.linspace(0, 5, 29), 100.0]
    prob, runs, text = _upload(x, 3 * x + np.random.default_rng(0).normal(size=30))
    lam_min, lam_max = _hessian_eigenvalues(_mapped(x, x)[0])
    assert lam_max / lam_min < sc.NARROW_CONDITION
    assert "A long, narrow valley" not in text and "fairly round" in text
    assert f"{fmt(lam_max / lam_min, 3)} times more curved" in text
    note = sc.upload_note(prob)
    assert f"critical rate is {fmt(2 / lam_max)} here" in note
    assert f"against {fmt(2 / _hessian_eigenvalues(_data()[0])[1])} for the built-in line" in note


@pytest.mark.parametrize("opt, tip", [("sgd", "Try **Center x**, or momentum."), ("momentum", "Try **Center x**.")])
def test_the_narrow_valley_suggests_only_what_is_not_already_on(opt, tip):
    prob, runs = sc.cached_problem(False), sc.runs_of({**DEFAULTS, "opt": opt})
    text = " ".join(sc.notice_points(prob, runs, sc.cached_sweep(opt, "constant", 300, False), opt, "constant", 300))
    assert "A long, narrow valley" in text and text.count("Try **Center x**") == 1 and tip in text


# ------------------------------------------------------------------ the PyTorch code
@pytest.mark.parametrize("opt, sched", [("sgd", "constant"), ("momentum", "step"), ("adam", "warmup"),
                                        ("sgd", "exponential"), ("momentum", "cosine")])
def test_the_pytorch_code_names_the_optimizer_the_rate_and_the_scheduler(opt, sched):
    code = sc.torch_code({**DEFAULTS, "opt": opt, "sched": sched, "steps": 200, "good": 0.01, "center": True}, "good")
    compile(code, "learning_rate", "exec")
    optimizer = {"sgd": "torch.optim.SGD([w], lr=0.01)", "momentum": "torch.optim.SGD([w], lr=0.01, momentum=0.9)",
                 "adam": "torch.optim.Adam([w], lr=0.01)"}[opt]
    # the schedule's settings for a run of 200 updates (the registry's: a third, 100 times smaller, a tenth)
    scheduler = {"constant": "scheduler = None", "step": "StepLR(optimizer, step_size=66, gamma=0.1)",
                 "exponential": "ExponentialLR(optimizer, gamma=", "cosine": "CosineAnnealingLR(optimizer, T_max=200)",
                 "warmup": "LinearLR(optimizer, start_factor=0.1, total_iters=20)"}[sched]
    assert optimizer in code and scheduler in code and "range(200)" in code and "x_np - x_np.mean()" in code
    assert ("scheduler.step()" in code) == (sched != "constant")
    if sched == "exponential":
        assert float(re.search(r"gamma=([0-9.e-]+)", code).group(1)) ** 200 == pytest.approx(0.01, rel=1e-9)
    scope: dict = {"np": np}  # the data lines rebuild the page's points exactly
    exec("\n".join(line for line in code.splitlines() if line.startswith(("rng =", "x_np =", "y_np ="))), scope)
    x, y = _data()
    assert np.array_equal(scope["x_np"], x) and np.array_equal(scope["y_np"], y)


@pytest.mark.parametrize("opt, sched", [("sgd", "constant"), ("momentum", "step"), ("adam", "warmup")])
def test_the_pytorch_code_lands_where_the_page_does_where_torch_is_installed(opt, sched):
    pytest.importorskip("torch")
    values, scope = {**DEFAULTS, "opt": opt, "sched": sched}, {}
    exec(compile(sc.torch_code(values, "good").replace("print(", "_ = ("), "learning_rate", "exec"), scope)
    final = float(((scope["w"][0] * scope["x"] + scope["w"][1] - scope["y"]) ** 2).mean().item())
    assert final == pytest.approx(sc.runs_of(values).summaries[1].final_loss, rel=1e-9)


def test_rates_still_growing_are_said_in_the_singular_or_plural_as_counted():
    one = sc._still_growing(np.array([0.5]), 0.63, adam=False, steps=30)
    assert one.startswith("The rate 0.5 did not pass the divergence cut-off in 30 steps") and "it is blowing up" in one
    assert one.endswith("0.63 and above did.")
    many = sc._still_growing(np.array([0.4, 0.5]), float("nan"), adam=True, steps=30)
    assert many.startswith("2 rates from 0.4 to 0.5 did not pass") and "Adam's steps" in many
