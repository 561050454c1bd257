from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "joined-forces.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/joined_forces",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what a production process would have: nothing leaks in from the test session.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def sign_in(client: Client, password: str) -> object:
    return client.post(
        "/login/", {"username": "member", "password": password}, REMOTE_ADDR="203.0.113.7"
    )


@pytest.mark.django_db
def test_sign_in_works_with_the_right_password(member: User) -> None:
    response = sign_in(Client(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_five_failed_sign_ins_lock_out_further_attempts_and_say_so(member: User) -> None:
    client = Client()
    for _ in range(4):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()

    fifth = sign_in(client, "wrong")
    assert fifth.status_code == 429
    assert "Too many failed sign-in attempts" in fifth.content.decode()

    # Even the right password is refused during the cooling-off period.
    after = sign_in(client, PASSWORD)
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session

    # Another address is not locked out by this one.
    other = client.post(
        "/login/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_token_endpoint_is_throttled_too(member: User) -> None:
    from rest_framework.test import APIClient

    client = APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        client.post(
            "/api/v1/auth/token/", {"username": "member", "password": "wrong"}, format="json"
        )
    response = client.post(
        "/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed sign-in attempts. Try again in 15 minutes."
    }


@pytest.mark.django_db
def test_security_headers_on_every_page(member: User) -> None:
    client = Client()
    client.force_login(member)
    for url in ["/login/", "/", "/organisations/", "/healthz"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in directives["script-src"]
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must name"),
    ],
)
def test_production_refuses_to_start_without(missing: str, message: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # Long enough, but too few different characters.
        ("SECRET_KEY", "ab" * 40, "SECRET_KEY looks guessable"),
        # Many different characters, but one short pattern repeated.
        ("SECRET_KEY", "0123456789abcdefghij" * 3, "SECRET_KEY looks guessable"),
        (
            "SECRET_KEY",
            "django-insecure-" + "k3y-0f-f1fty-ch4r4ct3rs-wh1ch-1s-n0t-r4nd0m!",
            "guessable",
        ),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS must name this site's host(s), not '*'"),
        ("ALLOWED_HOSTS", "joined-forces.example.org,*", "not '*'"),
    ],
)
def test_production_refuses_a_guessable_key_or_any_host(
    variable: str, value: str, message: str
) -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_accepts_a_generated_key() -> None:
    # secrets.token_hex(32): 64 characters of only 16 different ones, and random.
    key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode == 0, result.stderr


def test_production_cookies_are_secure() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "True True True True", result.stderr
