"""Perception readings: recorded through the strategy's reading service as readings of an
indicator of the plan's strategy, so a fall in trust past the threshold sets the indicator in
warning and notifies the partners exactly as any early-warning indicator does (once per
crossing); the API's matrix and flat list."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Notification
from missions import services as plans
from outreach import services
from outreach.models import PerceptionReading
from strategy import services as strategies
from strategy.models import Indicator, IndicatorReading
from tests.conftest import api_as
from tests.outreach.conftest import today

pytestmark = pytest.mark.django_db

LIST = "/api/v1/perception-readings/"


def _record(
    world: dict[str, Any], value: int, days_ago: int = 0, **extra: Any
) -> PerceptionReading:
    return services.perception_record(
        plan=world["plan"],
        by=world["people"]["mfa_advisor"],
        indicator=world["indicator"],
        date=today() - datetime.timedelta(days=days_ago),
        value=Decimal(value),
        area="Kora district",
        source="Valeria Opinion Institute",
        sample_size=400,
        **extra,
    )


def _warnings() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind="strategy.indicator_warning").values_list(
            "recipient__username", "text"
        )
    )


def test_a_reading_below_the_threshold_warns_like_any_indicator(world: dict[str, Any]) -> None:
    _record(world, 52, days_ago=30)
    indicator = Indicator.objects.get(pk=world["indicator"].pk)
    assert indicator.in_warning is False
    assert _warnings() == []

    perception = _record(world, 36)
    indicator.refresh_from_db()
    assert indicator.in_warning is True
    text = (
        "Early warning on “Stability in Northern Valeria”: Trust in the police is 36 %, below "
        "the threshold of 40."
    )
    assert _warnings() == [
        ("mfa-approver", text),
        ("mfa-planner", text),
        ("mod-approver", text),
        ("mod-planner", text),
    ]
    # The reading is the strategy's own: the indicator's history and chart show it.
    assert list(
        IndicatorReading.objects.filter(indicator=indicator).values_list("value", flat=True)
    ) == [
        Decimal("52.00"),
        Decimal("36.00"),
    ]
    assert perception.reading.recorded_by == world["people"]["mfa_advisor"]

    _record(world, 34)  # still below: the same crossing, no second warning
    assert len(_warnings()) == 4
    _record(world, 45)  # back above: the warning ends
    indicator.refresh_from_db()
    assert indicator.in_warning is False


def test_the_same_warning_comes_from_a_reading_recorded_on_the_strategy(
    world: dict[str, Any],
) -> None:
    strategies.reading_record(
        indicator=world["indicator"],
        by=world["people"]["mfa_advisor"],
        date=today(),
        value=Decimal(30),
    )
    assert len(_warnings()) == 4


def test_an_indicator_of_another_strategy_is_refused(world: dict[str, Any]) -> None:
    planner = world["people"]["mfa_planner"]
    other = strategies.strategy_create(
        by=planner,
        title="Other",
        theatre="Elsewhere",
        approach="prevention",
        lead_organisation=world["orgs"]["mfa"],
    )
    goal = strategies.goal_create(strategy=other, by=planner, data={"title": "Calm"})
    foreign = strategies.indicator_create(
        goal=goal, by=planner, data={"name": "Calm", "baseline": Decimal(1), "target": Decimal(2)}
    )
    with pytest.raises(ValidationError) as refused:
        services.perception_record(
            plan=world["plan"],
            by=world["people"]["mfa_advisor"],
            indicator=foreign,
            date=today(),
            value=Decimal(20),
            area="Kora",
            source="Survey",
        )
    assert refused.value.message_dict == {
        "indicator": ["Choose an indicator of the plan's strategy."]
    }
    assert IndicatorReading.objects.count() == 0


def test_a_plan_without_strategy_takes_no_perception(world: dict[str, Any]) -> None:
    plan = plans.plan_create(
        by=world["people"]["mfa_planner"],
        title="Assessment",
        theatre="Valeria",
        lead_organisation=world["orgs"]["mfa"],
        start_date=today(),
        end_date=today(),
    )
    response = api_as(world["people"]["mfa_advisor"]).post(
        LIST,
        {
            "plan": plan.pk,
            "indicator": world["indicator"].pk,
            "date": today().isoformat(),
            "value": "30",
            "area": "Kora",
            "source": "Survey",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "indicator": ["This plan serves no strategy yet: its indicators come from one."]
    }


def _body(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "plan": world["plan"].pk,
        "indicator": world["indicator"].pk,
        "date": today().isoformat(),
        "value": "36.5",
        "measure": "percent",
        "area": "Kora district",
        "source": "Valeria Opinion Institute",
        "sample_size": 420,
        "public": True,
        **extra,
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_advisor", 201),
        ("mfa_planner", 201),
        ("mod_planner", 201),
        ("police_planner", 403),
        ("ngo_approver", 403),
        ("superuser", 403),
        ("outsider", 400),
        ("anonymous", 401),
    ],
)
def test_who_records_perception(world: dict[str, Any], persona: str, status: int) -> None:
    response = api_as(world["people"][persona]).post(LIST, _body(world), format="json")
    assert response.status_code == status, response.content
    assert PerceptionReading.objects.count() == (1 if status == 201 else 0)
    assert IndicatorReading.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert {
            k: body[k]
            for k in (
                "indicator_name",
                "value",
                "unit",
                "in_warning",
                "area",
                "sample_size",
                "public",
            )
        } == {
            "indicator_name": "Trust in the police",
            "value": "36.50",
            "unit": "%",
            "in_warning": True,
            "area": "Kora district",
            "sample_size": 420,
            "public": True,
        }


def test_a_percentage_above_100_is_a_field_error(world: dict[str, Any]) -> None:
    response = api_as(world["people"]["mfa_advisor"]).post(
        LIST, _body(world, value="140"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"value": ["A percentage lies between 0 and 100."]}
    assert IndicatorReading.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [("mfa_advisor", 200), ("mfa_planner", 200), ("mod_planner", 403), ("outsider", 404)],
)
def test_correcting_the_surveys_facts(world: dict[str, Any], persona: str, status: int) -> None:
    perception = _record(world, 50)
    response = api_as(world["people"][persona]).patch(
        f"{LIST}{perception.pk}/",
        {"public": True, "area": "Kora town", "version": 1},
        format="json",
    )
    assert response.status_code == status, response.content
    perception.refresh_from_db()
    assert (perception.public, perception.area) == (
        (True, "Kora town") if status == 200 else (False, "Kora district")
    )


def test_a_stale_correction_is_409(world: dict[str, Any]) -> None:
    perception = _record(world, 50)
    response = api_as(world["people"]["mfa_advisor"]).patch(
        f"{LIST}{perception.pk}/", {"public": True, "version": 2}, format="json"
    )
    assert response.status_code == 409
    perception.refresh_from_db()
    assert perception.public is False


@pytest.mark.parametrize(
    ("persona", "count"),
    [("mfa_planner", 2), ("police_planner", 2), ("superuser", 2), ("outsider", 0)],
)
def test_the_list_shows_the_readings_of_plans_seen(
    world: dict[str, Any], persona: str, count: int
) -> None:
    _record(world, 50, days_ago=3)
    _record(world, 45)
    response = api_as(world["people"][persona]).get(LIST)
    assert response.json()["count"] == count
    if count:
        assert [r["value"] for r in response.json()["results"]] == ["45.00", "50.00"]


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_costs_the_same_whatever_its_length(
    world: dict[str, Any], rows: int, django_assert_num_queries: Any
) -> None:
    for n in range(rows):
        _record(world, 50 + n, days_ago=n)
    client = api_as(world["people"]["mfa_planner"])
    with django_assert_num_queries(2):
        response = client.get(LIST)
    assert response.json()["count"] == rows
