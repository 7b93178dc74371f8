"""Vega-Lite to SVG and PNG in a child process that may fail without taking the server along.

A chart that a link can make big (a marker far outside its plot, a chart laid out to reach it)
once made vl-convert ask for 552 TB for one PNG: Rust aborts the whole process on a failed
allocation, and every student on that server lost their session. So the conversion runs in a
separate process (``python -m dashboard.converter``) under three limits:

- **size:** the chart is laid out to SVG first; one wider or taller than :data:`MAX_SIDE` CSS
  pixels, or larger than :data:`MAX_AREA`, is refused before a pixel is drawn;
- **memory:** the child's writable memory is capped (``RLIMIT_DATA``, :data:`DATA_LIMIT_MB`;
  V8's address-space reservations rule out ``RLIMIT_AS``) and the parent kills it when its
  resident memory passes :data:`MAX_RSS_MB`;
- **time:** the parent kills a conversion that takes longer than :data:`TIMEOUT_S`.

A refused or failed conversion raises :class:`ExportRefused` with one sentence for the user; the
next one starts a fresh child. At most :data:`WORKERS` conversions run at once per server (the
rest wait up to :data:`QUEUE_WAIT_S`), and an idle child exits after :data:`IDLE_S`, so an
unused server holds no converter's memory.

Protocol (stdin/stdout, binary): a request is an 8-byte big-endian length and a JSON object
``{"spec": ..., "format": "svg" | "png", "scale": float}``; the answer is one status byte
(``b"O"`` ok, ``b"R"`` refused), an 8-byte length and the payload (the file, or the sentence in
UTF-8).
"""

from __future__ import annotations

import json
import os
import queue
import re
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

MAX_SIDE = 4_000  # CSS px: a slide is 1,920 wide; a chart this size is a fault, not a figure
MAX_AREA = 6_000_000  # CSS px²: at scale 2 a 24-megapixel PNG, about 100 MB of pixels while it is drawn
DATA_LIMIT_MB = 1_024  # the child's writable memory (V8 reserves about 600 MB of it at start)
MAX_RSS_MB = 400  # resident; a typical chart needs about 120 MB
TIMEOUT_S = 8.0  # a chart converts in 0.1 to 1 s; the first one in a fresh child in about 1.5 s
WORKERS = 2  # one per core of the machine a class server runs on
QUEUE_WAIT_S = 10.0
IDLE_S = 120.0
POLL_S = 0.05
FONT_DIR = Path(__file__).with_name("fonts")
_HEADER = struct.Struct(">Q")
_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


class ExportRefused(ValueError):
    """A chart that cannot be exported; the message is one sentence for the user."""


# --------------------------------------------------------------------------- the child


def _too_big(width: float, height: float) -> str | None:
    """The refusal's sentence, naming the limit that was passed (None: within both)."""
    if width > MAX_SIDE or height > MAX_SIDE:
        limit = f"{MAX_SIDE:,} on a side"
    elif width * height > MAX_AREA:
        limit = f"{MAX_AREA:,} in all"
    else:
        return None
    return (f"This chart would be {width:,.0f} × {height:,.0f} pixels, more than an export allows "
            f"({limit}): change the scenario and export again.")


def convert_here(spec: dict, fmt: str, scale: float) -> tuple[bool, bytes]:
    """(ok, payload) of one conversion in this process: the file, or the sentence of a refusal."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])  # a spec never fetches anything
    found = _SVG_SIZE.search(svg[:2000].encode())
    if found is None:
        return False, b"The chart could not be laid out for export."
    refusal = _too_big(float(found.group(1)), float(found.group(2)))
    if refusal:
        return False, refusal.encode()
    if fmt == "svg":
        return True, svg.encode()
    return True, vlc.svg_to_png(svg, scale=scale)


def _read_exact(stream, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def child_main() -> int:
    """The child's loop: answer requests until stdin closes or nothing comes for IDLE_S."""
    import resource

    limit = DATA_LIMIT_MB * 2 ** 20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    import vl_convert as vlc

    vlc.register_font_directory(str(FONT_DIR))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        ready, _, _ = select.select([stdin], [], [], IDLE_S)
        if not ready:
            return 0
        head = _read_exact(stdin, _HEADER.size)
        if head is None:
            return 0
        request = json.loads(_read_exact(stdin, _HEADER.unpack(head)[0]) or b"{}")
        try:
            ok, payload = convert_here(request["spec"], request["format"], float(request.get("scale", 1.0)))
        except Exception as err:  # noqa: BLE001 - the parent gets one sentence, the child lives on
            ok, payload = False, f"The chart could not be converted ({type(err).__name__}).".encode()
        stdout.write((b"O" if ok else b"R") + _HEADER.pack(len(payload)) + payload)
        stdout.flush()


