"""A disbursement request's life: requested against an allocation, approved or rejected by
the instrument owner's approvers, recorded as disbursed; and the alert when one passes its
instrument's target.

The requests on one allocation never add up to more than it: each request locks the
allocation's row first, so two at once are counted one after the other.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from accounts.concurrency import check_version
from accounts.decisions import decision_record
from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, Recipient, notify
from funding.models import (
    Allocation,
    DisbursementDecision,
    DisbursementDecisionChoice,
    DisbursementRequest,
    DisbursementStatus,
)
from funding.money import lazy_money, money
from funding.permissions import (
    DISBURSEMENT_DECISION,
    can_record_disbursement,
    can_request_disbursement,
)
from funding.services.instruments import check_amount, committed

OPEN = (DisbursementStatus.REQUESTED, DisbursementStatus.APPROVED)
"""Requests whose money has not arrived and that are not refused: the clock runs."""

STILL: dict[str, StrOrPromise] = {
    DisbursementStatus.REQUESTED: gettext_lazy(
        "A request for {money} from {instrument} ({plan}) has waited {days} days, past the "
        "target of {target} days, and is still requested."
    ),
    DisbursementStatus.APPROVED: gettext_lazy(
        "A request for {money} from {instrument} ({plan}) has waited {days} days, past the "
        "target of {target} days, and is still approved."
    ),
}
"""The overdue alert, one sentence per open status (a status word alone would not agree in
French)."""


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _lock_allocation(allocation: Allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("instrument", "activity__line_of_effort__plan")
        .get(pk=allocation.pk)
    )


def _lock(request: DisbursementRequest) -> DisbursementRequest:
    return (
        DisbursementRequest.objects.select_for_update(of=("self",))
        .select_related(
            "allocation__instrument", "allocation__activity__line_of_effort__plan", "requested_by"
        )
        .get(pk=request.pk)
    )


def _check_fits(allocation: Allocation, amount: Any, *, besides: int | None = None) -> None:
    """Refuse an amount that would take the requests past the allocation (row locked)."""
    taken = committed(allocation)
    if besides is not None:
        current = DisbursementRequest.objects.get(pk=besides)
        if current.status != DisbursementStatus.REJECTED:
            taken -= current.amount
    left = allocation.amount - taken
    if amount > left:
        raise ValidationError(
            {
                "amount": (
                    _("Only %(left)s of the allocation of %(allocation)s is left to request.")
                    % {
                        "left": money(left, allocation.currency),
                        "allocation": money(allocation.amount, allocation.currency),
                    }
                )
            }
        )


def _ask_for_decision(request: DisbursementRequest, *, by: User) -> None:
    allocation = request.allocation
    notify(
        recipients=[OrganisationRole(allocation.instrument.owner_id, Role.APPROVER)],
        kind="funding.decision_requested",
        text=format_lazy(
            gettext_lazy("Please decide a request for {money} from {instrument} for {activity}."),
            money=lazy_money(request.amount, request.currency),
            instrument=allocation.instrument.name,
            activity=allocation.activity.title,
        ),
        url=request.get_absolute_url(),
        event_key=DISBURSEMENT_DECISION.requested_event.format(
            subject=request.pk, round=request.round
        ),
        actor=by,
    )


def _followers(request: DisbursementRequest) -> list[Recipient]:
    """Who hears an outcome: the requester and the plan lead's planners."""
    plan = request.allocation.activity.line_of_effort.plan
    return [request.requested_by, OrganisationRole(plan.lead_organisation_id, Role.PLANNER)]


