"""What waits for a person in the plans: reviews, approvals, plans sent back, activities that
need attention and field reports from the last week (see `accounts.work`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import visible
from accounts.decisions import awaiting_decision
from accounts.models import Membership, Role, User
from accounts.work import WorkItem, register_work, start_of
from missions.models import (
    Activity,
    ActivityStatus,
    FieldReport,
    Participant,
    ParticipantRole,
    Plan,
    PlanStatus,
    Review,
    ReviewDecision,
)
from missions.permissions import REVIEW
from missions.services.dates import day

FIELD_REPORTS_FOR_DAYS = 7


def _organisations_where(user: User, *roles: str) -> QuerySet[Any]:
    today = timezone.localdate()
    memberships = Membership.objects.valid_on(today).filter(user_id=user.pk)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("organisation_id")


def _show_review(plan: Plan) -> WorkItem:
    return WorkItem(
        kind="plan_review",
        title=_("Review “%(plan)s”") % {"plan": plan.title},
        detail=_("Submission %(submission)d, led by %(lead)s")
        % {"submission": plan.submission, "lead": plan.lead_organisation.name},
        url=reverse("plan-review", args=[plan.pk]),
        since=plan.review_requested_at or plan.updated,
    )


@register_work(section="decide", kind="plan_review", show=_show_review)
def plans_to_review(user: User) -> QuerySet[Plan]:
    in_review = Plan.objects.filter(status=PlanStatus.IN_REVIEW)
    return (
        awaiting_decision(REVIEW, in_review, user=user)
        .select_related("lead_organisation")
        .order_by("review_requested_at", "pk")
    )


def _show_approval(plan: Any) -> WorkItem:
    return WorkItem(
        kind="plan_approval",
        title=_("Approve “%(plan)s”") % {"plan": plan.title},
        detail=_("Every contributor approved submission %(submission)d")
        % {"submission": plan.submission},
        url=f"{plan.get_absolute_url()}#review",
        since=plan.waiting_since,
    )


@register_work(section="decide", kind="plan_approval", show=_show_approval)
def plans_to_approve(user: User) -> QuerySet[Plan]:
    """Plans in review that every contributor approved, for the lead's approvers."""
    approved = Review.objects.filter(
        plan=OuterRef("plan"),
        organisation=OuterRef("organisation"),
        submission=OuterRef("plan__submission"),
        decision=ReviewDecision.APPROVE,
    )
    still_waiting = Participant.objects.filter(
        ~Exists(approved), plan=OuterRef("pk"), role=ParticipantRole.CONTRIBUTOR
    )
    last_approval = Review.objects.filter(
        plan=OuterRef("pk"), submission=OuterRef("submission")
    ).order_by("-decided_at")
    in_review = Plan.objects.filter(~Exists(still_waiting), status=PlanStatus.IN_REVIEW)
    return (
        visible(in_review, user=user, codename="approve_plan")
        .annotate(
            waiting_since=Coalesce(
                Subquery(last_approval.values("decided_at")[:1]),
                F("review_requested_at"),
                F("updated"),
            )
        )
        .order_by("waiting_since", "pk")
    )


def _show_returned(plan: Any) -> WorkItem:
    return WorkItem(
        kind="plan_returned",
        title=_("Change “%(plan)s”") % {"plan": plan.title},
        detail=_("%(organisation)s asks for changes: %(reason)s")
        % {"organisation": plan.returned_by, "reason": plan.returned_because},
        url=f"{plan.get_absolute_url()}#review",
        since=plan.returned_at,
    )


@register_work(section="returned", kind="plan_returned", show=_show_returned)
def plans_returned(user: User) -> QuerySet[Plan]:
    """Drafts a contributor sent back, for the lead's planners, until they submit again."""
    changes = Review.objects.filter(
        plan=OuterRef("pk"),
        submission=OuterRef("submission"),
        decision=ReviewDecision.REQUEST_CHANGES,
    ).order_by("-decided_at")
    drafts = Plan.objects.filter(Exists(changes), status=PlanStatus.DRAFT)
    return (
        visible(drafts, user=user, codename="change_plan")
        .annotate(
            returned_at=Subquery(changes.values("decided_at")[:1]),
            returned_by=Subquery(changes.values("organisation__name")[:1]),
            returned_because=Subquery(changes.values("comment")[:1]),
        )
        .order_by("returned_at", "pk")
    )


def _show_activity(activity: Any) -> WorkItem:
    plan = activity.line_of_effort.plan
    blocked = activity.status == ActivityStatus.BLOCKED
    return WorkItem(
        kind="activity_blocked" if blocked else "activity_overdue",
        title=activity.title,
        detail=(
            _("Blocked, in “%(plan)s”") % {"plan": plan.title}
            if blocked
            else _("Was due %(date)s, in “%(plan)s”")
            % {"date": day(activity.end_date), "plan": plan.title}
        ),
        url=f"{plan.get_absolute_url()}#activity-{activity.pk}",
        since=(activity.waiting_since if blocked else None) or start_of(activity.end_date),
    )


@register_work(section="activities", kind="activity", show=_show_activity)
def activities_needing_attention(user: User) -> QuerySet[Activity]:
    """Activities of the organisations where the person plans or advises in the field, in
    approved or active plans they see: blocked, or past their end date and not done."""
    today = timezone.localdate()
    plans = visible(
        Plan.objects.filter(status__in=[PlanStatus.APPROVED, PlanStatus.ACTIVE]),
        user=user,
        codename="view_plan",
    )
    last_change = Activity.history.filter(id=OuterRef("pk")).order_by("-history_date")
    blocked_or_late = Q(status=ActivityStatus.BLOCKED) | Q(
        status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS], end_date__lt=today
    )
    return (
        Activity.objects.filter(
            blocked_or_late,
            responsible_organisation__in=_organisations_where(
                user, Role.PLANNER, Role.FIELD_ADVISOR
            ),
            line_of_effort__plan__in=plans,
        )
        .select_related("line_of_effort__plan")
        .annotate(waiting_since=Subquery(last_change.values("history_date")[:1]))
        .order_by("end_date", "pk")
    )


def _show_field_report(report: FieldReport) -> WorkItem:
    author = report.author.get_full_name() or report.author.username
    return WorkItem(
        kind="field_report",
        title=_("%(plan)s: %(place)s")
        % {"plan": report.plan.title, "place": report.place or _("field report")},
        detail=_("By %(author)s, %(date)s") % {"author": author, "date": day(report.date)},
        url=f"{report.plan.get_absolute_url()}#report-{report.pk}",
        since=report.created,
    )


@register_work(section="field_reports", kind="field_report", show=_show_field_report)
def field_reports_this_week(user: User) -> QuerySet[FieldReport]:
    """Reports others filed in the last week on plans the person's organisations take part in."""
    since = timezone.now() - timedelta(days=FIELD_REPORTS_FOR_DAYS)
    mine = Participant.objects.filter(
        plan=OuterRef("plan"), organisation__in=_organisations_where(user)
    )
    plans = visible(Plan.objects.all(), user=user, codename="view_plan")
    return (
        FieldReport.objects.filter(Exists(mine), created__gte=since, plan__in=plans)
        .exclude(author=user)
        .select_related("plan", "author")
        .order_by("created", "pk")
    )
