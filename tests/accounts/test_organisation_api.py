from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Organisation, OrganisationKind, Role, User
from tests.conftest import api_as
from tests.factories import PASSWORD, make_member, make_organisation

pytestmark = pytest.mark.django_db


def api_detail(organisation: Organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}/"


# --- token and identity ------------------------------------------------------------------------


def test_token_is_issued_for_valid_credentials_and_authenticates(member: User) -> None:
    client = api_as(None)
    response = client.post(
        "/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/users/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "member"


def test_token_is_refused_for_a_wrong_password(member: User) -> None:
    response = api_as(None).post(
        "/api/v1/auth/token/", {"username": "member", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_me_lists_memberships_with_organisation_and_dates(
    member: User, home_org: Organisation, other_org: Organisation
) -> None:
    from tests.factories import add_membership

    add_membership(member, other_org, Role.ANALYST)
    response = api_as(member).get("/api/v1/users/me/")

    assert response.status_code == 200
    memberships = response.json()["memberships"]
    assert [(m["organisation"], m["organisation_slug"], m["role"]) for m in memberships] == [
        (other_org.pk, "mod", "analyst"),
        (home_org.pk, "mfa", "planner"),
    ]
    assert all(m["is_current"] for m in memberships)
    assert memberships[1]["valid_until"] is None


@pytest.mark.parametrize(
    "url",
    ["/api/v1/users/me/", "/api/v1/organisations/", "/api/schema/"],
)
def test_anonymous_gets_no_data(url: str, home_org: Organisation) -> None:
    response = api_as(None).get(url)
    assert response.status_code == 401
    assert b"results" not in response.content
    assert b"Ministry" not in response.content


# --- directory --------------------------------------------------------------------------------


def test_directory_lists_active_organisations_and_filters_by_kind(
    outsider: User, home_org: Organisation, other_org: Organisation
) -> None:
    make_organisation(slug="police", kind=OrganisationKind.POLICE, name="National Police")

    everything = api_as(outsider).get("/api/v1/organisations/")
    assert everything.status_code == 200
    body = everything.json()
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}
    assert (body["count"], body["count_exact"]) == (3, True)
    assert [o["slug"] for o in body["results"]] == ["mod", "mfa", "police"]  # by name

    police = api_as(outsider).get("/api/v1/organisations/", {"kind": "police"})
    assert [o["slug"] for o in police.json()["results"]] == ["police"]


def test_inactive_organisation_is_visible_to_its_members_only(
    member: User, outsider: User, home_org: Organisation
) -> None:
    Organisation.objects.filter(pk=home_org.pk).update(is_active=False)

    assert api_as(outsider).get(api_detail(home_org)).status_code == 404
    assert "mfa" not in [
        o["slug"] for o in api_as(outsider).get("/api/v1/organisations/").json()["results"]
    ]
    assert api_as(member).get(api_detail(home_org)).status_code == 200
    assert "mfa" in [
        o["slug"] for o in api_as(member).get("/api/v1/organisations/").json()["results"]
    ]


def test_directory_query_count_does_not_grow_with_rows(
    member: User, django_assert_max_num_queries
) -> None:
    client = api_as(member)
    for n in range(2):
        make_organisation(slug=f"small-{n}")
    with django_assert_max_num_queries(3) as small:
        assert client.get("/api/v1/organisations/").json()["count"] == 3
    for n in range(48):
        make_organisation(slug=f"large-{n}")
    with django_assert_max_num_queries(3) as large:
        assert client.get("/api/v1/organisations/").json()["count"] == 51
    assert len(small.captured_queries) == len(large.captured_queries)


# --- member list: members only -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 403),
        ("superuser", 200),  # sees everything, for support
        ("ended_yesterday", 403),
        ("starts_tomorrow", 403),
        ("anonymous", 401),
    ],
)
def test_member_list_matrix(
    request: pytest.FixtureRequest, persona: str, status: int, home_org: Organisation
) -> None:
    request.getfixturevalue("member")
    request.getfixturevalue("org_admin")
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = api_as(user).get(f"/api/v1/organisations/{home_org.pk}/members/")

    assert response.status_code == status
    if status == 200:
        assert [(m["username"], m["role"]) for m in response.json()["results"]] == [
            ("member", "planner"),
            ("org-admin", "org_admin"),
        ]
    else:
        assert "results" not in response.json()


