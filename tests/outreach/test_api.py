"""The communications API: the clearance matrix, publishing only once cleared, stale rounds and
versions (409), a new round when the wording changes, and flat query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import Notification
from outreach import services
from outreach.models import CommunicationClearance, CommunicationItem
from tests.conftest import api_as, world_built_once_per_module
from tests.outreach.conftest import item_make, today, world_make

world, built_world = world_built_once_per_module(world_make)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/communications/"


def _url(item: CommunicationItem, action: str = "") -> str:
    return f"{LIST}{item.pk}/{action + '/' if action else ''}"


def _clear(world: dict[str, Any], item: CommunicationItem) -> None:
    services.communication_clear(
        item=item,
        by=world["people"]["police_approver"],
        clearance=item.clearance,
        decision="clear",
    )


# --- who sees -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "count"),
    [
        ("mfa_planner", 200, 1),
        ("mod_approver", 200, 1),
        ("police_planner", 200, 1),
        ("ngo_approver", 200, 1),
        ("mfa_advisor", 200, 1),
        ("superuser", 200, 1),
        ("outsider", 200, 0),
        ("anonymous", 401, None),
    ],
)
def test_participants_see_the_plans_messages(
    world: dict[str, Any], persona: str, status: int, count: int | None
) -> None:
    item = item_make(world)
    response = api_as(world["people"][persona]).get(LIST)
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count
    detail = api_as(world["people"][persona]).get(_url(item))
    assert detail.status_code == {0: 404, 1: 200, None: 401}[count]


def test_the_detail_shows_the_message_and_its_clearance_panel(world: dict[str, Any]) -> None:
    item = item_make(world)
    body = api_as(world["people"]["mfa_planner"]).get(_url(item)).json()
    orgs = world["orgs"]
    assert {key: body[key] for key in ("title", "audience", "channel", "status", "clearance")} == {
        "title": "Community policing starts in Kora",
        "audience": "local_population",
        "channel": "radio",
        "status": "planned",
        "clearance": 1,
    }
    assert body["spokesperson"] == orgs["mod"].pk
    assert body["named_participants"] == [orgs["police"].pk]
    assert [(c["organisation_name"], c["state"]) for c in body["clearances"]] == [
        ("National Police", "pending")
    ]


# --- creating and changing -----------------------------------------------------------------------


def _new(world: dict[str, Any]) -> dict[str, Any]:
    orgs = world["orgs"]
    return {
        "plan": world["plan"].pk,
        "title": "Press release on the joint post",
        "audience": "home_public",
        "channel": "press_release",
        "key_message": "Our police and soldiers work side by side in Kora.",
        "planned_date": (today() + datetime.timedelta(days=3)).isoformat(),
        "spokesperson": orgs["mfa"].pk,
        "named_participants": [orgs["police"].pk, orgs["mod"].pk],
        "public": True,
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_planner", 201),
        ("mfa_approver", 403),
        ("mod_planner", 403),
        ("police_approver", 403),
        ("superuser", 403),
        ("outsider", 400),
        ("anonymous", 401),
    ],
)
def test_the_plans_planners_add_messages(world: dict[str, Any], persona: str, status: int) -> None:
    response = api_as(world["people"][persona]).post(LIST, _new(world), format="json")
    assert response.status_code == status, response.content
    assert CommunicationItem.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["status"] == "planned"
        assert sorted(
            Notification.objects.filter(kind="outreach.clearance_requested").values_list(
                "recipient__username", flat=True
            )
        ) == ["mod-approver", "police-approver"]


def test_a_spokesperson_or_named_organisation_outside_the_plan_is_refused(
    world: dict[str, Any],
) -> None:
    body = {
        **_new(world),
        "spokesperson": world["orgs"]["wb"].pk,
        "named_participants": [world["orgs"]["wb"].pk],
    }
    response = api_as(world["people"]["mfa_planner"]).post(LIST, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"spokesperson", "named_participants"}
    assert CommunicationItem.objects.count() == 0


def test_changing_the_wording_after_a_clearance_opens_a_new_round(world: dict[str, Any]) -> None:
    item = item_make(world)
    _clear(world, item)
    item.refresh_from_db()
    assert (item.status, item.clearance) == ("cleared", 1)
    response = api_as(world["people"]["mfa_planner"]).patch(
        _url(item),
        {"key_message": "Now with the district council.", "version": item.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["clearance"]) == ("planned", 2)
    assert [c["state"] for c in response.json()["clearances"]] == ["pending"]


def test_changing_only_the_date_keeps_the_clearance(world: dict[str, Any]) -> None:
    item = item_make(world)
    _clear(world, item)
    item.refresh_from_db()
    later = (item.planned_date + datetime.timedelta(days=1)).isoformat()
    response = api_as(world["people"]["mfa_planner"]).patch(
        _url(item), {"planned_date": later, "version": item.version}, format="json"
    )
    assert (response.json()["status"], response.json()["clearance"]) == ("cleared", 1)


def test_a_stale_version_is_409_and_changes_nothing(world: dict[str, Any]) -> None:
    item = item_make(world)
    response = api_as(world["people"]["mfa_planner"]).patch(
        _url(item), {"title": "Other", "version": item.version + 1}, format="json"
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.title == "Community policing starts in Kora"


# --- clearance ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("police_approver", 200),
        ("police_planner", 403),
        ("mod_approver", 403),  # the spokesperson's approver: it speaks, it does not clear
        ("mfa_approver", 403),
        ("mfa_planner", 403),
        ("ngo_approver", 403),
        ("superuser", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_clearance_matrix(world: dict[str, Any], persona: str, status: int) -> None:
    item = item_make(world)
    response = api_as(world["people"][persona]).post(
        _url(item, "decide"), {"decision": "clear", "clearance": 1}, format="json"
    )
    assert response.status_code == status, response.content
    item.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "cleared"
        assert list(
            CommunicationClearance.objects.values_list(
                "organisation__slug", "decision", "clearance"
            )
        ) == [("police", "clear", 1)]
        assert item.status == "cleared"
    else:
        assert CommunicationClearance.objects.count() == 0
        assert item.status == "planned"


def test_a_decision_on_a_stale_round_is_409(world: dict[str, Any]) -> None:
    item = item_make(world)
    services.communication_update(
        item=item,
        by=world["people"]["mfa_planner"],
        version=item.version,
        data={"title": "Changed"},
    )
    _clear(world, item)  # round 1, still current: no decision yet, so the edit kept the round
    item.refresh_from_db()
    services.communication_update(
        item=item, by=world["people"]["mfa_planner"], version=item.version, data={"title": "Again"}
    )
    item.refresh_from_db()
    assert item.clearance == 2
    response = api_as(world["people"]["police_approver"]).post(
        _url(item, "decide"), {"decision": "clear", "clearance": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["clearance"] == 2
    assert CommunicationClearance.objects.filter(clearance=2).count() == 0


def test_a_refusal_needs_a_reason_and_keeps_the_message_planned(world: dict[str, Any]) -> None:
    item = item_make(world)
    client = api_as(world["people"]["police_approver"])
    missing = client.post(
        _url(item, "decide"), {"decision": "refuse", "clearance": 1}, format="json"
    )
    assert missing.status_code == 400
    assert "comment" in missing.json()
    refused = client.post(
        _url(item, "decide"),
        {"decision": "refuse", "clearance": 1, "comment": "Do not name the post's location."},
        format="json",
    )
    assert refused.status_code == 200
    assert refused.json()["status"] == "planned"
    assert sorted(
        Notification.objects.filter(kind="outreach.clearance_refused").values_list(
            "recipient__username", flat=True
        )
    ) == ["mfa-planner", "mod-planner"]


# --- publishing ---------------------------------------------------------------------------------


def test_publishing_is_refused_until_every_named_participant_cleared(world: dict[str, Any]) -> None:
    item = item_make(world)
    client = api_as(world["people"]["mod_planner"])
    refused = client.post(_url(item, "publish"), {"version": item.version}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": [
            "Not cleared yet by National Police: every participant the message names "
            "clears it before it is published."
        ]
    }
    item.refresh_from_db()
    assert (item.status, item.published_at) == ("planned", None)
    _clear(world, item)
    item.refresh_from_db()
    published = client.post(_url(item, "publish"), {"version": item.version}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    item.refresh_from_db()
    assert item.published_by == world["people"]["mod_planner"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mod_planner", 200),
        ("mod_approver", 403),
        ("mfa_planner", 403),
        ("police_approver", 403),
        ("superuser", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_publish_matrix(world: dict[str, Any], persona: str, status: int) -> None:
    item = item_make(world)
    _clear(world, item)
    item.refresh_from_db()
    response = api_as(world["people"][persona]).post(
        _url(item, "publish"), {"version": item.version}, format="json"
    )
    assert response.status_code == status, response.content
    item.refresh_from_db()
    assert item.status == ("published" if status == 200 else "cleared")


def test_publishing_a_stale_version_is_409(world: dict[str, Any]) -> None:
    item = item_make(world, named=())
    response = api_as(world["people"]["mod_planner"]).post(
        _url(item, "publish"), {"version": item.version + 1}, format="json"
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == "planned"


def test_a_message_naming_no_one_else_is_published_without_clearance(world: dict[str, Any]) -> None:
    item = item_make(world, named=("mod",))  # names only the spokesperson's own work
    response = api_as(world["people"]["mod_planner"]).post(
        _url(item, "publish"), {"version": item.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["clearances"] == []


def test_a_published_message_only_moves_on_or_off_the_public_account(world: dict[str, Any]) -> None:
    item = item_make(world, named=())
    item = services.communication_publish(
        item=item, by=world["people"]["mod_planner"], version=item.version
    )
    client = api_as(world["people"]["mfa_planner"])
    refused = client.patch(_url(item), {"title": "Other", "version": item.version}, format="json")
    assert refused.status_code == 400
    public = client.patch(_url(item), {"public": True, "version": item.version}, format="json")
    assert public.status_code == 200
    assert (public.json()["public"], public.json()["title"]) == (
        True,
        "Community policing starts in Kora",
    )


# --- lists --------------------------------------------------------------------------------------


def test_filters(world: dict[str, Any]) -> None:
    item_make(world)
    item_make(world, audience="home_public", channel="press_release", public=True)
    client = api_as(world["people"]["mfa_planner"])
    assert client.get(LIST, {"audience": "home_public"}).json()["count"] == 1
    assert client.get(LIST, {"public": "true"}).json()["count"] == 1
    assert client.get(LIST, {"plan": world["plan"].pk}).json()["count"] == 2
    assert client.get(LIST, {"public": "maybe"}).status_code == 400


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_costs_the_same_whatever_its_length(
    world: dict[str, Any], rows: int, django_assert_num_queries: Any
) -> None:
    for n in range(rows):
        item = item_make(world, title=f"Message {n}")
        _clear(world, item)
    client = api_as(world["people"]["mod_planner"])
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert response.json()["count"] == rows
