"""Start ``streamlit run`` on a free loopback port and find Chromium: for the browser tests and the
benchmarks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from deploy.serve import wait_healthy

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, log: Path, *, extra_args: tuple[str, ...] = (),
                     command: tuple[str, ...] | None = None):
    """Run ``script`` under ``streamlit run`` until the block ends; yield (base URL, process).

    ``command`` replaces ``python -m streamlit`` (say, another virtualenv's ``streamlit``).
    Raises RuntimeError (with the log's path) when the server does not answer its health
    check within a minute.
    """
    port = free_port()
    cmd = [
        *(command or (sys.executable, "-m", "streamlit")), "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args,
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, timeout=START_TIMEOUT_S)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()  # reaped: a killed server left unwaited is a zombie and a ResourceWarning
