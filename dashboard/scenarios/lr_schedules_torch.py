"""The schedules view's runs as PyTorch code: the same 64 points, batches, peak rate and
``torch.optim.lr_scheduler``, stepped once per epoch (reduce-on-plateau reads the full-data loss),
so the code lands where :func:`dashboard.scenarios.lr_schedules.compute` does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard import registry
from dashboard.scenarios import lr_schedules as sc


# Schedule id -> the torch scheduler made with its settings ``p`` (registry keys) and the peak rate ``lr``.
def _scheduler_line(key: str, values: Mapping[str, Any]) -> str:
    p = registry.SCHEDULES[key].with_settings(int(values["epochs"]), sc.overrides(key, values))
    return "scheduler = " + registry.SCHEDULES[key].torch(p, float(values["lr"]))


def torch_code(values: Mapping[str, Any], side: str) -> str:
    """PyTorch code that makes schedule ``side``'s run: the same data, batches, rate and schedule."""
    key = values[side]
    batch = sc.batch_of(values)
    d = sc.DATA
    step_line = {"constant": [], "reduce_on_plateau": ["    scheduler.step(full_loss().item())  # once per epoch"]}.get(
        key, ["    scheduler.step()  # once per epoch"])
    return "\n".join([
        *registry.torch_line_header(sc.DATA),
        "",
        "",
        "def loss_on(rows):",
        "    return ((w[0] * x[rows] + w[1] - y[rows]) ** 2).mean()",
        "",
        "",
        "def full_loss():",
        "    with torch.no_grad():",
        "        return loss_on(slice(None))",
        "",
        "",
        f"optimizer = torch.optim.SGD([w], lr={float(values['lr']):g})",
        _scheduler_line(key, values),
        f"shuffle = np.random.default_rng({sc.SEED})  # the page's batches, so the numbers match",
        f"for epoch in range({int(values['epochs'])}):",
        *(["    order = shuffle.permutation(" + str(d["n"]) + ")",
           f"    for start in range(0, {d['n']}, {batch}):",
           f"        rows = torch.from_numpy(order[start:start + {batch}])"] if batch < d["n"] else
          ["    for rows in [slice(None)]:  # full batch"]),
        "        optimizer.zero_grad()",
        "        loss_on(rows).backward()",
        "        optimizer.step()",
        *step_line,
        "print(w.detach().tolist(), full_loss().item())",
    ])
