"""A secondment in a browser: a planner requests it on a tablet, both organisations'
approvers approve it from My work, and on its first day the person sees the host's plan."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrganisationKind, Role
from missions import services as plans
from secondments.models import Secondment
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import sign_in
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.browser


def test_request_both_approve_and_the_person_sees_the_host_plan_on_the_first_day(
    transactional_db: None, live_server: Any, page_at: Callable[[int, int], BrowserPage]
) -> None:
    today = timezone.localdate()
    home = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    host = make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)
    person = make_member(home, Role.FIELD_ADVISOR, username="person")
    planner = make_member(home, Role.PLANNER, username="home-planner")
    approvers = {
        "Ministry of Foreign Affairs": make_member(home, Role.APPROVER, username="home-approver"),
        "Ministry of Defence": make_member(host, Role.APPROVER, username="host-approver"),
    }
    host_planner = make_member(host, Role.PLANNER, username="host-planner")
    plan = plans.plan_create(
        by=host_planner,
        title="Host logistics plan",
        theatre="Valeria",
        lead_organisation=host,
        start_date=today,
        end_date=today + datetime.timedelta(days=200),
    )

    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, planner)
    page.locator(".site-nav").get_by_role("link", name="Secondments").click()
    page.get_by_role("button", name="Request a secondment").click()
    page.get_by_label("Person").fill("person")
    # Organisations are found by typing: one chosen among the suggestions, one left typed
    # (the page reads a name or acronym that matches one organisation).
    page.get_by_label("Home organisation").press_sequentially("foreign")
    page.locator("#id_home_organisation-suggestions").get_by_role(
        "option", name="Ministry of Foreign Affairs (MFA)"
    ).click()
    expect(page.get_by_label("Home organisation")).to_have_value(
        "Ministry of Foreign Affairs (MFA)"
    )
    page.get_by_label("Host organisation").fill("MOD")
    page.get_by_label("Kind").select_option(label="Embedded advisor")
    page.get_by_label("Role").select_option(label="Planner")
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("End date").fill((today + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Request", exact=True).click()
    expect(page.locator(".flash")).to_have_text(
        "Requested: both organisations' approvers are asked."
    )
    secondment = Secondment.objects.get()
    tablet.screenshot("secondment-requested-768x1024")
    assert not tablet.scrolls_horizontally()
    assert tablet.errors == []

    for organisation, approver in approvers.items():
        browser_page = page_at(768, 1024)
        page = browser_page.page
        sign_in(page, live_server.url, approver)
        decide = page.get_by_role("region", name="Waiting for your decision 1")
        decide.get_by_role("link", name="Decide the secondment of person").click()
        page.get_by_label("Approve this request", exact=True).check()
        page.get_by_role("button", name="Record decision").click()
        expect(page.locator(".flash")).to_have_text(f"{organisation} approved request 1.")
        assert browser_page.errors == []

    secondment.refresh_from_db()
    assert (secondment.status, secondment.shown_status) == ("approved", "active")
    browser_page = page_at(768, 1024)
    page = browser_page.page
    sign_in(page, live_server.url, person)
    page.locator(".site-nav").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.title)
    assert browser_page.errors == []
