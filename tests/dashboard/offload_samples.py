"""Heavy cached functions for dashboard.offload's tests: the worker imports this module by name."""

from __future__ import annotations

import os

from dashboard.cache import scenario_cache


@scenario_cache(heavy=True)
def where(x: int) -> tuple[int, int]:
    """(x, the id of the process that computed it)."""
    return x, os.getpid()


@scenario_cache(heavy=True)
def refuses(x: int) -> int:
    raise ValueError(f"x must be positive; got {x}")


@scenario_cache(heavy=True)
def unpicklable(x: int):
    """A result that does not pickle (a lambda): the worker cannot send it, so it is computed here."""
    return (lambda: x), os.getpid()


@scenario_cache(heavy=True)
def prepared() -> int:
    """The id of the process that computed it (for offload.start's ``prepare``)."""
    return os.getpid()
