""" "My work": what waits for a person, gathered from every feature into one page and one count.

Each feature registers the sources of work it knows about (`register_work`): a function that,
for a person, returns a queryset of the waiting items already filtered by what that person may
see and act on today, and how to show one. The home page, the nav badge and
`GET /api/v1/users/me/work/` all read `my_work`, so they always give the same numbers.

Every source costs two queries (a count and the first items), whatever the number of items, so
the page's query count depends on the number of registered sources, never on the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User

ITEMS_PER_SECTION = 10


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    description: StrOrPromise


SECTIONS = [
    Section(
        "decide", _("Waiting for your decision"), _("Decisions your organisation needs from you.")
    ),
    Section("returned", _("Sent back to you"), _("Work returned with changes asked for.")),
    Section("activities", _("Your activities"), _("Past their end date or blocked.")),
    Section("indicators", _("Indicators in warning"), _("On strategies you take part in.")),
    Section("field_reports", _("Field reports this week"), _("Filed by others on your plans.")),
    Section(
        "lessons",
        _("Lessons to process"),
        _("New observations to triage, and remedial actions tasked to your organisation."),
    ),
    Section("reports", _("Your reports"), _("Ready to download.")),
]
SECTION_KEYS = [section.key for section in SECTIONS]


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting, as the page and the API show it."""

    kind: str
    title: str
    detail: str
    url: str
    since: datetime.datetime


def start_of(day: datetime.date) -> datetime.datetime:
    """A day as the moment it began (UTC), for items that wait since a date."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class WorkSource:
    section: str
    kind: str
    items: Callable[[User], QuerySet[Any]]
    """The waiting rows for a person, filtered by permission, oldest first."""
    show: Callable[[Any], WorkItem]


_sources: list[WorkSource] = []


def register_work(
    *, section: str, kind: str, show: Callable[[Any], WorkItem]
) -> Callable[[Callable[[User], QuerySet[Any]]], Callable[[User], QuerySet[Any]]]:
    """Declare a source of waiting work: `kind` names it in the API (`plan_review`)."""
    if section not in SECTION_KEYS:
        raise ValueError(f"Unknown section of my work: {section}")

    def register(items: Callable[[User], QuerySet[Any]]) -> Callable[[User], QuerySet[Any]]:
        if any(source.kind == kind for source in _sources):
            raise ValueError(f"Work of kind {kind} is already registered")
        _sources.append(WorkSource(section=section, kind=kind, items=items, show=show))
        return items

    return register


@dataclass(frozen=True)
class WorkSection:
    key: str
    title: StrOrPromise
    description: StrOrPromise
    count: int
    items: list[WorkItem]

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def my_work(user: User, *, per_section: int = ITEMS_PER_SECTION) -> list[WorkSection]:
    """Every section, with its count and its oldest items first (at most `per_section`)."""
    counts: dict[str, int] = dict.fromkeys(SECTION_KEYS, 0)
    items: dict[str, list[WorkItem]] = {key: [] for key in SECTION_KEYS}
    if user.is_authenticated and user.is_active:
        for source in _sources:
            waiting = source.items(user)
            count = waiting.count()
            if count:
                counts[source.section] += count
                items[source.section] += [source.show(row) for row in waiting[:per_section]]
    return [
        WorkSection(
            key=section.key,
            title=section.title,
            description=section.description,
            count=counts[section.key],
            items=sorted(items[section.key], key=lambda item: item.since)[:per_section],
        )
        for section in SECTIONS
    ]


def work_count(user: User) -> int:
    """All waiting items: the number on the nav badge."""
    if not (user.is_authenticated and user.is_active):
        return 0
    return sum(source.items(user).count() for source in _sources)