def test_member_list_leaves_out_future_and_ended_memberships(
    member: User, home_org: Organisation
) -> None:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    make_member(
        home_org,
        Role.ANALYST,
        username="starts-tomorrow",
        valid_from=today + datetime.timedelta(days=1),
    )
    make_member(
        home_org,
        Role.ANALYST,
        username="left-yesterday",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    response = api_as(member).get(f"/api/v1/organisations/{home_org.pk}/members/")
    assert [m["username"] for m in response.json()["results"]] == ["member"]


# --- editing the profile: org admins only ----------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("org_admin", 200),
        ("member", 403),
        ("outsider", 403),
        ("superuser", 403),  # administers in the admin, edits for no organisation here
        ("ended_yesterday", 403),  # an organisation administrator until yesterday
        ("starts_tomorrow", 403),  # and one from tomorrow
        ("anonymous", 401),
    ],
)
def test_profile_edit_matrix(
    request: pytest.FixtureRequest, persona: str, status: int, home_org: Organisation
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = api_as(user).patch(
        api_detail(home_org), {"country": "Kingdom of the Netherlands", "version": 1}, format="json"
    )

    assert response.status_code == status
    home_org.refresh_from_db()
    if status == 200:
        assert response.json()["country"] == "Kingdom of the Netherlands"
        assert response.json()["version"] == 2
        assert home_org.country == "Kingdom of the Netherlands"
        assert home_org.version == 2
        assert home_org.history.count() == 2
    else:
        assert home_org.country == "Netherlands"
        assert home_org.version == 1
        assert home_org.history.count() == 1


def test_profile_edit_of_an_invisible_organisation_is_404(
    outsider: User, home_org: Organisation
) -> None:
    Organisation.objects.filter(pk=home_org.pk).update(is_active=False)
    response = api_as(outsider).patch(
        api_detail(home_org), {"country": "X", "version": 1}, format="json"
    )
    assert response.status_code == 404
    home_org.refresh_from_db()
    assert home_org.country == "Netherlands"


def test_stale_version_is_refused_with_409_and_the_current_state(
    org_admin: User, home_org: Organisation
) -> None:
    client = api_as(org_admin)
    first = client.patch(api_detail(home_org), {"country": "Aruba", "version": 1}, format="json")
    assert first.status_code == 200

    second = client.patch(api_detail(home_org), {"country": "Curaçao", "version": 1}, format="json")

    assert second.status_code == 409
    assert second.json()["current"]["country"] == "Aruba"
    assert second.json()["current"]["version"] == 2
    home_org.refresh_from_db()
    assert home_org.country == "Aruba"


def test_if_match_header_carries_the_version(org_admin: User, home_org: Organisation) -> None:
    client = api_as(org_admin)
    etag = client.get(api_detail(home_org))["ETag"]
    assert etag == '"1"'

    ok = client.patch(api_detail(home_org), {"acronym": "BZ"}, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch(api_detail(home_org), {"acronym": "XX"}, format="json", HTTP_IF_MATCH=etag)

    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert stale.status_code == 409
    home_org.refresh_from_db()
    assert home_org.acronym == "BZ"


def test_edit_without_a_version_is_a_400_naming_the_field(
    org_admin: User, home_org: Organisation
) -> None:
    response = api_as(org_admin).patch(api_detail(home_org), {"country": "X"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_invalid_field_is_a_400_with_field_messages_and_nothing_saved(
    org_admin: User, home_org: Organisation
) -> None:
    response = api_as(org_admin).patch(
        api_detail(home_org), {"website": "not a url", "country": "X", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"website": ["Enter a valid URL."]}
    home_org.refresh_from_db()
    assert (home_org.country, home_org.version) == ("Netherlands", 1)


def test_read_only_fields_cannot_be_changed_through_the_api(
    org_admin: User, home_org: Organisation
) -> None:
    response = api_as(org_admin).patch(
        api_detail(home_org),
        {"kind": "ngo", "slug": "hijack", "is_active": False, "version": 1},
        format="json",
    )
    assert response.status_code == 200
    home_org.refresh_from_db()
    assert (home_org.kind, home_org.slug, home_org.is_active) == ("foreign_affairs", "mfa", True)


def test_openapi_schema_describes_the_api(member: User) -> None:
    response = api_as(member).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/auth/token/",
        "/api/v1/users/me/",
        "/api/v1/organisations/",
        "/api/v1/organisations/{id}/",
        "/api/v1/organisations/{id}/members/",
    } <= set(schema["paths"])


def test_openapi_schema_is_valid_and_complete(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    assert "/api/v1/reports/{id}/download/:" in out.read_text()
