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


@pytest.fixture
def lead_org(db: None) -> Organisation:
    return make_organisation(slug="mfa", name="Ministry of Foreign Affairs")


@pytest.fixture
def partner_org(db: None) -> Organisation:
    return make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)


@pytest.fixture
def outsider_org(db: None) -> Organisation:
    return make_organisation(slug="ngo", name="Peacebuilding Partners", kind=OrganisationKind.NGO)


@pytest.fixture
def lead_planner(lead_org: Organisation) -> User:
    return make_member(lead_org, Role.PLANNER, username="lead-planner")


@pytest.fixture
def lead_approver(lead_org: Organisation) -> User:
    return make_member(lead_org, Role.APPROVER, username="lead-approver")


@pytest.fixture
def partner_planner(partner_org: Organisation) -> User:
    return make_member(partner_org, Role.PLANNER, username="partner-planner")


@pytest.fixture
def partner_approver(partner_org: Organisation) -> User:
    return make_member(partner_org, Role.APPROVER, username="partner-approver")


@pytest.fixture
def strategy_outsider(outsider_org: Organisation) -> User:
    """A planner and approver of an organisation that is not a partner."""
    user = make_member(outsider_org, Role.PLANNER, username="outsider")
    from tests.factories import add_membership

    add_membership(user, outsider_org, Role.APPROVER)
    return user


LAPSED_ROLES = [Role.PLANNER, Role.APPROVER, Role.FIELD_ADVISOR]


@pytest.fixture
def personas(
    lead_org: Organisation,
    lead_planner: User,
    lead_approver: User,
    partner_planner: User,
    partner_approver: User,
    strategy_outsider: User,
) -> dict[str, User | None]:
    return {
        "lead_planner": lead_planner,
        "lead_approver": lead_approver,
        "partner_planner": partner_planner,
        "partner_approver": partner_approver,
        "outsider": strategy_outsider,
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "ended_yesterday": make_former_member(lead_org, LAPSED_ROLES, username="ended-yesterday"),
        "starts_tomorrow": make_future_member(lead_org, LAPSED_ROLES, username="starts-tomorrow"),
        "anonymous": None,
    }


@pytest.fixture
def strategy(lead_planner: User, lead_org: Organisation, partner_org: Organisation) -> Strategy:
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
