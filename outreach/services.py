"""Every write to communication items and perception readings: one transaction each,
permission checked inside.

A message that names another participant's work goes out only once that participant's
approvers cleared its current wording: each change to what it says after a decision opens a
new clearance round, which every named participant clears again. A perception reading is
recorded through the strategy's own reading service, so a fall past an indicator's threshold
warns exactly as any early-warning indicator does.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.authority import may
from accounts.concurrency import check_version
from accounts.decisions import decided_for, decision_record
from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from accounts.services import changed_fields
from missions.models import Activity, Plan, PlanStatus
from outreach.models import (
    Channel,
    ClearanceDecision,
    CommunicationClearance,
    CommunicationItem,
    CommunicationStatus,
    Measure,
    PerceptionReading,
)
from outreach.permissions import (
    CLEARANCE,
    can_add_item,
    can_change_item,
    can_change_perception,
    can_publish_item,
)
from strategy.models import Indicator
from strategy.permissions import may_record_readings
from strategy.services import reading_record

ITEM_FIELDS = (
    "title",
    "audience",
    "channel",
    "key_message",
    "languages",
    "planned_date",
    "spokesperson",
    "activity",
    "public",
)
MESSAGE_FIELDS = {"title", "key_message", "languages", "spokesperson", "named_participants"}
"""What the message says and who says it: a change after a clearance decision opens a new round."""
OPEN = (CommunicationStatus.PLANNED, CommunicationStatus.CLEARED)
PERCEPTION_FIELDS = ("area", "measure", "sample_size", "source", "public")


_lower = lazy(lambda text: str(text).lower(), str)
"""A lazy label in lower case, rendered in the reader's language."""
_day = lazy(lambda day: date_format(day, "j M Y"), str)
"""A lazy date as "5 Mar 2026", its month in the reader's language."""


def _lock(item: CommunicationItem) -> CommunicationItem:
    return CommunicationItem.objects.select_for_update().get(pk=item.pk)


def _names(ids: set[int]) -> str:
    return ", ".join(
        Organisation.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    )


def clearers(item: CommunicationItem) -> set[int]:
    """The named participants that clear the message: all but the spokesperson itself."""
    return {
        pk
        for pk in item.named_participants.values_list("pk", flat=True)
        if pk != item.spokesperson_id
    }


def awaiting_clearance(item: CommunicationItem) -> set[int]:
    """The clearers that have not cleared the current round."""
    cleared = decided_for(CLEARANCE, item, item.clearances.filter(clearance=item.clearance))
    return clearers(item) - cleared


def _differs(item: CommunicationItem, data: dict[str, Any]) -> set[str]:
    """The fields `data` would change, without changing them."""
    differs = {name for name in ITEM_FIELDS if name in data and getattr(item, name) != data[name]}
    if "named_participants" in data and {o.pk for o in data["named_participants"]} != set(
        item.named_participants.values_list("pk", flat=True)
    ):
        differs.add("named_participants")
    return differs


def _participant_ids(plan: Plan) -> set[int]:
    return set(plan.participants.values_list("organisation_id", flat=True))


def _check_parties(
    plan: Plan,
    spokesperson: Organisation,
    named: list[Organisation] | None,
    activity: Activity | None,
) -> None:
    taking_part = _participant_ids(plan)
    errors: dict[str, str] = {}
    if spokesperson.pk not in taking_part:
        errors["spokesperson"] = _("%(organisation)s does not take part in this plan.") % {
            "organisation": spokesperson
        }
    outside = [o.name for o in named or [] if o.pk not in taking_part]
    if outside:
        errors["named_participants"] = _(
            "Only participants of the plan can be named: %(organisations)s does not take part."
        ) % {"organisations": ", ".join(sorted(outside))}
    if activity is not None and activity.line_of_effort.plan_id != plan.pk:
        errors["activity"] = _("Choose an activity of this plan.")
    if errors:
        raise ValidationError(errors)


def _request_clearance(item: CommunicationItem, *, by: User) -> None:
    """Ask the approvers of each named participant to clear the current round."""
    waiting = sorted(awaiting_clearance(item))
    if not waiting:
        return
    notify(
        recipients=[OrganisationRole(org_id, Role.APPROVER) for org_id in waiting],
        kind="outreach.clearance_requested",
        text=format_lazy(
            gettext_lazy(
                "Clear a message of “{plan}” that names your work: “{title}” ({channel}, {date})."
            ),
            plan=item.plan.title,
            title=item.title,
            channel=_lower(Channel(item.channel).label),
            date=_day(item.planned_date),
        ),
        url=item.get_absolute_url(),
        event_key=CLEARANCE.requested_event.format(subject=item.pk, round=item.clearance),
        actor=by,
    )


