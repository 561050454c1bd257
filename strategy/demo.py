"""Demo world, part two: strategies for the fictional theatre of Valeria, and the glossary."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from strategy import services
from strategy.models import GlossaryStatus, GlossaryTerm, Strategy

GLOSSARY = [
    # term, definition, UN IMPP, NATO, EU, whole of government
    (
        "End state",
        "The situation the partners agree should exist when their engagement ends.",
        "Mission end state",
        "Desired end state",
        "Political objective",
        "Policy end state",
    ),
    (
        "Integrated assessment",
        "A shared analysis of the conflict, its drivers and the actors.",
        "Strategic assessment",
        "Comprehensive preparation of the operational environment",
        "Integrated conflict analysis",
        "Joint context analysis",
    ),
    (
        "Lead organisation",
        "The organisation politically responsible for a shared effort.",
        "Lead entity",
        "Lead nation",
        "Lead service",
        "Lead ministry",
    ),
    (
        "Line of effort",
        "A strand of work that groups activities towards one objective.",
        "Strategic objective",
        "Line of operation / effort",
        "Work strand",
        "Policy track",
    ),
    (
        "Benchmark",
        "A measurable point that shows progress towards a goal.",
        "Benchmark",
        "Measure of effectiveness",
        "Indicator",
        "Result indicator",
    ),
    (
        "Early warning",
        "Signals that a situation risks escalating into violence.",
        "Early warning",
        "Indications and warning",
        "Conflict early warning system",
        "Early warning",
    ),
    (
        "Transition",
        "Handing responsibilities to national or other actors.",
        "Mission transition",
        "Transition / transfer of authority",
        "Phasing out",
        "Exit strategy",
    ),
    (
        "Security sector reform",
        "Making security institutions effective and accountable.",
        "SSR",
        "Security force assistance",
        "Security sector reform",
        "SSR programme",
    ),
    (
        "Protection of civilians",
        "Measures to keep civilians safe from violence.",
        "POC",
        "Protection of civilians",
        "Protection of civilians",
        "Human security",
    ),
    (
        "Quick impact project",
        "A small, fast project that builds confidence with the population.",
        "QIP",
        "CIMIC project",
        "Quick impact measure",
        "Visible early result",
    ),
    (
        "Civil-military coordination",
        "Dialogue and interaction between civilian and military actors.",
        "UN-CMCoord",
        "CIMIC",
        "Civil-military coordination",
        "Civil-military cooperation",
    ),
    (
        "Local ownership",
        "Local actors lead and sustain the change.",
        "National ownership",
        "Host nation ownership",
        "Local ownership",
        "Partner country ownership",
    ),
]


GLOSSARY_PROPOSALS = [
    # proposer, term, definition, UN IMPP, NATO, EU, whole of government
    (
        "un.planner",
        "Spoiler",
        "A party that uses violence or obstruction to undermine a peace process.",
        "Spoiler",
        "",
        "Spoiler",
        "Peace process spoiler",
    ),
    (
        "mod.planner",
        "Host nation ownership",
        "The host nation leads and sustains what the partners started.",
        "",
        "Host nation ownership",
        "",
        "",
    ),
]
"""Waiting for a curator (`mfa.approver` under `make run`, or `admin`): the first is new, the
second means what "Local ownership" already says."""


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _agreed_strategy(orgs: dict[str, Organisation]) -> None:
    planner = _user("mfa.planner")
    strategy = services.strategy_create(
        by=planner,
        title="Stability in Northern Valeria",
        theatre="Valeria (northern provinces)",
        approach="stabilisation",
        lead_organisation=orgs["mfa"],
        partners=[orgs["mod"], orgs["dev"], orgs["un"]],
        summary=(
            "After the 2025 ceasefire, the partners work together so that land disputes are "
            "settled without violence, local government delivers basic services and armed "
            "groups disarm."
        ),
        processes=["un_impp", "whole_of_government"],
    )
    land = services.driver_create(
        strategy=strategy,
        by=planner,
        data={
            "title": "Unresolved land disputes",
            "kind": "root_cause",
            "order": 1,
            "description": "Returnees find their land occupied; courts are out of reach.",
        },
    )
    governance = services.driver_create(
        strategy=strategy,
        by=planner,
        data={"title": "Absent local government", "kind": "root_cause", "order": 2},
    )
    mediation = services.driver_create(
        strategy=strategy,
        by=planner,
        data={"title": "Elders' mediation networks", "kind": "mitigating_factor", "order": 3},
    )
    services.driver_create(
        strategy=strategy,
        by=planner,
        data={"title": "Small arms in circulation", "kind": "root_cause", "order": 4},
    )
    disputes = services.goal_create(
        strategy=strategy,
        by=planner,
        data={"title": "Land disputes are settled without violence", "drivers": [land, mediation]},
    )
    services_goal = services.goal_create(
        strategy=strategy,
        by=planner,
        data={"title": "District councils deliver basic services", "drivers": [governance]},
    )
    incidents = services.indicator_create(
        goal=disputes,
        by=planner,
        data={
            "name": "Violent incidents over land",
            "unit": "per month",
            "baseline": Decimal(52),
            "target": Decimal(10),
            "warning_threshold": Decimal(40),
            "warning_direction": "above",
        },
    )
    councils = services.indicator_create(
        goal=services_goal,
        by=planner,
        data={
            "name": "Councils publishing a budget",
            "unit": "councils",
            "baseline": Decimal(2),
            "target": Decimal(18),
            "warning_threshold": Decimal(3),
            "warning_direction": "below",
        },
    )
    strategy = services.strategy_submit(strategy=strategy, by=planner)
    for approver in ("mfa.approver", "mod.approver", "dev.approver", "un.approver"):
        services.strategy_endorse(
            strategy=strategy,
            by=_user(approver),
            edition=strategy.edition,
            decision="endorse",
            comment="We endorse the common goals.",
        )
    advisor = _user("field.advisor")
    for days, value in ((150, 51), (120, 44), (90, 38), (60, 33), (30, 36), (3, 47)):
        services.reading_record(
            indicator=incidents,
            by=advisor,
            date=_days_ago(days),
            value=Decimal(value),
            note="District police logs",
        )
    for days, value in ((120, 3), (60, 6), (10, 9)):
        services.reading_record(
            indicator=councils, by=planner, date=_days_ago(days), value=Decimal(value)
        )


def _strategy_in_consultation(orgs: dict[str, Organisation]) -> None:
    planner = _user("mfa.planner")
    strategy = services.strategy_create(
        by=planner,
        title="Preventing escalation in the Eastern Borderlands",
        theatre="Valeria (eastern border)",
        approach="prevention",
        lead_organisation=orgs["mfa"],
        partners=[orgs["mod"], orgs["dev"]],
        summary="Early, civilian-led action to keep cross-border tensions from turning violent.",
        processes=["eu_integrated", "whole_of_government"],
    )
    trade = services.driver_create(
        strategy=strategy,
        by=planner,
        data={"title": "Closed border markets", "kind": "root_cause", "order": 1},
    )
    goal = services.goal_create(
        strategy=strategy,
        by=planner,
        data={"title": "Border markets reopen under joint oversight", "drivers": [trade]},
    )
    services.indicator_create(
        goal=goal,
        by=planner,
        data={
            "name": "Markets open",
            "unit": "markets",
            "baseline": Decimal(0),
            "target": Decimal(6),
        },
    )
    strategy = services.strategy_submit(strategy=strategy, by=planner)
    for approver in ("mfa.approver", "mod.approver"):
        services.strategy_endorse(
            strategy=strategy, by=_user(approver), edition=strategy.edition, decision="endorse"
        )


def seed() -> str:
    orgs = {o.slug: o for o in Organisation.objects.all()}
    titles = set(Strategy.objects.values_list("title", flat=True))
    if "Stability in Northern Valeria" not in titles:
        _agreed_strategy(orgs)
    if "Preventing escalation in the Eastern Borderlands" not in titles:
        _strategy_in_consultation(orgs)
    for term, definition, un, nato, eu, wog in GLOSSARY:
        GlossaryTerm.objects.get_or_create(
            term=term,
            defaults={
                "definition": definition,
                "un_impp": un,
                "nato_cpa": nato,
                "eu_integrated": eu,
                "whole_of_government": wog,
                "status": GlossaryStatus.APPROVED,
            },
        )
    for proposer, term, definition, un, nato, eu, wog in GLOSSARY_PROPOSALS:
        if not GlossaryTerm.objects.filter(term=term).exists():  # nor once decided
            services.glossary_term_propose(
                by=_user(proposer),
                data={
                    "term": term,
                    "definition": definition,
                    "un_impp": un,
                    "nato_cpa": nato,
                    "eu_integrated": eu,
                    "whole_of_government": wog,
                },
            )
    approved = GlossaryTerm.objects.filter(status=GlossaryStatus.APPROVED).count()
    return f"{Strategy.objects.count()} strategies, {approved} glossary terms"
