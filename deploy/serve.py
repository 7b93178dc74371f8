"""Serve the dashboard from N ``streamlit run`` replicas behind nginx, on one machine.

    python deploy/serve.py --replicas 2 --port 8500

Starts the replicas on the ports after ``--port`` (8501, 8502...) with one shared
``server.cookieSecret`` (``STREAMLIT_SERVER_COOKIE_SECRET``: any replica then accepts the
XSRF cookie another one set), writes
``deploy/nginx.conf`` with their addresses into a run folder, and runs nginx in the
foreground (Debian: ``apt-get install nginx``; no root needed, nothing is installed). Ctrl-C
stops everything. One replica per core is a good start.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf")
START_TIMEOUT_S = 90


def nginx_config(ports: list[int], *, port: int, host: str, run_dir: Path) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    return (TEMPLATE.read_text().replace("@SERVERS@", servers).replace("@PORT@", str(port))
            .replace("@HOST@", host).replace("@RUN_DIR@", str(run_dir)))


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT_S) -> None:
    """Return once ``url``/_stcore/health answers 200; RuntimeError naming ``log`` if ``proc`` ends or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start; see {log}")
        time.sleep(0.3)


@contextmanager
def replicas_behind_nginx(n: int, *, port: int = 8500, host: str = "127.0.0.1", run_dir: Path | None = None,
                          python: str = sys.executable):
    """Start ``n`` replicas and nginx; yield (nginx's base URL, the replicas' ports, their pids). Stops all on exit."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        raise RuntimeError("nginx not found (Debian: apt-get install nginx)")
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="dashboard-nginx-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    ports = [port + k for k in range(1, n + 1)]
    procs: list[subprocess.Popen] = []
    try:
        for p in ports:
            log = run_dir / f"replica-{p}.log"
            with open(log, "w") as out:
                procs.append(subprocess.Popen(
                    [python, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(p),
                     "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                    # Streamlit takes the secret from the environment only, not from its command line
                    env={**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}))
        for p, proc in zip(ports, procs):
            wait_healthy(f"http://127.0.0.1:{p}", proc, run_dir / f"replica-{p}.log")
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(ports, port=port, host=host, run_dir=run_dir))
        with open(run_dir / "nginx.out", "w") as out:
            procs.append(subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"],
                                          stdout=out, stderr=subprocess.STDOUT))
        wait_healthy(f"http://{host}:{port}", procs[-1], run_dir / "error.log")
        yield f"http://{host}:{port}", ports, [proc.pid for proc in procs[:-1]]
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="nginx's port; replicas use the next ones")
    parser.add_argument("--host", default="0.0.0.0", help="nginx's address (default: every interface)")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        parser.error("--replicas must be between 1 and 64")
    with replicas_behind_nginx(args.replicas, port=args.port, host=args.host) as (url, ports, _):
        print(f"serving on {url} through nginx; replicas on ports {ports}. Ctrl-C stops.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