def _settle(item: CommunicationItem) -> bool:
    """Planned or cleared, from the clearances of the current round; whether it moved."""
    if item.status not in OPEN:
        return False
    needed = clearers(item)
    status = (
        CommunicationStatus.CLEARED
        if needed and not awaiting_clearance(item)
        else CommunicationStatus.PLANNED
    )
    moved = status != item.status
    item.status = status
    return moved


@transaction.atomic
def communication_create(
    *,
    plan: Plan,
    by: User,
    title: str,
    audience: str,
    channel: str,
    key_message: str,
    planned_date: datetime.date,
    spokesperson: Organisation,
    named_participants: list[Organisation] | None = None,
    languages: str = "",
    activity: Activity | None = None,
    public: bool = False,
) -> CommunicationItem:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not can_add_item(by, plan):
        raise PermissionDenied(
            _("Only planners of the lead organisation add messages to this plan.")
        )
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it takes no more messages."))
    _check_parties(plan, spokesperson, named_participants, activity)
    item = CommunicationItem(
        plan=plan,
        title=title,
        audience=audience,
        channel=channel,
        key_message=key_message,
        planned_date=planned_date,
        spokesperson=spokesperson,
        languages=languages,
        activity=activity,
        public=public,
        created_by=by,
    )
    item.full_clean()
    item.save()
    item.named_participants.set(named_participants or [])
    grants_recompute(item)
    _request_clearance(item, by=by)
    return item


@transaction.atomic
def communication_update(
    *, item: CommunicationItem, by: User, version: int, data: dict[str, Any]
) -> CommunicationItem:
    """Change a message. Once a named participant decided on its wording, a change to what it
    says (or who says it, or whom it names) opens a new clearance round; a published message
    only moves on or off the public account."""
    item = _lock(item)
    if not can_change_item(by, item):
        raise PermissionDenied(_("Only planners of the lead organisation change this message."))
    check_version(item, version)
    if item.status == CommunicationStatus.CANCELLED:
        raise ValidationError(_("This message was cancelled: it can no longer be changed."))
    if item.status == CommunicationStatus.PUBLISHED and _differs(item, data) - {"public"}:
        raise ValidationError(
            _("This message is published: only whether it is public can still change.")
        )
    changed = changed_fields(item, ITEM_FIELDS, data)
    named_before = set(item.named_participants.values_list("pk", flat=True))
    named_after = (
        {o.pk for o in data["named_participants"]} if "named_participants" in data else named_before
    )
    if named_after != named_before:
        changed.add("named_participants")
    if not changed:
        return item
    _check_parties(
        item.plan,
        item.spokesperson,
        data.get("named_participants"),
        item.activity,
    )
    item.full_clean()
    if "named_participants" in changed:
        item.named_participants.set(data["named_participants"])
    new_round = bool(changed & MESSAGE_FIELDS) and item.status in OPEN
    if new_round and item.clearances.filter(clearance=item.clearance).exists():
        item.clearance += 1
    if item.status in OPEN:
        _settle(item)
    item.version += 1
    item.save()
    grants_recompute(item)
    if changed & MESSAGE_FIELDS and item.status in OPEN:
        _request_clearance(item, by=by)
    return item


def decisions_closed(item: CommunicationItem) -> str | None:
    if item.status in OPEN:
        return None
    return _("This message is %(status)s: it takes no more clearances.") % {
        "status": item.get_status_display().lower()
    }


