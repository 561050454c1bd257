"""The lessons API: who may do what (every persona, exact status, nothing changed when
refused), the messages of bad input, stale versions and rounds (409), a planner's widening
(202), attachments, search ranking and snippets on PostgreSQL, flat query counts, and
subscriptions that are each person's own."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from lessons import services
from lessons.models import (
    Lesson,
    LessonAttachment,
    LessonStatus,
    LessonSubscription,
    MarkingChange,
    Releasability,
    Release,
    ReleaseDecision,
    ReleaseRequest,
    RemedialAction,
)
from lessons.search import full_text
from tests.conftest import api_as
from tests.lessons.conftest import PERSONAS, days, fresh, record

LIST = "/api/v1/lessons/"
ACTIONS = "/api/v1/remedial-actions/"
SUBSCRIPTIONS = "/api/v1/lesson-subscriptions/"

World = dict[str, Any]


def _url(lesson: Lesson, action: str = "") -> str:
    return f"{LIST}{lesson.pk}/{action + '/' if action else ''}"


def _released(
    world: World, releasability: str, *, by: str = "mfa_analyst", **fields: Any
) -> Lesson:
    """A lesson of mfa released by its approver."""
    lesson = record(world, by=by, **fields)
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=lesson.version,
        releasability=releasability,
        organisations=[world["dev"]] if releasability == Releasability.NAMED else [],
    )
    return fresh(lesson)


def _move(world: World, lesson: Lesson, *steps: str) -> Lesson:
    for step in steps:
        lesson = fresh(lesson)
        services.lesson_transition(
            lesson=lesson,
            by=world["mfa_analyst"],
            to=step,
            version=lesson.version,
            comment="",
        )
    return fresh(lesson)


IDENTIFIED = (LessonStatus.OBSERVATION, LessonStatus.ANALYSIS, LessonStatus.LESSON_IDENTIFIED)


def _fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the lessons app a refused request could change."""
    rows: dict[str, tuple[Any, tuple[str, ...]]] = {
        "lessons": (
            Lesson,
            (
                "title",
                "status",
                "version",
                "classification",
                "releasability",
                "release_round",
                "release_requested",
            ),
        ),
        "releases": (Release, ("lesson_id", "organisation_id")),
        "requests": (ReleaseRequest, ("lesson_id", "release_round", "outcome")),
        "decisions": (ReleaseDecision, ("lesson_id", "release_round", "decision")),
        "markings": (MarkingChange, ()),
        "actions": (RemedialAction, ("status", "version", "evidence", "description")),
        "attachments": (LessonAttachment, ()),
        "subscriptions": (LessonSubscription, ("person_id", "domain", "theatre")),
    }
    return {
        name: list(model.objects.order_by("pk").values_list("pk", *fields))
        for name, (model, fields) in rows.items()
    }


def _matrix(
    world: World, method: str, url: str, body: dict[str, Any] | Callable[[], dict[str, Any]]
) -> tuple[dict[str, int], list[str]]:
    """Each persona's status for one request, each from the same state (a savepoint rolled
    back after it), and the personas whose request did not do what its status says: refused
    (4xx) but changed something, or accepted (2xx) and changed nothing."""
    statuses: dict[str, int] = {}
    wrong: list[str] = []
    for persona in PERSONAS:
        before = _fingerprint()
        with transaction.atomic():
            data = body() if callable(body) else body
            response = api_as(world[persona]).generic(
                method, url, _json(data), content_type="application/json"
            )
            statuses[persona] = response.status_code
            if (response.status_code >= 400) == (_fingerprint() != before):
                wrong.append(persona)
            transaction.set_rollback(True)
    return statuses, wrong


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str)


def _statuses(**groups: int) -> dict[str, int]:
    """Expected statuses: `mfa=...` names the four mfa personas; other keywords one persona
    each; `rest` everyone not named."""
    rest = groups.pop("rest", None)
    expected: dict[str, int] = {}
    mfa = groups.pop("mfa", None)
    for persona in PERSONAS:
        if persona in groups:
            expected[persona] = groups[persona]
        elif mfa is not None and persona.startswith("mfa_"):
            expected[persona] = mfa
        elif rest is not None:
            expected[persona] = rest
    assert set(expected) == set(PERSONAS), "say every persona's status"
    return expected


