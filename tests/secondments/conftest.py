"""Secondment personas. `person` (a field advisor of `mfa`, the home) is seconded to `mod`
(the host) as a planner. `host_plan` is a draft plan led by `mod`: only `mod`'s members see it,
so it shows exactly when the person holds the host's access.

Besides both organisations' planners and approvers: `outsider` (planner and approver of
`police`), `superuser` (no membership: sees every secondment, decides none) and the lapsed
members of `mfa`, `ended_yesterday` and `starts_tomorrow`, who must get what the outsider gets.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from missions import services as plans
from missions.models import Plan
from secondments import services
from secondments.models import Secondment
from tests.factories import (
    add_membership,
    make_former_member,
    make_future_member,
    make_member,
    make_organisation,
    make_user,
)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def home(db: None) -> Organisation:
    return home_make()


@pytest.fixture
def host(db: None) -> Organisation:
    return host_make()


@pytest.fixture
def people(home: Organisation, host: Organisation) -> dict[str, User]:
    return people_make(home, host)


def home_make() -> Organisation:
    return make_organisation(slug="mfa", name="Ministry of Foreign Affairs")


def host_make() -> Organisation:
    return make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)


def people_make(home: Organisation, host: Organisation) -> dict[str, User]:
    """The personas of both organisations, the outsider (with `police`) and the rest."""
    police = make_organisation(slug="police", name="National Police", kind=OrganisationKind.POLICE)
    outsider = make_member(police, Role.PLANNER, username="outsider")
    add_membership(outsider, police, Role.APPROVER)
    return {
        "person": make_member(home, Role.FIELD_ADVISOR, username="person"),
        "home_planner": make_member(home, Role.PLANNER, username="home-planner"),
        "home_approver": make_member(home, Role.APPROVER, username="home-approver"),
        "host_planner": make_member(host, Role.PLANNER, username="host-planner"),
        "host_approver": make_member(host, Role.APPROVER, username="host-approver"),
        "outsider": outsider,
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "ended_yesterday": make_former_member(home, list(Role), username="ended-yesterday"),
        "starts_tomorrow": make_future_member(home, list(Role), username="starts-tomorrow"),
    }


@pytest.fixture
def host_plan(host: Organisation, people: dict[str, User]) -> Plan:
    return plans.plan_create(
        by=people["host_planner"],
        title="Host logistics plan",
        theatre="Valeria",
        lead_organisation=host,
        start_date=days(-100),
        end_date=days(400),
    )


def request(
    people: dict[str, User],
    home: Organisation,
    host: Organisation,
    *,
    start: int = 0,
    end: int = 30,
    **extra: Any,
) -> Secondment:
    """A request by the home's planner: `start` and `end` are days from today."""
    return services.secondment_request(
        by=people["home_planner"],
        person=people["person"],
        home_organisation=home,
        host_organisation=host,
        role=extra.pop("role", Role.PLANNER),
        start_date=days(start),
        end_date=days(end),
        purpose=extra.pop("purpose", "Planning support for the northern operation."),
        **extra,
    )


def approve_both(secondment: Secondment, people: dict[str, User]) -> Secondment:
    for approver in ("home_approver", "host_approver"):
        secondment.refresh_from_db()
        services.secondment_decide(
            secondment=secondment,
            by=people[approver],
            request=secondment.request,
            decision="approve",
        )
    secondment.refresh_from_db()
    return secondment


@pytest.fixture
def approved(people: dict[str, User], home: Organisation, host: Organisation) -> Secondment:
    """Approved and active: from ten days ago to twenty days from now."""
    return approve_both(request(people, home, host, start=-10, end=20), people)
