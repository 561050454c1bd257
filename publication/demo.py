"""Demo world: the Northern Valeria plan published, with a few of its activities public."""

from __future__ import annotations

from accounts.models import User
from missions.demo import ACTIVE_PLAN
from missions.models import Activity, Plan
from publication import services
from publication.models import PlanPublication

PUBLIC_ACTIVITIES = (
    "Mobile land courts in three districts",
    "Train community mediators",
    "Council budget coaching",
    "School in Kora",
)
PUBLIC_TITLE = "Northern Valeria: partners working together for peace"
PUBLIC_SUMMARY = (
    "Since the ceasefire, our foreign, defence and development ministries and the national "
    "police work together in the northern provinces of Valeria, with the United Nations and "
    "local civil society.\n\n"
    "Together they help settle land disputes peacefully, help district councils deliver basic "
    "services, and keep the roads to the markets safe, so that families can return and trade."
)


def seed() -> str:
    plan = Plan.objects.filter(title=ACTIVE_PLAN).first()
    if plan is None:
        return "no plan published"
    if not PlanPublication.objects.filter(plan=plan).exists():
        if plan.status not in services.PUBLISHABLE:
            return f"{ACTIVE_PLAN} not published (it is {plan.get_status_display().lower()})"
        # Marked in the rows themselves: the demo's plan is active, and a change made through
        # `activity_update` would be an amendment sending it back to its contributors.
        Activity.objects.filter(line_of_effort__plan=plan, title__in=PUBLIC_ACTIVITIES).update(
            public=True
        )
        services.plan_publish(
            plan=plan,
            by=User.objects.get(username="mfa.approver"),
            public_title=PUBLIC_TITLE,
            public_summary=PUBLIC_SUMMARY,
            slug="northern-valeria",
        )
    published = PlanPublication.objects.filter(published=True).count()
    return f"{published} plan{'s' if published != 1 else ''} published"
