"""Offers, requirements and pledges: every write, with its permission check, in one
transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from accounts.concurrency import check_version
from accounts.decisions import decision_record
from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from accounts.services import changed_fields
from capabilities.models import (
    LIVE_PLEDGE,
    CapabilityOffer,
    OfferVisibility,
    Pledge,
    PledgeDecision,
    PledgeDecisionChoice,
    PledgeSide,
    PledgeStatus,
    Requirement,
)
from capabilities.permissions import (
    PLEDGE_DECISION,
    can_change_offer,
    can_change_pledge,
    deciding_side,
    offering_organisations,
    pledge_sides_for,
)
from capabilities.selectors import visible_offers
from missions.models import Plan, PlanStatus
from missions.permissions import can_change_plan
from missions.selectors import visible_plans

OFFER_FIELDS = (
    "kind",
    "domain",
    "description",
    "quantity",
    "unit",
    "available_from",
    "available_until",
    "constraints",
    "visibility",
)
REQUIREMENT_FIELDS = (
    "line_of_effort",
    "activity",
    "kind",
    "domain",
    "description",
    "quantity",
    "unit",
    "needed_from",
    "needed_until",
    "priority",
)


def _amount(value: Decimal, unit: str) -> str:
    return f"{value.normalize():f} {unit}"


def _day(day: datetime.date) -> str:
    return date_format(day, "j M Y")


# --- offers ---------------------------------------------------------------------------------


def _offer_check(offer: CapabilityOffer, shared_with: Iterable[Organisation] | None) -> None:
    errors: dict[str, str] = {}
    if offer.available_until < offer.available_from:
        errors["available_until"] = _("The offer must end on or after the day it starts.")
    if (
        offer.visibility == OfferVisibility.NAMED
        and shared_with is not None
        and not [o for o in shared_with if o.pk != offer.organisation_id]
    ):
        errors["shared_with"] = _("Name at least one other organisation to share it with.")
    if offer.unit:
        offer.unit = offer.unit.strip()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_create(
    *,
    by: User,
    organisation: Organisation,
    kind: str,
    domain: str,
    description: str,
    quantity: Decimal,
    unit: str,
    available_from: datetime.date,
    available_until: datetime.date,
    constraints: str = "",
    visibility: str = OfferVisibility.ORGANISATION,
    shared_with: Iterable[Organisation] = (),
) -> CapabilityOffer:
    """A planner or administrator of `organisation` offers what it can bring."""
    if organisation.pk not in {o.pk for o in offering_organisations(by)}:
        raise PermissionDenied(
            _("Only planners and administrators of %(organisation)s can offer its capabilities.")
            % {"organisation": organisation}
        )
    shared = list(shared_with)
    offer = CapabilityOffer(
        organisation=organisation,
        kind=kind,
        domain=domain,
        description=description.strip(),
        quantity=quantity,
        unit=unit.strip(),
        available_from=available_from,
        available_until=available_until,
        constraints=constraints.strip(),
        visibility=visibility,
        created_by=by,
    )
    _offer_check(offer, shared)
    offer.full_clean()
    offer.save()
    if visibility == OfferVisibility.NAMED:
        offer.shared_with.set(shared)
    grants_recompute(offer)
    return offer


def _pledged_from(offer: CapabilityOffer, *, leaving_out: Pledge | None = None) -> Decimal:
    pledges = Pledge.objects.filter(offer=offer, status__in=LIVE_PLEDGE)
    if leaving_out is not None:
        pledges = pledges.exclude(pk=leaving_out.pk)
    return pledges.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


@transaction.atomic
def offer_update(
    *,
    offer: CapabilityOffer,
    by: User,
    version: int,
    data: dict[str, Any],
    shared_with: Iterable[Organisation] | None = None,
) -> CapabilityOffer:
    """Change an offer. Its quantity cannot fall below what is pledged from it, nor its unit
    change while pledges stand: withdraw them first."""
    offer = CapabilityOffer.objects.select_for_update().get(pk=offer.pk)
    if not can_change_offer(by, offer):
        raise PermissionDenied(
            _("Only planners and administrators of %(organisation)s can change this offer.")
            % {"organisation": offer.organisation}
        )
    check_version(offer, version)
    shared = list(shared_with) if shared_with is not None else None
    before_unit = offer.unit
    changed = changed_fields(offer, OFFER_FIELDS, data)
    if shared is not None and offer.visibility == OfferVisibility.NAMED:
        current = set(offer.shared_with.values_list("pk", flat=True))
        if current != {o.pk for o in shared}:
            changed.add("shared_with")
    if not changed:
        return offer
    _offer_check(offer, shared if offer.visibility == OfferVisibility.NAMED else None)
    pledged = _pledged_from(offer)
    if "unit" in changed and offer.unit != before_unit and pledged:
        raise ValidationError(
            {
                "unit": _(
                    "Pledges of this offer count in its unit: withdraw them before changing it."
                )
            }
        )
    if pledged > offer.quantity:
        raise ValidationError(
            {
                "quantity": _("%(amount)s of this offer is pledged already.")
                % {"amount": _amount(pledged, offer.unit)}
            }
        )
    offer.full_clean()
    offer.version += 1
    offer.save()
    if offer.visibility == OfferVisibility.NAMED and shared is not None:
        offer.shared_with.set(shared)
    elif offer.visibility != OfferVisibility.NAMED:
        offer.shared_with.clear()
    grants_recompute(offer)
    return offer


# --- requirements ---------------------------------------------------------------------------


def _require_planner(plan: Plan, by: User) -> None:
    if not can_change_plan(by, plan):
        raise PermissionDenied(_("Only planners of the plan's lead organisation state its needs."))
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: its needs no longer change."))


def _requirement_check(requirement: Requirement) -> None:
    errors: dict[str, str] = {}
    plan_id = requirement.plan_id
    line = requirement.line_of_effort
    activity = requirement.activity
    if requirement.needed_until < requirement.needed_from:
        errors["needed_until"] = _("The need must end on or after the day it starts.")
    if line is not None and line.plan_id != plan_id:
        errors["line_of_effort"] = _("This line of effort is not part of the plan.")
    if activity is not None:
        if activity.line_of_effort.plan_id != plan_id:
            errors["activity"] = _("This activity is not part of the plan.")
        elif line is not None and activity.line_of_effort_id != line.pk:
            errors["activity"] = _("This activity is not in the line of effort chosen.")
    requirement.unit = requirement.unit.strip()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def requirement_create(*, by: User, plan: Plan, data: dict[str, Any]) -> Requirement:
    """A planner of the plan's lead organisation states a need of the plan."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_planner(plan, by)
    requirement = Requirement(plan=plan, created_by=by)
    changed_fields(requirement, REQUIREMENT_FIELDS, data)
    requirement.description = requirement.description.strip()
    _requirement_check(requirement)
    requirement.full_clean()
    requirement.save()
    return requirement


