"""Remedial actions: tasked by the source organisation's analysts and approvers to an action
body that may read the lesson, reported on by that body until done or declined."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.concurrency import check_version
from accounts.grants import grants_recompute
from accounts.inputs import no_control_characters
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from lessons.models import ActionStatus, Lesson, LessonStatus, RemedialAction
from lessons.permissions import can_move_lesson, can_report_on_action, current_audience
from lessons.services._common import atomic_with_files, attachments_check, attachments_store, lock
from missions.services.dates import lazy_date

TASKABLE = (LessonStatus.LESSON_IDENTIFIED, LessonStatus.ACTION_IN_PROGRESS)
ACTION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActionStatus.TASKED: (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DECLINED),
    ActionStatus.IN_PROGRESS: (ActionStatus.DONE, ActionStatus.DECLINED),
    ActionStatus.DONE: (ActionStatus.IN_PROGRESS,),
    ActionStatus.DECLINED: (ActionStatus.IN_PROGRESS,),
}


@transaction.atomic
def remedial_action_task(
    *,
    lesson: Lesson,
    by: User,
    action_body: Organisation,
    description: str,
    due_on: datetime.date,
) -> RemedialAction:
    """Task an organisation with what must change. It must be able to read the lesson: an
    action never widens the marking."""
    lesson = lock(lesson)
    if not can_move_lesson(by, lesson):
        raise PermissionDenied(
            _("Only the analysts and approvers of the source organisation task remedial actions.")
        )
    if lesson.status not in TASKABLE:
        raise ValidationError(
            _("Remedial actions are tasked once a lesson is identified; this one is %(status)s.")
            % {"status": lesson.get_status_display().lower()}
        )
    readers = current_audience(lesson)
    if readers is not None and action_body.pk not in readers:
        raise ValidationError(
            {
                "action_body": _(
                    "%(organisation)s may not read this lesson: release it to them first."
                )
                % {"organisation": action_body.name}
            }
        )
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    action = RemedialAction(
        lesson=lesson,
        action_body=action_body,
        description=description.strip(),
        due_on=due_on,
        tasked_by=by,
    )
    action.full_clean()
    action._history_user = by  # type: ignore[attr-defined]
    action.save()
    grants_recompute(action)
    notify(
        recipients=[
            OrganisationRole(action_body.pk, Role.PLANNER),
            OrganisationRole(action_body.pk, Role.APPROVER),
        ],
        kind="lesson.action_tasked",
        text=format_lazy(
            gettext_lazy(
                "{organisation} tasked your organisation with a remedial action for “{lesson}”, "
                "due {due}."
            ),
            organisation=lesson.source_organisation.name,
            lesson=lesson.title,
            due=lazy_date(due_on),
        ),
        url=f"{lesson.get_absolute_url()}#action-{action.pk}",
        event_key=f"remedial_action:{action.pk}:tasked",
        actor=by,
    )
    return action


def remedial_action_update(
    *,
    action: RemedialAction,
    by: User,
    version: int,
    data: dict[str, Any],
    attachments: Sequence[UploadedFile] = (),
) -> RemedialAction:
    """Report on an action: its status, evidence (text and files) and, when declined, the
    reason. Done needs evidence; declined needs a reason. Its description and due date are
    the source organisation's to change."""
    attachments_check(attachments)

    def write(stored: list[str]) -> RemedialAction:
        locked = (
            RemedialAction.objects.select_for_update().select_related("lesson").get(pk=action.pk)
        )
        if not can_report_on_action(by, locked):
            raise PermissionDenied(
                _(
                    "Only the action body's planners, approvers and analysts, and the source "
                    "organisation's analysts and approvers, report on this action."
                )
            )
        check_version(locked, version)
        if ({"description", "due_on"} & data.keys()) and not can_move_lesson(by, locked.lesson):
            raise PermissionDenied(
                _("Only the source organisation's analysts and approvers change what is asked.")
            )
        status = data.get("status", locked.status)
        if status != locked.status and status not in ACTION_TRANSITIONS.get(locked.status, ()):
            raise ValidationError(
                {
                    "status": _("An action that is %(current)s cannot become %(status)s.")
                    % {"current": locked.get_status_display().lower(), "status": status}
                }
            )
        for field in ("evidence", "reason", "description"):
            if field in data:
                value = str(data[field]).strip()
                try:
                    no_control_characters(value)
                except ValidationError as error:
                    raise ValidationError({field: error.messages}) from error
                setattr(locked, field, value)
        if "due_on" in data:
            locked.due_on = data["due_on"]
        locked.status = status
        saved = attachments_store(
            attachments, lesson=locked.lesson, by=by, stored=stored, action=locked
        )
        has_evidence = bool(locked.evidence or saved or locked.attachments.exists())
        if status == ActionStatus.DONE and not has_evidence:
            raise ValidationError({"evidence": _("Say what was done, or attach the evidence.")})
        if status == ActionStatus.DECLINED and not locked.reason:
            raise ValidationError({"reason": _("Say why the action is declined.")})
        locked.full_clean()
        locked.version += 1
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
        return locked

    return atomic_with_files(write)
