"""What "When a miss costs more than a false alarm, where should the line go?" says about its results: the claims
(:class:`dashboard.verdicts.Claim`) read from the fraud decisions and the demand fits, each claim's words (from
``dashboard/texts/business_costs.md``), the headlines and "The math"; and the names both sides need: the two kinds
of mistake, the two fits and the two parts of their error (the frames' labels, which the scenario writes and the
charts colour and order), and a threshold as people read it (the scenario labels its decisions with it).

Pure functions of the scenario's frozen results (:mod:`dashboard.scenarios.business_costs`' ``FraudOutcome``,
``Decision`` and ``DemandOutcome``), so the notice can be checked without running a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from core.outcomes import compare
from dashboard import registry, words
from dashboard.formatting import fmt, money, money_markdown, negligible, pct, residual
from dashboard.headline import Headline, dollars
from dashboard.verdicts import Claim, say, template

if TYPE_CHECKING:  # the types only: the scenario imports this module, not the other way round
    from dashboard.scenarios.business_costs import Decision, DemandOutcome, FraudOutcome

TEXT = words.of("business_costs")

FIT_LABELS = {"mse": f"{registry.LOSSES['mse'].label} fit (mean)",
              "asymmetric": f"{registry.LOSSES['asymmetric'].label} fit"}
ERROR_PARTS = {"under": "Stock-outs (under)", "over": "Leftovers (over)"}
MISTAKE_LABELS = {"false_alarm": "False alarm", "missed": "Missed fraud"}  # a fraud decision's two mistakes
FAR_FACTOR = 10.0  # "far below" 0.5: an order of magnitude below it


def threshold_text(t: float) -> str:
    """A threshold as people read it: 0.0099, 0.000001, 0.381, 0.999999 (never rounded to 0 or 1);
    one above every score (+inf: flag nothing) in words."""
    if t > 1.0:
        return TEXT("threshold.none")
    if t in (0.0, 1.0) or not np.isfinite(t):
        return fmt(t)
    if t > 0.99:  # two significant digits of the distance to 1
        decimals = 1 - int(np.floor(np.log10(1.0 - t)))
        return f"{t:.{decimals}f}".rstrip("0")
    digits = 2 if t < 0.01 else 3
    return np.format_float_positional(t, precision=digits, fractional=False, trim="-")


# --------------------------------------------------------------------------- fraud: what to notice

def saving(before: float, after: float) -> dict[str, Any]:
    """The saving of ``after`` over ``before`` (dollars) as data: both costs and the ``change``, "saved" when
    ``after`` is cheaper, "more" when it costs more, "none" when the two agree within round-off
    (:func:`core.outcomes.compare`)."""
    kind = compare(before, after).kind
    return {"before": float(before), "after": float(after),
            "change": "none" if kind == "equal" else "saved" if kind == "larger" else "more"}


def _decided(dec: Decision) -> dict[str, Any]:
    """A decision's counts and cost, for a claim."""
    return {"threshold": dec.threshold, "flagged": dec.flagged, "caught": dec.caught, "missed": dec.missed,
            "false_alarm": dec.false_alarm, "cost": dec.cost}


