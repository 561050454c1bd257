"""The public page on a phone (390 x 844): readable without zooming or scrolling sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from missions.models import Activity, Plan
from outreach.models import CommunicationItem, CommunicationStatus
from tests.browser import BrowserPage
from tests.publication.conftest import PUBLIC_TITLE, publish

pytestmark = pytest.mark.browser

PHONE = (390, 844)
MIN_FONT_PX = 14


def test_the_public_page_reads_on_a_phone(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    active_plan: Plan,
    lead_approver: User,
    lead_planner: User,
) -> None:
    Activity.objects.filter(line_of_effort__plan=active_plan).update(public=True, progress=35)
    CommunicationItem.objects.create(
        plan=active_plan,
        title="Mobile courts open in three districts",
        audience="home_public",
        channel="press_release",
        key_message="From Monday, mobile land courts sit in Kora, Tessa and Marn: "
        "anyone with a land dispute can bring it, free of charge.",
        planned_date=timezone.localdate(),
        status=CommunicationStatus.PUBLISHED,
        published_at=timezone.now(),
        spokesperson=active_plan.lead_organisation,
        public=True,
        created_by=lead_planner,
    )
    publish(active_plan, lead_approver, slug="valeria")
    phone = page_at(*PHONE)
    response = phone.page.goto(f"{live_server.url}/public/plans/valeria/")
    assert response is not None
    assert response.status == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(PUBLIC_TITLE)
    expect(
        phone.page.get_by_role("heading", name="Mobile courts open in three districts")
    ).to_be_visible()
    expect(phone.page.locator("progress")).to_have_count(2)
    assert not phone.scrolls_horizontally()
    assert phone.context.cookies() == []
    smallest = phone.page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('main p, main li, main dd, main h3')]
            .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
    )
    assert smallest >= MIN_FONT_PX
    # Every element stays within the phone's width (nothing cut off at the right).
    overflowing = phone.page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert overflowing == []
    phone.screenshot("public-plan-390")
    phone.page.get_by_role("link", name="Joined-up missions").first.click()
    expect(phone.page.get_by_role("link", name=f"Read about {PUBLIC_TITLE}")).to_be_visible()
    assert not phone.scrolls_horizontally()
    assert phone.errors == []
