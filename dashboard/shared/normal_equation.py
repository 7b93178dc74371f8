"""The three ways "When should you solve instead of descend?" times: their names, which the scenario writes in its
frames and the charts colour, and the descent's number of steps that one of the names states."""

from __future__ import annotations

COST_STEPS = 100
METHOD_NAMES = {"svd": "normal equation by SVD (this project)", "solve": "normal equation, solving XᵀX",
                "descent": f"gradient descent, {COST_STEPS} steps"}
