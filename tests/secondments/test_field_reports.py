"""An embedded advisor's field reports go to both lines: the commander's organisation (the
host) on its plan, and the advisor's home planners, who are told on the secondment."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Notification, Organisation, Role, User
from missions import services as plans
from missions.models import Plan
from tests.secondments.conftest import approve_both, request

pytestmark = pytest.mark.django_db


def _told(kind: str) -> list[tuple[str, str, str]]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", "text", "url")
    )


@pytest.mark.parametrize("kind", ["embedded_advisor", "secondment"])
def test_an_embedded_advisors_field_report_reaches_both_lines(
    kind: str,
    people: dict[str, User],
    home: Organisation,
    host: Organisation,
    host_plan: Plan,
) -> None:
    s = approve_both(
        request(people, home, host, start=-1, end=30, kind=kind, role=Role.FIELD_ADVISOR), people
    )
    plans.field_report_file(
        plan=host_plan, by=people["person"], date=timezone.localdate(), situation="Quiet."
    )
    assert _told("plan.field_report") == [
        (
            "host-planner",
            "Field report on “Host logistics plan” from person.",
            host_plan.get_absolute_url(),
        )
    ]
    home_line = [
        (
            "home-planner",
            f"person, embedded with MOD, filed a field report dated "
            f"{timezone.localdate():%-d %b %Y}.",
            s.get_absolute_url(),
        )
    ]
    assert _told("secondment.field_report") == (home_line if kind == "embedded_advisor" else [])


def test_the_commanders_organisation_hears_on_a_plan_it_does_not_lead(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    police = Organisation.objects.get(slug="police")
    plan = plans.plan_create(
        by=people["outsider"],
        title="Police training plan",
        theatre="Valeria",
        lead_organisation=police,
        participants=[(host, "contributor")],
        start_date=timezone.localdate(),
        end_date=timezone.localdate().replace(year=timezone.localdate().year + 1),
    )
    approve_both(
        request(
            people, home, host, start=-1, end=30, kind="embedded_advisor", role=Role.FIELD_ADVISOR
        ),
        people,
    )
    plans.field_report_file(
        plan=plan, by=people["person"], date=timezone.localdate(), situation="Quiet."
    )
    assert [r for r, _, _ in _told("plan.field_report")] == ["host-planner", "outsider"]
