"""Every claim the race makes, in scenarios drawn from the page's declared controls, against the
oracle of race_oracle.py (plain loops from torch.optim's rules, the rules written out): who
diverged and when, who arrived and at which step, the winner, a tuned rate, and no text that is
not a number. A failing example prints the link that shows it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from core import surface_runs, surfaces
from dashboard.scenarios import optimizer_race as sc
from dashboard.shared import optimizer_race as says

from . import race_oracle as oracle
from .apptest_tools import NOT_A_NUMBER
from .property_tools import link


def _added(values, steps: int):
    """The noise the oracle adds to its gradients: the page's σ, drawn and faded by hand (None without)."""
    sigma = float(values.get("sigma", 0.0))
    return oracle.noise(sigma, steps) if sigma > 0 else None


def _oracle_arrival(racer, race, values) -> tuple[int, int, int]:
    """(diverged_at, arrived_at, arrived_at with 0.1% slack either way folded in) by the oracle."""
    points, f, diverged_at = oracle.run(racer.key, race.surface, racer.rate, race.steps, race.start,
                                        *sc.settings(values), _added(values, race.steps))
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


def _oracle_bounds(racer, race, values) -> tuple[int, int, int, int]:
    """(diverged_at, arrived_at, with tolerances 0.1% looser, 0.1% tighter) by the oracle: a step on the
    finish line by round-off may fall on either side of it, so an arrival is checked between the two."""
    points, f, diverged_at = oracle.run(racer.key, race.surface, racer.rate, race.steps, race.start,
                                        *sc.settings(values), _added(values, race.steps))
    if diverged_at >= 0:
        return diverged_at, -1, -1, -1
    return (diverged_at, *(oracle.arrived_at(points, f, race.surface, slack=slack) for slack in (1, 1.001, 1 / 1.001)))


def _check_run(run: dict, truth: tuple[int, int, int, int]) -> None:
    """A racer as a claim carries it (its values), against the oracle's :func:`_oracle_bounds`: diverged at
    the oracle's step exactly; arrived between the loose and the tight oracle's steps; anything else only
    where the strict oracle has it not arrive."""
    diverged_at, strict, loose, tight = truth
    outcome = run["outcome"]
    assert (outcome.kind == "diverged") == (diverged_at >= 0), (run["label"], outcome, truth)
    if diverged_at >= 0:
        assert outcome.step == diverged_at, (run["label"], outcome, truth)
    elif outcome.arrived:
        assert 0 <= loose <= outcome.step and (tight < 0 or outcome.step <= tight), (run["label"], outcome, truth)
    else:
        assert strict < 0, (run["label"], outcome, truth)


def _check_claims(race, values, truth: dict[str, tuple[int, int, int, int]]) -> None:
    """The race's claims (dashboard.verdicts.Claim) against the oracle: a winner exactly when a racer
    arrives (strictly: there must be one; with slack: there may be one), at the fewest steps, "nobody"
    otherwise; every racer's verdict in the notes and in the headlines; the racers a tuned race names as
    never arriving."""
    claims = says.race_claims(race)
    kinds = [c.kind for c in claims]
    strict = [a for _, a, _, _ in truth.values() if a >= 0]
    loose = [a for _, _, a, _ in truth.values() if a >= 0]
    tight = [a if a >= 0 else race.steps + 1 for _, s, _, a in truth.values() if s >= 0]
    assert bool(strict) <= ("race.first" in kinds) <= bool(loose), (kinds, truth)
    assert ("race.nobody" in kinds) == ("race.first" not in kinds)
    runs = []
    for claim in claims + says.headline_claims(race):
        if claim.kind in ("race.first", "race.head_first", "race.head_run"):
            runs.append(claim.values)
        runs += claim.values.get("runs", [])
        if claim.kind in ("race.first", "race.head_first"):  # the fewest steps: no racer arrives sooner
            step = claim.values["outcome"].step
            assert claim.values["outcome"].arrived and min(loose) <= step and (not tight or step <= min(tight))
    assert len(runs) == 2 * len(race.racers) + ("race.first" in kinds)
    for run in runs:
        _check_run(run, truth[run["key"]])
    tuned = sc.rate_claims(race, values)
    assert [c.kind for c in tuned] == (["race.tuned"] if values["tuned"] else ["race.slider_rates"])
    if values["tuned"]:
        named = set(tuned[0].values["unarrived"])
        for r in race.racers:
            if r.tuned:
                _, arrived, slack, _ = truth[r.key]
                assert (arrived < 0) <= (r.label in named) <= (slack < 0), (r.label, named, truth[r.key])


