"""A browser tab on the dashboard's websocket (bench_abuse): one XSRF cookie per browser, a new session per link.

A :class:`Tab` is a bench_class student that also reads what a run draws: its bound controls and the
values they show, its error and alert sentences, exceptions, the session id and the file box.
:func:`warm` is the teacher's warm-up: every view opened once at its defaults.
"""

from __future__ import annotations

import asyncio
import urllib.parse
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks._abuse_links import Control, control_of, same, shown_of
from benchmarks.bench_class import ANSWER_TIMEOUT_S, Student, Tally
from dashboard.views import VIEWS

ROOT = Path(__file__).resolve().parents[1]

APP = ROOT / "dashboard" / "app.py"
LOGS = ROOT / "artifacts"
XSRF_COOKIE = "_streamlit_xsrf"


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



def warm(url: str, cookie: str | None) -> tuple[dict[str, dict[str, Control]], dict[str, float]]:
    """The teacher opens every view once at its defaults: each view's controls, and its cold seconds."""
    controls, cold = {}, {}
    for view in VIEWS:
        seconds, tab = asyncio.run(open_link(url, cookie, view.name))
        controls[view.name], cold[view.name] = tab.controls, seconds
    return controls, cold
