"""dashboard.cache: one cache per compute function, keyed on the controls' values, bounded by weight
and time; dashboard.fair: one visitor's computations take turns."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from dashboard import cache, fair
from dashboard.cache import by_values

CALLS: list[str] = []


def compute_one(values):
    CALLS.append("one")
    return ("one", values["k"])


def compute_two(values):
    CALLS.append("two")
    return ("two", values["k"])


def test_each_compute_keeps_its_own_cache_and_computes_a_scenario_once():
    one, two = by_values(compute_one), by_values(compute_two)
    one.clear()
    two.clear()
    CALLS.clear()
    assert one({"k": 1, "j": 2}) == ("one", 1)
    assert two({"k": 1, "j": 2}) == ("two", 1), "the same values in another view are another scenario"
    assert one({"j": 2, "k": 1}) == ("one", 1), "the values' order does not matter"
    assert one({"k": 3, "j": 2}) == ("one", 3)
    assert CALLS == ["one", "two", "one"]


# --------------------------------------------------------------------------- bounds (issue 24)


def test_weight_counts_every_array_and_frame_once():
    a = np.zeros(1000)  # 8,000 bytes
    frame = pd.DataFrame({"x": np.zeros(500), "y": np.zeros(500)})  # 8,000 bytes + a small index
    held = {"a": a, "again": a, "view": a[:10], "frame": frame}
    weight = cache.weight_of(held)
    assert 16_000 < weight < 16_000 + 2_000  # the view and the second name add nothing


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(cache, "BUDGET_MB", 1)  # 1 MiB of results
    monkeypatch.setattr(cache, "STORE", cache._Store())
    return cache.STORE


def test_the_budget_bounds_what_all_caches_hold_by_weight(small_budget):
    @cache.scenario_cache(max_entries=100)
    def block(k):  # 200 KB each
        return np.full(25_000, float(k))

    for k in range(20):
        block(k)
    assert cache.stats()["mb"] <= 1.0 and cache.stats()["entries"] == 5  # 5 x 200 KB fit in 1 MiB
    held = [k[1][0] for k in small_budget.entries]
    assert held == [15, 16, 17, 18, 19]  # the least recently used went first


def test_an_entry_heavier_than_its_share_is_returned_but_not_kept(small_budget):
    @cache.scenario_cache()
    def heavy():
        return np.zeros(100_000)  # 800 KB, over a quarter of 1 MiB

    assert heavy().size == 100_000 and cache.stats()["entries"] == 0


def test_an_entry_unused_for_its_time_limit_goes(small_budget, monkeypatch):
    calls = []

    @cache.scenario_cache()
    def value(k):
        calls.append(k)
        return k

    now = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: now[0])
    value(1)
    now[0] += cache.TTL_S - 1
    value(1)  # still there, and its clock restarts
    now[0] += cache.TTL_S - 1
    value(2)
    assert calls == [1, 2]
    now[0] += cache.TTL_S + 1
    small_budget.sweep()  # what the background sweep does every minute
    assert cache.stats()["entries"] == 0
    value(1)
    assert calls == [1, 2, 1]


def test_a_key_asked_for_at_once_is_computed_once():
    started, calls = threading.Event(), []

    @cache.scenario_cache()
    def slow(k):
        calls.append(k)
        started.set()
        time.sleep(0.2)
        return k * 2

    slow.clear()
    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(21))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 4 and calls == [21]


def test_one_visitors_tabs_take_turns_while_another_visitor_goes_on():
    log, lock = [], threading.Lock()

    def work(who, name):
        with fair.turn(who):
            with lock:
                log.append(("start", name))
            time.sleep(0.15)
            with lock:
                log.append(("end", name))

    tabs = [threading.Thread(target=work, args=("browser:a", f"a{k}")) for k in range(3)]
    other = threading.Thread(target=work, args=("browser:b", "b"))
    for t in tabs:
        t.start()
    time.sleep(0.02)
    other.start()
    for t in [*tabs, other]:
        t.join()
    running, most_of_a, b_started_after = 0, 0, None
    for event, name in log:
        if name.startswith("a"):
            running += 1 if event == "start" else -1
            most_of_a = max(most_of_a, running)
        elif event == "start":
            b_started_after = sum(1 for e, n in log[: log.index(("start", "b"))] if e == "end")
    assert most_of_a == 1  # visitor a's three tabs never ran together
    assert b_started_after <= 1  # visitor b did not wait for a's queue
    assert fair.waiting() == 0


def test_a_turn_is_reentrant_so_nested_caches_never_wait_on_themselves():
    @cache.scenario_cache()
    def inner(k):
        return k + 1

    @cache.scenario_cache()
    def outer(k):
        return inner(k) * 10

    inner.clear()
    outer.clear()
    done = []
    t = threading.Thread(target=lambda: done.append(outer(1)))
    t.start()
    t.join(timeout=5)
    assert done == [20]


def test_the_xsrf_cookie_gives_one_visitor_per_browser_whatever_its_mask():
    token = bytes(range(16))

    def cookie(mask: bytes) -> str:
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
        return f"2|{mask.hex()}|{masked.hex()}|1700000000"

    one, two = cookie(b"\x01\x02\x03\x04"), cookie(b"\xff\x00\xaa\x55")
    assert one != two and fair.token(one) == fair.token(two) is not None
    assert fair.token("not|a|cookie") is None and fair.token(None) is None and fair.token("2|zz|zz|1") is None


def test_a_computation_inside_a_visitors_run_keeps_the_run_slot_and_takes_a_server_slot():
    done = []

    def run():
        with fair.visit("browser:c"):  # the page's whole run
            with fair.turn():  # a cache miss inside it: the visitor's slot is already this thread's
                done.append(fair.waiting())

    t = threading.Thread(target=run)
    t.start()
    t.join(timeout=5)
    assert done == [1] and fair.waiting() == 0


def test_the_sweep_drops_arrow_tables_nobody_drew_for_the_time_limit(monkeypatch):
    from dashboard.charts import common

    monkeypatch.setattr(common, "_ARROW", type(common._ARROW)())
    monkeypatch.setattr(common, "_ARROW_BYTES", [0])
    now = [500.0]
    monkeypatch.setattr(common.time, "monotonic", lambda: now[0])
    common._arrow({"a": pd.DataFrame({"x": np.arange(1000.0)})})
    now[0] += 100
    common._arrow({"b": pd.DataFrame({"y": np.arange(2000.0)})})
    assert len(common._ARROW) == 2 and common._ARROW_BYTES[0] == 8_000 + 16_000
    assert common.expire_arrow(now[0] + 50, ttl=120) == 8_000  # a: 150 s unused; b: 50 s
    assert len(common._ARROW) == 1 and common._ARROW_BYTES[0] == 16_000
    cache.on_sweep(common.expire_arrow)
    cache.on_sweep(common.expire_arrow)
    assert cache._SWEEP_HOOKS.count(common.expire_arrow) == 1
