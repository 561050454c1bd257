"""Hostile input every endpoint meets the same way (issue 10): deeply nested JSON, odd
`If-Match` headers, usernames the lockout records cannot hold. A 400 (or the ordinary
"wrong username or password"), never a 500."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from tests.conftest import api_as
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOO_DEEP = {"detail": "JSON parse error - nested deeper than 32 levels."}
WRONG_CREDENTIALS = {"non_field_errors": ["Unable to log in with provided credentials."]}
WRONG_PASSWORD_PAGE = "Please enter a correct username and password"


def organisation_url(organisation: Organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}/"


# --- 2. deeply nested JSON -----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 33 + "]" * 33, '{"a":' * 5000 + "1"])
def test_deeply_nested_json_is_refused_without_signing_in(body: str) -> None:
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")

    assert (response.status_code, response.json()) == (400, TOO_DEEP)


def test_deeply_nested_json_is_refused_on_an_edit(org_admin: User, home_org: Organisation) -> None:
    body = '{"version": 1, "country": ' + "[" * 40 + "]" * 40 + "}"

    response = api_as(org_admin).patch(
        organisation_url(home_org), body, content_type="application/json"
    )

    assert (response.status_code, response.json()) == (400, TOO_DEEP)
    home_org.refresh_from_db()
    assert home_org.version == 1


def test_json_nested_32_levels_is_still_parsed(org_admin: User, home_org: Organisation) -> None:
    body = '{"version": 1, "country": ' + "[" * 31 + "]" * 31 + "}"

    response = api_as(org_admin).patch(
        organisation_url(home_org), body, content_type="application/json"
    )

    # Parsed, then refused by the field as any other wrong type.
    assert (response.status_code, response.json()) == (400, {"country": ["Not a valid string."]})


# --- 3. If-Match ---------------------------------------------------------------------------------

ETAG_ADVICE = {"If-Match": 'Send the ETag you received, for example "3".'}


@pytest.mark.parametrize("header", ['"²"', '"٣"', '"1.0"', '"-1"', "*", '"1", "2"', '"0x1"'])
def test_an_if_match_that_is_no_version_is_a_400(
    org_admin: User, home_org: Organisation, header: str
) -> None:
    response = api_as(org_admin).patch(
        organisation_url(home_org), {"acronym": "BZ"}, format="json", HTTP_IF_MATCH=header
    )

    assert (response.status_code, response.json()) == (400, ETAG_ADVICE)
    home_org.refresh_from_db()
    assert home_org.version == 1


def test_a_huge_if_match_is_just_stale(org_admin: User, home_org: Organisation) -> None:
    response = api_as(org_admin).patch(
        organisation_url(home_org),
        {"acronym": "BZ"},
        format="json",
        HTTP_IF_MATCH='"' + "9" * 30 + '"',
    )

    assert response.status_code == 409
    home_org.refresh_from_db()
    assert home_org.version == 1


@pytest.mark.parametrize(
    ("body_version", "header"), [(2, '"1"'), (1, '"2"')], ids=["stale header", "stale body"]
)
def test_a_version_in_the_body_and_in_if_match_must_agree(
    org_admin: User, home_org: Organisation, body_version: int, header: str
) -> None:
    client = api_as(org_admin)
    assert (
        client.patch(
            organisation_url(home_org), {"country": "Aruba", "version": 1}, format="json"
        ).status_code
        == 200
    )

    response = client.patch(
        organisation_url(home_org),
        {"country": "Curaçao", "version": body_version},
        format="json",
        HTTP_IF_MATCH=header,
    )

    assert response.status_code == 409
    assert response.json()["current"]["country"] == "Aruba"
    home_org.refresh_from_db()
    assert (home_org.country, home_org.version) == ("Aruba", 2)


def test_a_version_in_the_body_and_a_weak_if_match_that_agree_are_taken(
    org_admin: User, home_org: Organisation
) -> None:
    response = api_as(org_admin).patch(
        organisation_url(home_org),
        {"country": "Aruba", "version": 1},
        format="json",
        HTTP_IF_MATCH='W/"1"',
    )

    assert (response.status_code, response["ETag"]) == (200, '"2"')


# --- 4. usernames the lockout records cannot hold ------------------------------------------------

LONG_USERNAMES = ["m" * 151, "m" * 256, "m" * 10_000]
NUL_USERNAMES = ["mem\x00ber", "\x00"]


@pytest.mark.parametrize("username", LONG_USERNAMES, ids=["151", "256", "10000"])
def test_the_sign_in_page_answers_a_username_too_long_as_a_wrong_one(
    member: User, username: str
) -> None:
    response = Client().post(
        "/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 200
    assert WRONG_PASSWORD_PAGE in response.content.decode()


@pytest.mark.parametrize("username", LONG_USERNAMES, ids=["151", "256", "10000"])
def test_the_token_endpoint_answers_a_username_too_long_as_a_wrong_one(
    member: User, username: str
) -> None:
    response = APIClient(REMOTE_ADDR="203.0.113.9").post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )

    assert (response.status_code, response.json()) == (400, WRONG_CREDENTIALS)


# A username with NUL is one nobody has: the same answer as any wrong username.


@pytest.mark.parametrize("username", NUL_USERNAMES, ids=["inside", "alone"])
def test_the_sign_in_page_answers_a_username_with_nul_as_a_wrong_one(
    member: User, username: str
) -> None:
    response = Client().post(
        "/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 200
    assert WRONG_PASSWORD_PAGE in response.content.decode()


@pytest.mark.parametrize("username", NUL_USERNAMES, ids=["inside", "alone"])
def test_the_token_endpoint_answers_a_username_with_nul_as_a_wrong_one(
    member: User, username: str
) -> None:
    response = APIClient(REMOTE_ADDR="203.0.113.9").post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )

    assert (response.status_code, response.json()) == (400, WRONG_CREDENTIALS)


# --- 5. ids are whole numbers everywhere (the plan API's are in tests/missions) -------------------


def test_a_strategy_lead_given_as_a_fraction_is_refused(
    member: User, home_org: Organisation
) -> None:
    response = api_as(member).post(
        "/api/v1/strategies/",
        {"title": "Rounded", "lead_organisation": home_org.pk + 0.5, "partners": [1.5]},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["lead_organisation"], body["partners"]) == (
        ["Incorrect type. Expected pk value, received float."],
        ["Incorrect type. Expected pk value, received float."],
    )


def test_a_username_too_long_still_counts_towards_the_lockout(member: User) -> None:
    client = APIClient(REMOTE_ADDR="203.0.113.10")
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": "m" * 300, "password": "wrong"}, format="json"
        ).status_code
        for _ in range(6)
    ]

    assert answers == [400, 400, 400, 400, 400, 429]
    assert AccessAttempt.objects.get().username == "m" * 255
