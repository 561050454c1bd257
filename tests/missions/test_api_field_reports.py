"""The plan API's field reports and their attachments.

Personas: tests/missions/conftest.py.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Notification, Organisation, User
from missions import services
from missions.models import (
    Activity,
    Attachment,
    FieldReport,
    Plan,
)
from tests.conftest import api_as
from tests.missions.api_support import (
    ANONYMOUS,
    EXECUTABLE,
    PDF,
    PERSONAS_SEE,
    TITLE,
    Personas,
    at,
    filed,
    ids,
    notified,
    png_bytes,
    upload,
    when,
)
from tests.missions.conftest import END, START

# isort: split
from tests.missions.api_support import (  # noqa: F401 (fixtures: the world, built once)
    built_plan_world_with_plan,
    plan_world,
    plan_world_consulted_org,
    plan_world_contributor_approver,
    plan_world_contributor_org,
    plan_world_contributor_planner,
    plan_world_field_advisor,
    plan_world_lead_approver,
    plan_world_lead_org,
    plan_world_lead_planner,
    plan_world_outsider_org,
    plan_world_personas,
    plan_world_plan,
    plan_world_plan_outsider,
)

# --- field reports ------------------------------------------------------------------------------

FIELD_REPORT_NOT_FOUND = {"detail": "No FieldReport matches the given query."}
NOT_A_FIELD_ADVISOR = {
    "detail": "Field advisors of participating organisations file field reports."
}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 403, NOT_A_FIELD_ADVISOR),
        ("lead_approver", 403, NOT_A_FIELD_ADVISOR),
        ("contributor_planner", 403, NOT_A_FIELD_ADVISOR),
        ("contributor_approver", 403, NOT_A_FIELD_ADVISOR),
        ("field_advisor", 201, None),
        ("outsider", 400, None),  # a field advisor, but of police: the plan is unknown to them
        ("superuser", 403, NOT_A_FIELD_ADVISOR),
        ("ended_yesterday", 400, None),  # a field advisor of mfa, but not today
        ("starts_tomorrow", 400, None),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_field_report_create_matrix(
    personas: Personas,
    plan: Plan,
    military_activity: Activity,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "activity": military_activity.pk,
            "date": str(timezone.localdate()),
            "place": "Kora",
            "situation": "Foundations are poured.",
            "progress_update": 25,
            "attachments": [upload("site.png", png_bytes(), "image/png")],
        },
        format="multipart",
    )

    assert response.status_code == status
    military_activity.refresh_from_db()
    if status == 201:
        report = FieldReport.objects.get()
        attachment = report.attachments.get()
        assert response.json() == {
            "id": report.pk,
            "plan": plan.pk,
            "activity": military_activity.pk,
            "author": "field-advisor",
            "date": str(timezone.localdate()),
            "place": "Kora",
            "situation": "Foundations are poured.",
            "progress_update": 25,
            "attachments": [
                {
                    "id": attachment.pk,
                    "name": "site.png",
                    "content_type": "image/png",
                    "size": len(png_bytes()),
                    "download_url": (
                        f"/api/v1/field-reports/{report.pk}/attachments/{attachment.pk}/"
                    ),
                }
            ],
            "created": when(report.created),
        }
        assert report.author == personas[persona]
        assert (military_activity.progress, military_activity.status) == (25, "in_progress")
        text = f"Field report on “{TITLE}” (Engineers build a school) from field-advisor."
        assert notified("plan.field_report") == [
            ("contributor-planner", text),
            ("lead-planner", text),
        ]
    else:
        if status == 400:  # the plan and activity are unknown ids to them
            body = {
                "plan": [f'Invalid pk "{plan.pk}" - object does not exist.'],
                "activity": [f'Invalid pk "{military_activity.pk}" - object does not exist.'],
            }
        assert response.json() == body
        assert (FieldReport.objects.count(), Attachment.objects.count()) == (0, 0)
        assert (military_activity.progress, military_activity.version) == (0, 1)
        assert Notification.objects.filter(kind="plan.field_report").count() == 0


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_field_report_list_and_detail_matrix(
    personas: Personas, plan: Plan, persona: str, status: int
) -> None:
    report = filed(plan, personas["field_advisor"])
    client = api_as(personas[persona])

    listed = client.get("/api/v1/field-reports/")
    shown = client.get(f"/api/v1/field-reports/{report.pk}/")

    if status == 401:
        assert (listed.status_code, listed.json()) == (401, ANONYMOUS)
        assert (shown.status_code, shown.json()) == (401, ANONYMOUS)
    elif status == 404:
        assert (listed.status_code, ids(listed)) == (200, [])
        assert (shown.status_code, shown.json()) == (404, FIELD_REPORT_NOT_FOUND)
    else:
        assert ids(listed) == [report.pk]
        assert (shown.json()["situation"], shown.json()["place"]) == (
            "The road to Kora is open again.",
            "Kora",
        )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_field_report_is_a_record_that_is_not_edited(
    personas: Personas, plan: Plan, method: str
) -> None:
    report = filed(plan, personas["field_advisor"])

    response = getattr(api_as(personas["field_advisor"]), method)(
        f"/api/v1/field-reports/{report.pk}/", {"situation": "Changed."}, format="json"
    )

    assert response.status_code == 405
    report.refresh_from_db()
    assert report.situation == "The road to Kora is open again."


def test_a_photo_and_a_pdf_are_accepted_and_downloaded_only_by_those_who_see_the_plan(
    personas: Personas, plan: Plan, settings: Any
) -> None:
    photo = png_bytes()

    response = api_as(personas["field_advisor"]).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "date": str(timezone.localdate()),
            "situation": "Market reopened.",
            "attachments": [
                upload("market.png", photo, "image/png"),
                # What the client claims is ignored: the content says what the file is.
                upload("minutes.pdf", PDF, "application/octet-stream"),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201
    listed = response.json()["attachments"]
    assert [(a["name"], a["content_type"], a["size"]) for a in listed] == [
        ("market.png", "image/png", len(photo)),
        ("minutes.pdf", "application/pdf", len(PDF)),
    ]
    stored = Attachment.objects.order_by("pk")
    assert all(Path(a.file.path).is_relative_to(settings.MEDIA_ROOT) for a in stored)

    for persona, status in PERSONAS_SEE:
        for attachment, content in zip(listed, [photo, PDF], strict=True):
            download = api_as(personas[persona]).get(attachment["download_url"])
            assert download.status_code == status, persona
            if status == 200:
                assert download["Content-Type"] == attachment["content_type"]
                assert download["Content-Disposition"] == (
                    f'attachment; filename="{attachment["name"]}"'
                )
                assert b"".join(download.streaming_content) == content
            else:
                expected = {404: FIELD_REPORT_NOT_FOUND, 401: ANONYMOUS}[status]
                assert download.json() == expected

    # Files are never served from a public media URL.
    for attachment in stored:
        public = api_as(personas["lead_planner"]).get(
            f"/{settings.MEDIA_URL}{attachment.file.name}"
        )
        assert public.status_code == 404


def test_an_attachment_of_another_report_is_not_found(personas: Personas, plan: Plan) -> None:
    first = filed(plan, personas["field_advisor"], upload("a.png", png_bytes(), "image/png"))
    second = filed(plan, personas["field_advisor"])

    response = api_as(personas["lead_planner"]).get(
        f"/api/v1/field-reports/{second.pk}/attachments/{first.attachments.get().pk}/"
    )

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No attachment matches the given query."},
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [("photo.jpg", EXECUTABLE, "image/jpeg")],
            "photo.jpg is not a photo or a PDF.",
        ),
        (
            [("site.png", png_bytes(), "image/png"), ("photo.jpg", EXECUTABLE, "image/jpeg")],
            "photo.jpg is not a photo or a PDF.",
        ),
        (
            [("notes.txt", b"%PDX- not a pdf", "application/pdf")],
            "notes.txt is not a photo or a PDF.",
        ),
        (
            [("big.png", png_bytes() + b"\x00" * (1024 * 1024), "image/png")],
            "big.png is larger than 1 MB.",
        ),
        (
            [(f"site-{n}.png", png_bytes(), "image/png") for n in range(6)],
            "At most 5 files per report.",
        ),
    ],
)
def test_attachments_that_are_not_photos_or_pdfs_or_too_large_are_refused(
    field_advisor: User,
    plan: Plan,
    settings: Any,
    files: list[tuple[str, bytes, str]],
    message: str,
) -> None:
    settings.FIELD_REPORT_ATTACHMENT_MAX_MB = 1
    settings.FIELD_REPORT_MAX_ATTACHMENTS = 5

    response = api_as(field_advisor).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "date": str(timezone.localdate()),
            "situation": "See attached.",
            "attachments": [upload(*spec) for spec in files],
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"attachments": [message]}
    assert (FieldReport.objects.count(), Attachment.objects.count()) == (0, 0)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_a_field_report_without_attachments_can_be_sent_as_json(
    field_advisor: User, plan: Plan
) -> None:
    response = api_as(field_advisor).post(
        "/api/v1/field-reports/",
        {"plan": plan.pk, "date": str(timezone.localdate()), "situation": "Quiet day."},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["attachments"], response.json()["activity"]) == ([], None)


def test_field_reports_that_break_the_rules_are_refused(
    personas: Personas, plan: Plan, civilian_activity: Activity, lead_org: Organisation
) -> None:
    other = services.plan_create(
        by=personas["lead_planner"],
        title="Other",
        theatre="Elsewhere",
        lead_organisation=lead_org,
        start_date=START,
        end_date=END,
    )
    client = api_as(personas["field_advisor"])
    today = timezone.localdate()

    def report(**fields: Any) -> Any:
        body = {"plan": plan.pk, "date": str(today), "situation": "Calm.", **fields}
        return client.post("/api/v1/field-reports/", body, format="json")

    tomorrow = report(date=str(today + datetime.timedelta(days=1)))
    no_activity = report(progress_update=50)
    wrong_plan = report(plan=other.pk, activity=civilian_activity.pk)
    too_far = report(activity=civilian_activity.pk, progress_update=101)

    assert tomorrow.json() == {"date": ["A field report cannot be dated in the future."]}
    assert no_activity.json() == {
        "progress_update": ["A progress update is for an activity: choose one."]
    }
    assert wrong_plan.json() == {"activity": ["Choose an activity of this plan."]}
    assert too_far.json() == {
        "progress_update": ["Ensure this value is less than or equal to 100."]
    }
    assert {r.status_code for r in (tomorrow, no_activity, wrong_plan, too_far)} == {400}
    assert FieldReport.objects.count() == 0

    at("closed", plan, personas)
    late = report()
    assert (late.status_code, late.json()) == (
        400,
        {"non_field_errors": ["This plan is closed: it takes no more field reports."]},
    )
