"""The plans page's strategy filter in a browser on a tablet (768 x 1024): typed, chosen with
the keyboard, kept after the page reloads, with touch-sized suggestions. The world is the one
of tests/test_suggest.py, with 25 more strategies of the planner's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import sign_in
from tests.test_suggest import build_world, more_strategies

pytestmark = pytest.mark.browser

TOUCH_TARGET_PX = 44


def test_a_planner_filters_plans_by_a_strategy_found_by_typing(
    transactional_db: None, live_server: Any, page_at: Callable[[int, int], BrowserPage]
) -> None:
    world = build_world()
    more_strategies(world, 25)
    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, world["planner"])
    page.goto(live_server.url + "/plans/")
    expect(page.get_by_role("link", name="Valeria integrated plan")).to_be_visible()
    assert page.locator("option").count() == 11  # status and phase: no option per strategy

    strategy = page.get_by_role("combobox", name="Strategy")
    strategy.press_sequentially("north")
    options = page.locator("#id_strategy-suggestions").get_by_role("option")
    expect(options).to_have_text(["Peace in Northern Valeria"])
    for box in (options.first.bounding_box(), strategy.bounding_box()):
        assert box is not None
        assert box["height"] >= TOUCH_TARGET_PX
    page.keyboard.press("ArrowDown")
    expect(strategy).to_have_attribute("aria-activedescendant", "id_strategy-suggestions-0")
    tablet.screenshot("plans-strategy-suggestions-768x1024")
    page.keyboard.press("Enter")
    expect(strategy).to_have_value("Peace in Northern Valeria")
    expect(options).to_have_count(0)
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(
        f"{live_server.url}/plans/?theatre=&status=&phase=&strategy={world['peace'].pk}"
        "&strategy_name=Peace+in+Northern+Valeria&participant=&participant_name="
    )
    expect(page.get_by_role("combobox", name="Strategy")).to_have_value("Peace in Northern Valeria")
    expect(page.get_by_role("link", name="Valeria integrated plan")).to_be_visible()

    # Typing what matches more than twenty shows twenty and says so; Escape closes the list.
    strategy = page.get_by_role("combobox", name="Strategy")
    strategy.fill("")
    strategy.press_sequentially("district")
    expect(options).to_have_count(20)
    expect(page.get_by_text("More match: type more of the name.")).to_be_visible()
    tablet.screenshot("plans-strategy-many-768x1024")
    assert not tablet.scrolls_horizontally()
    page.keyboard.press("Escape")
    expect(page.locator("#id_strategy-suggestions")).to_be_hidden()
    assert tablet.errors == []
