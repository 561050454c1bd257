"""Sending again: a field report or a progress update sent with an `Idempotency-Key` happens
once, however often the device sends it (accounts/idempotency.py). Simultaneous sends:
tests/test_idempotency_concurrency.py.

Personas: tests/missions/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import IdempotentRequest, Role, User
from missions import services
from missions.models import Activity, Attachment, FieldReport, Plan
from tests.conftest import api_as
from tests.factories import make_member
from tests.missions.api_support import Personas, png_bytes, upload

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

KEY = "3f0c9a52-6d0e-4c5e-9a57-0b3b2f6a1c11"
REUSED = {
    "detail": (
        "This Idempotency-Key was already used for a different request: make a new key for "
        "each request."
    ),
    "code": "idempotency_key_reused",
}


def report_sent(
    advisor: User, plan: Plan, activity: Activity, key: str, situation: str = "Foundations poured."
) -> Any:
    """A report with a photo, as the outbox sends it (a new multipart boundary each time)."""
    return api_as(advisor).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "activity": activity.pk,
            "date": str(timezone.localdate()),
            "place": "Kora",
            "situation": situation,
            "progress_update": 25,
            "attachments": [upload("site.png", png_bytes(), "image/png")],
        },
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_report_sent_again_after_a_lost_answer_is_filed_once_with_its_photo(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    advisor = personas["field_advisor"]
    assert advisor is not None
    first = report_sent(advisor, plan, military_activity, KEY)
    again = report_sent(advisor, plan, military_activity, KEY)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    report = FieldReport.objects.get()
    assert first.json()["id"] == report.pk
    assert Attachment.objects.filter(field_report=report).count() == 1
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.version) == (25, 2)


def test_the_same_key_with_another_report_is_refused_and_files_nothing(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    advisor = personas["field_advisor"]
    assert advisor is not None
    report_sent(advisor, plan, military_activity, KEY)

    other = report_sent(advisor, plan, military_activity, KEY, situation="Roof is on.")

    assert (other.status_code, other.json()) == (422, REUSED)
    assert list(FieldReport.objects.values_list("situation", flat=True)) == ["Foundations poured."]


def test_a_refused_report_keeps_nothing_so_the_corrected_one_goes_through_with_its_key(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    advisor = personas["field_advisor"]
    assert advisor is not None
    refused = report_sent(advisor, plan, military_activity, KEY, situation="")
    assert refused.status_code == 400
    assert IdempotentRequest.objects.count() == 0

    corrected = report_sent(advisor, plan, military_activity, KEY)

    assert corrected.status_code == 201
    assert not corrected.has_header("Idempotent-Replayed")
    assert FieldReport.objects.count() == 1


def test_keys_are_each_persons_own(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    advisor = personas["field_advisor"]
    assert advisor is not None
    report_sent(advisor, plan, military_activity, KEY)
    colleague = make_member(plan.lead_organisation, Role.FIELD_ADVISOR)

    theirs = report_sent(colleague, plan, military_activity, KEY)

    assert theirs.status_code == 201
    assert not theirs.has_header("Idempotent-Replayed")
    assert FieldReport.objects.count() == 2


@pytest.mark.parametrize(
    "key", ["", "k" * 201, "line\nbreak"], ids=["empty", "too-long", "not-printable"]
)
def test_a_key_that_is_not_a_key_is_a_field_error(
    personas: Personas, plan: Plan, military_activity: Activity, key: str
) -> None:
    advisor = personas["field_advisor"]
    assert advisor is not None
    response = report_sent(advisor, plan, military_activity, key)

    assert (response.status_code, response.json()) == (
        400,
        {"Idempotency-Key": ["Give a key of 1 to 200 printable characters."]},
    )
    assert FieldReport.objects.count() == 0


def test_a_progress_update_sent_again_is_applied_once_not_refused_as_stale(
    personas: Personas, military_activity: Activity
) -> None:
    planner = api_as(personas["lead_planner"])
    url = f"/api/v1/activities/{military_activity.pk}/"
    change = {"status": "in_progress", "progress": 40, "version": 1}

    first = planner.patch(url, change, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = planner.patch(url, change, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    unkeyed = planner.patch(url, change, format="json")

    assert (first.status_code, again.status_code, unkeyed.status_code) == (200, 200, 409)
    assert again.json() == first.json()
    assert (again["ETag"], again["Idempotent-Replayed"]) == ('"2"', "true")
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.version) == (40, 2)
    assert military_activity.history.count() == 2


def test_a_stale_progress_update_with_a_key_is_still_a_409(
    personas: Personas, military_activity: Activity
) -> None:
    planner = api_as(personas["lead_planner"])
    url = f"/api/v1/activities/{military_activity.pk}/"
    planner.patch(url, {"progress": 10, "version": 1}, format="json")

    stale = planner.patch(
        url, {"progress": 40, "version": 1}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )

    assert stale.status_code == 409
    assert IdempotentRequest.objects.count() == 0
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.version) == (10, 2)


def test_a_progress_figure_based_on_an_older_version_is_refused_and_nothing_is_filed(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    """A report written offline arrives after the activity's planner moved its progress: the
    planner's figure stays, the report waits on the device (409 with the activity now), and
    the same key is free for the report resent on the new version."""
    advisor, planner = personas["field_advisor"], personas["contributor_planner"]
    assert advisor is not None
    assert planner is not None
    read = military_activity.version
    services.activity_progress_update(
        activity=military_activity, by=planner, version=read, progress=40
    )

    def sent(version: int) -> Any:
        return api_as(advisor).post(
            "/api/v1/field-reports/",
            {
                "plan": plan.pk,
                "activity": military_activity.pk,
                "date": str(timezone.localdate()),
                "situation": "Foundations poured.",
                "progress_update": 25,
                "activity_version": version,
                "attachments": [upload("site.png", png_bytes(), "image/png")],
            },
            format="multipart",
            HTTP_IDEMPOTENCY_KEY=KEY,
        )

    stale = sent(read)

    assert stale.status_code == 409
    current = stale.json()["current"]
    assert (current["id"], current["progress"], current["version"]) == (
        military_activity.pk,
        40,
        read + 1,
    )
    assert FieldReport.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert IdempotentRequest.objects.count() == 0
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.version) == (40, read + 1)

    resent = sent(read + 1)

    assert resent.status_code == 201
    assert resent.json()["progress_update"] == 25
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.version) == (25, read + 2)
    assert Attachment.objects.filter(field_report=FieldReport.objects.get()).count() == 1
