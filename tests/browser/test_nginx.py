"""deploy/serve.py as an operator runs it: two replicas behind Debian's nginx, in a subprocess.

Every view loads through the proxy over its websocket; a browser keeps its replica across
reloads, and browsers on one address (a class behind one school router) spread over both.
The answers name no nginx version and no internal address, refuse Streamlit's metrics and
say which pages may frame the app; a host name the class does not use gets no answer. A
replica killed mid-lesson is restarted on its port with the same cookie secret, and its
learner's page moves to the live replica and is rebuilt at once, with the scenario kept and one
sentence saying so; SIGTERM stops nginx and every replica (the last test: it ends the server).

Skips where nginx is absent, unless REQUIRE_NGINX=1 (.ci/run installs nginx and sets it)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard.reconnect import SENTENCE
from dashboard.views import VIEWS
from deploy.serve import COOKIE, find_nginx

from .server import ROOT, free_port
from .streamlit_page import (
    RUN_TIMEOUT_MS,
    VIEW_CHARTS,
    error_texts,
    main_text,
    move_slider,
    open_page,
    query,
    slider_value,
    wait_for_charts,
    wait_for_run,
)

pytestmark = pytest.mark.browser

NAME = "class.example"  # the class's host name (--server-name), besides 127.0.0.1
SECRET = "a-cookie-secret-the-operator-keeps-0123456789"
START_TIMEOUT_S = 120


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text[text.rindex(")") + 2:].split()[:2]
    return state, int(ppid)


def _children(pid: int) -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit() and (_stat(int(d)) or ("", 0))[1] == pid]


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


@dataclass
class Served:
    """A running ``python deploy/serve.py`` and what it printed."""

    url: str
    port: int
    proc: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    @property
    def ports(self) -> list[int]:
        return [self.port + 1, self.port + 2]

    def replica_pid(self, port: int) -> int | None:
        for pid in _children(self.proc.pid):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
            except OSError:
                continue
            if "--server.port" in cmd and cmd[cmd.index("--server.port") + 1] == str(port) and _alive(pid):
                return pid
        return None

    def nginx_pid(self) -> int | None:
        for pid in _children(self.proc.pid):
            try:
                if "nginx" in Path(f"/proc/{pid}/cmdline").read_text():
                    return pid
            except OSError:
                continue
        return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if find_nginx() is None:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("REQUIRE_NGINX is set but nginx is not installed")
        pytest.skip("nginx not installed (Debian: apt-get install nginx)")
    run_dir = tmp_path_factory.mktemp("nginx")
    secret_file = run_dir / "cookie-secret"
    secret_file.write_text(SECRET + "\n")
    secret_file.chmod(0o600)
    base = free_port()  # nginx's; the replicas take the two after it
    proc = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--replicas", "2", "--port", str(base), "--host", "127.0.0.1",
         "--run-dir", str(run_dir), "--server-name", "127.0.0.1", "--server-name", NAME,
         "--cookie-secret-file", str(secret_file)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{base}", base, proc)

    def read() -> None:
        for line in proc.stdout:
            served.lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not any(line.startswith("serving on") for line in served.lines):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("deploy/serve.py did not start:\n" + "".join(served.lines))
            time.sleep(0.2)
        yield served
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        reader.join(timeout=10)
        proc.stdout.close()


def _replica(context) -> str:
    """The replica a browser is on: the affinity cookie names it (r1, r2)."""
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), "")


def _get(url: str, host: str | None = None) -> tuple[int, http.client.HTTPMessage]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


def test_the_config_carries_what_streamlit_needs_behind_a_proxy():
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for needed in ("proxy_http_version 1.1", "proxy_set_header Upgrade $http_upgrade",
                   "proxy_set_header Connection $connection_upgrade", "proxy_set_header Host $http_host",
                   "proxy_read_timeout 86400s", "server_tokens off", "proxy_next_upstream error timeout",
                   "limit_conn conn_per_address", "limit_req zone=app_per_address",
                   "location ^~ /_stcore/metrics", "frame-ancestors @FRAME_ANCESTORS@", "return 444"):
        assert needed in text, needed
    assert "$upstream_addr always" not in text  # no header carries an internal address


def test_every_view_loads_through_the_proxy_over_its_websocket(served, page):
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    first, *others = VIEWS
    open_page(page, f"{served.url}/{first.name}")
    for view in [first, *others]:  # then from view to view in the sidebar, as a class does, over the one socket
        if view is not first:
            page.locator('[data-testid="stSidebarNav"] a').filter(has_text=view.title).first.click()
            page.wait_for_url(f"{served.url}/{view.name}")
        page.locator('[data-testid="stMain"] h1').filter(has_text=view.question).wait_for(timeout=RUN_TIMEOUT_MS)
        wait_for_charts(page, VIEW_CHARTS[view.name])
        assert not error_texts(page), view.name
        assert view.question in main_text(page)
    assert sockets and all(s.startswith(served.url.replace("http", "ws")) and "/_stcore/stream" in s for s in sockets)


def test_a_browser_keeps_its_replica_and_browsers_spread_over_both(served, browser):
    seen = set()
    for _ in range(8):  # eight browsers (one address, as behind a school router)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{served.url}/learning_rate")
        first = _replica(context)
        assert first in {"r1", "r2"}
        for _ in range(2):  # reloads and reconnects go back to the same replica
            page.reload()
            assert _replica(context) == first
        seen.add(first)
        context.close()
    assert seen == {"r1", "r2"}  # a new browser goes to the replica with fewer connections


def test_the_health_check_answers_through_the_proxy(served):
    with urllib.request.urlopen(f"{served.url}/_stcore/health", timeout=5) as resp:
        assert resp.read() == b"ok"


def test_answers_name_no_version_and_no_internal_address_and_only_self_may_frame_the_app(served):
    with urllib.request.urlopen(urllib.request.Request(served.url, headers={"Host": f"{NAME}:{served.port}"})) as resp:
        script = re.search(r"static/js/[\w.-]+\.js", resp.read().decode()).group(0)
    for path in ("/", "/learning_rate", "/_stcore/health", "/_stcore/host-config", f"/{script}", "/no/such/page",
                 "/_stcore/metrics"):
        status, headers = _get(served.url + path, host=f"{NAME}:{served.port}")
        assert status in (200, 404), path
        assert headers["Server"] == "nginx", (path, headers["Server"])  # no version
        assert headers["Content-Security-Policy"] == "frame-ancestors 'self'", path
        assert "X-Dashboard-Replica" not in headers
        for name, value in headers.items():
            assert "127.0.0.1" not in value and not any(f":{p}" in value for p in served.ports), (path, name, value)


def test_metrics_are_refused_through_the_proxy_and_answer_only_on_the_replica_itself(served):
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_state_memory_bytes", "//_stcore//metrics",
                 "/%5Fstcore/metrics", "/_stcore/metrics/"):
        assert _get(served.url + path)[0] in (403, 404), path
    assert _get(f"http://127.0.0.1:{served.ports[0]}/_stcore/metrics")[0] == 200  # the operator's, on the machine


def _status_for_host(port: int, host: str) -> int | None:
    """The status nginx answers /_stcore/health with for ``host``; None when it closes unanswered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/_stcore/health", headers={"Host": host})
        return conn.getresponse().status
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return None
    finally:
        conn.close()