def _check_noise(race, values) -> None:
    """The noise's claims against the oracle: none without noise; with it, "race.noise" with the page's σ, then
    every racer that arrives with the noise or without it, split by both, each verdict checked against the
    oracle's loops at the racer's rate, with the noise drawn by hand and without it ("moved": arrives only with
    the noise, its verdict without it as said; "kept": both; "lost": only without)."""
    claims = sc.noise_claims(race)
    sigma = float(values["sigma"])
    if sigma == 0:
        assert claims == []
        return
    assert [c.kind for c in claims] == ["race.noise", "race.noise_effect"]
    assert claims[0].values["sigma"] == sigma
    effect = claims[1].values
    s = surfaces.get(race.surface)
    heights = [float(s.value(m)) for m in s.minima]
    assert effect["deep"] == any(h > min(heights) + 1e-9 * max(1.0, abs(min(heights))) for h in heights)
    said = {r["key"]: (group, r) for group in ("moved", "kept", "lost") for r in effect[group]}
    for r in race.racers:
        truth = {}
        for name, added in (("noisy", oracle.noise(sigma, race.steps)), ("quiet", None)):
            points, f, gone = oracle.run(r.key, race.surface, r.rate, race.steps, race.start, *sc.settings(values),
                                         added)
            truth[name] = (gone, -1, -1, -1) if gone >= 0 else (
                gone, *(oracle.arrived_at(points, f, race.surface, slack=x) for x in (1, 1.001, 1 / 1.001)))
        _check_run({"label": r.label, "outcome": r.outcome}, truth["noisy"])
        _check_run({"label": r.label + " without noise", "outcome": r.quiet}, truth["quiet"])
        noisy, quiet = r.outcome.arrived, r.quiet.arrived
        group = "kept" if noisy and quiet else "moved" if noisy else "lost" if quiet else None
        assert (said[r.key][0] if r.key in said else None) == group, (r.label, effect)
        if group:
            assert said[r.key][1]["quiet"] == r.quiet and said[r.key][1]["outcome"] == r.outcome


@settings(max_examples=30, deadline=None, derandomize=True)
@given(oracle.race_links(with_step=False), st.data())
def test_every_verdict_of_a_race_holds_against_the_oracle(values, data):
    note(f"link: {link('optimizer_race', values, sc.DEFAULTS)}")
    race = sc.compute(values)
    steps = {r.key: _check_racer(r, race, values) for r in race.racers}
    _check_claims(race, values, {r.key: _oracle_bounds(r, race, values) for r in race.racers})
    assert says.start_claims(race) == [] or values["own_start"]  # the surfaces' own starts are not stationary
    _check_noise(race, values)
    # The winner arrived, and nobody arrived in fewer steps.
    first = says.winner(race)
    arrived = {k: v for k, v in steps.items() if v >= 0}
    if first is None:
        assert not arrived
        assert says.headlines(race)[0].value is None
    else:
        assert steps[first.key] == min(arrived.values())
        assert says.headlines(race)[0].label == f"First: {first.label}"
    # A tuned racer's rate: no other rate of the grid arrives sooner (one racer per example: 41 runs).
    tuned = [r for r in race.racers if r.tuned]
    if tuned:
        racer = data.draw(st.sampled_from(tuned), label="tuned racer")
        grid = {}
        for lr in sc.rates():
            points, f, gone = oracle.run(racer.key, race.surface, float(lr), race.steps, race.start,
                                         *sc.settings(values), _added(values, race.steps))
            grid[float(lr)] = -1 if gone >= 0 else oracle.arrived_at(points, f, race.surface, slack=1.001)
        best = [a for a in grid.values() if a >= 0]
        if racer.outcome.arrived:
            assert racer.arrived_at <= min(best)
        else:
            strict = [oracle.arrived_at(*oracle.run(racer.key, race.surface, lr, race.steps, race.start,
                                                    *sc.settings(values), _added(values, race.steps))[:2], race.surface)
                      for lr, a in grid.items() if a >= 0]
            assert not [a for a in strict if a >= 0], f"{racer.label}: a rate arrives, but it was not tuned to one"
    # No sentence, headline or table cell shows a non-number, or the old finish line.
    texts = sc.notes(race, None, 0, values) + [says.table_markdown(race)]
    texts += [f"{h.label} {h.text} {h.help}" for h in says.headlines(race)]
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


@pytest.mark.parametrize(("surface", "x0", "y0"), [
    ("bowl", 0.0, 0.0), ("rosenbrock", 1.0, 1.0), ("line_fit", 2.0, 1.0), ("plateau", 0.0, 0.0),
    ("saddle", 0.0, 0.0), ("saddle", 0.0, 0.1), ("rosenbrock", 1.0, 1.1)])
