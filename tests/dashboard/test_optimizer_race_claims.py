"""Every claim the race makes, in scenarios drawn from the page's declared controls, against the
oracle of race_oracle.py (plain loops from torch.optim's rules, the rules written out): who
diverged and when, who arrived and at which step, the winner, a tuned rate, and no text that is
not a number. A failing example prints the link that shows it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, note, settings
from hypothesis import strategies as st

from dashboard.scenarios import optimizer_race as sc

from . import race_oracle as oracle
from .apptest_tools import NOT_A_NUMBER
from .property_tools import link


def _oracle_arrival(racer, race, values) -> tuple[int, int, int]:
    """(diverged_at, arrived_at, arrived_at with 0.1% slack either way folded in) by the oracle."""
    points, f, diverged_at = oracle.run(racer.key, race.surface, racer.rate, race.steps, race.start,
                                        *sc.settings(values))
    if diverged_at >= 0:
        return diverged_at, -1, -1
    return (diverged_at, oracle.arrived_at(points, f, race.surface),
            oracle.arrived_at(points, f, race.surface, slack=1.001))


def _check_racer(racer, race, values) -> int:
    """The racer's verdict against the oracle; returns the oracle's arrival step."""
    diverged_at, arrived, loose = _oracle_arrival(racer, race, values)
    assert racer.diverged_at == diverged_at, f"{racer.label}: diverged at {racer.diverged_at}, oracle {diverged_at}"
    if racer.outcome.arrived:
        # A borderline point may sit on either side of a tolerance by round-off: allow 0.1%.
        assert loose >= 0 and loose <= racer.arrived_at, f"{racer.label} said arrived at {racer.arrived_at}; oracle {arrived}"
        return racer.arrived_at
    assert arrived < 0, f"{racer.label} said {racer.outcome.kind}; the oracle has it arrive at step {arrived}"
    return -1


@settings(max_examples=30, deadline=None, derandomize=True)
@given(oracle.race_links(with_step=False), st.data())
def test_every_verdict_of_a_race_holds_against_the_oracle(values, data):
    note(f"link: {link('optimizer_race', values, sc.DEFAULTS)}")
    race = sc.compute(values)
    steps = {r.key: _check_racer(r, race, values) for r in race.racers}
    # The winner arrived, and nobody arrived in fewer steps.
    first = sc.winner(race)
    arrived = {k: v for k, v in steps.items() if v >= 0}
    if first is None:
        assert not arrived
        assert sc.headlines(race)[0].value is None
    else:
        assert steps[first.key] == min(arrived.values())
        assert sc.headlines(race)[0].label == f"First: {first.label}"
    # A tuned racer's rate: no other rate of the grid arrives sooner (one racer per example: 41 runs).
    tuned = [r for r in race.racers if r.tuned]
    if tuned:
        racer = data.draw(st.sampled_from(tuned), label="tuned racer")
        grid = {}
        for lr in sc.rates():
            points, f, gone = oracle.run(racer.key, race.surface, float(lr), race.steps, race.start,
                                         *sc.settings(values))
            grid[float(lr)] = -1 if gone >= 0 else oracle.arrived_at(points, f, race.surface, slack=1.001)
        best = [a for a in grid.values() if a >= 0]
        if racer.outcome.arrived:
            assert racer.arrived_at <= min(best)
        else:
            strict = [oracle.arrived_at(*oracle.run(racer.key, race.surface, lr, race.steps, race.start,
                                                    *sc.settings(values))[:2], race.surface)
                      for lr, a in grid.items() if a >= 0]
            assert not [a for a in strict if a >= 0], f"{racer.label}: a rate arrives, but it was not tuned to one"
    # No sentence, headline or table cell shows a non-number, or the old finish line.
    texts = sc.notes(race, None, 0, values) + [sc.table_markdown(race)]
    texts += [f"{h.label} {h.text} {h.help}" for h in sc.headlines(race)]
    for text in texts:
        assert not NOT_A_NUMBER.search(text), text


def test_the_oracle_is_the_race_at_the_lesson_preset():
    """The oracle itself, checked on the preset the lesson's claim rests on (and against the page's runs)."""
    race = sc.compute(sc.LESSON)
    for racer in race.racers:
        points, f, gone = oracle.run(racer.key, race.surface, racer.rate, race.steps, race.start,
                                     *sc.settings(sc.LESSON))
        assert gone == -1
        np.testing.assert_allclose(points, race.points[racer.key], rtol=1e-9, atol=1e-12)
