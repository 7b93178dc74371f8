"""Two replicas behind Debian's nginx (deploy/serve.py with deploy/nginx.conf): every view loads
through the proxy over its websocket, a browser keeps its replica across reloads, and two
browsers on one address (a class behind one school router) can land on different replicas.

Skips where nginx is absent, unless REQUIRE_NGINX=1 (.ci/run installs nginx and sets it)."""

from __future__ import annotations

import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from dashboard.views import VIEWS
from deploy.serve import replicas_behind_nginx

from .server import ROOT, free_port
from .streamlit_page import VIEW_CHARTS, error_texts, main_text, open_page

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if NGINX is None:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("REQUIRE_NGINX is set but nginx is not installed")
        pytest.skip("nginx not installed (Debian: apt-get install nginx)")
    # free ports: nginx's and the two after it
    base = free_port()
    with replicas_behind_nginx(2, port=base, run_dir=tmp_path_factory.mktemp("nginx")) as (url, ports, _):
        yield url, ports


def _replica(response_headers) -> str:
    return response_headers.get("x-dashboard-replica", "")


def test_the_config_carries_what_streamlit_needs_behind_a_proxy():
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for needed in ("proxy_http_version 1.1", "proxy_set_header Upgrade $http_upgrade",
                   "proxy_set_header Connection $connection_upgrade", "proxy_set_header Host $host",
                   "proxy_read_timeout 86400s", "hash $replica_key consistent"):
        assert needed in text, needed


def test_every_view_loads_through_the_proxy_over_its_websocket(proxy, page):
    url, ports = proxy
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    for view in VIEWS:
        open_page(page, f"{url}/{view.name}", charts=VIEW_CHARTS[view.name])
        assert not error_texts(page), view.name
        assert view.question in main_text(page)
    assert sockets and all(s.startswith(url.replace("http", "ws")) and "/_stcore/stream" in s for s in sockets)


def test_a_browser_keeps_its_replica_and_browsers_spread_over_both(proxy, browser):
    url, ports = proxy
    seen = set()
    for _ in range(8):  # eight browsers (one address, as behind a school router)
        context = browser.new_context()
        page = context.new_page()
        first = _replica(page.goto(f"{url}/learning_rate").all_headers())
        assert first.rsplit(":", 1)[1] in {str(p) for p in ports}
        for _ in range(2):  # reloads and reconnects go back to the same replica
            assert _replica(page.reload().all_headers()) == first
        seen.add(first)
        context.close()
    assert len(seen) == 2  # 8 browsers on 2 replicas: both used (all on one: 1 in 128)


def test_the_health_check_answers_through_the_proxy(proxy):
    url, _ = proxy
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as resp:
        assert resp.read() == b"ok"
