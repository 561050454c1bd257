"""The steps posted from a lesson's page: moving it through the lessons process, setting
who may read it, deciding a wider release, tasking and reporting on remedial actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decisions import decision_page
from accounts.models import Organisation
from lessons import services
from lessons.forms import ActionReportForm, ActionTaskForm, ReleaseForm, TransitionForm
from lessons.models import LessonStatus, Releasability
from lessons.permissions import (
    RELEASE_DECISION,
    can_move_lesson,
    can_release_lesson,
    can_report_on_action,
    can_request_release,
    releasing_organisations,
)
from lessons.services import ReleaseOutcome
from lessons.views._common import _lesson_url, _step, _user, _visible
from missions.services.dates import day


@login_required
@require_POST
def lesson_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not can_move_lesson(user, lesson):
        raise PermissionDenied(
            _("Only the analysts and approvers of the source organisation move this lesson.")
        )
    form = TransitionForm(
        request.POST, lesson=lesson, next_statuses=services.TRANSITIONS.get(lesson.status, ())
    )

    def move(data: dict[str, Any]) -> str:
        moved = services.lesson_transition(
            lesson=lesson, by=user, to=data["to"], version=data["version"], comment=data["comment"]
        )
        names = {"lesson": moved.title, "status": moved.get_status_display().lower()}
        if moved.status == LessonStatus.REJECTED:
            return _("“%(lesson)s” is now %(status)s. Its author is told why.") % names
        return _("“%(lesson)s” is now %(status)s.") % names

    return _step(request, form, move, _lesson_url(lesson, "process"))


def _audience_words(releasability: str, organisations: list[Organisation]) -> str:
    if releasability == Releasability.NAMED:
        return _("the source and %(organisations)s") % {
            "organisations": ", ".join(o.name for o in organisations)
        }
    return Releasability(releasability).label.lower()


@login_required
@require_POST
def lesson_release(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not (can_release_lesson(user, lesson) or can_request_release(user, lesson)):
        raise PermissionDenied(
            _(
                "Only the planners, analysts and approvers of the source organisation set who may "
                "read this lesson."
            )
        )
    form = ReleaseForm(request.POST, lesson=lesson)

    def release(data: dict[str, Any]) -> str:
        organisations = list(data["organisations"])
        outcome = services.lesson_release(
            lesson=lesson,
            by=user,
            version=data["version"],
            releasability=data["releasability"],
            organisations=organisations,
            reason=data["reason"],
        )
        words = _audience_words(data["releasability"], organisations)
        if outcome.applied:
            return _("Released: %(audience)s may read it now.") % {"audience": words}
        return _(
            "Asked for: an approver of %(organisation)s decides whether %(audience)s may read "
            "it. Until then its marking stays as it was."
        ) % {"organisation": lesson.source_organisation.name, "audience": words}

    return _step(request, form, release, _lesson_url(lesson, "release"))


@login_required
def lesson_release_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    organisations = list(
        Organisation.objects.filter(pk__in=releasing_organisations(user, lesson)).order_by("name")
    )

    def decide(data: dict[str, Any]) -> ReleaseOutcome:
        return services.lesson_release_decide(
            lesson=lesson,
            by=user,
            round=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(outcome: ReleaseOutcome) -> str:
        if outcome.applied:
            return _("Released as asked: %(audience)s may read it now. The requester is told.") % {
                "audience": outcome.lesson.get_releasability_display().lower()
            }
        return _("Declined: the marking stays as it was. The requester is told why.")

    return decision_page(
        request,
        kind=RELEASE_DECISION,
        subject=lesson,
        organisations=organisations,
        closed_message=None
        if lesson.release_requested
        else _("No wider release waits for a decision."),
        comment_help=_("Needed when you decline: the requester is told why."),
        decide=decide,
        done=done,
        back_url=_lesson_url(lesson, "release"),
        changes_url=_lesson_url(lesson, "release"),
        context={
            "subject": lesson,
            "heading": _("Decide the wider release"),
            "breadcrumb": "lessons/_breadcrumb.html",
            "here": _("Decide the release"),
            "button": _("Record decision"),
            "form_label": _("Your decision"),
        },
    )


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not can_move_lesson(user, lesson):
        raise PermissionDenied(
            _("Only the analysts and approvers of the source organisation task remedial actions.")
        )
    form = ActionTaskForm(request.POST)

    def task(data: dict[str, Any]) -> str:
        action = services.remedial_action_task(lesson=lesson, by=user, **data)
        return _("Tasked %(organisation)s, due %(date)s: its planners and approvers are told.") % {
            "organisation": action.action_body.name,
            "date": day(action.due_on),
        }

    return _step(request, form, task, _lesson_url(lesson, "actions"))


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    action = get_object_or_404(lesson.remedial_actions.all(), pk=action_pk)
    if not can_report_on_action(user, action):
        raise PermissionDenied(
            _(
                "Only the action body's planners, approvers and analysts, and the source "
                "organisation's analysts and approvers, report on this action."
            )
        )
    form = ActionReportForm(request.POST, request.FILES, action=action)

    def report(data: dict[str, Any]) -> str:
        updated = services.remedial_action_update(
            action=action,
            by=user,
            version=data["version"],
            data=form.service_data(),
            attachments=data["attachments"],
        )
        count = len(data["attachments"])
        names = {
            "organisation": updated.action_body.name,
            "status": updated.get_status_display().lower(),
            "count": count,
        }
        if count:
            return (
                ngettext(
                    "The action of %(organisation)s is %(status)s. %(count)d file attached.",
                    "The action of %(organisation)s is %(status)s. %(count)d files attached.",
                    count,
                )
                % names
            )
        return _("The action of %(organisation)s is %(status)s.") % names

    return _step(request, form, report, _lesson_url(lesson, f"action-{action.pk}"))
