"""What the plan API tests share: messages, the way to a stage, uploads, and the world of
tests/missions/conftest.py built once per module (the fixtures at the end)."""

from __future__ import annotations

import copy
import datetime
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from rest_framework import serializers

from accounts.models import Notification, Organisation, User
from missions import services
from missions.models import (
    Activity,
    FieldReport,
    LineOfEffort,
    Plan,
)
from tests.factories import submission_of
from tests.missions.conftest import plan_people_make, plan_world_make

pytestmark = pytest.mark.django_db

ANONYMOUS = {"detail": "Authentication credentials were not provided."}
NOT_ALLOWED = {"detail": "You do not have permission to do this."}
NOT_FOUND = {"detail": "No Plan matches the given query."}
NOT_A_LEAD_PLANNER = {"detail": "Only planners of the lead organisation can change this plan."}
NOT_RESPONSIBLE = {
    "detail": "Only planners of the responsible organisation (or of the lead) update this activity."
}
TITLE = "Northern Valeria integrated plan"
JUSTIFICATION = "No civilian contractor can work in this district yet."
NEEDS_JUSTIFICATION = {
    "military_justification": [
        "A military actor on a non-military task needs a written justification: "
        "why can no civilian actor do this?"
    ]
}
DATES_OUT_OF_ORDER = {"end_date": ["The end date must be on or after the start date."]}
Personas = dict[str, Any]


