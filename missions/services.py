"""Every write to an integrated plan: one transaction each, permission checked inside.

Each service locks the plan row first, so edits, reviews and field reports on one plan
happen one after another and never decide on stale state.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from accounts.concurrency import check_version
from accounts.grants import grants_recompute, has_object_permission
from accounts.models import Membership, Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from accounts.selectors import organisations_where
from accounts.services import changed_fields, organisation_acting_for
from missions.models import (
    Activity,
    ActivityStatus,
    Attachment,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Participant,
    ParticipantRole,
    Plan,
    PlanStatus,
    Review,
    ReviewDecision,
)
from strategy.selectors import visible_strategies

PLAN_FIELDS = ("title", "strategy", "theatre", "summary", "phase", "start_date", "end_date")
PLAN_STRUCTURAL_FIELDS = ("start_date", "end_date")
LINE_FIELDS = ("domain", "title", "lead_organisation", "order")
ACTIVITY_FIELDS = (
    "line_of_effort",
    "title",
    "description",
    "responsible_organisation",
    "actor_type",
    "task_nature",
    "military_justification",
    "start_date",
    "end_date",
    "place_name",
    "latitude",
    "longitude",
)
MILESTONE_FIELDS = ("title", "due_date", "achieved_on")
CONSULTATION_FIELDS = ("stakeholder", "date", "summary", "follow_up")
AMENDABLE = (PlanStatus.APPROVED, PlanStatus.ACTIVE)
EDITABLE = (PlanStatus.DRAFT, PlanStatus.IN_REVIEW, PlanStatus.APPROVED, PlanStatus.ACTIVE)
ATTACHMENT_IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


# --- helpers ------------------------------------------------------------------------------------


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _status(plan: Plan) -> str:
    return plan.get_status_display().lower()


def _require_structure_editor(plan: Plan, by: User) -> None:
    if not has_object_permission(by, plan, "change_plan"):
        raise PermissionDenied("Only planners of the lead organisation can change this plan.")
    if plan.status not in EDITABLE:
        raise ValidationError(f"This plan is {_status(plan)}: it can no longer be changed.")


def participant_ids(plan: Plan) -> set[int]:
    return set(plan.participants.values_list("organisation_id", flat=True))


def _require_participant(plan: Plan, organisation: Organisation | None, field: str) -> None:
    if organisation is not None and organisation.pk not in participant_ids(plan):
        raise ValidationError(
            {field: f"{organisation} does not take part in this plan; add it first."}
        )


def _roles(plan: Plan, participation: Sequence[str], *roles: str) -> list[OrganisationRole]:
    organisations = plan.participants.filter(role__in=participation).values_list(
        "organisation_id", flat=True
    )
    return [OrganisationRole(org_id, role) for org_id in sorted(organisations) for role in roles]


def _current_role(user: User, organisation_id: int, role: str) -> bool:
    return (
        Membership.objects.valid_on(timezone.localdate())
        .filter(user=user, organisation_id=organisation_id, role=role)
        .exists()
    )


def _request_reviews(plan: Plan, *, amendment: str = "") -> None:
    what = f"an amendment to “{plan.title}” ({amendment})" if amendment else f"“{plan.title}”"
    notify(
        recipients=_roles(plan, [ParticipantRole.CONTRIBUTOR], Role.APPROVER),
        kind="plan.review_requested",
        text=f"Please review {what} for your organisation.",
        url=plan.get_absolute_url(),
        event_key=f"plan:{plan.pk}:submission:{plan.submission}:review-requested",
    )


def _amend(plan: Plan, *, reason: str) -> None:
    """A structural change to an approved or active plan goes back to the contributors; one
    made while they review starts a new submission, so earlier approvals no longer count."""
    if plan.status in (*AMENDABLE, PlanStatus.IN_REVIEW):
        plan.status = PlanStatus.IN_REVIEW
        plan.submission += 1
        plan.version += 1
        plan.review_requested_at = timezone.now()
        plan.save(
            update_fields=["status", "submission", "version", "review_requested_at", "updated"]
        )
        _request_reviews(plan, amendment=reason)


def _check_strategy(strategy: Any, by: User) -> None:
    if strategy is not None and not visible_strategies(by).filter(pk=strategy.pk).exists():
        raise ValidationError({"strategy": "No strategy with this id is shared with you."})


def _check_dates(
    start: datetime.date | None, end: datetime.date | None, field: str = "end_date"
) -> None:
    if start and end and end < start:
        raise ValidationError({field: "The end date must be on or after the start date."})


# --- plans --------------------------------------------------------------------------------------


def lead_organisations_for(user: User) -> list[Organisation]:
    """Organisations the user may lead a plan for: where they are a planner today."""
    return list(organisations_where(user=user, role=Role.PLANNER))


def _set_participants(plan: Plan, participants: Iterable[tuple[Organisation, str]]) -> bool:
    """The lead plus the given organisations and roles; returns whether anything changed."""
    wanted: dict[int, str] = {}
    for organisation, role in participants:
        if role not in (ParticipantRole.CONTRIBUTOR, ParticipantRole.CONSULTED):
            raise ValidationError(
                {"participants": f"A participant is a contributor or consulted, not {role!r}."}
            )
        if organisation.pk != plan.lead_organisation_id:
            wanted[organisation.pk] = role
    wanted[plan.lead_organisation_id] = ParticipantRole.LEAD
    current = dict(plan.participants.values_list("organisation_id", "role"))
    if wanted == current:
        return False
    in_use = _organisations_in_use(plan) - wanted.keys()
    if in_use:
        names = ", ".join(sorted(str(o) for o in Organisation.objects.filter(pk__in=in_use)))
        raise ValidationError(
            {
                "participants": (
                    f"Still leading work, responsible for work or consulted in this plan: {names}."
                )
            }
        )
    plan.participants.exclude(organisation_id__in=wanted).delete()
    for organisation_id, role in wanted.items():
        Participant.objects.update_or_create(
            plan=plan, organisation_id=organisation_id, defaults={"role": role}
        )
    grants_recompute(plan)
    return True


def _organisations_in_use(plan: Plan) -> set[int]:
    lines = set(plan.lines_of_effort.values_list("lead_organisation_id", flat=True))
    activities = set(
        Activity.objects.filter(line_of_effort__plan=plan).values_list(
            "responsible_organisation_id", flat=True
        )
    )
    stakeholders = set(plan.consultations.values_list("stakeholder_id", flat=True))
    return lines | activities | stakeholders


@transaction.atomic
def plan_create(
    *,
    by: User,
    title: str,
    theatre: str,
    lead_organisation: Organisation,
    start_date: datetime.date,
    end_date: datetime.date,
    participants: Iterable[tuple[Organisation, str]] = (),
    strategy: Any = None,
    summary: str = "",
    phase: str = "assessment",
) -> Plan:
    if lead_organisation not in lead_organisations_for(by):
        raise ValidationError(
            {
                "lead_organisation": (
                    "You can only lead a plan for an organisation where you are a planner."
                )
            }
        )
    _check_dates(start_date, end_date)
    _check_strategy(strategy, by)
    plan = Plan(
        title=title,
        theatre=theatre,
        summary=summary,
        phase=phase,
        strategy=strategy,
        lead_organisation=lead_organisation,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    _set_participants(plan, participants)
    grants_recompute(plan)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by: User, version: int, data: dict[str, Any]) -> Plan:
    plan = _lock(plan)
    _require_structure_editor(plan, by)
    check_version(plan, version)
    changed = changed_fields(plan, PLAN_FIELDS, data)
    _check_dates(plan.start_date, plan.end_date)
    if "strategy" in changed:
        _check_strategy(plan.strategy, by)
        serving_others = plan.lines_of_effort.filter(goals__isnull=False).exclude(
            goals__strategy=plan.strategy
        )
        if serving_others.exists():
            raise ValidationError(
                {
                    "strategy": (
                        "Lines of effort still serve goals of the current strategy: "
                        "unlink them first."
                    )
                }
            )
    if changed:
        plan.full_clean()
    participants_changed = "participants" in data and _set_participants(plan, data["participants"])
    if changed or participants_changed:
        # The participants are part of the plan: changing only them must move the version too,
        # or a stale edit of them would be applied instead of refused.
        plan.version += 1
        plan.save()
    if participants_changed or changed & set(PLAN_STRUCTURAL_FIELDS):
        _amend(plan, reason="participants or dates changed")
    return plan


@transaction.atomic
def plan_submit(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    if not has_object_permission(by, plan, "change_plan"):
        raise PermissionDenied("Only planners of the lead organisation can submit this plan.")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(f"Only a draft can be submitted; this plan is {_status(plan)}.")
    if not plan.lines_of_effort.exists():
        raise ValidationError("Add at least one line of effort before asking for reviews.")
    plan.status = PlanStatus.IN_REVIEW
    plan.submission += 1
    plan.version += 1
    plan.review_requested_at = timezone.now()
    plan.save(update_fields=["status", "submission", "version", "review_requested_at", "updated"])
    _request_reviews(plan)
    return plan


def contributors(plan: Plan) -> set[int]:
    return set(
        plan.participants.filter(role=ParticipantRole.CONTRIBUTOR).values_list(
            "organisation_id", flat=True
        )
    )


def _reviewing_organisation(plan: Plan, by: User, organisation: Organisation | None) -> int:
    return organisation_acting_for(
        user=by,
        role=Role.APPROVER,
        among=contributors(plan),
        chosen=organisation,
        refused="Only an approver of a contributing organisation can review this plan.",
        refused_for="You are not an approver of {organisation} for this plan.",
        ambiguous="You approve for several contributors: say which one.",
    )


@transaction.atomic
def plan_review(
    *,
    plan: Plan,
    by: User,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> Review:
    """A contributor's approver approves this submission or asks for changes (back to draft)."""
    plan = _lock(plan)
    organisation_id = _reviewing_organisation(plan, by, organisation)
    if plan.status != PlanStatus.IN_REVIEW:
        raise ValidationError(
            f"Reviews are given while a plan is in review; this plan is {_status(plan)}."
        )
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Choose approve or request_changes."})
    if decision == ReviewDecision.REQUEST_CHANGES and not comment.strip():
        raise ValidationError({"comment": "Say which changes you need, so the lead can make them."})
    review, _ = Review.objects.update_or_create(
        plan=plan,
        organisation_id=organisation_id,
        submission=plan.submission,
        defaults={
            "decision": decision,
            "comment": comment.strip(),
            "reviewed_by": by,
            "reviewed_at": timezone.now(),
        },
    )
    if decision == ReviewDecision.REQUEST_CHANGES:
        plan.status = PlanStatus.DRAFT
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated"])
        notify(
            recipients=[OrganisationRole(plan.lead_organisation_id, Role.PLANNER)],
            kind="plan.changes_requested",
            text=f"{review.organisation} asks for changes to “{plan.title}”: {review.comment}",
            url=plan.get_absolute_url(),
            event_key=f"plan:{plan.pk}:submission:{plan.submission}:changes:{organisation_id}",
        )
    return review


