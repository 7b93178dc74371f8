"""The menus of dashboard.registry: every core item listed once, built as labelled, formulas whole."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import losses, optimizers, penalties, schedules
from dashboard import palette, registry

MENUS = {"optimizers": registry.OPTIMIZERS, "schedules": registry.SCHEDULES, "losses": registry.LOSSES,
         "penalties": registry.PENALTIES}
PALETTE = {v for k, v in vars(palette).items() if k.isupper() and isinstance(v, str) and v.startswith("#")}


def test_every_core_item_is_on_a_menu():
    assert set(registry.SCHEDULES) == set(schedules.NAMES)
    assert set(registry.LOSSES) == set(losses.NAMES)
    assert set(registry.PENALTIES) == set(penalties.NAMES)
    assert {e.core_name for e in registry.OPTIMIZERS.values()} == set(optimizers.NAMES)

# torch.optim's optimizer classes (PyTorch 2.x): where an optimizer entry's code must point
TORCH_OPTIM = {"Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "SparseAdam", "Adamax", "ASGD", "LBFGS", "NAdam",
               "RAdam", "RMSprop", "Rprop", "SGD"}


def test_an_optimizer_entry_holds_its_facts():
    """Adding an optimizer is core plus one row: its torch class, the knobs it reads and its race rate are the row's."""
    for key, entry in registry.OPTIMIZERS.items():
        assert entry.torch_class in TORCH_OPTIM, key
        assert 1e-4 <= entry.race_rate <= 10, key  # on the race's rate sliders
        assert set(entry.knobs) <= set(entry.build().hyper), key  # each knob is a setting of its core optimizer
        assert entry.set(momentum=0.5, betas=(0.8, 0.9)) == {k: {"momentum": 0.5, "betas": (0.8, 0.9)}[k]
                                                             for k in entry.knobs}


@pytest.mark.parametrize("menu", MENUS)
def test_entries_are_complete_and_distinct(menu):
    entries = MENUS[menu]
    for key, entry in entries.items():
        assert entry.id == key
        assert entry.colour in PALETTE, key
        assert entry.label and entry.latex
        assert entry.description.endswith(".") and "\n" not in entry.description and len(entry.description) < 110
    assert len({e.label for e in entries.values()}) == len(entries)
    # Two quantile losses share orange (they are one idea); every other menu has a hue per item.
    hues = {e.colour for e in entries.values()}
    assert len(hues) == len(entries) - (menu == "losses")


def _balanced(tex: str) -> bool:
    depth = 0
    for char in tex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("menu", MENUS)
def test_formulas_have_balanced_braces(menu):
    for entry in MENUS[menu].values():
        assert _balanced(entry.latex), entry.id
        if isinstance(entry, registry.ScheduleEntry):
            for steps in (10, 90, 1000):
                assert _balanced(entry.latex_at(steps)), (entry.id, steps)
        if isinstance(entry, registry.LossEntry) and entry.derivative:
            assert _balanced(entry.derivative), entry.id


def test_optimizer_entries_build_torchs_settings():
    built = {k: e.build() for k, e in registry.OPTIMIZERS.items()}
    assert built["sgd"].hyper["momentum"] == 0.0
    assert built["momentum"].hyper["momentum"] == 0.9 and not built["momentum"].hyper["nesterov"]
    assert built["nesterov"].hyper["momentum"] == 0.9 and built["nesterov"].hyper["nesterov"]
    assert built["adam"].hyper["betas"] == (0.9, 0.999) and built["adamw"].hyper["weight_decay"] == 0.01
    assert built["rmsprop"].hyper["alpha"] == 0.99
    # Overrides win over the menu's defaults.
    assert registry.OPTIMIZERS["momentum"].build(momentum=0.5).hyper["momentum"] == 0.5


