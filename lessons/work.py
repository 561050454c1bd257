"""What waits for a person in the lessons process: new observations to triage (analysts and
approvers of the source organisation), wider releases to decide (its approvers), and
remedial actions tasked to their organisation (see `accounts.work`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import visible
from accounts.decisions import awaiting_decision
from accounts.models import Membership, User
from accounts.work import WorkItem, register_work, start_of
from lessons.models import CLOSED_ACTION_STATUSES, Lesson, LessonStatus, RemedialAction
from lessons.permissions import ACTION_BODY_ROLES, RELEASE_DECISION
from missions.services.dates import day


def _show_observation(lesson: Lesson) -> WorkItem:
    author = lesson.author.get_full_name() or lesson.author.username
    names = {"theatre": lesson.theatre, "date": day(lesson.observed_on), "author": author}
    return WorkItem(
        kind="lesson_triage",
        title=_("Triage “%(lesson)s”") % {"lesson": lesson.title},
        detail=(
            _("Observed in %(theatre)s on %(date)s, recorded by %(author)s") % names
            if lesson.theatre
            else _("Observed on %(date)s, recorded by %(author)s") % names
        ),
        url=lesson.get_absolute_url(),
        since=lesson.created,
    )


@register_work(section="lessons", kind="lesson_triage", show=_show_observation)
def observations_to_triage(user: User) -> QuerySet[Lesson]:
    submitted = Lesson.objects.filter(status=LessonStatus.SUBMITTED)
    return (
        visible(submitted, user=user, codename="move_lesson")
        .select_related("author")
        .order_by("created", "pk")
    )


def _show_release(lesson: Lesson) -> WorkItem:
    return WorkItem(
        kind="lesson_release",
        title=_("Decide the release of “%(lesson)s”") % {"lesson": lesson.title},
        detail=_("A wider release was asked for (request %(round)s)")
        % {"round": lesson.release_round},
        url=reverse("lesson-release-decide", args=[lesson.pk]),
        since=lesson.updated,
    )


@register_work(section="decide", kind="lesson_release", show=_show_release)
def releases_to_decide(user: User) -> QuerySet[Lesson]:
    asked = Lesson.objects.filter(release_requested=True)
    return awaiting_decision(RELEASE_DECISION, asked, user=user).order_by("updated", "pk")


def _show_action(action: RemedialAction) -> WorkItem:
    return WorkItem(
        kind="remedial_action",
        title=_("Remedial action for “%(lesson)s”") % {"lesson": action.lesson.title},
        detail=_("%(organisation)s, due %(date)s: %(status)s")
        % {
            "organisation": action.action_body.name,
            "date": day(action.due_on),
            "status": action.get_status_display().lower(),
        },
        url=f"{action.lesson.get_absolute_url()}#action-{action.pk}",
        since=start_of(action.due_on),
    )


@register_work(section="lessons", kind="remedial_action", show=_show_action)
def actions_to_report_on(user: User) -> QuerySet[RemedialAction]:
    """Open actions tasked to an organisation the person reports for, soonest due first (the
    source organisation's analysts follow theirs on the lesson, and hear when one is late)."""
    bodies = Membership.objects.valid_on(timezone.localdate()).filter(
        user_id=user.pk, role__in=ACTION_BODY_ROLES
    )
    open_actions = RemedialAction.objects.exclude(status__in=CLOSED_ACTION_STATUSES).filter(
        action_body_id__in=bodies.values("organisation_id")
    )
    return (
        visible(open_actions, user=user, codename="change_remedialaction")
        .select_related("lesson", "action_body")
        .order_by("due_on", "pk")
    )
