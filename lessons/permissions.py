"""Who may read and act on a lesson, as grants to organisation groups.

Reading follows the marking exactly: the source organisation always; with `participants`
every participant of the source plan (recomputed when the plan's participants change); with
`named` each organisation it was released to; with `all_members` every person holding a
membership today (`lessons.selectors`, without a grant row per organisation).

In the source organisation, analysts and approvers move the lesson through the lessons process
and task remedial actions; approvers widen its release, at once or on a request; planners and
analysts ask for a wider release and narrow it. An action body's planners, approvers and
analysts report on the actions tasked to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from accounts.authority import acting_organisations, holds_role, may, organisations_in_role
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_dependents, register_grant_rules
from accounts.models import Organisation, Role, User
from lessons.models import (
    Lesson,
    Releasability,
    Release,
    ReleaseDecision,
    ReleaseDecisionChoice,
    RemedialAction,
)
from missions.models import Participant, Plan

PROCESS_ROLES = (Role.ANALYST, Role.APPROVER)
REQUESTER_ROLES = (Role.PLANNER, Role.ANALYST)
RECORDING_ROLES = (Role.PLANNER, Role.ANALYST, Role.FIELD_ADVISOR, Role.APPROVER)
ACTION_BODY_ROLES = (Role.PLANNER, Role.APPROVER, Role.ANALYST)


def audience(
    lesson: Lesson,
    *,
    releasability: str,
    named: Iterable[int] = (),
    participants: Iterable[int] | None = None,
) -> set[int] | None:
    """The organisations (ids) a marking releases the lesson to; None means every member
    organisation. `participants` are the source plan's participating organisations, read here
    unless the caller has them."""
    if releasability == Releasability.ALL_MEMBERS:
        return None
    organisations = {lesson.source_organisation_id}
    if releasability == Releasability.PARTICIPANTS and lesson.source_plan_id is not None:
        if participants is None:
            participants = Participant.objects.filter(plan_id=lesson.source_plan_id).values_list(
                "organisation_id", flat=True
            )
        organisations |= set(participants)
    if releasability == Releasability.NAMED:
        organisations |= set(named)
    return organisations


def current_audience(lesson: Lesson) -> set[int] | None:
    return audience(
        lesson,
        releasability=lesson.releasability,
        named=lesson.releases.values_list("organisation_id", flat=True),
    )


def is_wider(new: set[int] | None, old: set[int] | None) -> bool:
    """Whether a marking lets an organisation read what it could not before."""
    if new is None:
        return old is not None
    return old is not None and not new <= old


@register_grant_rules(Lesson)
def lesson_grant_rules(lessons: Sequence[Lesson]) -> dict[int, dict[int, set[str]]]:
    participants: dict[int, set[int]] = defaultdict(set)
    for plan_id, organisation_id in Participant.objects.filter(
        plan_id__in={
            lesson.source_plan_id
            for lesson in lessons
            if lesson.releasability == Releasability.PARTICIPANTS
        }
    ).values_list("plan_id", "organisation_id"):
        participants[plan_id].add(organisation_id)
    named: dict[int, set[int]] = defaultdict(set)
    for lesson_id, organisation_id in Release.objects.filter(
        lesson__in=[lesson for lesson in lessons if lesson.releasability == Releasability.NAMED]
    ).values_list("lesson_id", "organisation_id"):
        named[lesson_id].add(organisation_id)
    readers = {
        lesson.pk: audience(
            lesson,
            releasability=lesson.releasability,
            named=named[lesson.pk],
            participants=(
                participants[lesson.source_plan_id] if lesson.source_plan_id is not None else ()
            ),
        )
        or {lesson.source_organisation_id}
        for lesson in lessons
    }
    groups = organisation_groups(set().union(*readers.values()))
    return {lesson.pk: _lesson_grants(lesson, readers[lesson.pk], groups) for lesson in lessons}


def _lesson_grants(
    lesson: Lesson, readers: set[int], groups: Mapping[int, list[tuple[str, int]]]
) -> dict[int, set[str]]:
    """Readers see the lesson (with `all_members`, only the source organisation holds a grant:
    the others read through `lessons.selectors`); the source organisation moves and releases
    it."""
    grants: dict[int, set[str]] = defaultdict(set)
    for organisation_id in readers:
        for role, group_id in groups[organisation_id]:
            grants[group_id].add("view_lesson")
            if organisation_id != lesson.source_organisation_id:
                continue
            if role in PROCESS_ROLES:
                grants[group_id].add("move_lesson")
            if role == Role.APPROVER:
                grants[group_id].add("release_lesson")
            if role in REQUESTER_ROLES:
                grants[group_id].add("request_release")
    return grants


@register_grant_dependents(Plan)
def lessons_of_plan(plan: Plan) -> Iterable[Lesson]:
    """A plan's participants read the lessons released to them: theirs change with it."""
    return Lesson.objects.filter(source_plan=plan, releasability=Releasability.PARTICIPANTS)


