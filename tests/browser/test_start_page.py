"""The start page in a real browser: a card per view with its figure, and each card's link
opens its view (for most views, as the first step of tests/browser/test_pages.py's page test)."""

from __future__ import annotations

import pytest

from dashboard.views import VIEWS

from .streamlit_page import error_texts, full_page_screenshot, open_page, wait_for_run

pytestmark = pytest.mark.browser

LOADED_IMAGES = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')]
                        .map(img => [img.complete && img.naturalWidth, img.getBoundingClientRect().width])"""


def test_start_page_shows_a_card_with_a_figure_per_view(page, server_url, screenshot_dir):
    open_page(page, server_url)
    assert page.get_by_role("heading", name="Finding the bottom").is_visible()
    assert error_texts(page) == []
    for view in VIEWS:
        card = page.locator('[data-testid="stMain"] [data-testid="stVerticalBlock"]').filter(
            has=page.get_by_role("link", name=view.title)).last
        assert card.get_by_text(view.question).is_visible()
        assert card.get_by_text(view.sentence).is_visible()
    page.wait_for_function(f"() => ({LOADED_IMAGES})().filter(([w]) => w > 0).length === {len(VIEWS)}")
    sizes = page.evaluate(LOADED_IMAGES)
    assert len(sizes) == len(VIEWS)
    for natural, shown in sizes:
        assert natural >= 600  # drawn at twice the pixels
        assert 250 <= shown <= 450  # and shown as a card-sized figure
    full_page_screenshot(page, str(screenshot_dir / "start.png"))


def test_start_page_fits_a_phone(page, server_url, screenshot_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, server_url)
    page.wait_for_function(f"() => ({LOADED_IMAGES})().filter(([w]) => w > 0).length === {len(VIEWS)}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    for _, shown in page.evaluate(LOADED_IMAGES):
        assert shown <= 390
    full_page_screenshot(page, str(screenshot_dir / "start-phone.png"))


# A view with a slider is reached from its card by tests/browser/test_pages.py's page test.
@pytest.mark.parametrize("view", [v for v in VIEWS if v.tags.probe is None], ids=lambda v: v.name)
def test_each_card_opens_its_view(page, server_url, view):
    open_page(page, server_url)
    page.locator('[data-testid="stMain"]').get_by_role("link", name=view.title).click()
    page.wait_for_url(f"**/{view.name}**")
    wait_for_run(page)
    assert page.get_by_role("heading", name=view.question).is_visible()
    assert error_texts(page) == []
