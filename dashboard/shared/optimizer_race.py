"""What "Which optimizer reaches the bottom first?" says about a race: the claims
(:class:`dashboard.verdicts.Claim`) read off a race alone (who won, a start where the gradient is zero, what
the surface is for, what one optimizer holds), each claim's words (from ``dashboard/texts/optimizer_race.md``),
the headlines and "The math".

Pure functions of the scenario's frozen results (:mod:`dashboard.scenarios.optimizer_race`' ``Race``,
``Racer`` and ``Inside``); the claims about the controls' rate grid and the gradient noise's draw are the
scenario's, which knows both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core import outcomes, surfaces
from dashboard import registry, verdicts, words
from dashboard.formatting import fmt, latex_power
from dashboard.headline import Headline, whole
from dashboard.verdicts import Claim, say, template

if TYPE_CHECKING:  # the types only: the scenario imports this module, not the other way round
    from dashboard.scenarios.optimizer_race import Inside, Race, Racer

TEXT = words.of("optimizer_race")
SURFACE_NOTES = {"rosenbrock": TEXT("surface.rosenbrock"), "bowl": TEXT("surface.bowl"),
                 "saddle": TEXT("surface.saddle"), "plateau": TEXT("surface.plateau"),
                 "two_minima_2d": TEXT("surface.two_minima_2d")}
STILL = 1e-12  # a start whose gradient is below this times its height (at least 1) is a stationary point


def start_claims(race: Race) -> list[Claim]:
    """As claims (:class:`dashboard.verdicts.Claim`): "race.at_minimum" when the race starts on a global
    minimizer (with the racers that did not stay there: AdamW, whose weight decay needs no gradient),
    "race.stationary" when it starts on another point where the gradient is zero (below :data:`STILL`
    times the start's height, at least 1), nothing otherwise."""
    s = surfaces.get(race.surface)
    start = np.asarray(race.start)
    gradient = float(np.linalg.norm(s.grad(start)))
    if gradient > STILL * max(1.0, abs(float(s.value(start)))):
        return []
    if any(np.allclose(start, m) for m in s.global_minima):
        # AdamW's decoupled weight decay moves the weights with no gradient at all: off a minimum away from 0
        left = [r.label for r in race.racers if not (r.outcome.arrived and r.outcome.step == 0)]
        return [Claim("race.at_minimum", {"start": race.start, "gradient": gradient, "left": left})]
    return [Claim("race.stationary", {"start": race.start, "gradient": gradient})]


def table_markdown(race: Race) -> str:
    """The race's table as Markdown (cheaper for the browser to redraw than a data grid)."""
    rows = ["| Optimizer | Learning rate | Settings | Steps to arrive | Final f − min | Result |",
            "|---|---:|---|---:|---:|---|"]
    for row in race.table.itertuples(index=False):
        steps = "" if pd.isna(row[3]) else f"{int(row[3])}"
        # A diverged racer has no final gap (its Result says where it went): a dash, not ∞.
        rows.append(f"| {row[0]} | {row[1]} | {row[2]} | {steps} | {fmt(float(row[4]))} | {row[5]} |")
    return "\n".join(rows)


def winner(race: Race) -> Racer | None:
    """The racer that arrived in the fewest steps (ties: the lower final height), None when none arrived."""
    arrived = [r for r in race.racers if r.outcome.arrived]
    return min(arrived, key=lambda r: (r.arrived_at, r.final_gap)) if arrived else None


def run_values(r: Racer, race: Race) -> dict[str, Any]:
    """A racer's values in a claim: its name, rate, and what its run did (core.outcomes' verdict, with the
    run's length and the names of the surface's other stationary points, to say it in words)."""
    return {"key": r.key, "label": r.label, "rate": r.rate, "tuned": r.tuned, "outcome": r.outcome,
            "steps": race.steps, "places": race.places}


def _did(v: Mapping[str, Any]) -> str:
    return verdicts.outcome_text(v["outcome"], v["steps"], v["places"])


def race_claims(race: Race) -> list[Claim]:
    """Who won, as claims: "race.first" (the racer that arrived in the fewest steps, :func:`winner`) then
    "race.others" (what each other racer did) when there are others; or "race.nobody" with every
    racer's verdict when none arrived."""
    first = winner(race)
    if first is None:
        return [Claim("race.nobody", {"steps": race.steps, "runs": [run_values(r, race) for r in race.racers]})]
    claims = [Claim("race.first", run_values(first, race))]
    others = [run_values(r, race) for r in race.racers if r is not first]
    if others:
        claims.append(Claim("race.others", {"runs": others}))
    return claims


def surface_claims(surface: str) -> list[Claim]:
    """What the surface is for: "race.valley" for a line fit's MSE (its condition number, the least-squares
    line and gradient descent's critical rate), "race.surface" for the others."""
    s = surfaces.get(surface)
    if surface == "line_fit":
        return [Claim("race.valley", {"condition": s.facts["condition_number"], "critical": s.facts["critical_lr"],
                                      "slope": s.params["slope"], "intercept": s.params["intercept"]})]
    return [Claim("race.surface", {"surface": surface})]


def inside_claims(race: Race, ins: Inside | None, k: int) -> list[Claim]:
    """What the inspected optimizer holds at the scrubber's step (none at step 0 or without one)."""
    if ins is None or k < 1:
        return []
    return [Claim("race.inside", {"label": ins.label, "step": min(k, race.steps),
                                  "quantities": [(title, x, y) for title, (x, y) in ins.at(k).items()]})]


@template("race.at_minimum")
def _(v):
    if not v["left"]:
        return TEXT("notice.at-minimum")
    if len(v["left"]) == 1:
        return TEXT("notice.at-minimum-one-leaves", left=", ".join(v["left"]))
    return TEXT("notice.at-minimum-some-leave", left=", ".join(v["left"]))


template("race.stationary")(lambda v: TEXT("notice.stationary"))
template("race.first")(lambda v: TEXT("notice.first", label=v["label"], step=v["outcome"].step, rate=v["rate"]))


def _each_did(runs) -> str:
    """'Adam arrives at step 12; SGD ...': each racer's verdict, in menu order."""
    return "; ".join(f"{r['label']} {_did(r)}" for r in runs)


template("race.others")(lambda v: TEXT("notice.others", runs=_each_did(v["runs"])))
template("race.nobody")(lambda v: TEXT("notice.nobody", steps=v["steps"], runs=_each_did(v["runs"])))


@template("race.tuned")
def _(v):
    if v["unarrived"]:
        return TEXT("notice.tuned-unarrived", rates=v["rates"], low=v["low"], high=v["high"],
                    unarrived=", ".join(v["unarrived"]))
    return TEXT("notice.tuned", rates=v["rates"], low=v["low"], high=v["high"])


template("race.slider_rates")(lambda v: TEXT("notice.slider-rates"))


@template("race.valley")
def _(v):
    return TEXT("notice.valley", condition=fmt(v["condition"], 3), slope=fmt(v["slope"]),
                intercept=fmt(v["intercept"]), critical=fmt(v["critical"], 3))


def _names(labels: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


template("race.noise")(lambda v: TEXT("notice.noise", sigma=fmt(v["sigma"]), seed=v["seed"], half=v["steps"] // 2))


def _noise_effect(r, deep: bool, kind: str) -> str:
    """One racer's sentence of :func:`noise_claims`: the noise ``moved`` it to the goal or ``lost`` it the goal
    (the deep minimum when the surface has a shallower one too)."""
    if kind == "moved":
        did = verdicts.outcome_text(r["quiet"], r["steps"], r["places"])
        if deep:
            return TEXT("notice.noise-moved-deep", label=r["label"], did=did)
        return TEXT("notice.noise-moved", label=r["label"], did=did)
    if deep:
        return TEXT("notice.noise-lost-deep", label=r["label"], step=r["quiet"].step)
    return TEXT("notice.noise-lost", label=r["label"], step=r["quiet"].step)


def _kept(labels: list[str], deep: bool) -> str:
    """The racers that reach the goal with the noise and without it, in one sentence."""
    names = _names(labels)
    if len(labels) == 1:
        return TEXT("notice.noise-kept-one-deep", names=names) if deep else TEXT("notice.noise-kept-one", names=names)
    return TEXT("notice.noise-kept-many-deep", names=names) if deep else TEXT("notice.noise-kept-many", names=names)


@template("race.noise_effect")
def _(v):
    deep = v["deep"]
    parts = [_noise_effect(r, deep, "moved") for r in v["moved"]]
    if v["kept"]:
        parts.append(_kept([r["label"] for r in v["kept"]], deep))
    parts += [_noise_effect(r, deep, "lost") for r in v["lost"]]
    if not (v["moved"] or v["kept"] or v["lost"]):
        parts.append(TEXT("notice.noise-none-deep") if deep else TEXT("notice.noise-none"))
    return " ".join(parts)


template("race.surface")(lambda v: SURFACE_NOTES[v["surface"]])


@template("race.inside")
def _(v):
    return TEXT("notice.inside", label=v["label"], step=v["step"],
                quantities="; ".join(f"{title} ({fmt(x)}, {fmt(y)})" for title, x, y in v["quantities"]))


def headline_claims(race: Race) -> list[Claim]:
    """The headlines' verdicts as claims: "race.head_first" (the winner, :func:`winner`) or
    "race.head_nobody", then one "race.head_run" per racer (its rate and what its run did)."""
    first = winner(race)
    top = (Claim("race.head_first", run_values(first, race)) if first else
           Claim("race.head_nobody", {"steps": race.steps}))
    return [top] + [Claim("race.head_run", run_values(r, race)) for r in race.racers]


def headlines(race: Race) -> list[Headline]:
    """The winner's steps, then each racer's steps to arrive (compared with a pinned racer of the
    same optimizer): each headline's tooltip is its claim in words (:func:`headline_claims`)."""
    top, *runs = headline_claims(race)
    first = top.values if top.kind == "race.head_first" else None
    heads = [Headline(f"First: {first['label']}" if first else "First to arrive",
                      verdicts.short_text(first["outcome"]) if first else "nobody", say([top]),
                      value=first["outcome"].step if first else None, change=whole, better="lower", key="winner")]
    for claim in runs:
        outcome = claim.values["outcome"]
        heads.append(Headline(claim.values["label"], verdicts.short_text(outcome), say([claim]),
                              value=outcome.step if outcome.arrived else None, change=whole, better="lower",
                              key=claim.values["key"]))
    return heads


template("race.head_first")(lambda v: TEXT("head.first"))
template("race.head_nobody")(lambda v: TEXT("head.nobody", steps=v["steps"]))


@template("race.head_run")
def _(v):
    return TEXT("head.run-tuned", rate=v["rate"], did=_did(v)) if v["tuned"] else TEXT("head.run", rate=v["rate"], did=_did(v))


def math_blocks(race: Race, key: str) -> list[tuple[str, str]]:
    """The racers' update rules (torch.optim's), and the race's finish line."""
    rows = [(TEXT("math.racer", optimizer=registry.OPTIMIZERS[r.key].label), registry.OPTIMIZERS[r.key].latex)
            for r in race.racers]
    rows.append((TEXT("math.finish", rule=verdicts.ARRIVED_RULE),
                 rf"\lVert \theta_t - \theta^* \rVert \le {outcomes.ARRIVE_DISTANCE:g}\,\lVert \theta_0 - \theta^* \rVert"
                 rf"\quad\text{{and}}\quad f(\theta_t) - f^* \le {latex_power(outcomes.ARRIVE_GAP)}\,\bigl(f(\theta_0) - f^*\bigr)"
                 rf" = {fmt(race.arrive_gap, 3)}"))
    if race.noise > 0.0:
        rows.append((TEXT("math.noise", sigma=fmt(race.noise)),
                     rf"g_t = \nabla f(\theta_{{t-1}}) + \sigma\,\max\Bigl(0,\ 1 - \frac{{2t}}{{{race.steps}}}\Bigr)\,\xi_t"))
    return rows
