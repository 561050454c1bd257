"""What the database holds for plans, whatever code writes to it: one lead participant per
plan, the justification of military work on civilian tasks; and field report files that
never outlive a failed report, with a sweep for those a crash leaves behind.

Personas and the plan: tests/missions/conftest.py.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Organisation, User
from missions import services
from missions.models import Activity, Attachment, FieldReport, Participant, Plan
from missions.tasks import attachments_sweep_task

pytestmark = pytest.mark.django_db

JUSTIFICATION_NEEDED = (
    "A military actor on a non-military task needs a written justification: "
    "why can no civilian actor do this?"
)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(name: str = "site.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1d4e89").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def leads(plan: Plan) -> list[tuple[int, str]]:
    return list(
        plan.participants.filter(role="lead").values_list("organisation_id", "organisation__slug")
    )


# --- one lead participant per plan ----------------------------------------------------------------


def test_the_database_refuses_a_second_lead_participant(
    plan: Plan, lead_org: Organisation, outsider_org: Organisation
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(plan=plan, organisation=outsider_org, role="lead")
    assert leads(plan) == [(lead_org.pk, "mfa")]


def test_a_second_lead_participant_fails_validation_in_plain_words(
    plan: Plan, outsider_org: Organisation
) -> None:
    with pytest.raises(ValidationError) as refused:
        Participant(plan=plan, organisation=outsider_org, role="lead").full_clean()
    assert refused.value.message_dict == {
        "__all__": ["A plan has one lead: its lead organisation."]
    }


def test_participant_changes_keep_the_plans_lead_organisation_as_its_one_lead(
    plan: Plan,
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    outsider_org: Organisation,
) -> None:
    """A guard for the half the database cannot hold: the lead row follows the plan's lead
    organisation, whatever the participant list says about it."""
    services.plan_update(
        plan=plan,
        by=lead_planner,
        version=plan.version,
        data={
            "participants": [
                (lead_org, "contributor"),
                (contributor_org, "contributor"),
                (outsider_org, "consulted"),
            ]
        },
    )
    plan.refresh_from_db()
    assert leads(plan) == [(plan.lead_organisation_id, "mfa")]
    assert sorted(plan.participants.values_list("organisation__slug", "role")) == [
        ("mfa", "lead"),
        ("mod", "contributor"),
        ("police", "consulted"),
    ]


# --- as civilian as possible --------------------------------------------------------------------


@pytest.mark.parametrize("justification", ["", "   "])
def test_the_database_refuses_military_work_on_a_civilian_task_without_a_reason(
    military_activity: Activity, justification: str
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=military_activity.pk).update(
            military_justification=justification
        )
    assert Activity.objects.values_list("military_justification", flat=True).get(
        pk=military_activity.pk
    ) == ("No civilian contractor can work in this district yet.")


def test_a_missing_justification_fails_validation_in_plain_words(
    military_activity: Activity,
) -> None:
    military_activity.military_justification = " "
    with pytest.raises(ValidationError) as refused:
        military_activity.full_clean()
    assert refused.value.message_dict == {"military_justification": [JUSTIFICATION_NEEDED]}


def test_only_military_work_on_a_civilian_task_needs_a_reason(
    civilian_activity: Activity, military_activity: Activity
) -> None:
    Activity.objects.filter(pk=military_activity.pk).update(
        task_nature="military", military_justification=""
    )
    Activity.objects.filter(pk=civilian_activity.pk).update(military_justification="")
    assert sorted(
        Activity.objects.values_list("actor_type", "task_nature", "military_justification")
    ) == [("civilian", "non_military", ""), ("military", "military", "")]


# --- field report files -------------------------------------------------------------------------


def test_a_field_report_that_fails_after_storing_its_files_leaves_none_behind(
    media: Path, plan: Plan, field_advisor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def notify_fails(**kwargs: Any) -> None:
        raise RuntimeError("the notification could not be written")

    monkeypatch.setattr("missions.services.field_reports.notify", notify_fails)
    with pytest.raises(RuntimeError, match="the notification could not be written"):
        services.field_report_file(
            plan=plan,
            by=field_advisor,
            date=timezone.localdate(),
            situation="Walls are up.",
            attachments=[png("walls.png"), png("roof.png")],
        )
    assert (FieldReport.objects.count(), Attachment.objects.count()) == (0, 0)
    assert stored_files(media) == []


def test_a_filed_report_keeps_its_files(media: Path, plan: Plan, field_advisor: User) -> None:
    report = services.field_report_file(
        plan=plan,
        by=field_advisor,
        date=timezone.localdate(),
        situation="Walls are up.",
        attachments=[png("walls.png")],
    )
    attachment = report.attachments.get()
    month = timezone.now().strftime("%Y/%m")
    # Stored under a generated name with the extension of its real type, never the sender's.
    assert re.fullmatch(rf"field-reports/{month}/[0-9a-f]{{32}}\.png", attachment.file.name)
    assert stored_files(media) == [attachment.file.name]
    assert attachment.original_name == "walls.png"


def age(path: Path, days: int) -> None:
    then = (timezone.now() - datetime.timedelta(days=days)).timestamp()
    os.utime(path, (then, then))


def test_the_sweep_deletes_old_orphans_and_keeps_referenced_and_recent_files(
    media: Path, plan: Plan, field_advisor: User
) -> None:
    report = services.field_report_file(
        plan=plan,
        by=field_advisor,
        date=timezone.localdate(),
        situation="Walls are up.",
        attachments=[png("walls.png")],
    )
    referenced = media / report.attachments.get().file.name
    orphan = media / "field-reports/2026/01/left-by-a-crash.png"
    recent = media / "field-reports/2026/01/being-filed.png"
    elsewhere = media / "reports/7/directory-7.pdf"
    for path in (orphan, recent, elsewhere):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-")
    for path in (referenced, orphan, elsewhere):
        age(path, days=2)

    assert services.attachments_sweep() == 1
    assert services.attachments_sweep() == 0  # safe to run twice
    assert stored_files(media) == sorted(
        [
            str(referenced.relative_to(media)),
            "field-reports/2026/01/being-filed.png",
            "reports/7/directory-7.pdf",
        ]
    )


def test_the_sweep_is_a_periodic_task(media: Path) -> None:
    orphan = media / "field-reports/2025/12/orphan.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"\xff\xd8\xff")
    age(orphan, days=2)

    assert attachments_sweep_task() == 1
    assert stored_files(media) == []
    assert django_settings.CELERY_BEAT_SCHEDULE["field-report-attachments-sweep"] == {
        "task": attachments_sweep_task.name,
        "schedule": datetime.timedelta(hours=6),
    }


def test_the_sweep_has_nothing_to_do_before_any_file_is_stored(media: Path) -> None:
    assert services.attachments_sweep() == 0
