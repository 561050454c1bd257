"""Field work without a connection, in Chromium's offline emulation on a portrait tablet.

A field advisor (who also plans for their ministry) opens the app once online; without a
connection they file two field reports (one with a 12 Mpx photo, resized on the device) and a
progress update, reload the outbox (it survives), and when the connection returns everything
reaches the server exactly once, the photo with it. Then a lost answer (the server filed the
report, the device never heard) and a conflict (someone changed the activity meanwhile).
Signing out leaves nothing on the device.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from accounts.models import IdempotentRequest, Role, User
from lessons.models import Lesson
from missions import services
from missions.models import Activity, Attachment, FieldReport, Plan
from tests.e2e.conftest import ARTIFACTS_DIR, TIMEOUT_MS, BrowserPage
from tests.e2e.test_home import sign_in
from tests.factories import add_membership
from tests.missions.conftest import plan_world_make

pytestmark = pytest.mark.browser

CLERKS = "Train council clerks"
SAVED = "Saved on this device; it will be sent when you are back online. See the outbox"
# Without a connection the bell's polling and the plan page's htmx sections fail, as they must.
NETWORK_NOISE = (
    "ERR_INTERNET_DISCONNECTED",
    "Failed to load resource",
    "htmx:sendError",
    "htmx:afterRequest",
)


def world() -> tuple[dict[str, Any], Plan, Activity]:
    organisations, people, plan = plan_world_make()
    advisor = people["field_advisor"]
    add_membership(advisor, organisations["lead_org"], Role.PLANNER)
    return people, plan, Activity.objects.get(title=CLERKS)


def items(page: Page) -> Any:
    return page.locator(".outbox-item")


def states(page: Page) -> Any:
    return page.locator(".outbox-item .outbox-state")


def flash(page: Page) -> Any:
    return page.locator(".outbox-flash")


def real_errors(errors: list[str]) -> list[str]:
    """What the browser reported besides requests failing without a connection."""
    return [error for error in errors if not any(noise in error for noise in NETWORK_NOISE)]


def controlled(page: Page) -> None:
    """Wait until the service worker, installed with the shell, controls the page."""
    page.evaluate(
        """() => navigator.serviceWorker.controller || new Promise((resolve) =>
            navigator.serviceWorker.addEventListener("controllerchange", resolve))"""
    )


def wait_until_kept(page: Page, url: str) -> None:
    for _ in range(100):
        if page.evaluate("async (url) => Boolean(await caches.match(url))", url):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{url} was not kept on the device")


def device_holds(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """async () => ({
                databases: (await indexedDB.databases()).map((d) => d.name),
                caches: await caches.keys(),
                workers: (await navigator.serviceWorker.getRegistrations()).length,
            })"""
        )
    )


def file_report(page: Page, situation: str, photo: Path | None = None) -> None:
    page.get_by_label("Situation", exact=True).fill(situation)
    page.get_by_label("Place", exact=True).fill("Kora")
    if photo is not None:
        page.get_by_label("Photos or PDF documents", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="File report").click()
    expect(flash(page)).to_have_text(SAVED)


def test_a_day_without_a_connection(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    people, plan, clerks = world()
    advisor: User = people["field_advisor"]
    photo = tmp_path / "kora-well.jpg"
    Image.new("RGB", (4000, 3000), "#2a9d8f").save(photo, "JPEG", quality=95)
    base = live_server.url
    pages = [
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/field-reports/new/",
        f"/plans/activities/{clerks.pk}/progress/",
        "/outbox/",
    ]

    tablet = page_at(768, 1024)
    page, context = tablet.page, tablet.context
    sign_in(page, base, advisor)
    controlled(page)
    for url in pages:  # opened once online: kept on the device
        page.goto(base + url)
        if url == f"/plans/{plan.pk}/":
            # Pages the plan's page links to are fetched ahead, not only those visited.
            wait_until_kept(page, f"/plans/{plan.pk}/field-reports/new/?activity={clerks.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    expect(page.locator("#outbox-empty")).to_be_visible()
    assert not tablet.scrolls_horizontally()

    context.set_offline(True)
    page.goto(base + f"/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.get_by_role("progressbar", name=f"Progress of {CLERKS}")).to_have_attribute(
        "value", "0"
    )
    page.goto(base + f"/plans/{plan.pk}/field-reports/new/")
    expect(flash(page)).to_have_text(
        "You are offline: this page is as it was when you last opened it."
    )
    file_report(page, "The well at Kora pumps again.", photo)
    expect(page.get_by_label("Situation", exact=True)).to_have_value("")
    file_report(page, "The market at Kora reopened.")
    page.goto(base + f"/plans/activities/{clerks.pk}/progress/")
    page.get_by_label("In progress", exact=True).check()
    page.get_by_label("Progress (%)", exact=True).fill("40")
    page.get_by_role("button", name="Save progress").click()
    expect(flash(page)).to_have_text(SAVED)
    tablet.screenshot("offline-progress-saved-768x1024")

    page.goto(base + "/outbox/")
    page.reload()  # still offline: the outbox is on the device
    expect(page.locator("#outbox-connection")).to_have_text(
        "Offline. 3 to send when you are back online."
    )
    expect(items(page).locator("header strong")).to_have_text(
        [
            "Field report: The well at Kora pumps again.",
            "Field report: The market at Kora reopened.",
            "Progress update: 40 %",
        ]
    )
    expect(states(page)).to_have_text(["waiting", "waiting", "waiting"])
    expect(items(page).first.locator(".outbox-files")).to_contain_text("Photos: kora-well.jpg (")
    expect(page.locator("#outbox-storage")).to_contain_text("Photos waiting: ")
    expect(page.locator("[data-outbox-count]")).to_have_text("3")
    assert not tablet.scrolls_horizontally()
    tablet.screenshot("offline-outbox-waiting-768x1024")
    assert FieldReport.objects.count() == 0

    context.set_offline(False)
    expect(states(page)).to_have_text(["sent", "sent", "sent"], timeout=2 * TIMEOUT_MS)
    expect(flash(page)).to_have_text("Sent: 3 items.")
    expect(page.locator("[data-outbox-count]")).to_be_hidden()
    tablet.screenshot("offline-outbox-sent-768x1024")

    reports = {r.situation: r for r in FieldReport.objects.filter(plan=plan)}
    assert sorted(reports) == ["The market at Kora reopened.", "The well at Kora pumps again."]
    assert {r.author for r in reports.values()} == {advisor}
    with_photo = reports["The well at Kora pumps again."]
    attachment = Attachment.objects.get()
    assert (attachment.field_report, attachment.original_name) == (with_photo, "kora-well.jpg")
    with Image.open(io.BytesIO(attachment.file.read())) as stored:
        assert (stored.format, stored.size) == ("JPEG", (1600, 1200))  # resized on the device
    assert not reports["The market at Kora reopened."].attachments.exists()
    clerks.refresh_from_db()
    assert (clerks.status, clerks.progress, clerks.version) == ("in_progress", 40, 2)
    assert IdempotentRequest.objects.filter(user=advisor).count() == 3
    link = items(page).first.get_by_role("link", name="See it")
    expect(link).to_have_attribute("href", f"/plans/{plan.pk}/#report-{with_photo.pk}")

    # Signing out leaves nothing of the person on the device.
    assert device_holds(page)["caches"] != []
    page.locator(".site-nav details.dropdown summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert device_holds(page) == {"databases": [], "caches": [], "workers": 0}
    assert real_errors(tablet.errors) == []


@pytest.fixture
def no_worker_tablet(browser: Browser) -> Iterator[BrowserContext]:
    """Without the service worker, so that Playwright's routes see every request."""
    context = browser.new_context(viewport={"width": 768, "height": 1024}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def test_a_lost_answer_and_a_conflict(
    transactional_db: None,
    live_server: Any,
    no_worker_tablet: BrowserContext,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    people, plan, clerks = world()
    advisor: User = people["field_advisor"]
    for name in ("checkpoint.png", "p.png"):
        Image.new("RGB", (800, 600), "#1d4e89").save(tmp_path / name, "PNG")
    base = live_server.url
    context = no_worker_tablet
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, advisor)

    # The server files the report, but its answer never reaches the device.
    answered: list[int] = []

    def lose_the_answer(route: Route) -> None:
        answered.append(route.fetch().status)
        route.abort("connectionreset")

    context.route("**/api/v1/field-reports/", lose_the_answer, times=1)
    page.goto(base + f"/plans/{plan.pk}/field-reports/new/")
    context.set_offline(True)
    file_report(page, "The bridge at Tamo is passable again.")
    context.set_offline(False)
    expect(flash(page)).to_have_text("Not sent yet: it is tried again when the connection allows.")
    assert answered == [201]
    assert FieldReport.objects.count() == 1

    page.goto(base + "/outbox/")  # online, the outbox sends what waits, with the same key
    expect(states(page)).to_have_text(["sent"])
    expect(items(page).locator(".outbox-sent")).to_have_text(
        "Sent (the server had already taken it). See it"
    )
    report = FieldReport.objects.get()
    assert report.situation == "The bridge at Tamo is passable again."
    assert IdempotentRequest.objects.count() == 1

    # Meanwhile, the lead planner moves the activity on: the device's update is stale.
    page.goto(base + f"/plans/activities/{clerks.pk}/progress/")
    context.set_offline(True)
    page.get_by_label("Progress (%)", exact=True).fill("40")
    page.get_by_role("button", name="Save progress").click()
    expect(flash(page)).to_have_text(SAVED)
    services.activity_progress_update(
        activity=clerks, by=people["lead_planner"], version=1, status="blocked", progress=60
    )
    context.set_offline(False)
    expect(flash(page)).to_have_text("1 item needs your attention. See the outbox")

    page.goto(base + "/outbox/")
    conflict = items(page).nth(1)
    expect(conflict.locator(".outbox-state")).to_have_text("needs attention")
    expect(conflict.locator(".outbox-problem")).to_have_text(
        "Someone changed this on the server after your device read it."
    )
    expect(conflict.locator(".outbox-compare tbody tr")).to_have_text(
        ["Status Blocked Planned (unchanged)", "Progress (%) 60 % 40 %"], use_inner_text=True
    )
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "offline-conflict-768x1024.png"), full_page=True)
    clerks.refresh_from_db()
    assert (clerks.status, clerks.progress, clerks.version) == ("blocked", 60, 2)

    # The advisor has seen the server's values and sends theirs over them.
    conflict.get_by_role("button", name="Resend over the server's values").click()
    expect(conflict.locator(".outbox-state")).to_have_text("sent")
    clerks.refresh_from_db()
    assert (clerks.status, clerks.progress, clerks.version) == ("blocked", 40, 3)

    # A field report's progress figure is based on the version the page read too.
    page.goto(base + f"/plans/{plan.pk}/field-reports/new/?activity={clerks.pk}")
    expect(page.locator("input[name=activity_version]")).to_have_value("3")
    context.set_offline(True)
    page.get_by_label("Activity progress (%)", exact=True).fill("45")
    file_report(page, "Clerks back at work.")
    services.activity_progress_update(
        activity=clerks, by=people["lead_planner"], version=3, progress=50
    )
    context.set_offline(False)
    expect(flash(page)).to_have_text("1 item needs your attention. See the outbox")
    assert not FieldReport.objects.filter(situation="Clerks back at work.").exists()
    page.goto(base + "/outbox/")
    stale_report = page.get_by_role("listitem", name="Field report: Clerks back at work.")
    expect(stale_report.locator(".outbox-compare tbody tr")).to_have_text(
        ["Progress (%) 50 % 45 %"], use_inner_text=True
    )
    stale_report.get_by_role("button", name="Resend over the server's values").click()
    expect(stale_report.locator(".outbox-state")).to_have_text("sent")
    clerks.refresh_from_db()
    assert (clerks.progress, clerks.version) == (45, 5)
    assert FieldReport.objects.filter(situation="Clerks back at work.").count() == 1

    # The outbox's own budget for photos: 50 MB waiting (here, one item of 50 MB put in the
    # device's store directly), and no more photos are taken; a report without one still is.
    page.goto(base + f"/plans/{plan.pk}/field-reports/new/")
    page.evaluate(
        """(user) => new Promise((resolve, reject) => {
            const opening = indexedDB.open("jf-outbox", 1);
            opening.onsuccess = () => {
                const transaction = opening.result.transaction("items", "readwrite");
                transaction.objectStore("items").put({
                    key: "big", user, kind: "field-report", noun: "Field report",
                    summary: "Fifty megabytes of photos", about: "", page: "/",
                    method: "POST", url: "/api/v1/field-reports/", encoding: "multipart",
                    fields: [], read: {}, state: "needs attention", attempts: 1,
                    created: new Date().toISOString(), note: "", result: null,
                    problem: {status: 400, message: "Held back for the test.", current: null},
                    files: [{field: "attachments", filename: "big.jpg", type: "image/jpeg",
                             blob: new Blob([new Uint8Array(50 * 1024 * 1024)])}],
                });
                transaction.oncomplete = () => { opening.result.close(); resolve(); };
                transaction.onerror = () => reject(transaction.error);
            };
            opening.onerror = () => reject(opening.error);
        })""",
        str(advisor.pk),
    )
    context.set_offline(True)
    page.get_by_label("Situation", exact=True).fill("Photos of the Tamo bridge.")
    files = page.get_by_label("Photos or PDF documents", exact=True)
    files.set_input_files(str(tmp_path / "p.png"))
    page.get_by_role("button", name="File report").click()
    expect(flash(page)).to_have_text(
        "There is no room for these photos on this device: the outbox holds 50 MB of its "
        "50 MB. Send or discard what waits in the outbox first, or leave the photos out."
    )
    files.set_input_files([])
    page.get_by_role("button", name="File report").click()
    expect(flash(page)).to_have_text(SAVED)
    context.set_offline(False)
    expect(flash(page)).to_have_text("Sent. 1 needs your attention. See the outbox")
    assert FieldReport.objects.filter(situation="Photos of the Tamo bridge.").count() == 1
    page.goto(base + "/outbox/")
    expect(page.locator("#outbox-storage")).to_contain_text(
        "Photos waiting: 50 MB of the outbox's 50 MB."
    )
    page.once("dialog", lambda dialog: dialog.accept())
    big = page.get_by_role("listitem", name="Field report: Fifty megabytes of photos")
    big.get_by_role("button", name="Discard").click()
    expect(flash(page)).to_have_text("Discarded: the field report was removed from this device.")
    expect(big).to_have_count(0)
    expect(page.locator("#outbox-storage")).to_contain_text("Photos waiting: none")
    for width, height in ((768, 1024), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        for button in page.locator("#outbox button:visible").all():
            box = button.bounding_box()
            assert box is not None
            assert box["height"] >= 44, button.inner_text()
    page.screenshot(path=str(ARTIFACTS_DIR / "offline-outbox-1366x768.png"), full_page=True)

    # An observation is one more registered form: kept offline, sent once with its photo.
    photo = tmp_path / "checkpoint.png"
    page.goto(base + "/lessons/new/")
    context.set_offline(True)
    page.get_by_label("Title").fill("Checkpoint closed at dusk")
    page.get_by_label("What happened").fill("Traders waited on the road all night.")
    page.get_by_label("Observed on").fill("2026-03-02")
    page.get_by_label("Photo").set_input_files(str(photo))
    page.get_by_role("button", name="Submit the observation").click()
    expect(flash(page)).to_have_text(SAVED)
    context.set_offline(False)
    expect(flash(page)).to_have_text("Sent. See the outbox")
    lesson = Lesson.objects.get()
    assert (lesson.title, lesson.author, str(lesson.observed_on)) == (
        "Checkpoint closed at dusk",
        advisor,
        "2026-03-02",
    )
    assert [a.original_name for a in lesson.attachments.all()] == ["checkpoint.png"]
    assert errors == []
