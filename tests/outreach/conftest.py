"""The outreach world: a plan under a strategy whose indicator "Trust in the police" warns
below 40 %, with the people of every participant, an outsider and a superuser.

| organisation | in the plan | in the strategy |
|---|---|---|
| mfa | lead | lead |
| mod | contributor (the usual spokesperson) | partner |
| police | contributor (named in messages) | — |
| ngo | consulted | — |
| wb | outsider | — |
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from missions import services as plans
from missions.models import Plan
from outreach import services
from outreach.models import CommunicationItem
from strategy import services as strategies
from strategy.models import Indicator
from tests.factories import add_membership, make_member, make_organisation, make_user

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "mfa": {"slug": "mfa", "name": "Ministry of Foreign Affairs"},
    "mod": {"slug": "mod", "name": "Ministry of Defence", "kind": OrganisationKind.DEFENCE},
    "police": {"slug": "police", "name": "National Police", "kind": OrganisationKind.POLICE},
    "ngo": {"slug": "ngo", "name": "Peacebuilding Partners", "kind": OrganisationKind.NGO},
    "wb": {"slug": "wb", "name": "World Bank"},
}
PEOPLE: dict[str, tuple[str, str]] = {
    "mfa_planner": ("mfa", Role.PLANNER),
    "mfa_approver": ("mfa", Role.APPROVER),
    "mfa_advisor": ("mfa", Role.FIELD_ADVISOR),
    "mod_planner": ("mod", Role.PLANNER),
    "mod_approver": ("mod", Role.APPROVER),
    "police_planner": ("police", Role.PLANNER),
    "police_approver": ("police", Role.APPROVER),
    "ngo_approver": ("ngo", Role.APPROVER),
}


def today() -> datetime.date:
    return timezone.localdate()


def world_make() -> dict[str, Any]:
    orgs = {key: make_organisation(**data) for key, data in ORGANISATIONS.items()}
    people: dict[str, User | None] = {
        name: make_member(orgs[org], role, username=name.replace("_", "-"))
        for name, (org, role) in PEOPLE.items()
    }
    outsider = make_member(orgs["wb"], Role.PLANNER, username="outsider")
    add_membership(outsider, orgs["wb"], Role.APPROVER)
    add_membership(outsider, orgs["wb"], Role.FIELD_ADVISOR)
    people["outsider"] = outsider
    people["superuser"] = make_user("root", is_superuser=True, is_staff=True)
    people["anonymous"] = None
    planner = people["mfa_planner"]
    assert planner is not None
    strategy = strategies.strategy_create(
        by=planner,
        title="Stability in Northern Valeria",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=orgs["mfa"],
        partners=[orgs["mod"]],
    )
    goal = strategies.goal_create(
        strategy=strategy, by=planner, data={"title": "Communities trust the security services"}
    )
    indicator = strategies.indicator_create(
        goal=goal,
        by=planner,
        data={
            "name": "Trust in the police",
            "unit": "%",
            "baseline": Decimal(50),
            "target": Decimal(70),
            "warning_threshold": Decimal(40),
            "warning_direction": "below",
        },
    )
    plan = plans.plan_create(
        by=planner,
        title="Northern Valeria integrated plan",
        theatre="Valeria",
        lead_organisation=orgs["mfa"],
        strategy=strategy,
        participants=[
            (orgs["mod"], "contributor"),
            (orgs["police"], "contributor"),
            (orgs["ngo"], "consulted"),
        ],
        start_date=today() - datetime.timedelta(days=30),
        end_date=today() + datetime.timedelta(days=300),
    )
    return {"orgs": orgs, "people": people, "plan": plan, "indicator": indicator}


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    return world_make()


@pytest.fixture
def orgs(world: dict[str, Any]) -> dict[str, Organisation]:
    return world["orgs"]


@pytest.fixture
def people(world: dict[str, Any]) -> dict[str, User | None]:
    return world["people"]


@pytest.fixture
def plan(world: dict[str, Any]) -> Plan:
    return world["plan"]


@pytest.fixture
def indicator(world: dict[str, Any]) -> Indicator:
    return world["indicator"]


def item_make(
    world: dict[str, Any], *, named: tuple[str, ...] = ("police",), **extra: Any
) -> CommunicationItem:
    orgs = world["orgs"]
    data: dict[str, Any] = {
        "title": "Community policing starts in Kora",
        "audience": "local_population",
        "channel": "radio",
        "key_message": "The national police and the army open a joint post in Kora.",
        "planned_date": today() + datetime.timedelta(days=7),
        "spokesperson": orgs["mod"],
        "named_participants": [orgs[key] for key in named],
        "languages": "Valerian, French",
    }
    data.update(extra)
    return services.communication_create(
        plan=world["plan"], by=world["people"]["mfa_planner"], **data
    )
