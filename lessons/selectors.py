"""Reads of lessons: filtered in the database by what the person may read today, following
the marking exactly (`lessons.permissions`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchRank
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from accounts.authority import sees, visible
from accounts.decisions import DecisionState, decision_panel
from accounts.models import Membership, Organisation, User
from accounts.work import start_of
from lessons.models import (
    Classification,
    Lesson,
    LessonDomain,
    LessonStatus,
    LessonSubscription,
    MarkingChange,
    Releasability,
    Release,
    ReleaseRequest,
    RemedialAction,
)
from lessons.permissions import RELEASE_DECISION
from lessons.search import full_text, lessons_matching, plan_words, words_query
from missions.models import Domain, LineOfEffort, Plan


class _LessonsWithSeenPlansOnly(ModelIterable):
    """A lesson released beyond its source plan's participants comes to its other readers
    without the plan (`source_plan` None, `source_plan_hidden` True): the release shares the
    lesson, not the plan."""

    def __iter__(self) -> Iterator[Any]:
        for lesson in super().__iter__():
            lesson.source_plan_hidden = bool(lesson.source_plan_id and not lesson.plan_seen)
            if lesson.source_plan_hidden:
                lesson.source_plan = None
            yield lesson


def _plans_seen_only(lessons: QuerySet[Lesson], user: User) -> QuerySet[Lesson]:
    lessons = lessons.annotate(
        plan_seen=sees("source_plan_id", Plan, user=user, codename="view_plan")
    )
    lessons._iterable_class = _LessonsWithSeenPlansOnly
    return lessons


def visible_lessons(user: User) -> QuerySet[Lesson]:
    """The lessons `user` may read today: through their organisations' grants, and those
    released to all members when they hold any membership today."""
    member_today = Membership.objects.valid_on(timezone.localdate()).filter(user_id=user.pk)
    everyone = Q(Exists(member_today), releasability=Releasability.ALL_MEMBERS)
    return visible(Lesson.objects.all(), user=user, codename="view_lesson", also_visible=everyone)


@dataclass(frozen=True)
class LessonFilters:
    search: str = ""
    status: str = ""
    domain: str = ""
    theatre: str = ""
    source_organisation: int | None = None
    classification: str = ""
    observed_after: datetime.date | None = None
    observed_before: datetime.date | None = None
    followed: bool = False
    """Only the lessons in the domains and theatres the person follows."""
    new_since: datetime.date | None = None
    """Only the lessons recorded, or released wider, on this day or after (the digest's)."""


def followed_condition(subscriptions: list[LessonSubscription]) -> Q:
    """The lessons in the domains and theatres these subscriptions follow."""
    condition = Q(pk__in=[])
    domains = [s.domain for s in subscriptions if s.domain]
    if domains:
        condition |= Q(
            Exists(LessonDomain.objects.filter(lesson=OuterRef("pk"), domain__in=domains))
        )
    for theatre in (s.theatre for s in subscriptions if s.theatre):
        condition |= Q(theatre__iexact=theatre)
    return condition


def new_condition(since: datetime.datetime, until: datetime.datetime | None = None) -> Q:
    """Recorded, or released wider, from `since` (until `until`): new to their readers."""
    recorded = Q(created__gte=since)
    changes = MarkingChange.objects.filter(lesson=OuterRef("pk"), wider=True, changed_at__gte=since)
    if until is not None:
        recorded &= Q(created__lt=until)
        changes = changes.filter(changed_at__lt=until)
    return recorded | Q(Exists(changes))


def lesson_list(*, user: User, filters: LessonFilters | None = None) -> QuerySet[Lesson]:
    """Visible lessons with what a row shows, filtered, best match first when searching."""
    filters = filters or LessonFilters()
    lessons = visible_lessons(user)
    if filters.status:
        lessons = lessons.filter(status=filters.status)
    if filters.domain:
        lessons = lessons.filter(
            Exists(LessonDomain.objects.filter(lesson=OuterRef("pk"), domain=filters.domain))
        )
    if filters.theatre:
        lessons = lessons.filter(theatre__iexact=filters.theatre)
    if filters.source_organisation:
        lessons = lessons.filter(source_organisation_id=filters.source_organisation)
    if filters.classification:
        lessons = lessons.filter(classification=filters.classification)
    if filters.observed_after:
        lessons = lessons.filter(observed_on__gte=filters.observed_after)
    if filters.observed_before:
        lessons = lessons.filter(observed_on__lte=filters.observed_before)
    if filters.followed:
        lessons = lessons.filter(followed_condition(list(subscription_list(user=user))))
    if filters.new_since:
        lessons = lessons.filter(new_condition(start_of(filters.new_since)))
    lessons = _plans_seen_only(lessons_matching(lessons, filters.search), user)
    return lessons.select_related("source_organisation", "source_plan", "author").prefetch_related(
        "domain_rows", "releases"
    )


def lesson_detail(*, user: User) -> QuerySet[Lesson]:
    """Visible lessons with everything the ODCR page shows."""
    return (
        _plans_seen_only(visible_lessons(user), user)
        .select_related("source_organisation", "source_plan", "author")
        .prefetch_related(
            "domain_rows",
            Prefetch("releases", queryset=Release.objects.select_related("organisation")),
            Prefetch(
                "remedial_actions",
                queryset=RemedialAction.objects.select_related("action_body").prefetch_related(
                    "attachments"
                ),
            ),
            "attachments",
            Prefetch(
                "release_requests",
                queryset=ReleaseRequest.objects.select_related("requested_by").prefetch_related(
                    "organisations"
                ),
            ),
            Prefetch(
                "release_decisions",
                queryset=RELEASE_DECISION.record_model._default_manager.select_related(
                    "organisation", "decided_by"
                ),
            ),
        )
    )


def release_panel(lesson: Lesson) -> list[DecisionState]:
    """The source organisation's decision on the current release round (prefetched)."""
    return decision_panel(
        RELEASE_DECISION,
        lesson,
        [lesson.source_organisation],
        lesson.release_decisions.all(),
    )


def pending_release(lesson: Lesson) -> ReleaseRequest | None:
    """The request waiting for a decision, if any (prefetched)."""
    if not lesson.release_requested:
        return None
    for request in lesson.release_requests.all():
        if request.release_round == lesson.release_round:
            return request
    return None


def visible_actions(user: User) -> QuerySet[RemedialAction]:
    """Remedial actions of the lessons `user` may read."""
    return RemedialAction.objects.filter(lesson__in=visible_lessons(user).values("pk"))


FACET_ORGANISATIONS = 10
"""Source organisations grow with the network: the facet offers those with the most lessons."""


@dataclass(frozen=True)
class Facets:
    counts: dict[str, list[tuple[Any, StrOrPromise, int]]]
    more_organisations: bool
    """Other source organisations hold some of these lessons too (beyond the facet's few)."""


def facets(lessons: QuerySet[Lesson]) -> Facets:
    """How many of these lessons fall in each status, domain and classification, and the
    source organisations holding most of them: four aggregate queries, whatever the number
    of lessons and organisations."""
    bare = lessons.order_by().values("pk")
    base = Lesson.objects.filter(pk__in=bare)

    def count_by(field: str) -> dict[Any, int]:
        rows = base.order_by().values(field).annotate(n=Count("pk", distinct=True))
        return {row[field]: row["n"] for row in rows if row[field] not in (None, "")}

    statuses = count_by("status")
    domains = count_by("domain_rows__domain")
    classifications = count_by("classification")
    most = (
        base.values("source_organisation")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "source_organisation")[: FACET_ORGANISATIONS + 1]
    )
    organisations = {row["source_organisation"]: row["n"] for row in most}
    names = dict(
        Organisation.objects.filter(pk__in=list(organisations)[:FACET_ORGANISATIONS]).values_list(
            "pk", "name"
        )
    )
    return Facets(
        counts={
            "status": [
                (v, label, statuses[v]) for v, label in LessonStatus.choices if v in statuses
            ],
            "domain": [(v, label, domains[v]) for v, label in Domain.choices if v in domains],
            "classification": [
                (v, label, classifications[v])
                for v, label in Classification.choices
                if v in classifications
            ],
            "source_organisation": sorted(
                ((pk, name, organisations[pk]) for pk, name in names.items()),
                key=lambda row: row[1],
            ),
        },
        more_organisations=len(organisations) > FACET_ORGANISATIONS,
    )


