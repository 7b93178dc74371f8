"""core.plateau (reduce on plateau, reached as core.schedules.reduce_on_plateau) against torch's
ReduceLROnPlateau written line by line with floats (tests/core/schedule_oracle.py)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from core import schedules
from tests.core.schedule_oracle import ref_plateau_rates


def noisy_plateau_losses(n=200, seed=3):
    """A loss that falls, stalls, jumps, falls again: every branch of the scheduler gets used."""
    rng = np.random.default_rng(seed)
    base = np.concatenate([np.linspace(5, 1, 40), np.ones(50), np.linspace(1, 0.2, 60), np.full(50, 0.2)])
    return base[:n] * (1 + 0.02 * rng.standard_normal(n)) + np.where(np.arange(n) % 37 == 0, 0.5, 0)


@pytest.mark.parametrize(
    "kwargs",
    [dict(lr=0.1), dict(lr=0.1, patience=0), dict(lr=1.0, factor=0.5, patience=3, cooldown=4),
     dict(lr=0.1, factor=0.5, patience=2, threshold=0.05, threshold_mode="abs"),
     dict(lr=0.1, factor=0.1, patience=1, min_lr=1e-4), dict(lr=1e-7, factor=0.5, patience=1, eps=1e-8)],
)
def test_reduce_on_plateau_matches_reduce_lr_on_plateau(kwargs):
    losses = noisy_plateau_losses()
    lr = kwargs.pop("lr")
    got = schedules.reduce_on_plateau(lr, **kwargs).replay(losses)
    assert_allclose(got, ref_plateau_rates(losses, lr=lr, **kwargs), rtol=1e-15)


def test_reduce_on_plateau_by_hand():
    # patience 2: the 3rd loss in a row that is no better than 1.0 cuts the rate, after the 5th value.
    got = schedules.reduce_on_plateau(0.1, patience=2).replay([1.0, 1.0, 1.2, 0.99995, 1.5, 0.5])
    assert_allclose(got, [0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01], rtol=1e-15)
    # torch's defaults: eleven values without improvement.
    assert schedules.reduce_on_plateau(0.1).replay([1.0] * 12).tolist()[-2:] == [0.1, pytest.approx(0.01)]


def test_reduce_on_plateau_runs_independently_per_run():
    losses = noisy_plateau_losses()
    table = np.stack([losses, losses[::-1]], axis=1)
    got = schedules.reduce_on_plateau(np.array([0.1, 0.3]), patience=3).replay(table)
    assert got.shape == (losses.size + 1, 2)
    assert_allclose(got[:, 1], ref_plateau_rates(losses[::-1], lr=0.3, patience=3), rtol=1e-15)
    assert not np.array_equal(got[:, 0] / 0.1, got[:, 1] / 0.3)


def test_reduce_on_plateau_never_counts_nan_as_better():
    got = schedules.reduce_on_plateau(0.1, patience=0).replay([1.0, np.nan, np.inf])
    assert_allclose(got, [0.1, 0.1, 0.01, 0.001], rtol=1e-12)



def test_get_builds_plateau():
    assert isinstance(schedules.get("reduce_on_plateau", 0.1, patience=0), schedules.Plateau)


@pytest.mark.parametrize(
    "make,word",
    [(lambda: schedules.reduce_on_plateau(0.1, factor=1.0), "factor"),
     (lambda: schedules.reduce_on_plateau(0.1, patience=-1), "patience"),
     (lambda: schedules.reduce_on_plateau(0.1, threshold_mode="max"), "threshold_mode"),
     (lambda: schedules.reduce_on_plateau(0.0), "lr"),
     (lambda: schedules.reduce_on_plateau(0.1).replay(np.ones((2, 2, 2))), "losses"),
     (lambda: schedules.reduce_on_plateau(np.array([0.1, 0.2])).init(3), "n_runs")],
)
def test_reduce_on_plateau_rejects_bad_arguments_naming_them(make, word):
    with pytest.raises(ValueError, match=word):
        make()
