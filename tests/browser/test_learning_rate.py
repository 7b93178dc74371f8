"""Learning-rate page in a real browser: charts drawn, a slider moved by keyboard, the link reproduces."""

from __future__ import annotations

import pytest

from .streamlit_page import (
    RUN_TIMEOUT_MS,
    chart_count,
    chart_signature,
    error_texts,
    full_page_screenshot,
    move_slider,
    open_page,
    query,
    slider_value,
    wait_for_run,
)

pytestmark = pytest.mark.browser

URL_PATH = "learning_rate"
SLIDER = "Too large η"
N_CHARTS = 3  # loss valley with paths, loss curves, sweep of 100 rates
NAMES = ["loss valley", "loss curves", "sweep"]


def _signatures(page) -> list[str]:
    return [chart_signature(page, i) for i in range(N_CHARTS)]


def _open(page, url: str, n_charts: int = N_CHARTS) -> None:
    """Open the page and wait for its charts: on a busy machine they can mount a moment after
    the script reports that it is done (seen on the first load of a fresh server)."""
    open_page(page, url)
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= {n_charts}",
        timeout=RUN_TIMEOUT_MS,
    )
    wait_for_run(page)


def test_learning_rate_page_in_browser(server_url, page, browser, screenshot_dir):
    url = f"{server_url}/{URL_PATH}"
    _open(page, url)
    assert not error_texts(page)
    assert chart_count(page) == N_CHARTS
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(N_CHARTS):
        drawing = charts.nth(i).locator("canvas, svg").first
        assert drawing.is_visible()
        assert drawing.bounding_box()["height"] > 150
    main = page.inner_text('[data-testid="stMain"]')
    assert "diverged at step 36" in main and "0.02589" in main

    assert slider_value(page, SLIDER) == "0.032"
    before = _signatures(page)
    move_slider(page, SLIDER, "ArrowRight")
    assert slider_value(page, SLIDER) == "0.04"
    assert query(page).get("large") == ["0.04"]
    after = _signatures(page)
    for i, name in enumerate(NAMES):
        assert after[i] != before[i], f"the {name} chart did not change when the rate moved"
    assert not error_texts(page)

    # The address bar is the scenario: the same link in a fresh tab shows the same thing.
    context = browser.new_context(viewport=page.viewport_size)
    try:
        other = context.new_page()
        _open(other, page.url)
        assert slider_value(other, SLIDER) == "0.04"
        assert _signatures(other) == after
        assert not error_texts(other)
    finally:
        context.close()

    # Momentum with a schedule: the schedule's own small chart joins the three.
    _open(page, f"{url}?opt=Momentum&sched=Warmup%2C+then+cosine", N_CHARTS + 1)
    assert not error_texts(page)
    assert chart_count(page) == N_CHARTS + 1
    assert "For momentum μ = 0.9 the theory moves the limit" in page.inner_text('[data-testid="stMain"]')
    full_page_screenshot(page, str(screenshot_dir / "learning_rate_momentum.png"))

    # The default scenario, whole page, for the lesson slides.
    _open(page, url)
    assert _signatures(page) == before
    page.get_by_text("The math").first.click()
    page.wait_for_timeout(500)
    full_page_screenshot(page, str(screenshot_dir / "learning_rate.png"))
    assert not error_texts(page)
