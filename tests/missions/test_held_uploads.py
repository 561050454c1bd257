"""A field report that comes back for another field keeps its photo: the advisor in the field
does not take it again."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from missions.models import Attachment, FieldReport
from tests.factories import add_membership
from tests.missions.api_support import png_bytes
from tests.missions.conftest import plan_world_make


def test_a_photo_is_kept_when_another_field_fails(client: Any, db: None) -> None:
    _, personas, plan = plan_world_make()
    advisor = personas["field_advisor"]
    client.force_login(advisor)
    url = reverse("plan-field-report-create", args=[plan.pk])
    photo = SimpleUploadedFile("school.png", png_bytes(), content_type="image/png")

    refused = client.post(url, {"date": "2026-11-30", "situation": "", "attachments": photo})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Describe the situation you found." in page
    assert "Kept from your last try, and sent with this report: school.png." in page
    token = refused.context["held"].token
    assert FieldReport.objects.count() == 0

    filed = client.post(
        url, {"date": "2026-11-30", "situation": "The school reopened.", "held": token}
    )

    assert filed.status_code == 302
    report = FieldReport.objects.get()
    assert [a.original_name for a in Attachment.objects.filter(field_report=report)] == [
        "school.png"
    ]
    # The token is spent: sending the form again brings no file twice.
    again = client.post(url, {"date": "2026-11-30", "situation": "Again.", "held": token})
    assert again.status_code == 302
    assert Attachment.objects.count() == 1


def test_someone_elses_token_brings_nothing(client: Any, db: None) -> None:
    _, personas, plan = plan_world_make()
    url = reverse("plan-field-report-create", args=[plan.pk])
    client.force_login(personas["field_advisor"])
    photo = SimpleUploadedFile("school.png", png_bytes(), content_type="image/png")
    token = (
        client.post(url, {"date": "2026-11-30", "situation": "", "attachments": photo})
        .context["held"]
        .token
    )
    other = personas["lead_planner"]
    add_membership(other, plan.lead_organisation, Role.FIELD_ADVISOR)
    client.force_login(other)

    filed = client.post(url, {"date": "2026-11-30", "situation": "Mine.", "held": token})

    assert filed.status_code == 302
    assert Attachment.objects.count() == 0