@transaction.atomic
def requirement_update(
    *, requirement: Requirement, by: User, version: int, data: dict[str, Any]
) -> Requirement:
    """Change a need. Its unit cannot change while pledges stand (they count in it)."""
    requirement = (
        Requirement.objects.select_for_update().select_related("plan").get(pk=requirement.pk)
    )
    _require_planner(requirement.plan, by)
    check_version(requirement, version)
    before_unit = requirement.unit
    changed = changed_fields(requirement, REQUIREMENT_FIELDS, data)
    if not changed:
        return requirement
    _requirement_check(requirement)
    if (
        requirement.unit != before_unit
        and Pledge.objects.filter(requirement=requirement, status__in=LIVE_PLEDGE).exists()
    ):
        raise ValidationError(
            {"unit": _("Pledges to this need count in its unit: they must be withdrawn first.")}
        )
    requirement.full_clean()
    requirement.version += 1
    requirement.save()
    return requirement


# --- pledges --------------------------------------------------------------------------------


def _side_organisation(pledge: Pledge, side: str) -> int:
    if side == PledgeSide.OFFER:
        return pledge.offer.organisation_id
    return pledge.requirement.plan.lead_organisation_id


def _ask_for_decision(pledge: Pledge, *, by: User) -> None:
    deciding = _side_organisation(pledge, deciding_side(pledge))
    notify(
        recipients=[OrganisationRole(deciding, Role.APPROVER)],
        kind="pledge.decision_requested",
        text=format_lazy(
            gettext_lazy(
                "Please decide a pledge of {amount} from {organisation} to “{need}” in {plan}."
            ),
            amount=_amount(pledge.quantity, pledge.unit),
            organisation=pledge.offer.organisation.name,
            need=str(pledge.requirement),
            plan=pledge.requirement.plan.title,
        ),
        url=pledge.get_absolute_url(),
        event_key=PLEDGE_DECISION.requested_event.format(subject=pledge.pk, round=pledge.round),
        actor=by,
    )


