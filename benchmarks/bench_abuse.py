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

Exit status 1 when any goal fails (or a part could not run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import subprocess
import sys
import threading
import time
import tomllib
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_class import ANSWER_TIMEOUT_S, Dropped, Student, Tally, _p  # noqa: E402
from dashboard.views import VIEWS  # noqa: E402
from tests.browser.server import streamlit_server  # noqa: E402

APP = ROOT / "dashboard" / "app.py"
LOGS = ROOT / "artifacts"
XSRF_COOKIE = "_streamlit_xsrf"
LIMIT_S, LIMIT_MB = 2.0, 200.0  # no export or rerun above these
SCAN_BACK_MB = 150.0  # RSS after the scan's settle, above warm
TABS_RATIO = 2.0  # the ordinary student's p95 with eight greedy tabs, against alone
MB = 2 ** 20
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# --------------------------------------------------------------------------- the costliest links
MAX, MIN, ALL = "<max>", "<min>", "*"
# Each view's maximum-cost link: {control key: link text, MAX or MIN (the end of its declared range or
# options)}; ALL sets every numeric control not named. Then the controls varied at random to make
# distinct links of the same cost (the eight tabs' links, which must miss the cache). Hand-written from
# the pages' controls and checked by timing candidates in AppTest: where a choice (a surface, a
# schedule, a batch) changes the cost, the slowest one measured is taken.
WORST: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "fit_by_hand": ({"loss": "Absolute error (MAE)", "squares": "true", "reveal": "true", "w1": MAX, "w2": MAX,
                     "w3": MAX}, ("slope", "intercept")),
    "worked_examples": ({ALL: MAX}, ("lagos_1", "rain_a1", "usd_1", "miss_1")),
    "cross_entropy": ({"steps": MAX}, ("w0", "lr", "p")),
    "mse_vs_mae": ({"outliers": MAX, "shift": MAX}, ("seed", "delta")),
    "regularization": ({"degree": MAX, "n": MAX, "penalty": "Elastic net"}, ("seed", "noise")),
    "normal_equation": ({"n": MAX, "steps": MAX, "cost_n": MAX}, ("seed", "noise")),
    "learning_rate": ({"steps": MAX, "opt": "Adam", "sched": "Warmup, then cosine", "center": "true"},
                      ("small", "good", "large")),
    # Tuned: every racer at every one of the rates at once; the two-minima surface was the slowest.
    "optimizer_race": ({"surface": "Two wells (2-D)", "tuned": "true", "steps": MAX, "own_start": "true", "x0": MIN,
                        "y0": MAX, "mu": MAX, "beta1": MAX, "beta2": MAX,
                        **{f"run_{k}": "true" for k in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                                        "adam", "adamw")}},
                       ("x0", "y0", "mu", "beta1")),
    "lr_schedules": ({"epochs": MAX, "batch": "1 (SGD)", "a": "One-cycle", "b": "Reduce on plateau"},
                     ("lr", "pct_start", "patience")),
    "batch_size": ({"epochs": MAX, "accumulate": MAX, "batch": MIN}, ("seed", "lr")),
    "local_minima": ({"surface": "Two wells (2-D)", "restarts": MAX, "steps": MAX, "trap_steps": MAX, "nets": MAX,
                      "hidden": MAX}, ("seed", "net_seed")),
    "loss_curves": ({"degree": MAX, "n": MAX, "epochs": MAX, "batch": "1 (SGD)", "l2": "true", "quiz": "true"},
                    ("seed", "noise")),
    "business_costs": ({"n": MAX, "weights": "true"}, ("seed",)),
}
# The issue's three optimizer_race links (paths far off the plot: the exports that once asked for 552 TB).
ISSUE_LINKS = (
    "tuned=false&lr_momentum=0.1",
    "steps=1000&run_nesterov=true&run_adagrad=true&run_rmsprop=true&run_adamw=true&own_start=true&x0=-5&y0=5"
    "&mu=0.99&beta1=0.99&beta2=0.9999",
    "tuned=false&lr_sgd=0.01",
)
HEAVY_FALLBACK = ("local_minima", "optimizer_race", "lr_schedules", "loss_curves")


