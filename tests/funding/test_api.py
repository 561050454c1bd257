"""The funding API: who may decide (the matrix, superuser and outsider included, nothing
changed when denied), stale rounds 409, over-allocation 400, amounts as exact decimal strings
per currency, lists filtered by permission with a flat number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from funding import services
from funding.models import Allocation, DisbursementDecision, DisbursementRequest
from tests.conftest import api_as, world_built_once_per_module
from tests.funding.conftest import (
    World,
    approve,
    request_money,
    world_make,
)

world, built_world = world_built_once_per_module(world_make)

pytestmark = pytest.mark.django_db

DISBURSEMENTS = "/api/v1/disbursements/"
ALLOCATIONS = "/api/v1/allocations/"
INSTRUMENTS = "/api/v1/funding-instruments/"

PERSONAS = [
    "contributor_approver",
    "contributor_planner",
    "lead_planner",
    "lead_approver",
    "field_advisor",
    "outsider",
    "superuser",
    "ended_yesterday",
    "starts_tomorrow",
    "anonymous",
]


def _state(request: DisbursementRequest) -> tuple[Any, ...]:
    row = DisbursementRequest.objects.get(pk=request.pk)
    return (row.status, row.round, row.version, row.approved_on, row.rejected_on)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("contributor_approver", 200),  # an approver of the instrument's owner
        ("contributor_planner", 403),  # sees it, decides nothing
        ("lead_planner", 403),
        ("lead_approver", 403),  # approves the plan, not the owner's money
        ("field_advisor", 403),
        ("outsider", 404),
        ("superuser", 403),  # sees everything, acts only for organisations they belong to
        ("ended_yesterday", 404),
        ("starts_tomorrow", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_decide_a_disbursement(world: World, persona: str, expected: int) -> None:
    request = request_money(world, "100.00")
    before = _state(request)
    response = api_as(world.people[persona]).post(
        f"{DISBURSEMENTS}{request.pk}/decide/",
        {"decision": "approve", "round": 1},
        format="json",
    )
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "approved"
        assert response.json()["decisions"][0]["state"] == "approved"
        assert DisbursementDecision.objects.count() == 1
    else:
        assert _state(request) == before
        assert DisbursementDecision.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("contributor_approver", 200),
        ("contributor_planner", 200),
        ("lead_planner", 403),
        ("lead_approver", 403),
        ("outsider", 404),
        ("superuser", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_record_a_disbursement(world: World, persona: str, expected: int) -> None:
    request = approve(world, request_money(world, "100.00", days_ago=3))
    before = _state(request)
    response = api_as(world.people[persona]).post(
        f"{DISBURSEMENTS}{request.pk}/disbursed/", {"version": request.version}, format="json"
    )
    assert response.status_code == expected
    if expected == 200:
        assert (response.json()["status"], response.json()["days_to_disburse"]) == (
            "disbursed",
            3,
        )
    else:
        assert _state(request) == before


@pytest.mark.parametrize(
    ("persona", "allocation", "expected"),
    [
        ("lead_planner", "to_clerks", 201),
        ("lead_planner", "to_school", 201),
        ("contributor_planner", "to_school", 201),  # their organisation's activity
        ("contributor_planner", "to_clerks", 403),
        ("contributor_approver", "to_school", 403),
        ("lead_approver", "to_clerks", 403),
        ("field_advisor", "to_clerks", 403),
        ("superuser", "to_clerks", 403),
        ("outsider", "to_clerks", 400),  # an allocation it cannot see "does not exist"
        ("anonymous", "to_clerks", 401),
    ],
)
def test_who_may_request_money(world: World, persona: str, allocation: str, expected: int) -> None:
    response = api_as(world.people[persona]).post(
        DISBURSEMENTS,
        {"allocation": getattr(world, allocation).pk, "amount": "25.50", "purpose": "Fees"},
        format="json",
    )
    assert response.status_code == expected
    assert DisbursementRequest.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        body = response.json()
        assert (body["amount"], body["currency"], body["status"], body["round"]) == (
            "25.50",
            "EUR",
            "requested",
            1,
        )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("contributor_planner", 201),
        ("contributor_approver", 403),
        ("lead_planner", 400),  # the instrument is not theirs to see
        ("outsider", 400),
        ("superuser", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_allocate(world: World, persona: str, expected: int) -> None:
    Allocation.objects.filter(pk=world.to_clerks.pk).delete()
    response = api_as(world.people[persona]).post(
        ALLOCATIONS,
        {"instrument": world.fund.pk, "activity": world.clerks.pk, "amount": "300.00"},
        format="json",
    )
    assert response.status_code == expected
    assert Allocation.objects.count() == (2 if expected == 201 else 1)


def test_a_stale_round_is_409_with_the_request_now(world: World) -> None:
    request = request_money(world, "100.00")
    lead = api_as(world.person("lead_planner"))
    changed = lead.patch(
        f"{DISBURSEMENTS}{request.pk}/", {"amount": "120.00", "version": 1}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["round"], changed.json()["version"]) == (2, 2)
    response = api_as(world.person("contributor_approver")).post(
        f"{DISBURSEMENTS}{request.pk}/decide/", {"decision": "approve", "round": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["round"] == 2
    assert response.json()["current"]["status"] == "requested"
    assert DisbursementDecision.objects.count() == 0
    ok = api_as(world.person("contributor_approver")).post(
        f"{DISBURSEMENTS}{request.pk}/decide/",
        {"decision": "reject", "round": 2, "comment": "Too early."},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "rejected"


def test_a_stale_version_is_409(world: World) -> None:
    request = request_money(world, "100.00")
    response = api_as(world.person("lead_planner")).patch(
        f"{DISBURSEMENTS}{request.pk}/", {"purpose": "x", "version": 7}, format="json"
    )
    assert response.status_code == 409
    assert _state(request) == ("requested", 1, 1, None, None)


def test_over_allocation_is_400_and_files_nothing(world: World) -> None:
    lead = api_as(world.person("lead_planner"))
    first = lead.post(
        DISBURSEMENTS, {"allocation": world.to_school.pk, "amount": "499.99"}, format="json"
    )
    assert first.status_code == 201
    response = lead.post(
        DISBURSEMENTS, {"allocation": world.to_school.pk, "amount": "0.02"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "amount": ["Only 0.01 EUR of the allocation of 500.00 EUR is left to request."]
    }
    assert DisbursementRequest.objects.count() == 1


def test_amounts_are_exact_decimal_strings_never_floats(world: World) -> None:
    lead = api_as(world.person("lead_planner"))
    for amount in ("0.10", "0.20"):
        assert (
            lead.post(
                DISBURSEMENTS, {"allocation": world.to_clerks.pk, "amount": amount}, format="json"
            ).status_code
            == 201
        )
    allocation = lead.get(f"{ALLOCATIONS}{world.to_clerks.pk}/").json()
    assert (allocation["amount"], allocation["requested"], allocation["currency"]) == (
        "1000.00",
        "0.30",
        "EUR",
    )
    refused = lead.post(
        DISBURSEMENTS, {"allocation": world.to_clerks.pk, "amount": 0.1}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "amount": ['Send the amount as a string, e.g. "1500.00", so no digit is lost.']
    }
    assert sum(
        (Decimal(row["amount"]) for row in lead.get(DISBURSEMENTS).json()["results"]),
        Decimal("0"),
    ) == Decimal("0.30")


def test_decision_is_notified_and_done(world: World) -> None:
    request = request_money(world, "100.00")
    approver = world.person("contributor_approver")
    asked = Notification.objects.get(recipient=approver)
    assert asked.kind == "funding.decision_requested"
    assert asked.read_at is None
    services.disbursement_decide(request=request, by=approver, round=1, decision="approve")
    # The requester and the lead's planners hear the outcome (here one person), once.
    assert list(
        Notification.objects.filter(kind="funding.approved").values_list(
            "recipient__username", flat=True
        )
    ) == ["lead-planner"]


# --- lists: filtered by permission, in a fixed number of queries ---------------------------------


def _second_plan(world: World) -> Allocation:
    """A plan of the outsider's organisation, funded by the same instrument: `mod`'s members
    see its allocation as the owner; `mfa`'s do not."""
    from missions import services as plans

    outsider = world.person("outsider")
    plan = plans.plan_create(
        by=outsider,
        title="Border police plan",
        theatre="Valeria",
        lead_organisation=world.orgs["outsider_org"],
        participants=[(world.orgs["contributor_org"], "contributor")],
        start_date=world.plan.start_date,
        end_date=world.plan.end_date,
    )
    line = plans.line_of_effort_create(
        plan=plan,
        by=outsider,
        data={
            "domain": "security",
            "title": "Patrols",
            "lead_organisation": plan.lead_organisation,
        },
    )
    activity = plans.activity_create(
        line_of_effort=line,
        by=outsider,
        data={
            "title": "Joint patrols",
            "responsible_organisation": plan.lead_organisation,
            "actor_type": "police",
            "task_nature": "non_military",
            "start_date": world.plan.start_date,
            "end_date": world.plan.end_date,
        },
    )
    return services.allocation_create(
        by=world.person("contributor_planner"),
        instrument=world.fund,
        activity=activity,
        amount=Decimal("70.00"),
    )