def awaiting_review(plan: Plan) -> set[int]:
    """Contributors that have not approved the current submission."""
    approved = set(
        plan.reviews.filter(
            submission=plan.submission, decision=ReviewDecision.APPROVE
        ).values_list("organisation_id", flat=True)
    )
    return contributors(plan) - approved


@transaction.atomic
def plan_approve(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    if not has_object_permission(by, plan, "approve_plan"):
        raise PermissionDenied("Only an approver of the lead organisation can approve this plan.")
    if plan.status != PlanStatus.IN_REVIEW:
        raise ValidationError(
            f"Only a plan in review can be approved; this plan is {_status(plan)}."
        )
    waiting = awaiting_review(plan)
    if waiting:
        names = ", ".join(sorted(str(o) for o in Organisation.objects.filter(pk__in=waiting)))
        raise ValidationError(f"Every contributor must approve first; still waiting for: {names}.")
    plan.status = PlanStatus.APPROVED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated"])
    notify(
        recipients=_roles(plan, list(ParticipantRole.values), Role.PLANNER),
        kind="plan.approved",
        text=f"“{plan.title}” is approved.",
        url=plan.get_absolute_url(),
        event_key=f"plan:{plan.pk}:submission:{plan.submission}:approved",
    )
    return plan


def _lead_acts(plan: Plan, by: User, verb: str) -> None:
    if not (
        has_object_permission(by, plan, "change_plan")
        or has_object_permission(by, plan, "approve_plan")
    ):
        raise PermissionDenied(
            f"Only the lead organisation's planners and approvers can {verb} this plan."
        )


@transaction.atomic
def plan_activate(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    _lead_acts(plan, by, "activate")
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(
            f"Only an approved plan can be activated; this plan is {_status(plan)}."
        )
    plan.status = PlanStatus.ACTIVE
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated"])
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, by: User) -> Plan:
    plan = _lock(plan)
    _lead_acts(plan, by, "close")
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(f"Only an active plan can be closed; this plan is {_status(plan)}.")
    plan.status = PlanStatus.CLOSED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated"])
    return plan


# --- lines of effort and activities -------------------------------------------------------------


def _check_line(plan: Plan, line: LineOfEffort) -> None:
    _require_participant(plan, line.lead_organisation, "lead_organisation")


def _check_goals(plan: Plan, goals: Iterable[Any], by: User) -> list[Any]:
    goals = list(goals)
    if not goals:
        return goals
    if plan.strategy_id is None or any(g.strategy_id != plan.strategy_id for g in goals):
        raise ValidationError(
            {"goals": "A line of effort serves goals of the plan's own strategy."}
        )
    if not visible_strategies(by).filter(pk=plan.strategy_id).exists():
        raise ValidationError({"goals": "The plan's strategy is not shared with you."})
    return goals


@transaction.atomic
def line_of_effort_create(*, plan: Plan, by: User, data: dict[str, Any]) -> LineOfEffort:
    plan = _lock(plan)
    _require_structure_editor(plan, by)
    line = LineOfEffort(plan=plan)
    changed_fields(line, LINE_FIELDS, data)
    _check_line(plan, line)
    line.full_clean()
    line.save()
    line.goals.set(_check_goals(plan, data.get("goals", []), by))
    _amend(plan, reason=f"line of effort added: {line.title}")
    return line


@transaction.atomic
def line_of_effort_update(
    *, line: LineOfEffort, by: User, version: int, data: dict[str, Any]
) -> LineOfEffort:
    plan = _lock(line.plan)
    _require_structure_editor(plan, by)
    line = LineOfEffort.objects.select_for_update().get(pk=line.pk)
    check_version(line, version)
    changed = changed_fields(line, LINE_FIELDS, data)
    if "goals" in data:
        goals = _check_goals(plan, data["goals"], by)
        if {g.pk for g in goals} != set(line.goals.values_list("pk", flat=True)):
            line.goals.set(goals)
            changed.add("goals")
    if not changed:
        return line
    _check_line(plan, line)
    line.full_clean()
    line.version += 1
    line.save()
    _amend(plan, reason=f"line of effort changed: {line.title}")
    return line


@transaction.atomic
def line_of_effort_delete(*, line: LineOfEffort, by: User) -> None:
    plan = _lock(line.plan)
    _require_structure_editor(plan, by)
    title = line.title
    line.delete()
    _amend(plan, reason=f"line of effort removed: {title}")


def _check_activity(plan: Plan, activity: Activity) -> None:
    if activity.line_of_effort.plan_id != plan.pk:
        raise ValidationError({"line_of_effort": "Choose a line of effort of this plan."})
    _require_participant(plan, activity.responsible_organisation, "responsible_organisation")
    _check_dates(activity.start_date, activity.end_date)
    if activity.needs_justification and not activity.military_justification.strip():
        raise ValidationError(
            {
                "military_justification": (
                    "A military actor on a non-military task needs a written justification: "
                    "why can no civilian actor do this?"
                )
            }
        )


@transaction.atomic
def activity_create(*, line_of_effort: LineOfEffort, by: User, data: dict[str, Any]) -> Activity:
    plan = _lock(line_of_effort.plan)
    _require_structure_editor(plan, by)
    activity = Activity(line_of_effort=line_of_effort)
    changed_fields(activity, ACTIVITY_FIELDS, data)
    _check_activity(plan, activity)
    activity.full_clean()
    activity.save()
    _amend(plan, reason=f"activity added: {activity.title}")
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, by: User, version: int, data: dict[str, Any]
) -> Activity:
    """A change to an activity's scope, responsible organisation or dates (an amendment once
    the plan is approved). Status and progress go through `activity_progress_update`."""
    plan = _lock(activity.line_of_effort.plan)
    _require_structure_editor(plan, by)
    activity = (
        Activity.objects.select_for_update().select_related("line_of_effort").get(pk=activity.pk)
    )
    check_version(activity, version)
    if not changed_fields(activity, ACTIVITY_FIELDS, data):
        return activity
    _check_activity(plan, activity)
    activity.full_clean()
    activity.version += 1
    activity.save()
    _amend(plan, reason=f"activity changed: {activity.title}")
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by: User) -> None:
    plan = _lock(activity.line_of_effort.plan)
    _require_structure_editor(plan, by)
    title = activity.title
    activity.delete()
    _amend(plan, reason=f"activity removed: {title}")


