"""What waits for a person in the strategies: endorsements, rejections to answer, and
indicators in warning (see `accounts.work`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import visible
from accounts.decisions import awaiting_decision
from accounts.models import Membership, User
from accounts.work import WorkItem, register_work, start_of
from strategy.models import (
    Decision,
    Endorsement,
    Indicator,
    Strategy,
    StrategyEdition,
    StrategyPartner,
    StrategyStatus,
)
from strategy.permissions import ENDORSEMENT


def _show_endorsement(strategy: Any) -> WorkItem:
    return WorkItem(
        kind="strategy_endorsement",
        title=_("Endorse “%(strategy)s”") % {"strategy": strategy.title},
        detail=_("Edition %(edition)s, led by %(organisation)s")
        % {"edition": strategy.edition, "organisation": strategy.lead_organisation.name},
        url=reverse("strategy-endorse", args=[strategy.pk]),
        since=strategy.waiting_since,
    )


@register_work(section="decide", kind="strategy_endorsement", show=_show_endorsement)
def strategies_to_endorse(user: User) -> QuerySet[Strategy]:
    edition_started = StrategyEdition.objects.filter(
        strategy=OuterRef("pk"), number=OuterRef("edition")
    )
    in_consultation = Strategy.objects.filter(status=StrategyStatus.CONSULTATION)
    return (
        awaiting_decision(ENDORSEMENT, in_consultation, user=user)
        .select_related("lead_organisation")
        .annotate(
            waiting_since=Coalesce(Subquery(edition_started.values("started_at")[:1]), F("updated"))
        )
        .order_by("waiting_since", "pk")
    )


def _show_rejected(strategy: Any) -> WorkItem:
    return WorkItem(
        kind="strategy_rejected",
        title=_("Answer the rejection of “%(strategy)s”") % {"strategy": strategy.title},
        detail=_("%(organisation)s rejected edition %(edition)s: %(reason)s")
        % {
            "organisation": strategy.rejected_by,
            "edition": strategy.edition,
            "reason": strategy.rejected_because,
        },
        url=f"{strategy.get_absolute_url()}#endorsement",
        since=strategy.rejected_at,
    )


@register_work(section="returned", kind="strategy_rejected", show=_show_rejected)
def strategies_rejected(user: User) -> QuerySet[Strategy]:
    """Strategies a partner rejected in their current edition, for the lead's planners: a
    change makes a new edition for the partners to decide on."""
    rejections = Endorsement.objects.filter(
        strategy=OuterRef("pk"), edition=OuterRef("edition"), decision=Decision.REJECT
    ).order_by("-decided_at")
    in_consultation = Strategy.objects.filter(
        Exists(rejections), status=StrategyStatus.CONSULTATION
    )
    return (
        visible(in_consultation, user=user, codename="change_strategy")
        .annotate(
            rejected_at=Subquery(rejections.values("decided_at")[:1]),
            rejected_by=Subquery(rejections.values("organisation__name")[:1]),
            rejected_because=Subquery(rejections.values("comment")[:1]),
        )
        .order_by("rejected_at", "pk")
    )


def _show_indicator(indicator: Any) -> WorkItem:
    strategy = indicator.goal.strategy
    unit = f" {indicator.unit}" if indicator.unit else ""
    return WorkItem(
        kind="indicator_warning",
        title=_("%(indicator)s, in “%(strategy)s”")
        % {"indicator": indicator.name, "strategy": strategy.title},
        detail=_("Past its warning threshold of %(threshold)s%(unit)s")
        % {"threshold": f"{indicator.warning_threshold.normalize():f}", "unit": unit},
        url=f"{strategy.get_absolute_url()}#indicator-{indicator.pk}",
        since=start_of(indicator.waiting_since) if indicator.waiting_since else strategy.updated,
    )


@register_work(section="indicators", kind="indicator_warning", show=_show_indicator)
def indicators_in_warning(user: User) -> QuerySet[Indicator]:
    """Indicators in warning on the agreed or consulted strategies the person's organisations
    lead or partner in (what a superuser may see is not what they take part in)."""
    organisations = (
        Membership.objects.valid_on(timezone.localdate())
        .filter(user_id=user.pk)
        .values("organisation_id")
    )
    partner = StrategyPartner.objects.filter(
        strategy=OuterRef("goal__strategy"), organisation__in=organisations
    )
    strategies = visible(
        Strategy.objects.filter(status__in=[StrategyStatus.CONSULTATION, StrategyStatus.AGREED]),
        user=user,
        codename="view_strategy",
    )
    return (
        Indicator.objects.filter(
            Q(Exists(partner)) | Q(goal__strategy__lead_organisation__in=organisations),
            in_warning=True,
            goal__strategy__in=strategies,
        )
        .select_related("goal__strategy")
        .annotate(waiting_since=Max("readings__date"))
        .order_by("waiting_since", "pk")
    )
