"""The gap matrix on a tablet: many organisations side by side scroll inside the matrix's
own box, never the page; the lead's approver decides a waiting pledge from My work."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import OrganisationKind, Role
from capabilities import services
from capabilities.models import Pledge
from tests.capabilities.conftest import offer_make, pledge_make, requirement_make, world_make
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import sign_in
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.browser

MORE = {
    "eu": "European Union",
    "wb": "World Bank",
    "au": "African Union",
    "osce": "Organization for Security and Co-operation in Europe",
}


def test_the_gap_matrix_fits_a_tablet_and_a_pledge_is_decided_from_my_work(
    transactional_db: None, live_server: Any, page_at: Callable[[int, int], BrowserPage]
) -> None:
    world = world_make()
    for slug, name in MORE.items():
        world.orgs[slug] = make_organisation(
            slug=slug, name=name, kind=OrganisationKind.INTERNATIONAL_ORGANISATION
        )
        for role in (Role.PLANNER, Role.APPROVER):
            world.people[f"{slug}_{role}"] = make_member(
                world.orgs[slug], role, username=f"{slug}-{role}"
            )
    bridge = requirement_make(
        world, description="Engineering teams to repair the Kora bridge and feeder roads"
    )
    requirement_make(world, description="Judicial experts for the land-dispute backlog")
    for slug in ("un", "nato", *MORE):
        pledge_make(world, offer_make(world, slug, quantity="3"), bridge, "1")
    # The Ministry of Defence (a contributor) proposes from its offer: the lead decides.
    waiting = services.pledge_propose(
        by=world["mod_planner"],
        offer=offer_make(world, "mod", visibility="all"),
        requirement=bridge,
        quantity=Decimal(1),
    )

    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, world["mfa_planner"])
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/")
    matrix = page.locator("#capabilities .gap-matrix")
    expect(matrix).to_be_visible()
    expect(page.locator("#capabilities .gap-chart svg")).to_be_visible()
    expect(page.locator("#capabilities").get_by_text("Overlap", exact=True)).to_be_visible()
    box = page.locator("#capabilities .gap-matrix-scroll")
    sizes = box.evaluate(
        "el => ({client: el.clientWidth, scroll: el.scrollWidth,"
        " right: el.getBoundingClientRect().right})"
    )
    # The matrix is wider than the tablet: it scrolls in its box, the page does not.
    assert sizes["scroll"] > sizes["client"]
    assert sizes["right"] <= 768
    assert not tablet.scrolls_horizontally()
    columns = matrix.locator("thead th")
    expect(columns).to_have_count(2 + 7 + 2)
    tablet.screenshot("capabilities-gap-matrix-768")

    approver_page = page_at(768, 1024)
    sign_in(approver_page.page, live_server.url, world["mfa_approver"])
    approver_page.page.get_by_role("link", name="Decide a pledge from Ministry of Defence").click()
    approver_page.page.get_by_label("Accept this pledge").check()
    approver_page.page.get_by_role("button", name="Record decision").click()
    expect(approver_page.page.get_by_text("accepted proposal 1 of this pledge")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == "accepted"
    assert Pledge.objects.filter(status="accepted").count() == 7
    assert tablet.errors == []
    assert approver_page.errors == []