def can_update_progress(user: User, activity: Activity) -> bool:
    plan = activity.line_of_effort.plan
    return has_object_permission(user, plan, "change_plan") or (
        has_object_permission(user, plan, "view_plan")
        and _current_role(user, activity.responsible_organisation_id, Role.PLANNER)
    )


def _notify_blocked(plan: Plan, activity: Activity) -> None:
    notify(
        recipients=[
            OrganisationRole(plan.lead_organisation_id, Role.PLANNER),
            OrganisationRole(activity.responsible_organisation_id, Role.PLANNER),
        ],
        kind="plan.activity_blocked",
        text=f"“{activity.title}” in “{plan.title}” is blocked.",
        url=plan.get_absolute_url(),
        event_key=f"activity:{activity.pk}:blocked:v{activity.version}",
    )


@transaction.atomic
def activity_progress_update(
    *,
    activity: Activity,
    by: User,
    version: int,
    status: str | None = None,
    progress: int | None = None,
) -> Activity:
    """Status and progress, by the responsible organisation's planners (or the lead's)."""
    plan = _lock(activity.line_of_effort.plan)
    activity = (
        Activity.objects.select_for_update()
        .select_related("line_of_effort__plan")
        .get(pk=activity.pk)
    )
    if not can_update_progress(by, activity):
        raise PermissionDenied(
            "Only planners of the responsible organisation (or of the lead) update this activity."
        )
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed.")
    check_version(activity, version)
    was_blocked = activity.status == ActivityStatus.BLOCKED
    if status is not None:
        activity.status = status
    if progress is not None:
        activity.progress = progress
    if status is None and activity.progress == 100:
        activity.status = ActivityStatus.DONE
    elif status is None and activity.progress > 0 and activity.status == ActivityStatus.PLANNED:
        activity.status = ActivityStatus.IN_PROGRESS
    activity.full_clean()
    activity.version += 1
    activity.save(update_fields=["status", "progress", "version"])
    if activity.status == ActivityStatus.BLOCKED and not was_blocked:
        _notify_blocked(plan, activity)
    return activity


