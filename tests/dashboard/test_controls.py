"""Links a control cannot hold fall back to its default; links by option id or 1/0 work.

Streamlit 1.67 alone truncates ``?shift=1.5`` to 1, accepts ``?ratio=0.33`` on a 0.05-step
slider and raises OverflowError on ``?seed=inf`` (a red error box instead of the page).
``dashboard.controls`` vets each link value before the widget reads it; these tests also
catch a Streamlit upgrade that moves the internals it reads.
"""

from __future__ import annotations

import re

import pytest

from dashboard.views import VIEWS
from tests.dashboard.apptest_tools import errors, run_page, signature, widget

# (page, link, the controls' expected values): each link value below is one Streamlit
# alone would crash on, truncate or take off its step.
FALLBACKS = [
    ("mse_vs_mae.py", {"seed": "inf"}, {"seed": 0}),
    ("mse_vs_mae.py", {"seed": "-inf"}, {"seed": 0}),
    ("mse_vs_mae.py", {"seed": "1e400"}, {"seed": 0}),
    ("mse_vs_mae.py", {"seed": "2.5"}, {"seed": 0}),
    ("mse_vs_mae.py", {"shift": "1.5"}, {"shift": 20}),
    ("regularization.py", {"seed": "Infinity"}, {"seed": 393}),
    ("regularization.py", {"degree": "1.5"}, {"degree": 12}),
    ("regularization.py", {"ratio": "0.33"}, {"ratio": 0.5}),
    ("regularization.py", {"noise": "0.33"}, {"noise": 0.3}),
    ("business_costs.py", {"miss": "inf"}, {"miss": 1000}),
    ("business_costs.py", {"alarm": "-inf"}, {"alarm": 10}),
    ("business_costs.py", {"alarm": "1.5"}, {"alarm": 10}),
    ("business_costs.py", {"rush": "1.5"}, {"rush": 3}),
    ("business_costs.py", {"n": "2500"}, {"n": 10000}),
    ("learning_rate.py", {"steps": "15"}, {"steps": 300}),
    ("learning_rate.py", {"steps": "inf"}, {"steps": 300}),
]


@pytest.mark.parametrize("page, link, expected", FALLBACKS,
                         ids=[f"{p[:-3]}?{'&'.join(f'{k}={v}' for k, v in q.items())}" for p, q, _ in FALLBACKS])
def test_a_value_the_control_cannot_hold_falls_back_and_leaves_the_address(page, link, expected):
    at = run_page(page, link)
    assert not errors(at)
    assert {key: widget(at, key).value for key in expected} == expected
    assert not set(link) & set(at.query_params)  # the bad value is gone from the address bar
    assert signature(at) == signature(run_page(page))


def test_every_bad_value_at_once_still_draws_the_default_page():
    link = {"seed": "inf", "shift": "1.5", "outliers": "nan", "delta": "-1", "data": "nowhere"}
    at = run_page("mse_vs_mae.py", link)
    assert not errors(at)
    assert signature(at) == signature(run_page("mse_vs_mae.py"))


# The one check every numeric control's link value goes through (``Panel._vet_number``: the text read as a
# float, "no-such-value" as nan), as a table: (value, whole, step, holds) on a control from 0 to 100.
HOLDS = [
    (7, True, None, True), (7.0, True, None, True), (0, True, None, True), (100, True, None, True),
    (1.5, True, None, False), (-1, True, None, False), (101, True, None, False),
    (float("nan"), False, None, False), (float("inf"), False, None, False), (-float("inf"), False, None, False),
    (1e308, False, None, False), (-1e308, False, None, False), (True, False, None, False),
    (0.35, False, 0.05, True), (0.33, False, 0.05, False), (100.0, False, 0.05, True),
]


@pytest.mark.parametrize("value, whole, step, holds", HOLDS, ids=[f"{v}-{w}-{s}" for v, w, s, _ in HOLDS])
def test_a_numeric_control_holds_only_a_finite_number_in_its_range_and_on_its_grid(value, whole, step, holds):
    from dashboard.controls import _in_range

    assert _in_range(value, min_value=0, max_value=100, whole=whole, step=step) is holds


