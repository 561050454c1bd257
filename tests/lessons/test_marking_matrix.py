"""Who reads a lesson, generated from its marking: every classification and releasability (but
restricted and all_members, which the service refuses), for every persona, on every API surface a
lesson shows on (the list, the detail, a search, the lessons related to the source plan).

The lessons are built once for the module through the services (recorded by `mfa`'s
analyst, then released by its approver); each case is one persona on one surface, comparing
the set of lessons it gets with the set the table below says it reads.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from lessons import services
from lessons.models import Classification, Lesson, Releasability
from tests.conftest import api_as
from tests.factories import add_membership
from tests.lessons.conftest import PERSONAS, days, fresh, record

# A word in every lesson, and in nothing else of the world.
WORD = "kestrel"

SOURCE = {"mfa_planner", "mfa_analyst", "mfa_approver", "mfa_field"}
MEMBERS_TODAY = SOURCE | {"mod_planner", "dev_planner", "police_planner"}

# Who reads a lesson, in the users' words: the source organisation always; the plan's
# participants (mod) for `participants`; the organisations named (dev) for `named`; everyone
# holding a membership today for `all_members` (not `nobody`, nor the lapsed members of mfa,
# who hold none today). The superuser reads everything; the classification changes no reader.
READERS: dict[str, set[str]] = {
    Releasability.ORIGINATOR: SOURCE,
    Releasability.PARTICIPANTS: SOURCE | {"mod_planner"},
    Releasability.NAMED: SOURCE | {"dev_planner"},
    Releasability.ALL_MEMBERS: MEMBERS_TODAY,
}
NAMED_TO = ["dev"]

# Those who see the Valeria plan: its lead's members today and its participant, mod.
PLAN_READERS = SOURCE | {"mod_planner", "superuser"}

MARKINGS = [
    (classification, releasability)
    for classification in Classification.values
    for releasability in Releasability.values
    if (classification, releasability) != (Classification.RESTRICTED, Releasability.ALL_MEMBERS)
]
# One lesson is elsewhere (another theatre and domain, no word of the plan): it is in no
# reader's related lessons, which also keeps the superuser's under the ten shown.
ELSEWHERE = (Classification.PUBLIC, Releasability.ORIGINATOR)


def _name(marking: tuple[str, str]) -> str:
    return "/".join(marking)


def _reads(persona: str, marking: tuple[str, str]) -> bool:
    return persona == "superuser" or persona in READERS[marking[1]]


@pytest.fixture(scope="module")
def markings(built: dict[str, Any], module_db: Any) -> dict[str, int]:
    """One lesson per marking: name ("public/named") -> id."""
    ids: dict[str, int] = {}
    with module_db.unblock():
        for marking in MARKINGS:
            classification, releasability = marking
            fields: dict[str, Any] = {
                "title": f"Lesson {_name(marking)}",
                "observation": f"The {WORD} patrols reported late.",
                "classification": classification,
            }
            if marking == ELSEWHERE:
                fields.update(theatre="Kora", domains=["governance"])
            lesson = record(built, **fields)
            services.lesson_release(
                lesson=lesson,
                by=built["mfa_approver"],
                version=lesson.version,
                releasability=releasability,
                organisations=[built[o] for o in NAMED_TO]
                if releasability == Releasability.NAMED
                else [],
            )
            ids[_name(marking)] = lesson.pk
    return ids


def _names(ids: list[int], markings: dict[str, int]) -> set[str]:
    by_id = {pk: name for name, pk in markings.items()}
    return {by_id.get(pk, f"unknown lesson {pk}") for pk in ids}


def _expected(persona: str, *, related: bool = False) -> set[str]:
    return {
        _name(marking)
        for marking in MARKINGS
        if _reads(persona, marking) and not (related and marking == ELSEWHERE)
    }


def test_the_table_covers_every_marking_but_restricted_to_all(
    markings: dict[str, int], db: None
) -> None:
    assert len(markings) == 11
    assert "restricted/all_members" not in markings
    released = Lesson.objects.filter(pk__in=markings.values())
    assert {(lesson.classification, lesson.releasability) for lesson in released} == set(MARKINGS)


def test_a_restricted_lesson_is_never_released_to_all_members(
    shared_world: dict[str, Any], markings: dict[str, int]
) -> None:
    lesson = Lesson.objects.get(pk=markings["restricted/participants"])
    with pytest.raises(ValidationError) as refused:
        services.lesson_release(
            lesson=lesson,
            by=shared_world["mfa_approver"],
            version=lesson.version,
            releasability=Releasability.ALL_MEMBERS,
        )
    assert refused.value.message_dict == {
        "releasability": ["A restricted lesson can never be released to all member organisations."]
    }
    assert fresh(lesson).releasability == Releasability.PARTICIPANTS


SURFACES = ("list", "detail", "search", "related")


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_exactly_what_the_marking_allows(
    persona: str, surface: str, shared_world: dict[str, Any], markings: dict[str, int]
) -> None:
    client = api_as(shared_world[persona])
    expected = _expected(persona)
    if surface == "list":
        response = client.get("/api/v1/lessons/")
        assert response.status_code == 200
        assert _names([row["id"] for row in response.json()["results"]], markings) == expected
    elif surface == "detail":
        got = {
            name: client.get(f"/api/v1/lessons/{pk}/").status_code for name, pk in markings.items()
        }
        assert got == {name: 200 if name in expected else 404 for name in markings}
    elif surface == "search":
        response = client.get("/api/v1/lessons/", {"search": WORD})
        assert response.status_code == 200
        assert _names([row["id"] for row in response.json()["results"]], markings) == expected
    else:
        plan = shared_world["plan"]
        response = client.get(f"/api/v1/plans/{plan.pk}/related-lessons/")
        if persona not in PLAN_READERS:
            assert response.status_code == 404
            return
        assert response.status_code == 200
        ids = [row["id"] for row in response.json()]
        assert len(ids) == len(set(ids))
        assert _names(ids, markings) == _expected(persona, related=True)


def test_the_lapsed_members_read_no_all_members_lesson_but_with_another_membership_do(
    shared_world: dict[str, Any], markings: dict[str, int]
) -> None:
    """All members means a membership today, of any organisation: a former member of mfa who
    joined police today reads the lessons released to all, and still none of mfa's own."""
    person = shared_world["ended_yesterday"]
    add_membership(person, shared_world["police"], Role.PLANNER, valid_from=days(0))
    response = api_as(person).get("/api/v1/lessons/")
    assert _names([row["id"] for row in response.json()["results"]], markings) == {
        _name(m) for m in MARKINGS if m[1] == Releasability.ALL_MEMBERS
    }
