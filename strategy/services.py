"""Every write to a strategy: one transaction each, permission checked inside.

Each service locks the strategy row first, so edits, endorsements and readings on one
strategy happen one after another and never decide on stale state.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.concurrency import check_version
from accounts.grants import grants_recompute, has_object_permission
from accounts.models import Membership, Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from accounts.selectors import organisations_where
from accounts.services import changed_fields, organisation_acting_for
from strategy.models import (
    ConflictDriver,
    Decision,
    Endorsement,
    GlossaryStatus,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    PlanningProcess,
    Strategy,
    StrategyEdition,
    StrategyPartner,
    StrategyStatus,
)
from strategy.permissions import partner_ids

STRATEGY_FIELDS = ("title", "theatre", "summary", "approach", "processes")
GOAL_FIELDS = ("title", "description", "order")
DRIVER_FIELDS = ("title", "description", "kind", "order")
INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline",
    "target",
    "warning_threshold",
    "warning_direction",
)


# --- helpers ------------------------------------------------------------------------------------


def _lock(strategy: Strategy) -> Strategy:
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def _status(strategy: Strategy) -> str:
    return strategy.get_status_display().lower()


def _require_editor(strategy: Strategy, by: User) -> None:
    if not has_object_permission(by, strategy, "change_strategy"):
        raise PermissionDenied("Only planners of the lead organisation can change this strategy.")
    if not strategy.is_editable:
        raise ValidationError(f"This strategy is {_status(strategy)}: it can no longer be changed.")


def partner_roles(strategy: Strategy, *roles: str) -> list[OrganisationRole]:
    return [
        OrganisationRole(org_id, role) for org_id in sorted(partner_ids(strategy)) for role in roles
    ]


def _validate_processes(processes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(processes))
    unknown = [p for p in chosen if p not in PlanningProcess.values]
    if unknown:
        raise ValidationError({"processes": f"Unknown planning process: {', '.join(unknown)}."})
    return chosen


def _set_partners(strategy: Strategy, organisations: Iterable[Organisation]) -> bool:
    """Make the partners these organisations plus the lead; returns whether they changed."""
    wanted = {o.pk for o in organisations} | {strategy.lead_organisation_id}
    current = set(strategy.partnerships.values_list("organisation_id", flat=True))
    if wanted == current:
        return False
    strategy.partnerships.exclude(organisation_id__in=wanted).delete()
    StrategyPartner.objects.bulk_create(
        [StrategyPartner(strategy=strategy, organisation_id=o) for o in sorted(wanted - current)]
    )
    grants_recompute(strategy)
    return True


def _request_endorsements(strategy: Strategy) -> None:
    notify(
        recipients=partner_roles(strategy, Role.APPROVER),
        kind="strategy.endorsement_requested",
        text=f"Please endorse “{strategy.title}” (edition {strategy.edition}) for your organisation.",  # noqa: E501
        url=strategy.get_absolute_url(),
        event_key=f"strategy:{strategy.pk}:edition:{strategy.edition}:endorsement-requested",
    )


def _content_changed(strategy: Strategy, *, reason: str) -> None:
    """Goals, drivers, indicators or partners changed. Once partners have been asked to
    endorse, that makes a new edition for them to endorse; earlier endorsements stay on
    record but no longer count."""
    if strategy.status in (StrategyStatus.CONSULTATION, StrategyStatus.AGREED):
        strategy.edition += 1
        strategy.status = StrategyStatus.CONSULTATION
        strategy.version += 1
        strategy.save(update_fields=["edition", "status", "version", "updated"])
        StrategyEdition.objects.create(strategy=strategy, number=strategy.edition, reason=reason)
        _request_endorsements(strategy)


# --- strategies ---------------------------------------------------------------------------------


def lead_organisations_for(user: User) -> list[Organisation]:
    """Organisations the user may lead a strategy for: where they are a planner today."""
    return list(organisations_where(user=user, role=Role.PLANNER))


@transaction.atomic
def strategy_create(
    *,
    by: User,
    title: str,
    theatre: str,
    approach: str,
    lead_organisation: Organisation,
    partners: Iterable[Organisation] = (),
    summary: str = "",
    processes: Iterable[str] = (),
    predecessor: Strategy | None = None,
) -> Strategy:
    if lead_organisation not in lead_organisations_for(by):
        raise ValidationError(
            {
                "lead_organisation": (
                    "You can only lead a strategy for an organisation where you are a planner."
                )
            }
        )
    if predecessor is not None:
        predecessor = _lock(predecessor)
        if predecessor.lead_organisation_id != lead_organisation.pk:
            raise ValidationError(
                {"predecessor": "A strategy can only supersede one with the same lead."}
            )
        if predecessor.status != StrategyStatus.AGREED:
            raise ValidationError({"predecessor": "Only an agreed strategy can be superseded."})
        if hasattr(predecessor, "successor"):
            raise ValidationError({"predecessor": "This strategy already has a successor."})
    strategy = Strategy(
        title=title,
        theatre=theatre,
        summary=summary,
        approach=approach,
        processes=_validate_processes(processes),
        lead_organisation=lead_organisation,
        predecessor=predecessor,
        created_by=by,
    )
    strategy.full_clean()
    strategy.save()
    StrategyPartner.objects.create(strategy=strategy, organisation=lead_organisation)
    _set_partners(strategy, partners)
    grants_recompute(strategy)
    return strategy


@transaction.atomic
def strategy_update(
    *, strategy: Strategy, by: User, version: int, data: dict[str, Any]
) -> Strategy:
    strategy = _lock(strategy)
    _require_editor(strategy, by)
    check_version(strategy, version)
    for field in STRATEGY_FIELDS:
        if field in data:
            value = _validate_processes(data[field]) if field == "processes" else data[field]
            setattr(strategy, field, value)
    strategy.full_clean()
    strategy.version += 1
    strategy.save()
    if "partners" in data and _set_partners(strategy, data["partners"]):
        _content_changed(strategy, reason="Partners changed")
    return strategy


@transaction.atomic
def strategy_submit(*, strategy: Strategy, by: User) -> Strategy:
    strategy = _lock(strategy)
    if not has_object_permission(by, strategy, "change_strategy"):
        raise PermissionDenied("Only planners of the lead organisation can submit this strategy.")
    if strategy.status != StrategyStatus.DRAFT:
        raise ValidationError(
            f"Only a draft can be submitted; this strategy is {_status(strategy)}."
        )
    if not strategy.goals.exists():
        raise ValidationError("Add at least one common goal before asking partners to endorse.")
    strategy.status = StrategyStatus.CONSULTATION
    strategy.version += 1
    strategy.save(update_fields=["status", "version", "updated"])
    StrategyEdition.objects.create(
        strategy=strategy, number=strategy.edition, reason="Submitted to the partners"
    )
    _request_endorsements(strategy)
    return strategy


def _endorsing_organisation(strategy: Strategy, by: User, organisation: Organisation | None) -> int:
    return organisation_acting_for(
        user=by,
        role=Role.APPROVER,
        among=partner_ids(strategy),
        chosen=organisation,
        refused="Only an approver of a partner organisation can endorse this strategy.",
        refused_for="You are not an approver of {organisation} for this strategy.",
        ambiguous="You approve for several partners: say which one.",
    )


@transaction.atomic
def strategy_endorse(
    *,
    strategy: Strategy,
    by: User,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> Endorsement:
    """An approver records their organisation's decision on the current edition.

    A rejection needs a reason and tells the lead's planners; the last endorsement makes
    the strategy agreed (and supersedes its predecessor).
    """
    strategy = _lock(strategy)
    organisation_id = _endorsing_organisation(strategy, by, organisation)
    if strategy.status != StrategyStatus.CONSULTATION:
        raise ValidationError(
            f"Endorsements are given in consultation; this strategy is {_status(strategy)}."
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose endorse or reject."})
    if decision == Decision.REJECT and not comment.strip():
        raise ValidationError({"comment": "Say why, so the lead organisation can address it."})
    endorsement, _ = Endorsement.objects.update_or_create(
        strategy=strategy,
        organisation_id=organisation_id,
        edition=strategy.edition,
        defaults={
            "decision": decision,
            "comment": comment.strip(),
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    if decision == Decision.REJECT:
        notify(
            recipients=[OrganisationRole(strategy.lead_organisation_id, Role.PLANNER)],
            kind="strategy.rejected",
            text=f"{endorsement.organisation} rejected “{strategy.title}”: {endorsement.comment}",
            url=strategy.get_absolute_url(),
            event_key=(
                f"strategy:{strategy.pk}:edition:{strategy.edition}:rejected:{organisation_id}:"
                f"{endorsement.decided_at.timestamp()}"
            ),
        )
    else:
        _agree_if_everyone_endorsed(strategy)
    return endorsement


def _agree_if_everyone_endorsed(strategy: Strategy) -> None:
    endorsed = set(
        strategy.endorsements.filter(
            edition=strategy.edition, decision=Decision.ENDORSE
        ).values_list("organisation_id", flat=True)
    )
    if not partner_ids(strategy) <= endorsed:
        return
    strategy.status = StrategyStatus.AGREED
    strategy.version += 1
    strategy.save(update_fields=["status", "version", "updated"])
    StrategyEdition.objects.filter(strategy=strategy, number=strategy.edition).update(
        agreed_at=timezone.now()
    )
    if strategy.predecessor_id:
        predecessor = Strategy.objects.select_for_update().get(pk=strategy.predecessor_id)
        # Only the agreed strategy it was meant to replace gives way; one archived or back in
        # consultation meanwhile keeps its own status.
        if predecessor.status == StrategyStatus.AGREED:
            predecessor.status = StrategyStatus.SUPERSEDED
            predecessor.version += 1
            predecessor.save(update_fields=["status", "version", "updated"])
    notify(
        recipients=partner_roles(strategy, Role.PLANNER, Role.APPROVER),
        kind="strategy.agreed",
        text=f"“{strategy.title}” is agreed by every partner (edition {strategy.edition}).",
        url=strategy.get_absolute_url(),
        event_key=f"strategy:{strategy.pk}:edition:{strategy.edition}:agreed",
    )


@transaction.atomic
def strategy_archive(*, strategy: Strategy, by: User) -> Strategy:
    strategy = _lock(strategy)
    if not has_object_permission(by, strategy, "change_strategy"):
        raise PermissionDenied("Only planners of the lead organisation can archive this strategy.")
    if strategy.status == StrategyStatus.ARCHIVED:
        raise ValidationError("This strategy is already archived.")
    strategy.status = StrategyStatus.ARCHIVED
    strategy.version += 1
    strategy.save(update_fields=["status", "version", "updated"])
    return strategy


# --- drivers, goals, indicators -----------------------------------------------------------------


def _drivers_of(strategy: Strategy, drivers: Iterable[ConflictDriver]) -> list[ConflictDriver]:
    drivers = list(drivers)
    if any(d.strategy_id != strategy.pk for d in drivers):
        raise ValidationError({"drivers": "A goal can only address drivers of its own strategy."})
    return drivers


@transaction.atomic
def driver_create(*, strategy: Strategy, by: User, data: dict[str, Any]) -> ConflictDriver:
    strategy = _lock(strategy)
    _require_editor(strategy, by)
    driver = ConflictDriver(strategy=strategy)
    changed_fields(driver, DRIVER_FIELDS, data)
    driver.full_clean()
    driver.save()
    _content_changed(strategy, reason=f"Conflict driver added: {driver.title}")
    return driver


@transaction.atomic
def driver_update(
    *, driver: ConflictDriver, by: User, version: int, data: dict[str, Any]
) -> ConflictDriver:
    strategy = _lock(driver.strategy)
    _require_editor(strategy, by)
    driver = ConflictDriver.objects.select_for_update().get(pk=driver.pk)
    check_version(driver, version)
    if not changed_fields(driver, DRIVER_FIELDS, data):
        return driver  # an unchanged save must not ask every partner to endorse again
    driver.full_clean()
    driver.version += 1
    driver.save()
    _content_changed(strategy, reason=f"Conflict driver changed: {driver.title}")
    return driver


@transaction.atomic
def driver_delete(*, driver: ConflictDriver, by: User) -> None:
    strategy = _lock(driver.strategy)
    _require_editor(strategy, by)
    title = driver.title
    driver.delete()
    _content_changed(strategy, reason=f"Conflict driver removed: {title}")


@transaction.atomic
def goal_create(*, strategy: Strategy, by: User, data: dict[str, Any]) -> Goal:
    strategy = _lock(strategy)
    _require_editor(strategy, by)
    goal = Goal(strategy=strategy)
    changed_fields(goal, GOAL_FIELDS, data)
    if "order" not in data:
        last = strategy.goals.order_by("-order").values_list("order", flat=True).first()
        goal.order = (last or 0) + 1
    goal.full_clean()
    goal.save()
    goal.drivers.set(_drivers_of(strategy, data.get("drivers", [])))
    _content_changed(strategy, reason=f"Goal added: {goal.title}")
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, by: User, version: int, data: dict[str, Any]) -> Goal:
    strategy = _lock(goal.strategy)
    _require_editor(strategy, by)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    check_version(goal, version)
    changed = bool(changed_fields(goal, GOAL_FIELDS, data))
    if "drivers" in data:
        drivers = _drivers_of(strategy, data["drivers"])
        if {d.pk for d in drivers} != set(goal.drivers.values_list("pk", flat=True)):
            goal.drivers.set(drivers)
            changed = True
    if not changed:
        return goal  # an unchanged save must not ask every partner to endorse again
    goal.full_clean()
    goal.version += 1
    goal.save()
    _content_changed(strategy, reason=f"Goal changed: {goal.title}")
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by: User) -> None:
    strategy = _lock(goal.strategy)
    _require_editor(strategy, by)
    title = goal.title
    goal.delete()
    _content_changed(strategy, reason=f"Goal removed: {title}")


@transaction.atomic
def indicator_create(*, goal: Goal, by: User, data: dict[str, Any]) -> Indicator:
    strategy = _lock(goal.strategy)
    _require_editor(strategy, by)
    indicator = Indicator(goal=goal)
    changed_fields(indicator, INDICATOR_FIELDS, data)
    indicator.full_clean()
    indicator.save()
    _content_changed(strategy, reason=f"Indicator added: {indicator.name}")
    return indicator


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, by: User, version: int, data: dict[str, Any]
) -> Indicator:
    strategy = _lock(indicator.goal.strategy)
    _require_editor(strategy, by)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    check_version(indicator, version)
    if not changed_fields(indicator, INDICATOR_FIELDS, data):
        return indicator  # an unchanged save must not ask every partner to endorse again
    indicator.full_clean()
    indicator.version += 1
    indicator.save()
    _evaluate_warning(indicator, strategy, event=f"threshold-v{indicator.version}")
    _content_changed(strategy, reason=f"Indicator changed: {indicator.name}")
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: User) -> None:
    strategy = _lock(indicator.goal.strategy)
    _require_editor(strategy, by)
    name = indicator.name
    indicator.delete()
    _content_changed(strategy, reason=f"Indicator removed: {name}")


# --- readings and early warning -----------------------------------------------------------------


def _evaluate_warning(indicator: Indicator, strategy: Strategy, *, event: str) -> None:
    """Warn partners when the latest reading crosses the threshold: once per crossing."""
    latest = indicator.readings.order_by("-date", "-id").first()
    crossed = latest is not None and indicator.is_past_threshold(latest.value)
    if crossed == indicator.in_warning:
        return
    indicator.in_warning = crossed
    Indicator.objects.filter(pk=indicator.pk).update(in_warning=crossed)
    if crossed:
        assert latest is not None  # noqa: S101 - crossed implies a reading
        side = "above" if indicator.warning_direction == "above" else "below"
        notify(
            recipients=partner_roles(strategy, Role.PLANNER, Role.APPROVER),
            kind="strategy.indicator_warning",
            text=(
                f"Early warning on “{strategy.title}”: {indicator.name} is {latest.value}"
                f"{' ' + indicator.unit if indicator.unit else ''}, {side} the threshold "
                f"of {indicator.warning_threshold}."
            ),
            url=strategy.get_absolute_url(),
            event_key=f"indicator:{indicator.pk}:warning:{event}",
        )


@transaction.atomic
def reading_record(
    *, indicator: Indicator, by: User, date: datetime.date, value: Decimal, note: str = ""
) -> IndicatorReading:
    strategy = _lock(indicator.goal.strategy)
    if not has_object_permission(by, strategy, "record_reading"):
        raise PermissionDenied(
            "Only planners, analysts and field advisors of partner organisations record readings."
        )
    if strategy.status == StrategyStatus.ARCHIVED:
        raise ValidationError("This strategy is archived: its indicators take no more readings.")
    if date > timezone.localdate():
        raise ValidationError({"date": "A reading cannot be in the future."})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    reading = IndicatorReading(
        indicator=indicator, date=date, value=value, note=note, recorded_by=by
    )
    reading.full_clean()
    reading.save()
    _evaluate_warning(indicator, strategy, event=f"reading-{reading.pk}")
    return reading


# --- glossary -----------------------------------------------------------------------------------

GLOSSARY_FIELDS = (
    "term",
    "definition",
    "un_impp",
    "nato_cpa",
    "eu_integrated",
    "whole_of_government",
)


def can_propose_terms(user: User) -> bool:
    return (
        user.is_staff
        or Membership.objects.valid_on(timezone.localdate())
        .filter(user=user, role=Role.PLANNER)
        .exists()
    )


@transaction.atomic
def glossary_term_propose(*, by: User, data: dict[str, Any]) -> GlossaryTerm:
    if not can_propose_terms(by):
        raise PermissionDenied("Planners propose glossary terms; administrators curate them.")
    term = GlossaryTerm(proposed_by=by, status=GlossaryStatus.PROPOSED)
    changed_fields(term, GLOSSARY_FIELDS, data)
    term.full_clean()
    term.save()
    return term
