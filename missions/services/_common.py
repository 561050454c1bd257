"""What the plan services share: field lists, row locks, the checks every change makes,
review requests and amendments."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from missions.models import (
    ParticipantRole,
    Plan,
    PlanStatus,
)
from missions.permissions import can_change_plan
from strategy.selectors import visible_strategies

PLAN_FIELDS = ("title", "strategy", "theatre", "summary", "phase", "start_date", "end_date")

# Not fields, set apart by plan_update: `participants` (organisation and role pairs) and `posts`
# (the secondments' posts that serve the plan, each hosted by a participant). Changing the posts
# is not structural: no amendment, no new submission.


PLAN_STRUCTURAL_FIELDS = ("start_date", "end_date")


LINE_FIELDS = ("domain", "title", "lead_organisation", "order")


ACTIVITY_FIELDS = (
    "line_of_effort",
    "title",
    "description",
    "responsible_organisation",
    "actor_type",
    "task_nature",
    "military_justification",
    "start_date",
    "end_date",
    "place_name",
    "latitude",
    "longitude",
    "sector",
    "public",
)


MILESTONE_FIELDS = ("title", "due_date", "achieved_on")


CONSULTATION_FIELDS = ("stakeholder", "date", "summary", "follow_up")


AMENDABLE = (PlanStatus.APPROVED, PlanStatus.ACTIVE)


EDITABLE = (PlanStatus.DRAFT, PlanStatus.IN_REVIEW, PlanStatus.APPROVED, PlanStatus.ACTIVE)


ATTACHMENT_IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _status(plan: Plan) -> str:
    return plan.get_status_display().lower()


def _require_structure_editor(plan: Plan, by: User) -> None:
    if not can_change_plan(by, plan):
        raise PermissionDenied(_("Only planners of the lead organisation can change this plan."))
    if plan.status not in EDITABLE:
        raise ValidationError(
            _("This plan is %(status)s: it can no longer be changed.") % {"status": _status(plan)}
        )


def participant_ids(plan: Plan) -> set[int]:
    return set(plan.participants.values_list("organisation_id", flat=True))


def _require_participant(plan: Plan, organisation: Organisation | None, field: str) -> None:
    if organisation is not None and organisation.pk not in participant_ids(plan):
        raise ValidationError(
            {
                field: _("%(organisation)s does not take part in this plan; add it first.")
                % {"organisation": organisation}
            }
        )


def _roles(plan: Plan, participation: Sequence[str], *roles: str) -> list[OrganisationRole]:
    organisations = plan.participants.filter(role__in=participation).values_list(
        "organisation_id", flat=True
    )
    return [OrganisationRole(org_id, role) for org_id in sorted(organisations) for role in roles]


def _request_reviews(plan: Plan, *, by: User, amendment: str | Promise = "") -> None:
    text = (
        format_lazy(
            gettext_lazy(
                "Please review an amendment to “{plan}” ({amendment}) for your organisation."
            ),
            plan=plan.title,
            amendment=amendment,
        )
        if amendment
        else format_lazy(
            gettext_lazy("Please review “{plan}” for your organisation."), plan=plan.title
        )
    )
    notify(
        recipients=_roles(plan, [ParticipantRole.CONTRIBUTOR], Role.APPROVER),
        kind="plan.review_requested",
        text=text,
        url=plan.get_absolute_url(),
        event_key=f"plan:{plan.pk}:submission:{plan.submission}:review-requested",
        actor=by,
    )


def _amend(plan: Plan, *, by: User, reason: str | Promise) -> None:
    """A structural change to an approved or active plan goes back to the contributors; one
    made while they review starts a new submission, so earlier approvals no longer count."""
    if plan.status in (*AMENDABLE, PlanStatus.IN_REVIEW):
        plan.status = PlanStatus.IN_REVIEW
        plan.submission += 1
        plan.version += 1
        plan.review_requested_at = timezone.now()
        plan.save(
            update_fields=["status", "submission", "version", "review_requested_at", "updated"]
        )
        _request_reviews(plan, by=by, amendment=reason)


def _check_strategy(strategy: Any, by: User) -> None:
    if strategy is not None and not visible_strategies(by).filter(pk=strategy.pk).exists():
        raise ValidationError({"strategy": _("No strategy with this id is shared with you.")})


def _check_dates(
    start: datetime.date | None, end: datetime.date | None, field: str = "end_date"
) -> None:
    if start and end and end < start:
        raise ValidationError({field: _("The end date must be on or after the start date.")})


def contributors(plan: Plan) -> set[int]:
    return set(
        plan.participants.filter(role=ParticipantRole.CONTRIBUTOR).values_list(
            "organisation_id", flat=True
        )
    )
