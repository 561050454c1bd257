"""The lessons process and markings, through the services: who records, who moves, who
releases, and that a widening by a planner waits for an approver's decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.concurrency import StaleVersion
from accounts.decisions import StaleRound
from accounts.models import Notification
from lessons import services
from lessons.models import (
    ActionStatus,
    Classification,
    Lesson,
    LessonStatus,
    MarkingChange,
    Releasability,
    ReleaseRequest,
)
from lessons.selectors import visible_lessons
from tests.lessons.conftest import PERSONAS, days, fresh, record


@pytest.fixture
def world(shared_world: dict[str, Any]) -> dict[str, Any]:
    """The module's world, built once; each test's changes roll back."""
    return shared_world


def readers(lesson: Lesson, world: dict[str, Any]) -> list[str]:
    return [p for p in PERSONAS if visible_lessons(world[p]).filter(pk=lesson.pk).exists()]


SOURCE_READERS = ["mfa_planner", "mfa_analyst", "mfa_approver", "mfa_field", "superuser"]


def test_a_field_advisor_records_a_lesson_read_by_the_source_organisation_only(
    world: dict[str, Any],
) -> None:
    lesson = record(world, by="mfa_field")

    assert (lesson.status, lesson.releasability, lesson.author) == (
        LessonStatus.SUBMITTED,
        Releasability.ORIGINATOR,
        world["mfa_field"],
    )
    assert readers(lesson, world) == SOURCE_READERS
    analysts = Notification.objects.filter(kind="lesson.submitted")
    assert [n.recipient.username for n in analysts] == ["mfa-analyst"]


@pytest.mark.parametrize("persona", ["mod_planner", "nobody", "ended_yesterday", "starts_tomorrow"])
def test_only_current_members_record_for_their_organisation(
    world: dict[str, Any], persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        record(world, by=persona)
    assert Lesson.objects.count() == 0


def test_a_superuser_records_no_lesson_for_an_organisation_they_are_not_in(
    world: dict[str, Any],
) -> None:
    with pytest.raises(PermissionDenied):
        record(world, by="superuser")


@pytest.mark.parametrize(
    ("releasability", "named", "expected"),
    [
        (Releasability.ORIGINATOR, [], SOURCE_READERS),
        (Releasability.PARTICIPANTS, [], [*SOURCE_READERS[:4], "mod_planner", "superuser"]),
        (Releasability.NAMED, ["dev"], [*SOURCE_READERS[:4], "dev_planner", "superuser"]),
        (
            Releasability.ALL_MEMBERS,
            [],
            [*SOURCE_READERS[:4], "mod_planner", "dev_planner", "police_planner", "superuser"],
        ),
    ],
)
def test_an_approver_widens_at_once_and_the_marking_decides_who_reads(
    world: dict[str, Any], releasability: str, named: list[str], expected: list[str]
) -> None:
    lesson = record(world)

    outcome = services.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=lesson.version,
        releasability=releasability,
        organisations=[world[o] for o in named],
    )

    assert outcome.applied is True
    assert fresh(lesson).releasability == releasability
    assert readers(lesson, world) == expected


def test_a_planners_widening_waits_for_an_approver_and_a_stale_decision_is_refused(
    world: dict[str, Any],
) -> None:
    lesson = record(world)
    asked = services.lesson_release(
        lesson=lesson,
        by=world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.NAMED,
        organisations=[world["dev"]],
        reason="Dev runs the police academy.",
    )
    assert asked.applied is False
    lesson = fresh(lesson)
    assert (lesson.releasability, lesson.release_requested, lesson.release_round) == (
        Releasability.ORIGINATOR,
        True,
        1,
    )
    assert "dev_planner" not in readers(lesson, world)
    # Asked again: round 2; a decision on round 1 is stale.
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.PARTICIPANTS,
    )
    with pytest.raises(StaleRound):
        services.lesson_release_decide(
            lesson=lesson, by=world["mfa_approver"], round=1, decision="release"
        )

    decided = services.lesson_release_decide(
        lesson=lesson, by=world["mfa_approver"], round=2, decision="release"
    )

    assert decided.applied is True
    lesson = fresh(lesson)
    assert (lesson.releasability, lesson.release_requested) == (Releasability.PARTICIPANTS, False)
    assert list(
        ReleaseRequest.objects.filter(lesson=lesson).values_list("release_round", "outcome")
    ) == [(2, "released"), (1, "superseded")]
    assert "mod_planner" in readers(lesson, world)
    told = Notification.objects.filter(kind="lesson.released").values_list(
        "recipient__username", flat=True
    )
    assert sorted(told) == ["mod-planner"]


def test_narrowing_is_immediate_for_a_planner(world: dict[str, Any]) -> None:
    lesson = record(world)
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=lesson.version,
        releasability=Releasability.ALL_MEMBERS,
    )
    lesson = fresh(lesson)

    outcome = services.lesson_release(
        lesson=lesson,
        by=world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.ORIGINATOR,
    )

    assert outcome.applied is True
    assert readers(lesson, world) == SOURCE_READERS
    assert list(
        MarkingChange.objects.filter(lesson=lesson).values_list("releasability", "wider")
    ) == [(Releasability.ORIGINATOR, False), (Releasability.ALL_MEMBERS, True)]


def test_a_restricted_lesson_is_never_released_to_all_members(world: dict[str, Any]) -> None:
    lesson = record(world, classification=Classification.RESTRICTED)
    with pytest.raises(ValidationError) as refused:
        services.lesson_release(
            lesson=lesson,
            by=world["mfa_approver"],
            version=lesson.version,
            releasability=Releasability.ALL_MEMBERS,
        )
    assert refused.value.message_dict == {
        "releasability": ["A restricted lesson can never be released to all member organisations."]
    }
    assert fresh(lesson).releasability == Releasability.ORIGINATOR


def test_the_participants_of_a_plan_follow_the_plan(world: dict[str, Any]) -> None:
    """A plan's new participant reads the lessons released to its participants."""
    from missions import services as plans
    from missions.models import ParticipantRole

    lesson = record(world)
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=lesson.version,
        releasability=Releasability.PARTICIPANTS,
    )
    assert "dev_planner" not in readers(lesson, world)
    plan = world["plan"]
    plans.plan_update(
        plan=plan,
        by=world["mfa_planner"],
        version=plan.version,
        data={
            "participants": [
                (world["mod"], ParticipantRole.CONTRIBUTOR),
                (world["dev"], ParticipantRole.CONTRIBUTOR),
            ]
        },
    )

    assert "dev_planner" in readers(lesson, world)


