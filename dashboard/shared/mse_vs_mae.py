"""The three fits of "Why does one outlier move the MSE line?": their keys, in the frames' order, and their labels,
which the scenario writes and the charts colour and order."""

from __future__ import annotations

from dashboard import registry

FITS = ("mse", "mae", "huber")
FIT_LABELS = registry.labels(registry.LOSSES, FITS)
