"""Lesson pages: who may open what (404 for what they may not read, 403 for what they may
read but not do), the list's search, facets and fixed query count, the tablet capture with a
kept photo, the ODCR page's steps with what each says, the edit form's stale version, what a
person follows, and the lessons related to a plan."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from accounts.models import Role, User
from lessons import selectors, services
from lessons.models import (
    ActionStatus,
    Lesson,
    LessonAttachment,
    LessonStatus,
    LessonSubscription,
    Releasability,
    ReleaseRequest,
    RemedialAction,
)
from missions.models import Domain
from reports.models import Report
from tests.factories import add_membership, make_member
from tests.lessons.conftest import days, fresh, record


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(name: str = "checkpoint.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1d4e89").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def flashes(response: Any) -> list[str]:
    """The messages this request added (earlier ones not yet shown are left out)."""
    storage = get_messages(response.wsgi_request)
    return [str(m) for m in storage._queued_messages]  # type: ignore[union-attr]


def approve_to(lesson: Lesson, world: dict[str, Any], releasability: str, named: Any = ()) -> None:
    services.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=fresh(lesson).version,
        releasability=releasability,
        organisations=list(named),
    )


def move(lesson: Lesson, world: dict[str, Any], *statuses: str) -> Lesson:
    for status in statuses:
        lesson = services.lesson_transition(
            lesson=lesson, by=world["mfa_analyst"], to=status, version=fresh(lesson).version
        )
    return lesson


# --- who may open what -----------------------------------------------------------------------

READERS = {"mfa_planner", "mfa_analyst", "mfa_approver", "mfa_field", "superuser"}
OUTSIDERS = ["mod_planner", "dev_planner", "police_planner", "nobody"]
LAPSED = ["ended_yesterday", "starts_tomorrow"]
EVERYONE = [*sorted(READERS), *OUTSIDERS, *LAPSED]


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_odcr_page_and_its_photo_are_404_for_whoever_may_not_read_the_lesson(
    shared_world: dict[str, Any], persona: str
) -> None:
    lesson = record(shared_world, by="mfa_field", attachments=[png()])
    attachment = LessonAttachment.objects.get()
    client = _as(shared_world[persona])
    page = client.get(f"/lessons/{lesson.pk}/")
    photo = client.get(f"/lessons/{lesson.pk}/attachments/{attachment.pk}/")
    expected = 200 if persona in READERS else 404
    assert (page.status_code, photo.status_code) == (expected, expected)
    if expected == 200:
        assert photo["Content-Type"] == "image/png"
        assert photo["Content-Disposition"] == 'inline; filename="checkpoint.png"'


def test_an_attachment_of_another_lesson_is_404(shared_world: dict[str, Any]) -> None:
    first = record(shared_world, attachments=[png()])
    second = record(shared_world, title="Another lesson")
    attachment = LessonAttachment.objects.get(lesson=first)
    client = _as(shared_world["mfa_analyst"])
    assert client.get(f"/lessons/{second.pk}/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_planner", 200),
        ("mfa_analyst", 200),
        ("mfa_approver", 200),
        ("mfa_field", 200),
        ("mod_planner", 200),
        ("police_planner", 200),
        ("nobody", 403),
        ("superuser", 403),
        ("ended_yesterday", 403),
        ("starts_tomorrow", 403),
    ],
)
def test_who_may_open_the_capture_form(
    shared_world: dict[str, Any], persona: str, status: int
) -> None:
    assert _as(shared_world[persona]).get("/lessons/new/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_analyst", 200),
        ("mfa_approver", 200),
        ("mfa_field", 200),  # the author, while it is submitted
        ("mfa_planner", 403),
        ("superuser", 403),
        ("mod_planner", 404),
        ("nobody", 404),
        ("ended_yesterday", 404),
    ],
)
def test_who_may_open_the_edit_form(
    shared_world: dict[str, Any], persona: str, status: int
) -> None:
    lesson = record(shared_world, by="mfa_field")
    assert _as(shared_world[persona]).get(f"/lessons/{lesson.pk}/edit/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_analyst", 302),
        ("mfa_approver", 302),
        ("mfa_planner", 403),
        ("mfa_field", 403),
        ("superuser", 403),
        ("mod_planner", 404),
        ("nobody", 404),
        ("starts_tomorrow", 404),
    ],
)
def test_who_may_move_a_lesson_and_nothing_changes_for_the_others(
    shared_world: dict[str, Any], persona: str, status: int
) -> None:
    lesson = record(shared_world, by="mfa_field")
    response = _as(shared_world[persona]).post(
        f"/lessons/{lesson.pk}/move/", {"to": "observation", "version": lesson.version}
    )
    assert response.status_code == status
    expected = LessonStatus.OBSERVATION if status == 302 else LessonStatus.SUBMITTED
    assert fresh(lesson).status == expected


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_approver", 302),
        ("mfa_planner", 302),
        ("mfa_analyst", 302),
        ("mfa_field", 403),
        ("superuser", 403),
        ("mod_planner", 404),
        ("nobody", 404),
    ],
)
def test_who_may_set_who_reads_a_lesson(
    shared_world: dict[str, Any], persona: str, status: int
) -> None:
    lesson = record(shared_world)
    response = _as(shared_world[persona]).post(
        f"/lessons/{lesson.pk}/release/",
        {"releasability": "originator", "version": lesson.version},
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_approver", 200),
        ("mfa_planner", 403),
        ("mfa_analyst", 403),
        ("superuser", 403),
        ("mod_planner", 404),
        ("nobody", 404),
    ],
)
def test_who_may_open_the_release_decision(
    shared_world: dict[str, Any], persona: str, status: int
) -> None:
    lesson = record(shared_world)
    services.lesson_release(
        lesson=lesson,
        by=shared_world["mfa_planner"],
        version=lesson.version,
        releasability=Releasability.PARTICIPANTS,
    )
    response = _as(shared_world[persona]).get(f"/lessons/{lesson.pk}/release/decide/")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_planner", 200),
        ("mod_planner", 200),  # a participant of the plan
        ("superuser", 200),
        ("dev_planner", 404),
        ("police_planner", 404),
        ("nobody", 404),
        ("ended_yesterday", 404),
    ],
)
def test_related_lessons_of_a_plan_only_for_those_who_see_the_plan(
    shared_world: dict[str, Any], persona: str, status: int
) -> None:
    plan = shared_world["plan"]
    response = _as(shared_world[persona]).get(f"/lessons/related/plan/{plan.pk}/")
    assert response.status_code == status


@pytest.mark.parametrize("persona", EVERYONE)
def test_everyone_signed_in_opens_the_list_and_what_they_follow(
    shared_world: dict[str, Any], persona: str
) -> None:
    client = _as(shared_world[persona])
    assert (client.get("/lessons/").status_code, client.get("/lessons/following/").status_code) == (
        200,
        200,
    )


def test_signed_out_every_page_sends_to_the_sign_in(shared_world: dict[str, Any]) -> None:
    lesson = record(shared_world)
    client = Client()
    for url in (
        "/lessons/",
        "/lessons/new/",
        "/lessons/following/",
        f"/lessons/{lesson.pk}/",
        f"/lessons/{lesson.pk}/edit/",
        f"/lessons/related/plan/{shared_world['plan'].pk}/",
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_what_each_reader_may_read_with_facets(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    mine = record(world, title="Checkpoints closed at night")
    shared = record(world, title="Radios without spare batteries", domains=[Domain.SECURITY])
    approve_to(shared, world, Releasability.PARTICIPANTS)
    other = record(
        world,
        by="mod_planner",
        source_organisation=world["mod"],
        title="Convoys left without the police",
        source_plan=None,
        theatre="Noria",
        domains=[Domain.POLICING, Domain.SECURITY],
    )

    analyst = _as(world["mfa_analyst"]).get("/lessons/")
    assert [lesson for lesson, _ in analyst.context["rows"]] == [shared, mine]
    assert analyst.context["may_record"] is True
    facets = {
        f["name"]: [(o["label"], o["count"]) for o in f["options"]]
        for f in analyst.context["facets"]
    }
    assert facets == {
        "status": [("Submitted", 2)],
        "domain": [("Security", 1), ("Policing", 1)],
        "classification": [("Unclassified", 2)],
        "source_organisation": [("Ministry of Foreign Affairs", 2)],
    }
    mod = _as(world["mod_planner"]).get("/lessons/")
    assert [lesson for lesson, _ in mod.context["rows"]] == [other, shared]
    nobody = _as(world["nobody"]).get("/lessons/")
    assert nobody.context["rows"] == []
    assert nobody.context["may_record"] is False
    assert "Record an observation" not in nobody.content.decode()
    assert "No lesson shared with you yet." in nobody.content.decode()
    html = analyst.content.decode()
    assert 'href="/lessons/new/"' in html
    assert 'href="/lessons/following/"' in html
    assert "Unclassified · Participants of the source plan" in html


def test_the_organisation_facet_offers_those_with_the_most_lessons(
    shared_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Organisations grow with the network: the facet lists a few, the ones holding most of
    the lessons shown, and says there are others."""
    world = shared_world
    for title in ("Fuel ran out at the border", "Night patrols lacked interpreters"):
        approve_to(record(world, title=title), world, Releasability.ALL_MEMBERS)
    record(world, by="mod_planner", source_organisation=world["mod"], source_plan=None)
    monkeypatch.setattr(selectors, "FACET_ORGANISATIONS", 1)

    page = _as(world["mod_planner"]).get("/lessons/")

    organisations = next(f for f in page.context["facets"] if f["name"] == "source_organisation")
    assert [(o["label"], o["count"]) for o in organisations["options"]] == [
        ("Ministry of Foreign Affairs", 2)
    ]
    assert organisations["more"] is True
    assert "search or narrow the list to find others" in page.content.decode()