@transaction.atomic
def disbursement_request(
    *,
    by: User,
    allocation: Allocation,
    amount: Any,
    purpose: str = "",
    requested_on: datetime.date | None = None,
) -> DisbursementRequest:
    """The plan lead's or the activity's planners ask for (part of) an allocation; what is
    requested and not rejected never exceeds it. `requested_on` (today by default) may be an
    earlier day, when the request was made on paper first."""
    allocation = _lock_allocation(allocation)
    if not can_request_disbursement(by, allocation):
        raise PermissionDenied(
            _("Only the plan lead's planners or the activity's planners can request money.")
        )
    amount = check_amount(amount)
    today = timezone.localdate()
    requested_on = requested_on or today
    if requested_on > today:
        raise ValidationError({"requested_on": _("A request cannot be dated in the future.")})
    _check_fits(allocation, amount)
    request = DisbursementRequest(
        allocation=allocation,
        amount=amount,
        currency=allocation.currency,
        purpose=purpose.strip(),
        requested_on=requested_on,
        requested_by=by,
    )
    request.full_clean(exclude=["allocation", "requested_by"])
    request.save()
    grants_recompute(request)
    _ask_for_decision(request, by=by)
    return request


@transaction.atomic
def disbursement_update(
    *, request: DisbursementRequest, by: User, version: int, data: dict[str, Any]
) -> DisbursementRequest:
    """Change the amount or purpose while the request waits: a new amount is a new round, so
    decisions on the old one are stale."""
    allocation = _lock_allocation(request.allocation)
    request = _lock(request)
    if not can_request_disbursement(by, allocation):
        raise PermissionDenied(_("Only those who may request money can change a request."))
    if request.status != DisbursementStatus.REQUESTED:
        raise ValidationError(
            _("Only a request waiting for a decision can change; this one is %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    check_version(request, version)
    if "amount" in data:
        data = {**data, "amount": check_amount(data["amount"])}
        _check_fits(allocation, data["amount"], besides=request.pk)
    if "purpose" in data:
        data = {**data, "purpose": str(data["purpose"]).strip()}
    before = request.amount
    if "amount" in data and data["amount"] == before:
        data.pop("amount")
    changed = {k for k in ("amount", "purpose") if k in data and getattr(request, k) != data[k]}
    if not changed:
        return request
    for key in changed:
        setattr(request, key, data[key])
    request.version += 1
    if "amount" in changed:
        request.round += 1
    request.save()
    if "amount" in changed:
        _ask_for_decision(request, by=by)
    return request


def decisions_closed(request: DisbursementRequest) -> str | None:
    if request.is_open_to_decisions:
        return None
    return _("This request is %(status)s: there is nothing to decide.") % {
        "status": request.get_status_display().lower()
    }


@transaction.atomic
def disbursement_decide(
    *,
    request: DisbursementRequest,
    by: User,
    round: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> DisbursementDecision:
    """An approver of the instrument's owner approves or rejects (with a reason) the round
    they read. One organisation decides, so its decision settles the request."""
    request = _lock(request)
    record: DisbursementDecision = decision_record(
        DISBURSEMENT_DECISION,
        subject=request,
        by=by,
        round=round,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=decisions_closed(request),
    )
    today = max(timezone.localdate(), request.requested_on)
    names = {
        "organisation": record.organisation.name,
        "money": lazy_money(request.amount, request.currency),
        "instrument": request.allocation.instrument.name,
    }
    if decision == DisbursementDecisionChoice.APPROVE:
        request.status = DisbursementStatus.APPROVED
        request.approved_on = today
        request.days_to_approve = (today - request.requested_on).days
        text = format_lazy(
            gettext_lazy("{organisation} approved the request for {money} from {instrument}."),
            **names,
        )
    else:
        request.status = DisbursementStatus.REJECTED
        request.rejected_on = today
        text = format_lazy(
            gettext_lazy(
                "{organisation} rejected the request for {money} from {instrument}: {reason}"
            ),
            reason=record.comment,
            **names,
        )
    request.version += 1
    request.save()
    notify(
        recipients=_followers(request),
        kind=f"funding.{request.status}",
        text=text,
        url=request.get_absolute_url(),
        event_key=f"disbursement:{request.pk}:round:{request.round}:{request.status}",
        actor=by,
    )
    return record


@transaction.atomic
def disbursement_record_paid(
    *,
    request: DisbursementRequest,
    by: User,
    version: int,
    disbursed_on: datetime.date | None = None,
) -> DisbursementRequest:
    """The owner's planners or approvers record that the money of an approved request was
    paid (today, or the day it was); the days it took are stored."""
    request = _lock(request)
    if not can_record_disbursement(by, request):
        raise PermissionDenied(
            _("Only the instrument owner's planners and approvers record a disbursement.")
        )
    if request.status != DisbursementStatus.APPROVED:
        raise ValidationError(
            _("Only an approved request can be disbursed; this one is %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    check_version(request, version)
    day = disbursed_on or timezone.localdate()
    approved_on = request.approved_on or request.requested_on  # set when approved
    if day > timezone.localdate():
        raise ValidationError({"disbursed_on": _("The money cannot arrive in the future.")})
    if day < approved_on:
        raise ValidationError(
            {
                "disbursed_on": _("It was approved on %(date)s: not before.")
                % {"date": date_format(approved_on, "j M Y")}
            }
        )
    request.status = DisbursementStatus.DISBURSED
    request.disbursed_on = day
    request.days_to_disburse = (day - request.requested_on).days
    request.version += 1
    request.save()
    notify(
        recipients=_followers(request),
        kind="funding.disbursed",
        text=format_lazy(
            gettext_lazy(
                "{money} from {instrument} arrived for {activity}, {days} days after the request."
            ),
            money=lazy_money(request.amount, request.currency),
            instrument=request.allocation.instrument.name,
            activity=request.allocation.activity.title,
            days=request.days_to_disburse,
        ),
        url=request.get_absolute_url(),
        event_key=f"disbursement:{request.pk}:disbursed",
        actor=by,
    )
    return request


def is_overdue(request: DisbursementRequest, today: datetime.date) -> bool:
    return request.overdue_on(today)


def disbursements_overdue_alert(*, today: datetime.date | None = None) -> int:
    """Tell the instrument owner's approvers and the plan lead's planners of each request
    that passed its instrument's target, once per request: each is claimed with a
    conditional update in its own transaction, so two runs at once alert once. Returns how
    many requests were alerted. (Open requests not yet alerted are few: read and compared
    here, the same on SQLite and PostgreSQL.)"""
    today = today or timezone.localdate()
    candidates = [
        request.pk
        for request in DisbursementRequest.objects.filter(
            status__in=OPEN, overdue_alerted_at__isnull=True
        )
        .select_related("allocation__instrument")
        .order_by("pk")
        if is_overdue(request, today)
    ]
    return sum(_alert_one(pk, today) for pk in candidates)


@transaction.atomic
def _alert_one(pk: int, today: datetime.date) -> int:
    claimed = DisbursementRequest.objects.filter(
        pk=pk, status__in=OPEN, overdue_alerted_at__isnull=True
    ).update(overdue_alerted_at=timezone.now())
    if not claimed:
        return 0
    request = DisbursementRequest.objects.select_related(
        "allocation__instrument", "allocation__activity__line_of_effort__plan"
    ).get(pk=pk)
    instrument = request.allocation.instrument
    plan = request.allocation.activity.line_of_effort.plan
    days = (today - request.requested_on).days
    notify(
        recipients=[
            OrganisationRole(instrument.owner_id, Role.APPROVER),
            OrganisationRole(plan.lead_organisation_id, Role.PLANNER),
        ],
        kind="funding.overdue",
        text=format_lazy(
            STILL[request.status],
            money=lazy_money(request.amount, request.currency),
            instrument=instrument.name,
            plan=plan.title,
            days=days,
            target=instrument.target_days_to_disburse,
        ),
        url=reverse("disbursement-detail", args=[request.pk]),
        event_key=f"disbursement:{request.pk}:overdue",
    )
    return 1
