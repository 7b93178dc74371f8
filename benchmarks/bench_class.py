"""A class on one server: N simulated students, against the plain one-chart page.

Run: python benchmarks/bench_class.py [--students 50] [--arrival 30] [--moves 8] [--seed 0] [--replicas 2]

Fifty browsers do not fit on two cores, so each student speaks Streamlit's own websocket
protocol, as the browser does (``websockets`` and ``protobuf`` come with streamlit):

- connect to ``ws://HOST:PORT/_stcore/stream`` (subprotocols ``["streamlit", token]``);
- send a ``BackMsg`` ``rerun_script`` with a ``ClientState`` (the view's URL path as
  ``page_name``, the address bar's query string, the widget values that changed);
- read ``ForwardMsg``s until ``script_finished``. Sliders are found in the ``new_element``
  deltas; a slider sends ``double_array_value``, a select slider ``string_array_value``
  of its option's text.

Students arrive evenly over ``--arrival`` seconds. Each opens a view (at random), moves a
slider one step (a random one of the page's sliders) every 2 to 6 s, ``--moves`` times,
and switches once to another view halfway. Before the class arrives, the teacher opens every
view once on the new server (reported as "cold open": its first imports and chart templates),
so the class meets a server in the state a hosted copy is in after its first visitor. The same class, with the same seed, is then
run against the plain page (``benchmarks/plain_page.py``: one slider, one 500-point
Altair chart; it has one page, so its "switch" is a reload of that page) served by its
own server in the same run; and once more against the like-for-like page: the plain page
with as many of its charts as each student's view draws (``?charts=k``). A view with
three or four charts cannot come within 2x of a one-chart page in Streamlit (in the
browser, four copies of the plain chart alone measure 2.2x of one), so the exit status
(1 above 2x, or on any exception or dropped session) reads the like-for-like ratio.

Reported: p50 and p95 of the first page, the switch and the rerun (seconds from sending
to ``script_finished``), exceptions drawn on a page, dropped sessions (the connection
closed, or no answer within two minutes) and the server's peak resident memory, then the
ratios dashboard / plain. Goal: within 1.5x, never above 2x (exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.views import VIEWS  # noqa: E402
from deploy.serve import replicas_behind_nginx  # noqa: E402
from tests.browser.server import free_port, streamlit_server  # noqa: E402

GOAL, LIMIT = 1.5, 2.0
ANSWER_TIMEOUT_S = 120
PAUSE_S = (2.0, 6.0)


@dataclass
class Tally:
    first: list[float] = field(default_factory=list)
    switch: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    charts: dict[str, int] = field(default_factory=dict)  # page -> charts its first run drew
    exceptions: int = 0
    dropped: int = 0
    peak_rss_mb: float = 0.0


class Dropped(Exception):
    """The server closed the session or stopped answering."""


class Student:
    """One browser tab: a websocket, the page's sliders and the address bar's query string."""

    def __init__(self, ws, tally: Tally):
        self.ws, self.tally = ws, tally
        self.sliders: dict[str, Slider] = {}
        self.values: dict[str, list] = {}
        self.query = ""
        self.charts = 0

    async def run(self, page: str, changed=None) -> float:
        """Send one rerun of ``page`` (with ``changed`` widget states); seconds to script_finished."""
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name = page
        state.query_string = self.query
        if changed is not None:
            state.widget_states.widgets.append(changed)
        else:  # a new page: its sliders are those its run draws
            self.sliders.clear()
            self.charts = 0
            page, _, query = page.partition("?")  # "?charts=k": the plain page's own link
            self.query = query or self.query
            state.page_name, state.query_string = page, self.query
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = await self._receive(ANSWER_TIMEOUT_S)
            if fwd is None:
                raise Dropped
            if self._read(fwd):
                if changed is None:
                    self.tally.charts.setdefault(page, self.charts)
                return time.perf_counter() - start

    async def drain(self) -> None:
        """Read what arrived after the last run finished (the address bar's new query string
        comes after script_finished), as the browser does before the learner acts again."""
        while (fwd := await self._receive(0.05)) is not None:
            self._read(fwd)

    async def _receive(self, timeout: float) -> ForwardMsg | None:
        try:
            return ForwardMsg.FromString(await asyncio.wait_for(self.ws.recv(), timeout))
        except asyncio.TimeoutError:
            return None
        except websockets.ConnectionClosed as err:
            raise Dropped from err

    def _read(self, fwd: ForwardMsg) -> bool:
        """Take in one message; True when it is the end of the run."""
        kind = fwd.WhichOneof("type")
        if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            self._element(fwd.delta.new_element)
        elif kind == "page_info_changed":
            self.query = fwd.page_info_changed.query_string
        return kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.tally.exceptions += 1
        elif kind == "vega_lite_chart":
            self.charts += 1
        elif kind == "slider" and not element.slider.disabled and len(element.slider.default) == 1:
            slider = element.slider
            self.sliders[slider.id] = slider
            self.values.setdefault(slider.id, list(slider.value if slider.set_value else slider.default))

    def move(self, rng: random.Random):
        """One step of a random slider, as the widget state the browser would send."""
        slider_id = rng.choice(sorted(self.sliders))
        slider, value = self.sliders[slider_id], self.values[slider_id][0]
        state = WidgetState(id=slider_id)
        if slider.type == Slider.Type.SELECT_SLIDER:
            index = int(value) + 1 if int(value) + 1 < len(slider.options) else int(value) - 1
            self.values[slider_id] = [index]
            state.string_array_value.data.append(slider.options[index])
        else:
            new = value + slider.step if value + slider.step <= slider.max else value - slider.step
            self.values[slider_id] = [new]
            state.double_array_value.data.append(new)
        return state


async def _student(url: str, pages: list[str], arrive: float, rng: random.Random, moves: int,
                   tally: Tally) -> None:
    await asyncio.sleep(arrive)
    page = rng.choice(pages)
    other = rng.choice([p for p in pages if p != page] or pages)
    try:
        start = time.perf_counter()
        async with websockets.connect(f"{url.replace('http', 'ws')}/_stcore/stream",
                                      subprotocols=["streamlit", "bench"], max_size=None,
                                      open_timeout=ANSWER_TIMEOUT_S) as ws:
            student = Student(ws, tally)
            await student.run(page)
            tally.first.append(time.perf_counter() - start)  # connecting is part of opening a page
            for k in range(moves):
                await asyncio.sleep(rng.uniform(*PAUSE_S))
                await student.drain()
                if k == moves // 2:
                    student.query = ""  # a link to another view carries none of this one's settings
                    tally.switch.append(await student.run(other))
                    page = other
                elif student.sliders:
                    tally.rerun.append(await student.run(page, student.move(rng)))
    except (Dropped, OSError, websockets.InvalidHandshake, asyncio.TimeoutError):
        tally.dropped += 1


async def _open_once(url: str, page: str, tally: Tally) -> None:
    async with websockets.connect(f"{url.replace('http', 'ws')}/_stcore/stream",
                                  subprotocols=["streamlit", "bench"], max_size=None,
                                  open_timeout=ANSWER_TIMEOUT_S) as ws:
        await Student(ws, tally).run(page)


def _watch_memory(pids: list[int], tally: Tally, stop: threading.Event) -> None:
    """The peak of the servers' resident memory, summed over the processes (replicas)."""
    while not stop.is_set():
        total = 0.0
        try:
            for pid in pids:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            return
        tally.peak_rss_mb = max(tally.peak_rss_mb, total)
        stop.wait(0.5)


