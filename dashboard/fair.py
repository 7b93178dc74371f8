"""Fair turns at the server's cores: one visitor's many tabs queue, everyone else goes on.

Eight tabs of maximum-cost links from one visitor, run at once, once stretched every
student's rerun to p95 18.7 s on a two-core server. So:

- a whole script run takes its visitor's slot (:func:`visit`, around the page in
  ``dashboard/app.py``): at most :data:`PER_VISITOR` run at a time per visitor, so their tabs
  wait for each other, not for the class (a heavy page's charts and tables cost the server's
  one interpreter lock as much as its computation);
- a cache miss (``dashboard.cache``) also takes one of :data:`AT_ONCE` computing slots on the
  server (:func:`turn`; a little more than its cores, so memory stays bounded while light work
  still overlaps heavy work).

A visitor is a browser: the token inside Streamlit's XSRF cookie, which every tab of a browser
shares (its text changes from page to page, its token does not). Without one (a test, XSRF
protection off) each session is its own visitor. A visitor who clears cookies per tab is one
per tab here; nginx's per-address connection limit (deploy/nginx.conf) is the line behind it.
Turns are re-entrant on a thread: a cached computation that calls another keeps its turn.
"""

from __future__ import annotations

import hashlib
import os
import threading
from contextlib import contextmanager, nullcontext

PER_VISITOR = 1
AT_ONCE = (os.cpu_count() or 2) + 2
XSRF_COOKIE = "_streamlit_xsrf"

_SERVER = threading.BoundedSemaphore(AT_ONCE)
_VISITORS: dict[str, list] = {}  # visitor -> [semaphore, threads holding or waiting]
_LOCK = threading.Lock()
_HELD = threading.local()


def token(cookie: str | None) -> str | None:
    """The stable token of an XSRF cookie (format ``2|mask|masked token|time``: the token is the
    masked bytes XOR the mask repeated), hashed; None for anything else."""
    if not cookie:
        return None
    parts = cookie.strip("\"'").split("|")
    try:
        if parts[0] == "2" and len(parts) == 4:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
            raw = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked)) if mask else masked
        elif len(parts) == 1:
            raw = bytes.fromhex(parts[0])
        else:
            return None
    except ValueError:
        return None
    return hashlib.blake2b(raw, digest_size=8).hexdigest() if raw else None


def visitor() -> str | None:
    """This run's visitor (None outside a Streamlit session)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        if ctx is None:
            return None
        import streamlit as st

        found = token(st.context.cookies.get(XSRF_COOKIE))
        return f"browser:{found}" if found else f"session:{ctx.session_id}"
    except Exception:  # noqa: BLE001 - no visitor known: no per-visitor queue, never a failure
        return None


@contextmanager
def _visitor_slot(who: str | None):
    """Hold ``who``'s one slot for the block (re-entrant on a thread; nothing without a visitor)."""
    if who is None or getattr(_HELD, "visitor", False):
        yield
        return
    with _LOCK:
        slot = _VISITORS.setdefault(who, [threading.BoundedSemaphore(PER_VISITOR), 0])
        slot[1] += 1
    try:
        with slot[0]:
            _HELD.visitor = True
            try:
                yield
            finally:
                _HELD.visitor = False
    finally:
        with _LOCK:
            slot[1] -= 1
            if slot[1] == 0:
                del _VISITORS[who]


@contextmanager
def visit(who: str | None = None):
    """A whole script run in its visitor's turn: a browser's tabs run one after another, so many
    tabs of heavy pages cost the class one run at a time, not eight (their charts, not only
    their computations, take the server's time). Re-entrant; the server's own limit is left to
    :func:`turn`."""
    with _visitor_slot(who if who is not None else visitor()):
        yield


@contextmanager
def turn(who: str | None = None, server: bool = True):
    """Wait for this visitor's turn and the server's, then run the block (re-entrant per thread).
    With ``server=False`` only the visitor's turn: the block's work is bounded elsewhere (a
    worker process's pool, ``dashboard.offload``)."""
    if getattr(_HELD, "depth", 0):
        _HELD.depth += 1
        try:
            yield
        finally:
            _HELD.depth -= 1
        return
    with _visitor_slot(who if who is not None or getattr(_HELD, "visitor", False) else visitor()):
        with _SERVER if server else nullcontext():
            _HELD.depth = 1
            try:
                yield
            finally:
                _HELD.depth = 0


def waiting() -> int:
    """Visitors with a computation running or queued (for the benchmarks)."""
    with _LOCK:
        return len(_VISITORS)
