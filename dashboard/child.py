"""Child processes that answer one request at a time, each under a time, memory and idle limit.

Work that may fail hard (a chart conversion that asks for terabytes) or that would hold the
server's one interpreter for a long time (a heavy computation beside a class's reruns) runs in a
child: ``python -m <module>``, whose ``__main__`` calls :func:`serve`. The parent side is a
:class:`Pool` of at most ``workers`` children, started on first use; a child that fails, is
stopped or goes idle is replaced on the next request. ``dashboard.converter`` and
``dashboard.offload`` are the two users.

Protocol (stdin/stdout, binary): a request is an 8-byte big-endian length and the payload; the
answer is one status byte (``b"O"`` ok, ``b"R"`` refused), an 8-byte length and the payload.
"""

from __future__ import annotations

import os
import queue
import select
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HEADER = struct.Struct(">Q")
POLL_S = 0.05
ROOT = Path(__file__).resolve().parent.parent


class ChildFailed(Exception):
    """A request the child did not answer: ``reason`` is "time", "memory" or "stopped"."""

    def __init__(self, reason: str, limit: float = 0.0) -> None:
        super().__init__(reason)
        self.reason, self.limit = reason, limit


class Busy(Exception):
    """Every child stayed busy for the whole wait."""


# --------------------------------------------------------------------------- the child's side


def _read_exact(stream, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve(answer: Callable[[bytes], tuple[bool, bytes]], idle_s: float) -> int:
    """The child's loop: ``answer(request) -> (ok, payload)`` until stdin closes or nothing comes
    for ``idle_s`` seconds (an unused server then holds no child's memory)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        ready, _, _ = select.select([stdin], [], [], idle_s)
        if not ready:
            return 0
        head = _read_exact(stdin, HEADER.size)
        if head is None:
            return 0
        ok, payload = answer(_read_exact(stdin, HEADER.unpack(head)[0]) or b"")
        stdout.write((b"O" if ok else b"R") + HEADER.pack(len(payload)) + payload)
        stdout.flush()


# --------------------------------------------------------------------------- the parent's side


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return 0.0


class Child:
    """One child process, used by one thread at a time."""

    def __init__(self, module: str, idle_s: float) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        self.idle_s = idle_s
        self.last_used = time.monotonic()

    def alive(self) -> bool:
        # A few seconds' margin: a child about to exit for idleness is not handed a request.
        return self.proc.poll() is None and time.monotonic() - self.last_used < self.idle_s - 5

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()

    def ask(self, request: bytes, timeout: float, max_rss_mb: float) -> tuple[bool, bytes]:
        """(ok, payload) of one request; ChildFailed past ``timeout`` seconds or ``max_rss_mb``, or
        when the child stops."""
        try:
            self.proc.stdin.write(HEADER.pack(len(request)) + request)
            self.proc.stdin.flush()
        except OSError:
            raise ChildFailed("stopped") from None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        chunks, need = [], 1 + HEADER.size
        header = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildFailed("time", timeout)
            if rss_mb(self.proc.pid) > max_rss_mb:
                raise ChildFailed("memory", max_rss_mb)
            ready, _, _ = select.select([fd], [], [], min(POLL_S, left))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise ChildFailed("stopped")
            chunks.append(chunk)
            data = b"".join(chunks)
            if header is None and len(data) >= need:
                header = data[:need]
                need += HEADER.unpack(header[1:])[0]
            if header is not None and len(data) >= need:
                self.last_used = time.monotonic()
                return header[:1] == b"O", data[1 + HEADER.size:need]


class Pool:
    """At most ``workers`` children of ``module``, started on demand (thread-safe)."""

    def __init__(self, module: str, workers: int, timeout: float, idle_s: float) -> None:
        self.module, self.timeout, self.idle_s = module, timeout, idle_s
        self._idle: queue.LifoQueue = queue.LifoQueue()
        for _ in range(workers):
            self._idle.put(None)  # a free slot; a child is started when a slot is first used

    def ask(self, request: bytes, *, queue_wait_s: float, max_rss_mb: float) -> tuple[bool, bytes]:
        """(ok, payload) from a free child; Busy when none is free within ``queue_wait_s``,
        ChildFailed (and that child killed) when it does not answer."""
        try:
            child = self._idle.get(timeout=queue_wait_s)
        except queue.Empty:
            raise Busy() from None
        try:
            if child is not None and not child.alive():
                child.kill()
                child = None
            if child is None:
                child = Child(self.module, self.idle_s)
            try:
                return child.ask(request, self.timeout, max_rss_mb)
            except ChildFailed:
                child.kill()
                child = None
                raise
        finally:
            self._idle.put(child)

    def close(self) -> None:
        """Stop every idle child (tests; the children also exit on their own when idle)."""
        children = []
        while True:
            try:
                children.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for child in children:
            if child is not None:
                child.kill()
            self._idle.put(None)
