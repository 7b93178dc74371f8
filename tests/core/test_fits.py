"""Iterative fits run to convergence: Huber regression and logistic regression.

References: scipy's BFGS on the same objective written out here (Huber), scikit-learn's
unpenalized LogisticRegression, closed forms where the answer is known (a Huber delta
larger than every residual gives the least-squares line), finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import scipy.special
from sklearn.linear_model import LogisticRegression

from core import closed_form, datasets, fits, training


def _huber_mean(params, X, y, delta):
    r = X @ params[:-1] + params[-1] - y
    return np.mean(np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)))


def _scipy_huber(X, y, delta):
    start = closed_form.normal_equation(X, y)
    best = scipy.optimize.minimize(_huber_mean, start, args=(X, y, delta), method="BFGS",
                                   options={"gtol": 1e-12, "maxiter": 10_000})
    return best.x, best.fun


@pytest.mark.parametrize("seed, n_outliers, shift, delta", [(0, 1, 20.0, 1.0), (3, 4, 30.0, 1.5),
                                                            (5, 10, -40.0, 0.1), (2, 0, 0.0, 2.0)])
def test_huber_line_matches_a_bfgs_reference(seed, n_outliers, shift, delta):
    d = datasets.line_with_outliers(n=30, n_outliers=n_outliers, outlier_shift=shift, seed=seed)
    fit = fits.huber_fit(d.x, d.y, delta=delta)
    ref, ref_value = _scipy_huber(d.x[:, None], d.y, delta)
    assert fit.converged and fit.grad_norm <= 1e-9
    assert _huber_mean(fit.params, d.x[:, None], d.y, delta) <= ref_value + 1e-12
    assert fit.params == pytest.approx(ref, abs=1e-5)
    # The objective written above is scipy.special.huber's (and torch.nn.HuberLoss's).
    assert np.mean(scipy.special.huber(delta, d.x * fit.params[0] + fit.params[1] - d.y)) == pytest.approx(
        _huber_mean(fit.params, d.x[:, None], d.y, delta), rel=1e-12)


def test_huber_with_a_delta_beyond_every_residual_is_least_squares():
    d = datasets.line_with_outliers(n=40, n_outliers=0, seed=1)
    ols = closed_form.normal_equation(d.x[:, None], d.y)
    biggest = np.abs(d.x * ols[0] + ols[1] - d.y).max()
    fit = fits.huber_fit(d.x, d.y, delta=2 * biggest, starts=[np.zeros(2)])
    # Every residual in the quadratic zone: the Huber objective is half the MSE.
    assert fit.params == pytest.approx(ols, abs=1e-8)


def test_huber_on_two_correlated_features_matches_bfgs():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(200, 2)) @ np.array([[1.0, 0.0], [0.9, 0.5]]) * [3.0, 0.2] + [10.0, -4.0]
    y = X @ [1.5, -2.0] + 0.3 + rng.standard_t(df=1.5, size=200)
    fit = fits.huber_fit(X, y, delta=1.0)
    ref, ref_value = _scipy_huber(X, y, 1.0)
    assert fit.converged
    # BFGS stops a little short on this ill-conditioned design: ours is at least as low.
    assert _huber_mean(fit.params, X, y, 1.0) <= ref_value + 1e-12
    assert fit.params == pytest.approx(ref, rel=1e-5)


def test_huber_starts_from_the_better_start_and_reports_it():
    d = datasets.line_with_outliers(n=30, n_outliers=4, outlier_shift=30.0, seed=3)
    far = np.array([-50.0, 300.0])
    near = closed_form.quantile_fit(d.x[:, None], d.y)
    a = fits.huber_fit(d.x, d.y, delta=1.5, starts=[far, near])
    b = fits.huber_fit(d.x, d.y, delta=1.5, starts=[near, far])
    assert (a.start, b.start) == (1, 0)
    assert a.params == pytest.approx(b.params, abs=1e-9)
    assert fits.huber_fit(d.x, d.y, delta=1.5).start == -1


def test_huber_budget_is_respected():
    d = datasets.line_with_outliers(n=30, n_outliers=4, outlier_shift=30.0, seed=3)
    fit = fits.huber_fit(d.x, d.y, delta=1.5, starts=[np.array([-50.0, 300.0])], first_chunk=3, max_steps=10)
    assert fit.steps == 10 and not fit.converged  # chunks of 3 and 6, then the last 1
    none = fits.huber_fit(d.x, d.y, delta=1.5, max_steps=0)
    assert none.steps == 0 and none.params == pytest.approx([0.0, 0.0])


def _fraud(rate, n, seed):
    data = datasets.fraud_like(n=n, base_rate=rate, seed=seed)
    Z = (data.X - data.X.mean(axis=0)) / data.X.std(axis=0)
    return Z, data.y


@pytest.mark.parametrize("rate, n, seed", [(0.02, 10_000, 0), (0.005, 2_000, 3), (0.5, 4_000, 1), (0.2, 20_000, 2)])
def test_logistic_fit_is_the_maximum_likelihood_fit(rate, n, seed):
    Z, y = _fraud(rate, n, seed)
    fit = fits.logistic_fit(Z, y)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(Z, y)
    assert fit.converged and fit.grad_max <= 1e-6 and fit.steps == 65
    assert fit.params[:-1] == pytest.approx(ref.coef_[0], abs=1e-5)
    assert fit.params[-1] == pytest.approx(ref.intercept_[0], abs=1e-5)
    assert fits.predict_proba(Z, fit.params) == pytest.approx(ref.predict_proba(Z)[:, 1], abs=1e-7)


def test_logistic_gradient_is_the_finite_difference_of_the_mean_bce():
    Z, y = _fraud(0.1, 500, 4)
    fit = fits.logistic_fit(Z, y, tol=1e-3)
    theta = fit.params + [0.3, -0.2, 0.1]  # away from the optimum, where the gradient is large
    grad = training.objective_gradient(theta, Z, y, loss="bce")
    h = 1e-6
    numeric = [(training.objective(theta + h * e, Z, y, loss="bce") - training.objective(theta - h * e, Z, y, loss="bce"))
               / (2 * h) for e in np.eye(3)]
    assert grad == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    assert fit.gradient == pytest.approx(training.objective_gradient(fit.params, Z, y, loss="bce"), abs=1e-15)


@pytest.mark.parametrize("rate, n, seed, c_fn, c_fp", [(0.02, 10_000, 0, 1000.0, 10.0), (0.1, 4_000, 5, 1.0, 20.0),
                                                       (0.02, 10_000, 0, 1.0, 1.0)])
def test_class_weighted_logistic_fit_matches_scikit_learn_class_weight(rate, n, seed, c_fn, c_fp):
    Z, y = _fraud(rate, n, seed)
    fit = fits.logistic_fit(Z, y, sample_weight=np.where(y == 1, c_fn, c_fp))
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000, class_weight={0: c_fp, 1: c_fn}).fit(Z, y)
    assert fit.converged and fit.grad_max <= 1e-6
    assert fit.params[:-1] == pytest.approx(ref.coef_[0], abs=1e-4)
    assert fit.params[-1] == pytest.approx(ref.intercept_[0], abs=1e-4)
    plain = fits.logistic_fit(Z, y)
    if c_fn == c_fp:  # equal weights: the plain fit
        assert fit.params == pytest.approx(plain.params, abs=1e-6)
    else:  # the intercept moves by about log(c_fn / c_fp) (4.9 for 4.6, and -3.2 for -3.0, here)
        shift, odds = fit.params[-1] - plain.params[-1], np.log(c_fn / c_fp)
        assert np.sign(shift) == np.sign(odds) and abs(odds) < abs(shift) < 1.1 * abs(odds)


def test_weighted_gradient_is_the_finite_difference_of_the_weighted_mean_bce():
    Z, y = _fraud(0.1, 500, 4)
    s = np.where(y == 1, 7.0, 0.5)
    theta = np.array([0.3, -0.2, 0.1])
    grad = training.objective_gradient(theta, Z, y, loss="bce", sample_weight=s)
    h = 1e-6
    numeric = [(training.objective(theta + h * e, Z, y, loss="bce", sample_weight=s)
                - training.objective(theta - h * e, Z, y, loss="bce", sample_weight=s)) / (2 * h) for e in np.eye(3)]
    assert grad == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    # the weighted mean by hand: sum s_i BCE_i / sum s_i
    z = Z @ theta[:2] + theta[2]
    per = np.logaddexp(0.0, z) - y * z
    assert training.objective(theta, Z, y, loss="bce", sample_weight=s) == pytest.approx(s @ per / s.sum(), rel=1e-12)


def test_separable_classes_do_not_crash_or_warn():
    x = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    fit = fits.logistic_fit(x, y)  # the optimum is at infinity: weights grow, nothing breaks
    assert np.all(np.isfinite(fit.params)) and fit.params[0] > 0
    assert np.all(fits.predict_proba(x, fit.params)[3:] > 0.5)


def test_predict_proba_by_hand_and_at_extremes():
    assert fits.predict_proba([[0.0], [np.log(3.0)]], [1.0, 0.0]) == pytest.approx([0.5, 0.75])
    assert fits.predict_proba([1.0, 2.0], [2.0, -1.0]) == pytest.approx(scipy.special.expit([1.0, 3.0]))
    with np.errstate(all="raise"):
        p = fits.predict_proba([[-1e4], [1e4]], [1.0, 0.0])
    assert p[0] == 0.0 and p[1] == 1.0


@pytest.mark.parametrize("call, name", [
    (lambda: fits.huber_fit([1.0, 2.0], [1.0, 2.0], delta=0.0), "delta"),
    (lambda: fits.huber_fit([1.0, 2.0], [1.0, np.nan], delta=1.0), "y"),
    (lambda: fits.huber_fit([1.0, 2.0], [1.0, 2.0, 3.0], delta=1.0), "X"),
    (lambda: fits.huber_fit([1.0, 2.0], [1.0, 2.0], delta=1.0, starts=[[1.0, 2.0, 3.0]]), "starts"),
    (lambda: fits.huber_fit([1.0, 2.0], [1.0, 2.0], delta=1.0, tol=-1.0), "tol"),
    (lambda: fits.logistic_fit([1.0, 2.0], [0.0, 0.5]), "y"),
    (lambda: fits.logistic_fit([1.0, 2.0], [1.0, 1.0]), "y"),
    (lambda: fits.logistic_fit([1.0, np.inf], [0.0, 1.0]), "X"),
    (lambda: fits.logistic_fit([1.0, 2.0], [0.0, 1.0], sample_weight=[1.0, -1.0]), "sample_weight"),
    (lambda: fits.logistic_fit([1.0, 2.0], [0.0, 1.0], sample_weight=[1.0]), "sample_weight"),
    (lambda: fits.logistic_fit([1.0, 2.0], [0.0, 1.0], sample_weight=[0.0, 1.0]), "sample_weight"),
    (lambda: training.fit_linear([1.0, 2.0], [0.0, 1.0], lr=0.1, steps=1, sample_weight=[0.0, 0.0]),
     "sample_weight"),
    (lambda: fits.predict_proba([[1.0, 2.0]], [1.0, 2.0]), "params"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
