"""Funding's grant rules against the domain: exactly who holds what on an instrument, an
allocation and a request; recomputed when the plan's participants change; a rebuild restores
them after the index is damaged, leaving personal grants alone."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from guardian.shortcuts import assign_perm
from guardian.utils import get_group_obj_perms_model

from accounts.models import OrganisationGroup
from funding.models import (
    Allocation,
    AllocationUserObjectPermission,
    DisbursementRequest,
    FundingInstrument,
)
from tests.funding.conftest import World, request_money

pytestmark = pytest.mark.django_db

OWNER = "mod"  # the contributor owns the fund
PARTICIPANTS = ("mfa", "mod", "ngo")


def held(model: Any) -> dict[tuple[str, str], set[str]]:
    """(organisation slug, role) -> codenames, over every object of `model`."""
    perm_model: Any = get_group_obj_perms_model(model())
    names = {
        g.group_id: (g.organisation.slug, g.role)
        for g in OrganisationGroup.objects.select_related("organisation")
    }
    result: dict[tuple[str, str], set[str]] = {}
    for group_id, code in perm_model.objects.values_list("group_id", "permission__codename"):
        result.setdefault(names[group_id], set()).add(code)
    return result


def roles(slug: str) -> list[str]:
    return list(
        OrganisationGroup.objects.filter(organisation__slug=slug).values_list("role", flat=True)
    )


def test_instrument_grants_are_the_owners(world: World) -> None:
    expected = {(OWNER, role): {"view_fundinginstrument"} for role in roles(OWNER)}
    expected[(OWNER, "planner")] |= {"change_fundinginstrument", "allocate_fundinginstrument"}
    expected[(OWNER, "org_admin")] |= {"change_fundinginstrument"}
    assert held(FundingInstrument) == expected


def test_allocation_and_request_grants_are_the_owners_and_the_participants(world: World) -> None:
    request_money(world, "10.00")
    allocations = {
        (slug, role): {"view_allocation"} for slug in PARTICIPANTS for role in roles(slug)
    }
    allocations[(OWNER, "planner")] |= {"change_allocation"}
    assert held(Allocation) == allocations
    requests = {
        (slug, role): {"view_disbursementrequest"} for slug in PARTICIPANTS for role in roles(slug)
    }
    requests[(OWNER, "approver")] |= {"decide_disbursementrequest", "record_disbursement"}
    requests[(OWNER, "planner")] |= {"record_disbursement"}
    assert held(DisbursementRequest) == requests


def test_rebuild_restores_what_the_rules_say_and_leaves_personal_grants(world: World) -> None:
    request_money(world, "10.00")
    models = (FundingInstrument, Allocation, DisbursementRequest)
    before = {model: held(model) for model in models}
    auditor = world.person("outsider")
    assign_perm("view_allocation", auditor, world.to_clerks)
    for model in models:
        perm_model: Any = get_group_obj_perms_model(model())
        ids = list(perm_model.objects.order_by("id").values_list("id", flat=True))
        perm_model.objects.filter(id__in=ids[::2]).delete()
    out = StringIO()
    call_command(
        "rebuild_grants",
        "funding.FundingInstrument",
        "funding.Allocation",
        "funding.DisbursementRequest",
        stdout=out,
    )
    assert {model: held(model) for model in models} == before
    assert list(
        AllocationUserObjectPermission.objects.values_list(
            "user__username", "content_object_id", "permission__codename"
        )
    ) == [("outsider", world.to_clerks.pk, "view_allocation")]