# Who holds no membership today reads no lesson of mfa, not even one released to all members:
# 404 whatever they send.
UNSEEN = {"nobody": 404, "ended_yesterday": 404, "starts_tomorrow": 404}


# --- the authorization matrix -------------------------------------------------------------------


def test_only_a_current_member_records_for_their_organisation(shared_world: World) -> None:
    body = {
        "title": "Radios failed at the ford",
        "observation": "The handsets lost the net beyond the river.",
        "observed_on": days(-2).isoformat(),
        "source_organisation": shared_world["mfa"].pk,
    }
    statuses, wrong = _matrix(shared_world, "POST", LIST, body)
    assert statuses == _statuses(mfa=201, rest=403)
    assert wrong == []


def test_who_edits_a_lesson_released_to_all(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.ALL_MEMBERS, by="mfa_field")
    body = {"title": "Radios failed at night", "version": lesson.version}
    statuses, wrong = _matrix(shared_world, "PATCH", _url(lesson), body)
    # The analysts and approvers of the source; the author while it waits as submitted.
    assert statuses == _statuses(
        mfa_planner=403,
        mfa_analyst=200,
        mfa_approver=200,
        mfa_field=200,
        superuser=403,
        **UNSEEN,
        rest=403,
    )
    assert wrong == []


def test_who_moves_a_lesson_through_the_process(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.ALL_MEMBERS)
    body = {"to": LessonStatus.OBSERVATION, "version": lesson.version}
    statuses, wrong = _matrix(shared_world, "POST", _url(lesson, "transition"), body)
    assert statuses == _statuses(mfa_analyst=200, mfa_approver=200, **UNSEEN, rest=403)
    assert wrong == []


def test_who_widens_a_release_at_once_and_who_only_asks(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.PARTICIPANTS)
    body = {
        "releasability": Releasability.NAMED,
        "organisations": [shared_world["dev"].pk],
        "version": lesson.version,
    }
    statuses, wrong = _matrix(shared_world, "POST", _url(lesson, "release"), body)
    assert statuses == _statuses(
        mfa_planner=202,
        mfa_analyst=202,
        mfa_approver=200,
        mfa_field=403,
        mod_planner=403,  # a reader, as a participant of the plan
        superuser=403,
        rest=404,
    )
    assert wrong == []


def test_only_an_approver_of_the_source_decides_a_release_request(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.PARTICIPANTS)
    asked = services.lesson_release(
        lesson=lesson,
        by=shared_world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.NAMED,
        organisations=[shared_world["dev"]],
        reason="Dev trains the border police.",
    )
    assert asked.applied is False
    body = {"decision": "release", "release_round": 1}
    statuses, wrong = _matrix(shared_world, "POST", _url(lesson, "decide"), body)
    assert statuses == _statuses(
        mfa_approver=200, mfa=403, mod_planner=403, superuser=403, rest=404
    )
    assert wrong == []


def test_only_the_sources_analysts_and_approvers_task_a_remedial_action(
    shared_world: World,
) -> None:
    lesson = _move(shared_world, _released(shared_world, Releasability.PARTICIPANTS), *IDENTIFIED)
    body = {
        "lesson": lesson.pk,
        "action_body": shared_world["mod"].pk,
        "description": "Keep the checkpoints open until midnight.",
        "due_on": days(30).isoformat(),
    }
    statuses, wrong = _matrix(shared_world, "POST", ACTIONS, body)
    # Those who cannot read the lesson name a lesson that, for them, does not exist.
    assert statuses == _statuses(
        mfa_analyst=201,
        mfa_approver=201,
        mfa=403,
        mod_planner=403,
        superuser=403,
        rest=400,
    )
    assert wrong == []


