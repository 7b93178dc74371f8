"""Schedules: the pointer over one panel of the rate-and-loss chart marks the same epoch on the other."""

from __future__ import annotations

import pytest

from .streamlit_page import error_texts, open_page

pytestmark = pytest.mark.browser

# The canvas pixels in a band of the chart's height (fractions, top to bottom): ``SNAP`` keeps them
# under a name, ``CHANGED`` counts the pixels that differ from a kept band by more than anti-aliasing.
BAND = """(c, top, bottom) => {
  const y0 = Math.floor(c.height * top), y1 = Math.floor(c.height * bottom);
  return c.getContext('2d').getImageData(0, y0, c.width, y1 - y0).data;
}"""
SNAP = f"""([name, top, bottom]) => {{
  const c = document.querySelectorAll('[data-testid="stVegaLiteChart"]')[0].querySelector('canvas');
  (window.__bands = window.__bands || {{}})[name] = ({BAND})(c, top, bottom);
}}"""
CHANGED = f"""([name, top, bottom]) => {{
  const c = document.querySelectorAll('[data-testid="stVegaLiteChart"]')[0].querySelector('canvas');
  const now = ({BAND})(c, top, bottom), was = window.__bands[name];
  if (now.length !== was.length) return -1;
  let n = 0;
  for (let i = 0; i < now.length; i += 4) {{
    const d = Math.max(Math.abs(now[i] - was[i]), Math.abs(now[i + 1] - was[i + 1]), Math.abs(now[i + 2] - was[i + 2]));
    if (d > 32) n++;
  }}
  return n;
}}"""

TOP_PANEL, BOTTOM_PANEL = (0.03, 0.27), (0.35, 0.8)  # the rate panel and the loss panel, roughly


def _point(page, x: float, y: float) -> None:
    box = page.locator('[data-testid="stVegaLiteChart"]').nth(0).locator("canvas").bounding_box()
    page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.wait_for_timeout(250)


def _changed(page, name: str) -> tuple[int, int]:
    """Pixels changed in each panel since the snapshot ``name``."""
    return tuple(page.evaluate(CHANGED, [f"{name}-{i}", *band]) for i, band in enumerate((TOP_PANEL, BOTTOM_PANEL)))


def _snap(page, name: str) -> None:
    for i, band in enumerate((TOP_PANEL, BOTTOM_PANEL)):
        page.evaluate(SNAP, [f"{name}-{i}", *band])


def test_pointing_at_either_panel_marks_the_same_epoch_on_both(server_url, page):
    open_page(page, f"{server_url}/lr_schedules", charts=2)
    assert not error_texts(page)
    try:
        page.mouse.move(1, 1)
        page.wait_for_timeout(200)
        _snap(page, "rest")
        _point(page, 0.55, 0.15)  # over the rates
        top, bottom = _changed(page, "rest")
        assert top > 50, "the rate panel marks the epoch under the pointer"
        assert bottom > 50, "the loss panel marks the same epoch"
        _snap(page, "top")
        _point(page, 0.3, 0.6)  # over the losses, another epoch
        assert min(_changed(page, "top")) > 50, "pointing at the loss panel moves the mark on both panels"
    finally:
        page.mouse.move(1, 1)
        page.wait_for_timeout(250)
    assert _changed(page, "rest") == (0, 0), "the marks go when the pointer leaves"
