"""Chasing approvers whose endorsement has been pending too long."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils.text import format_lazy
from django.utils.translation import ngettext_lazy

from accounts.models import Role
from accounts.notifications import OrganisationRole, Reminder, register_reminder
from strategy.models import Strategy, StrategyEdition, StrategyPartner, StrategyStatus


@register_reminder("strategy_endorsement")
def pending_endorsements(now: datetime.datetime) -> Iterator[Reminder]:
    waited_since = now - timedelta(days=settings.STRATEGY_ENDORSEMENT_REMINDER_DAYS)
    strategies = Strategy.objects.filter(status=StrategyStatus.CONSULTATION).prefetch_related(
        Prefetch("editions", queryset=StrategyEdition.objects.order_by("-number")),
        Prefetch("partnerships", queryset=StrategyPartner.objects.select_related("organisation")),
        "endorsements",
    )
    for strategy in strategies:
        edition = next((e for e in strategy.editions.all() if e.number == strategy.edition), None)
        if edition is None or edition.started_at > waited_since:
            continue
        decided = {
            e.organisation_id for e in strategy.endorsements.all() if e.edition == strategy.edition
        }
        days = (now - edition.started_at).days
        for partnership in strategy.partnerships.all():
            if partnership.organisation_id in decided:
                continue
            yield Reminder(
                recipients=[OrganisationRole(partnership.organisation_id, Role.APPROVER)],
                text=format_lazy(
                    ngettext_lazy(
                        "“{strategy}” has waited {days} day for {organisation}'s endorsement.",
                        "“{strategy}” has waited {days} days for {organisation}'s endorsement.",
                        days,
                    ),
                    strategy=strategy.title,
                    days=days,
                    organisation=partnership.organisation,
                ),
                url=strategy.get_absolute_url(),
                item_key=f"strategy:{strategy.pk}:edition:{strategy.edition}:{partnership.organisation_id}",
            )
