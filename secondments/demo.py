"""Demo world, part two: a political advisor embedded with the Ministry of Defence's task
force commander (approved, under way), and a secondment from development cooperation to the
UN waiting for both decisions. Idempotent: each is made once, by its person and host."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Organisation, Role, User
from secondments import services
from secondments.models import Post, Secondment, SecondmentKind


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _date(days_from_today: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_from_today)


def _post(host: Organisation, title: str, **extra: object) -> Post:
    post, _ = Post.objects.get_or_create(host_organisation=host, title=title, defaults=extra)
    return post


def seed() -> str:
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=["mfa", "mod", "dev", "un"])}
    commander = _post(
        orgs["mod"],
        "Task force commander",
        is_commander_post=True,
        description="Commands the Northern Valeria task force.",
    )
    advisor_post = _post(
        orgs["mod"],
        "Political advisor to the task force commander",
        reports_to=commander,
        description="Brings the political line of the integrated plan to the commander.",
    )
    advisor = _user("field.advisor")
    if not Secondment.objects.filter(person=advisor, host_organisation=orgs["mod"]).exists():
        embedded = services.secondment_request(
            by=_user("mfa.planner"),
            person=advisor,
            home_organisation=orgs["mfa"],
            host_organisation=orgs["mod"],
            post=advisor_post,
            kind=SecondmentKind.EMBEDDED_ADVISOR,
            role=Role.FIELD_ADVISOR,
            start_date=_date(-30),
            end_date=_date(150),
            purpose="Political advice to the commander; reports to both lines.",
        )
        for approver in ("mfa.approver", "mod.approver"):
            services.secondment_decide(
                secondment=embedded, by=_user(approver), request=1, decision="approve"
            )
    person = _user("dev.planner")
    if not Secondment.objects.filter(person=person, host_organisation=orgs["un"]).exists():
        services.secondment_request(
            by=person,
            person=person,
            home_organisation=orgs["dev"],
            host_organisation=orgs["un"],
            kind=SecondmentKind.LIAISON,
            role=Role.PLANNER,
            start_date=_date(14),
            end_date=_date(200),
            purpose="Liaison with the UN country team on the reconstruction programme.",
        )
    return f"{Secondment.objects.count()} secondments"