# --- milestones and consultations ----------------------------------------------------------------


def _child_create(
    model: Any, fields: Sequence[str], *, plan: Plan, by: User, data: dict[str, Any]
) -> Any:
    plan = _lock(plan)
    _require_structure_editor(plan, by)
    obj = model(plan=plan)
    changed_fields(obj, fields, data)
    if isinstance(obj, Consultation):
        _require_participant(plan, obj.stakeholder, "stakeholder")
    obj.full_clean()
    obj.save()
    return obj


def _child_update(
    model: Any, fields: Sequence[str], *, obj: Any, by: User, version: int, data: dict[str, Any]
) -> Any:
    plan = _lock(obj.plan)
    _require_structure_editor(plan, by)
    obj = model.objects.select_for_update().get(pk=obj.pk)
    check_version(obj, version)
    if not changed_fields(obj, fields, data):
        return obj
    if isinstance(obj, Consultation):
        _require_participant(plan, obj.stakeholder, "stakeholder")
    obj.full_clean()
    obj.version += 1
    obj.save()
    return obj


def _child_delete(obj: Any, *, by: User) -> None:
    plan = _lock(obj.plan)
    _require_structure_editor(plan, by)
    obj.delete()


@transaction.atomic
def milestone_create(*, plan: Plan, by: User, data: dict[str, Any]) -> Milestone:
    return _child_create(Milestone, MILESTONE_FIELDS, plan=plan, by=by, data=data)


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: User, version: int, data: dict[str, Any]
) -> Milestone:
    return _child_update(
        Milestone, MILESTONE_FIELDS, obj=milestone, by=by, version=version, data=data
    )


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: User) -> None:
    _child_delete(milestone, by=by)


