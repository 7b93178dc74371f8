"""A real dashboard for the browser tests: ``streamlit run`` on a free loopback port and
headless Chromium (Debian's, found on PATH) driven by Playwright.

The tests skip only when no Chromium is found and ``REQUIRE_BROWSER`` is unset; with
``REQUIRE_BROWSER=1`` (CI) a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.views import VIEWS

from .server import CHROMIUM_ARGS, ROOT, find_chromium, streamlit_server

ARTIFACTS = ROOT / "artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent


# The browser tests in two xdist groups of about equal time, each run by one worker with its own server and
# Chromium, beside a third worker for the rest. A browser test mostly waits on those two processes (half a core
# busy, measured), so the groups side by side shorten the suite's longest path without starving the rest.
# Measured on a clean clone (2026-12-08): three workers and two groups 9 min 18 s; four workers and three groups
# 10 min 32 s (three fresh servers drawing their start pages at once took 116-122 s each).
GROUPS = {"test_pages.py": "browser-1", "test_start_page.py": "browser-1", "test_hover_link.py": "browser-1",
          "test_offload_served.py": "browser-1", "test_view_walk.py": "browser-1",
          "test_phone.py": "browser-2", "test_nginx.py": "browser-2", "test_serve.py": "browser-2",
          "test_hosting.py": "browser-2", "test_contrast.py": "browser-2", "test_same_drawing.py": "browser-2"}
BROWSER_FIXTURES = {"chromium_path", "served", "server_url", "browser", "page", "venv_served"}


def pytest_collection_modifyitems(config, items):
    """A test here that drives Chromium or the served app is a browser test (``-m "not browser"`` leaves it
    out), in its file's group; the others (the serving scripts' own checks) run anywhere."""
    for item in items:
        path = Path(str(item.path)).resolve()
        if HERE in path.parents and BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group(GROUPS.get(path.name, "browser-2")))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but no Chromium was found on PATH (apt-get install chromium)")
        pytest.skip("no Chromium on PATH; set REQUIRE_BROWSER=1 to make this a failure")
    return path


@pytest.fixture(scope="session")
def served(chromium_path):
    """Start the dashboard once for the whole session; yield (its base URL, its process)."""
    try:
        with streamlit_server(ROOT / "dashboard" / "app.py", ROOT / "artifacts" / "streamlit.log") as found:
            yield found
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def server_url(served, browser) -> str:
    """The session's dashboard's base URL, its start page drawn once: a fresh server draws the start page's
    figures on its first visit, which on a busy machine is longer than a test waits for a page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(served[0])
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img').length >= "
                               f"{len(VIEWS)}", timeout=180_000)
    finally:
        context.close()
    return served[0]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chrome
        chrome.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
