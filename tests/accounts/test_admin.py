from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from accounts.authority import may
from accounts.models import Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


def test_admin_creating_an_organisation_creates_its_groups_and_grants(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Ministry of Justice",
            "slug": "justice",
            "acronym": "MOJ",
            "kind": "justice",
            "country": "Netherlands",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    justice = Organisation.objects.get(slug="justice")
    assert justice.role_groups.count() == 5
    assert justice.history.count() == 1


def test_admin_adding_a_membership_grants_at_once(
    admin_client: Client, home_org: Organisation
) -> None:
    user = User.objects.create_user("newcomer")
    response = admin_client.post(
        "/admin/accounts/membership/add/",
        {
            "user": user.pk,
            "organisation": home_org.pk,
            "role": "org_admin",
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    assert may(User.objects.get(pk=user.pk), home_org, "change_organisation")


def test_admin_refuses_a_membership_ending_before_it_starts(
    admin_client: Client, home_org: Organisation
) -> None:
    user = User.objects.create_user("backwards")
    response = admin_client.post(
        "/admin/accounts/membership/add/",
        {
            "user": user.pk,
            "organisation": home_org.pk,
            "role": "planner",
            "valid_from": "2026-05-02",
            "valid_until": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert "A membership cannot end before it starts." in response.content.decode()
    assert not user.memberships.exists()


def test_admin_is_closed_to_non_staff(member: User) -> None:
    client = Client()
    client.force_login(member)
    response = client.get("/admin/accounts/organisation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_moving_a_membership_to_another_user_takes_the_first_ones_access(
    admin_client: Client, home_org: Organisation, org_admin: User
) -> None:
    membership = org_admin.memberships.get()
    successor = User.objects.create_user("successor")
    response = admin_client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {
            "user": successor.pk,
            "organisation": home_org.pk,
            "role": "org_admin",
            "valid_from": membership.valid_from.isoformat(),
            "valid_until": "",
            "edited_version": 1,
        },
    )
    assert response.status_code == 302
    assert not may(User.objects.get(pk=org_admin.pk), home_org, "change_organisation")
    assert may(User.objects.get(pk=successor.pk), home_org, "change_organisation")


def test_admin_refuses_to_overwrite_a_newer_change(
    admin_client: Client, home_org: Organisation, org_admin: User
) -> None:
    from accounts.services import organisation_update

    organisation_update(organisation=home_org, by=org_admin, version=1, data={"country": "Aruba"})
    response = admin_client.post(
        f"/admin/accounts/organisation/{home_org.pk}/change/",
        {
            "name": home_org.name,
            "slug": "mfa",
            "acronym": "MFA",
            "kind": "foreign_affairs",
            "country": "Curaçao",
            "is_active": "on",
            "edited_version": 1,
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this since you opened it." in response.content.decode()
    home_org.refresh_from_db()
    assert (home_org.country, home_org.version) == ("Aruba", 2)
