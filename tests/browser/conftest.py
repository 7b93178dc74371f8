"""A real dashboard for the browser tests: ``streamlit run`` on a free loopback port and
headless Chromium (Debian's, found on PATH) driven by Playwright.

The tests skip only when no Chromium is found and ``REQUIRE_BROWSER`` is unset; with
``REQUIRE_BROWSER=1`` (CI) a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .server import CHROMIUM_ARGS, ROOT, find_chromium, streamlit_server

ARTIFACTS = ROOT / "artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every browser test in one xdist group: one worker runs them all, one after another."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
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
def server_url(served) -> str:
    """The session's dashboard's base URL."""
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
