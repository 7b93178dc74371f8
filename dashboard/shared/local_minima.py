"""What "Can training get stuck?" says about its runs: the claims (:class:`dashboard.verdicts.Claim`) read from
the restarts, the saddle and plateau runs and the networks, each claim's words (from ``dashboard/texts/local_minima.md``),
the headlines and "The math"; and the outcomes and trap runs that the scenario computes and the charts colour.

Pure functions of the scenario's frozen results (:mod:`dashboard.scenarios.local_minima`' ``Restarts``,
``Traps`` and ``Network``), so the notice can be checked without running a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from core import surfaces
from dashboard import palette, registry, words
from dashboard.formatting import fmt, pct
from dashboard.headline import Headline, percentage_points
from dashboard.verdicts import Claim, say, template

if TYPE_CHECKING:  # the types only: the scenario imports this module, not the other way round
    from dashboard.scenarios.local_minima import Network, Restarts, Traps

TEXT = words.of("local_minima")
# Where a run ends, by core.outcomes' arrival rule measured to each minimum: settled in the global
# one, in the local one, not settled in either after its steps (still moving, bouncing), or diverged.
# Their colours are none of the saddle's runs' (gradient descent blue, momentum green, Adam vermillion,
# the noisy run purple): one colour means one thing on the page.
OUTCOMES = {"global": ("global minimum", palette.ORANGE), "local": ("local minimum", palette.SKY),
            "unsettled": ("not settled", palette.YELLOW), "diverged": ("diverged", palette.GREY)}
TRAP_RUNS = {"sgd": ("Gradient descent", registry.OPTIMIZERS["sgd"].colour),
             "momentum": ("Momentum (μ = 0.9)", registry.OPTIMIZERS["momentum"].colour),
             "noisy": ("Gradient descent + noise", palette.PURPLE),
             "adam": ("Adam", registry.OPTIMIZERS["adam"].colour)}
NET_STEPS, NET_RATE = 500, 0.05  # Adam's steps and rate for every network
NEAR_BEST = 0.1  # "nearly the same loss": within 10% of the best run's


def escape_claim(tr: Traps, key: str, short: bool = False) -> Claim:
    """When run ``key`` left the trap, as a claim: "minima.trap_diverged" (the step it diverged at),
    "minima.escaped" (the first step below the scenario's ``ESCAPE_SHARE`` of the trap's height above the minimum) or
    "minima.stuck" (never, in its steps); ``short`` for a headline ("not in 500": a metric shows about 14
    characters at 1400 px, and "not in 500 steps" was cut off)."""
    if tr.diverged[key] >= 0:
        return Claim("minima.trap_diverged", {"run": key, "step": tr.diverged[key]})
    if tr.escaped[key] >= 0:
        return Claim("minima.escaped", {"run": key, "step": tr.escaped[key]})
    return Claim("minima.stuck", {"run": key, "steps": tr.steps, "short": short})


def headline_claims(res: Restarts, tr: Traps, net: Network) -> list[Claim]:
    """The headlines' verdicts as claims, in their order: the restarts that settled in the global minimum
    ("minima.head_global"), gradient descent's and Adam's escape from the trap (:func:`escape_claim`), and
    the networks near the best ("minima.head_near")."""
    return [Claim("minima.head_global", {"global": res.counts["global"], "runs": res.runs, "share": res.share}),
            escape_claim(tr, "sgd", short=True), escape_claim(tr, "adam", short=True),
            Claim("minima.head_near", {"near": net.near, "runs": net.runs, "within": NEAR_BEST})]


def headlines(res: Restarts, tr: Traps, net: Network) -> list[Headline]:
    """The four headlines of :func:`headline_claims`: each escape's verdict is its claim in words, and the
    counts' tooltips are theirs."""
    settled, sgd, adam, near = headline_claims(res, tr, net)
    plain = registry.OPTIMIZERS["sgd"].label
    escape_help = TEXT("help.escape", trap=tr.trap)
    return [
        Headline("Global minimum", f"{settled.values['global']} of {settled.values['runs']}", say([settled]),
                 value=settled.values["share"], change=percentage_points, better="higher", key="global"),
        Headline(f"{plain} off the {tr.trap}", say([sgd]), escape_help,
                 value=sgd.values["step"] if sgd.kind == "minima.escaped" else None, better="lower", key="trap-sgd"),
        Headline(f"Adam off the {tr.trap}", say([adam]), escape_help,
                 value=adam.values["step"] if adam.kind == "minima.escaped" else None, better="lower", key="trap-adam"),
        Headline("Networks near the best", f"{near.values['near']} of {near.values['runs']}", say([near]),
                 value=near.values["near"], better="higher", key="network"),
    ]


