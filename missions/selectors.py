"""Reads for plans: querysets filtered by what the user may see, with what pages need."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.db.models import (
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.query import ModelIterable

from accounts.authority import sees, visible, visible_through
from accounts.decisions import DecisionState, decision_panel
from accounts.models import Organisation, OrganisationKind, User
from accounts.subqueries import subquery_count
from missions.models import (
    Activity,
    ActorType,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Participant,
    ParticipantRole,
    Plan,
    Review,
    ReviewDecision,
)
from missions.permissions import REVIEW
from secondments.models import Post
from strategy.models import Goal, Strategy
from strategy.selectors import visible_strategies

CIVILIAN_STAKEHOLDER_KINDS = [
    OrganisationKind.POLICE,
    OrganisationKind.JUSTICE,
    OrganisationKind.NGO,
    OrganisationKind.INTERNATIONAL_ORGANISATION,
]


M = TypeVar("M", bound=Model)


def visible_plans(user: User) -> QuerySet[Plan]:
    return visible(Plan.objects.all(), user=user, codename="view_plan")


def _of_visible_plans(parts: QuerySet[M], plan: str, user: User) -> QuerySet[M]:
    return visible_through(parts, plan, user=user, codename="view_plan")


class _PlansWithSharedStrategyOnly(ModelIterable):
    """Participants of a plan are not always partners of its strategy: for them the plan
    comes without its strategy (`strategy` is None, `strategy_hidden` True), so no page,
    serializer or report can show what the strategy is."""

    def __iter__(self) -> Iterator[Any]:
        for plan in super().__iter__():
            plan.strategy_hidden = bool(plan.strategy_id and not plan.strategy_shared)
            if plan.strategy_hidden:
                plan.strategy = None
            yield plan


@cache
def _plans_with_review_counts() -> QuerySet[Plan]:
    """Plans with how far the review of their current submission got, counted in SQL.
    Built once: resolving these subqueries costs more than running them for a page."""
    contributors = Participant.objects.filter(plan=OuterRef("pk"), role=ParticipantRole.CONTRIBUTOR)
    current_reviews = Review.objects.filter(
        plan=OuterRef("pk"),
        submission=OuterRef("submission"),
        organisation__in=Participant.objects.filter(
            plan=OuterRef(OuterRef("pk")), role=ParticipantRole.CONTRIBUTOR
        ).values("organisation"),
    )
    return Plan.objects.annotate(
        contributor_count=subquery_count(contributors),
        approved_count=subquery_count(current_reviews.filter(decision=ReviewDecision.APPROVE)),
        changes_requested_count=subquery_count(
            current_reviews.filter(decision=ReviewDecision.REQUEST_CHANGES)
        ),
    )


def plan_list(*, user: User) -> QuerySet[Plan]:
    """Visible plans, each with its strategy only where the user may see that strategy, and
    how far the review of its current submission got (`contributor_count`, `approved_count`,
    `changes_requested_count`)."""
    plans = (
        visible(_plans_with_review_counts().all(), user=user, codename="view_plan")
        .annotate(
            strategy_shared=sees("strategy_id", Strategy, user=user, codename="view_strategy")
        )
        .select_related("lead_organisation", "strategy")
    )
    plans._iterable_class = _PlansWithSharedStrategyOnly
    return plans


PLAN_REVIEWS = (
    Prefetch("participants", queryset=Participant.objects.select_related("organisation")),
    Prefetch("reviews", queryset=Review.objects.select_related("organisation", "decided_by")),
)
"""What a review panel reads: the participants (contributors review) and their reviews."""


def with_plan_figures(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """A plan as the detail shows it: participants, posts, the review panel, and what the
    civil/military balance and the consultation gaps are computed from."""
    return plans.prefetch_related(
        *PLAN_REVIEWS,
        Prefetch("posts", queryset=Post.objects.select_related("host_organisation")),
        Prefetch("lines_of_effort", queryset=LineOfEffort.objects.prefetch_related("activities")),
        Prefetch("consultations", queryset=Consultation.objects.select_related("stakeholder")),
    )


def plan_detail(*, user: User) -> QuerySet[Plan]:
    """As `plan_list`, plus everything the plan page shows, in a fixed number of queries."""
    return plan_list(user=user).prefetch_related(
        *PLAN_REVIEWS,
        Prefetch("posts", queryset=Post.objects.select_related("host_organisation")),
        Prefetch(
            "lines_of_effort",
            queryset=LineOfEffort.objects.select_related("lead_organisation").prefetch_related(
                Prefetch(
                    "goals", queryset=Goal.objects.filter(strategy__in=visible_strategies(user))
                ),
                Prefetch(
                    "activities",
                    queryset=Activity.objects.select_related("responsible_organisation"),
                ),
            ),
        ),
        Prefetch("milestones", queryset=Milestone.objects.all()),
        Prefetch("consultations", queryset=Consultation.objects.select_related("stakeholder")),
        Prefetch(
            "field_reports",
            queryset=FieldReport.objects.select_related("author", "activity").prefetch_related(
                "attachments"
            ),
        ),
    )


def activity_list(*, user: User) -> QuerySet[Activity]:
    return _of_visible_plans(Activity.objects.all(), "line_of_effort__plan", user).select_related(
        "line_of_effort__plan", "responsible_organisation"
    )


def line_of_effort_list(*, user: User) -> QuerySet[LineOfEffort]:
    """Lines of effort of visible plans, with only the goals of strategies the user sees."""
    return (
        _of_visible_plans(LineOfEffort.objects.all(), "plan", user)
        .select_related("plan", "lead_organisation")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.filter(strategy__in=visible_strategies(user)))
        )
    )


def milestone_list(*, user: User) -> QuerySet[Milestone]:
    return _of_visible_plans(Milestone.objects.all(), "plan", user).select_related("plan")


def consultation_list(*, user: User) -> QuerySet[Consultation]:
    return _of_visible_plans(Consultation.objects.all(), "plan", user).select_related(
        "plan", "stakeholder"
    )


def field_report_list(*, user: User) -> QuerySet[FieldReport]:
    return (
        _of_visible_plans(FieldReport.objects.all(), "plan", user)
        .select_related("plan", "author", "activity")
        .prefetch_related("attachments")
    )


# --- derived views of a prefetched plan --------------------------------------------------------


def plan_activities(plan: Plan) -> list[Activity]:
    return [a for line in plan.lines_of_effort.all() for a in line.activities.all()]


@dataclass(frozen=True)
class CivilMilitaryBalance:
    per_actor_type: dict[str, int]
    military_on_non_military_tasks: list[Activity]

    def as_dict(self) -> dict[str, Any]:
        return {
            "per_actor_type": self.per_actor_type,
            "military_on_non_military_tasks": [
                {"activity": a.pk, "title": a.title, "justification": a.military_justification}
                for a in self.military_on_non_military_tasks
            ],
        }


def civil_military_balance(plan: Plan) -> CivilMilitaryBalance:
    activities = plan_activities(plan)
    counts = Counter(a.actor_type for a in activities)
    return CivilMilitaryBalance(
        per_actor_type={actor: counts.get(actor, 0) for actor in ActorType.values},
        military_on_non_military_tasks=[a for a in activities if a.needs_justification],
    )


def consultation_gaps(plan: Plan) -> list[str]:
    """The civilian stakeholder kinds (police, justice, NGO, international) never consulted.

    A stakeholder counts as consulted when a consultation with it is recorded, and when it
    takes part in the plan as a consulted participant: that is how the plan records it.
    """
    consulted = {c.stakeholder.kind for c in plan.consultations.all()} | {
        p.organisation.kind for p in plan.participants.all() if p.role == ParticipantRole.CONSULTED
    }
    return [kind for kind in CIVILIAN_STAKEHOLDER_KINDS if kind not in consulted]


@dataclass(frozen=True)
class PlanListRow:
    """A row of the plans list: the plan, its participants, and each contributor's review of
    the current submission, from rows prefetched for the page (no query per plan)."""

    plan: Plan
    participants: list[Organisation]
    reviews: list[DecisionState]

    @property
    def reviewed(self) -> list[DecisionState]:
        return [row for row in self.reviews if row.record is not None]

    @property
    def not_reviewed(self) -> list[Organisation]:
        return [row.organisation for row in self.reviews if row.record is None]

    @property
    def approved(self) -> int:
        return int(self.plan.approved_count)  # type: ignore[attr-defined]  # counted by plan_list

    @property
    def changes_requested(self) -> int:
        return int(self.plan.changes_requested_count)  # type: ignore[attr-defined]


def plan_list_rows(plans: Iterable[Plan]) -> list[PlanListRow]:
    """Rows for a page of `plan_list`: who takes part, who has reviewed the current
    submission and who has not (one query each for the page's participants and reviews)."""
    plans = list(plans)
    prefetch_related_objects(plans, *PLAN_REVIEWS)
    return [
        PlanListRow(
            plan=plan,
            participants=[p.organisation for p in plan.participants.all()],
            reviews=review_panel(plan) if plan.submission else [],
        )
        for plan in plans
    ]


def review_panel(plan: Plan) -> list[DecisionState]:
    """Each contributor with its review of the current submission (prefetched rows)."""
    return decision_panel(
        REVIEW,
        plan,
        [p.organisation for p in plan.participants.all() if p.role == ParticipantRole.CONTRIBUTOR],
        plan.reviews.all(),
    )
