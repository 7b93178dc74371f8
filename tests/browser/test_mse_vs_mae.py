"""MSE vs MAE page in a real browser: charts drawn, a slider moved by keyboard, the link reproduces."""

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

URL_PATH = "mse_vs_mae"
SLIDER = "How far the outliers sit"
N_CHARTS = 4  # fitted lines, slope moves, loss contributions, loss shapes


def _signatures(page) -> list[str]:
    return [chart_signature(page, i) for i in range(N_CHARTS)]


def test_mse_vs_mae_page_in_browser(server_url, page, browser, screenshot_dir):
    url = f"{server_url}/{URL_PATH}"
    open_page(page, url)
    assert not error_texts(page)
    assert chart_count(page) == N_CHARTS
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(N_CHARTS):
        drawing = charts.nth(i).locator("canvas, svg").first
        assert drawing.is_visible()
        assert drawing.bounding_box()["height"] > 100

    assert slider_value(page, SLIDER) == "20"
    before = _signatures(page)
    move_slider(page, SLIDER, "ArrowRight")
    assert slider_value(page, SLIDER) == "21"
    assert query(page).get("shift") == ["21"]
    after = _signatures(page)
    for i, name in enumerate(["fitted lines", "slope moves", "loss contributions", "loss shapes"]):
        assert after[i] != before[i], f"the {name} chart did not change when the outlier moved"
    assert not error_texts(page)

    # The address bar is the scenario: the same link in a fresh tab shows the same thing.
    context = browser.new_context(viewport=page.viewport_size)
    try:
        other = context.new_page()
        open_page(other, page.url)
        assert slider_value(other, SLIDER) == "21"
        assert _signatures(other) == after
        assert not error_texts(other)
    finally:
        context.close()

    # The Lagos houses: a link with the label the page shows.
    open_page(page, f"{url}?data=Lagos+houses")
    assert not error_texts(page)
    assert chart_count(page) == N_CHARTS
    assert "100/134 = 75% of the MSE" in page.inner_text('[data-testid="stMain"]')
    full_page_screenshot(page, str(screenshot_dir / "mse_vs_mae_lagos.png"))

    # The default scenario, whole page, for the lesson slides.
    open_page(page, url)
    assert _signatures(page) == before
    full_page_screenshot(page, str(screenshot_dir / "mse_vs_mae.png"))
    assert not error_texts(page)
