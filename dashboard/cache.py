"""The one cache policy for a view's computed results: shared by every session, bounded by weight
and by time.

``@scenario_cache()`` keeps a function's results for every session on the server: a rerun gets
the cached result itself (no copy), which is safe because results are frozen dataclasses of
arrays and frames that nothing modifies. Only results computed from a view's controls (never a
learner's own upload) may go through it.

What a visitor can make it hold is bounded, whatever links they open (issue 24: one visitor's
maximum-cost links took a server from 295 MB to 1,019 MB, and nothing expired):

- **by weight:** all caches together hold at most :data:`BUDGET_MB` of results, weighed when
  stored (:func:`weight_of`: the bytes of every array and frame a result holds); the least
  recently used entries go first. A result heavier than :data:`MAX_ENTRY_SHARE` of the budget is
  returned but not kept.
- **by time:** an entry unused for :data:`TTL_S` goes, checked at each use and by a sweep every
  :data:`SWEEP_S` on a background thread, which also sweeps other shared stores (:func:`on_sweep`:
  the charts' Arrow tables) and hands freed memory back to the system (``malloc_trim``), so a
  quiet server shrinks again.
- **by count:** ``max_entries`` per function, as before.

A miss takes its visitor's turn (:mod:`dashboard.fair`), so one visitor's many tabs queue
instead of slowing everyone, and is computed once: sessions asking for the same key at the same
time wait for the first (as Streamlit's own ``st.cache_resource`` does).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import functools
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from dashboard import fair, offload

T = TypeVar("T")

DEFAULT_ENTRIES = 32
BUDGET_MB = 160  # every view's results together; one view's heaviest result is about 12 MB
MAX_ENTRY_SHARE = 0.25
TTL_S = 240.0  # four minutes unused: a class that moved on does not need it, and a quiet server shrinks
SWEEP_S = 60.0


def weight_of(value: Any, _seen: set | None = None) -> int:
    """Bytes held by ``value``: arrays' buffers, frames' columns (text included), and the same for
    what a dataclass, mapping or sequence holds, each object counted once."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        base = value.base if isinstance(value.base, np.ndarray) else None
        return weight_of(base, seen) if base is not None else int(value.nbytes)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(value.memory_usage(deep=True, index=True).sum() if isinstance(value, pd.DataFrame)
                   else value.memory_usage(deep=True, index=True))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sys.getsizeof(value) + sum(weight_of(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if isinstance(value, Mapping):
        return sys.getsizeof(value) + sum(weight_of(k, seen) + weight_of(v, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(weight_of(v, seen) for v in value)
    return sys.getsizeof(value)


@dataclasses.dataclass
class _Entry:
    value: Any
    weight: int
    used: float


class _Store:
    """Every scenario cache's entries in one LRU order, under one lock."""

    def __init__(self) -> None:
        self.entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self.total = 0
        self.lock = threading.Lock()
        self.computing: dict[tuple, threading.Lock] = {}
        self._sweeper: threading.Thread | None = None

    def get(self, key: tuple, now: float) -> tuple[bool, Any]:
        with self.lock:
            self._expire(now)
            entry = self.entries.get(key)
            if entry is None:
                return False, None
            entry.used = now
            self.entries.move_to_end(key)
            return True, entry.value

    def put(self, key: tuple, value: Any, weight: int, now: float, per_function: int) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.total -= old.weight
            if weight > MAX_ENTRY_SHARE * BUDGET_MB * 2 ** 20:
                return
            self.entries[key] = _Entry(value, weight, now)
            self.total += weight
            mine = [k for k in self.entries if k[0] == key[0]]
            for k in mine[: max(0, len(mine) - per_function)]:
                self.total -= self.entries.pop(k).weight
            while self.total > BUDGET_MB * 2 ** 20 and len(self.entries) > 1:
                self.total -= self.entries.popitem(last=False)[1].weight
        self._start_sweeper()

    def _expire(self, now: float) -> int:
        freed = 0
        while self.entries:
            key, entry = next(iter(self.entries.items()))
            if now - entry.used < TTL_S:
                break
            self.entries.popitem(last=False)
            self.total -= entry.weight
            freed += entry.weight
        return freed

    def clear(self, function_key: Any = None) -> None:
        with self.lock:
            for key in [k for k in self.entries if function_key is None or k[0] == function_key]:
                self.total -= self.entries.pop(key).weight

    def sweep(self) -> None:
        now = time.monotonic()
        with self.lock:
            freed = self._expire(now)
        for hook in list(_SWEEP_HOOKS):
            freed += hook(now, TTL_S)
        if freed:
            _trim()

    def _start_sweeper(self) -> None:
        if self._sweeper is not None:
            return
        with self.lock:
            if self._sweeper is not None:
                return

            def run() -> None:
                while True:
                    time.sleep(SWEEP_S)
                    self.sweep()

            self._sweeper = threading.Thread(target=run, name="scenario-cache-sweeper", daemon=True)
            self._sweeper.start()


STORE = _Store()
_SWEEP_HOOKS: list[Callable[[float, float], int]] = []


def on_sweep(hook: Callable[[float, float], int]) -> None:
    """Run ``hook(now, ttl)`` at every sweep: another store of shared things (the charts' Arrow
    tables) drops what went unused for ``ttl`` seconds and returns the bytes it freed. Adding the
    same hook again changes nothing."""
    if hook not in _SWEEP_HOOKS:
        _SWEEP_HOOKS.append(hook)


def _trim() -> None:
    """Hand the heap's free pages back to the system (glibc), so a quiet server's RSS falls too."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass


def stats() -> dict[str, float]:
    """Entries and megabytes held now, for the benchmarks."""
    with STORE.lock:
        return {"entries": len(STORE.entries), "mb": STORE.total / 2 ** 20}


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def scenario_cache(max_entries: int = DEFAULT_ENTRIES, heavy: bool = False):
    """Decorator: cache a pure function of a view's control values, shared across sessions.

    The arguments must be hashable values (numbers, strings, tuples); lists and dicts are keyed
    by their contents. ``f.clear()`` forgets the function's entries. A ``heavy`` function (one
    that can hold the interpreter for a tenth of a second or more) computes its misses in a
    worker process when the server has one (``dashboard.offload``); its arguments and result
    must pickle, and it must be a module-level name.
    """
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        function_key = (fn.__module__, fn.__qualname__)

        @functools.wraps(fn)
        def cached(*args, **kwargs) -> T:
            key = (function_key, _hashable(args), _hashable(kwargs))
            hit, value = STORE.get(key, time.monotonic())
            if hit:
                return value
            # The turn first, then the key's lock: a thread holding a key's lock always has its turn,
            # so a computation that waits for a nested key never waits on a thread that waits for a turn.
            offloaded = heavy and offload.active()
            # An offloaded miss waits for the worker, not for one of the server's computing slots.
            with fair.turn(server=not offloaded):
                with STORE.lock:
                    computing = STORE.computing.setdefault(key, threading.Lock())
                try:
                    with computing:  # the same key in another session: wait for its result, not compute it too
                        hit, value = STORE.get(key, time.monotonic())
                        if not hit:
                            value = offload.compute(function_key, fn, args, kwargs) if offloaded else fn(*args, **kwargs)
                            STORE.put(key, value, weight_of(value), time.monotonic(), max_entries)
                finally:
                    with STORE.lock:
                        if STORE.computing.get(key) is computing and not computing.locked():
                            del STORE.computing[key]
            return value

        cached.clear = lambda: STORE.clear(function_key)  # type: ignore[attr-defined]
        offload.register(function_key, cached)
        return cached

    return decorate


def by_values(compute: Callable[[dict], T], max_entries: int = DEFAULT_ENTRIES,
              heavy: bool = False) -> Callable[[Mapping[str, Any]], T]:
    """``values -> compute(values)`` through :func:`scenario_cache`, keyed on the controls' values."""
    def cached(items: tuple) -> T:
        return compute(dict(items))

    cached.__module__ = compute.__module__
    cached.__qualname__ = cached.__name__ = f"{compute.__qualname__}_cached"
    store = scenario_cache(max_entries, heavy)(cached)

    def of(values: Mapping[str, Any]) -> T:
        return store(tuple(sorted(values.items())))

    of.__doc__ = f"Cached :func:`{compute.__name__}` of the controls' values."
    of.clear = store.clear  # type: ignore[attr-defined]
    return of