RELATED_LESSONS = 10


def related_lessons(*, user: User, plan: Plan, limit: int = RELATED_LESSONS) -> list[Lesson]:
    """The lessons `user` may read that bear on `plan`: in its theatre, its domains (those of
    its lines of effort) or its words (title and summary, on PostgreSQL), best first. The
    caller has checked that `user` sees the plan."""
    domains = list(
        LineOfEffort.objects.filter(plan=plan).values_list("domain", flat=True).distinct()
    )
    in_domains = LessonDomain.objects.filter(lesson=OuterRef("pk"), domain__in=domains)
    same_theatre = Q(theatre__iexact=plan.theatre) if plan.theatre else Q(pk__in=[])
    match = same_theatre | Q(Exists(in_domains))
    score: Any = Case(When(same_theatre, then=Value(3.0)), default=Value(0.0)) + Coalesce(
        Subquery(
            in_domains.order_by().values("lesson").annotate(n=Count("pk")).values("n")[:1],
            output_field=FloatField(),
        ),
        Value(0.0),
    )
    words = plan_words(plan)
    if full_text() and words:
        query = words_query(words)
        match |= Q(search_vector=query)
        score = score + Coalesce(SearchRank(F("search_vector"), query), Value(0.0)) * Value(4.0)
    lessons = (
        _plans_seen_only(visible_lessons(user), user)
        .exclude(status=LessonStatus.REJECTED)
        .filter(match)
        .annotate(score=score)
        .order_by("-score", "-observed_on", "-id")
        .select_related("source_organisation", "source_plan", "author")
        .prefetch_related("domain_rows", "releases")
    )
    return list(lessons[:limit])


def remedial_action_list(*, user: User) -> QuerySet[RemedialAction]:
    return (
        visible_actions(user)
        .select_related("lesson", "action_body")
        .prefetch_related("attachments")
    )


def subscription_list(*, user: User) -> QuerySet[LessonSubscription]:
    """A person's own subscriptions; nobody else's."""
    if not (user.is_authenticated and user.is_active):
        return LessonSubscription.objects.none()
    return LessonSubscription.objects.filter(person_id=user.pk)
