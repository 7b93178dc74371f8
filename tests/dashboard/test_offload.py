"""Heavy cache misses computed in a worker process (dashboard.offload): the same results as
computed here, errors raised here, and a worker that fails costs time, never the answer."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from dashboard import cache, fair, offload

from . import offload_samples as samples
from .apptest_tools import run_page, texts


def shown(at) -> tuple:
    """Each chart's spec and decoded data, and the page's texts: what a user sees. (The Arrow
    bytes of an unpickled frame may differ from the original's while every value is equal.)"""
    import pyarrow as pa

    specs, tables = [], {}
    for chart in at.get("vega_lite_chart"):
        specs.append(chart.proto.spec)
        for data in chart.proto.datasets:
            tables[data.name] = pa.ipc.open_stream(data.data.data).read_all().to_pydict()
    return specs, tables, texts(at), [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


HEAVY_VIEWS = ("local_minima", "loss_curves", "lr_schedules", "optimizer_race", "batch_size")


@pytest.fixture
def worker():
    cache.STORE.clear()
    offload.start(warm=False)
    yield offload
    offload.stop()
    cache.STORE.clear()


def test_a_heavy_miss_is_computed_in_the_worker_and_cached_here(worker):
    assert samples.where(3) == (3, samples.where(3)[1])
    x, pid = samples.where(3)
    assert pid != os.getpid() and x == 3
    assert (samples.where.__module__, "where") in offload._CACHED
    # Offloading off: the same function computes here.
    offload.stop()
    samples.where.clear()
    assert samples.where(4)[1] == os.getpid()


def test_an_error_raised_in_the_worker_is_raised_here_with_its_message(worker):
    with pytest.raises(ValueError, match="x must be positive; got -1"):
        samples.refuses(-1)


def test_a_result_that_cannot_travel_is_computed_here_instead(worker):
    make, pid = samples.unpicklable(5)
    assert make() == 5 and pid == os.getpid()


def test_a_worker_killed_mid_class_is_replaced_and_meanwhile_the_answer_comes_from_here(worker):
    first = samples.where(1)[1]
    os.kill(first, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    x, pid = samples.where(2)  # from here if the pipe broke first, from a fresh worker if the death was seen
    assert x == 2 and pid != first
    assert samples.where(3)[1] not in (first, os.getpid())


def test_a_worker_that_stops_answering_is_given_up_after_the_time_limit(worker):
    samples.where(1)
    stuck = offload._POOL._idle.queue[0]
    os.kill(stuck.proc.pid, signal.SIGSTOP)
    offload._POOL.timeout = 0.5
    x, pid = samples.where(2)
    assert (x, pid) == (2, os.getpid()) and stuck.proc.poll() is not None  # killed, answered here
    offload._POOL.timeout = offload.TIMEOUT_S
    assert samples.where(3)[1] not in (stuck.proc.pid, os.getpid())


def test_what_start_is_asked_to_prepare_is_computed_in_the_worker_before_anyone_asks():
    cache.STORE.clear()
    try:
        assert offload.start(prepare=("tests.dashboard.offload_samples:prepared",)) is True
        assert offload.start() is False  # once per process
        key = (samples.prepared.__module__, "prepared")
        deadline = time.monotonic() + 30
        while not any(k[0] == key for k in list(cache.STORE.entries)) and time.monotonic() < deadline:
            time.sleep(0.05)
        asked = []
        original = offload._POOL.ask
        offload._POOL.ask = lambda *a, **k: asked.append(1) or original(*a, **k)
        pid = samples.prepared()
        assert not asked and pid not in (None, os.getpid())  # kept from the start, computed in a child
        # ... of its own, which is gone: the worker was left free for the first visitors
        assert samples.where(1)[1] != pid
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists()
    finally:
        offload.stop()
        cache.STORE.clear()


def test_an_offloaded_miss_takes_the_visitors_turn_but_no_server_slot(worker):
    slots = fair._SERVER._value
    seen = []
    original = offload.compute

    def spy(*args):
        seen.append((fair._SERVER._value, getattr(fair._HELD, "depth", 0)))
        return original(*args)

    offload.compute = spy
    try:
        samples.where(9)
    finally:
        offload.compute = original
    assert seen == [(slots, 1)]


@pytest.mark.parametrize("view", HEAVY_VIEWS)
def test_each_heavy_view_shows_the_same_scenario_computed_in_the_worker(view, worker):
    offload.stop()
    here = shown(run_page(f"{view}.py"))
    cache.STORE.clear()
    offload.start(warm=False)
    computed = []
    original = offload._POOL.ask

    def counted(*args, **kwargs):
        computed.append(1)
        return original(*args, **kwargs)

    offload._POOL.ask = counted
    there = shown(run_page(f"{view}.py"))
    assert computed, f"{view} sent nothing to the worker"
    assert there == here and not here[3]


def test_the_normal_equations_timing_grid_is_measured_in_the_worker(worker):
    """The grid is measured, so no two runs agree to the digit: its shape and sense are compared."""
    import numpy as np

    from dashboard.scenarios import normal_equation

    normal_equation.timings.cache_clear()
    asked = []
    original = offload._POOL.ask
    offload._POOL.ask = lambda *a, **k: asked.append(1) or original(*a, **k)
    grid = normal_equation.timings()
    assert asked == [1]
    assert tuple(grid.ns) == normal_equation.COST_NS and tuple(grid.ds) == normal_equation.COST_DS
    for seconds in grid.seconds.values():
        assert seconds.shape == (len(grid.ns), len(grid.ds)) and np.all(np.isfinite(seconds)) and np.all(seconds > 0)
    at = run_page("normal_equation.py")
    assert not at.exception and not at.error and at.get("vega_lite_chart")
