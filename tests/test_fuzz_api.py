"""The API, fuzzed: schemathesis against a live server on PostgreSQL, every operation in the
schema, as a planner and as an outsider.

Each run builds a small world like the demo's (`mfa` leads a strategy and a plan, `mod`,
`dev` and `ngo` take part; `police` does not), gives a persona a token, and runs the
schemathesis command line against the live server with a bounded number of examples per
operation and a fixed seed. Path ids are drawn mostly from the world's own objects (the
planner's to change them, the outsider's to be refused them), sometimes generated.

It fails on any 5xx, any response that does not match the schema (status, media type,
headers, body), and any status the schema does not document. Run it alone with
`make fuzz` (see README).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token

from accounts.models import Notification, OrganisationKind, Role, User
from accounts.notifications import notify
from lessons import services as lessons
from lessons.models import LessonAttachment
from missions import services as plans
from reports import services as reports
from reports.models import Report, ReportStatus
from strategy import services as strategies
from strategy.models import GlossaryStatus, GlossaryTerm
from tests.conftest import broker_reset
from tests.factories import add_membership, make_member, make_organisation

pytestmark = pytest.mark.fuzz

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = [
    "not_a_server_error",  # no 5xx
    "status_code_conformance",  # every status documented
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",  # every body as documented
    "negative_data_rejection",  # input the schema forbids is refused
    "ignored_auth",  # no credentials, or wrong ones, are refused
]
# Cases per operation and generation mode (valid and invalid input). Three keep both personas
# near 40 s each on two cores with the lessons' operations; raise it (FUZZ_MAX_EXAMPLES=50 make
# fuzz) for a deeper run.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
START = datetime.date(2026, 1, 1)
END = datetime.date(2027, 12, 31)

# Path prefix of each resource -> the world's ids for it (key in `World.ids`).
RESOURCES = {
    "organisations": "organisation",
    "notifications": "notification",
    "reports": "report",
    "strategies": "strategy",
    "drivers": "driver",
    "goals": "goal",
    "indicators": "indicator",
    "glossary": "glossary",
    "plans": "plan",
    "lines-of-effort": "line",
    "activities": "activity",
    "milestones": "milestone",
    "consultations": "consultation",
    "field-reports": "field_report",
    "lessons": "lesson",
    "remedial-actions": "remedial_action",
    "lesson-subscriptions": "lesson_subscription",
}


@dataclass(frozen=True)
class World:
    ids: dict[str, list[int]]
    tokens: dict[str, str]


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1d4e89").save(buffer, format="PNG")
    return SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")


def _own_world(
    user: User, lead: Any, participants: list[tuple[Any, str]], today: datetime.date
) -> dict[str, Any]:
    """A strategy and a plan led by `user`'s organisation, with one of every part."""
    partner = participants[0][0]
    strategy = strategies.strategy_create(
        by=user,
        title=f"{lead.name} strategy",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=lead,
        partners=[partner],
        summary="Stability first.",
    )
    driver = strategies.driver_create(
        strategy=strategy, by=user, data={"title": "Unpaid militias", "kind": "root_cause"}
    )
    goal = strategies.goal_create(
        strategy=strategy, by=user, data={"title": "Safe markets", "drivers": [driver]}
    )
    indicator = strategies.indicator_create(
        goal=goal,
        by=user,
        data={
            "name": "Incidents a month",
            "unit": "incidents",
            "baseline": Decimal(60),
            "target": Decimal(10),
            "warning_threshold": Decimal(40),
            "warning_direction": "above",
        },
    )
    strategies.reading_record(
        indicator=indicator, by=user, date=today, value=Decimal(30), note="Market days."
    )
    plan = plans.plan_create(
        by=user,
        title=f"{lead.name} plan",
        theatre="Valeria",
        lead_organisation=lead,
        participants=participants,
        start_date=START,
        end_date=END,
        strategy=strategy,
        phase="planning",
    )
    line = plans.line_of_effort_create(
        plan=plan,
        by=user,
        data={"domain": "governance", "title": "Local councils", "lead_organisation": lead},
    )
    activity = plans.activity_create(
        line_of_effort=line,
        by=user,
        data={
            "title": "Train council clerks",
            "responsible_organisation": lead,
            "actor_type": "civilian",
            "task_nature": "non_military",
            "start_date": START,
            "end_date": datetime.date(2026, 6, 30),
        },
    )
    milestone = plans.milestone_create(
        plan=plan, by=user, data={"title": "Councils sit", "due_date": END}
    )
    consultation = plans.consultation_create(
        plan=plan,
        by=user,
        data={"stakeholder": partner, "date": START, "summary": "Asked about the clerks."},
    )
    report = reports.report_request(by=user, kind="plan_brief", params={"plan": plan.pk})
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        file=default_storage.save("reports/brief.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n")),
    )
    notify(
        recipients=[user],
        kind="test.fuzz",
        text=f"A notice for {user.username}",
        url=plan.get_absolute_url(),
        event_key=f"fuzz:{user.pk}",
    )
    term = strategies.glossary_term_propose(
        by=user, data={"term": f"{lead.acronym} doctrine", "definition": "What we mean."}
    )
    lesson = lessons.lesson_record(
        by=user,
        source_organisation=lead,
        title="Clerks left after training",
        observation="Half the clerks trained left for the capital.",
        observed_on=today,
        theatre="Valeria",
        source_plan=plan,
        domains=["governance"],
        attachments=[_png()],
    )
    return {
        "strategy": strategy,
        "driver": driver,
        "goal": goal,
        "indicator": indicator,
        "plan": plan,
        "line": line,
        "activity": activity,
        "milestone": milestone,
        "consultation": consultation,
        "report": report,
        "notification": Notification.objects.get(recipient=user, kind="test.fuzz"),
        "glossary": term,
        "lesson": lesson,
        "lesson_subscription": lessons.lesson_subscription_add(by=user, domain="governance"),
    }


