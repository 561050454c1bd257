"""The strategy API: who may do what (a matrix per endpoint), the endorsement workflow and
its illegal transitions, stale versions, filters, query counts and the glossary.

Personas (tests/strategy/conftest.py): the lead organisation is `mfa`, the partner `mod`;
`outsider` plans and approves for `ngo`, which is no partner, so sees nothing;
`ended_yesterday` and `starts_tomorrow` did or will for `mfa`, but not today, so get what the
outsider gets (except where it is served as a planner somewhere: they plan nowhere today);
`superuser` sees every strategy but acts on none.

The organisations and personas are built once for the module (`built_people`): each test gets
its own copy and its changes roll back at its end; each test that asks for `strategy` gets one
of its own (tests/strategy/conftest.py), as some must start with none.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Notification, Organisation, Role, User
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
from tests.conftest import api_as
from tests.factories import add_membership, edition_of, make_member, make_organisation
from tests.strategy.conftest import strategy_people_make

pytestmark = pytest.mark.django_db

ANONYMOUS = {"detail": "Authentication credentials were not provided."}
NOT_ALLOWED = {"detail": "You do not have permission to do this."}
NOT_A_LEAD_PLANNER = {"detail": "Only planners of the lead organisation can change this strategy."}
NOT_FOUND = {"detail": "No Strategy matches the given query."}


# --- the organisations and personas, built once for the module ----------------------------------
# The same names and rows as the per-test fixtures of tests/strategy/conftest.py, which these
# replace: every test sees them all, even one that asks only for `lead_org`.


@pytest.fixture(scope="module")
def built_people(module_db: Any) -> dict[str, Any]:
    # Passwords hashed as in the tests (tests/conftest.py): quickly, with the hasher they check.
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with module_db.unblock(), fast_hashing:
        organisations, personas = strategy_people_make()
    return {**organisations, "personas": personas}


@pytest.fixture
def people(built_people: dict[str, Any], db: None) -> dict[str, Any]:
    return copy.deepcopy(built_people)


@pytest.fixture(name="lead_org")
def people_lead_org(people: dict[str, Any]) -> Organisation:
    return people["lead_org"]


@pytest.fixture(name="partner_org")
def people_partner_org(people: dict[str, Any]) -> Organisation:
    return people["partner_org"]


@pytest.fixture(name="outsider_org")
def people_outsider_org(people: dict[str, Any]) -> Organisation:
    return people["outsider_org"]


@pytest.fixture(name="personas")
def people_personas(people: dict[str, Any]) -> dict[str, User | None]:
    return people["personas"]


def _person(personas: dict[str, User | None], persona: str) -> User:
    user = personas[persona]
    assert user is not None
    return user


@pytest.fixture(name="lead_planner")
def people_lead_planner(personas: dict[str, User | None]) -> User:
    return _person(personas, "lead_planner")


@pytest.fixture(name="lead_approver")
def people_lead_approver(personas: dict[str, User | None]) -> User:
    return _person(personas, "lead_approver")


@pytest.fixture(name="partner_planner")
def people_partner_planner(personas: dict[str, User | None]) -> User:
    return _person(personas, "partner_planner")


@pytest.fixture(name="partner_approver")
def people_partner_approver(personas: dict[str, User | None]) -> User:
    return _person(personas, "partner_approver")


@pytest.fixture(name="strategy_outsider")
def people_strategy_outsider(personas: dict[str, User | None]) -> User:
    return _person(personas, "outsider")


def detail(strategy: Strategy, suffix: str = "") -> str:
    return f"/api/v1/strategies/{strategy.pk}/{suffix}"


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def when(value: datetime.datetime) -> str:
    return serializers.DateTimeField().to_representation(value)


def submitted(strategy: Strategy, by: User) -> Strategy:
    return services.strategy_submit(strategy=strategy, by=by)


def agreed(strategy: Strategy, personas: dict[str, User | None]) -> Strategy:
    strategy = submitted(strategy, personas["lead_planner"])  # type: ignore[arg-type]
    for approver in ("lead_approver", "partner_approver"):
        services.strategy_endorse(
            strategy=strategy,
            edition=edition_of(strategy),
            by=personas[approver],  # type: ignore[arg-type]
            decision="endorse",
        )
    strategy.refresh_from_db()
    assert strategy.status == "agreed"
    return strategy


def notified(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


# --- the representation -------------------------------------------------------------------------


def test_a_strategy_shows_its_partners_and_each_ones_endorsement_state(
    strategy: Strategy,
    lead_planner: User,
    partner_approver: User,
    lead_org: Organisation,
    partner_org: Organisation,
) -> None:
    submitted(strategy, lead_planner)
    services.strategy_endorse(
        strategy=strategy, edition=edition_of(strategy), by=partner_approver, decision="endorse"
    )
    endorsement = Endorsement.objects.get()

    response = api_as(lead_planner).get(detail(strategy))

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json() == {
        "id": strategy.pk,
        "title": "Stability in Northern Valeria",
        "theatre": "Valeria",
        "summary": "A shared way out of the northern conflict.",
        "approach": "stabilisation",
        "processes": ["un_impp", "whole_of_government"],
        "lead_organisation": lead_org.pk,
        "partners": [partner_org.pk, lead_org.pk],  # by name: Defence before Foreign Affairs
        "status": "consultation",
        "edition": 1,
        "version": 2,
        "predecessor": None,
        "created": when(strategy.created),
        "endorsements": [
            {
                "organisation": partner_org.pk,
                "organisation_name": "Ministry of Defence",
                "state": "endorsed",
                "comment": "",
                "decided_by": "partner-approver",
                "decided_at": when(endorsement.decided_at),
            },
            {
                "organisation": lead_org.pk,
                "organisation_name": "Ministry of Foreign Affairs",
                "state": "pending",
                "comment": "",
                "decided_by": None,
                "decided_at": None,
            },
        ],
    }


# --- strategies: authorization matrix -----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("lead_planner", 200, True),
        ("lead_approver", 200, True),
        ("partner_planner", 200, True),
        ("partner_approver", 200, True),
        ("outsider", 200, False),
        ("superuser", 200, True),  # for support
        ("ended_yesterday", 200, False),
        ("starts_tomorrow", 200, False),
        ("anonymous", 401, False),
    ],
)
def test_strategy_list_matrix(
    personas: dict[str, User | None], strategy: Strategy, persona: str, status: int, sees: bool
) -> None:
    response = api_as(personas[persona]).get("/api/v1/strategies/")

    assert response.status_code == status
    if status == 200:
        assert ids(response) == ([strategy.pk] if sees else [])
    else:
        assert response.json() == ANONYMOUS


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead_planner", 200),
        ("lead_approver", 200),
        ("partner_planner", 200),
        ("partner_approver", 200),
        ("outsider", 404),
        ("superuser", 200),
        ("ended_yesterday", 404),
        ("starts_tomorrow", 404),
        ("anonymous", 401),
    ],
)
def test_strategy_detail_matrix(
    personas: dict[str, User | None], strategy: Strategy, persona: str, status: int
) -> None:
    response = api_as(personas[persona]).get(detail(strategy))

    assert response.status_code == status
    expected = {404: NOT_FOUND, 401: ANONYMOUS}
    if status == 200:
        assert response.json()["title"] == "Stability in Northern Valeria"
    else:
        assert response.json() == expected[status]


LEAD_ONLY = {
    "lead_organisation": [
        "You can only lead a strategy for an organisation where you are a planner."
    ]
}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 201, None),
        ("lead_approver", 400, LEAD_ONLY),
        ("partner_planner", 400, LEAD_ONLY),
        ("partner_approver", 400, LEAD_ONLY),
        ("outsider", 400, LEAD_ONLY),
        ("superuser", 400, LEAD_ONLY),  # plans for no organisation
        ("ended_yesterday", 400, LEAD_ONLY),
        ("starts_tomorrow", 400, LEAD_ONLY),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_strategy_create_matrix(
    personas: dict[str, User | None],
    lead_org: Organisation,
    partner_org: Organisation,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).post(
        "/api/v1/strategies/",
        {
            "title": "Rebuilding Valeria",
            "theatre": "Valeria",
            "approach": "reconstruction",
            "lead_organisation": lead_org.pk,
            "partners": [partner_org.pk],
            "processes": ["eu_integrated", "nato_cpa"],
        },
        format="json",
    )

    assert response.status_code == status
    if status == 201:
        created = Strategy.objects.get()
        assert response.json()["id"] == created.pk
        assert response["ETag"] == '"1"'
        assert (created.title, created.status, created.edition, created.version) == (
            "Rebuilding Valeria",
            "draft",
            1,
            1,
        )
        assert created.processes == ["eu_integrated", "nato_cpa"]
        assert created.created_by == personas[persona]
        assert set(created.partners.values_list("slug", flat=True)) == {"mfa", "mod"}
    else:
        assert response.json() == body
        assert Strategy.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 200, None),
        ("lead_approver", 403, NOT_ALLOWED),
        ("partner_planner", 403, NOT_ALLOWED),
        ("partner_approver", 403, NOT_ALLOWED),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, NOT_ALLOWED),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_strategy_update_matrix(
    personas: dict[str, User | None],
    strategy: Strategy,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
    method: str,
) -> None:
    change: dict[str, Any] = {"title": "Peace in Valeria", "version": 1}
    if method == "put":
        change |= {"theatre": "Valeria", "approach": "stabilisation"}

    response = getattr(api_as(personas[persona]), method)(detail(strategy), change, format="json")

    assert response.status_code == status
    strategy.refresh_from_db()
    if status == 200:
        assert (response.json()["title"], response.json()["version"]) == ("Peace in Valeria", 2)
        assert response["ETag"] == '"2"'
        assert (strategy.title, strategy.version) == ("Peace in Valeria", 2)
        assert strategy.history.count() == 2
    else:
        assert response.json() == body
        assert (strategy.title, strategy.version) == ("Stability in Northern Valeria", 1)
        assert strategy.history.count() == 1


NOT_A_SUBMITTER = {"detail": "Only planners of the lead organisation can submit this strategy."}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 200, None),
        ("lead_approver", 403, NOT_A_SUBMITTER),
        ("partner_planner", 403, NOT_A_SUBMITTER),
        ("partner_approver", 403, NOT_A_SUBMITTER),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, NOT_A_SUBMITTER),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_strategy_submit_matrix(
    personas: dict[str, User | None],
    strategy: Strategy,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).post(detail(strategy, "submit/"))

    assert response.status_code == status
    strategy.refresh_from_db()
    if status == 200:
        assert (response.json()["status"], response.json()["version"]) == ("consultation", 2)
        assert (strategy.status, strategy.edition, strategy.version) == ("consultation", 1, 2)
        assert notified("strategy.endorsement_requested") == [
            (
                approver,
                "Please endorse “Stability in Northern Valeria” (edition 1) for your organisation.",
            )
            for approver in ("lead-approver", "partner-approver")
        ]
    else:
        assert response.json() == body
        assert (strategy.status, strategy.version) == ("draft", 1)
        assert StrategyEdition.objects.count() == 0
        assert Notification.objects.count() == 0


NOT_AN_APPROVER = {
    "detail": "Only an approver of a partner organisation can endorse this strategy."
}


@pytest.mark.parametrize(
    ("persona", "status", "body", "organisation"),
    [
        ("lead_planner", 403, NOT_AN_APPROVER, None),
        ("lead_approver", 200, None, "mfa"),
        ("partner_planner", 403, NOT_AN_APPROVER, None),
        ("partner_approver", 200, None, "mod"),
        ("outsider", 404, NOT_FOUND, None),
        ("superuser", 403, NOT_AN_APPROVER, None),
        ("ended_yesterday", 404, NOT_FOUND, None),
        ("starts_tomorrow", 404, NOT_FOUND, None),
        ("anonymous", 401, ANONYMOUS, None),
    ],
)
def test_strategy_endorse_matrix(
    personas: dict[str, User | None],
    strategy: Strategy,
    lead_planner: User,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
    organisation: str | None,
) -> None:
    submitted(strategy, lead_planner)

    response = api_as(personas[persona]).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse", "comment": "Agreed."},
        format="json",
    )

    assert response.status_code == status
    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == ("consultation", 1)
    if status == 200:
        endorsement = Endorsement.objects.get()
        assert (
            endorsement.organisation.slug,
            endorsement.edition,
            endorsement.decision,
            endorsement.comment,
            endorsement.decided_by,
        ) == (organisation, 1, "endorse", "Agreed.", personas[persona])
        states = {e["organisation_name"]: e["state"] for e in response.json()["endorsements"]}
        assert states == {
            "Ministry of Defence": "endorsed" if organisation == "mod" else "pending",
            "Ministry of Foreign Affairs": "endorsed" if organisation == "mfa" else "pending",
        }
    else:
        assert response.json() == body
        assert Endorsement.objects.count() == 0


NOT_AN_ARCHIVER = {"detail": "Only planners of the lead organisation can archive this strategy."}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 200, None),
        ("lead_approver", 403, NOT_AN_ARCHIVER),
        ("partner_planner", 403, NOT_AN_ARCHIVER),
        ("partner_approver", 403, NOT_AN_ARCHIVER),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, NOT_AN_ARCHIVER),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_strategy_archive_matrix(
    personas: dict[str, User | None],
    strategy: Strategy,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).post(detail(strategy, "archive/"))

    assert response.status_code == status
    strategy.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "archived"
        assert (strategy.status, strategy.version) == ("archived", 2)
    else:
        assert response.json() == body
        assert (strategy.status, strategy.version) == ("draft", 1)


@pytest.mark.parametrize("method", ["put", "delete"])
def test_strategies_cannot_be_deleted_or_replaced_through_other_routes(
    lead_planner: User, strategy: Strategy, method: str
) -> None:
    # PUT is an update (it needs every field); DELETE does not exist: strategies are archived.
    response = getattr(api_as(lead_planner), method)(
        detail(strategy), {"version": 1}, format="json"
    )
    if method == "put":
        assert response.status_code == 400
        required = ["This field is required."]
        # The lead organisation is fixed once the strategy exists, so PUT does not need it.
        assert response.json() == {"title": required, "theatre": required, "approach": required}
    else:
        assert response.status_code == 405
    assert Strategy.objects.filter(pk=strategy.pk, version=1).exists()


# --- strategies: writes and their rules ---------------------------------------------------------


def test_put_replaces_the_fields_and_the_lead_and_predecessor_cannot_change(
    lead_planner: User, strategy: Strategy, lead_org: Organisation
) -> None:
    ministry = make_organisation(slug="moj", name="Ministry of Justice")
    response = api_as(lead_planner).put(
        detail(strategy),
        {
            "title": "Justice in Valeria",
            "theatre": "Northern Valeria",
            "approach": "prevention",
            "summary": "",
            "processes": [],
            "lead_organisation": ministry.pk,
            "predecessor": strategy.pk,
            "partners": [ministry.pk],
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 200
    strategy.refresh_from_db()
    assert (
        strategy.title,
        strategy.theatre,
        strategy.approach,
        strategy.summary,
        strategy.processes,
        strategy.lead_organisation,
        strategy.predecessor,
    ) == ("Justice in Valeria", "Northern Valeria", "prevention", "", [], lead_org, None)
    # The partners are replaced, but the lead stays one.
    assert response.json()["partners"] == [lead_org.pk, ministry.pk]
    assert response.json()["lead_organisation"] == lead_org.pk


def test_partners_always_include_the_lead(
    lead_planner: User, strategy: Strategy, lead_org: Organisation
) -> None:
    response = api_as(lead_planner).patch(
        detail(strategy), {"partners": [], "version": 1}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["partners"] == [lead_org.pk]
    assert [e["organisation"] for e in response.json()["endorsements"]] == [lead_org.pk]


def test_a_partner_removed_no_longer_sees_the_strategy(
    lead_planner: User, partner_planner: User, strategy: Strategy, lead_org: Organisation
) -> None:
    api_as(lead_planner).patch(detail(strategy), {"partners": [], "version": 1}, format="json")

    assert api_as(partner_planner).get(detail(strategy)).status_code == 404
    assert ids(api_as(partner_planner).get("/api/v1/strategies/")) == []


def test_unknown_choices_are_refused_with_field_messages(
    lead_planner: User, strategy: Strategy
) -> None:
    response = api_as(lead_planner).patch(
        detail(strategy),
        {"approach": "invasion", "processes": ["un_impp", "osce"], "version": 1},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "approach": ['"invasion" is not a valid choice.'],
        "processes": {"1": ['"osce" is not a valid choice.']},
    }
    strategy.refresh_from_db()
    assert (strategy.approach, strategy.version) == ("stabilisation", 1)


def test_a_successor_names_its_predecessor_and_supersedes_it_once_agreed(
    personas: dict[str, User | None],
    strategy: Strategy,
    lead_org: Organisation,
    partner_org: Organisation,
) -> None:
    lead_planner: Any = personas["lead_planner"]
    agreed(strategy, personas)
    client = api_as(lead_planner)

    response = client.post(
        "/api/v1/strategies/",
        {
            "title": "Stability in Valeria, second phase",
            "theatre": "Valeria",
            "approach": "stabilisation",
            "lead_organisation": lead_org.pk,
            "predecessor": strategy.pk,
            "partners": [partner_org.pk],
        },
        format="json",
    )

    assert response.status_code == 201
    successor = Strategy.objects.get(pk=response.json()["id"])
    assert response.json()["predecessor"] == strategy.pk
    services.goal_create(strategy=successor, by=lead_planner, data={"title": "Elections held"})
    agreed(successor, personas)
    strategy.refresh_from_db()
    assert strategy.status == "superseded"


def test_a_predecessor_the_user_cannot_see_does_not_exist_for_them(
    strategy: Strategy, outsider_org: Organisation, strategy_outsider: User
) -> None:
    response = api_as(strategy_outsider).post(
        "/api/v1/strategies/",
        {
            "title": "Ours",
            "theatre": "Valeria",
            "approach": "prevention",
            "lead_organisation": outsider_org.pk,
            "predecessor": 999_999,
        },
        format="json",
    )
    hidden = api_as(strategy_outsider).post(
        "/api/v1/strategies/",
        {
            "title": "Ours",
            "theatre": "Valeria",
            "approach": "prevention",
            "lead_organisation": outsider_org.pk,
            "predecessor": strategy.pk,
        },
        format="json",
    )

    assert response.status_code == hidden.status_code == 400
    assert response.json() == {"predecessor": ['Invalid pk "999999" - object does not exist.']}
    assert hidden.json() == {
        "predecessor": [f'Invalid pk "{strategy.pk}" - object does not exist.']
    }
    assert Strategy.objects.count() == 1


def test_only_an_agreed_strategy_can_be_superseded(
    lead_planner: User, lead_org: Organisation, strategy: Strategy
) -> None:
    response = api_as(lead_planner).post(
        "/api/v1/strategies/",
        {
            "title": "Next",
            "theatre": "Valeria",
            "approach": "prevention",
            "lead_organisation": lead_org.pk,
            "predecessor": strategy.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"predecessor": ["Only an agreed strategy can be superseded."]}
    assert Strategy.objects.count() == 1


# --- the endorsement workflow -------------------------------------------------------------------


@pytest.mark.usefixtures("personas")
def test_endorsement_by_every_partner_makes_the_strategy_agreed(
    strategy: Strategy, lead_planner: User, lead_approver: User, partner_approver: User
) -> None:
    submitted(strategy, lead_planner)

    first = api_as(partner_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse"},
        format="json",
    )
    assert first.json()["status"] == "consultation"
    assert notified("strategy.agreed") == []

    last = api_as(lead_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse"},
        format="json",
    )

    assert last.status_code == 200
    assert last.json()["status"] == "agreed"
    assert [e["state"] for e in last.json()["endorsements"]] == ["endorsed", "endorsed"]
    assert StrategyEdition.objects.get(strategy=strategy).agreed_at is not None
    text = "“Stability in Northern Valeria” is agreed by every partner (edition 1)."
    # The lead's approver made it agreed: they are not told of their own endorsement.
    assert notified("strategy.agreed") == [
        ("lead-planner", text),
        ("partner-approver", text),
        ("partner-planner", text),
    ]


@pytest.mark.usefixtures("personas")
def test_a_rejection_keeps_consultation_and_tells_the_lead_planners_why(
    strategy: Strategy, lead_planner: User, lead_approver: User, partner_approver: User
) -> None:
    submitted(strategy, lead_planner)
    api_as(lead_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse"},
        format="json",
    )

    response = api_as(partner_approver).post(
        detail(strategy, "endorse/"),
        {
            "edition": edition_of(strategy),
            "decision": "reject",
            "comment": "  Nothing on policing the border.  ",
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "consultation"
    mod = response.json()["endorsements"][0]
    assert (mod["organisation_name"], mod["state"], mod["comment"], mod["decided_by"]) == (
        "Ministry of Defence",
        "rejected",
        "Nothing on policing the border.",
        "partner-approver",
    )
    assert notified("strategy.rejected") == [
        (
            "lead-planner",
            "MOD rejected “Stability in Northern Valeria”: Nothing on policing the border.",
        )
    ]
    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == ("consultation", 1)


def test_a_partner_can_change_its_mind_within_consultation(
    strategy: Strategy, lead_planner: User, partner_approver: User
) -> None:
    submitted(strategy, lead_planner)
    client = api_as(partner_approver)
    client.post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "reject", "comment": "Too vague."},
        format="json",
    )

    response = client.post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["endorsements"][0]["state"] == "endorsed"
    assert list(Endorsement.objects.values_list("decision", "comment")) == [("endorse", "")]


def test_changing_a_goal_of_an_agreed_strategy_asks_every_partner_again(
    personas: dict[str, User | None], strategy: Strategy, goal: Goal
) -> None:
    agreed(strategy, personas)
    Notification.objects.all().delete()

    response = api_as(personas["lead_planner"]).patch(
        f"/api/v1/goals/{goal.pk}/",
        {"title": "Land disputes settled in court", "version": 1},
        format="json",
    )

    assert response.status_code == 200
    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == ("consultation", 2)
    # The first edition's endorsements stay on record but no longer count.
    assert sorted(Endorsement.objects.values_list("organisation__slug", "edition")) == [
        ("mfa", 1),
        ("mod", 1),
    ]
    shown = api_as(personas["partner_planner"]).get(detail(strategy)).json()
    assert (shown["status"], shown["edition"]) == ("consultation", 2)
    assert [e["state"] for e in shown["endorsements"]] == ["pending", "pending"]
    assert list(
        StrategyEdition.objects.filter(strategy=strategy).values_list("number", "reason")
    ) == [(2, "Goal changed: Land disputes settled in court"), (1, "Submitted to the partners")]
    assert notified("strategy.endorsement_requested") == [
        (
            approver,
            "Please endorse “Stability in Northern Valeria” (edition 2) for your organisation.",
        )
        for approver in ("lead-approver", "partner-approver")
    ]

    for approver in ("lead_approver", "partner_approver"):
        again = api_as(personas[approver]).post(
            detail(strategy, "endorse/"),
            {"edition": edition_of(strategy), "decision": "endorse"},
            format="json",
        )
    assert (again.json()["status"], again.json()["edition"]) == ("agreed", 2)
    assert Endorsement.objects.count() == 4


def test_a_reading_on_an_agreed_strategy_does_not_start_a_new_edition(
    personas: dict[str, User | None], strategy: Strategy, indicator: Indicator
) -> None:
    agreed(strategy, personas)

    response = api_as(personas["partner_planner"]).post(
        f"/api/v1/indicators/{indicator.pk}/readings/",
        {"date": str(timezone.localdate()), "value": "12"},
        format="json",
    )

    assert response.status_code == 201
    strategy.refresh_from_db()
    assert (strategy.status, strategy.edition) == ("agreed", 1)


# --- illegal transitions ------------------------------------------------------------------------


def test_submitting_twice_is_refused(strategy: Strategy, lead_planner: User) -> None:
    submitted(strategy, lead_planner)

    response = api_as(lead_planner).post(detail(strategy, "submit/"))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Only a draft can be submitted; this strategy is in consultation."]
    }
    strategy.refresh_from_db()
    assert (strategy.status, strategy.version) == ("consultation", 2)
    assert StrategyEdition.objects.count() == 1


def test_submitting_an_agreed_strategy_is_refused(
    personas: dict[str, User | None], strategy: Strategy
) -> None:
    agreed(strategy, personas)

    response = api_as(personas["lead_planner"]).post(detail(strategy, "submit/"))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Only a draft can be submitted; this strategy is agreed."]
    }


def test_submitting_without_goals_is_refused(
    lead_planner: User, lead_org: Organisation, partner_org: Organisation
) -> None:
    bare = services.strategy_create(
        by=lead_planner,
        title="Empty",
        theatre="Valeria",
        approach="prevention",
        lead_organisation=lead_org,
        partners=[partner_org],
    )

    response = api_as(lead_planner).post(detail(bare, "submit/"))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Add at least one common goal before asking partners to endorse."]
    }
    bare.refresh_from_db()
    assert bare.status == "draft"
    assert Notification.objects.count() == 0


def test_endorsing_a_draft_is_refused(strategy: Strategy, partner_approver: User) -> None:
    response = api_as(partner_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Endorsements are given in consultation; this strategy is draft."]
    }
    assert Endorsement.objects.count() == 0


def test_endorsing_an_agreed_strategy_is_refused(
    personas: dict[str, User | None], strategy: Strategy
) -> None:
    agreed(strategy, personas)

    response = api_as(personas["partner_approver"]).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "reject", "comment": "Late."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Endorsements are given in consultation; this strategy is agreed."]
    }
    assert list(Endorsement.objects.values_list("decision", flat=True)) == ["endorse", "endorse"]


def test_rejecting_without_a_comment_is_refused(
    strategy: Strategy, lead_planner: User, partner_approver: User
) -> None:
    submitted(strategy, lead_planner)

    response = api_as(partner_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "reject", "comment": "   "},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"comment": ["Say why, so the lead organisation can address it."]}
    assert Endorsement.objects.count() == 0
    assert notified("strategy.rejected") == []


def test_an_unknown_decision_is_refused(
    strategy: Strategy, lead_planner: User, partner_approver: User
) -> None:
    submitted(strategy, lead_planner)

    response = api_as(partner_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "abstain"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"decision": ['"abstain" is not a valid choice.']}
    assert Endorsement.objects.count() == 0


def test_an_approver_cannot_endorse_for_another_organisation(
    strategy: Strategy, lead_planner: User, lead_approver: User, partner_org: Organisation
) -> None:
    submitted(strategy, lead_planner)

    response = api_as(lead_approver).post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse", "organisation": partner_org.pk},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "You are not an approver of MOD for this strategy."}
    assert Endorsement.objects.count() == 0


def test_an_approver_of_several_partners_says_which_one(
    strategy: Strategy,
    lead_planner: User,
    lead_approver: User,
    lead_org: Organisation,
    partner_org: Organisation,
) -> None:
    add_membership(lead_approver, partner_org, Role.APPROVER)
    submitted(strategy, lead_planner)
    client = api_as(lead_approver)

    unnamed = client.post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse"},
        format="json",
    )
    named = client.post(
        detail(strategy, "endorse/"),
        {"edition": edition_of(strategy), "decision": "endorse", "organisation": partner_org.pk},
        format="json",
    )

    assert unnamed.status_code == 400
    assert unnamed.json() == {"organisation": ["You approve for several partners: say which one."]}
    assert named.status_code == 200
    assert list(Endorsement.objects.values_list("organisation__slug", flat=True)) == ["mod"]


def test_archiving_twice_is_refused(strategy: Strategy, lead_planner: User) -> None:
    services.strategy_archive(strategy=strategy, by=lead_planner)

    response = api_as(lead_planner).post(detail(strategy, "archive/"))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This strategy is already archived."]}
    strategy.refresh_from_db()
    assert (strategy.status, strategy.version) == ("archived", 2)


def test_an_archived_strategy_and_its_parts_can_no_longer_be_changed(
    strategy: Strategy, lead_planner: User, goal: Goal
) -> None:
    services.strategy_archive(strategy=strategy, by=lead_planner)
    client = api_as(lead_planner)
    archived = {"non_field_errors": ["This strategy is archived: it can no longer be changed."]}

    edit = client.patch(detail(strategy), {"title": "Revived", "version": 2}, format="json")
    goal_edit = client.patch(
        f"/api/v1/goals/{goal.pk}/", {"title": "Revived", "version": 1}, format="json"
    )
    submit = client.post(detail(strategy, "submit/"))

    assert (edit.status_code, edit.json()) == (400, archived)
    assert (goal_edit.status_code, goal_edit.json()) == (400, archived)
    assert submit.status_code == 400
    assert submit.json() == {
        "non_field_errors": ["Only a draft can be submitted; this strategy is archived."]
    }
    strategy.refresh_from_db()
    goal.refresh_from_db()
    assert (strategy.title, strategy.status) == ("Stability in Northern Valeria", "archived")
    assert goal.title == "Disputes settled without violence"


# --- versions -----------------------------------------------------------------------------------


def test_a_stale_strategy_version_is_refused_with_409_and_the_current_state(
    strategy: Strategy, lead_planner: User, partner_org: Organisation, lead_org: Organisation
) -> None:
    client = api_as(lead_planner)
    first = client.patch(detail(strategy), {"title": "Peace first", "version": 1}, format="json")
    assert first.status_code == 200

    second = client.patch(detail(strategy), {"title": "Order first", "version": 1}, format="json")

    assert second.status_code == 409
    assert second.json()["detail"] == (
        "Someone else changed this since you opened it. Review their changes and try again."
    )
    current = second.json()["current"]
    assert (current["title"], current["version"], current["partners"]) == (
        "Peace first",
        2,
        [partner_org.pk, lead_org.pk],
    )
    strategy.refresh_from_db()
    assert (strategy.title, strategy.version) == ("Peace first", 2)


def test_the_etag_of_a_strategy_works_as_if_match(strategy: Strategy, lead_planner: User) -> None:
    client = api_as(lead_planner)
    etag = client.get(detail(strategy))["ETag"]

    ok = client.patch(detail(strategy), {"summary": "Shorter."}, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch(
        detail(strategy), {"summary": "Longer."}, format="json", HTTP_IF_MATCH=etag
    )

    assert (etag, ok.status_code, ok["ETag"], stale.status_code) == ('"1"', 200, '"2"', 409)
    strategy.refresh_from_db()
    assert strategy.summary == "Shorter."


def test_an_edit_without_a_version_is_refused(strategy: Strategy, lead_planner: User) -> None:
    response = api_as(lead_planner).patch(detail(strategy), {"title": "X"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    strategy.refresh_from_db()
    assert strategy.title == "Stability in Northern Valeria"


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
def test_a_stale_version_of_a_part_is_refused_with_409_and_the_current_state(
    strategy: Strategy, lead_planner: User, resource: str
) -> None:
    part = PARTS[resource](strategy)
    url = f"/api/v1/{resource}/{part.pk}/"
    client = api_as(lead_planner)
    field = "name" if resource == "indicators" else "title"
    assert client.patch(url, {field: "First", "version": 1}, format="json").status_code == 200

    stale = client.patch(url, {field: "Second", "version": 1}, format="json")

    assert stale.status_code == 409
    assert (stale.json()["current"][field], stale.json()["current"]["version"]) == ("First", 2)
    part.refresh_from_db()
    assert (getattr(part, field), part.version) == ("First", 2)


# --- goals, drivers, indicators: authorization matrix ------------------------------------------

PARTS = {
    "goals": lambda strategy: strategy.goals.get(),
    "drivers": lambda strategy: strategy.drivers.get(),
    "indicators": lambda strategy: Indicator.objects.get(goal__strategy=strategy),
}
PART_MODELS = {"goals": Goal, "drivers": ConflictDriver, "indicators": Indicator}
PART_NOT_FOUND = {
    "goals": {"detail": "No Goal matches the given query."},
    "drivers": {"detail": "No ConflictDriver matches the given query."},
    "indicators": {"detail": "No Indicator matches the given query."},
}


def new_part(resource: str, strategy: Strategy) -> dict[str, Any]:
    if resource == "goals":
        return {
            "strategy": strategy.pk,
            "title": "Courts that work",
            "drivers": [strategy.drivers.get().pk],
        }
    if resource == "drivers":
        return {"strategy": strategy.pk, "title": "Youth unemployment", "kind": "root_cause"}
    return {
        "goal": strategy.goals.get().pk,
        "name": "Disputes heard in court",
        "unit": "cases",
        "baseline": "10",
        "target": "100",
    }


def _count(resource: str) -> int:
    return int(PART_MODELS[resource].objects.count())


PERSONAS_SEE = [
    ("lead_planner", 200),
    ("lead_approver", 200),
    ("partner_planner", 200),
    ("partner_approver", 200),
    ("outsider", 404),
    ("superuser", 200),  # for support
    ("ended_yesterday", 404),
    ("starts_tomorrow", 404),
    ("anonymous", 401),
]
PERSONAS_CHANGE = [
    ("lead_planner", 200),
    ("lead_approver", 403),
    ("partner_planner", 403),
    ("partner_approver", 403),
    ("outsider", 404),
    ("superuser", 403),
    ("ended_yesterday", 404),
    ("starts_tomorrow", 404),
    ("anonymous", 401),
]


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_part_list_matrix(
    personas: dict[str, User | None], strategy: Strategy, resource: str, persona: str, status: int
) -> None:
    response = api_as(personas[persona]).get(f"/api/v1/{resource}/")

    if status == 401:
        assert (response.status_code, response.json()) == (401, ANONYMOUS)
    else:
        # An outsider gets an empty list rather than a 404.
        assert response.status_code == 200
        assert ids(response) == ([PARTS[resource](strategy).pk] if status == 200 else [])


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_part_detail_matrix(
    personas: dict[str, User | None], strategy: Strategy, resource: str, persona: str, status: int
) -> None:
    part = PARTS[resource](strategy)

    response = api_as(personas[persona]).get(f"/api/v1/{resource}/{part.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == part.pk
        assert response["ETag"] == '"1"'
    else:
        assert response.json() == {404: PART_NOT_FOUND[resource], 401: ANONYMOUS}[status]


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead_planner", 201),
        ("lead_approver", 403),
        ("partner_planner", 403),
        ("partner_approver", 403),
        ("outsider", 400),
        ("superuser", 403),  # sees the strategy, so the ids are valid, but plans for no one
        ("ended_yesterday", 400),
        ("starts_tomorrow", 400),
        ("anonymous", 401),
    ],
)
def test_part_create_matrix(
    personas: dict[str, User | None], strategy: Strategy, resource: str, persona: str, status: int
) -> None:
    before = _count(resource)
    payload = new_part(resource, strategy)

    response = api_as(personas[persona]).post(f"/api/v1/{resource}/", payload, format="json")

    assert response.status_code == status
    if status == 201:
        assert _count(resource) == before + 1
        created = PART_MODELS[resource].objects.get(pk=response.json()["id"])
        assert response.json()["version"] == created.version == 1
        return
    assert _count(resource) == before
    if persona == "anonymous":
        assert response.json() == ANONYMOUS
    elif status == 403:
        assert response.json() == NOT_A_LEAD_PLANNER
    else:
        # To those who cannot see it the strategy (and its drivers) are unknown ids.
        assert (
            response.json()
            == {
                "goals": {
                    "strategy": [f'Invalid pk "{strategy.pk}" - object does not exist.'],
                    "drivers": [
                        f'Invalid pk "{payload.get("drivers", [0])[0]}" - object does not exist.'
                    ],
                },
                "drivers": {"strategy": [f'Invalid pk "{strategy.pk}" - object does not exist.']},
                "indicators": {
                    "goal": [f'Invalid pk "{payload.get("goal")}" - object does not exist.']
                },
            }[resource]
        )


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
@pytest.mark.parametrize(("persona", "status"), PERSONAS_CHANGE)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_part_update_matrix(
    personas: dict[str, User | None],
    strategy: Strategy,
    resource: str,
    persona: str,
    status: int,
    method: str,
) -> None:
    part = PARTS[resource](strategy)
    field = "name" if resource == "indicators" else "title"
    before = getattr(part, field)
    change: dict[str, Any] = {field: "Renamed", "version": 1}
    if method == "put":  # every required field
        change |= {
            "drivers": {"kind": "root_cause"},
            "indicators": {"baseline": 60, "target": 10},
        }.get(resource, {})

    response = getattr(api_as(personas[persona]), method)(
        f"/api/v1/{resource}/{part.pk}/", change, format="json"
    )

    assert response.status_code == status
    part.refresh_from_db()
    if status == 200:
        assert (response.json()[field], response.json()["version"]) == ("Renamed", 2)
        assert (getattr(part, field), part.version) == ("Renamed", 2)
    else:
        assert (
            response.json()
            == {
                404: PART_NOT_FOUND[resource],
                403: NOT_ALLOWED,
                401: ANONYMOUS,
            }[status]
        )
        assert (getattr(part, field), part.version) == (before, 1)


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
@pytest.mark.parametrize(("persona", "status"), PERSONAS_CHANGE)
def test_part_delete_matrix(
    personas: dict[str, User | None], strategy: Strategy, resource: str, persona: str, status: int
) -> None:
    part = PARTS[resource](strategy)

    response = api_as(personas[persona]).delete(f"/api/v1/{resource}/{part.pk}/")

    if status == 200:
        assert response.status_code == 204
        assert not PART_MODELS[resource].objects.filter(pk=part.pk).exists()
    else:
        assert response.status_code == status
        assert (
            response.json()
            == {
                404: PART_NOT_FOUND[resource],
                403: NOT_ALLOWED,
                401: ANONYMOUS,
            }[status]
        )
        assert PART_MODELS[resource].objects.filter(pk=part.pk).exists()


READINGS_REFUSED = {
    "detail": "Only planners, analysts and field advisors of partner organisations record readings."
}


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_reading_list_matrix(
    personas: dict[str, User | None],
    indicator: Indicator,
    partner_planner: User,
    persona: str,
    status: int,
) -> None:
    day = timezone.localdate() - datetime.timedelta(days=3)
    services.reading_record(
        indicator=indicator, by=partner_planner, date=day, value=Decimal(30), note="Quiet month"
    )
    reading = IndicatorReading.objects.get()

    response = api_as(personas[persona]).get(f"/api/v1/indicators/{indicator.pk}/readings/")

    assert response.status_code == status
    if status == 200:
        assert response.json()["results"] == [
            {
                "id": reading.pk,
                "indicator": indicator.pk,
                "date": str(day),
                "value": "30.00",
                "note": "Quiet month",
                "recorded_by": "partner-planner",
                "created": when(reading.created),
            }
        ]
    else:
        assert response.json() == {404: PART_NOT_FOUND["indicators"], 401: ANONYMOUS}[status]


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 201, None),
        ("lead_approver", 403, READINGS_REFUSED),
        ("partner_planner", 201, None),
        ("partner_approver", 403, READINGS_REFUSED),
        ("outsider", 404, PART_NOT_FOUND["indicators"]),
        ("superuser", 403, READINGS_REFUSED),
        ("ended_yesterday", 404, PART_NOT_FOUND["indicators"]),
        ("starts_tomorrow", 404, PART_NOT_FOUND["indicators"]),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_reading_record_matrix(
    personas: dict[str, User | None],
    indicator: Indicator,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    today = timezone.localdate()

    response = api_as(personas[persona]).post(
        f"/api/v1/indicators/{indicator.pk}/readings/",
        {"date": str(today), "value": "25.5", "note": "From the field office"},
        format="json",
    )

    assert response.status_code == status
    if status == 201:
        reading = IndicatorReading.objects.get()
        assert (reading.date, reading.value, reading.note, reading.recorded_by) == (
            today,
            Decimal("25.50"),
            "From the field office",
            personas[persona],
        )
        assert response.json()["id"] == reading.pk
    else:
        assert response.json() == body
        assert IndicatorReading.objects.count() == 0


def test_an_analyst_of_a_partner_records_readings(
    indicator: Indicator, partner_org: Organisation
) -> None:
    analyst = make_member(partner_org, Role.ANALYST, username="partner-analyst")

    response = api_as(analyst).post(
        f"/api/v1/indicators/{indicator.pk}/readings/",
        {"date": str(timezone.localdate()), "value": "20"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["recorded_by"] == "partner-analyst"


def test_a_future_reading_is_refused(indicator: Indicator, partner_planner: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api_as(partner_planner).post(
        f"/api/v1/indicators/{indicator.pk}/readings/",
        {"date": str(tomorrow), "value": "20"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"date": ["A reading cannot be in the future."]}
    assert IndicatorReading.objects.count() == 0


@pytest.mark.usefixtures("personas")
def test_a_reading_past_the_threshold_warns_every_partner_once(
    indicator: Indicator, partner_planner: User
) -> None:
    client = api_as(partner_planner)
    url = f"/api/v1/indicators/{indicator.pk}/readings/"
    today = timezone.localdate()

    for days_ago, value in ((2, "45"), (1, "50")):
        day = today - datetime.timedelta(days=days_ago)
        client.post(url, {"date": str(day), "value": value}, format="json")

    indicator.refresh_from_db()
    assert indicator.in_warning is True
    shown = api_as(partner_planner).get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert shown["in_warning"] is True
    text = (
        "Early warning on “Stability in Northern Valeria”: Violent incidents per month is "
        "45 incidents, above the threshold of 40."
    )
    # The partner's planner recorded the reading: they are not told of their own reading.
    assert notified("strategy.indicator_warning") == [
        (user, text) for user in ("lead-approver", "lead-planner", "partner-approver")
    ]


# --- parts: validation and the strategy they belong to ------------------------------------------


@pytest.mark.parametrize("resource", ["goals", "drivers"])
def test_a_part_for_a_hidden_strategy_is_refused_like_one_for_an_unknown_strategy(
    strategy: Strategy, strategy_outsider: User, resource: str
) -> None:
    client = api_as(strategy_outsider)
    payload = {"strategy": strategy.pk, "title": "Ours now", "kind": "root_cause"}

    hidden = client.post(f"/api/v1/{resource}/", payload, format="json")
    unknown = client.post(f"/api/v1/{resource}/", payload | {"strategy": 999_999}, format="json")

    assert (hidden.status_code, unknown.status_code) == (400, 400)
    assert hidden.json() == {"strategy": [f'Invalid pk "{strategy.pk}" - object does not exist.']}
    assert unknown.json() == {"strategy": ['Invalid pk "999999" - object does not exist.']}
    assert strategy.goals.count() == strategy.drivers.count() == 1


def test_a_goal_names_only_drivers_of_its_own_strategy(
    strategy: Strategy, lead_planner: User, lead_org: Organisation
) -> None:
    other = services.strategy_create(
        by=lead_planner,
        title="Other",
        theatre="Elsewhere",
        approach="prevention",
        lead_organisation=lead_org,
    )
    foreign = services.driver_create(
        strategy=other, by=lead_planner, data={"title": "Drought", "kind": "root_cause"}
    )

    response = api_as(lead_planner).post(
        "/api/v1/goals/",
        {"strategy": strategy.pk, "title": "Water shared", "drivers": [foreign.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"drivers": ["A goal can only address drivers of its own strategy."]}
    assert strategy.goals.count() == 1


def test_a_goal_cannot_name_drivers_its_author_cannot_see(
    strategy: Strategy, lead_planner: User, strategy_outsider: User, outsider_org: Organisation
) -> None:
    theirs = services.strategy_create(
        by=strategy_outsider,
        title="Theirs",
        theatre="Elsewhere",
        approach="prevention",
        lead_organisation=outsider_org,
    )
    hidden = services.driver_create(
        strategy=theirs, by=strategy_outsider, data={"title": "Secret", "kind": "root_cause"}
    )

    response = api_as(lead_planner).post(
        "/api/v1/goals/",
        {"strategy": strategy.pk, "title": "Water shared", "drivers": [hidden.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"drivers": [f'Invalid pk "{hidden.pk}" - object does not exist.']}


def test_a_goal_stays_with_its_strategy(
    strategy: Strategy, lead_planner: User, goal: Goal, lead_org: Organisation
) -> None:
    other = services.strategy_create(
        by=lead_planner,
        title="Other",
        theatre="Elsewhere",
        approach="prevention",
        lead_organisation=lead_org,
    )

    response = api_as(lead_planner).patch(
        f"/api/v1/goals/{goal.pk}/", {"strategy": other.pk, "version": 1}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["strategy"] == strategy.pk
    goal.refresh_from_db()
    assert goal.strategy == strategy


def test_a_new_goal_goes_last_and_its_drivers_are_set(
    strategy: Strategy, lead_planner: User
) -> None:
    driver = strategy.drivers.get()

    response = api_as(lead_planner).post(
        "/api/v1/goals/",
        {"strategy": strategy.pk, "title": "Courts that work", "drivers": [driver.pk]},
        format="json",
    )

    assert response.status_code == 201
    goal = Goal.objects.get(pk=response.json()["id"])
    assert response.json() == {
        "id": goal.pk,
        "strategy": strategy.pk,
        "title": "Courts that work",
        "description": "",
        "order": 2,
        "drivers": [driver.pk],
        "version": 1,
    }


def test_a_threshold_needs_a_direction(strategy: Strategy, lead_planner: User) -> None:
    response = api_as(lead_planner).post(
        "/api/v1/indicators/",
        {
            "goal": strategy.goals.get().pk,
            "name": "Returns",
            "baseline": "0",
            "target": "1000",
            "warning_threshold": "10",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["A warning threshold needs a direction, and a direction a threshold."]
    }
    assert Indicator.objects.count() == 1


def test_parts_filter_by_strategy(
    strategy: Strategy, lead_planner: User, lead_org: Organisation
) -> None:
    other = services.strategy_create(
        by=lead_planner,
        title="Other",
        theatre="Elsewhere",
        approach="prevention",
        lead_organisation=lead_org,
    )
    other_goal = services.goal_create(strategy=other, by=lead_planner, data={"title": "Calm"})
    client = api_as(lead_planner)

    goals = client.get("/api/v1/goals/", {"strategy": other.pk})
    drivers = client.get("/api/v1/drivers/", {"strategy": other.pk})
    indicators = client.get("/api/v1/indicators/", {"strategy": strategy.pk})

    assert ids(goals) == [other_goal.pk]
    assert ids(drivers) == []
    assert ids(indicators) == [Indicator.objects.get().pk]


def test_filtering_by_a_hidden_strategy_looks_like_an_unknown_one(
    strategy: Strategy, strategy_outsider: User
) -> None:
    client = api_as(strategy_outsider)

    hidden = client.get("/api/v1/goals/", {"strategy": strategy.pk})
    unknown = client.get("/api/v1/goals/", {"strategy": 999_999})

    assert (hidden.status_code, hidden.json()) == (unknown.status_code, unknown.json())
    assert hidden.json()["results"] == []


# --- filters and query counts -------------------------------------------------------------------


def test_strategy_filters(
    strategy: Strategy, lead_planner: User, lead_org: Organisation, partner_org: Organisation
) -> None:
    un = make_organisation(slug="un", name="United Nations")
    solo = services.strategy_create(
        by=lead_planner,
        title="Prevention in Eastern Marovia",
        theatre="Marovia",
        approach="prevention",
        lead_organisation=lead_org,
        partners=[un],
    )
    submitted(strategy, lead_planner)
    client = api_as(lead_planner)

    def found(**query: Any) -> list[int]:
        response = client.get("/api/v1/strategies/", query)
        assert response.status_code == 200
        return sorted(ids(response))

    assert found() == sorted([strategy.pk, solo.pk])
    assert found(status="consultation") == [strategy.pk]
    assert found(status="draft") == [solo.pk]
    assert found(approach="prevention") == [solo.pk]
    assert found(theatre="marov") == [solo.pk]
    assert found(theatre="VALERIA") == [strategy.pk]
    assert found(partner=partner_org.pk) == [strategy.pk]
    assert found(partner=un.pk) == [solo.pk]
    assert found(partner=lead_org.pk) == sorted([strategy.pk, solo.pk])
    assert found(partner=un.pk, status="consultation") == []
    bad = client.get("/api/v1/strategies/", {"status": "secret"})
    assert bad.status_code == 400
    assert bad.json() == {
        "status": ["Select a valid choice. secret is not one of the available choices."]
    }


def _strategies(
    n: int, *, by: User, approver: User, lead: Organisation, partner: Organisation
) -> None:
    """Strategies in consultation with one partner's endorsement, so every part of a row
    (partners, endorsement panel, who decided) has something to load."""
    for number in range(n):
        strategy = services.strategy_create(
            by=by,
            title=f"Strategy {number}",
            theatre="Valeria",
            approach="prevention",
            lead_organisation=lead,
            partners=[partner],
        )
        services.goal_create(strategy=strategy, by=by, data={"title": "Calm"})
        services.strategy_submit(strategy=strategy, by=by)
        services.strategy_endorse(
            strategy=strategy, edition=edition_of(strategy), by=approver, decision="endorse"
        )


def test_strategy_list_query_count_does_not_grow_with_rows(
    lead_planner: User,
    partner_approver: User,
    lead_org: Organisation,
    partner_org: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    client = api_as(lead_planner)
    make = {"by": lead_planner, "approver": partner_approver, "lead": lead_org}
    _strategies(5, partner=partner_org, **make)
    # 2: the count and the page; the endorsement's progress is counted in the same query.
    with django_assert_max_num_queries(2) as small:
        response = client.get("/api/v1/strategies/")
    assert (response.json()["count"], response.json()["count_exact"]) == (5, True)
    newest = Strategy.objects.get(title="Strategy 4")
    row = response.json()["results"][0]
    assert row == {
        "id": newest.pk,
        "title": "Strategy 4",
        "theatre": "Valeria",
        "approach": "prevention",
        "lead_organisation": lead_org.pk,
        "lead_organisation_name": lead_org.name,
        "status": "consultation",
        "edition": 1,
        "version": newest.version,
        "created": row["created"],
        "updated": row["updated"],
        "partner_count": 2,
        "endorsed_count": 1,
        "rejected_count": 0,
    }
    # Each partner's decision is on the strategy itself.
    detail = client.get(f"/api/v1/strategies/{newest.pk}/").json()
    assert [(e["organisation"], e["decided_by"]) for e in detail["endorsements"]] == [
        (partner_org.pk, "partner-approver"),
        (lead_org.pk, None),
    ]

    _strategies(45, partner=partner_org, **make)
    with django_assert_max_num_queries(2) as large:
        response = client.get("/api/v1/strategies/")
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 50

    assert len(small.captured_queries) == len(large.captured_queries) == 2


@pytest.mark.parametrize("resource", ["goals", "drivers", "indicators"])
def test_part_list_query_count_does_not_grow_with_rows(
    strategy: Strategy,
    lead_planner: User,
    goal: Goal,
    resource: str,
    django_assert_max_num_queries: Any,
) -> None:
    def add(n: int) -> None:
        for number in range(n):
            if resource == "goals":
                data: dict[str, Any] = {
                    "title": f"Goal {number}",
                    "drivers": [*strategy.drivers.all()],
                }
                services.goal_create(strategy=strategy, by=lead_planner, data=data)
            elif resource == "drivers":
                data = {"title": f"Driver {number}", "kind": "mitigating_factor"}
                services.driver_create(strategy=strategy, by=lead_planner, data=data)
            else:
                data = {"name": f"Indicator {number}", "baseline": 0, "target": 1}
                services.indicator_create(goal=goal, by=lead_planner, data=data)

    client = api_as(lead_planner)
    add(1)
    with django_assert_max_num_queries(4) as small:
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 2
    add(48)
    with django_assert_max_num_queries(4) as large:
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 50
    assert len(small.captured_queries) == len(large.captured_queries)


def test_glossary_query_count_does_not_grow_with_rows(
    lead_planner: User, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            number = GlossaryTerm.objects.count()
            services.glossary_term_propose(
                by=lead_planner, data={"term": f"Term {number:02}", "definition": "Meaning."}
            )

    client = api_as(lead_planner)
    add(2)
    with django_assert_max_num_queries(2) as small:
        assert client.get("/api/v1/glossary/").json()["count"] == 2
    add(48)
    with django_assert_max_num_queries(2) as large:
        assert client.get("/api/v1/glossary/").json()["count"] == 50
    assert len(small.captured_queries) == len(large.captured_queries) == 2


# --- glossary -----------------------------------------------------------------------------------


@pytest.fixture
def glossary() -> list[GlossaryTerm]:
    approved = GlossaryStatus.APPROVED
    return [
        GlossaryTerm.objects.create(
            term="End state",
            definition="The conditions that, when achieved, mean the mission is over.",
            un_impp="Mandate end state",
            nato_cpa="NATO end state",
            eu_integrated="Desired end state",
            whole_of_government="Policy objective",
            status=approved,
        ),
        GlossaryTerm.objects.create(
            term="Civil-military cooperation",
            definition="Coordination between military forces and civilian actors.",
            un_impp="UN-CMCoord",
            nato_cpa="CIMIC",
            eu_integrated="Civil-military coordination",
            whole_of_government="Interdepartmental liaison",
            status=approved,
        ),
        GlossaryTerm.objects.create(
            term="Conflict analysis",
            definition="A shared assessment of the drivers of conflict.",
            un_impp="Strategic assessment",
            nato_cpa="Comprehensive preparation of the operating environment",
            eu_integrated="Conflict analysis screening",
            whole_of_government="Integrated context analysis",
            status=approved,
        ),
    ]


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_glossary_list_and_detail_matrix(
    personas: dict[str, User | None], glossary: list[GlossaryTerm], persona: str, status: int
) -> None:
    client = api_as(personas[persona])

    listed = client.get("/api/v1/glossary/")
    shown = client.get(f"/api/v1/glossary/{glossary[0].pk}/")

    if persona == "anonymous":
        assert (listed.status_code, listed.json()) == (401, ANONYMOUS)
        assert (shown.status_code, shown.json()) == (401, ANONYMOUS)
    else:  # every signed-in user reads the glossary, partners of nothing included
        assert listed.status_code == shown.status_code == 200
        assert [t["term"] for t in listed.json()["results"]] == [
            "Civil-military cooperation",
            "Conflict analysis",
            "End state",
        ]
        assert shown.json() == {
            "id": glossary[0].pk,
            "term": "End state",
            "definition": "The conditions that, when achieved, mean the mission is over.",
            "un_impp": "Mandate end state",
            "nato_cpa": "NATO end state",
            "eu_integrated": "Desired end state",
            "whole_of_government": "Policy objective",
            "status": "approved",
            "merged_into": None,
            "decline_reason": "",
            "created": when(glossary[0].created),
            "version": 1,
        }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("cimic", ["Civil-military cooperation"]),  # NATO's word
        ("UN-CMCoord", ["Civil-military cooperation"]),  # the UN's
        ("desired", ["End state"]),  # the EU's
        ("interdepartmental", ["Civil-military cooperation"]),  # whole of government
        ("strategic assessment", ["Conflict analysis"]),  # every word, in the UN column
        ("drivers", ["Conflict analysis"]),  # in the definition
        ("state", ["End state"]),  # in the term
        ("analysis", ["Conflict analysis"]),
        ("civilian", ["Civil-military cooperation"]),  # in a definition
        ("MISSION", ["End state"]),
        ("civil mission", []),
        ("", ["Civil-military cooperation", "Conflict analysis", "End state"]),
    ],
)
def test_glossary_search_covers_terms_definitions_and_every_equivalent(
    partner_planner: User, glossary: list[GlossaryTerm], query: str, found: list[str]
) -> None:
    response = api_as(partner_planner).get("/api/v1/glossary/", {"search": query})

    assert response.status_code == 200
    assert [t["term"] for t in response.json()["results"]] == found


PROPOSAL = {
    "term": "Exit strategy",
    "definition": "How and when the mission hands over and leaves.",
    "un_impp": "Transition planning",
    "nato_cpa": "Transition",
}
NOT_A_PLANNER = {"detail": "Planners propose glossary terms; administrators curate them."}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 201, None),
        ("lead_approver", 403, NOT_A_PLANNER),
        ("partner_planner", 201, None),
        ("partner_approver", 403, NOT_A_PLANNER),
        ("outsider", 201, None),  # a planner too, of an organisation in no strategy
        ("superuser", 201, None),  # staff, who propose and curate (strategy/permissions.py)
        ("ended_yesterday", 403, NOT_A_PLANNER),  # planners, but not today
        ("starts_tomorrow", 403, NOT_A_PLANNER),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_glossary_propose_matrix(
    personas: dict[str, User | None], persona: str, status: int, body: dict[str, Any] | None
) -> None:
    response = api_as(personas[persona]).post("/api/v1/glossary/", PROPOSAL, format="json")

    assert response.status_code == status
    if status == 201:
        term = GlossaryTerm.objects.get()
        assert (term.term, term.status, term.proposed_by, term.whole_of_government) == (
            "Exit strategy",
            "proposed",
            personas[persona],
            "",
        )
        assert (response.json()["id"], response.json()["status"]) == (term.pk, "proposed")
    else:
        assert response.json() == body
        assert GlossaryTerm.objects.count() == 0


def test_an_analyst_may_not_propose_a_term(lead_org: Organisation) -> None:
    analyst = make_member(lead_org, Role.ANALYST, username="analyst")

    response = api_as(analyst).post("/api/v1/glossary/", PROPOSAL, format="json")

    assert response.status_code == 403
    assert response.json() == NOT_A_PLANNER
    assert GlossaryTerm.objects.count() == 0


def test_a_proposal_is_seen_by_its_proposer_until_an_administrator_approves_it(
    lead_planner: User, partner_planner: User
) -> None:
    created = api_as(lead_planner).post("/api/v1/glossary/", PROPOSAL, format="json").json()

    assert ids(api_as(lead_planner).get("/api/v1/glossary/")) == [created["id"]]
    assert ids(api_as(partner_planner).get("/api/v1/glossary/")) == []
    assert api_as(partner_planner).get(f"/api/v1/glossary/{created['id']}/").status_code == 404

    GlossaryTerm.objects.filter(pk=created["id"]).update(status=GlossaryStatus.APPROVED)
    assert ids(api_as(partner_planner).get("/api/v1/glossary/")) == [created["id"]]


def test_a_term_already_in_the_glossary_is_refused(
    lead_planner: User, glossary: list[GlossaryTerm]
) -> None:
    response = api_as(lead_planner).post(
        "/api/v1/glossary/", {"term": "End state", "definition": "Again."}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"term": ["glossary term with this term already exists."]}
    assert GlossaryTerm.objects.count() == 3


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_glossary_is_curated_in_the_admin_not_through_the_api(
    lead_planner: User, glossary: list[GlossaryTerm], method: str
) -> None:
    term = glossary[0]

    response = getattr(api_as(lead_planner), method)(
        f"/api/v1/glossary/{term.pk}/", {"definition": "Changed.", "version": 1}, format="json"
    )

    assert response.status_code == 405
    term.refresh_from_db()
    assert (term.definition, term.version) == (
        "The conditions that, when achieved, mean the mission is over.",
        1,
    )


def test_every_endpoint_is_in_the_schema(lead_planner: User) -> None:
    response = api_as(lead_planner).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/strategies/",
        "/api/v1/strategies/{id}/",
        "/api/v1/strategies/{id}/submit/",
        "/api/v1/strategies/{id}/endorse/",
        "/api/v1/strategies/{id}/archive/",
        "/api/v1/goals/",
        "/api/v1/goals/{id}/",
        "/api/v1/drivers/",
        "/api/v1/drivers/{id}/",
        "/api/v1/indicators/",
        "/api/v1/indicators/{id}/",
        "/api/v1/indicators/{id}/readings/",
        "/api/v1/glossary/",
        "/api/v1/glossary/{id}/",
    } <= set(paths)
    assert set(paths["/api/v1/strategies/{id}/"]) == {"get", "put", "patch"}  # no delete
    assert set(paths["/api/v1/glossary/{id}/"]) == {"get"}