def test_the_action_body_and_the_sources_analysts_report_on_an_action(
    shared_world: World,
) -> None:
    lesson = _move(shared_world, _released(shared_world, Releasability.PARTICIPANTS), *IDENTIFIED)
    action = services.remedial_action_task(
        lesson=lesson,
        by=shared_world["mfa_analyst"],
        action_body=shared_world["mod"],
        description="Keep the checkpoints open until midnight.",
        due_on=days(30),
    )
    body = {"status": "in_progress", "version": action.version}
    statuses, wrong = _matrix(shared_world, "PATCH", f"{ACTIONS}{action.pk}/", body)
    assert statuses == _statuses(
        mfa_analyst=200,
        mfa_approver=200,
        mfa=403,
        mod_planner=200,
        superuser=403,
        rest=404,
    )
    assert wrong == []


def test_anyone_signed_in_follows_a_theatre_and_stops_only_their_own(
    shared_world: World,
) -> None:
    statuses, wrong = _matrix(shared_world, "POST", SUBSCRIPTIONS, {"theatre": "Valeria"})
    assert statuses == _statuses(rest=201)
    assert wrong == []
    theirs = services.lesson_subscription_add(by=shared_world["mfa_planner"], theatre="Valeria")
    statuses, wrong = _matrix(shared_world, "DELETE", f"{SUBSCRIPTIONS}{theirs.pk}/", {})
    assert statuses == _statuses(mfa_planner=204, rest=404)
    assert wrong == []
    anonymous = api_as(None)
    assert anonymous.post(SUBSCRIPTIONS, {"theatre": "Valeria"}, format="json").status_code in (
        401,
        403,
    )


# --- bad input: 400 with the field's message ---------------------------------------------------


def _post(world: World, persona: str, url: str, body: dict[str, Any]) -> Any:
    return api_as(world[persona]).post(url, _json(body), content_type="application/json")


def test_a_restricted_lesson_is_not_released_to_all_members(shared_world: World) -> None:
    lesson = record(shared_world, classification="restricted")
    response = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "release"),
        {"releasability": "all_members", "version": lesson.version},
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "releasability": [
                "A restricted lesson can never be released to all member organisations."
            ]
        },
    )
    assert fresh(lesson).releasability == Releasability.ORIGINATOR


def test_a_named_release_names_an_organisation(shared_world: World) -> None:
    lesson = record(shared_world)
    response = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "release"),
        {"releasability": "named", "organisations": [], "version": lesson.version},
    )
    assert (response.status_code, response.json()) == (
        400,
        {"organisations": ["Name at least one organisation besides the source."]},
    )


def test_a_rejection_says_why(shared_world: World) -> None:
    lesson = record(shared_world)
    response = _post(
        shared_world,
        "mfa_analyst",
        _url(lesson, "transition"),
        {"to": "rejected", "version": lesson.version},
    )
    assert (response.status_code, response.json()) == (
        400,
        {"comment": ["Say why the lesson is rejected, so its author knows."]},
    )
    assert fresh(lesson).status == LessonStatus.SUBMITTED


def test_a_lesson_is_not_learned_while_an_action_is_open(shared_world: World) -> None:
    lesson = _move(shared_world, _released(shared_world, Releasability.PARTICIPANTS), *IDENTIFIED)
    services.remedial_action_task(
        lesson=lesson,
        by=shared_world["mfa_analyst"],
        action_body=shared_world["mod"],
        description="Keep the checkpoints open until midnight.",
        due_on=days(30),
    )
    lesson = fresh(lesson)
    response = _post(
        shared_world,
        "mfa_analyst",
        _url(lesson, "transition"),
        {"to": "lesson_learned", "version": lesson.version},
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "to": [
                "1 remedial action is still open (Ministry of Defence): each must be done, "
                "or declined with a reason."
            ]
        },
    )


def _new_lesson(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Radios failed at the ford",
        "observation": "The handsets lost the net beyond the river.",
        "observed_on": days(-2).isoformat(),
        **fields,
    }


def test_a_lesson_is_not_observed_in_the_future(shared_world: World) -> None:
    response = _post(
        shared_world, "mfa_field", LIST, _new_lesson(shared_world, observed_on=days(1))
    )
    assert (response.status_code, response.json()) == (
        400,
        {"observed_on": ["A lesson cannot be observed in the future."]},
    )
    assert Lesson.objects.count() == 0


