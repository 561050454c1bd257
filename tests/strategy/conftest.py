"""Strategy personas: the lead organisation is `mfa`, the partner `mod`, the outsider `ngo`.

Besides the partners' people and the outsider: `superuser` (no membership: sees every
strategy, acts on none), `ended_yesterday` (planner, approver and field advisor of mfa until
yesterday, still in its Django groups) and `starts_tomorrow` (the same from tomorrow, already
in the groups). The last two must get exactly what the outsider gets, except where the
outsider is served for being a planner somewhere (they plan nowhere today).

`strategy` is a draft led by mfa with partner mod, one driver, one goal addressing it and one
indicator with a warning threshold above 40.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Organisation, OrganisationKind, Role, User
from strategy import services
from strategy.models import Goal, Indicator, Strategy
from tests.factories import (
    make_former_member,
    make_future_member,
    make_member,
    make_organisation,
    make_user,
)

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "lead_org": {"slug": "mfa", "name": "Ministry of Foreign Affairs"},
    "partner_org": {"slug": "mod", "name": "Ministry of Defence", "kind": OrganisationKind.DEFENCE},
    "outsider_org": {"slug": "ngo", "name": "Peacebuilding Partners", "kind": OrganisationKind.NGO},
}
MEMBERS: dict[str, tuple[str, str, str]] = {
    # persona: (organisation, role, username)
    "lead_planner": ("lead_org", Role.PLANNER, "lead-planner"),
    "lead_approver": ("lead_org", Role.APPROVER, "lead-approver"),
    "partner_planner": ("partner_org", Role.PLANNER, "partner-planner"),
    "partner_approver": ("partner_org", Role.APPROVER, "partner-approver"),
}
LAPSED_ROLES = [Role.PLANNER, Role.APPROVER, Role.FIELD_ADVISOR]


def member_make(persona: str, organisation: Organisation) -> User:
    _, role, username = MEMBERS[persona]
    return make_member(organisation, role, username=username)


def strategy_outsider_make(outsider_org: Organisation) -> User:
    user = make_member(outsider_org, Role.PLANNER, username="outsider")
    from tests.factories import add_membership

    add_membership(user, outsider_org, Role.APPROVER)
    return user


def personas_with(lead_org: Organisation, people: dict[str, User]) -> dict[str, User | None]:
    """The partners' people and the outsider, with the superuser and the lapsed members."""
    return {
        **people,
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "ended_yesterday": make_former_member(lead_org, LAPSED_ROLES, username="ended-yesterday"),
        "starts_tomorrow": make_future_member(lead_org, LAPSED_ROLES, username="starts-tomorrow"),
        "anonymous": None,
    }


def strategy_people_make() -> tuple[dict[str, Organisation], dict[str, User | None]]:
    """Every organisation and persona above, as the fixtures make them."""
    organisations = {name: make_organisation(**data) for name, data in ORGANISATIONS.items()}
    people = {
        persona: member_make(persona, organisations[organisation])
        for persona, (organisation, _, _) in MEMBERS.items()
    }
    people["outsider"] = strategy_outsider_make(organisations["outsider_org"])
    return organisations, personas_with(organisations["lead_org"], people)


def strategy_world_make() -> tuple[dict[str, Organisation], dict[str, User | None], Strategy]:
    """Every organisation and persona above and the strategy, as the fixtures make them."""
    organisations, personas = strategy_people_make()
    lead_planner = personas["lead_planner"]
    assert lead_planner is not None
    strategy = strategy_make(
        lead_planner=lead_planner,
        lead_org=organisations["lead_org"],
        partner_org=organisations["partner_org"],
    )
    return organisations, personas, strategy


@pytest.fixture
def lead_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["lead_org"])


@pytest.fixture
def partner_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["partner_org"])


@pytest.fixture
def outsider_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["outsider_org"])


@pytest.fixture
def lead_planner(lead_org: Organisation) -> User:
    return member_make("lead_planner", lead_org)


@pytest.fixture
def lead_approver(lead_org: Organisation) -> User:
    return member_make("lead_approver", lead_org)


@pytest.fixture
def partner_planner(partner_org: Organisation) -> User:
    return member_make("partner_planner", partner_org)


@pytest.fixture
def partner_approver(partner_org: Organisation) -> User:
    return member_make("partner_approver", partner_org)


@pytest.fixture
def strategy_outsider(outsider_org: Organisation) -> User:
    """A planner and approver of an organisation that is not a partner."""
    return strategy_outsider_make(outsider_org)


@pytest.fixture
def personas(
    lead_org: Organisation,
    lead_planner: User,
    lead_approver: User,
    partner_planner: User,
    partner_approver: User,
    strategy_outsider: User,
) -> dict[str, User | None]:
    return personas_with(
        lead_org,
        {
            "lead_planner": lead_planner,
            "lead_approver": lead_approver,
            "partner_planner": partner_planner,
            "partner_approver": partner_approver,
            "outsider": strategy_outsider,
        },
    )


@pytest.fixture
def strategy(lead_planner: User, lead_org: Organisation, partner_org: Organisation) -> Strategy:
    return strategy_make(lead_planner=lead_planner, lead_org=lead_org, partner_org=partner_org)


def strategy_make(
    *, lead_planner: User, lead_org: Organisation, partner_org: Organisation
) -> Strategy:
    strategy = services.strategy_create(
        by=lead_planner,
        title="Stability in Northern Valeria",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=lead_org,
        partners=[partner_org],
        summary="A shared way out of the northern conflict.",
        processes=["un_impp", "whole_of_government"],
    )
    driver = services.driver_create(
        strategy=strategy,
        by=lead_planner,
        data={"title": "Land disputes", "kind": "root_cause", "order": 1},
    )
    goal = services.goal_create(
        strategy=strategy,
        by=lead_planner,
        data={"title": "Disputes settled without violence", "drivers": [driver]},
    )
    services.indicator_create(
        goal=goal,
        by=lead_planner,
        data={
            "name": "Violent incidents per month",
            "unit": "incidents",
            "baseline": Decimal(60),
            "target": Decimal(10),
            "warning_threshold": Decimal(40),
            "warning_direction": "above",
        },
    )
    strategy.refresh_from_db()
    return strategy


@pytest.fixture
def goal(strategy: Strategy) -> Goal:
    return strategy.goals.get()


@pytest.fixture
def indicator(goal: Goal) -> Indicator:
    return goal.indicators.get()
