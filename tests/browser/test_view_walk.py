"""Clicking from view to view in the sidebar, as a learner does, in a real browser.

Views share short link keys (``n``, ``noise``, ``seed``) with other ranges; a value one view
leaves in the session must never reach another's widget (it crashed the page with
Streamlit's "value is greater than the max_value" box, or quietly changed its numbers).
"""

from __future__ import annotations

import random

import pytest

from dashboard.views import VIEWS

from .streamlit_page import error_texts, main_text, move_slider, open_page, query, slider_value, wait_for_run

pytestmark = pytest.mark.browser

NAV = '[data-testid="stSidebarNav"] a'
TITLES = ["Start here", *(v.title for v in VIEWS)]
WALK_SEED, WALK_CLICKS = 20261202, 40


def click_view(page, title: str) -> None:
    page.locator(NAV).filter(has_text=title).first.click()
    page.wait_for_timeout(200)  # let the page switch begin before waiting for its end
    wait_for_run(page)


def nudge_a_slider(page, rng: random.Random) -> str | None:
    """Move one of the sidebar's sliders with the keyboard; returns what was pressed (a slider in a
    closed expander is not one a learner can reach)."""
    sliders = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]:visible')
    count = sliders.count()
    if not count:
        return None
    slider = sliders.nth(rng.randrange(count)).get_by_role("slider").first
    if slider.is_disabled():
        return None
    key = rng.choice(["ArrowRight", "ArrowLeft", "End", "Home", "PageUp"])
    slider.focus()
    slider.press(key)
    page.wait_for_timeout(300)
    wait_for_run(page)
    return key


def test_the_issue_click_path_opens_regularization_at_its_own_defaults(server_url, page):
    open_page(page, f"{server_url}/business_costs", charts=4)
    page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Transactions").get_by_role("slider").first.press("End")  # n = 20,000 here
    wait_for_run(page)
    click_view(page, "Business costs")
    click_view(page, "Regularization")
    assert error_texts(page) == []
    assert "n" not in query(page) and "noise" not in query(page) and "seed" not in query(page)
    assert "3 of 12" in main_text(page)  # the default scenario's zero count


def test_coming_back_to_a_view_restores_its_values_and_its_link(server_url, page):
    open_page(page, f"{server_url}/regularization", charts=4)
    move_slider(page, "Training points", times=3)  # n: 20 -> 23; Business costs has an n too
    assert query(page)["n"] == ["23"]
    click_view(page, "Business costs")
    assert slider_value(page, "Transactions") == "10000"
    click_view(page, "Regularization")
    assert slider_value(page, "Training points") == "23"
    assert query(page)["n"] == ["23"], "the address must say the restored value, so a copied link holds it"
    click_view(page, "Business costs")  # its own n is the default: Regularization's 23 stays behind
    assert slider_value(page, "Transactions") == "10000" and "n" not in query(page)


def test_a_seeded_random_walk_through_the_sidebar_never_shows_an_error(server_url, page):
    rng = random.Random(WALK_SEED)
    open_page(page, server_url)
    # Every view is one click away: the list is never folded behind a "View more" button.
    assert page.locator(NAV).count() == len(TITLES)
    steps: list[str] = []
    moved = 0
    for _ in range(WALK_CLICKS):
        title = rng.choice(TITLES)
        click_view(page, title)
        steps.append(title)
        assert error_texts(page) == [], f"error box after {steps}"
        pressed = nudge_a_slider(page, rng)
        steps.append(f"  {pressed}")
        moved += pressed is not None
        assert error_texts(page) == [], f"error box after {steps}"
    assert moved >= WALK_CLICKS // 2, f"the walk moved a slider only {moved} times"
