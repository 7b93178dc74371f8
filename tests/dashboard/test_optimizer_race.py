"""Which optimizer reaches the bottom first? The race's own numbers, against independent references."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

from core import surfaces
from dashboard import registry, words
from dashboard.scenarios import optimizer_race as sc
from dashboard.shared import optimizer_race as says

from . import race_oracle as oracle
from .apptest_tools import errors, metrics, notice, run_page

PAGE = "optimizer_race.py"


def test_the_tuned_rate_is_the_first_to_arrive_among_runs_made_one_by_one():
    sw = sc.sweep("bowl", 200, 0.9, 0.9, 0.999, None)
    start = surfaces.get("bowl").start
    for key in ("sgd", "adam"):
        arrivals = []
        for lr in sc.rates():
            points, f, gone = oracle.run(key, "bowl", float(lr), 200, start, 0.9, 0.9, 0.999)
            arrivals.append(-1 if gone >= 0 else oracle.arrived_at(points, f, "bowl"))
        finite = [a for a in arrivals if a >= 0]
        assert finite and sw.arrived[key], key
        assert arrivals[sw.best[key]] == min(finite), key
    # Gradient descent on the bowl f = (x² + 10 y²)/2: the rate 2/(1 + 10) = 0.18 balances both directions.
    assert sc.rates()[sw.best["sgd"]] == pytest.approx(0.18)


def test_the_lesson_claim_a_tuned_momentum_beats_an_untuned_adam():
    at = run_page(PAGE)
    at.button(key="preset-momentum-adam").click().run()
    assert errors(at) == []
    shown = metrics(at)
    assert shown["First: Momentum"] == shown["Momentum"] == "232 steps"
    assert shown["Adam"] == "stalled", "Adam at η = 0.0024 creeps along Rosenbrock's valley: 0.2% lower in its last 30 steps"
    # The same two runs by hand, from (-1.2, 1) for 300 steps:
    start = surfaces.get("rosenbrock").start
    points, f, _ = oracle.run("momentum", "rosenbrock", 0.0018, 300, start, 0.9, 0.9, 0.999)
    assert oracle.arrived_at(points, f, "rosenbrock") == 232
    assert np.hypot(*(points[-1] - [1.0, 1.0])) < 0.01 * np.hypot(*(start - [1.0, 1.0]))
    points, f, _ = oracle.run("adam", "rosenbrock", 0.0024, 300, start, 0.9, 0.9, 0.999)
    assert oracle.arrived_at(points, f, "rosenbrock") == -1 and f[-1] > 4  # still far above: 4.217 in torch


def test_the_default_race_states_its_numbers():
    at = run_page(PAGE)
    assert errors(at) == []
    assert metrics(at) == {"First: Momentum": "232 steps", "Gradient descent": "still falling",
                           "Momentum": "232 steps", "Adam": "still falling"}
    text = notice(at)
    assert "**Momentum** arrives first, at step **232** (η = 0.0018)" in text
    assert "(Gradient descent, Adam: no rate arrived, so the one that ended lowest)" in text
    assert "Inside **Adam** at step 300" in text


@pytest.mark.parametrize(("query", "first", "not_said"), [
    # The review's two links: gradient descent "won in 2 steps" 0.68 from the minimum.
    ({"surface": "line_fit"}, "First: Adam", "First: Gradient descent"),
    ({"own_start": "true", "x0": "-5", "y0": "5"}, "First: Momentum", "First: Gradient descent"),
])
def test_the_reviews_links_name_a_winner_that_arrived(query, first, not_said):
    at = run_page(PAGE, query)
    assert errors(at) == []
    shown = metrics(at)
    assert first in shown and not_said not in shown


def test_a_start_on_a_stationary_point_is_said_and_nobody_is_said_to_race():
    at = run_page(PAGE, {"surface": "bowl", "own_start": "true", "x0": "0", "y0": "0"})
    assert errors(at) == []
    assert "The race starts at the minimum itself" in notice(at)
    at = run_page(PAGE, {"surface": "saddle", "own_start": "true", "x0": "0", "y0": "0"})
    assert "starts where the gradient is zero" in notice(at)
    assert metrics(at)["First to arrive"] == "nobody"
    assert "stalled at the saddle point" in says.table_markdown(sc.compute({**sc.DEFAULTS, "surface": "saddle",
                                                                           "own_start": True, "x0": 0.0, "y0": 0.0}))


def test_the_pytorch_code_writes_every_beta_as_a_float():
    values = {**sc.DEFAULTS, "beta1": 0.0, "run_adamw": True, "tuned": False}
    race = sc.compute(values)
    for key in ("adam", "adamw"):
        assert "betas=(0.0, 0.999)" in sc.torch_code(race, values, key)


def test_the_scrubber_moves_the_dots_and_the_internals_say_the_numbers_of_that_step():
    at = run_page(PAGE)
    at.slider(key="k").set_value(1).run()
    assert errors(at) == []
    text = notice(at)
    # Adam's first step from (-1.2, 1) on Rosenbrock: g = (-215.6, -88), m̂ = g, √v̂ = |g|, step = 1 · sign(-g).
    s = surfaces.get("rosenbrock")
    g = s.grad(s.start)
    np.testing.assert_allclose(g, [-215.6, -88.0])
    assert "gradient g (-215.6, -88)" in text and "step taken (1, 1)" in text


@pytest.mark.parametrize("key", sc.RACERS)
def test_the_pytorch_code_names_the_class_and_the_page_s_values(key):
    values = {**sc.DEFAULTS, f"run_{key}": True, "tuned": False, f"lr_{key}": 0.01, "mu": 0.8, "beta1": 0.85,
              "beta2": "0.99", "steps": 120}
    race = sc.compute(values)
    code = sc.torch_code(race, values, key)
    ast.parse(code)
    call = re.search(r"optimizer = torch\.optim\.(\w+)\(\[p\], (.*)\)", code)
    assert call.group(1) == {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad",
                             "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}[key]
    args = call.group(2)
    assert "lr=0.01" in args
    entry = registry.OPTIMIZERS[key]
    assert ("momentum=0.8" in args) == ("momentum" in entry.defaults)
    assert ("nesterov=True" in args) == (key == "nesterov")
    assert ("betas=(0.85, 0.99)" in args) == (key in ("adam", "adamw"))
    assert ("weight_decay=0.01" in args) == (key == "adamw")
    assert "range(120)" in code and "torch.tensor([-1.2, 1.0]" in code


@pytest.mark.parametrize("key", sc.RACERS)
def test_the_pytorch_code_runs_to_core_s_point_where_torch_is_installed(key):
    pytest.importorskip("torch")
    values = {**sc.DEFAULTS, f"run_{key}": True, "tuned": False, f"lr_{key}": 0.001, "steps": 50}
    race = sc.compute(values)
    scope: dict = {}
    exec(compile(sc.torch_code(race, values, key).replace("print(", "_ = ("), "race", "exec"), scope)
    np.testing.assert_allclose(scope["p"].detach().numpy(), race.points[key][-1], rtol=1e-10, atol=1e-12)


def test_every_surface_races_without_error_and_the_start_can_be_chosen():
    for surface in sc.SURFACES:
        at = run_page(PAGE, {"surface": surface})
        assert errors(at) == [], surface
    at = run_page(PAGE, {"own_start": "true", "x0": "2", "y0": "-1"})
    assert errors(at) == [] and "torch.tensor([2.0, -1.0]" in at.code[0].value


def test_with_every_toggle_off_the_page_says_who_races():
    # The review: with every toggle off, gradient descent raced although its toggle showed off.
    off = {f"run_{k}": "false" for k in sc.RACERS}
    at = run_page(PAGE, off)
    assert not errors(at)
    alone = words.of("optimizer_race")("notice.no-racer")
    assert alone == "With no optimizer switched on, gradient descent races alone."
    assert any(alone in c.value for c in at.sidebar.caption)
    assert [r.key for r in sc.compute({**sc.DEFAULTS, **{f"run_{k}": False for k in sc.RACERS}}).racers] == ["sgd"]
    assert not any(alone in c.value for c in run_page(PAGE).sidebar.caption)



def test_the_noise_preset_lifts_gradient_descent_out_of_the_shallow_well():
    """Review 9: the lesson's "noise can push the optimization out of shallow local minima", on Two minima."""
    at = run_page(PAGE)
    at.button(key="preset-noise").click().run()
    assert errors(at) == []
    assert at.slider(key="sigma").value == 2.0
    assert metrics(at) == {"First: Gradient descent": "149 steps", "Gradient descent": "149 steps"}
    text = notice(at)
    assert "Gradient noise σ = 2" in text
    assert ("The noise brings Gradient descent to the deep minimum: at the same rate without it, Gradient descent "
            "stalled at the other, shallower minimum, 0.8561 above the minimum.") in text
    assert "p.grad += sigma * max(0.0, 1 - 2 * (step + 1) / 300) * xi[step]" in at.code[0].value
    # Without the noise, the same race stalls in the shallow well (the review's f − min 0.856).
    at.slider(key="sigma").set_value(0.0).run()
    assert metrics(at)["Gradient descent"] == "stalled" and "Gradient noise" not in notice(at)
    assert "xi" not in at.code[0].value


def test_noise_zero_leaves_the_race_and_its_code_as_they_were():
    race = sc.compute(sc.DEFAULTS)
    assert race.noise == 0.0 and all(r.quiet is None for r in race.racers) and sc.noise_claims(race) == []
    code = sc.torch_code(race, sc.DEFAULTS, "adam")
    assert "numpy" not in code and "p.grad" not in code
    assert len(says.math_blocks(race, "adam")) == len(race.racers) + 1


@pytest.mark.parametrize("key", sc.RACERS)
def test_the_pytorch_code_adds_the_same_noise_where_torch_is_installed(key):
    pytest.importorskip("torch")
    values = {**sc.DEFAULTS, f"run_{key}": True, "surface": "two_minima_2d", "sigma": 3.0, "steps": 120}
    race = sc.compute(values)
    scope: dict = {}
    exec(compile(sc.torch_code(race, values, key).replace("print(", "_ = ("), "race", "exec"), scope)
    np.testing.assert_allclose(scope["p"].detach().numpy(), race.points[key][-1], rtol=1e-10, atol=1e-12)
