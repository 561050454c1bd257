"""Pledges: proposed by either side, decided by the other side's approvers on the proposal
they read; who may decide (superuser and outsider included); denied calls change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Notification
from capabilities import services
from capabilities.models import Pledge, PledgeDecision
from capabilities.work import pledges_to_decide
from tests.capabilities.conftest import World, offer_make, requirement_make
from tests.conftest import api_as


def _snapshot(pledge: Pledge) -> tuple[Any, ...]:
    pledge.refresh_from_db()
    return (
        pledge.status,
        pledge.round,
        pledge.version,
        pledge.quantity,
        PledgeDecision.objects.filter(pledge=pledge).count(),
    )


def _offer_side_pledge(world: World) -> Pledge:
    """Proposed by the UN (a consulted participant) from its offer: the plan's lead decides."""
    need = requirement_make(world)
    return services.pledge_propose(
        by=world["un_planner"],
        offer=offer_make(world, "un"),
        requirement=need,
        quantity=Decimal("2"),
    )


def _plan_side_pledge(world: World) -> Pledge:
    """Proposed by the plan's lead from NATO's offer: NATO decides."""
    need = requirement_make(world)
    return services.pledge_propose(
        by=world["mfa_planner"],
        offer=offer_make(world, "nato"),
        requirement=need,
        quantity=Decimal("2"),
    )


DECIDE_OFFER_SIDE = {
    "mfa_approver": 200,
    "mfa_planner": 403,
    "un_approver": 403,  # the side that proposed it
    "un_planner": 403,
    "mod_approver": 403,  # a contributor sees it, does not decide it
    "nato_approver": 404,  # neither side: does not see it
    "outsider": 404,
    "superuser": 403,  # sees everything, acts for no organisation
}

DECIDE_PLAN_SIDE = {
    "nato_approver": 200,
    "nato_planner": 403,
    "mfa_approver": 403,  # the side that proposed it
    "un_approver": 403,
    "mod_approver": 403,
    "outsider": 404,
    "superuser": 403,
}


