"""Funding services: money stays Decimal and per currency, requests never exceed their
allocation, decisions pin their round, times to disburse are stored and summarised."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.concurrency import StaleVersion
from accounts.decisions import StaleRound
from accounts.grants import grants_desired, grants_rebuild
from funding import selectors, services
from funding.models import (
    Allocation,
    DisbursementDecision,
    DisbursementRequest,
    DisbursementStatus,
)
from funding.money import sum_by_currency, totals_by_currency
from tests.funding.conftest import World, ago, approve, request_money

pytestmark = pytest.mark.django_db


def test_money_never_floats_point_one_plus_point_two_is_exactly_point_three(
    world: World,
) -> None:
    request_money(world, "0.10")
    request_money(world, "0.20")
    allocation = selectors.allocation_list(user=world.person("lead_planner")).get(
        pk=world.to_clerks.pk
    )
    assert allocation.requested == Decimal("0.30")
    assert str(allocation.requested) == "0.30"
    funding = selectors.plan_funding(world.plan, user=world.person("lead_planner"))
    assert funding.requested == {"EUR": Decimal("0.30")}
    assert totals_by_currency(DisbursementRequest.objects.all()) == {"EUR": Decimal("0.30")}
    # As a float, 0.1 + 0.2 is 0.30000000000000004: no float is let near the sums.
    assert 0.1 + 0.2 != 0.3
    with pytest.raises(TypeError):
        sum_by_currency([("EUR", 0.1)])  # type: ignore[list-item]


def test_sums_in_two_currencies_stay_separate(world: World) -> None:
    dollars = services.instrument_create(
        by=world.person("contributor_planner"),
        owner=world.orgs["contributor_org"],
        name="Dollar window",
        kind="trust_fund",
        currency="USD",
        target_days_to_disburse=30,
    )
    services.allocation_create(
        by=world.person("contributor_planner"),
        instrument=dollars,
        activity=world.clerks,
        amount=Decimal("0.20"),
    )
    request_money(world, "0.10")
    funding = selectors.plan_funding(world.plan, user=world.person("lead_planner"))
    assert funding.allocated == {"EUR": Decimal("1500.00"), "USD": Decimal("0.20")}
    assert funding.requested == {"EUR": Decimal("0.10")}
    assert sum_by_currency(
        [("EUR", Decimal("0.1")), ("USD", Decimal("0.2")), ("EUR", Decimal("0.2"))]
    ) == {"EUR": Decimal("0.30"), "USD": Decimal("0.20")}
    assert Allocation.objects.get(instrument=dollars).currency == "USD"


def test_a_request_takes_its_currency_from_the_allocation(world: World) -> None:
    request = request_money(world, "12.34")
    assert (request.amount, request.currency) == (Decimal("12.34"), "EUR")


def test_requests_never_exceed_the_allocation(world: World) -> None:
    request_money(world, "600.00")
    with pytest.raises(ValidationError) as refused:
        request_money(world, "400.01")
    assert refused.value.message_dict == {
        "amount": ["Only 400.00 EUR of the allocation of 1,000.00 EUR is left to request."]
    }
    assert DisbursementRequest.objects.count() == 1
    request_money(world, "400.00")  # exactly what is left
    assert DisbursementRequest.objects.count() == 2


def test_a_rejected_request_frees_its_amount(world: World) -> None:
    first = request_money(world, "900.00")
    services.disbursement_decide(
        request=first,
        by=world.person("contributor_approver"),
        round=1,
        decision="reject",
        comment="Send the invoices first.",
    )
    second = request_money(world, "1000.00")
    assert second.amount == Decimal("1000.00")


def test_an_allocation_cannot_drop_below_what_is_requested(world: World) -> None:
    request_money(world, "700.00")
    with pytest.raises(ValidationError) as refused:
        services.allocation_update(
            allocation=world.to_clerks,
            by=world.person("contributor_planner"),
            version=1,
            data={"amount": Decimal("699.99")},
        )
    assert refused.value.message_dict == {"amount": ["Requests already take 700.00 EUR of it."]}
    assert Allocation.objects.get(pk=world.to_clerks.pk).amount == Decimal("1000.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "The amount must be more than zero."),
        (Decimal("-5"), "The amount must be more than zero."),
        (Decimal("1.005"), "Give the amount in whole cents (two decimal places)."),
        (Decimal("NaN"), "The amount must be more than zero."),
    ],
)
def test_bad_amounts_are_refused(world: World, amount: Decimal, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.disbursement_request(
            by=world.person("lead_planner"), allocation=world.to_clerks, amount=amount
        )
    assert refused.value.message_dict == {"amount": [message]}
    assert DisbursementRequest.objects.count() == 0


def test_decision_on_a_stale_round_is_refused_and_changes_nothing(world: World) -> None:
    request = request_money(world, "100.00")
    services.disbursement_update(
        request=request,
        by=world.person("lead_planner"),
        version=1,
        data={"amount": Decimal("150.00")},
    )
    with pytest.raises(StaleRound):
        services.disbursement_decide(
            request=request, by=world.person("contributor_approver"), round=1, decision="approve"
        )
    request.refresh_from_db()
    assert (request.status, request.round, request.version) == ("requested", 2, 2)
    assert DisbursementDecision.objects.count() == 0


def test_a_stale_version_is_refused(world: World) -> None:
    request = approve(world, request_money(world, "100.00"))
    with pytest.raises(StaleVersion):
        services.disbursement_record_paid(
            request=request, by=world.person("contributor_approver"), version=1
        )
    assert DisbursementRequest.objects.get(pk=request.pk).status == "approved"


def test_days_to_approve_and_to_disburse_are_stored(world: World) -> None:
    request = approve(world, request_money(world, "100.00", days_ago=20))
    assert (request.status, request.days_to_approve, request.approved_on) == (
        "approved",
        20,
        ago(0),
    )
    services.disbursement_record_paid(
        request=request, by=world.person("contributor_planner"), version=request.version
    )
    request.refresh_from_db()
    assert (request.status, request.disbursed_on, request.days_to_disburse) == (
        "disbursed",
        ago(0),
        20,
    )


def test_only_an_approved_request_is_disbursed(world: World) -> None:
    request = request_money(world, "100.00")
    with pytest.raises(ValidationError) as refused:
        services.disbursement_record_paid(
            request=request, by=world.person("contributor_approver"), version=1
        )
    assert refused.value.messages == [
        "Only an approved request can be disbursed; this one is requested."
    ]


def test_the_contributor_planner_requests_only_for_their_own_activity(world: World) -> None:
    request = request_money(world, "50.00", allocation=world.to_school, by="contributor_planner")
    assert request.requested_by == world.person("contributor_planner")
    with pytest.raises(PermissionDenied):
        request_money(world, "50.00", by="contributor_planner")
    assert DisbursementRequest.objects.count() == 1


def test_the_lead_planner_cannot_allocate_another_organisations_money(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.allocation_create(
            by=world.person("lead_planner"),
            instrument=world.fund,
            activity=world.clerks,
            amount=Decimal("5.00"),
        )
    assert Allocation.objects.count() == 2


def test_one_allocation_per_instrument_and_activity(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            by=world.person("contributor_planner"),
            instrument=world.fund,
            activity=world.clerks,
            amount=Decimal("5.00"),
        )
    assert refused.value.message_dict == {
        "activity": ["This instrument already funds this activity: change that allocation."]
    }


def test_median_and_90th_percentile() -> None:
    assert selectors.median([]) is None
    assert selectors.median([9]) == Decimal(9)
    assert selectors.median([31, 9]) == Decimal("20")
    assert selectors.median([3, 8, 9, 31]) == Decimal("8.5")
    assert selectors.percentile_90([]) is None
    assert selectors.percentile_90([5]) == 5
    assert selectors.percentile_90(list(range(1, 11))) == 9
    assert selectors.percentile_90(list(range(1, 12))) == 10


def test_times_per_instrument(world: World) -> None:
    for days_ago in (31, 9, 10):
        request = approve(world, request_money(world, "10.00", days_ago=days_ago))
        services.disbursement_record_paid(
            request=request, by=world.person("contributor_approver"), version=request.version
        )
    request_money(world, "10.00", days_ago=20)  # still waiting, past the 14-day target
    times = selectors.instrument_times(world.fund, user=world.person("contributor_planner"))
    assert (times.median, times.p90, times.target, times.over_target) == (Decimal(10), 31, 14, 2)
    assert sorted(days for days, _, _ in times.points()) == [9, 10, 20, 31]
    assert sorted(waiting for _, waiting, _ in times.points()) == [False, False, False, True]


def test_the_grant_index_equals_the_rules(world: World) -> None:
    request_money(world, "10.00")
    before = {
        model: grants_desired(list(model.objects.order_by("pk")))
        for model in (Allocation, DisbursementRequest)
    }
    change = grants_rebuild([Allocation, DisbursementRequest])
    assert (change.added, change.removed) == (0, 0)
    assert before[DisbursementRequest] == grants_desired(
        list(DisbursementRequest.objects.order_by("pk"))
    )


def test_a_new_participant_sees_the_plans_allocations(world: World) -> None:
    from missions.services import plan_update

    outsider = world.person("outsider")
    request_money(world, "10.00")
    assert not selectors.allocation_list(user=outsider).exists()
    assert not selectors.disbursement_list(user=outsider).exists()
    plan_update(
        plan=world.plan,
        by=world.person("lead_planner"),
        version=world.plan.version,
        data={
            "participants": [
                (world.orgs["contributor_org"], "contributor"),
                (world.orgs["consulted_org"], "consulted"),
                (world.orgs["outsider_org"], "consulted"),
            ]
        },
    )
    assert set(selectors.allocation_list(user=outsider).values_list("pk", flat=True)) == {
        world.to_clerks.pk,
        world.to_school.pk,
    }
    assert selectors.disbursement_list(user=outsider).count() == 1


def test_requests_open_past_target_are_flagged(world: World) -> None:
    late = request_money(world, "10.00", days_ago=15)
    on_time = request_money(world, "10.00", days_ago=14)
    today = ago(0)
    late = selectors.disbursement_list(user=world.person("lead_planner")).get(pk=late.pk)
    on_time = selectors.disbursement_list(user=world.person("lead_planner")).get(pk=on_time.pk)
    assert (late.overdue_on(today), on_time.overdue_on(today)) == (True, False)
    assert late.status == DisbursementStatus.REQUESTED
