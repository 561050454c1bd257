"""The perception form on a tablet (768 x 1024): a field advisor opens it from the plan's
Communication section, records a survey's figure with big touch targets, and sees that trust
in the police fell below the threshold; nothing scrolls sideways, the browser reports no error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from outreach.models import PerceptionReading
from strategy.models import Indicator
from tests.browser import BrowserPage
from tests.e2e.test_home import sign_in
from tests.outreach.conftest import item_make, world_make

pytestmark = pytest.mark.browser


def test_a_field_advisor_records_perception_on_a_tablet(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    world = world_make()
    plan = world["plan"]
    item_make(world)
    item_make(world, title="Briefing for the committee", audience="parliament", channel="briefing")
    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, world["people"]["mfa_advisor"])
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    section = page.locator("#communication")
    section.get_by_role("button", name="Record a perception reading").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a perception reading")

    page.get_by_label("Trust in the police (%)").check()
    page.get_by_label("Area").fill("Kora district")
    page.get_by_label("Result").fill("36")
    page.get_by_label("People asked").fill("420")
    page.get_by_label("Source").fill("Valeria Opinion Institute")
    form = page.get_by_role("form", name="Perception reading")
    # Every control is a comfortable touch target.
    for control in (
        page.get_by_label("Area"),
        page.get_by_label("Result"),
        page.locator("label[for^='id_indicator_']").first,
        page.locator("label[for^='id_measure_']").first,
        form.get_by_role("button", name="Record reading"),
    ):
        box = control.bounding_box()
        assert box is not None
        assert box["height"] >= 44
    assert not tablet.scrolls_horizontally()
    form.get_by_role("button", name="Record reading").click()

    expect(page.locator(".flash")).to_have_text(
        "Recorded: Trust in the police 36 in Kora district. This is past the warning "
        "threshold: the partners are warned."
    )
    expect(page.get_by_role("region", name="Latest readings")).to_contain_text("Early warning")
    tablet.screenshot("outreach-perception-768x1024")
    assert not tablet.scrolls_horizontally()
    assert tablet.errors == []
    perception = PerceptionReading.objects.get()
    assert (perception.area, perception.sample_size, perception.source) == (
        "Kora district",
        420,
        "Valeria Opinion Institute",
    )
    assert Indicator.objects.get(pk=world["indicator"].pk).in_warning is True

    # Back on the plan, the section shows the reading and the indicator's chart.
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    expect(section.locator(".outreach-perception")).to_contain_text("Kora district")
    expect(section.locator("figure.chart-box svg")).to_have_count(1)
    expect(section.locator(".outreach-calendar")).to_contain_text("Briefing for the committee")
    section.scroll_into_view_if_needed()
    tablet.screenshot("outreach-plan-section-768x1024")
    assert not tablet.scrolls_horizontally()
    assert tablet.errors == []