@register_grant_rules(RemedialAction)
def remedial_action_grant_rules(
    actions: Sequence[RemedialAction],
) -> dict[int, dict[int, set[str]]]:
    sources = dict(
        Lesson.objects.filter(pk__in={action.lesson_id for action in actions}).values_list(
            "pk", "source_organisation_id"
        )
    )
    groups = organisation_groups(
        organisation_id
        for action in actions
        for organisation_id in (sources[action.lesson_id], action.action_body_id)
    )
    return {
        action.pk: _remedial_action_grants(action, sources[action.lesson_id], groups)
        for action in actions
    }


def _remedial_action_grants(
    action: RemedialAction, source: int, groups: Mapping[int, list[tuple[str, int]]]
) -> dict[int, set[str]]:
    """Reading an action is reading its lesson; reporting on it is for the action body's
    planners, approvers and analysts, and the source organisation's analysts and approvers."""
    grants: dict[int, set[str]] = {}
    for organisation_id in {source, action.action_body_id}:
        for role, group_id in groups[organisation_id]:
            if (organisation_id == action.action_body_id and role in ACTION_BODY_ROLES) or (
                organisation_id == source and role in PROCESS_ROLES
            ):
                grants[group_id] = {"change_remedialaction"}
    return grants


RELEASE_DECISION = DecisionKind(
    record_model=ReleaseDecision,
    subject_field="lesson",
    round_field="release_round",
    round_label=_("release request"),
    codename="release_lesson",
    choices=ReleaseDecisionChoice,
    positive=ReleaseDecisionChoice.RELEASE,
    states={
        ReleaseDecisionChoice.RELEASE: "released",
        ReleaseDecisionChoice.DECLINE: "declined",
    },
    labels={
        ReleaseDecisionChoice.RELEASE: _("Release it as asked"),
        ReleaseDecisionChoice.DECLINE: _("Decline the request"),
    },
    reason_needed=_("Say why you decline, so the requester knows."),
    refused=_("Only an approver of the source organisation can release this lesson wider."),
    refused_for=_("You are not an approver of {organisation} for this lesson."),
    ambiguous=_("Say which organisation you decide for."),
    choose_prompt=_("Choose whether to release or decline."),
    verbs={
        ReleaseDecisionChoice.RELEASE: _("released"),
        ReleaseDecisionChoice.DECLINE: _("declined"),
    },
    requested_event="lesson:{subject}:release:{round}:decision-requested",
)
"""An approver of the source organisation decides a request to release a lesson wider."""


# --- what a person may do on a lesson, today -------------------------------------------------


def recording_organisations(user: User) -> list[Organisation]:
    """Organisations a person records lessons for: any they hold a membership in today."""
    seen: dict[int, Organisation] = {}
    for role in RECORDING_ROLES:
        for organisation in organisations_in_role(user, role):
            seen[organisation.pk] = organisation
    return sorted(seen.values(), key=lambda o: o.name)


def can_record_lesson(user: User) -> bool:
    return bool(recording_organisations(user))


def can_move_lesson(user: User, lesson: Lesson) -> bool:
    return may(user, lesson, "move_lesson")


def can_release_lesson(user: User, lesson: Lesson) -> bool:
    return may(user, lesson, "release_lesson")


def can_request_release(user: User, lesson: Lesson) -> bool:
    return may(user, lesson, "request_release")


def can_change_lesson(user: User, lesson: Lesson) -> bool:
    """Edit the text and classification: the analysts and approvers of the source
    organisation, and the author while it waits as submitted and they are still a member."""
    if can_move_lesson(user, lesson):
        return True
    return bool(
        lesson.author_id == user.pk
        and lesson.status == "submitted"
        and any(holds_role(user, lesson.source_organisation_id, role) for role in RECORDING_ROLES)
    )


def can_report_on_action(user: User, action: RemedialAction) -> bool:
    return may(user, action, "change_remedialaction")


def releasing_organisations(user: User, lesson: Lesson) -> set[int]:
    return acting_organisations(user, lesson, "release_lesson")
