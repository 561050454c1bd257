"""Recording a lesson, editing it, and moving it through the lessons process:
observation, analysis, lesson identified, remedial action, lesson learned."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.authority import visible
from accounts.concurrency import check_version
from accounts.grants import grants_recompute
from accounts.inputs import no_control_characters
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from accounts.services import changed_fields
from lessons.models import (
    CLOSED_ACTION_STATUSES,
    SENSITIVITY,
    Classification,
    Lesson,
    LessonDomain,
    LessonStatus,
    Releasability,
)
from lessons.permissions import (
    can_change_lesson,
    can_move_lesson,
    can_release_lesson,
    recording_organisations,
)
from lessons.search import search_vector_update
from lessons.services._common import atomic_with_files, attachments_check, attachments_store, lock
from missions.models import Domain, Participant, Plan

TRANSITIONS: dict[str, tuple[str, ...]] = {
    LessonStatus.SUBMITTED: (LessonStatus.OBSERVATION, LessonStatus.REJECTED),
    LessonStatus.OBSERVATION: (LessonStatus.ANALYSIS, LessonStatus.REJECTED),
    LessonStatus.ANALYSIS: (
        LessonStatus.LESSON_IDENTIFIED,
        LessonStatus.OBSERVATION,
        LessonStatus.REJECTED,
    ),
    LessonStatus.LESSON_IDENTIFIED: (
        LessonStatus.ACTION_IN_PROGRESS,
        LessonStatus.LESSON_LEARNED,
        LessonStatus.ANALYSIS,
    ),
    LessonStatus.ACTION_IN_PROGRESS: (LessonStatus.LESSON_LEARNED, LessonStatus.LESSON_IDENTIFIED),
    LessonStatus.LESSON_LEARNED: (LessonStatus.ARCHIVED,),
    LessonStatus.REJECTED: (LessonStatus.ARCHIVED, LessonStatus.SUBMITTED),
    LessonStatus.ARCHIVED: (),
}
"""Where each status may go next; anything else is refused with a 400 on `to`."""

TEXT_FIELDS = ("title", "observation", "discussion", "conclusion", "recommendation", "theatre")
UPDATABLE_FIELDS = (*TEXT_FIELDS, "observed_on", "classification", "source_plan")


def _status_label(status: str) -> str:
    return LessonStatus(status).label.lower()


def _check_domains(domains: Iterable[str]) -> list[str]:
    chosen = sorted(set(domains))
    unknown = [d for d in chosen if d not in Domain.values]
    if unknown:
        raise ValidationError(
            {"domains": _("Unknown domain: %(domains)s.") % {"domains": ", ".join(unknown)}}
        )
    return chosen


def _check(lesson: Lesson, *, by: User, plan_chosen: bool = True) -> None:
    """What a lesson must satisfy, whoever wrote it; a plan chosen now must be one the
    person sees and the source organisation takes part in."""
    errors: dict[str, str] = {}
    if lesson.observed_on > timezone.localdate():
        errors["observed_on"] = _("A lesson cannot be observed in the future.")
    if plan_chosen and lesson.source_plan_id is not None:
        plan_visible = visible(
            Plan.objects.filter(pk=lesson.source_plan_id), user=by, codename="view_plan"
        )
        takes_part = Participant.objects.filter(
            plan_id=lesson.source_plan_id, organisation_id=lesson.source_organisation_id
        )
        if not plan_visible.exists():
            errors["source_plan"] = _("Choose a plan you take part in.")
        elif not takes_part.exists():
            errors["source_plan"] = _(
                "%(organisation)s does not take part in this plan: choose one of its plans, "
                "or none."
            ) % {"organisation": lesson.source_organisation.name}
    if errors:
        raise ValidationError(errors)
    lesson.full_clean(exclude=["search_vector"])


def _domains_set(lesson: Lesson, domains: list[str]) -> bool:
    current = set(lesson.domain_rows.values_list("domain", flat=True))
    if current == set(domains):
        return False
    lesson.domain_rows.exclude(domain__in=domains).delete()
    LessonDomain.objects.bulk_create(
        [LessonDomain(lesson=lesson, domain=d) for d in domains if d not in current]
    )
    return True


def _tell_analysts(lesson: Lesson, *, by: User) -> None:
    notify(
        recipients=[OrganisationRole(lesson.source_organisation_id, Role.ANALYST)],
        kind="lesson.submitted",
        text=format_lazy(
            gettext_lazy("A new observation waits for triage: “{lesson}”."), lesson=lesson.title
        ),
        url=lesson.get_absolute_url(),
        event_key=f"lesson:{lesson.pk}:submitted",
        actor=by,
    )


def lesson_record(
    *,
    by: User,
    source_organisation: Organisation,
    title: str,
    observation: str,
    observed_on: datetime.date,
    theatre: str = "",
    source_plan: Plan | None = None,
    discussion: str = "",
    conclusion: str = "",
    recommendation: str = "",
    domains: Sequence[str] = (),
    classification: str = Classification.UNCLASSIFIED,
    attachments: Sequence[UploadedFile] = (),
) -> Lesson:
    """Any current member of the source organisation records a lesson; it starts as
    `submitted`, read by the source organisation only, and waits for its analysts. Wider
    release comes after (`lesson_release`)."""
    if source_organisation.pk not in {o.pk for o in recording_organisations(by)}:
        raise PermissionDenied(
            _("Only a current member of %(organisation)s records its lessons.")
            % {"organisation": source_organisation.name}
        )
    attachments_check(attachments)
    chosen_domains = _check_domains(domains)

    def write(stored: list[str]) -> Lesson:
        lesson = Lesson(
            title=title.strip(),
            observation=observation.strip(),
            discussion=discussion.strip(),
            conclusion=conclusion.strip(),
            recommendation=recommendation.strip(),
            theatre=theatre.strip(),
            observed_on=observed_on,
            source_plan=source_plan,
            source_organisation=source_organisation,
            author=by,
            classification=classification,
            releasability=Releasability.ORIGINATOR,
        )
        _check(lesson, by=by)
        lesson._history_user = by  # type: ignore[attr-defined]
        lesson.save()
        LessonDomain.objects.bulk_create(
            [LessonDomain(lesson=lesson, domain=d) for d in chosen_domains]
        )
        attachments_store(attachments, lesson=lesson, by=by, stored=stored)
        search_vector_update([lesson.pk])
        grants_recompute(lesson)
        _tell_analysts(lesson, by=by)
        return lesson

    return atomic_with_files(write)


@transaction.atomic
def lesson_update(*, lesson: Lesson, by: User, version: int, data: dict[str, Any]) -> Lesson:
    """Edit the text, date, plan, domains and classification. Raising the classification is
    anyone's who edits; lowering it (making it less sensitive) is an approver's act."""
    lesson = lock(lesson)
    if not can_change_lesson(by, lesson):
        raise PermissionDenied(
            _(
                "Only the analysts and approvers of the source organisation (and the author "
                "while it is submitted) can change this lesson."
            )
        )
    check_version(lesson, version)
    classification = data.get("classification", lesson.classification)
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Choose public, unclassified or restricted.")})
    lowered = (
        SENSITIVITY[Classification(classification)]
        < SENSITIVITY[Classification(lesson.classification)]
    )
    if lowered and not can_release_lesson(by, lesson):
        raise PermissionDenied(
            _("Only an approver of the source organisation makes a lesson less sensitive.")
        )
    if (
        classification == Classification.RESTRICTED
        and lesson.releasability == Releasability.ALL_MEMBERS
    ):
        raise ValidationError(
            {
                "classification": _(
                    "A lesson released to all members cannot be restricted: "
                    "narrow its release first."
                )
            }
        )
    text = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    changed = changed_fields(lesson, UPDATABLE_FIELDS, text)
    if "domains" in data and _domains_set(lesson, _check_domains(data["domains"])):
        changed.add("domains")
    if not changed:
        return lesson
    _check(lesson, by=by, plan_chosen="source_plan" in changed)
    if "source_plan" in changed and lesson.releasability == Releasability.PARTICIPANTS:
        raise ValidationError(
            {
                "source_plan": _(
                    "The lesson is released to this plan's participants: narrow "
                    "its release before changing its plan."
                )
            }
        )
    lesson.version += 1
    lesson._history_user = by  # type: ignore[attr-defined]
    lesson.save()
    search_vector_update([lesson.pk])
    return lesson


@transaction.atomic
def lesson_transition(
    *, lesson: Lesson, by: User, to: str, version: int, comment: str = ""
) -> Lesson:
    """Move the lesson one step in the lessons process (analysts and approvers of the source
    organisation). Rejecting needs a reason; `lesson_learned` needs every remedial action done,
    or declined with its reason; `action_in_progress` needs an action tasked."""
    lesson = lock(lesson)
    if not can_move_lesson(by, lesson):
        raise PermissionDenied(
            _("Only the analysts and approvers of the source organisation move this lesson.")
        )
    check_version(lesson, version)
    comment = comment.strip()
    no_control_characters(comment)
    if to not in TRANSITIONS.get(lesson.status, ()):
        allowed = ", ".join(_status_label(s) for s in TRANSITIONS.get(lesson.status, ()))
        names = {
            "current": _status_label(lesson.status),
            "to": _status_label(to) if to in LessonStatus.values else repr(to),
            "allowed": allowed,
        }
        message = (
            _("A lesson that is %(current)s cannot become %(to)s; it can become %(allowed)s.")
            if allowed
            else _("A lesson that is %(current)s cannot become %(to)s; it is final.")
        )
        raise ValidationError({"to": message % names})
    if to == LessonStatus.REJECTED and not comment:
        raise ValidationError(
            {"comment": _("Say why the lesson is rejected, so its author knows.")}
        )
    actions = list(lesson.remedial_actions.select_related("action_body"))
    if to == LessonStatus.ACTION_IN_PROGRESS and not actions:
        raise ValidationError({"to": _("Task a remedial action first.")})
    if to == LessonStatus.LESSON_LEARNED:
        open_actions = [a for a in actions if a.status not in CLOSED_ACTION_STATUSES]
        if open_actions:
            bodies = ", ".join(sorted({a.action_body.name for a in open_actions}))
            raise ValidationError(
                {
                    "to": ngettext(
                        "%(count)d remedial action is still open (%(bodies)s): "
                        "each must be done, or declined with a reason.",
                        "%(count)d remedial actions are still open (%(bodies)s): "
                        "each must be done, or declined with a reason.",
                        len(open_actions),
                    )
                    % {"count": len(open_actions), "bodies": bodies}
                }
            )
    lesson.status = to
    lesson.status_comment = comment
    lesson.version += 1
    lesson._history_user = by  # type: ignore[attr-defined]
    lesson.save(update_fields=["status", "status_comment", "version", "updated"])
    if to == LessonStatus.REJECTED:
        notify(
            recipients=[lesson.author],
            kind="lesson.rejected",
            text=format_lazy(
                gettext_lazy("Your lesson “{lesson}” was rejected: {comment}"),
                lesson=lesson.title,
                comment=comment,
            ),
            url=lesson.get_absolute_url(),
            event_key=f"lesson:{lesson.pk}:rejected:{lesson.version}",
            actor=by,
        )
    return lesson
