"""bench_abuse part 5: large CSV files uploaded into the views with a file box, as the browser uploads them.

A ``file_urls_request`` on the websocket, a multipart PUT to ``/_stcore/upload_file/<session>/<file>``
with the XSRF cookie and its ``X-Xsrftoken`` header, then a rerun with the file box's widget state
pointing at the file; what the server did, its seconds, CPU seconds and RSS.
"""

from __future__ import annotations

import asyncio
import re
import time
import tomllib
import urllib.parse
import uuid
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks._abuse_goals import LIMIT_MB, LIMIT_S, Goals, short, verdict
from benchmarks._abuse_proc import Watch, cpu_s, load, reset_peak, status_mb
from benchmarks._abuse_tab import APP, LOGS, XSRF_COOKIE, Tab, connect, open_link, warm, xsrf_cookie
from benchmarks.bench_class import ANSWER_TIMEOUT_S, Dropped
from dashboard.views import VIEWS
from tests.browser.server import streamlit_server

ROOT = Path(__file__).resolve().parents[1]

MB = 2 ** 20


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
