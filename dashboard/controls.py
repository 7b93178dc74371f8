"""Scenario controls bound to the URL, so the address bar is always a shareable link.

Every control of a page is declared against that page's ``DEFAULTS`` dict through a
:class:`Panel`; each widget has ``key`` = its query-parameter name and
``bind="query-params"``. Streamlit drops a link value that is not allowed (outside the
range, not an option) and the control shows its default instead, with no error. The
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


class Panel:
    """The controls of one page, all bound to the URL and reset together.

    Args:
        defaults: the page's scenario defaults, ``{query key: default value}``.
        container: where widgets go (default: the sidebar).
    """

    def __init__(self, defaults: Mapping[str, Any], container: Any = None):
        self.defaults = dict(defaults)
        self.box = st.sidebar if container is None else container

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
        return self.box.slider(
            label, min_value=min_value, max_value=max_value, value=self._default(key), step=step,
            key=key, help=help, format=format, bind=BIND, disabled=disabled,
        )

    def log_slider(self, label: str, key: str, low: float, high: float, *, per_decade: int = 10, help=None) -> float:
        """A bound slider over log-spaced values (learning rates, lambda); the link shows the number."""
        options = log_options(low, high, per_decade)
        default = snap(options, self._default(key))
        self.defaults[key] = default
        return self.box.select_slider(
            label, options=options, value=default, format_func=format_number, key=key, help=help, bind=BIND,
        )

    def select(self, label: str, key: str, options: Sequence[str], *, labels: Mapping[str, str] | None = None,
               help=None, radio: bool = False, horizontal: bool = True) -> str:
        """A bound choice among ``options``; ``labels`` (id -> text) are shown on screen.

        The returned value is the option id, but Streamlit binds the *formatted* option: the
        link carries the label (``?data=Lagos+houses``), so keep labels short and stable.
        """
        fmt: Callable[[str], str] = (lambda o: labels.get(o, o)) if labels else str
        if radio:
            return self.box.radio(label, options, index=list(options).index(self._default(key)), format_func=fmt,
                                  key=key, help=help, horizontal=horizontal, bind=BIND)
        return self.box.selectbox(label, options, index=list(options).index(self._default(key)), format_func=fmt,
                                  key=key, help=help, bind=BIND)

    def toggle(self, label: str, key: str, *, help=None) -> bool:
        return self.box.toggle(label, value=self._default(key), key=key, help=help, bind=BIND)

    def number(self, label: str, key: str, min_value, max_value, *, step=None, help=None, format=None,
               disabled: bool = False):
        return self.box.number_input(label, min_value=min_value, max_value=max_value, value=self._default(key),
                                     step=step, key=key, help=help, format=format, bind=BIND, disabled=disabled)

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
