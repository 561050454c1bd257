"""Strategy rules at the service level: early warning, reminders, superseding, grants, report."""

from __future__ import annotations

import datetime
import io
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.utils import timezone

from accounts.authority import may
from accounts.grants import grants_recompute
from accounts.models import Notification, Organisation, User
from accounts.notifications import reminders_send
from reports.models import Report, ReportStatus
from strategy import services
from strategy.models import Indicator, Strategy, StrategyGroupObjectPermission, StrategyStatus
from tests.conftest import api_as
from tests.factories import edition_of

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def warnings_sent() -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(kind="strategy.indicator_warning")
        .order_by("recipient__username")
        .values_list("recipient__username", "event_key")
    )


def agree(strategy: Strategy, *approvers: User) -> Strategy:
    services.strategy_submit(strategy=strategy, by=strategy.created_by)
    for approver in approvers:
        services.strategy_endorse(
            strategy=strategy, edition=edition_of(strategy), by=approver, decision="endorse"
        )
    strategy.refresh_from_db()
    return strategy


# --- early warning ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_crossing_warns_every_partners_planners_and_approvers_once(
    personas: dict[str, User | None], indicator: Indicator, lead_planner: User
) -> None:
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(30), value=Decimal(35)
    )
    assert warnings_sent() == []

    crossing = services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(20), value=Decimal(45)
    )
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(10), value=Decimal(50)
    )

    key = f"indicator:{indicator.pk}:warning:reading-{crossing.pk}"
    # The lead's planner recorded the reading: they are not told of their own reading.
    assert warnings_sent() == [
        ("lead-approver", key),
        ("partner-approver", key),
        ("partner-planner", key),
    ]
    indicator.refresh_from_db()
    assert indicator.in_warning is True
    text = Notification.objects.filter(kind="strategy.indicator_warning").first().text
    assert text == (
        "Early warning on “Stability in Northern Valeria”: Violent incidents per month is 45 "
        "incidents, above the threshold of 40."
    )


@pytest.mark.django_db
def test_falling_back_and_crossing_again_is_a_new_warning(
    personas: dict[str, User | None], indicator: Indicator, lead_planner: User
) -> None:
    first = services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(30), value=Decimal(45)
    )
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(20), value=Decimal(30)
    )
    indicator.refresh_from_db()
    assert indicator.in_warning is False
    second = services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(10), value=Decimal(41)
    )

    keys = sorted({key for _, key in warnings_sent()})
    assert keys == sorted(
        [
            f"indicator:{indicator.pk}:warning:reading-{first.pk}",
            f"indicator:{indicator.pk}:warning:reading-{second.pk}",
        ]
    )


@pytest.mark.django_db
def test_a_backdated_reading_does_not_change_the_warning(
    personas: dict[str, User | None], indicator: Indicator, lead_planner: User
) -> None:
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(5), value=Decimal(20)
    )
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(60), value=Decimal(90)
    )
    indicator.refresh_from_db()
    assert indicator.in_warning is False
    assert warnings_sent() == []


@pytest.mark.django_db
def test_readings_are_not_in_the_future_and_need_the_right_role(
    personas: dict[str, User | None],
    indicator: Indicator,
    lead_planner: User,
    partner_approver: User,
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as error:
        services.reading_record(
            indicator=indicator,
            by=lead_planner,
            date=TODAY() + datetime.timedelta(days=1),
            value=Decimal(1),
        )
    assert error.value.message_dict == {"date": ["A reading cannot be in the future."]}
    with pytest.raises(PermissionDenied):
        services.reading_record(
            indicator=indicator, by=partner_approver, date=TODAY(), value=Decimal(1)
        )
    assert indicator.readings.count() == 0


# --- editions -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_a_goal_of_an_agreed_strategy_opens_a_new_edition(
    strategy: Strategy, goal: Any, lead_planner: User, lead_approver: User, partner_approver: User
) -> None:
    agree(strategy, lead_approver, partner_approver)
    assert (strategy.status, strategy.edition) == (StrategyStatus.AGREED, 1)

    services.goal_update(
        goal=goal,
        by=lead_planner,
        version=goal.version,
        data={"title": "Disputes settled peacefully"},
    )

    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == (StrategyStatus.CONSULTATION, 2)
    assert list(
        strategy.endorsements.values_list("edition", "organisation__slug").order_by(
            "organisation__slug"
        )
    ) == [
        (1, "mfa"),
        (1, "mod"),
    ]
    assert list(strategy.editions.values_list("number", "reason")) == [
        (2, "Goal changed: Disputes settled peacefully"),
        (1, "Submitted to the partners"),
    ]
    assert (
        Notification.objects.filter(
            kind="strategy.endorsement_requested", event_key__contains=":edition:2:"
        ).count()
        == 2
    )  # one approver in each partner organisation

    agree_again = [lead_approver, partner_approver]
    for approver in agree_again:
        services.strategy_endorse(
            strategy=strategy, edition=edition_of(strategy), by=approver, decision="endorse"
        )
    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == (StrategyStatus.AGREED, 2)


