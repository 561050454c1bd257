"""A plan's life: creating, editing, submitting, reviews, approval, activation and closing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_decision
from accounts.authority import lead_organisations_for
from accounts.concurrency import check_version
from accounts.decisions import check_round, decided_for, decision_record
from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notifications_done, notify
from accounts.services import changed_fields
from missions.models import (
    Activity,
    Participant,
    ParticipantRole,
    Plan,
    PlanStatus,
    Review,
    ReviewDecision,
)
from missions.permissions import REVIEW, can_approve_plan, can_change_plan, can_lead_plan
from missions.services._common import (
    PLAN_FIELDS,
    PLAN_STRUCTURAL_FIELDS,
    _amend,
    _check_dates,
    _check_strategy,
    _lock,
    _request_reviews,
    _require_structure_editor,
    _roles,
    _status,
    contributors,
)
from missions.services.dates import plan_dates_check, plan_parts_within
from secondments.models import Post


def _set_participants(plan: Plan, participants: Iterable[tuple[Organisation, str]]) -> bool:
    """The lead plus the given organisations and roles; returns whether anything changed."""
    wanted: dict[int, str] = {}
    for organisation, role in participants:
        if role not in (ParticipantRole.CONTRIBUTOR, ParticipantRole.CONSULTED):
            raise ValidationError(
                {
                    "participants": _("A participant is a contributor or consulted, not %(role)s.")
                    % {"role": repr(role)}
                }
            )
        if organisation.pk != plan.lead_organisation_id:
            wanted[organisation.pk] = role
    wanted[plan.lead_organisation_id] = ParticipantRole.LEAD
    current = dict(plan.participants.values_list("organisation_id", "role"))
    if wanted == current:
        return False
    in_use = _organisations_in_use(plan) - wanted.keys()
    if in_use:
        names = ", ".join(sorted(str(o) for o in Organisation.objects.filter(pk__in=in_use)))
        raise ValidationError(
            {
                "participants": _(
                    "Still leading work, responsible for work or consulted in this plan: %(names)s."
                )
                % {"names": names}
            }
        )
    plan.participants.exclude(organisation_id__in=wanted).delete()
    for organisation_id, role in wanted.items():
        Participant.objects.update_or_create(
            plan=plan, organisation_id=organisation_id, defaults={"role": role}
        )
    grants_recompute(plan)
    return True


def _set_posts(plan: Plan, posts: Iterable[Post] | None) -> bool:
    """Link the given posts (or check the current ones against the participants, when `posts`
    is None); returns whether anything changed. Each post's host must take part in the plan."""
    wanted = list(plan.posts.select_related("host_organisation") if posts is None else posts)
    taking_part = set(plan.participants.values_list("organisation_id", flat=True))
    for post in sorted(wanted, key=lambda p: (p.host_organisation.name, p.title)):
        if post.host_organisation_id not in taking_part:
            field = "posts" if posts is not None else "participants"
            raise ValidationError(
                {
                    field: _(
                        "“%(post)s” is a post of %(organisation)s, "
                        "which does not take part in this plan."
                    )
                    % {"post": post.title, "organisation": post.host_organisation}
                }
            )
    if posts is None:
        return False
    current = set(plan.posts.values_list("pk", flat=True))
    if {post.pk for post in wanted} == current:
        return False
    plan.posts.set(wanted)
    return True


def _organisations_in_use(plan: Plan) -> set[int]:
    lines = set(plan.lines_of_effort.values_list("lead_organisation_id", flat=True))
    activities = set(
        Activity.objects.filter(line_of_effort__plan=plan).values_list(
            "responsible_organisation_id", flat=True
        )
    )
    stakeholders = set(plan.consultations.values_list("stakeholder_id", flat=True))
    return lines | activities | stakeholders


@transaction.atomic
def plan_create(
    *,
    by: User,
    title: str,
    theatre: str,
    lead_organisation: Organisation,
    start_date: datetime.date,
    end_date: datetime.date,
    participants: Iterable[tuple[Organisation, str]] = (),
    posts: Iterable[Post] = (),
    strategy: Any = None,
    summary: str = "",
    phase: str = "assessment",
) -> Plan:
    if lead_organisation not in lead_organisations_for(by):
        raise ValidationError(
            {
                "lead_organisation": _(
                    "You can only lead a plan for an organisation where you are a planner."
                )
            }
        )
    _check_dates(start_date, end_date)
    plan_dates_check(start_date, end_date)
    _check_strategy(strategy, by)
    plan = Plan(
        title=title,
        theatre=theatre,
        summary=summary,
        phase=phase,
        strategy=strategy,
        lead_organisation=lead_organisation,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    _set_participants(plan, participants)
    _set_posts(plan, posts)
    grants_recompute(plan)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by: User, version: int, data: dict[str, Any]) -> Plan:
    plan = _lock(plan)
    _require_structure_editor(plan, by)
    check_version(plan, version)
    changed = changed_fields(plan, PLAN_FIELDS, data)
    _check_dates(plan.start_date, plan.end_date)
    if changed & set(PLAN_STRUCTURAL_FIELDS):
        plan_dates_check(plan.start_date, plan.end_date)
        plan_parts_within(plan, plan.start_date, plan.end_date)
    if "strategy" in changed:
        _check_strategy(plan.strategy, by)
        serving_others = plan.lines_of_effort.filter(goals__isnull=False).exclude(
            goals__strategy=plan.strategy
        )
        if serving_others.exists():
            raise ValidationError(
                {
                    "strategy": _(
                        "Lines of effort still serve goals of the current strategy: "
                        "unlink them first."
                    )
                }
            )
    if changed:
        plan.full_clean()
    participants_changed = "participants" in data and _set_participants(plan, data["participants"])
    # Posts are checked against the participants as they now are, even when not sent: an
    # organisation whose post serves the plan cannot stop taking part without unlinking it.
    if "posts" in data:
        posts_changed = _set_posts(plan, data["posts"])
    else:
        posts_changed = participants_changed and _set_posts(plan, None)
    if changed or participants_changed or posts_changed:
        # The participants and posts are part of the plan: changing only them must move the
        # version too, or a stale edit of them would be applied instead of refused.
        plan.version += 1
        plan.save()
    if participants_changed or changed & set(PLAN_STRUCTURAL_FIELDS):
        _amend(plan, by=by, reason=gettext_lazy("participants or dates changed"))
    return plan