def _to(lesson: Lesson, status: str, by: Any, comment: str = "") -> Lesson:
    return services.lesson_transition(
        lesson=lesson, by=by, to=status, version=fresh(lesson).version, comment=comment
    )


def test_the_lessons_process_to_lesson_learned(world: dict[str, Any]) -> None:
    lesson = record(world, by="mfa_field")
    analyst = world["mfa_analyst"]
    for status in (LessonStatus.OBSERVATION, LessonStatus.ANALYSIS, LessonStatus.LESSON_IDENTIFIED):
        _to(lesson, status, analyst)
    action = services.remedial_action_task(
        lesson=lesson,
        by=analyst,
        action_body=world["mfa"],
        description="Keep one checkpoint open all night.",
        due_on=days(30),
    )
    _to(lesson, LessonStatus.ACTION_IN_PROGRESS, analyst)
    with pytest.raises(ValidationError) as refused:
        _to(lesson, LessonStatus.LESSON_LEARNED, analyst)
    assert refused.value.message_dict["to"] == [
        "1 remedial action is still open (Ministry of Foreign Affairs): each must be done, or "
        "declined with a reason."
    ]
    services.remedial_action_update(
        action=action,
        by=world["mfa_planner"],
        version=action.version,
        data={"status": ActionStatus.DONE, "evidence": "Open since 1 May."},
    )

    learned = _to(lesson, LessonStatus.LESSON_LEARNED, world["mfa_approver"])

    assert learned.status == LessonStatus.LESSON_LEARNED


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (LessonStatus.SUBMITTED, LessonStatus.LESSON_LEARNED),
        (LessonStatus.SUBMITTED, LessonStatus.ANALYSIS),
        (LessonStatus.SUBMITTED, LessonStatus.ARCHIVED),
        (LessonStatus.OBSERVATION, LessonStatus.SUBMITTED),
    ],
)
def test_illegal_moves_are_refused(world: dict[str, Any], start: str, to: str) -> None:
    lesson = record(world)
    Lesson.objects.filter(pk=lesson.pk).update(status=start)
    with pytest.raises(ValidationError) as refused:
        _to(lesson, to, world["mfa_analyst"])
    assert list(refused.value.message_dict) == ["to"]
    assert fresh(lesson).status == start


