"""Who may see and change a strategy, as grants to organisation groups.

Members of every partner organisation (the lead included) see the strategy and everything
in it; planners of the lead organisation change it; approvers of each partner endorse it for
their organisation; planners, analysts and field advisors of partners record readings.
"""

from __future__ import annotations

from collections import defaultdict

from accounts.grants import register_grant_rules
from accounts.models import OrganisationGroup, Role
from strategy.models import Strategy

READING_ROLES = {Role.PLANNER, Role.ANALYST, Role.FIELD_ADVISOR}


def partner_ids(strategy: Strategy) -> set[int]:
    ids = set(strategy.partnerships.values_list("organisation_id", flat=True))
    ids.add(strategy.lead_organisation_id)
    return ids


@register_grant_rules(Strategy)
def strategy_grant_rules(strategy: Strategy) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    groups = OrganisationGroup.objects.filter(organisation_id__in=partner_ids(strategy))
    for organisation_id, role, group_id in groups.values_list(
        "organisation_id", "role", "group_id"
    ):
        grants[group_id].add("view_strategy")
        if role == Role.APPROVER:
            grants[group_id].add("endorse_strategy")
        if role in READING_ROLES:
            grants[group_id].add("record_reading")
        if role == Role.PLANNER and organisation_id == strategy.lead_organisation_id:
            grants[group_id].add("change_strategy")
    return grants
