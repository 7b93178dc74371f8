"""bench_abuse part 2: every chart a page draws at its worst link, exported as PNG and SVG in another process.

:func:`start_exports` starts ``bench_abuse.py --export-worker`` (:func:`export_worker`: the pages run in
AppTest, their charts read from ``st.session_state[layout.CHARTS_KEY]`` as the download buttons read
them, each export first in a fresh converter child, then all again in warm children, one JSON line per
conversion); :func:`report_exports` prints the table and adds the goals.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from benchmarks._abuse_goals import LIMIT_MB, LIMIT_S, Goals, short, verdict
from benchmarks._abuse_links import ISSUE_LINKS, Control, worst_link
from benchmarks._abuse_proc import Watch, children, cpu_s, load, reset_peak, status_mb
from dashboard.views import VIEWS

ROOT = Path(__file__).resolve().parents[1]

def export_cases(controls: dict[str, dict[str, Control]]) -> list[dict]:
    cases = []
    for view in VIEWS:
        if view.name in controls:
            cases.append({"label": view.name, "file": view.file,
                          "params": worst_link(view.name, controls[view.name])[0]})
    for i, query in enumerate(ISSUE_LINKS):
        cases.append({"label": f"race issue #{i + 1}", "file": "optimizer_race.py",
                      "params": dict(urllib.parse.parse_qsl(query))})
    return cases


def export_worker(cases: list[dict]) -> int:
    """In its own process: run each case's page in AppTest and export every chart it draws; one JSON line
    per conversion on stdout."""
    import logging

    logging.disable(logging.WARNING)
    from dashboard import export, layout
    from dashboard.converter import ExportRefused, pool
    from tests.dashboard.apptest_tools import run_page

    me = os.getpid()

    def convert(fmt: str, figure, title: str | None) -> dict:
        kids = children(me)
        for pid in [me, *kids]:
            reset_peak(pid)
        before, cpu = status_mb(me), {pid: cpu_s(pid) for pid in kids}
        rss = {pid: status_mb(pid) for pid in kids}
        with Watch([me], every=0.02, kids=True) as watch:
            start = time.perf_counter()
            try:
                out = export.chart_png(figure, title=title) if fmt == "png" else export.chart_svg(figure, title=title)
                result, size = "ok", len(out)
            except ExportRefused as refused:
                result, size = f"refused: {refused}", 0
            seconds = time.perf_counter() - start
        # The child that converted: the one whose CPU time grew most (a new one: all of its time).
        seen = set(watch.peaks) | set(children(me))
        used = max(seen, key=lambda p: cpu_s(p) - cpu.get(p, 0.0), default=None)
        child = max(watch.peaks.get(used, 0.0), status_mb(used, "VmHWM")) if used else 0.0
        return {"fmt": fmt, "seconds": seconds, "child_mb": child, "child_rise": child - rss.get(used, 0.0),
                "caller_mb": max(0.0, status_mb(me, "VmHWM") - before), "result": result, "kb": size / 1024}

    drawn = []  # (label, chart name, figure, title)
    for case in cases:
        at = run_page(case["file"], case["params"])
        if at.exception:
            print(json.dumps({"label": case["label"], "chart": "(page)", "fmt": "-", "pass": "fresh", "seconds": 0,
                              "child_mb": 0, "child_rise": 0, "caller_mb": 0, "kb": 0,
                              "result": f"exception: {at.exception[0].value}"}), flush=True)
            continue
        drawn += [(case["label"], name, figure, title) for name, figure, _data, title in
                  at.session_state[layout.CHARTS_KEY]]
    # Each export in a fresh child (as after two idle minutes, when a server's child has exited): its whole
    # RSS is what that one export costs, and its time the slowest a visitor meets.
    for label, name, figure, title in drawn:
        for fmt in ("png", "svg"):
            pool().close()
            print(json.dumps({"label": label, "chart": name, "pass": "fresh", **convert(fmt, figure, title)}),
                  flush=True)
    # The same exports again, one after another in the pool's warm children: the time when a child is up,
    # and how far a busy child grows (a child lives until it has been idle for two minutes).
    pool().close()
    for label, name, figure, title in drawn:
        for fmt in ("png", "svg"):
            print(json.dumps({"label": label, "chart": name, "pass": "warm", **convert(fmt, figure, title),
                              "grown": max((status_mb(p) for p in children(me)), default=0.0)}), flush=True)
    return 0


def start_exports(controls: dict[str, dict[str, Control]]) -> subprocess.Popen:
    cases = export_cases(controls)
    return subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bench_abuse.py"), "--export-worker", json.dumps(cases)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def report_exports(proc: subprocess.Popen, goals: Goals) -> None:
    out, err = proc.communicate()
    print("\n== 2. Exports of every chart at each worst link and the issue's links (dashboard.export in another "
          "process; each export in a fresh converter child, then all again in warm children) ==")
    print(f"[{load()}]", flush=True)
    print(f"{'link':<18} {'chart':<26} {'PNG s':>6} {'warm':>6} {'child':>7} {'caller':>6} {'SVG s':>6} {'warm':>6} "
          f"{'child':>7} {'caller':>6}  goal  result")
    rows: dict[tuple[str, str], dict[tuple[str, str], dict]] = {}
    grown = 0.0
    for line in out.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        rows.setdefault((row["label"], row["chart"]), {})[row["fmt"], row["pass"]] = row
        grown = max(grown, row.get("grown", 0.0))
    if proc.returncode or not rows:
        print(f"  the export worker failed (exit {proc.returncode}):\n{err[-3000:]}")
        goals.add("exports", "the worker failed", False)
        return
    for (label, chart), by in rows.items():
        cells, results, ok = "", [], True
        if ("-", "fresh") in by:
            results, ok = [short(by["-", "fresh"]["result"], 90)], False
        for fmt in ("png", "svg"):
            r, w = by.get((fmt, "fresh")), by.get((fmt, "warm"))
            if r is None:
                cells += f" {'':>6} {'':>6} {'':>7} {'':>6}"
                continue
            warm_s = f"{w['seconds']:5.2f}s" if w else ""
            cells += f" {r['seconds']:5.2f}s {warm_s:>6} {r['child_mb']:4.0f} MB {r['caller_mb']:3.0f} MB"
            this = r["seconds"] <= LIMIT_S and r["child_mb"] <= LIMIT_MB and r["caller_mb"] <= LIMIT_MB
            this = this and (w is None or w["seconds"] <= LIMIT_S)
            ok = ok and this
            results.append(f"{fmt} {r['kb']:.0f} KB" if r["result"] == "ok" else f"{fmt} {short(r['result'], 70)}")
        goals.add(f"export {label}: {chart}", cells.strip(), ok)
        print(f"{label:<18} {short(chart, 26):<26}{cells}  {verdict(ok)}  {'; '.join(results)}")
    print("PNG s / SVG s: in a fresh converter child (its start included: the slowest case, after two idle minutes); "
          "warm: in the pool's warm children. child: the peak RSS of the fresh child that did that one export (V8 "
          "included); caller: the calling process's rise (the spec's data to JSON).")
    print(f"the warm children's RSS after all {sum(len(v) for v in rows.values()) // 2} exports one after another: "
          f"{grown:.0f} MB (a child grows with what it has drawn until it has been idle 2 minutes; the converter "
          "kills one above 400 MB). Not a goal.")