def fraud_claims(out: FraudOutcome) -> list[list[Claim]]:
    """"What to notice" for the fraud part as claims, one list per bullet: where the costs put the threshold
    (or, class-weighted, the loss), what 0.5 and the cost-aware decision cost and whether the move paid off on
    this test half, the cheapest threshold in hindsight, and how the model was trained."""
    model, opt, half, best = out.model, out.optimal, out.default, out.best
    baseline = Claim("costs.baseline", {"plain": out.weighted, "flagged": half.flagged, "n_test": model.n_test,
                                        "missed": half.missed, "frauds": model.frauds_test, "cost": half.cost})
    gap = opt.cost - best.cost
    hindsight = Claim("costs.hindsight_matches" if gap == 0 else "costs.hindsight_within",
                      {"weighted": out.weighted, "threshold": best.threshold, "cost": best.cost, "gap": gap})
    trained = {"n_train": model.n_train, "frauds_train": model.frauds_train, "grad": model.grad_max,
               "converged": model.converged}
    if out.weighted:
        return _weighted_claims(out, baseline, hindsight, trained)
    prices = {"c_fn": out.c_fn, "c_fp": out.c_fp, "threshold": opt.threshold}
    paid_off = compare(half.cost, opt.cost).kind == "larger"  # the moved threshold is cheaper on this test half
    usual = half.threshold  # the default decision's 0.5
    if opt.threshold < usual:
        far = opt.threshold * FAR_FACTOR <= usual
        where = "costs.threshold_far_below" if far else "costs.threshold_below"
        trade = "costs.trade_buys_back" if paid_off else "costs.trade_alarms_wasted"
    elif opt.threshold > usual:
        where = "costs.threshold_above"
        trade = "costs.trade_surer" if paid_off else "costs.trade_held_back_wasted"
    else:
        where, trade = "costs.threshold_half", "costs.trade_same_threshold"
    if opt.threshold != usual and opt.flagged == half.flagged:  # no test score lies between them
        trade = "costs.trade_same_decisions"
    return [
        [Claim(where, prices)],
        [baseline],
        [Claim("costs.decided", _decided(opt)), Claim(trade, {"saving": saving(half.cost, opt.cost)})],
        [hindsight],
        [Claim("costs.model_plain", trained)],
    ]


def _weighted_claims(out: FraudOutcome, baseline: Claim, hindsight: Claim, trained: dict) -> list[list[Claim]]:
    """The class-weighted bullets: which way the weights lean the scores, the weighted model at 0.5 against the
    plain one, and against the plain model with its threshold moved (the same cost within round-off, more or less)."""
    opt, moved = out.optimal, out.threshold_moved
    difference = moved.cost - opt.cost
    if negligible(difference, max(moved.cost, opt.cost, 1.0)):
        versus = "costs.moved_as_much"
    else:
        versus = "costs.moved_dearer" if difference > 0 else "costs.moved_cheaper"
    lean = ("costs.weights_equal" if out.c_fn == out.c_fp else
            "costs.weights_towards" if out.c_fn > out.c_fp else "costs.weights_away")
    return [
        [Claim(lean, {"c_fn": out.c_fn, "c_fp": out.c_fp})],
        [baseline],
        [Claim("costs.weighted_decided", {**_decided(opt), "saving": saving(out.default.cost, opt.cost)})],
        [Claim(versus, {"threshold": moved.threshold, "cost": moved.cost, "difference": difference})],
        [hindsight],
        [Claim("costs.model_weighted", trained)],
    ]


def fraud_notes(out: FraudOutcome) -> list[str]:
    """"What to notice" for the fraud part, with this scenario's numbers (:func:`fraud_claims` in words)."""
    return [say(bullet) for bullet in fraud_claims(out)]


# --------------------------------------------------------------------------- the claims in words
# Each claim kind's sentence is a block of the words file; its numbers are written here (dollars escaped,
# thresholds never rounded to 0 or 1) and passed by name. Where a claim says one of two things, both are blocks.

def saving_words(s: Mapping[str, Any], against: str, bold: bool = True) -> str:
    """A :func:`saving` in words: "**$X saved (p%)**", "**$X more than {against} (p%)**", or "**$0 saved (0%)**".
    No percentage of a zero ``before``."""
    before, after = s["before"], s["after"]
    share = f" ({pct(abs(before - after) / before)})" if before else ""
    if s["change"] == "none":
        text = TEXT("saving.none", amount=money_markdown(0.0))
    elif s["change"] == "saved":
        text = TEXT("saving.saved", amount=money_markdown(before - after), share=share)
    else:
        text = TEXT("saving.more", amount=money_markdown(after - before), against=against, share=share)
    return f"**{text}**" if bold else text


def _prices(v) -> dict[str, str]:
    """Both prices in dollars and as the terms of the break-even fraction, and the threshold."""
    return {"c_fn": money_markdown(v["c_fn"]), "c_fp": money_markdown(v["c_fp"]), "fn": fmt(v["c_fn"]), "fp": fmt(v["c_fp"]),
            "threshold": threshold_text(v["threshold"])}


