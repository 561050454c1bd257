"""Signing in and finding one's way: the home page and the organisation directory in a browser."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from tests.e2e.conftest import VIEWPORTS, BrowserPage
from tests.factories import PASSWORD, make_member, make_organisation

pytestmark = pytest.mark.browser

ORG_NAME = "Ministry of Foreign Affairs"


def make_planner() -> User:
    organisation = make_organisation(slug="mfa", name=ORG_NAME)
    user = make_member(organisation, Role.PLANNER, username="planner")
    user.first_name, user.last_name = "Amira", "Haddad"
    user.save(update_fields=["first_name", "last_name"])
    return user


def sign_in(page: Page, base_url: str, user: User) -> None:
    """Open the home page, get sent to the sign-in form, sign in and land back home."""
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/")


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_home_after_sign_in(
    transactional_db: None,
    live_server: object,
    page_at: Callable[[int, int], BrowserPage],
    width: int,
    height: int,
) -> None:
    user = make_planner()
    browser_page = page_at(width, height)
    page = browser_page.page

    sign_in(page, live_server.url, user)  # type: ignore[attr-defined]

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Welcome, {user.first_name or user.username}"
    )
    roles = page.get_by_role("region", name="Your organisations and roles")
    expect(roles.get_by_role("link", name=ORG_NAME)).to_be_visible()
    expect(roles.get_by_text("Planner", exact=True)).to_be_visible()
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot(f"home-{width}x{height}")
    assert browser_page.errors == []


def test_organisation_directory_lists_members(
    transactional_db: None,
    live_server: object,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    user = make_planner()
    browser_page = page_at(768, 1024)
    page = browser_page.page
    sign_in(page, live_server.url, user)  # type: ignore[attr-defined]

    page.locator(".site-nav").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    expect(page.locator(".site-nav").get_by_role("link", name="Organisations")).to_have_attribute(
        "aria-current", "page"
    )
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("organisations-768x1024")

    page.get_by_role("table").get_by_role("link", name=ORG_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ORG_NAME)
    members = page.get_by_role("region", name="Members")
    expect(members.get_by_role("heading", level=2)).to_have_text("Members")
    row = members.get_by_role("row", name=re.compile("Amira Haddad"))
    expect(row).to_be_visible()
    expect(row.get_by_role("cell").nth(1)).to_have_text("Planner")
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("organisation-768x1024")
    assert browser_page.errors == []
