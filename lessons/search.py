"""Full-text search of lessons: a stored, weighted search vector on PostgreSQL (title over
conclusion and recommendation over observation and discussion), ranked, with highlighted
snippets computed only for the lessons shown; on the embedded SQLite default a plain
`icontains` over the same fields, newest first, with the same API."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, NullIf
from django.utils.html import escape

from lessons.models import Lesson

SNIPPET_START = "\x02"
SNIPPET_STOP = "\x03"


def full_text() -> bool:
    return connection.vendor == "postgresql"


def _config() -> str:
    return str(settings.LESSONS_SEARCH_CONFIG)


def weighted_vector() -> Any:
    config = _config()
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("conclusion", "recommendation", weight="B", config=config)
        + SearchVector("observation", "discussion", weight="C", config=config)
    )


def search_vector_update(lesson_ids: Iterable[int]) -> None:
    """Recompute the stored vectors of these lessons (in the caller's transaction)."""
    if full_text():
        Lesson.objects.filter(pk__in=list(lesson_ids)).update(search_vector=weighted_vector())


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=_config())


def plan_words(plan: Any, limit: int = 12) -> list[str]:
    """The distinctive words of a plan's title and summary, for related lessons."""
    text = f"{plan.title} {plan.summary}"
    words = re.findall(r"[^\W\d_]{4,}", text.lower())
    return list(dict.fromkeys(w for w in words if w not in PLAN_WORDS_IGNORED))[:limit]


PLAN_WORDS_IGNORED = {"plan", "integrated", "with", "from", "into", "their", "this", "that"}


def words_query(words: Sequence[str]) -> SearchQuery:
    """Any of these words (letters only, so the raw query cannot be malformed)."""
    return SearchQuery(" | ".join(words), search_type="raw", config=_config())


def lessons_matching(lessons: QuerySet[Lesson], text: str) -> QuerySet[Lesson]:
    """The lessons matching `text`, best first (annotated with `rank`)."""
    text = text.strip()
    if not text:
        return lessons
    if full_text():
        query = _query(text)
        return (
            lessons.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-observed_on", "-id")
        )
    words = Q()
    for field in ("title", "observation", "discussion", "conclusion", "recommendation"):
        words |= Q(**{f"{field}__icontains": text})
    return lessons.filter(words).order_by("-observed_on", "-id")


def snippets(lessons: Sequence[Lesson], text: str) -> dict[int, str]:
    """A highlighted passage per lesson shown (safe HTML, matches in <mark>): one query for
    the page on PostgreSQL, none on SQLite."""
    text = text.strip()
    if not text or not lessons:
        return {}
    if full_text():
        query = _query(text)
        rows = (
            Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons])
            .annotate(
                snippet=SearchHeadline(
                    _all_text(),
                    query,
                    config=_config(),
                    start_sel=SNIPPET_START,
                    stop_sel=SNIPPET_STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "snippet")
        )
        return {pk: _marked(snippet) for pk, snippet in rows}
    return {lesson.pk: _plain_snippet(lesson, text) for lesson in lessons}


def _all_text() -> Func:
    """The title and the texts as one passage for the headline, the empty ones left out
    (`concat_ws` skips NULLs)."""
    return Func(
        Value(" … "),
        *(
            NullIf(Cast(field, TextField()), Value(""))
            for field in ("title", "conclusion", "recommendation", "observation", "discussion")
        ),
        function="CONCAT_WS",
        output_field=TextField(),
    )


def _marked(snippet: str) -> str:
    return escape(snippet).replace(SNIPPET_START, "<mark>").replace(SNIPPET_STOP, "</mark>").strip()


def _plain_snippet(lesson: Lesson, text: str, width: int = 160) -> str:
    needle = text.lower()
    for body in (
        lesson.title,
        lesson.conclusion,
        lesson.recommendation,
        lesson.observation,
        lesson.discussion,
    ):
        at = body.lower().find(needle)
        if at < 0:
            continue
        start = max(0, at - width // 2)
        passage = body[start : start + width]
        found = passage.lower().find(needle)
        prefix = "… " if start else ""
        return (
            prefix
            + escape(passage[:found])
            + "<mark>"
            + escape(passage[found : found + len(text)])
            + "</mark>"
            + escape(passage[found + len(text) :])
        )
    return ""