# --------------------------------------------------------------------------- the parent


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return 0.0


class _Child:
    """One converter process, used by one thread at a time."""

    def __init__(self) -> None:
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen([sys.executable, "-m", "dashboard.converter"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=root)
        self.last_used = time.monotonic()

    def alive(self) -> bool:
        return self.proc.poll() is None and time.monotonic() - self.last_used < IDLE_S - 5

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()

    def ask(self, request: bytes, timeout: float) -> tuple[bool, bytes]:
        self.proc.stdin.write(_HEADER.pack(len(request)) + request)
        self.proc.stdin.flush()
        out = self.proc.stdout
        fd = out.fileno()
        deadline = time.monotonic() + timeout
        chunks, need = [], 1 + _HEADER.size
        header = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ExportRefused(f"This chart took longer than {timeout:g} s to export, so it was stopped: "
                                    "change the scenario and export again.")
            if _rss_mb(self.proc.pid) > MAX_RSS_MB:
                raise ExportRefused("This chart needed more memory than an export may use, so it was stopped: "
                                    "change the scenario and export again.")
            ready, _, _ = select.select([fd], [], [], min(POLL_S, left))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise ExportRefused("The chart could not be exported: the converter stopped. Try again.")
            chunks.append(chunk)
            data = b"".join(chunks)
            if header is None and len(data) >= need:
                header = data[:need]
                need += _HEADER.unpack(header[1:])[0]
            if header is not None and len(data) >= need:
                self.last_used = time.monotonic()
                return header[:1] == b"O", data[1 + _HEADER.size:need]


class Converter:
    """A pool of at most ``workers`` child converters, started on demand (thread-safe)."""

    def __init__(self, workers: int = WORKERS, timeout: float = TIMEOUT_S) -> None:
        self.timeout = timeout
        self._idle: queue.LifoQueue = queue.LifoQueue()
        for _ in range(workers):
            self._idle.put(None)  # a free slot; a child is started when a slot is first used

    def convert(self, spec: dict, fmt: str, scale: float = 1.0) -> bytes:
        """The chart ``spec`` (a JSON-ready Vega-Lite dict) as SVG or PNG bytes; ExportRefused with one sentence."""
        if fmt not in ("svg", "png"):
            raise ValueError(f"fmt must be 'svg' or 'png'; got {fmt!r}")
        request = json.dumps({"spec": spec, "format": fmt, "scale": float(scale)}).encode()
        try:
            child = self._idle.get(timeout=QUEUE_WAIT_S)
        except queue.Empty:
            raise ExportRefused("Many charts are being exported at this moment: try again in a few seconds.") from None
        try:
            if child is not None and not child.alive():
                child.kill()
                child = None
            if child is None:
                child = _Child()
            try:
                ok, payload = child.ask(request, self.timeout)
            except (ExportRefused, OSError) as err:
                child.kill()
                child = None
                if isinstance(err, ExportRefused):
                    raise
                raise ExportRefused("The chart could not be exported: the converter stopped. Try again.") from None
        finally:
            self._idle.put(child)
        if not ok:
            raise ExportRefused(payload.decode("utf-8", "replace"))
        return payload

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


_POOL: Converter | None = None
_POOL_LOCK = threading.Lock()


def pool() -> Converter:
    """The process's one converter pool."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = Converter()
        return _POOL


if __name__ == "__main__":
    sys.exit(child_main())