def _counted(v) -> dict[str, Any]:
    """A decision's threshold, counts and cost (:func:`_decided`)."""
    return {**{k: v[k] for k in ("flagged", "caught", "missed", "false_alarm")},
            "threshold": threshold_text(v["threshold"]), "cost": money_markdown(v["cost"])}


def _half(v) -> str:
    return saving_words(v["saving"], "at 0.5")


def _baseline(v) -> dict[str, Any]:
    return {**{k: v[k] for k in ("flagged", "n_test", "missed", "frauds")}, "cost": money_markdown(v["cost"])}


def _at(v) -> dict[str, str]:
    """A threshold and what deciding there costs."""
    return {"threshold": threshold_text(v["threshold"]), "cost": money_markdown(v["cost"])}


def _trained(v) -> dict[str, Any]:
    return {"n_train": v["n_train"], "frauds_train": v["frauds_train"], "grad": residual(v["grad"])}


template("costs.threshold_far_below")(lambda v: TEXT("notice.threshold-far-below", **_prices(v)))
template("costs.threshold_below")(lambda v: TEXT("notice.threshold-below", **_prices(v)))
template("costs.threshold_above")(lambda v: TEXT("notice.threshold-above", **_prices(v)))
template("costs.threshold_half")(lambda v: TEXT("notice.threshold-half", **_prices(v)))
template("costs.baseline")(lambda v: TEXT("notice.baseline-plain", **_baseline(v)) if v["plain"]
                           else TEXT("notice.baseline", **_baseline(v)))
template("costs.decided")(lambda v: TEXT("notice.decided", **_counted(v)))
template("costs.weighted_decided")(lambda v: TEXT("notice.weighted-decided", **_counted(v),
                                                  saving=saving_words(v["saving"], "the plain model at 0.5")))
template("costs.trade_buys_back")(lambda v: TEXT("notice.trade-buys-back", saving=_half(v)))
template("costs.trade_alarms_wasted")(lambda v: TEXT("notice.trade-alarms-wasted", saving=_half(v)))
template("costs.trade_surer")(lambda v: TEXT("notice.trade-surer", saving=_half(v)))
template("costs.trade_held_back_wasted")(lambda v: TEXT("notice.trade-held-back-wasted", saving=_half(v)))
template("costs.trade_same_threshold")(lambda v: TEXT("notice.trade-same-threshold", saving=_half(v)))
template("costs.trade_same_decisions")(lambda v: TEXT("notice.trade-same-decisions", saving=_half(v)))
template("costs.hindsight_matches")(lambda v: TEXT("notice.hindsight-weighted-matches", **_at(v)) if v["weighted"]
                                    else TEXT("notice.hindsight-matches", **_at(v)))
template("costs.hindsight_within")(lambda v: TEXT("notice.hindsight-weighted-within", **_at(v), gap=money_markdown(v["gap"]))
                                   if v["weighted"] else TEXT("notice.hindsight-within", **_at(v), gap=money_markdown(v["gap"])))
template("costs.model_plain")(lambda v: TEXT("notice.model-plain", **_trained(v)) if v["converged"]
                              else TEXT("notice.model-plain-unconverged", **_trained(v)))
template("costs.model_weighted")(lambda v: TEXT("notice.model-weighted", **_trained(v)) if v["converged"]
                                 else TEXT("notice.model-weighted-unconverged", **_trained(v)))
template("costs.weights_equal")(lambda v: TEXT("notice.weights-equal", c_fn=money_markdown(v["c_fn"]), c_fp=money_markdown(v["c_fp"])))
template("costs.weights_towards")(lambda v: TEXT("notice.weights-towards", c_fn=money_markdown(v["c_fn"]), c_fp=money_markdown(v["c_fp"])))
template("costs.weights_away")(lambda v: TEXT("notice.weights-away", c_fn=money_markdown(v["c_fn"]), c_fp=money_markdown(v["c_fp"])))
template("costs.moved_as_much")(lambda v: TEXT("notice.moved-as-much", **_at(v)))
template("costs.moved_dearer")(lambda v: TEXT("notice.moved-dearer", **_at(v), difference=money_markdown(abs(v["difference"]))))
template("costs.moved_cheaper")(lambda v: TEXT("notice.moved-cheaper", **_at(v), difference=money_markdown(abs(v["difference"]))))


