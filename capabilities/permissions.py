"""Who may see and act on offers and pledges, as grants to organisation groups.

- An offer: its organisation's members see it, and so do the named organisations' members
  when it is shared with them, or every signed-in member when shared with all; its
  organisation's planners and administrators change it.
- A requirement: whoever sees its plan sees it; the plan's lead planners (`change_plan`)
  state and change it.
- A pledge: the offering organisation's members and the plan's participants see it; planners
  and administrators of either side change it (a change is a new proposal by that side) or
  withdraw it; the approvers of the side that did not propose it accept or decline it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from accounts.authority import acting_organisations, may, organisations_in_role
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_dependents, register_grant_rules
from accounts.models import Organisation, Role, User
from capabilities.models import (
    CapabilityOffer,
    OfferVisibility,
    Pledge,
    PledgeDecision,
    PledgeDecisionChoice,
    PledgeSide,
)
from missions.models import Participant, Plan
from missions.permissions import can_change_plan

OFFER_EDITOR_ROLES = (Role.PLANNER, Role.ORG_ADMIN)


# --- offers ---------------------------------------------------------------------------------


@register_grant_rules(CapabilityOffer)
def offer_grant_rules(offers: Sequence[CapabilityOffer]) -> dict[int, dict[int, set[str]]]:
    named: dict[int, set[int]] = defaultdict(set)
    through = CapabilityOffer.shared_with.through.objects.filter(
        capabilityoffer_id__in=[offer.pk for offer in offers]
    ).values_list("capabilityoffer_id", "organisation_id")
    for offer_id, organisation_id in through:
        named[offer_id].add(organisation_id)
    groups = organisation_groups(
        {offer.organisation_id for offer in offers} | {o for ids in named.values() for o in ids}
    )
    return {offer.pk: _offer_grants(offer, named[offer.pk], groups) for offer in offers}


def _offer_grants(
    offer: CapabilityOffer, named: set[int], groups: Mapping[int, list[tuple[str, int]]]
) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    for role, group_id in groups[offer.organisation_id]:
        grants[group_id].add("view_capabilityoffer")
        if role in OFFER_EDITOR_ROLES:
            grants[group_id].add("change_capabilityoffer")
    if offer.visibility == OfferVisibility.NAMED:
        for organisation_id in named - {offer.organisation_id}:
            for _, group_id in groups[organisation_id]:
                grants[group_id].add("view_capabilityoffer")
    # Shared with all members: `selectors.visible_offers` adds those rows for everyone.
    return grants


def can_change_offer(user: User, offer: CapabilityOffer) -> bool:
    return may(user, offer, "change_capabilityoffer")


def offering_organisations(user: User) -> list[Organisation]:
    """Organisations a person may make offers for today: where they plan or administer."""
    seen: dict[int, Organisation] = {}
    for role in OFFER_EDITOR_ROLES:
        for organisation in organisations_in_role(user, role):
            seen[organisation.pk] = organisation
    return sorted(seen.values(), key=lambda o: o.name)


# --- pledges --------------------------------------------------------------------------------


def deciding_side(pledge: Pledge) -> str:
    return PledgeSide.REQUIREMENT if pledge.proposed_by == PledgeSide.OFFER else PledgeSide.OFFER


@register_grant_rules(Pledge)
def pledge_grant_rules(pledges: Sequence[Pledge]) -> dict[int, dict[int, set[str]]]:
    ids = [pledge.pk for pledge in pledges]
    sides = {
        pk: (offer_org, plan_id, lead_org)
        for pk, offer_org, plan_id, lead_org in Pledge.objects.filter(pk__in=ids).values_list(
            "pk",
            "offer__organisation_id",
            "requirement__plan_id",
            "requirement__plan__lead_organisation_id",
        )
    }
    participants: dict[int, set[int]] = defaultdict(set)
    for plan_id, organisation_id in Participant.objects.filter(
        plan_id__in={side[1] for side in sides.values()}
    ).values_list("plan_id", "organisation_id"):
        participants[plan_id].add(organisation_id)
    groups = organisation_groups(
        {o for offer_org, _, lead in sides.values() for o in (offer_org, lead)}
        | {o for ids_ in participants.values() for o in ids_}
    )
    return {
        pledge.pk: _pledge_grants(pledge, *sides[pledge.pk], participants, groups)
        for pledge in pledges
    }


def _pledge_grants(
    pledge: Pledge,
    offer_org: int,
    plan_id: int,
    lead_org: int,
    participants: Mapping[int, set[int]],
    groups: Mapping[int, list[tuple[str, int]]],
) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    side_org: dict[str, int] = {PledgeSide.OFFER: offer_org, PledgeSide.REQUIREMENT: lead_org}
    deciding = side_org[deciding_side(pledge)]
    for organisation_id in {offer_org, lead_org} | participants[plan_id]:
        for role, group_id in groups[organisation_id]:
            grants[group_id].add("view_pledge")
            if organisation_id in (offer_org, lead_org) and role in OFFER_EDITOR_ROLES:
                grants[group_id].add("change_pledge")
            if organisation_id == deciding and role == Role.APPROVER:
                grants[group_id].add("decide_pledge")
    return grants


@register_grant_dependents(Plan)
def pledges_of_plan(plan: Plan) -> list[Pledge]:
    """A plan's participants see its pledges: when they change, so do the pledges' grants."""
    return list(Pledge.objects.filter(requirement__plan=plan))


PLEDGE_DECISION = DecisionKind(
    record_model=PledgeDecision,
    subject_field="pledge",
    round_field="round",
    round_label=_("proposal"),
    codename="decide_pledge",
    choices=PledgeDecisionChoice,
    positive=PledgeDecisionChoice.ACCEPT,
    states={
        PledgeDecisionChoice.ACCEPT: "accepted",
        PledgeDecisionChoice.DECLINE: "declined",
    },
    labels={
        PledgeDecisionChoice.ACCEPT: _("Accept this pledge"),
        PledgeDecisionChoice.DECLINE: _("Decline this pledge"),
    },
    reason_needed=_("Say why you decline, so the other side knows."),
    refused=_("Only an approver of the side that did not propose this pledge can decide it."),
    refused_for=_("You are not an approver of {organisation} for this pledge."),
    ambiguous=_("You decide for several organisations: say which one."),
    choose_prompt=_("Choose whether to accept or decline."),
    verbs={
        PledgeDecisionChoice.ACCEPT: _("accepted"),
        PledgeDecisionChoice.DECLINE: _("declined"),
    },
    requested_event="pledge:{subject}:round:{round}:decision-requested",
)
"""The approvers of the side that did not propose a pledge accept or decline its current
proposal (round)."""


def can_change_pledge(user: User, pledge: Pledge) -> bool:
    """Change the quantity (a new proposal by that side) or withdraw: planners and
    administrators of the offering organisation or of the plan's lead."""
    return may(user, pledge, "change_pledge")


def deciding_organisations(user: User, pledge: Pledge) -> list[Organisation]:
    ids = acting_organisations(user, pledge, PLEDGE_DECISION.codename)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


def pledge_sides_for(user: User, offer: CapabilityOffer, plan: Plan) -> list[str]:
    """The sides `user` may propose a pledge of `offer` to `plan` for, today."""
    sides: list[str] = []
    if can_change_offer(user, offer):
        sides.append(PledgeSide.OFFER)
    if can_change_plan(user, plan):
        sides.append(PledgeSide.REQUIREMENT)
    return sides