template("minima.head_global")(lambda v: TEXT("head.global", share=pct(v["share"])))
template("minima.head_near")(lambda v: TEXT("head.near", within=pct(v["within"])))
template("minima.trap_diverged")(lambda v: TEXT("escape.diverged", step=v["step"]))
template("minima.escaped")(lambda v: TEXT("escape.step", step=v["step"]))


@template("minima.stuck")
def _(v):
    return TEXT("escape.stuck-short", steps=v["steps"]) if v["short"] else TEXT("escape.stuck", steps=v["steps"])


def restart_table(res: Restarts) -> str:
    label = "height" if res.dim == 1 else "height f"
    rows = [f"| minimum | where | {label} | runs that settle there |", "| --- | --- | ---: | ---: |"]
    for key, where, value in zip(("global", "local"), res.minima, res.values):
        place = ", ".join(fmt(v) for v in where)
        rows.append(f"| {OUTCOMES[key][0]} | ({place}) | {fmt(value)} | {res.counts[key]} of {res.runs} |")
    if res.counts["unsettled"]:
        rows.append(f"| not settled in either | | | {res.counts['unsettled']} of {res.runs} |")
    if res.counts["diverged"]:
        rows.append(f"| diverged | | | {res.counts['diverged']} of {res.runs} |")
    return "\n".join(rows)


BEST_OF = (1, 2, 5, 10)  # the restart budgets the best-of-k readout lists
SURE = 0.99  # and the budget that makes finding the global minimum this likely


def best_of_claims(res: Restarts) -> list[Claim]:
    """How many restarts it takes, keeping the best, to find the global minimum. Each run settles there
    with the chance p estimated by this batch's share, so at least one of k independent restarts does with
    chance 1 − (1 − p)ᵏ: "minima.best_of" (the chances for :data:`BEST_OF` and the fewest restarts that
    reach :data:`SURE`), or "minima.best_never" when no run settled there, "minima.best_always" when all did."""
    g, n = res.counts["global"], res.runs
    if g == 0:
        return [Claim("minima.best_never", {"runs": n})]
    if g == n:
        return [Claim("minima.best_always", {"runs": n})]
    p = g / n
    needed = max(1, int(np.ceil(np.log1p(-SURE) / np.log1p(-p))))
    while needed > 1 and 1.0 - (1.0 - p) ** (needed - 1) >= SURE:  # the log's round-off, either way
        needed -= 1
    while 1.0 - (1.0 - p) ** needed < SURE:
        needed += 1
    return [Claim("minima.best_of", {"global": g, "runs": n, "share": p, "sure": SURE, "needed": needed,
                                     "chances": {k: 1.0 - (1.0 - p) ** k for k in BEST_OF}})]


def best_of(res: Restarts) -> str:
    """The best-of-k readout (:func:`best_of_claims`) in words."""
    return say(best_of_claims(res))


def restart_claims(res: Restarts) -> list[Claim]:
    """Where the restarts ended ("minima.ends": the counts of :data:`OUTCOMES`, with the optimizer, rate and
    steps) and how high the ridge is above the shallow minimum ("minima.ridge")."""
    return [Claim("minima.ends", {**res.counts, "runs": res.runs, "optimizer": res.optimizer, "rate": res.rate,
                                  "steps": res.steps}),
            Claim("minima.ridge", {"height": res.barrier - float(res.values[1])})]


