"""A plan contributor that is not a partner of the plan's strategy learns nothing of it:
the selector hands out the plan without its strategy (finding 4 of the review)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind, Role, User
from missions import selectors, services
from missions.models import Plan
from strategy import services as strategy_services
from strategy.models import Strategy
from tests.conftest import api_as
from tests.factories import make_member, make_organisation


@pytest.fixture
def strategy(lead_planner: User, lead_org: Organisation) -> Strategy:
    """A strategy of the lead alone: the plan's contributor (mod) is not a partner."""
    strategy = strategy_services.strategy_create(
        by=lead_planner,
        title="Secret corridor strategy",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=lead_org,
    )
    strategy_services.goal_create(strategy=strategy, by=lead_planner, data={"title": "Calm"})
    return strategy


@pytest.fixture
def served(plan: Plan, strategy: Strategy, lead_planner: User) -> Plan:
    plan = services.plan_update(
        plan=plan, by=lead_planner, version=plan.version, data={"strategy": strategy}
    )
    line = plan.lines_of_effort.get()
    services.line_of_effort_update(
        line=line, by=lead_planner, version=line.version, data={"goals": list(strategy.goals.all())}
    )
    return plan


def test_the_api_gives_a_non_partner_no_strategy_and_no_goals(
    served: Plan, contributor_planner: User, lead_planner: User, strategy: Strategy
) -> None:
    client = api_as(contributor_planner)

    plan = client.get(f"/api/v1/plans/{served.pk}/").json()
    listed = client.get("/api/v1/plans/").json()["results"][0]
    lines = client.get(f"/api/v1/lines-of-effort/?plan={served.pk}").json()["results"]
    by_strategy = client.get(f"/api/v1/plans/?strategy={strategy.pk}").json()

    assert (plan["strategy"], listed["strategy"]) == (None, None)
    assert [line["goals"] for line in lines] == [[]]
    assert by_strategy["count"] == 0
    # The lead, a partner, sees both.
    lead_view = api_as(lead_planner).get(f"/api/v1/plans/{served.pk}/").json()
    assert lead_view["strategy"] == strategy.pk


def test_the_selector_hands_out_the_plan_without_its_strategy(
    served: Plan, contributor_planner: User, lead_planner: User, strategy: Strategy
) -> None:
    hidden = selectors.plan_detail(user=contributor_planner).get(pk=served.pk)
    shown = selectors.plan_detail(user=lead_planner).get(pk=served.pk)

    assert (hidden.strategy, hidden.strategy_id, hidden.strategy_hidden) == (None, None, True)
    assert (shown.strategy, shown.strategy_hidden) == (strategy, False)
    assert [list(line.goals.all()) for line in hidden.lines_of_effort.all()] == [[]]


def test_the_plan_pages_do_not_name_the_strategy_to_a_non_partner(
    client: object, served: Plan, contributor_planner: User
) -> None:
    client.force_login(contributor_planner)  # type: ignore[attr-defined]

    detail = client.get(reverse("plan-detail", args=[served.pk])).content.decode()  # type: ignore[attr-defined]
    listing = client.get(reverse("plan-list")).content.decode()  # type: ignore[attr-defined]

    assert "Secret corridor strategy" not in detail + listing
    assert "A strategy that is not shared with you" in detail
    assert "Calm" not in detail


def test_an_outsider_organisation_sees_nothing_of_it(served: Plan) -> None:
    police = make_organisation(slug="police2", kind=OrganisationKind.POLICE)
    stranger = make_member(police, Role.PLANNER)

    assert api_as(stranger).get(f"/api/v1/plans/{served.pk}/").status_code == 404
