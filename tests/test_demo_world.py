from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.authority import may
from accounts.models import Membership, Organisation, User

ROOT = Path(__file__).resolve().parent.parent


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
        "Demo world ready: 10 organisations, 14 users, 2 secondments, 2 strategies, "
        "12 glossary terms, "
        "2 plans (password from DEMO_PASSWORD)."
    )
    # A short summary: no line per e-mail task run in-process, no broker warning.
    first, second = seed.stdout.splitlines()
    assert first == ready
    raised = manage(
        "shell",
        "-c",
        "from accounts.models import Notification; print(Notification.objects.count())",
    )
    assert second == (
        f"{raised.stdout.split()[-1]} notifications from building it wait in the inboxes; "
        "no one was e-mailed."
    )
    assert [line for line in seed.stderr.splitlines() if not line.startswith("AXES: ")] == []
    again = manage("seed_demo")
    assert again.stdout.splitlines() == [ready]
    check = manage(
        "shell",
        "-c",
        "from django.conf import settings as s;"
        " print(s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'])",
    )
    assert check.stdout.strip().splitlines()[-1] == "True django.db.backends.sqlite3"


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
    assert counts == (10, 14, 15)
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
