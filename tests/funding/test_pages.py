"""Funding pages: the plan's "Funding" section (who sees it, what it shows, its forms), the
instrument page with its chart and table, a request's page with its decision and disbursed
step; plain-words errors and a success message after every action; flat query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from funding import services
from funding.models import Allocation, DisbursementRequest
from tests.conftest import world_built_once_per_module
from tests.funding.conftest import (
    World,
    approve,
    request_money,
    world_make,
)

world, built_world = world_built_once_per_module(world_make)

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("lead_planner", 200),
        ("contributor_approver", 200),
        ("field_advisor", 200),
        ("superuser", 200),
        ("outsider", 404),
        ("ended_yesterday", 404),
    ],
)
def test_who_sees_the_plan_section(world: World, persona: str, expected: int) -> None:
    response = _client(world.person(persona)).get(f"/plans/{world.plan.pk}/funding/")
    assert response.status_code == expected


def test_the_section_shows_allocations_requests_and_times(world: World) -> None:
    paid = approve(world, request_money(world, "0.10", days_ago=20))
    services.disbursement_record_paid(
        request=paid, by=world.person("contributor_approver"), version=paid.version
    )
    request_money(world, "0.20", days_ago=2)
    body = (
        _client(world.person("lead_planner")).get(f"/plans/{world.plan.pk}/funding/").content
    ).decode()
    assert "<dt>Allocated</dt><dd>1,500.00 EUR</dd>" in body
    assert "<dt>Requested</dt><dd>0.30 EUR</dd>" in body
    assert "<dt>Disbursed</dt><dd>0.10 EUR</dd>" in body
    assert "disbursement-chart" in body
    assert body.count('class="request-point"') == 2
    assert "Request a disbursement" in body  # the lead's planner requests
    assert "Allocate funding" not in body  # but allocates no one's money
    assert 'aria-label="Decide request' not in body


def test_the_owners_approver_decides_from_the_section(world: World) -> None:
    request = request_money(world, "100.00")
    approver = _client(world.person("contributor_approver"))
    body = approver.get(f"/plans/{world.plan.pk}/funding/").content.decode()
    assert f'aria-label="Decide request {request.pk}"' in body
    response = approver.post(
        f"/funding/disbursements/{request.pk}/decide/",
        {"decision": "approve", "round": "1", "comment": ""},
    )
    assert response.status_code == 302
    assert _messages(response) == ["Ministry of Defence approved the request (round 1)."]
    assert DisbursementRequest.objects.get(pk=request.pk).status == "approved"


def test_a_stale_decision_on_the_page_says_so_and_changes_nothing(world: World) -> None:
    request = request_money(world, "100.00")
    services.disbursement_update(
        request=request,
        by=world.person("lead_planner"),
        version=1,
        data={"amount": Decimal("90.00")},
    )
    response = _client(world.person("contributor_approver")).post(
        f"/funding/disbursements/{request.pk}/decide/", {"decision": "approve", "round": "1"}
    )
    assert response.status_code == 200
    assert "This changed since you opened it: you read round 1, and it is now at round 2." in (
        response.content.decode()
    )
    assert DisbursementRequest.objects.get(pk=request.pk).status == "requested"


def test_allocating_from_the_page(world: World) -> None:
    Allocation.objects.filter(pk=world.to_clerks.pk).delete()
    owner = _client(world.person("contributor_planner"))
    body = owner.get(f"/plans/{world.plan.pk}/funding/").content.decode()
    assert "Allocate funding" in body
    response = owner.post(
        f"/plans/{world.plan.pk}/funding/allocate/",
        {"instrument": world.fund.pk, "activity": world.clerks.pk, "amount": "250.00"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{world.plan.pk}/#funding"
    assert _messages(response) == [
        "Allocated 250.00 EUR from Stabilisation rapid response to “Train council clerks”."
    ]
    assert Allocation.objects.get(activity=world.clerks).amount == Decimal("250.00")


def test_requesting_too_much_on_the_page_is_a_form_error(world: World) -> None:
    lead = _client(world.person("lead_planner"))
    response = lead.post(
        f"/plans/{world.plan.pk}/funding/request/",
        {"allocation": world.to_school.pk, "amount": "500.01"},
    )
    assert response.status_code == 200
    assert (
        "Only 500.00 EUR of the allocation of 500.00 EUR is left to request."
        in response.content.decode()
    )
    assert DisbursementRequest.objects.count() == 0
    ok = lead.post(
        f"/plans/{world.plan.pk}/funding/request/",
        {"allocation": world.to_school.pk, "amount": "500.00", "purpose": "Bricks"},
    )
    assert ok.status_code == 302
    assert _messages(ok) == [
        "Requested 500.00 EUR: the approvers of Ministry of Defence are asked to decide."
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("contributor_approver", 403), ("lead_approver", 403), ("outsider", 404)],
)
def test_who_may_not_request_on_the_page(world: World, persona: str, expected: int) -> None:
    response = _client(world.person(persona)).post(
        f"/plans/{world.plan.pk}/funding/request/",
        {"allocation": world.to_clerks.pk, "amount": "5.00"},
    )
    assert response.status_code == expected
    assert DisbursementRequest.objects.count() == 0


def test_recording_the_disbursement_on_the_request_page(world: World) -> None:
    request = approve(world, request_money(world, "100.00", days_ago=5))
    client = _client(world.person("contributor_planner"))
    page = client.get(f"/funding/disbursements/{request.pk}/").content.decode()
    assert "Record as disbursed" in page
    response = client.post(
        f"/funding/disbursements/{request.pk}/disbursed/", {"version": request.version}
    )
    assert response.status_code == 302
    today = DisbursementRequest.objects.get(pk=request.pk).disbursed_on
    assert today is not None
    assert _messages(response) == [
        f"Recorded as disbursed on {today:%-d %b %Y}, 5 days after the request."
    ]
    assert (
        "Record as disbursed"
        not in _client(world.person("lead_planner"))
        .get(f"/funding/disbursements/{request.pk}/")
        .content.decode()
    )


def test_the_instrument_page_is_for_the_owners_members(world: World) -> None:
    late = approve(world, request_money(world, "100.00", days_ago=31))
    services.disbursement_record_paid(
        request=late, by=world.person("contributor_approver"), version=late.version
    )
    url = f"/funding/instruments/{world.fund.pk}/"
    body = _client(world.person("contributor_approver")).get(url).content.decode()
    assert "<dt>Median</dt><dd>31 days</dd>" in body
    assert "<dt>90th percentile</dt><dd>31 days</dd>" in body
    assert "<dt>Past the target</dt><dd>1 of 1 requests</dd>" in body
    assert body.count('class="request-point"') == 1
    for persona in ("lead_planner", "outsider"):
        assert _client(world.person(persona)).get(url).status_code == 404
    assert _client(world.person("superuser")).get(url).status_code == 200


def _queries(user: User, url: str) -> int:
    client = _client(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_pages_cost_the_same_at_two_rows_and_at_many(world: World) -> None:
    approver = world.person("contributor_approver")
    urls = [
        f"/plans/{world.plan.pk}/funding/",
        f"/funding/instruments/{world.fund.pk}/",
        "/funding/instruments/",
    ]
    for days_ago in (3, 4):
        request_money(world, "1.00", days_ago=days_ago)
    small = {url: _queries(approver, url) for url in urls}
    for n in range(10):
        paid = approve(world, request_money(world, "1.00", days_ago=n + 5))
        services.disbursement_record_paid(request=paid, by=approver, version=paid.version)
        request_money(world, "1.00", allocation=world.to_school, days_ago=n)
    large = {url: _queries(approver, url) for url in urls}
    assert small == large