@transaction.atomic
def consultation_create(*, plan: Plan, by: User, data: dict[str, Any]) -> Consultation:
    """Consulted stakeholders must take part in the plan (usually with the role "consulted")."""
    return _child_create(Consultation, CONSULTATION_FIELDS, plan=plan, by=by, data=data)


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, by: User, version: int, data: dict[str, Any]
) -> Consultation:
    return _child_update(
        Consultation, CONSULTATION_FIELDS, obj=consultation, by=by, version=version, data=data
    )


@transaction.atomic
def consultation_delete(*, consultation: Consultation, by: User) -> None:
    _child_delete(consultation, by=by)


# --- field reports -----------------------------------------------------------------------------


def attachment_check(upload: UploadedFile) -> str:
    """The upload's real type, judged by its content (never its name): an image or a PDF."""
    limit = settings.FIELD_REPORT_ATTACHMENT_MAX_MB * 1024 * 1024
    name = upload.name or "attachment"
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {"attachments": f"{name} is larger than {settings.FIELD_REPORT_ATTACHMENT_MAX_MB} MB."}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError({"attachments": f"{name} is not a photo or a PDF."}) from error
    finally:
        upload.seek(0)
    if kind not in ATTACHMENT_IMAGE_FORMATS:
        raise ValidationError(
            {"attachments": f"{name} is not a photo (JPEG, PNG, WebP, GIF) or a PDF."}
        )
    return ATTACHMENT_IMAGE_FORMATS[kind]


