"""Indicator readings and the early warning they raise, once per crossing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.formatting import quantity
from accounts.models import Role, User
from accounts.notifications import notify
from strategy.models import (
    Indicator,
    IndicatorReading,
    Strategy,
    StrategyStatus,
)
from strategy.permissions import may_record_readings
from strategy.services._common import _lock, partner_roles


def _evaluate_warning(indicator: Indicator, strategy: Strategy, *, by: User, event: str) -> None:
    """Warn partners when the latest reading crosses the threshold: once per crossing."""
    latest = indicator.readings.order_by("-date", "-id").first()
    crossed = latest is not None and indicator.is_past_threshold(latest.value)
    if crossed == indicator.in_warning:
        return
    indicator.in_warning = crossed
    Indicator.objects.filter(pk=indicator.pk).update(in_warning=crossed)
    if crossed:
        assert latest is not None  # noqa: S101 - crossed implies a reading
        if indicator.warning_direction == "above":
            sentence = gettext_lazy(
                "Early warning on “{strategy}”: {indicator} is {value}{unit}, above the threshold "
                "of {threshold}."
            )
        else:
            sentence = gettext_lazy(
                "Early warning on “{strategy}”: {indicator} is {value}{unit}, below the threshold "
                "of {threshold}."
            )
        notify(
            recipients=partner_roles(strategy, Role.PLANNER, Role.APPROVER),
            kind="strategy.indicator_warning",
            text=format_lazy(
                sentence,
                strategy=strategy.title,
                indicator=indicator.name,
                value=quantity(latest.value),
                unit=" " + indicator.unit if indicator.unit else "",
                threshold=quantity(indicator.warning_threshold),
            ),
            url=strategy.get_absolute_url(),
            event_key=f"indicator:{indicator.pk}:warning:{event}",
            actor=by,
        )


@transaction.atomic
def reading_record(
    *, indicator: Indicator, by: User, date: datetime.date, value: Decimal, note: str = ""
) -> IndicatorReading:
    strategy = _lock(indicator.goal.strategy)
    if not may_record_readings(by, strategy):
        raise PermissionDenied(
            _(
                "Only planners, analysts and field advisors of partner organisations "
                "record readings."
            )
        )
    if strategy.status == StrategyStatus.ARCHIVED:
        raise ValidationError(_("This strategy is archived: its indicators take no more readings."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("A reading cannot be in the future.")})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    reading = IndicatorReading(
        indicator=indicator, date=date, value=value, note=note, recorded_by=by
    )
    reading.full_clean()
    reading.save()
    _evaluate_warning(indicator, strategy, by=by, event=f"reading-{reading.pk}")
    return reading
