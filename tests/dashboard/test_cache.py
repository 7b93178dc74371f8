"""dashboard.cache.by_values: one cache per compute function, keyed on the controls' values."""

from __future__ import annotations

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
