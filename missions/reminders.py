"""Chasing reviews that wait too long and activities past their end date."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import Role
from accounts.notifications import OrganisationRole, Reminder, register_reminder
from missions.models import (
    Activity,
    ActivityStatus,
    Participant,
    ParticipantRole,
    Plan,
    PlanStatus,
    Review,
)
from missions.services.dates import lazy_date


@register_reminder("plan_review")
def pending_reviews(now: datetime.datetime) -> Iterator[Reminder]:
    waited_since = now - timedelta(days=settings.PLAN_REVIEW_REMINDER_DAYS)
    plans = Plan.objects.filter(
        status=PlanStatus.IN_REVIEW, review_requested_at__lte=waited_since
    ).prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.filter(role=ParticipantRole.CONTRIBUTOR).select_related(
                "organisation"
            ),
        ),
        Prefetch("reviews", queryset=Review.objects.all()),
    )
    for plan in plans:
        reviewed = {
            r.organisation_id for r in plan.reviews.all() if r.submission == plan.submission
        }
        days = (now - plan.review_requested_at).days if plan.review_requested_at else 0
        for participant in plan.participants.all():
            if participant.organisation_id in reviewed:
                continue
            yield Reminder(
                recipients=[OrganisationRole(participant.organisation_id, Role.APPROVER)],
                text=format_lazy(
                    ngettext_lazy(
                        "“{plan}” has waited {days} day for {organisation}'s review.",
                        "“{plan}” has waited {days} days for {organisation}'s review.",
                        "days",
                    ),
                    plan=plan.title,
                    days=days,
                    organisation=participant.organisation,
                ),
                url=plan.get_absolute_url(),
                item_key=f"plan:{plan.pk}:submission:{plan.submission}:{participant.organisation_id}",
            )


@register_reminder("activity_overdue")
def overdue_activities(now: datetime.datetime) -> Iterator[Reminder]:
    today = timezone.localdate(now)
    overdue = Activity.objects.filter(
        line_of_effort__plan__status=PlanStatus.ACTIVE,
        end_date__lt=today,
        status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS, ActivityStatus.BLOCKED],
    ).select_related("line_of_effort__plan")
    for activity in overdue:
        plan = activity.line_of_effort.plan
        yield Reminder(
            recipients=[OrganisationRole(activity.responsible_organisation_id, Role.PLANNER)],
            text=format_lazy(
                _("“{activity}” in “{plan}” was due on {date} and is not done: update its status."),
                activity=activity.title,
                plan=plan.title,
                date=lazy_date(activity.end_date),
            ),
            url=plan.get_absolute_url(),
            item_key=f"activity:{activity.pk}:overdue",
        )
