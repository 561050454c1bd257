"""The lessons world. `mfa` records lessons from its Valeria plan, in which `mod` takes part;
`dev` is an organisation a lesson can be named to; `police` takes part in nothing.

Personas (each a planner unless said): `mfa_planner`, `mfa_analyst`, `mfa_approver`,
`mfa_field` (field advisor), `mod_planner` (a participant of the plan), `dev_planner`,
`police_planner` (reads only what all members read), `nobody` (signed in, no membership:
reads nothing), `superuser` (no membership: reads everything, acts on nothing), and the lapsed
members of `mfa`, `ended_yesterday` and `starts_tomorrow`, who read nothing of `mfa`'s.

Build it once per module with `built` (see `module_db`) or per test with `world`.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role, User
from lessons import services as lessons
from lessons.models import Lesson
from missions import services as plans
from missions.models import Domain, ParticipantRole, Plan
from tests.factories import (
    make_former_member,
    make_future_member,
    make_member,
    make_organisation,
    make_user,
)

PERSONAS = (
    "mfa_planner",
    "mfa_analyst",
    "mfa_approver",
    "mfa_field",
    "mod_planner",
    "dev_planner",
    "police_planner",
    "nobody",
    "superuser",
    "ended_yesterday",
    "starts_tomorrow",
)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def build_world() -> dict[str, Any]:
    mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    mod = make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)
    dev = make_organisation(slug="dev", name="Development Cooperation")
    police = make_organisation(slug="police", name="National Police", kind=OrganisationKind.POLICE)
    people: dict[str, User] = {
        "mfa_planner": make_member(mfa, Role.PLANNER, username="mfa-planner"),
        "mfa_analyst": make_member(mfa, Role.ANALYST, username="mfa-analyst"),
        "mfa_approver": make_member(mfa, Role.APPROVER, username="mfa-approver"),
        "mfa_field": make_member(mfa, Role.FIELD_ADVISOR, username="mfa-field"),
        "mod_planner": make_member(mod, Role.PLANNER, username="mod-planner"),
        "dev_planner": make_member(dev, Role.PLANNER, username="dev-planner"),
        "police_planner": make_member(police, Role.PLANNER, username="police-planner"),
        "nobody": make_user("nobody"),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "ended_yesterday": make_former_member(mfa, list(Role), username="ended-yesterday"),
        "starts_tomorrow": make_future_member(mfa, list(Role), username="starts-tomorrow"),
    }
    plan = plans.plan_create(
        by=people["mfa_planner"],
        title="Valeria stabilisation plan",
        summary="Community policing and border management in Valeria.",
        theatre="Valeria",
        lead_organisation=mfa,
        start_date=days(-200),
        end_date=days(300),
        participants=[(mod, ParticipantRole.CONTRIBUTOR)],
    )
    plans.line_of_effort_create(
        plan=plan,
        by=people["mfa_planner"],
        data={"title": "Community policing", "domain": Domain.POLICING, "lead_organisation": mfa},
    )
    return {
        "mfa": mfa,
        "mod": mod,
        "dev": dev,
        "police": police,
        "plan": Plan.objects.get(pk=plan.pk),
        **people,
    }


def record(world: dict[str, Any], by: str = "mfa_analyst", **fields: Any) -> Lesson:
    """A lesson of `mfa` from the Valeria plan, recorded through the service."""
    values: dict[str, Any] = {
        "title": "Checkpoints closed at night",
        "observation": "The joint checkpoints closed at dusk.",
        "observed_on": days(-10),
        "theatre": "Valeria",
        "source_plan": world["plan"],
        "domains": [Domain.POLICING],
    }
    source = fields.pop("source_organisation", world["mfa"])
    values.update(fields)
    return lessons.lesson_record(by=world[by], source_organisation=source, **values)


def fresh(lesson: Lesson) -> Lesson:
    return Lesson.objects.get(pk=lesson.pk)


@pytest.fixture(scope="module")
def built(module_db: Any) -> dict[str, Any]:
    with module_db.unblock():
        return build_world()


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    return build_world()


@pytest.fixture
def shared_world(built: dict[str, Any], db: None) -> dict[str, Any]:
    """The module's world; each test's changes roll back."""
    return copy.deepcopy(built)