@pytest.mark.parametrize("persona", ["mfa_planner", "mfa_field", "mod_planner", "superuser"])
def test_only_analysts_and_approvers_of_the_source_move_a_lesson(
    world: dict[str, Any], persona: str
) -> None:
    lesson = record(world)
    with pytest.raises(PermissionDenied):
        _to(lesson, LessonStatus.OBSERVATION, world[persona])
    assert fresh(lesson).status == LessonStatus.SUBMITTED


def test_rejecting_needs_a_reason_and_tells_the_author(world: dict[str, Any]) -> None:
    lesson = record(world, by="mfa_field")
    with pytest.raises(ValidationError):
        _to(lesson, LessonStatus.REJECTED, world["mfa_analyst"])
    _to(lesson, LessonStatus.REJECTED, world["mfa_analyst"], comment="Already recorded as #3.")
    told = Notification.objects.get(kind="lesson.rejected")
    assert (told.recipient, told.text) == (
        world["mfa_field"],
        "Your lesson “Checkpoints closed at night” was rejected: Already recorded as #3.",
    )


def test_a_stale_version_is_refused(world: dict[str, Any]) -> None:
    lesson = record(world)
    with pytest.raises(StaleVersion):
        services.lesson_transition(
            lesson=lesson, by=world["mfa_analyst"], to="observation", version=lesson.version + 1
        )


def test_an_action_body_must_read_the_lesson(world: dict[str, Any]) -> None:
    lesson = record(world)
    Lesson.objects.filter(pk=lesson.pk).update(status=LessonStatus.LESSON_IDENTIFIED)
    with pytest.raises(ValidationError) as refused:
        services.remedial_action_task(
            lesson=lesson,
            by=world["mfa_analyst"],
            action_body=world["dev"],
            description="Train the trainers.",
            due_on=days(10),
        )
    assert refused.value.message_dict == {
        "action_body": [
            "Development Cooperation may not read this lesson: release it to them first."
        ]
    }


def test_an_approver_who_releases_directly_tells_the_waiting_requester(
    world: dict[str, Any],
) -> None:
    lesson = record(world)
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.NAMED,
        organisations=[world["dev"]],
    )
    lesson = fresh(lesson)

    services.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=lesson.version,
        releasability=Releasability.ALL_MEMBERS,
    )

    told = Notification.objects.get(kind="lesson.release_decided")
    assert (told.recipient, told.text) == (
        world["mfa_planner"],
        "mfa-approver released “Checkpoints closed at night” to all member organisations "
        "instead of deciding your request.",
    )
    assert fresh(lesson).release_requested is False


def test_the_history_names_who_did_each_step_whatever_called_the_service(
    world: dict[str, Any],
) -> None:
    """Outside a request too (the demo, a task): the service names the person."""
    lesson = record(world, by="mfa_field")
    _to(lesson, LessonStatus.OBSERVATION, world["mfa_analyst"])
    services.lesson_release(
        lesson=fresh(lesson),
        by=world["mfa_approver"],
        version=fresh(lesson).version,
        releasability=Releasability.PARTICIPANTS,
    )

    steps = fresh(lesson).history.order_by("history_date", "history_id")
    assert [(h.status, h.releasability, h.history_user.username) for h in steps] == [
        (LessonStatus.SUBMITTED, Releasability.ORIGINATOR, "mfa-field"),
        (LessonStatus.OBSERVATION, Releasability.ORIGINATOR, "mfa-analyst"),
        (LessonStatus.OBSERVATION, Releasability.PARTICIPANTS, "mfa-approver"),
    ]
