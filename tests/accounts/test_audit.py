"""The audit trail: each refusal (404, 403, 409, 429, failed sign-in) and each decision
writes exactly one record saying who, for which organisation, on what, what, how it ended,
when and from where."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Organisation, User
from tests.factories import PASSWORD, make_organisation

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
FIELDS = [
    "category",
    "user_id",
    "username",
    "organisation_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "outcome",
    "status_code",
    "method",
    "path",
    "ip_address",
]


def records() -> list[dict[str, Any]]:
    return list(AuditEvent.objects.order_by("id").values(*FIELDS))


def type_of(model: type) -> int:
    return ContentType.objects.get_for_model(model).pk


def signed_in_api(user: User) -> APIClient:
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.force_authenticate(user)
    return client


def signed_in_page(user: User) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


@pytest.fixture
def hidden_org(db: None) -> Organisation:
    """An inactive organisation: only its members see it."""
    organisation = make_organisation(slug="closed", name="Closed Office")
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    return organisation


# --- the API -----------------------------------------------------------------------------------


def test_api_404_for_an_invisible_object_writes_one_record(
    outsider: User, other_org: Organisation, hidden_org: Organisation
) -> None:
    response = signed_in_api(outsider).get(f"/api/v1/organisations/{hidden_org.pk}/")

    assert response.status_code == 404
    assert records() == [
        {
            "category": "denial",
            "user_id": outsider.pk,
            "username": "outsider",
            "organisation_id": other_org.pk,
            "content_type_id": type_of(Organisation),
            "object_id": str(hidden_org.pk),
            "object_repr": "CLOSED",
            "action": "api-organisation.retrieve",
            "outcome": "not_found",
            "status_code": 404,
            "method": "GET",
            "path": f"/api/v1/organisations/{hidden_org.pk}/",
            "ip_address": ADDRESS,
        }
    ]


def test_api_403_writes_one_record_naming_the_object(
    outsider: User, other_org: Organisation, home_org: Organisation
) -> None:
    response = signed_in_api(outsider).patch(
        f"/api/v1/organisations/{home_org.pk}/", {"country": "X", "version": 1}, format="json"
    )

    assert response.status_code == 403
    assert records() == [
        {
            "category": "denial",
            "user_id": outsider.pk,
            "username": "outsider",
            "organisation_id": other_org.pk,
            "content_type_id": type_of(Organisation),
            "object_id": str(home_org.pk),
            "object_repr": "MFA",
            "action": "api-organisation.partial_update",
            "outcome": "forbidden",
            "status_code": 403,
            "method": "PATCH",
            "path": f"/api/v1/organisations/{home_org.pk}/",
            "ip_address": ADDRESS,
        }
    ]


def test_api_409_writes_one_record(org_admin: User, home_org: Organisation) -> None:
    client = signed_in_api(org_admin)
    url = f"/api/v1/organisations/{home_org.pk}/"
    assert client.patch(url, {"country": "Belgium", "version": 1}, format="json").status_code == 200

    stale = client.patch(url, {"country": "France", "version": 1}, format="json")

    assert stale.status_code == 409
    assert records() == [
        {
            "category": "denial",
            "user_id": org_admin.pk,
            "username": "org-admin",
            "organisation_id": home_org.pk,
            "content_type_id": type_of(Organisation),
            "object_id": str(home_org.pk),
            "object_repr": "MFA",
            "action": "api-organisation.partial_update",
            "outcome": "stale",
            "status_code": 409,
            "method": "PATCH",
            "path": url,
            "ip_address": ADDRESS,
        }
    ]


def test_missing_credentials_are_not_a_refusal_of_access(home_org: Organisation) -> None:
    response = APIClient().get(f"/api/v1/organisations/{home_org.pk}/")

    assert response.status_code in (401, 403)
    assert records() == []


# --- pages -------------------------------------------------------------------------------------


def test_page_404_for_an_invisible_object_writes_one_record(
    outsider: User, other_org: Organisation, hidden_org: Organisation
) -> None:
    response = signed_in_page(outsider).get(f"/organisations/{hidden_org.pk}/")

    assert response.status_code == 404
    assert records() == [
        {
            "category": "denial",
            "user_id": outsider.pk,
            "username": "outsider",
            "organisation_id": other_org.pk,
            "content_type_id": type_of(Organisation),
            "object_id": str(hidden_org.pk),
            "object_repr": "CLOSED",
            "action": "organisation-detail",
            "outcome": "not_found",
            "status_code": 404,
            "method": "GET",
            "path": f"/organisations/{hidden_org.pk}/",
            "ip_address": ADDRESS,
        }
    ]


def test_page_403_writes_one_record_naming_the_object(
    outsider: User, other_org: Organisation, home_org: Organisation
) -> None:
    response = signed_in_page(outsider).get(f"/organisations/{home_org.pk}/edit/")

    assert response.status_code == 403
    assert records() == [
        {
            "category": "denial",
            "user_id": outsider.pk,
            "username": "outsider",
            "organisation_id": other_org.pk,
            "content_type_id": type_of(Organisation),
            "object_id": str(home_org.pk),
            "object_repr": "MFA",
            "action": "organisation-edit",
            "outcome": "forbidden",
            "status_code": 403,
            "method": "GET",
            "path": f"/organisations/{home_org.pk}/edit/",
            "ip_address": ADDRESS,
        }
    ]


def test_a_stale_edit_on_a_page_writes_one_record(org_admin: User, home_org: Organisation) -> None:
    client = signed_in_page(org_admin)
    url = f"/organisations/{home_org.pk}/edit/"
    form = {"name": home_org.name, "acronym": "MFA", "country": "Belgium", "version": 1}
    assert client.post(url, form).status_code == 302

    again = client.post(url, {**form, "country": "France"})

    assert again.status_code == 200
    assert "changed" in again.content.decode()
    assert records() == [
        {
            "category": "denial",
            "user_id": org_admin.pk,
            "username": "org-admin",
            "organisation_id": home_org.pk,
            "content_type_id": type_of(Organisation),
            "object_id": str(home_org.pk),
            "object_repr": "MFA",
            "action": "organisation-edit",
            "outcome": "stale",
            "status_code": None,
            "method": "POST",
            "path": url,
            "ip_address": ADDRESS,
        }
    ]


def test_a_url_that_matches_no_page_is_not_recorded(member: User) -> None:
    assert signed_in_page(member).get("/no-such-page/").status_code == 404
    assert records() == []


# --- sign-in -----------------------------------------------------------------------------------


def sign_in_fails(username: str) -> int:
    response = Client(REMOTE_ADDR=ADDRESS).post(
        "/login/", {"username": username, "password": "wrong"}
    )
    return response.status_code


def test_a_failed_sign_in_writes_one_record(member: User, home_org: Organisation) -> None:
    assert sign_in_fails("member") == 200

    assert records() == [
        {
            "category": "denial",
            "user_id": member.pk,
            "username": "member",
            "organisation_id": None,
            "content_type_id": None,
            "object_id": "",
            "object_repr": "",
            "action": "login",
            "outcome": "login_failed",
            "status_code": None,
            "method": "POST",
            "path": "/login/",
            "ip_address": ADDRESS,
        }
    ]


def test_a_failed_sign_in_as_nobody_keeps_what_was_typed(db: None) -> None:
    assert sign_in_fails("nobody") == 200

    [record] = records()
    assert (record["user_id"], record["username"], record["outcome"]) == (
        None,
        "nobody",
        "login_failed",
    )


def test_a_lockout_writes_one_record_per_refused_attempt(member: User) -> None:
    for _ in range(4):
        assert sign_in_fails("member") == 200
    assert sign_in_fails("member") == 429
    assert sign_in_fails("member") == 429

    assert [(r["outcome"], r["status_code"]) for r in records()] == [
        *[("login_failed", None)] * 4,
        ("locked_out", None),
        ("locked_out", None),
    ]


def test_a_locked_out_token_request_writes_one_record(member: User) -> None:
    client = APIClient(REMOTE_ADDR=ADDRESS)
    for _ in range(5):
        refused = client.post(
            "/api/v1/auth/token/", {"username": "member", "password": "wrong"}, format="json"
        )
        assert refused.status_code == 400
    locked = client.post(
        "/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, format="json"
    )

    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert [(r["action"], r["outcome"], r["status_code"]) for r in records()] == [
        *[("api-token", "login_failed", None)] * 4,
        ("api-token", "locked_out", None),
        ("api-token", "locked_out", 429),
    ]
    assert records()[-1]["user_id"] == member.pk


# --- decisions ---------------------------------------------------------------------------------


def test_an_audit_record_cannot_be_changed_or_deleted(member: User) -> None:
    sign_in_fails("member")
    record = AuditEvent.objects.get()

    record.outcome = "nothing happened"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    # Nor behind the model's back: the database refuses too.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=record.pk).update(outcome="nothing happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=record.pk).delete()
    assert AuditEvent.objects.get().outcome == "login_failed"


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def test_administrators_list_and_filter_the_trail(
    admin_client: Client, member: User, outsider: User, home_org: Organisation
) -> None:
    sign_in_fails("member")
    sign_in_fails("outsider")
    signed_in_api(outsider).patch(
        f"/api/v1/organisations/{home_org.pk}/", {"country": "X", "version": 1}, format="json"
    )

    everything = admin_client.get("/admin/accounts/auditevent/")
    forbidden = admin_client.get("/admin/accounts/auditevent/?outcome=forbidden")
    by_name = admin_client.get("/admin/accounts/auditevent/?q=member")

    assert everything.status_code == 200
    assert everything.context["cl"].result_count == 3
    assert [e.username for e in forbidden.context["cl"].result_list] == ["outsider"]
    assert [e.username for e in by_name.context["cl"].result_list] == ["member"]
    filters = {spec.title for spec in everything.context["cl"].filter_specs}
    assert filters == {"category", "action", "outcome", "organisation", "at"}


def test_the_admin_cannot_add_change_or_delete_a_record(admin_client: Client, member: User) -> None:
    sign_in_fails("member")
    record = AuditEvent.objects.get()
    url = f"/admin/accounts/auditevent/{record.pk}/"

    assert admin_client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert admin_client.post(url + "change/", {"outcome": "forgotten"}).status_code == 403
    assert admin_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        "/admin/accounts/auditevent/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code == 200  # no actions at all: the list again, nothing deleted
    assert AuditEvent.objects.get(pk=record.pk).outcome == "login_failed"
    # The admin's refusals are refusals like any other.
    assert list(
        AuditEvent.objects.exclude(pk=record.pk).order_by("id").values_list("action", "outcome")
    ) == [
        ("admin:accounts_auditevent_add", "forbidden"),
        ("admin:accounts_auditevent_change", "forbidden"),
        ("admin:accounts_auditevent_delete", "forbidden"),
    ]
    # Reading a record is allowed (the change page shows it, every field read-only).
    view = admin_client.get(url + "change/")
    assert view.status_code == 200
    assert "login_failed" in view.content.decode()


def test_a_list_page_past_the_end_is_not_a_refusal(member: User) -> None:
    assert signed_in_api(member).get("/api/v1/organisations/?page=99").status_code == 404
    assert records() == []


@pytest.mark.django_db(transaction=True)
def test_a_record_that_cannot_be_written_leaves_the_refusal_as_it_was(
    outsider: User, home_org: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    """Another connection holds the audit table; ours gives up waiting: the refusal is still
    a 403, and the failure is logged."""
    holder = connections.create_connection("default")
    holder.ensure_connection()
    raw = holder.connection
    raw.autocommit = False
    try:
        raw.cursor().execute("LOCK TABLE accounts_auditevent IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        response = signed_in_api(outsider).patch(
            f"/api/v1/organisations/{home_org.pk}/", {"country": "X", "version": 1}, format="json"
        )
    finally:
        raw.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert response.status_code == 403
    assert records() == []
    assert "The audit record of a refused request could not be written." in caplog.text
