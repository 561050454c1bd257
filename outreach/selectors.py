"""Reads for communication items and perception readings: filtered by what the user may see
today, with the joins the pages and the API need."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts.authority import visible, visible_through
from accounts.decisions import DecisionState, decision_panel
from accounts.models import Organisation, User
from missions.models import Plan
from outreach.models import (
    Audience,
    CommunicationClearance,
    CommunicationItem,
    PerceptionReading,
)
from outreach.permissions import CLEARANCE
from strategy.models import Indicator, IndicatorReading


def visible_items(user: User) -> QuerySet[CommunicationItem]:
    return visible(CommunicationItem.objects.all(), user=user, codename="view_communicationitem")


def item_list(*, user: User) -> QuerySet[CommunicationItem]:
    """Visible items with their plan, spokesperson, named participants and clearances."""
    return (
        visible_items(user)
        .select_related("plan", "spokesperson", "activity")
        .prefetch_related(
            Prefetch("named_participants", queryset=Organisation.objects.order_by("name")),
            Prefetch(
                "clearances",
                queryset=CommunicationClearance.objects.select_related(
                    "organisation", "decided_by"
                ),
            ),
        )
    )


def clearance_panel(item: CommunicationItem) -> list[DecisionState]:
    """Each named participant (but the spokesperson) with its decision on the current round,
    from the prefetched rows."""
    deciders = [o for o in item.named_participants.all() if o.pk != item.spokesperson_id]
    return decision_panel(CLEARANCE, item, deciders, item.clearances.all())


def perception_list(*, user: User) -> QuerySet[PerceptionReading]:
    """Perception readings of the plans the user sees."""
    return visible_through(
        PerceptionReading.objects.all(), "plan", user=user, codename="view_plan"
    ).select_related("plan", "reading__indicator", "reading__recorded_by")


# --- the plan's Communication section --------------------------------------------------------


@dataclass
class Week:
    """One week of the agenda: its Monday and the items per audience (in audience order)."""

    monday: datetime.date
    cells: list[list[CommunicationItem]] = field(default_factory=list)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)


def audiences_of(items: list[CommunicationItem]) -> list[tuple[str, str]]:
    """The audiences the plan's messages go to, in the usual order: the calendar's columns
    (five narrow columns would not read at 768 px when two are used)."""
    used = {item.audience for item in items}
    return [(value, str(label)) for value, label in Audience.choices if value in used]


def agenda(items: list[CommunicationItem]) -> list[Week]:
    """The items by week (only weeks that have any) and audience (those used), dates in
    order."""
    weeks: dict[datetime.date, dict[str, list[CommunicationItem]]] = defaultdict(
        lambda: defaultdict(list)
    )
    columns = audiences_of(items)
    for item in sorted(items, key=lambda i: (i.planned_date, i.pk)):
        monday = item.planned_date - datetime.timedelta(days=item.planned_date.weekday())
        weeks[monday][item.audience].append(item)
    return [
        Week(monday=monday, cells=[weeks[monday][audience] for audience, _ in columns])
        for monday in sorted(weeks)
    ]


def plan_items(plan: Plan, *, user: User) -> list[CommunicationItem]:
    return list(
        item_list(user=user)
        .filter(plan=plan)
        .order_by("planned_date", "pk")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("named_participants", queryset=Organisation.objects.order_by("name"))
        )
    )


LATEST_READINGS = 8


def plan_perception(plan: Plan, *, user: User) -> list[PerceptionReading]:
    """The plan's latest perception readings, newest first."""
    return list(
        perception_list(user=user)
        .filter(plan=plan)
        .order_by("-reading__date", "-pk")[:LATEST_READINGS]
    )


def perception_indicators(plan: Plan) -> list[Indicator]:
    """The indicators of the plan's strategy that perception readings of the plan feed, with
    all their readings (oldest first) for the chart."""
    if plan.strategy_id is None:
        return []
    return list(
        Indicator.objects.filter(
            goal__strategy_id=plan.strategy_id, readings__perception__plan=plan
        )
        .distinct()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("readings", queryset=IndicatorReading.objects.order_by("date", "pk"))
        )
    )


def strategy_indicators(plan: Plan) -> QuerySet[Indicator]:
    """The indicators a perception reading of this plan may feed: its strategy's."""
    if plan.strategy_id is None:
        return Indicator.objects.none()
    return Indicator.objects.filter(goal__strategy_id=plan.strategy_id).order_by(
        "goal__order", "name", "pk"
    )
