"""Scenario controls bound to the URL, so the address bar is always a shareable link.

Every control of a page is declared against that page's ``DEFAULTS`` dict through a
:class:`Panel`; each widget has ``key`` = its query-parameter name and
``bind="query-params"``. A link value the control cannot hold (outside the range, not an
option, not a whole number for a whole-number control, off a slider's step, infinite) is
dropped from the address before the widget reads it, so the control shows its default with
no error (:meth:`Panel._vet_number`; Streamlit alone would truncate ``1.5`` to ``1`` and
crash on ``inf``). A choice may be linked by its on-screen label (what Streamlit writes) or
by its option id (``?opt=adam``), and a toggle by ``true``/``false`` or ``1``/``0``. The
Panel's reset button and presets write through ``st.session_state``, the one way a bound
value may be changed from code.

Views share short keys (``n``, ``noise``, ``seed``) with different ranges and meanings, and
Streamlit keeps a bound widget's value under its key when the page changes, then hands it
to the next page's widget of the same key (and writes it into that page's address). So
every control first *claims* its key for the running view (:meth:`Panel._claim`): a value
another view left under the key is dropped, from the session and from the address, and the
view's own last value in this session (or its default) takes its place; a value the widget
cannot hold (a stale session, a preset) falls back to the default. A view therefore shows
its own scenario, from its link, its own last state in this session, or its defaults.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from dashboard.words import Words

BIND = "query-params"
PRESETS_KEY = "controls-presets-this-run"  # (label, button key) of each preset the page offers


def log_options(low: float, high: float, per_decade: int = 10) -> list[float]:
    """Log-spaced values from ``low`` to ``high`` rounded to 2 significant digits.

    e.g. per_decade=10 gives 0.01, 0.013, 0.016, 0.02, 0.025, 0.032, 0.04, 0.05, ...
    """
    lo, hi = math.log10(low), math.log10(high)
    count = round((hi - lo) * per_decade)
    values = [float(f"{10 ** (lo + i * (hi - lo) / count):.2g}") for i in range(count + 1)]
    return sorted(set(values))


def format_number(value: float) -> str:
    """Short text of a number for labels and links: 0.001, 2.5e-05, 1000."""
    return f"{value:g}"


def snap(options: Sequence[float], value: float) -> float:
    """The option nearest to ``value`` on a log scale (for defaults of log sliders)."""
    return min(options, key=lambda o: abs(math.log(o) - math.log(value)))


_MISSING = object()
_BOOK = "_controls_book"  # session-state entry: which view owns each key, and each view's values


def _book() -> dict:
    """``{"owner": {key: view}, "own": {view: {key: value}}}`` of this session."""
    book = st.session_state.get(_BOOK)
    if not isinstance(book, dict):
        book = {"owner": {}, "own": {}}
        st.session_state[_BOOK] = book
    return book


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: Any) -> str:
    """A control's value in a sentence: 20, 0.001, on, off."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _number_link(value: int | float) -> str:
    """A number as a link writes it: 20, 0.3, 1e-05."""
    return str(value) if isinstance(value, int) else format_number(value)


def _clamp(key: str, min_value, max_value, whole: bool) -> None:
    """A typed number brought into [min_value, max_value] (a whole number for a whole control)."""
    value = st.session_state.get(key)
    if not _is_number(value):
        return
    value = min(max(value, min_value), max_value)
    st.session_state[key] = int(round(value)) if whole else value


def _in_range(value: Any, *, min_value, max_value, whole: bool, step=None) -> bool:
    """A finite number in [min_value, max_value], whole if asked, on ``min_value + k*step``."""
    if not _is_number(value) or not min_value <= value <= max_value:
        return False
    if whole and value != round(value):
        return False
    if step:
        k = (value - min_value) / step
        return abs(k - round(k)) <= 1e-6
    return True


# Streamlit seeds a bound widget from the address it was opened with (not from
# st.query_params, which code may not change for a bound key), and on a value it cannot read
# it either truncates (1.5 -> 1 for an int) or raises (OverflowError on "inf", which it does
# not catch). Vetting a link value before the widget reads it therefore goes through those
# internals of Streamlit 1.67, in these functions only (with :func:`_view_id`, which names the
# running page); tests/dashboard/test_controls.py fails if a new Streamlit moves them.
def _view_id() -> str:
    """The running view (its page script's hash; "" outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def _link(key: str) -> str | None:
    """The value the address the page was opened with gives for ``key`` (None: none)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    with ctx.session_state.query_params() as params:
        value = params.get_initial_value(key)
    return value[-1] if isinstance(value, list) else value


