"""What the lessons tell people: a lesson released to their organisation, a remedial action
tasked to it, an action overdue (chased on its first day overdue, then every
`LESSON_ACTION_OVERDUE_EVERY_DAYS` days), and each subscriber's daily digest of the new
lessons they may read, following the marking exactly."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.notifications import reminders_send
from lessons import services as lessons
from lessons.models import Lesson, MarkingChange, RemedialAction
from missions.models import Domain
from tests.factories import make_member
from tests.lessons.conftest import days, fresh, record


@pytest.fixture
def world(shared_world: dict[str, Any]) -> dict[str, Any]:
    """The module's world, built once; each test's changes roll back."""
    return shared_world


pytestmark = pytest.mark.django_db

OVERDUE = "reminder.lesson_action_overdue"
DIGEST = "reminder.lessons_digest"


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def told(kind: str) -> list[tuple[str, str]]:
    """(recipient, text) of every notification of `kind`, in a stable order."""
    return list(
        Notification.objects.filter(kind=kind)
        .order_by("recipient__username", "pk")
        .values_list("recipient__username", "text")
    )


def recipients(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def release(world: dict[str, Any], lesson: Lesson, releasability: str, *names: str) -> Lesson:
    lessons.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=fresh(lesson).version,
        releasability=releasability,
        organisations=[world[name] for name in names],
    )
    return fresh(lesson)


def identified(world: dict[str, Any], lesson: Lesson) -> Lesson:
    for to in ("observation", "analysis", "lesson_identified"):
        lessons.lesson_transition(
            lesson=lesson, by=world["mfa_analyst"], to=to, version=fresh(lesson).version
        )
    return fresh(lesson)


@pytest.fixture
def dev_people(world: dict[str, Any]) -> dict[str, Any]:
    """Everyone of `dev` who could be told something, and one of `mod` who must not be."""
    return {
        "dev_analyst": make_member(world["dev"], Role.ANALYST, username="dev-analyst"),
        "dev_approver": make_member(world["dev"], Role.APPROVER, username="dev-approver"),
        "dev_field": make_member(world["dev"], Role.FIELD_ADVISOR, username="dev-field"),
        "mod_analyst": make_member(world["mod"], Role.ANALYST, username="mod-analyst"),
    }


@pytest.fixture
def tasked(world: dict[str, Any], dev_people: dict[str, Any]) -> RemedialAction:
    """A remedial action tasked to `dev`, due in five days."""
    lesson = release(world, identified(world, record(world)), "named", "dev")
    return lessons.remedial_action_task(
        lesson=lesson,
        by=world["mfa_analyst"],
        action_body=world["dev"],
        description="Keep one checkpoint open at night.",
        due_on=days(5),
    )


# --- released, tasked ---------------------------------------------------------------------------


def test_a_lesson_released_to_an_organisation_tells_its_planners_analysts_and_approvers(
    world: dict[str, Any], dev_people: dict[str, Any]
) -> None:
    lesson = record(world, title="Radios ran flat overnight")
    release(world, lesson, "named", "dev")
    text = "Ministry of Foreign Affairs released a lesson to your organisation: “Radios ran flat "
    text += "overnight”."
    assert told("lesson.released") == [
        ("dev-analyst", text),
        ("dev-approver", text),
        ("dev-planner", text),
    ]
    # Narrowing to the plan's participants tells no one; widening to them tells mod's people.
    release(world, lesson, "originator")
    release(world, lesson, "participants")
    assert recipients("lesson.released") == [
        "dev-analyst",
        "dev-approver",
        "dev-planner",
        "mod-analyst",
        "mod-planner",
    ]


def test_a_remedial_action_tasked_tells_the_action_body(tasked: RemedialAction) -> None:
    assert told("lesson.action_tasked") == [
        (
            username,
            "Ministry of Foreign Affairs tasked your organisation with a remedial action for "
            f"“Checkpoints closed at night”, due {days(5):%-d %b %Y}.",
        )
        for username in ("dev-approver", "dev-planner")
    ]
    assert set(Notification.objects.filter(kind="lesson.action_tasked").values_list("url")) == {
        (f"/lessons/{tasked.lesson_id}/#action-{tasked.pk}",)
    }


# --- overdue ------------------------------------------------------------------------------------


def test_an_overdue_action_is_chased_on_its_first_day_and_every_seven_days_after(
    world: dict[str, Any], tasked: RemedialAction, settings: Any
) -> None:
    assert settings.LESSON_ACTION_OVERDUE_EVERY_DAYS == 7
    due = days(-30)
    RemedialAction.objects.filter(pk=tasked.pk).update(due_on=due)

    chased = []
    for late in range(17):
        before = Notification.objects.filter(kind=OVERDUE).count()
        reminders_send(now=noon(due + datetime.timedelta(days=late)))
        if Notification.objects.filter(kind=OVERDUE).count() > before:
            chased.append(late)

    assert chased == [1, 8, 15]
    # The action body's planners and approvers, and the source organisation's analysts.
    assert sorted(set(recipients(OVERDUE))) == ["dev-approver", "dev-planner", "mfa-analyst"]
    first = Notification.objects.filter(kind=OVERDUE).order_by("pk").first()
    assert first is not None
    assert first.text == (
        "The remedial action of Development Cooperation for “Checkpoints closed at night” was "
        f"due on {due:%-d %b %Y} (1 day ago)."
    )
    assert first.url == f"/lessons/{tasked.lesson_id}/#action-{tasked.pk}"
    assert sorted(
        Notification.objects.filter(kind=OVERDUE, recipient__username="dev-planner").values_list(
            "text", flat=True
        )
    ) == [
        "The remedial action of Development Cooperation for “Checkpoints closed at night” was "
        f"due on {due:%-d %b %Y} ({late})."
        for late in ("1 day ago", "15 days ago", "8 days ago")
    ]


def test_a_second_run_the_same_day_and_a_closed_action_chase_no_one(
    world: dict[str, Any], tasked: RemedialAction
) -> None:
    due = days(-10)
    RemedialAction.objects.filter(pk=tasked.pk).update(due_on=due)
    first_day = noon(due + datetime.timedelta(days=1))
    reminders_send(now=first_day)
    reminders_send(now=first_day + datetime.timedelta(hours=3))
    assert Notification.objects.filter(kind=OVERDUE).count() == 3

    action = RemedialAction.objects.get(pk=tasked.pk)
    lessons.remedial_action_update(
        action=action,
        by=world["dev_planner"],
        version=action.version,
        data={"status": "done", "evidence": "The Tessa checkpoint stays open until midnight."},
    )
    reminders_send(now=noon(due + datetime.timedelta(days=8)))
    assert Notification.objects.filter(kind=OVERDUE).count() == 3


# --- the subscription digest --------------------------------------------------------------------


def test_a_subscriber_gets_one_digest_of_the_new_lessons_they_may_read(
    world: dict[str, Any],
) -> None:
    lessons.lesson_subscription_add(by=world["dev_planner"], domain=Domain.POLICING)
    lessons.lesson_subscription_add(by=world["dev_planner"], theatre="valeria")
    lessons.lesson_subscription_add(by=world["police_planner"], domain=Domain.POLICING)
    release(world, record(world, title="Interpreters arrived unvetted"), "named", "dev")
    release(world, record(world, title="Night patrols met no one"), "named", "dev")
    record(world, title="Radios ran flat overnight")  # mfa's only: dev may not read it
    release(world, record(world, title="Fuel convoys bunched"), "participants")  # mod's, not dev's
    old = release(world, record(world, title="Market days drew crowds"), "named", "dev")
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    Lesson.objects.filter(pk=old.pk).update(created=two_days_ago)
    MarkingChange.objects.filter(lesson=old).update(changed_at=two_days_ago)
    release(
        world,
        record(world, title="Elders spoke first", theatre="Kora", domains=[Domain.GOVERNANCE]),
        "named",
        "dev",
    )  # neither in a followed domain nor theatre

    now = timezone.now() + datetime.timedelta(minutes=1)
    reminders_send(now=now)
    reminders_send(now=now + datetime.timedelta(minutes=5))

    assert told(DIGEST) == [
        (
            "dev-planner",
            "2 new lessons in what you follow: “Night patrols met no one”; “Interpreters "
            "arrived unvetted”.",
        )
    ]
    digest = Notification.objects.get(kind=DIGEST)
    since = now - datetime.timedelta(days=1)
    assert digest.url == f"/lessons/?followed=1&since={since:%Y-%m-%d}"
    # The police planner follows policing too, but reads none of these: nothing is sent.
    assert not Notification.objects.filter(kind=DIGEST, recipient=world["police_planner"])


def test_an_old_lesson_released_wider_today_is_new_to_its_new_readers(
    world: dict[str, Any],
) -> None:
    """A release to all members tells no one at the time; the digest brings it to those who
    follow its domain."""
    lessons.lesson_subscription_add(by=world["police_planner"], domain=Domain.POLICING)
    old = record(world, title="Market days drew crowds")
    Lesson.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=30))
    release(world, old, "all_members")

    reminders_send(now=timezone.now() + datetime.timedelta(minutes=1))

    assert told(DIGEST) == [
        ("police-planner", "1 new lesson in what you follow: “Market days drew crowds”.")
    ]


def test_no_new_lessons_no_digest(world: dict[str, Any]) -> None:
    lessons.lesson_subscription_add(by=world["mfa_planner"], domain=Domain.POLICING)
    record(world, title="Radios ran flat overnight")
    reminders_send(now=timezone.now() + datetime.timedelta(days=2))
    assert told(DIGEST) == []
    reminders_send(now=timezone.now() + datetime.timedelta(minutes=1))
    assert told(DIGEST) == [
        ("mfa-planner", "1 new lesson in what you follow: “Radios ran flat overnight”.")
    ]


def test_the_digests_link_lists_what_it_announced(world: dict[str, Any]) -> None:
    from django.test import Client

    lessons.lesson_subscription_add(by=world["mfa_planner"], domain=Domain.POLICING)
    record(world, title="Radios ran flat overnight")
    record(world, title="Elders spoke first", theatre="Kora", domains=[Domain.GOVERNANCE])
    old = record(world, title="Market days drew crowds")
    Lesson.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=3))
    reminders_send(now=timezone.now() + datetime.timedelta(minutes=1))
    digest = Notification.objects.get(kind=DIGEST)
    client = Client()
    client.force_login(world["mfa_planner"])

    page = client.get(digest.url)

    shown = [lesson.title for lesson, _ in page.context["rows"]]
    assert shown == ["Radios ran flat overnight"]
    assert "the lessons new to you since" in page.content.decode()