# --------------------------------------------------------------------------- a process's memory and CPU
def status_mb(pid: int, field_name: str = "VmRSS") -> float:
    """``field_name`` (VmRSS, VmHWM) of ``pid`` in MB; 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def reset_peak(pid: int) -> None:
    """Set ``pid``'s VmHWM back to its current RSS (Linux: ``echo 5 > /proc/PID/clear_refs``)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds ``pid`` has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


class Watch:
    """Polls the RSS of ``pids`` (and, with ``kids``, of their children) in a thread; ``peak`` in MB."""

    def __init__(self, pids: list[int], every: float = 0.05, kids: bool = False):
        self.pids, self.every, self.kids = pids, every, kids
        self.peak = 0.0
        self.together = 0.0  # the peak of all the watched processes' RSS summed at one moment
        self.peaks: dict[int, float] = {}  # pid -> its peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [c for p in self.pids for c in children(p)] if self.kids else self.pids
            now = {pid: status_mb(pid) for pid in pids}
            for pid, mb in now.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)
            self.peak = max([self.peak, *self.peaks.values()])
            self.together = max(self.together, sum(now.values()))
            self._stop.wait(self.every)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- a view's controls
@dataclass(frozen=True)
class Control:
    """One bound control as its first run declares it; values are written as a link writes them."""

    key: str
    kind: str  # slider, select_slider, select, toggle, number
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    whole: bool = False
    options: tuple[str, ...] = ()

    def text(self, value: float) -> str:
        return str(int(round(value))) if self.whole else f"{round(value, 10):.10g}"

    def end(self, which: str) -> str:
        """The text of MAX or MIN of this control."""
        top = which == MAX
        if self.kind in ("select_slider", "select"):
            return self.options[-1 if top else 0]
        if self.kind == "toggle":
            return "true" if top else "false"
        return self.text(self.high if top else self.low)

    def random(self, rng: random.Random) -> str:
        if self.kind in ("select_slider", "select"):
            return rng.choice(self.options)
        if self.kind == "toggle":
            return rng.choice(("true", "false"))
        if self.kind == "slider":
            return self.text(min(self.high, self.low + self.step * rng.randint(0, round((self.high - self.low)
                                                                                        / self.step))))
        if self.whole:
            return str(rng.randint(int(self.low), int(self.high)))
        return self.text(round(rng.uniform(self.low, self.high), 2))

    def holds(self, text: str) -> bool:
        if self.kind in ("select_slider", "select"):
            return text in self.options
        if self.kind == "toggle":
            return text in ("true", "false")
        try:
            value = float(text)
        except ValueError:
            return False
        return self.low <= value <= self.high


_RANGE_HELP = re.compile(r"From (-?[\d,.]+) to (-?[\d,.]+)\.")


def control_of(element) -> Control | None:
    """The bound control an element of a run's delta declares (None: not a bound control)."""
    kind = element.WhichOneof("type")
    if kind not in ("slider", "selectbox", "radio", "checkbox", "number_input"):
        return None
    w = getattr(element, kind)
    key = w.query_param_key
    if not key:
        return None
    if kind == "slider":
        if w.type == Slider.Type.SELECT_SLIDER:
            return Control(key, "select_slider", options=tuple(w.options))
        if len(w.default) != 1:
            return None
        return Control(key, "slider", w.min, w.max, w.step, w.data_type == Slider.DataType.INT)
    if kind in ("selectbox", "radio"):
        return Control(key, "select", options=tuple(w.options))
    if kind == "checkbox":
        return Control(key, "toggle")
    found = _RANGE_HELP.search(w.help)
    if found is None:
        return None
    low, high = (float(s.replace(",", "")) for s in found.groups())
    return Control(key, "number", low, high, w.step, w.data_type == NumberInput.DataType.INT)


