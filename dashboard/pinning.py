"""Pin a scenario and compare: the pinned one stays as the learner moves the controls.

"Pin this scenario" (in the sidebar, under the controls) keeps the values every control
of the view shows; from then on the view computes the pinned scenario beside the live one,
and shows each headline number's change from it (:func:`dashboard.layout.metric_row`) and
the pinned result drawn faint grey on its main chart. "Unpin" forgets it.

The pinned scenario is in the link, ``?pin=outliers~1~shift~20~data~synthetic``: the
controls' keys and values, alternately, joined by ``~`` (a character a URL does not
escape, and one no key, option id or number contains). Choices are written by their option
id, toggles as ``true``/``false``. So one link carries an A/B comparison: the live
scenario in the controls' own parameters, the pinned one in ``pin``. A value the view's
control cannot hold falls back to its default, as in the rest of the link; a ``pin`` with
no value of this view's controls in it is dropped.

Each session remembers one pin per view, so a learner who visits another view and comes
back finds the pin again. A ``pin`` that another view of this session left in the address
(Streamlit keeps unbound parameters across a page switch) is not this view's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard.controls import Panel, format_number

PARAM = "pin"
SEP = "~"
PIN_LABEL = "Pin this scenario"
UNPIN_LABEL = "Unpin"
IN_GREY = " Wide light grey: the same lines in the pinned scenario."  # ends a main chart's caption
_BOOK = "_pinning_book"  # session state: {"pins": {view: text}, "written": (view, text) last put in the address}


@dataclass(frozen=True)
class Pin:
    """A pinned scenario of one view.

    Attributes:
        values: every control's value, ``{key: value}`` (as :attr:`Panel.values`).
        changes: ``(label, pinned, now)`` texts of each control whose live value differs.
    """

    values: dict[str, Any]
    changes: tuple[tuple[str, str, str], ...]

    def summary(self) -> str:
        """One sentence: what differs from the pinned scenario."""
        if not self.changes:
            return "The pinned scenario is the one shown: move a control to compare."
        moved = "; ".join(f"{label}: {was} → {now}" for label, was, now in self.changes)
        # Markdown reads a pair of "$" as a formula: the costs' "($)" must stay dollars.
        return f"Compared with the pinned scenario (grey): {moved}.".replace("$", r"\$")


def encode(values: Mapping[str, Any]) -> str:
    """``{key: value}`` as the ``pin`` parameter's text: ``outliers~1~shift~20~data~synthetic``."""
    parts = []
    for key, value in values.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, float):
            text = format_number(value)
        else:
            text = str(value)
        parts += [key, text]
    return SEP.join(parts)


def _parse(text: str, default: Any) -> Any:
    """One value of a pin as its control's type (the type of its default); None if it is not one."""
    if isinstance(default, bool):
        return {"true": True, "false": False, "1": True, "0": False}.get(text.lower())
    if isinstance(default, (int, float)):
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        if isinstance(default, int):
            return int(number) if number == round(number) else None
        return number
    return text


def decode(text: str, panel: Panel) -> dict[str, Any] | None:
    """The pinned ``{key: value}`` of every control of ``panel`` (None: no value of this view in it).

    A missing key, or a value the control cannot hold, takes the control's default.
    """
    parts = text.split(SEP)
    if len(parts) < 2 or len(parts) % 2:
        return None
    given = dict(zip(parts[0::2], parts[1::2]))
    values, known = {}, 0
    for key in panel.values:
        default = panel.defaults[key]
        value = _parse(given[key], default) if key in given else None
        ok = value is not None and panel.valid(key, value)
        known += ok
        values[key] = value if ok else default
    return values if known else None


def _book() -> dict:
    book = st.session_state.get(_BOOK)
    if not isinstance(book, dict):
        book = {"pins": {}, "written": None}
        st.session_state[_BOOK] = book
    return book


def _pin(view: str, text: str) -> None:
    _book()["pins"][view] = text
    st.query_params[PARAM] = text
    _book()["written"] = (view, text)


def _unpin(view: str) -> None:
    _book()["pins"].pop(view, None)
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def _linked_text(view: str) -> str | None:
    """This view's pin text: the address's (unless another view left it), else the session's."""
    book = _book()
    text = st.query_params.get(PARAM)
    if text is not None and book["written"] is not None and book["written"][0] != view and book["written"][1] == text:
        del st.query_params[PARAM]  # another view's pin, carried over by a page switch
        text = None
    return text if text is not None else book["pins"].get(view)


def controls(panel: Panel) -> Pin | None:
    """Draw "Pin this scenario" or "Unpin" under the panel's controls; the pinned scenario, if any.

    Call it after every control of the view is drawn (it copies their values).
    """
    view = panel.view
    text = _linked_text(view)
    values = decode(text, panel) if text else None
    if values is None:
        if text is not None:
            _unpin(view)  # a pin that says nothing about this view
        panel.box.button(PIN_LABEL, key="pin-scenario", icon=":material/push_pin:", on_click=_pin,
                         args=(view, encode(panel.values)),
                         help="Keep this scenario: move the controls, and every headline number shows its change "
                              "from it, and the main chart draws it in grey. The link carries both.")
        return None
    text = encode(values)
    if st.query_params.get(PARAM) != text:
        st.query_params[PARAM] = text
    _book()["pins"][view] = text
    _book()["written"] = (view, text)
    panel.box.button(UNPIN_LABEL, key="unpin-scenario", icon=":material/keep_off:", on_click=_unpin, args=(view,),
                     help="Forget the pinned scenario.")
    changes = tuple((panel.labels[key], panel.shown[key](values[key]), panel.shown[key](now))
                    for key, now in panel.values.items() if values[key] != now)
    pin = Pin(values, changes)
    # In the main area too, under the intro: a projected or phone-sized page has no sidebar.
    st.caption(f":material/push_pin: {pin.summary()}")
    return pin
