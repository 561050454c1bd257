"""Demo world, part three: two integrated plans under the Valeria strategy."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Organisation, User
from missions import services
from missions.models import Plan
from strategy.models import Strategy

ACTIVE_PLAN = "Northern Valeria integrated plan 2026-2027"
PLAN_IN_REVIEW = "Eastern Borderlands market reopening"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _date(days_from_today: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_from_today)


def _site_photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 400), "#c9b48f")
    draw = ImageDraw.Draw(image)
    draw.rectangle((180, 150, 460, 330), fill="#8d6e63")
    draw.polygon([(160, 150), (320, 60), (480, 150)], fill="#5d4037")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("school-site.jpg", buffer.getvalue(), content_type="image/jpeg")


def _active_plan(orgs: dict[str, Organisation]) -> None:
    planner = _user("mfa.planner")
    strategy = Strategy.objects.get(title="Stability in Northern Valeria")
    goals = {g.title: g for g in strategy.goals.all()}
    plan = services.plan_create(
        by=planner,
        title=ACTIVE_PLAN,
        theatre="Valeria (northern provinces)",
        lead_organisation=orgs["mfa"],
        strategy=strategy,
        phase="execution",
        summary="How the partners turn the agreed strategy into work on the ground.",
        start_date=_date(-120),
        end_date=_date(500),
        participants=[
            (orgs["mod"], "contributor"),
            (orgs["dev"], "contributor"),
            (orgs["police"], "contributor"),
            (orgs["ngo"], "consulted"),
            (orgs["un"], "consulted"),
        ],
    )
    land = services.line_of_effort_create(
        plan=plan,
        by=planner,
        data={
            "domain": "rule_of_law",
            "title": "Land dispute resolution",
            "lead_organisation": orgs["mfa"],
            "goals": [goals["Land disputes are settled without violence"]],
        },
    )
    councils = services.line_of_effort_create(
        plan=plan,
        by=planner,
        data={
            "domain": "governance",
            "title": "District councils deliver",
            "lead_organisation": orgs["dev"],
            "goals": [goals["District councils deliver basic services"]],
        },
    )
    security = services.line_of_effort_create(
        plan=plan,
        by=planner,
        data={
            "domain": "security",
            "title": "Safe roads to the markets",
            "lead_organisation": orgs["mod"],
        },
    )
    activities = {}
    for line, title, org, actor, nature, start, end, extra in [
        (
            land,
            "Mobile land courts in three districts",
            "mfa",
            "civilian",
            "non_military",
            -100,
            200,
            {"sector": "15130"},
        ),
        (
            land,
            "Train community mediators",
            "police",
            "police",
            "non_military",
            -90,
            -10,
            {"sector": "15220"},
        ),
        (
            councils,
            "Council budget coaching",
            "dev",
            "civilian",
            "non_military",
            -60,
            240,
            {"sector": "15112"},
        ),
        (
            councils,
            "School in Kora",
            "mod",
            "military",
            "non_military",
            -80,
            60,
            {
                "military_justification": (
                    "No civilian contractor will work in Kora while the road is unsafe; army "
                    "engineers build the school and hand it to the district council."
                ),
                "place_name": "Kora",
                "latitude": Decimal("12.51230"),
                "longitude": Decimal("30.11870"),
            },
        ),
        (security, "Route clearance Kora-Tessa", "mod", "military", "military", -110, 30, {}),
        (
            security,
            "Community policing pilot",
            "police",
            "police",
            "non_military",
            20,
            300,
            {"sector": "15210"},
        ),
        (
            councils,
            "Water points in Tessa",
            "dev",
            "ngo",
            "non_military",
            -40,
            100,
            {"sector": "14030"},
        ),
    ]:
        activities[title] = services.activity_create(
            line_of_effort=line,
            by=planner,
            data={
                "title": title,
                "responsible_organisation": orgs[org],
                "actor_type": actor,
                "task_nature": nature,
                "start_date": _date(start),
                "end_date": _date(end),
                **cast(dict[str, Any], extra),
            },
        )
    services.milestone_create(
        plan=plan,
        by=planner,
        data={
            "title": "First land court session",
            "due_date": _date(-70),
            "achieved_on": _date(-65),
        },
    )
    services.milestone_create(
        plan=plan, by=planner, data={"title": "School opens", "due_date": _date(70)}
    )
    services.consultation_create(
        plan=plan,
        by=planner,
        data={
            "stakeholder": orgs["ngo"],
            "date": _date(-100),
            "summary": "Elders want land courts to sit in the villages, not in the capital.",
            "follow_up": "Courts travel on market days.",
        },
    )
    services.consultation_create(
        plan=plan,
        by=planner,
        data={
            "stakeholder": orgs["police"],
            "date": _date(-95),
            "summary": "Police ask for mediators to be trained before the courts start.",
        },
    )
    plan = services.plan_submit(plan=plan, by=planner)
    for approver in ("mod.approver", "dev.approver"):
        services.plan_review(
            plan=plan,
            by=_user(approver),
            submission=plan.submission,
            decision="approve",
            comment="Agreed.",
        )
    services.plan_review(
        plan=plan, by=_user("police.approver"), submission=plan.submission, decision="approve"
    )
    services.plan_approve(plan=plan, by=_user("mfa.approver"), submission=plan.submission)
    services.plan_activate(plan=plan, by=planner)
    for title, status, progress in [
        ("Mobile land courts in three districts", "in_progress", 45),
        ("Train community mediators", "done", 100),
        ("Council budget coaching", "in_progress", 20),
        ("Route clearance Kora-Tessa", "blocked", 60),
        ("Water points in Tessa", "cancelled", 0),
    ]:
        activity = activities[title]
        activity.refresh_from_db()
        by = planner
        services.activity_progress_update(
            activity=activity, by=by, version=activity.version, status=status, progress=progress
        )
    advisor = _user("field.advisor")
    school = activities["School in Kora"]
    services.field_report_file(
        plan=plan,
        by=advisor,
        activity=school,
        date=_date(-2),
        place="Kora",
        situation="Walls are up to the windows; the roof beams arrive next week. Parents ask "
        "when the council will appoint teachers.",
        progress_update=55,
        attachments=[_site_photo()],
    )
    services.field_report_file(
        plan=plan,
        by=advisor,
        date=_date(-1),
        place="Tessa market",
        situation="Market calm. Traders report fewer roadblocks since the route clearance began.",
    )


def _plan_in_review(orgs: dict[str, Organisation]) -> None:
    planner = _user("mfa.planner")
    strategy = Strategy.objects.get(title="Preventing escalation in the Eastern Borderlands")
    plan = services.plan_create(
        by=planner,
        title=PLAN_IN_REVIEW,
        theatre="Valeria (eastern border)",
        lead_organisation=orgs["mfa"],
        strategy=strategy,
        phase="planning",
        start_date=_date(30),
        end_date=_date(400),
        participants=[(orgs["mod"], "contributor"), (orgs["dev"], "contributor")],
    )
    line = services.line_of_effort_create(
        plan=plan,
        by=planner,
        data={
            "domain": "development",
            "title": "Reopen border markets",
            "lead_organisation": orgs["dev"],
        },
    )
    services.activity_create(
        line_of_effort=line,
        by=planner,
        data={
            "title": "Joint market oversight committees",
            "responsible_organisation": orgs["dev"],
            "actor_type": "civilian",
            "task_nature": "non_military",
            "start_date": _date(30),
            "end_date": _date(200),
        },
    )
    plan = services.plan_submit(plan=plan, by=planner)
    services.plan_review(
        plan=plan, by=_user("mod.approver"), submission=plan.submission, decision="approve"
    )


def seed() -> str:
    orgs = {o.slug: o for o in Organisation.objects.all()}
    titles = set(Plan.objects.values_list("title", flat=True))
    if ACTIVE_PLAN not in titles:
        _active_plan(orgs)
    if PLAN_IN_REVIEW not in titles:
        _plan_in_review(orgs)
    return f"{Plan.objects.count()} plans"
