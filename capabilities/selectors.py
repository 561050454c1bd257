"""Reads of offers, requirements and pledges, filtered by what the user may see today."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.authority import visible, visible_through
from accounts.decisions import DecisionState, decision_panel
from accounts.models import Organisation, User
from capabilities.models import (
    LIVE_PLEDGE,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    CapabilityOffer,
    OfferVisibility,
    Pledge,
    PledgeDecision,
    PledgeSide,
    Requirement,
)
from capabilities.permissions import PLEDGE_DECISION, deciding_side

OPEN_TO_ALL = Q(visibility=OfferVisibility.ALL)
"""Offers shared with all members: every signed-in person sees them."""

QUANTITY = DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)


def visible_offers(user: User) -> QuerySet[CapabilityOffer]:
    return visible(
        CapabilityOffer.objects.all(),
        user=user,
        codename="view_capabilityoffer",
        also_visible=OPEN_TO_ALL,
    )


def _pledged_total() -> Any:
    """What is pledged (proposed or accepted) from each offer, in one subquery."""
    live = (
        Pledge.objects.filter(offer=OuterRef("pk"), status__in=LIVE_PLEDGE)
        .order_by()
        .values("offer")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(live, output_field=QUANTITY), Value(Decimal(0)), output_field=QUANTITY)


def offer_list(*, user: User) -> QuerySet[CapabilityOffer]:
    """Visible offers with their organisation, the organisations they are shared with, and
    how much of each is pledged."""
    return (
        visible_offers(user)
        .select_related("organisation")
        .prefetch_related(Prefetch("shared_with", queryset=Organisation.objects.order_by("name")))
        .annotate(pledged=_pledged_total())
    )


def visible_requirements(user: User) -> QuerySet[Requirement]:
    """A plan's needs are seen by whoever sees the plan."""
    return visible_through(Requirement.objects.all(), "plan", user=user, codename="view_plan")


def requirement_list(*, user: User) -> QuerySet[Requirement]:
    return visible_requirements(user).select_related("plan", "line_of_effort", "activity")


def visible_pledges(user: User) -> QuerySet[Pledge]:
    return visible(Pledge.objects.all(), user=user, codename="view_pledge")


def pledge_list(*, user: User) -> QuerySet[Pledge]:
    """Visible pledges with both sides and the decisions the panel shows."""
    return (
        visible_pledges(user)
        .select_related(
            "offer__organisation",
            "requirement__plan__lead_organisation",
            "created_by",
        )
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=PledgeDecision.objects.select_related("organisation", "decided_by"),
            )
        )
    )


def deciding_organisation(pledge: Pledge) -> Organisation:
    """The organisation whose approvers decide the pledge (the side that did not propose)."""
    if deciding_side(pledge) == PledgeSide.OFFER:
        return pledge.offer.organisation
    return pledge.requirement.plan.lead_organisation


def pledge_panel(pledge: Pledge) -> list[DecisionState]:
    """The deciding side's decision on the current proposal (prefetched decisions)."""
    return decision_panel(
        PLEDGE_DECISION, pledge, [deciding_organisation(pledge)], pledge.decisions.all()
    )


def organisation_offers(*, user: User, organisation: Organisation) -> QuerySet[CapabilityOffer]:
    """One organisation's offers the viewer may see, soonest first."""
    return offer_list(user=user).filter(organisation=organisation).order_by("available_from", "pk")