def test_searching_shows_a_snippet_with_the_words_marked_and_facets_follow(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    record(world, title="Checkpoints closed at night")
    batteries = record(
        world,
        title="Radios failed",
        observation="The patrol radios ran out of batteries on the second day.",
        domains=[Domain.SECURITY],
    )
    response = _as(world["mfa_analyst"]).get("/lessons/", {"search": "batteries"})
    assert [lesson for lesson, _ in response.context["rows"]] == [batteries]
    snippet = response.context["rows"][0][1]
    assert "<mark>batteries</mark>" in snippet
    assert snippet in response.content.decode()
    facets = {
        f["name"]: [(o["label"], o["count"]) for o in f["options"]]
        for f in response.context["facets"]
    }
    assert facets["domain"] == [("Security", 1)]
    security = response.context["facets"][1]["options"][0]
    assert security["url"] == "?search=batteries&domain=security"


def test_the_filters_narrow_the_list(shared_world: dict[str, Any]) -> None:
    world = shared_world
    old = record(world, title="Old", observed_on=days(-100))
    new = record(world, title="New", observed_on=days(-2), theatre="Noria", source_plan=None)
    move(new, world, LessonStatus.OBSERVATION)
    client = _as(world["mfa_analyst"])

    def titles(**params: Any) -> list[str]:
        return [lesson.title for lesson, _ in client.get("/lessons/", params).context["rows"]]

    assert titles() == ["New", "Old"]
    assert titles(theatre="valeria") == ["Old"]
    assert titles(status="observation") == ["New"]
    assert titles(observed_after=days(-50).isoformat()) == ["New"]
    assert titles(observed_before=days(-50).isoformat()) == ["Old"]
    assert titles(source_organisation=world["mod"].pk) == []
    assert titles(status="nonsense") == ["New", "Old"]  # a bad filter is shown, not applied
    assert old.pk != new.pk


def test_the_digest_form_carries_the_current_filters(shared_world: dict[str, Any]) -> None:
    html = (
        _as(shared_world["mfa_analyst"])
        .get("/lessons/", {"search": "radios", "domain": "security", "theatre": "Valeria"})
        .content.decode()
    )
    assert '<input type="hidden" name="kind" value="lessons_digest">' in html
    assert '<input type="hidden" name="search" value="radios">' in html
    assert '<input type="hidden" name="domain" value="security">' in html
    assert '<input type="hidden" name="theatre" value="Valeria">' in html
    assert 'name="status"' in html  # the status filter's select, not a hidden input
    assert '<input type="hidden" name="status"' not in html


def test_the_digest_form_asks_for_a_lessons_digest(shared_world: dict[str, Any]) -> None:
    client = _as(shared_world["mfa_analyst"])
    response = client.post("/reports/", {"kind": "lessons_digest", "format": "csv"})
    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert (report.kind, report.params, report.requested_by) == (
        "lessons_digest",
        {"format": "csv"},
        shared_world["mfa_analyst"],
    )


def test_the_digest_is_filtered_as_the_list_was(shared_world: dict[str, Any]) -> None:
    client = _as(shared_world["mfa_analyst"])
    client.post(
        "/reports/",
        {"kind": "lessons_digest", "format": "pdf", "search": "radios", "domain": "security"},
    )
    assert Report.objects.get().params == {
        "format": "pdf",
        "search": "radios",
        "domain": "security",
    }


def test_a_digest_asked_with_a_filter_it_cannot_read_says_so(shared_world: dict[str, Any]) -> None:
    client = _as(shared_world["mfa_analyst"])
    response = client.post(
        "/reports/", {"kind": "lessons_digest", "format": "pdf", "domain": "piracy"}
    )
    assert response.status_code == 200
    assert "&quot;piracy&quot; is not a valid choice." in response.content.decode()
    assert not Report.objects.exists()


def test_the_list_takes_as_many_queries_for_20_lessons_as_for_2(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    client = _as(world["mod_planner"])
    for n in range(2):
        lesson = record(world, title=f"Lesson {n}", domains=[Domain.POLICING, Domain.SECURITY])
        approve_to(lesson, world, Releasability.NAMED, [world["mod"]])
    client.get("/lessons/")
    with CaptureQueriesContext(connection) as two:
        response = client.get("/lessons/", {"search": "lesson"})
    assert len(response.context["rows"]) == 2
    for n in range(2, 20):
        lesson = record(world, title=f"Lesson {n}", domains=[Domain.POLICING])
        approve_to(lesson, world, Releasability.ALL_MEMBERS)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get("/lessons/", {"search": "lesson"})
    assert len(response.context["rows"]) == 20
    assert len(twenty) == len(two)


# --- capture on a tablet ---------------------------------------------------------------------


def test_a_field_advisor_captures_an_observation_with_a_photo(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    client = _as(world["mfa_field"])
    form = client.get("/lessons/new/").content.decode()
    assert 'accept="image/*"' in form
    assert 'capture="environment"' in form
    assert f'value="{days(0).isoformat()}"' in form  # observed today, unless changed
    assert 'type="hidden" name="source_organisation"' in form  # one organisation: not asked
    response = client.post(
        "/lessons/new/",
        {
            "title": "Checkpoint closed at dusk",
            "observation": "The joint checkpoint closed at dusk; traders waited all night.",
            "source_plan": world["plan"].pk,
            "theatre": "",
            "observed_on": days(0).isoformat(),
            "classification": "unclassified",
            "photo": png(),
        },
    )
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lessons/{lesson.pk}/"
    assert flashes(response) == [
        "Submitted for the analysts of Ministry of Foreign Affairs: they triage “Checkpoint "
        "closed at dusk” next. The photo is attached."
    ]
    assert (lesson.status, lesson.author, lesson.theatre, lesson.source_organisation) == (
        LessonStatus.SUBMITTED,
        world["mfa_field"],
        "Valeria",  # the plan's theatre, since none was typed
        world["mfa"],
    )
    assert [a.original_name for a in lesson.attachments.all()] == ["checkpoint.png"]


def test_a_plan_given_to_the_capture_form_prefills_the_plan_and_theatre(
    shared_world: dict[str, Any],
) -> None:
    plan = shared_world["plan"]
    response = _as(shared_world["mfa_field"]).get("/lessons/new/", {"plan": plan.pk})
    assert response.context["form"].initial["source_plan"] == plan.pk
    assert response.context["form"].initial["theatre"] == "Valeria"
    chosen = _as(shared_world["mfa_field"]).get(
        "/lessons/new/", {"source_plan": plan.pk, "theatre": "Valeria North"}
    )
    assert chosen.context["form"].initial["theatre"] == "Valeria North"  # typed, so kept
    outsider = _as(shared_world["police_planner"]).get("/lessons/new/", {"plan": plan.pk})
    assert "source_plan" not in outsider.context["form"].initial


def test_the_photo_is_kept_when_the_observation_comes_back_for_a_missing_field(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    client = _as(world["mfa_field"])
    data = {
        "title": "Checkpoint closed at dusk",
        "observation": "",
        "observed_on": days(0).isoformat(),
        "classification": "unclassified",
    }
    refused = client.post("/lessons/new/", {**data, "photo": png("dusk.png")})
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"observation": ["Say what happened."]}
    held = refused.context["held"]
    assert held.names == ["dusk.png"]
    assert "Kept from your last try" in refused.content.decode()
    assert Lesson.objects.count() == 0
    done = client.post(
        "/lessons/new/", {**data, "observation": "Traders waited all night.", "held": held.token}
    )
    lesson = Lesson.objects.get()
    assert done["Location"] == f"/lessons/{lesson.pk}/"
    assert [a.original_name for a in lesson.attachments.all()] == ["dusk.png"]


def test_a_person_of_several_organisations_chooses_which_they_record_for(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    both = make_member(world["mfa"], Role.PLANNER, username="both")
    add_membership(both, world["mod"], Role.ANALYST)
    client = _as(both)
    form = client.get("/lessons/new/")
    assert [o.name for o in form.context["form"].fields["source_organisation"].queryset] == [
        "Ministry of Defence",
        "Ministry of Foreign Affairs",
    ]
    refused = client.post(
        "/lessons/new/",
        {
            "title": "A",
            "observation": "B",
            "observed_on": days(0).isoformat(),
            "classification": "unclassified",
        },
    )
    assert refused.context["form"].errors == {"source_organisation": ["This field is required."]}


def test_a_future_date_is_refused_on_the_field(shared_world: dict[str, Any]) -> None:
    response = _as(shared_world["mfa_field"]).post(
        "/lessons/new/",
        {
            "title": "A",
            "observation": "B",
            "observed_on": days(1).isoformat(),
            "classification": "unclassified",
        },
    )
    assert response.context["form"].errors == {
        "observed_on": ["A lesson cannot be observed in the future."]
    }


# --- the ODCR page and its steps -------------------------------------------------------------


def test_the_odcr_page_offers_each_person_what_they_may_do(shared_world: dict[str, Any]) -> None:
    world = shared_world
    lesson = record(world, by="mfa_field", discussion="The night shift had no relief.")
    analyst = _as(world["mfa_analyst"]).get(f"/lessons/{lesson.pk}/")
    form = analyst.context["transition_form"]
    assert form.fields["to"].choices == [("observation", "Observation"), ("rejected", "Rejected")]
    assert analyst.context["task_form"] is None  # not identified yet
    assert analyst.context["releases_at_once"] is False
    html = analyst.content.decode()
    for heading in ("Observation", "Discussion", "Conclusion", "Recommendation"):
        assert f">{heading}</h2>" in html
    assert "The night shift had no relief." in html
    assert f'href="/lessons/{lesson.pk}/edit/"' in html
    assert "a wider one goes to an approver of Ministry of Foreign Affairs" in html

    field = _as(world["mfa_field"]).get(f"/lessons/{lesson.pk}/").context
    assert (field["transition_form"], field["release_form"], field["may_edit"]) == (
        None,
        None,
        True,
    )
    root = _as(world["superuser"]).get(f"/lessons/{lesson.pk}/").context
    assert (root["transition_form"], root["release_form"], root["may_edit"]) == (None, None, False)
    approver = _as(world["mfa_approver"]).get(f"/lessons/{lesson.pk}/")
    assert "what you choose applies at once" in approver.content.decode()


def test_rejecting_needs_a_reason_and_the_page_says_what_happened(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    lesson = record(world, by="mfa_field")
    client = _as(world["mfa_analyst"])
    url = f"/lessons/{lesson.pk}/move/"
    refused = client.post(url, {"to": "rejected", "version": lesson.version})
    assert refused["Location"] == f"/lessons/{lesson.pk}/#process"
    assert flashes(refused) == ["Say why the lesson is rejected, so its author knows."]
    assert fresh(lesson).status == LessonStatus.SUBMITTED
    illegal = client.post(url, {"to": "lesson_learned", "version": lesson.version})
    assert flashes(illegal) == [
        "Select a valid choice. lesson_learned is not one of the available choices."
    ]
    done = client.post(url, {"to": "rejected", "comment": "A duplicate.", "version": 1})
    assert flashes(done) == [
        "“Checkpoints closed at night” is now rejected. Its author is told why."
    ]
    page = client.get(f"/lessons/{lesson.pk}/").content.decode()
    assert "<strong>Rejected:</strong> A duplicate." in page
    stale = client.post(url, {"to": "archived", "version": 1})
    assert flashes(stale) == [
        "Someone else changed this since you opened it. Review their changes and try again."
    ]


def test_a_planner_asks_for_a_wider_release_and_an_approver_decides_it_on_the_page(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    lesson = record(world)
    planner = _as(world["mfa_planner"])
    asked = planner.post(
        f"/lessons/{lesson.pk}/release/",
        {
            "releasability": "named",
            "organisations": [world["dev"].pk],
            "reason": "They train the police.",
            "version": lesson.version,
        },
    )
    assert flashes(asked) == [
        "Asked for: an approver of Ministry of Foreign Affairs decides whether the source and "
        "Development Cooperation may read it. Until then its marking stays as it was."
    ]
    assert fresh(lesson).releasability == Releasability.ORIGINATOR
    approver = _as(world["mfa_approver"])
    page = approver.get(f"/lessons/{lesson.pk}/")
    assert page.context["pending"].reason == "They train the police."
    assert page.context["may_decide"] is True
    assert f'href="/lessons/{lesson.pk}/release/decide/"' in page.content.decode()
    assert planner.get(f"/lessons/{lesson.pk}/").context["may_decide"] is False
    decided = approver.post(
        f"/lessons/{lesson.pk}/release/decide/",
        {"decision": "release", "comment": "", "round": 1},
    )
    assert decided["Location"] == f"/lessons/{lesson.pk}/#release"
    assert flashes(decided) == [
        "Released as asked: named organisations may read it now. The requester is told."
    ]
    assert fresh(lesson).releasability == Releasability.NAMED
    assert ReleaseRequest.objects.get().outcome == ReleaseRequest.Outcome.RELEASED
    again = approver.get(f"/lessons/{lesson.pk}/release/decide/")
    assert (again.status_code, flashes(again)) == (302, ["No wider release waits for a decision."])
    assert _as(world["dev_planner"]).get(f"/lessons/{lesson.pk}/").status_code == 200


def test_an_approver_releases_at_once_and_a_restricted_lesson_never_to_all(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    lesson = record(world, classification="restricted")
    client = _as(world["mfa_approver"])
    refused = client.post(
        f"/lessons/{lesson.pk}/release/",
        {"releasability": "all_members", "version": lesson.version},
    )
    assert flashes(refused) == [
        "A restricted lesson can never be released to all member organisations."
    ]
    done = client.post(
        f"/lessons/{lesson.pk}/release/",
        {"releasability": "participants", "version": lesson.version},
    )
    assert flashes(done) == ["Released: participants of the source plan may read it now."]
    history = client.get(f"/lessons/{lesson.pk}/").context["history"]
    assert [(e["who"] and e["who"].username, e["what"]) for e in history] == [
        ("mfa-approver", "Widened its release: participants of the source plan, restricted"),
        ("mfa-analyst", "Recorded it"),
    ]


def test_remedial_actions_are_tasked_and_reported_on_from_the_page(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    lesson = record(world)
    approve_to(lesson, world, Releasability.PARTICIPANTS)
    lesson = move(
        lesson,
        world,
        LessonStatus.OBSERVATION,
        LessonStatus.ANALYSIS,
        LessonStatus.LESSON_IDENTIFIED,
    )
    analyst = _as(world["mfa_analyst"])
    page = analyst.get(f"/lessons/{lesson.pk}/")
    assert page.context["task_form"] is not None
    assert page.context["transition_form"].fields["to"].choices == [
        ("action_in_progress", "Remedial action in progress"),
        ("lesson_learned", "Lesson learned"),
        ("analysis", "In analysis"),
    ]
    refused = analyst.post(
        f"/lessons/{lesson.pk}/actions/new/",
        {
            "action_body": world["dev"].pk,
            "description": "Staff the night shift.",
            "due_on": days(30).isoformat(),
        },
    )
    assert flashes(refused) == [
        "Development Cooperation may not read this lesson: release it to them first."
    ]
    tasked = analyst.post(
        f"/lessons/{lesson.pk}/actions/new/",
        {
            "action_body": world["mod"].pk,
            "description": "Staff the night shift.",
            "due_on": days(30).isoformat(),
        },
    )
    action = RemedialAction.objects.get()
    assert tasked["Location"] == f"/lessons/{lesson.pk}/#actions"
    assert flashes(tasked) == [
        f"Tasked Ministry of Defence, due {days(30):%-d %b %Y}: its planners and approvers are "
        "told."
    ]
    mod = _as(world["mod_planner"])
    page = mod.get(f"/lessons/{lesson.pk}/")
    assert [row["form"] is not None for row in page.context["actions"]] == [True]
    assert f'id="action-{action.pk}"' in page.content.decode()
    url = f"/lessons/{lesson.pk}/actions/{action.pk}/"
    prefix = f"action-{action.pk}"
    no_evidence = mod.post(url, {f"{prefix}-status": "done", f"{prefix}-version": 1})
    assert no_evidence["Location"] == f"/lessons/{lesson.pk}/#action-{action.pk}"
    assert flashes(no_evidence) == ["Say what was done, or attach the evidence."]
    done = mod.post(
        url,
        {
            f"{prefix}-status": "done",
            f"{prefix}-evidence": "Two shifts since March.",
            f"{prefix}-version": 1,
            f"{prefix}-attachments": [png("roster.png")],
        },
    )
    assert flashes(done) == ["The action of Ministry of Defence is done. 1 file attached."]
    action.refresh_from_db()
    assert (action.status, action.evidence) == (ActionStatus.DONE, "Two shifts since March.")
    assert [a.original_name for a in action.attachments.all()] == ["roster.png"]
    assert _as(world["dev_planner"]).post(url, {}).status_code == 404
    assert _as(world["mfa_field"]).post(url, {}).status_code == 403
    assert _as(world["superuser"]).post(url, {}).status_code == 403
    assert _as(world["superuser"]).post(f"/lessons/{lesson.pk}/actions/new/", {}).status_code == 403
    assert (
        _as(world["mod_planner"]).post(f"/lessons/{lesson.pk}/actions/new/", {}).status_code == 403
    )


def test_an_overdue_action_is_shown_overdue(shared_world: dict[str, Any]) -> None:
    world = shared_world
    lesson = move(
        record(world),
        world,
        LessonStatus.OBSERVATION,
        LessonStatus.ANALYSIS,
        LessonStatus.LESSON_IDENTIFIED,
    )
    action = services.remedial_action_task(
        lesson=lesson,
        by=world["mfa_analyst"],
        action_body=world["mfa"],
        description="Staff the night shift.",
        due_on=days(0),
    )
    RemedialAction.objects.filter(pk=action.pk).update(due_on=days(-1))
    page = _as(world["mfa_planner"]).get(f"/lessons/{lesson.pk}/")
    assert [row["overdue"] for row in page.context["actions"]] == [True]
    assert '<span class="warning-flag">Overdue</span>' in page.content.decode()


# --- editing ---------------------------------------------------------------------------------


def test_editing_saves_through_the_service_and_a_stale_version_says_so(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    lesson = record(world)
    client = _as(world["mfa_analyst"])
    form = client.get(f"/lessons/{lesson.pk}/edit/").context["form"]
    assert form.initial["domains"] == ["policing"]
    data = {
        "title": "Checkpoints closed at dusk",
        "observation": lesson.observation,
        "discussion": "",
        "conclusion": "Relief shifts keep them open.",
        "recommendation": "",
        "theatre": "Valeria",
        "observed_on": lesson.observed_on.isoformat(),
        "source_plan": world["plan"].pk,
        "domains": ["policing", "security"],
        "classification": "unclassified",
        "version": 1,
    }
    saved = client.post(f"/lessons/{lesson.pk}/edit/", data)
    assert saved["Location"] == f"/lessons/{lesson.pk}/"
    assert flashes(saved) == ["Saved: “Checkpoints closed at dusk” is now at version 2."]
    lesson = fresh(lesson)
    assert (lesson.title, lesson.conclusion) == (
        "Checkpoints closed at dusk",
        "Relief shifts keep them open.",
    )
    assert sorted(lesson.domain_rows.values_list("domain", flat=True)) == ["policing", "security"]
    stale = client.post(f"/lessons/{lesson.pk}/edit/", {**data, "title": "Again"})
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors() == [
        "Someone else changed this since you opened it. Review their changes and try again."
    ]
    assert stale.context["form"]["version"].value() == "2"
    assert fresh(lesson).title == "Checkpoints closed at dusk"
    history = client.get(f"/lessons/{lesson.pk}/").context["history"]
    assert [e["what"] for e in history] == ["Changed title, conclusion", "Recorded it"]


def test_a_planner_cannot_lower_the_classification(shared_world: dict[str, Any]) -> None:
    world = shared_world
    lesson = record(world, classification="restricted")
    data = {
        "title": lesson.title,
        "observation": lesson.observation,
        "theatre": "Valeria",
        "observed_on": lesson.observed_on.isoformat(),
        "source_plan": world["plan"].pk,
        "domains": ["policing"],
        "classification": "public",
        "version": 1,
    }
    response = _as(world["mfa_analyst"]).post(f"/lessons/{lesson.pk}/edit/", data)
    assert response.status_code == 403
    assert fresh(lesson).classification == "restricted"


# --- following and related lessons ----------------------------------------------------------


def test_following_a_domain_and_a_theatre_and_stopping(shared_world: dict[str, Any]) -> None:
    world = shared_world
    client = _as(world["mod_planner"])
    added = client.post("/lessons/following/", {"domain": "policing", "theatre": ""})
    assert added["Location"] == "/lessons/following/"
    assert flashes(added) == ["You follow Policing: new lessons in it come in your daily digest."]
    both = client.post("/lessons/following/", {"domain": "policing", "theatre": "Valeria"})
    assert both.context["form"].non_field_errors() == [
        "Choose a domain or type a theatre, not both."
    ]
    again = client.post("/lessons/following/", {"domain": "policing"})
    assert again.context["form"].non_field_errors() == ["You already follow this."]
    from_profile = client.post("/lessons/following/", {"theatre": "Valeria", "back": "profile"})
    assert from_profile["Location"] == "/profile/"
    followed = LessonSubscription.objects.filter(person=world["mod_planner"])
    assert [str(s) for s in followed] == ["Valeria", "Policing"]
    fragment = client.get("/lessons/following/", headers={"HX-Request": "true"})
    assert next(t.name for t in fragment.templates) == "lessons/_following.html"
    assert '<input type="hidden" name="back" value="profile">' in fragment.content.decode()
    policing = followed.get(domain="policing")
    assert (
        _as(world["dev_planner"]).post(f"/lessons/following/{policing.pk}/stop/").status_code == 404
    )
    stopped = client.post(f"/lessons/following/{policing.pk}/stop/")
    assert flashes(stopped) == ["You no longer follow Policing."]
    assert [str(s) for s in followed.all()] == ["Valeria"]


def test_the_plan_page_loads_its_related_lessons(shared_world: dict[str, Any]) -> None:
    world = shared_world
    plan = world["plan"]
    mine = record(world, title="Checkpoints closed at night")
    shared = record(world, title="Radios without batteries", theatre="Noria", source_plan=None)
    approve_to(shared, world, Releasability.ALL_MEMBERS)
    plan_page = _as(world["mod_planner"]).get(plan.get_absolute_url()).content.decode()
    assert f'hx-get="/lessons/related/plan/{plan.pk}/"' in plan_page
    fragment = _as(world["mod_planner"]).get(f"/lessons/related/plan/{plan.pk}/")
    # mod reads the lesson released to all members (policing), not mfa's own.
    assert fragment.context["lessons"] == [shared]
    analyst = _as(world["mfa_analyst"]).get(f"/lessons/related/plan/{plan.pk}/")
    assert analyst.context["lessons"] == [mine, shared]
    assert f'href="/lessons/new/?plan={plan.pk}"' in analyst.content.decode()


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_reads_lessons_and_actions_and_removes_a_subscription(
    shared_world: dict[str, Any],
) -> None:
    world = shared_world
    lesson = move(
        record(world),
        world,
        LessonStatus.OBSERVATION,
        LessonStatus.ANALYSIS,
        LessonStatus.LESSON_IDENTIFIED,
    )
    action = services.remedial_action_task(
        lesson=lesson,
        by=world["mfa_analyst"],
        action_body=world["mfa"],
        description="Staff the night shift.",
        due_on=days(10),
    )
    followed = services.lesson_subscription_add(by=world["mod_planner"], domain="policing")
    admin = _as(world["superuser"])
    assert admin.get("/admin/lessons/lesson/", {"q": "checkpoints"}).context["cl"].result_count == 1
    for url in (
        f"/admin/lessons/lesson/{lesson.pk}/",
        f"/admin/lessons/remedialaction/{action.pk}/",
    ):
        page = admin.get(f"{url}change/")
        assert (page.status_code, page.context["has_change_permission"]) == (200, False)
        changed = admin.post(f"{url}change/", {"title": "Changed in the admin"})
        assert changed.status_code == 403
        assert admin.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert admin.get("/admin/lessons/lesson/add/").status_code == 403
    assert fresh(lesson).title == "Checkpoints closed at night"
    assert RemedialAction.objects.count() == 1
    url = f"/admin/lessons/lessonsubscription/{followed.pk}/"
    assert admin.post(f"{url}delete/", {"post": "yes"}).status_code == 302
    assert LessonSubscription.objects.count() == 0
