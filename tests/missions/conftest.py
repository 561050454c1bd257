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


ORGANISATIONS: dict[str, dict[str, Any]] = {
    "lead_org": {"slug": "mfa", "name": "Ministry of Foreign Affairs"},
    "contributor_org": {
        "slug": "mod",
        "name": "Ministry of Defence",
        "kind": OrganisationKind.DEFENCE,
    },
    "consulted_org": {
        "slug": "ngo",
        "name": "Peacebuilding Partners",
        "kind": OrganisationKind.NGO,
    },
    "outsider_org": {"slug": "police", "name": "National Police", "kind": OrganisationKind.POLICE},
}
MEMBERS: dict[str, tuple[str, str, str]] = {
    # persona: (organisation, role, username)
    "lead_planner": ("lead_org", Role.PLANNER, "lead-planner"),
    "lead_approver": ("lead_org", Role.APPROVER, "lead-approver"),
    "contributor_planner": ("contributor_org", Role.PLANNER, "contributor-planner"),
    "contributor_approver": ("contributor_org", Role.APPROVER, "contributor-approver"),
    "field_advisor": ("lead_org", Role.FIELD_ADVISOR, "field-advisor"),
}
LAPSED_ROLES = [Role.PLANNER, Role.APPROVER, Role.FIELD_ADVISOR]


def member_make(persona: str, organisation: Organisation) -> User:
    _, role, username = MEMBERS[persona]
    return make_member(organisation, role, username=username)


def plan_outsider_make(outsider_org: Organisation) -> User:
    from tests.factories import add_membership

    user = make_member(outsider_org, Role.PLANNER, username="outsider")
    add_membership(user, outsider_org, Role.APPROVER)
    add_membership(user, outsider_org, Role.FIELD_ADVISOR)
    return user


def personas_with(lead_org: Organisation, people: dict[str, User]) -> dict[str, User | None]:
    """The participants' people and the outsider, with the superuser and the lapsed members."""
    return {
        **people,
        "superuser": make_user("root", is_superuser=True, is_staff=True),
        "ended_yesterday": make_former_member(lead_org, LAPSED_ROLES, username="ended-yesterday"),
        "starts_tomorrow": make_future_member(lead_org, LAPSED_ROLES, username="starts-tomorrow"),
        "anonymous": None,
    }


@pytest.fixture
def lead_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["lead_org"])


@pytest.fixture
def contributor_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["contributor_org"])


@pytest.fixture
def consulted_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["consulted_org"])


@pytest.fixture
def outsider_org(db: None) -> Organisation:
    return make_organisation(**ORGANISATIONS["outsider_org"])


@pytest.fixture
def lead_planner(lead_org: Organisation) -> User:
    return member_make("lead_planner", lead_org)


@pytest.fixture
def lead_approver(lead_org: Organisation) -> User:
    return member_make("lead_approver", lead_org)


@pytest.fixture
def contributor_planner(contributor_org: Organisation) -> User:
    return member_make("contributor_planner", contributor_org)


@pytest.fixture
def contributor_approver(contributor_org: Organisation) -> User:
    return member_make("contributor_approver", contributor_org)


@pytest.fixture
def field_advisor(lead_org: Organisation) -> User:
    return member_make("field_advisor", lead_org)


@pytest.fixture
def plan_outsider(outsider_org: Organisation) -> User:
    """A planner, approver and field advisor of an organisation outside the plan."""
    return plan_outsider_make(outsider_org)


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
    return personas_with(
        lead_org,
        {
            "lead_planner": lead_planner,
            "lead_approver": lead_approver,
            "contributor_planner": contributor_planner,
            "contributor_approver": contributor_approver,
            "field_advisor": field_advisor,
            "outsider": plan_outsider,
        },
    )


def plan_people_make() -> tuple[dict[str, Organisation], dict[str, User | None]]:
    """Every organisation and persona above, as the fixtures make them."""
    organisations = {name: make_organisation(**data) for name, data in ORGANISATIONS.items()}
    people = {
        persona: member_make(persona, organisations[organisation])
        for persona, (organisation, _, _) in MEMBERS.items()
    }
    people["outsider"] = plan_outsider_make(organisations["outsider_org"])
    return organisations, personas_with(organisations["lead_org"], people)


def plan_world_make() -> tuple[dict[str, Organisation], dict[str, User | None], Plan]:
    """Every organisation and persona above and the plan, as the fixtures make them."""
    organisations, personas = plan_people_make()
    lead_planner = personas["lead_planner"]
    assert lead_planner is not None
    plan = plan_make(
        lead_planner=lead_planner,
        lead_org=organisations["lead_org"],
        contributor_org=organisations["contributor_org"],
        consulted_org=organisations["consulted_org"],
    )
    return organisations, personas, plan


@pytest.fixture
def plan(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
) -> Plan:
    return plan_make(
        lead_planner=lead_planner,
        lead_org=lead_org,
        contributor_org=contributor_org,
        consulted_org=consulted_org,
    )


def plan_make(
    *,
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
