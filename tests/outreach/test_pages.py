"""The Communication pages: the plan's section (calendar by audience, latest perception with
the indicator chart), adding and changing a message, clearing it from My work, publishing,
and the tablet form for perception readings; 404 for what a person may not see, 403 for what
they see but may not do; flat query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.work import my_work
from outreach import services
from outreach.models import CommunicationClearance, CommunicationItem, PerceptionReading
from tests.outreach.conftest import item_make, today

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _section(world: dict[str, Any]) -> str:
    return reverse("outreach-plan-section", args=[world["plan"].pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("mfa_planner", 200), ("police_planner", 200), ("superuser", 200), ("outsider", 404)],
)
def test_the_section_shows_the_calendar_to_the_plans_people(
    world: dict[str, Any], persona: str, status: int
) -> None:
    item = item_make(world)
    response = client_for(world["people"][persona]).get(_section(world))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert f'id="communication-{item.pk}"' in html
        assert "Community policing starts in Kora" in html
        assert ("Add a message" in html) == (persona == "mfa_planner")


def test_the_calendar_groups_by_week_and_audience(world: dict[str, Any]) -> None:
    monday = today() - datetime.timedelta(days=today().weekday()) + datetime.timedelta(days=7)
    item_make(world, title="Radio spot", planned_date=monday)
    item_make(
        world,
        title="Briefing MPs",
        audience="parliament",
        channel="briefing",
        planned_date=monday + datetime.timedelta(days=2),
    )
    item_make(
        world,
        title="Town hall",
        channel="community_meeting",
        planned_date=monday + datetime.timedelta(days=14),
    )
    response = client_for(world["people"]["mfa_planner"]).get(_section(world))
    weeks = response.context["weeks"]
    assert [w.monday for w in weeks] == [monday, monday + datetime.timedelta(days=14)]
    assert response.context["audiences"] == [
        ("local_population", "Local population"),
        ("parliament", "Parliament"),
    ]
    assert [[i.title for i in cell] for cell in weeks[0].cells] == [
        ["Radio spot"],
        ["Briefing MPs"],
    ]
    assert [i.title for i in weeks[1].cells[0]] == ["Town hall"]


@pytest.mark.parametrize("rows", [2, 10])
def test_the_section_costs_the_same_whatever_its_length(
    world: dict[str, Any], rows: int, django_assert_num_queries: Any
) -> None:
    advisor = world["people"]["mfa_advisor"]
    for n in range(rows):
        item_make(
            world, title=f"Message {n}", planned_date=today() + datetime.timedelta(days=7 * n)
        )
        services.perception_record(
            plan=world["plan"],
            by=advisor,
            indicator=world["indicator"],
            date=today() - datetime.timedelta(days=n),
            value=Decimal(50 + n),
            area=f"District {n}",
            source="Valeria Opinion Institute",
            sample_size=400,
        )
    client = client_for(world["people"]["mfa_planner"])
    client.get(_section(world))  # the session and the content types, once
    with django_assert_num_queries(11):
        response = client.get(_section(world))
    assert len(response.context["perception"]) == min(rows, 8)


def test_a_planner_adds_a_message_and_the_named_approver_clears_it_from_my_work(
    world: dict[str, Any],
) -> None:
    people, orgs = world["people"], world["orgs"]
    planner = client_for(people["mfa_planner"])
    url = reverse("outreach-item-create", args=[world["plan"].pk])
    assert planner.get(url).status_code == 200
    response = planner.post(
        url,
        {
            "title": "Joint post opens",
            "audience": "local_population",
            "channel": "radio",
            "planned_date": (today() + datetime.timedelta(days=5)).isoformat(),
            "key_message": "Police and army open a joint post.",
            "languages": "Valerian",
            "spokesperson": orgs["mod"].pk,
            "named_participants": [orgs["police"].pk],
        },
        follow=True,
    )
    item = CommunicationItem.objects.get()
    assert response.redirect_chain[-1][0] == item.get_absolute_url()
    assert [str(m) for m in response.context["messages"]] == [
        "The message was added to the calendar. The participants it names are asked to clear it."
    ]
    work = {s.key: s for s in my_work(people["police_approver"])}["decide"]
    assert [(w.kind, w.url) for w in work.items] == [
        ("communication_clearance", reverse("outreach-item-decide", args=[item.pk]))
    ]
    approver = client_for(people["police_approver"])
    decide = reverse("outreach-item-decide", args=[item.pk])
    assert approver.get(decide).status_code == 200
    response = approver.post(decide, {"decision": "clear", "round": 1, "comment": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["National Police cleared round 1."]
    item.refresh_from_db()
    assert item.status == "cleared"
    assert {s.key: s for s in my_work(people["police_approver"])}["decide"].count == 0

    spokesperson = client_for(people["mod_planner"])
    page = spokesperson.get(item.get_absolute_url()).content.decode()
    assert ">Publish</button>" in page
    response = spokesperson.post(
        reverse("outreach-item-publish", args=[item.pk]), {"version": item.version}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["The message is published."]
    item.refresh_from_db()
    assert item.status == "published"


def test_a_stale_clearance_page_says_what_changed(world: dict[str, Any]) -> None:
    item = item_make(world)
    services.communication_clear(
        item=item,
        by=world["people"]["police_approver"],
        clearance=1,
        decision="refuse",
        comment="No.",
    )
    item.refresh_from_db()
    services.communication_update(
        item=item,
        by=world["people"]["mfa_planner"],
        version=item.version,
        data={"title": "Reworded"},
    )
    response = client_for(world["people"]["police_approver"]).post(
        reverse("outreach-item-decide", args=[item.pk]), {"decision": "clear", "round": 1}
    )
    assert response.status_code == 200
    assert response.context["stale"].startswith("This changed since you opened it")
    assert CommunicationClearance.objects.filter(clearance=2).count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [("mfa_planner", 200), ("mod_planner", 403), ("police_approver", 403), ("outsider", 404)],
)
def test_the_edit_page(world: dict[str, Any], persona: str, status: int) -> None:
    item = item_make(world)
    url = reverse("outreach-item-edit", args=[item.pk])
    assert client_for(world["people"][persona]).get(url).status_code == status


def test_publishing_before_clearance_says_why(world: dict[str, Any]) -> None:
    item = item_make(world)
    response = client_for(world["people"]["mod_planner"]).post(
        reverse("outreach-item-publish", args=[item.pk]), {"version": item.version}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Not cleared yet by National Police: every participant the message names clears it "
        "before it is published."
    ]
    item.refresh_from_db()
    assert item.status == "planned"


# --- the tablet form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mfa_advisor", 200),
        ("mfa_planner", 200),
        ("mod_planner", 200),
        ("police_planner", 403),  # in the plan, not a partner of its strategy
        ("superuser", 403),
        ("outsider", 404),
    ],
)
def test_who_opens_the_tablet_form(world: dict[str, Any], persona: str, status: int) -> None:
    url = reverse("outreach-perception-create", args=[world["plan"].pk])
    assert client_for(world["people"][persona]).get(url).status_code == status


def test_the_tablet_form_records_a_reading_and_warns(world: dict[str, Any]) -> None:
    url = reverse("outreach-perception-create", args=[world["plan"].pk])
    client = client_for(world["people"]["mfa_advisor"])
    response = client.post(
        url,
        {
            "indicator": world["indicator"].pk,
            "area": "Kora district",
            "date": today().isoformat(),
            "value": "36",
            "measure": "percent",
            "sample_size": "420",
            "source": "Valeria Opinion Institute",
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Recorded: Trust in the police 36 in Kora district. This is past the warning threshold: "
        "the partners are warned."
    ]
    perception = PerceptionReading.objects.get()
    assert (perception.area, perception.sample_size, perception.reading.value) == (
        "Kora district",
        420,
        Decimal("36.00"),
    )


def test_the_tablet_form_says_what_is_wrong_in_plain_words(world: dict[str, Any]) -> None:
    url = reverse("outreach-perception-create", args=[world["plan"].pk])
    response = client_for(world["people"]["mfa_advisor"]).post(
        url,
        {
            "indicator": world["indicator"].pk,
            "area": "Kora",
            "date": today().isoformat(),
            "value": "140",
            "measure": "percent",
            "source": "Survey",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"value": ["A percentage lies between 0 and 100."]}
    assert PerceptionReading.objects.count() == 0
