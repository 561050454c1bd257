"""The daily alert for requests past their instrument's target (a real Celery worker; safe to
run twice), the requests waiting in an approver's work list, and the disbursement_times
report."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from accounts.models import Notification
from accounts.work import my_work
from funding import services
from funding.tasks import disbursements_overdue_alert_task
from reports.models import Report, ReportStatus
from tests.conftest import api_as
from tests.funding.conftest import World, approve, request_money, world_make


def _alerts() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind="funding.overdue").values_list(
            "recipient__username", "event_key"
        )
    )


def test_the_task_is_in_the_beat_schedule() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["funding-disbursements-overdue"]
    assert entry["task"] == "funding.tasks.disbursements_overdue_alert_task"
    assert str(entry["schedule"]).startswith("<crontab: 15 7 ")


@pytest.mark.celery_worker
def test_a_request_past_its_target_alerts_once_through_a_real_worker(
    celery_worker: object,
) -> None:
    world = world_make()
    late = request_money(world, "100.00", days_ago=15)  # the 14-day target passed yesterday
    request_money(world, "100.00", days_ago=14)  # on its last day: not yet
    approved_late = approve(world, request_money(world, "50.00", days_ago=20))
    paid = approve(world, request_money(world, "10.00", days_ago=30))
    services.disbursement_record_paid(
        request=paid, by=world.person("contributor_approver"), version=paid.version
    )

    assert disbursements_overdue_alert_task.delay().get(timeout=30) == 2

    # The owner's approvers and the plan lead's planners, once per request.
    expected = sorted(
        (username, f"disbursement:{pk}:overdue")
        for pk in (late.pk, approved_late.pk)
        for username in ("contributor-approver", "lead-planner")
    )
    assert _alerts() == expected
    text = Notification.objects.get(
        kind="funding.overdue",
        recipient=world.person("contributor_approver"),
        event_key=f"disbursement:{late.pk}:overdue",
    ).text
    assert text == (
        "A request for 100.00 EUR from Stabilisation rapid response "
        "(Northern Valeria integrated plan) has waited 15 days, past the target of 14 days, "
        "and is still requested."
    )

    # Safe to run twice: nothing more.
    assert disbursements_overdue_alert_task.delay().get(timeout=30) == 0
    assert _alerts() == expected


@pytest.mark.django_db
def test_requests_waiting_for_my_decision_are_in_my_work(world: World) -> None:
    request = request_money(world, "100.00")

    def decide_items(persona: str) -> list[str]:
        section = next(s for s in my_work(world.person(persona)) if s.key == "decide")
        return [i.url for i in section.items if i.kind == "disbursement_decision"]

    url = f"/funding/disbursements/{request.pk}/decide/"
    assert decide_items("contributor_approver") == [url]
    for persona in ("contributor_planner", "lead_planner", "lead_approver", "superuser"):
        assert decide_items(persona) == [], persona
    approve(world, request)
    assert decide_items("contributor_approver") == []


@pytest.mark.celery_worker
def test_disbursement_times_report_csv_through_a_real_worker(
    celery_worker: object, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = world_make()
    paid = approve(world, request_money(world, "100.00", days_ago=20))
    services.disbursement_record_paid(
        request=paid, by=world.person("contributor_approver"), version=paid.version
    )
    request_money(world, "0.10", days_ago=2)
    job = (
        api_as(world.person("contributor_planner"))
        .post(
            "/api/v1/reports/",
            {"kind": "disbursement_times", "params": {"format": "csv"}},
            format="json",
        )
        .json()
    )
    deadline = time.monotonic() + 30
    while Report.objects.get(pk=job["id"]).status not in (ReportStatus.DONE, ReportStatus.FAILED):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    report = Report.objects.get(pk=job["id"])
    assert (report.status, report.error) == (ReportStatus.DONE, "")
    rows = list(csv.reader(io.StringIO(report.file.read().decode("utf-8-sig"))))
    assert rows[0][:3] == ["instrument", "owner", "target days"]
    assert [(r[5], r[6], r[8], r[12], r[13], r[14]) for r in rows[1:]] == [
        ("100.00", "EUR", "Disbursed", "20", "", "yes"),
        ("0.10", "EUR", "Requested", "", "2", "no"),
    ]


@pytest.mark.celery_worker
def test_disbursement_times_report_pdf_through_a_real_worker(
    celery_worker: object, settings: Any, tmp_path: Path
) -> None:
    import pypdf

    settings.MEDIA_ROOT = tmp_path
    world = world_make()
    paid = approve(world, request_money(world, "100.00", days_ago=31))
    services.disbursement_record_paid(
        request=paid, by=world.person("contributor_approver"), version=paid.version
    )
    job = (
        api_as(world.person("lead_planner"))
        .post("/api/v1/reports/", {"kind": "disbursement_times", "params": {}}, format="json")
        .json()
    )
    deadline = time.monotonic() + 60
    while Report.objects.get(pk=job["id"]).status not in (ReportStatus.DONE, ReportStatus.FAILED):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    report = Report.objects.get(pk=job["id"])
    assert (report.status, report.error) == (ReportStatus.DONE, "")
    pdf = report.file.read()
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    for expected in [
        "Disbursement times",
        "Stabilisation rapid response",
        "Ministry of Defence",
        "14 days",
        "31 days",
        "100.00 EUR",
        "past target",
    ]:
        assert expected in text, expected