@transaction.atomic
def communication_clear(
    *,
    item: CommunicationItem,
    by: User,
    clearance: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> CommunicationClearance:
    """A named participant's approver clears the wording they read, or refuses it with a
    reason. A round that is no longer current is refused as stale."""
    item = _lock(item)
    record: CommunicationClearance = decision_record(
        CLEARANCE,
        subject=item,
        by=by,
        round=clearance,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=decisions_closed(item),
    )
    if _settle(item):
        item.version += 1
        item.save(update_fields=["status", "version", "updated"])
    spokespeople = [
        OrganisationRole(item.plan.lead_organisation_id, Role.PLANNER),
        OrganisationRole(item.spokesperson_id, Role.PLANNER),
    ]
    if decision == ClearanceDecision.REFUSE:
        notify(
            recipients=spokespeople,
            kind="outreach.clearance_refused",
            text=format_lazy(
                gettext_lazy("{organisation} refuses “{title}”: {comment}"),
                organisation=record.organisation.name,
                title=item.title,
                comment=record.comment,
            ),
            url=item.get_absolute_url(),
            event_key=f"communication:{item.pk}:clearance:{item.clearance}:refused:{record.organisation_id}",
            actor=by,
        )
    elif item.status == CommunicationStatus.CLEARED:
        notify(
            recipients=spokespeople,
            kind="outreach.cleared",
            text=format_lazy(
                gettext_lazy("“{title}” is cleared by everyone it names: it may be published."),
                title=item.title,
            ),
            url=item.get_absolute_url(),
            event_key=f"communication:{item.pk}:clearance:{item.clearance}:cleared",
            actor=by,
        )
    return record


@transaction.atomic
def communication_publish(*, item: CommunicationItem, by: User, version: int) -> CommunicationItem:
    """The spokesperson's planners publish the version they read, once every named
    participant cleared its current wording."""
    item = _lock(item)
    if not can_publish_item(by, item):
        raise PermissionDenied(
            _("Only planners of the spokesperson (%(organisation)s) publish this message.")
            % {"organisation": item.spokesperson}
        )
    check_version(item, version)
    if item.status not in OPEN:
        raise ValidationError(
            _("This message is %(status)s: it cannot be published.")
            % {"status": item.get_status_display().lower()}
        )
    waiting = awaiting_clearance(item)
    if waiting:
        raise ValidationError(
            _(
                "Not cleared yet by %(organisations)s: every participant the message names "
                "clears it before it is published."
            )
            % {"organisations": _names(waiting)}
        )
    item.status = CommunicationStatus.PUBLISHED
    item.published_at = timezone.now()
    item.published_by = by
    item.version += 1
    item.save(update_fields=["status", "published_at", "published_by", "version", "updated"])
    return item


@transaction.atomic
def communication_cancel(*, item: CommunicationItem, by: User, version: int) -> CommunicationItem:
    item = _lock(item)
    if not can_change_item(by, item):
        raise PermissionDenied(_("Only planners of the lead organisation cancel this message."))
    check_version(item, version)
    if item.status not in OPEN:
        raise ValidationError(
            _("This message is %(status)s: it cannot be cancelled.")
            % {"status": item.get_status_display().lower()}
        )
    item.status = CommunicationStatus.CANCELLED
    item.version += 1
    item.save(update_fields=["status", "version", "updated"])
    return item


# --- perception ----------------------------------------------------------------------------


def _check_perception(measure: str, value: Decimal | None, sample_size: int | None) -> None:
    errors: dict[str, str] = {}
    if measure == Measure.PERCENT and value is not None and not (0 <= value <= 100):
        errors["value"] = _("A percentage lies between 0 and 100.")
    if sample_size is not None and sample_size < 1:
        errors["sample_size"] = _("At least one person was asked; leave it empty for feedback.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def perception_record(
    *,
    plan: Plan,
    by: User,
    indicator: Indicator,
    date: datetime.date,
    value: Decimal,
    area: str,
    source: str,
    measure: str = Measure.PERCENT,
    sample_size: int | None = None,
    public: bool = False,
    note: str = "",
) -> PerceptionReading:
    """Record a perception figure as a reading of an indicator of the plan's strategy (the
    strategy's service records it and warns on a crossing), with the survey's facts."""
    if not may(by, plan, "view_plan"):
        raise PermissionDenied(_("Only people of the plan's participants record its perception."))
    strategy = plan.strategy
    if strategy is None:
        raise ValidationError(
            {"indicator": _("This plan serves no strategy yet: its indicators come from one.")}
        )
    if not may_record_readings(by, strategy):
        raise PermissionDenied(
            _(
                "Only planners, analysts and field advisors of the strategy's partners "
                "record readings."
            )
        )
    if indicator.goal.strategy_id != strategy.pk:
        raise ValidationError({"indicator": _("Choose an indicator of the plan's strategy.")})
    _check_perception(measure, value, sample_size)
    reading = reading_record(indicator=indicator, by=by, date=date, value=value, note=note)
    perception = PerceptionReading(
        plan=plan,
        reading=reading,
        area=area,
        measure=measure,
        sample_size=sample_size,
        source=source,
        public=public,
    )
    perception.full_clean()
    perception.save()
    return perception


@transaction.atomic
def perception_update(
    *, perception: PerceptionReading, by: User, version: int, data: dict[str, Any]
) -> PerceptionReading:
    """Correct the survey's facts or move the figure on or off the public account; the value
    and date stay as recorded (the indicator's warning followed them)."""
    perception = (
        PerceptionReading.objects.select_for_update()
        .select_related("reading", "plan")
        .get(pk=perception.pk)
    )
    if not can_change_perception(by, perception):
        raise PermissionDenied(_("Only who recorded it and the plan's planners correct it."))
    check_version(perception, version)
    if not changed_fields(perception, PERCEPTION_FIELDS, data):
        return perception
    _check_perception(perception.measure, perception.reading.value, perception.sample_size)
    perception.full_clean()
    perception.version += 1
    perception.save()
    return perception
