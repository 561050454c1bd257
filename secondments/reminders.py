"""Notices ahead of a secondment's dates, raised by the daily reminder task
(`accounts.notifications.reminders_send`): the host's planners a week before the first day
(to prepare a welcome), both organisations' planners a month before the last (to hand over;
the post falls vacant). Each fires on its one day, so it is raised once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role
from accounts.notifications import OrganisationRole, Reminder, register_reminder
from secondments.models import Secondment, SecondmentStatus

STARTING_IN_DAYS = 7
ENDING_IN_DAYS = 30


def _approved() -> QuerySet[Secondment]:
    return Secondment.objects.filter(status=SecondmentStatus.APPROVED).select_related(
        "person", "home_organisation", "host_organisation", "post"
    )


def _who(secondment: Secondment) -> str:
    return secondment.person.get_full_name() or secondment.person.username


@register_reminder("secondment_starting")
def secondments_starting(now: datetime.datetime) -> Iterator[Reminder]:
    day = timezone.localdate(now) + timedelta(days=STARTING_IN_DAYS)
    for secondment in _approved().filter(start_date=day):
        post = f" as {secondment.post.title}" if secondment.post else ""
        yield Reminder(
            recipients=[OrganisationRole(secondment.host_organisation_id, Role.PLANNER)],
            text=(
                f"{_who(secondment)} of {secondment.home_organisation} starts with you{post} "
                f"on {secondment.start_date:%-d %b %Y}: prepare their welcome."
            ),
            url=secondment.get_absolute_url(),
            item_key=f"secondment:{secondment.pk}:starting:{secondment.start_date}",
        )


@register_reminder("secondment_ending")
def secondments_ending(now: datetime.datetime) -> Iterator[Reminder]:
    day = timezone.localdate(now) + timedelta(days=ENDING_IN_DAYS)
    for secondment in _approved().filter(end_date=day, proposed_end_date__isnull=True):
        vacant = f"; the post {secondment.post.title} falls vacant" if secondment.post else ""
        yield Reminder(
            recipients=[
                OrganisationRole(secondment.home_organisation_id, Role.PLANNER),
                OrganisationRole(secondment.host_organisation_id, Role.PLANNER),
            ],
            text=(
                f"The secondment of {_who(secondment)} to {secondment.host_organisation} ends on "
                f"{secondment.end_date:%-d %b %Y}: plan the handover{vacant}."
            ),
            url=secondment.get_absolute_url(),
            item_key=f"secondment:{secondment.pk}:ending:{secondment.end_date}",
        )