@pytest.mark.parametrize(("persona", "status"), DECIDE_OFFER_SIDE.items())
def test_who_decides_a_pledge_the_offering_side_proposed(
    world: World, persona: str, status: int
) -> None:
    pledge = _offer_side_pledge(world)
    before = _snapshot(pledge)
    response = api_as(world[persona]).post(
        f"/api/v1/pledges/{pledge.pk}/decide/", {"decision": "accept", "round": 1}, format="json"
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "accepted"
        assert response.json()["decisions"][0]["state"] == "accepted"
        assert _snapshot(pledge) == ("accepted", 1, 2, Decimal("2.00"), 1)
    else:
        assert _snapshot(pledge) == before


@pytest.mark.parametrize(("persona", "status"), DECIDE_PLAN_SIDE.items())
def test_who_decides_a_pledge_the_plan_proposed(world: World, persona: str, status: int) -> None:
    pledge = _plan_side_pledge(world)
    before = _snapshot(pledge)
    response = api_as(world[persona]).post(
        f"/api/v1/pledges/{pledge.pk}/decide/",
        {"decision": "decline", "comment": "Needed elsewhere", "round": 1},
        format="json",
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "declined"
        assert _snapshot(pledge) == ("declined", 1, 2, Decimal("2.00"), 1)
    else:
        assert _snapshot(pledge) == before


def test_a_decision_on_an_earlier_proposal_is_409_and_changes_nothing(world: World) -> None:
    pledge = _offer_side_pledge(world)
    changed = api_as(world["mfa_planner"]).patch(
        f"/api/v1/pledges/{pledge.pk}/", {"quantity": "1", "version": 1}, format="json"
    )
    assert changed.status_code == 200
    # The lead's counter-proposal: now the UN decides proposal 2.
    assert (changed.json()["round"], changed.json()["proposed_by"]) == (2, "requirement")
    before = _snapshot(pledge)
    stale = api_as(world["un_approver"]).post(
        f"/api/v1/pledges/{pledge.pk}/decide/", {"decision": "accept", "round": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["round"] == 2
    assert _snapshot(pledge) == before
    fresh = api_as(world["un_approver"]).post(
        f"/api/v1/pledges/{pledge.pk}/decide/", {"decision": "accept", "round": 2}, format="json"
    )
    assert fresh.status_code == 200
    assert _snapshot(pledge) == ("accepted", 2, 3, Decimal("1.00"), 1)


def test_a_stale_version_of_a_pledge_is_409(world: World) -> None:
    pledge = _offer_side_pledge(world)
    response = api_as(world["un_planner"]).patch(
        f"/api/v1/pledges/{pledge.pk}/", {"quantity": "1", "version": 7}, format="json"
    )
    assert response.status_code == 409
    assert _snapshot(pledge) == ("proposed", 1, 1, Decimal("2.00"), 0)


def test_a_decided_pledge_takes_no_more_decisions(world: World) -> None:
    pledge = _offer_side_pledge(world)
    services.pledge_decide(pledge=pledge, by=world["mfa_approver"], round=1, decision="accept")
    response = api_as(world["mfa_approver"]).post(
        f"/api/v1/pledges/{pledge.pk}/decide/", {"decision": "decline", "round": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This pledge is accepted: there is nothing to decide."]
    }


def test_declining_needs_a_reason(world: World) -> None:
    pledge = _offer_side_pledge(world)
    response = api_as(world["mfa_approver"]).post(
        f"/api/v1/pledges/{pledge.pk}/decide/", {"decision": "decline", "round": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"comment": ["Say why you decline, so the other side knows."]}
    assert _snapshot(pledge) == ("proposed", 1, 1, Decimal("2.00"), 0)


def test_who_may_propose(world: World) -> None:
    need = requirement_make(world)
    offer = offer_make(world, "nato")
    body = {"offer": offer.pk, "requirement": need.pk, "quantity": "1"}
    # NATO does not see the plan's needs; the outsider sees neither; a superuser acts for none.
    assert api_as(world["nato_planner"]).post("/api/v1/pledges/", body).status_code == 400
    assert api_as(world["outsider"]).post("/api/v1/pledges/", body).status_code == 400
    assert api_as(world["superuser"]).post("/api/v1/pledges/", body).status_code == 403
    assert api_as(world["mod_planner"]).post("/api/v1/pledges/", body).status_code == 403
    assert Pledge.objects.count() == 0
    created = api_as(world["mfa_planner"]).post("/api/v1/pledges/", body)
    assert created.status_code == 201
    assert (created.json()["proposed_by"], created.json()["unit"]) == ("requirement", "teams")


def test_a_pledge_cannot_take_more_than_is_left_of_the_offer(world: World) -> None:
    first = requirement_make(world)
    second = requirement_make(world, description="More teams")
    offer = offer_make(world, "un", quantity="3")
    api = api_as(world["mfa_planner"])
    assert (
        api.post(
            "/api/v1/pledges/", {"offer": offer.pk, "requirement": first.pk, "quantity": "2"}
        ).status_code
        == 201
    )
    refused = api.post(
        "/api/v1/pledges/", {"offer": offer.pk, "requirement": second.pk, "quantity": "2"}
    )
    assert refused.status_code == 400
    assert refused.json() == {"quantity": ["Only 1 teams of this offer is not pledged yet."]}


def test_the_deciders_are_asked_and_the_work_list_shows_it_until_decided(world: World) -> None:
    pledge = _offer_side_pledge(world)
    assert list(
        Notification.objects.filter(kind="pledge.decision_requested").values_list(
            "recipient__username", flat=True
        )
    ) == ["mfa-approver"]
    assert list(pledges_to_decide(world["mfa_approver"])) == [pledge]
    for persona in ("mfa_planner", "un_approver", "superuser", "outsider"):
        assert list(pledges_to_decide(world[persona])) == []
    services.pledge_decide(pledge=pledge, by=world["mfa_approver"], round=1, decision="accept")
    assert list(pledges_to_decide(world["mfa_approver"])) == []


def test_withdrawing_frees_the_offer(world: World) -> None:
    pledge = _offer_side_pledge(world)
    denied = api_as(world["mod_planner"]).post(f"/api/v1/pledges/{pledge.pk}/withdraw/", {})
    assert denied.status_code == 403
    response = api_as(world["un_planner"]).post(
        f"/api/v1/pledges/{pledge.pk}/withdraw/", {"version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert _snapshot(pledge) == ("withdrawn", 1, 2, Decimal("2.00"), 0)


def test_the_gap_view_answers_those_who_see_the_plan(world: World) -> None:
    pledge = _offer_side_pledge(world)
    url = f"/api/v1/plans/{world.plan.pk}/capability-gaps/"
    for persona in ("outsider", "nato_approver"):
        assert api_as(world[persona]).get(url).status_code == 404
    response = api_as(world["mod_planner"]).get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["plan"] == world.plan.pk
    assert data["organisations"] == [
        {"id": world.orgs["un"].pk, "name": "United Nations", "acronym": "UN"}
    ]
    assert data["requirements"][0] | {"requirement": 0} == {
        "requirement": 0,
        "description": "Engineering teams for bridge repair",
        "kind": "personnel",
        "domain": "security",
        "priority": "high",
        "needed_from": "2027-03-01",
        "needed_until": "2027-04-09",
        "unit": "teams",
        "need": "2.00",
        "pledged": "0.00",
        "proposed": "2.00",
        "gap": "2.00",
        "beyond_need": "0.00",
        "coverage": 0,
        "unmet": False,
        "overlap": False,
        "organisations": [
            {"organisation": world.orgs["un"].pk, "pledged": "0.00", "proposed": "2.00"}
        ],
    }
    assert (data["unmet"], data["overlaps"], data["uncoordinated"]) == ([], [], [])
    assert pledge.requirement_id == data["requirements"][0]["requirement"]
