"""Business costs page in a real browser: charts drawn, a slider moved by keyboard, the link reproduces."""

from __future__ import annotations

import pytest

from .streamlit_page import (
    chart_count,
    chart_signature,
    error_texts,
    full_page_screenshot,
    move_slider,
    open_page,
    query,
    slider_value,
)

pytestmark = pytest.mark.browser

URL_PATH = "business_costs"
SLIDER = "Transactions"
N_CHARTS = 4  # fraud cost curve, confusion matrices, demand fits, demand costs


def _signatures(page) -> list[str]:
    return [chart_signature(page, i) for i in range(N_CHARTS)]


def test_business_costs_page_in_browser(server_url, page, browser, screenshot_dir):
    url = f"{server_url}/{URL_PATH}"
    open_page(page, url)
    assert not error_texts(page)
    assert chart_count(page) == N_CHARTS
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(N_CHARTS):
        drawing = charts.nth(i).locator("canvas, svg").first
        assert drawing.is_visible()
        assert drawing.bounding_box()["height"] > 100

    assert slider_value(page, SLIDER) == "10000"
    before = _signatures(page)
    move_slider(page, SLIDER, "ArrowRight")
    assert slider_value(page, SLIDER) == "11000"
    assert query(page).get("n") == ["11000"]
    after = _signatures(page)
    assert after[0] != before[0], "the fraud cost curve did not change with the number of transactions"
    assert after[1] != before[1], "the confusion matrices did not change with the number of transactions"
    assert after[2:] == before[2:], "the demand charts do not depend on the fraud controls"
    assert not error_texts(page)

    # The address bar is the scenario: the same link in a fresh tab shows the same thing.
    context = browser.new_context(viewport=page.viewport_size)
    try:
        other = context.new_page()
        open_page(other, page.url)
        assert slider_value(other, SLIDER) == "11000"
        assert _signatures(other) == after
        assert not error_texts(other)
    finally:
        context.close()

    # The default scenario, whole page, for the lesson slides.
    open_page(page, url)
    assert _signatures(page) == before
    full_page_screenshot(page, str(screenshot_dir / "business_costs.png"))
    assert not error_texts(page)
