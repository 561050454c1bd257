"""My work in a browser: an approver decides from the home page, and the item leaves it; a
field advisor keeps their photo when the report comes back for another field."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.models import Notification, User
from missions import services
from missions.models import Attachment, Plan
from strategy import services as strategy_services
from strategy.models import Strategy
from tests.e2e.conftest import VIEWPORTS, BrowserPage
from tests.e2e.test_home import sign_in
from tests.factories import edition_of
from tests.missions.conftest import plan_world_make
from tests.strategy.conftest import strategy_make

pytestmark = pytest.mark.browser


def world() -> tuple[dict[str, Any], Plan, Strategy]:
    organisations, personas, plan = plan_world_make()
    for persona, (first, last) in {
        "contributor_approver": ("Kees", "Smit"),
        "lead_planner": ("Amira", "Haddad"),
        "field_advisor": ("Tom", "Hendriks"),
    }.items():
        user = personas[persona]
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    lead_planner = personas["lead_planner"]
    plan = services.plan_submit(plan=plan, by=lead_planner)
    strategy = strategy_make(
        lead_planner=lead_planner,
        lead_org=organisations["lead_org"],
        partner_org=organisations["contributor_org"],
    )
    strategy = strategy_services.strategy_submit(strategy=strategy, by=lead_planner)
    return personas, plan, strategy


def in_view(page: Page, selector: str) -> bool:
    """Whether the element is inside the window as scrolled now (not off-screen above)."""
    return bool(
        page.evaluate(
            """(selector) => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight;
            }""",
            selector,
        )
    )


def test_an_approver_decides_from_the_home_page(
    transactional_db: None, live_server: Any, page_at: Callable[[int, int], BrowserPage]
) -> None:
    personas, plan, strategy = world()
    approver: User = personas["contributor_approver"]
    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, approver)

    decide = page.get_by_role("region", name="Waiting for your decision 2")
    expect(decide.get_by_role("link")).to_have_text(
        [f"Review “{plan.title}”", f"Endorse “{strategy.title}”"]
    )
    expect(page.locator("#work-badge")).to_have_text(", 2 waiting")
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] <= 80, header
    tablet.screenshot("my-work-approver-before-768x1024")

    decide.get_by_role("link", name=f"Review “{plan.title}”").click()
    choice = page.locator("label", has_text="Approve this submission").bounding_box()
    assert choice is not None
    assert choice["height"] >= 44, choice
    page.get_by_label("Approve this submission", exact=True).check()
    page.get_by_role("button", name="Record review").click()

    # Back on the plan at its review: the confirmation is where the eye is.
    expect(page.locator(".flash")).to_have_text("Ministry of Defence approved submission 1.")
    assert in_view(page, ".flash")
    expect(page.locator(".decision-given")).to_contain_text(
        "You approved submission 1 for Ministry of Defence on"
    )
    expect(page.get_by_role("button", name="Record review")).to_have_count(0)

    page.locator(".site-nav").get_by_role("link", name="My work").click()
    decide = page.get_by_role("region", name="Waiting for your decision 1")
    expect(decide.get_by_role("link")).to_have_text([f"Endorse “{strategy.title}”"])
    expect(page.locator("#work-badge")).to_have_text(", 1 waiting")
    request = Notification.objects.get(recipient=approver, kind="plan.review_requested")
    assert request.read_at is not None
    assert not tablet.scrolls_horizontally()
    assert tablet.errors == []


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_the_home_page_of_three_people(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    width: int,
    height: int,
) -> None:
    personas, _, strategy = world()
    approver = personas["contributor_approver"]
    strategy_services.strategy_endorse(
        strategy=strategy,
        by=approver,
        edition=edition_of(strategy),
        decision="reject",
        comment="Say who protects the land registry.",
    )
    indicator = strategy.goals.get().indicators.get()
    strategy_services.reading_record(
        indicator=indicator,
        by=personas["contributor_planner"],
        date=datetime.date.today() - datetime.timedelta(days=2),
        value=Decimal(48),
    )
    expected = {
        "contributor_approver": ["Waiting for your decision 1", "Indicators in warning 1"],
        "lead_planner": ["Sent back to you 1", "Indicators in warning 1"],
        "field_advisor": ["Indicators in warning 1"],
    }
    for persona, sections in expected.items():
        browser_page = page_at(width, height)
        page = browser_page.page
        sign_in(page, live_server.url, personas[persona])
        expect(page.locator(".work-section h2")).to_have_text(sections)
        assert not browser_page.scrolls_horizontally()
        browser_page.screenshot(f"my-work-{persona.replace('_', '-')}-{width}x{height}")
        assert browser_page.errors == []
        browser_page.context.close()


def test_a_field_advisor_keeps_the_photo_when_a_field_is_missing(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    personas, plan, _ = world()
    photo = tmp_path / "well.png"
    Image.new("RGB", (64, 48), (40, 120, 200)).save(photo)
    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, personas["field_advisor"])
    page.goto(f"{live_server.url}/plans/{plan.pk}/field-reports/new/")

    page.get_by_label("Photos or PDF documents", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="File report").click()

    expect(page.get_by_text("Describe the situation you found.")).to_be_visible()
    expect(page.locator(".held-files")).to_have_text(
        "Kept from your last try, and sent with this report: well.png. "
        "You do not need to choose it again."
    )
    tablet.screenshot("field-report-photo-kept-768x1024")
    page.get_by_label("Situation", exact=True).fill("The well at Kora pumps again.")
    page.get_by_role("button", name="File report").click()

    expect(page.locator(".flash")).to_have_text("Your field report was filed with 1 attachment.")
    assert in_view(page, ".flash")
    assert Attachment.objects.get().original_name == "well.png"
    assert tablet.errors == []