# --------------------------------------------------------------------------- demand: what to notice

def demand_claims(out: DemandOutcome) -> list[list[Claim]]:
    """"What to notice" for the demand part as claims, one list per bullet: the cost-optimal quantile, the days
    each line runs short and where the quantile line sits against the MSE line at the middle temperature (on
    it when the two agree to round-off of the data), and what each line's forecasts cost, fitted and new days."""
    mid = out.middle
    above = (out.quantile.slope - out.mse.slope) * mid + out.quantile.intercept - out.mse.intercept
    if negligible(above, float(out.points["demand"].abs().max())):
        above = 0.0  # the two fits agree to round-off
    where = "costs.quantile_above" if above > 0 else "costs.quantile_below" if above < 0 else "costs.lines_same"
    return [
        [Claim("costs.quantile", {"c_under": out.c_under, "c_over": out.c_over, "q": out.q})],
        [Claim("costs.short_days", {"mse": out.mse.short_days, "quantile": out.quantile.short_days,
                                    "days": out.n_days}),
         Claim(where, {"at": mid, "gap": abs(above), "slope": out.quantile.slope, "mse_slope": out.mse.slope})],
        [Claim("costs.forecasts", {"mse": out.mse.cost, "quantile": out.quantile.cost, "days": out.n_days,
                                   "mse_new": out.mse.cost_new, "quantile_new": out.quantile.cost_new,
                                   "saving": saving(out.mse.cost, out.quantile.cost),
                                   "saving_new": saving(out.mse.cost_new, out.quantile.cost_new)})],
    ]


def demand_notes(out: DemandOutcome) -> list[str]:
    """"What to notice" for the demand part, with this scenario's numbers (:func:`demand_claims` in words)."""
    return [say(bullet) for bullet in demand_claims(out)]


def _sits(v) -> dict[str, str]:
    """Where the quantile line sits against the MSE line: at which temperature, how far, and both slopes."""
    return {key: fmt(v[key], 3) for key in ("at", "gap", "slope", "mse_slope")}


template("costs.quantile")(lambda v: TEXT(
    "notice.quantile", c_under=money_markdown(v["c_under"]), c_over=money_markdown(v["c_over"]), under=fmt(v["c_under"]),
    over=fmt(v["c_over"]), q=fmt(v["q"], 3), short=pct(1 - v["q"])))
template("costs.short_days")(lambda v: TEXT("notice.short-days", mse=v["mse"], quantile=v["quantile"], days=v["days"]))
template("costs.quantile_above")(lambda v: TEXT("notice.quantile-above", **_sits(v)))
template("costs.quantile_below")(lambda v: TEXT("notice.quantile-below", **_sits(v)))
template("costs.lines_same")(lambda v: TEXT("notice.lines-same", mse_slope=fmt(v["mse_slope"], 3)))
template("costs.forecasts")(lambda v: TEXT(
    "notice.forecasts", mse=money_markdown(v["mse"]), quantile=money_markdown(v["quantile"]), days=v["days"],
    saving=saving_words(v["saving"], "the MSE forecasts"), mse_new=money_markdown(v["mse_new"]),
    quantile_new=money_markdown(v["quantile_new"]), saving_new=saving_words(v["saving_new"], "the MSE forecasts", bold=False)))


# --------------------------------------------------------------------------- headlines and the math

