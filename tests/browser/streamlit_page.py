"""Helpers to drive a Streamlit page in Playwright: wait for a run, read charts, move sliders."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

RUN_TIMEOUT_MS = 30_000


def wait_for_run(page: Page) -> None:
    """Wait until the script has finished running and every chart has drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=RUN_TIMEOUT_MS)
    # Every page of the dashboard starts with its title: the first run has drawn when it shows.
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RUN_TIMEOUT_MS)
    # The status widget shows "Running..." while the script runs.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               || !document.querySelector('[data-testid="stStatusWidget"]').innerText.includes('Running')""",
        timeout=RUN_TIMEOUT_MS,
    )
    page.wait_for_load_state("networkidle")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        expect(charts.nth(i).locator("canvas, svg").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(300)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)


def error_texts(page: Page) -> list[str]:
    """Texts of error boxes and exceptions on the page (empty when all is well)."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def chart_count(page: Page) -> int:
    return page.locator('[data-testid="stVegaLiteChart"]').count()


def chart_signature(page: Page, index: int = 0) -> str:
    """The rendered marks of chart ``index``: changes whenever its data changes.

    Vega draws to a canvas by default, so the canvas pixels (as a data URL) are compared.
    """
    chart = page.locator('[data-testid="stVegaLiteChart"]').nth(index)
    return chart.evaluate(
        """el => { const c = el.querySelector('canvas');
                   return c ? c.toDataURL() : (el.querySelector('svg') || el).outerHTML; }"""
    )


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def move_slider(page: Page, label: str, key: str = "ArrowRight", times: int = 1) -> None:
    """Focus the slider whose label is ``label`` and press an arrow key, like a keyboard user."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first.get_by_role("slider").first
    slider.focus()
    for _ in range(times):
        slider.press(key)
    wait_for_run(page)


def slider_value(page: Page, label: str) -> str:
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first.get_by_role("slider").first
    return slider.get_attribute("aria-valuenow") or ""
