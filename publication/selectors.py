"""What the public may read: published plans and, of each, only what was marked public.

Everything leaves here as plain records holding only the public fields, never as model
instances: a template (page, feed, PDF) cannot reach an internal field it was not given.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet

from lessons.models import Classification, Lesson, LessonDomain, LessonStatus, Releasability
from missions.models import Activity, ActivityStatus, Domain, LineOfEffort, Participant
from outreach.models import (
    Audience,
    Channel,
    CommunicationItem,
    CommunicationStatus,
    Measure,
    PerceptionReading,
)
from publication.models import PlanPublication

PUBLIC_LESSON_STATUSES = (
    LessonStatus.LESSON_IDENTIFIED,
    LessonStatus.ACTION_IN_PROGRESS,
    LessonStatus.LESSON_LEARNED,
)
"""Lessons past analysis: a submitted observation or a rejected one is not a lesson yet."""

FEED_ENTRIES = 50
PERCEPTION_ROWS = 500
"""Public perception readings read to find the latest per indicator and area."""


@dataclass(frozen=True)
class DomainTeam:
    domain: str
    label: str
    organisations: list[str]


@dataclass(frozen=True)
class PublicActivity:
    title: str
    progress: int
    status: str
    status_label: str


@dataclass(frozen=True)
class PublicMessage:
    id: int
    slug: str
    title: str
    key_message: str
    audience: str
    channel: str
    spokesperson: str
    published_at: datetime.datetime


@dataclass(frozen=True)
class PublicLesson:
    title: str
    conclusion: str
    observed_on: datetime.date
    domains: list[str]


@dataclass(frozen=True)
class PublicFigure:
    indicator: str
    unit: str
    area: str
    value: Decimal
    measure: str
    percent: bool
    date: datetime.date
    sample_size: int | None


@dataclass(frozen=True)
class PublicAccount:
    """A published plan as the public reads it."""

    slug: str
    title: str
    summary: str
    published_at: datetime.datetime
    updated: datetime.datetime
    status: str
    phase: str
    start_date: datetime.date
    end_date: datetime.date
    lead: str
    participants: list[str]
    teams: list[DomainTeam]
    activities: list[PublicActivity]
    messages: list[PublicMessage]
    lessons: list[PublicLesson]
    figures: list[PublicFigure]


def published_plans() -> QuerySet[PlanPublication]:
    """The publications of plans whose lead published them, latest first."""
    return (
        PlanPublication.objects.filter(published=True)
        .select_related("plan__lead_organisation")
        .order_by("-published_at", "-id")
    )


def publication_by_slug(slug: str) -> PlanPublication | None:
    return published_plans().filter(slug=slug).first()


def public_index() -> list[dict[str, object]]:
    """The index: each published plan's public name, summary, lead and dates (one query)."""
    return [
        {
            "slug": p.slug,
            "title": p.public_title,
            "summary": p.public_summary,
            "lead": p.plan.lead_organisation.name,
            "start_date": p.plan.start_date,
            "end_date": p.plan.end_date,
            "status": p.plan.get_status_display(),
            "published_at": p.published_at,
        }
        for p in published_plans()
    ]


def _messages(items: QuerySet[CommunicationItem]) -> list[PublicMessage]:
    audiences, channels = dict(Audience.choices), dict(Channel.choices)
    return [
        PublicMessage(
            id=row["id"],
            slug=row["plan__publication__slug"],
            title=row["title"],
            key_message=row["key_message"],
            audience=str(audiences.get(row["audience"], row["audience"])),
            channel=str(channels.get(row["channel"], row["channel"])),
            spokesperson=row["spokesperson__name"],
            published_at=cast(datetime.datetime, row["published_at"]),
        )
        for row in items.values(
            "id",
            "plan__publication__slug",
            "title",
            "key_message",
            "audience",
            "channel",
            "spokesperson__name",
            "published_at",
        )
    ]


def public_messages(plan_ids: list[int] | None = None) -> QuerySet[CommunicationItem]:
    """Messages published and marked public, of published plans (or of the given plans)."""
    # A published message records when (a constraint); the filter says so for the type too.
    items = CommunicationItem.objects.filter(
        status=CommunicationStatus.PUBLISHED, public=True, published_at__isnull=False
    )
    if plan_ids is None:
        items = items.filter(plan__publication__published=True)
    else:
        items = items.filter(plan_id__in=plan_ids)
    return items.order_by("-published_at", "-id")