def shown_of(element) -> tuple[str, str] | None:
    """(key, the value it shows, as link text) of a bound control in a run's delta."""
    kind = element.WhichOneof("type")
    if kind not in ("slider", "selectbox", "radio", "checkbox", "number_input"):
        return None
    w = getattr(element, kind)
    if not w.query_param_key:
        return None
    if kind == "slider":
        if w.set_value and w.raw_value:
            return w.query_param_key, w.raw_value[0]
        value = (w.value if w.set_value else w.default) or [math.nan]
        if w.type == Slider.Type.SELECT_SLIDER:
            return w.query_param_key, w.options[int(value[0])] if 0 <= value[0] < len(w.options) else "?"
        return w.query_param_key, f"{value[0]:.10g}"
    if kind in ("selectbox", "radio"):
        if w.set_value:
            return w.query_param_key, w.raw_value
        return w.query_param_key, w.options[w.default] if 0 <= w.default < len(w.options) else "?"
    if kind == "checkbox":
        return w.query_param_key, "true" if (w.value if w.set_value else w.default) else "false"
    return w.query_param_key, f"{w.value if w.set_value else w.default:.10g}"


def same(a: str, b: str) -> bool:
    """Two link texts of one value (1000 and 1e+03, 0.5 and 0.50)."""
    if a == b:
        return True
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def worst_link(view: str, controls: dict[str, Control]) -> tuple[dict[str, str], list[str]]:
    """The view's maximum-cost link as {key: text}, and the problems (keys or values the page does not
    declare: the spec is stale)."""
    spec, _ = WORST[view]
    link, problems = {}, []
    if ALL in spec:
        for key, control in controls.items():
            if control.kind in ("slider", "number") and key not in spec:
                link[key] = control.end(spec[ALL])
    for key, value in spec.items():
        if key == ALL:
            continue
        control = controls.get(key)
        if control is None:
            problems.append(f"{view}: no control {key!r}")
            continue
        text = control.end(value) if value in (MAX, MIN) else value
        if not control.holds(text):
            problems.append(f"{view}: {key}={text!r} is not one of its values")
            continue
        link[key] = text
    return link, problems


def query_of(link: dict[str, str]) -> str:
    return urllib.parse.urlencode(sorted(link.items()), quote_via=urllib.parse.quote)


