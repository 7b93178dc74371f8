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

A request (``dashboard.child``'s protocol) is the JSON object ``{"spec": ..., "format": "svg" |
"png" | "both", "scale": float}``; the answer is the file (for "both": the SVG's 8-byte length, the
SVG, the PNG), or a refusal's sentence in UTF-8.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path

from dashboard import child

MAX_SIDE = 4_000  # CSS px: a slide is 1,920 wide; a chart this size is a fault, not a figure
MAX_AREA = 6_000_000  # CSS px²: at scale 2 a 24-megapixel PNG, about 100 MB of pixels while it is drawn
DATA_LIMIT_MB = 1_024  # the child's writable memory (V8 reserves about 600 MB of it at start)
MAX_RSS_MB = 400  # resident; a typical chart needs about 120 MB
TIMEOUT_S = 8.0  # a chart converts in 0.1 to 1 s; the first one in a fresh child in about 1.5 s
WORKERS = 2  # one per core of the machine a class server runs on
QUEUE_WAIT_S = 10.0
IDLE_S = 120.0
FONT_DIR = Path(__file__).with_name("fonts")
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
    png = vlc.svg_to_png(svg, scale=scale)
    if fmt == "both":  # one layout for both files (a deck writes both): the SVG's length, the SVG, the PNG
        data = svg.encode()
        return True, child.HEADER.pack(len(data)) + data + png
    return True, png


def _answer(request: bytes) -> tuple[bool, bytes]:
    try:
        asked = json.loads(request or b"{}")
        return convert_here(asked["spec"], asked["format"], float(asked.get("scale", 1.0)))
    except Exception as err:  # noqa: BLE001 - the parent gets one sentence, the child lives on
        return False, f"The chart could not be converted ({type(err).__name__}).".encode()


def child_main() -> int:
    """The child's loop: answer requests until stdin closes or nothing comes for IDLE_S."""
    import resource

    limit = DATA_LIMIT_MB * 2 ** 20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    import vl_convert as vlc

    vlc.register_font_directory(str(FONT_DIR))
    return child.serve(_answer, IDLE_S)


# --------------------------------------------------------------------------- the parent


_FAILED = {
    "time": "This chart took longer than {limit:g} s to export, so it was stopped: change the scenario and export again.",
    "memory": "This chart needed more memory than an export may use, so it was stopped: change the scenario and "
              "export again.",
    "stopped": "The chart could not be exported: the converter stopped. Try again.",
}


class Converter(child.Pool):
    """A pool of at most ``workers`` child converters, started on demand (thread-safe)."""

    def __init__(self, workers: int = WORKERS, timeout: float = TIMEOUT_S) -> None:
        super().__init__("dashboard.converter", workers, timeout, IDLE_S)

    def convert(self, spec: dict, fmt: str, scale: float = 1.0) -> bytes:
        """The chart ``spec`` (a JSON-ready Vega-Lite dict) as SVG or PNG bytes, or "both" (see
        :func:`split_both`) from one layout; ExportRefused with one sentence."""
        if fmt not in ("svg", "png", "both"):
            raise ValueError(f"fmt must be 'svg', 'png' or 'both'; got {fmt!r}")
        request = json.dumps({"spec": spec, "format": fmt, "scale": float(scale)}).encode()
        try:
            ok, payload = self.ask(request, queue_wait_s=QUEUE_WAIT_S, max_rss_mb=MAX_RSS_MB)
        except child.Busy:
            raise ExportRefused("Many charts are being exported at this moment: try again in a few seconds.") from None
        except child.ChildFailed as failed:
            raise ExportRefused(_FAILED[failed.reason].format(limit=failed.limit)) from None
        if not ok:
            raise ExportRefused(payload.decode("utf-8", "replace"))
        return payload


def split_both(payload: bytes) -> tuple[bytes, bytes]:
    """(svg, png) of a "both" conversion's payload."""
    size = child.HEADER.unpack(payload[: child.HEADER.size])[0]
    start = child.HEADER.size
    return payload[start:start + size], payload[start + size:]


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
