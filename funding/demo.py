"""Demo world, funding: the UN's rapid-response window (14-day target) with one request that
overran it, one paid within it and one waiting; and development cooperation's pooled fund for
Valeria with a request waiting for its approvers. Allocations go to activities of the
Northern Valeria plan. Idempotent: each instrument is made once, with its story."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from funding import services
from funding.models import DisbursementDecisionChoice, FundingInstrument, InstrumentKind
from missions.models import Activity

PLAN = "Northern Valeria integrated plan 2026-2027"
RAPID = "UN Rapid Response Window for Valeria"
POOLED = "Valeria Stabilisation Pooled Fund"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _activity(title: str) -> Activity:
    return Activity.objects.get(line_of_effort__plan__title=PLAN, title=title)


def _rapid_response(owner: Organisation) -> None:
    planner, approver = _user("un.planner"), _user("un.approver")
    fund = services.instrument_create(
        by=planner,
        owner=owner,
        name=RAPID,
        kind=InstrumentKind.RAPID_RESPONSE,
        currency="USD",
        target_days_to_disburse=14,
        description="Money within two weeks for work that cannot wait.",
    )
    courts = services.allocation_create(
        by=planner,
        instrument=fund,
        activity=_activity("Mobile land courts in three districts"),
        amount=Decimal("250000.00"),
        note="Court vehicles and the first six months of hearings.",
    )
    lead = _user("mfa.planner")
    for days_ago, amount, purpose in [
        (31, Decimal("120000.00"), "Three court vehicles and their fitting out."),
        (9, Decimal("40000.00"), "Hearing costs, first quarter."),
    ]:
        request = services.disbursement_request(
            by=lead,
            allocation=courts,
            amount=amount,
            purpose=purpose,
            requested_on=_ago(days_ago),
        )
        services.disbursement_decide(
            request=request, by=approver, round=1, decision=DisbursementDecisionChoice.APPROVE
        )
        services.disbursement_record_paid(request=request, by=approver, version=2)
    services.disbursement_request(
        by=lead,
        allocation=courts,
        amount=Decimal("35000.00"),
        purpose="Hearing costs, second quarter.",
        requested_on=_ago(3),
    )


def _pooled(owner: Organisation) -> None:
    planner = _user("dev.planner")
    fund = services.instrument_create(
        by=planner,
        owner=owner,
        name=POOLED,
        kind=InstrumentKind.POOLED_FUND,
        currency="EUR",
        target_days_to_disburse=30,
        description="Partners pool their contributions for the plan's civilian work.",
    )
    coaching = services.allocation_create(
        by=planner,
        instrument=fund,
        activity=_activity("Council budget coaching"),
        amount=Decimal("400000.00"),
        note="Coaches for the district councils' budget cycle.",
    )
    services.disbursement_request(
        by=planner,
        allocation=coaching,
        amount=Decimal("150000.00"),
        purpose="Coaches' fees and travel for the first budget cycle.",
        requested_on=_ago(12),
    )


def seed() -> str:
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=["un", "dev"])}
    if not FundingInstrument.objects.filter(owner=orgs["un"], name=RAPID).exists():
        _rapid_response(orgs["un"])
    if not FundingInstrument.objects.filter(owner=orgs["dev"], name=POOLED).exists():
        _pooled(orgs["dev"])
    return f"{FundingInstrument.objects.count()} funding instruments"
