"""Who may see and act on funding, as grants to organisation groups.

An instrument's owner: every member sees the instrument and all its allocations and
disbursement requests; its planners allocate and change the instrument; its approvers decide
requests; its planners and approvers record that money was paid. A plan's participants see
the allocations and requests on the plan's activities. Requesting money from an allocation is
for the plan lead's planners and the activity's responsible organisation's planners, asked per
allocation from the plan's grants (as activity progress is).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.authority import acting_organisations, holds_role, may, organisations_in_role
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_dependents, register_grant_rules
from accounts.models import Organisation, Role, User
from funding.models import (
    Allocation,
    DisbursementDecision,
    DisbursementDecisionChoice,
    DisbursementRequest,
    FundingInstrument,
)
from missions.models import Participant, Plan
from missions.permissions import can_change_plan

MANAGER_ROLES = (Role.PLANNER, Role.ORG_ADMIN)
"""Who sets up an instrument for its owner."""


@register_grant_rules(FundingInstrument)
def instrument_grant_rules(
    instruments: Sequence[FundingInstrument],
) -> dict[int, dict[int, set[str]]]:
    groups = organisation_groups(instrument.owner_id for instrument in instruments)
    return {
        instrument.pk: _owner_grants(groups[instrument.owner_id], _INSTRUMENT_OWNER)
        for instrument in instruments
    }


_INSTRUMENT_OWNER: dict[str, set[str]] = {
    Role.PLANNER: {"change_fundinginstrument", "allocate_fundinginstrument"},
    Role.ORG_ADMIN: {"change_fundinginstrument"},
}
_ALLOCATION_OWNER: dict[str, set[str]] = {Role.PLANNER: {"change_allocation"}}
_REQUEST_OWNER: dict[str, set[str]] = {
    Role.APPROVER: {"decide_disbursementrequest", "record_disbursement"},
    Role.PLANNER: {"record_disbursement"},
}


def _owner_grants(
    owner_groups: list[tuple[str, int]], by_role: Mapping[str, set[str]], view: str = ""
) -> dict[int, set[str]]:
    """Every member of the owner sees; some roles do more."""
    grants: dict[int, set[str]] = defaultdict(set)
    for role, group_id in owner_groups:
        grants[group_id].add(view or "view_fundinginstrument")
        grants[group_id].update(by_role.get(role, ()))
    return grants


def _plan_viewers(plan_ids: Iterable[int]) -> dict[int, set[int]]:
    """The participating organisations of each plan, in one query."""
    ids = set(plan_ids)
    viewers: dict[int, set[int]] = {plan_id: set() for plan_id in ids}
    for plan_id, organisation_id in Participant.objects.filter(plan_id__in=ids).values_list(
        "plan_id", "organisation_id"
    ):
        viewers[plan_id].add(organisation_id)
    return viewers


def _money_grants(
    owner_and_plan: Mapping[int, tuple[int, int]],
    by_role: Mapping[str, set[str]],
    view: str,
) -> dict[int, dict[int, set[str]]]:
    """Grants on allocations or requests (by id), from their instrument's owner and plan."""
    viewers = _plan_viewers(plan_id for _, plan_id in owner_and_plan.values())
    groups = organisation_groups(
        {owner for owner, _ in owner_and_plan.values()}
        | {o for organisations in viewers.values() for o in organisations}
    )
    result: dict[int, dict[int, set[str]]] = {}
    for pk, (owner, plan_id) in owner_and_plan.items():
        grants = _owner_grants(groups[owner], by_role, view)
        for organisation_id in viewers[plan_id]:
            for _role, group_id in groups[organisation_id]:
                grants[group_id].add(view)
        result[pk] = grants
    return result


@register_grant_rules(Allocation)
def allocation_grant_rules(allocations: Sequence[Allocation]) -> dict[int, dict[int, set[str]]]:
    rows = Allocation.objects.filter(pk__in=[a.pk for a in allocations]).values_list(
        "pk", "instrument__owner_id", "activity__line_of_effort__plan_id"
    )
    return _money_grants(
        {pk: (owner, plan) for pk, owner, plan in rows}, _ALLOCATION_OWNER, "view_allocation"
    )


