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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

BIND = "query-params"


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


# Streamlit seeds a bound widget from the address it was opened with (not from
# st.query_params, which code may not change for a bound key), and on a value it cannot read
# it either truncates (1.5 -> 1 for an int) or raises (OverflowError on "inf", which it does
# not catch). Vetting a link value before the widget reads it therefore goes through those
# internals of Streamlit 1.67, in these two functions only; tests/dashboard/test_controls.py
# fails if a new Streamlit moves them.
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

    def _linked(self, key: str) -> str | None:
        """The address's value for ``key`` (None when there is none or the panel is not bound)."""
        return _link(key) if self.bind else None

    def _vet_number(self, key: str, min_value, max_value, *, whole: bool, step=None) -> None:
        """Drop a link value a numeric control cannot hold, before the widget reads it.

        Allowed: a finite number in [min_value, max_value], a whole number when ``whole``, and
        on the grid ``min_value + k * step`` when ``step`` is given (sliders).
        """
        text = self._linked(key)
        if text is None:
            return
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        ok = math.isfinite(value) and min_value <= value <= max_value
        if ok and whole:
            ok = value == round(value)
        if ok and step:
            k = (value - min_value) / step
            ok = abs(k - round(k)) <= 1e-6
        if not ok:
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
        self._vet_number(key, min_value, max_value, whole=whole, step=step or (1 if whole else 0.01))
        return self.box.slider(
            label, min_value=min_value, max_value=max_value, value=self._default(key), step=step,
            key=key, help=help, format=format, bind=self.bind, disabled=disabled,
        )

    def log_slider(self, label: str, key: str, low: float, high: float, *, per_decade: int = 10, help=None) -> float:
        """A bound slider over log-spaced values (learning rates, lambda); the link shows the number."""
        options = log_options(low, high, per_decade)
        default = snap(options, self._default(key))
        self.defaults[key] = default
        return self.box.select_slider(
            label, options=options, value=default, format_func=format_number, key=key, help=help, bind=self.bind,
        )

    def select(self, label: str, key: str, options: Sequence[str], *, labels: Mapping[str, str] | None = None,
               help=None, radio: bool = False, horizontal: bool = True) -> str:
        """A bound choice among ``options``; ``labels`` (id -> text) are shown on screen.

        The returned value is the option id, but Streamlit binds the *formatted* option: the
        link carries the label (``?data=Lagos+houses``), so keep labels short and stable.
        """
        fmt: Callable[[str], str] = (lambda o: labels.get(o, o)) if labels else str
        linked = self._linked(key)
        if linked in options and linked not in {fmt(o) for o in options}:  # an id: write the label
            _relink(key, fmt(linked))
        if radio:
            return self.box.radio(label, options, index=list(options).index(self._default(key)), format_func=fmt,
                                  key=key, help=help, horizontal=horizontal, bind=self.bind)
        return self.box.selectbox(label, options, index=list(options).index(self._default(key)), format_func=fmt,
                                  key=key, help=help, bind=self.bind)

    def toggle(self, label: str, key: str, *, help=None) -> bool:
        linked = self._linked(key)
        if linked is not None and linked.lower() not in ("true", "false"):
            words = {"1": "true", "yes": "true", "on": "true", "0": "false", "no": "false", "off": "false"}
            _relink(key, words.get(linked.lower()))
        return self.box.toggle(label, value=self._default(key), key=key, help=help, bind=self.bind)

    def number(self, label: str, key: str, min_value, max_value, *, step=None, help=None, format=None,
               disabled: bool = False):
        """A bound ``st.number_input`` (its step is the +/- increment, not a grid of allowed values)."""
        self._vet_number(key, min_value, max_value, whole=isinstance(self._default(key), int))
        return self.box.number_input(label, min_value=min_value, max_value=max_value, value=self._default(key),
                                     step=step, key=key, help=help, format=format, bind=self.bind, disabled=disabled)

    def reset_button(self, label: str = "Reset", *, key: str = "reset") -> None:
        """A button that puts every control of the page back to its default."""
        self.box.button(label, key=key, on_click=self.apply, args=(self.defaults,),
                        help="Back to the page's starting scenario", icon=":material/restart_alt:")

    def preset_button(self, label: str, values: Mapping[str, Any], *, key: str, help=None) -> None:
        """A button that loads a named scenario (a subset of the controls)."""
        unknown = set(values) - set(self.defaults)
        if unknown:
            raise KeyError(f"preset {label!r} sets unknown controls {sorted(unknown)}")
        self.box.button(label, key=key, on_click=self.apply, args=(dict(values),), help=help)

    @staticmethod
    def apply(values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            st.session_state[key] = value
