"""The MSE-vs-MAE view's claims, in scenarios drawn from its declared controls, against an oracle that
shares nothing with the scenario's compute: numpy.polyfit for the MSE lines and the clean-points
reference, scikit-learn's QuantileRegressor(quantile=0.5, alpha=0, solver="highs") for the MAE (median)
lines, scipy.optimize.minimize on the mean Huber loss written out here, and the loss shares by hand.
The data come from ``core.datasets`` (the input, not a claim). A failing example prints its link."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, example, given, note, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from sklearn.linear_model import QuantileRegressor

from core import datasets
from dashboard.formatting import fmt, pct, signed
from dashboard.scenarios import mse_vs_mae as sc
from dashboard.shared import mse_vs_mae as says
from dashboard.verdicts import say

from .property_tools import link, links

FILE = "mse_vs_mae.py"
# Lines from HiGHS (a vertex of the LP, exact to ~1e-10) and from polyfit (a QR solve) agree with the
# view's to ~1e-10 on 30 points of size ~20; 1e-7 is the tolerance for slopes, moves and shares.
TOL = 1e-7


def shown(value: float, tol: float, form) -> set[str]:
    return {form(value - tol), form(value), form(value + tol)}


def quotes(text: str, value: float, tol: float, form, template: str = "{}") -> None:
    options = [template.format(s) for s in shown(value, tol, form)]
    assert any(o in text for o in options), (options, text)


def mse_line(x, y) -> np.ndarray:
    return np.polyfit(x, y, 1)


def mae_line(x, y) -> np.ndarray:
    ref = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(x[:, None], y)
    return np.array([ref.coef_[0], ref.intercept_])


def huber_line(x, y, delta) -> np.ndarray:
    """The mean Huber loss (½r² inside δ, δ(|r| − ½δ) outside) minimized by BFGS from the MSE line."""
    def loss(p):
        r = p[0] * x + p[1] - y
        a = np.abs(r)
        inside = a <= delta
        g_r = np.where(inside, r, delta * np.sign(r))
        value = np.where(inside, 0.5 * r * r, delta * (a - 0.5 * delta)).mean()
        return value, np.array([np.mean(g_r * x), np.mean(g_r)])
    return minimize(loss, mse_line(x, y), jac=True, method="BFGS", options={"gtol": 1e-12}).x


# seed: the seed box: "From 0 to 9,999"
outlier_links = links(FILE, sc.DEFAULTS, ("outliers", "shift", "delta"),
                      seed=st.integers(0, 9999))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(outlier_links)
@example({**sc.DEFAULTS, "outliers": 3, "shift": 0})  # the review's link: three points that are not outliers
def test_the_outlier_claims_hold_against_the_oracle(values):
    note(f"link: {link('mse_vs_mae', values, sc.DEFAULTS)}")
    k, shift, delta = int(values["outliers"]), float(values["shift"]), float(values["delta"])
    d = datasets.line_with_outliers(n=30, slope=2.0, intercept=1.0, noise=1.0, n_outliers=k, outlier_shift=shift,
                                    seed=int(values["seed"]))
    x, y, out_mask = d.x, d.y, d.is_outlier
    clean = ~out_mask
    out = sc.outcome(values)
    lines = {"mse": (mse_line(x, y), mse_line(x[clean], y[clean])),
             "mae": (mae_line(x, y), mae_line(x[clean], y[clean]))}
    for key, (full, cl) in lines.items():
        row = out.fit(key)
        assert abs(row.slope - full[0]) <= TOL and abs(row.intercept - full[1]) <= TOL * 10, key
        assert abs(row.slope_clean - cl[0]) <= TOL and abs(row.intercept_clean - cl[1]) <= TOL * 10, key
    hub = huber_line(x, y, delta)
    # BFGS stops at a gradient of ~1e-12 on a function whose curvature is the share of points inside δ
    # (at least 1/30 where any are): the line is good to ~1e-6.
    assert abs(out.fit("huber").slope - hub[0]) <= 1e-5 and abs(out.fit("huber").intercept - hub[1]) <= 1e-4

    # The shares, against the least-squares line through the clean points.
    ref = lines["mse"][1]
    r = ref[0] * x + ref[1] - y
    sq, ab = r * r, np.abs(r)
    share_sq, share_ab = sq / sq.sum(), ab / ab.sum()
    top = int(np.argmax(sq))
    text = "\n".join(says.notes(out))
    # the claims the notes are made of (dashboard.verdicts.Claim), one per bullet; the last one says how many
    # points lie within δ of the Huber line: all of them exactly when the oracle's Huber line has them all
    claims = says.note_claims(out)
    kinds = [c.kind for c in claims]
    gaps = np.abs(hub[0] * x + hub[1] - y)
    assume(not np.any(np.abs(gaps - delta) < 1e-4))  # a point on the bend: a knife edge for a line good to 1e-5
    # The captions' claims: the dashed rules and ▼ only where points are marked, named outliers only where they
    # sit two noise widths or more off the line; the farthest one's error against the clean-points line.
    ref_clean = mse_line(x[clean], y[clean])
    shapes = {c.kind: c.values for c in says.shapes_claims(out)}
    assert ("mae.marked_errors" in shapes) == (k > 0) == ("mae.farthest" in shapes)
    assert [c.kind for c in says.bars_claims(out)] == ["mae.bars_marked" if k else "mae.bars"]
    if k:
        noise = abs(shift) < 2
        assert shapes["mae.marked_errors"]["marked"] == ("moved points" if noise else "outliers")
        assert shapes["mae.farthest"]["marked"] == ("moved point" if noise else "outlier")
        errors = (ref_clean[0] * x + ref_clean[1] - y)[out_mask]
        assert abs(abs(shapes["mae.farthest"]["error"]) - np.abs(errors).max()) <= TOL
    assert kinds[-1] == ("mae.huber_all_inside" if np.all(gaps <= delta) else "mae.huber_some_inside")
    assert (claims[-1].values["inside"], claims[-1].values["n"]) == (int(np.sum(gaps <= delta)), x.size)
    # "The math": the MSE rule with this scenario's numbers, only where points were pushed off the noisy line.
    tilts = says.tilt_claims(out)
    assert [c.kind for c in tilts] == (["mae.mse_tilt"] if k and shift != 0 else [])
    if tilts:
        check_tilt(tilts[0].values, x, y, out_mask, shift, lines["mse"])
        mse_sentence = next(s for s, _ in says.math_blocks(out) if "**MSE line**" in s)
        assert say(tilts) in mse_sentence
        quotes(mse_sentence, tilts[0].values["tilt"], TOL, signed, "= {}, from slope")

    if k == 0:
        for key in ("mse", "mae"):
            quotes(text, lines[key][0][0], TOL, fmt, f"{key.upper()} {{}}")
        dominates = share_sq[top] > 0.5
        assert ("One point dominates" in text) == dominates and ("No point dominates" in text) == (not dominates)
        quotes(text, share_sq[top], TOL, pct, "is {} of the MSE")
        assert kinds[:2] == ["mae.no_outliers", "mae.dominant" if dominates else "mae.no_dominant"]
        assert all(abs(claims[0].values["slopes"][key] - lines[key][0][0]) <= TOL for key in ("mse", "mae"))
        assert abs(claims[1].values["mse_share"] - share_sq[top]) <= TOL
        assert abs(claims[1].values["mae_share"] - share_ab[top]) <= TOL
        return
    moved = {key: full[0] - cl[0] for key, (full, cl) in lines.items()}
    quotes(text, share_sq[out_mask].sum(), TOL, pct)
    quotes(text, share_ab[out_mask].sum(), TOL, pct)
    if abs(shift) < 2:  # within two noise widths: the view calls it noise, and says how far each slope moved
        quotes(text, moved["mse"], TOL, signed, "moved by {} (MSE)")
        quotes(text, moved["mae"], TOL, signed, ", {} (MAE)")
        average = "an average point carries" if k == 1 else f"{k} average points carry"
        quotes(text, k / x.size, TOL, pct, f"{average} {{}} of each")  # like against like: k points, k averages
        assert all(h.label.startswith("Moved: share of") for h in says.headlines(out)[:2])
        assert kinds[:2] == ["mae.noise", "mae.noise_shares"]
        assert all(abs(claims[0].values["moved"][key]["slope_moved"] - moved[key]) <= TOL for key in ("mse", "mae"))
        check_shares(claims[1].values, k, x.size, share_sq[out_mask].sum(), share_ab[out_mask].sum())
        return
    assert all(h.label.startswith("Outliers' share of") for h in says.headlines(out)[:2])
    quotes(text, moved["mse"], TOL, signed, "**MSE slope by {}**")
    quotes(text, moved["mae"], TOL, signed, "**MAE slope by {}**")
    quotes(text, lines["mse"][1][0], TOL, fmt, "from {} on the clean points")
    quotes(text, share_sq[top], TOL, pct, "{} of the MSE against")
    quotes(text, share_ab[top], TOL, pct, "against {} of the MAE")
    pull, shares = claims[:2]
    assert shares.kind == "mae.outlier_shares"
    check_shares(shares.values, k, x.size, share_sq[out_mask].sum(), share_ab[out_mask].sum())
    assert abs(shares.values["top_mse"] - share_sq[top]) <= TOL and abs(shares.values["top_mae"] - share_ab[top]) <= TOL
    for key in ("mse", "mae"):
        assert abs(pull.values["moved"][key]["slope_moved"] - moved[key]) <= TOL, key
        assert abs(pull.values["moved"][key]["slope_clean"] - lines[key][1][0]) <= TOL, key
    # The comparison: which slope moved farther, and by how many times (compare()'s "equal": round-off).
    assume(not 1e-9 < abs(moved["mae"]) < 1e-6)  # a move neither zero nor clearly not: a knife edge
    if abs(moved["mae"]) <= 1e-9:
        assert "MAE's slope did not move at all" in text and pull.kind == "mae.pull_mae_still"
        return
    ratio = abs(moved["mse"] / moved["mae"])
    assume(abs(ratio - 1) > 1e-6)  # two moves equal to round-off: a knife edge
    assert pull.kind == ("mae.pull_mse_farther" if ratio >= 1 else
                         "mae.pull_mae_farther_one" if k == 1 else "mae.pull_mae_farther_many")
    if ratio >= 1:
        quotes(text, ratio, ratio * 1e-6, lambda v: fmt(v, 3), "MSE's slope moved {}× as far as MAE's")
        return
    quotes(text, 1 / ratio, 1e-6 / ratio, lambda v: fmt(v, 3), "MAE's slope moved farther ({}× MSE's)")
    if k == 1:
        # "push it further along the same side and MAE's line stays where it is": the median line again,
        # with the outlier pushed 40 further the same way.
        y2 = y + np.where(out_mask, 40.0 * np.sign(shift), 0.0)
        stays = abs(mae_line(x, y2)[0] - lines["mae"][0][0]) <= TOL
        assert ("MAE's line stays where it is" in text) == stays


def check_tilt(claimed, x, y, pushed, shift, mse_fits):
    """The MSE tilt of "The math" against polyfit alone: the summed weight is the least-squares slope of the
    pushed points' indicator (the slope is linear in y), the tilt the difference of two least-squares slopes,
    the data as drawn and with the push taken off again; the headline's move starts from the clean-points fit."""
    full, clean = mse_fits
    weight = np.polyfit(x, pushed.astype(float), 1)[0]
    unpushed = np.polyfit(x, y - shift * pushed, 1)[0]
    assert (claimed["k"], claimed["shift"]) == (int(pushed.sum()), shift)
    assert abs(claimed["weight"] - weight) <= 1e-9
    assert abs(claimed["tilt"] - (full[0] - unpushed)) <= TOL  # shift × weight is what pushing did
    assert abs(claimed["unpushed"] - unpushed) <= TOL and abs(claimed["slope"] - full[0]) <= TOL
    assert abs(claimed["moved"] - (full[0] - clean[0])) <= TOL and abs(claimed["clean"] - clean[0]) <= TOL
    assert abs(claimed["added"] - (unpushed - clean[0])) <= TOL  # so moved = added + tilt