@register_grant_rules(DisbursementRequest)
def request_grant_rules(
    requests: Sequence[DisbursementRequest],
) -> dict[int, dict[int, set[str]]]:
    rows = DisbursementRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list(
        "pk", "allocation__instrument__owner_id", "allocation__activity__line_of_effort__plan_id"
    )
    return _money_grants(
        {pk: (owner, plan) for pk, owner, plan in rows},
        _REQUEST_OWNER,
        "view_disbursementrequest",
    )


@register_grant_dependents(Plan)
def allocations_of_plan(plan: Plan) -> list[Allocation]:
    """A plan's participants see the allocations on its activities: theirs change with it."""
    return list(Allocation.objects.filter(activity__line_of_effort__plan=plan))


@register_grant_dependents(Plan)
def requests_of_plan(plan: Plan) -> list[DisbursementRequest]:
    return list(DisbursementRequest.objects.filter(allocation__activity__line_of_effort__plan=plan))


DISBURSEMENT_DECISION = DecisionKind(
    record_model=DisbursementDecision,
    subject_field="request",
    round_field="round",
    round_label=_("round"),
    codename="decide_disbursementrequest",
    choices=DisbursementDecisionChoice,
    positive=DisbursementDecisionChoice.APPROVE,
    states={
        DisbursementDecisionChoice.APPROVE: "approved",
        DisbursementDecisionChoice.REJECT: "rejected",
    },
    labels={
        DisbursementDecisionChoice.APPROVE: _("Approve this request"),
        DisbursementDecisionChoice.REJECT: _("Reject it"),
    },
    reason_needed=_("Say why you reject the request, so the requester knows."),
    refused=_("Only an approver of the instrument's owner can decide this request."),
    refused_for=_("You are not an approver of {organisation} for this instrument."),
    ambiguous=_("You approve for several organisations: say which one you decide for."),
    choose_prompt=_("Choose whether to approve or reject."),
    verbs={
        DisbursementDecisionChoice.APPROVE: pgettext_lazy("disbursement decision", "approved"),
        DisbursementDecisionChoice.REJECT: pgettext_lazy("disbursement decision", "rejected"),
    },
    requested_event="disbursement:{subject}:round:{round}:decision-requested",
)
"""The instrument owner's approvers decide the current round of a disbursement request."""


# --- what a person may do, today -------------------------------------------------------------


def managing_organisations(user: User) -> list[Organisation]:
    """Organisations a person may set up an instrument for: where they plan or administer."""
    seen: dict[int, Organisation] = {}
    for role in MANAGER_ROLES:
        for organisation in organisations_in_role(user, role):
            seen[organisation.pk] = organisation
    return sorted(seen.values(), key=lambda o: o.name)


def can_change_instrument(user: User, instrument: FundingInstrument) -> bool:
    return may(user, instrument, "change_fundinginstrument")


def can_allocate(user: User, instrument: FundingInstrument) -> bool:
    return may(user, instrument, "allocate_fundinginstrument")


def can_change_allocation(user: User, allocation: Allocation) -> bool:
    return may(user, allocation, "change_allocation")


def can_request_disbursement(user: User, allocation: Allocation) -> bool:
    """The plan lead's planners, and the planners of the activity's responsible organisation
    among the plan's viewers (`allocation.activity.line_of_effort.plan` loaded)."""
    activity = allocation.activity
    plan = activity.line_of_effort.plan
    return can_change_plan(user, plan) or (
        may(user, plan, "view_plan")
        and holds_role(user, activity.responsible_organisation_id, Role.PLANNER)
    )


def can_decide_disbursement(user: User, request: DisbursementRequest) -> bool:
    return may(user, request, DISBURSEMENT_DECISION.codename)


def can_record_disbursement(user: User, request: DisbursementRequest) -> bool:
    return may(user, request, "record_disbursement")


def deciding_organisations(user: User, request: DisbursementRequest) -> list[Organisation]:
    ids = acting_organisations(user, request, DISBURSEMENT_DECISION.codename)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []
