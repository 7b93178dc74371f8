"""Which optimizer reaches the bottom first? The race's own numbers, against independent references."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

from core import optimizers, surfaces
from dashboard import registry
from dashboard.scenarios import optimizer_race as sc

from .apptest_tools import errors, metrics, notice, run_page

PAGE = "optimizer_race.py"


def _first_within(surface, optimizer, lr, steps, start, eps) -> int:
    """A reference from one run alone, by a plain loop: the first step from which f - min stays <= eps
    to the end (-1 if it ends above or diverged)."""
    run = surfaces.optimize(surface, optimizer=optimizer, lr=lr, steps=steps, start=start)
    if run.diverged_at[0] >= 0:
        return -1
    gap = run.loss[:, 0] - surface.global_min_value
    settled = -1
    for t in range(len(gap) - 1, -1, -1):
        if gap[t] > eps:
            break
        settled = t
    return settled


def test_the_tuned_rate_is_the_first_to_arrive_among_runs_made_one_by_one():
    s = surfaces.get("bowl")
    sw = sc.sweep("bowl", 200, 0.9, 0.9, 0.999, None)
    for key in ("sgd", "adam"):
        opt = sc.build(key, 0.9, 0.9, 0.999)
        arrivals = [_first_within(s, opt, lr, 200, s.start, sw.eps) for lr in sc.rates()]
        finite = [(a, i) for i, a in enumerate(arrivals) if a >= 0]
        assert finite, key
        fastest_step = min(a for a, _ in finite)
        assert arrivals[sw.best[key]] == fastest_step, key
    # Gradient descent on the bowl f = (x² + 10 y²)/2: the rate 2/(1 + 10) = 0.18 balances both directions.
    assert sc.rates()[sw.best["sgd"]] == pytest.approx(0.18)


def test_the_lesson_claim_a_tuned_momentum_beats_an_untuned_adam():
    at = run_page(PAGE)
    at.button(key="preset-momentum-adam").click().run()
    assert errors(at) == []
    shown = metrics(at)
    momentum, adam = shown["Momentum"], shown["Adam"]
    assert momentum.endswith(" steps") and int(momentum.split()[0]) < 100
    assert adam == "not within ε", "Adam at η = 0.0024 crawls on Rosenbrock's valley"
    # The same two runs by hand, from (-1.2, 1) for 300 steps:
    s = surfaces.get("rosenbrock")
    eps = 1e-3 * float(s.value(s.start))
    assert _first_within(s, optimizers.get("sgd", momentum=0.9), 0.0018, 300, s.start, eps) == int(momentum.split()[0])
    assert _first_within(s, optimizers.get("adam"), 0.0024, 300, s.start, eps) == -1


def test_the_default_race_states_its_numbers():
    at = run_page(PAGE)
    assert errors(at) == []
    assert metrics(at) == {"First: Momentum": "67 steps", "Gradient descent": "not within ε",
                           "Momentum": "67 steps", "Adam": "177 steps"}
    text = notice(at)
    assert "**Momentum** comes within ε first, at step **67** (η = 0.0018)" in text
    assert "Inside **Adam** at step 300" in text


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
    assert "range(120)" in code and "torch.tensor([-1.2, 1]" in code


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
    assert errors(at) == [] and "torch.tensor([2, -1]" in at.code[0].value
