"""Helpers to drive a Streamlit page in Playwright: wait for a run, read charts, move sliders."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.views import VIEWS

RUN_TIMEOUT_MS = 60_000  # a first visit to a fresh server (the start page draws every figure) on a busy machine


def wait_for_run(page: Page) -> None:
    """Wait until the script has finished running and every chart has drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=RUN_TIMEOUT_MS)
    # Every page of the dashboard starts with its title: the first run has drawn when it shows.
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RUN_TIMEOUT_MS)
    # The app marks its own state: "initial" before the first run, "running" during a run.
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RUN_TIMEOUT_MS)
    # The status widget shows "Running..." while the script runs.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               || !document.querySelector('[data-testid="stStatusWidget"]').innerText.includes('Running')""",
        timeout=RUN_TIMEOUT_MS,
    )
    # Fonts and images loaded, so two pictures of one scenario are the same pixels. (Not "networkidle":
    # it waits half a second of quiet after every run, most of a browser test's time.)
    page.wait_for_function("() => document.fonts.status === 'loaded' && [...document.images].every(i => i.complete)",
                           timeout=RUN_TIMEOUT_MS)
    # Every chart on the page drawn, counted afresh while waiting: a page switch that lands after the checks
    # above replaces the old page's charts with fewer (the random walk met this on a busy machine).
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => {
                   const d = c.querySelector('canvas, svg');
                   return d && d.getBoundingClientRect().height > 0 && getComputedStyle(d).visibility !== 'hidden'; })""",
        timeout=RUN_TIMEOUT_MS,
    )
    # A chart of width "container" is measured when drawn; a scrollbar that came and went
    # during the run can leave it a pixel off. A resize event makes Vega measure again, so
    # the same scenario always draws the same pixels.
    page.evaluate("() => window.dispatchEvent(new Event('resize'))")
    page.wait_for_timeout(300)


def open_page(page: Page, url: str, *, charts: int = 0) -> None:
    """Open ``url`` and wait for its run and for at least ``charts`` charts: on a busy machine
    they can mount a moment after the script reports that it is done (seen on the first load
    of a fresh server)."""
    page.goto(url)
    wait_for_charts(page, charts)


def wait_for_charts(page: Page, charts: int = 0) -> None:
    """Wait for at least ``charts`` charts on the page, then for its run to end."""
    if charts:
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= {charts}",
            timeout=RUN_TIMEOUT_MS,
        )
    wait_for_run(page)


def main_text(page: Page) -> str:
    """All text of the page's main block (not the sidebar)."""
    return page.inner_text('[data-testid="stMain"]')


def error_texts(page: Page) -> list[str]:
    """Texts of error boxes and exceptions on the page (empty when all is well)."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def chart_count(page: Page) -> int:
    return page.locator('[data-testid="stVegaLiteChart"]').count()


def chart_signature(page: Page, index: int = 0) -> str:
    """The rendered marks of chart ``index``: changes whenever its data changes.

    Vega draws to a canvas by default, so the canvas pixels (as a data URL) are compared.
    An SVG is compared without its ``aria-label`` texts: Vega writes them (e.g. "values from
    0 to 500") when a chart is first drawn and does not refresh them when a rerun updates
    the data in place, so they can differ between a moved chart and a fresh page drawing
    the very same marks. The ids Vega numbers in drawing order (``clip7``, ``gradient_1``, for
    clipped marks and colour gradients) count every drawing on the page, so they are blanked.
    """
    chart = page.locator('[data-testid="stVegaLiteChart"]').nth(index)
    return chart.evaluate(
        """el => { const c = el.querySelector('canvas');
                   if (c) return c.toDataURL();
                   const s = (el.querySelector('svg') || el).cloneNode(true);
                   s.querySelectorAll('[aria-label]').forEach(n => n.removeAttribute('aria-label'));
                   return s.outerHTML.replace(/\\b(clip|gradient_)\\d+\\b/g, '$1N'); }"""
    )


def same_drawing(a: str, b: str) -> bool:
    """Two chart signatures show the same picture.

    SVG texts must be equal. Canvas pixels may differ by anti-aliasing alone: Vega redraws only
    the changed region of a chart it updates in place, and the edges of that region blend a
    little differently from a chart drawn whole (measured: at most 118 pixels of 200,000, by at
    most 9 of 255; where semi-transparent lines cross, as in the coefficient paths, 937 of
    140,160 by at most 20; where a steep line crosses a redrawn region's edge, as on the
    schedules' two-panel chart after its epoch axis grew, 2 pixels of 475,000 by up to 49).
    Any change of data moves marks, text or axes: hundreds of pixels whose opaque edges differ by
    far more than 32 of 255.
    """
    if a == b:
        return True
    if not (a.startswith("data:image/png;base64,") and b.startswith("data:image/png;base64,")):
        return False
    import base64
    import io

    import numpy as np
    from PIL import Image

    one, two = (np.asarray(Image.open(io.BytesIO(base64.b64decode(s.split(",", 1)[1]))).convert("RGBA"), dtype=int)
                for s in (a, b))
    if one.shape != two.shape:
        return False
    off = np.abs(one - two).max(axis=2)
    return int((off > 32).sum()) <= 5 and int((off > 0).sum()) <= 0.01 * off.size


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def move_slider(page: Page, label: str, key: str = "ArrowRight", times: int = 1) -> None:
    """Focus the slider whose label is ``label`` and press an arrow key, like a keyboard user."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first.get_by_role("slider").first
    slider.focus()
    for _ in range(times):
        slider.press(key)
    # The rerun may not have started yet: give it a moment to, so the wait below is for it.
    try:
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=2_000)
    except PlaywrightTimeoutError:
        pass  # a fast rerun may already be over
    wait_for_run(page)


def slider_value(page: Page, label: str) -> str:
    """The value a slider shows, as text."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).first.get_by_role("slider").first
    # Streamlit 1.67 draws an <input type="range"> whose aria-valuetext is the shown value
    # (for a select_slider: the option's text, while its value is the option's index).
    return slider.get_attribute("aria-valuetext") or slider.get_attribute("aria-valuenow") or ""


# Whole-page screenshots are for people to look at (``SCREENSHOTS=1 python -m pytest -m browser``): no test
# reads them, and taking them (the page grown to its height, redrawn, encoded) was a tenth of the browser tests.
SCREENSHOTS = bool(os.environ.get("SCREENSHOTS"))


def full_page_screenshot(page: Page, path: str) -> None:
    """Save the whole page when ``SCREENSHOTS`` is set: Streamlit scrolls inside its main block, so
    ``full_page=True`` alone gives only the viewport; the viewport is grown to the content for the shot,
    then put back."""
    if not SCREENSHOTS:
        return
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   const s = document.querySelector('[data-testid="stSidebarContent"]');
                   return Math.max(m ? m.scrollHeight : 0, s ? s.scrollHeight : 0, window.innerHeight); }"""
    )
    page.set_viewport_size({"width": size["width"], "height": int(height)})
    try:
        wait_for_run(page)
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(size)


# Charts each view draws at its default scenario (declared in its row of views.py).
VIEW_CHARTS = {v.name: len(v.tags.charts) for v in VIEWS}
