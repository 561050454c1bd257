"""A strategy from draft to agreed through the pages alone, on a tablet (768 x 1024).

The lead's planner drafts it (a driver, a goal addressing it, an indicator) and submits it; the
partner's approver endorses, then the lead's approver, and the strategy is agreed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import EmailPreference, Organisation, OrganisationKind, Role, User
from strategy.models import Endorsement, GlossaryStatus, GlossaryTerm, Strategy
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import sign_in
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.browser

TITLE = "Stability in Northern Valeria"


def person(organisation: Organisation, role: str, username: str, first: str, last: str) -> User:
    """A member e-mailed about nothing, so no e-mail task is queued by this test."""
    user = make_member(organisation, role, username=username)
    user.first_name, user.last_name = first, last
    user.email_preference = EmailPreference.NONE
    user.save(update_fields=["first_name", "last_name", "email_preference"])
    return user


def open_strategy(page: Page) -> None:
    page.locator(".site-nav").get_by_role("link", name="Strategies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategies")
    page.get_by_role("table").get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def endorse(page: Page, comment: str) -> None:
    decision = page.get_by_role("form", name="Your decision")
    decision.get_by_label("Endorse this edition", exact=True).check()
    decision.get_by_label("Comment", exact=True).fill(comment)
    decision.get_by_role("button", name="Record decision").click()


def test_draft_submit_and_endorse_a_strategy_on_a_tablet(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    mod = make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)
    planner = person(mfa, Role.PLANNER, "amira", "Amira", "Haddad")
    lead_approver = person(mfa, Role.APPROVER, "jonas", "Jonas", "Berg")
    partner_approver = person(mod, Role.APPROVER, "sofia", "Sofia", "Reyes")
    pages: list[BrowserPage] = []

    # --- the lead's planner drafts the strategy --------------------------------------------------
    drafting = page_at(768, 1024)
    pages.append(drafting)
    page = drafting.page
    sign_in(page, live_server.url, planner)
    page.locator(".site-nav").get_by_role("link", name="Strategies").click()
    page.get_by_role("button", name="New strategy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New strategy")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Theatre", exact=True).fill("Valeria")
    page.get_by_label("Approach", exact=True).select_option(label="Stabilisation")
    expect(page.get_by_label("Lead organisation", exact=True)).to_have_value(str(mfa.pk))
    # Partners are added by typing and choosing a suggestion.
    page.get_by_role("combobox", name="Partner organisations").press_sequentially("MOD")
    page.locator("#id_partners-suggestions").get_by_role(
        "option", name="Ministry of Defence (MOD)"
    ).click()
    expect(page.get_by_label("Ministry of Defence (MOD)", exact=True)).to_be_checked()
    page.get_by_label("UN integrated mission planning (IMPP)", exact=True).check()
    assert not drafting.scrolls_horizontally()
    drafting.screenshot("strategy-new-768x1024")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    strategy = Strategy.objects.get(title=TITLE)
    expect(page).to_have_url(f"{live_server.url}/strategies/{strategy.pk}/")
    expect(page.locator(".facts .strategy-status")).to_have_text("Draft")

    page.get_by_role("button", name="Add a driver").click()
    page.get_by_label("Title", exact=True).fill("Land disputes")
    page.get_by_label("Root cause", exact=True).check()
    page.get_by_role("button", name="Add driver").click()
    drivers = page.get_by_role("region", name="Conflict drivers")
    expect(drivers.get_by_role("row", name=re.compile("Land disputes"))).to_contain_text(
        "Not addressed by any goal"
    )

    page.get_by_role("button", name="Add a goal").click()
    page.get_by_label("Title", exact=True).fill("Disputes settled without violence")
    page.get_by_label("Land disputes", exact=True).check()
    page.get_by_role("button", name="Add goal").click()
    expect(drivers.get_by_role("row", name=re.compile("Land disputes"))).to_contain_text(
        "Disputes settled without violence"
    )
    expect(drivers.locator(".warning-notice")).to_have_count(0)

    page.get_by_role("button", name="Add an indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add an indicator to “Disputes settled without violence”"
    )
    page.get_by_label("Name", exact=True).fill("Violent incidents per month")
    page.get_by_label("Unit", exact=True).fill("incidents")
    page.get_by_label("Baseline", exact=True).fill("60")
    page.get_by_label("Target", exact=True).fill("10")
    page.get_by_label("Early-warning threshold", exact=True).fill("40")
    page.get_by_label("Above the threshold", exact=True).check()
    page.get_by_role("button", name="Add indicator").click()
    indicator = page.get_by_role("region", name="Indicator: Violent incidents per month")
    expect(indicator.locator("svg.chart")).to_be_visible()
    expect(indicator).to_contain_text("Baseline 60 → target 10 incidents")
    assert not drafting.scrolls_horizontally()
    drafting.screenshot("strategy-draft-768x1024")

    page.get_by_role("button", name="Submit for endorsement").click()
    expect(page.get_by_role("status")).to_have_text(
        "Submitted: every partner's approvers have been asked to endorse."
    )
    expect(page.locator(".facts .strategy-status")).to_have_text("In consultation")
    panel = page.get_by_role("region", name="Endorsement of edition 1")
    expect(panel.get_by_role("row", name=re.compile("Ministry of Defence"))).to_contain_text(
        "Pending"
    )
    expect(page.get_by_role("form", name="Your decision")).to_have_count(0)

    # --- the partner's approver endorses ---------------------------------------------------------
    partner = page_at(768, 1024)
    pages.append(partner)
    page = partner.page
    sign_in(page, live_server.url, partner_approver)
    open_strategy(page)
    expect(page.get_by_role("button", name="Submit for endorsement")).to_have_count(0)
    assert not partner.scrolls_horizontally()
    partner.screenshot("strategy-endorse-768x1024")
    endorse(page, "Agreed at the defence steering board.")
    expect(page.get_by_role("status")).to_have_text("Ministry of Defence endorsed edition 1.")
    panel = page.get_by_role("region", name="Endorsement of edition 1")
    expect(panel.get_by_role("row", name=re.compile("Ministry of Defence"))).to_contain_text(
        "Endorsed"
    )
    expect(panel.get_by_role("row", name=re.compile("Ministry of Defence"))).to_contain_text(
        "Sofia Reyes"
    )
    expect(
        panel.get_by_role("row", name=re.compile("Ministry of Foreign Affairs"))
    ).to_contain_text("Pending")
    expect(page.locator(".facts .strategy-status")).to_have_text("In consultation")

    # --- the lead's approver endorses last, and the strategy is agreed ---------------------------
    lead = page_at(768, 1024)
    pages.append(lead)
    page = lead.page
    sign_in(page, live_server.url, lead_approver)
    open_strategy(page)
    endorse(page, "")
    expect(page.get_by_role("status")).to_have_text(
        "Endorsed. Every partner has now endorsed: it is agreed."
    )
    expect(page.locator(".facts .strategy-status")).to_have_text("Agreed")
    expect(page.get_by_role("form", name="Your decision")).to_have_count(0)
    history = page.get_by_role("region", name="Edition history")
    expect(history).to_contain_text("Edition 1: Submitted to the partners")
    expect(history).to_contain_text("agreed")
    assert not lead.scrolls_horizontally()
    lead.screenshot("strategy-agreed-768x1024")

    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == ("agreed", 1)
    assert sorted(Endorsement.objects.values_list("organisation__slug", "decision")) == [
        ("mfa", "endorse"),
        ("mod", "endorse"),
    ]
    for browser_page in pages:
        assert browser_page.errors == []


def test_glossary_search_narrows_the_crosswalk_as_one_types(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    planner = person(mfa, Role.PLANNER, "amira", "Amira", "Haddad")
    for term, nato in [("End state", "Desired end state"), ("Line of effort", "Line of operation")]:
        GlossaryTerm.objects.create(
            term=term,
            definition=f"What {term.lower()} means.",
            nato_cpa=nato,
            status=GlossaryStatus.APPROVED,
        )
    browser_page = page_at(768, 1024)
    page = browser_page.page
    sign_in(page, live_server.url, planner)
    page.locator(".site-nav").get_by_role("link", name="Glossary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary")
    rows = page.locator("#glossary-results tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.__notReloaded = true")

    page.get_by_role("searchbox", name="Search the glossary").press_sequentially("operation")

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Line of effort")
    expect(page).to_have_url(re.compile(r"/glossary/\?q=operation$"))
    assert page.evaluate("window.__notReloaded === true")  # swapped in place, not reloaded
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("glossary-768x1024")
    assert browser_page.errors == []
