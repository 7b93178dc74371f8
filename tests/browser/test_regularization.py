"""Regularization page in a real browser: charts drawn, λ moved by keyboard, the link reproduces."""

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

URL_PATH = "regularization"
SLIDER = "Penalty strength λ"
N_CHARTS = 4  # fitted curve, U-curve, coefficient paths, two-weight picture
PICTURE = 3


def test_regularization_page_in_browser(server_url, page, browser, screenshot_dir):
    open_page(page, f"{server_url}/{URL_PATH}")
    assert not error_texts(page)
    assert chart_count(page) == N_CHARTS
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(N_CHARTS):
        drawing = charts.nth(i).locator("canvas, svg").first
        assert drawing.is_visible()
        assert drawing.bounding_box()["height"] > 100
    full_page_screenshot(page, str(screenshot_dir / "regularization.png"))

    start = slider_value(page, SLIDER)
    before = [chart_signature(page, i) for i in range(N_CHARTS)]
    move_slider(page, SLIDER, "ArrowRight")
    assert slider_value(page, SLIDER) != start
    assert query(page).get("lam") == ["0.00016"]  # one step up the grid from 0.0001
    after = [chart_signature(page, i) for i in range(N_CHARTS)]
    for i in range(PICTURE):
        assert after[i] != before[i], f"chart {i} did not change with λ"
    assert after[PICTURE] == before[PICTURE], "the two-weight picture has its own λ"
    assert not error_texts(page)

    # The address bar is the scenario: the same link in a fresh tab shows the same thing.
    context = browser.new_context(viewport=page.viewport_size)
    try:
        other = context.new_page()
        open_page(other, page.url)
        assert slider_value(other, SLIDER) == slider_value(page, SLIDER)
        assert [chart_signature(other, i) for i in range(N_CHARTS)] == after
        assert not error_texts(other)
    finally:
        context.close()


def test_extreme_scenario_in_browser(server_url, page, screenshot_dir):
    """Highest degree, fewest points, the weakest and the strongest λ: drawn, no error box."""
    for lam in ("1e-08", "10"):
        open_page(page, f"{server_url}/{URL_PATH}?degree=15&n=10&noise=1&penalty=Elastic+net&lam={lam}&lam2=10")
        assert not error_texts(page)
        assert chart_count(page) == N_CHARTS
        full_page_screenshot(page, str(screenshot_dir / f"regularization-extreme-{lam}.png"))