def check_shares(claimed, k, n, squared, absolute):
    """The marked points' count and their shares of the two totals, in a claim, against the oracle's."""
    assert (claimed["k"], claimed["n"]) == (k, n)
    assert abs(claimed["mse_share"] - squared) <= TOL and abs(claimed["mae_share"] - absolute) <= TOL


def test_the_lagos_claims_hold_against_hand_arithmetic():
    """The lesson's three houses: misses +3, −5, +10 (prediction − price) by hand."""
    values = {**sc.DEFAULTS, "data": "lagos"}  # link: /mse_vs_mae?data=lagos
    e = np.array([45.0, 30.0, 60.0]) - np.array([42.0, 35.0, 50.0])
    mse, mae = float(np.mean(e ** 2)), float(np.mean(np.abs(e)))
    text = "\n".join(says.notes(sc.outcome(values)))
    assert f"**MSE = 134 / 3 = {fmt(mse)}**" in text and f"**MAE = 18 / 3 = {mae:.1f}**" in text
    assert f"**{pct(100 / 134)} of the MSE**" in text and f"**{pct(10 / 18)} of the MAE**" in text
    assert f"{fmt(np.sqrt(mse), 3)}** million naira" in text and np.sqrt(mse) > mae
    means, largest, rmse = says.lagos_claims(sc.outcome(values))
    assert [means.kind, largest.kind, rmse.kind] == ["mae.lagos_means", "mae.lagos_largest", "mae.lagos_rmse"]
    assert means.values["misses"] == list(e) and means.values["squared"] == list(e ** 2)
    assert abs(means.values["mse"] - mse) <= 1e-12 and abs(means.values["mae"] - mae) <= 1e-12
    assert (largest.values["label"], largest.values["miss"]) == ("House 3", 10.0)
    assert (largest.values["squared"], largest.values["squared_total"]) == (100.0, 134.0)
    assert (largest.values["absolute"], largest.values["absolute_total"]) == (10.0, 18.0)
    assert abs(largest.values["mse_share"] - 100 / 134) <= 1e-12 and abs(largest.values["mae_share"] - 10 / 18) <= 1e-12
    assert abs(rmse.values["rmse"] - np.sqrt(mse)) <= 1e-12
