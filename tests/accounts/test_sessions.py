"""Sessions (OWASP ASVS V3): signed-in answers are not cached; a session ends after an idle
time and an absolute lifetime; a sign-in lockout also refuses the user's API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.middleware import ACTIVE_AT, SIGNED_IN_AT
from accounts.models import AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

IDLE = 30 * 60
MAX_AGE = 12 * 3600


@pytest.fixture(autouse=True)
def _lifetimes(settings: object) -> None:
    settings.SESSION_IDLE_TIMEOUT = IDLE  # type: ignore[attr-defined]
    settings.SESSION_MAX_AGE = MAX_AGE  # type: ignore[attr-defined]


def now() -> int:
    return int(timezone.now().timestamp())


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    assert now() - client.session[SIGNED_IN_AT] <= 1  # signing in started the clocks
    return client


def move_clocks(client: Client, *, signed_in_ago: int, active_ago: int) -> None:
    session = client.session
    session[SIGNED_IN_AT] = now() - signed_in_ago
    session[ACTIVE_AT] = now() - active_ago
    session.save()


# --- no-store ----------------------------------------------------------------------------------


def test_signed_in_pages_and_api_answers_are_not_stored(member: User) -> None:
    client = signed_in(member)
    for url in ["/", "/organisations/", "/profile/", "/api/v1/users/me/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"].split(", "), url


def test_token_answers_are_not_stored(member: User) -> None:
    token = Token.objects.create(user=member)
    response = APIClient().get("/api/v1/users/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_anonymous_static_files_may_be_cached(db: None) -> None:
    static = Client().get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static["Cache-Control"]


# --- idle and absolute lifetime ----------------------------------------------------------------


def test_a_session_idle_past_the_timeout_ends(member: User) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=IDLE + 60, active_ago=IDLE + 1)

    response = client.get("/organisations/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/organisations/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out after a period without activity." in page.content.decode()


def test_a_session_active_within_the_timeout_goes_on_and_counts_as_activity(
    member: User,
) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=IDLE * 3, active_ago=IDLE - 5)

    assert client.get("/organisations/").status_code == 200
    assert now() - client.session[ACTIVE_AT] <= 1


def test_the_notification_bell_polling_is_not_activity(member: User) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=IDLE, active_ago=IDLE - 5)

    assert client.get("/notifications/bell/").status_code == 200
    assert now() - client.session[ACTIVE_AT] >= IDLE - 5


def test_a_session_past_its_absolute_lifetime_ends_however_active(member: User) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=MAX_AGE + 1, active_ago=10)

    response = client.get("/organisations/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Your session has reached its time limit" in page.content.decode()


def test_a_session_just_within_its_absolute_lifetime_goes_on(member: User) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=MAX_AGE - 5, active_ago=10)

    assert client.get("/organisations/").status_code == 200


def test_an_expired_session_answers_the_api_as_anonymous(member: User) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=60, active_ago=IDLE + 1)

    assert client.get("/api/v1/users/me/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_signing_in_again_starts_the_clocks_again(member: User) -> None:
    client = signed_in(member)
    move_clocks(client, signed_in_ago=MAX_AGE - 5, active_ago=10)

    assert client.post("/logout/").status_code == 302
    assert client.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302

    assert now() - client.session[SIGNED_IN_AT] <= 1
    assert now() - client.session[ACTIVE_AT] <= 1
    assert client.get("/").status_code == 200


def test_a_session_from_before_the_clocks_gets_them_at_its_next_request(member: User) -> None:
    client = signed_in(member)
    session = client.session
    del session[SIGNED_IN_AT]
    del session[ACTIVE_AT]
    session.save()

    assert client.get("/").status_code == 200
    assert now() - client.session[SIGNED_IN_AT] <= 1


# --- a lockout refuses existing tokens ---------------------------------------------------------


def lock_out(username: str, address: str) -> None:
    client = APIClient(REMOTE_ADDR=address)
    for _ in range(5):
        response = client.post(
            "/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json"
        )
        assert response.status_code == 400


def test_a_lockout_refuses_the_users_tokens_until_it_lifts(member: User) -> None:
    token = Token.objects.create(user=member)
    api = APIClient(REMOTE_ADDR="198.51.100.1", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/users/me/").status_code == 200

    # Someone elsewhere guesses the password until sign-in locks.
    lock_out("member", "203.0.113.66")
    refused = api.get("/api/v1/users/me/")

    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many failed sign-in attempts. Try again in 15 minutes."
    }
    assert refused["Retry-After"] == "900"
    denial = AuditEvent.objects.filter(status_code=429).get()
    assert (denial.user_id, denial.outcome, denial.action, denial.ip_address) == (
        member.pk,
        "locked_out",
        "api-me",
        "198.51.100.1",
    )

    # A minute before the cool-off ends, still refused, saying how long is left.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    almost = api.get("/api/v1/users/me/")
    assert almost.status_code == 429
    assert almost.json() == {"detail": "Too many failed sign-in attempts. Try again in 1 minute."}

    # The cool-off is over: the same token works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert api.get("/api/v1/users/me/").status_code == 200


def test_a_lockout_of_someone_else_leaves_a_token_alone(member: User, outsider: User) -> None:
    token = Token.objects.create(user=member)
    lock_out("outsider", "203.0.113.66")

    response = APIClient().get("/api/v1/users/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200


def test_failures_below_the_limit_leave_tokens_alone(member: User) -> None:
    token = Token.objects.create(user=member)
    client = APIClient(REMOTE_ADDR="203.0.113.66")
    for _ in range(4):
        client.post(
            "/api/v1/auth/token/", {"username": "member", "password": "wrong"}, format="json"
        )

    response = APIClient().get("/api/v1/users/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
