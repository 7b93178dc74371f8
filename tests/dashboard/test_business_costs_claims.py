"""The business-costs view's claims, in scenarios drawn from its declared controls, against an oracle
that shares nothing with the scenario's compute: scikit-learn's LogisticRegression (unpenalized, with
``class_weight`` for the weighted model) on the training half split here by hand, counts and dollars
by plain numpy, the cheapest threshold in hindsight by brute force, numpy.polyfit for the MSE line and
scikit-learn's QuantileRegressor (HiGHS) for the cost-weighted line, priced by hand. The data come from
``core.datasets`` (the input, not a claim). A failing example prints its link."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, note, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression, QuantileRegressor

from core import datasets
from dashboard.formatting import fmt, money, pct
from dashboard.scenarios import business_costs as sc
from dashboard.shared import business_costs as sayings

from .apptest_tools import bounds, run_page, widget
from .property_tools import declared_controls, link, links, strategy

FILE = "business_costs.py"
_TYPED: dict[str, tuple[int, int]] = {}


def typed(key: str) -> st.SearchStrategy:
    """A typed price: a number box has no bounds of its own, so its range comes from its help text
    ("From 1 to 1,000,000."), which is what ``Panel.number`` clamps to."""
    if key not in _TYPED:
        _TYPED[key] = bounds(widget(run_page(FILE), key))
    low, high = _TYPED[key]
    return st.integers(low, high)


def usd(value: float) -> str:
    return money(value).replace("$", r"\$")


def shown(value: float, tol: float, form=fmt) -> set[str]:
    """What a number within ``tol`` of ``value`` may print as (an oracle and the view may round a
    number that sits on a rounding edge apart)."""
    return {form(value - tol), form(value), form(value + tol)}


def says(text: str, value: float, tol: float, form=fmt, template: str = "{}") -> None:
    options = [template.format(s) for s in shown(value, tol, form)]
    assert any(o in text for o in options), (options, text)


def saving_words(before: float, after: float, against: str) -> str:
    """The saving sentence the oracle expects (the costs here are whole dollars times whole prices, so
    "equal" is exact equality)."""
    if before == after:
        return r"\$0 saved (0%)"
    share = f" ({pct(abs(before - after) / before)})" if before else ""
    if before > after:
        return f"{usd(before - after)} saved{share}"
    return f"{usd(after - before)} more than {against}{share}"


# --------------------------------------------------------------------------- fraud

def _halves(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The documented split: half of each class (rounded down) to training, by a generator seeded
    [seed, 2], each class's rows permuted in label order 0 then 1."""
    rng = np.random.default_rng([seed, 2])
    train = np.zeros(y.size, dtype=bool)
    for label in (0.0, 1.0):
        rows = rng.permutation(np.flatnonzero(y == label))
        train[rows[: rows.size // 2]] = True
    return np.flatnonzero(train), np.flatnonzero(~train)


def _sklearn_scores(rate, n, seed, class_weight=None):
    data = datasets.fraud_like(n=n, base_rate=rate, seed=seed)
    train, test = _halves(data.y, seed)
    mean, std = data.X[train].mean(axis=0), data.X[train].std(axis=0)
    Z = (data.X - mean) / std
    if class_weight is not None:  # only the ratio matters: scaled so the larger weight is 1 (lbfgs's comfort)
        top = max(class_weight.values())
        class_weight = {k: v / top for k, v in class_weight.items()}
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000, class_weight=class_weight)
    ref.fit(Z[train], data.y[train])
    return data.y[test], ref.predict_proba(Z[test])[:, 1], int(data.y[train].sum())


def _counts(y, p, t, c_fn, c_fp) -> dict:
    flag = p >= t
    d = {"caught": int(np.sum(flag & (y == 1))), "false_alarm": int(np.sum(flag & (y == 0))),
         "missed": int(np.sum(~flag & (y == 1))), "passed": int(np.sum(~flag & (y == 0)))}
    d["cost"] = c_fp * d["false_alarm"] + c_fn * d["missed"]
    d["flagged"] = d["caught"] + d["false_alarm"]
    return d


def _cheapest(y, p, c_fn, c_fp) -> tuple[float, float]:
    """The cheapest threshold by brute force over every score and 'flag nothing': (threshold, cost),
    the lowest threshold among equally cheap ones."""
    best = (np.inf, np.inf)
    for t in np.append(np.unique(p), np.inf):
        cost = _counts(y, p, t, c_fn, c_fp)["cost"]
        if cost < best[1]:
            best = (t, cost)
    return best


def _assert_decision(dec, truth):
    assert (dec.caught, dec.false_alarm, dec.missed, dec.passed, dec.cost) == (
        truth["caught"], truth["false_alarm"], truth["missed"], truth["passed"], truth["cost"])


@st.composite
def fraud_links(draw):
    declared = declared_controls(FILE)
    values = dict(sc.DEFAULTS)
    for key in ("rate", "n", "seed", "weights"):
        values[key] = draw(strategy(declared[key]))
    for key in ("miss", "alarm"):  # the whole typed range, and the small prices where thresholds sit near 0.5
        values[key] = draw(st.one_of(typed(key), st.integers(1, 40)))
    return values


# The model's scores against scikit-learn's: both converge to the maximum-likelihood fit (gradient
# below 1e-6 and tol=1e-12), so scores agree to ~1e-6; 1e-4 leaves room for the worst-conditioned
# (weights up to 10⁶ : 1) fits. The counts and dollars are then counted here, by hand, from those scores.
SCORE_TOL = 1e-4


@settings(max_examples=25, deadline=None, derandomize=True)
@given(fraud_links())
def test_the_fraud_claims_hold_against_the_oracle(values):
    note(f"link: {link('business_costs', values, sc.DEFAULTS)}")
    rate, n, seed, c_fn, c_fp = values["rate"], values["n"], values["seed"], values["miss"], values["alarm"]
    out = sc.fraud_of(values)
    y, p_plain, frauds_train = _sklearn_scores(rate, n, seed)
    t_star = c_fp / (c_fp + c_fn)
    if values["weights"]:
        _, p_model, _ = _sklearn_scores(rate, n, seed, {1: c_fn, 0: c_fp})
        t_model = 0.5
    else:
        p_model, t_model = p_plain, t_star
    assert np.array_equal(out.model.y_test, y)
    np.testing.assert_allclose(out.model.p_test, p_model, atol=SCORE_TOL, rtol=0)
    assert out.model.frauds_train == frauds_train and out.model.frauds_test == int(y.sum())

    p = out.model.p_test  # checked above; decisions on the view's own scores, counted here
    p_base = p_plain if not values["weights"] else sc.fraud_of({**values, "weights": False}).model.p_test
    opt = _counts(y, p, t_model, c_fn, c_fp)
    half = _counts(y, p_base, 0.5, c_fn, c_fp)
    _assert_decision(out.optimal, opt)
    _assert_decision(out.default, half)
    best_t, best_cost = _cheapest(y, p, c_fn, c_fp)
    assert out.best.cost == best_cost and out.best.threshold == best_t

    notes = sayings.fraud_notes(out)
    text = "\n".join(notes)
    assert f"lets **{half['missed']:,} of {int(y.sum()):,}** frauds through: **{usd(half['cost'])}**" in text
    assert f"flags {half['flagged']:,} of the {y.size:,} test transactions" in text
    assert (f"flags {opt['flagged']:,}: {opt['caught']:,} frauds caught, {opt['missed']:,} missed and "
            f"{opt['false_alarm']:,} false alarms, **{usd(opt['cost'])}**") in text
    assert f"**{saving_words(half['cost'], opt['cost'], 'the plain model at 0.5' if values['weights'] else 'at 0.5')}**" in text
    gap = opt["cost"] - best_cost
    assert ("matches it" if gap == 0 else f"comes within {usd(gap)} of it") in text
    check_fraud_claims(out, values, half, opt, best_t, best_cost, p, t_star, y, p_base)
    headlines = {h.key: h for h in sayings.fraud_headlines(out)}
    assert headlines["cost at 0.5"].text == money(half["cost"])
    assert headlines["cost decided"].text == money(opt["cost"])

    if values["weights"]:
        moved = _counts(y, p_base, t_star, c_fn, c_fp)
        _assert_decision(out.threshold_moved, moved)
        diff = moved["cost"] - opt["cost"]
        assert (("exactly as much as the class-weighted model" if diff == 0 else
                 f"{usd(abs(diff))} {'more' if diff > 0 else 'less'} than the class-weighted model") in text)
        return
    # The threshold c_fp / (c_fp + c_fn): the bold number is it, to the digits it shows.
    shown_t = re.search(r"\*\*([0-9.]+)\*\*", notes[0]).group(1)
    digits = len(shown_t.split(".")[1]) if "." in shown_t else 0
    assert abs(float(shown_t) - t_star) <= 0.5 * 10 ** -digits * (1 + 1e-9), (shown_t, t_star)
    assert ("far below the usual 0.5" in notes[0]) == (t_star <= 0.05)
    assert ("above the usual 0.5" in notes[0]) == (t_star > 0.5)
    # The trade-off "buys back" only where the moved threshold is cheaper on this test half; "the same
    # decisions" exactly where no score lies between it and 0.5.
    same = t_star != 0.5 and not np.any((p >= min(t_star, 0.5)) & (p < max(t_star, 0.5)))
    assert ("both make the same decisions" in text) == same
    assert ("buy back expensive misses" in text) == (t_star < 0.5 and opt["cost"] < half["cost"] and not same)
    assert ("Fewer, surer alarms avoid" in text) == (t_star > 0.5 and opt["cost"] < half["cost"] and not same)


def changed(before, after) -> str:
    """What a saving claim must say of two exact dollar totals (whole numbers of whole prices)."""
    return "saved" if after < before else "more" if after > before else "none"


def check_fraud_claims(out, values, half, opt, best_t, best_cost, p, t_star, y, p_base):
    """The fraud claims themselves (:class:`dashboard.verdicts.Claim`): each kind present exactly when the
    counts made here say it holds, and its counts and dollars the oracle's (exact: whole prices, whole counts)."""
    bullets = sayings.fraud_claims(out)
    claims = {c.kind: c.values for bullet in bullets for c in bullet}
    baseline = claims["costs.baseline"]
    assert (baseline["flagged"], baseline["missed"], baseline["cost"]) == (half["flagged"], half["missed"], half["cost"])
    assert (baseline["frauds"], baseline["n_test"], baseline["plain"]) == (int(y.sum()), y.size, values["weights"])
    gap = opt["cost"] - best_cost
    hindsight = "costs.hindsight_matches" if gap == 0 else "costs.hindsight_within"
    assert hindsight in claims and claims[hindsight]["threshold"] == best_t and claims[hindsight]["gap"] == gap
    decided = claims["costs.weighted_decided" if values["weights"] else "costs.decided"]
    assert all(decided[k] == opt[k] for k in ("flagged", "caught", "missed", "false_alarm", "cost"))
    c_fn, c_fp = values["miss"], values["alarm"]
    if values["weights"]:
        moved = _counts(y, p_base, t_star, c_fn, c_fp)
        diff = moved["cost"] - opt["cost"]
        versus = "costs.moved_as_much" if diff == 0 else "costs.moved_dearer" if diff > 0 else "costs.moved_cheaper"
        lean = "costs.weights_equal" if c_fn == c_fp else "costs.weights_towards" if c_fn > c_fp else "costs.weights_away"
        assert [b[0].kind for b in bullets] == [lean, "costs.baseline", "costs.weighted_decided", versus, hindsight,
                                                "costs.model_weighted"]
        assert claims[versus]["cost"] == moved["cost"] and claims[versus]["difference"] == diff
        assert decided["saving"]["change"] == changed(half["cost"], opt["cost"])
        return
    where = ("costs.threshold_half" if t_star == 0.5 else "costs.threshold_above" if t_star > 0.5 else
             "costs.threshold_far_below" if t_star <= 0.05 else "costs.threshold_below")
    # as in the text: "the same decisions" exactly where no score lies between t* and 0.5, "buys back" and
    # "surer" only where the moved threshold is cheaper on this test half
    same = t_star != 0.5 and not np.any((p >= min(t_star, 0.5)) & (p < max(t_star, 0.5)))
    cheaper = opt["cost"] < half["cost"]
    trade = ("costs.trade_same_decisions" if same else "costs.trade_same_threshold" if t_star == 0.5 else
             ("costs.trade_buys_back" if cheaper else "costs.trade_alarms_wasted") if t_star < 0.5 else
             ("costs.trade_surer" if cheaper else "costs.trade_held_back_wasted"))
    assert [[c.kind for c in b] for b in bullets] == [[where], ["costs.baseline"], ["costs.decided", trade],
                                                      [hindsight], ["costs.model_plain"]]
    assert abs(claims[where]["threshold"] - t_star) <= 1e-15
    assert claims[trade]["saving"] == {"before": half["cost"], "after": opt["cost"],
                                       "change": changed(half["cost"], opt["cost"])}


# --------------------------------------------------------------------------- demand

def _days(noise, rush, seed):
    """The documented days: demand = 4 × temperature on 60 days in 10…35 °C, the hottest ``rush`` + 60."""
    return datasets.line_with_outliers(n=60, slope=4.0, intercept=0.0, noise=noise, n_outliers=rush,
                                       outlier_shift=60.0, x_range=(10.0, 35.0), seed=seed)


def _price(y, forecast, c_under, c_over):
    """Dollars per day, by hand; a miss within round-off of the data (1e-9 of its size) is no miss."""
    e = forecast - y
    e = np.where(np.abs(e) <= 1e-9 * np.abs(y).max(), 0.0, e)
    return c_under * np.maximum(-e, 0) + c_over * np.maximum(e, 0), e < 0


demand_links = links(FILE, sc.DEFAULTS, ("under", "over", "noise", "rush", "seed"))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(demand_links)
def test_the_demand_claims_hold_against_the_oracle(values):
    note(f"link: {link('business_costs', values, sc.DEFAULTS)}")
    cu, co = float(values["under"]), float(values["over"])
    q = cu / (cu + co)
    days, new = _days(values["noise"], values["rush"], values["seed"]), _days(values["noise"], values["rush"],
                                                                            values["seed"] + 1000)
    x, y = days.x, days.y
    scale = float(np.abs(y).max())
    out = sc.demand_of(values)
    assert out.q == q

    # MSE line: numpy.polyfit; the scenario's normal equation agrees to round-off (well-posed 60 × 2).
    w, b = np.polyfit(x, y, 1)
    assert abs(out.mse.slope - w) <= 1e-8 * max(1, abs(w)) and abs(out.mse.intercept - b) <= 1e-8 * scale
    mse_day, mse_short = _price(y, w * x + b, cu, co)
    mse_new, _ = _price(new.y, w * new.x + b, cu, co)
    # The quantile line: the LP's minimizer need not be unique (an edge of lines with one total), so the
    # view's line must reach scikit-learn's minimum of the mean pinball loss (HiGHS, to ~1e-9 of the data);
    # every further claim is about the line the view shows, priced here.
    ref = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(x[:, None], y)
    pinball = lambda f: float(np.mean(np.maximum(q * (y - f), (q - 1) * (y - f))))  # noqa: E731
    best = pinball(ref.predict(x[:, None]))
    qs, qb = out.quantile.slope, out.quantile.intercept
    assert pinball(qs * x + qb) <= best + 1e-7 * scale
    q_day, q_short = _price(y, qs * x + qb, cu, co)
    q_new, _ = _price(new.y, qs * new.x + qb, cu, co)
    tol = 1e-6 * scale * (cu + co) * y.size  # dollars: round-off of the fits, summed over the days
    for fit, day, short, new_day in ((out.mse, mse_day, mse_short, mse_new), (out.quantile, q_day, q_short, q_new)):
        assert abs(fit.cost - day.sum()) <= tol and abs(fit.cost_new - new_day.sum()) <= tol
        assert fit.short_days == int(short.sum())
    # The quantile property behind "run short on about 1 − q of days": at an optimum, days strictly short
    # are at most n(1 − q), and with the days on the line at least n(1 − q).
    on_line = int(np.sum(np.abs(qs * x + qb - y) <= 1e-9 * scale))
    assert int(q_short.sum()) <= y.size * (1 - q) + 1e-9 <= int(q_short.sum()) + on_line

    notes = sayings.demand_notes(out)
    text = "\n".join(notes)
    assert f"**{fmt(q, 3)}** quantile" in text and f"about {pct(1 - q)} of days" in text
    assert f"runs short on {int(mse_short.sum())} of 60 days; the quantile line runs short on {int(q_short.sum())}" in text
    above = (qs - w) * 22.5 + qb - b
    same = abs(above) <= 1e-9 * scale
    assert ("one and the same" in text) == same
    if same:  # "with every day on the line": each day on the MSE line to round-off
        assert np.all(np.abs(w * x + b - y) <= 1e-6 * scale)
    else:
        says(text, abs(above), 1e-6 * scale, lambda v: fmt(v, 3), "sits {} units " + ("above" if above > 0 else "below"))
        says(text, w, 1e-8, lambda v: fmt(v, 3), "vs {} units per °C")
    says(text, mse_day.sum(), tol, usd, "MSE forecasts cost **{}**")
    says(text, q_day.sum(), tol, usd, "quantile forecasts **{}**")
    # Fitted days: the quantile line is the cheapest line, so it saves (or ties, to round-off).
    saving = mse_day.sum() - q_day.sum()
    assert saving >= -tol
    if saving > tol:
        says(text, saving, tol, usd, "**{} saved (")
        says(text, saving / mse_day.sum(), tol / mse_day.sum(), pct, "saved ({})**")
    # the same, on the claims the notes are made of (dashboard.verdicts.Claim)
    bullets = sayings.demand_claims(out)
    assert [[c.kind for c in b] for b in bullets] == [
        ["costs.quantile"], ["costs.short_days", "costs.lines_same" if same else
                             "costs.quantile_above" if above > 0 else "costs.quantile_below"], ["costs.forecasts"]]
    (quantile,), (short, sits), (forecasts,) = (tuple(c.values for c in b) for b in bullets)
    assert quantile["q"] == q and (quantile["c_under"], quantile["c_over"]) == (cu, co)
    assert (short["mse"], short["quantile"], short["days"]) == (int(mse_short.sum()), int(q_short.sum()), 60)
    if not same:
        assert abs(sits["gap"] - abs(above)) <= 1e-6 * scale and abs(sits["mse_slope"] - w) <= 1e-8 * max(1, abs(w))
    for key, truth in (("mse", mse_day.sum()), ("quantile", q_day.sum()), ("mse_new", mse_new.sum()),
                       ("quantile_new", q_new.sum())):
        assert abs(forecasts[key] - truth) <= tol, key
    if saving > tol:
        assert forecasts["saving"]["change"] == "saved"
    gain = mse_new.sum() - q_new.sum()
    if abs(gain) > tol:
        assert forecasts["saving_new"]["change"] == ("saved" if gain > 0 else "more")
    # New days: the saving can go either way; the sentence must say which.
    gain = mse_new.sum() - q_new.sum()
    if gain > tol:
        says(notes[2], gain, tol, usd, "{} saved")
    elif gain < -tol:
        says(notes[2], -gain, tol, usd, "{} more than the MSE forecasts")
    assert "-\\$" not in text