def test_a_start_where_the_gradient_vanishes_is_said_and_who_leaves_it_is_named(surface, x0, y0):
    """Oracle: a start on one of the surface's listed minima or saddle points is stationary; on the global
    minimum, every racer's plain loop stays there but AdamW's (its weight decay needs no gradient) unless
    the minimum is the origin."""
    values = {**sc.DEFAULTS, **{f"run_{k}": True for k in sc.RACERS}, "surface": surface, "own_start": True,
              "x0": x0, "y0": y0, "steps": 50}
    race = sc.compute(values)
    s = surfaces.get(surface)
    start = np.array([x0, y0])
    kinds = [c.kind for c in says.start_claims(race)]
    at_minimum = any(np.allclose(start, m) for m in s.minima)  # these surfaces' minima are all global
    stationary = at_minimum or any(np.allclose(start, p) for p in s.saddles)
    assert kinds == (["race.at_minimum"] if at_minimum else ["race.stationary"] if stationary else [])
    if at_minimum:
        left = [r.label for r in race.racers
                if oracle.arrived_at(*oracle.run(r.key, surface, r.rate, 50, start, *sc.settings(values), _added(values, race.steps))[:2],
                                     surface) != 0]
        assert says.start_claims(race)[0].values["left"] == left
        assert left == ([] if np.allclose(start, 0.0) else ["AdamW"])


@pytest.mark.parametrize(("sigma", "tuned", "lr"), [
    (0.0, True, 0.1), (0.5, True, 0.1), (2.0, True, 0.1), (6.0, True, 0.1), (3.0, False, 0.42),
    (1.0, False, 1.3), (0.5, False, 3.2), (1.0, False, 0.56)])  # the last three: racers moved, kept and lost
def test_what_the_noise_did_on_two_minima_holds_against_the_oracle(sigma, tuned, lr):
    """Two minima, every racer, tuned and not: a racer is said to be brought to the deep minimum by the noise only
    where the oracle's loop at its rate arrives with the noise and does not without it."""
    values = {**sc.DEFAULTS, **{f"run_{k}": True for k in sc.RACERS}, **{f"lr_{k}": lr for k in sc.RACERS},
              "surface": "two_minima_2d", "sigma": sigma, "tuned": tuned}
    race = sc.compute(values)
    _check_noise(race, values)
    for r in race.racers:  # and every verdict, with the noise
        _check_racer(r, race, values)


def test_the_noise_preset_moves_gradient_descent_to_the_deep_well_and_noise_zero_is_the_noise_free_race():
    """The preset, by the oracle: gradient descent at η = 0.42 from (-3, 3) ends nearest the shallow minimum
    without noise and, with σ = 2 (seed 0), arrives at the deep one; the claim says the noise moved it."""
    race = sc.compute(sc.NOISY_DESCENT)
    (racer,) = race.racers
    start = surfaces.get("two_minima_2d").start
    quiet, _, _ = oracle.run("sgd", "two_minima_2d", 0.42, 300, start, 0.9, 0.9, 0.999)
    noisy, f, _ = oracle.run("sgd", "two_minima_2d", 0.42, 300, start, 0.9, 0.9, 0.999, oracle.noise(2.0, 300))
    assert oracle.nearest_minimum("two_minima_2d", quiet[-1]) == 1 and oracle.nearest_minimum("two_minima_2d", noisy[-1]) == 0
    assert oracle.arrived_at(noisy, f, "two_minima_2d") == racer.arrived_at >= 0
    effect = sc.noise_claims(race)[1].values
    assert [r["label"] for r in effect["moved"]] == ["Gradient descent"] and not effect["kept"] + effect["lost"]
    assert effect["moved"][0]["quiet"].kind == "stalled" and effect["deep"]
    np.testing.assert_allclose(race.points["sgd"], noisy, rtol=1e-9, atol=1e-12)
    # σ = 0 is the race without noise, bit for bit (core.surface_runs.optimize, which has no shared noise).
    off = sc.compute({**sc.NOISY_DESCENT, "sigma": 0.0})
    alone = surface_runs.optimize("two_minima_2d", optimizer=sc.build("sgd", 0.9, 0.9, 0.999), lr=sc.rates()[
        int(np.argmin(np.abs(np.log(sc.rates() / 0.42))))], steps=300)
    np.testing.assert_array_equal(off.points["sgd"], alone.params[:, 0])
    np.testing.assert_allclose(off.points["sgd"], quiet, rtol=1e-9, atol=1e-12)
