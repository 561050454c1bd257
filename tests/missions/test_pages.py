"""Plan pages: who may open and post what, what the pages show, and that they stay cheap.

Personas (tests/missions/conftest.py): the lead organisation is mfa (its planner, approver and
field advisor), the contributor mod (its planner and approver), ngo is consulted, and the
outsider is a planner, approver and field advisor of the police, which takes no part. The
superuser belongs nowhere: sees every plan, acts on none. `ended_yesterday` and
`starts_tomorrow` hold mfa's roles (and its Django groups) but not today: the plan is not
shared with them, as with the outsider, and they plan nowhere today.

Every test starts from one world (`world`), built once for the module: each test's changes
roll back at its end, and it gets its own copies of the objects and of the uploaded files.
"""

from __future__ import annotations

import copy
import datetime
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from accounts.models import Organisation, OrganisationKind, Role, User
from missions import services
from missions.models import (
    Activity,
    Attachment,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Participant,
    Plan,
    Review,
)
from reports.models import Report
from tests.factories import make_member, make_organisation, submission_of
from tests.missions.api_support import PDF
from tests.missions.conftest import plan_world_make

pytestmark = pytest.mark.django_db

PERSONAS = [
    "lead_planner",
    "lead_approver",
    "contributor_planner",
    "contributor_approver",
    "field_advisor",
    "outsider",
    "superuser",
    "ended_yesterday",
    "starts_tomorrow",
    "anonymous",
]
PARTICIPANTS = PERSONAS[:5]
LAPSED = ["ended_yesterday", "starts_tomorrow"]
NOT_SHARED = ["outsider", *LAPSED]  # the plan does not exist for them


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/?next=")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1d4e89").save(buffer, "PNG")
    return buffer.getvalue()


