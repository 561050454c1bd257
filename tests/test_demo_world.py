from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.authority import may
from accounts.models import Membership, Organisation, User

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_embedded_default_migrates_and_seeds_a_fresh_sqlite_file(tmp_path: Path) -> None:
    """What `make run` does with nothing configured: SQLite, no Redis, tasks in-process."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    migrate = manage("migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    seed = manage("seed_demo")
    assert seed.returncode == 0, seed.stderr
    ready = (
        "Demo world ready: 10 organisations, 20 users, 2 secondments, 2 strategies, "
        "12 glossary terms, 2 plans, 20 lessons, 7 capability offers, 5 requirements, "
        "6 pledges, 2 funding instruments, 6 communication items, 6 perception readings, "
        "1 plan published (password from DEMO_PASSWORD)."
    )
    # A short summary: no line per e-mail task run in-process, no broker warning.
    first, second = seed.stdout.splitlines()
    assert first == ready
    # What the seeded file holds, asked once (each `manage.py` call starts Django anew).
    looked = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from django.conf import settings as s;"
        " from accounts.models import Notification; from lessons.models import Lesson;"
        " from lessons.search import lessons_matching;"
        " print(json.dumps({'notifications': Notification.objects.count(),"
        " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'radio': [l.title for l in lessons_matching(Lesson.objects.all(), 'radio')]}))",
    )
    seen = json.loads(looked.stdout.splitlines()[-1])
    assert second == (
        f"{seen['notifications']} notifications from building it wait in the inboxes; "
        "no one was e-mailed."
    )
    assert [line for line in seed.stderr.splitlines() if not line.startswith("AXES: ")] == []
    assert (seen["eager"], seen["engine"]) == (True, "django.db.backends.sqlite3")
    # Searching lessons on SQLite: `icontains` over the ODCR text, newest observed first.
    assert seen["radio"] == [
        "Radio programme on land rights reached the far villages",
        "Police and army radios could not talk to each other",
        "Radio relays ran flat overnight",
    ]
    again = manage("seed_demo")
    assert again.stdout.splitlines() == [ready]


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_world_and_is_idempotent() -> None:
    call_command("seed_demo", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    # A membership more: field.advisor's in mod, from the demo's approved secondment.
    assert counts == (10, 20, 21)
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "dev",
        "eu",
        "justice",
        "mfa",
        "mod",
        "nato",
        "ngo",
        "police",
        "un",
        "wb",
    ]
    roles = {
        (m.user.username, m.organisation.slug, m.role)
        for m in Membership.objects.select_related("user", "organisation")
    }
    assert ("mfa.planner", "mfa", "planner") in roles
    assert ("mod.approver", "mod", "approver") in roles
    assert ("field.advisor", "mfa", "field_advisor") in roles
    assert ("mfa.analyst", "mfa", "analyst") in roles
    # Embedded with mod's commander through an approved secondment, for its dates.
    assert ("field.advisor", "mod", "field_advisor") in roles
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="mfa.planner").check_password("joined-forces-demo")
    mfa = Organisation.objects.get(slug="mfa")
    assert may(User.objects.get(username="mfa.approver"), mfa, "change_organisation")
    assert not may(User.objects.get(username="mod.planner"), mfa, "view_organisation_members")


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_theatre() -> None:
    from strategy.models import GlossaryTerm, Strategy

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    agreed = Strategy.objects.get(title="Stability in Northern Valeria")
    assert (agreed.status, agreed.lead_organisation.slug) == ("agreed", "mfa")
    assert sorted(agreed.partners.values_list("slug", flat=True)) == ["dev", "mfa", "mod", "un"]
    assert [i.name for i in agreed.goals.first().indicators.filter(in_warning=True)] == [
        "Violent incidents over land"
    ]
    pending = Strategy.objects.get(title="Preventing escalation in the Eastern Borderlands")
    assert pending.status == "consultation"
    assert sorted(pending.endorsements.values_list("organisation__slug", flat=True)) == [
        "mfa",
        "mod",
    ]
    assert GlossaryTerm.objects.filter(status="approved").count() == 12
    assert GlossaryTerm.objects.exclude(un_impp="").exclude(nato_cpa="").count() == 12


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_plans(settings: object, tmp_path: Path) -> None:
    from missions.models import Activity, Plan

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    active = Plan.objects.get(title__startswith="Northern Valeria integrated plan")
    assert active.status == "active"
    assert sorted(active.participants.values_list("organisation__slug", "role")) == [
        ("dev", "contributor"),
        ("mfa", "lead"),
        ("mod", "contributor"),
        ("ngo", "consulted"),
        ("police", "contributor"),
        ("un", "consulted"),
    ]
    statuses = set(
        Activity.objects.filter(line_of_effort__plan=active).values_list("status", flat=True)
    )
    assert statuses == {"planned", "in_progress", "done", "blocked", "cancelled"}
    school = Activity.objects.get(title="School in Kora")
    assert (school.actor_type, school.task_nature, school.progress) == (
        "military",
        "non_military",
        55,
    )
    assert school.military_justification
    assert active.consultations.count() == 2
    assert (
        list(active.field_reports.values_list("author__username", flat=True))
        == ["field.advisor"] * 2
    )
    from accounts.models import Notification

    # The demo's history fills inboxes (the bell has something to show) without e-mailing.
    assert Notification.objects.filter(recipient__username="mfa.planner").exists()
    assert not Notification.objects.filter(email_status__in=["pending", "sending"]).exists()
    in_review = Plan.objects.get(title="Eastern Borderlands market reopening")
    assert in_review.status == "in_review"
    assert list(in_review.reviews.values_list("organisation__slug", flat=True)) == ["mod"]


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_lessons(settings: object, tmp_path: Path) -> None:
    from lessons.models import Lesson, ReleaseRequest, RemedialAction
    from lessons.search import lessons_matching
    from lessons.selectors import visible_lessons

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert Lesson.objects.count() == 20
    assert sorted(set(Lesson.objects.values_list("status", flat=True))) == [
        "action_in_progress",
        "analysis",
        "archived",
        "lesson_identified",
        "lesson_learned",
        "observation",
        "rejected",
        "submitted",
    ]
    markings = set(Lesson.objects.values_list("classification", "releasability"))
    assert {c for c, _ in markings} == {"public", "unclassified", "restricted"}
    assert {r for _, r in markings} == {"originator", "participants", "named", "all_members"}
    assert ("restricted", "all_members") not in markings
    assert list(
        Lesson.objects.filter(author__username="field.advisor").values_list("status", flat=True)
    ) == ["submitted"]
    today = timezone.localdate()
    assert sorted(
        (a.action_body.slug, a.status, bool(a.evidence), a.due_on < today)
        for a in RemedialAction.objects.select_related("action_body")
    ) == [("dev", "done", True, False), ("mod", "tasked", False, True)]
    assert list(
        ReleaseRequest.objects.values_list("lesson__title", "requested_by__username", "outcome")
    ) == [("Women traders kept away from the evening market", "mfa.planner", "pending")]
    # Every lesson is indexed for search (by the services), and the marking holds: the police
    # read what all members read, what was named to them, and the active plan's participants'.
    assert not Lesson.objects.filter(search_vector__isnull=True).exists()
    assert sorted(lesson.title for lesson in lessons_matching(Lesson.objects.all(), "radio")) == [
        "Police and army radios could not talk to each other",
        "Radio programme on land rights reached the far villages",
        "Radio relays ran flat overnight",
    ]
    police = User.objects.get(username="police.planner")
    assert sorted(visible_lessons(police).values_list("title", flat=True)) == [
        "Council budgets published on the market board",
        "Engineers' school handed over before the teachers came",
        "Informants' names kept out of the shared incident log",
        "Interpreters joined the patrols before their vetting ended",
        "Market days drew the villages to the land courts",
        "Patrol reports reached the council a week late",
        "Police and army radios could not talk to each other",
        "Radio relays ran flat overnight",
        "Route clearance stopped when the rains came",
        "Water points sited by the elders stayed in use",
    ]
