"""Funding personas, on the plan of tests/missions/conftest.py: lead `mfa`, contributor `mod`,
consulted `ngo`, outsider `police`.

`fund` is a rapid-response instrument of `mod` (EUR, 14-day target): `mod`'s planners
allocate it, its approvers decide requests. `clerks` (an activity of `mfa`, the lead) and
`school` (of `mod`) each get an allocation. The lead's planners request money from both;
`mod`'s planners only from the school's (their organisation's activity).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, User
from funding import services
from funding.models import Allocation, DisbursementRequest, FundingInstrument
from missions.models import Activity, Plan
from tests.missions.conftest import plan_world_make


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@dataclass
class World:
    orgs: dict[str, Organisation]
    people: dict[str, User | None]
    plan: Plan
    clerks: Activity
    school: Activity
    fund: FundingInstrument
    to_clerks: Allocation
    to_school: Allocation

    def person(self, persona: str) -> User:
        user = self.people[persona]
        assert user is not None
        return user


def world_make() -> World:
    orgs, people, plan = plan_world_make()
    clerks = Activity.objects.get(line_of_effort__plan=plan, title="Train council clerks")
    school = Activity.objects.get(line_of_effort__plan=plan, title="Engineers build a school")
    owner_planner = people["contributor_planner"]
    assert owner_planner is not None
    fund = services.instrument_create(
        by=owner_planner,
        owner=orgs["contributor_org"],
        name="Stabilisation rapid response",
        kind="rapid_response",
        currency="EUR",
        target_days_to_disburse=14,
    )
    to_clerks = services.allocation_create(
        by=owner_planner, instrument=fund, activity=clerks, amount=Decimal("1000.00")
    )
    to_school = services.allocation_create(
        by=owner_planner, instrument=fund, activity=school, amount=Decimal("500.00")
    )
    return World(orgs, people, plan, clerks, school, fund, to_clerks, to_school)


@pytest.fixture
def world(db: None) -> World:
    return world_make()


def request_money(
    world: World,
    amount: str,
    *,
    allocation: Allocation | None = None,
    days_ago: int = 0,
    by: str = "lead_planner",
) -> DisbursementRequest:
    return services.disbursement_request(
        by=world.person(by),
        allocation=allocation or world.to_clerks,
        amount=Decimal(amount),
        requested_on=ago(days_ago),
    )


def approve(world: World, request: DisbursementRequest) -> DisbursementRequest:
    request.refresh_from_db()
    services.disbursement_decide(
        request=request,
        by=world.person("contributor_approver"),
        round=request.round,
        decision="approve",
    )
    request.refresh_from_db()
    return request
