"""Instruments and their allocations to plan activities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.authority import may
from accounts.concurrency import check_version
from accounts.grants import grants_recompute
from accounts.models import Organisation, User
from accounts.services import changed_fields
from funding.models import Allocation, DisbursementRequest, DisbursementStatus, FundingInstrument
from funding.money import CENT, money
from funding.permissions import (
    can_allocate,
    can_change_allocation,
    can_change_instrument,
    managing_organisations,
)
from missions.models import Activity

INSTRUMENT_FIELDS = ("name", "kind", "currency", "target_days_to_disburse", "description")


def check_amount(amount: Decimal, field: str = "amount") -> Decimal:
    """More than zero, in whole cents, a `Decimal` (a float never reaches the database)."""
    if not isinstance(amount, Decimal):
        raise ValidationError({field: _("Give the amount as a decimal number, e.g. 1500.00.")})
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("Give the amount in whole cents (two decimal places).")})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: _("The amount is too large (at most 999,999,999,999.99).")})
    return amount.quantize(CENT)


@transaction.atomic
def instrument_create(
    *,
    by: User,
    owner: Organisation,
    name: str,
    kind: str,
    currency: str,
    target_days_to_disburse: int,
    description: str = "",
) -> FundingInstrument:
    """A planner or organisation administrator of `owner` sets up an instrument."""
    if owner.pk not in {o.pk for o in managing_organisations(by)}:
        raise PermissionDenied(
            _("Only a planner or administrator of %(owner)s can set up its funding instruments.")
            % {"owner": owner}
        )
    instrument = FundingInstrument(
        owner=owner,
        name=name.strip(),
        kind=kind,
        currency=currency.strip().upper(),
        target_days_to_disburse=target_days_to_disburse,
        description=description.strip(),
    )
    instrument.full_clean()
    instrument.save()
    grants_recompute(instrument)
    return instrument


@transaction.atomic
def instrument_update(
    *, instrument: FundingInstrument, by: User, version: int, data: dict[str, Any]
) -> FundingInstrument:
    """Change name, kind, target or description; the currency only while nothing is allocated."""
    instrument = FundingInstrument.objects.select_for_update().get(pk=instrument.pk)
    if not can_change_instrument(by, instrument):
        raise PermissionDenied(_("Only the owner's planners and administrators can change it."))
    check_version(instrument, version)
    if "currency" in data:
        data = {**data, "currency": str(data["currency"]).strip().upper()}
    changed = changed_fields(instrument, INSTRUMENT_FIELDS, data)
    if not changed:
        return instrument
    if "currency" in changed and instrument.allocations.exists():
        raise ValidationError(
            {"currency": _("Money is already allocated in this currency: it cannot change.")}
        )
    instrument.full_clean()
    instrument.version += 1
    instrument.save()
    return instrument


def committed(allocation: Allocation) -> Decimal:
    """What requests not rejected take of the allocation (same currency by construction)."""
    total = (
        DisbursementRequest.objects.filter(allocation=allocation)
        .exclude(status=DisbursementStatus.REJECTED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total if total is not None else Decimal("0.00")


@transaction.atomic
def allocation_create(
    *, by: User, instrument: FundingInstrument, activity: Activity, amount: Decimal, note: str = ""
) -> Allocation:
    """The instrument owner's planners set money aside for an activity of a plan they see;
    it is in the instrument's currency."""
    if not can_allocate(by, instrument):
        raise PermissionDenied(_("Only the instrument owner's planners can allocate its money."))
    plan = activity.line_of_effort.plan
    if not may(by, plan, "view_plan"):
        raise ValidationError({"activity": _("No such activity among the plans you see.")})
    allocation = Allocation(
        instrument=instrument,
        activity=activity,
        amount=check_amount(amount),
        currency=instrument.currency,
        allocated_by=by,
        note=note.strip(),
    )
    allocation.full_clean(exclude=["activity", "instrument"])
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError as error:
        raise ValidationError(
            {"activity": _("This instrument already funds this activity: change that allocation.")}
        ) from error
    grants_recompute(allocation)
    return allocation


@transaction.atomic
def allocation_update(
    *, allocation: Allocation, by: User, version: int, data: dict[str, Any]
) -> Allocation:
    """Change the amount (never below what requests already take) or the note."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if not can_change_allocation(by, allocation):
        raise PermissionDenied(_("Only the instrument owner's planners can change an allocation."))
    check_version(allocation, version)
    if "amount" in data:
        data = {**data, "amount": check_amount(data["amount"])}
    if "note" in data:
        data = {**data, "note": str(data["note"]).strip()}
    changed = changed_fields(allocation, ("amount", "note"), data)
    if not changed:
        return allocation
    taken = committed(allocation)
    if allocation.amount < taken:
        raise ValidationError(
            {
                "amount": _("Requests already take %(money)s of it.")
                % {"money": money(taken, allocation.currency)}
            }
        )
    allocation.version += 1
    allocation.save()
    return allocation
