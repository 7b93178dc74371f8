"""What the normal-equation view's scenario and charts both need: the three ways "When should you solve instead of
descend?" times (their names, which the scenario writes in its frames and the charts colour, and the descent's number
of steps that one of the names states), and the distance chart's axis, whose bottom the caption speaks of."""

from __future__ import annotations

from dashboard import paths

COST_STEPS = 100
METHOD_NAMES = {"svd": "normal equation by SVD (this project)", "solve": "normal equation, solving XᵀX",
                "descent": f"gradient descent, {COST_STEPS} steps"}


def distance_axis(run) -> tuple[float, float]:
    """The (bottom, top) of the axis of the descent's distance to the closed form: ``run`` the frame of
    ‖θ_t − θ*‖ per step (column value, first row the start). The bottom is at most 1e-7, so the 1e-6
    line always shows; a run closer than the bottom runs along the axis's edge."""
    values = run["value"].to_numpy(dtype=float)
    low = min(paths.log_floor(values, float(values[0]) if values[0] > 0 else 1.0), 1e-7)
    return low, max(float(values.max()), 1e-6) * 3.0
