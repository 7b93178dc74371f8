"""Every what-if page in a real browser.

For each page: the charts are drawn and no error box shows; one slider moved with the
keyboard changes the charts that depend on it (and only those) and the address bar; that
address opened in a fresh browser context shows the same value and the same pixels, and opens
"The math". Screenshots go to the
ignored ``artifacts/screenshots``. Links to the seeds' named scenarios are checked below.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.views import VIEWS, Probe

from .streamlit_page import (
    chart_count,
    chart_signature,
    error_texts,
    full_page_screenshot,
    main_text,
    move_slider,
    open_page,
    query,
    same_drawing,
    slider_value,
    wait_for_charts,
    wait_for_run,
)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Case:
    path: str  # the page's URL path
    charts: tuple[str, ...]  # its charts, top to bottom
    probe: Probe  # the slider moved with the keyboard, and a number the default states
    title: str  # the start page's card names it so
    question: str  # the page's heading
    main: int = 0  # the chart that draws a pinned scenario in grey
    formulas: int = 0  # typeset formulas outside "The math" (live numbers)


# Every view with a slider, from the facts declared in its row of views.py.
CASES = tuple(Case(v.name, v.tags.charts, v.tags.probe, v.title, v.question, v.tags.main_chart, v.tags.live_formulas)
              for v in VIEWS if v.tags.probe is not None)


def _signatures(page, case: Case) -> list[str]:
    return [chart_signature(page, i) for i in range(len(case.charts))]


def _same(one: list[str], two: list[str]) -> bool:
    return len(one) == len(two) and all(same_drawing(a, b) for a, b in zip(one, two))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.path)
def test_page_draws_reacts_and_shares(case, server_url, page, browser, screenshot_dir):
    # Reached as a learner reaches it: the start page's card for the view.
    open_page(page, server_url)
    page.locator('[data-testid="stMain"]').get_by_role("link", name=case.title).click()
    page.wait_for_url(f"**/{case.path}**")
    wait_for_charts(page, len(case.charts))
    assert page.get_by_role("heading", name=case.question).is_visible()
    assert not error_texts(page)
    assert chart_count(page) == len(case.charts)
    drawings = page.locator('[data-testid="stVegaLiteChart"]')
    for i, name in enumerate(case.charts):
        drawing = drawings.nth(i).locator("canvas, svg").first
        assert drawing.is_visible(), f"the {name} chart is not drawn"
        assert drawing.bounding_box()["height"] > 100, f"the {name} chart is flat"
    assert case.probe.shown in main_text(page)

    assert slider_value(page, case.probe.label) == case.probe.start
    before = _signatures(page, case)
    move_slider(page, case.probe.label, "ArrowRight")
    assert slider_value(page, case.probe.label) == case.probe.moved
    assert query(page).get(case.probe.key) == [case.probe.moved]
    after = _signatures(page, case)
    for name, old, new in zip(case.charts, before, after):
        if name in case.probe.unchanged:
            assert same_drawing(new, old), f"the {name} chart changed, but does not depend on {case.probe.label!r}"
        else:
            assert not same_drawing(new, old), f"the {name} chart did not change when {case.probe.label!r} moved"
    assert not error_texts(page)

    # The address bar is the scenario: the same link, presented in a fresh context (a projector), shows it
    # without the chrome, and its link back shows the same drawings with the controls. (That a bare link opens
    # the default is the first load above; AppTest checks it for every control.)
    context = browser.new_context(viewport=page.viewport_size)
    try:
        other = context.new_page()
        open_page(other, f"{page.url}&present=1", charts=len(case.charts))
        assert not error_texts(other)
        for chrome in ("stSidebar", "stHeader", "stToolbar", "stSidebarNav"):
            assert not other.locator(f'[data-testid="{chrome}"]').is_visible(), chrome
        assert not other.get_by_role("button", name="PNG").count()  # no downloads on a projector
        full_page_screenshot(other, str(screenshot_dir / f"present-{case.path}.png"))
        other.get_by_role("link", name="Back to the normal view").click()
        other.wait_for_url(lambda url: "present" not in url)
        wait_for_charts(other, len(case.charts))
        assert other.locator('[data-testid="stSidebar"]').is_visible()
        assert query(other).get(case.probe.key) == [case.probe.moved] and "present" not in query(other)
        assert slider_value(other, case.probe.label) == case.probe.moved
        assert _same(_signatures(other, case), after)
        assert not error_texts(other)
        formulas = other.locator('[data-testid="stMain"] .katex')
        assert formulas.count() == case.formulas  # the math's are drawn only while it is open
        other.get_by_text("The math").first.click()
        formulas.nth(case.formulas).wait_for(state="visible", timeout=30_000)
        wait_for_run(other)
        full_page_screenshot(other, str(screenshot_dir / f"{case.path}.png"))  # whole page, for the lesson slides
        assert not error_texts(other)
    finally:
        context.close()


@pytest.mark.parametrize(("name", "link", "charts", "text"), [
    # The seeds' Lagos houses: one mispriced house carries three quarters of the MSE; the model is
    # scored, not refitted, so only the bars and the loss shapes (penalty and pull) are drawn.
    ("mse_vs_mae_lagos", "mse_vs_mae?data=Lagos+houses", 3, "100/134 = 75% of the MSE"),
    # Momentum with a schedule: the schedule's own small chart joins the three.
    ("learning_rate_momentum", "learning_rate?opt=Momentum&sched=Warmup%2C+then+cosine", 4,
     "For momentum μ = 0.9 the theory moves the limit up"),
    # The weakest and the strongest λ at the highest degree on the fewest points.
    ("regularization_weakest", "regularization?degree=15&n=10&noise=1&penalty=Elastic+net&lam=1e-08&lam2=10", 4,
     "of 15"),
    ("regularization_strongest", "regularization?degree=15&n=10&noise=1&penalty=Elastic+net&lam=10&lam2=10", 4,
     "15 of 15"),
    # The seeds' fraud prices flipped: a false alarm dearer than a miss.
    ("business_costs_flipped", "business_costs?miss=10&alarm=1000", 4, "0.9901"),
])
def test_shared_link_opens_its_scenario(name, link, charts, text, server_url, page, screenshot_dir):
    open_page(page, f"{server_url}/{link}", charts=charts)
    assert not error_texts(page)
    assert chart_count(page) == charts
    assert text in main_text(page)
    full_page_screenshot(page, str(screenshot_dir / f"{name}.png"))


@pytest.mark.parametrize("link", [
    # The review's links (issue 24): a diverged racer's step marker, far off the plot, grew the chart
    # to 37,451,948 x 922,169 px and pushed the rest of the page 925,000 px down.
    "optimizer_race?tuned=false&lr_momentum=0.1",
    "optimizer_race?steps=1000&run_nesterov=true&run_adagrad=true&run_rmsprop=true&run_adamw=true&own_start=true"
    "&x0=-5&y0=5&mu=0.99&beta1=0.99&beta2=0.9999",
    "optimizer_race?tuned=false&lr_sgd=0.01",
])
def test_a_racer_that_flies_off_leaves_every_chart_its_own_size(link, server_url, page):
    open_page(page, f"{server_url}/{link}", charts=3)
    assert not error_texts(page)
    sizes = page.eval_on_selector_all('[data-testid="stVegaLiteChart"] canvas',
                                      "cs => cs.map(c => [c.clientWidth, c.clientHeight])")
    assert len(sizes) == 3 and all(0 < w <= 800 and 0 < h <= 1000 for w, h in sizes), sizes
    width, height = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert width <= page.viewport_size["width"] and height < 8000, (width, height)


def test_a_long_headline_wraps_whole_instead_of_ending_in_an_ellipsis(server_url, page):
    """The review's "diverged at updat…": at lr = 0.5 two of batch size's three headlines are too long for a
    column. Every headline value shows all of its text: nothing inside it is clipped."""
    open_page(page, f"{server_url}/batch_size?lr=0.5", charts=3)
    values = page.locator('[data-testid="stMetricValue"]')
    assert values.count() == 3 and "diverged at update" in values.nth(1).inner_text()
    clipped = page.eval_on_selector_all('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *',
                                        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
    assert clipped == 0


def test_a_seed_typed_out_of_range_is_clamped_without_an_error_box(server_url, page):
    open_page(page, f"{server_url}/mse_vs_mae", charts=6)
    box = page.locator('[data-testid="stNumberInput"] input').first
    box.fill("10000")
    box.press("Enter")
    wait_for_run(page)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stNumberInput\"] input').value === '9999'",
                           timeout=30_000)
    wait_for_run(page)
    assert query(page).get("seed") == ["9999"]
    assert not error_texts(page)
    assert "Press Enter to apply" not in page.locator('[data-testid="stSidebar"]').inner_text()


def test_hovering_a_coefficient_path_picks_it_out_and_leaving_restores_the_chart(server_url, page):
    open_page(page, f"{server_url}/regularization", charts=4)
    paths = page.locator('[data-testid="stVegaLiteChart"]').nth(2)
    paths.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    before = chart_signature(page, 2)
    box = paths.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35, steps=5)
    page.wait_for_timeout(500)
    hovered = chart_signature(page, 2)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] + 200)  # off the chart
    page.wait_for_timeout(500)
    assert not same_drawing(before, hovered)  # the other lines faded
    assert same_drawing(before, chart_signature(page, 2))


# The pin's machinery is shared: two views here (the contract suite pins every view in AppTest).
@pytest.mark.parametrize("case", [c for c in CASES if c.path in ("mse_vs_mae", "optimizer_race")], ids=lambda c: c.path)
def test_pin_then_move_compares_and_the_link_carries_both(case, server_url, page, browser, screenshot_dir):
    open_page(page, f"{server_url}/{case.path}", charts=len(case.charts))
    deltas = page.locator('[data-testid="stMetricDelta"]')
    assert deltas.count() == 0
    page.get_by_role("button", name="Pin this scenario").click()
    wait_for_run(page)
    page.wait_for_function("() => new URLSearchParams(location.search).has('pin')", timeout=30_000)
    move_slider(page, case.probe.label, "ArrowRight")
    assert query(page).get(case.probe.key) == [case.probe.moved] and query(page).get("pin")
    assert f"{case.probe.start} → {case.probe.moved}" in main_text(page)
    assert deltas.count() > 0 and deltas.first.is_visible()
    assert not error_texts(page)
    full_page_screenshot(page, str(screenshot_dir / f"pinned-{case.path}.png"))

    # The A/B link in a fresh browser: the same comparison, pixel for pixel.
    context = browser.new_context(viewport=page.viewport_size)
    try:
        other = context.new_page()
        open_page(other, page.url, charts=len(case.charts))
        assert other.locator('[data-testid="stMetricDelta"]').count() == deltas.count()
        assert _same(_signatures(other, case), _signatures(page, case))
    finally:
        context.close()

    compared = chart_signature(page, case.main)
    page.get_by_role("button", name="Unpin").click()
    wait_for_run(page)
    page.wait_for_function("() => !new URLSearchParams(location.search).has('pin')", timeout=30_000)
    assert deltas.count() == 0
    assert not same_drawing(chart_signature(page, case.main), compared), "the grey pinned result is gone"


# The upload's machinery is shared too (tests/dashboard/test_upload_views.py covers every upload view).
UPLOAD_CASES = [case for case in CASES if case.path == "regularization"]


@pytest.mark.parametrize("case", UPLOAD_CASES, ids=lambda c: c.path)
def test_an_uploaded_file_is_fitted_and_a_bad_one_leaves_the_built_in_data(case, server_url, page, screenshot_dir,
                                                                           tmp_path):
    open_page(page, f"{server_url}/{case.path}", charts=len(case.charts))
    before = _signatures(page, case)
    rows = "\n".join(f"{t};{6 * t - 40 + (200 if t % 17 == 0 else (t * 7) % 11)}" for t in range(15, 75))
    good = tmp_path / "shop.csv"
    good.write_text(f"temperature;sales\n{rows}\n", encoding="utf-8")
    box = page.locator('[data-testid="stSidebar"] input[type="file"]')
    box.set_input_files(str(good))
    page.get_by_text("Your data: sales against temperature").first.wait_for(timeout=60_000)
    wait_for_charts(page, len(case.charts))
    assert not error_texts(page)
    assert query(page).get("upload") == ["file-not-in-link"]
    assert not _same(_signatures(page, case), before)
    full_page_screenshot(page, str(screenshot_dir / f"upload-{case.path}.png"))

    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300))
    box.set_input_files(str(bad))
    page.get_by_text("This file holds binary bytes").first.wait_for(timeout=60_000)
    wait_for_charts(page, len(case.charts))
    assert not error_texts(page) and "Traceback" not in main_text(page)
    assert _same(_signatures(page, case), before), "the built-in data stays"
    # The same rerun that says the sentence drops the note; the address bar may follow a moment later.
    try:
        page.wait_for_function("() => !new URLSearchParams(location.search).has('upload')", timeout=30_000)
    except PlaywrightTimeoutError:
        pass  # the assertion below says what is left
    assert "upload" not in query(page)


def test_a_prediction_typed_on_the_worked_examples_reworks_its_card_and_the_link(server_url, page):
    open_page(page, f"{server_url}/worked_examples", charts=1)
    assert "44.67" in main_text(page) and "$14,142" in main_text(page)
    # Each example's inputs sit behind a popover button: only the open one's are laid out.
    page.locator('[data-testid="stSidebar"] [data-testid="stPopover"] button').filter(has_text="Rainfall").first.click()
    box = page.get_by_role("spinbutton", name="model B, week 4")
    box.fill("40")
    box.press("Enter")
    wait_for_run(page)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').innerText.includes('MSE: A 4.4, B 12.0')",
                           timeout=30_000)
    assert query(page).get("rain_b4") == ["40"]
    assert not error_texts(page)
