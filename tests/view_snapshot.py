"""Before/after comparison of every view at its default and each preset: what a refactor must not change.

    python -m tests.view_snapshot save before.json      # on the old commit
    python -m tests.view_snapshot save after.json       # on the new one
    python -m tests.view_snapshot compare before.json after.json

``save`` runs each page in AppTest with "The math" and the code open (the default scenario, then each preset button clicked, as the deck
does) and records every element the page shows, in page order: its type and its whole message (text,
labels, widget values, table cells), and for a chart its Vega-Lite spec with each dataset decoded to rows.
The normal equation's measured times are replaced by operation counts (``tests/stubs.py``), so two
runs of one commit agree.
``compare`` reports every difference; numbers count as equal within a relative 1e-9, so a refactor
that adds in another order (a last-bit change) passes and a changed digit on screen does not.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

RELATIVE = 1e-9
_DROP = {"id", "formId", "fragmentId", "deferredFileId"}  # widget ids hash code positions, a download is a per-run file id: not what a learner sees


def _rows(arrow: bytes) -> list[dict]:
    import pyarrow as pa

    return pa.ipc.open_stream(arrow).read_all().to_pylist()


def _leaf(node) -> dict:
    from google.protobuf.json_format import MessageToDict

    proto = node.proto
    if type(node).__name__ == "VegaLiteChart" or hasattr(proto, "datasets"):
        spec = json.loads(proto.spec) if proto.spec else {}
        data = {d.name: _rows(d.data.data) for d in proto.datasets}
        return {"type": "chart", "spec": spec, "data": data}
    message = MessageToDict(proto) if proto is not None else {}
    return {"type": type(node).__name__, "message": {k: v for k, v in message.items() if k not in _DROP}}


def _walk(node, out: list) -> None:
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            _walk(child, out)
    elif getattr(node, "proto", None) is not None:
        out.append(_leaf(node))


def page_elements(at) -> list[dict]:
    out: list = []
    _walk(at._tree, out)
    return out


def snapshot() -> dict[str, dict]:
    """{"view/scenario": {"query": ..., "elements": [...]}} for every view's default and presets."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from core import costs
    from dashboard.controls import PRESETS_KEY
    from dashboard.layout import CODE_KEY, MATH_KEY
    from dashboard.views import VIEWS
    from tests.stubs import counted_timings

    config.set_option("global.disableWidgetStateDuplicationWarning", True)
    costs.measure = counted_timings  # the normal equation's measured times: counted, so two runs agree
    found = {}
    def page(view):  # the math and the code open, so their words and numbers are compared too
        at = AppTest.from_file(str(view.path), default_timeout=120)
        at.session_state[MATH_KEY] = at.session_state[CODE_KEY] = True
        return at

    for view in VIEWS:
        first = page(view).run()
        runs = [("default", first)]
        for _label, key in list(first.session_state[PRESETS_KEY]):
            runs.append((key, page(view).run().button(key=key).click().run()))
        for name, at in runs:
            found[f"{view.name}/{name}"] = {"query": {k: str(v) for k, v in at.query_params.items()},
                                            "elements": page_elements(at)}
        print(view.name, len(runs), file=sys.stderr)
    return found


def differences(old, new, where: str = "") -> list[str]:
    """Where ``new`` differs from ``old``: paths and both values; numbers within RELATIVE are equal."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted((set(old) | set(new)) - _DROP, key=str):
            if key not in old or key not in new:
                out.append(f"{where}/{key}: {'added' if key in new else 'removed'}")
            else:
                out += differences(old[key], new[key], f"{where}/{key}")
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = [f"{where}: length {len(old)} -> {len(new)}"] if len(old) != len(new) else []
        for i, (a, b) in enumerate(zip(old, new)):
            out += differences(a, b, f"{where}[{i}]")
        return out
    numbers = (int, float)
    if isinstance(old, numbers) and isinstance(new, numbers) and not isinstance(old, bool):
        if old == new or (math.isnan(old) and math.isnan(new)):
            return []
        if math.isclose(old, new, rel_tol=RELATIVE, abs_tol=1e-300):
            return []
    elif old == new:
        return []
    return [f"{where}: {str(old)[:200]!r} -> {str(new)[:200]!r}"]


def main(argv: list[str]) -> int:
    if argv[:1] == ["save"] and len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(snapshot(), default=str), encoding="utf-8")
        return 0
    if argv[:1] == ["compare"] and len(argv) == 3:
        old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv[1:])
        found = differences(old, new)
        print("\n".join(found[:200]) or f"the same: {len(old)} scenarios")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