@contextmanager
def _server(script: Path, log: str, replicas: int):
    """Yield (the class's URL, the URLs the teacher warms, the pids whose memory is watched).

    ``replicas`` 0: one ``streamlit run``. More: that many replicas behind nginx
    (deploy/serve.py); the teacher opens every view on each replica before class."""
    if replicas:
        with replicas_behind_nginx(replicas, port=free_port(), run_dir=ROOT / "artifacts" / f"{log}-nginx") as (
                url, ports, pids):
            yield url, [f"http://127.0.0.1:{p}" for p in ports], pids
    else:
        with streamlit_server(script, ROOT / "artifacts" / log) as (url, proc):
            yield url, [url], [proc.pid]


def _class(script: Path, pages: list[str], args, log: str, replicas: int = 0) -> Tally:
    tally = Tally()
    with _server(script, log, replicas) as (url, warm, pids):
        stop = threading.Event()
        watcher = threading.Thread(target=_watch_memory, args=(pids, tally, stop), daemon=True)
        watcher.start()

        async def teacher():
            for where in warm:
                for page in pages:
                    start = time.perf_counter()
                    await _open_once(where, page, tally)
                    tally.cold.append(time.perf_counter() - start)

        asyncio.run(teacher())

        async def everyone():
            await asyncio.gather(*(
                _student(url, pages, args.arrival * i / args.students, random.Random(args.seed * 1000 + i),
                         args.moves, tally)
                for i in range(args.students)))

        asyncio.run(everyone())
        stop.set()
        watcher.join()
    return tally


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--arrival", type=float, default=30.0, help="seconds over which the class arrives")
    parser.add_argument("--moves", type=int, default=8, help="actions per student (one of them a switch)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replicas", type=int, default=0,
                        help="serve the dashboard from this many replicas behind nginx (deploy/serve.py); "
                             "0: one process (the default). The plain pages always run in one process.")
    args = parser.parse_args(argv)

    views = [v.name for v in VIEWS]
    app = _class(ROOT / "dashboard" / "app.py", views, args, "bench-class-app.log", replicas=args.replicas)
    plain = _class(ROOT / "benchmarks" / "plain_page.py", [""], args, "bench-class-plain.log")
    # The same class draws, page for page, as many plain charts as the views it opens.
    alike = _class(ROOT / "benchmarks" / "plain_page.py", [f"?charts={app.charts[v]}" for v in views], args,
                   "bench-class-alike.log")

    where = f"{args.replicas} replicas behind nginx" if args.replicas else "one process"
    print(f"{args.students} students arriving over {args.arrival:g} s, {args.moves} actions each; "
          f"dashboard on {where}; charts per view {app.charts}")
    print(f"{'':<12} {'dashboard p50':>13} {'p95':>7} {'plain p50':>10} {'p95':>7} {'ratio':>6} {'p95':>6} "
          f"{'plain xk p50':>13} {'p95':>7} {'ratio':>6} {'p95':>6}")
    rerun = {}
    for name in ("first", "switch", "rerun"):
        a = getattr(app, name)
        row = f"{name + ' page' if name == 'first' else name:<12} {_p(a, .5):11.2f} s {_p(a, .95):5.2f} s"
        for base, width in ((plain, 8), (alike, 11)):
            b = getattr(base, name)
            r50, r95 = _p(a, 0.5) / _p(b, 0.5), _p(a, 0.95) / _p(b, 0.95)
            row += f" {_p(b, .5):{width}.2f} s {_p(b, .95):5.2f} s {r50:6.2f} {r95:6.2f}"
            rerun.setdefault(name, []).append(r50)
        print(row)
    everyone = (app, plain, alike)
    print(f"{'cold open':<12} {max(app.cold):11.2f} s {max(plain.cold):18.2f} s {max(alike.cold):29.2f} s"
          "   (slowest page the teacher opened before class)")
    print(f"{'runs timed':<12}" + "".join(f" {len(t.first) + len(t.switch) + len(t.rerun):{w}d}"
                                         for t, w in zip(everyone, (13, 20, 32))))
    print(f"{'exceptions':<12}" + "".join(f" {t.exceptions:{w}d}" for t, w in zip(everyone, (13, 20, 32))))
    print(f"{'dropped':<12}" + "".join(f" {t.dropped:{w}d}" for t, w in zip(everyone, (13, 20, 32))))
    print(f"{'peak memory':<12}" + "".join(f" {t.peak_rss_mb:{w - 3}.0f} MB" for t, w in zip(everyone, (13, 20, 32))))
    one, many = rerun["rerun"]
    print(f"median rerun ratio: {one:.2f} against the one-chart page, {many:.2f} against as many plain charts "
          f"(goal {GOAL:g}x, limit {LIMIT:g}x)")
    failed = many > LIMIT or app.exceptions or app.dropped
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
