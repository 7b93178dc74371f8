"""The start page in a real browser: it loads, links every view, and a link opens its view."""

from __future__ import annotations

import pytest

from dashboard.views import VIEWS

from .streamlit_page import error_texts, open_page, wait_for_run

pytestmark = pytest.mark.browser


def test_start_page_links_every_view(page, server_url, screenshot_dir):
    open_page(page, server_url)
    assert page.get_by_role("heading", name="Finding the bottom").is_visible()
    assert error_texts(page) == []
    for view in VIEWS:
        assert page.get_by_text(view.answers).first.is_visible()
    page.screenshot(path=str(screenshot_dir / "start.png"), full_page=True)

    first = VIEWS[0]
    page.get_by_text(first.answers).first.click()
    page.wait_for_url(f"**/{first.file.removesuffix('.py')}**")
    wait_for_run(page)
    assert error_texts(page) == []
