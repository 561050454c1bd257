"""The lessons' daily notices, raised by the daily reminder task
(`accounts.notifications.reminders_send`, at most one per item and recipient a day):

- a remedial action past its due date, to the action body's planners and approvers and the
  source organisation's analysts, on its first day overdue and then every
  `LESSON_ACTION_OVERDUE_EVERY_DAYS` days;
- each subscriber's digest of the lessons recorded or released wider in the last day, in the
  domains and theatres they follow, that they may read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import ngettext_lazy

from accounts.models import Role, User
from accounts.notifications import OrganisationRole, Reminder, register_reminder
from lessons.models import (
    CLOSED_ACTION_STATUSES,
    LessonSubscription,
    RemedialAction,
)
from lessons.selectors import followed_condition, new_condition, visible_lessons
from missions.services.dates import lazy_date

DIGEST_TITLES = 5


@register_reminder("lesson_action_overdue")
def actions_overdue(now: datetime.datetime) -> Iterator[Reminder]:
    today = timezone.localdate(now)
    every = settings.LESSON_ACTION_OVERDUE_EVERY_DAYS
    overdue = (
        RemedialAction.objects.filter(due_on__lt=today)
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .select_related("lesson", "action_body")
        .order_by("due_on", "pk")
    )
    for action in overdue:
        days = (today - action.due_on).days
        if (days - 1) % every:
            continue
        yield Reminder(
            recipients=[
                OrganisationRole(action.action_body_id, Role.PLANNER),
                OrganisationRole(action.action_body_id, Role.APPROVER),
                OrganisationRole(action.lesson.source_organisation_id, Role.ANALYST),
            ],
            text=format_lazy(
                ngettext_lazy(
                    "The remedial action of {organisation} for “{lesson}” was due on {due} "
                    "({days} day ago).",
                    "The remedial action of {organisation} for “{lesson}” was due on {due} "
                    "({days} days ago).",
                    days,
                ),
                organisation=action.action_body.name,
                lesson=action.lesson.title,
                due=lazy_date(action.due_on),
                days=days,
            ),
            url=f"{action.lesson.get_absolute_url()}#action-{action.pk}",
            item_key=f"remedial_action:{action.pk}:overdue",
        )


@register_reminder("lessons_digest")
def lessons_digest(now: datetime.datetime) -> Iterator[Reminder]:
    since = now - datetime.timedelta(days=1)
    subscriptions: dict[int, list[LessonSubscription]] = {}
    for subscription in LessonSubscription.objects.order_by("person_id", "pk"):
        subscriptions.setdefault(subscription.person_id, []).append(subscription)
    people = User.objects.filter(pk__in=subscriptions, is_active=True).order_by("pk")
    for person in people:
        new = (
            visible_lessons(person)
            # New to the reader: recorded in the last day, or released wider in it (to all
            # members too, which tells no one at the time).
            .filter(followed_condition(subscriptions[person.pk]), new_condition(since, now))
            .order_by("-created", "-pk")
        )
        titles = list(new.values_list("title", flat=True)[: DIGEST_TITLES + 1])
        if not titles:
            continue
        count = new.count() if len(titles) > DIGEST_TITLES else len(titles)
        shown = "; ".join(f"“{t}”" for t in titles[:DIGEST_TITLES])
        text = (
            format_lazy(
                ngettext_lazy(
                    "{count} new lesson in what you follow: {shown} and {more} more.",
                    "{count} new lessons in what you follow: {shown} and {more} more.",
                    count,
                ),
                count=count,
                shown=shown,
                more=count - DIGEST_TITLES,
            )
            if count > DIGEST_TITLES
            else format_lazy(
                ngettext_lazy(
                    "{count} new lesson in what you follow: {shown}.",
                    "{count} new lessons in what you follow: {shown}.",
                    count,
                ),
                count=count,
                shown=shown,
            )
        )
        yield Reminder(
            recipients=[person],
            text=text,
            url=f"{reverse('lesson-list')}?followed=1&since={since:%Y-%m-%d}",
            item_key=f"lessons_digest:{person.pk}",
        )
