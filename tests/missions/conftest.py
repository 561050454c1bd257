"""Plan personas. Lead `mfa`; contributor `mod`; consulted `ngo`; outsider `police`.

Besides the participants' people and the outsider: `superuser` (no membership: sees every
plan, acts on none), `ended_yesterday` (planner, approver and field advisor of mfa until
yesterday, still in its Django groups) and `starts_tomorrow` (the same from tomorrow, already
in the groups). The last two must get exactly what the outsider gets.

`plan` is a draft led by mfa (contributor mod, consulted ngo) with one line of effort
(governance, led by mfa) holding one civilian activity of mfa and one military activity of
mod doing non-military work (with its justification).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Organisation, OrganisationKind, Role, User
from missions import services
from missions.models import Activity, LineOfEffort, Plan
from tests.factories import (
    make_former_member,
    make_future_member,
    make_member,
    make_organisation,
    make_user,
)

START = datetime.date(2026, 1, 1)
END = datetime.date(2027, 12, 31)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead_org(db: None) -> Organisation:
    return make_organisation(slug="mfa", name="Ministry of Foreign Affairs")


@pytest.fixture
def contributor_org(db: None) -> Organisation:
    return make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)


@pytest.fixture
def consulted_org(db: None) -> Organisation:
    return make_organisation(slug="ngo", name="Peacebuilding Partners", kind=OrganisationKind.NGO)


@pytest.fixture
def outsider_org(db: None) -> Organisation:
    return make_organisation(slug="police", name="National Police", kind=OrganisationKind.POLICE)


@pytest.fixture
def lead_planner(lead_org: Organisation) -> User:
    return make_member(lead_org, Role.PLANNER, username="lead-planner")


@pytest.fixture
def lead_approver(lead_org: Organisation) -> User:
    return make_member(lead_org, Role.APPROVER, username="lead-approver")


@pytest.fixture
def contributor_planner(contributor_org: Organisation) -> User:
    return make_member(contributor_org, Role.PLANNER, username="contributor-planner")


@pytest.fixture
def contributor_approver(contributor_org: Organisation) -> User:
    return make_member(contributor_org, Role.APPROVER, username="contributor-approver")


@pytest.fixture
def field_advisor(lead_org: Organisation) -> User:
    return make_member(lead_org, Role.FIELD_ADVISOR, username="field-advisor")


@pytest.fixture
def plan_outsider(outsider_org: Organisation) -> User:
    """A planner, approver and field advisor of an organisation outside the plan."""
    from tests.factories import add_membership

    user = make_member(outsider_org, Role.PLANNER, username="outsider")
    add_membership(user, outsider_org, Role.APPROVER)
    add_membership(user, outsider_org, Role.FIELD_ADVISOR)
    return user


LAPSED_ROLES = [Role.PLANNER, Role.APPROVER, Role.FIELD_ADVISOR]


@pytest.fixture
def personas(
    lead_org: Organisation,
    lead_planner: User,
    lead_approver: User,
    contributor_planner: User,
    contributor_approver: User,
    field_advisor: User,
    plan_outsider: User,
) -> dict[str, User | None]:
    return {
        "lead_planner": lead_planner,
        "lead_approver": lead_approver,
        "contributor_planner": contributor_planner,
        "contributor_approver": contributor_approver,
        "field_advisor": field_advisor,
        "outsider": plan_outsider,
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "ended_yesterday": make_former_member(lead_org, LAPSED_ROLES, username="ended-yesterday"),
        "starts_tomorrow": make_future_member(lead_org, LAPSED_ROLES, username="starts-tomorrow"),
        "anonymous": None,
    }


@pytest.fixture
def plan(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
) -> Plan:
    plan = services.plan_create(
        by=lead_planner,
        title="Northern Valeria integrated plan",
        theatre="Valeria",
        lead_organisation=lead_org,
        participants=[(contributor_org, "contributor"), (consulted_org, "consulted")],
        start_date=START,
        end_date=END,
        phase="planning",
    )
    line = services.line_of_effort_create(
        plan=plan,
        by=lead_planner,
        data={"domain": "governance", "title": "District councils", "lead_organisation": lead_org},
    )
    services.activity_create(
        line_of_effort=line,
        by=lead_planner,
        data={
            "title": "Train council clerks",
            "responsible_organisation": lead_org,
            "actor_type": "civilian",
            "task_nature": "non_military",
            "start_date": START,
            "end_date": datetime.date(2026, 6, 30),
        },
    )
    services.activity_create(
        line_of_effort=line,
        by=lead_planner,
        data={
            "title": "Engineers build a school",
            "responsible_organisation": contributor_org,
            "actor_type": "military",
            "task_nature": "non_military",
            "military_justification": "No civilian contractor can work in this district yet.",
            "start_date": START,
            "end_date": datetime.date(2026, 9, 30),
            "place_name": "Kora",
        },
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def line(plan: Plan) -> LineOfEffort:
    return plan.lines_of_effort.get()


@pytest.fixture
def civilian_activity(line: LineOfEffort) -> Activity:
    return line.activities.get(actor_type="civilian")


@pytest.fixture
def military_activity(line: LineOfEffort) -> Activity:
    return line.activities.get(actor_type="military")
