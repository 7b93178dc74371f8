"""The one cache policy for a view's computed results.

``@scenario_cache()`` is ``st.cache_resource`` with a bounded size and no spinner. Resource,
not data: a rerun gets the cached result itself instead of an unpickled copy (a few ms per
rerun for a frame, more for a 1000-step training). That is safe because results are frozen
dataclasses of arrays and frames that nothing modifies: the page and the chart builders only
read them. The cache is shared by every session on the server, so only results computed from
a view's controls (never a learner's own upload) may go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

DEFAULT_ENTRIES = 32


def scenario_cache(max_entries: int = DEFAULT_ENTRIES):
    """Decorator: cache a pure function of a view's control values, shared across sessions."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False)


def by_values(compute: Callable[[dict], T], max_entries: int = DEFAULT_ENTRIES) -> Callable[[Mapping[str, Any]], T]:
    """``values -> compute(values)`` through :func:`scenario_cache`, keyed on the controls' values.

    The cached inner function takes the module and name of ``compute``: Streamlit keys a cache
    on a function's module, qualified name and source, which two views' inner functions would
    otherwise share.
    """
    def cached(items: tuple) -> T:
        return compute(dict(items))

    cached.__module__ = compute.__module__
    cached.__qualname__ = cached.__name__ = f"{compute.__qualname__}_cached"
    store = scenario_cache(max_entries)(cached)

    def of(values: Mapping[str, Any]) -> T:
        return store(tuple(sorted(values.items())))

    of.__doc__ = f"Cached :func:`{compute.__name__}` of the controls' values."
    of.clear = store.clear  # type: ignore[attr-defined]
    return of
