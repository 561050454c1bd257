"""Who sees an offer, per its visibility; who changes it; lists in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from capabilities.models import CapabilityOffer
from capabilities.selectors import visible_offers
from tests.capabilities.conftest import World, offer_make, pledge_make, requirement_make
from tests.conftest import api_as

PERSONAS = ["un_planner", "un_approver", "mfa_planner", "mod_planner", "outsider", "superuser"]


@pytest.mark.parametrize(
    ("visibility", "seen_by"),
    [
        ("organisation", {"un_planner", "un_approver", "superuser"}),
        ("named", {"un_planner", "un_approver", "mfa_planner", "superuser"}),
        ("all", set(PERSONAS)),
    ],
)
def test_who_sees_an_offer(world: World, visibility: str, seen_by: set[str]) -> None:
    offer = offer_make(world, "un", visibility=visibility, shared_with=[world.orgs["mfa"]])
    for persona in PERSONAS:
        user = world[persona]
        listed = [row["id"] for row in api_as(user).get("/api/v1/capabilities/").json()["results"]]
        detail = api_as(user).get(f"/api/v1/capabilities/{offer.pk}/").status_code
        page = Client()
        page.force_login(user)
        fragment = page.get(f"/organisations/{world.orgs['un'].pk}/offers/")
        sees = persona in seen_by
        assert (listed, detail) == (([offer.pk], 200) if sees else ([], 404)), persona
        assert (offer.description in fragment.content.decode()) is sees, persona
        assert list(visible_offers(user)) == ([offer] if sees else []), persona


def test_sharing_an_offer_with_fewer_organisations_takes_their_sight_away(world: World) -> None:
    offer = offer_make(
        world, "un", visibility="named", shared_with=[world.orgs["mfa"], world.orgs["mod"]]
    )
    assert list(visible_offers(world["mod_planner"])) == [offer]
    response = api_as(world["un_planner"]).patch(
        f"/api/v1/capabilities/{offer.pk}/",
        {"shared_with": [world.orgs["mfa"].pk], "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["shared_with"] == [world.orgs["mfa"].pk]
    assert list(visible_offers(world["mod_planner"])) == []
    assert list(visible_offers(world["mfa_planner"])) == [offer]


def test_anonymous_sees_nothing(world: World) -> None:
    offer_make(world, "un")
    assert api_as(None).get("/api/v1/capabilities/").status_code == 401
    assert Client().get(f"/organisations/{world.orgs['un'].pk}/offers/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("un_planner", 200),
        ("un_approver", 403),
        ("mfa_planner", 403),
        ("outsider", 403),
        ("superuser", 403),
    ],
)
def test_who_changes_an_offer(world: World, persona: str, status: int) -> None:
    offer = offer_make(world, "un")
    response = api_as(world[persona]).patch(
        f"/api/v1/capabilities/{offer.pk}/", {"quantity": "6", "version": 1}, format="json"
    )
    assert response.status_code == status
    offer.refresh_from_db()
    assert (offer.quantity, offer.version) == (
        (Decimal("6.00"), 2) if status == 200 else (Decimal("4.00"), 1)
    )


def test_a_stale_offer_edit_is_409_and_changes_nothing(world: World) -> None:
    offer = offer_make(world, "un")
    api = api_as(world["un_planner"])
    assert (
        api.patch(
            f"/api/v1/capabilities/{offer.pk}/", {"quantity": "5", "version": 1}, format="json"
        ).status_code
        == 200
    )
    stale = api.patch(
        f"/api/v1/capabilities/{offer.pk}/", {"quantity": "9", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["quantity"] == "5.00"
    offer.refresh_from_db()
    assert (offer.quantity, offer.version) == (Decimal("5.00"), 2)


def test_an_offer_cannot_fall_below_what_is_pledged_from_it(world: World) -> None:
    offer = offer_make(world, "un", quantity="4")
    pledge_make(world, offer, requirement_make(world), "3")
    response = api_as(world["un_planner"]).patch(
        f"/api/v1/capabilities/{offer.pk}/", {"quantity": "2", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"quantity": ["3 teams of this offer is pledged already."]}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"quantity": "0"}, {"quantity": ["Ensure this value is greater than or equal to 0.01."]}),
        (
            {"available_from": "2027-05-01", "available_until": "2027-04-01"},
            {"available_until": ["The offer must end on or after the day it starts."]},
        ),
        (
            {"visibility": "named", "shared_with": []},
            {"shared_with": ["Name at least one other organisation to share it with."]},
        ),
    ],
)
def test_bad_offers_are_400_with_the_field(
    world: World, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    data = {
        "organisation": world.orgs["un"].pk,
        "kind": "personnel",
        "domain": "security",
        "description": "Engineers",
        "quantity": "2",
        "unit": "teams",
        "available_from": "2027-03-01",
        "available_until": "2027-04-01",
        "visibility": "all",
    } | body
    response = api_as(world["un_planner"]).post("/api/v1/capabilities/", data, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert CapabilityOffer.objects.count() == 0


def test_offering_for_another_organisation_is_403(world: World) -> None:
    response = api_as(world["mfa_planner"]).post(
        "/api/v1/capabilities/",
        {
            "organisation": world.orgs["un"].pk,
            "kind": "personnel",
            "domain": "security",
            "description": "Engineers",
            "quantity": "2",
            "unit": "teams",
            "available_from": "2027-03-01",
            "available_until": "2027-04-01",
        },
        format="json",
    )
    assert response.status_code == 403
    assert CapabilityOffer.objects.count() == 0


def _queries(call: Any) -> int:
    call()  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["mfa_planner", "superuser"])
def test_lists_take_the_same_queries_for_2_and_many(world: World, persona: str) -> None:
    user = world[persona]
    api = api_as(user)
    page = Client()
    page.force_login(user)
    calls = {
        "capabilities": lambda: api.get("/api/v1/capabilities/"),
        "requirements": lambda: api.get("/api/v1/requirements/"),
        "pledges": lambda: api.get("/api/v1/pledges/"),
        "gaps": lambda: api.get(f"/api/v1/plans/{world.plan.pk}/capability-gaps/"),
        "section": lambda: page.get(f"/plans/{world.plan.pk}/capabilities/"),
        "offers": lambda: page.get(f"/organisations/{world.orgs['un'].pk}/offers/"),
    }

    def build(n: int) -> None:
        for i in range(n):
            need = requirement_make(world, description=f"Need {i}")
            pledge_make(
                world,
                offer_make(world, "un", visibility="named", shared_with=[world.orgs["mfa"]]),
                need,
                "1",
            )
            pledge_make(world, offer_make(world, "nato"), need, "1", accept=False)

    build(2)
    two = {name: _queries(call) for name, call in calls.items()}
    build(6)
    eight = {name: _queries(call) for name, call in calls.items()}
    assert eight == two
    assert len(api.get("/api/v1/pledges/").json()["results"]) == 16