# A choice may be linked by its option id as well as by the label Streamlit writes.
BY_ID = [
    ("learning_rate.py", {"opt": "adam"}, {"opt": "Adam"}),
    ("learning_rate.py", {"sched": "cosine"}, {"sched": "Cosine annealing"}),
    ("mse_vs_mae.py", {"data": "lagos"}, {"data": "Lagos houses"}),
    ("regularization.py", {"penalty": "l2"}, {"penalty": "L2"}),
]
# A surface's label before the surfaces had one name on every view (registry.SURFACES' former): (page, key,
# old label, id, label now).
FORMER = [("optimizer_race.py", "surface", "Two minima", "two_minima_2d", "Two wells (2-D)"),
          ("local_minima.py", "trap", "The plateau", "plateau", "Plateau")]


@pytest.mark.parametrize("page, key, old, id_, label", FORMER, ids=[f"{p[:-3]}?{k}" for p, k, *_ in FORMER])
def test_a_link_with_a_former_label_opens_the_same_scenario_and_shows_the_label_now(page, key, old, id_, label):
    linked, labelled = run_page(page, {key: old}), run_page(page, {key: label})
    assert not errors(linked) and widget(linked, key).value == id_
    assert signature(linked) == signature(labelled) != signature(run_page(page))
    assert dict(linked.query_params)[key] == label


@pytest.mark.parametrize("page, by_id, by_label", BY_ID, ids=[f"{p[:-3]}?{next(iter(q))}" for p, q, _ in BY_ID])
def test_a_choice_linked_by_its_id_opens_the_same_scenario_as_by_its_label(page, by_id, by_label):
    default = signature(run_page(page))
    linked, labelled = run_page(page, by_id), run_page(page, by_label)
    assert not errors(linked)
    key = next(iter(by_id))
    assert widget(linked, key).value == by_id[key] != widget(run_page(page), key).value
    assert signature(linked) == signature(labelled) != default
    assert dict(linked.query_params)[key] == by_label[key]  # the address now shows the label


@pytest.mark.parametrize("text, expected", [("1", True), ("yes", True), ("true", True), ("TRUE", True),
                                            ("0", False), ("off", False), ("maybe", False)])
def test_a_toggle_reads_one_and_zero_as_well_as_true_and_false(text, expected):
    at = run_page("learning_rate.py", {"center": text})
    assert not errors(at)
    assert widget(at, "center").value is expected


def test_a_linked_scenario_survives_moving_another_control():
    at = run_page("learning_rate.py", {"opt": "adam", "center": "1", "steps": "40"})
    widget(at, "large").set_value(0.05)
    at.run()
    assert not errors(at)
    assert (widget(at, "opt").value, widget(at, "center").value, widget(at, "steps").value) == ("adam", True, 40)
    assert widget(at, "large").value == 0.05
    assert {k: v for k, v in dict(at.query_params).items() if k != "large"} == {
        "opt": "Adam", "center": "true", "steps": "40"}  # vetting on a rerun kept the linked values


def _unbound_page():
    from dashboard.controls import Panel

    panel = Panel({"seed": 3, "opt": "sgd"}, bind=None)
    panel.number("Seed", "seed", 0, 10)
    panel.select("Optimizer", "opt", ["sgd", "adam"], labels={"sgd": "SGD", "adam": "Adam"})


def test_an_unbound_panel_neither_reads_nor_rewrites_the_address():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_unbound_page)
    at.query_params["seed"], at.query_params["opt"] = "inf", "adam"
    at.run()
    assert not at.exception
    assert (widget(at, "seed").value, widget(at, "opt").value) == (3, "sgd")
    assert dict(at.query_params) == {"seed": "inf", "opt": "adam"}  # left as it was


def test_a_panel_binds_to_the_address_or_nowhere():
    from dashboard.controls import Panel

    with pytest.raises(ValueError, match="bind must be 'query-params'"):
        Panel({}, bind="url")


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_a_number_typed_out_of_range_is_clamped_quietly_and_the_help_says_the_range(view):
    at = run_page(view.file)
    boxes = [w for w in at.sidebar.number_input if w.key and not w.proto.disabled]
    for box in boxes:
        low, high = (float(n.replace(",", "")) for n in
                     re.search(r"From (-?[\d,.]+) to (-?[\d,.]+)\.", box.help).groups())
        for typed, kept in ((high * 10 + 1, high), (low - 5, low)):
            at.number_input(key=box.key).set_value(typed).run()
            assert errors(at) == [], (box.key, typed)
            assert at.number_input(key=box.key).value == kept
            # the link holds the clamped number (or nothing, when that is the default)
            linked = at.query_params.get(box.key, [str(kept)])
            assert float(linked if isinstance(linked, str) else linked[0]) == kept
