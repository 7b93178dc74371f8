"""A new view added the way docs/architecture.md says (a page, a scenario module, a chart module and one
``View`` row with its ``Tags``), in a temporary folder, passes the contract suite unchanged.

The view is small but whole: gradient descent on f(w) = w² from w₀ = 4, whose iterates have a closed form,
w_t = w₀ (1 − 2η)^t, with a slider for η, one for the steps and a choice of axis; headlines, a chart with a
pinned scenario in grey, a preset, "What to notice" and the math.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dashboard.views import Probe, Tags, View

from . import test_view_contract as contract

SCENARIO = '''
"""Gradient descent on f(w) = w^2: the throwaway view's scenario (pure, cached)."""

import numpy as np
import pandas as pd

from dashboard.cache import by_values
from dashboard.formatting import fmt
from dashboard.headline import Headline

DEFAULTS = {"lr": 0.1, "steps": 30, "axis": "log"}
AXES = ("log", "linear")
AXIS_LABELS = {"log": "Log scale", "linear": "Linear scale"}
LESSON = {**DEFAULTS, "lr": 0.9}
START = 4.0


@by_values
def run(values):
    """Loss f(w_t) = (w0 (1 - 2 lr)^t)^2 for t = 0..steps, as rows."""
    t = np.arange(int(values["steps"]) + 1)
    w = START * (1.0 - 2.0 * float(values["lr"])) ** t
    return pd.DataFrame({"step": t, "loss": w * w, "series": "this run", "label": "this run"})


def headlines(rows):
    return [Headline("loss at the end", fmt(float(rows["loss"].iloc[-1])), value=float(rows["loss"].iloc[-1]),
                     better="lower")]


def notes(rows, values):
    factor = abs(1.0 - 2.0 * float(values["lr"]))
    return [f"Each step multiplies w by 1 − 2η = {fmt(1.0 - 2.0 * float(values['lr']))}, so the loss by "
            f"{fmt(factor * factor)}."]


def math_blocks():
    return [("Each step of gradient descent on f(w) = w²:", r"w_{t+1} = w_t - 2\\eta w_t = (1 - 2\\eta) w_t")]
'''

CHARTS = '''
"""The throwaway view's chart (pure Altair)."""

import altair as alt

from dashboard.charts.common import PINNED_DATA, layer, pinned_layers, render


def _template(log, pinned):
    x = alt.X(field="step", type="quantitative")
    y = alt.Y(field="loss", type="quantitative", scale=alt.Scale(type="log" if log else "linear"))
    line = alt.Chart(alt.NamedData("rows")).mark_line().encode(x=x, y=y)
    under = pinned_layers(x, y) if pinned else []
    return layer(*under, line, width="container", height=260)


def loss_chart(rows, log, pinned=None):
    frames = {"rows": rows, **({PINNED_DATA: pinned} if pinned is not None else {})}
    return render(_template, frames, log=log, pinned=pinned is not None)
'''

PAGE = '''
"""How fast does gradient descent shrink a parabola? (a throwaway view)"""

import throwaway_charts as charts
import throwaway_scenario as sc

from dashboard import layout, pinning
from dashboard.controls import Panel

layout.header("How fast does gradient descent shrink a parabola?", "One weight, one bowl, one rate.")
panel = Panel(sc.DEFAULTS, bind="query-params")
panel.slider("Learning rate", "lr", 0.01, 0.99, step=0.01)
panel.slider("Steps", "steps", 5, 100)
axis = panel.select("Loss axis", "axis", sc.AXES, labels=sc.AXIS_LABELS, radio=True)
panel.preset_button("Overshooting", sc.LESSON, key="preset-lesson")
panel.reset_button()
pin = pinning.controls(panel)

rows = layout.compute("the run", sc.run, panel.values)
was = layout.compute("the pinned run", sc.run, pin.values).assign(series="pinned", label="pinned") if pin else None
layout.metric_row(sc.headlines(rows), pinned=sc.headlines(was) if was is not None else None)
layout.chart(charts.loss_chart(rows, axis == "log", pinned=was), rows, name="loss per step",
             caption="The loss after each step." + (pinning.IN_GREY if pin else ""))
layout.notice(sc.notes(rows, panel.values))
layout.downloads()
layout.math(sc.math_blocks())
'''


@pytest.fixture(scope="module")
def throwaway(tmp_path_factory):
    folder = tmp_path_factory.mktemp("throwaway")
    (folder / "pages").mkdir()
    (folder / "throwaway_scenario.py").write_text(SCENARIO, encoding="utf-8")
    (folder / "throwaway_charts.py").write_text(CHARTS, encoding="utf-8")
    page = folder / "pages" / "throwaway.py"
    page.write_text(PAGE, encoding="utf-8")
    sys.path.insert(0, str(folder))
    view = View(str(page), "Throwaway", ":material/science:", "Optimization",
                "How fast does gradient descent shrink a parabola?", "A throwaway view for the contract suite.",
                tags=Tags(charts=("loss per step",), present=("lr", "0.3"),
                          probe=Probe("Learning rate", "lr", "0.1", "0.11", shown="2.452e-05")))
    yield view
    sys.path.remove(str(folder))
    for name in ("throwaway_scenario", "throwaway_charts"):
        sys.modules.pop(name, None)


CONTRACT = [contract.test_view_loads_asks_its_question_and_says_what_to_notice,
            contract.test_every_control_changes_a_number_or_a_chart,
            contract.test_a_bad_link_value_falls_back_to_the_default,
            contract.test_a_link_reproduces_the_scenario_exactly,
            contract.test_reset_returns_to_the_default_scenario,
            contract.test_every_preset_loads_and_reset_undoes_it,
            contract.test_pinning_shows_each_headline_change_and_the_pinned_result_in_grey,
            contract.test_an_a_b_link_reproduces_the_comparison_and_unpin_clears_it,
            contract.test_a_bad_pin_in_a_link_is_dropped_or_falls_back_per_value]


@pytest.mark.parametrize("check", CONTRACT, ids=lambda f: f.__name__.removeprefix("test_"))
def test_a_throwaway_view_passes_the_contract_suite(throwaway, check):
    assert Path(throwaway.path).is_file()
    check(throwaway)