def test_a_host_name_the_class_does_not_use_gets_no_answer(served):
    assert _status_for_host(served.port, f"{NAME}:{served.port}") == 200
    assert _status_for_host(served.port, f"127.0.0.1:{served.port}") == 200
    assert _status_for_host(served.port, f"rebound.example:{served.port}") is None


def _handshake(port: int, host: str, origin: str) -> str:
    """The status line nginx gives a websocket handshake for ``host`` from a page of ``origin``."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: {origin}\r\n\r\n").encode())
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_the_websocket_opens_for_a_class_reaching_the_server_by_name_on_its_port(served):
    # Streamlit compares the page's Origin with the Host nginx passes on: both carry the port.
    assert " 101 " in _handshake(served.port, f"{NAME}:{served.port}", f"http://{NAME}:{served.port}")
    assert " 403 " in _handshake(served.port, f"{NAME}:{served.port}", "http://elsewhere.example")


def test_a_killed_replica_is_restarted_and_its_learner_moved_and_told_with_the_scenario_kept(served, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, f"{served.url}/learning_rate", charts=VIEW_CHARTS["learning_rate"])
    move_slider(page, "Steps")
    steps = slider_value(page, "Steps")
    assert SENTENCE not in main_text(page)
    name = _replica(context)
    port = served.port + int(name[1:])
    pid = served.replica_pid(port)
    os.kill(pid, signal.SIGKILL)

    # The page reconnects, through nginx, to the live replica (a new session there) and is
    # rebuilt at once from what the browser holds: the same scenario, and one sentence.
    page.wait_for_function(f"() => document.querySelector('[data-testid=\"stMain\"]').innerText"
                           f".includes({SENTENCE[:60]!r})", timeout=30_000)
    wait_for_run(page)
    assert SENTENCE in main_text(page) and not error_texts(page)
    assert slider_value(page, "Steps") == steps and query(page)["steps"] == [steps]
    assert _replica(context) not in ("", name)  # uploads and downloads go to the new session's replica
    move_slider(page, "Steps")  # the learner carries on there
    assert int(slider_value(page, "Steps")) > int(steps) and not error_texts(page)
    page.reload()  # a reload (a page of its own) is a first visit: nothing to say
    wait_for_run(page)
    assert SENTENCE not in main_text(page)
    context.close()

    # serve.py said so in one line and started it again: same port, same cookie secret.
    deadline = time.monotonic() + 90
    while True:
        new = served.replica_pid(port)
        if new not in (None, pid) and _get(f"http://127.0.0.1:{port}/_stcore/health")[0] == 200:
            break
        assert time.monotonic() < deadline, "".join(served.lines)
        time.sleep(0.5)
    restarts = [line for line in served.lines if line.startswith(f"replica {name} (port {port}) exited with code -9")]
    assert len(restarts) == 1, served.lines
    environ = Path(f"/proc/{new}/environ").read_bytes().split(b"\0")
    assert f"STREAMLIT_SERVER_COOKIE_SECRET={SECRET}".encode() in environ


def test_sigterm_stops_nginx_and_every_replica(served):
    """Last: it ends the module's server."""
    nginx = served.nginx_pid()
    assert nginx is not None
    pids = [served.replica_pid(p) for p in served.ports] + [nginx] + _children(nginx)
    assert None not in pids and len(pids) >= 4  # two replicas, nginx and at least one worker
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(timeout=30) == 0
    assert [pid for pid in pids if _alive(pid)] == []
