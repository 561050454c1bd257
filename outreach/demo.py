"""Demo world, part five: what the Northern Valeria plan tells the local population and the
home public, and how trust in the police is falling.

Radio messages and community meetings for the local population, a press release naming the
Ministry of Defence's engineers (cleared by `mod`, then published), a briefing for parliament
waiting for `mod` and `dev` to clear it, and a radio message waiting for `police`. Perception
surveys record "Trust in the police", an indicator added to the agreed strategy (its partners
endorse the new edition), falling below its 40 % threshold: the indicator is in warning.
Idempotent: nothing is made twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from missions.demo import ACTIVE_PLAN
from missions.models import Plan
from outreach import services
from outreach.models import CommunicationItem, PerceptionReading
from strategy import services as strategies
from strategy.models import Indicator, Strategy, StrategyStatus

TRUST = "Trust in the police"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _date(days_from_today: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_from_today)


def _trust_indicator(strategy: Strategy) -> Indicator:
    """The perception indicator on the plan's strategy: a new goal and indicator make a new
    edition, which every partner endorses again, so the strategy stays agreed."""
    existing = Indicator.objects.filter(goal__strategy=strategy, name=TRUST).first()
    if existing is not None:
        return existing
    planner = _user("mfa.planner")
    goal = strategies.goal_create(
        strategy=strategy,
        by=planner,
        data={"title": "Communities trust the police and the courts", "order": 3},
    )
    indicator = strategies.indicator_create(
        goal=goal,
        by=planner,
        data={
            "name": TRUST,
            "unit": "%",
            "baseline": Decimal(52),
            "target": Decimal(65),
            "warning_threshold": Decimal(40),
            "warning_direction": "below",
        },
    )
    strategy.refresh_from_db()
    if strategy.status == StrategyStatus.CONSULTATION:
        for approver in ("mfa.approver", "mod.approver", "dev.approver", "un.approver"):
            strategies.strategy_endorse(
                strategy=strategy,
                by=_user(approver),
                edition=strategy.edition,
                decision="endorse",
                comment="Perception of the police is part of the common goals.",
            )
            strategy.refresh_from_db()
    return indicator


def _items(plan: Plan, orgs: dict[str, Organisation]) -> None:
    planner = _user("mfa.planner")

    def add(
        title: str,
        *,
        audience: str,
        channel: str,
        days: int,
        spokesperson: str,
        named: tuple[str, ...] = (),
        message: str,
        languages: str = "Valerian, Arabic",
        public: bool = False,
    ) -> CommunicationItem:
        return services.communication_create(
            plan=plan,
            by=planner,
            title=title,
            audience=audience,
            channel=channel,
            key_message=message,
            planned_date=_date(days),
            spokesperson=orgs[spokesperson],
            named_participants=[orgs[key] for key in named],
            languages=languages,
            public=public,
        )

    elders = add(
        "Elders' meeting on land disputes",
        audience="local_population",
        channel="community_meeting",
        days=-20,
        spokesperson="mfa",
        message="Mobile land courts will sit in every district; elders' mediation comes first.",
        public=True,
    )
    services.communication_publish(item=elders, by=planner, version=elders.version)
    press = add(
        "Joint engineering team rebuilds Kora school",
        audience="home_public",
        channel="press_release",
        days=-6,
        spokesperson="mfa",
        named=("mod",),
        message=(
            "Army engineers and development experts rebuild the Kora school together, so 600 "
            "children can return to class before winter."
        ),
        languages="English, Dutch",
        public=True,
    )
    services.communication_clear(
        item=press, by=_user("mod.approver"), clearance=press.clearance, decision="clear"
    )
    press.refresh_from_db()
    services.communication_publish(item=press, by=planner, version=press.version)
    add(
        "Land courts come to your district",
        audience="local_population",
        channel="radio",
        days=4,
        spokesperson="mfa",
        message="From next week the mobile land court sits in Kora every Tuesday: bring papers.",
    )
    add(
        "Safe roads to the Kora market",
        audience="local_population",
        channel="radio",
        days=11,
        spokesperson="mod",
        named=("police",),
        message="Joint police and army patrols keep the market road open from dawn to dusk.",
    )
    add(
        "Town hall on community policing",
        audience="local_population",
        channel="community_meeting",
        days=9,
        spokesperson="police",
        message="Meet your district police officers and tell them what keeps you from the market.",
        languages="Valerian",
    )
    add(
        "Briefing for the foreign affairs committee",
        audience="parliament",
        channel="briefing",
        days=18,
        spokesperson="mfa",
        named=("mod", "dev"),
        message="Six months of joint work in Northern Valeria: land courts, councils, safe roads.",
        languages="Dutch",
    )


def _perception(plan: Plan, indicator: Indicator) -> None:
    advisor = _user("field.advisor")
    surveys = [
        (150, 52, "Kora district", 410, True),
        (120, 49, "Kora district", 395, False),
        (90, 47, "Lower Valley", 380, True),
        (60, 44, "Kora district", 402, False),
        (30, 41, "Lower Valley", 376, True),
        (4, 36, "Kora district", 418, True),
    ]
    for days, value, area, asked, public in surveys:
        services.perception_record(
            plan=plan,
            by=advisor,
            indicator=indicator,
            date=_date(-days),
            value=Decimal(value),
            area=area,
            source="Valeria Opinion Institute, phone survey",
            sample_size=asked,
            public=public,
        )


def seed() -> str:
    plan = Plan.objects.filter(title=ACTIVE_PLAN).select_related("strategy").first()
    if plan is None or plan.strategy is None:
        return "no communication (the Valeria plan is missing)"
    orgs = {
        o.slug: o for o in Organisation.objects.filter(slug__in=["mfa", "mod", "dev", "police"])
    }
    if not CommunicationItem.objects.filter(plan=plan).exists():
        _items(plan, orgs)
    if not PerceptionReading.objects.filter(plan=plan).exists():
        _perception(plan, _trust_indicator(plan.strategy))
    # What the world holds, not what this run added: a second run says the same.
    items = CommunicationItem.objects.filter(plan=plan).count()
    readings = PerceptionReading.objects.filter(plan=plan).count()
    return f"{items} communication items, {readings} perception readings"