def _teams(plan_id: int, activities: Sequence[Mapping[str, Any]]) -> list[DomainTeam]:
    """Per domain, the organisations working in it: each line of effort's lead, and those
    responsible for the public activities (a non-public activity names no one)."""
    by_domain: dict[str, set[str]] = defaultdict(set)
    for domain, lead in LineOfEffort.objects.filter(plan_id=plan_id).values_list(
        "domain", "lead_organisation__name"
    ):
        by_domain[domain].add(lead)
    for row in activities:
        by_domain[str(row["line_of_effort__domain"])].add(
            str(row["responsible_organisation__name"])
        )
    labels = dict(Domain.choices)
    order = list(labels)
    return [
        DomainTeam(
            domain=domain, label=str(labels.get(domain, domain)), organisations=sorted(names)
        )
        for domain, names in sorted(
            by_domain.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    ]


def _lessons(plan_id: int) -> list[PublicLesson]:
    """The plan's lessons its originator classified public and released to all members."""
    rows = list(
        Lesson.objects.filter(
            source_plan_id=plan_id,
            classification=Classification.PUBLIC,
            releasability=Releasability.ALL_MEMBERS,
            status__in=PUBLIC_LESSON_STATUSES,
        )
        .order_by("-observed_on", "-id")
        .values("id", "title", "conclusion", "observed_on")
    )
    domains: dict[int, list[str]] = defaultdict(list)
    labels = dict(Domain.choices)
    if rows:
        for lesson_id, domain in LessonDomain.objects.filter(
            lesson_id__in=[row["id"] for row in rows]
        ).values_list("lesson_id", "domain"):
            domains[lesson_id].append(str(labels.get(domain, domain)))
    return [
        PublicLesson(
            title=row["title"],
            conclusion=row["conclusion"],
            observed_on=row["observed_on"],
            domains=sorted(domains[row["id"]]),
        )
        for row in rows
    ]


def _figures(plan_id: int) -> list[PublicFigure]:
    """The latest public reading of each indicator in each area."""
    latest: dict[tuple[int, str], PublicFigure] = {}
    measures = dict(Measure.choices)
    rows = (
        PerceptionReading.objects.filter(plan_id=plan_id, public=True)
        .order_by("-reading__date", "-id")
        .values(
            "area",
            "measure",
            "sample_size",
            "reading__value",
            "reading__date",
            "reading__indicator_id",
            "reading__indicator__name",
            "reading__indicator__unit",
        )[:PERCEPTION_ROWS]
    )
    for row in rows:
        key = (row["reading__indicator_id"], row["area"])
        if key in latest:
            continue
        latest[key] = PublicFigure(
            indicator=row["reading__indicator__name"],
            unit=row["reading__indicator__unit"],
            area=row["area"],
            value=row["reading__value"],
            measure=str(measures.get(row["measure"], row["measure"])),
            percent=row["measure"] == Measure.PERCENT,
            date=row["reading__date"],
            sample_size=row["sample_size"],
        )
    return sorted(latest.values(), key=lambda f: (f.indicator, f.area))


def public_account(publication: PlanPublication) -> PublicAccount:
    """Everything the public page, the feed and the public summary report show of a
    published plan, in a fixed number of queries whatever its size."""
    plan = publication.plan
    participants = sorted(
        Participant.objects.filter(plan_id=plan.pk).values_list("organisation__name", flat=True)
    )
    activity_rows = list(
        Activity.objects.filter(line_of_effort__plan_id=plan.pk, public=True)
        .order_by("start_date", "id")
        .values(
            "title",
            "progress",
            "status",
            "line_of_effort__domain",
            "responsible_organisation__name",
        )
    )
    statuses = dict(ActivityStatus.choices)
    return PublicAccount(
        slug=publication.slug,
        title=publication.public_title,
        summary=publication.public_summary,
        published_at=publication.published_at or publication.updated,
        updated=publication.updated,
        status=plan.get_status_display(),
        phase=plan.get_phase_display(),
        start_date=plan.start_date,
        end_date=plan.end_date,
        lead=plan.lead_organisation.name,
        participants=participants,
        teams=_teams(plan.pk, activity_rows),
        activities=[
            PublicActivity(
                title=str(row["title"]),
                progress=int(row["progress"]),
                status=str(row["status"]),
                status_label=str(statuses.get(str(row["status"]), str(row["status"]))),
            )
            for row in activity_rows
        ],
        messages=_messages(public_messages([plan.pk])),
        lessons=_lessons(plan.pk),
        figures=_figures(plan.pk),
    )


def feed_entries(plan_ids: list[int] | None = None) -> list[PublicMessage]:
    """The latest published public messages, of one plan or of all published plans."""
    return _messages(public_messages(plan_ids)[:FEED_ENTRIES])
