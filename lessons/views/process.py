"""The steps posted from a lesson's page: moving it through the lessons process, setting
who may read it, deciding a wider release, tasking and reporting on remedial actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
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


@login_required
@require_POST
def lesson_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not can_move_lesson(user, lesson):
        raise PermissionDenied(
            "Only the analysts and approvers of the source organisation move this lesson."
        )
    form = TransitionForm(
        request.POST, lesson=lesson, next_statuses=services.TRANSITIONS.get(lesson.status, ())
    )

    def move(data: dict[str, Any]) -> str:
        moved = services.lesson_transition(
            lesson=lesson, by=user, to=data["to"], version=data["version"], comment=data["comment"]
        )
        text = f"“{moved.title}” is now {moved.get_status_display().lower()}."
        if moved.status == LessonStatus.REJECTED:
            text += " Its author is told why."
        return text

    return _step(request, form, move, _lesson_url(lesson, "process"))


def _audience_words(releasability: str, organisations: list[Organisation]) -> str:
    if releasability == Releasability.NAMED:
        return "the source and " + ", ".join(o.name for o in organisations)
    return Releasability(releasability).label.lower()


@login_required
@require_POST
def lesson_release(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not (can_release_lesson(user, lesson) or can_request_release(user, lesson)):
        raise PermissionDenied(
            "Only the planners, analysts and approvers of the source organisation set who may "
            "read this lesson."
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
            return f"Released: {words} may read it now."
        return (
            f"Asked for: an approver of {lesson.source_organisation.name} decides whether "
            f"{words} may read it. Until then its marking stays as it was."
        )

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
            return (
                f"Released as asked: {outcome.lesson.get_releasability_display().lower()} may "
                "read it now. The requester is told."
            )
        return "Declined: the marking stays as it was. The requester is told why."

    return decision_page(
        request,
        kind=RELEASE_DECISION,
        subject=lesson,
        organisations=organisations,
        closed_message=None
        if lesson.release_requested
        else "No wider release waits for a decision.",
        comment_help="Needed when you decline: the requester is told why.",
        decide=decide,
        done=done,
        back_url=_lesson_url(lesson, "release"),
        changes_url=_lesson_url(lesson, "release"),
        context={
            "subject": lesson,
            "heading": "Decide the wider release",
            "breadcrumb": "lessons/_breadcrumb.html",
            "here": "Decide the release",
            "button": "Record decision",
            "form_label": "Your decision",
        },
    )


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not can_move_lesson(user, lesson):
        raise PermissionDenied(
            "Only the analysts and approvers of the source organisation task remedial actions."
        )
    form = ActionTaskForm(request.POST)

    def task(data: dict[str, Any]) -> str:
        action = services.remedial_action_task(lesson=lesson, by=user, **data)
        return (
            f"Tasked {action.action_body.name}, due {action.due_on:%-d %b %Y}: its planners and "
            "approvers are told."
        )

    return _step(request, form, task, _lesson_url(lesson, "actions"))


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    action = get_object_or_404(lesson.remedial_actions.all(), pk=action_pk)
    if not can_report_on_action(user, action):
        raise PermissionDenied(
            "Only the action body's planners, approvers and analysts, and the source "
            "organisation's analysts and approvers, report on this action."
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
        text = (
            f"The action of {updated.action_body.name} is {updated.get_status_display().lower()}."
        )
        if data["attachments"]:
            count = len(data["attachments"])
            text += f" {count} file{'s' if count > 1 else ''} attached."
        return text

    return _step(request, form, report, _lesson_url(lesson, f"action-{action.pk}"))
