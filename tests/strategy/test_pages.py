"""Strategy pages: who may open and post what, what the pages show, and that they stay cheap.

Personas (tests/strategy/conftest.py): the lead organisation is mfa, the partner mod, the
outsider a planner and approver of ngo, which is not a partner. The superuser belongs
nowhere: sees every strategy, acts on none. `ended_yesterday` and `starts_tomorrow` hold mfa's
roles (and its Django groups) but not today: the strategy is not shared with them, as with
the outsider, and they plan nowhere today.

Every test starts from one world (`world`), built once for the module: each test's changes
roll back at its end, and it gets its own copies of the objects.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation, Role, User
from reports.models import Report
from strategy import services
from strategy.models import (
    ConflictDriver,
    Endorsement,
    GlossaryStatus,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    Strategy,
    StrategyEdition,
)
from tests.factories import edition_of, make_member, make_organisation
from tests.strategy.conftest import strategy_world_make

pytestmark = pytest.mark.django_db

PERSONAS = [
    "lead_planner",
    "lead_approver",
    "partner_planner",
    "partner_approver",
    "outsider",
    "superuser",
    "ended_yesterday",
    "starts_tomorrow",
    "anonymous",
]
LAPSED = ["ended_yesterday", "starts_tomorrow"]
NOT_SHARED = ["outsider", *LAPSED]  # the strategy does not exist for them


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/?next=")


@dataclass
class World:
    strategy: Strategy
    driver: ConflictDriver
    goal: Goal
    indicator: Indicator
    lead_org: Organisation
    partner_org: Organisation
    people: dict[str, User | None]


@pytest.fixture(scope="module")
def built_world(module_db: Any) -> World:
    """The world every test here starts from, built once for the module (see `module_db`)."""
    with module_db.unblock():
        organisations, personas, strategy = strategy_world_make()
        goal = strategy.goals.get()
        return World(
            strategy=strategy,
            driver=strategy.drivers.get(),
            goal=goal,
            indicator=goal.indicators.get(),
            lead_org=organisations["lead_org"],
            partner_org=organisations["partner_org"],
            people=personas,
        )


@pytest.fixture
def world(built_world: World, db: None) -> World:
    return copy.deepcopy(built_world)


@pytest.fixture
def lead_org(world: World) -> Organisation:
    return world.lead_org


@pytest.fixture
def partner_org(world: World) -> Organisation:
    return world.partner_org


def submit(world: World) -> None:
    services.strategy_submit(strategy=world.strategy, by=world.people["lead_planner"])  # type: ignore[arg-type]
    world.strategy.refresh_from_db()


def state(world: World) -> tuple[Any, ...]:
    """Everything a page could change, to show that a refused request changed nothing."""
    return (
        list(Strategy.objects.order_by("pk").values_list("title", "status", "version", "edition")),
        list(ConflictDriver.objects.order_by("pk").values_list("pk", "title", "version")),
        list(Goal.objects.order_by("pk").values_list("pk", "title", "version")),
        list(Indicator.objects.order_by("pk").values_list("pk", "name", "version")),
        IndicatorReading.objects.count(),
        list(Endorsement.objects.values_list("organisation_id", "decision")),
        StrategyEdition.objects.count(),
        GlossaryTerm.objects.count(),
    )


# --- who may open each page ---------------------------------------------------------------------

EVERYONE_SIGNED_IN = dict.fromkeys(PERSONAS[:-1], 200)
HIDDEN = dict.fromkeys(NOT_SHARED, 404)
MEMBERS_OF_PARTNERS = {**dict.fromkeys(PERSONAS[:4], 200), "superuser": 200, **HIDDEN}
LEAD_PLANNERS = {
    "lead_planner": 200,
    "lead_approver": 403,
    "partner_planner": 403,
    "partner_approver": 403,
    "superuser": 403,
    **HIDDEN,
}
READING_RECORDERS = {
    "lead_planner": 200,
    "lead_approver": 403,
    "partner_planner": 200,
    "partner_approver": 403,
    "superuser": 403,
    **HIDDEN,
}
APPROVERS_OF_PARTNERS = {
    "lead_planner": 403,
    "lead_approver": 200,
    "partner_planner": 403,
    "partner_approver": 200,
    "superuser": 403,
    **HIDDEN,
}
PLANNERS_ANYWHERE = {
    "lead_planner": 200,
    "lead_approver": 403,
    "partner_planner": 200,
    "partner_approver": 403,
    "outsider": 200,
    "superuser": 403,
    **dict.fromkeys(LAPSED, 403),  # planners, but not today
}
# The glossary belongs to no organisation: staff (our superuser is staff) propose terms too.
PROPOSERS = {**PLANNERS_ANYWHERE, "superuser": 200}

PAGES: dict[str, tuple[Callable[[World], str], dict[str, int]]] = {
    "list": (lambda w: "/strategies/", EVERYONE_SIGNED_IN),
    "glossary": (lambda w: "/glossary/", EVERYONE_SIGNED_IN),
    "detail": (lambda w: f"/strategies/{w.strategy.pk}/", MEMBERS_OF_PARTNERS),
    "new": (lambda w: "/strategies/new/", PLANNERS_ANYWHERE),
    "propose term": (lambda w: "/glossary/propose/", PROPOSERS),
    "edit": (lambda w: f"/strategies/{w.strategy.pk}/edit/", LEAD_PLANNERS),
    "archive": (lambda w: f"/strategies/{w.strategy.pk}/archive/", LEAD_PLANNERS),
    "add driver": (lambda w: f"/strategies/{w.strategy.pk}/drivers/new/", LEAD_PLANNERS),
    "edit driver": (lambda w: f"/strategies/drivers/{w.driver.pk}/edit/", LEAD_PLANNERS),
    "remove driver": (lambda w: f"/strategies/drivers/{w.driver.pk}/delete/", LEAD_PLANNERS),
    "add goal": (lambda w: f"/strategies/{w.strategy.pk}/goals/new/", LEAD_PLANNERS),
    "edit goal": (lambda w: f"/strategies/goals/{w.goal.pk}/edit/", LEAD_PLANNERS),
    "remove goal": (lambda w: f"/strategies/goals/{w.goal.pk}/delete/", LEAD_PLANNERS),
    "add indicator": (
        lambda w: f"/strategies/goals/{w.goal.pk}/indicators/new/",
        LEAD_PLANNERS,
    ),
    "edit indicator": (lambda w: f"/strategies/indicators/{w.indicator.pk}/edit/", LEAD_PLANNERS),
    "remove indicator": (
        lambda w: f"/strategies/indicators/{w.indicator.pk}/delete/",
        LEAD_PLANNERS,
    ),
    "record reading": (
        lambda w: f"/strategies/indicators/{w.indicator.pk}/readings/new/",
        READING_RECORDERS,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_matrix(world: World, page: str, persona: str) -> None:
    url, expected = PAGES[page]
    response = client_as(world.people[persona]).get(url(world))
    if persona == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_endorse_page_matrix_in_consultation(world: World, persona: str) -> None:
    submit(world)
    response = client_as(world.people[persona]).get(f"/strategies/{world.strategy.pk}/endorse/")
    if persona == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == APPROVERS_OF_PARTNERS[persona]


def test_refusals_say_why(world: World) -> None:
    response = client_as(world.people["partner_planner"]).get(
        f"/strategies/{world.strategy.pk}/edit/"
    )
    assert response.status_code == 403
    assert "Only planners of the lead organisation can change this strategy." in (
        response.content.decode()
    )
    services.strategy_archive(strategy=world.strategy, by=world.people["lead_planner"])  # type: ignore[arg-type]
    archived = client_as(world.people["lead_planner"]).get(f"/strategies/{world.strategy.pk}/edit/")
    assert archived.status_code == 403
    assert "This strategy is archived: it can no longer be changed." in archived.content.decode()


# --- who may post what; refused posts change nothing --------------------------------------------


@dataclass
class Action:
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    allowed: set[str]
    effect: Callable[[World], None]
    """Asserts what an allowed post changed."""
    consultation: bool = False
    refused_status: int = 403


def _edit_data(w: World) -> dict[str, Any]:
    return {
        "title": "Peace in Northern Valeria",
        "theatre": "Valeria",
        "approach": "stabilisation",
        "summary": "",
        "processes": ["un_impp"],
        "partners": [w.partner_org.pk],
        "version": w.strategy.version,
    }


def _indicator_data(w: World, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "unit": "%",
        "baseline": "10",
        "target": "60",
        "warning_threshold": "",
        "warning_direction": "",
        "version": w.indicator.version,
    }


def _strategy(w: World) -> Strategy:
    return Strategy.objects.get(pk=w.strategy.pk)


def _edited(w: World) -> None:
    assert (_strategy(w).title, _strategy(w).version) == ("Peace in Northern Valeria", 2)


def _submitted(w: World) -> None:
    assert _strategy(w).status == "consultation"


def _archived(w: World) -> None:
    assert _strategy(w).status == "archived"


def _driver_added(w: World) -> None:
    assert list(w.strategy.drivers.values_list("title", flat=True)) == [
        "Land disputes",
        "Youth unemployment",
    ]


def _driver_edited(w: World) -> None:
    assert ConflictDriver.objects.values_list("title", "version").get() == ("Land tenure", 2)


def _driver_removed(w: World) -> None:
    assert not ConflictDriver.objects.exists()


def _goal_added(w: World) -> None:
    assert list(w.strategy.goals.values_list("title", "order")) == [
        ("Disputes settled without violence", 1),
        ("Jobs for young people", 2),
    ]


def _goal_edited(w: World) -> None:
    goal = Goal.objects.get()
    assert (goal.title, goal.version, list(goal.drivers.all())) == ("Courts that work", 2, [])


def _goal_removed(w: World) -> None:
    assert not Goal.objects.exists()


def _indicator_added(w: World) -> None:
    assert list(w.goal.indicators.values_list("name", flat=True)) == [
        "Violent incidents per month",
        "Cases resolved",
    ]


def _indicator_edited(w: World) -> None:
    assert Indicator.objects.values_list("name", "version", "warning_threshold").get() == (
        "Incidents reported",
        2,
        None,
    )


def _indicator_removed(w: World) -> None:
    assert not Indicator.objects.exists()


def _reading_recorded(w: World) -> None:
    assert IndicatorReading.objects.values_list("value", "note").get() == (Decimal(35), "Quiet")


def _endorsed(w: World) -> None:
    assert Endorsement.objects.values_list("decision", "comment", "edition").get() == (
        "endorse",
        "Agreed at the steering board",
        1,
    )


def _term_proposed(w: World) -> None:
    assert GlossaryTerm.objects.values_list("term", "status").get() == ("Spoiler", "proposed")


def _strategy_created(w: World) -> None:
    assert Strategy.objects.order_by("pk").last().title == "Recovery in the Delta"  # type: ignore[union-attr]


ACTIONS: dict[str, Action] = {
    "edit": Action(
        url=lambda w: f"/strategies/{w.strategy.pk}/edit/",
        data=_edit_data,
        allowed={"lead_planner"},
        effect=_edited,
    ),
    "submit": Action(
        url=lambda w: f"/strategies/{w.strategy.pk}/submit/",
        data=lambda w: {},
        allowed={"lead_planner"},
        effect=_submitted,
    ),
    "archive": Action(
        url=lambda w: f"/strategies/{w.strategy.pk}/archive/",
        data=lambda w: {},
        allowed={"lead_planner"},
        effect=_archived,
    ),
    "add driver": Action(
        url=lambda w: f"/strategies/{w.strategy.pk}/drivers/new/",
        data=lambda w: {"title": "Youth unemployment", "kind": "root_cause", "order": "2"},
        allowed={"lead_planner"},
        effect=_driver_added,
    ),
    "edit driver": Action(
        url=lambda w: f"/strategies/drivers/{w.driver.pk}/edit/",
        data=lambda w: {"title": "Land tenure", "kind": "root_cause", "version": 1},
        allowed={"lead_planner"},
        effect=_driver_edited,
    ),
    "remove driver": Action(
        url=lambda w: f"/strategies/drivers/{w.driver.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        effect=_driver_removed,
    ),
    "add goal": Action(
        url=lambda w: f"/strategies/{w.strategy.pk}/goals/new/",
        data=lambda w: {"title": "Jobs for young people", "drivers": [w.driver.pk]},
        allowed={"lead_planner"},
        effect=_goal_added,
    ),
    "edit goal": Action(
        url=lambda w: f"/strategies/goals/{w.goal.pk}/edit/",
        data=lambda w: {"title": "Courts that work", "order": "1", "version": 1},
        allowed={"lead_planner"},
        effect=_goal_edited,
    ),
    "remove goal": Action(
        url=lambda w: f"/strategies/goals/{w.goal.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        effect=_goal_removed,
    ),
    "add indicator": Action(
        url=lambda w: f"/strategies/goals/{w.goal.pk}/indicators/new/",
        data=lambda w: _indicator_data(w, "Cases resolved"),
        allowed={"lead_planner"},
        effect=_indicator_added,
    ),
    "edit indicator": Action(
        url=lambda w: f"/strategies/indicators/{w.indicator.pk}/edit/",
        data=lambda w: _indicator_data(w, "Incidents reported"),
        allowed={"lead_planner"},
        effect=_indicator_edited,
    ),
    "remove indicator": Action(
        url=lambda w: f"/strategies/indicators/{w.indicator.pk}/delete/",
        data=lambda w: {},
        allowed={"lead_planner"},
        effect=_indicator_removed,
    ),
    "record reading": Action(
        url=lambda w: f"/strategies/indicators/{w.indicator.pk}/readings/new/",
        data=lambda w: {
            f"reading-{w.indicator.pk}-date": timezone.localdate().isoformat(),
            f"reading-{w.indicator.pk}-value": "35",
            f"reading-{w.indicator.pk}-note": "Quiet",
        },
        allowed={"lead_planner", "partner_planner"},
        effect=_reading_recorded,
    ),
    "endorse": Action(
        url=lambda w: f"/strategies/{w.strategy.pk}/endorse/",
        data=lambda w: {
            "decision": "endorse",
            "comment": "Agreed at the steering board",
            "round": edition_of(w.strategy),
        },
        allowed={"lead_approver", "partner_approver"},
        effect=_endorsed,
        consultation=True,
    ),
    "propose term": Action(
        url=lambda w: "/glossary/propose/",
        data=lambda w: {"term": "Spoiler", "definition": "Someone who gains from conflict."},
        allowed={"lead_planner", "partner_planner", "outsider", "superuser"},  # staff propose
        effect=_term_proposed,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_post_matrix(world: World, action: str, persona: str) -> None:
    spec = ACTIONS[action]
    if spec.consultation:
        submit(world)
    before = state(world)

    response = client_as(world.people[persona]).post(spec.url(world), spec.data(world))

    if persona in spec.allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        spec.effect(world)
        return
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona in NOT_SHARED and action != "propose term":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_strategy_matrix(
    world: World, persona: str, lead_org: Organisation, partner_org: Organisation
) -> None:
    """Anyone who plans somewhere may draft, but only with their own organisation as lead."""
    before = state(world)
    response = client_as(world.people[persona]).post(
        "/strategies/new/",
        {
            "title": "Recovery in the Delta",
            "theatre": "Delta",
            "approach": "reconstruction",
            "lead_organisation": lead_org.pk,
            "partners": [partner_org.pk],
            "processes": ["eu_integrated"],
        },
    )
    if persona == "lead_planner":
        created = Strategy.objects.get(title="Recovery in the Delta")
        assert response.status_code == 302
        assert response["Location"] == f"/strategies/{created.pk}/"
        assert (created.status, created.lead_organisation, created.processes) == (
            "draft",
            lead_org,
            ["eu_integrated"],
        )
        assert set(created.partners.all()) == {lead_org, partner_org}
        return
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona in ("partner_planner", "outsider"):
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "lead_organisation": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        }
    else:  # no planner anywhere today: the superuser and the lapsed members among them
        assert response.status_code == 403
    assert state(world) == before


# --- what the strategy page shows ---------------------------------------------------------------


def test_detail_shows_overview_goals_indicators_and_the_panel(world: World) -> None:
    services.reading_record(
        indicator=world.indicator,
        by=world.people["partner_planner"],  # type: ignore[arg-type]
        date=timezone.localdate() - datetime.timedelta(days=10),
        value=Decimal(45),
    )
    submit(world)
    response = client_as(world.people["partner_planner"]).get(f"/strategies/{world.strategy.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="strategy-status is-consultation">In consultation</span>' in html
    assert "UN integrated mission planning (IMPP); National whole-of-government" in html
    assert "1. Disputes settled without violence" in html
    assert '<span class="tag">Land disputes</span>' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "target 10" in html
    assert "warning 40" in html
    assert '<span class="warning-flag">Early warning</span>' in html
    assert "Edition 1: Submitted to the partners" in html
    assert [(row.organisation.slug, row.state) for row in response.context["panel"]] == [
        ("mod", "pending"),
        ("mfa", "pending"),
    ]
    # A partner planner records readings but does not change or submit the strategy.
    assert "Record a reading" in html
    assert "Submit for endorsement" not in html
    assert f"/strategies/{world.strategy.pk}/edit/" not in html
    assert "Status report (PDF)" in html


def test_unaddressed_drivers_are_flagged(world: World) -> None:
    lead_planner = world.people["lead_planner"]
    extra = services.driver_create(
        strategy=world.strategy,
        by=lead_planner,  # type: ignore[arg-type]
        data={"title": "Youth unemployment", "kind": "root_cause", "order": 2},
    )
    response = client_as(lead_planner).get(f"/strategies/{world.strategy.pk}/")
    html = response.content.decode()
    assert response.context["unaddressed"] == [extra]
    assert "1 driver not addressed by any goal:</strong> Youth unemployment." in html
    assert html.count('<tr class="unaddressed">') == 1
    assert html.count("Not addressed by any goal</span>") == 1


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("lead_planner", False),
        ("lead_approver", True),
        ("partner_planner", False),
        ("partner_approver", True),
        ("superuser", False),  # sees the strategy, for support, but endorses for no one
    ],
)
def test_endorse_form_only_for_approvers_in_consultation(
    world: World, persona: str, shown: bool
) -> None:
    client = client_as(world.people[persona])
    url = f"/strategies/{world.strategy.pk}/"
    draft = client.get(url)
    assert draft.context["endorse_form"] is None
    assert "Record decision" not in draft.content.decode()

    submit(world)
    consultation = client.get(url)
    assert (consultation.context["endorse_form"] is not None) is shown
    assert ("Record decision" in consultation.content.decode()) is shown


def test_endorse_form_is_gone_once_agreed(world: World) -> None:
    submit(world)
    for approver in ("lead_approver", "partner_approver"):
        client_as(world.people[approver]).post(
            f"/strategies/{world.strategy.pk}/endorse/",
            {"decision": "endorse", "round": edition_of(world.strategy)},
        )
    response = client_as(world.people["partner_approver"]).get(f"/strategies/{world.strategy.pk}/")
    html = response.content.decode()
    assert '<span class="strategy-status is-agreed">Agreed</span>' in html
    assert "Record decision" not in html
    assert [row.state for row in response.context["panel"]] == ["endorsed", "endorsed"]


def test_rejection_needs_a_reason_and_shows_it_with_who(world: World) -> None:
    submit(world)
    client = client_as(world.people["partner_approver"])
    url = f"/strategies/{world.strategy.pk}/endorse/"

    read = edition_of(world.strategy)
    missing = client.post(url, {"decision": "reject", "comment": "  ", "round": read})
    assert missing.status_code == 200
    assert missing.context["form"].errors == {
        "comment": ["Say why, so the lead organisation can address it."]
    }
    assert not Endorsement.objects.exists()

    nothing_chosen = client.post(url, {"comment": "Hmm", "round": read})
    assert nothing_chosen.context["form"].errors == {
        "decision": ["Choose whether to endorse or reject."]
    }

    client.post(url, {"decision": "reject", "comment": "Goal 1 needs a timeline.", "round": read})
    page = client_as(world.people["lead_planner"]).get(f"/strategies/{world.strategy.pk}/")
    html = page.content.decode()
    assert '<span class="decision is-rejected">Rejected</span>' in html
    assert "Goal 1 needs a timeline." in html
    assert "partner-approver" in html
    assert _strategy(world).status == "consultation"


def test_an_approver_of_two_partners_says_which_one(world: World) -> None:
    from tests.factories import add_membership

    approver = world.people["partner_approver"]
    assert approver is not None
    add_membership(approver, world.lead_org, Role.APPROVER)
    submit(world)
    url = f"/strategies/{world.strategy.pk}/endorse/"
    form = client_as(approver).get(url).context["form"]
    assert [o.slug for o in form.fields["organisation"].queryset] == ["mod", "mfa"]

    client_as(approver).post(
        url,
        {
            "decision": "endorse",
            "organisation": world.lead_org.pk,
            "round": edition_of(world.strategy),
        },
    )
    assert list(Endorsement.objects.values_list("organisation__slug", flat=True)) == ["mfa"]


def test_submit_without_goals_says_why_and_stays_a_draft(world: World) -> None:
    services.goal_delete(goal=world.goal, by=world.people["lead_planner"])  # type: ignore[arg-type]
    client = client_as(world.people["lead_planner"])
    response = client.post(f"/strategies/{world.strategy.pk}/submit/", follow=True)
    assert "Add at least one common goal before asking partners to endorse." in (
        response.content.decode()
    )
    assert _strategy(world).status == "draft"


def test_changing_an_agreed_strategy_warns_of_a_new_edition(world: World) -> None:
    submit(world)
    for approver in ("lead_approver", "partner_approver"):
        services.strategy_endorse(
            strategy=world.strategy,
            edition=edition_of(world.strategy),
            by=world.people[approver],  # type: ignore[arg-type]
            decision="endorse",
        )
    client = client_as(world.people["lead_planner"])
    form_page = client.get(f"/strategies/{world.strategy.pk}/goals/new/").content.decode()
    assert "saving starts edition 2, which every partner must endorse again." in form_page

    client.post(f"/strategies/{world.strategy.pk}/goals/new/", {"title": "Jobs"})
    page = client.get(f"/strategies/{world.strategy.pk}/")
    html = page.content.decode()
    assert "Endorsement of edition 2" in html
    assert "Edition 2: Goal added: Jobs" in html
    assert [row.state for row in page.context["panel"]] == ["pending", "pending"]


def test_reading_past_the_threshold_is_announced(world: World) -> None:
    response = client_as(world.people["partner_planner"]).post(
        f"/strategies/indicators/{world.indicator.pk}/readings/new/",
        {
            f"reading-{world.indicator.pk}-date": timezone.localdate().isoformat(),
            f"reading-{world.indicator.pk}-value": "52",
        },
        follow=True,
    )
    assert f"Reading of 52 on {timezone.localdate():%d %b %Y} recorded. It is past" in (
        response.content.decode()
    )


def test_a_reading_in_the_future_is_refused_in_plain_words(world: World) -> None:
    prefix = f"reading-{world.indicator.pk}"
    response = client_as(world.people["partner_planner"]).post(
        f"/strategies/indicators/{world.indicator.pk}/readings/new/",
        {
            f"{prefix}-date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            f"{prefix}-value": "many",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date": ["A reading cannot be in the future."],
        "value": ["Enter a number."],
    }
    assert not IndicatorReading.objects.exists()


def test_indicator_threshold_needs_a_direction(world: World) -> None:
    data = {**_indicator_data(world, "Cases resolved"), "warning_threshold": "5"}
    response = client_as(world.people["lead_planner"]).post(
        f"/strategies/goals/{world.goal.pk}/indicators/new/", data
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "warning_direction": ["Say whether to warn above or below it."]
    }
    assert Indicator.objects.count() == 1


def test_predecessor_and_successor_are_linked(world: World) -> None:
    submit(world)
    for approver in ("lead_approver", "partner_approver"):
        services.strategy_endorse(
            strategy=world.strategy,
            edition=edition_of(world.strategy),
            by=world.people[approver],  # type: ignore[arg-type]
            decision="endorse",
        )
    client = client_as(world.people["lead_planner"])
    client.post(
        "/strategies/new/",
        {
            "title": "Northern Valeria, second phase",
            "theatre": "Valeria",
            "approach": "reconstruction",
            "lead_organisation": world.lead_org.pk,
            "predecessor": world.strategy.pk,
        },
    )
    successor = Strategy.objects.get(title="Northern Valeria, second phase")
    assert successor.predecessor == world.strategy
    old_page = client.get(f"/strategies/{world.strategy.pk}/").content.decode()
    assert f'Superseded by</dt><dd><a href="/strategies/{successor.pk}/">' in old_page
    new_page = client.get(f"/strategies/{successor.pk}/").content.decode()
    assert f'Supersedes</dt><dd><a href="/strategies/{world.strategy.pk}/">' in new_page
    # The successor is only shared with the lead: the partner does not see the link.
    partner_page = client_as(world.people["partner_planner"]).get(
        f"/strategies/{world.strategy.pk}/"
    )
    assert partner_page.context["successor"] is None


# --- optimistic concurrency ---------------------------------------------------------------------


def test_stale_strategy_edit_is_refused_and_keeps_the_users_input(world: World) -> None:
    lead_planner = world.people["lead_planner"]
    colleague = make_member(world.lead_org, Role.PLANNER, username="colleague")
    client_as(colleague).post(
        f"/strategies/{world.strategy.pk}/edit/",
        {**_edit_data(world), "title": "Their title"},
    )

    response = client_as(lead_planner).post(
        f"/strategies/{world.strategy.pk}/edit/",
        {**_edit_data(world), "title": "My title", "summary": "My summary"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Someone else changed this since you opened it. Review their changes and try again."
    ]
    assert (form["title"].value(), form["summary"].value(), form["version"].value()) == (
        "My title",
        "My summary",
        "2",
    )
    assert (_strategy(world).title, _strategy(world).version) == ("Their title", 2)

    saved = client_as(lead_planner).post(
        f"/strategies/{world.strategy.pk}/edit/",
        {**_edit_data(world), "title": "My title", "version": 2},
    )
    assert saved.status_code == 302
    assert (_strategy(world).title, _strategy(world).version) == ("My title", 3)


def test_stale_goal_edit_is_refused_and_keeps_the_users_input(world: World) -> None:
    client = client_as(world.people["lead_planner"])
    url = f"/strategies/goals/{world.goal.pk}/edit/"
    client.post(url, {"title": "First", "drivers": [world.driver.pk], "version": 1})

    response = client.post(url, {"title": "Second", "version": 1})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Someone else changed this since you opened it. Review their changes and try again."
    ]
    assert (form["title"].value(), form["version"].value()) == ("Second", "2")
    assert Goal.objects.values_list("title", "version").get() == ("First", 2)


# --- list, glossary, report ---------------------------------------------------------------------


def _another_strategy(world: World, *, title: str, theatre: str, approach: str) -> Strategy:
    return services.strategy_create(
        by=world.people["lead_planner"],  # type: ignore[arg-type]
        title=title,
        theatre=theatre,
        approach=approach,
        lead_organisation=world.lead_org,
    )


def test_list_filters(world: World) -> None:
    _another_strategy(world, title="Delta recovery", theatre="Delta", approach="reconstruction")
    submit(world)
    client = client_as(world.people["lead_planner"])

    def titles(**params: Any) -> list[str]:
        response = client.get("/strategies/", params)
        return [row["strategy"].title for row in response.context["rows"]]

    assert titles() == ["Stability in Northern Valeria", "Delta recovery"]
    assert titles(status="consultation") == ["Stability in Northern Valeria"]
    assert titles(approach="reconstruction") == ["Delta recovery"]
    assert titles(q="delt") == ["Delta recovery"]
    assert titles(partner=world.partner_org.pk) == ["Stability in Northern Valeria"]
    assert titles(status="agreed") == []
    # Only strategies shared with the user are listed.
    outsider_page = client_as(world.people["outsider"]).get("/strategies/")
    assert outsider_page.context["rows"] == []
    assert "No strategy is shared with your organisations yet." in outsider_page.content.decode()


def test_list_offers_new_strategy_to_planners_only(world: World) -> None:
    as_planner = client_as(world.people["lead_planner"]).get("/strategies/").content.decode()
    as_approver = client_as(world.people["lead_approver"]).get("/strategies/").content.decode()
    assert "New strategy" in as_planner
    assert "New strategy" not in as_approver


def test_list_page_query_count_is_flat(world: World, django_assert_max_num_queries: Any) -> None:
    _another_strategy(world, title="Strategy 1", theatre="Delta", approach="prevention")
    client = client_as(world.people["partner_approver"])
    with django_assert_max_num_queries(20) as small:
        response = client.get("/strategies/")
    assert len(response.context["rows"]) == 1  # the partner sees only the shared strategy
    for n in range(48):
        strategy = services.strategy_create(
            by=world.people["lead_planner"],  # type: ignore[arg-type]
            title=f"Strategy {n + 2}",
            theatre="Delta",
            approach="prevention",
            lead_organisation=world.lead_org,
            partners=[world.partner_org],
        )
        if n % 2:
            services.strategy_update(
                strategy=strategy,
                by=world.people["lead_planner"],  # type: ignore[arg-type]
                version=1,
                data={"summary": "changed"},
            )
    with django_assert_max_num_queries(20) as large:
        response = client.get("/strategies/")
    assert len(response.context["rows"]) == 25
    assert len(small.captured_queries) == len(large.captured_queries)


def test_detail_page_query_count_is_flat(world: World, django_assert_max_num_queries: Any) -> None:
    lead_planner: Any = world.people["lead_planner"]

    def add_goal(n: int) -> None:
        driver = services.driver_create(
            strategy=world.strategy,
            by=lead_planner,
            data={"title": f"Driver {n}", "kind": "root_cause"},
        )
        goal = services.goal_create(
            strategy=world.strategy,
            by=lead_planner,
            data={"title": f"Goal {n}", "drivers": [driver]},
        )
        indicator = services.indicator_create(
            goal=goal,
            by=lead_planner,
            data={"name": f"Indicator {n}", "baseline": Decimal(1), "target": Decimal(5)},
        )
        services.reading_record(
            indicator=indicator, by=lead_planner, date=timezone.localdate(), value=Decimal(2)
        )

    add_goal(2)
    submit(world)
    services.strategy_endorse(
        strategy=world.strategy,
        edition=edition_of(world.strategy),
        by=world.people["partner_approver"],  # type: ignore[arg-type]
        decision="reject",
        comment="Not yet",
    )
    client = client_as(world.people["lead_approver"])
    url = f"/strategies/{world.strategy.pk}/"
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    for n in range(3, 21):
        add_goal(n)
    with django_assert_max_num_queries(30) as large:
        response = client.get(url)
    assert len(response.context["goals"]) == 20
    assert len(small.captured_queries) == len(large.captured_queries)


def test_glossary_is_a_searchable_crosswalk(world: World) -> None:
    GlossaryTerm.objects.create(
        term="Comprehensive approach",
        definition="Working together across civil and military actors.",
        un_impp="Integrated approach",
        nato_cpa="Comprehensive approach",
        eu_integrated="Integrated approach to conflicts and crises",
        whole_of_government="3D approach",
        status=GlossaryStatus.APPROVED,
    )
    GlossaryTerm.objects.create(
        term="End state", definition="What success looks like.", status=GlossaryStatus.APPROVED
    )
    GlossaryTerm.objects.create(
        term="Secret draft",
        definition="Not approved yet.",
        proposed_by=world.people["lead_planner"],
    )
    client = client_as(world.people["partner_approver"])
    everything = client.get("/glossary/")
    assert [t.term for t in everything.context["terms"]] == ["Comprehensive approach", "End state"]
    html = everything.content.decode()
    assert '<th scope="col">UN IMPP</th>' in html
    assert '<td data-label="Whole of government">3D approach</td>' in html
    assert "Propose a term" not in html  # approvers do not propose terms

    found = client.get("/glossary/", {"q": "3d"})
    assert [t.term for t in found.context["terms"]] == ["Comprehensive approach"]
    none = client.get("/glossary/", {"q": "zebra"}).content.decode()
    assert "No term matches “zebra”." in none

    proposer = client_as(world.people["lead_planner"]).get("/glossary/")
    assert [t.term for t in proposer.context["terms"]] == [
        "Comprehensive approach",
        "End state",
        "Secret draft",
    ]
    assert "Propose a term" in proposer.content.decode()


def test_a_duplicate_term_is_refused_in_plain_words(world: World) -> None:
    GlossaryTerm.objects.create(term="End state", definition="What success looks like.")
    response = client_as(world.people["lead_planner"]).post(
        "/glossary/propose/", {"term": "End state", "definition": "Again"}
    )
    assert response.context["form"].errors == {"term": ["This term is already in the glossary."]}
    assert GlossaryTerm.objects.count() == 1


def test_status_report_is_requested_from_the_strategy_page(world: World) -> None:
    client = client_as(world.people["partner_planner"])
    page = client.get(f"/strategies/{world.strategy.pk}/").content.decode()
    assert '<input type="hidden" name="kind" value="strategy_status">' in page
    assert f'<input type="hidden" name="strategy" value="{world.strategy.pk}">' in page

    response = client.post(
        "/reports/", {"kind": "strategy_status", "format": "pdf", "strategy": world.strategy.pk}
    )
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    assert (report.kind, report.params) == (
        "strategy_status",
        {"format": "pdf", "strategy": world.strategy.pk},
    )


def test_status_report_of_an_unshared_strategy_is_refused(world: World) -> None:
    outsider = client_as(world.people["outsider"])
    response = outsider.post(
        "/reports/", {"kind": "strategy_status", "format": "pdf", "strategy": world.strategy.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "strategy: No strategy with this id is shared with you."
    ]
    without_strategy = outsider.post("/reports/", {"kind": "strategy_status", "format": "pdf"})
    assert without_strategy.context["form"].non_field_errors() == [
        "Ask for this report (strategy status) from the strategy's own page."
    ]
    assert not Report.objects.exists()


def test_nav_marks_strategies_and_glossary(world: World) -> None:
    client = client_as(world.people["lead_planner"])
    detail = client.get(f"/strategies/{world.strategy.pk}/").content.decode()
    assert '<a href="/strategies/" aria-current="page">Strategies</a>' in detail
    glossary = client.get("/glossary/").content.decode()
    assert '<a href="/glossary/" aria-current="page">Glossary</a>' in glossary


def test_inactive_partner_is_not_offered_for_new_strategies(world: World) -> None:
    closed = make_organisation(slug="closed", name="Closed office")
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)
    form = client_as(world.people["lead_planner"]).get("/strategies/new/").context["form"]
    assert "Closed office" not in [o.name for o in form.fields["partners"].queryset]


def test_saving_an_unchanged_form_does_not_start_a_new_edition(world: World) -> None:
    submit(world)
    for approver in ("lead_approver", "partner_approver"):
        services.strategy_endorse(
            strategy=world.strategy,
            edition=edition_of(world.strategy),
            by=world.people[approver],  # type: ignore[arg-type]
            decision="endorse",
        )
    client = client_as(world.people["lead_planner"])
    unchanged = {
        f"/strategies/goals/{world.goal.pk}/edit/": {
            "title": "Disputes settled without violence",
            "order": "1",
            "drivers": [world.driver.pk],
            "version": 1,
        },
        f"/strategies/drivers/{world.driver.pk}/edit/": {
            "title": "Land disputes",
            "kind": "root_cause",
            "order": "1",
            "version": 1,
        },
        f"/strategies/indicators/{world.indicator.pk}/edit/": {
            "name": "Violent incidents per month",
            "unit": "incidents",
            "baseline": "60",
            "target": "10.00",
            "warning_threshold": "40",
            "warning_direction": "above",
            "version": 1,
        },
        f"/strategies/{world.strategy.pk}/edit/": {
            **_edit_data(world),
            "title": "Stability in Northern Valeria",
            "summary": "A shared way out of the northern conflict.",
            "processes": ["un_impp", "whole_of_government"],
            "version": _strategy(world).version,
        },
    }
    before = state(world)
    for url, data in unchanged.items():
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(f"/strategies/{world.strategy.pk}/", 302)], (
            url,
            response.context["form"].errors,
        )
        assert "Nothing was changed." in response.content.decode()
    assert state(world) == before
    assert (_strategy(world).status, _strategy(world).edition) == ("agreed", 1)
