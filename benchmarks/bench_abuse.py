"""One link must never take a class down: what a visitor's costliest links cost one server (issue 24).

Run: python benchmarks/bench_abuse.py [--quick] [--parts worst,export,scan,tabs,upload] [--links 1000]
     [--settle 300] [--upload-settle 150] [--tab-seconds 60] [--student-view learning_rate]
     [--upload-limit MB] [--seed 0]

A full run takes about 20 minutes on two cores (the scan's 1,000 links and its 5-minute settle are most
of it); ``--quick`` (100 links, 20 s settles, 20 s of tabs, one server for the worst links, uploads into
one view) about 4.

Every part speaks Streamlit's websocket protocol as a browser does (``benchmarks/bench_class.py``: a
``rerun_script`` with the view's name and the link's query string, ``ForwardMsg``s until
``script_finished``), against ``streamlit run dashboard/app.py`` with the repository's config. The
server's memory is read from ``/proc/<pid>/status`` (``VmRSS``; the peak is ``VmHWM``, reset before
each measured request through ``/proc/<pid>/clear_refs``), its CPU time from ``/proc/<pid>/stat``.
A view's controls are read from what its first run draws (each bound widget's ``query_param_key``
with its declared range or options; a number box's range from its help, "From 0 to 999."), so the
links follow the pages.

1. **Worst links.** Each view's maximum-cost link (:data:`WORST`: every control that drives cost at
   the end of its declared range, every racer on; checked against the declared controls), plus the
   issue's three optimizer_race links. Each view gets a fresh server (``--quick``: one shared server),
   opened once at its defaults (imports, chart templates, per-server tables: the "cold" column), then
   the worst link in a new session: seconds to ``script_finished``, server RSS before, its peak and
   after. Goal: every link within 2 s and 200 MB above the RSS before it (and its values shown by the
   page's controls: a link the page did not take measures nothing).
2. **Exports.** Every chart that page draws at its worst link (and at the three issue links), exported
   as PNG and SVG through ``dashboard.export.chart_png`` / ``chart_svg`` in a separate Python process
   (``--export-worker``: the page is run in AppTest and its charts read from
   ``st.session_state[layout.CHARTS_KEY]``, as the download buttons read them). Conversions run in
   ``dashboard.converter``'s child processes. Each export first runs in a fresh child (the pool closed
   before it, as after two idle minutes): its seconds include the child's start, and the child's peak
   RSS (``VmHWM``, and polled every 20 ms) is what that one export costs; then all of them again one
   after another in the pool's warm children (their seconds, and how far a busy child grows). Goal:
   each within 2 s (fresh and warm) and 200 MB (the child's peak; the calling process's rise).
3. **Scan.** ``--links`` distinct random valid links (seeded; every bound control at a random value of
   its declared range or options) across all views, opened one after another by one client (one
   browser cookie) on ONE server, each in a fresh session (a new websocket per link, as pasting a
   link into a new tab does). RSS every 100 links, then again ``--settle`` seconds after the scan
   (after one more trivial request), against the RSS after the teacher's warm-up (every view opened
   once). The exports (part 2) run during the settle: they use other processes and leave the
   server idle. Goals: RSS after the settle within 150 MB of warm; the slowest link within 2 s.
4. **Eight tabs.** Eight concurrent sessions of one browser (one ``_streamlit_xsrf`` cookie, sent on
   each websocket handshake, which is how ``dashboard.fair`` knows they are one visitor) each opening
   maximum-cost links of the heaviest views back to back (distinct ones: a seed or a start point
   varies, so each misses the cache), beside one ordinary student (another cookie) moving a slider
   on ``--student-view`` every ~2 s for ``--tab-seconds``. The same student (same seed) also runs
   alone on another fresh server (both after the teacher's warm-up). Reported: the student's p50 and
   p95 both ways, and the tabs' own times. Goal: the student's p95 with the tabs within 2x of alone.
5. **Uploads.** The issue's files (a 19.99 MB CSV of 5 million two-column rows, a 19.98 MB CSV of
   10,000 columns) and 4.99 MB files of each shape, uploaded as the browser does: a
   ``file_urls_request`` on the websocket, a multipart PUT to ``/_stcore/upload_file/<session>/<file>``
   with the XSRF cookie and its ``X-Xsrftoken`` header, then a rerun with the file box's widget state
   pointing at the file; into each view with a file box (``--quick``: learning_rate only). Reported:
   what the server did (refused the PUT by size, refused it on the page with a sentence, or used the
   rows), seconds, CPU seconds, RSS rise and peak; and RSS ``--upload-settle`` seconds after the
   sessions closed. The server's limit is the config's ``server.maxUploadSize`` (``--upload-limit``
   overrides it). Goal: each upload (PUT and rerun) within 2 s and 200 MB.

Parts 1, 3 and 4 are here; the rest, one idea a module: ``_abuse_links`` (a view's controls and the
links made of them), ``_abuse_tab`` (a browser tab on the websocket), ``_abuse_proc`` (memory and CPU
from /proc), ``_abuse_goals`` (the goals and one request's cost), ``_abuse_exports`` (part 2) and
``_abuse_uploads`` (part 5).

Exit status 1 when any goal fails (or a part could not run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._abuse_exports import export_worker, report_exports, start_exports  # noqa: E402
from benchmarks._abuse_goals import (  # noqa: E402
    LIMIT_MB,
    LIMIT_S,
    SCAN_BACK_MB,
    TABS_RATIO,
    Goals,
    measure,
    short,
    verdict,
)
from benchmarks._abuse_links import (  # noqa: E402
    HEAVY_FALLBACK,
    ISSUE_LINKS,
    Control,
    query_of,
    random_links,
    variants,
    worst_link,
)
from benchmarks._abuse_proc import Watch, load, status_mb  # noqa: E402
from benchmarks._abuse_tab import APP, LOGS, Tab, connect, open_link, warm, xsrf_cookie  # noqa: E402
from benchmarks._abuse_uploads import part_upload  # noqa: E402
from benchmarks.bench_class import Dropped, _p  # noqa: E402
from dashboard.views import VIEWS  # noqa: E402
from tests.browser.server import streamlit_server  # noqa: E402


# --------------------------------------------------------------------------- 1. the worst link of each view
def part_worst(args, goals: Goals) -> tuple[dict[str, dict[str, Control]], dict[str, float]]:
    print(f"\n== 1. Worst link of each view ({'one shared warm server' if args.quick else 'a fresh server per view'}, "
          "each link in a new session) ==")
    print(f"[{load()}]", flush=True)
    print(f"{'view':<16} {'cold':>6} {'link':>7} {'RSS before':>10} {'peak':>7} {'rise':>6} {'after':>7} {'CPU':>6}  "
          f"goal  link")
    controls: dict[str, dict[str, Control]] = {}
    worst_s: dict[str, float] = {}

    def one(url: str, pid: int, cookie: str, view: str, query: str, cold: float | None, label: str) -> None:
        m, (_, tab) = measure(pid, lambda: open_link(url, cookie, view, query))
        problems = [f"{tab.exceptions} exception(s)"] if tab.exceptions else []
        problems += [short(e, 50) for e in tab.errors]
        missed = tab.not_applied(query)
        if missed:
            problems.append(f"not applied: {', '.join(f'{k}={tab.shown[k]}' for k in missed)}")
            goals.add(f"link applied {label}", ", ".join(missed), False)
        ok = m.ok() and not tab.exceptions
        goals.add(f"rerun {label}", f"{m.seconds:.2f} s, +{m.rise:.0f} MB", ok)
        worst_s[view] = max(worst_s.get(view, 0.0), m.seconds)
        cold_text = f"{cold:5.2f}s" if cold is not None else ""
        print(f"{label:<16} {cold_text:>6} {m.seconds:6.2f}s {m.rss_before:7.0f} MB {m.peak:4.0f} MB {m.rise:4.0f} MB "
              f"{m.rss_after:4.0f} MB {m.cpu:5.2f}s  {verdict(ok)}  ?{query[:70]}{'…' if len(query) > 70 else ''}"
              + (f"  [{'; '.join(problems)}]" if problems else ""), flush=True)

    def links_of(view: str, ctl: dict[str, Control]) -> list[tuple[str, str]]:
        link, problems = worst_link(view, ctl)
        for problem in problems:
            print(f"  ! {problem}")
            goals.add("worst-link spec", problem, False)
        out = [(view, query_of(link))]
        if view == "optimizer_race":
            out += [(f"race issue #{i + 1}", q) for i, q in enumerate(ISSUE_LINKS)]
        return out

    if args.quick:
        with streamlit_server(APP, LOGS / "bench-abuse-worst.log") as (url, proc):
            cookie = xsrf_cookie(url)
            controls, cold = warm(url, cookie)
            for view in VIEWS:
                for k, (label, query) in enumerate(links_of(view.name, controls[view.name])):
                    one(url, proc.pid, cookie, view.name, query, cold[view.name] if k == 0 else None, label)
    else:
        for view in VIEWS:
            with streamlit_server(APP, LOGS / "bench-abuse-worst.log") as (url, proc):
                cookie = xsrf_cookie(url)
                cold, tab = asyncio.run(open_link(url, cookie, view.name))
                controls[view.name] = tab.controls
                for k, (label, query) in enumerate(links_of(view.name, tab.controls)):
                    one(url, proc.pid, cookie, view.name, query, cold if k == 0 else None, label)
    print("cold: the view's first open at its defaults on that server (imports, templates); not a goal.")
    return controls, worst_s



# --------------------------------------------------------------------------- 3. the scan
def part_scan(args, controls: dict[str, dict[str, Control]] | None, goals: Goals,
              during_settle=None) -> dict[str, dict[str, Control]]:
    print(f"\n== 3. Scan: {args.links} distinct random links on one server, one client (one cookie), a fresh "
          "session (websocket) per link ==", flush=True)
    print(f"[{load()}]", flush=True)
    with streamlit_server(APP, LOGS / "bench-abuse-scan.log") as (url, proc):
        pid = proc.pid
        cookie = xsrf_cookie(url)
        start_rss = status_mb(pid)
        found, _ = warm(url, cookie)
        controls = controls or found
        warm_rss = status_mb(pid)
        print(f"server started: {start_rss:.0f} MB; warm (every view opened once): {warm_rss:.0f} MB")
        links = random_links(args.links, controls, random.Random(args.seed))
        times: list[tuple[float, str, str]] = []
        exceptions = errors = dropped = fell_back = 0
        fell_keys: Counter[str] = Counter()
        print(f"{'links':>6} {'RSS':>8} {'peak':>8} {'p50':>6} {'p95':>6} {'max':>6}  slowest of these")
        batch: list[tuple[float, str, str]] = []
        with Watch([pid], every=0.2) as watch:
            for i, (view, query) in enumerate(links, 1):
                try:
                    seconds, tab = asyncio.run(open_link(url, cookie, view, query))
                    exceptions += tab.exceptions
                    errors += len(tab.errors)
                    missed = tab.not_applied(query)
                    if missed:
                        fell_back += 1
                        fell_keys.update(f"{view}.{key}" for key in missed)
                    batch.append((seconds, view, query))
                except (Dropped, OSError, websockets.InvalidHandshake, asyncio.TimeoutError):
                    dropped += 1
                if i % 100 == 0 or i == len(links):
                    s = [b[0] for b in batch]
                    worst = max(batch) if batch else (0.0, "", "")
                    print(f"{i:6d} {status_mb(pid):5.0f} MB {watch.peak:5.0f} MB {_p(s, .5):5.2f}s {_p(s, .95):5.2f}s "
                          f"{worst[0]:5.2f}s  {worst[1]}?{short(worst[2], 60)}", flush=True)
                    times += batch
                    batch = []
            peak = watch.peak
        after_scan = status_mb(pid)
        settle_start = time.monotonic()
        print(f"after the scan: {after_scan:.0f} MB (peak {peak:.0f} MB); settling {args.settle:g} s", flush=True)
        if during_settle is not None:
            during_settle(controls)
            print("\n== 3. Scan, continued: after the settle (the exports above ran during it) ==")
        time.sleep(max(0.0, args.settle - (time.monotonic() - settle_start)))
        asyncio.run(open_link(url, cookie, "worked_examples"))
        settled = status_mb(pid)
    slowest = max(times) if times else (0.0, "", "")
    over = sum(t > LIMIT_S for t, _, _ in times)
    back = settled - warm_rss
    print(f"{args.settle:g} s after the scan, after one more request: {settled:.0f} MB, {back:+.0f} MB against warm "
          f"(goal within {SCAN_BACK_MB:g} MB): {verdict(back <= SCAN_BACK_MB)}")
    print(f"links: {len(times)} answered, {dropped} dropped, {exceptions} exceptions drawn, {errors} error sentences; "
          f"{over} above {LIMIT_S:g} s; slowest {slowest[0]:.2f} s: {slowest[1]}?{slowest[2]}")
    print(f"links with a value the page did not take (it fell back, as a page does with a value a control cannot "
          f"hold in that scenario): {fell_back}"
          + ("; most often: " + ", ".join(f"{k} ({n})" for k, n in fell_keys.most_common(5)) if fell_back else ""))
    goals.add("scan: RSS after settle - warm", f"{back:+.0f} MB ({warm_rss:.0f} -> peak {peak:.0f} -> {settled:.0f})",
              back <= SCAN_BACK_MB)
    goals.add("scan: slowest link", f"{slowest[0]:.2f} s ({over} of {len(times)} above {LIMIT_S:g} s)",
              slowest[0] <= LIMIT_S)
    goals.add("scan: no exception or dropped session", f"{exceptions} exceptions, {dropped} dropped",
              not exceptions and not dropped)
    return controls


# --------------------------------------------------------------------------- 4. eight tabs beside a student
async def _student(url: str, cookie: str, view: str, moves: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    async with connect(url, cookie) as ws:
        tab = Tab(ws)
        await tab.open(view)
        times = []
        for _ in range(moves):
            await asyncio.sleep(rng.uniform(1.5, 2.5))
            await tab.drain()
            if tab.sliders:
                times.append(await tab.run(view, tab.move(rng)))
        return times


async def _greedy(url: str, cookie: str, links: Iterator[tuple[str, str]], stop: asyncio.Event,
                  times: list[float], failures: list[str]) -> None:
    while not stop.is_set():
        view, query = next(links)
        try:
            seconds, tab = await open_link(url, cookie, view, query)
            times.append(seconds)
            if tab.exceptions:
                failures.append(f"exception on {view}")
        except (Dropped, OSError, websockets.InvalidHandshake, asyncio.TimeoutError) as err:
            failures.append(f"dropped on {view} ({type(err).__name__})")


def part_tabs(args, controls: dict[str, dict[str, Control]] | None, heavy: list[str], goals: Goals) -> None:
    moves = max(3, round(args.tab_seconds / 2))
    print(f"\n== 4. Eight tabs of one browser opening maximum-cost links ({', '.join(heavy)}) beside one student "
          f"moving a slider on {args.student_view} ({moves} moves, ~2 s apart) ==", flush=True)
    print(f"[{load()}]", flush=True)
    results = {}
    for mode in ("alone", "with tabs"):
        with streamlit_server(APP, LOGS / "bench-abuse-tabs.log") as (url, proc):
            browser, student_cookie = xsrf_cookie(url), xsrf_cookie(url)
            found, _ = warm(url, browser)
            controls = controls or found
            tab_times: list[float] = []
            failures: list[str] = []

            async def session() -> list[float]:
                stop = asyncio.Event()
                greedy = []
                if mode == "with tabs":
                    taken: set = set()
                    greedy = [asyncio.create_task(_greedy(url, browser, variants(heavy, controls,
                                                                                    random.Random(1000 + k), taken),
                                                          stop, tab_times, failures)) for k in range(8)]
                    await asyncio.sleep(3.0)  # the tabs are busy before the student starts
                try:
                    return await _student(url, student_cookie, args.student_view, moves, args.seed)
                finally:
                    stop.set()
                    await asyncio.gather(*greedy)

            # The server and its worker processes (dashboard.offload, the converter), summed.
            with Watch([proc.pid], every=0.2) as watch, Watch([proc.pid], every=0.2, kids=True) as kids:
                times = asyncio.run(session())
            results[mode] = (times, tab_times, failures, (watch.peak, kids.together))
    alone, (together, tab_times, failures, peak) = results["alone"][0], results["with tabs"]
    p95a, p95t = _p(alone, .95), _p(together, .95)
    ratio = p95t / p95a if p95a else float("inf")
    print(f"{'student':<22} {'reruns':>6} {'p50':>7} {'p95':>7} {'max':>7}")
    for name, t in (("alone", alone), ("beside eight tabs", together)):
        print(f"{name:<22} {len(t):6d} {_p(t, .5):6.2f}s {_p(t, .95):6.2f}s {max(t, default=0):6.2f}s")
    print(f"{'the eight tabs':<22} {len(tab_times):6d} {_p(tab_times, .5):6.2f}s {_p(tab_times, .95):6.2f}s "
          f"{max(tab_times, default=0):6.2f}s   (each a fresh session of a maximum-cost link; server peak {peak[0]:.0f} MB, "
          f"its worker processes' {peak[1]:.0f} MB at most at the same time)")
    if failures:
        print(f"tab failures: {len(failures)}: {'; '.join(failures[:5])}")
    print(f"student p95 with the tabs / alone: {ratio:.2f} (goal within {TABS_RATIO:g}x): {verdict(ratio <= TABS_RATIO)}"
          f"  (p95 of {len(together)} reruns; --student-view picks another view)")
    goals.add("eight tabs: student p95 ratio", f"{p95t:.2f} s / {p95a:.2f} s = {ratio:.2f}x", ratio <= TABS_RATIO)
    goals.add("eight tabs: no exception or dropped session", f"{len(failures)} failures", not failures)


# --------------------------------------------------------------------------- main
def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run in a few minutes: one shared server for the worst links, 100 scan links, "
                             "20 s settles, 20 s of tabs, uploads into one view")
    parser.add_argument("--parts", default="worst,export,scan,tabs,upload",
                        help="comma-separated parts to run (default: all)")
    parser.add_argument("--links", type=int, default=None, help="links in the scan (default 1000; quick 100)")
    parser.add_argument("--settle", type=float, default=None,
                        help="seconds after the scan before RSS is read again (default 300; quick 20)")
    parser.add_argument("--upload-settle", type=float, default=None,
                        help="seconds after the uploads before RSS is read again (default 150; quick 10)")
    parser.add_argument("--tab-seconds", type=float, default=None,
                        help="how long the student moves a slider (default 60; quick 20)")
    parser.add_argument("--student-view", default="learning_rate")
    parser.add_argument("--upload-limit", type=int, default=None,
                        help="run the upload part with this server.maxUploadSize (MB) instead of the config's")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--export-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_worker:
        return export_worker(json.loads(args.export_worker))
    quick = args.quick
    args.links = args.links or (100 if quick else 1000)
    args.settle = args.settle if args.settle is not None else (20.0 if quick else 300.0)
    args.upload_settle = args.upload_settle if args.upload_settle is not None else (10.0 if quick else 150.0)
    args.tab_seconds = args.tab_seconds or (20.0 if quick else 60.0)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = parts - {"worst", "export", "scan", "tabs", "upload"}
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")

    began = time.monotonic()
    print(f"bench_abuse: {'quick' if quick else 'full'} run on {os.cpu_count()} cores; goals: every rerun and export "
          f"within {LIMIT_S:g} s and {LIMIT_MB:g} MB; RSS after the scan within {SCAN_BACK_MB:g} MB of warm; the "
          f"student's p95 beside eight tabs within {TABS_RATIO:g}x of alone")
    goals = Goals()
    controls: dict[str, dict[str, Control]] | None = None
    heavy = list(HEAVY_FALLBACK)
    try:
        if "worst" in parts:
            controls, worst_s = part_worst(args, goals)
            heavy = sorted(worst_s, key=worst_s.get, reverse=True)[:4]
        def run_exports(found: dict[str, dict[str, Control]]) -> None:
            report_exports(start_exports(found), goals)

        if "scan" in parts:
            controls = part_scan(args, controls, goals, run_exports if "export" in parts else None)
        elif "export" in parts:
            if controls is None:
                with streamlit_server(APP, LOGS / "bench-abuse-controls.log") as (url, _proc):
                    controls, _ = warm(url, xsrf_cookie(url))
            run_exports(controls)
        if "tabs" in parts:
            part_tabs(args, controls, heavy, goals)
        if "upload" in parts:
            part_upload(args, goals)
    except Exception as err:  # noqa: BLE001 - a part that cannot run is a failed goal, reported as such
        import traceback

        traceback.print_exc()
        goals.add("the benchmark ran", f"{type(err).__name__}: {err}", False)

    print(f"\n== Goals ({(time.monotonic() - began) / 60:.1f} min) ==")
    failed = [row for row in goals.rows if not row[2]]
    for name, measured, ok in goals.rows:
        if not ok or not name.startswith(("rerun ", "export ", "upload ")):
            print(f"{verdict(ok)}  {name}: {measured}")
    passed = {kind: sum(ok for n, _, ok in goals.rows if n.startswith(kind)) for kind in ("rerun ", "export ", "upload ")}
    total = {kind: sum(n.startswith(kind) for n, _, _ in goals.rows) for kind in passed}
    print("within 2 s and 200 MB: " + ", ".join(f"{kind.strip()}s {passed[kind]}/{total[kind]}" for kind in passed))
    print(f"{len(goals.rows) - len(failed)} of {len(goals.rows)} goals passed")
    return 1 if goals.failed() else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
