"""Secondment pages: the request form, the decision page (with a stale round), the detail
page's panel and steps, the home page's work list, and who may open what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Membership, Organisation, User
from secondments import services
from secondments.models import Post, Secondment
from tests.secondments.conftest import approve_both, days, request

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_request_through_the_form(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    client = _as(people["host_planner"])
    assert client.get("/secondments/new/").status_code == 200
    form = {
        "username": "person",
        "home_organisation": home.pk,
        "host_organisation": host.pk,
        "kind": "liaison",
        "role": "analyst",
        "start_date": days(1).isoformat(),
        "end_date": days(0).isoformat(),
        "purpose": "",
    }
    refused = client.post("/secondments/new/", form)
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "end_date": ["The end date must be on or after the start date."]
    }
    unknown = client.post("/secondments/new/", {**form, "username": "nobody"})
    assert unknown.context["form"].errors["username"] == ["No one has this username."]
    assert Secondment.objects.count() == 0
    done = client.post("/secondments/new/", {**form, "end_date": days(9).isoformat()})
    s = Secondment.objects.get()
    assert done.status_code == 302
    assert done["Location"] == s.get_absolute_url()
    assert (s.kind, s.role, s.requested_by, s.status) == (
        "liaison",
        "analyst",
        people["host_planner"],
        "requested",
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("home_planner", 200),
        ("outsider", 200),  # a planner of police: requests for police
        ("superuser", 403),
        ("ended_yesterday", 403),
        ("starts_tomorrow", 403),
        ("person", 403),
    ],
)
def test_who_may_open_the_request_form(persona: str, status: int, people: dict[str, User]) -> None:
    assert _as(people[persona]).get("/secondments/new/").status_code == status


def test_decide_on_the_page_and_a_stale_round_says_so(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host, start=0, end=30)
    url = f"/secondments/{s.pk}/decide/"
    approver = _as(people["host_approver"])
    page = approver.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["round"] == 1
    services.secondment_update(
        secondment=s, by=people["home_planner"], version=1, data={"role": "analyst"}
    )
    stale = approver.post(url, {"decision": "approve", "round": 1, "comment": ""})
    assert stale.status_code == 200
    assert stale.context["stale"] == (
        "This changed since you opened it: you read request 1, and it is now at request 2. "
        "Read what changed, then decide again."
    )
    assert s.decisions.count() == 0
    done = approver.post(url, {"decision": "approve", "round": 2, "comment": ""})
    assert done.status_code == 302
    given = approver.get(url)
    assert "form" not in given.context
    assert [row.state for row in given.context["given"]] == ["approved"]
    home_page = _as(people["home_approver"]).post(
        url, {"decision": "decline", "round": 2, "comment": ""}
    )
    assert home_page.context["form"].errors == {
        "comment": ["Say why you decline, so the requester knows."]
    }


@pytest.mark.parametrize(
    ("persona", "detail", "decide"),
    [
        ("home_approver", 200, 200),
        ("host_planner", 200, 403),
        ("person", 200, 403),
        ("superuser", 200, 403),
        ("outsider", 404, 404),
        ("ended_yesterday", 404, 404),
        ("starts_tomorrow", 404, 404),
    ],
)
def test_page_matrix(
    persona: str,
    detail: int,
    decide: int,
    people: dict[str, User],
    home: Organisation,
    host: Organisation,
) -> None:
    s = request(people, home, host, start=0, end=30)
    client = _as(people[persona])
    assert client.get(s.get_absolute_url()).status_code == detail
    assert client.get(f"/secondments/{s.pk}/decide/").status_code == decide
    for step, body in (
        ("cancel", {"version": 1}),
        ("end", {"version": 1, "end_date": days(3).isoformat()}),
    ):
        client.post(f"/secondments/{s.pk}/{step}/", body)
    s.refresh_from_db()
    expected = "cancelled" if persona == "host_planner" else "requested"
    assert s.status == expected


def test_detail_page_shows_the_panel_and_the_steps_for_the_approver(
    approved: Secondment, people: dict[str, User], host: Organisation
) -> None:
    page = _as(people["host_approver"]).get(approved.get_absolute_url())
    body = page.content.decode()
    assert [row.state for row in page.context["panel"]] == ["approved", "approved"]
    assert "Active" in body
    assert (page.context["may_end"], page.context["may_extend"]) == (True, True)
    ended = _as(people["host_approver"]).post(
        f"/secondments/{approved.pk}/end/",
        {"version": approved.version, "end_date": days(2).isoformat()},
    )
    assert ended.status_code == 302
    assert list(
        Membership.objects.filter(user=people["person"], organisation=host).values_list(
            "valid_until", flat=True
        )
    ) == [days(2)]


def test_the_list_shows_who_is_seconded_today(
    approved: Secondment, people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    later = approve_both(request(people, home, host, start=25, end=40), people)
    page = _as(people["home_planner"]).get("/secondments/")
    assert [s.pk for s in page.context["today_rows"]] == [approved.pk]
    assert [s.pk for s in page.context["page"].object_list] == [later.pk, approved.pk]
    assert list(_as(people["outsider"]).get("/secondments/").context["page"].object_list) == []


def test_the_home_page_lists_the_decision_waiting(
    people: dict[str, User], home: Organisation, host: Organisation, client: Any
) -> None:
    s = request(people, home, host, start=0, end=30)
    page = _as(people["home_approver"]).get("/")
    decide = next(section for section in page.context["sections"] if section.key == "decide")
    assert [(item.kind, item.url) for item in decide.items] == [
        ("secondment_decision", f"/secondments/{s.pk}/decide/")
    ]


def test_a_posts_history_shows_who_held_it_and_the_gaps(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    post = Post.objects.create(title="Liaison officer", host_organisation=host)
    first = approve_both(request(people, home, host, start=-28, end=-20, post=post), people)
    second = approve_both(request(people, home, host, start=-15, end=-3, post=post), people)
    page = _as(people["host_planner"]).get(f"/posts/{post.pk}/")
    assert page.status_code == 200
    assert [(t.start, t.end, t.secondment) for t in page.context["history"]] == [
        (days(-28), days(-20), first),
        (days(-19), days(-16), None),
        (days(-15), days(-3), second),
        (days(-2), None, None),
    ]
    assert "Vacant" in page.content.decode()
    outsider = _as(people["outsider"]).get(f"/posts/{post.pk}/")
    assert (outsider.status_code, outsider.context["history"]) == (200, [])


def test_a_persons_history_lists_the_secondments_one_sees(
    approved: Secondment, people: dict[str, User]
) -> None:
    url = f"/secondments/people/{people['person'].pk}/"
    page = _as(people["home_planner"]).get(url)
    assert [s.pk for s in page.context["rows"]] == [approved.pk]
    for persona in ("outsider", "ended_yesterday", "starts_tomorrow"):
        assert _as(people[persona]).get(url).status_code == 404, persona
    assert (
        _as(people["home_planner"]).get(f"/secondments/people/{people['outsider'].pk}/").status_code
        == 404
    )
