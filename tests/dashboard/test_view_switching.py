"""Going from view to view in one session: each view shows its own scenario, never another's.

Views share short link keys (``n``, ``noise``, ``seed``) with other ranges and meanings, and
Streamlit carries a bound widget's value across a page switch; these tests walk the paths
a class takes through the entry point (``dashboard/app.py``), as the sidebar does.
"""

from __future__ import annotations

import importlib
import itertools

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views import VIEWS

from .apptest_tools import APP, CONTROL_KINDS, TIMEOUT, bounds, errors, signature


def _link_keys(view) -> set[str]:
    return set(importlib.import_module(f"dashboard.scenarios.{view.name}").DEFAULTS)


def _pairs() -> list:
    """The switches that can carry a value: from a view to another that shares a link key with it (70 of
    the 156 ordered pairs). A value cannot cross between keys that differ, so the other pairs test nothing
    more; a view no other shares a key with is still reached once, from the view before it."""
    keyed = [(a, b) for a, b in itertools.permutations(VIEWS, 2) if _link_keys(a) & _link_keys(b)]
    reached = {b for _, b in keyed}
    alone = [(VIEWS[k - 1], b) for k, b in enumerate(VIEWS) if b not in reached]
    return keyed + alone


PAIRS = _pairs()


def open_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def go(at: AppTest, view) -> AppTest:
    at.switch_page(f"../pages/{view.file}")
    return at.run()


def move_to_extreme(at: AppTest, high: bool) -> dict[str, object]:
    """Every control of the page at its top (``high``) or bottom end; returns key -> value set."""
    moved: dict[str, object] = {}
    for w in at.slider:
        moved[w.key] = w.max if high else w.min
    for w in at.number_input:
        moved[w.key] = bounds(w)[1 if high else 0]
    for w in at.select_slider:
        moved[w.key] = float(w.options[-1 if high else 0])
    for kind in ("radio", "selectbox"):
        for w in getattr(at, kind):
            # A choice's widget state is its label; a label formats to itself.
            moved[w.key] = w.options[-1 if high else 0]
    for w in at.toggle:
        moved[w.key] = not w.value
    for kind in CONTROL_KINDS:
        for w in getattr(at, kind):
            if w.key in moved and not w.proto.disabled:  # as in a browser, greyed-out stays put
                w.set_value(moved[w.key])
    at.run()
    return moved


@pytest.fixture(scope="module")
def fresh():
    """Each view's signature when it is the first view opened in a session."""
    cache: dict[str, tuple] = {}

    def get(view):
        if view.file not in cache:
            at = go(open_app(), view)
            assert not errors(at)
            cache[view.file] = signature(at)
        return cache[view.file]

    return get


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=lambda v: v.file.removesuffix(".py"))
def test_switching_after_extremes_shows_the_fresh_view(a, b, fresh):
    at = go(open_app(), a)
    for high in (True, False):
        moved = move_to_extreme(at, high)
        assert moved, f"{a.file} has no controls"
        assert not errors(at), f"{a.file} at its {'top' if high else 'bottom'} ends: {errors(at)}"
        go(at, b)
        assert not errors(at), f"{a.file} -> {b.file}: {errors(at)}"
        assert signature(at) == fresh(b), f"{b.file} after {a.file} does not show its own defaults"
        # The address is checked in the browser (tests/browser/test_view_walk.py): AppTest's
        # model of it keeps every key it was ever sent, across page switches.
        go(at, a)


def test_a_view_keeps_its_own_values_when_the_learner_comes_back():
    by_file = {v.file: v for v in VIEWS}
    reg, mse = by_file["regularization.py"], by_file["mse_vs_mae.py"]
    at = go(open_app(), reg)
    at.slider(key="n").set_value(60)
    at.number_input(key="seed").set_value(7)
    at.run()
    mine = signature(at)
    go(at, mse)
    assert at.number_input(key="seed").value == 0  # MSE vs MAE's own default, not 7
    go(at, reg)
    assert at.slider(key="n").value == 60 and at.number_input(key="seed").value == 7
    assert signature(at) == mine
    assert at.query_params.get("n") == "60" and at.query_params.get("seed") == "7"  # the link says so too


def test_a_preset_value_the_control_cannot_hold_loads_its_default():
    """A preset is vetted like a link: out of range or off the slider's grid, it loads the default."""
    script = """
from dashboard.controls import Panel
panel = Panel({"n": 20, "lam": 0.01}, bind=None)
panel.slider("n", "n", 10, 100)
panel.log_slider("lam", "lam", 1e-4, 1.0)
panel.preset_button("odd", {"n": 1000, "lam": 0.0123456}, key="odd")
"""
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    at.slider(key="n").set_value(50)
    at.select_slider(key="lam").set_value(0.1)
    at.run()
    at.button(key="odd").click().run()
    assert not at.exception
    assert at.slider(key="n").value == 20 and at.select_slider(key="lam").value == 0.01


def test_a_stale_session_value_the_widget_cannot_hold_falls_back_to_the_default(fresh):
    """E.g. a session kept across a deploy that narrowed a range: the default, no error box."""
    reg = next(v for v in VIEWS if v.file == "regularization.py")
    at = open_app()
    at.session_state["n"] = 10_000
    at.session_state["penalty"] = "no such penalty"
    go(at, reg)
    assert not errors(at)
    assert at.slider(key="n").value == 20 and at.radio(key="penalty").value == "l1"
    assert signature(at) == fresh(reg)


def test_a_pin_stays_with_its_view():
    """Pinned on one view, nothing is pinned on the next; back on the first, its pin is there again."""
    by_file = {v.file: v for v in VIEWS}
    reg, mse = by_file["regularization.py"], by_file["mse_vs_mae.py"]
    at = go(open_app(), reg)
    at.button(key="pin-scenario").click().run()
    at.slider(key="n").set_value(60).run()
    pinned = signature(at)
    assert {m.proto.delta for m in at.metric} - {"no change"}, "n moved: some headline changed"
    go(at, mse)
    assert not errors(at)
    assert {m.proto.delta for m in at.metric} == {""}, "MSE vs MAE has nothing pinned"
    assert [b.key for b in at.button if b.key == "pin-scenario"], "and offers to pin"
    assert signature(at) == signature(go(open_app(), mse))
    go(at, reg)
    assert signature(at) == pinned


def test_the_pairs_cover_every_shared_key_and_every_view():
    shared = {(a.name, b.name) for a, b in itertools.permutations(VIEWS, 2) if _link_keys(a) & _link_keys(b)}
    assert shared <= {(a.name, b.name) for a, b in PAIRS} and len(shared) == 70
    assert {b.name for _, b in PAIRS} == {v.name for v in VIEWS}