def photo(name: str = "school.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


CONSULTED_SUMMARY = "Local NGOs want the clerks trained in the local language."


@dataclass
class World:
    plan: Plan
    line: LineOfEffort
    civilian: Activity
    military: Activity
    milestone: Milestone
    consultation: Consultation
    report: FieldReport
    attachment: Attachment
    lead_org: Organisation
    contributor_org: Organisation
    consulted_org: Organisation
    people: dict[str, User | None]
    extra: dict[str, Any] = field(default_factory=dict)

    def by(self, persona: str) -> User:
        user = self.people[persona]
        assert user is not None
        return user


@pytest.fixture(scope="module")
def built_world(module_db: Any, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The world every test here starts from, built once for the module (see `module_db`)."""
    media = tmp_path_factory.mktemp("media")
    with module_db.unblock(), override_settings(MEDIA_ROOT=media):
        organisations, personas, plan = plan_world_make()
        lead_planner, field_advisor = personas["lead_planner"], personas["field_advisor"]
        assert lead_planner is not None
        assert field_advisor is not None
        line = plan.lines_of_effort.get()
        milestone = services.milestone_create(
            plan=plan,
            by=lead_planner,
            data={"title": "District councils elected", "due_date": datetime.date(2026, 10, 1)},
        )
        consultation = services.consultation_create(
            plan=plan,
            by=lead_planner,
            data={
                "stakeholder": organisations["consulted_org"],
                "date": datetime.date(2026, 1, 15),
                "summary": CONSULTED_SUMMARY,
            },
        )
        report = services.field_report_file(
            plan=plan,
            by=field_advisor,
            date=timezone.localdate(),
            situation="The school walls are up.",
            activity=line.activities.get(actor_type="military"),
            place="Kora",
            attachments=[photo()],
        )
        plan.refresh_from_db()
        return World(
            plan=plan,
            line=line,
            civilian=line.activities.get(actor_type="civilian"),
            military=line.activities.get(actor_type="military"),
            milestone=milestone,
            consultation=consultation,
            report=report,
            attachment=report.attachments.get(),
            lead_org=organisations["lead_org"],
            contributor_org=organisations["contributor_org"],
            consulted_org=organisations["consulted_org"],
            people=personas,
            extra={"media": media},
        )


@pytest.fixture
def world(built_world: World, db: None, settings: Any) -> World:
    """A copy of the module's world, with its files in this test's own media folder."""
    shutil.copytree(built_world.extra["media"], settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(built_world)


def _plan(w: World) -> Plan:
    return Plan.objects.get(pk=w.plan.pk)


def submit(w: World) -> None:
    services.plan_submit(plan=_plan(w), by=w.by("lead_planner"))


def contributor_approves(w: World) -> None:
    services.plan_review(
        plan=_plan(w),
        submission=submission_of(_plan(w)),
        by=w.by("contributor_approver"),
        decision="approve",
    )


def approve(w: World) -> None:
    services.plan_approve(
        plan=_plan(w), submission=submission_of(_plan(w)), by=w.by("lead_approver")
    )


def activate(w: World) -> None:
    services.plan_activate(plan=_plan(w), by=w.by("lead_planner"))


STAGES: dict[str, list[Callable[[World], None]]] = {
    "draft": [],
    "in_review": [submit],
    "ready": [submit, contributor_approves],
    "approved": [submit, contributor_approves, approve],
    "active": [submit, contributor_approves, approve, activate],
}


def bring_to(w: World, stage: str) -> None:
    for step in STAGES[stage]:
        step(w)
    w.plan.refresh_from_db()


def state(w: World) -> tuple[Any, ...]:
    """Everything a page could change, to show that a refused request changed nothing."""
    return (
        list(Plan.objects.order_by("pk").values_list("title", "status", "version", "submission")),
        list(Participant.objects.order_by("pk").values_list("organisation_id", "role")),
        list(LineOfEffort.objects.order_by("pk").values_list("pk", "title", "version")),
        list(
            Activity.objects.order_by("pk").values_list(
                "pk", "title", "status", "progress", "version"
            )
        ),
        list(Milestone.objects.order_by("pk").values_list("pk", "title", "version")),
        list(Consultation.objects.order_by("pk").values_list("pk", "summary", "version")),
        list(
            Review.objects.order_by("pk").values_list("organisation_id", "decision", "submission")
        ),
        FieldReport.objects.count(),
        Attachment.objects.count(),
    )


# --- who may open each page ---------------------------------------------------------------------

EVERYONE_SIGNED_IN = dict.fromkeys(PERSONAS[:-1], 200)
HIDDEN = dict.fromkeys(NOT_SHARED, 404)
# Those who see the plan but may not do this: the participants, and the superuser.
REFUSED = dict.fromkeys([*PARTICIPANTS, "superuser"], 403)
PARTICIPANTS_ONLY = {**dict.fromkeys(PARTICIPANTS, 200), "superuser": 200, **HIDDEN}
LEAD_PLANNERS = {**REFUSED, "lead_planner": 200, **HIDDEN}
LEAD = {**LEAD_PLANNERS, "lead_approver": 200}
CONTRIBUTOR_APPROVERS = {**REFUSED, "contributor_approver": 200, **HIDDEN}
PLANNERS_ANYWHERE = {
    **REFUSED,
    "lead_planner": 200,
    "contributor_planner": 200,
    "outsider": 200,
    **dict.fromkeys(LAPSED, 403),  # planners, but not today
}
RESPONSIBLE_MFA = LEAD_PLANNERS
RESPONSIBLE_MOD = {**LEAD_PLANNERS, "contributor_planner": 200}
FIELD_ADVISORS = {**REFUSED, "field_advisor": 200, **HIDDEN}

PAGES: dict[str, tuple[Callable[[World], str], dict[str, int], str]] = {
    "list": (lambda w: "/plans/", EVERYONE_SIGNED_IN, "draft"),
    "new": (lambda w: "/plans/new/", PLANNERS_ANYWHERE, "draft"),
    "plan page": (lambda w: f"/plans/{w.plan.pk}/", PARTICIPANTS_ONLY, "draft"),
    "edit": (lambda w: f"/plans/{w.plan.pk}/edit/", LEAD_PLANNERS, "draft"),
    "review": (lambda w: f"/plans/{w.plan.pk}/review/", CONTRIBUTOR_APPROVERS, "in_review"),
    "close": (lambda w: f"/plans/{w.plan.pk}/close/", LEAD, "active"),
    "add line": (lambda w: f"/plans/{w.plan.pk}/lines/new/", LEAD_PLANNERS, "draft"),
    "edit line": (lambda w: f"/plans/lines/{w.line.pk}/edit/", LEAD_PLANNERS, "draft"),
    "remove line": (lambda w: f"/plans/lines/{w.line.pk}/delete/", LEAD_PLANNERS, "draft"),
    "add activity": (
        lambda w: f"/plans/lines/{w.line.pk}/activities/new/",
        LEAD_PLANNERS,
        "draft",
    ),
    "edit activity": (
        lambda w: f"/plans/activities/{w.civilian.pk}/edit/",
        LEAD_PLANNERS,
        "draft",
    ),
    "remove activity": (
        lambda w: f"/plans/activities/{w.civilian.pk}/delete/",
        LEAD_PLANNERS,
        "draft",
    ),
    "progress of mfa's activity": (
        lambda w: f"/plans/activities/{w.civilian.pk}/progress/",
        RESPONSIBLE_MFA,
        "active",
    ),
    "progress of mod's activity": (
        lambda w: f"/plans/activities/{w.military.pk}/progress/",
        RESPONSIBLE_MOD,
        "active",
    ),
    "add milestone": (lambda w: f"/plans/{w.plan.pk}/milestones/new/", LEAD_PLANNERS, "draft"),
    "edit milestone": (
        lambda w: f"/plans/milestones/{w.milestone.pk}/edit/",
        LEAD_PLANNERS,
        "draft",
    ),
    "remove milestone": (
        lambda w: f"/plans/milestones/{w.milestone.pk}/delete/",
        LEAD_PLANNERS,
        "draft",
    ),
    "add consultation": (
        lambda w: f"/plans/{w.plan.pk}/consultations/new/",
        LEAD_PLANNERS,
        "draft",
    ),
    "edit consultation": (
        lambda w: f"/plans/consultations/{w.consultation.pk}/edit/",
        LEAD_PLANNERS,
        "draft",
    ),
    "remove consultation": (
        lambda w: f"/plans/consultations/{w.consultation.pk}/delete/",
        LEAD_PLANNERS,
        "draft",
    ),
    "field report": (
        lambda w: f"/plans/{w.plan.pk}/field-reports/new/",
        FIELD_ADVISORS,
        "active",
    ),
    "attachment": (
        lambda w: f"/plans/attachments/{w.attachment.pk}/",
        PARTICIPANTS_ONLY,
        "draft",
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_matrix(world: World, page: str, persona: str) -> None:
    url, expected, stage = PAGES[page]
    bring_to(world, stage)
    response = client_as(world.people[persona]).get(url(world))
    if persona == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected[persona]


@pytest.mark.parametrize(
    ("url", "persona", "reason"),
    [
        (
            "/plans/{plan}/edit/",
            "contributor_planner",
            "Only planners of the lead organisation can change this plan.",
        ),
        (
            "/plans/activities/{civilian}/progress/",
            "contributor_planner",
            "Only planners of the responsible organisation (or of the lead) update this "
            "activity&#x27;s progress.",
        ),
        (
            "/plans/{plan}/field-reports/new/",
            "lead_planner",
            "Field advisors of participating organisations file field reports.",
        ),
        (
            "/plans/{plan}/review/",
            "lead_approver",
            "Only an approver of a contributing organisation can review this plan.",
        ),
        (
            "/plans/new/",
            "field_advisor",
            "Only planners can start a plan for their organisation.",
        ),
    ],
)
def test_refusals_say_why(world: World, url: str, persona: str, reason: str) -> None:
    response = client_as(world.people[persona]).get(
        url.format(plan=world.plan.pk, civilian=world.civilian.pk)
    )
    assert response.status_code == 403
    assert reason in response.content.decode()


def test_a_closed_plan_refuses_changes_and_reports_saying_why(world: World) -> None:
    bring_to(world, "active")
    services.plan_close(plan=_plan(world), by=world.by("lead_planner"))
    edit = client_as(world.by("lead_planner")).get(f"/plans/{world.plan.pk}/edit/")
    assert edit.status_code == 403
    assert "This plan is closed: it can no longer be changed." in edit.content.decode()
    report = client_as(world.by("field_advisor")).get(f"/plans/{world.plan.pk}/field-reports/new/")
    assert report.status_code == 403
    assert "This plan is closed: it takes no more field reports." in report.content.decode()
    page = client_as(world.by("lead_planner")).get(f"/plans/{world.plan.pk}/").content.decode()
    assert "Update progress" not in page
    assert "File a field report" not in page


# --- who may post what; refused posts change nothing --------------------------------------------


@dataclass
class Action:
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    allowed: set[str]
    observe: Callable[[World], Any]
    """Reads what the post should have changed..."""
    expected: Any
    """...and what an allowed post leaves there."""
    stage: str = "draft"


def _plan_data(w: World, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Northern Valeria integrated plan",
        "theatre": "Valeria",
        "summary": "",
        "phase": "planning",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "contributors": [w.contributor_org.pk],
        "consulted": [w.consulted_org.pk],
        "version": _plan(w).version,
        **changes,
    }


def _activity_data(w: World, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Open a legal aid desk",
        "description": "",
        "responsible_organisation": w.lead_org.pk,
        "actor_type": "civilian",
        "task_nature": "non_military",
        "military_justification": "",
        "start_date": "2026-03-01",
        "end_date": "2026-05-31",
        "place_name": "Kora",
        "latitude": "",
        "longitude": "",
        **changes,
    }


def _report_data(w: World) -> dict[str, Any]:
    return {
        "activity": w.civilian.pk,
        "date": timezone.localdate().isoformat(),
        "place": "Kora town hall",
        "situation": "Twelve clerks attended the first session.",
        "progress_update": "40",
        "attachments": [photo("clerks.png")],
    }


def _status(w: World) -> str:
    return _plan(w).status


def _plan_state(w: World) -> tuple[str, str, int]:
    plan = _plan(w)
    return (plan.title, plan.status, plan.version)


def _lines(w: World) -> list[tuple[str, str, int]]:
    return list(LineOfEffort.objects.order_by("pk").values_list("title", "domain", "version"))


def _activities(w: World) -> list[str]:
    return list(Activity.objects.order_by("pk").values_list("title", flat=True))


def _progress(activity: Callable[[World], Activity]) -> Callable[[World], tuple[str, int]]:
    return lambda w: Activity.objects.values_list("status", "progress").get(pk=activity(w).pk)


def _reviews(w: World) -> list[tuple[str, str, str]]:
    return list(Review.objects.values_list("organisation__slug", "decision", "comment"))


def _milestones(w: World) -> list[tuple[str, datetime.date | None, int]]:
    return list(Milestone.objects.order_by("pk").values_list("title", "achieved_on", "version"))


def _consultations(w: World) -> list[tuple[str, str, int]]:
    return list(Consultation.objects.order_by("pk").values_list("summary", "follow_up", "version"))


def _reports(w: World) -> list[tuple[str, int]]:
    return [(r.situation, r.attachments.count()) for r in FieldReport.objects.order_by("pk")]


PLAN_TITLE = "Northern Valeria integrated plan"
CLERKS, SCHOOL = "Train council clerks", "Engineers build a school"

ACTIONS: dict[str, Action] = {
    "edit": Action(
        url=lambda w: f"/plans/{w.plan.pk}/edit/",
        data=lambda w: _plan_data(w, title="Valeria plan"),
        allowed={"lead_planner"},
        observe=_plan_state,
        expected=("Valeria plan", "draft", 2),
    ),
    "submit": Action(
        url=lambda w: f"/plans/{w.plan.pk}/submit/",
        data=lambda w: {},
        allowed={"lead_planner"},
        observe=_plan_state,
        expected=(PLAN_TITLE, "in_review", 2),
    ),
    "review": Action(
        url=lambda w: f"/plans/{w.plan.pk}/review/",
        data=lambda w: {
            "decision": "approve",
            "comment": "Fine by defence.",
            "round": submission_of(w.plan),
        },
        allowed={"contributor_approver"},
        observe=_reviews,
        expected=[("mod", "approve", "Fine by defence.")],
        stage="in_review",
    ),
    "approve": Action(
        url=lambda w: f"/plans/{w.plan.pk}/approve/",
        data=lambda w: {"submission": submission_of(w.plan)},
        allowed={"lead_approver"},
        observe=_plan_state,
        expected=(PLAN_TITLE, "approved", 3),
        stage="ready",
    ),
    "activate": Action(
        url=lambda w: f"/plans/{w.plan.pk}/activate/",
        data=lambda w: {},
        allowed={"lead_planner", "lead_approver"},
        observe=_plan_state,
        expected=(PLAN_TITLE, "active", 4),
        stage="approved",
    ),
    "close": Action(
        url=lambda w: f"/plans/{w.plan.pk}/close/",
        data=lambda w: {},
        allowed={"lead_planner", "lead_approver"},
        observe=_plan_state,
        expected=(PLAN_TITLE, "closed", 5),
        stage="active",
    ),
    "add line": Action(
        url=lambda w: f"/plans/{w.plan.pk}/lines/new/",
        data=lambda w: {
            "domain": "rule_of_law",
            "title": "Courts",
            "lead_organisation": w.lead_org.pk,
        },
        allowed={"lead_planner"},
        observe=_lines,
        expected=[("District councils", "governance", 1), ("Courts", "rule_of_law", 1)],
    ),
    "edit line": Action(
        url=lambda w: f"/plans/lines/{w.line.pk}/edit/",
        data=lambda w: {
            "domain": "governance",
            "title": "Councils that work",
            "lead_organisation": w.lead_org.pk,
            "order": "0",
            "version": 1,
        },
        allowed={"lead_planner"},
        observe=_lines,
        expected=[("Councils that work", "governance", 2)],
    ),
    "remove line": Action(
        url=lambda w: f"/plans/lines/{w.line.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        observe=_lines,
        expected=[],
    ),
    "add activity": Action(
        url=lambda w: f"/plans/lines/{w.line.pk}/activities/new/",
        data=_activity_data,
        allowed={"lead_planner"},
        observe=_activities,
        expected=[CLERKS, SCHOOL, "Open a legal aid desk"],
    ),
    "edit activity": Action(
        url=lambda w: f"/plans/activities/{w.civilian.pk}/edit/",
        data=lambda w: _activity_data(
            w,
            title="Train clerks and archivists",
            line_of_effort=w.line.pk,
            version=w.civilian.version,
        ),
        allowed={"lead_planner"},
        observe=_activities,
        expected=["Train clerks and archivists", SCHOOL],
    ),
    "remove activity": Action(
        url=lambda w: f"/plans/activities/{w.civilian.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        observe=_activities,
        expected=[SCHOOL],
    ),
    "progress of mfa's activity": Action(
        url=lambda w: f"/plans/activities/{w.civilian.pk}/progress/",
        data=lambda w: {"status": "in_progress", "progress": "30", "version": w.civilian.version},
        allowed={"lead_planner"},
        observe=_progress(lambda w: w.civilian),
        expected=("in_progress", 30),
        stage="active",
    ),
    "progress of mod's activity": Action(
        url=lambda w: f"/plans/activities/{w.military.pk}/progress/",
        data=lambda w: {"status": "blocked", "progress": "10", "version": w.military.version},
        allowed={"lead_planner", "contributor_planner"},
        observe=_progress(lambda w: w.military),
        expected=("blocked", 10),
        stage="active",
    ),
    "add milestone": Action(
        url=lambda w: f"/plans/{w.plan.pk}/milestones/new/",
        data=lambda w: {"title": "Courts reopen", "due_date": "2027-03-01", "achieved_on": ""},
        allowed={"lead_planner"},
        observe=_milestones,
        expected=[("District councils elected", None, 1), ("Courts reopen", None, 1)],
    ),
    "edit milestone": Action(
        url=lambda w: f"/plans/milestones/{w.milestone.pk}/edit/",
        data=lambda w: {
            "title": "District councils elected",
            "due_date": "2026-10-01",
            "achieved_on": "2026-10-03",
            "version": 1,
        },
        allowed={"lead_planner"},
        observe=_milestones,
        expected=[("District councils elected", datetime.date(2026, 10, 3), 2)],
    ),
    "remove milestone": Action(
        url=lambda w: f"/plans/milestones/{w.milestone.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        observe=_milestones,
        expected=[],
    ),
    "add consultation": Action(
        url=lambda w: f"/plans/{w.plan.pk}/consultations/new/",
        data=lambda w: {
            "stakeholder": w.consulted_org.pk,
            "date": "2026-02-01",
            "summary": "Second round.",
            "follow_up": "",
        },
        allowed={"lead_planner"},
        observe=_consultations,
        expected=[(CONSULTED_SUMMARY, "", 1), ("Second round.", "", 1)],
    ),
    "edit consultation": Action(
        url=lambda w: f"/plans/consultations/{w.consultation.pk}/edit/",
        data=lambda w: {
            "stakeholder": w.consulted_org.pk,
            "date": "2026-01-15",
            "summary": CONSULTED_SUMMARY,
            "follow_up": "Hire interpreters.",
            "version": 1,
        },
        allowed={"lead_planner"},
        observe=_consultations,
        expected=[(CONSULTED_SUMMARY, "Hire interpreters.", 2)],
    ),
    "remove consultation": Action(
        url=lambda w: f"/plans/consultations/{w.consultation.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        observe=_consultations,
        expected=[],
    ),
    "field report": Action(
        url=lambda w: f"/plans/{w.plan.pk}/field-reports/new/",
        data=_report_data,
        allowed={"field_advisor"},
        observe=_reports,
        expected=[
            ("The school walls are up.", 1),
            ("Twelve clerks attended the first session.", 1),
        ],
        stage="active",
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_post_matrix(world: World, action: str, persona: str) -> None:
    spec = ACTIONS[action]
    bring_to(world, spec.stage)
    world.civilian.refresh_from_db()
    world.military.refresh_from_db()
    before = state(world)

    response = client_as(world.people[persona]).post(spec.url(world), spec.data(world))

    if persona in spec.allowed:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"].startswith(f"/plans/{world.plan.pk}/")
        assert spec.observe(world) == spec.expected
        return
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona in NOT_SHARED:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_plan_matrix(world: World, persona: str) -> None:
    """Anyone who plans somewhere may start a plan, but only with their own organisation as lead."""
    before = state(world)
    response = client_as(world.people[persona]).post(
        "/plans/new/",
        {
            "title": "Delta recovery plan",
            "theatre": "Delta",
            "phase": "assessment",
            "lead_organisation": world.lead_org.pk,
            "start_date": "2026-04-01",
            "end_date": "2026-12-31",
            "contributors": [world.contributor_org.pk],
        },
    )
    if persona == "lead_planner":
        created = Plan.objects.get(title="Delta recovery plan")
        assert response.status_code == 302
        assert response["Location"] == f"/plans/{created.pk}/"
        assert (created.status, created.lead_organisation, created.strategy) == (
            "draft",
            world.lead_org,
            None,
        )
        assert sorted(created.participants.values_list("organisation__slug", "role")) == [
            ("mfa", "lead"),
            ("mod", "contributor"),
        ]
        return
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona in ("contributor_planner", "outsider"):
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "lead_organisation": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        }
    else:  # no planner anywhere today: the superuser and the lapsed members among them
        assert response.status_code == 403
    assert state(world) == before


# --- form errors in plain words -----------------------------------------------------------------


def test_military_actor_on_a_non_military_task_needs_a_justification(world: World) -> None:
    client = client_as(world.by("lead_planner"))
    before = state(world)
    response = client.post(
        f"/plans/lines/{world.line.pk}/activities/new/",
        _activity_data(
            world,
            title="Soldiers dig wells",
            responsible_organisation=world.contributor_org.pk,
            actor_type="military",
            task_nature="non_military",
            military_justification="   ",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "military_justification": [
            "A military actor on a non-military task needs a written justification: why can no "
            "civilian actor do this?"
        ]
    }
    html = response.content.decode()
    assert 'id="id_military_justification-error"' in html
    assert state(world) == before

    # The same rule on an edit; with a justification it is accepted.
    edit_url = f"/plans/activities/{world.civilian.pk}/edit/"
    data = _activity_data(
        world,
        title="Train council clerks",
        actor_type="military",
        line_of_effort=world.line.pk,
        version=world.civilian.version,
    )
    refused = client.post(edit_url, data)
    assert list(refused.context["form"].errors) == ["military_justification"]
    accepted = client.post(
        edit_url, {**data, "military_justification": "Only the army can reach the district."}
    )
    assert accepted.status_code == 302
    assert Activity.objects.get(pk=world.civilian.pk).actor_type == "military"


def test_plan_form_errors_are_plain_words(world: World) -> None:
    client = client_as(world.by("lead_planner"))
    response = client.post(
        "/plans/new/",
        {
            "title": "",
            "theatre": "Delta",
            "phase": "assessment",
            "lead_organisation": world.lead_org.pk,
            "start_date": "2026-12-31",
            "end_date": "2026-04-01",
            "contributors": [world.contributor_org.pk],
            "consulted": [world.contributor_org.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "consulted": ["Choose one role for Ministry of Defence: contributor or consulted."],
        "__all__": ["A plan cannot end before it starts."],
    }
    assert Plan.objects.count() == 1


def test_a_participant_still_responsible_for_work_cannot_be_dropped(world: World) -> None:
    response = client_as(world.by("lead_planner")).post(
        f"/plans/{world.plan.pk}/edit/", _plan_data(world, contributors=[])
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "contributors": ["Still leading work, responsible for work or consulted in this plan: MOD."]
    }


def test_the_responsible_organisation_must_take_part(world: World) -> None:
    outsider_org = Organisation.objects.get(slug="police")
    response = client_as(world.by("lead_planner")).post(
        f"/plans/lines/{world.line.pk}/activities/new/",
        _activity_data(world, responsible_organisation=outsider_org.pk),
    )
    assert response.context["form"].errors == {
        "responsible_organisation": [
            "Select a valid choice. That choice is not one of the available choices."
        ]
    }


def test_request_changes_needs_a_comment_and_the_lead_sees_it(world: World) -> None:
    bring_to(world, "in_review")
    client = client_as(world.by("contributor_approver"))
    url = f"/plans/{world.plan.pk}/review/"
    read = submission_of(world.plan)
    missing = client.post(url, {"decision": "request_changes", "comment": " ", "round": read})
    assert missing.status_code == 200
    assert missing.context["form"].errors == {
        "comment": ["Say which changes you need, so the lead can make them."]
    }
    nothing = client.post(url, {"comment": "Hmm", "round": read})
    assert nothing.context["form"].errors == {
        "decision": ["Choose whether to approve or ask for changes."]
    }
    assert not Review.objects.exists()

    client.post(
        url, {"decision": "request_changes", "comment": "Add a policing line.", "round": read}
    )
    assert _status(world) == "draft"
    page = client_as(world.by("lead_planner")).get(f"/plans/{world.plan.pk}/")
    html = page.content.decode()
    assert '<span class="decision is-changes_requested">Changes requested</span>' in html
    assert "Add a policing line." in html
    assert "contributor-approver" in html
    assert "Changes were asked for: the plan is a draft again." in html
    assert "Submit for review" in html


def test_submit_without_lines_of_effort_says_why(world: World) -> None:
    services.line_of_effort_delete(line=world.line, by=world.by("lead_planner"))
    response = client_as(world.by("lead_planner")).post(
        f"/plans/{world.plan.pk}/submit/", follow=True
    )
    assert "Add at least one line of effort before asking for reviews." in (
        response.content.decode()
    )
    assert _status(world) == "draft"


def test_approving_before_every_contributor_approved_is_refused(world: World) -> None:
    bring_to(world, "in_review")
    client = client_as(world.by("lead_approver"))
    page = client.get(f"/plans/{world.plan.pk}/").content.decode()
    assert "Approve the plan" not in page
    assert "Still waiting for: Ministry of Defence." in page
    response = client.post(
        f"/plans/{world.plan.pk}/approve/",
        {"submission": submission_of(world.plan)},
        follow=True,
    )
    assert (
        "Every contributor must approve first; still waiting for: MOD." in response.content.decode()
    )
    assert _status(world) == "in_review"


# --- what the plan page shows -------------------------------------------------------------------


def test_plan_page_shows_overview_lines_activities_charts_and_reports(world: World) -> None:
    response = client_as(world.by("contributor_planner")).get(f"/plans/{world.plan.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="plan-status is-draft">Draft</span>' in html
    assert "1 Jan 2026 \N{EN DASH} 31 Dec 2027" in html
    assert "None yet: the crisis is being assessed" in html
    assert [(p.organisation.slug, p.role) for p in response.context["participants"]] == [
        ("mfa", "lead"),
        ("mod", "contributor"),
        ("ngo", "consulted"),
    ]
    assert '<span class="role is-consulted">Consulted</span>' in html
    assert '<span class="tag">Governance</span> District councils' in html
    assert html.count('<span class="activity-status is-planned">Planned</span>') == 2
    assert '<progress value="0" max="100" aria-label="Progress of Train council clerks">' in html
    assert "Military actor on a non-military task</span> No civilian contractor" in html
    # The timeline and the balance chart, drawn on the server.
    assert 'aria-label="Activities and milestones: 2 activities and 1 milestone"' in html
    assert 'aria-label="Activities per actor type"' in html
    assert response.context["balance"].per_actor_type == {
        "civilian": 1,
        "military": 1,
        "police": 0,
        "ngo": 0,
        "international": 0,
    }
    assert [a.title for a in response.context["balance"].military_on_non_military_tasks] == [
        "Engineers build a school"
    ]
    assert "<strong>Why military:</strong> No civilian contractor can work in this district" in html
    assert "District councils elected" in html
    assert "The school walls are up." in html
    assert f'<a href="/plans/attachments/{world.attachment.pk}/">school.png</a>' in html
    assert "/media/" not in html
    # A contributor's planner updates the activity of their organisation only, and edits nothing.
    assert f"/plans/activities/{world.military.pk}/progress/" in html
    assert f"/plans/activities/{world.civilian.pk}/progress/" not in html
    assert f"/plans/{world.plan.pk}/edit/" not in html
    assert "Submit for review" not in html
    assert "Plan brief (PDF)" in html


def test_consultation_gaps_are_flagged(world: World) -> None:
    client = client_as(world.by("lead_planner"))
    url = f"/plans/{world.plan.pk}/"
    page = client.get(url)
    # ngo was consulted; police, justice and international organisations never were.
    assert page.context["gaps"] == [
        "Police",
        "Justice ministry",
        "International organisation",
    ]
    html = page.content.decode()
    assert (
        '<strong>Never consulted:</strong> <span class="warning-flag">Police</span> '
        '<span class="warning-flag">Justice ministry</span> '
        '<span class="warning-flag">International organisation</span>'
    ) in html

    # Without its consultation, ngo still takes part as a consulted stakeholder.
    services.consultation_delete(consultation=world.consultation, by=world.by("lead_planner"))
    assert client.get(url).context["gaps"] == [
        "Police",
        "Justice ministry",
        "International organisation",
    ]

    lead_planner = world.by("lead_planner")
    others = [
        make_organisation(
            slug="justice", name="Ministry of Justice", kind=OrganisationKind.JUSTICE
        ),
        make_organisation(
            slug="un", name="UN mission", kind=OrganisationKind.INTERNATIONAL_ORGANISATION
        ),
    ]
    services.plan_update(
        plan=_plan(world),
        by=lead_planner,
        version=_plan(world).version,
        data={
            "participants": [
                (world.contributor_org, "contributor"),
                (world.consulted_org, "consulted"),
                (Organisation.objects.get(slug="police"), "consulted"),
                *[(o, "consulted") for o in others],
            ]
        },
    )
    for organisation in [world.consulted_org, Organisation.objects.get(slug="police"), *others]:
        services.consultation_create(
            plan=_plan(world),
            by=lead_planner,
            data={"stakeholder": organisation, "date": datetime.date(2026, 2, 1), "summary": "Met"},
        )
    covered = client.get(url)
    assert covered.context["gaps"] == []
    assert "have all been consulted" in covered.content.decode()


@pytest.mark.parametrize(
    ("stage", "persona", "shown", "hidden"),
    [
        ("draft", "lead_planner", ["Submit for review"], ["Record review", "Approve the plan"]),
        ("draft", "lead_approver", [], ["Submit for review", "Approve the plan"]),
        (
            "in_review",
            "contributor_approver",
            ["Record review", "Review for Ministry of Defence"],
            [],
        ),
        ("in_review", "contributor_planner", [], ["Record review"]),
        (
            "in_review",
            "lead_approver",
            ["Still waiting for: Ministry of Defence."],
            ["Approve the plan"],
        ),
        ("ready", "lead_approver", ["Approve the plan"], ["Record review"]),
        ("ready", "lead_planner", [], ["Approve the plan", "Submit for review"]),
        ("approved", "lead_planner", ["Activate the plan"], ["Close the plan"]),
        ("approved", "lead_approver", ["Activate the plan"], []),
        ("approved", "contributor_approver", [], ["Activate the plan"]),
        ("active", "lead_planner", ["Close the plan"], ["Activate the plan"]),
        ("active", "field_advisor", ["File a field report"], ["Close the plan"]),
        # The superuser sees the plan, for support, but is offered nothing to do.
        (
            "draft",
            "superuser",
            [PLAN_TITLE],
            ["Next step", "Submit for review", "Add a line of effort"],
        ),
        ("in_review", "superuser", [PLAN_TITLE], ["Record review", "Your review"]),
        ("ready", "superuser", [PLAN_TITLE], ["Next step", "Approve the plan", "Record review"]),
        (
            "approved",
            "superuser",
            [PLAN_TITLE],
            ["Next step", "Activate the plan", "Close the plan"],
        ),
        (
            "active",
            "superuser",
            [PLAN_TITLE],
            ["Next step", "Close the plan", "File a field report"],
        ),
    ],
)
def test_review_panel_offers_the_actions_the_user_may_take(
    world: World, stage: str, persona: str, shown: list[str], hidden: list[str]
) -> None:
    bring_to(world, stage)
    html = client_as(world.by(persona)).get(f"/plans/{world.plan.pk}/").content.decode()
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_review_panel_shows_each_contributors_state(world: World) -> None:
    second = make_organisation(slug="dev", name="Development ministry")
    services.plan_update(
        plan=_plan(world),
        by=world.by("lead_planner"),
        version=_plan(world).version,
        data={
            "participants": [
                (world.contributor_org, "contributor"),
                (second, "contributor"),
                (world.consulted_org, "consulted"),
            ]
        },
    )
    bring_to(world, "ready")
    response = client_as(world.by("lead_planner")).get(f"/plans/{world.plan.pk}/")
    assert [(row.organisation.slug, row.state) for row in response.context["panel"]] == [
        ("dev", "pending"),
        ("mod", "approved"),
    ]
    html = response.content.decode()
    assert '<span class="decision is-approved">Approved</span>' in html
    assert '<span class="decision is-pending">Pending</span>' in html
    assert "Review of submission 1" in html


def test_an_amendment_through_the_pages_sends_the_plan_back_to_review(world: World) -> None:
    bring_to(world, "active")
    client = client_as(world.by("lead_planner"))
    form_page = client.get(f"/plans/lines/{world.line.pk}/activities/new/").content.decode()
    assert "This plan is active: saving this change is an amendment" in form_page
    response = client.post(
        f"/plans/lines/{world.line.pk}/activities/new/", _activity_data(world), follow=True
    )
    html = response.content.decode()
    assert "This was an amendment: the plan is back in review" in html
    plan = _plan(world)
    assert (plan.status, plan.submission) == ("in_review", 2)


def test_progress_and_field_reports_are_not_amendments(world: World) -> None:
    bring_to(world, "active")
    client_as(world.by("contributor_planner")).post(
        f"/plans/activities/{world.military.pk}/progress/",
        {"status": "in_progress", "progress": "55", "version": world.military.version},
    )
    client_as(world.by("field_advisor")).post(
        f"/plans/{world.plan.pk}/field-reports/new/", _report_data(world)
    )
    assert _status(world) == "active"


def test_a_stale_plan_edit_is_refused_and_keeps_the_users_input(world: World) -> None:
    url = f"/plans/{world.plan.pk}/edit/"
    colleague = make_member(world.lead_org, Role.PLANNER, username="colleague")
    opened_at = _plan(world).version
    client_as(colleague).post(url, _plan_data(world, title="Their title", version=opened_at))

    response = client_as(world.by("lead_planner")).post(
        url, _plan_data(world, title="My title", summary="My summary", version=opened_at)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Someone else changed this since you opened it. Review their changes and try again."
    ]
    assert (form["title"].value(), form["summary"].value(), form["version"].value()) == (
        "My title",
        "My summary",
        str(opened_at + 1),
    )
    assert _plan_state(world) == ("Their title", "draft", opened_at + 1)


# --- the field pages ----------------------------------------------------------------------------


def test_field_report_form_is_made_for_a_tablet_camera(world: World) -> None:
    bring_to(world, "active")
    response = client_as(world.by("field_advisor")).get(
        f"/plans/{world.plan.pk}/field-reports/new/?activity={world.civilian.pk}"
    )
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert (
        '<input type="file" name="attachments" accept="image/*,application/pdf" '
        'capture="environment" multiple aria-describedby="id_attachments_helptext" '
        'id="id_attachments">'
    ) in html
    assert 'type="number" name="progress_update"' in html
    assert 'inputmode="numeric"' in html
    assert (
        f'<option value="{world.civilian.pk}" selected data-version="{world.civilian.version}">'
        in html
    )
    assert f'max="{timezone.localdate().isoformat()}"' in html


def test_field_report_with_a_photo_and_progress_shows_on_the_plan_page(world: World) -> None:
    bring_to(world, "active")
    client = client_as(world.by("field_advisor"))
    response = client.post(
        f"/plans/{world.plan.pk}/field-reports/new/", _report_data(world), follow=True
    )
    report = FieldReport.objects.get(situation="Twelve clerks attended the first session.")
    assert response.redirect_chain == [(f"/plans/{world.plan.pk}/#report-{report.pk}", 302)]
    html = response.content.decode()
    assert (
        "Your field report was filed with 1 attachment. “Train council clerks” is now at 40 %."
        in html
    )
    attachment = report.attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("clerks.png", "image/png")
    assert f'<a href="/plans/attachments/{attachment.pk}/">clerks.png</a>' in html
    assert '<progress value="40" max="100" aria-label="Progress of Train council clerks">' in html
    assert Activity.objects.values_list("status", "progress").get(pk=world.civilian.pk) == (
        "in_progress",
        40,
    )


def test_a_field_report_takes_several_photos_and_pdfs_but_not_too_many(
    world: World, settings: Any
) -> None:
    bring_to(world, "active")
    settings.FIELD_REPORT_MAX_ATTACHMENTS = 2
    client = client_as(world.by("field_advisor"))
    url = f"/plans/{world.plan.pk}/field-reports/new/"
    pdf = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**_report_data(world), "attachments": [photo("a.png"), pdf]})
    assert response.status_code == 302
    report = FieldReport.objects.order_by("pk").last()
    assert report is not None
    assert sorted(report.attachments.values_list("original_name", "content_type")) == [
        ("a.png", "image/png"),
        ("minutes.pdf", "application/pdf"),
    ]
    too_many = client.post(
        url, {**_report_data(world), "attachments": [photo("1.png"), photo("2.png"), photo()]}
    )
    assert too_many.context["form"].errors == {"attachments": ["At most 2 files per report."]}
    assert FieldReport.objects.count() == 2


def test_a_renamed_executable_is_refused_on_the_form(world: World) -> None:
    bring_to(world, "active")
    before = state(world)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    response = client_as(world.by("field_advisor")).post(
        f"/plans/{world.plan.pk}/field-reports/new/", {**_report_data(world), "attachments": [fake]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "attachments": ["photo.png is not a photo or a PDF."]
    }
    assert state(world) == before


def test_field_report_form_errors_are_plain_words(world: World) -> None:
    bring_to(world, "active")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_as(world.by("field_advisor")).post(
        f"/plans/{world.plan.pk}/field-reports/new/",
        {"activity": "", "date": tomorrow.isoformat(), "situation": "", "progress_update": "140"},
    )
    assert response.context["form"].errors == {
        "date": ["A field report cannot be dated in the future."],
        "situation": ["Describe the situation you found."],
        "progress_update": ["Progress is a percentage, from 0 to 100."],
    }
    no_activity = client_as(world.by("field_advisor")).post(
        f"/plans/{world.plan.pk}/field-reports/new/",
        {"date": timezone.localdate().isoformat(), "situation": "Calm", "progress_update": "20"},
    )
    assert no_activity.context["form"].errors == {
        "progress_update": ["A progress update is for an activity: choose one."]
    }


def test_progress_page_is_made_for_a_tablet(world: World) -> None:
    bring_to(world, "active")
    html = (
        client_as(world.by("contributor_planner"))
        .get(f"/plans/activities/{world.military.pk}/progress/")
        .content.decode()
    )
    assert (
        '<input type="number" name="progress" value="0" min="0" max="100" step="5" '
        'inputmode="numeric" class="big-number" required aria-describedby="id_progress_helptext" '
        'id="id_progress">'
    ) in html
    assert 'class="page-form field-form"' in html
    assert html.count('type="radio" name="status"') == 5


def test_progress_at_100_marks_the_activity_done(world: World) -> None:
    bring_to(world, "active")
    response = client_as(world.by("contributor_planner")).post(
        f"/plans/activities/{world.military.pk}/progress/",
        {"status": world.military.status, "progress": "100", "version": world.military.version},
        follow=True,
    )
    assert "“Engineers build a school” is done at 100 %." in response.content.decode()
    assert Activity.objects.values_list("status", "progress").get(pk=world.military.pk) == (
        "done",
        100,
    )


def test_a_stale_progress_update_is_refused_and_shows_the_current_state(world: World) -> None:
    bring_to(world, "active")
    url = f"/plans/activities/{world.military.pk}/progress/"
    stale_version = world.military.version
    client_as(world.by("lead_planner")).post(
        url, {"status": "in_progress", "progress": "20", "version": stale_version}
    )
    response = client_as(world.by("contributor_planner")).post(
        url, {"status": "in_progress", "progress": "35", "version": stale_version}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Someone else changed this since you opened it. Review their changes and try again. "
        "It is now in progress at 20 %."
    ]
    assert (form["progress"].value(), form["version"].value()) == ("35", str(stale_version + 1))
    assert Activity.objects.values_list("progress", flat=True).get(pk=world.military.pk) == 20


def test_a_field_reports_progress_based_on_an_older_version_is_refused_and_kept(
    world: World,
) -> None:
    bring_to(world, "active")
    url = f"/plans/{world.plan.pk}/field-reports/new/"
    advisor = client_as(world.by("field_advisor"))
    read = world.civilian.version
    form_page = advisor.get(url).content.decode()
    assert f'<option value="{world.civilian.pk}" data-version="{read}">' in form_page
    assert '<select name="activity" data-version-into="activity_version"' in form_page
    client_as(world.by("lead_planner")).post(
        f"/plans/activities/{world.civilian.pk}/progress/",
        {"status": "in_progress", "progress": "70", "version": read},
    )

    response = advisor.post(url, {**_report_data(world), "activity_version": read})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["progress_update"] == [
        "Someone changed this activity since you opened the page: it is now at 70 % "
        "(In progress). Check your figure and file the report again."
    ]
    assert f'data-version="{read + 1}"' in response.content.decode()
    assert not FieldReport.objects.filter(situation=_report_data(world)["situation"]).exists()
    assert Activity.objects.values_list("progress", "version").get(pk=world.civilian.pk) == (
        70,
        read + 1,
    )

    again = advisor.post(url, {**_report_data(world), "activity_version": read + 1})

    assert again.status_code == 302
    assert Activity.objects.values_list("progress", "version").get(pk=world.civilian.pk) == (
        40,
        read + 2,
    )


def test_a_progress_out_of_range_is_refused_in_plain_words(world: World) -> None:
    bring_to(world, "active")
    response = client_as(world.by("contributor_planner")).post(
        f"/plans/activities/{world.military.pk}/progress/",
        {"status": "in_progress", "progress": "120", "version": world.military.version},
    )
    assert response.context["form"].errors == {
        "progress": ["Progress is a percentage, from 0 to 100."]
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_attachments_are_served_to_participants_only(world: World, persona: str) -> None:
    response = client_as(world.people[persona]).get(f"/plans/attachments/{world.attachment.pk}/")
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona in NOT_SHARED:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == 'inline; filename="school.png"'
        assert b"".join(response.streaming_content) == png_bytes()  # type: ignore[attr-defined]


def test_a_pdf_attachment_is_downloaded(world: World) -> None:
    pdf = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    report = services.field_report_file(
        plan=_plan(world),
        by=world.by("field_advisor"),
        date=timezone.localdate(),
        situation="Minutes of the council meeting.",
        attachments=[pdf],
    )
    response = client_as(world.by("contributor_approver")).get(
        f"/plans/attachments/{report.attachments.get().pk}/"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'


def test_a_lost_attachment_file_is_a_404_not_a_500(world: World) -> None:
    Path(world.attachment.file.path).unlink()
    response = client_as(world.by("lead_planner")).get(f"/plans/attachments/{world.attachment.pk}/")
    assert response.status_code == 404


# --- list, report, nav --------------------------------------------------------------------------


def _another_plan(world: World, *, title: str, theatre: str, phase: str = "assessment") -> Plan:
    return services.plan_create(
        by=world.by("lead_planner"),
        title=title,
        theatre=theatre,
        phase=phase,
        lead_organisation=world.lead_org,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


def test_list_filters(world: World, strategy_for_plans: Any) -> None:
    _another_plan(world, title="Delta recovery plan", theatre="Delta")
    services.plan_update(
        plan=_plan(world),
        by=world.by("lead_planner"),
        version=_plan(world).version,
        data={"strategy": strategy_for_plans},
    )
    bring_to(world, "in_review")
    client = client_as(world.by("lead_planner"))

    def titles(**params: Any) -> list[str]:
        response = client.get("/plans/", params)
        return [row.plan.title for row in response.context["rows"]]

    both = ["Northern Valeria integrated plan", "Delta recovery plan"]
    assert titles() == both
    assert titles(status="in_review") == ["Northern Valeria integrated plan"]
    assert titles(phase="assessment") == ["Delta recovery plan"]
    assert titles(theatre="delt") == ["Delta recovery plan"]
    assert titles(participant=world.contributor_org.pk) == ["Northern Valeria integrated plan"]
    assert titles(participant=world.lead_org.pk) == both
    assert titles(strategy=strategy_for_plans.pk) == ["Northern Valeria integrated plan"]
    assert titles(status="closed") == []
    # Only plans shared with the user are listed.
    outsider_page = client_as(world.by("outsider")).get("/plans/")
    assert outsider_page.context["rows"] == []
    assert "No plan is shared with your organisations yet." in outsider_page.content.decode()
    contributor_page = client_as(world.by("contributor_approver")).get("/plans/")
    assert [row.plan.title for row in contributor_page.context["rows"]] == [
        "Northern Valeria integrated plan"
    ]
    assert "0 of 1 approved" in contributor_page.content.decode()


@pytest.fixture
def strategy_for_plans(world: World) -> Any:
    from strategy import services as strategy_services

    return strategy_services.strategy_create(
        by=world.by("lead_planner"),
        title="Stability in Northern Valeria",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=world.lead_org,
    )


def test_list_offers_new_plan_to_planners_only(world: World) -> None:
    assert "New plan" in client_as(world.by("lead_planner")).get("/plans/").content.decode()
    assert "New plan" in client_as(world.by("outsider")).get("/plans/").content.decode()
    assert "New plan" not in client_as(world.by("field_advisor")).get("/plans/").content.decode()


def test_plan_brief_is_requested_from_the_plan_page(world: World) -> None:
    client = client_as(world.by("field_advisor"))
    page = client.get(f"/plans/{world.plan.pk}/").content.decode()
    assert '<input type="hidden" name="kind" value="plan_brief">' in page
    assert f'<input type="hidden" name="plan" value="{world.plan.pk}">' in page

    response = client.post(
        "/reports/", {"kind": "plan_brief", "format": "pdf", "plan": world.plan.pk}
    )
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    assert (report.kind, report.params) == ("plan_brief", {"format": "pdf", "plan": world.plan.pk})


def test_a_plan_brief_needs_a_plan(world: World) -> None:
    response = client_as(world.by("lead_planner")).post(
        "/reports/", {"kind": "plan_brief", "format": "pdf"}
    )
    assert response.context["form"].non_field_errors() == [
        "Ask for this report (plan brief) from the plan's own page."
    ]
    assert not Report.objects.exists()


def test_nav_marks_plans_and_not_reports(world: World) -> None:
    bring_to(world, "active")
    client = client_as(world.by("field_advisor"))
    for url in (
        "/plans/",
        f"/plans/{world.plan.pk}/",
        f"/plans/{world.plan.pk}/field-reports/new/",
    ):
        html = client.get(url).content.decode()
        assert '<a href="/plans/" aria-current="page">Plans</a>' in html, url
        assert '<a href="/reports/" aria-current="page">' not in html, url
    reports = client.get("/reports/").content.decode()
    assert '<a href="/reports/" aria-current="page">Your reports</a>' in reports


# --- the pages stay cheap -----------------------------------------------------------------------


def test_list_page_query_count_is_flat(world: World, django_assert_max_num_queries: Any) -> None:
    lead_planner = world.by("lead_planner")
    client = client_as(world.by("contributor_approver"))

    def add_plan(n: int) -> None:
        plan = services.plan_create(
            by=lead_planner,
            title=f"Plan {n}",
            theatre="Delta",
            lead_organisation=world.lead_org,
            participants=[
                (world.contributor_org, "contributor"),
                (world.consulted_org, "consulted"),
            ],
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        )
        LineOfEffort.objects.create(
            plan=plan, domain="security", title="Patrols", lead_organisation=world.lead_org
        )
        if n % 2:
            services.plan_submit(plan=plan, by=lead_planner)
            services.plan_review(
                plan=plan,
                submission=submission_of(plan),
                by=world.by("contributor_approver"),
                decision="approve",
            )

    add_plan(2)
    client.get("/plans/")  # warms the content-type cache, which later requests share
    with django_assert_max_num_queries(12) as small:
        response = client.get("/plans/")
    assert len(response.context["rows"]) == 2
    for n in range(3, 51):
        add_plan(n)
    with django_assert_max_num_queries(12) as large:
        response = client.get("/plans/")
    assert len(response.context["rows"]) == 25
    assert len(small.captured_queries) == len(large.captured_queries)


def test_plan_page_query_count_is_flat(world: World, django_assert_max_num_queries: Any) -> None:
    lead_planner = world.by("lead_planner")
    bring_to(world, "in_review")
    client = client_as(world.by("contributor_planner"))
    url = f"/plans/{world.plan.pk}/"
    client.get(url)  # warms the content-type cache, which later requests share
    with django_assert_max_num_queries(25) as small:
        response = client.get(url)
    assert response.context["activity_count"] == 2

    second_line = services.line_of_effort_create(
        plan=_plan(world),
        by=lead_planner,
        data={
            "domain": "security",
            "title": "Safe roads",
            "lead_organisation": world.contributor_org,
        },
    )
    Activity.objects.bulk_create(
        Activity(
            line_of_effort=world.line if n % 2 else second_line,
            title=f"Activity {n}",
            responsible_organisation=world.contributor_org if n % 3 else world.lead_org,
            actor_type=["civilian", "military", "police", "ngo", "international"][n % 5],
            task_nature="non_military" if n % 2 else "military",
            military_justification="Needed",
            status=["planned", "in_progress", "done", "blocked", "cancelled"][n % 5],
            progress=n % 101,
            start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            end_date=datetime.date(2026, 6, 1) + datetime.timedelta(days=n),
            place_name=f"Village {n}",
        )
        for n in range(198)
    )
    for n in range(5):
        services.milestone_create(
            plan=_plan(world),
            by=lead_planner,
            data={"title": f"Milestone {n}", "due_date": datetime.date(2026, 3, 1 + n)},
        )
        services.field_report_file(
            plan=_plan(world),
            by=world.by("field_advisor"),
            date=timezone.localdate(),
            situation=f"Report {n}",
            activity=world.civilian,
            attachments=[photo(f"photo-{n}.png")],
        )
    with django_assert_max_num_queries(25) as large:
        response = client.get(url)
    assert response.context["activity_count"] == 200
    assert len(small.captured_queries) == len(large.captured_queries)
