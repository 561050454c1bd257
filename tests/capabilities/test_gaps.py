"""The gap view: pledged against needed over each need's window, units, zero need, overlaps."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from capabilities.gaps import counted, plan_gaps
from capabilities.models import Requirement
from tests.capabilities.conftest import (
    WINDOW_FROM,
    WINDOW_UNTIL,
    World,
    offer_make,
    pledge_make,
    requirement_make,
)


def _row(world: World, requirement: Requirement) -> object:
    view = plan_gaps(world.plan, user=world["mfa_planner"])
    return next(row for row in view.rows if row.requirement.pk == requirement.pk)


def test_a_pledge_for_the_whole_window_counts_whole(world: World) -> None:
    need = requirement_make(world, quantity=Decimal("2"))
    pledge_make(world, offer_make(world, "un"), need, "2")
    row = _row(world, need)
    assert (row.need, row.pledged, row.gap, row.beyond_need) == (
        Decimal("2"),
        Decimal("2.00"),
        Decimal("0"),
        Decimal("0"),
    )
    assert row.coverage == 100
    assert row.unmet is False
    assert row.overlap is False


def test_an_offer_available_for_part_of_the_window_counts_for_that_part(world: World) -> None:
    """40-day need; the offer is there the last 10 days: 4 teams count for 1."""
    need = requirement_make(world, quantity=Decimal("4"))
    offer = offer_make(
        world, "un", available_from=datetime.date(2027, 3, 31), available_until=END_LATER
    )
    pledge_make(world, offer, need, "4")
    row = _row(world, need)
    assert row.pledged == Decimal("1.00")
    assert row.gap == Decimal("3.00")
    assert row.coverage == 25
    assert row.unmet is True


END_LATER = datetime.date(2027, 6, 30)


def test_an_offer_starting_before_the_window_counts_from_its_first_day(world: World) -> None:
    """Available 1 Jan to 20 Mar: 20 of the 40 days."""
    need = requirement_make(world, quantity=Decimal("3"))
    offer = offer_make(
        world,
        "nato",
        available_from=datetime.date(2027, 1, 1),
        available_until=datetime.date(2027, 3, 20),
    )
    pledge_make(world, offer, need, "3")
    assert _row(world, need).pledged == Decimal("1.50")


def test_a_pledge_outside_the_window_is_refused(world: World) -> None:
    need = requirement_make(world)
    offer = offer_make(
        world,
        "un",
        available_from=datetime.date(2027, 5, 1),
        available_until=datetime.date(2027, 5, 31),
    )
    with pytest.raises(ValidationError) as refused:
        pledge_make(world, offer, need, "1")
    assert "outside the need" in refused.value.message_dict["offer"][0]


def test_a_pledge_across_units_is_refused_and_never_summed(world: World) -> None:
    need = requirement_make(world, unit="teams")
    offer = offer_make(world, "un", unit="engineers", quantity="40")
    with pytest.raises(ValidationError) as refused:
        pledge_make(world, offer, need, "10")
    assert refused.value.message_dict["offer"] == [
        "This offer counts in engineers and the need in teams: a pledge counts in one unit, "
        "so it cannot match them."
    ]
    assert _row(world, need).pledged == Decimal("0")


def test_the_database_refuses_a_live_pledge_in_another_unit(world: World) -> None:
    need = requirement_make(world, unit="teams")
    pledge = pledge_make(world, offer_make(world, "un"), need, "2")
    with transaction.atomic(), pytest.raises(IntegrityError, match="pledge_unit_matches"):
        type(pledge).objects.filter(pk=pledge.pk).update(unit="engineers")


def test_a_pledge_left_in_another_unit_is_left_out_of_the_sums(world: World) -> None:
    """Should a need's unit change around a pledge all the same (by hand, in the database),
    the pledge is not added in."""
    need = requirement_make(world, unit="teams")
    pledge_make(world, offer_make(world, "un"), need, "2")
    Requirement.objects.filter(pk=need.pk).update(unit="engineers")
    assert _row(world, need).pledged == Decimal("0")


def test_the_unit_of_a_pledged_need_cannot_change(world: World) -> None:
    need = requirement_make(world)
    pledge_make(world, offer_make(world, "un"), need, "1")
    from capabilities import services

    with pytest.raises(ValidationError) as refused:
        services.requirement_update(
            requirement=need, by=world["mfa_planner"], version=1, data={"unit": "people"}
        )
    assert list(refused.value.message_dict) == ["unit"]
    need.refresh_from_db()
    assert need.unit == "teams"


def test_a_zero_need_has_no_gap_and_every_pledge_is_beyond_it(world: World) -> None:
    need = requirement_make(world, quantity=Decimal("0"))
    assert (_row(world, need).gap, _row(world, need).coverage, _row(world, need).unmet) == (
        Decimal("0"),
        None,
        False,
    )
    pledge_make(world, offer_make(world, "un"), need, "1")
    row = _row(world, need)
    assert (row.pledged, row.beyond_need, row.unmet) == (Decimal("1.00"), Decimal("1.00"), False)


def test_a_negative_need_or_offer_is_refused_by_the_database(world: World) -> None:
    need = requirement_make(world)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Requirement.objects.filter(pk=need.pk).update(quantity=Decimal("-1"))
    offer = offer_make(world, "un")
    with transaction.atomic(), pytest.raises(IntegrityError):
        type(offer).objects.filter(pk=offer.pk).update(quantity=Decimal("0"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        type(offer).objects.filter(pk=offer.pk).update(available_until=datetime.date(2027, 1, 1))


def test_two_organisations_beyond_the_need_overlap(world: World) -> None:
    need = requirement_make(world, quantity=Decimal("2"))
    pledge_make(world, offer_make(world, "un"), need, "2")
    pledge_make(world, offer_make(world, "nato"), need, "1", accept=False)
    view = plan_gaps(world.plan, user=world["mfa_planner"])
    row = view.rows[0]
    assert (row.pledged, row.proposed, row.beyond_need) == (
        Decimal("2.00"),
        Decimal("1.00"),
        Decimal("0"),
    )
    assert [r.requirement.pk for r in view.overlaps] == [need.pk]
    assert [o.slug for o in view.organisations] == ["nato", "un"]
    assert [
        (cell.pledged, cell.proposed) if cell else None
        for _, cells in view.matrix()
        for cell in cells
    ] == [(Decimal("0"), Decimal("1.00")), (Decimal("2.00"), Decimal("0"))]


def test_one_organisation_beyond_the_need_is_no_overlap(world: World) -> None:
    need = requirement_make(world, quantity=Decimal("1"))
    pledge_make(world, offer_make(world, "un"), need, "3")
    view = plan_gaps(world.plan, user=world["mfa_planner"])
    assert view.overlaps == []
    assert view.rows[0].beyond_need == Decimal("2.00")


def test_two_organisations_within_the_need_are_no_overlap(world: World) -> None:
    need = requirement_make(world, quantity=Decimal("4"))
    pledge_make(world, offer_make(world, "un"), need, "2")
    pledge_make(world, offer_make(world, "nato"), need, "2")
    view = plan_gaps(world.plan, user=world["mfa_planner"])
    assert view.overlaps == []
    assert view.unmet == []


def test_uncoordinated_offers_of_two_organisations_for_one_need(world: World) -> None:
    need = requirement_make(world)
    un = offer_make(world, "un")
    nato = offer_make(world, "nato")
    offer_make(world, "nato", domain="governance")  # another domain
    offer_make(
        world,
        "un",
        available_from=datetime.date(2027, 6, 1),
        available_until=datetime.date(2027, 6, 30),
    )  # another window
    view = plan_gaps(world.plan, user=world["mfa_planner"])
    assert [(u.requirement.pk, [o.pk for o in u.offers]) for u in view.uncoordinated] == [
        (need.pk, [nato.pk, un.pk])
    ]
    # Once one of them is pledged here, the other no longer overlaps with anyone.
    pledge_make(world, un, need, "1", accept=False)
    assert plan_gaps(world.plan, user=world["mfa_planner"]).uncoordinated == []


def test_uncoordinated_offers_are_only_those_the_viewer_sees(world: World) -> None:
    requirement_make(world)
    offer_make(world, "un", visibility="organisation")
    offer_make(world, "nato", visibility="organisation")
    assert plan_gaps(world.plan, user=world["mfa_planner"]).uncoordinated == []
    assert len(plan_gaps(world.plan, user=world["superuser"]).uncoordinated) == 1


def test_unmet_needs_are_those_no_pledge_covers_yet(world: World) -> None:
    met = requirement_make(world, quantity=Decimal("1"))
    waiting = requirement_make(world, description="Police mentors", quantity=Decimal("2"))
    short = requirement_make(world, description="Judicial experts", quantity=Decimal("6"))
    pledge_make(world, offer_make(world, "un"), met, "1")
    pledge_make(world, offer_make(world, "un"), waiting, "2", accept=False)
    pledge_make(world, offer_make(world, "nato", quantity="6"), short, "3", accept=False)
    view = plan_gaps(world.plan, user=world["mfa_planner"])
    assert [row.requirement.pk for row in view.unmet] == [short.pk]
    rows = {row.requirement.pk: row for row in view.rows}
    # A need covered by a pledge waiting for its decision is not unmet, but its gap shows.
    assert (rows[waiting.pk].gap, rows[waiting.pk].unoffered) == (Decimal("2"), Decimal("0"))
    assert (rows[short.pk].gap, rows[short.pk].unoffered) == (Decimal("6"), Decimal("3.00"))


def test_counted_rounds_to_the_cent_in_decimal() -> None:
    assert counted(Decimal("10"), 3) == Decimal("3.33")
    assert counted(Decimal("0.1") + Decimal("0.2"), 1) == Decimal("0.30")
    assert counted(None, 40) == Decimal("0.00")
    assert counted(Decimal("5"), 0) == Decimal("0.00")


def test_the_gap_view_costs_three_queries_whatever_its_size(
    world: World, django_assert_num_queries: object
) -> None:
    def build(n: int) -> None:
        for i in range(n):
            need = requirement_make(world, description=f"Need {i}")
            pledge_make(world, offer_make(world, "un"), need, "1")
            pledge_make(world, offer_make(world, "nato"), need, "1", accept=False)

    build(2)
    with django_assert_num_queries(3):  # type: ignore[operator]
        plan_gaps(world.plan, user=world["superuser"])
    build(8)
    with django_assert_num_queries(3):  # type: ignore[operator]
        view = plan_gaps(world.plan, user=world["superuser"])
    assert len(view.rows) == 10


assert datetime.timedelta(days=39) == WINDOW_UNTIL - WINDOW_FROM
