"""Every page on a 390 px phone: the sidebar starts closed, nothing runs off the side (a wide
table scrolls in its own box, charts take the width they have, side-by-side panels stack),
and the charts are drawn."""

from __future__ import annotations

import pytest

from .streamlit_page import error_texts, full_page_screenshot, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# (address, charts): every view at its default, and the scenarios that draw other charts.
PAGES = [
    ("", 0), ("mse_vs_mae", 6), ("mse_vs_mae?data=Lagos+houses", 3), ("regularization", 4),
    ("regularization?penalty=Elastic+net", 4), ("learning_rate", 3), ("learning_rate?sched=Cosine+annealing", 4),
    ("business_costs", 4), ("business_costs?weights=true", 4), ("learning_rate?present=1", 3),
    ("optimizer_race", 3), ("optimizer_race?surface=line_fit&run_adamw=true", 3),
    ("fit_by_hand", 2), ("worked_examples", 1), ("worked_examples?worksheet=true", 0), ("cross_entropy", 4), ("normal_equation", 5),
    ("normal_equation?likeness=an+exact+copy+of+x%E2%82%81", 5), ("loss_curves", 2), ("loss_curves?quiz=true", 2), ("fit_by_hand?squares=true&reveal=true&loss=Absolute+error+%28MAE%29", 2),
    ("batch_size", 3), ("local_minima", 6), ("local_minima?surface=Two+wells+%282-D%29&trap=The+plateau", 6), ("lr_schedules", 2), ("lr_schedules?batch=64+%28full+batch%29&lr=1.3&b=Warmup%2C+then+cosine", 2),
]

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
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
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