@pytest.mark.django_db
def test_a_successor_supersedes_its_predecessor_once_agreed(
    strategy: Strategy,
    lead_planner: User,
    lead_approver: User,
    partner_approver: User,
    lead_org: Organisation,
) -> None:
    agree(strategy, lead_approver, partner_approver)
    successor = services.strategy_create(
        by=lead_planner,
        title="Stability in Northern Valeria, 2027",
        theatre="Valeria",
        approach="reconstruction",
        lead_organisation=lead_org,
        predecessor=strategy,
    )
    services.goal_create(
        strategy=successor, by=lead_planner, data={"title": "Rebuild district councils"}
    )
    agree(successor, lead_approver)

    strategy.refresh_from_db()
    assert successor.status == StrategyStatus.AGREED
    assert strategy.status == StrategyStatus.SUPERSEDED
    assert strategy.successor == successor


# --- reminders ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approvers_are_reminded_after_three_days_once_a_day(
    strategy: Strategy, lead_planner: User, lead_approver: User, partner_approver: User
) -> None:
    services.strategy_submit(strategy=strategy, by=lead_planner)
    services.strategy_endorse(
        strategy=strategy, edition=edition_of(strategy), by=lead_approver, decision="endorse"
    )
    now = timezone.now().replace(hour=9, minute=0)
    strategy.editions.update(started_at=now)

    assert reminders_send(now=now + datetime.timedelta(days=2)) == 0
    assert reminders_send(now=now + datetime.timedelta(days=3, hours=1)) == 1
    assert reminders_send(now=now + datetime.timedelta(days=3, hours=2)) == 0
    assert reminders_send(now=now + datetime.timedelta(days=4, hours=1)) == 1

    reminders = Notification.objects.filter(kind="reminder.strategy_endorsement")
    assert set(reminders.values_list("recipient__username", flat=True)) == {"partner-approver"}
    assert (
        reminders.order_by("id").first().text
        == "“Stability in Northern Valeria” has waited 3 days for MOD's endorsement."
    )


# --- grants -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_grants_follow_partners_and_rebuild_to_the_same_rows(
    strategy: Strategy,
    personas: dict[str, User | None],
    lead_planner: User,
    outsider_org: Organisation,
) -> None:
    expected = {
        "lead_planner": {"view_strategy", "change_strategy", "record_reading"},
        "lead_approver": {"view_strategy", "endorse_strategy"},
        "partner_planner": {"view_strategy", "record_reading"},
        "partner_approver": {"view_strategy", "endorse_strategy"},
        "outsider": set(),
    }
    codenames = ["view_strategy", "change_strategy", "endorse_strategy", "record_reading"]
    for persona, codes in expected.items():
        user = User.objects.get(pk=personas[persona].pk)
        assert {c for c in codenames if may(user, strategy, c)} == codes, persona

    rows = set(StrategyGroupObjectPermission.objects.values_list("group_id", "permission_id"))
    StrategyGroupObjectPermission.objects.all().delete()
    grants_recompute(strategy)
    assert (
        set(StrategyGroupObjectPermission.objects.values_list("group_id", "permission_id")) == rows
    )

    services.strategy_update(
        strategy=strategy,
        by=lead_planner,
        version=strategy.version,
        data={"partners": [outsider_org]},
    )
    outsider = User.objects.get(username="outsider")
    partner = User.objects.get(username="partner-planner")
    assert may(outsider, strategy, "view_strategy")
    assert not may(partner, strategy, "view_strategy")


# --- report -------------------------------------------------------------------------------------


@pytest.mark.celery_worker
def test_strategy_status_report_through_a_real_worker(
    celery_worker: object,
    settings: Any,
    tmp_path: Path,
    strategy: Strategy,
    indicator: Indicator,
    lead_planner: User,
    lead_approver: User,
    partner_approver: User,
    strategy_outsider: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(40), value=Decimal(52)
    )
    services.reading_record(
        indicator=indicator, by=lead_planner, date=days_ago(10), value=Decimal(31)
    )
    services.strategy_submit(strategy=strategy, by=lead_planner)
    services.strategy_endorse(
        strategy=strategy,
        edition=edition_of(strategy),
        by=partner_approver,
        decision="reject",
        comment="The budget lines are missing.",
    )

    refused = api_as(strategy_outsider).post(
        "/api/v1/reports/",
        {"kind": "strategy_status", "params": {"strategy": strategy.pk}},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"params": ["strategy: No strategy with this id is shared with you."]}

    job = (
        api_as(lead_planner)
        .post(
            "/api/v1/reports/",
            {"kind": "strategy_status", "params": {"strategy": strategy.pk}},
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
    pdf = report.file.read()
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    for expected in [
        "Stability in Northern Valeria",
        "Disputes settled without violence",
        "Land disputes",
        "Violent incidents per month",
        "Ministry of Defence",
        "Rejected",
        "The budget lines are missing.",
        "Edition 1: Submitted to the partners",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_saving_an_unchanged_goal_keeps_the_agreement(
    strategy: Strategy, goal: Any, lead_planner: User, lead_approver: User, partner_approver: User
) -> None:
    agree(strategy, lead_approver, partner_approver)
    services.goal_update(
        goal=goal,
        by=lead_planner,
        version=goal.version,
        data={
            "title": goal.title,
            "description": goal.description,
            "drivers": list(goal.drivers.all()),
        },
    )
    strategy.refresh_from_db()
    goal.refresh_from_db()
    assert (strategy.status, strategy.edition, goal.version) == (StrategyStatus.AGREED, 1, 1)
