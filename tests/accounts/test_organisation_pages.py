from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Organisation, Role, User
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in(home_org: Organisation) -> None:
    for url in [
        "/",
        "/organisations/",
        f"/organisations/{home_org.pk}/",
        f"/organisations/{home_org.pk}/edit/",
    ]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_home_shows_the_users_organisations_and_roles(
    member: User, home_org: Organisation, other_org: Organisation
) -> None:
    from tests.factories import add_membership

    add_membership(member, other_org, Role.FIELD_ADVISOR)
    response = client_as(member).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ministry of Foreign Affairs" in html
    assert "Ministry of Defence" in html
    assert "Planner" in html
    assert "Field advisor" in html


def test_home_tells_a_user_without_roles_what_to_do(db: None) -> None:
    from tests.factories import make_user

    response = client_as(make_user("lonely")).get("/")
    assert "You have no current role in any organisation" in response.content.decode()


def test_directory_lists_and_filters(
    member: User, home_org: Organisation, other_org: Organisation
) -> None:
    everything = client_as(member).get("/organisations/").content.decode()
    assert "Ministry of Foreign Affairs" in everything
    assert "Ministry of Defence" in everything

    defence = client_as(member).get("/organisations/", {"kind": "defence"}).content.decode()
    assert "Ministry of Defence" in defence
    assert "Ministry of Foreign Affairs" not in defence


def test_directory_page_query_count_is_flat(member: User, django_assert_max_num_queries) -> None:
    client = client_as(member)
    make_organisation(slug="one")
    with django_assert_max_num_queries(10) as small:
        client.get("/organisations/")
    for n in range(48):
        make_organisation(slug=f"more-{n}")
    with django_assert_max_num_queries(10) as large:
        client.get("/organisations/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_detail_shows_members_to_members_only(
    member: User, org_admin: User, outsider: User, home_org: Organisation
) -> None:
    as_member = client_as(member).get(f"/organisations/{home_org.pk}/").content.decode()
    assert "org-admin" in as_member
    assert "Organisation administrator" in as_member
    assert "Edit profile" not in as_member

    as_outsider = client_as(outsider).get(f"/organisations/{home_org.pk}/").content.decode()
    assert "Only members of MFA can see who works there." in as_outsider
    assert "Organisation administrator" not in as_outsider

    as_admin = client_as(org_admin).get(f"/organisations/{home_org.pk}/").content.decode()
    assert "Edit profile" in as_admin


def test_inactive_organisation_page_is_404_to_outsiders(
    outsider: User, member: User, home_org: Organisation
) -> None:
    Organisation.objects.filter(pk=home_org.pk).update(is_active=False)
    assert client_as(outsider).get(f"/organisations/{home_org.pk}/").status_code == 404
    assert client_as(outsider).get(f"/organisations/{home_org.pk}/edit/").status_code == 404
    assert client_as(member).get(f"/organisations/{home_org.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("org_admin", 200),
        ("member", 403),
        ("outsider", 403),
        ("superuser", 403),  # administers in the admin, edits for no organisation here
        ("ended_yesterday", 403),  # an organisation administrator until yesterday
        ("starts_tomorrow", 403),  # and one from tomorrow
    ],
)
def test_edit_page_matrix(
    request: pytest.FixtureRequest, persona: str, status: int, home_org: Organisation
) -> None:
    user = request.getfixturevalue(persona)
    client = client_as(user)
    assert client.get(f"/organisations/{home_org.pk}/edit/").status_code == status

    response = client.post(
        f"/organisations/{home_org.pk}/edit/",
        {"name": home_org.name, "acronym": "BZ", "country": "Netherlands", "version": 1},
    )
    home_org.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert (home_org.acronym, home_org.version) == ("BZ", 2)
    else:
        assert response.status_code == 403
        assert (home_org.acronym, home_org.version) == ("MFA", 1)


def test_edit_form_shows_field_errors_and_saves_nothing(
    org_admin: User, home_org: Organisation
) -> None:
    response = client_as(org_admin).post(
        f"/organisations/{home_org.pk}/edit/",
        {"name": "", "website": "nope", "version": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["This field is required."],
        "website": ["Enter a valid URL."],
    }
    home_org.refresh_from_db()
    assert (home_org.name, home_org.version) == ("Ministry of Foreign Affairs", 1)


def test_edit_form_refuses_a_stale_version_and_keeps_the_users_input(
    org_admin: User, home_org: Organisation
) -> None:
    second_admin = make_member(home_org, Role.ORG_ADMIN)
    client_as(second_admin).post(
        f"/organisations/{home_org.pk}/edit/",
        {"name": home_org.name, "country": "Aruba", "version": 1},
    )

    response = client_as(org_admin).post(
        f"/organisations/{home_org.pk}/edit/",
        {"name": home_org.name, "country": "Curaçao", "version": 1},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Someone else changed this since you opened it. Review their changes and try again."
    ]
    assert form["country"].value() == "Curaçao"
    assert form["version"].value() == "2"  # as the form will post it
    home_org.refresh_from_db()
    assert (home_org.country, home_org.version) == ("Aruba", 2)