def _build_world() -> World:
    today = timezone.localdate()
    mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    mod = make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)
    dev = make_organisation(
        slug="dev", name="Development Cooperation", kind=OrganisationKind.DEVELOPMENT
    )
    ngo = make_organisation(slug="ngo", name="Peacebuilding Partners", kind=OrganisationKind.NGO)
    police = make_organisation(slug="police", name="National Police", kind=OrganisationKind.POLICE)

    planner = make_member(mfa, Role.PLANNER, username="mfa.planner")
    approver = make_member(mfa, Role.APPROVER, username="mfa.approver")
    add_membership(approver, mfa, Role.ORG_ADMIN)
    advisor = make_member(mfa, Role.FIELD_ADVISOR, username="field.advisor")
    make_member(mod, Role.PLANNER, username="mod.planner")
    dev_approver = make_member(dev, Role.APPROVER, username="dev.approver")
    outsider = make_member(police, Role.PLANNER, username="police.planner")

    mfa_world = _own_world(
        planner, mfa, [(dev, "contributor"), (mod, "contributor"), (ngo, "consulted")], today
    )
    # A second plan waiting for dev's review, and the strategy waiting for endorsements.
    in_review = plans.plan_create(
        by=planner,
        title="Eastern Borderlands market reopening",
        theatre="Valeria",
        lead_organisation=mfa,
        participants=[(dev, "contributor")],
        start_date=START,
        end_date=END,
    )
    plans.line_of_effort_create(
        plan=in_review,
        by=planner,
        data={"domain": "development", "title": "Market stalls", "lead_organisation": mfa},
    )
    plans.plan_submit(plan=in_review, by=planner)
    strategies.strategy_submit(strategy=mfa_world["strategy"], by=planner)
    mfa_world["strategy"].refresh_from_db()
    strategies.strategy_endorse(
        strategy=mfa_world["strategy"],
        by=dev_approver,
        edition=mfa_world["strategy"].edition,
        decision="endorse",
    )
    field_report = plans.field_report_file(
        plan=mfa_world["plan"],
        by=advisor,
        date=today,
        situation="Council met.",
        activity=mfa_world["activity"],
        place="Kora",
        attachments=[_png()],
    )
    approved = GlossaryTerm.objects.create(
        term="Civil-military cooperation",
        definition="Working together.",
        status=GlossaryStatus.APPROVED,
    )
    police_world = _own_world(outsider, police, [(ngo, "contributor")], today)

    ids: dict[str, list[int]] = {
        key: [mfa_world[key].pk, police_world[key].pk] for key in mfa_world
    }
    ids["plan"].append(in_review.pk)
    ids["glossary"].append(approved.pk)
    ids["field_report"] = [field_report.pk]
    ids["attachment"] = [field_report.attachments.get().pk]
    # A lesson identified, with an action tasked to its own organisation and one to dev.
    lesson = mfa_world["lesson"]
    lessons.lesson_release(
        lesson=lesson,
        by=approver,
        version=lesson.version,
        releasability="participants",
    )
    for status in ("observation", "analysis", "lesson_identified"):
        lesson.refresh_from_db()
        lessons.lesson_transition(lesson=lesson, by=approver, to=status, version=lesson.version)
    ids["remedial_action"] = [
        lessons.remedial_action_task(
            lesson=lesson, by=approver, action_body=body, description="Pay clerks.", due_on=END
        ).pk
        for body in (mfa, dev)
    ]
    ids["attachment"] += [a.pk for a in LessonAttachment.objects.filter(lesson=lesson)]
    ids["organisation"] = [mfa.pk, mod.pk, police.pk]
    tokens = {
        "planner": Token.objects.create(user=planner).key,
        "outsider": Token.objects.create(user=outsider).key,
    }
    return World(ids=ids, tokens=tokens)