def test_an_unknown_domain_is_refused(shared_world: World) -> None:
    response = _post(shared_world, "mfa_field", LIST, _new_lesson(shared_world, domains=["piracy"]))
    assert (response.status_code, response.json()) == (
        400,
        {"domains": {"0": ['"piracy" is not a valid choice.']}},
    )
    assert Lesson.objects.count() == 0


# --- stale versions and rounds: 409 with the lesson as it is now --------------------------------


def test_an_edit_of_a_stale_version_answers_409_with_the_current_lesson(
    shared_world: World,
) -> None:
    lesson = record(shared_world)
    first = api_as(shared_world["mfa_analyst"]).patch(
        _url(lesson), {"title": "Checkpoints closed at dusk", "version": 1}, format="json"
    )
    assert (first.status_code, first.json()["version"], first["ETag"]) == (200, 2, '"2"')
    stale = api_as(shared_world["mfa_approver"]).patch(
        _url(lesson), {"title": "Checkpoints shut", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    current = stale.json()["current"]
    assert (current["id"], current["title"], current["version"]) == (
        lesson.pk,
        "Checkpoints closed at dusk",
        2,
    )
    assert fresh(lesson).title == "Checkpoints closed at dusk"


def test_a_decision_on_a_stale_release_round_answers_409(shared_world: World) -> None:
    lesson = record(shared_world)
    for organisations in ([shared_world["dev"]], [shared_world["dev"], shared_world["police"]]):
        lesson = fresh(lesson)
        services.lesson_release(
            lesson=lesson,
            by=shared_world["mfa_planner"],
            version=lesson.version,
            releasability=Releasability.NAMED,
            organisations=organisations,
            reason="Both train the border police.",
        )
    response = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "decide"),
        {"decision": "release", "release_round": 1},
    )
    assert response.status_code == 409
    current = response.json()["current"]
    assert (current["release_round"], current["releasability"], current["released_to"]) == (
        2,
        Releasability.ORIGINATOR,
        [],
    )
    assert current["pending_release"]["organisations"] == sorted(
        [shared_world["dev"].pk, shared_world["police"].pk]
    )
    assert ReleaseDecision.objects.count() == 0
    # The current round is decided.
    decided = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "decide"),
        {"decision": "release", "release_round": 2},
    )
    assert decided.status_code == 200
    assert (decided.json()["releasability"], decided.json()["released_to"]) == (
        Releasability.NAMED,
        sorted([shared_world["dev"].pk, shared_world["police"].pk]),
    )


def test_a_planners_widening_answers_202_and_waits(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.PARTICIPANTS)
    response = _post(
        shared_world,
        "mfa_planner",
        _url(lesson, "release"),
        {
            "releasability": "named",
            "organisations": [shared_world["dev"].pk],
            "reason": "Dev trains the border police.",
            "version": lesson.version,
        },
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["releasability"], body["release_requested"], body["release_round"]) == (
        Releasability.PARTICIPANTS,
        True,
        1,
    )
    pending = body["pending_release"]
    assert {k: v for k, v in pending.items() if k != "requested_at"} == {
        "release_round": 1,
        "releasability": "named",
        "organisations": [shared_world["dev"].pk],
        "reason": "Dev trains the border police.",
        "requested_by": "mfa-planner",
    }
    assert api_as(shared_world["dev_planner"]).get(_url(lesson)).status_code == 404


# --- attachments --------------------------------------------------------------------------------


