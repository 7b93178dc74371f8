"""The contract every view keeps, checked over ``VIEWS`` and each view's controls.

A view loads without an error box, asks its question as its title and says "What to
notice"; every control changes a number or a chart (a control opts out only in
``NO_EFFECT``, with the reason); a link of moved controls reproduces the scenario exactly;
a bad link value falls back to the default; reset brings the default scenario back; every
preset loads without error and reset undoes it. A view's own test file keeps its numbers.

The controls are found by running each page once: a new view is covered when it is added
to ``dashboard/views.py``.
"""

from __future__ import annotations

import functools
import math

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import pinning
from dashboard.charts.common import PINNED_DATA
from dashboard.layout import DOWNLOAD_KEY
from dashboard.views import VIEWS

from .apptest_tools import CONTROL_KINDS, bounds, errors, open_math, run_page, signature, texts, widget

PIN_KEY, UNPIN_KEY = "pin-scenario", "unpin-scenario"
# (view file, control key) -> why the pin test leaves it where it is (each view's Tags.pin_keeps).
PIN_KEEPS: dict[tuple[str, str], str] = {(v.file, key): why for v in VIEWS for key, why in v.tags.pin_keeps.items()}

# (view file, control key) -> why moving it alone changes nothing on screen.
NO_EFFECT: dict[tuple[str, str], str] = {}
# (view file, control key) -> the link under which a control greyed out at the defaults is live (Tags.enabled_by).
ENABLED_BY: dict[tuple[str, str], dict[str, str]] = {(v.file, key): dict(link) for v in VIEWS
                                                     for key, link in v.tags.enabled_by.items()}


@functools.cache
def controls(file: str) -> tuple[tuple[str, str], ...]:
    """(kind, key) of every control of the scenario (the sidebar's) at the page's defaults, in page order."""
    at = run_page(file)
    return tuple((kind, w.key) for kind in CONTROL_KINDS for w in getattr(at.sidebar, kind) if w.key)


@functools.cache
def default_signature(file: str):
    at = run_page(file)
    assert not errors(at), errors(at)
    return signature(at)



