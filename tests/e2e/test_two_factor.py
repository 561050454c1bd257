"""Two-factor sign-in in a browser: turned on from the profile, then used to sign in again.

The test is the person's authenticator app: it reads the key the page shows, and later the
device's stored key, and computes the codes with django-otp's `totp`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import make_planner, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TOUCH_TARGET_PX = 44


def assert_touch_targets(page: Page, controls: list[Locator]) -> None:
    for control in controls:
        box = control.bounding_box()
        assert box is not None, control
        assert box["height"] >= TOUCH_TARGET_PX, (control, box)
        assert box["width"] >= TOUCH_TARGET_PX, (control, box)


def test_turn_on_two_factor_then_sign_in_with_a_code(
    transactional_db: None,
    live_server: object,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    base_url = live_server.url  # type: ignore[attr-defined]
    user = make_planner()
    browser_page = page_at(768, 1024)
    page = browser_page.page
    sign_in(page, base_url, user)

    # The profile offers it.
    page.locator("details.dropdown > summary").click()
    page.get_by_role("link", name="Profile and e-mail").click()
    section = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Two-factor sign-in")
    )
    expect(section).to_contain_text("Off.")
    section.get_by_role("button", name="Turn on two-factor sign-in").click()

    # The set-up page: a QR code drawn inline, the key to type, and a code to confirm.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    secret = page.locator("code.secret-key").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    code_box = page.get_by_label("6-digit code from your authenticator app")
    turn_on = page.get_by_role("button", name="Turn on two-factor sign-in")
    assert_touch_targets(page, [code_box, turn_on, page.get_by_role("button", name="Cancel")])
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("two-factor-setup-768x1024")

    code_box.fill("000000" if f"{totp(key):06d}" != "000000" else "111111")
    turn_on.click()
    expect(page.locator(".field-error")).to_have_text(re.compile(r"^That code is not right\."))
    page.get_by_label("6-digit code from your authenticator app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # The recovery codes, once, with a message saying what happened.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is on.")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    saved = page.get_by_role("button", name="I have saved them")
    assert_touch_targets(page, [saved])
    browser_page.screenshot("two-factor-recovery-codes-768x1024")
    saved.click()
    expect(section).to_contain_text("Recovery codes left: 10")
    assert_touch_targets(
        page,
        [
            section.get_by_role("button", name="Make new recovery codes"),
            section.get_by_role("button", name="Turn off two-factor sign-in"),
            *section.get_by_role("textbox").all(),
        ],
    )
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("two-factor-profile-768x1024")

    # Sign out, and in again: the password, then a code from the stored device's key.
    page.locator("details.dropdown > summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(page.locator(".site-nav")).to_have_count(0)
    code_box = page.get_by_label("Code from your authenticator app, or a recovery code")
    verify = page.get_by_role("button", name="Verify and sign in")
    assert_touch_targets(page, [code_box, verify])
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("two-factor-code-768x1024")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    # The code of the next time step: the one used to confirm cannot be used again.
    code_box.fill(f"{totp(device.bin_key, drift=1):06d}")
    verify.click()

    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("status")).to_contain_text("Signed in with your two-factor code.")
    expect(page.locator(".site-nav")).to_be_visible()
    assert browser_page.errors == []
