"""Heavy computations in a worker process, so one visitor's heavy pages leave the class its interpreter.

A Streamlit server runs every session's script in one Python process. A heavy computation (a
local-minima page at 200 restarts, loss curves at 300 epochs of single-example steps) holds its
interpreter lock most of the time it runs, and every student's rerun beside it waits for the
lock: eight tabs of such links stretched a student's p95 rerun to 3.6 times its time alone. So
a cache miss of a function declared heavy (``scenario_cache(heavy=True)``, ``by_values(...,
heavy=True)``) is computed in a child (``python -m dashboard.offload``, ``dashboard.child``'s
protocol) while the server's thread only waits:

- the request is the function's cache key and its arguments, pickled; the child imports the
  function's module, calls the same cached function (its own small cache serves the nested
  calls of one page: a race and the sweep it reuses) and answers with the pickled result, or the
  pickled exception, which is raised here as if computed here;
- :data:`WORKERS` children (one fewer than the cores: the other core is the class's), each
  under :data:`TIMEOUT_S`, :data:`MAX_RSS_MB` and ``RLIMIT_DATA`` of :data:`DATA_LIMIT_MB`; an
  idle child exits after :data:`IDLE_S`;
- anything that stops the child's answer (a result or an argument that does not pickle, a child
  that died, every child busy for :data:`QUEUE_WAIT_S`) computes in this process instead, as
  before: slower for the class, never wrong for the visitor.

Offloading is on in a served app (``dashboard/app.py`` calls :func:`start_if_served`) and off in AppTest
runs, where patching a function must reach the code that runs; its own tests turn it on.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import Any

from dashboard import child

WORKERS = max(1, (os.cpu_count() or 2) - 1)
TIMEOUT_S = 30.0  # the heaviest link computes in under 1 s alone; this is an overloaded machine
QUEUE_WAIT_S = 30.0
MAX_RSS_MB = 600.0  # the child starts at about 160 MB; the heaviest computation adds about 60
DATA_LIMIT_MB = 3_072  # virtual: the normal equation's timing grid maps 1.8 GB (resident 430 MB)
IDLE_S = 300.0
CHILD_CACHE_MB = 48  # nested results for the page in hand; the server keeps the shared cache
MODULE = "dashboard.offload"

_LOG = logging.getLogger(__name__)
_ENABLED = False
_POOL: child.Pool | None = None
_LOCK = threading.Lock()
_CACHED: dict[tuple[str, str], Callable[..., Any]] = {}
_THREAD = threading.local()  # .pool: another pool for this thread's requests (start's preparations)


def register(function_key: tuple[str, str], cached: Callable[..., Any]) -> None:
    """Make the cached function ``cached`` callable in the child by its key (module, qualname)."""
    _CACHED[function_key] = cached


def active() -> bool:
    """Whether heavy cache misses go to a child now."""
    return _ENABLED


def start(warm: bool = True, prepare: tuple[str, ...] = ()) -> bool:
    """Turn offloading on for this process; with ``warm``, start a child now in the background,
    so the first heavy page does not wait for its imports, and call each ``"module:function"``
    of ``prepare`` (results every visitor needs, computed before anyone asks) in a second child
    that exits when done, so the worker is free for the first visitors. True when this call
    turned it on."""
    global _ENABLED, _POOL
    with _LOCK:
        if _ENABLED:
            return False
        _ENABLED = True
        if _POOL is None:
            _POOL = child.Pool(MODULE, WORKERS, TIMEOUT_S, IDLE_S)
    if warm:
        threading.Thread(target=_warm, args=(prepare,), name="offload-warm", daemon=True).start()
    return True


def start_if_served(prepare: tuple[str, ...] = ()) -> bool:
    """:func:`start` in a process that serves the app (``streamlit run``); nothing under AppTest,
    whose runtime is a stand-in."""
    try:
        from streamlit.runtime import Runtime

        served = Runtime.exists() and type(Runtime.instance()) is Runtime
    except Exception:  # noqa: BLE001 - no runtime known: compute here
        served = False
    return start(prepare=prepare) if served else False


def stop() -> None:
    """Turn offloading off and stop the children (tests)."""
    global _ENABLED
    with _LOCK:
        _ENABLED = False
        if _POOL is not None:
            _POOL.close()


def _warm(prepare: tuple[str, ...] = ()) -> None:
    try:
        _POOL.ask(pickle.dumps(None), queue_wait_s=0.0, max_rss_mb=MAX_RSS_MB)
    except (child.Busy, child.ChildFailed, OSError):
        pass  # a busy or failing child is started again by the first real request
    if not prepare:
        return
    # In a child of its own, closed when done: the worker stays free for the first visitors.
    side = child.Pool(MODULE, 1, TIMEOUT_S, IDLE_S)
    _THREAD.pool = side
    try:
        for target in prepare:
            module, _, name = target.partition(":")
            try:
                getattr(importlib.import_module(module), name)()
            except Exception:  # noqa: BLE001 - the first visitor computes it instead
                _LOG.warning("could not prepare %s", target, exc_info=True)
    finally:
        _THREAD.pool = None
        side.close()


def compute(function_key: tuple[str, str], fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """``fn(*args, **kwargs)``: in a child when offloading is on, here otherwise or when the child
    cannot answer. An exception raised by ``fn`` in the child is raised here."""
    pool = getattr(_THREAD, "pool", None) or _POOL
    if not _ENABLED or pool is None:
        return fn(*args, **kwargs)
    try:
        request = pickle.dumps((function_key, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        ok, payload = pool.ask(request, queue_wait_s=QUEUE_WAIT_S, max_rss_mb=MAX_RSS_MB)
        answer = pickle.loads(payload)
    except (child.Busy, child.ChildFailed, OSError, pickle.PickleError, AttributeError, TypeError, EOFError) as err:
        _LOG.info("computing %s here: the worker could not (%s)", ".".join(function_key), type(err).__name__)
        return fn(*args, **kwargs)
    if ok:
        return answer
    if isinstance(answer, BaseException):
        raise answer
    _LOG.info("computing %s here: the worker said %s", ".".join(function_key), answer)
    return fn(*args, **kwargs)


# --------------------------------------------------------------------------- the child


def _answer(request: bytes) -> tuple[bool, bytes]:
    asked = pickle.loads(request)
    if asked is None:  # a warm-up: imports done, nothing to compute
        return True, pickle.dumps(None)
    function_key, args, kwargs = asked
    try:
        if function_key not in _CACHED:
            importlib.import_module(function_key[0])
        value = _CACHED[function_key](*args, **kwargs)
    except Exception as err:  # noqa: BLE001 - the parent raises it (or, if it cannot travel, computes itself)
        try:
            return False, pickle.dumps(err, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001
            return False, pickle.dumps(f"{type(err).__name__}: {err}")
    try:
        return True, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as err:  # noqa: BLE001 - a string: the parent computes it itself
        return False, pickle.dumps(f"the result does not pickle ({type(err).__name__})")


def child_main() -> int:
    """The child's loop, with its memory capped and its own cache small."""
    import resource

    limit = DATA_LIMIT_MB * 2 ** 20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    from dashboard import cache

    cache.BUDGET_MB = CHILD_CACHE_MB
    import pkgutil

    from dashboard import scenarios

    # Every view's scenario module, where the heavy functions live, before the first request.
    for found in pkgutil.iter_modules(scenarios.__path__, "dashboard.scenarios."):
        importlib.import_module(found.name)
    return child.serve(_answer, IDLE_S)


if __name__ == "__main__":
    # Run as a script, this file is ``__main__``; the cache registers into the importable module.
    sys.exit(importlib.import_module(MODULE).child_main())