def test_nesterov_entry_steps_as_torchs_rule():
    """One step of torch's Nesterov from a known velocity: v = mu v + g, theta -= lr (g + mu v)."""
    opt = registry.OPTIMIZERS["nesterov"].build()
    theta, g = np.array([[1.0, -2.0]]), np.array([[0.5, 0.25]])
    state = opt.init(theta)
    theta1, state = opt.step(theta, g, state, 0.1)
    np.testing.assert_allclose(theta1, theta - 0.1 * (g + 0.9 * g))  # v_1 = g (torch's first buffer)
    theta2, _ = opt.step(theta1, g, state, 0.1)
    v2 = 0.9 * g + g
    np.testing.assert_allclose(theta2, theta1 - 0.1 * (g + 0.9 * v2))


@pytest.mark.parametrize("name, t, factor", [
    ("constant", 89, 1.0),
    ("step", 29, 1.0), ("step", 30, 0.1), ("step", 60, 0.01),  # the lesson's 0.1 -> 0.01 -> 0.001 at 90 steps
    ("exponential", 90, 0.01), ("exponential", 45, 0.1),  # 100 times smaller at the end
    ("cosine", 45, 0.5), ("cosine", 0, 1.0),
    ("warm_restarts", 12, 1.0), ("warm_restarts", 6, 0.5), ("warm_restarts", 36, 1.0),  # cycles 12, 24, 48
    ("warmup", 0, 0.1), ("warmup", 9, 1.0), ("warmup", 9 + 81 // 2, 0.5 * (1 + math.cos(math.pi * 40 / 81))),
    ("one_cycle", 0, 1 / 25), ("one_cycle", 26, 1.0),
])
def test_schedule_entries_follow_the_run_length(name, t, factor):
    lr = registry.SCHEDULES[name].build(0.2, 90)
    assert lr(t) == pytest.approx(0.2 * factor, rel=1e-12)


def test_schedule_formula_and_sentence_carry_the_runs_numbers():
    step = registry.SCHEDULES["step"]
    assert step.latex == r"\eta_t = \eta\cdot \gamma^{\lfloor t/s \rfloor}"
    assert step.latex_at(90) == r"\eta_t = \eta\cdot 0.1^{\lfloor t/30 \rfloor}"
    assert step.sentence(90) == ("Step decay keeps η for steps 0–29, then η/10 from step 30 and η/100 from "
                                 "step 60 onwards.")
    assert step.sentence(100).endswith(", η/1000 from step 99.")
    assert "e^(−k) = 0.95012" in registry.SCHEDULES["exponential"].sentence(90)
    assert "over the first 9 steps" in registry.SCHEDULES["warmup"].sentence(90)
    assert r"25\cdot 10000" in registry.SCHEDULES["one_cycle"].latex_at(90)


def test_loss_and_penalty_entries_build_core_objects():
    y, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert registry.LOSSES["mse"].build()(y, p) == pytest.approx((1 + 0 + 9) / 3)
    assert registry.LOSSES["mae"].build()(y, p) == pytest.approx((1 + 0 + 3) / 3)
    assert registry.LOSSES["huber"].build(delta=1.0)(y, p) == pytest.approx((0.5 + 0 + 2.5) / 3)
    pen = registry.PENALTIES["elastic_net"].build(2.0, 0.25)
    assert (pen.l1, pen.l2) == (0.5, 1.5)


def test_labels_and_colours_follow_the_ids_asked_for():
    assert registry.labels(registry.LOSSES, ["mae", "mse"]) == {"mae": "MAE", "mse": "MSE"}
    assert list(registry.colours(registry.PENALTIES)) == list(penalties.NAMES)


def test_no_penalty_wears_the_colour_of_training_or_validation_error():
    # The regularization view draws both on one page: orange "Validation" beside orange "L1" read as one thing.
    worn = {registry.PENALTIES[k].colour for k in ("l1", "l2", "elastic_net")}
    assert not worn & {palette.TRAIN, palette.VALIDATION} and len(worn) == 3


def test_the_race_internals_coordinates_wear_no_optimizers_colour():
    # The review: x and y were blue and vermillion, gradient descent's and Adam's colours just above.
    from dashboard.charts.optimizer_race import COORDINATE_COLOURS

    assert not set(COORDINATE_COLOURS.values()) & {e.colour for e in registry.OPTIMIZERS.values()}