def _record_progress(activity: Activity, progress: int) -> None:
    """Progress from the field: done at 100; a planned activity is now under way. A blocked or
    cancelled one keeps its status: only its planners decide that it moves again."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.progress = progress
    if activity.status in (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS):
        activity.status = ActivityStatus.DONE if progress == 100 else ActivityStatus.IN_PROGRESS
    activity.full_clean()
    activity.version += 1
    activity.save(update_fields=["progress", "status", "version"])


@transaction.atomic
def field_report_file(
    *,
    plan: Plan,
    by: User,
    date: datetime.date,
    situation: str,
    activity: Activity | None = None,
    place: str = "",
    progress_update: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> FieldReport:
    """A field advisor's situation report; a progress update moves the activity's progress."""
    plan = _lock(plan)
    if not has_object_permission(by, plan, "file_field_report"):
        raise PermissionDenied("Field advisors of participating organisations file field reports.")
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed: it takes no more field reports.")
    if activity is not None and activity.line_of_effort.plan_id != plan.pk:
        raise ValidationError({"activity": "Choose an activity of this plan."})
    if progress_update is not None and activity is None:
        raise ValidationError(
            {"progress_update": "A progress update is for an activity: choose one."}
        )
    if date > timezone.localdate():
        raise ValidationError({"date": "A field report cannot be dated in the future."})
    if len(attachments) > settings.FIELD_REPORT_MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": f"At most {settings.FIELD_REPORT_MAX_ATTACHMENTS} files per report."}
        )
    content_types = [attachment_check(upload) for upload in attachments]
    report = FieldReport(
        plan=plan,
        activity=activity,
        author=by,
        date=date,
        place=place,
        situation=situation,
        progress_update=progress_update,
    )
    report.full_clean()
    report.save()
    for upload, content_type in zip(attachments, content_types, strict=True):
        Attachment.objects.create(
            field_report=report,
            file=upload,
            original_name=(upload.name or "attachment")[:200],
            content_type=content_type,
            size=upload.size or 0,
        )
    if activity is not None and progress_update is not None:
        _record_progress(activity, progress_update)
    recipients = [OrganisationRole(plan.lead_organisation_id, Role.PLANNER)]
    if activity is not None:
        recipients.append(OrganisationRole(activity.responsible_organisation_id, Role.PLANNER))
    notify(
        recipients=recipients,
        kind="plan.field_report",
        text=f"Field report on “{plan.title}”"
        + (f" ({activity.title})" if activity else "")
        + f" from {by.get_full_name() or by.username}.",
        url=plan.get_absolute_url(),
        event_key=f"field-report:{report.pk}",
    )
    return report