def _ids(persona_client: Any, url: str) -> list[int]:
    response = persona_client.get(url)
    if response.status_code != 200:
        return [response.status_code]
    return sorted(row["id"] for row in response.json()["results"])


def test_lists_show_what_each_persona_may_see(world: World) -> None:
    police = _second_plan(world)
    on_plan = request_money(world, "10.00")
    on_police = services.disbursement_request(
        by=world.person("outsider"), allocation=police, amount=Decimal("5.00")
    )
    plan_allocations = sorted([world.to_clerks.pk, world.to_school.pk])
    expected = {
        # the owner's members see everything of the instrument
        "contributor_planner": ([world.fund.pk], sorted([*plan_allocations, police.pk]), 2),
        "contributor_approver": ([world.fund.pk], sorted([*plan_allocations, police.pk]), 2),
        # the plan's participants see what is on their plan, not the instrument
        "lead_planner": ([], plan_allocations, 1),
        "field_advisor": ([], plan_allocations, 1),
        "outsider": ([], [police.pk], 1),
        "superuser": ([world.fund.pk], sorted([*plan_allocations, police.pk]), 2),
        "ended_yesterday": ([], [], 0),
        "starts_tomorrow": ([], [], 0),
    }
    for persona, (instruments, allocations, requests) in expected.items():
        client = api_as(world.person(persona))
        assert _ids(client, INSTRUMENTS) == instruments, persona
        assert _ids(client, ALLOCATIONS) == allocations, persona
        assert len(_ids(client, DISBURSEMENTS)) == requests, persona
    assert _ids(api_as(world.person("outsider")), DISBURSEMENTS) == [on_police.pk]
    assert _ids(api_as(world.person("lead_planner")), DISBURSEMENTS) == [on_plan.pk]
    assert _ids(api_as(None), DISBURSEMENTS) == [401]


def _count(user: Any, url: str) -> int:
    client = api_as(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_lists_cost_the_same_at_two_rows_and_at_many(world: World) -> None:
    owner = world.person("contributor_planner")
    for _ in range(2):
        request_money(world, "1.00")
    small = {url: _count(owner, url) for url in (INSTRUMENTS, ALLOCATIONS, DISBURSEMENTS)}
    for n in range(12):
        services.instrument_create(
            by=owner,
            owner=world.orgs["contributor_org"],
            name=f"Fund {n}",
            kind="bilateral",
            currency="USD",
            target_days_to_disburse=10,
        )
    for _ in range(12):
        request_money(world, "1.00")
        request_money(world, "1.00", allocation=world.to_school)
    large = {url: _count(owner, url) for url in (INSTRUMENTS, ALLOCATIONS, DISBURSEMENTS)}
    assert small == large
    assert api_as(owner).get(DISBURSEMENTS).json()["count"] == 26