def _pledge_check(pledge: Pledge, offer: CapabilityOffer, requirement: Requirement) -> None:
    """The rules a pledge meets whoever proposes it: same kind, same unit, an overlap of the
    offer's availability with the need, within what is left of the offer."""
    errors: dict[str, str] = {}
    if offer.kind != requirement.kind:
        errors["offer"] = _("This offer is %(offer_kind)s; the need is %(need_kind)s.") % {
            "offer_kind": offer.get_kind_display().lower(),
            "need_kind": requirement.get_kind_display().lower(),
        }
    elif offer.unit != requirement.unit:
        errors["offer"] = _(
            "This offer counts in %(offer_unit)s and the need in %(need_unit)s: "
            "a pledge counts in one unit, so it cannot match them."
        ) % {"offer_unit": offer.unit, "need_unit": requirement.unit}
    elif (
        offer.available_until < requirement.needed_from
        or offer.available_from > requirement.needed_until
    ):
        errors["offer"] = _(
            "This offer is available %(start)s to %(end)s, outside the need "
            "(%(need_start)s to %(need_end)s)."
        ) % {
            "start": _day(offer.available_from),
            "end": _day(offer.available_until),
            "need_start": _day(requirement.needed_from),
            "need_end": _day(requirement.needed_until),
        }
    if pledge.quantity is None or pledge.quantity <= 0:
        errors["quantity"] = _("A pledge brings a quantity above zero.")
    elif "offer" not in errors:
        left = offer.quantity - _pledged_from(offer, leaving_out=pledge if pledge.pk else None)
        if pledge.quantity > left:
            errors["quantity"] = _("Only %(amount)s of this offer is not pledged yet.") % {
                "amount": _amount(max(left, Decimal(0)), offer.unit)
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pledge_propose(
    *,
    by: User,
    offer: CapabilityOffer,
    requirement: Requirement,
    quantity: Decimal,
    side: str | None = None,
    comment: str = "",
) -> Pledge:
    """Put part of an offer against a requirement, for the offering organisation (its
    planners, seeing the need) or for the plan (its lead's planners, seeing the offer); the
    other side's approvers decide."""
    offer = CapabilityOffer.objects.select_for_update().get(pk=offer.pk)
    requirement = Requirement.objects.select_related("plan").get(pk=requirement.pk)
    plan = requirement.plan
    sides = [
        s
        for s in pledge_sides_for(by, offer, plan)
        if (s == PledgeSide.OFFER and visible_plans(by).filter(pk=plan.pk).exists())
        or (s == PledgeSide.REQUIREMENT and visible_offers(by).filter(pk=offer.pk).exists())
    ]
    if not sides:
        raise PermissionDenied(
            _("Only planners of the offering organisation or of the plan's lead propose pledges.")
        )
    if side is None:
        side = sides[0]
    elif side not in sides:
        raise PermissionDenied(
            _("You cannot propose this pledge for %(side)s.") % {"side": PledgeSide(side).label}
        )
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it takes no more pledges."))
    pledge = Pledge(
        offer=offer,
        requirement=requirement,
        quantity=quantity,
        unit=requirement.unit,
        proposed_by=side,
        comment=comment.strip(),
        created_by=by,
    )
    _pledge_check(pledge, offer, requirement)
    if Pledge.objects.filter(offer=offer, requirement=requirement, status__in=LIVE_PLEDGE).exists():
        raise ValidationError({"offer": _("This offer is already pledged to this need.")})
    pledge.full_clean()
    pledge.save()
    grants_recompute(pledge)
    _ask_for_decision(pledge, by=by)
    return pledge


def _lock_pledge(pledge: Pledge) -> Pledge:
    return (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("offer__organisation", "requirement__plan")
        .get(pk=pledge.pk)
    )


def _my_side(by: User, pledge: Pledge) -> str:
    sides = pledge_sides_for(by, pledge.offer, pledge.requirement.plan)
    # The side that did not propose it answers with a new proposal of its own.
    return next((s for s in sides if s != pledge.proposed_by), sides[0] if sides else "")


@transaction.atomic
def pledge_change(*, pledge: Pledge, by: User, version: int, quantity: Decimal) -> Pledge:
    """A new quantity, proposed by the side that changes it: a new round, which the other
    side decides (decisions on the earlier round no longer count)."""
    pledge = _lock_pledge(pledge)
    if not can_change_pledge(by, pledge):
        raise PermissionDenied(
            _("Only planners of the offering organisation or the plan change it.")
        )
    if pledge.status not in LIVE_PLEDGE:
        raise ValidationError(
            _("This pledge is %(status)s.") % {"status": pledge.get_status_display().lower()}
        )
    check_version(pledge, version)
    if quantity == pledge.quantity:
        return pledge
    offer = CapabilityOffer.objects.select_for_update().get(pk=pledge.offer_id)
    pledge.quantity = quantity
    _pledge_check(pledge, offer, pledge.requirement)
    pledge.proposed_by = _my_side(by, pledge) or pledge.proposed_by
    pledge.status = PledgeStatus.PROPOSED
    pledge.round += 1
    pledge.proposed_at = timezone.now()
    pledge.version += 1
    pledge.full_clean()
    pledge.save()
    grants_recompute(pledge)
    _ask_for_decision(pledge, by=by)
    return pledge


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, by: User, version: int | None = None) -> Pledge:
    """Either side's planners take a proposed or accepted pledge back."""
    pledge = _lock_pledge(pledge)
    if not can_change_pledge(by, pledge):
        raise PermissionDenied(
            _("Only planners of the offering organisation or the plan withdraw it.")
        )
    if pledge.status not in LIVE_PLEDGE:
        raise ValidationError(
            _("This pledge is %(status)s already.")
            % {"status": pledge.get_status_display().lower()}
        )
    if version is not None:
        check_version(pledge, version)
    pledge.status = PledgeStatus.WITHDRAWN
    pledge.version += 1
    pledge.save()
    notify(
        recipients=[
            OrganisationRole(pledge.offer.organisation_id, Role.PLANNER),
            OrganisationRole(pledge.requirement.plan.lead_organisation_id, Role.PLANNER),
        ],
        kind="pledge.withdrawn",
        text=format_lazy(
            gettext_lazy("The pledge from {organisation} to “{need}” is withdrawn."),
            organisation=pledge.offer.organisation.name,
            need=str(pledge.requirement),
        ),
        url=pledge.get_absolute_url(),
        event_key=f"pledge:{pledge.pk}:withdrawn",
        actor=by,
    )
    return pledge


