"""Integrated plans through the pages on a tablet (768 x 1024).

A field advisor files a field report with a photo and a progress update; the responsible
organisation's planner updates an activity's progress; and the lead's planner takes a new plan
from draft through the contributor's review and the lead's approval to active.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from accounts.models import EmailPreference, Organisation, OrganisationKind, Role, User
from missions import services
from missions.models import Activity, FieldReport, Plan, Review
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import sign_in
from tests.factories import make_member, make_organisation, submission_of

pytestmark = pytest.mark.browser

PLAN = "Northern Valeria integrated plan"
CLERKS = "Train council clerks"
SCHOOL = "Engineers build a school"
TOUCH_TARGET_PX = 44


def person(organisation: Organisation, role: str, username: str, first: str, last: str) -> User:
    """A member e-mailed about nothing, so no e-mail task is queued by these tests."""
    user = make_member(organisation, role, username=username)
    user.first_name, user.last_name = first, last
    user.email_preference = EmailPreference.NONE
    user.save(update_fields=["first_name", "last_name", "email_preference"])
    return user


class Theatre:
    """Ministry of Foreign Affairs leads; the Ministry of Defence contributes; an NGO is
    consulted. Everyone who acts in these tests, by name."""

    def __init__(self) -> None:
        self.mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
        self.mod = make_organisation(
            slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE
        )
        self.ngo = make_organisation(
            slug="ngo", name="Peacebuilding Partners", kind=OrganisationKind.NGO
        )
        self.planner = person(self.mfa, Role.PLANNER, "amira", "Amira", "Haddad")
        self.lead_approver = person(self.mfa, Role.APPROVER, "jonas", "Jonas", "Berg")
        self.advisor = person(self.mfa, Role.FIELD_ADVISOR, "lina", "Lina", "Okafor")
        self.mod_planner = person(self.mod, Role.PLANNER, "karim", "Karim", "Aziz")
        self.mod_approver = person(self.mod, Role.APPROVER, "sofia", "Sofia", "Reyes")

    def active_plan(self) -> Plan:
        """An active plan with a civilian activity of mfa and a military one of mod."""
        plan = services.plan_create(
            by=self.planner,
            title=PLAN,
            theatre="Valeria",
            lead_organisation=self.mfa,
            participants=[(self.mod, "contributor"), (self.ngo, "consulted")],
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            phase="execution",
        )
        line = services.line_of_effort_create(
            plan=plan,
            by=self.planner,
            data={
                "domain": "governance",
                "title": "District councils",
                "lead_organisation": self.mfa,
            },
        )
        for data in (
            {
                "title": CLERKS,
                "responsible_organisation": self.mfa,
                "actor_type": "civilian",
                "task_nature": "non_military",
                "start_date": datetime.date(2026, 1, 1),
                "end_date": datetime.date(2026, 6, 30),
                "place_name": "Kora town hall",
            },
            {
                "title": SCHOOL,
                "responsible_organisation": self.mod,
                "actor_type": "military",
                "task_nature": "non_military",
                "military_justification": "No civilian contractor can work in this district yet.",
                "start_date": datetime.date(2026, 2, 1),
                "end_date": datetime.date(2026, 9, 30),
                "place_name": "Kora",
            },
        ):
            services.activity_create(line_of_effort=line, by=self.planner, data=data)
        services.milestone_create(
            plan=plan,
            by=self.planner,
            data={"title": "Councils elected", "due_date": datetime.date(2026, 10, 1)},
        )
        services.plan_submit(plan=plan, by=self.planner)
        services.plan_review(
            plan=plan, submission=submission_of(plan), by=self.mod_approver, decision="approve"
        )
        services.plan_approve(plan=plan, submission=submission_of(plan), by=self.lead_approver)
        services.plan_activate(plan=plan, by=self.planner)
        plan.refresh_from_db()
        return plan


@pytest.fixture
def theatre(transactional_db: None, settings: Any, tmp_path: Path) -> Theatre:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Theatre()


def open_plan(page: Page, title: str = PLAN, *, screenshot: BrowserPage | None = None) -> None:
    page.locator(".site-nav").get_by_role("link", name="Plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans")
    if screenshot is not None:
        assert not screenshot.scrolls_horizontally()
        size = page.viewport_size or {"width": 0, "height": 0}
        screenshot.screenshot(f"plan-list-{size['width']}x{size['height']}")
    page.get_by_role("table").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def assert_touch_targets(*locators: Locator) -> None:
    for locator in locators:
        box = locator.bounding_box()
        assert box is not None, locator
        assert box["height"] >= TOUCH_TARGET_PX, (locator, box)


def flash(page: Page) -> Locator:
    return page.locator(".flash")


def test_field_advisor_files_a_report_with_a_photo_and_progress(
    theatre: Theatre,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    tmp_path: Path,
) -> None:
    plan = theatre.active_plan()
    photo = tmp_path / "school-walls.png"
    Image.new("RGB", (64, 48), "#2a9d8f").save(photo, "PNG")

    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, theatre.advisor)
    open_plan(page, screenshot=tablet)
    expect(page.locator(".facts .plan-status")).to_have_text("Active")
    # A field advisor reports; they neither edit the plan nor update progress directly.
    expect(page.get_by_role("button", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Update progress"))).to_have_count(0)
    assert not tablet.scrolls_horizontally()
    tablet.screenshot("plan-field-advisor-768x1024")

    page.get_by_role("button", name=f"Report from the field on {CLERKS}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File a field report")
    activity = page.get_by_label("Activity", exact=True)
    expect(activity).to_have_value(str(Activity.objects.get(title=CLERKS).pk))
    page.get_by_label("Place", exact=True).fill("Kora town hall")
    page.get_by_label("Situation", exact=True).fill(
        "Twelve clerks attended the first session; the generator failed twice."
    )
    progress = page.get_by_label("Activity progress (%)", exact=True)
    progress.fill("60")
    files = page.get_by_label("Photos or PDF documents", exact=True)
    expect(files).to_have_attribute("accept", "image/*,application/pdf")
    expect(files).to_have_attribute("capture", "environment")
    files.set_input_files(str(photo))
    submit = page.get_by_role("button", name="File report")
    assert_touch_targets(activity, progress, files, submit, page.get_by_label("Date", exact=True))
    assert not tablet.scrolls_horizontally()
    tablet.screenshot("plan-field-report-form-768x1024")
    submit.click()

    expect(flash(page)).to_have_text(
        f"Your field report was filed with 1 attachment. “{CLERKS}” is now at 60 %."
    )
    report = FieldReport.objects.get(plan=plan)
    article = page.locator(f"#report-{report.pk}")
    expect(article).to_contain_text("Twelve clerks attended the first session")
    expect(article).to_contain_text("By Lina Okafor · on Train council clerks · progress 60 %")
    expect(page.get_by_role("progressbar", name=f"Progress of {CLERKS}")).to_have_attribute(
        "value", "60"
    )
    clerks = page.locator(f"#activity-{report.activity_id}")
    expect(clerks.locator(".activity-status")).to_have_text("In progress")
    expect(clerks.locator(".progress-value")).to_have_text("60 %")
    link = article.get_by_role("link", name="school-walls.png")
    href = link.get_attribute("href")
    assert href == f"/plans/attachments/{report.attachments.get().pk}/"
    download = page.request.get(live_server.url + href)
    assert (download.status, download.headers["content-type"]) == (200, "image/png")
    assert download.body() == photo.read_bytes()
    assert not tablet.scrolls_horizontally()
    tablet.screenshot("plan-after-field-report-768x1024")
    assert tablet.errors == []


def test_responsible_planner_updates_an_activitys_progress(
    theatre: Theatre,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    theatre.active_plan()
    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, theatre.mod_planner)
    open_plan(page)
    # Defence's planner updates Defence's activity, not the foreign ministry's.
    expect(page.get_by_role("button", name=f"Update progress of {CLERKS}")).to_have_count(0)
    page.get_by_role("button", name=f"Update progress of {SCHOOL}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Update progress")
    expect(page.locator(".activity-now")).to_have_text("Now: Planned at 0 %")
    in_progress = page.get_by_label("In progress", exact=True)
    in_progress.check()
    progress = page.get_by_label("Progress (%)", exact=True)
    progress.fill("45")
    save = page.get_by_role("button", name="Save progress")
    labels = page.locator(".choices label")
    assert_touch_targets(progress, save, *[labels.nth(i) for i in range(labels.count())])
    assert not tablet.scrolls_horizontally()
    tablet.screenshot("plan-progress-form-768x1024")
    save.click()

    expect(flash(page)).to_have_text(f"“{SCHOOL}” is in progress at 45 %.")
    school = Activity.objects.get(title=SCHOOL)
    card = page.locator(f"#activity-{school.pk}")
    expect(card.locator(".activity-status")).to_have_text("In progress")
    expect(card.get_by_role("progressbar", name=f"Progress of {SCHOOL}")).to_have_attribute(
        "value", "45"
    )
    assert (school.status, school.progress) == ("in_progress", 45)

    # Reaching 100 % marks it done without choosing a status.
    card.get_by_role("button", name=f"Update progress of {SCHOOL}").click()
    page.get_by_label("Progress (%)", exact=True).fill("100")
    page.get_by_role("button", name="Save progress").click()
    expect(flash(page)).to_have_text(f"“{SCHOOL}” is done at 100 %.")
    expect(card.locator(".activity-status")).to_have_text("Done")
    assert not tablet.scrolls_horizontally()
    tablet.screenshot("plan-after-progress-768x1024")
    assert tablet.errors == []


def test_lead_planner_takes_a_plan_from_draft_to_active(
    theatre: Theatre,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    pages: list[BrowserPage] = []

    # --- the lead's planner drafts the plan ------------------------------------------------------
    drafting = page_at(768, 1024)
    pages.append(drafting)
    page = drafting.page
    sign_in(page, live_server.url, theatre.planner)
    page.locator(".site-nav").get_by_role("link", name="Plans").click()
    page.get_by_role("button", name="New plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New plan")
    page.get_by_label("Title", exact=True).fill(PLAN)
    page.get_by_label("Theatre", exact=True).fill("Valeria")
    page.get_by_label("Phase", exact=True).select_option(label="Planning")
    expect(page.get_by_label("Lead organisation", exact=True)).to_have_value(str(theatre.mfa.pk))
    page.get_by_label("Start date", exact=True).fill("2026-01-01")
    page.get_by_label("End date", exact=True).fill("2027-12-31")
    # Organisations are added by typing: one chosen with the keyboard, one by pointer.
    page.get_by_role("combobox", name="Contributing organisations").press_sequentially("defence")
    contributors = page.locator("#id_contributors-suggestions").get_by_role("option")
    expect(contributors).to_have_text(["Ministry of Defence (MOD)"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Ministry of Defence (MOD)", exact=True)).to_be_checked()
    page.get_by_role("combobox", name="Consulted organisations").press_sequentially("peace")
    page.locator("#id_consulted-suggestions").get_by_role(
        "option", name="Peacebuilding Partners (NGO)"
    ).click()
    expect(page.get_by_label("Peacebuilding Partners (NGO)", exact=True)).to_be_checked()
    option = page.get_by_label("Peacebuilding Partners (NGO)", exact=True).locator("..")
    box = option.bounding_box()
    assert box is not None
    assert box["height"] >= TOUCH_TARGET_PX
    assert not drafting.scrolls_horizontally()
    drafting.screenshot("plan-new-768x1024")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN)
    plan = Plan.objects.get(title=PLAN)
    expect(page).to_have_url(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator(".facts .plan-status")).to_have_text("Draft")

    page.get_by_role("button", name="Add a line of effort").click()
    page.get_by_label("Domain", exact=True).select_option(label="Governance")
    page.get_by_label("Title", exact=True).fill("District councils")
    page.get_by_label("Lead organisation", exact=True).select_option(
        label="Ministry of Foreign Affairs (MFA)"
    )
    page.get_by_role("button", name="Add line of effort").click()
    expect(flash(page)).to_contain_text("Line of effort “District councils” added.")

    page.get_by_role("button", name="Add an activity").click()
    page.get_by_label("Title", exact=True).fill(SCHOOL)
    page.get_by_label("Responsible organisation", exact=True).select_option(
        label="Ministry of Defence (MOD)"
    )
    page.get_by_label("Military", exact=True).check()
    page.get_by_label("Non-military task", exact=True).check()
    page.get_by_label("Start date", exact=True).fill("2026-02-01")
    page.get_by_label("End date", exact=True).fill("2026-09-30")
    page.get_by_label("Place", exact=True).fill("Kora")
    page.get_by_role("button", name="Add activity").click()
    # As civilian as possible: the form asks why a military actor does this.
    error = page.locator("#id_military_justification-error")
    expect(error).to_have_text(
        "A military actor on a non-military task needs a written justification: why can no "
        "civilian actor do this?"
    )
    assert not drafting.scrolls_horizontally()
    drafting.screenshot("plan-justification-error-768x1024")
    page.get_by_label("Military justification", exact=True).fill(
        "No civilian contractor can work in this district yet."
    )
    page.get_by_role("button", name="Add activity").click()
    expect(flash(page)).to_contain_text(f"Activity “{SCHOOL}” added")
    balance = page.get_by_role("region", name="Civil/military balance")
    expect(balance).to_contain_text(
        "Why military: No civilian contractor can work in this district yet."
    )

    page.get_by_role("button", name="Submit for review").click()
    expect(flash(page)).to_have_text(
        "Submitted: every contributor's approvers have been asked to review it."
    )
    expect(page.locator(".facts .plan-status")).to_have_text("In review")
    panel = page.get_by_role("region", name="Review of submission 1")
    expect(panel.get_by_role("row", name=re.compile("Ministry of Defence"))).to_contain_text(
        "Pending"
    )

    # --- the contributor's approver approves -----------------------------------------------------
    contributor = page_at(768, 1024)
    pages.append(contributor)
    page = contributor.page
    sign_in(page, live_server.url, theatre.mod_approver)
    open_plan(page)
    review = page.get_by_role("form", name="Your review")
    review.get_by_label("Approve this submission", exact=True).check()
    review.get_by_label("Comment", exact=True).fill("Agreed at the defence planning board.")
    assert not contributor.scrolls_horizontally()
    contributor.screenshot("plan-review-768x1024")
    review.get_by_role("button", name="Record review").click()
    expect(flash(page)).to_have_text("Ministry of Defence approved submission 1.")
    panel = page.get_by_role("region", name="Review of submission 1")
    row = panel.get_by_role("row", name=re.compile("Ministry of Defence"))
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("Sofia Reyes")
    expect(row).to_contain_text("Agreed at the defence planning board.")

    # --- the lead's approver approves; the lead's planner activates ------------------------------
    lead = page_at(768, 1024)
    pages.append(lead)
    page = lead.page
    sign_in(page, live_server.url, theatre.lead_approver)
    open_plan(page)
    page.get_by_role("button", name="Approve the plan").click()
    expect(flash(page)).to_have_text("The plan is approved. The lead can now activate it.")
    expect(page.locator(".facts .plan-status")).to_have_text("Approved")

    page = drafting.page
    page.reload()
    page.get_by_role("button", name="Activate the plan").click()
    expect(flash(page)).to_have_text("The plan is active: its activities are under way.")
    expect(page.locator(".facts .plan-status")).to_have_text("Active")
    expect(page.get_by_role("button", name="Close the plan")).to_be_visible()
    assert not drafting.scrolls_horizontally()
    drafting.screenshot("plan-active-768x1024")

    plan.refresh_from_db()
    assert (plan.status, plan.submission) == ("active", 1)
    assert list(Review.objects.values_list("organisation__slug", "decision")) == [
        ("mod", "approve")
    ]
    for browser_page in pages:
        assert browser_page.errors == []


def test_plan_list_and_page_fit_a_laptop_too(
    theatre: Theatre,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
) -> None:
    theatre.active_plan()
    laptop = page_at(1366, 768)
    page = laptop.page
    sign_in(page, live_server.url, theatre.planner)
    open_plan(page, screenshot=laptop)
    expect(page.get_by_role("region", name="Timeline").locator("svg.timeline")).to_be_visible()
    expect(page.get_by_role("region", name="Consultations")).to_contain_text(
        "Never consulted: Police Justice ministry International organisation"
    )
    assert not laptop.scrolls_horizontally()
    laptop.screenshot("plan-1366x768")
    assert laptop.errors == []
