"""Who may see and change a plan, as grants to organisation groups.

Members of every participating organisation see the plan and everything in it; planners of
the lead organisation change its structure; approvers of each contributor review it;
approvers of the lead approve it; field advisors of participants file field reports.
Updating an activity's status and progress is for the responsible organisation's planners,
checked per activity by the service.
"""

from __future__ import annotations

from collections import defaultdict

from accounts.grants import register_grant_rules
from accounts.models import OrganisationGroup, Role
from missions.models import ParticipantRole, Plan


@register_grant_rules(Plan)
def plan_grant_rules(plan: Plan) -> dict[int, set[str]]:
    roles = dict(plan.participants.values_list("organisation_id", "role"))
    grants: dict[int, set[str]] = defaultdict(set)
    groups = OrganisationGroup.objects.filter(organisation_id__in=roles)
    for organisation_id, role, group_id in groups.values_list(
        "organisation_id", "role", "group_id"
    ):
        participation = roles[organisation_id]
        grants[group_id].add("view_plan")
        if role == Role.FIELD_ADVISOR:
            grants[group_id].add("file_field_report")
        if participation == ParticipantRole.LEAD and role == Role.PLANNER:
            grants[group_id].add("change_plan")
        if participation == ParticipantRole.LEAD and role == Role.APPROVER:
            grants[group_id].add("approve_plan")
        if participation == ParticipantRole.CONTRIBUTOR and role == Role.APPROVER:
            grants[group_id].add("review_plan")
    return grants
