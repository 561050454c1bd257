"""Notices ahead of a secondment's dates, raised by the daily reminder task
(`accounts.notifications.reminders_send`): the host's planners a week before the first day
(to prepare a welcome), both organisations' planners a month before the last (to hand over;
the post falls vacant), and a post's host when it has stayed vacant too long. Each fires on
its one day, so it is raised once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import Role
from accounts.notifications import OrganisationRole, Reminder, register_reminder
from secondments.models import Post, Secondment, SecondmentStatus
from secondments.text import lazy_date

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
        text = (
            format_lazy(
                _("{person} of {home} starts with you as {post} on {date}: prepare their welcome."),
                person=_who(secondment),
                home=secondment.home_organisation,
                post=secondment.post.title,
                date=lazy_date(secondment.start_date),
            )
            if secondment.post
            else format_lazy(
                _("{person} of {home} starts with you on {date}: prepare their welcome."),
                person=_who(secondment),
                home=secondment.home_organisation,
                date=lazy_date(secondment.start_date),
            )
        )
        yield Reminder(
            recipients=[OrganisationRole(secondment.host_organisation_id, Role.PLANNER)],
            text=text,
            url=secondment.get_absolute_url(),
            item_key=f"secondment:{secondment.pk}:starting:{secondment.start_date}",
        )


@register_reminder("secondment_ending")
def secondments_ending(now: datetime.datetime) -> Iterator[Reminder]:
    day = timezone.localdate(now) + timedelta(days=ENDING_IN_DAYS)
    for secondment in _approved().filter(end_date=day, proposed_end_date__isnull=True):
        text = (
            format_lazy(
                _(
                    "The secondment of {person} to {host} ends on {date}: plan the handover; "
                    "the post {post} falls vacant."
                ),
                person=_who(secondment),
                host=secondment.host_organisation,
                date=lazy_date(secondment.end_date),
                post=secondment.post.title,
            )
            if secondment.post
            else format_lazy(
                _("The secondment of {person} to {host} ends on {date}: plan the handover."),
                person=_who(secondment),
                host=secondment.host_organisation,
                date=lazy_date(secondment.end_date),
            )
        )
        yield Reminder(
            recipients=[
                OrganisationRole(secondment.home_organisation_id, Role.PLANNER),
                OrganisationRole(secondment.host_organisation_id, Role.PLANNER),
            ],
            text=text,
            url=secondment.get_absolute_url(),
            item_key=f"secondment:{secondment.pk}:ending:{secondment.end_date}",
        )


@register_reminder("post_vacant")
def posts_vacant(now: datetime.datetime) -> Iterator[Reminder]:
    """A post vacant for more than `POST_VACANCY_ALERT_DAYS` since its last holder left, with
    no one approved to follow, tells the host's planners and organisation administrators on
    the day it passes that mark. (A post never held is not chased.)"""
    days = settings.POST_VACANCY_ALERT_DAYS
    left = timezone.localdate(now) - timedelta(days=days + 1)
    posts = (
        Post.objects.annotate(
            last_end=Max(
                "secondments__end_date",
                filter=Q(secondments__status=SecondmentStatus.APPROVED),
            )
        )
        .filter(last_end=left)
        .select_related("host_organisation")
    )
    for post in posts:
        yield Reminder(
            recipients=[
                OrganisationRole(post.host_organisation_id, Role.PLANNER),
                OrganisationRole(post.host_organisation_id, Role.ORG_ADMIN),
            ],
            text=format_lazy(
                ngettext_lazy(
                    "The post {post} has been vacant for more than {days} day, since {date}.",
                    "The post {post} has been vacant for more than {days} days, since {date}.",
                    days,
                ),
                post=post.title,
                days=days,
                date=lazy_date(left + timedelta(days=1)),
            ),
            url=reverse("post-detail", args=[post.pk]),
            item_key=f"post:{post.pk}:vacant:{left}",
        )