def _relink(key: str, value: str | None) -> None:
    """Make the widget ``key`` read ``value`` from the address (None: no value, so its default)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with ctx.session_state.query_params() as params:
        if value is None:
            params._initial_query_params.pop(key, None)
            params.remove_param(key)  # and from the address bar
        else:
            params._initial_query_params[key] = [value]
            params._set_item_internal(key, value)
            params._send_query_param_msg()


class Panel:
    """The controls of one page, all bound to the URL and reset together.

    Args:
        defaults: the page's scenario defaults, ``{query key: default value}``.
        container: where widgets go (default: the sidebar).
        bind: ``"query-params"`` (every control in the address bar, the pages' setting) or None.
    """

    def __init__(self, defaults: Mapping[str, Any], container: Any = None, *, bind: str | None = BIND):
        if bind not in (BIND, None):
            raise ValueError(f"bind must be {BIND!r} (controls in the address) or None; got {bind!r}")
        self.defaults = dict(defaults)
        self.box = st.sidebar if container is None else container
        self.bind = bind
        self.view = _view_id()
        self._valid: dict[str, Callable[[Any], bool]] = {}  # key -> can its widget hold this value?
        self.values: dict[str, Any] = {}  # key -> the value its control shows in this run
        self.labels: dict[str, str] = {}  # key -> its control's label
        self.shown: dict[str, Callable[[Any], str]] = {}  # key -> how its control writes a value

    def _claim(self, key: str, valid: Callable[[Any], bool], to_link: Callable[[Any], str] = str) -> None:
        """Make ``key``'s widget read only this view's value, one it can hold, before it is drawn.

        A value another view left under ``key`` (Streamlit carries bound values across a page
        switch) is dropped from the session and the address; this view's own last value in the
        session, if any, is put back through the address (``to_link`` writes it as a link
        does), so the address bar says it and a copied link reproduces it. A value the widget
        cannot hold falls back to the default.
        """
        self._valid[key] = valid
        book = _book()
        owner = book["owner"].get(key)
        state = st.session_state
        if owner is not None and owner != self.view:
            if key in state:
                del state[key]
            mine = book["own"].get(self.view, {}).get(key, _MISSING)
            own = mine is not _MISSING and valid(mine) and mine != self._default(key)
            _relink(key, to_link(mine) if own else None)
        elif key in state and not valid(state[key]):
            del state[key]
            _relink(key, None)
        book["owner"][key] = self.view

    def _keep(self, key: str, value: Any, label: str, shown: Callable[[Any], str] | None = None) -> Any:
        """Remember the value this view's widget shows, for when the learner comes back (and
        for this run's :attr:`values`, which a pinned scenario copies)."""
        _book()["own"].setdefault(self.view, {})[key] = value
        self.values[key] = value
        self.labels[key] = label
        self.shown[key] = shown or _shown
        return value

    def valid(self, key: str, value: Any) -> bool:
        """Whether the control ``key`` can hold ``value`` (in its range, on its grid, one of its options)."""
        check = self._valid.get(key)
        return check is not None and check(value)

    def _linked(self, key: str) -> str | None:
        """The address's value for ``key`` (None when there is none or the panel is not bound)."""
        return _link(key) if self.bind else None

    def _vet_number(self, key: str, valid: Callable[[Any], bool]) -> None:
        """Drop a link value a numeric control cannot hold (``valid`` of the number), before the widget reads it."""
        text = self._linked(key)
        if text is None:
            return
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not valid(value):
            _relink(key, None)

    def _snap_link(self, key: str, options: Sequence[float], per_decade: int) -> None:
        """A link's number for a log slider, written as the lesson writes it (0.00001 for 1e-05) or off
        the grid (0.025119), becomes the nearest option the slider shows; one beyond half a notch past
        either end, or not a number, falls back to the default."""
        text = self._linked(key)
        if text is None or text in {format_number(o) for o in options}:
            return
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        half_notch = 10 ** (0.5 / per_decade)
        if math.isfinite(value) and options[0] / half_notch <= value <= options[-1] * half_notch:
            _relink(key, format_number(snap(options, value)))
        else:
            _relink(key, None)

    def _default(self, key: str) -> Any:
        if key not in self.defaults:
            raise KeyError(f"control {key!r} has no entry in the page's DEFAULTS")
        return self.defaults[key]

    def slider(self, label: str, key: str, min_value, max_value, *, step=None, help=None, format=None,
               disabled: bool = False):
        """A bound ``st.slider``; ints stay ints when the default is an int.

        ``disabled`` greys it out (e.g. a control that does not apply to the chosen data)
        while its value, and the link, are kept.
        """
        whole = isinstance(self._default(key), int)
        grid = step or (1 if whole else 0.01)
        valid = functools.partial(_in_range, min_value=min_value, max_value=max_value, whole=whole, step=grid)
        self._claim(key, valid, _number_link)
        self._vet_number(key, valid)
        return self._keep(key, self.box.slider(
            label, min_value=min_value, max_value=max_value, value=self._default(key), step=step,
            key=key, help=help, format=format, bind=self.bind, disabled=disabled,
        ), label)

    def log_slider(self, label: str, key: str, low: float, high: float, *, per_decade: int = 10, help=None,
                   disabled: bool = False) -> float:
        """A bound slider over log-spaced values (learning rates, lambda); the link shows the number."""
        options = log_options(low, high, per_decade)
        default = snap(options, self._default(key))
        self.defaults[key] = default
        self._claim(key, lambda v: _is_number(v) and v in options, format_number)
        self._snap_link(key, options, per_decade)
        return self._keep(key, self.box.select_slider(
            label, options=options, value=default, format_func=format_number, key=key, help=help, bind=self.bind,
            disabled=disabled,
        ), label)

    def select(self, label: str, key: str, options: Sequence[str], *, labels: Mapping[str, str] | None = None,
               aliases: Mapping[str, str] | None = None, help=None, radio: bool = False, horizontal: bool = True,
               disabled: bool = False) -> str:
        """A bound choice among ``options``; ``labels`` (id -> text) are shown on screen.

        The returned value is the option id, but Streamlit binds the *formatted* option: the
        link carries the label (``?data=Lagos+houses``), so keep labels short and stable; a
        label that changed stays in ``aliases`` (old label -> id), so old links still open.
        """
        fmt: Callable[[str], str] = (lambda o: labels.get(o, o)) if labels else str
        self._claim(key, lambda v: isinstance(v, str) and v in options, fmt)
        linked = self._linked(key)
        former = bool(aliases) and linked in aliases
        if former:
            linked = aliases[linked]  # a former label: read as its id
        if linked in options and (former or linked not in {fmt(o) for o in options}):  # an id: write the label
            _relink(key, fmt(linked))
        index = list(options).index(self._default(key))
        if radio:
            return self._keep(key, self.box.radio(label, options, index=index, format_func=fmt, key=key, help=help,
                                                  horizontal=horizontal, bind=self.bind, disabled=disabled), label, fmt)
        return self._keep(key, self.box.selectbox(label, options, index=index, format_func=fmt, key=key, help=help,
                                                  bind=self.bind, disabled=disabled), label, fmt)

    def toggle(self, label: str, key: str, *, help=None) -> bool:
        self._claim(key, lambda v: isinstance(v, bool), lambda v: "true" if v else "false")
        linked = self._linked(key)
        if linked is not None and linked.lower() not in ("true", "false"):
            words = {"1": "true", "yes": "true", "on": "true", "0": "false", "no": "false", "off": "false"}
            _relink(key, words.get(linked.lower()))
        return self._keep(key, self.box.toggle(label, value=self._default(key), key=key, help=help, bind=self.bind),
                          label)

    def number(self, label: str, key: str, min_value, max_value, *, step=None, help=None, format=None,
               disabled: bool = False):
        """A bound ``st.number_input`` (its step is the +/- increment, not a grid of allowed values).

        A number typed outside [min_value, max_value] is clamped to the nearer end, quietly:
        the widget itself has no bounds, because with them the browser refuses the number and
        leaves a red box that only says "Press Enter to apply". The help text gives the range.
        """
        whole = isinstance(self._default(key), int)
        valid = functools.partial(_in_range, min_value=min_value, max_value=max_value, whole=whole)
        self._claim(key, valid, _number_link)
        self._vet_number(key, valid)
        span = f"From {min_value:,} to {max_value:,}."
        return self._keep(key, self.box.number_input(
            label, value=self._default(key), step=step, key=key, help=f"{help} {span}" if help else span,
            format=format, bind=self.bind, disabled=disabled,
            on_change=_clamp, args=(key, min_value, max_value, whole),
        ), label)

    def reset_button(self, label: str = "Reset", *, key: str = "reset") -> None:
        """A button that puts every control of the page back to its default."""
        self.box.button(label, key=key, on_click=self.apply, args=(self.defaults,),
                        help="Back to the page's starting scenario", icon=":material/restart_alt:")

    def presets_and_reset(self, words: Words, presets: Mapping[str, Mapping[str, Any]]) -> None:
        """A :meth:`preset_button` per ``presets`` entry (its key, the values it loads), then :meth:`reset_button`.

        Each button's label and help are the view's words: the blocks ``label.<key>`` and
        ``help.<key>`` of its file (the help may be left out).
        """
        for key, values in presets.items():
            self.preset_button(words(f"label.{key}"), values, key=key,
                               help=words(f"help.{key}") if f"help.{key}" in words.blocks else None)
        self.reset_button()

    def preset_button(self, label: str, values: Mapping[str, Any], *, key: str, help=None) -> None:
        """A button that loads a named scenario (a subset of the controls).

        Declare it after the controls it sets: a value a control cannot hold (say, a best λ
        that lies off the slider's grid) loads that control's default instead.
        """
        unknown = set(values) - set(self.defaults)
        if unknown:
            raise KeyError(f"preset {label!r} sets unknown controls {sorted(unknown)}")
        vetted = {k: v if self._valid.get(k, lambda _: True)(v) else self.defaults[k] for k, v in values.items()}
        st.session_state.setdefault(PRESETS_KEY, []).append((label, key))  # for the lesson deck
        self.box.button(label, key=key, on_click=self.apply, args=(vetted,), help=help)

    @staticmethod
    def apply(values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            st.session_state[key] = value
