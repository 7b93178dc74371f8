"""Serve the dashboard from N ``streamlit run`` replicas behind nginx, on one machine.

    python deploy/serve.py --replicas 2 --port 8500

Starts the replicas on the ports after ``--port`` (8501, 8502...) with one shared
``server.cookieSecret`` (``STREAMLIT_SERVER_COOKIE_SECRET``), writes ``deploy/nginx.conf``
with their addresses into a run folder, and runs nginx (Debian: ``apt-get install nginx``; no
root needed, nothing is installed). One replica per core is a good start.

It then watches them: a replica that exits (a crash, the kernel's out-of-memory killer) is
started again on its port with the same secret, at once if it had been running for a while
and after a growing pause (1 s, 2 s, 4 s... at most a minute) if it keeps dying young; each
restart is one line on the output. Meanwhile nginx sends that replica's browsers to a live
one. SIGTERM or SIGINT (Ctrl-C) stops nginx and every replica and exits with 0; if nginx
itself dies, the replicas are stopped and the exit code is 1 (for a service manager to act).

``--server-name NAME`` (repeatable) names the host names the class uses: nginx closes a
request for any other unanswered, and the replicas' websocket refuses it too
(``server.allowedHosts``). ``--frame-ancestors SOURCES`` names the pages that may show the app
in a frame (default ``'self'``; add your course platform's origin to embed it there).

The cookie secret signs Streamlit's sign-in cookies (``st.login``; in Streamlit 1.67 the XSRF
cookie of an upload does not depend on it, so any replica accepts another's): shared, a
browser signed in through one replica is signed in on all. It is random for each start,
unless the operator gives one that outlives a restart of this script: a file with
``--cookie-secret-file PATH`` (readable by its owner only), or the environment variable
``DASHBOARD_COOKIE_SECRET``.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf")
CONFIG = ROOT / ".streamlit" / "config.toml"
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 10
COOKIE_SECRET_ENV = "DASHBOARD_COOKIE_SECRET"
MIN_SECRET_CHARS = 16
# Restarts: a replica that ran at least STEADY_S had a good run and is restarted at once; one
# that dies younger waits BACKOFF_FIRST_S, then twice as long each time, at most BACKOFF_MAX_S.
STEADY_S = 60.0
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0
POLL_S = 0.5
COOKIE = "dashboard_replica"
_HOST_NAME = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
# A CSP source: a keyword, a scheme ("https:") or a host source ("https://lms.example.edu",
# "*.example.edu:443"). Nothing that could end the nginx directive or the header.
_SOURCE = re.compile(r"^('self'|'none'|[A-Za-z][A-Za-z0-9+.-]*:|([A-Za-z][A-Za-z0-9+.-]*://)?"
                     r"(\*|(\*\.)?[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:(\d+|\*))?(/[A-Za-z0-9._~/-]*)?)$")


def find_nginx() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def max_upload_mb(config: Path = CONFIG) -> int:
    """``server.maxUploadSize`` of the app's config (Streamlit's default, 200, when unset)."""
    try:
        return int(tomllib.loads(config.read_text()).get("server", {}).get("maxUploadSize", 200))
    except (OSError, ValueError):
        return 200


def cookie_secret(file: str | Path | None = None, environ=os.environ) -> tuple[str, str]:
    """The replicas' shared cookie secret and where it came from: ``file``, else the environment
    variable DASHBOARD_COOKIE_SECRET, else a new random one. ValueError for a short or empty one."""
    if file is not None:
        secret, source = Path(file).read_text().strip(), str(file)
    elif environ.get(COOKIE_SECRET_ENV):
        secret, source = environ[COOKIE_SECRET_ENV].strip(), COOKIE_SECRET_ENV
    else:
        return secrets.token_hex(32), "random"
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"the cookie secret in {source} has {len(secret)} characters; it needs at least "
                         f"{MIN_SECRET_CHARS} (make one with: python -c \"import secrets; print(secrets.token_hex(32))\")")
    return secret, source


def check_server_names(names: list[str]) -> list[str]:
    for name in names:
        if not _HOST_NAME.match(name):
            raise ValueError(f"--server-name {name!r} is not a host name (letters, digits, dots, hyphens; "
                             f"a leading '*.' for every subdomain)")
    return names


def check_frame_ancestors(value: str) -> str:
    sources = value.split()
    bad = [s for s in sources if not _SOURCE.match(s)]
    if not sources or bad:
        raise ValueError(f"--frame-ancestors {value!r}: {bad or 'empty'} is not a CSP source list such as "
                         "\"'self' https://lms.example.edu\"")
    return " ".join(sources)


def embeds_cross_site(frame_ancestors: str) -> bool:
    """Whether a page of another site may frame the app (anything beyond 'self' and 'none')."""
    return any(s not in ("'self'", "'none'") for s in frame_ancestors.split())


def nginx_config(ports: list[int], *, port: int, host: str, run_dir: Path, server_names: list[str] = (),
                 frame_ancestors: str = "'self'", max_body_mb: int | None = None) -> str:
    """deploy/nginx.conf with its @...@ fields filled for replicas ``r1``, ``r2``... on ``ports``."""
    names = [f"r{k}" for k in range(1, len(ports) + 1)]
    # A cookie for a page inside another site's frame must be SameSite=None, which browsers take
    # only with Secure, over HTTPS (which an LMS framing the app uses anyway).
    attrs = "Path=/; HttpOnly; " + ("SameSite=None; Secure" if embeds_cross_site(frame_ancestors) else "SameSite=Lax")
    routes = "\n".join(f"        {name} dashboard_{name};" for name in names)
    cookies = "\n".join(f'        "~(^|\\s)127\\.0\\.0\\.1:{p}$" "{COOKIE}={name}; {attrs}";'
                        for name, p in zip(names, ports))
    upstreams = ["    upstream dashboard_new {\n        least_conn;\n"
                 + "".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in ports) + "    }"]
    for name, p in zip(names, ports):
        others = "".join(f"        server 127.0.0.1:{q} backup;\n" for q in ports if q != p)
        upstreams.append(f"    upstream dashboard_{name} {{\n        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"
                         f"{others}    }}")
    fields = {"@ROUTES@": routes, "@COOKIES@": cookies, "@UPSTREAMS@": "\n".join(upstreams),
              "@PORT@": str(port), "@HOST@": host, "@RUN_DIR@": str(run_dir),
              "@SERVER_NAMES@": " ".join(server_names) or "~.", "@FRAME_ANCESTORS@": frame_ancestors,
              "@MAX_BODY_MB@": str((max_body_mb if max_body_mb is not None else max_upload_mb()) + 1)}
    text = TEMPLATE.read_text()
    for key, value in fields.items():
        text = text.replace(key, value)
    return text


def probe_host(server_names: list[str], host: str, port: int) -> str:
    """A Host header nginx serves: the first name (a wildcard's made-up subdomain), else the address."""
    for name in server_names:
        return (name.replace("*", "probe", 1) if name.startswith("*.") else name) + f":{port}"
    return f"{host}:{port}"


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT_S, *,
                 host_header: str | None = None, stop: threading.Event | None = None) -> None:
    """Return once ``url``/_stcore/health answers 200; RuntimeError naming ``log`` if ``proc`` ends or
    time runs out. Returns early, with no error, once ``stop`` is set."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Host": host_header} if host_header else {})
    while not (stop is not None and stop.is_set()):
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start; see {log}")
        time.sleep(0.3)


def _ended(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min" if seconds < 7200 else f"{seconds // 3600} h {seconds % 3600 // 60} min"


@dataclass
class Replica:
    """One ``streamlit run`` on ``port``, known to nginx (and its cookie) as ``name``."""

    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0
    pause: float = 0.0  # before the next restart, if it dies young
    due: float | None = None  # when a scheduled restart happens
    history: list[int] = field(default_factory=list)  # the pids it has had

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    """N replicas and nginx: started by :meth:`start`, kept alive by :meth:`check` (a replica that
    exits is restarted, with a growing pause if it keeps dying young), stopped by :meth:`stop`."""

    def __init__(self, n: int, *, port: int = 8500, host: str = "127.0.0.1", run_dir: Path | None = None,
                 python: str = sys.executable, secret: str | None = None, server_names: list[str] = (),
                 frame_ancestors: str = "'self'", say=None, stop: threading.Event | None = None):
        self.nginx_bin = find_nginx()
        if self.nginx_bin is None:
            raise RuntimeError("nginx not found (Debian: apt-get install nginx)")
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="dashboard-nginx-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.port, self.host, self.python = port, host, python
        self.server_names = check_server_names(list(server_names))
        self.frame_ancestors = check_frame_ancestors(frame_ancestors)
        self.secret = secret or secrets.token_hex(32)
        self.replicas = [Replica(f"r{k}", port + k, self.run_dir / f"replica-{port + k}.log") for k in range(1, n + 1)]
        self.nginx: subprocess.Popen | None = None
        self.say = say or (lambda line: print(line, flush=True))
        self.stop_event = stop or threading.Event()
        self._lock = threading.Lock()
        self._stopping = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ports(self) -> list[int]:
        return [r.port for r in self.replicas]

    @property
    def pids(self) -> list[int]:
        """The replicas' current pids (a restarted replica has a new one)."""
        return [r.proc.pid for r in self.replicas if r.proc is not None]

    def replica(self, name_or_port: str | int) -> Replica:
        return next(r for r in self.replicas if name_or_port in (r.name, r.port))

    def _command(self, replica: Replica) -> list[str]:
        cmd = [self.python, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(replica.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
        for name in self.server_names:  # the websocket refuses other Host headers too
            cmd += ["--server.allowedHosts", name]
        if embeds_cross_site(self.frame_ancestors):
            # Streamlit's own advice for a file uploader inside another site's frame
            cmd += ["--server.xsrfCookieSameSite", "none"]
        return cmd

    def _spawn(self, replica: Replica, now: float | None = None) -> None:
        with open(replica.log, "a") as out:
            replica.proc = subprocess.Popen(
                self._command(replica), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                # its own process group: a Ctrl-C in the terminal reaches serve.py only, which
                # then stops nginx first and the replicas after it
                start_new_session=True,
                # Streamlit takes the secret from the environment only, not from its command line
                env={**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": self.secret})
        replica.started = time.monotonic() if now is None else now
        replica.history.append(replica.proc.pid)

    def start(self) -> None:
        """Start every replica, wait for their health checks, then start nginx and wait for it."""
        with self._lock:
            for replica in self.replicas:
                self._spawn(replica)
        for replica in self.replicas:
            wait_healthy(replica.url, replica.proc, replica.log, stop=self.stop_event)
        if self.stop_event.is_set():
            return
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_config(self.ports, port=self.port, host=self.host, run_dir=self.run_dir,
                                     server_names=self.server_names, frame_ancestors=self.frame_ancestors))
        with self._lock:
            if self._stopping:
                return
            with open(self.run_dir / "nginx.out", "w") as out:
                self.nginx = subprocess.Popen([self.nginx_bin, "-p", str(self.run_dir), "-c", str(conf),
                                               "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT,
                                              start_new_session=True)
        wait_healthy(self.url, self.nginx, self.run_dir / "error.log",
                     host_header=probe_host(self.server_names, self.host, self.port), stop=self.stop_event)

    def check(self, now: float | None = None) -> int | None:
        """One round of watching (at ``now``, a time.monotonic() value): a replica that exited gets a
        restart, now or after its pause. Returns nginx's exit code if nginx has ended, else None."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._stopping:
                return None
            for replica in self.replicas:
                code = replica.proc.poll() if replica.due is None else None
                if code is not None:
                    lived = now - replica.started
                    replica.pause = (0.0 if lived >= STEADY_S
                                     else min(max(BACKOFF_FIRST_S, 2 * replica.pause), BACKOFF_MAX_S))
                    replica.restarts += 1
                    replica.due = now + replica.pause
                    when = "now" if replica.pause == 0 else f"in {replica.pause:g} s"
                    self.say(f"replica {replica.name} (port {replica.port}) exited with code {code} after "
                             f"{_ended(lived)}; restarting it {when} (restart {replica.restarts}; log {replica.log})")
                if replica.due is not None and now >= replica.due:
                    replica.due = None
                    try:
                        self._spawn(replica, now)
                    except OSError as err:  # say, the interpreter is gone: try again after a pause
                        replica.pause = min(max(BACKOFF_FIRST_S, 2 * replica.pause), BACKOFF_MAX_S)
                        replica.due = now + replica.pause
                        self.say(f"replica {replica.name} (port {replica.port}) could not start ({err}); "
                                 f"trying again in {replica.pause:g} s")
            return None if self.nginx is None else self.nginx.poll()

    def supervise(self, interval: float = POLL_S) -> int:
        """Watch until the stop event is set (0) or nginx ends (1)."""
        while not self.stop_event.wait(interval):
            code = self.check()
            if code is not None:
                self.say(f"nginx exited with code {code}; stopping the replicas (see {self.run_dir / 'error.log'})")
                return 1
        return 0

    def stop(self) -> None:
        """Stop nginx (no new requests), then every replica; kill what has not ended within 10 s."""
        with self._lock:
            self._stopping = True
            procs = [p for p in [self.nginx, *(r.proc for r in self.replicas)] if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def serving(n: int, *, watch: bool = True, **options):
    """Start a :class:`Cluster` of ``n`` replicas behind nginx and yield it; while the block runs, a
    thread restarts replicas that exit (``watch``). Stops everything on exit."""
    cluster = Cluster(n, **options)
    watcher = None
    try:
        cluster.start()
        if watch:
            watcher = threading.Thread(target=cluster.supervise, name="replica-watch", daemon=True)
            watcher.start()
        yield cluster
    finally:
        cluster.stop_event.set()
        if watcher is not None:
            watcher.join()
        cluster.stop()


@contextmanager
def replicas_behind_nginx(n: int, *, port: int = 8500, host: str = "127.0.0.1", run_dir: Path | None = None,
                          python: str = sys.executable):
    """Start ``n`` replicas and nginx; yield (nginx's base URL, the replicas' ports, their pids). Stops all on exit."""
    with serving(n, port=port, host=host, run_dir=run_dir, python=python) as cluster:
        yield cluster.url, cluster.ports, cluster.pids


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="nginx's port; replicas use the next ones")
    parser.add_argument("--host", default="0.0.0.0", help="nginx's address (default: every interface)")
    parser.add_argument("--server-name", action="append", default=[], metavar="NAME",
                        help="a host name the class uses (repeat for more; '*.example.org' for every "
                             "subdomain); requests for any other name are closed unanswered. Default: any name")
    parser.add_argument("--frame-ancestors", default="'self'", metavar="SOURCES",
                        help="the pages that may embed the app in a frame, as a CSP source list "
                             "(default \"'self'\"; e.g. \"'self' https://lms.example.edu\": then HTTPS only)")
    parser.add_argument("--cookie-secret-file", metavar="PATH",
                        help=f"the replicas' shared cookie secret (else ${COOKIE_SECRET_ENV}, else a random one)")
    parser.add_argument("--run-dir", metavar="DIR", help="where nginx's config and every log go (default: a new "
                                                         "temporary folder)")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        parser.error("--replicas must be between 1 and 64")
    try:
        secret, source = cookie_secret(args.cookie_secret_file)
        check_server_names(args.server_name)
        frame_ancestors = check_frame_ancestors(args.frame_ancestors)
    except (OSError, ValueError) as err:
        parser.error(str(err))
    if args.cookie_secret_file and Path(args.cookie_secret_file).stat().st_mode & 0o077:
        print(f"warning: {args.cookie_secret_file} is readable by other users (chmod 600 it)", flush=True)

    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    cluster = None
    try:
        cluster = Cluster(args.replicas, port=args.port, host=args.host, run_dir=args.run_dir, secret=secret,
                          server_names=args.server_name, frame_ancestors=frame_ancestors, stop=stop)
        cluster.start()
        if stop.is_set():
            return 0
        print(f"serving on {cluster.url} through nginx; replicas {', '.join(r.name for r in cluster.replicas)} "
              f"on ports {cluster.ports}; cookie secret: {source}; logs in {cluster.run_dir}. "
              "Ctrl-C or SIGTERM stops.", flush=True)
        if embeds_cross_site(frame_ancestors):
            print("--frame-ancestors names another site: serve the class over HTTPS (browsers keep the replica "
                  "cookie of a framed page only then).", flush=True)
        return cluster.supervise()
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        return 1
    finally:
        if cluster is not None:
            cluster.stop()

if __name__ == "__main__":
    sys.exit(main())