@pytest.fixture
def world(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> Iterator[World]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield _build_world()
    # Reports and e-mail queued by the run wait in this process's broker keys: drop them.
    broker_reset()


def _config(world: World, path: Path) -> Path:
    """schemathesis.toml: the world's ids as dictionaries for each resource's `{id}`, and no
    cache (it would replay an earlier run's answers, and write into the checkout)."""
    lines = ["[cache]", "enabled = false", ""]
    for key, values in world.ids.items():
        lines += [f"[dictionaries.{key}]", f"values = {json.dumps(values)}", ""]
    for prefix, key in RESOURCES.items():
        lines += [
            "[[operations]]",
            f'include-path-regex = "^/api/v1/{prefix}/\\\\{{id\\\\}}/"',
            f'parameters = {{ "path.id" = {{ dictionary = "{key}", probability = 0.9 }},'
            ' "path.attachment_id" = { dictionary = "attachment", probability = 0.9 } }',
            "",
        ]
    path.write_text("\n".join(lines))
    return path


def _fuzz(world: World, live_server: Any, persona: str, tmp_path: Path) -> None:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(_config(world, tmp_path / "schemathesis.toml")),
        "--no-color",
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--header",
        f"Authorization: Token {world.tokens[persona]}",
        "--checks",
        ",".join(CHECKS),
        # The coverage phase's boundary cases would take ten times as long.
        "--phases",
        "fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        # The same cases on every run, so a failure is reproducible and CI does not flicker.
        "--generation-deterministic",
        "--no-shrink",
        # One: Hypothesis' lambda descriptions are not thread-safe on Python 3.11.
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--warnings",
        "off",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / f"fuzz-{persona}.txt"
    report.write_text(done.stdout + done.stderr)
    failures = done.stdout.partition("=== FAILURES ===")[2] or done.stdout + done.stderr
    assert done.returncode == 0, f"schemathesis as {persona} ({report}):\n{failures[:30000]}"


def test_fuzzing_finds_nothing_as_a_planner(world: World, live_server: Any, tmp_path: Path) -> None:
    _fuzz(world, live_server, "planner", tmp_path)


def test_fuzzing_finds_nothing_as_an_outsider(
    world: World, live_server: Any, tmp_path: Path
) -> None:
    _fuzz(world, live_server, "outsider", tmp_path)