def detail(plan: Plan, suffix: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{suffix}"


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def when(value: datetime.datetime) -> str:
    return serializers.DateTimeField().to_representation(value)


def notified(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


def in_review(plan: Plan, people: Personas) -> Plan:
    return services.plan_submit(plan=plan, by=people["lead_planner"])


def approved(plan: Plan, people: Personas) -> Plan:
    in_review(plan, people)
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=people["contributor_approver"],
        decision="approve",
    )
    return services.plan_approve(
        plan=plan, submission=submission_of(plan), by=people["lead_approver"]
    )


def active(plan: Plan, people: Personas) -> Plan:
    approved(plan, people)
    return services.plan_activate(plan=plan, by=people["lead_planner"])


def closed(plan: Plan, people: Personas) -> Plan:
    active(plan, people)
    return services.plan_close(plan=plan, by=people["lead_planner"])


STAGES: dict[str, Callable[[Plan, Personas], Plan]] = {
    "draft": lambda plan, people: plan,
    "in_review": in_review,
    "approved": approved,
    "active": active,
    "closed": closed,
}


def at(stage: str, plan: Plan, people: Personas) -> Plan:
    STAGES[stage](plan, people)
    plan.refresh_from_db()
    assert plan.status == stage
    return plan


def state(plan: Plan) -> tuple[str, int, int]:
    plan.refresh_from_db()
    return (plan.status, plan.submission, plan.version)


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF: uploads are read with pypdf, so a bare header no longer passes."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


PERSONAS_SEE = [
    ("lead_planner", 200),
    ("lead_approver", 200),
    ("contributor_planner", 200),
    ("contributor_approver", 200),
    ("field_advisor", 200),
    ("outsider", 404),
    ("superuser", 200),  # for support
    ("ended_yesterday", 404),
    ("starts_tomorrow", 404),
    ("anonymous", 401),
]


def new_activity(line: LineOfEffort, responsible: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "line_of_effort": line.pk,
        "title": "Soldiers dig wells",
        "responsible_organisation": responsible.pk,
        "actor_type": "military",
        "task_nature": "non_military",
        "start_date": "2026-02-01",
        "end_date": "2026-04-30",
        **extra,
    }


def a_part(resource: str, plan: Plan, lead_planner: User) -> Any:
    """The existing part of that kind (a milestone and a consultation are added first)."""
    if resource == "lines-of-effort":
        return plan.lines_of_effort.get()
    if resource == "activities":
        return Activity.objects.get(actor_type="military")
    if resource == "milestones":
        return services.milestone_create(
            plan=plan,
            by=lead_planner,
            data={"title": "Councils elected", "due_date": datetime.date(2026, 10, 1)},
        )
    return services.consultation_create(
        plan=plan,
        by=lead_planner,
        data={
            "stakeholder": plan.participants.get(role="consulted").organisation,
            "date": datetime.date(2026, 1, 15),
            "summary": "Women's groups want the school near the market.",
        },
    )


def filed(plan: Plan, field_advisor: User, *files: SimpleUploadedFile) -> FieldReport:
    return services.field_report_file(
        plan=plan,
        by=field_advisor,
        date=timezone.localdate(),
        situation="The road to Kora is open again.",
        place="Kora",
        attachments=list(files),
    )


# --- the world, built once per module -----------------------------------------------------------
# A module that imports these replaces the per-test fixtures of tests/missions/conftest.py with
# one world built once for the module (see `module_db`): the same names and the same rows, made
# by the same functions. Each test gets its own copy, and its changes roll back at its end. Every
# test of such a module sees the whole world, even one that asks only for `lead_org`.
# `built_plan_world` is one of two: with the plan (then import `plan_world_plan` too), or without
# it, for a module some of whose tests must start with no plan at all (each test that asks for
# `plan` then gets one of its own, from the fixture in tests/missions/conftest.py).
# The passwords are hashed as in the tests (tests/conftest.py): quickly, and with the one hasher
# the tests check them with.
FAST_HASHING = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


@pytest.fixture(scope="module", name="built_plan_world")
def built_plan_world_with_plan(module_db: Any) -> dict[str, Any]:
    with module_db.unblock(), override_settings(**FAST_HASHING):
        organisations, personas, plan = plan_world_make()
    return {**organisations, "personas": personas, "plan": plan}


@pytest.fixture(scope="module", name="built_plan_world")
def built_plan_world_without_plan(module_db: Any) -> dict[str, Any]:
    with module_db.unblock(), override_settings(**FAST_HASHING):
        organisations, personas = plan_people_make()
    return {**organisations, "personas": personas}


@pytest.fixture
def plan_world(built_plan_world: dict[str, Any], db: None) -> dict[str, Any]:
    return copy.deepcopy(built_plan_world)


@pytest.fixture(name="lead_org")
def plan_world_lead_org(plan_world: dict[str, Any]) -> Organisation:
    return plan_world["lead_org"]


@pytest.fixture(name="contributor_org")
def plan_world_contributor_org(plan_world: dict[str, Any]) -> Organisation:
    return plan_world["contributor_org"]


@pytest.fixture(name="consulted_org")
def plan_world_consulted_org(plan_world: dict[str, Any]) -> Organisation:
    return plan_world["consulted_org"]


@pytest.fixture(name="outsider_org")
def plan_world_outsider_org(plan_world: dict[str, Any]) -> Organisation:
    return plan_world["outsider_org"]


@pytest.fixture(name="personas")
def plan_world_personas(plan_world: dict[str, Any]) -> dict[str, User | None]:
    return plan_world["personas"]


def _person(personas: dict[str, User | None], persona: str) -> User:
    user = personas[persona]
    assert user is not None
    return user


@pytest.fixture(name="lead_planner")
def plan_world_lead_planner(personas: dict[str, User | None]) -> User:
    return _person(personas, "lead_planner")


@pytest.fixture(name="lead_approver")
def plan_world_lead_approver(personas: dict[str, User | None]) -> User:
    return _person(personas, "lead_approver")


@pytest.fixture(name="contributor_planner")
def plan_world_contributor_planner(personas: dict[str, User | None]) -> User:
    return _person(personas, "contributor_planner")


@pytest.fixture(name="contributor_approver")
def plan_world_contributor_approver(personas: dict[str, User | None]) -> User:
    return _person(personas, "contributor_approver")


@pytest.fixture(name="field_advisor")
def plan_world_field_advisor(personas: dict[str, User | None]) -> User:
    return _person(personas, "field_advisor")


@pytest.fixture(name="plan_outsider")
def plan_world_plan_outsider(personas: dict[str, User | None]) -> User:
    return _person(personas, "outsider")


@pytest.fixture(name="plan")
def plan_world_plan(plan_world: dict[str, Any]) -> Plan:
    return plan_world["plan"]