def _png(name: str = "checkpoint.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "#1d4e89").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_lesson_recorded_with_a_photo_is_downloaded_by_its_readers_only(
    shared_world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    response = api_as(shared_world["mfa_field"]).post(
        LIST,
        {
            "title": "Checkpoint lights out",
            "observation": "The lights at the checkpoint failed at dusk.",
            "observed_on": days(-1).isoformat(),
            "domains": ["policing"],
            "attachments": [_png()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    lesson = Lesson.objects.get(pk=body["id"])
    attachment = lesson.attachments.get()
    assert body["domains"] == ["policing"]
    assert body["attachments"] == [
        {
            "id": attachment.pk,
            "name": "checkpoint.png",
            "content_type": "image/png",
            "size": attachment.size,
            "remedial_action": None,
            "download_url": f"{LIST}{lesson.pk}/attachments/{attachment.pk}/",
        }
    ]
    url = body["attachments"][0]["download_url"]
    download: Any = api_as(shared_world["mfa_approver"]).get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="checkpoint.png"'
    assert download["Content-Type"] == "image/png"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"\x89PNG")
    assert len(content) == attachment.size
    got = {p: api_as(shared_world[p]).get(url).status_code for p in PERSONAS}
    readers = {"mfa_planner", "mfa_analyst", "mfa_approver", "mfa_field", "superuser"}
    assert got == {p: 200 if p in readers else 404 for p in PERSONAS}


# --- search -------------------------------------------------------------------------------------


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


ODCR = {
    "discussion": "The crossing was the only road south.",
    "conclusion": "Crossings need a second route.",
    "recommendation": "Plan a second route before the rains.",
}


def test_a_title_hit_outranks_a_body_hit_and_snippets_mark_the_words(
    shared_world: World,
) -> None:
    if not full_text():
        pytest.skip("ranking and highlighted passages are PostgreSQL's")
    in_title = record(
        shared_world,
        title="Ferry crossings at Kora",
        observation="Boats waited at the bank for hours.",
        observed_on=days(-20),
        **ODCR,
    )
    in_body = record(
        shared_world,
        title="Boats waited for hours",
        observation="The ferry at Kora crossed twice a day.",
        observed_on=days(-1),
        **ODCR,
    )
    bridges = record(shared_world, title="Bridges held", observation="The bridge held.", **ODCR)
    response = api_as(shared_world["mfa_analyst"]).get(LIST, {"search": "ferry"})
    assert _ids(response) == [in_title.pk, in_body.pk]
    assert {row["id"]: row["snippet"] for row in response.json()["results"]} == {
        in_title.pk: "<mark>Ferry</mark> crossings at Kora … Crossings need a second route. … "
        "Plan a second route before the rains. … Boats waited at the bank for hours. … "
        "The crossing was the only road south",
        in_body.pk: "hours … Crossings need a second route. … Plan a second route before the "
        "rains. … The <mark>ferry</mark> at Kora crossed twice a day. … The crossing was the "
        "only road south",
    }
    # Without a search, newest observed first and no snippet.
    plain = api_as(shared_world["mfa_analyst"]).get(LIST)
    assert _ids(plain) == [in_body.pk, bridges.pk, in_title.pk]
    assert {row["snippet"] for row in plain.json()["results"]} == {""}


def test_a_snippet_shows_no_separators_of_empty_sections(shared_world: World) -> None:
    if not full_text():
        pytest.skip("highlighted passages are PostgreSQL's")
    lesson = record(
        shared_world,
        title="Ferry crossings at Kora",
        observation="Boats waited at the bank for hours.",
    )
    response = api_as(shared_world["mfa_analyst"]).get(LIST, {"search": "ferry"})
    assert [(row["id"], row["snippet"]) for row in response.json()["results"]] == [
        (lesson.pk, "<mark>Ferry</mark> crossings at Kora … Boats waited at the bank for hours")
    ]


def test_a_search_finds_only_what_the_person_may_read(shared_world: World) -> None:
    mine = record(shared_world, title="Ferry crossings at Kora")
    shared = _released(shared_world, Releasability.ALL_MEMBERS, title="Ferry timetables")
    got = {
        p: sorted(_ids(api_as(shared_world[p]).get(LIST, {"search": "ferry"}))) for p in PERSONAS
    }
    everyone_today = ("mod_planner", "dev_planner", "police_planner")
    assert got == {
        p: sorted([mine.pk, shared.pk])
        if p.startswith("mfa_") or p == "superuser"
        else [shared.pk]
        if p in everyone_today
        else []
        for p in PERSONAS
    }


# --- query counts -------------------------------------------------------------------------------


def _make(world: World, n: int) -> None:
    for i in range(n):
        lesson = record(
            world,
            title=f"Convoy delayed, case {i}",
            observation="The convoy waited at the ford.",
            observed_on=days(-1 - i % 30),
            domains=["policing", "rule_of_law"] if i % 2 else ["policing"],
        )
        if i % 3 == 0:
            services.lesson_release(
                lesson=lesson,
                by=world["mfa_approver"],
                version=lesson.version,
                releasability=Releasability.NAMED,
                organisations=[world["dev"]],
            )


@pytest.mark.parametrize("query", [{}, {"search": "convoy"}], ids=["list", "search"])
def test_the_list_takes_the_same_queries_for_2_and_50_lessons(
    shared_world: World, query: dict[str, str]
) -> None:
    client = api_as(shared_world["mfa_analyst"])
    _make(shared_world, 2)
    assert len(_ids(client.get(LIST, query))) == 2  # warms the caches
    with CaptureQueriesContext(connection) as two:
        assert len(_ids(client.get(LIST, query))) == 2
    _make(shared_world, 48)
    with CaptureQueriesContext(connection) as fifty:
        assert len(_ids(client.get(LIST, query))) == 50
    assert len(fifty) == len(two), "\n".join(q["sql"][:150] for q in fifty.captured_queries)


# --- subscriptions ------------------------------------------------------------------------------


def test_a_person_sees_and_stops_only_their_own_subscriptions(shared_world: World) -> None:
    planner = api_as(shared_world["mfa_planner"])
    created = planner.post(SUBSCRIPTIONS, {"domain": "policing"}, format="json")
    assert created.status_code == 201
    other = services.lesson_subscription_add(by=shared_world["mod_planner"], theatre="Valeria")
    mine = created.json()["id"]
    listed = planner.get(SUBSCRIPTIONS).json()["results"]
    assert [(row["id"], row["domain"], row["theatre"]) for row in listed] == [
        (mine, "policing", "")
    ]
    assert planner.delete(f"{SUBSCRIPTIONS}{other.pk}/").status_code == 404
    assert LessonSubscription.objects.filter(pk=other.pk).exists()
    assert planner.delete(f"{SUBSCRIPTIONS}{mine}/").status_code == 204
    assert list(LessonSubscription.objects.values_list("pk", flat=True)) == [other.pk]


def test_a_subscription_follows_a_domain_or_a_theatre(shared_world: World) -> None:
    planner = api_as(shared_world["mfa_planner"])
    both = planner.post(SUBSCRIPTIONS, {"domain": "policing", "theatre": "Valeria"}, format="json")
    assert (both.status_code, both.json()) == (
        400,
        {"non_field_errors": ["Follow either a domain or a theatre."]},
    )
    planner.post(SUBSCRIPTIONS, {"theatre": "Valeria"}, format="json")
    again = planner.post(SUBSCRIPTIONS, {"theatre": "Valeria"}, format="json")
    assert again.status_code == 400
    assert LessonSubscription.objects.count() == 1


# --- edits, markings and related lessons through the API ----------------------------------------


def test_an_edit_of_the_domains_is_a_new_version_and_no_change_is_none(
    shared_world: World,
) -> None:
    lesson = record(shared_world)
    analyst = api_as(shared_world["mfa_analyst"])
    edited = analyst.patch(
        _url(lesson), {"domains": ["governance", "policing"], "version": 1}, format="json"
    )
    assert (edited.status_code, edited.json()["domains"], edited.json()["version"]) == (
        200,
        ["governance", "policing"],
        2,
    )
    same = analyst.patch(_url(lesson), {"domains": ["policing", "governance"], "version": 2})
    assert (same.status_code, same.json()["version"]) == (200, 2)


def test_a_named_release_moved_to_another_organisation(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.NAMED)
    response = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "release"),
        {
            "releasability": "named",
            "organisations": [shared_world["police"].pk],
            "version": lesson.version,
        },
    )
    assert (response.status_code, response.json()["released_to"]) == (
        200,
        [shared_world["police"].pk],
    )
    got = {
        p: api_as(shared_world[p]).get(_url(lesson)).status_code
        for p in ("dev_planner", "police_planner")
    }
    assert got == {"dev_planner": 404, "police_planner": 200}


def test_a_rejected_lesson_is_not_related_to_the_plan(shared_world: World) -> None:
    kept = record(shared_world, title="Checkpoints closed at night")
    rejected = record(shared_world, title="Checkpoints closed at noon")
    services.lesson_transition(
        lesson=rejected,
        by=shared_world["mfa_analyst"],
        to=LessonStatus.REJECTED,
        version=rejected.version,
        comment="A duplicate of the night closures.",
    )
    plan = shared_world["plan"]
    response = api_as(shared_world["mfa_analyst"]).get(f"/api/v1/plans/{plan.pk}/related-lessons/")
    assert [row["id"] for row in response.json()] == [kept.pk]
    listed = _ids(api_as(shared_world["mfa_analyst"]).get(LIST, {"status": "rejected"}))
    assert listed == [rejected.pk]


def test_a_snippet_escapes_the_lessons_text(shared_world: World) -> None:
    if not full_text():
        pytest.skip("highlighted passages are PostgreSQL's")
    lesson = record(
        shared_world,
        title="<b>Ferry</b> & boats",
        observation="<script>alert(1)</script> ferry",
        **ODCR,
    )
    response = api_as(shared_world["mfa_analyst"]).get(LIST, {"search": "ferry"})
    [row] = response.json()["results"]
    assert row["id"] == lesson.pk
    # PostgreSQL's parser drops the tags; what is left is escaped around the marks.
    assert row["snippet"] == (
        "<mark>Ferry</mark>  &amp; boats … Crossings need a second route. … Plan a second "
        "route before the rains. …  alert(1)  <mark>ferry</mark> … The crossing was the only "
        "road south"
    )


# --- more field messages: decisions and remedial actions ----------------------------------------


def _asked(world: World) -> Lesson:
    """A lesson released to the plan's participants, with a planner's request for dev."""
    lesson = _released(world, Releasability.PARTICIPANTS)
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.NAMED,
        organisations=[world["dev"]],
        reason="Dev trains the border police.",
    )
    return fresh(lesson)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"decision": "decline", "comment": "  "},
            {"comment": ["Say why you decline, so the requester knows."]},
            id="decline-without-a-reason",
        ),
        pytest.param(
            {"decision": "maybe"},
            {"decision": ['"maybe" is not a valid choice.']},
            id="no-such-decision",
        ),
    ],
)
def test_a_release_decision_says_what_is_missing(
    shared_world: World, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    lesson = _asked(shared_world)
    response = _post(
        shared_world, "mfa_approver", _url(lesson, "decide"), {**body, "release_round": 1}
    )
    assert (response.status_code, response.json()) == (400, expected)
    assert (fresh(lesson).release_requested, ReleaseDecision.objects.count()) == (True, 0)


def test_no_decision_without_a_request(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.PARTICIPANTS)
    response = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "decide"),
        {"decision": "release", "release_round": 0},
    )
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["No wider release waits for a decision."]},
    )


