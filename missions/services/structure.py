"""The structure of a plan: lines of effort, activities (and their progress), milestones
and consultations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.concurrency import check_version
from accounts.models import Role, User
from accounts.notifications import OrganisationRole, notify
from accounts.services import changed_fields
from missions.models import (
    Activity,
    ActivityStatus,
    Consultation,
    LineOfEffort,
    Milestone,
    Plan,
    PlanStatus,
)
from missions.permissions import can_update_progress
from missions.services._common import (
    ACTIVITY_FIELDS,
    CONSULTATION_FIELDS,
    LINE_FIELDS,
    MILESTONE_FIELDS,
    _amend,
    _check_dates,
    _lock,
    _require_participant,
    _require_structure_editor,
)
from missions.services.dates import activity_dates_check, part_dates_check
from strategy.selectors import visible_strategies


def _check_line(plan: Plan, line: LineOfEffort) -> None:
    _require_participant(plan, line.lead_organisation, "lead_organisation")


def _check_goals(plan: Plan, goals: Iterable[Any], by: User) -> list[Any]:
    goals = list(goals)
    if not goals:
        return goals
    if plan.strategy_id is None or any(g.strategy_id != plan.strategy_id for g in goals):
        raise ValidationError(
            {"goals": _("A line of effort serves goals of the plan's own strategy.")}
        )
    if not visible_strategies(by).filter(pk=plan.strategy_id).exists():
        raise ValidationError({"goals": _("The plan's strategy is not shared with you.")})
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
    _amend(
        plan,
        by=by,
        reason=format_lazy(gettext_lazy("line of effort added: {title}"), title=line.title),
    )
    return line


@transaction.atomic
def line_of_effort_update(
    *, line: LineOfEffort, by: User, version: int, data: dict[str, Any]
) -> LineOfEffort:
    plan = _lock(line.plan)
    _require_structure_editor(plan, by)
    line = LineOfEffort.objects.select_for_update().get(pk=line.pk)
    line.plan = plan  # the locked plan: callers read from it what this change did to the plan
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
    _amend(
        plan,
        by=by,
        reason=format_lazy(gettext_lazy("line of effort changed: {title}"), title=line.title),
    )
    return line


@transaction.atomic
def line_of_effort_delete(*, line: LineOfEffort, by: User) -> None:
    plan = _lock(line.plan)
    _require_structure_editor(plan, by)
    title = line.title
    line.delete()
    _amend(
        plan,
        by=by,
        reason=format_lazy(gettext_lazy("line of effort removed: {title}"), title=title),
    )


def _check_activity(plan: Plan, activity: Activity) -> None:
    if activity.line_of_effort.plan_id != plan.pk:
        raise ValidationError({"line_of_effort": _("Choose a line of effort of this plan.")})
    _require_participant(plan, activity.responsible_organisation, "responsible_organisation")
    _check_dates(activity.start_date, activity.end_date)
    activity_dates_check(plan, activity)
    # A military actor on a non-military task needs its justification: `Activity.clean`,
    # called by the `full_clean` that follows, says so on the field.


@transaction.atomic
def activity_create(*, line_of_effort: LineOfEffort, by: User, data: dict[str, Any]) -> Activity:
    plan = _lock(line_of_effort.plan)
    _require_structure_editor(plan, by)
    line_of_effort.plan = plan  # callers read from it what this change did
    activity = Activity(line_of_effort=line_of_effort)
    changed_fields(activity, ACTIVITY_FIELDS, data)
    _check_activity(plan, activity)
    activity.full_clean()
    activity.save()
    _amend(
        plan,
        by=by,
        reason=format_lazy(gettext_lazy("activity added: {title}"), title=activity.title),
    )
    return activity


NOT_AMENDMENTS = {"public", "sector"}
"""What an activity shows the public and how IATI classifies it change no one's commitment:
changing only these does not send an approved plan back to its contributors."""


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
    activity.line_of_effort.plan = plan  # callers read from it what this change did
    check_version(activity, version)
    changed = changed_fields(activity, ACTIVITY_FIELDS, data)
    if not changed:
        return activity
    _check_activity(plan, activity)
    activity.full_clean()
    activity.version += 1
    activity.save()
    if changed <= NOT_AMENDMENTS:
        return activity
    _amend(
        plan,
        by=by,
        reason=format_lazy(gettext_lazy("activity changed: {title}"), title=activity.title),
    )
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by: User) -> None:
    plan = _lock(activity.line_of_effort.plan)
    _require_structure_editor(plan, by)
    title = activity.title
    activity.delete()
    _amend(plan, by=by, reason=format_lazy(gettext_lazy("activity removed: {title}"), title=title))


# Where an activity may go from each status, in one place. Staying put is always allowed.
# Finished work is reopened (back in progress), cancelled work taken up again (planned);
# neither happens by itself: a progress figure moves only planned and under-way work.
ACTIVITY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActivityStatus.PLANNED: (
        ActivityStatus.IN_PROGRESS,
        ActivityStatus.DONE,
        ActivityStatus.BLOCKED,
        ActivityStatus.CANCELLED,
    ),
    ActivityStatus.IN_PROGRESS: (
        ActivityStatus.DONE,
        ActivityStatus.BLOCKED,
        ActivityStatus.CANCELLED,
    ),
    ActivityStatus.BLOCKED: (
        ActivityStatus.PLANNED,
        ActivityStatus.IN_PROGRESS,
        ActivityStatus.DONE,
        ActivityStatus.CANCELLED,
    ),
    ActivityStatus.DONE: (ActivityStatus.IN_PROGRESS,),
    ActivityStatus.CANCELLED: (ActivityStatus.PLANNED,),
}


def _status_label(status: str) -> str:
    return str(ActivityStatus(status).label).lower() if status in ActivityStatus.values else status


def activity_status_check(current: str, new: str) -> None:
    """Refuse a status change the table does not allow, saying what is allowed."""
    allowed = ACTIVITY_TRANSITIONS.get(current, ())
    if new == current or new in allowed:
        return
    labels = [_status_label(status) for status in allowed]
    choices = (
        _("%(choices)s or %(last)s") % {"choices": ", ".join(labels[:-1]), "last": labels[-1]}
        if len(labels) > 1
        else labels[0]
    )
    raise ValidationError(
        {
            "status": _("This activity is %(current)s: it can become %(choices)s, not %(new)s.")
            % {
                "current": _status_label(current),
                "choices": choices,
                "new": _status_label(new),
            }
        }
    )


def status_after_progress(status: str, progress: int, *, from_the_field: bool = False) -> str:
    """The status a progress figure implies: done at 100 %, a planned activity under way
    above 0. A planner's 100 % also finishes blocked work; a figure from the field moves only
    planned and under-way work, since only planners decide that blocked work moves again.
    Cancelled and finished work keep their status."""
    movable = [ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS]
    if not from_the_field:
        movable.append(ActivityStatus.BLOCKED)
    if status not in movable:
        return status
    if progress == 100:
        return ActivityStatus.DONE
    if progress > 0 and status == ActivityStatus.PLANNED:
        return ActivityStatus.IN_PROGRESS
    return status


def _notify_blocked(plan: Plan, activity: Activity, *, by: User) -> None:
    notify(
        recipients=[
            OrganisationRole(plan.lead_organisation_id, Role.PLANNER),
            OrganisationRole(activity.responsible_organisation_id, Role.PLANNER),
        ],
        kind="plan.activity_blocked",
        text=format_lazy(
            gettext_lazy("“{activity}” in “{plan}” is blocked."),
            activity=activity.title,
            plan=plan.title,
        ),
        url=plan.get_absolute_url(),
        event_key=f"activity:{activity.pk}:blocked:v{activity.version}",
        actor=by,
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
    """Status and progress, by the responsible organisation's planners (or the lead's). A
    status change must be one `ACTIVITY_TRANSITIONS` allows; without one, the progress
    figure may move the status (`status_after_progress`)."""
    plan = _lock(activity.line_of_effort.plan)
    activity = (
        Activity.objects.select_for_update()
        .select_related("line_of_effort__plan")
        .get(pk=activity.pk)
    )
    if not can_update_progress(by, activity):
        raise PermissionDenied(
            _(
                "Only planners of the responsible organisation (or of the lead) "
                "update this activity."
            )
        )
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed."))
    check_version(activity, version)
    was_blocked = activity.status == ActivityStatus.BLOCKED
    if progress is not None:
        activity.progress = progress
    if status is None:
        status = status_after_progress(activity.status, activity.progress)
    activity_status_check(activity.status, status)
    activity.status = status
    activity.full_clean()
    activity.version += 1
    activity.save(update_fields=["status", "progress", "version"])
    if activity.status == ActivityStatus.BLOCKED and not was_blocked:
        _notify_blocked(plan, activity, by=by)
    return activity


@transaction.atomic
def activity_edit(*, activity: Activity, by: User, version: int, data: dict[str, Any]) -> Activity:
    """An edit of an activity as a whole (the API's PUT and PATCH): a change of scope goes
    through `activity_update`, of status or progress through `activity_progress_update`, both
    in this one transaction. Fields sent back unchanged are no change of scope, so the
    responsible organisation can send back what it read with a new progress figure."""
    data = dict(data)
    progress = {field: data.pop(field) for field in ("status", "progress") if field in data}
    scope = {field: value for field, value in data.items() if getattr(activity, field) != value}
    if not scope:
        return activity_progress_update(activity=activity, by=by, version=version, **progress)
    activity = activity_update(activity=activity, by=by, version=version, data=scope)
    if any(getattr(activity, field) != value for field, value in progress.items()):
        activity = activity_progress_update(
            activity=activity, by=by, version=activity.version, **progress
        )
    return activity


def _child_create(
    model: Any, fields: Sequence[str], *, plan: Plan, by: User, data: dict[str, Any]
) -> Any:
    plan = _lock(plan)
    _require_structure_editor(plan, by)
    obj = model(plan=plan)
    changed_fields(obj, fields, data)
    if isinstance(obj, Consultation):
        _require_participant(plan, obj.stakeholder, "stakeholder")
    part_dates_check(plan, obj)
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
    part_dates_check(plan, obj)
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
