"""Things that change while a page is open: the notification bell and a report being built."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import EmailPreference, Notification, User
from accounts.notifications import notify
from reports.models import Report, ReportStatus
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import make_planner, sign_in

pytestmark = pytest.mark.browser

BELL_POLL_PERIOD = "00:20"
"""The bell polls every 20 s."""
REPORT_WAIT_MS = 60_000
"""The status panel polls every second; building the PDF takes a few seconds."""


def quiet_planner() -> User:
    """The planner, e-mailed about nothing: no e-mail task is queued by these tests."""
    user = make_planner()
    user.email_preference = EmailPreference.NONE
    user.save(update_fields=["email_preference"])
    return user


def test_bell_count_updates_without_a_reload(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    user = quiet_planner()
    browser_page = page_at(768, 1024)
    page = browser_page.page
    # The page's clock runs as usual, but the test can move it on by one polling period
    # instead of waiting 20 s for the next poll.
    page.clock.install()
    sign_in(page, live_server.url, user)

    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")
    expect(bell.locator(".bell-count")).to_have_count(0)
    page.evaluate("window.__notReloaded = true")

    with transaction.atomic():
        raised = notify(
            recipients=[user],
            kind="test.bell",
            text="Your strategy draft was commented on",
            url="/",
            event_key="e2e:bell:1",
        )
    assert raised == 1

    # One polling period on, the bell asks; on a busy machine its answer may come late, so
    # the clock is moved on again (a poll a period later asks the same question).
    for attempt in range(3):
        page.clock.fast_forward(BELL_POLL_PERIOD)
        try:
            expect(page.locator("#notification-bell .bell-count")).to_have_text("1")
            break
        except AssertionError:
            if attempt == 2:
                raise
    expect(page.locator("#notification-bell")).to_have_attribute(
        "aria-label", "Notifications: 1 unread"
    )
    assert page.evaluate("window.__notReloaded === true")  # swapped in place, not reloaded
    expect(page).to_have_url(live_server.url + "/")
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("bell-updated-768x1024")
    assert browser_page.errors == []


@pytest.mark.celery_worker
def test_directory_pdf_is_built_in_the_background_and_downloads(
    celery_worker: object,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = quiet_planner()
    browser_page = page_at(768, 1024)
    page = browser_page.page
    sign_in(page, live_server.url, user)

    page.locator(".site-nav").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    page.get_by_role("button", name="Directory as PDF").click()

    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation directory (PDF)")
    report = Report.objects.get(requested_by=user)
    assert page.url == f"{live_server.url}/reports/{report.pk}/"
    assert report.kind == "organisation_directory"
    assert report.format == "pdf"

    download_link = page.get_by_role("button", name="Download PDF")
    expect(download_link).to_be_visible(timeout=REPORT_WAIT_MS)
    expect(page.locator("#report-status")).to_contain_text("Ready.")
    assert not browser_page.scrolls_horizontally()
    browser_page.screenshot("report-ready-768x1024")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"organisation-directory-{report.pk}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.progress == 100
    assert report.file.name == f"reports/{report.pk}/organisation-directory-{report.pk}.pdf"
    assert Path(report.file.path).is_relative_to(tmp_path)
    assert (
        Notification.objects.filter(
            recipient=user, kind="report.done", url=f"/reports/{report.pk}/"
        ).count()
        == 1
    )
    assert browser_page.errors == []
