"""The public account shows only what was made public.

Every text field of a plan, its strategy (goals, drivers, indicators and their readings),
its lines of effort, activities, milestones, consultations, field reports, lessons,
communication items and perception readings is filled with a secret string of its own
(found by introspecting the models' CharFields and TextFields); a few things are marked
public; the plan is published. No secret may appear on the public pages, the feeds or the
public summary PDF, but those deliberately public: the titles of public activities, the
public name and summary, the title and message of published public messages, the title and
conclusion of lessons classified public and released to all members, and the area and
indicator (name, unit) of public perception readings.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Organisation, User
from lessons.models import Classification, Lesson, LessonDomain, LessonStatus, Releasability
from missions.models import (
    Activity,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Plan,
)
from outreach.models import CommunicationItem, CommunicationStatus, PerceptionReading
from publication.models import PlanPublication
from reports.registry import BuildContext, get_kind
from strategy.models import ConflictDriver, Goal, Indicator, IndicatorReading, Strategy
from tests.publication.conftest import publish

_counter = itertools.count(1)


def secret() -> str:
    # Fixed width and a closing letter: no secret is a prefix of another.
    return f"Zq{next(_counter):05d}Xk"


def text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """Every free-text field a person types into: CharFields and TextFields without choices,
    long enough to hold a secret (a 5-digit sector code is not text)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and (field.max_length is None or field.max_length >= len("Zq00000Xk"))
    ]


def fill(obj: models.Model, secrets: dict[str, str]) -> dict[str, str]:
    """Give each text field of `obj` a secret of its own; returns field name -> secret."""
    values = {field.name: secret() for field in text_fields(type(obj))}
    type(obj)._default_manager.filter(pk=obj.pk).update(**values)
    for name, value in values.items():
        secrets[value] = f"{type(obj).__name__}.{name} ({obj.pk})"
    obj.refresh_from_db()
    return values


def test_the_secrets_cover_every_text_field_of_the_models() -> None:
    """The introspection finds the fields that matter (and a new one is covered by itself)."""
    assert [f.name for f in text_fields(Plan)] == ["title", "theatre", "summary"]
    assert [f.name for f in text_fields(Activity)] == [
        "title",
        "description",
        "military_justification",
        "place_name",
    ]
    assert [f.name for f in text_fields(Consultation)] == ["summary", "follow_up"]
    assert [f.name for f in text_fields(FieldReport)] == ["place", "situation"]
    assert {f.name for f in text_fields(Lesson)} >= {
        "title",
        "observation",
        "discussion",
        "conclusion",
        "recommendation",
        "theatre",
        "status_comment",
    }
    assert {f.name for f in text_fields(CommunicationItem)} >= {"title", "key_message", "languages"}


