"""Glossary curation: who curates, approving, merging and declining proposals in the
services, on the proposals page, in the API and in the admin, and who is told.

Personas: the steward organisation is `un` (GLOSSARY_STEWARD_ORGANISATION). `curator` is its
organisation administrator; `staff` is staff and a member of nothing; `proposer` plans for
`mfa` and proposed "Spoiler"; `planner` plans for `mod`; `steward_planner` plans for `un` but
does not administer it; `other_admin` administers `mod`, which is no steward; `root` is a
superuser who is not staff (superusers see everything, for support, and curate only as
staff); `ended` administered `un` until yesterday; `future` administers it
from tomorrow.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework import serializers

from accounts.concurrency import StaleVersion
from accounts.models import Notification, Organisation, OrganisationKind, Role, User
from strategy import selectors, services
from strategy.models import GlossaryStatus, GlossaryTerm
from strategy.permissions import can_curate_glossary, can_propose_glossary_terms
from tests.conftest import api_as
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)

ANONYMOUS = {"detail": "Authentication credentials were not provided."}
NOT_A_CURATOR = {
    "detail": "Only glossary curators (administrators of the steward organisation, and staff) "
    "decide on proposals."
}
NOT_FOUND = {"detail": "No GlossaryTerm matches the given query."}


@pytest.fixture(autouse=True)
def _steward(settings: Any) -> None:
    settings.GLOSSARY_STEWARD_ORGANISATION = "un"


@pytest.fixture
def orgs(db: None) -> dict[str, Organisation]:
    return {
        "un": make_organisation(
            slug="un", name="United Nations", kind=OrganisationKind.INTERNATIONAL_ORGANISATION
        ),
        "mfa": make_organisation(slug="mfa", name="Ministry of Foreign Affairs"),
        "mod": make_organisation(
            slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE
        ),
    }


@pytest.fixture
def people(orgs: dict[str, Organisation]) -> dict[str, User | None]:
    return {
        "curator": make_member(orgs["un"], Role.ORG_ADMIN, username="curator"),
        "staff": make_user("staff", is_staff=True),
        "proposer": make_member(orgs["mfa"], Role.PLANNER, username="proposer"),
        "planner": make_member(orgs["mod"], Role.PLANNER, username="planner"),
        "steward_planner": make_member(orgs["un"], Role.PLANNER, username="steward-planner"),
        "other_admin": make_member(orgs["mod"], Role.ORG_ADMIN, username="other-admin"),
        "root": make_user("root", is_superuser=True, is_staff=False),
        "ended": make_member(
            orgs["un"],
            Role.ORG_ADMIN,
            username="ended",
            valid_from=TODAY - datetime.timedelta(days=90),
            valid_until=YESTERDAY,
        ),
        "future": make_member(orgs["un"], Role.ORG_ADMIN, username="future", valid_from=TOMORROW),
        "anonymous": None,
    }


def _person(people: dict[str, User | None], name: str) -> User:
    user = people[name]
    assert user is not None
    return user


@pytest.fixture
def approved() -> GlossaryTerm:
    return GlossaryTerm.objects.create(
        term="Local ownership",
        definition="Local actors lead and sustain the change.",
        un_impp="National ownership",
        nato_cpa="",
        eu_integrated="Local ownership",
        whole_of_government="",
        status=GlossaryStatus.APPROVED,
    )


@pytest.fixture
def proposal(people: dict[str, User | None]) -> GlossaryTerm:
    return services.glossary_term_propose(
        by=_person(people, "proposer"),
        data={
            "term": "Spoiler",
            "definition": "A party that uses violence to undermine a peace process.",
            "un_impp": "Spoiler",
            "nato_cpa": "Hostile actor",
            "eu_integrated": "",
            "whole_of_government": "Peace process spoiler",
        },
    )


def state() -> list[tuple[Any, ...]]:
    """Everything a decision could change, to show that a refused one changed nothing."""
    return list(
        GlossaryTerm.objects.order_by("pk").values_list(
            "term",
            "status",
            "version",
            "un_impp",
            "nato_cpa",
            "eu_integrated",
            "whole_of_government",
            "decided_by",
            "decided_at",
            "decline_reason",
            "merged_into",
        )
    )


def notifications() -> list[tuple[str, str, str, str, str]]:
    return list(
        Notification.objects.order_by("pk").values_list(
            "recipient__username", "kind", "text", "url", "event_key"
        )
    )


def when(value: datetime.datetime | None) -> str:
    return serializers.DateTimeField().to_representation(value)


ACTIONS = ("approve", "decline", "merge")


def decide(
    action: str, *, term: GlossaryTerm, by: User, version: int | None, into: GlossaryTerm
) -> GlossaryTerm:
    if action == "approve":
        return services.glossary_term_approve(term=term, by=by, version=version)
    if action == "decline":
        return services.glossary_term_decline(term=term, by=by, reason="No.", version=version)
    return services.glossary_term_merge(term=term, into=into, by=by, version=version)


# --- who curates ---------------------------------------------------------------------------------

CURATES = {
    "curator": True,
    "staff": True,
    "proposer": False,
    "planner": False,
    "steward_planner": False,  # a member of the steward, but not its administrator
    "other_admin": False,  # an administrator, but not of the steward
    "root": False,  # superusers curate only if they are staff (and then as staff)
    "ended": False,  # the membership ended yesterday: no task needs to have run
    "future": False,  # the membership starts tomorrow
    "anonymous": False,
}

PROPOSES = {
    "curator": False,
    "staff": True,
    "proposer": True,
    "planner": True,
    "steward_planner": True,
    "other_admin": False,
    "root": False,
    "ended": False,
    "future": False,
    "anonymous": False,
}


def test_who_curates_and_who_proposes(people: dict[str, User | None]) -> None:
    users = {name: user or AnonymousUser() for name, user in people.items()}

    assert {name: can_curate_glossary(user) for name, user in users.items()} == CURATES
    assert {name: can_propose_glossary_terms(user) for name, user in users.items()} == PROPOSES


def test_without_a_steward_only_staff_curate(people: dict[str, User | None], settings: Any) -> None:
    settings.GLOSSARY_STEWARD_ORGANISATION = ""

    assert [name for name, user in people.items() if user and can_curate_glossary(user)] == [
        "staff"
    ]


def test_the_steward_is_named_by_the_setting(people: dict[str, User | None], settings: Any) -> None:
    settings.GLOSSARY_STEWARD_ORGANISATION = "mod"

    assert [name for name, user in people.items() if user and can_curate_glossary(user)] == [
        "staff",
        "other_admin",
    ]


def test_administrators_of_a_deactivated_steward_no_longer_curate(
    people: dict[str, User | None], orgs: dict[str, Organisation]
) -> None:
    Organisation.objects.filter(pk=orgs["un"].pk).update(is_active=False)

    assert can_curate_glossary(_person(people, "curator")) is False


def test_an_inactive_staff_account_does_not_curate(people: dict[str, User | None]) -> None:
    staff = _person(people, "staff")
    staff.is_active = False

    assert can_curate_glossary(staff) is False


def test_a_membership_that_ended_yesterday_no_longer_curates(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    """The membership had curated until yesterday; no sync task has run since."""
    ended = _person(people, "ended")
    before = state()

    with pytest.raises(PermissionDenied):
        services.glossary_term_approve(term=proposal, by=ended, version=1)

    assert state() == before
    assert list(selectors.glossary_list(user=ended)) == []  # nor sees others' proposals
    assert api_as(ended).post(
        f"/api/v1/glossary/{proposal.pk}/approve/", {"version": 1}
    ).json() == (NOT_FOUND)
    assert client_as(ended).get("/glossary/proposals/").status_code == 404


# --- what each one sees --------------------------------------------------------------------------


def test_curators_see_every_proposal_others_approved_terms_and_their_own(
    people: dict[str, User | None], approved: GlossaryTerm, proposal: GlossaryTerm
) -> None:
    declined = services.glossary_term_propose(
        by=_person(people, "planner"), data={"term": "Hearts and minds", "definition": "Vague."}
    )
    services.glossary_term_decline(term=declined, by=_person(people, "curator"), reason="Jargon.")

    def seen(name: str) -> list[str]:
        return [t.term for t in selectors.glossary_list(user=_person(people, name))]

    assert seen("curator") == ["Hearts and minds", "Local ownership", "Spoiler"]
    assert seen("staff") == ["Hearts and minds", "Local ownership", "Spoiler"]
    assert seen("proposer") == ["Local ownership", "Spoiler"]
    assert seen("planner") == ["Hearts and minds", "Local ownership"]  # declined, but theirs
    assert seen("root") == ["Hearts and minds", "Local ownership", "Spoiler"]  # for support
    assert seen("ended") == ["Local ownership"]
    assert [t.term for t in selectors.glossary_proposals(user=_person(people, "curator"))] == [
        "Spoiler"
    ]
    assert list(selectors.glossary_proposals(user=_person(people, "proposer"))) == []


# --- the services --------------------------------------------------------------------------------


def test_approving_puts_the_term_in_the_glossary_and_tells_the_proposer(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    curator = _person(people, "curator")

    term = services.glossary_term_approve(term=proposal, by=curator, version=1)

    term.refresh_from_db()
    assert (term.status, term.version, term.decided_by, term.decline_reason, term.merged_into) == (
        "approved",
        2,
        curator,
        "",
        None,
    )
    assert term.decided_at is not None
    assert notifications() == [
        (
            "proposer",
            "glossary.approved",
            "Your proposal “Spoiler” is now in the glossary.",
            "/glossary/?q=Spoiler",
            f"glossary-term:{term.pk}:approved",
        )
    ]
    assert term.history.first().history_user == curator  # type: ignore[attr-defined]


def test_declining_needs_a_reason_and_tells_the_proposer_why(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    curator = _person(people, "curator")
    before = state()

    with pytest.raises(ValidationError) as refused:
        services.glossary_term_decline(term=proposal, by=curator, reason="   ", version=1)
    assert refused.value.message_dict == {"reason": ["Say why, so the proposer can improve it."]}
    assert (state(), notifications()) == (before, [])

    services.glossary_term_decline(
        term=proposal, by=curator, reason=" Covered by “Armed group”. ", version=1
    )

    proposal.refresh_from_db()
    assert (proposal.status, proposal.version, proposal.decline_reason, proposal.decided_by) == (
        "declined",
        2,
        "Covered by “Armed group”.",
        curator,
    )
    assert notifications() == [
        (
            "proposer",
            "glossary.declined",
            "Your proposal “Spoiler” was declined: Covered by “Armed group”.",
            "/glossary/?q=Spoiler",
            f"glossary-term:{proposal.pk}:declined",
        )
    ]


def test_merging_fills_the_blanks_of_the_approved_term_and_keeps_what_it_says(
    people: dict[str, User | None], proposal: GlossaryTerm, approved: GlossaryTerm
) -> None:
    curator = _person(people, "curator")

    merged = services.glossary_term_merge(term=proposal, into=approved, by=curator, version=1)

    assert merged.pk == proposal.pk
    assert state() == [
        (
            "Spoiler",
            "merged",
            2,
            "Spoiler",
            "Hostile actor",
            "",
            "Peace process spoiler",
            curator.pk,
            GlossaryTerm.objects.get(pk=proposal.pk).decided_at,
            "",
            approved.pk,
        ),
        (
            "Local ownership",
            "approved",
            2,
            "National ownership",  # kept: the approved term said it already
            "Hostile actor",  # filled from the proposal
            "Local ownership",  # kept: the proposal had nothing
            "Peace process spoiler",  # filled
            None,
            None,
            "",
            None,
        ),
    ]
    assert notifications() == [
        (
            "proposer",
            "glossary.merged",
            "Your proposal “Spoiler” was merged into “Local ownership”.",
            "/glossary/?q=Local+ownership",
            f"glossary-term:{proposal.pk}:merged",
        )
    ]


def test_a_merge_that_fills_nothing_leaves_the_approved_term_alone(
    people: dict[str, User | None], approved: GlossaryTerm
) -> None:
    alias = services.glossary_term_propose(
        by=_person(people, "planner"),
        data={"term": "Host nation ownership", "definition": "The same.", "un_impp": "Other"},
    )

    services.glossary_term_merge(term=alias, into=approved, by=_person(people, "staff"))

    approved.refresh_from_db()
    assert (approved.version, approved.un_impp) == (1, "National ownership")
    assert GlossaryTerm.objects.values_list("status", "merged_into").get(pk=alias.pk) == (
        "merged",
        approved.pk,
    )


@pytest.mark.parametrize("target", ["itself", "a proposal", "a declined term"])
def test_a_proposal_merges_only_into_an_approved_term(
    people: dict[str, User | None], proposal: GlossaryTerm, target: str
) -> None:
    curator = _person(people, "curator")
    if target == "itself":
        into = proposal
        message = "Choose another term: a proposal is not merged into itself."
    else:
        into = services.glossary_term_propose(
            by=_person(people, "planner"), data={"term": "Armed group", "definition": "Armed."}
        )
        if target == "a declined term":
            services.glossary_term_decline(term=into, by=curator, reason="Too broad.")
        message = "Choose a term that is in the glossary (approved)."
    before = state()

    with pytest.raises(ValidationError) as refused:
        services.glossary_term_merge(term=proposal, into=into, by=curator, version=1)

    assert refused.value.message_dict == {"into": [message]}
    assert state() == before


@pytest.mark.parametrize(
    ("first", "outcome"),
    [
        ("approve", "approved"),
        ("decline", "declined"),
        ("merge", "merged into “Local ownership”"),
    ],
)
def test_a_term_that_is_no_longer_a_proposal_is_not_decided_again(
    people: dict[str, User | None],
    proposal: GlossaryTerm,
    approved: GlossaryTerm,
    first: str,
    outcome: str,
) -> None:
    staff = _person(people, "staff")
    decide(first, term=proposal, by=staff, version=1, into=approved)
    before = (state(), notifications())

    for then in ACTIONS:
        with pytest.raises(StaleVersion):  # on the version read before the first decision
            decide(then, term=proposal, by=staff, version=1, into=approved)
        with pytest.raises(ValidationError) as refused:  # knowing it was decided
            decide(then, term=proposal, by=staff, version=2, into=approved)
        assert refused.value.messages == [
            f"“Spoiler” is no longer a proposal: it was {outcome}. "
            "Only proposals are approved, merged or declined."
        ]

    assert (state(), notifications()) == before


@pytest.mark.parametrize(
    "persona", ["proposer", "planner", "steward_planner", "other_admin", "root", "ended", "future"]
)
def test_only_curators_decide(
    people: dict[str, User | None], proposal: GlossaryTerm, approved: GlossaryTerm, persona: str
) -> None:
    user = _person(people, persona)
    before = state()

    for action in ACTIONS:
        with pytest.raises(PermissionDenied) as refused:
            decide(action, term=proposal, by=user, version=1, into=approved)
        assert str(refused.value) == NOT_A_CURATOR["detail"]

    assert (state(), notifications()) == (before, [])


def test_a_curator_deciding_on_their_own_proposal_is_not_told_about_it(
    people: dict[str, User | None],
) -> None:
    staff = _person(people, "staff")
    own = services.glossary_term_propose(
        by=staff, data={"term": "Do no harm", "definition": "Avoid making things worse."}
    )

    services.glossary_term_approve(term=own, by=staff, version=1)

    assert notifications() == []


def test_a_proposal_whose_proposer_is_gone_is_decided_without_telling_anyone(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    _person(people, "proposer").delete()
    proposal.refresh_from_db()

    services.glossary_term_approve(term=proposal, by=_person(people, "curator"), version=1)

    assert (GlossaryTerm.objects.get().status, notifications()) == ("approved", [])


# --- the API -------------------------------------------------------------------------------------

API_MATRIX = {
    # persona: (status on a proposal, status on an approved term)
    "curator": (200, 400),
    "staff": (200, 400),
    "proposer": (403, 403),  # sees their proposal, may not decide on it
    "planner": (404, 403),  # does not see another's proposal
    "steward_planner": (404, 403),
    "other_admin": (404, 403),
    "root": (403, 403),  # sees everything, for support, but curates only if staff
    "ended": (404, 403),
    "future": (404, 403),
    "anonymous": (401, 401),
}


def _body(action: str, into: GlossaryTerm, version: int = 1) -> dict[str, Any]:
    return {
        "approve": {"version": version},
        "decline": {"version": version, "reason": "Covered already."},
        "merge": {"version": version, "into": into.pk},
    }[action]


def _refusal(persona: str, status: int) -> dict[str, str]:
    if status == 404:
        return NOT_FOUND
    return ANONYMOUS if persona == "anonymous" else NOT_A_CURATOR


@pytest.mark.parametrize("persona", list(API_MATRIX))
def test_api_decision_matrix_on_a_proposal(
    people: dict[str, User | None], approved: GlossaryTerm, persona: str
) -> None:
    outcomes = []
    for action in ACTIONS:
        proposal = services.glossary_term_propose(
            by=_person(people, "proposer"),
            data={"term": f"Spoiler ({action})", "definition": "Undermines peace.", "un_impp": "S"},
        )
        before = state()

        response = api_as(people[persona]).post(
            f"/api/v1/glossary/{proposal.pk}/{action}/", _body(action, approved), format="json"
        )

        assert response.status_code == API_MATRIX[persona][0]
        if response.status_code != 200:
            assert response.json() == _refusal(persona, response.status_code)
            assert state() == before
            continue
        proposal.refresh_from_db()
        outcomes.append(proposal.status)
        assert response.json() == {
            "id": proposal.pk,
            "term": f"Spoiler ({action})",
            "definition": "Undermines peace.",
            "un_impp": "S",
            "nato_cpa": "",
            "eu_integrated": "",
            "whole_of_government": "",
            "status": proposal.status,
            "merged_into": approved.pk if action == "merge" else None,
            "decline_reason": "Covered already." if action == "decline" else "",
            "created": when(proposal.created),
            "version": 2,
        }
    if API_MATRIX[persona][0] == 200:
        assert outcomes == ["approved", "declined", "merged"]
        assert [n[:3] for n in notifications()] == [
            (
                "proposer",
                "glossary.approved",
                "Your proposal “Spoiler (approve)” is now in the glossary.",
            ),
            (
                "proposer",
                "glossary.declined",
                "Your proposal “Spoiler (decline)” was declined: Covered already.",
            ),
            (
                "proposer",
                "glossary.merged",
                "Your proposal “Spoiler (merge)” was merged into “Local ownership”.",
            ),
        ]
    else:
        assert notifications() == []


@pytest.mark.parametrize("persona", list(API_MATRIX))
def test_api_decision_matrix_on_an_approved_term(
    people: dict[str, User | None], proposal: GlossaryTerm, approved: GlossaryTerm, persona: str
) -> None:
    before = state()

    for action in ACTIONS:
        response = api_as(people[persona]).post(
            f"/api/v1/glossary/{approved.pk}/{action}/", _body(action, proposal), format="json"
        )

        assert response.status_code == API_MATRIX[persona][1]
        if response.status_code == 400:
            assert response.json() == {
                "non_field_errors": [
                    "“Local ownership” is no longer a proposal: it was approved. "
                    "Only proposals are approved, merged or declined."
                ]
            }
        else:
            assert response.json() == _refusal(persona, response.status_code)

    assert (state(), notifications()) == (before, [])


BAD_INPUT = [
    ("approve", {}, {"version": ["This field is required."]}),
    (
        "approve",
        {"version": 0},
        {"version": ["Ensure this value is greater than or equal to 1."]},
    ),
    ("decline", {"version": 1}, {"reason": ["This field is required."]}),
    ("decline", {"version": 1, "reason": "  "}, {"reason": ["This field may not be blank."]}),
    (
        "decline",
        {"version": 1, "reason": "x" * 1001},
        {"reason": ["Ensure this field has no more than 1000 characters."]},
    ),
    ("merge", {"version": 1}, {"into": ["This field is required."]}),
    (
        "merge",
        {"version": 1, "into": 999999},
        {"into": ['Invalid pk "999999" - object does not exist.']},
    ),
    (
        "merge",
        {"version": 1, "into": "self"},
        {"into": ["Choose another term: a proposal is not merged into itself."]},
    ),
]


def test_api_bad_input_answers_400_per_field_and_changes_nothing(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    client = api_as(people["curator"])
    before = state()

    for action, body, errors in BAD_INPUT:
        if body.get("into") == "self":
            body = {**body, "into": proposal.pk}
        response = client.post(f"/api/v1/glossary/{proposal.pk}/{action}/", body, format="json")
        assert (action, response.status_code, response.json()) == (action, 400, errors)

    assert (state(), notifications()) == (before, [])


def test_api_a_decision_on_a_stale_version_answers_409_with_the_current_term(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    services.glossary_term_decline(term=proposal, by=_person(people, "staff"), reason="Jargon.")
    before = (state(), notifications())

    response = api_as(people["curator"]).post(
        f"/api/v1/glossary/{proposal.pk}/approve/", {"version": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Someone else changed this since you opened it. Review their changes and try again."
    )
    assert (response.json()["current"]["status"], response.json()["current"]["version"]) == (
        "declined",
        2,
    )
    assert (state(), notifications()) == before


def test_api_merge_into_a_term_the_curator_reads_in_the_glossary(
    people: dict[str, User | None], proposal: GlossaryTerm, approved: GlossaryTerm
) -> None:
    response = api_as(people["staff"]).post(
        f"/api/v1/glossary/{proposal.pk}/merge/",
        {"version": 1, "into": approved.pk},
        format="json",
    )

    assert response.status_code == 200
    target = api_as(people["planner"]).get(f"/api/v1/glossary/{approved.pk}/").json()
    assert (target["nato_cpa"], target["whole_of_government"], target["version"]) == (
        "Hostile actor",
        "Peace process spoiler",
        2,
    )
    # The proposer reads what became of the proposal; others do not see it.
    assert (
        api_as(people["proposer"]).get(f"/api/v1/glossary/{proposal.pk}/").json()["merged_into"]
        == approved.pk
    )
    assert api_as(people["planner"]).get(f"/api/v1/glossary/{proposal.pk}/").status_code == 404


def test_the_decisions_are_in_the_schema(people: dict[str, User | None]) -> None:
    response = api_as(people["staff"]).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    schema = response.json()
    for action, component in [
        ("approve", "GlossaryDecision"),
        ("decline", "GlossaryDecline"),
        ("merge", "GlossaryMerge"),
    ]:
        operation = schema["paths"][f"/api/v1/glossary/{{id}}/{action}/"]
        assert set(operation) == {"post", "parameters"} or set(operation) == {"post"}
        post = operation["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{component}"
        }
        assert set(post["responses"]) == {"200", "400", "401", "403", "404", "409", "415", "429"}
    assert schema["components"]["schemas"]["GlossaryDecline"]["required"] == ["reason", "version"]
    assert schema["components"]["schemas"]["GlossaryMerge"]["required"] == ["into", "version"]


# --- the proposals page --------------------------------------------------------------------------


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


PAGE_MATRIX = {
    "curator": 200,
    "staff": 200,
    "proposer": 404,
    "planner": 404,
    "steward_planner": 404,
    "other_admin": 404,
    "root": 404,
    "ended": 404,
    "future": 404,
}


def test_proposals_page_matrix(people: dict[str, User | None], proposal: GlossaryTerm) -> None:
    statuses = {
        name: client_as(user).get("/glossary/proposals/").status_code
        for name, user in people.items()
        if user is not None
    }
    anonymous = client_as(None).get("/glossary/proposals/")

    assert statuses == PAGE_MATRIX
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        "/login/?next=/glossary/proposals/",
    )


def test_proposals_page_lists_what_waits_with_a_form_for_each_decision(
    people: dict[str, User | None], proposal: GlossaryTerm, approved: GlossaryTerm
) -> None:
    later = services.glossary_term_propose(
        by=_person(people, "planner"), data={"term": "Armed group", "definition": "Armed."}
    )

    response = client_as(people["curator"]).get("/glossary/proposals/")

    assert [t.term for t in response.context["proposals"]] == ["Spoiler", "Armed group"]
    html = response.content.decode()
    for term in (proposal, later):
        for action in ("approve", "merge", "decline"):
            assert f'action="/glossary/proposals/{term.pk}/{action}/"' in html
    assert html.count('<input type="hidden" name="version" value="1">') == 6
    assert f'<option value="{approved.pk}">Local ownership</option>' in html
    assert f'<option value="{later.pk}">' not in html  # only approved terms take a merge
    assert "Proposed by proposer on" in html


def test_proposals_page_says_when_nothing_waits(people: dict[str, User | None]) -> None:
    html = client_as(people["staff"]).get("/glossary/proposals/").content.decode()

    assert "No proposals are waiting." in html


def test_the_glossary_links_curators_to_the_proposals_waiting(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    link = 'href="/glossary/proposals/" role="button">Proposals waiting: 1</a>'

    assert link in client_as(people["curator"]).get("/glossary/").content.decode()
    assert (
        "/glossary/proposals/"
        not in client_as(people["proposer"]).get("/glossary/").content.decode()
    )


@pytest.mark.parametrize(
    ("action", "data", "message", "status"),
    [
        (
            "approve",
            {},
            "“Spoiler” is now in the glossary. Its proposer has been told.",
            "approved",
        ),
        (
            "merge",
            {"into": "approved"},
            "“Spoiler” was merged into “Local ownership”. Its proposer has been told.",
            "merged",
        ),
        (
            "decline",
            {"reason": "Covered by “Armed group”."},
            "“Spoiler” was declined. Its proposer has been told.",
            "declined",
        ),
    ],
)
def test_deciding_on_the_page_says_what_happened(
    people: dict[str, User | None],
    proposal: GlossaryTerm,
    approved: GlossaryTerm,
    action: str,
    data: dict[str, str],
    message: str,
    status: str,
) -> None:
    if data.get("into") == "approved":
        data = {"into": str(approved.pk)}

    response = client_as(people["curator"]).post(
        f"/glossary/proposals/{proposal.pk}/{action}/", {"version": "1", **data}, follow=True
    )

    assert response.redirect_chain == [("/glossary/proposals/", 302)]
    assert flashed(response) == [message]
    assert message in response.content.decode()
    assert GlossaryTerm.objects.values_list("status", flat=True).get(pk=proposal.pk) == status
    assert [n[:2] for n in notifications()] == [("proposer", f"glossary.{status}")]
    assert list(response.context["proposals"]) == []


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        (
            "decline",
            {"version": "1"},
            "“Spoiler” was left as it is: Say why, so the proposer can improve it.",
        ),
        (
            "merge",
            {"version": "1"},
            "“Spoiler” was left as it is: Choose the term to merge it into.",
        ),
        (
            "merge",
            {"version": "1", "into": "999999"},
            "“Spoiler” was left as it is: Choose a term that is in the glossary (approved).",
        ),
        ("approve", {}, "“Spoiler” was left as it is: This field is required."),
        (
            "approve",
            {"version": "2"},
            "“Spoiler” changed since you opened this page, so nothing was decided. "
            "It was edited meanwhile: read it again below.",
        ),
    ],
)
def test_a_refused_decision_on_the_page_says_why_and_changes_nothing(
    people: dict[str, User | None],
    proposal: GlossaryTerm,
    action: str,
    data: dict[str, str],
    message: str,
) -> None:
    before = state()

    response = client_as(people["curator"]).post(
        f"/glossary/proposals/{proposal.pk}/{action}/", data, follow=True
    )

    assert response.redirect_chain == [("/glossary/proposals/", 302)]
    assert flashed(response) == [message]
    assert (state(), notifications()) == (before, [])


def test_a_proposal_someone_else_decided_meanwhile_is_not_decided_again_on_the_page(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    services.glossary_term_approve(term=proposal, by=_person(people, "staff"), version=1)
    before = (state(), notifications())

    response = client_as(people["curator"]).post(
        f"/glossary/proposals/{proposal.pk}/decline/",
        {"version": "1", "reason": "Jargon."},
        follow=True,
    )

    assert flashed(response) == [
        "“Spoiler” changed since you opened this page, so nothing was decided. "
        "Someone else approved it meanwhile."
    ]
    assert (state(), notifications()) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("proposer", 403),  # sees the proposal, may not decide on it
        ("planner", 404),
        ("root", 403),
        ("ended", 404),
        ("future", 404),
    ],
)
def test_page_decisions_by_others_are_refused_and_change_nothing(
    people: dict[str, User | None],
    proposal: GlossaryTerm,
    approved: GlossaryTerm,
    persona: str,
    status: int,
) -> None:
    before = state()

    for action in ACTIONS:
        response = client_as(people[persona]).post(
            f"/glossary/proposals/{proposal.pk}/{action}/",
            {"version": "1", "into": str(approved.pk), "reason": "No."},
        )
        assert (action, response.status_code) == (action, status)

    assert (state(), notifications()) == (before, [])


def test_page_decisions_are_posted_not_fetched(
    people: dict[str, User | None], proposal: GlossaryTerm
) -> None:
    response = client_as(people["curator"]).get(f"/glossary/proposals/{proposal.pk}/approve/")

    assert response.status_code == 405
    assert GlossaryTerm.objects.get().status == "proposed"


def test_the_proposer_reads_on_the_glossary_what_became_of_their_proposals(
    people: dict[str, User | None], proposal: GlossaryTerm, approved: GlossaryTerm
) -> None:
    curator = _person(people, "curator")
    declined = services.glossary_term_propose(
        by=_person(people, "proposer"), data={"term": "Hearts and minds", "definition": "Vague."}
    )
    services.glossary_term_decline(term=declined, by=curator, reason="Too vague to share.")
    services.glossary_term_merge(term=proposal, into=approved, by=curator)

    mine = client_as(people["proposer"]).get("/glossary/")
    theirs = client_as(people["curator"]).get("/glossary/")

    assert [t.term for t in mine.context["terms"]] == [
        "Hearts and minds",
        "Local ownership",
        "Spoiler",
    ]
    html = mine.content.decode()
    assert '<span class="badge badge-muted">declined</span>' in html
    assert "<strong>Declined:</strong> Too vague to share." in html
    assert '<span class="badge badge-muted">merged into Local ownership</span>' in html
    # A curator's crosswalk shows the glossary and what waits, not what was turned away.
    assert [t.term for t in theirs.context["terms"]] == ["Local ownership"]


def test_the_proposals_page_costs_the_same_for_2_and_20_proposals(
    people: dict[str, User | None], approved: GlossaryTerm, django_assert_max_num_queries: Any
) -> None:
    proposer = _person(people, "proposer")
    client = client_as(people["curator"])

    def add(n: int) -> None:
        for _ in range(n):
            number = GlossaryTerm.objects.count()
            services.glossary_term_propose(
                by=proposer, data={"term": f"Term {number:02}", "definition": "Meaning."}
            )

    add(2)
    with django_assert_max_num_queries(10) as small:
        assert len(client.get("/glossary/proposals/").context["proposals"]) == 2
    add(18)
    with django_assert_max_num_queries(10) as large:
        assert len(client.get("/glossary/proposals/").context["proposals"]) == 20
    assert len(small.captured_queries) == len(large.captured_queries)


# --- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client_for(people: dict[str, User | None]) -> Client:
    root = make_user("admin-root", is_superuser=True, is_staff=True)
    return client_as(root)


def test_the_admin_approves_selected_proposals_through_the_service(
    people: dict[str, User | None],
    proposal: GlossaryTerm,
    approved: GlossaryTerm,
    admin_client_for: Client,
) -> None:
    response = admin_client_for.post(
        "/admin/strategy/glossaryterm/",
        {"action": "approve_proposals", "_selected_action": [proposal.pk, approved.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert flashed(response) == [
        "Approved 1: “Spoiler”. Their proposers are told (unless that is you).",
        "“Local ownership” is no longer a proposal: it was approved. "
        "Only proposals are approved, merged or declined.",
    ]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.version, proposal.decided_by.username) == (  # type: ignore[union-attr]
        "approved",
        2,
        "admin-root",
    )
    assert [n[:2] for n in notifications()] == [("proposer", "glossary.approved")]


def test_the_admin_shows_terms_read_only_and_points_to_the_page_for_other_decisions(
    proposal: GlossaryTerm, admin_client_for: Client
) -> None:
    change = admin_client_for.get(f"/admin/strategy/glossaryterm/{proposal.pk}/change/")

    assert change.status_code == 200
    assert (
        f'<a href="/glossary/proposals/#proposal-{proposal.pk}">'
        "Approve, merge or decline it on the proposals page</a>"
    ) in change.content.decode()
    assert 'name="definition"' not in change.content.decode()
    assert admin_client_for.get("/admin/strategy/glossaryterm/add/").status_code == 403
    assert re.search(
        r"Spoiler", admin_client_for.get("/admin/strategy/glossaryterm/").content.decode()
    )
