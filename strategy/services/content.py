"""The content partners endorse: conflict drivers, goals and indicators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.concurrency import check_version
from accounts.models import User
from accounts.services import changed_fields
from strategy.models import (
    ConflictDriver,
    Goal,
    Indicator,
    Strategy,
    edition_reason,
)
from strategy.services._common import (
    DRIVER_FIELDS,
    GOAL_FIELDS,
    INDICATOR_FIELDS,
    _content_changed,
    _lock,
    _require_editor,
)
from strategy.services.readings import _evaluate_warning


def _drivers_of(strategy: Strategy, drivers: Iterable[ConflictDriver]) -> list[ConflictDriver]:
    drivers = list(drivers)
    if any(d.strategy_id != strategy.pk for d in drivers):
        raise ValidationError(
            {"drivers": _("A goal can only address drivers of its own strategy.")}
        )
    return drivers


@transaction.atomic
def driver_create(*, strategy: Strategy, by: User, data: dict[str, Any]) -> ConflictDriver:
    strategy = _lock(strategy)
    _require_editor(strategy, by)
    driver = ConflictDriver(strategy=strategy)
    changed_fields(driver, DRIVER_FIELDS, data)
    driver.full_clean()
    driver.save()
    _content_changed(strategy, by=by, reason=edition_reason("driver_added", driver.title))
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
    _content_changed(strategy, by=by, reason=edition_reason("driver_changed", driver.title))
    return driver


@transaction.atomic
def driver_delete(*, driver: ConflictDriver, by: User) -> None:
    strategy = _lock(driver.strategy)
    _require_editor(strategy, by)
    title = driver.title
    driver.delete()
    _content_changed(strategy, by=by, reason=edition_reason("driver_removed", title))


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
    _content_changed(strategy, by=by, reason=edition_reason("goal_added", goal.title))
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
    _content_changed(strategy, by=by, reason=edition_reason("goal_changed", goal.title))
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by: User) -> None:
    strategy = _lock(goal.strategy)
    _require_editor(strategy, by)
    title = goal.title
    goal.delete()
    _content_changed(strategy, by=by, reason=edition_reason("goal_removed", title))


@transaction.atomic
def indicator_create(*, goal: Goal, by: User, data: dict[str, Any]) -> Indicator:
    strategy = _lock(goal.strategy)
    _require_editor(strategy, by)
    indicator = Indicator(goal=goal)
    changed_fields(indicator, INDICATOR_FIELDS, data)
    indicator.full_clean()
    indicator.save()
    _content_changed(strategy, by=by, reason=edition_reason("indicator_added", indicator.name))
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
    _evaluate_warning(indicator, strategy, by=by, event=f"threshold-v{indicator.version}")
    _content_changed(strategy, by=by, reason=edition_reason("indicator_changed", indicator.name))
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: User) -> None:
    strategy = _lock(indicator.goal.strategy)
    _require_editor(strategy, by)
    name = indicator.name
    indicator.delete()
    _content_changed(strategy, by=by, reason=edition_reason("indicator_removed", name))
