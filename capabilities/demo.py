"""Demo world: what the UN, the EU, NATO and the World Bank (and the Ministry of Defence)
offer for the Northern Valeria plan, what the plan needs, and the pledges between them.

Two organisations pledged engineering teams for the same bridge works (an overlap); no one
offers the judicial experts the land-dispute backlog needs (the unmet need); the Ministry of
Defence proposed escort sections, waiting for the lead's approver. Idempotent: each offer,
need and pledge is made once, found again by its description."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, User
from capabilities import services
from capabilities.models import CapabilityOffer, Pledge, Requirement
from missions.demo import ACTIVE_PLAN
from missions.models import Plan


def _date(days_from_today: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_from_today)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _offer(by: str, org: Organisation, description: str, **data: Any) -> CapabilityOffer:
    found = CapabilityOffer.objects.filter(organisation=org, description=description).first()
    return found or services.offer_create(
        by=_user(by), organisation=org, description=description, **data
    )


def _need(plan: Plan, description: str, **data: Any) -> Requirement:
    found = Requirement.objects.filter(plan=plan, description=description).first()
    return found or services.requirement_create(
        by=_user("mfa.planner"), plan=plan, data={"description": description, **data}
    )


def _pledge(
    offer: CapabilityOffer,
    need: Requirement,
    quantity: str,
    *,
    by: str,
    side: str,
    accepted_by: str | None,
) -> None:
    if Pledge.objects.filter(offer=offer, requirement=need).exists():
        return
    pledge = services.pledge_propose(
        by=_user(by), offer=offer, requirement=need, quantity=Decimal(quantity), side=side
    )
    if accepted_by:
        services.pledge_decide(
            pledge=pledge, by=_user(accepted_by), round=pledge.round, decision="accept"
        )


def seed() -> str:
    orgs = {
        o.slug: o
        for o in Organisation.objects.filter(slug__in=["mfa", "mod", "un", "eu", "nato", "wb"])
    }
    plan = Plan.objects.filter(title=ACTIVE_PLAN).first()
    if plan is None or len(orgs) < 6:
        return "no capabilities (the Valeria plan is missing)"
    window = {"available_from": _date(-10), "available_until": _date(365)}
    un_engineers = _offer(
        "un.planner",
        orgs["un"],
        "UN engineering company for road and bridge works",
        kind="personnel",
        domain="development",
        quantity=Decimal(2),
        unit="teams",
        constraints="Works north of the Vela river only.",
        visibility="all",
        **window,
    )
    nato_engineers = _offer(
        "nato.planner",
        orgs["nato"],
        "NATO military engineering teams",
        kind="personnel",
        domain="development",
        quantity=Decimal(3),
        unit="teams",
        constraints="Under NATO command; a civilian task needs the plan's written justification.",
        visibility="all",
        **window,
    )
    nato_escorts = _offer(
        "nato.planner",
        orgs["nato"],
        "Convoy escort platoons",
        kind="security",
        domain="security",
        quantity=Decimal(4),
        unit="platoons",
        constraints="No deployment south of the river.",
        visibility="all",
        **window,
    )
    eu_trucks = _offer(
        "eu.planner",
        orgs["eu"],
        "Trucks with drivers for building materials",
        kind="logistics",
        domain="development",
        quantity=Decimal(8),
        unit="trucks",
        visibility="named",
        shared_with=[orgs["mfa"]],
        **window,
    )
    _offer(
        "eu.planner",
        orgs["eu"],
        "Police mentors for district stations",
        kind="expertise",
        domain="policing",
        quantity=Decimal(12),
        unit="mentors",
        visibility="all",
        **window,
    )
    wb_grant = _offer(
        "wb.planner",
        orgs["wb"],
        "Grant for district council service centres",
        kind="funding",
        domain="governance",
        quantity=Decimal(4_000_000),
        unit="EUR",
        constraints="Disbursed against quarterly progress reports.",
        visibility="all",
        **window,
    )
    mod_escorts = _offer(
        "mod.planner",
        orgs["mod"],
        "Military police escort sections",
        kind="security",
        domain="security",
        quantity=Decimal(2),
        unit="platoons",
        visibility="named",
        shared_with=[orgs["mfa"]],
        **window,
    )
    needs_window = {"needed_from": _date(20), "needed_until": _date(200)}
    bridge = _need(
        plan,
        "Engineering teams to repair the Kora bridge and feeder roads",
        kind="personnel",
        domain="development",
        quantity=Decimal(2),
        unit="teams",
        priority="high",
        **needs_window,
    )
    _need(
        plan,
        "Judicial experts to clear the land-dispute backlog",
        kind="expertise",
        domain="rule_of_law",
        quantity=Decimal(6),
        unit="experts",
        priority="critical",
        **needs_window,
    )
    trucks = _need(
        plan,
        "Trucks to move building materials to the districts",
        kind="logistics",
        domain="development",
        quantity=Decimal(6),
        unit="trucks",
        priority="medium",
        **needs_window,
    )
    councils = _need(
        plan,
        "Funding for district council service centres",
        kind="funding",
        domain="governance",
        quantity=Decimal(4_000_000),
        unit="EUR",
        priority="high",
        **needs_window,
    )
    convoys = _need(
        plan,
        "Escorts for supply convoys on the northern road",
        kind="security",
        domain="security",
        quantity=Decimal(4),
        unit="platoons",
        priority="high",
        **needs_window,
    )
    lead, approver = "mfa.planner", "mfa.approver"
    _pledge(un_engineers, bridge, "2", by="un.planner", side="offer", accepted_by=approver)
    _pledge(nato_engineers, bridge, "2", by=lead, side="requirement", accepted_by="nato.approver")
    _pledge(eu_trucks, trucks, "6", by=lead, side="requirement", accepted_by="eu.approver")
    _pledge(wb_grant, councils, "4000000", by=lead, side="requirement", accepted_by="wb.approver")
    _pledge(nato_escorts, convoys, "2", by=lead, side="requirement", accepted_by="nato.approver")
    _pledge(mod_escorts, convoys, "2", by="mod.planner", side="offer", accepted_by=None)
    return (
        f"{CapabilityOffer.objects.count()} capability offers, "
        f"{Requirement.objects.count()} requirements, {Pledge.objects.count()} pledges"
    )
