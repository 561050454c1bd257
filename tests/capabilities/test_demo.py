"""The demo's capabilities for the Valeria plan: built twice, the same world."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

import pytest

from accounts.models import User
from capabilities.gaps import plan_gaps
from capabilities.models import CapabilityOffer, Pledge, Requirement
from capabilities.work import pledges_to_decide
from missions.demo import ACTIVE_PLAN
from missions.models import Plan

UP_TO_CAPABILITIES = ["accounts", "secondments", "strategy", "missions", "lessons", "capabilities"]


def _seed() -> str:
    return [import_module(f"{app}.demo").seed() for app in UP_TO_CAPABILITIES][-1]


@pytest.mark.django_db
def test_the_demo_shows_one_overlap_one_unmet_need_and_a_pledge_waiting() -> None:
    assert _seed() == "7 capability offers, 5 requirements, 6 pledges"
    assert _seed() == "7 capability offers, 5 requirements, 6 pledges"
    plan = Plan.objects.get(title=ACTIVE_PLAN)
    lead = User.objects.get(username="mfa.planner")
    view = plan_gaps(plan, user=lead)
    assert [row.requirement.description for row in view.overlaps] == [
        "Engineering teams to repair the Kora bridge and feeder roads"
    ]
    assert {o.slug for o in view.organisations} == {"un", "nato", "eu", "wb", "mod"}
    assert [row.requirement.description for row in view.unmet] == [
        "Judicial experts to clear the land-dispute backlog"
    ]
    bridge = view.overlaps[0]
    assert (bridge.need, bridge.pledged, bridge.beyond_need) == (
        Decimal("2.00"),
        Decimal("4.00"),
        Decimal("2.00"),
    )
    waiting = Pledge.objects.get(status="proposed")
    assert waiting.offer.organisation.slug == "mod"
    assert list(pledges_to_decide(User.objects.get(username="mfa.approver"))) == [waiting]
    assert set(CapabilityOffer.objects.values_list("organisation__slug", flat=True).distinct()) == {
        "un",
        "eu",
        "nato",
        "wb",
        "mod",
    }
    assert Requirement.objects.filter(plan=plan).count() == 5