def basin_claims(res: Restarts) -> list[Claim]:
    """In 1-D, where the basins of gradient flow are known exactly (each side of the ridge's top):
    "minima.basins" (the starts on the deeper well's side, and the chance a uniform start lands there),
    then whether settled runs crossed the ridge: "minima.none_crossed", "minima.kicked" (noisy gradient
    descent) or "minima.crossed" (a step carried them). Nothing in 2-D."""
    if res.dim != 1:
        return []
    top = float(res.barrier_at[0])
    low, high = res.window[0], res.window[1]
    deep_left = res.minima[0, 0] < top
    claims = [Claim("minima.basins", {
        "top": top, "deep_side": int(np.sum((res.starts[:, 0] < top) == deep_left)), "runs": res.runs,
        "low": low, "high": high, "share": (top - low) / (high - low) if deep_left else (high - top) / (high - low)})]
    settled = res.counts["global"] + res.counts["local"]
    if res.crossed == 0 and settled:
        claims.append(Claim("minima.none_crossed", {"settled": settled}))
    elif res.crossed > 0:
        noisy = res.sigma > 0 and res.optimizer == "sgd"
        claims.append(Claim("minima.kicked" if noisy else "minima.crossed", {"crossed": res.crossed}))
    return claims


def settle_claims(res: Restarts) -> list[Claim]:
    """For plain gradient descent at a rate above 2 / (a minimum's steepest curvature): "minima.too_fast"
    when neither minimum can hold a run, "minima.one_holds" (which one can) when only one can."""
    deep, shallow = res.settle_rates
    above = [name for name, rate in (("deep", deep), ("shallow", shallow)) if res.rate > rate]
    if res.optimizer != "sgd" or not above:
        return []
    values = {"deep": deep, "shallow": shallow, "rate": res.rate}
    if len(above) == 2:
        return [Claim("minima.too_fast", values)]
    return [Claim("minima.one_holds", {**values, "holds": "shallow" if above[0] == "deep" else "deep"})]