def test_a_release_on_a_stale_version_answers_409(shared_world: World) -> None:
    lesson = _released(shared_world, Releasability.PARTICIPANTS)
    response = _post(
        shared_world,
        "mfa_approver",
        _url(lesson, "release"),
        {"releasability": "all_members", "version": lesson.version - 1},
    )
    assert response.status_code == 409
    assert (response.json()["current"]["version"], fresh(lesson).releasability) == (
        lesson.version,
        Releasability.PARTICIPANTS,
    )


def _action(world: World) -> RemedialAction:
    lesson = _move(world, _released(world, Releasability.PARTICIPANTS), *IDENTIFIED)
    return services.remedial_action_task(
        lesson=lesson,
        by=world["mfa_analyst"],
        action_body=world["mod"],
        description="Keep the checkpoints open until midnight.",
        due_on=days(30),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"status": "done"},
            {"evidence": ["Say what was done, or attach the evidence."]},
            id="done-without-evidence",
        ),
        pytest.param(
            {"status": "declined"},
            {"reason": ["Say why the action is declined."]},
            id="declined-without-a-reason",
        ),
    ],
)
def test_an_action_report_says_what_is_missing(
    shared_world: World, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    action = _action(shared_world)
    response = api_as(shared_world["mod_planner"]).patch(
        f"{ACTIONS}{action.pk}/", {**body, "version": action.version}, format="json"
    )
    assert (response.status_code, response.json()) == (400, expected)
    assert RemedialAction.objects.get(pk=action.pk).status == "tasked"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"action_body": "dev", "due_on": 30},
            {
                "action_body": [
                    "Development Cooperation may not read this lesson: release it to them first."
                ]
            },
            id="a-body-that-cannot-read-it",
        ),
        pytest.param(
            {"action_body": "mod", "due_on": -1},
            {"due_on": ["The due date cannot be in the past."]},
            id="due-in-the-past",
        ),
    ],
)
def test_tasking_an_action_says_what_is_wrong(
    shared_world: World, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    lesson = _move(shared_world, _released(shared_world, Releasability.PARTICIPANTS), *IDENTIFIED)
    response = _post(
        shared_world,
        "mfa_analyst",
        ACTIONS,
        {
            "lesson": lesson.pk,
            "action_body": shared_world[body["action_body"]].pk,
            "description": "Keep the checkpoints open until midnight.",
            "due_on": days(body["due_on"]).isoformat(),
        },
    )
    assert (response.status_code, response.json()) == (400, expected)
    assert RemedialAction.objects.count() == 0


def test_the_remedial_actions_take_the_same_queries_for_2_and_50(shared_world: World) -> None:
    lesson = _move(shared_world, _released(shared_world, Releasability.PARTICIPANTS), *IDENTIFIED)

    def task(n: int) -> None:
        for i in range(n):
            services.remedial_action_task(
                lesson=fresh(lesson),
                by=shared_world["mfa_analyst"],
                action_body=shared_world["mod" if i % 2 else "mfa"],
                description=f"Keep checkpoint {i} open until midnight.",
                due_on=days(10 + i),
            )

    client = api_as(shared_world["mod_planner"])
    task(2)
    assert len(_ids(client.get(ACTIONS))) == 2
    with CaptureQueriesContext(connection) as two:
        assert len(_ids(client.get(ACTIONS))) == 2
    task(48)
    with CaptureQueriesContext(connection) as fifty:
        assert len(_ids(client.get(ACTIONS))) == 50
    assert len(fifty) == len(two)


def test_the_related_lessons_take_the_same_queries_for_2_and_10(shared_world: World) -> None:
    plan = shared_world["plan"]
    url = f"/api/v1/plans/{plan.pk}/related-lessons/"
    client = api_as(shared_world["mod_planner"])
    for _ in range(2):
        _released(shared_world, Releasability.PARTICIPANTS)
    assert len(client.get(url).json()) == 2
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(url).json()) == 2
    for _ in range(10):
        _released(shared_world, Releasability.NAMED)  # dev's: not mod's
        _released(shared_world, Releasability.ALL_MEMBERS)
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(url).json()) == 10
    assert len(ten) == len(two)


def test_a_lesson_comes_without_its_source_plan_to_readers_who_do_not_see_the_plan(
    shared_world: World,
) -> None:
    """Releasing a lesson shares the lesson, not its plan: `dev` reads it, not the plan."""
    lesson = _released(shared_world, Releasability.NAMED)
    plan = shared_world["plan"].pk

    shown = {
        persona: (
            api_as(shared_world[persona]).get(_url(lesson)).json()["source_plan"],
            [
                row["source_plan"]
                for row in api_as(shared_world[persona]).get(LIST).json()["results"]
            ],
        )
        for persona in ("mfa_analyst", "dev_planner", "superuser")
    }

    assert shown == {
        "mfa_analyst": (plan, [plan]),
        "dev_planner": (None, [None]),
        "superuser": (plan, [plan]),
    }
    page = _page_as(shared_world["dev_planner"], lesson)
    assert "A plan of Ministry of Foreign Affairs you do not take part in" in page
    assert "Valeria stabilisation plan" not in page


def _page_as(user: Any, lesson: Lesson) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(lesson.get_absolute_url()).content.decode()
