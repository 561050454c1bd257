"""A plan with needs, and the organisations that offer against them.

Lead `mfa` (planner, approver); contributor `mod` (planner, approver); consulted `un`
(planner, approver, with offers); `nato` (planner, approver), not in the plan, with offers;
`police`, an outsider with an offer of its own; a superuser with no membership.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Organisation, OrganisationKind, Role, User
from capabilities import services
from capabilities.models import CapabilityOffer, Pledge, Requirement
from missions import services as missions
from missions.models import Plan
from tests.factories import make_member, make_organisation, make_user

START = datetime.date(2027, 1, 1)
END = datetime.date(2027, 12, 31)
WINDOW_FROM = datetime.date(2027, 3, 1)
WINDOW_UNTIL = datetime.date(2027, 4, 9)  # 40 days


@dataclass
class World:
    orgs: dict[str, Organisation]
    people: dict[str, User]
    plan: Plan
    offers: dict[str, CapabilityOffer] = field(default_factory=dict)
    requirements: dict[str, Requirement] = field(default_factory=dict)

    def __getitem__(self, persona: str) -> User:
        return self.people[persona]


ORGS = {
    "mfa": ("Ministry of Foreign Affairs", OrganisationKind.FOREIGN_AFFAIRS),
    "mod": ("Ministry of Defence", OrganisationKind.DEFENCE),
    "un": ("United Nations", OrganisationKind.INTERNATIONAL_ORGANISATION),
    "nato": ("NATO", OrganisationKind.INTERNATIONAL_ORGANISATION),
    "police": ("National Police", OrganisationKind.POLICE),
}


def world_make() -> World:
    orgs = {
        slug: make_organisation(slug=slug, name=name, kind=kind)
        for slug, (name, kind) in ORGS.items()
    }
    people = {
        f"{slug}_{role}": make_member(orgs[slug], role, username=f"{slug}-{role}")
        for slug in ("mfa", "mod", "un", "nato")
        for role in (Role.PLANNER, Role.APPROVER)
    }
    people["outsider"] = make_member(orgs["police"], Role.PLANNER, username="outsider")
    people["superuser"] = make_user("root", is_superuser=True, is_staff=True)
    plan = missions.plan_create(
        by=people["mfa_planner"],
        title="Northern Valeria integrated plan",
        theatre="Valeria",
        lead_organisation=orgs["mfa"],
        participants=[(orgs["mod"], "contributor"), (orgs["un"], "consulted")],
        start_date=START,
        end_date=END,
        phase="planning",
    )
    return World(orgs=orgs, people=people, plan=plan)


@pytest.fixture
def world(db: None) -> World:
    return world_make()


def offer_make(
    world: World,
    org: str,
    *,
    quantity: str = "4",
    unit: str = "teams",
    kind: str = "personnel",
    domain: str = "security",
    available_from: datetime.date = WINDOW_FROM,
    available_until: datetime.date = WINDOW_UNTIL,
    visibility: str = "all",
    shared_with: list[Organisation] | None = None,
    description: str = "Engineering team",
) -> CapabilityOffer:
    return services.offer_create(
        by=world[f"{org}_planner"],
        organisation=world.orgs[org],
        kind=kind,
        domain=domain,
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
        available_from=available_from,
        available_until=available_until,
        visibility=visibility,
        shared_with=shared_with or [],
    )


def requirement_make(world: World, **data: Any) -> Requirement:
    values: dict[str, Any] = {
        "kind": "personnel",
        "domain": "security",
        "description": "Engineering teams for bridge repair",
        "quantity": Decimal("2"),
        "unit": "teams",
        "needed_from": WINDOW_FROM,
        "needed_until": WINDOW_UNTIL,
        "priority": "high",
    }
    values.update(data)
    return services.requirement_create(by=world["mfa_planner"], plan=world.plan, data=values)


def pledge_make(
    world: World,
    offer: CapabilityOffer,
    requirement: Requirement,
    quantity: str,
    *,
    accept: bool = True,
) -> Pledge:
    """Proposed by the plan's lead planner, accepted by the offering organisation's approver."""
    org = offer.organisation.slug
    pledge = services.pledge_propose(
        by=world["mfa_planner"],
        offer=offer,
        requirement=requirement,
        quantity=Decimal(quantity),
        side="requirement",
    )
    if accept:
        services.pledge_decide(
            pledge=pledge, by=world[f"{org}_approver"], round=pledge.round, decision="accept"
        )
        pledge.refresh_from_db()
    return pledge
