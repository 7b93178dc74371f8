"""The names "When a miss costs more than a false alarm, where should the line go?" gives its two fits and the two
parts of their error: the frames' labels, which the scenario writes and the charts colour and order."""

from __future__ import annotations

from dashboard import registry

FIT_LABELS = {"mse": f"{registry.LOSSES['mse'].label} fit (mean)",
              "asymmetric": f"{registry.LOSSES['asymmetric'].label} fit"}
ERROR_PARTS = {"under": "Stock-outs (under)", "over": "Leftovers (over)"}
