"""The secondment API: access to the host for exactly the dates (pages and API, no task run),
decisions with stale rounds, the authorization matrix and flat query counts.

Every test starts from the organisations and people of tests/secondments/conftest.py, built once
for the module (`built_world`): each test gets its own copy and its changes roll back at its end.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import Membership, Notification, Organisation, User
from missions.models import Plan
from secondments.models import Post, Secondment, SecondmentDecision
from tests.conftest import api_as
from tests.secondments.conftest import (
    approve_both,
    days,
    home_make,
    host_make,
    people_make,
    request,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/secondments/"


@pytest.fixture(scope="module")
def built_world(module_db: Any) -> dict[str, Any]:
    # Passwords hashed as in the tests (tests/conftest.py): quickly, with the hasher they check.
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with module_db.unblock(), fast_hashing:
        home, host = home_make(), host_make()
        return {"home": home, "host": host, "people": people_make(home, host)}


@pytest.fixture
def world(built_world: dict[str, Any], db: None) -> dict[str, Any]:
    return copy.deepcopy(built_world)


@pytest.fixture(name="home")
def world_home(world: dict[str, Any]) -> Organisation:
    return world["home"]


@pytest.fixture(name="host")
def world_host(world: dict[str, Any]) -> Organisation:
    return world["host"]


@pytest.fixture(name="people")
def world_people(world: dict[str, Any]) -> dict[str, User]:
    return world["people"]


def _url(s: Secondment, action: str = "") -> str:
    return f"{LIST}{s.pk}/{action + '/' if action else ''}"


# --- access follows the dates exactly ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "sees"),
    [
        pytest.param(1, 30, False, id="the-day-before"),
        pytest.param(0, 30, True, id="the-first-day"),
        pytest.param(-30, 0, True, id="the-last-day"),
        pytest.param(-29, -1, False, id="the-day-after"),
    ],
)
def test_the_person_sees_the_hosts_plan_exactly_for_the_dates(
    start: int,
    end: int,
    sees: bool,
    people: dict[str, User],
    home: Organisation,
    host: Organisation,
    host_plan: Plan,
    client: Any,
) -> None:
    person = people["person"]
    plan_api, plan_page = f"/api/v1/plans/{host_plan.pk}/", host_plan.get_absolute_url()
    # Before approval: nothing, whatever the dates.
    request_ = request(people, home, host, start=start, end=end)
    assert api_as(person).get(plan_api).status_code == 404
    approve_both(request_, people)
    expected = 200 if sees else 404
    assert api_as(person).get(plan_api).status_code == expected
    client.force_login(person)
    assert client.get(plan_page).status_code == expected
    listed = [row["id"] for row in api_as(person).get("/api/v1/plans/").json()["results"]]
    assert listed == ([host_plan.pk] if sees else [])


def test_cancelled_and_declined_give_no_access(
    people: dict[str, User], home: Organisation, host: Organisation, host_plan: Plan
) -> None:
    s = approve_both(request(people, home, host, start=0, end=10), people)
    plan_api = f"/api/v1/plans/{host_plan.pk}/"
    assert api_as(people["person"]).get(plan_api).status_code == 200
    # Running today, so it is ended early (yesterday is before its first day: cancel instead).
    response = api_as(people["host_planner"]).post(_url(s, "cancel"), {}, format="json")
    assert response.status_code == 400
    response = api_as(people["home_approver"]).post(
        _url(s, "end"), {"end_date": days(-1).isoformat(), "version": s.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "end_date": ["That is before it starts: cancel the secondment instead."]
    }


# --- the workflow through the API ---------------------------------------------------------------


def test_request_decide_and_stale_round_through_the_api(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    planner = api_as(people["host_planner"])
    body = {
        "person": people["person"].pk,
        "home_organisation": home.pk,
        "host_organisation": host.pk,
        "kind": "embedded_advisor",
        "role": "planner",
        "start_date": days(0).isoformat(),
        "end_date": days(90).isoformat(),
        "purpose": "Political advisor to the commander.",
    }
    created = planner.post(LIST, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert {k: data[k] for k in ("status", "request", "version", "kind")} == {
        "status": "requested",
        "request": 1,
        "version": 1,
        "kind": "embedded_advisor",
    }
    assert [(d["organisation"], d["state"]) for d in data["decisions"]] == [
        (home.pk, "pending"),
        (host.pk, "pending"),
    ]
    s = Secondment.objects.get(pk=data["id"])

    home_approver = api_as(people["home_approver"])
    ok = home_approver.post(_url(s, "decide"), {"decision": "approve", "version": 1}, format="json")
    assert ok.status_code == 200
    assert [d["state"] for d in ok.json()["decisions"]] == ["approved", "pending"]

    changed = planner.patch(
        _url(s), {"end_date": days(60).isoformat(), "version": 1}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["request"], changed.json()["version"]) == (2, 2)
    assert [d["state"] for d in changed.json()["decisions"]] == ["pending", "pending"]

    stale = api_as(people["host_approver"]).post(
        _url(s, "decide"), {"decision": "approve", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["request"] == 2
    assert SecondmentDecision.objects.filter(secondment=s, request=2).count() == 0

    for approver in (people["host_approver"], people["home_approver"]):
        response = api_as(approver).post(
            _url(s, "decide"), {"decision": "approve", "version": 2}, format="json"
        )
        assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert (
        Membership.objects.filter(
            user=people["person"], organisation=host, valid_from=days(0), valid_until=days(60)
        ).count()
        == 1
    )


def test_extend_and_end_through_the_api(
    approved: Secondment, people: dict[str, User], host: Organisation
) -> None:
    stale = api_as(people["home_planner"]).post(
        _url(approved, "extend"), {"end_date": days(40).isoformat(), "version": 1}, format="json"
    )
    assert stale.status_code == 409
    extended = api_as(people["home_planner"]).post(
        _url(approved, "extend"),
        {"end_date": days(40).isoformat(), "version": approved.version},
        format="json",
    )
    assert extended.status_code == 200
    data = extended.json()
    assert (data["proposed_end_date"], data["end_date"], data["request"]) == (
        days(40).isoformat(),
        days(20).isoformat(),
        2,
    )
    ended = api_as(people["home_approver"]).post(
        _url(approved, "end"),
        {"end_date": days(5).isoformat(), "version": data["version"]},
        format="json",
    )
    assert ended.status_code == 200
    assert (ended.json()["end_date"], ended.json()["proposed_end_date"]) == (
        days(5).isoformat(),
        None,
    )
    assert list(
        Membership.objects.filter(user=people["person"], organisation=host).values_list(
            "valid_until", flat=True
        )
    ) == [days(5)]


def test_filters(
    approved: Secondment, people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    future = approve_both(request(people, home, host, start=30, end=60), people)
    pending = request(people, home, host, start=70, end=80)
    client = api_as(people["home_planner"])

    def ids(query: str) -> list[int]:
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert ids("status=active") == [approved.pk]
    assert ids("status=approved") == [future.pk]
    assert ids("status=requested") == [pending.pk]
    assert ids(f"active_on={days(35).isoformat()}") == [future.pk]
    assert ids(f"host={host.pk}&kind=secondment") == sorted([approved.pk, future.pk, pending.pk])
    assert ids(f"home={host.pk}") == []
    assert ids(f"person={people['person'].pk}&role=planner") == sorted(
        [approved.pk, future.pk, pending.pk]
    )
    assert client.get(f"{LIST}?active_on=tomorrow").status_code == 400
    assert client.get(f"{LIST}?host=1.5").status_code == 400


def test_posts_list_their_holders_over_time(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    post = Post.objects.create(
        title="Political advisor", host_organisation=host, is_commander_post=True
    )
    first = approve_both(request(people, home, host, start=-28, end=-20, post=post), people)
    second = approve_both(request(people, home, host, start=-10, end=20, post=post), people)
    request(people, home, host, start=30, end=40, post=post)  # not yet approved: no holder
    response = api_as(people["host_planner"]).get(f"/api/v1/posts/{post.pk}/")
    assert response.status_code == 200
    assert [(h["secondment"], h["start_date"]) for h in response.json()["holders"]] == [
        (first.pk, days(-28).isoformat()),
        (second.pk, days(-10).isoformat()),
    ]
    # The outsider sees the post, not who held it.
    assert api_as(people["outsider"]).get(f"/api/v1/posts/{post.pk}/").json()["holders"] == []


# --- the authorization matrix -------------------------------------------------------------------

MATRIX = {
    # persona: (retrieve, decide, cancel, extend, end)
    "home_planner": (200, 403, 200, 200, 403),
    "host_planner": (200, 403, 200, 200, 403),
    "home_approver": (200, 200, 403, 200, 200),
    "host_approver": (200, 200, 403, 200, 200),
    # A planner of the host from today, through the running secondment itself: the host's
    # rules apply to them as to any of its planners.
    "person": (200, 403, 200, 200, 403),
    "superuser": (200, 403, 403, 403, 403),
    "outsider": (404, 404, 404, 404, 404),
    "ended_yesterday": (404, 404, 404, 404, 404),
    "starts_tomorrow": (404, 404, 404, 404, 404),
}


def _snapshot() -> list[Any]:
    return [
        list(
            Secondment.objects.order_by("pk").values_list(
                "status", "version", "request", "end_date", "proposed_end_date", "membership_id"
            )
        ),
        list(SecondmentDecision.objects.order_by("pk").values_list("pk", "decision")),
        list(Membership.objects.order_by("pk").values_list("pk", "valid_until")),
    ]


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_authorization_matrix(
    persona: str, people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    user = people[persona]
    client = api_as(user)
    pending = request(people, home, host, start=5, end=30)
    running = approve_both(request(people, home, host, start=-5, end=30), people)
    future = approve_both(request(people, home, host, start=40, end=60), people)
    expected = MATRIX[persona]
    got = []
    before = _snapshot()
    got.append(client.get(_url(pending)).status_code)
    got.append(
        client.post(
            _url(pending, "decide"), {"decision": "approve", "version": 1}, format="json"
        ).status_code
    )
    got.append(client.post(_url(future, "cancel"), {}, format="json").status_code)
    got.append(
        client.post(
            _url(running, "extend"),
            {"end_date": days(45).isoformat(), "version": running.version},
            format="json",
        ).status_code
    )
    got.append(
        client.post(
            _url(running, "end"),
            {
                "end_date": days(1).isoformat(),
                "version": running.version + (1 if expected[3] == 200 else 0),
            },
            format="json",
        ).status_code
    )
    assert tuple(got) == expected
    if set(got) <= {403, 404}:
        assert _snapshot() == before
    listed = sorted(row["id"] for row in client.get(LIST).json()["results"])
    visible = expected[0] == 200
    assert listed == (sorted([pending.pk, running.pk, future.pk]) if visible else [])


def test_anonymous_gets_401(approved: Secondment) -> None:
    assert api_as(None).get(LIST).status_code == 401
    assert api_as(None).post(_url(approved, "cancel")).status_code == 401


# --- My work ------------------------------------------------------------------------------------


def test_waiting_decisions_are_in_my_work_until_decided(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host, start=3, end=30)
    work = api_as(people["host_approver"]).get("/api/v1/users/me/work/").json()
    decide = next(section for section in work["sections"] if section["key"] == "decide")
    assert [(i["kind"], i["url"]) for i in decide["items"]] == [
        ("secondment_decision", reverse("secondment-decide", args=[s.pk]))
    ]
    for persona in ("home_planner", "outsider", "superuser", "ended_yesterday", "person"):
        assert api_as(people[persona]).get("/api/v1/users/me/work/").json()["total"] == 0, persona
    api_as(people["host_approver"]).post(
        _url(s, "decide"), {"decision": "approve", "version": 1}, format="json"
    )
    assert api_as(people["host_approver"]).get("/api/v1/users/me/work/").json()["total"] == 0
    assert api_as(people["home_approver"]).get("/api/v1/users/me/work/").json()["total"] == 1
    # The host approver's request notification is done once their organisation decided.
    asked = Notification.objects.get(
        recipient=people["host_approver"], kind="secondment.decision_requested"
    )
    assert asked.read_at is not None


# --- query counts -------------------------------------------------------------------------------


def _make(n: int, people: dict[str, User], home: Organisation, host: Organisation) -> None:
    for i in range(n):
        s = request(people, home, host, start=-5 + i, end=30 + i)
        if i % 2:
            approve_both(s, people)


@pytest.mark.parametrize("path", [LIST, "/secondments/"])
def test_the_list_takes_the_same_queries_for_2_and_50(
    path: str,
    people: dict[str, User],
    home: Organisation,
    host: Organisation,
    client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = people["home_planner"]
    client.force_login(user)
    get = (lambda: api_as(user).get(path)) if path == LIST else (lambda: client.get(path))
    _make(2, people, home, host)
    get()  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as two:
        assert get().status_code == 200
    _make(48, people, home, host)
    with CaptureQueriesContext(connection) as fifty:
        response = get()
    assert response.status_code == 200
    assert len(fifty) == len(two)
    if path == LIST:  # the list leaves each organisation's decision to the secondment itself
        assert list(response.json()["results"][0]) == [
            "id",
            "person",
            "home_organisation",
            "host_organisation",
            "post",
            "kind",
            "role",
            "start_date",
            "end_date",
            "purpose",
            "status",
            "request",
            "proposed_end_date",
            "version",
            "created",
            "updated",
        ]