def _decided_text(accepted: bool, record: PledgeDecision, pledge: Pledge) -> StrOrPromise:
    """What the proposing side reads, in each reader's language."""
    if accepted and record.comment:
        sentence = gettext_lazy(
            "{organisation} accepted the pledge of {amount} to “{need}”: {comment}"
        )
    elif accepted:
        sentence = gettext_lazy("{organisation} accepted the pledge of {amount} to “{need}”.")
    elif record.comment:
        sentence = gettext_lazy(
            "{organisation} declined the pledge of {amount} to “{need}”: {comment}"
        )
    else:
        sentence = gettext_lazy("{organisation} declined the pledge of {amount} to “{need}”.")
    return format_lazy(
        sentence,
        organisation=record.organisation.name,
        amount=_amount(pledge.quantity, pledge.unit),
        need=str(pledge.requirement),
        comment=record.comment,
    )


def decisions_closed(pledge: Pledge) -> str | None:
    if pledge.status == PledgeStatus.PROPOSED:
        return None
    return _("This pledge is %(status)s: there is nothing to decide.") % {
        "status": pledge.get_status_display().lower()
    }


@transaction.atomic
def pledge_decide(
    *,
    pledge: Pledge,
    by: User,
    round: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> PledgeDecision:
    """An approver of the side that did not propose the pledge accepts or declines (with a
    reason) the proposal they read."""
    pledge = _lock_pledge(pledge)
    record: PledgeDecision = decision_record(
        PLEDGE_DECISION,
        subject=pledge,
        by=by,
        round=round,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=decisions_closed(pledge),
    )
    accepted = decision == PledgeDecisionChoice.ACCEPT
    pledge.status = PledgeStatus.ACCEPTED if accepted else PledgeStatus.DECLINED
    pledge.version += 1
    pledge.save()
    proposer = _side_organisation(pledge, pledge.proposed_by)
    verb = "accepted" if accepted else "declined"
    notify(
        recipients=[OrganisationRole(proposer, Role.PLANNER)],
        kind=f"pledge.{verb}",
        text=_decided_text(accepted, record, pledge),
        url=pledge.get_absolute_url(),
        event_key=f"pledge:{pledge.pk}:round:{pledge.round}:{verb}",
        actor=by,
    )
    return record
