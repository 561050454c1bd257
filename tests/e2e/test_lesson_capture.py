"""A lesson in a browser: a field advisor records an observation with a photo on a tablet in
the field, and it waits in the analyst's My work; the list, the ODCR page and the capture form
fit a tablet and a laptop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from lessons.models import Lesson, LessonStatus
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_home import sign_in
from tests.lessons.conftest import build_world

pytestmark = pytest.mark.browser

TITLE = "Checkpoint closed at dusk"


def test_a_field_advisor_captures_an_observation_and_the_analyst_finds_it_in_my_work(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    photo = tmp_path / "dusk.jpg"
    Image.new("RGB", (640, 480), "#1d4e89").save(photo, "JPEG")

    tablet = page_at(768, 1024)
    page = tablet.page
    sign_in(page, live_server.url, world["mfa_field"])
    # Not in the header yet: a tenth entry does not fit a portrait tablet (see the report).
    page.goto(live_server.url + "/lessons/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lessons")
    page.get_by_role("button", name="Record an observation").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What happened").fill(
        "The joint checkpoint closed at dusk; traders waited on the road all night."
    )
    # The plan is found by typing part of its name and chosen with the keyboard.
    page.get_by_role("combobox", name="Plan").press_sequentially("stabil")
    expect(page.locator("#id_source_plan-suggestions").get_by_role("option")).to_have_text(
        ["Valeria stabilisation plan (Valeria)"]
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Plan")).to_have_value(
        "Valeria stabilisation plan (Valeria)"
    )
    expect(page.get_by_label("Where")).to_have_value("Valeria")  # the plan's theatre
    page.get_by_label("Photo").set_input_files(str(photo))
    tablet.screenshot("lesson-capture-768x1024")
    assert not tablet.scrolls_horizontally()
    page.get_by_role("button", name="Submit the observation").click()

    expect(page.locator(".flash")).to_have_text(
        f"Submitted for the analysts of Ministry of Foreign Affairs: they triage “{TITLE}” next. "
        "The photo is attached."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    lesson = Lesson.objects.get()
    assert (lesson.status, lesson.theatre, lesson.author) == (
        LessonStatus.SUBMITTED,
        "Valeria",
        world["mfa_field"],
    )
    assert [(a.original_name, a.content_type) for a in lesson.attachments.all()] == [
        ("dusk.jpg", "image/jpeg")
    ]
    expect(page.get_by_role("link", name="dusk.jpg")).to_be_visible()
    assert tablet.errors == []

    analyst = page_at(768, 1024)
    sign_in(analyst.page, live_server.url, world["mfa_analyst"])
    work = analyst.page.locator("#work-lessons")
    expect(work.get_by_role("link")).to_have_text([f"Triage “{TITLE}”"])
    work.get_by_role("link", name=f"Triage “{TITLE}”").click()
    expect(analyst.page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(analyst.page.get_by_role("radio", name="Observation", exact=True)).to_be_visible()
    assert not analyst.scrolls_horizontally()
    analyst.screenshot("lesson-detail-768x1024")
    analyst.page.goto(live_server.url + "/lessons/")
    expect(analyst.page.get_by_role("link", name=TITLE)).to_be_visible()
    assert not analyst.scrolls_horizontally()
    analyst.screenshot("lesson-list-768x1024")

    # The plan's page loads the lessons bearing on it.
    analyst.page.goto(live_server.url + world["plan"].get_absolute_url())
    related = analyst.page.get_by_role("region", name="Related lessons")
    expect(related.get_by_role("link", name=TITLE)).to_be_visible()
    assert not analyst.scrolls_horizontally()

    # Following a theatre from the profile, where the fragment answers.
    analyst.page.goto(live_server.url + "/profile/")
    following = analyst.page.get_by_role("article", name="Lessons you follow")
    following.get_by_label("Or a theatre", exact=True).fill("Valeria")
    following.get_by_role("button", name="Follow").click()
    expect(analyst.page.locator(".flash")).to_have_text(
        "You follow Valeria: new lessons in it come in your daily digest."
    )
    expect(
        analyst.page.get_by_role("article", name="Lessons you follow").get_by_role(
            "button", name="Stop following Valeria"
        )
    ).to_be_visible()
    analyst.screenshot("lesson-following-profile-768x1024")
    assert analyst.errors == []

    laptop = page_at(1366, 768)
    sign_in(laptop.page, live_server.url, world["mfa_analyst"])
    for name, url in (
        ("lesson-list", "/lessons/"),
        ("lesson-detail", lesson.get_absolute_url()),
        ("lesson-capture", "/lessons/new/"),
    ):
        laptop.page.goto(live_server.url + url)
        assert not laptop.scrolls_horizontally(), name
        laptop.screenshot(f"{name}-1366x768")
    assert laptop.errors == []