def moved_value(at: AppTest, kind: str, key: str) -> tuple[object, str]:
    """A value well away from the control's current one, and how a link writes it."""
    w = getattr(at, kind)(key=key)
    if kind in ("slider", "number_input"):
        (lo, hi), now = bounds(w), w.value
        step = w.step if kind == "slider" else (w.step or 1)
        whole = isinstance(now, int)
        count = round((hi - lo) / step)
        # 70% along the range, or 30% when the control already sits in the upper half.
        k = round(count * (0.3 if (now - lo) > (hi - lo) / 2 else 0.7))
        value = lo + k * step
        value = int(round(value)) if whole else round(float(value), 10)
        return value, f"{value:g}" if not whole else str(value)
    if kind == "select_slider":
        index = w.options.index(f"{w.value:g}") if f"{w.value:g}" in w.options else 0
        target = w.options[(index + len(w.options) // 2) % len(w.options)]
        return float(target), target
    if kind in ("radio", "selectbox"):
        # A choice's widget state is its label, and a label formats to itself.
        labels = w.options
        now = labels[w.index]
        target = next(label for label in reversed(labels) if label != now)
        return target, target
    if kind == "toggle":
        return (not w.value), "true" if not w.value else "false"
    raise AssertionError(f"no move for a {kind}")


def set_value(at: AppTest, kind: str, key: str, value: object) -> None:
    getattr(at, kind)(key=key).set_value(value)


# Typeset formulas a view shows outside "The math", because they carry its live numbers (each costs
# the browser a layout on every rerun, so a view keeps them few).
LIVE_FORMULAS = {v.file: v.tags.live_formulas for v in VIEWS}  # e.g. the normal equations with the learner's matrices


# --------------------------------------------------------------------------- loads
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_view_loads_asks_its_question_and_says_what_to_notice(view):
    at = run_page(view.file)
    assert errors(at) == []
    assert at.title and at.title[0].value.endswith("?"), "the title asks the view's question"
    assert at.get("vega_lite_chart"), "a view draws at least one chart"
    # Its row of views.py names every chart drawn, and the browser's probe is a slider it has
    assert len(at.get("vega_lite_chart")) == len(view.tags.charts), "Tags.charts names each chart drawn"
    sliders = {w.key for kind in ("slider", "select_slider") for w in getattr(at.sidebar, kind)}
    probe = view.tags.probe
    assert (probe is None) == (not sliders), "a view with a slider declares the one the browser test moves"
    if probe is not None:
        assert probe.key in sliders and probe.shown in " ".join(texts(at)), "the probe's slider and number exist"
    assert set(view.tags.enabled_by) <= {key for _, key in controls(view.file)}, "Tags.enabled_by names controls"
    assert "What to notice" in [h.value for h in at.subheader]
    live = LIVE_FORMULAS.get(view.file, 0)
    assert at.expander and len(at.latex) == live, "the formulas are in an expander, drawn only while it is open"
    opened = open_math(run_page(view.file))
    assert errors(opened) == [] and len(opened.latex) > live, "opening the expander shows the formulas"
    downloads = [b.label for b in at.get("download_button")]
    assert downloads == ["PNG", "SVG", "CSV"], "one row of downloads for the chart picked"
    assert len(at.selectbox(key=DOWNLOAD_KEY).options) == len(at.get("vega_lite_chart")), "every chart is offered"
    assert controls(view.file), "a what-if view has controls"


# --------------------------------------------------------------------------- each control
# Each view's controls are read from the page inside the test, never while pytest collects (every
# worker would run every page); a failure names its control.
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_every_control_changes_a_number_or_a_chart(view):
    file = view.file
    for kind, key in controls(file):
        if (file, key) in NO_EFFECT:
            continue
        at = run_page(file)
        if getattr(at, kind)(key=key).proto.disabled:
            assert (file, key) in ENABLED_BY, f"{key} is greyed out at the defaults: say which link makes it live"
            at = run_page(file, ENABLED_BY[(file, key)])
            assert not getattr(at, kind)(key=key).proto.disabled, key
        before = signature(at)
        value, _ = moved_value(at, kind, key)
        set_value(at, kind, key, value)
        at.run()
        assert errors(at) == [], (key, errors(at))
        assert signature(at) != before, f"moving {key} to {value!r} changed nothing on screen"


BAD_CHOICE = "no-such-value"
BAD_NUMBERS = ("no-such-value", "inf", "1e308", "-1e308", "nan")  # cycled over a view's numeric controls


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_a_bad_link_value_falls_back_to_the_default(view):
    """One link with every control of the view bad at once: the page is its default, and the bad values
    leave the address. Each kind of control vets a link through one path (``dashboard.controls.Panel``),
    whose table of bad values per kind is tests/dashboard/test_controls.py's."""
    file, link, numeric = view.file, {}, 0
    for kind, key in controls(file):
        if kind in ("slider", "number_input"):
            link[key], numeric = BAD_NUMBERS[numeric % len(BAD_NUMBERS)], numeric + 1
        else:
            link[key] = BAD_CHOICE
    at = run_page(file, link)
    assert errors(at) == [], f"{link}: {errors(at)}"
    assert signature(at) == default_signature(file), f"{link} did not fall back to the default"
    assert not set(link) & set(at.query_params), "a bad value stays in the address bar"


# --------------------------------------------------------------------------- the whole scenario
def _move_everything(file: str) -> tuple[AppTest, dict[str, str]]:
    """Every enabled control moved, by hand; returns the page and the link that says the same."""
    at = run_page(file)
    link: dict[str, str] = {}
    for kind, key in controls(file):
        w = getattr(at, kind)(key=key)
        if w.proto.disabled:
            continue
        value, text = moved_value(at, kind, key)
        set_value(at, kind, key, value)
        link[key] = text
    at.run()
    # A move can disable another control (MSE vs MAE's outliers for the Lagos houses): a
    # greyed-out control keeps its value, so the link leaves it out too.
    for kind, key in controls(file):
        if key in link and getattr(at, kind)(key=key).proto.disabled:
            del link[key]
    assert errors(at) == []
    return at, link


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_a_link_reproduces_the_scenario_exactly(view):
    by_hand, link = _move_everything(view.file)
    assert signature(by_hand) != default_signature(view.file)
    linked = run_page(view.file, link)
    assert errors(linked) == []
    for _, key in controls(view.file):
        if widget(by_hand, key).proto.disabled:  # greyed out: not part of the scenario, nor of its link
            continue
        assert widget(linked, key).value == widget(by_hand, key).value, f"{key} from {link}"
    assert signature(linked) == signature(by_hand)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_reset_returns_to_the_default_scenario(view):
    at, _ = _move_everything(view.file)
    at.button(key="reset").click().run()
    assert errors(at) == []
    assert signature(at) == default_signature(view.file)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_every_preset_loads_and_reset_undoes_it(view):
    at = run_page(view.file)
    presets = [b.key for b in at.button if b.key and b.key not in ("reset", PIN_KEY)]
    for key in presets:
        at.button(key=key).click().run()
        assert errors(at) == [], f"preset {key}: {errors(at)}"
        for _, control in controls(view.file):
            value = widget(at, control).value
            assert not (isinstance(value, float) and not math.isfinite(value)), (key, control)
        at.button(key="reset").click().run()
        assert signature(at) == default_signature(view.file), f"reset after preset {key}"


# --------------------------------------------------------------------------- pin and compare
def _pinned_datasets(at: AppTest) -> list[int]:
    """Rows of the pinned layer's dataset in each chart that has one."""
    import pyarrow as pa

    rows = []
    for chart in at.get("vega_lite_chart"):
        for d in chart.proto.datasets:
            if d.name == PINNED_DATA:
                rows.append(pa.ipc.open_stream(d.data.data).read_all().num_rows)
    return rows


def _param(at: AppTest, key: str) -> str:
    """The address's value for ``key`` (AppTest keeps a value or a list of them)."""
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def _pinned_then_moved(file: str) -> tuple[AppTest, dict[str, str]]:
    """Pin the default scenario, then move every enabled control, by hand; the page and its link.

    (AppTest's address does not follow a widget moved by hand: the link is written here, as
    for :func:`_move_everything`.)
    """
    at = run_page(file)
    at.button(key=PIN_KEY).click().run()
    link = {pinning.PARAM: _param(at, pinning.PARAM)}
    for kind, key in controls(file):
        if not getattr(at, kind)(key=key).proto.disabled and (file, key) not in PIN_KEEPS:
            value, link[key] = moved_value(at, kind, key)
            set_value(at, kind, key, value)
    at.run()
    for kind, key in controls(file):  # greyed out by another move: it keeps its value (as _move_everything)
        if key in link and key != pinning.PARAM and getattr(at, kind)(key=key).proto.disabled:
            del link[key]
    return at, link


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_pinning_shows_each_headline_change_and_the_pinned_result_in_grey(view):
    at = run_page(view.file)
    assert [m.proto.delta for m in at.metric] == [""] * len(at.metric), "nothing pinned, no changes"
    at.button(key=PIN_KEY).click().run()
    assert errors(at) == []
    parts = _param(at, pinning.PARAM).split(pinning.SEP)
    pinned = dict(zip(parts[0::2], parts[1::2]))
    assert set(pinned) == {key for _, key in controls(view.file)}, "the link's pin holds every control"
    assert {m.proto.delta for m in at.metric} == {"no change"}, "pinned and unmoved: every headline the same"
    assert any("pinned scenario is the one shown" in c.value for c in at.caption)
    assert len(_pinned_datasets(at)) == 1, "the main chart, and only it, draws the pinned scenario"
    at, _ = _pinned_then_moved(view.file)
    assert errors(at) == []
    moved = [m for m in at.metric if m.proto.delta not in ("", "no change")]
    assert moved, "moving every control changes some headline from the pinned one"
    for m in moved:
        assert m.proto.delta[0] in "+-" or m.proto.delta.startswith("was "), f"{m.label}: {m.proto.delta}"
    assert any(c.value.startswith(":material/push_pin: Compared with the pinned scenario") for c in at.caption)
    assert _pinned_datasets(at) and _pinned_datasets(at)[0] > 0



@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_an_a_b_link_reproduces_the_comparison_and_unpin_clears_it(view):
    at, link = _pinned_then_moved(view.file)
    linked = run_page(view.file, link)
    assert errors(linked) == []
    assert signature(linked) == signature(at), "the link alone gives the same comparison"
    assert [m.proto.delta for m in linked.metric] == [m.proto.delta for m in at.metric]
    linked.button(key=UNPIN_KEY).click().run()
    assert pinning.PARAM not in linked.query_params
    assert _pinned_datasets(linked) == [] and {m.proto.delta for m in linked.metric} == {""}
    assert signature(linked) == signature(run_page(view.file, {k: v for k, v in link.items() if k != "pin"}))


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.file.removesuffix(".py"))
def test_a_bad_pin_in_a_link_is_dropped_or_falls_back_per_value(view):
    for text in ("garbage", "~", "no~such~keys~here", "a~b~c"):
        at = run_page(view.file, {pinning.PARAM: text})
        assert errors(at) == [], f"pin={text}"
        assert signature(at) == default_signature(view.file), f"pin={text} is not this view's: no comparison"
        assert pinning.PARAM not in at.query_params
    # One good value and one the control cannot hold: the bad one takes its default.
    numeric = [(kind, key) for kind, key in controls(view.file) if kind in ("slider", "number_input", "select_slider")]
    (kind, key), (_, other) = numeric[:2]
    _, good_text = moved_value(run_page(view.file), kind, key)
    at = run_page(view.file, {pinning.PARAM: f"{key}~{good_text}~{other}~inf"})
    assert errors(at) == []
    assert len(_pinned_datasets(at)) == 1
    assert any("pinned scenario (grey)" in c.value for c in at.caption), "the pin differs from the defaults"