def variants(views: list[str], controls: dict[str, dict[str, Control]], rng: random.Random,
             taken: set[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Endless distinct maximum-cost links of ``views`` (in turn): the worst link with its varied keys
    at random values."""
    while True:
        for view in views:
            base, vary = worst_link(view, controls[view])[0], WORST[view][1]
            for _ in range(100):
                link = dict(base)
                for key in vary:
                    if key in controls[view]:
                        link[key] = controls[view][key].random(rng)
                query = query_of(link)
                if (view, query) not in taken:
                    taken.add((view, query))
                    yield view, query
                    break


def random_links(count: int, controls: dict[str, dict[str, Control]], rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct links (view, query): a random view, every bound control at a random value."""
    views, links, seen = sorted(controls), [], set()
    while len(links) < count:
        view = rng.choice(views)
        query = query_of({key: c.random(rng) for key, c in sorted(controls[view].items())})
        if (view, query) not in seen:
            seen.add((view, query))
            links.append((view, query))
    return links


# --------------------------------------------------------------------------- a browser tab
def xsrf_cookie(url: str) -> str:
    """A new browser's XSRF cookie, as the server sets it (its health check sets it)."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as answer:
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == XSRF_COOKIE:
                return rest.split(";")[0]
    raise RuntimeError(f"{url} set no {XSRF_COOKIE} cookie (is server.enableXsrfProtection off?)")


def connect(url: str, cookie: str | None):
    """A websocket to the server as one of a browser's tabs: the cookie on the handshake and, as the
    frontend does, its token as the second subprotocol."""
    headers = {"Cookie": f"{XSRF_COOKIE}={cookie}", "Origin": url} if cookie else {}
    return websockets.connect(f"{url.replace('http', 'ws')}/_stcore/stream", subprotocols=["streamlit", cookie or "x"],
                              additional_headers=headers, max_size=None, open_timeout=ANSWER_TIMEOUT_S)


class Tab(Student):
    """A student (bench_class) who also reads the run's controls, errors, session id and file box."""

    def __init__(self, ws, tally: Tally | None = None):
        super().__init__(ws, tally or Tally())
        self.controls: dict[str, Control] = {}
        self.session_id = ""
        self.uploader = ""
        self.errors: list[str] = []
        self.alerts: list[str] = []
        self.markdown: list[str] = []
        self.exceptions = 0
        self.shown: dict[str, str] = {}

    def not_applied(self, query: str) -> list[str]:
        """The link's keys whose control does not show the link's value (the page fell back to a default)."""
        return [key for key, text in urllib.parse.parse_qsl(query) if key in self.shown
                and not same(self.shown[key], text)]

    def _read(self, fwd: ForwardMsg) -> bool:
        if fwd.WhichOneof("type") == "new_session":
            self.session_id = fwd.new_session.initialize.session_id
        return super()._read(fwd)

    def _element(self, element) -> None:
        super()._element(element)
        kind = element.WhichOneof("type")
        control = control_of(element)
        if control is not None:
            self.controls.setdefault(control.key, control)
        shown = shown_of(element)
        if shown is not None:
            self.shown[shown[0]] = shown[1]
        if kind == "exception":
            self.exceptions += 1
        elif kind == "alert":
            (self.errors if element.alert.format == 1 else self.alerts).append(element.alert.body)
        elif kind == "markdown":
            self.markdown.append(element.markdown.body)
        elif kind == "file_uploader":
            self.uploader = element.file_uploader.id

    async def open(self, view: str, query: str = "") -> float:
        """Open ``view?query`` as a new tab does; seconds to script_finished."""
        self.query = query
        return await self.run(view)


async def open_link(url: str, cookie: str | None, view: str, query: str = "") -> tuple[float, Tab]:
    async with connect(url, cookie) as ws:
        tab = Tab(ws)
        seconds = await tab.open(view, query)
    return seconds, tab


@dataclass
class Measured:
    """One request's cost on the server."""

    seconds: float = 0.0
    rss_before: float = 0.0
    peak: float = 0.0
    rss_after: float = 0.0
    cpu: float = 0.0
    note: str = ""

    @property
    def rise(self) -> float:
        return max(0.0, self.peak - self.rss_before)

    def ok(self) -> bool:
        return self.seconds <= LIMIT_S and self.rise <= LIMIT_MB


def measure(pid: int, run) -> tuple[Measured, object]:
    """Run the coroutine function ``run()`` with the server's peak memory reset first; its cost."""
    reset_peak(pid)
    m = Measured(rss_before=status_mb(pid))
    cpu = cpu_s(pid)
    with Watch([pid]) as watch:
        start = time.perf_counter()
        result = asyncio.run(run())
        m.seconds = time.perf_counter() - start
    m.peak = max(watch.peak, status_mb(pid, "VmHWM"))
    m.rss_after, m.cpu = status_mb(pid), cpu_s(pid) - cpu
    return m, result


def load() -> str:
    """The machine's load averages (1, 5 and 15 minutes): timings on a shared machine move with them."""
    try:
        return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load ?"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def short(text: str, n: int = 60) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- warm-up: every view once
def warm(url: str, cookie: str | None) -> tuple[dict[str, dict[str, Control]], dict[str, float]]:
    """The teacher opens every view once at its defaults: each view's controls, and its cold seconds."""
    controls, cold = {}, {}
    for view in VIEWS:
        seconds, tab = asyncio.run(open_link(url, cookie, view.name))
        controls[view.name], cold[view.name] = tab.controls, seconds
    return controls, cold


@dataclass
class Goals:
    rows: list[tuple[str, str, bool]] = field(default_factory=list)

    def add(self, name: str, measured: str, ok: bool) -> None:
        self.rows.append((name, measured, ok))

    def failed(self) -> bool:
        return any(not ok for _, _, ok in self.rows)


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


# --------------------------------------------------------------------------- 2. exports (in another process)
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
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--export-worker", json.dumps(cases)],
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


# --------------------------------------------------------------------------- 5. uploads
def long_csv(size: int, rows: int, seed: int = 0) -> bytes:
    """``rows`` rows of two one-digit columns ("3,7"), the first ones with a two-digit x, ``size`` bytes."""
    import numpy as np

    header = b"x,y\n"
    body = size - len(header)
    extra = body - 4 * rows
    if not 0 <= extra <= rows:
        raise ValueError(f"{rows:,} rows cannot fill {size:,} bytes")
    rng = np.random.default_rng(seed)
    widths = np.where(np.arange(rows) < extra, 5, 4)
    starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    buf = np.empty(body, np.uint8)
    buf[starts[:extra]] = 49 + rng.integers(0, 9, extra)
    at = starts + widths - 4
    buf[at], buf[at + 1], buf[at + 2], buf[at + 3] = 48 + rng.integers(0, 10, rows), 44, 48 + rng.integers(0, 10, rows), 10
    return header + buf.tobytes()


def wide_csv(size: int, columns: int = 10_000, seed: int = 0) -> bytes:
    """A header of ``columns`` names, then rows of one-digit cells, about ``size`` bytes."""
    import numpy as np

    header = (",".join(f"c{i + 1}" for i in range(columns)) + "\n").encode()
    rows = max(1, (size - len(header)) // (2 * columns))
    cells = 48 + np.random.default_rng(seed).integers(0, 10, (rows, columns), dtype=np.uint8)
    lines = np.empty((rows, 2 * columns), np.uint8)
    lines[:, 0::2], lines[:, 1::2] = cells, 44
    lines[:, -1] = 10
    return header + lines.tobytes()


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def put(url: str, path: str, cookie: str, name: str, data: bytes) -> str:
    """PUT the file as the browser's file box does; "204", or the HTTP status and detail of a refusal (a server
    that refuses by the Content-Length may answer and close before the body is sent: that is read too)."""
    import http.client

    body, kind = multipart(name, data)
    where = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=ANSWER_TIMEOUT_S)
    try:
        conn.putrequest("PUT", path)
        for header, value in {"Content-Type": kind, "Content-Length": str(len(body)), "X-Xsrftoken": cookie,
                              "Cookie": f"{XSRF_COOKIE}={cookie}", "Origin": url}.items():
            conn.putheader(header, value)
        conn.endheaders()
        try:
            for at in range(0, len(body), MB):
                conn.send(body[at:at + MB])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early; its answer may still be read
        try:
            answer = conn.getresponse()
        except (ConnectionError, http.client.HTTPException) as err:
            return f"connection closed ({type(err).__name__})"
        detail = answer.read().decode("utf-8", "replace")
        return str(answer.status) if answer.status == 204 else f"{answer.status} {short(detail, 40)}"
    finally:
        conn.close()


async def _upload(url: str, cookie: str, pid: int, view: str, name: str, data: bytes) -> dict:
    async with connect(url, cookie) as ws:
        tab = Tab(ws)
        await tab.open(view)
        await tab.drain()
        if not tab.uploader:
            return {"outcome": "no file box on the page"}
        msg = BackMsg()
        msg.file_urls_request.request_id, msg.file_urls_request.session_id = "bench", tab.session_id
        msg.file_urls_request.file_names.append(name)
        await ws.send(msg.SerializeToString())
        while True:
            fwd = await tab._receive(ANSWER_TIMEOUT_S)
            if fwd is None:
                raise Dropped
            if fwd.WhichOneof("type") == "file_urls_response":
                urls = fwd.file_urls_response.file_urls[0]
                break
            tab._read(fwd)
        out: dict = {}
        reset_peak(pid)
        rss, cpu = status_mb(pid), cpu_s(pid)
        with Watch([pid]) as watch:
            start = time.perf_counter()
            status = await asyncio.to_thread(put, url, urls.upload_url, cookie, name, data)
            out["put_s"], out["put_cpu"] = time.perf_counter() - start, cpu_s(pid) - cpu
            out["put_peak"] = max(watch.peak, status_mb(pid, "VmHWM"))
            out["status"] = status
            if status != "204":
                out["outcome"] = f"refused at upload: {status}"
            else:
                state = WidgetState(id=tab.uploader)
                state.file_uploader_state_value.uploaded_file_info.append(
                    UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id, file_urls=urls))
                tab.alerts, tab.errors, tab.markdown = [], [], []
                cpu2 = cpu_s(pid)
                out["rerun_s"] = await tab.run(view, state)
                out["rerun_cpu"] = cpu_s(pid) - cpu2
                used = [m for m in tab.markdown if "Your data" in m]
                if used:
                    rows = re.search(r"([\d,]+) rows", used[0])
                    out["outcome"] = f"parsed: {rows.group(1) if rows else '?'} rows used"
                elif tab.alerts or tab.errors:
                    out["outcome"] = "refused on the page: " + short((tab.alerts + tab.errors)[0].replace("\\", ""), 110)
                else:
                    out["outcome"] = "no sentence and no data caption"
                out["exceptions"] = tab.exceptions
            out["seconds"] = time.perf_counter() - start
        out["rss_before"], out["peak"] = rss, max(watch.peak, status_mb(pid, "VmHWM"))
        out["rss_after"], out["cpu"] = status_mb(pid), cpu_s(pid) - cpu
    return out


def part_upload(args, goals: Goals) -> None:
    limit = args.upload_limit
    try:
        configured = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        configured = 200
    extra = ("--server.maxUploadSize", str(limit)) if limit else ()
    files = [
        ("long-19.99MB.csv", lambda: long_csv(round(19.99 * MB), 5_000_000), "5,000,000 rows x 2 columns"),
        ("wide-19.98MB.csv", lambda: wide_csv(round(19.98 * MB)), "10,000 columns"),
        ("long-4.99MB.csv", lambda: long_csv(round(4.99 * MB), round(5_000_000 * 4.99 / 19.99)), "2 columns"),
        ("wide-4.99MB.csv", lambda: wide_csv(round(4.99 * MB)), "10,000 columns"),
    ]
    views = ["learning_rate"] if args.quick else [v.name for v in VIEWS if v.name in ("learning_rate", "mse_vs_mae",
                                                                                        "regularization")]
    print(f"\n== 5. Uploads through /_stcore/upload_file and a rerun with the file box's state (server.maxUploadSize "
          f"{limit or configured} MB{' from the command line' if limit else ' in .streamlit/config.toml'}; views: "
          f"{', '.join(views)}) ==", flush=True)
    print(f"[{load()}]", flush=True)
    print(f"{'file':<17} {'view':<15} {'MB':>6} {'PUT':>6} {'rerun':>6} {'CPU':>6} {'RSS before':>10} {'peak':>7} "
          f"{'rise':>6} {'after':>7}  goal  what the server did")
    with streamlit_server(APP, LOGS / "bench-abuse-upload.log", extra_args=extra) as (url, proc):
        pid = proc.pid
        cookie = xsrf_cookie(url)
        warm(url, cookie)
        before = status_mb(pid)
        for name, make, shape in files:
            data = make()
            for view in views:
                r = asyncio.run(_upload(url, cookie, pid, view, name, data))
                if "seconds" not in r:
                    print(f"{name:<17} {view:<15} {r['outcome']}")
                    goals.add(f"upload {name} to {view}", r["outcome"], False)
                    continue
                rise = max(0.0, r["peak"] - r["rss_before"])
                ok = r["seconds"] <= LIMIT_S and rise <= LIMIT_MB and not r.get("exceptions")
                goals.add(f"upload {name} to {view}", f"{r['seconds']:.2f} s, +{rise:.0f} MB", ok)
                rerun = f"{r['rerun_s']:5.2f}s" if "rerun_s" in r else "-"
                print(f"{name:<17} {view:<15} {len(data) / MB:6.2f} {r['put_s']:5.2f}s {rerun:>6} {r['cpu']:5.2f}s "
                      f"{r['rss_before']:7.0f} MB {r['peak']:4.0f} MB {rise:4.0f} MB {r['rss_after']:4.0f} MB  "
                      f"{verdict(ok)}  {r['outcome']} ({shape})", flush=True)
            del data
        closed = status_mb(pid)
        print(f"all upload sessions closed: {closed:.0f} MB (before the uploads {before:.0f} MB); settling "
              f"{args.upload_settle:g} s (disconnected sessions and their files live "
              "server.disconnectedSessionTTL, 120 s by default)", flush=True)
        time.sleep(args.upload_settle)
        asyncio.run(open_link(url, cookie, "worked_examples"))
        settled = status_mb(pid)
    print(f"{args.upload_settle:g} s after the uploads: {settled:.0f} MB ({settled - before:+.0f} MB against before "
          "the uploads; reported, not a goal)")


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
