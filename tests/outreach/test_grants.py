"""A message's grants are an index of the domain: what the rules say, recomputed when the
plan's participants change, and restored exactly by a rebuild."""

from __future__ import annotations

from typing import Any

import pytest
from guardian.utils import get_group_obj_perms_model

from accounts.authority import may
from accounts.grants import grants_desired, grants_rebuild
from missions import services as plans
from outreach.models import CommunicationItem
from tests.outreach.conftest import item_make

pytestmark = pytest.mark.django_db


def rows() -> set[tuple[int, int, str]]:
    model: Any = get_group_obj_perms_model(CommunicationItem)
    return set(model.objects.values_list("content_object_id", "group_id", "permission__codename"))


def desired() -> set[tuple[int, int, str]]:
    items = list(CommunicationItem.objects.order_by("pk"))
    return {
        (pk, group_id, code)
        for pk, grants in grants_desired(items).items()
        for group_id, codes in grants.items()
        for code in codes
    }


def test_who_holds_what_on_a_message(world: dict[str, Any]) -> None:
    item = item_make(world)
    people = world["people"]
    held = {
        persona: sorted(
            code
            for code in (
                "view_communicationitem",
                "change_communicationitem",
                "publish_communicationitem",
                "clear_communicationitem",
            )
            if may(people[persona], item, code)
        )
        for persona in (
            "mfa_planner",
            "mod_planner",
            "mod_approver",
            "police_approver",
            "ngo_approver",
            "outsider",
        )
    }
    assert held == {
        "mfa_planner": ["change_communicationitem", "view_communicationitem"],
        "mod_planner": ["publish_communicationitem", "view_communicationitem"],
        "mod_approver": ["view_communicationitem"],
        "police_approver": ["clear_communicationitem", "view_communicationitem"],
        "ngo_approver": ["view_communicationitem"],
        "outsider": [],
    }
    assert rows() == desired()


def test_grants_follow_the_plans_participants(world: dict[str, Any]) -> None:
    item = item_make(world, named=())
    plan, orgs, people = world["plan"], world["orgs"], world["people"]
    plan.refresh_from_db()
    plans.plan_update(
        plan=plan,
        by=people["mfa_planner"],
        version=plan.version,
        data={"participants": [(orgs["mod"], "contributor"), (orgs["ngo"], "consulted")]},
    )
    assert may(people["police_planner"], item, "view_communicationitem") is False
    assert rows() == desired()


def test_a_rebuild_restores_exactly_what_the_rules_say(world: dict[str, Any]) -> None:
    item_make(world)
    item_make(world, named=("mod", "ngo"), spokesperson=world["orgs"]["mfa"])
    before = rows()
    model: Any = get_group_obj_perms_model(CommunicationItem)
    model.objects.filter(permission__codename="view_communicationitem").delete()
    grants_rebuild([CommunicationItem])
    assert rows() == before == desired()