def noise_claims(res: Restarts, calm: Restarts | None) -> list[Claim]:
    """What the gradient noise did, against the same restarts without it (``calm``): "minima.noise_more",
    "minima.noise_same" or "minima.noise_fewer" (runs in the global minimum), "minima.noise_diverged" (with the
    runs that diverge without noise too), "minima.adam_noise" for Adam; "minima.try_noise" without noise."""
    if not (res.sigma > 0 and calm is not None):
        return [Claim("minima.try_noise")]
    g, g0 = res.counts["global"], calm.counts["global"]
    kind = "minima.noise_more" if g > g0 else "minima.noise_same" if g == g0 else "minima.noise_fewer"
    claims = [Claim(kind, {"sigma": res.sigma, "until": res.steps // 2, "global": g, "calm": g0, "runs": res.runs})]
    if res.counts["diverged"]:
        claims.append(Claim("minima.noise_diverged", {"diverged": res.counts["diverged"],
                                                      "calm": calm.counts["diverged"]}))
    if res.optimizer == "adam":
        claims.append(Claim("minima.adam_noise"))
    return claims


def trap_claims(tr: Traps) -> list[Claim]:
    """When each of the four runs left the trap (:func:`escape_claim`, in :data:`TRAP_RUNS`' order):
    "minima.saddle" (with the start's offset) or "minima.plateau" (with the gradient at the start)."""
    escapes = {key: escape_claim(tr, key) for key in TRAP_RUNS}
    if tr.trap == "saddle":
        return [Claim("minima.saddle", {"offset": tr.offset, "escapes": escapes})]
    gradient = float(np.linalg.norm(surfaces.get("plateau").grad(np.array(tr.start))))
    return [Claim("minima.plateau", {"gradient": gradient, "escapes": escapes})]


def network_claims(net: Network) -> list[Claim]:
    """The networks' final losses and accuracies ("minima.networks"), then why they differ: some were
    still falling ("minima.nets_falling"), or every run had stopped and most near the best
    ("minima.nets_shared"), or most in poorer places ("minima.nets_poor", with the median loss)."""
    claims = [Claim("minima.networks", {
        "steps": NET_STEPS, "runs": net.runs, "hidden": net.hidden, "weights": net.n_params,
        "low": float(net.final.min()), "high": float(net.final.max()), "accuracy_low": float(net.accuracy.min()),
        "accuracy_high": float(net.accuracy.max()), "near": net.near, "within": NEAR_BEST})]
    if net.falling:
        claims.append(Claim("minima.nets_falling", {"falling": net.falling}))
    elif 2 * net.near >= net.runs:
        claims.append(Claim("minima.nets_shared", {"near": net.near, "runs": net.runs}))
    else:
        claims.append(Claim("minima.nets_poor", {"median": float(np.median(net.final))}))
    return claims


def note_claims(res: Restarts, tr: Traps, net: Network, calm: Restarts | None = None) -> list[list[Claim]]:
    """The "What to notice" bullets as claims, one list per bullet."""
    bullets = [restart_claims(res), basin_claims(res), settle_claims(res), noise_claims(res, calm), trap_claims(tr),
               network_claims(net)]
    return [b for b in bullets if b]


def notes(res: Restarts, tr: Traps, net: Network, calm: Restarts | None = None) -> list[str]:
    """The "What to notice" bullets (:func:`note_claims` in words). ``calm``: the same restarts without noise
    (when there is noise)."""
    return [say(b) for b in note_claims(res, tr, net, calm)]


@template("minima.ends")
def _(v):
    said = {"runs": v["runs"], "global": v["global"], "local": v["local"], "steps": v["steps"],
            "optimizer": registry.OPTIMIZERS[v["optimizer"]].label.lower(), "rate": fmt(v["rate"], 2)}
    if v["unsettled"] and v["diverged"]:
        return TEXT("notice.ends-unsettled-diverged", unsettled=v["unsettled"], diverged=v["diverged"], **said)
    if v["unsettled"]:
        return TEXT("notice.ends-unsettled", unsettled=v["unsettled"], **said)
    if v["diverged"]:
        return TEXT("notice.ends-diverged", diverged=v["diverged"], **said)
    return TEXT("notice.ends", **said)


template("minima.ridge")(lambda v: TEXT("notice.ridge", height=fmt(v["height"])))


@template("minima.basins")
def _(v):
    return TEXT("notice.basins", top=fmt(v["top"]), deep_side=v["deep_side"], runs=v["runs"], low=fmt(v["low"]),
                high=fmt(v["high"]), share=fmt(v["share"], 3))


template("minima.none_crossed")(lambda v: TEXT("notice.none-crossed", settled=v["settled"]))
template("minima.kicked")(lambda v: TEXT("notice.kicked", crossed=v["crossed"]))
template("minima.crossed")(lambda v: TEXT("notice.crossed", crossed=v["crossed"]))


def _chance(c: float) -> str:
    """A chance near certain keeps a decimal, rounded down: 0.9898 is "98.9%", not "99.0%" (the budget for 99%
    is one restart more), and nothing short of certain reads "100%"."""
    if c < 0.95:
        return pct(c)
    if c < 0.999:
        return pct(np.floor(round(1000 * c, 6)) / 1000, 1)
    return "above 99.9%"


@template("minima.best_of")
def _(v):
    return TEXT("notice.best-of", share=fmt(v["share"], 3), runs=v["runs"], needed=v["needed"], sure=pct(v["sure"]),
                chances=", ".join(f"{_chance(c)} for {k}" for k, c in v["chances"].items()), **{"global": v["global"]})


template("minima.best_never")(lambda v: TEXT("notice.best-never", runs=v["runs"]))
template("minima.best_always")(lambda v: TEXT("notice.best-always", runs=v["runs"]))


def _rates(v) -> dict[str, str]:
    """The settling rates' sentence's numbers."""
    return {"deep": fmt(v["deep"], 3), "shallow": fmt(v["shallow"], 3), "rate": fmt(v["rate"], 2)}


template("minima.too_fast")(lambda v: TEXT("notice.too-fast", **_rates(v)))


@template("minima.one_holds")
def _(v):
    if v["holds"] == "deep":
        return TEXT("notice.only-deep-holds", **_rates(v))
    return TEXT("notice.only-shallow-holds", **_rates(v))


def _noise(v) -> dict[str, Any]:
    """The noise sentences' numbers (``global`` is a keyword, so passed by mapping)."""
    return {"sigma": v["sigma"], "until": v["until"], "global": v["global"], "runs": v["runs"], "calm": v["calm"]}


template("minima.noise_more")(lambda v: TEXT("notice.noise-more", **_noise(v)))
template("minima.noise_same")(lambda v: TEXT("notice.noise-same", **_noise(v)))
template("minima.noise_fewer")(lambda v: TEXT("notice.noise-fewer", **_noise(v)))


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


@template("minima.noise_diverged")
def _(v):
    if v["calm"] == 0:
        return TEXT("notice.noise-diverged", diverged=_runs(v["diverged"]))
    if v["calm"] < v["diverged"]:
        return TEXT("notice.noise-diverged-more", diverged=_runs(v["diverged"]), calm=v["calm"])
    return TEXT("notice.rate-diverged", diverged=_runs(v["diverged"]), calm=v["calm"])


template("minima.adam_noise")(lambda v: TEXT("notice.adam-noise"))
template("minima.try_noise")(lambda v: TEXT("notice.try-noise"))


def _escapes(v) -> dict[str, str]:
    return {key: say([claim]) for key, claim in v["escapes"].items()}


@template("minima.saddle")
def _(v):
    if v["offset"] == 0:
        return TEXT("notice.saddle-on-ridge", **_escapes(v))
    return TEXT("notice.saddle", offset=v["offset"], **_escapes(v))


template("minima.plateau")(lambda v: TEXT("notice.plateau", gradient=fmt(v["gradient"], 2), **_escapes(v)))


@template("minima.networks")
def _(v):
    return TEXT("notice.networks", steps=v["steps"], runs=v["runs"], hidden=v["hidden"], weights=v["weights"],
                low=fmt(v["low"]), high=fmt(v["high"]), accuracy_low=pct(v["accuracy_low"]),
                accuracy_high=pct(v["accuracy_high"]), near=v["near"], within=pct(v["within"]))


template("minima.nets_falling")(lambda v: TEXT("notice.nets-falling", falling=v["falling"]))
template("minima.nets_shared")(lambda v: TEXT("notice.nets-shared"))
template("minima.nets_poor")(lambda v: TEXT("notice.nets-poor", median=fmt(v["median"])))


def math_blocks(res: Restarts, tr: Traps) -> list[tuple[str, str]]:
    return [
        (TEXT("math.wells"),
         r"f(x) = x^4 - 3x^2 + x,\qquad f(\mathbf p) = 0.05\lVert\mathbf p\rVert^2 - 2\,e^{-\lVert\mathbf p - "
         r"\mathbf a\rVert^2/1.28} - 1.2\,e^{-\lVert\mathbf p - \mathbf b\rVert^2/1.28}"),
        (TEXT("math.noise"),
         r"\theta_{t} = \theta_{t-1} - \eta\,\bigl(\nabla f(\theta_{t-1}) + \sigma_t\,\xi_t\bigr),\quad "
         r"\xi_t \sim \mathcal N(0, I),\quad \sigma_t = \sigma\,\max\!\bigl(0,\ 1 - 2t/T\bigr)"),
        (TEXT("math.traps"),
         r"f(x, y) = x^2 - y^2 + 0.1\,y^4,\qquad f(x, y) = 1 - e^{-(x^2 + y^2)/2}"),
        (TEXT("math.network"),
         r"z = \mathbf w_2^\top \tanh(W_1 \mathbf x + \mathbf b_1) + b_2,\qquad "
         r"L = \frac1n\sum_i \log\bigl(1 + e^{z_i}\bigr) - y_i z_i"),
        (TEXT("math.landscape"),
         r"L(\alpha, \beta) = L(\theta^* + \alpha\,\mathbf d_1 + \beta\,\mathbf d_2),\qquad "
         r"\mathbf d_{i,j} \leftarrow \frac{\lVert\theta^*_j\rVert}{\lVert\mathbf d_{i,j}\rVert}\,\mathbf d_{i,j}"),
    ]
