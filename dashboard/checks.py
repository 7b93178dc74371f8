"""The one check of a menu value that the dashboard makes outside its controls.

A control offers only its menu, but scenario functions are also called by the deck, the start
page's figures and tests; a value that no menu holds raises ValueError naming the argument, the
value and what is allowed, as ``core`` does (``core._validation.choice``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def one_of(name: str, value: T, allowed: Iterable[T]) -> T:
    """``value`` if it is in ``allowed``, else ValueError("<name> must be one of a, b, c; got 'x'")."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(str(a) for a in allowed)}; got {value!r}")
    return value
