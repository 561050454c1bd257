"""My work in the lessons process: an analyst's observations to triage (their organisation's
only), an approver's release requests to decide (gone once decided), an action body's open
remedial actions; nothing for the superuser or for lapsed members."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role, User
from accounts.work import WorkItem, my_work
from lessons import services as lessons
from lessons.models import Lesson, RemedialAction
from tests.factories import make_member
from tests.lessons.conftest import PERSONAS, days, fresh, record


@pytest.fixture
def world(shared_world: dict[str, Any]) -> dict[str, Any]:
    """The module's world, built once; each test's changes roll back."""
    return shared_world


pytestmark = pytest.mark.django_db


def waiting(user: User) -> dict[str, list[tuple[str, str, str]]]:
    """The non-empty sections: (kind, title, url) of each item, oldest first."""
    return {
        section.key: [(item.kind, item.title, item.url) for item in section.items]
        for section in my_work(user)
        if section.count
    }


def first_item(user: User, key: str) -> WorkItem:
    (section,) = [s for s in my_work(user) if s.key == key]
    return section.items[0]


def identified(world: dict[str, Any], lesson: Lesson) -> Lesson:
    for to in ("observation", "analysis", "lesson_identified"):
        lessons.lesson_transition(
            lesson=lesson, by=world["mfa_analyst"], to=to, version=fresh(lesson).version
        )
    return fresh(lesson)


def test_an_analyst_triages_the_submitted_lessons_of_their_own_organisation(
    world: dict[str, Any],
) -> None:
    dev_analyst = make_member(world["dev"], Role.ANALYST, username="dev-analyst")
    first = record(world, by="mfa_field", title="Radios ran flat overnight")
    second = record(world, by="mfa_planner", title="Fuel convoys bunched")
    moved = record(world, title="Market days drew crowds")
    lessons.lesson_transition(
        lesson=moved, by=world["mfa_analyst"], to="observation", version=moved.version
    )
    theirs = lessons.lesson_record(
        by=world["dev_planner"],
        source_organisation=world["dev"],
        title="Wells dug too shallow",
        observation="The wells ran dry in the dry season.",
        observed_on=days(-4),
    )

    assert waiting(world["mfa_analyst"]) == {
        "lessons": [
            ("lesson_triage", "Triage “Radios ran flat overnight”", f"/lessons/{first.pk}/"),
            ("lesson_triage", "Triage “Fuel convoys bunched”", f"/lessons/{second.pk}/"),
        ]
    }
    item = first_item(world["mfa_analyst"], "lessons")
    assert item.detail == f"Observed in Valeria on {days(-10):%-d %b %Y}, recorded by mfa-field"
    assert waiting(dev_analyst) == {
        "lessons": [("lesson_triage", "Triage “Wells dug too shallow”", f"/lessons/{theirs.pk}/")]
    }
    # A planner records and reads, but does not triage; other organisations see nothing.
    for persona in ("mfa_planner", "mfa_field", "mod_planner", "police_planner"):
        assert waiting(world[persona]) == {}, persona


def test_an_approver_decides_a_release_request_until_it_is_decided(
    world: dict[str, Any],
) -> None:
    lesson = record(world, title="Radios ran flat overnight")
    lessons.lesson_transition(
        lesson=lesson, by=world["mfa_analyst"], to="observation", version=lesson.version
    )
    asked = lessons.lesson_release(
        lesson=fresh(lesson),
        by=world["mfa_planner"],
        version=fresh(lesson).version,
        releasability="named",
        organisations=[world["dev"]],
        reason="Development runs the radios in the north.",
    )
    assert not asked.applied

    decide = ("lesson_release", "Decide the release of “Radios ran flat overnight”")
    url = f"/lessons/{lesson.pk}/release/decide/"
    assert waiting(world["mfa_approver"]) == {"decide": [(*decide, url)]}
    item = first_item(world["mfa_approver"], "decide")
    assert item.detail == "A wider release was asked for (request 1)"
    for persona in ("mfa_planner", "mfa_analyst", "dev_planner"):
        assert waiting(world[persona]) == {}, persona

    lessons.lesson_release_decide(
        lesson=fresh(lesson), by=world["mfa_approver"], round=1, decision="release"
    )
    assert waiting(world["mfa_approver"]) == {}


def test_an_action_body_sees_the_open_actions_tasked_to_it(world: dict[str, Any]) -> None:
    lesson = identified(world, record(world, title="Checkpoints closed at night"))
    lessons.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=lesson.version,
        releasability="named",
        organisations=[world["dev"]],
    )
    later = lessons.remedial_action_task(
        lesson=fresh(lesson),
        by=world["mfa_analyst"],
        action_body=world["dev"],
        description="Train the night shift.",
        due_on=days(30),
    )
    sooner = lessons.remedial_action_task(
        lesson=fresh(lesson),
        by=world["mfa_analyst"],
        action_body=world["dev"],
        description="Keep one checkpoint open at night.",
        due_on=days(5),
    )
    title = "Remedial action for “Checkpoints closed at night”"
    url = f"/lessons/{lesson.pk}/#action-"
    assert waiting(world["dev_planner"]) == {
        "lessons": [
            ("remedial_action", title, f"{url}{sooner.pk}"),
            ("remedial_action", title, f"{url}{later.pk}"),
        ]
    }
    item = first_item(world["dev_planner"], "lessons")
    assert item.detail == f"Development Cooperation, due {days(5):%-d %b %Y}: tasked"
    # The source's analysts follow them on the lesson: not work for them to do.
    for persona in ("mod_planner", "police_planner", "mfa_planner", "mfa_analyst"):
        assert waiting(world[persona]) == {}, persona

    action = RemedialAction.objects.get(pk=sooner.pk)
    lessons.remedial_action_update(
        action=action,
        by=world["dev_planner"],
        version=action.version,
        data={"status": "done", "evidence": "The Tessa checkpoint stays open until midnight."},
    )
    assert waiting(world["dev_planner"]) == {
        "lessons": [("remedial_action", title, f"{url}{later.pk}")]
    }


@pytest.mark.parametrize("persona", ["superuser", "ended_yesterday", "starts_tomorrow", "nobody"])
def test_no_lessons_work_for_the_superuser_nor_lapsed_members(
    world: dict[str, Any], persona: str
) -> None:
    assert persona in PERSONAS
    lesson = record(world, title="Radios ran flat overnight")
    lessons.lesson_release(
        lesson=lesson,
        by=world["mfa_planner"],
        version=lesson.version,
        releasability="participants",
    )
    identified_lesson = identified(world, record(world, title="Checkpoints closed at night"))
    lessons.remedial_action_task(
        lesson=identified_lesson,
        by=world["mfa_analyst"],
        action_body=world["mfa"],
        description="Charge the radios at dusk.",
        due_on=days(5),
    )
    # The same work waits for mfa's current members…
    assert [k for k, *_ in waiting(world["mfa_approver"])["lessons"]] == [
        "lesson_triage",
        "remedial_action",
    ]
    assert [k for k, *_ in waiting(world["mfa_approver"])["decide"]] == ["lesson_release"]
    # …and for none of these.
    assert waiting(world[persona]) == {}
