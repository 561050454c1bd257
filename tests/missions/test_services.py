"""Plan rules at the service level: workflow, amendments, as civilian as possible, gaps,
field reports and their attachments, reminders, grants."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.authority import may
from accounts.models import Notification, Organisation, User
from accounts.notifications import reminders_send
from missions import selectors, services
from missions.models import Activity, Plan, PlanStatus
from tests.factories import submission_of

pytestmark = pytest.mark.django_db


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def approve_and_activate(
    plan: Plan, lead_planner: User, contributor_approver: User, lead_approver: User
) -> Plan:
    services.plan_submit(plan=plan, by=lead_planner)
    services.plan_review(
        plan=plan, submission=submission_of(plan), by=contributor_approver, decision="approve"
    )
    services.plan_approve(plan=plan, submission=submission_of(plan), by=lead_approver)
    services.plan_activate(plan=plan, by=lead_planner)
    plan.refresh_from_db()
    return plan


def detail(plan: Plan, user: User) -> Plan:
    return selectors.plan_detail(user=user).get(pk=plan.pk)


def test_the_workflow_from_draft_to_closed(
    plan: Plan, lead_planner: User, contributor_approver: User, lead_approver: User
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    with pytest.raises(ValidationError) as early:
        services.plan_approve(plan=plan, submission=submission_of(plan), by=lead_approver)
    assert early.value.messages == ["Every contributor must approve first; still waiting for: MOD."]

    services.plan_review(
        plan=plan, submission=submission_of(plan), by=contributor_approver, decision="approve"
    )
    services.plan_approve(plan=plan, submission=submission_of(plan), by=lead_approver)
    services.plan_activate(plan=plan, by=lead_planner)
    services.plan_close(plan=plan, by=lead_approver)

    plan.refresh_from_db()
    assert (plan.status, plan.submission) == (PlanStatus.CLOSED, 1)
    assert set(Notification.objects.values_list("kind", flat=True)) == {
        "plan.review_requested",
        "plan.approved",
    }


def test_changes_requested_return_the_plan_to_draft_and_tell_the_lead(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=contributor_approver,
        decision="request_changes",
        comment="Add a road security activity.",
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    changes = Notification.objects.get(kind="plan.changes_requested")
    assert (changes.recipient, changes.text) == (
        lead_planner,
        "MOD asks for changes to “Northern Valeria integrated plan”: Add a road security activity.",
    )
    services.plan_submit(plan=plan, by=lead_planner)
    plan.refresh_from_db()
    assert [r.state for r in selectors.review_panel(detail(plan, lead_planner))] == ["pending"]


def test_a_structural_change_to_an_active_plan_is_an_amendment(
    plan: Plan,
    lead_planner: User,
    contributor_approver: User,
    lead_approver: User,
    contributor_planner: User,
    military_activity: Activity,
    civilian_activity: Activity,
) -> None:
    plan = approve_and_activate(plan, lead_planner, contributor_approver, lead_approver)

    # Progress and field reports leave the plan active...
    services.activity_progress_update(
        activity=military_activity,
        by=contributor_planner,
        version=military_activity.version,
        status="in_progress",
        progress=30,
    )
    plan.refresh_from_db()
    assert (plan.status, plan.submission) == (PlanStatus.ACTIVE, 1)

    # ...changing the dates of an activity does not.
    civilian_activity.refresh_from_db()
    services.activity_update(
        activity=civilian_activity,
        by=lead_planner,
        version=civilian_activity.version,
        data={"end_date": datetime.date(2026, 8, 31)},
    )
    plan.refresh_from_db()
    assert (plan.status, plan.submission) == (PlanStatus.IN_REVIEW, 2)
    request = Notification.objects.filter(kind="plan.review_requested").order_by("-id").first()
    assert request.text == (
        "Please review an amendment to “Northern Valeria integrated plan” "
        "(activity changed: Train council clerks) for your organisation."
    )


def test_a_military_actor_on_a_non_military_task_needs_a_justification(
    plan: Plan, line: Any, lead_planner: User, lead_org: Organisation
) -> None:
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            line_of_effort=line,
            by=lead_planner,
            data={
                "title": "Army repairs the clinic",
                "responsible_organisation": lead_org,
                "actor_type": "military",
                "task_nature": "non_military",
                "military_justification": "  ",
                "start_date": datetime.date(2026, 2, 1),
                "end_date": datetime.date(2026, 3, 1),
            },
        )
    assert list(error.value.message_dict) == ["military_justification"]
    assert Activity.objects.filter(title="Army repairs the clinic").count() == 0


def test_responsible_and_lead_organisations_must_take_part(
    plan: Plan, line: Any, lead_planner: User, outsider_org: Organisation
) -> None:
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            line_of_effort=line,
            by=lead_planner,
            data={
                "title": "Police patrols",
                "responsible_organisation": outsider_org,
                "actor_type": "police",
                "task_nature": "non_military",
                "start_date": datetime.date(2026, 2, 1),
                "end_date": datetime.date(2026, 3, 1),
            },
        )
    assert error.value.message_dict == {
        "responsible_organisation": ["POLICE does not take part in this plan; add it first."]
    }


def test_balance_and_consultation_gaps(
    plan: Plan, lead_planner: User, consulted_org: Organisation
) -> None:
    services.consultation_create(
        plan=plan,
        by=lead_planner,
        data={
            "stakeholder": consulted_org,
            "date": datetime.date(2026, 1, 10),
            "summary": "Village meeting",
        },
    )
    loaded = detail(plan, lead_planner)

    balance = selectors.civil_military_balance(loaded)
    assert balance.per_actor_type == {
        "civilian": 1,
        "military": 1,
        "police": 0,
        "ngo": 0,
        "international": 0,
    }
    assert [a.title for a in balance.military_on_non_military_tasks] == ["Engineers build a school"]
    assert selectors.consultation_gaps(loaded) == [
        "police",
        "justice",
        "international_organisation",
    ]


def test_a_field_report_moves_progress_and_tells_the_planners(
    settings: Any,
    tmp_path: Path,
    plan: Plan,
    field_advisor: User,
    military_activity: Activity,
    lead_planner: User,
    contributor_planner: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    report = services.field_report_file(
        plan=plan,
        by=field_advisor,
        activity=military_activity,
        date=timezone.localdate(),
        situation="Walls are up.",
        progress_update=40,
        attachments=[png()],
    )
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.status) == (40, "in_progress")
    assert [(a.original_name, a.content_type) for a in report.attachments.all()] == [
        ("photo.png", "image/png")
    ]
    assert set(
        Notification.objects.filter(kind="plan.field_report").values_list(
            "recipient__username", flat=True
        )
    ) == {
        "lead-planner",
        "contributor-planner",
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("report.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("notes.png", b"just text, named like a picture"),
    ],
)
def test_attachments_are_judged_by_content_not_name(
    settings: Any, tmp_path: Path, plan: Plan, field_advisor: User, name: str, content: bytes
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        services.field_report_file(
            plan=plan,
            by=field_advisor,
            date=timezone.localdate(),
            situation="Calm.",
            attachments=[SimpleUploadedFile(name, content)],
        )
    assert error.value.message_dict == {"attachments": [f"{name} is not a photo or a PDF."]}
    assert plan.field_reports.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


def test_an_oversized_attachment_is_refused(
    settings: Any, tmp_path: Path, plan: Plan, field_advisor: User
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.FIELD_REPORT_ATTACHMENT_MAX_MB = 0
    with pytest.raises(ValidationError) as error:
        services.field_report_file(
            plan=plan,
            by=field_advisor,
            date=timezone.localdate(),
            situation="Calm.",
            attachments=[png()],
        )
    assert error.value.message_dict == {"attachments": ["photo.png is larger than 0 MB."]}


def test_only_field_advisors_of_participants_file_reports(
    plan: Plan, lead_planner: User, plan_outsider: User
) -> None:
    for user in (lead_planner, plan_outsider):
        with pytest.raises(PermissionDenied):
            services.field_report_file(plan=plan, by=user, date=timezone.localdate(), situation="x")
    assert plan.field_reports.count() == 0


def test_blocking_an_activity_tells_the_lead_and_responsible_planners(
    plan: Plan, contributor_planner: User, lead_planner: User, military_activity: Activity
) -> None:
    services.activity_progress_update(
        activity=military_activity,
        by=lead_planner,
        version=military_activity.version,
        status="blocked",
    )
    assert set(
        Notification.objects.filter(kind="plan.activity_blocked").values_list(
            "recipient__username", flat=True
        )
    ) == {"contributor-planner"}, "the lead's planner who blocked it is not told of it"


def test_progress_is_for_the_responsible_organisation(
    plan: Plan, contributor_planner: User, civilian_activity: Activity, military_activity: Activity
) -> None:
    with pytest.raises(PermissionDenied):
        services.activity_progress_update(
            activity=civilian_activity,
            by=contributor_planner,
            version=civilian_activity.version,
            progress=50,
        )
    civilian_activity.refresh_from_db()
    assert civilian_activity.progress == 0


def test_reminders_for_stalled_reviews_and_overdue_activities(
    plan: Plan,
    lead_planner: User,
    contributor_approver: User,
    lead_approver: User,
    contributor_planner: User,
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    Plan.objects.filter(pk=plan.pk).update(
        review_requested_at=timezone.now() - datetime.timedelta(days=4)
    )
    assert reminders_send() == 1
    assert Notification.objects.get(kind="reminder.plan_review").recipient == contributor_approver

    services.plan_review(
        plan=plan, submission=submission_of(plan), by=contributor_approver, decision="approve"
    )
    services.plan_approve(plan=plan, submission=submission_of(plan), by=lead_approver)
    services.plan_activate(plan=plan, by=lead_planner)
    later = timezone.now() + datetime.timedelta(days=400)  # both activities are past their end
    assert reminders_send(now=later) == 2
    assert set(
        Notification.objects.filter(kind="reminder.activity_overdue").values_list(
            "recipient__username", flat=True
        )
    ) == {
        "lead-planner",
        "contributor-planner",
    }


def test_grants_follow_participation(
    plan: Plan,
    personas: dict[str, User | None],
    lead_planner: User,
    outsider_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
) -> None:
    expected = {
        "lead_planner": {"view_plan", "change_plan"},
        "lead_approver": {"view_plan", "approve_plan"},
        "contributor_planner": {"view_plan"},
        "contributor_approver": {"view_plan", "review_plan"},
        "field_advisor": {"view_plan", "file_field_report"},
        "outsider": set(),
    }
    codes = ["view_plan", "change_plan", "approve_plan", "review_plan", "file_field_report"]
    for persona, granted in expected.items():
        user = User.objects.get(pk=personas[persona].pk)
        assert {c for c in codes if may(user, plan, c)} == granted, persona

    with pytest.raises(ValidationError) as in_use:
        services.plan_update(
            plan=plan,
            by=lead_planner,
            version=plan.version,
            data={"participants": [(consulted_org, "consulted")]},
        )
    assert in_use.value.message_dict == {
        "participants": ["Still leading work, responsible for work or consulted in this plan: MOD."]
    }
    services.plan_update(
        plan=plan,
        by=lead_planner,
        version=plan.version,
        data={
            "participants": [
                (contributor_org, "contributor"),
                (consulted_org, "consulted"),
                (outsider_org, "consulted"),
            ]
        },
    )
    assert may(User.objects.get(username="outsider"), plan, "view_plan")


@pytest.mark.celery_worker
def test_plan_brief_through_a_real_worker(
    celery_worker: object,
    settings: Any,
    tmp_path: Path,
    plan: Plan,
    lead_planner: User,
    consulted_org: Organisation,
    plan_outsider: User,
) -> None:
    import time

    import pypdf

    from reports.models import Report
    from tests.conftest import api_as

    settings.MEDIA_ROOT = tmp_path
    services.milestone_create(
        plan=plan,
        by=lead_planner,
        data={"title": "School opens", "due_date": datetime.date(2026, 10, 1)},
    )
    services.consultation_create(
        plan=plan,
        by=lead_planner,
        data={
            "stakeholder": consulted_org,
            "date": datetime.date(2026, 1, 10),
            "summary": "Village meeting on the school",
        },
    )

    refused = api_as(plan_outsider).post(
        "/api/v1/reports/", {"kind": "plan_brief", "params": {"plan": plan.pk}}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {"params": ["plan: No plan with this id is shared with you."]}

    job = (
        api_as(lead_planner)
        .post(
            "/api/v1/reports/", {"kind": "plan_brief", "params": {"plan": plan.pk}}, format="json"
        )
        .json()
    )
    deadline = time.monotonic() + 30
    while Report.objects.get(pk=job["id"]).status not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    report = Report.objects.get(pk=job["id"])
    assert (report.status, report.error) == ("done", "")
    pdf = report.file.read()
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    for expected in [
        "Northern Valeria integrated plan",
        "Timeline",
        "District councils",
        "Train council clerks",
        "Engineers build a school",
        "No civilian contractor can work in this district yet.",
        "Activities per actor type",
        "Never consulted: Police, Justice ministry, International organisation.",
        "Village meeting on the school",
        "School opens",
    ]:
        assert expected in text, expected


def test_a_change_during_review_starts_a_new_submission(
    plan: Plan,
    lead_planner: User,
    contributor_approver: User,
    lead_approver: User,
    civilian_activity: Activity,
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    services.plan_review(
        plan=plan, submission=submission_of(plan), by=contributor_approver, decision="approve"
    )
    services.activity_update(
        activity=civilian_activity,
        by=lead_planner,
        version=civilian_activity.version,
        data={"title": "Train council clerks and treasurers"},
    )
    plan.refresh_from_db()
    assert (plan.status, plan.submission) == (PlanStatus.IN_REVIEW, 2)
    with pytest.raises(ValidationError):
        services.plan_approve(
            plan=plan, submission=submission_of(plan), by=lead_approver
        )  # the approval was for submission 1


def test_a_field_report_does_not_unblock_an_activity(
    settings: Any,
    tmp_path: Path,
    plan: Plan,
    field_advisor: User,
    contributor_planner: User,
    military_activity: Activity,
) -> None:
    services.activity_progress_update(
        activity=military_activity,
        by=contributor_planner,
        version=military_activity.version,
        status="blocked",
    )
    services.field_report_file(
        plan=plan,
        by=field_advisor,
        activity=military_activity,
        date=timezone.localdate(),
        situation="Still no cement.",
        progress_update=35,
    )
    military_activity.refresh_from_db()
    assert (military_activity.status, military_activity.progress, military_activity.version) == (
        "blocked",
        35,
        3,
    )


def test_a_plan_serves_only_a_strategy_its_lead_planner_can_see(
    lead_planner: User, lead_org: Organisation, outsider_org: Organisation
) -> None:
    from strategy import services as strategy_services
    from tests.factories import make_member

    stranger = make_member(outsider_org, "planner", username="stranger")
    hidden = strategy_services.strategy_create(
        by=stranger,
        title="Hidden",
        theatre="Elsewhere",
        approach="prevention",
        lead_organisation=outsider_org,
    )
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=lead_planner,
            title="P",
            theatre="T",
            lead_organisation=lead_org,
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 2, 1),
            strategy=hidden,
        )
    assert error.value.message_dict == {
        "strategy": ["No strategy with this id is shared with you."]
    }
    assert not Plan.objects.exists()


def test_plan_participants_who_are_not_strategy_partners_see_neither_its_title_nor_its_goals(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    contributor_planner: User,
) -> None:
    from django.test import Client

    from strategy import services as strategy_services

    strategy = strategy_services.strategy_create(
        by=lead_planner,
        title="Confidential strategy",
        theatre="Valeria",
        approach="prevention",
        lead_organisation=lead_org,
    )
    goal = strategy_services.goal_create(
        strategy=strategy, by=lead_planner, data={"title": "Secret goal"}
    )
    plan = services.plan_create(
        by=lead_planner,
        title="Shared plan",
        theatre="Valeria",
        lead_organisation=lead_org,
        strategy=strategy,
        participants=[(contributor_org, "contributor")],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    services.line_of_effort_create(
        plan=plan,
        by=lead_planner,
        data={
            "domain": "governance",
            "title": "Councils",
            "lead_organisation": lead_org,
            "goals": [goal],
        },
    )

    client = Client()
    client.force_login(contributor_planner)
    for url in ["/plans/", f"/plans/{plan.pk}/"]:
        html = client.get(url).content.decode()
        assert "Shared plan" in html
        assert "Confidential strategy" not in html, url
        assert "Secret goal" not in html, url
    client.force_login(lead_planner)
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Confidential strategy" in html
    assert "Secret goal" in html


def test_a_decompression_bomb_is_refused_not_a_crash(
    settings: Any, tmp_path: Path, plan: Plan, field_advisor: User
) -> None:
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue())
    with pytest.raises(ValidationError) as error:
        services.field_report_file(
            plan=plan,
            by=field_advisor,
            date=timezone.localdate(),
            situation="x",
            attachments=[bomb],
        )
    assert error.value.message_dict == {"attachments": ["bomb.png is not a photo or a PDF."]}


def test_a_field_report_at_100_percent_does_not_finish_a_cancelled_activity(
    plan: Plan, field_advisor: User, contributor_planner: User, military_activity: Activity
) -> None:
    services.activity_progress_update(
        activity=military_activity,
        by=contributor_planner,
        version=military_activity.version,
        status="cancelled",
    )
    services.field_report_file(
        plan=plan,
        by=field_advisor,
        activity=military_activity,
        date=timezone.localdate(),
        situation="Site abandoned.",
        progress_update=100,
    )
    military_activity.refresh_from_db()
    assert (military_activity.status, military_activity.progress) == ("cancelled", 100)


def test_a_consulted_stakeholder_cannot_be_removed_while_its_consultations_remain(
    plan: Plan, lead_planner: User, contributor_org: Organisation, consulted_org: Organisation
) -> None:
    services.consultation_create(
        plan=plan,
        by=lead_planner,
        data={
            "stakeholder": consulted_org,
            "date": datetime.date(2026, 1, 10),
            "summary": "Village meeting",
        },
    )
    with pytest.raises(ValidationError) as error:
        services.plan_update(
            plan=plan,
            by=lead_planner,
            version=plan.version,
            data={"participants": [(contributor_org, "contributor")]},
        )
    assert error.value.message_dict == {
        "participants": ["Still leading work, responsible for work or consulted in this plan: NGO."]
    }