def fraud_headlines(out: FraudOutcome) -> list[Headline]:
    """The threshold, the held-out cost at 0.5 and at the threshold, and the saving.

    Keyed by what each is, so a pinned plain model compares with a class-weighted one.
    """
    opt, half = out.optimal, out.default
    t_opt = threshold_text(opt.threshold)
    total = TEXT("help.metric.total", n_test=out.model.n_test)
    if out.weighted:
        labels = ("Threshold", "Test cost, plain model at 0.5", "Test cost, class-weighted at 0.5")
        helps = (TEXT("help.metric.threshold-weighted"), TEXT("help.metric.saving-weighted"))
    else:
        labels = ("Cost-optimal threshold", "Test cost, usual 0.5", f"Test cost, cost-optimal {t_opt}")
        helps = (TEXT("help.metric.threshold"), TEXT("help.metric.saving"))
    return [
        Headline(labels[0], t_opt, helps[0], opt.threshold, key="threshold"),
        Headline(labels[1], money(half.cost), total, half.cost, dollars, "lower", key="cost at 0.5"),
        Headline(labels[2], money(opt.cost), total, opt.cost, dollars, "lower", key="cost decided"),
        Headline("Saving", money(out.saving), helps[1], out.saving, dollars, "higher"),
    ]


def demand_headlines(out: DemandOutcome) -> list[Headline]:
    """The cost-optimal quantile, the cost of each fit over the fitted days, and the saving."""
    days = TEXT("help.metric.fit-cost", days=out.n_days)
    return [
        Headline("Cost-optimal quantile q", fmt(out.q, 3), TEXT("help.metric.quantile"), out.q),
        Headline("Cost of the MSE fit", money(out.mse.cost), days, out.mse.cost, dollars, "lower"),
        Headline("Cost of the quantile fit", money(out.quantile.cost), days, out.quantile.cost, dollars, "lower"),
        Headline("Saving", money(out.saving), TEXT("help.metric.fit-saving"), out.saving, dollars, "higher"),
    ]


def math_blocks() -> list[tuple[str, str]]:
    """"The math": (sentence, LaTeX) pairs, each sentence a block of the words file."""
    return [
        (TEXT("math.expected-cost"), r"\mathbb{E}[\text{cost} \mid \text{flag}] = (1-p)\,c_{FP}, \qquad "
                                     r"\mathbb{E}[\text{cost} \mid \text{pass}] = p\,c_{FN}"),
        (TEXT("math.threshold"), r"(1-p)\,c_{FP} \le p\,c_{FN} \iff p \ge t^* = \frac{c_{FP}}{c_{FP} + c_{FN}}"
                                 r"\qquad\text{lesson: } \frac{10}{10 + 1000} = 0.0099"),
        (TEXT("math.curve"), r"\text{cost}(t) = \frac{c_{FP}\,FP(t) + c_{FN}\,FN(t)}{n}"),
        (TEXT("math.weights"), r"J(w) = \frac{\sum_i s_i\,\mathrm{BCE}(y_i, q_i)}{\sum_i s_i}, \qquad "
                               r"s_i = \begin{cases} c_{FN} & y_i = 1 \\ c_{FP} & y_i = 0 \end{cases}"),
        (TEXT("math.weighted-scores"), r"q = \frac{c_{FN}\,p}{c_{FN}\,p + c_{FP}\,(1-p)}"),
        (TEXT("math.pinball"),
         r"c_{\text{under}}\,(y-\hat y)^+ + c_{\text{over}}\,(\hat y-y)^+ = (c_{\text{under}}+c_{\text{over}})\,"
         r"\rho_q(y-\hat y), \qquad \rho_q(r) = \max\big(q\,r,\ (q-1)\,r\big)"),
        (TEXT("math.slope"),
         r"\frac{d}{da}\,\mathbb{E}[\text{cost}] = -c_{\text{under}}\,P(Y > a) + c_{\text{over}}\,P(Y < a) = 0"
         r"\iff P(Y \le a) = q = \frac{c_{\text{under}}}{c_{\text{under}} + c_{\text{over}}}"),
        (TEXT("math.quantile"), r"\arg\min_a \mathbb{E}[(Y-a)^2] = \mathbb{E}[Y], \qquad "
                                r"\arg\min_a \mathbb{E}[\rho_q(Y-a)] = F_Y^{-1}(q)"),
    ]
