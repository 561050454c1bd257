"""Reads for strategies: querysets filtered by what the user may see, with what pages need."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, OuterRef, Prefetch, Q, QuerySet

from accounts.authority import visible, visible_through
from accounts.decisions import DecisionState, decision_panel
from accounts.models import User
from accounts.subqueries import subquery_count
from strategy.models import (
    ConflictDriver,
    Decision,
    Endorsement,
    GlossaryStatus,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    Strategy,
    StrategyPartner,
)
from strategy.permissions import ENDORSEMENT, can_curate_glossary

M = TypeVar("M", bound=Model)


def strategy_list(*, user: User) -> QuerySet[Strategy]:
    """Strategies the user may see (members of partner organisations), ready for a list: how
    far the endorsement of the current edition got is counted in SQL (`partner_count`,
    `endorsed_count`, `rejected_count`); the partners and their decisions are prefetched
    for the pages' panels."""
    partners = StrategyPartner.objects.filter(strategy=OuterRef("pk"))
    current = Endorsement.objects.filter(
        strategy=OuterRef("pk"),
        edition=OuterRef("edition"),
        organisation__in=StrategyPartner.objects.filter(strategy=OuterRef(OuterRef("pk"))).values(
            "organisation"
        ),
    )
    return (
        visible(Strategy.objects.all(), user=user, codename="view_strategy")
        .annotate(
            partner_count=subquery_count(partners),
            endorsed_count=subquery_count(current.filter(decision=Decision.ENDORSE)),
            rejected_count=subquery_count(current.filter(decision=Decision.REJECT)),
        )
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=StrategyPartner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.select_related("decided_by", "organisation"),
            ),
        )
    )


def strategy_detail(*, user: User) -> QuerySet[Strategy]:
    """As `strategy_list`, plus everything the strategy page shows."""
    return (
        strategy_list(user=user)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.prefetch_related(
                    "drivers",
                    Prefetch(
                        "indicators",
                        queryset=Indicator.objects.prefetch_related(
                            Prefetch(
                                "readings", queryset=IndicatorReading.objects.order_by("date", "id")
                            )
                        ),
                    ),
                ),
            ),
            Prefetch("drivers", queryset=ConflictDriver.objects.prefetch_related("goals")),
            "editions",
        )
        .select_related("predecessor")
    )


def visible_strategies(user: User) -> QuerySet[Strategy]:
    return visible(Strategy.objects.all(), user=user, codename="view_strategy")


def _of_visible_strategies(parts: QuerySet[M], strategy: str, user: User) -> QuerySet[M]:
    return visible_through(parts, strategy, user=user, codename="view_strategy")


def goal_list(*, user: User) -> QuerySet[Goal]:
    return (
        _of_visible_strategies(Goal.objects.all(), "strategy", user)
        .select_related("strategy")
        .prefetch_related("drivers")
    )


def driver_list(*, user: User) -> QuerySet[ConflictDriver]:
    return _of_visible_strategies(ConflictDriver.objects.all(), "strategy", user).select_related(
        "strategy"
    )


def indicator_list(*, user: User) -> QuerySet[Indicator]:
    return _of_visible_strategies(Indicator.objects.all(), "goal__strategy", user).select_related(
        "goal__strategy"
    )


def glossary_list(*, user: User) -> QuerySet[GlossaryTerm]:
    """Approved terms for everyone signed in; every proposal (and what became of it) for
    curators, and for superusers, who see everything for support; their own proposals,
    whatever their outcome, for everyone else."""
    terms = GlossaryTerm.objects.select_related("merged_into")
    if not user.is_authenticated:
        return terms.none()
    if user.is_superuser or can_curate_glossary(user):
        return terms
    return terms.filter(Q(status=GlossaryStatus.APPROVED) | Q(proposed_by=user))


def glossary_proposals(*, user: User) -> QuerySet[GlossaryTerm]:
    """Proposals waiting for a decision, oldest first, for curators; none for anyone else."""
    if not can_curate_glossary(user):
        return GlossaryTerm.objects.none()
    return (
        GlossaryTerm.objects.filter(status=GlossaryStatus.PROPOSED)
        .select_related("proposed_by")
        .order_by("created", "pk")
    )


def endorsement_panel(strategy: Strategy) -> list[DecisionState]:
    """Each partner with its decision on the current edition (uses the prefetched rows)."""
    return decision_panel(
        ENDORSEMENT,
        strategy,
        [p.organisation for p in strategy.partnerships.all()],
        strategy.endorsements.all(),
    )


def unaddressed_drivers(strategy: Strategy) -> list[ConflictDriver]:
    return [driver for driver in strategy.drivers.all() if not driver.goals.all()]


def endorsement_history(strategy: Strategy) -> list[dict[str, Any]]:
    """Every edition, newest first, with the decisions given on it."""
    decisions: dict[int, list[Endorsement]] = {}
    for endorsement in strategy.endorsements.all():
        decisions.setdefault(endorsement.edition, []).append(endorsement)
    return [
        {"edition": edition, "decisions": decisions.get(edition.number, [])}
        for edition in strategy.editions.all()
    ]
