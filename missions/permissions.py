"""Who may see and change a plan, as grants to organisation groups.

Members of every participating organisation see the plan and everything in it; planners of
the lead organisation change its structure; approvers of each contributor review it;
approvers of the lead approve it; field advisors of participants file field reports.
Updating an activity's status and progress is for the responsible organisation's planners,
checked per activity by the service.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from accounts.authority import acting_organisations, holds_role, may, organisations_in_role
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_rules
from accounts.models import Organisation, Role, User
from missions.models import Activity, Participant, ParticipantRole, Plan, Review, ReviewDecision


@register_grant_rules(Plan)
def plan_grant_rules(plans: Sequence[Plan]) -> dict[int, dict[int, set[str]]]:
    participations: dict[int, dict[int, str]] = {plan.pk: {} for plan in plans}
    for plan_id, organisation_id, participation in Participant.objects.filter(
        plan__in=plans
    ).values_list("plan_id", "organisation_id", "role"):
        participations[plan_id][organisation_id] = participation
    groups = organisation_groups(
        organisation_id for roles in participations.values() for organisation_id in roles
    )
    return {plan.pk: _plan_grants(participations[plan.pk], groups) for plan in plans}


def _plan_grants(
    participations: dict[int, str], groups: Mapping[int, list[tuple[str, int]]]
) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    for organisation_id, participation in participations.items():
        for role, group_id in groups[organisation_id]:
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


REVIEW = DecisionKind(
    record_model=Review,
    subject_field="plan",
    round_field="submission",
    round_label=_("submission"),
    codename="review_plan",
    choices=ReviewDecision,
    positive=ReviewDecision.APPROVE,
    states={
        ReviewDecision.APPROVE: "approved",
        ReviewDecision.REQUEST_CHANGES: "changes_requested",
    },
    labels={
        ReviewDecision.APPROVE: _("Approve this submission"),
        ReviewDecision.REQUEST_CHANGES: _("Ask for changes"),
    },
    reason_needed=_("Say which changes you need, so the lead can make them."),
    refused=_("Only an approver of a contributing organisation can review this plan."),
    refused_for=_("You are not an approver of {organisation} for this plan."),
    ambiguous=_("You approve for several contributors: say which one."),
    choose_prompt=_("Choose whether to approve or ask for changes."),
    decide_for_help=_("You are an approver of several contributors."),
    verbs={
        ReviewDecision.APPROVE: _("approved"),
        ReviewDecision.REQUEST_CHANGES: _("asked for changes to"),
    },
    requested_event="plan:{subject}:submission:{round}:review-requested",
    reminder_event="reminder:plan_review:plan:{subject}:submission:{round}:{organisation}:",
)
"""Each contributor's approvers review the plan's current submission."""


# --- what a person may do on a plan, today ------------------------------------------------------


def can_change_plan(user: User, plan: Plan) -> bool:
    """Change the plan's structure: the lead organisation's planners."""
    return may(user, plan, "change_plan")


def can_approve_plan(user: User, plan: Plan) -> bool:
    return may(user, plan, "approve_plan")


def can_lead_plan(user: User, plan: Plan) -> bool:
    """Activate and close the plan: the lead organisation's planners and approvers."""
    return can_change_plan(user, plan) or can_approve_plan(user, plan)


def can_file_field_report(user: User, plan: Plan) -> bool:
    return may(user, plan, "file_field_report")


def progress_organisations(user: User) -> set[int]:
    """Organisations whose activities this user updates progress of (besides the lead's
    planners, who update all of a plan's): where they are a planner today."""
    return set(organisations_in_role(user, Role.PLANNER).values_list("pk", flat=True))


def can_update_progress(user: User, activity: Activity) -> bool:
    """Status and progress: the lead's planners, and the responsible organisation's planners
    among the plan's viewers."""
    plan = activity.line_of_effort.plan
    return can_change_plan(user, plan) or (
        may(user, plan, "view_plan")
        and holds_role(user, activity.responsible_organisation_id, Role.PLANNER)
    )


def reviewing_organisations(user: User, plan: Plan) -> list[Organisation]:
    """The contributors this user reviews for today, by name."""
    ids = acting_organisations(user, plan, REVIEW.codename)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []
