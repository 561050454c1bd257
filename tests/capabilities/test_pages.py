"""Capabilities pages: the plan's section, needs and pledges proposed on pages, offers made
and changed, and a pledge decided on its page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from capabilities import services
from capabilities.models import CapabilityOffer, Pledge, Requirement
from tests.capabilities.conftest import WINDOW_FROM, World, offer_make, requirement_make


def _as(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world[persona])
    return client


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("persona", "status", "actions"),
    [
        ("mfa_planner", 200, True),
        ("mod_planner", 200, False),  # a contributor's planner: may propose from its offers
        ("mfa_approver", 200, False),
        ("superuser", 200, False),
        ("outsider", 404, False),
        ("nato_planner", 404, False),
    ],
)
def test_the_plan_section(world: World, persona: str, status: int, actions: bool) -> None:
    requirement_make(world)
    response = _as(world, persona).get(f"/plans/{world.plan.pk}/capabilities/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Engineering teams for bridge repair" in html
        assert ("Add a need" in html) is actions
        assert 'class="gap-matrix striped"' in html


def test_a_lead_planner_adds_a_need_and_is_told(world: World) -> None:
    url = f"/plans/{world.plan.pk}/requirements/new/"
    assert _as(world, "mod_planner").get(url).status_code == 403
    assert _as(world, "superuser").get(url).status_code == 403
    client = _as(world, "mfa_planner")
    data = {
        "kind": "expertise",
        "domain": "rule_of_law",
        "description": "Judicial experts",
        "quantity": "6",
        "unit": "experts",
        "needed_from": "2027-03-01",
        "needed_until": "2027-02-01",
        "priority": "critical",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "The need must end on or after the day it starts." in refused.content.decode()
    assert Requirement.objects.count() == 0
    done = client.post(url, data | {"needed_until": "2027-09-30"}, follow=True)
    assert _messages(done) == ["Need added: it shows in the gap matrix."]
    need = Requirement.objects.get()
    assert (need.quantity, need.unit, need.created_by) == (
        Decimal("6.00"),
        "experts",
        world["mfa_planner"],
    )


def test_a_pledge_is_proposed_on_the_page(world: World) -> None:
    need = requirement_make(world)
    offer = offer_make(world, "nato")
    url = f"/plans/{world.plan.pk}/pledges/new/"
    assert _as(world, "outsider").get(url).status_code == 404
    client = _as(world, "mfa_planner")
    page = client.get(f"{url}?requirement={need.pk}")
    assert page.status_code == 200
    assert "NATO: Engineering team" in page.content.decode()
    too_much = client.post(url, {"requirement": need.pk, "offer": offer.pk, "quantity": "9"})
    assert "Only 4 teams of this offer is not pledged yet." in too_much.content.decode()
    done = client.post(
        url, {"requirement": need.pk, "offer": offer.pk, "quantity": "2"}, follow=True
    )
    assert _messages(done) == ["Pledge proposed: the other side's approvers decide it."]
    pledge = Pledge.objects.get()
    assert (pledge.proposed_by, pledge.status, pledge.quantity) == (
        "requirement",
        "proposed",
        Decimal("2.00"),
    )


def test_a_pledge_is_decided_on_its_page(world: World) -> None:
    need = requirement_make(world)
    pledge = services.pledge_propose(
        by=world["un_planner"],
        offer=offer_make(world, "un"),
        requirement=need,
        quantity=Decimal(2),
    )
    url = f"/pledges/{pledge.pk}/decide/"
    assert _as(world, "outsider").get(url).status_code == 404
    assert _as(world, "superuser").get(url).status_code == 403
    assert _as(world, "un_approver").get(url).status_code == 403
    client = _as(world, "mfa_approver")
    assert client.get(url).status_code == 200
    done = client.post(url, {"decision": "accept", "round": 1, "comment": ""}, follow=True)
    assert "Ministry of Foreign Affairs accepted proposal 1 of this pledge." in _messages(done)
    pledge.refresh_from_db()
    assert pledge.status == "accepted"


def test_an_offer_is_made_and_changed_on_pages(world: World) -> None:
    client = _as(world, "un_planner")
    assert _as(world, "superuser").get("/capabilities/new/").status_code == 403
    data = {
        "organisation": world.orgs["un"].pk,
        "kind": "personnel",
        "domain": "security",
        "description": "Engineering company",
        "quantity": "2",
        "unit": "teams",
        "available_from": WINDOW_FROM.isoformat(),
        "available_until": "2027-12-31",
        "visibility": "named",
        "shared_with": [world.orgs["mfa"].pk],
    }
    done = client.post("/capabilities/new/", data, follow=True)
    assert _messages(done) == ["Offer made: plans can now ask for it."]
    offer = CapabilityOffer.objects.get()
    assert list(offer.shared_with.all()) == [world.orgs["mfa"]]
    edit = f"/capabilities/{offer.pk}/edit/"
    assert _as(world, "mfa_planner").get(edit).status_code == 403
    assert _as(world, "mod_planner").get(edit).status_code == 404
    saved = client.post(edit, data | {"quantity": "3", "version": 1}, follow=True)
    assert _messages(saved) == ["Offer saved."]
    stale = client.post(edit, data | {"quantity": "5", "version": 1})
    assert "Someone else changed this since you opened it." in stale.content.decode()
    offer.refresh_from_db()
    assert (offer.quantity, offer.version) == (Decimal("3.00"), 2)


def test_the_organisation_page_loads_its_offers(world: World) -> None:
    page = _as(world, "mfa_planner").get(f"/organisations/{world.orgs['un'].pk}/")
    assert f'hx-get="/organisations/{world.orgs["un"].pk}/offers/"' in page.content.decode()


def test_a_french_speaking_planner_reads_the_gap_view_and_its_errors_in_french(
    world: World,
) -> None:
    world["mfa_planner"].language = "fr"
    world["mfa_planner"].save(update_fields=["language"])
    need = requirement_make(world)
    requirement_make(world, description="Judicial experts", unit="experts", kind="expertise")
    offer = offer_make(world, "nato")
    client = _as(world, "mfa_planner")

    html = client.get(f"/plans/{world.plan.pk}/capabilities/").content.decode()
    assert "Ajouter un besoin" in html
    assert "Judicial experts</a>: 2 sur 2 experts que personne n'a offerts" in html
    assert "priorité haute" in html
    assert "Add a need" not in html
    assert "that no one has offered" not in html

    refused = client.post(
        f"/plans/{world.plan.pk}/pledges/new/",
        {"requirement": need.pk, "offer": offer.pk, "quantity": "9"},
    )
    assert "Seuls 4 teams de cette offre ne sont pas encore engagés." in refused.content.decode()