@transaction.atomic
def plan_submit(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    if not can_change_plan(by, plan):
        raise PermissionDenied(_("Only planners of the lead organisation can submit this plan."))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be submitted; this plan is %(status)s.") % {"status": _status(plan)}
        )
    if not plan.lines_of_effort.exists():
        raise ValidationError(_("Add at least one line of effort before asking for reviews."))
    plan.status = PlanStatus.IN_REVIEW
    plan.submission += 1
    plan.version += 1
    plan.review_requested_at = timezone.now()
    plan.save(update_fields=["status", "submission", "version", "review_requested_at", "updated"])
    _request_reviews(plan, by=by)
    # Submitting again answers the changes the contributors asked for.
    notifications_done(
        event_key="", reminders=f"plan:{plan.pk}:submission:{plan.submission - 1}:changes:"
    )
    return plan


@transaction.atomic
def plan_review(
    *,
    plan: Plan,
    by: User,
    submission: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> Review:
    """A contributor's approver approves the submission they read, or asks for changes
    (back to draft). A submission that is no longer current is refused as stale."""
    plan = _lock(plan)
    review: Review = decision_record(
        REVIEW,
        subject=plan,
        by=by,
        round=submission,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=None
        if plan.status == PlanStatus.IN_REVIEW
        else _("Reviews are given while a plan is in review; this plan is %(status)s.")
        % {"status": _status(plan)},
    )
    if decision == ReviewDecision.REQUEST_CHANGES:
        plan.status = PlanStatus.DRAFT
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated"])
        notify(
            recipients=[OrganisationRole(plan.lead_organisation_id, Role.PLANNER)],
            kind="plan.changes_requested",
            text=format_lazy(
                gettext_lazy("{organisation} asks for changes to “{plan}”: {comment}"),
                organisation=review.organisation,
                plan=plan.title,
                comment=review.comment,
            ),
            url=plan.get_absolute_url(),
            event_key=(
                f"plan:{plan.pk}:submission:{plan.submission}:changes:{review.organisation_id}"
            ),
            actor=by,
        )
    return review


def awaiting_review(plan: Plan) -> set[int]:
    """Contributors that have not approved the current submission."""
    approved = decided_for(REVIEW, plan, plan.reviews.filter(submission=plan.submission))
    return contributors(plan) - approved


@transaction.atomic
def plan_approve(*, plan: Plan, by: User, submission: int | None) -> Plan:
    """The lead's approver approves the submission they read, once every contributor has."""
    plan = _lock(plan)
    if not can_approve_plan(by, plan):
        raise PermissionDenied(
            _("Only an approver of the lead organisation can approve this plan.")
        )
    if plan.status != PlanStatus.IN_REVIEW:
        raise ValidationError(
            _("Only a plan in review can be approved; this plan is %(status)s.")
            % {"status": _status(plan)}
        )
    check_round(REVIEW, plan, submission)
    waiting = awaiting_review(plan)
    if waiting:
        names = ", ".join(sorted(str(o) for o in Organisation.objects.filter(pk__in=waiting)))
        raise ValidationError(
            _("Every contributor must approve first; still waiting for: %(names)s.")
            % {"names": names}
        )
    plan.status = PlanStatus.APPROVED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated"])
    audit_decision(
        by=by,
        subject=plan,
        action="approve_plan",
        outcome="approve",
        organisation_id=plan.lead_organisation_id,
    )
    notify(
        recipients=_roles(plan, list(ParticipantRole.values), Role.PLANNER),
        kind="plan.approved",
        text=format_lazy(gettext_lazy("“{plan}” is approved."), plan=plan.title),
        url=plan.get_absolute_url(),
        event_key=f"plan:{plan.pk}:submission:{plan.submission}:approved",
        actor=by,
    )
    return plan


LEAD_REFUSED = {
    "activate": gettext_lazy(
        "Only the lead organisation's planners and approvers can activate this plan."
    ),
    "close": gettext_lazy(
        "Only the lead organisation's planners and approvers can close this plan."
    ),
}


def _lead_acts(plan: Plan, by: User, verb: str) -> None:
    if not can_lead_plan(by, plan):
        raise PermissionDenied(str(LEAD_REFUSED[verb]))


@transaction.atomic
def plan_activate(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    _lead_acts(plan, by, "activate")
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(
            _("Only an approved plan can be activated; this plan is %(status)s.")
            % {"status": _status(plan)}
        )
    plan.status = PlanStatus.ACTIVE
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated"])
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    _lead_acts(plan, by, "close")
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(
            _("Only an active plan can be closed; this plan is %(status)s.")
            % {"status": _status(plan)}
        )
    plan.status = PlanStatus.CLOSED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated"])
    return plan
