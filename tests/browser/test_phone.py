"""Every page on a 390 px phone: the sidebar starts closed, nothing runs off the side (a wide
table scrolls in its own box, charts take the width they have, side-by-side panels stack),
and the charts are drawn."""

from __future__ import annotations

import pytest

from dashboard.views import VIEWS

from .streamlit_page import SCREENSHOTS, error_texts, full_page_screenshot, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# (address, charts): the start page, every view at its default, and the scenarios its row of views.py names
# for a phone (those that draw other charts).
PAGES = [("", 0)] + [(address, charts) for v in VIEWS
                     for address, charts in ((v.name, len(v.tags.charts)),
                                             *((f"{v.name}?{query}", n) for query, n in v.tags.phone))]

# What sticks out past the right edge of the viewport, outside the (closed) sidebar.
OVERFLOW = """() => {
  const W = document.documentElement.clientWidth;
  const side = document.querySelector('[data-testid="stSidebar"]');
  const main = document.querySelector('[data-testid="stMain"]');
  const wide = [];
  for (const el of main.querySelectorAll('[data-testid="stVegaLiteChart"], [data-testid="stImage"], canvas, '
                                         + '[data-testid="stHorizontalBlock"], [data-testid="stMetric"]')) {
    const r = el.getBoundingClientRect();
    if (r.right > W + 1) wide.push((el.getAttribute('data-testid') || el.tagName) + ' to ' + Math.round(r.right));
  }
  const tables = [...main.querySelectorAll('table')].map(t => [t.getBoundingClientRect().right, t.scrollWidth,
                                                                t.clientWidth]);
  return {W, mainScroll: main.scrollWidth, wide, tables,
          sidebarOpen: !!side && side.getAttribute('data-collapsed') !== 'true'};
}"""


@pytest.fixture
def phone(browser):
    # A phone's two device pixels per CSS pixel only for the screenshots: the layout (what is checked) is the
    # same in CSS pixels, and four times the pixels cost the browser's raster
    context = browser.new_context(viewport=PHONE, device_scale_factor=2 if SCREENSHOTS else 1, is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("address", "charts"), PAGES, ids=lambda v: str(v))
def test_a_phone_sees_the_whole_page_with_the_sidebar_closed(address, charts, server_url, phone, screenshot_dir):
    open_page(phone, f"{server_url}/{address}", charts=charts)
    assert not error_texts(phone)
    found = phone.evaluate(OVERFLOW)
    assert not found["sidebarOpen"]
    assert found["wide"] == [] and found["mainScroll"] <= found["W"], found
    for right, scroll_width, client_width in found["tables"]:  # a wide table scrolls inside its own box
        assert right <= found["W"] + 1 and scroll_width >= client_width
    full_page_screenshot(phone, str(screenshot_dir / f"phone-{address.replace('?', '-') or 'start'}.png"))
