"""Who may see and act on a communication item, as grants to organisation groups.

| who | may |
|---|---|
| members of every organisation taking part in the plan | see the item and its clearances |
| planners of the plan's lead organisation | change it, cancel it (and add items to the plan) |
| planners of the spokesperson organisation | publish it, once cleared |
| approvers of each named participant other than the spokesperson | clear it (or refuse) |

The grants follow the plan's participants (`register_grant_dependents`): an organisation
that stops taking part loses its grants on the plan's items with the plan's own.
Perception readings need no grants of their own: they are seen through the plan
(`visible_through`), recorded by whoever may record readings on the plan's strategy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from accounts.authority import acting_organisations, may
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_dependents, register_grant_rules
from accounts.models import Organisation, Role, User
from missions.models import Participant, ParticipantRole, Plan
from missions.permissions import can_change_plan
from outreach.models import (
    ClearanceDecision,
    CommunicationClearance,
    CommunicationItem,
    PerceptionReading,
)


@register_grant_rules(CommunicationItem)
def communication_grant_rules(
    items: Sequence[CommunicationItem],
) -> dict[int, dict[int, set[str]]]:
    plan_ids = {item.plan_id for item in items}
    participations: dict[int, dict[int, str]] = {plan_id: {} for plan_id in plan_ids}
    for plan_id, organisation_id, participation in Participant.objects.filter(
        plan_id__in=plan_ids
    ).values_list("plan_id", "organisation_id", "role"):
        participations[plan_id][organisation_id] = participation
    named: dict[int, set[int]] = {item.pk: set() for item in items}
    through = CommunicationItem.named_participants.through
    for item_id, organisation_id in through.objects.filter(
        communicationitem_id__in=[item.pk for item in items]
    ).values_list("communicationitem_id", "organisation_id"):
        named[item_id].add(organisation_id)
    groups = organisation_groups(
        organisation_id for roles in participations.values() for organisation_id in roles
    )
    return {
        item.pk: _item_grants(item, participations[item.plan_id], named[item.pk], groups)
        for item in items
    }


def _item_grants(
    item: CommunicationItem,
    participations: dict[int, str],
    named: set[int],
    groups: Mapping[int, list[tuple[str, int]]],
) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    for organisation_id, participation in participations.items():
        for role, group_id in groups[organisation_id]:
            grants[group_id].add("view_communicationitem")
            if participation == ParticipantRole.LEAD and role == Role.PLANNER:
                grants[group_id].add("change_communicationitem")
            if organisation_id == item.spokesperson_id and role == Role.PLANNER:
                grants[group_id].add("publish_communicationitem")
            if (
                organisation_id in named
                and organisation_id != item.spokesperson_id
                and role == Role.APPROVER
            ):
                grants[group_id].add("clear_communicationitem")
    return grants


@register_grant_dependents(Plan)
def communication_items_of_plan(plan: Plan) -> Iterable[CommunicationItem]:
    """The items' grants follow the plan's participants."""
    return CommunicationItem.objects.filter(plan=plan)


CLEARANCE = DecisionKind(
    record_model=CommunicationClearance,
    subject_field="item",
    round_field="clearance",
    round_label=_("clearance round"),
    codename="clear_communicationitem",
    choices=ClearanceDecision,
    positive=ClearanceDecision.CLEAR,
    states={ClearanceDecision.CLEAR: "cleared", ClearanceDecision.REFUSE: "refused"},
    labels={
        ClearanceDecision.CLEAR: _("Clear this message"),
        ClearanceDecision.REFUSE: _("Refuse it"),
    },
    reason_needed=_("Say what must change, so the planners can rework the message."),
    refused=_("Only an approver of a participant the message names can clear it."),
    refused_for=_("You are not an approver of {organisation} for this message."),
    ambiguous=_("You clear for several named participants: say which one you decide for."),
    choose_prompt=_("Choose whether to clear or refuse the message."),
    decide_for_help=_("You are an approver of several participants the message names."),
    verbs={ClearanceDecision.CLEAR: _("cleared"), ClearanceDecision.REFUSE: _("refused")},
    requested_event="communication:{subject}:clearance:{round}:clearance-requested",
)
"""Each named participant's approvers clear the current wording (the clearance round)."""


# --- what a person may do, today -------------------------------------------------------------


def can_add_item(user: User, plan: Plan) -> bool:
    """Add messages to a plan: its planners (the lead organisation's)."""
    return can_change_plan(user, plan)


def can_change_item(user: User, item: CommunicationItem) -> bool:
    return may(user, item, "change_communicationitem")


def can_publish_item(user: User, item: CommunicationItem) -> bool:
    return may(user, item, "publish_communicationitem")


def clearing_organisations(user: User, item: CommunicationItem) -> list[Organisation]:
    """The named participants this person clears for today, by name."""
    ids = acting_organisations(user, item, CLEARANCE.codename)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


def can_change_perception(user: User, perception: PerceptionReading) -> bool:
    """Correct a perception reading's facts (area, source, sample, public): who recorded it,
    and the plan's planners."""
    return perception.reading.recorded_by_id == user.pk or can_change_plan(user, perception.plan)