@pytest.fixture
def world(
    active_plan: Plan,
    lead_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
    lead_planner: User,
    lead_approver: User,
    field_advisor: User,
) -> dict[str, Any]:
    secrets: dict[str, str] = {}
    public: dict[str, str] = {}
    plan = active_plan
    today = timezone.localdate()
    strategy = Strategy.objects.create(
        title="s",
        theatre="t",
        approach="stabilisation",
        lead_organisation=lead_org,
        created_by=lead_planner,
    )
    Plan.objects.filter(pk=plan.pk).update(strategy=strategy)
    goal = Goal.objects.create(strategy=strategy, title="g")
    trust = Indicator.objects.create(
        goal=goal, name="i", unit="u", baseline=Decimal(50), target=Decimal(70)
    )
    other = Indicator.objects.create(
        goal=goal, name="i2", unit="u2", baseline=Decimal(1), target=Decimal(2)
    )
    driver = ConflictDriver.objects.create(strategy=strategy, title="d", kind="structural")
    parts: list[models.Model] = [plan, strategy, goal, trust, other, driver]

    line = LineOfEffort.objects.get(plan=plan)
    shown, hidden = list(Activity.objects.filter(line_of_effort=line).order_by("id"))
    Activity.objects.filter(pk=shown.pk).update(public=True, progress=40, status="in_progress")
    second_line = LineOfEffort.objects.create(
        plan=plan, domain="security", title="l2", lead_organisation=contributor_org, order=1
    )
    parts += [line, second_line, shown, hidden]
    parts.append(Milestone.objects.create(plan=plan, title="m", due_date=today))
    parts.append(
        Consultation.objects.create(plan=plan, stakeholder=consulted_org, date=today, summary="c")
    )
    parts.append(
        FieldReport.objects.create(plan=plan, author=field_advisor, date=today, situation="f")
    )

    def lesson(classification: str, releasability: str, status: str) -> Lesson:
        made = Lesson.objects.create(
            title="x",
            observation="o",
            source_plan=plan,
            source_organisation=lead_org,
            observed_on=today,
            author=lead_planner,
            status=status,
            classification=classification,
            releasability=releasability,
        )
        LessonDomain.objects.create(lesson=made, domain="governance")
        return made

    public_lesson = lesson(
        Classification.PUBLIC, Releasability.ALL_MEMBERS, LessonStatus.LESSON_LEARNED
    )
    parts += [
        public_lesson,
        lesson(Classification.PUBLIC, Releasability.PARTICIPANTS, LessonStatus.LESSON_LEARNED),
        lesson(Classification.UNCLASSIFIED, Releasability.ALL_MEMBERS, LessonStatus.LESSON_LEARNED),
        lesson(Classification.PUBLIC, Releasability.ALL_MEMBERS, LessonStatus.SUBMITTED),
    ]

    def message(status: str, is_public: bool) -> CommunicationItem:
        return CommunicationItem.objects.create(
            plan=plan,
            title="t",
            audience="home_public",
            channel="press_release",
            key_message="k",
            planned_date=today,
            status=status,
            spokesperson=lead_org,
            public=is_public,
            created_by=lead_planner,
            published_at=timezone.now() if status == CommunicationStatus.PUBLISHED else None,
        )

    public_message = message(CommunicationStatus.PUBLISHED, True)
    parts += [
        public_message,
        message(CommunicationStatus.PUBLISHED, False),
        message(CommunicationStatus.CLEARED, True),
        message(CommunicationStatus.PLANNED, False),
    ]

    def perception(indicator: Indicator, is_public: bool, days_ago: int) -> PerceptionReading:
        reading = IndicatorReading.objects.create(
            indicator=indicator,
            date=today - datetime.timedelta(days=days_ago),
            value=Decimal("41.50"),
            recorded_by=field_advisor,
        )
        parts.append(reading)
        return PerceptionReading.objects.create(
            plan=plan,
            reading=reading,
            area="a",
            measure="score",
            sample_size=300,
            source="s",
            public=is_public,
        )

    public_figure = perception(trust, True, 3)
    parts += [public_figure, perception(trust, False, 1), perception(other, False, 2)]

    for part in parts:
        fill(part, secrets)
    # What is deliberately public, and must show.
    public[shown.title] = "public activity's title"
    public[public_message.title] = "published public message's title"
    public[public_message.key_message] = "published public message"
    public[public_lesson.title] = "public lesson's title"
    public[public_lesson.conclusion] = "public lesson's conclusion"
    public[public_figure.area] = "public perception reading's area"
    trust.refresh_from_db()
    public[trust.name] = "indicator of a public perception reading"
    public[trust.unit] = "unit of a public perception reading"
    name, summary = secret(), secret()
    publication = publish(
        plan, lead_approver, public_title=name, public_summary=summary, slug="valeria"
    )
    public[name], public[summary] = "public name", "public summary"
    for value in public:
        secrets.pop(value, None)
    assert len(secrets) >= 60
    return {"secrets": secrets, "public": public, "publication": publication}


def pdf_text(publication: PlanPublication, user: User) -> str:
    """The public summary report as its PDF says it (the text pypdf extracts)."""
    from weasyprint import HTML

    kind = get_kind("public_summary")
    data = kind.gather(
        BuildContext(
            report_id=0, user=user, params={"plan": publication.plan_id}, progress=lambda _: None
        )
    )
    pdf = HTML(string=render_to_string(kind.template, {**data, "report": None})).write_pdf()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_no_secret_reaches_the_public_pages_the_feeds_or_the_pdf(
    world: dict[str, Any], lead_approver: User
) -> None:
    client = Client()
    texts = {
        url: client.get(url).content.decode()
        for url in [
            "/public/",
            "/public/plans/valeria/",
            "/public/plans/valeria/feed.atom",
            "/public/feed.atom",
        ]
    }
    texts["public summary PDF"] = pdf_text(world["publication"], lead_approver)
    for where, text in texts.items():
        # The PDF's text may break a line anywhere: compared without white space too.
        squeezed = re.sub(r"\s+", "", text).lower()
        leaked = {
            f"{what}: {value}"
            for value, what in world["secrets"].items()
            if value.lower() in text.lower() or value.lower() in squeezed
        }
        assert leaked == set(), where
    page, pdf = texts["/public/plans/valeria/"], texts["public summary PDF"]
    squeezed_pdf = re.sub(r"\s+", "", pdf)
    assert {what for value, what in world["public"].items() if value not in page} == set()
    assert {what for value, what in world["public"].items() if value not in squeezed_pdf} == set()
    message_title = next(
        v for v, what in world["public"].items() if what.endswith("message's title")
    )
    assert message_title in texts["/public/plans/valeria/feed.atom"]
    assert message_title in texts["/public/feed.atom"]


def test_a_withdrawn_or_never_published_plan_answers_404_everywhere(
    world: dict[str, Any], lead_approver: User
) -> None:
    from publication import services

    services.plan_unpublish(plan=world["publication"].plan, by=lead_approver)
    client = Client()
    for url in ["/public/plans/valeria/", "/public/plans/valeria/feed.atom"]:
        response = client.get(url)
        assert response.status_code == 404
        leaked = {
            what
            for value, what in {**world["secrets"], **world["public"]}.items()
            if value in response.content.decode()
        }
        assert leaked == set()
    index = client.get("/public/").content.decode()
    assert {what for value, what in world["public"].items() if value in index} == set()
    assert "No mission is published yet." in index
