"""Two-factor sign-in through the pages and the token endpoint.

Codes are computed from the device's own key with django-otp's `totp`, as an authenticator
app would. A TOTP code works once per time step, so a test that needs a second code asks for
the next step's (`drift=1`, inside the device's tolerance).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import User
from accounts.two_factor import (
    PENDING_SESSION_KEY,
    WAIT_CODE,
    WRONG_CODE,
    WRONG_SETUP_CODE,
    two_factor_enable,
)
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.20"
WRONG_CODE_HTML = WRONG_CODE.replace("'", "&#x27;")


def code_for(key: bytes | str, *, drift: int = 0) -> str:
    binary = bytes.fromhex(key) if isinstance(key, str) else key
    return f"{totp(binary, drift=drift):06d}"


def wrong_code_for(key: bytes) -> str:
    """A six-digit code the device would not take now, nor in the next steps."""
    taken = {code_for(key, drift=drift) for drift in range(-2, 4)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in taken)


def turn_on(user: User) -> tuple[TOTPDevice, list[str]]:
    """Two-factor sign-in on for `user`, confirmed with the current code of a fresh key."""
    key = "3132333435363738393031323334353637383930"
    return two_factor_enable(user=user, key=key, code=code_for(key))


def password_step(client: Client, user: User, next_url: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data, REMOTE_ADDR=ADDRESS)


def code_step(client: Client, code: str) -> Any:
    return client.post("/login/code/", {"code": code}, REMOTE_ADDR=ADDRESS)


def flashes(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def person(member: User) -> User:
    return member


@pytest.fixture
def staff(settings: Any) -> User:
    settings.REQUIRE_STAFF_2FA = True
    return make_user("root", is_superuser=True, is_staff=True)


# --- signing in -----------------------------------------------------------------------------------


def test_without_a_device_the_password_signs_in(person: User, settings: Any) -> None:
    settings.REQUIRE_STAFF_2FA = True  # required of staff only: a planner is not asked
    client = Client()
    response = password_step(client, person)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get("/").status_code == 200


def test_with_a_device_the_password_alone_does_not_sign_in(person: User) -> None:
    turn_on(person)
    client = Client()
    response = password_step(client, person, next_url="/organisations/")
    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    page = client.get("/login/code/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Enter your code" in page.content.decode()
    # Nothing else opens yet.
    assert client.get("/organisations/")["Location"] == "/login/?next=/organisations/"


def test_a_wrong_code_is_refused_in_plain_words(person: User) -> None:
    device, _ = turn_on(person)
    client = Client()
    password_step(client, person)
    response = code_step(client, wrong_code_for(device.bin_key))
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [WRONG_CODE]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Right away, even the right code waits: django-otp slows down guessing.
    response = code_step(client, code_for(device.bin_key, drift=1))
    assert response.context["form"].errors == {"code": [WAIT_CODE]}
    assert "_auth_user_id" not in client.session


def test_the_right_code_signs_in_verified_and_goes_where_asked(person: User) -> None:
    device, _ = turn_on(person)
    client = Client()
    password_step(client, person, next_url="/organisations/")
    response = code_step(client, code_for(device.bin_key, drift=1))
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert PENDING_SESSION_KEY not in client.session
    page = client.get("/organisations/")
    assert page.status_code == 200
    assert flashes(page) == ["Signed in with your two-factor code."]


def test_a_code_works_once(person: User) -> None:
    device, _ = turn_on(person)
    code = code_for(device.bin_key, drift=1)
    first = Client()
    password_step(first, person)
    assert code_step(first, code).status_code == 302
    second = Client()
    password_step(second, person)
    assert code_step(second, code).context["form"].errors == {"code": [WRONG_CODE]}


def test_a_recovery_code_works_once(person: User) -> None:
    _, codes = turn_on(person)
    first = Client()
    password_step(first, person)
    response = code_step(first, codes[0].upper()[:4] + "-" + codes[0][4:])  # as people type it
    assert response.status_code == 302
    assert first.session["otp_device_id"] == StaticDevice.objects.get(user=person).persistent_id
    assert flashes(first.get("/")) == [
        "Signed in with a recovery code. That code no longer works; 9 left. "
        "Make new ones on your profile page if you are running out."
    ]

    second = Client()
    password_step(second, person)
    response = code_step(second, codes[0])
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [WRONG_CODE]}
    assert "_auth_user_id" not in second.session
    assert StaticToken.objects.filter(device__user=person).count() == 9


def test_a_code_longer_than_any_is_refused_in_plain_words(person: User) -> None:
    turn_on(person)
    client = Client()
    password_step(client, person)
    response = code_step(client, "1" * 33)
    assert response.context["form"].errors == {
        "code": ["That is longer than any code. Enter the 6-digit code from your app."]
    }


@pytest.mark.parametrize("code", ["²²²²²²", "١٢٣٤٥٦", "12 34 56 78", "\u200b"])
def test_odd_codes_are_refused_as_wrong_everywhere(person: User, code: str) -> None:
    client = Client()
    client.force_login(person)
    client.get("/profile/two-factor/")
    setup = client.post("/profile/two-factor/", {"code": code})
    assert setup.context["form"].errors == {"code": [WRONG_SETUP_CODE]}

    turn_on(person)
    signing_in = Client()
    password_step(signing_in, person)
    assert code_step(signing_in, code).context["form"].errors == {"code": [WRONG_CODE]}
    for model in (TOTPDevice, StaticDevice):  # the wrong code slowed the next try; not tested here
        model.objects.filter(user=person).update(throttling_failure_count=0)
    assert ask_token(person, otp=code).json() == {"otp": [WRONG_CODE]}


def test_the_code_step_without_the_password_step_sends_back_to_sign_in() -> None:
    client = Client()
    response = client.get("/login/code/")
    assert response["Location"] == "/login/"
    assert flashes(client.get("/login/")) == ["Sign in with your username and password first."]


def test_the_password_step_is_forgotten_after_five_minutes(person: User) -> None:
    device, _ = turn_on(person)
    client = Client()
    password_step(client, person)
    session = client.session
    session[PENDING_SESSION_KEY] = {**session[PENDING_SESSION_KEY], "at": time.time() - 301}
    session.save()
    response = code_step(client, code_for(device.bin_key, drift=1))
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_as_failed_sign_ins_and_lock_out(person: User) -> None:
    device, _ = turn_on(person)
    client = Client()
    password_step(client, person)
    answers = [code_step(client, "000000x").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    response = code_step(client, code_for(device.bin_key, drift=1))
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_opened_before_two_factor_was_turned_on_must_give_a_code(person: User) -> None:
    client = Client()
    client.force_login(person)
    device, _ = turn_on(person)
    response = client.get("/organisations/")
    assert response["Location"] == "/login/code/?next=%2Forganisations%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'action="/logout/"' in page  # or leave: signing in as someone else needs that
    assert "Sign in as someone else" not in page
    assert client.get("/api/v1/users/me/").json() == {
        "detail": "Finish signing in with your two-factor code first."
    }
    response = client.post(
        "/login/code/?next=/organisations/", {"code": code_for(device.bin_key, drift=1)}
    )
    assert response["Location"] == "/organisations/"
    assert client.get("/organisations/").status_code == 200


# --- staff ----------------------------------------------------------------------------------------


def test_staff_without_a_device_are_sent_to_set_one_up(staff: User) -> None:
    client = Client()
    response = password_step(client, staff, next_url="/plans/")
    assert response["Location"] == "/plans/"
    for url in ["/plans/", "/", "/admin/", "/profile/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/profile/two-factor/?next="), url
    assert client.get("/api/v1/users/me/").status_code == 403
    page = client.get("/profile/two-factor/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your account is staff, so it must use two-factor sign-in." in body
    assert 'class="site-nav"' not in body  # nothing to wander off to yet
    assert "<svg" in body

    key = client.session["two_factor_setup_key"]
    response = client.post("/profile/two-factor/", {"code": code_for(key)})
    assert response["Location"] == "/profile/two-factor/recovery-codes/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/plans/").status_code == 200


def test_staff_are_not_asked_when_the_setting_is_off(settings: Any) -> None:
    settings.REQUIRE_STAFF_2FA = False
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client = Client()
    assert password_step(client, admin)["Location"] == "/"
    assert client.get("/admin/").status_code == 200


def test_the_setting_is_on_unless_debug_and_make_run_turns_it_off() -> None:
    from pathlib import Path

    from tests.test_security import PRODUCTION_ENV, run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.REQUIRE_STAFF_2FA)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "REQUIRE_STAFF_2FA ?= 0" in makefile
    assert "REQUIRE_STAFF_2FA=$(REQUIRE_STAFF_2FA) $(BIN)/python manage.py runserver" in makefile


def test_the_admin_refuses_an_unverified_session(staff: User) -> None:
    device, _ = turn_on(staff)
    client = Client()
    client.force_login(staff)  # a password-only session, however it came about
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/code/?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/").status_code == 302

    client.post("/login/code/", {"code": code_for(device.bin_key, drift=1)})
    assert client.get("/admin/").status_code == 200


def test_a_session_that_owes_its_code_may_still_ask_for_a_token(person: User) -> None:
    device, _ = turn_on(person)
    client = Client()
    client.force_login(person)
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "member", "password": PASSWORD, "otp": code_for(device.bin_key, drift=1)},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}


def test_staff_may_not_get_a_token_before_setting_up(staff: User) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "root", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "otp": [
            "Your account must use two-factor sign-in. Sign in on the website and set it up first."
        ]
    }


# --- the token endpoint ---------------------------------------------------------------------------


def ask_token(user: User, **extra: str) -> Any:
    client = APIClient(REMOTE_ADDR=ADDRESS)
    return client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD, **extra},
        format="json",
    )


def test_token_without_two_factor_needs_no_code(person: User) -> None:
    response = ask_token(person)
    assert response.status_code == 200
    assert set(response.json()) == {"token"}


def test_token_with_two_factor_needs_the_code(person: User) -> None:
    device, codes = turn_on(person)
    assert ask_token(person).json() == {
        "otp": ["Two-factor sign-in is on for this account: send the code too."]
    }
    assert ask_token(person).status_code == 400
    wrong = ask_token(person, otp=wrong_code_for(device.bin_key))
    assert wrong.status_code == 400
    assert wrong.json() == {"otp": [WRONG_CODE]}

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above slows the next try; this test is not about that
    right = ask_token(person, otp=code_for(device.bin_key, drift=1))
    assert right.status_code == 200
    assert set(right.json()) == {"token"}
    assert ask_token(person, otp=codes[0]).status_code == 200
    assert ask_token(person, otp=codes[0]).json() == {"otp": [WRONG_CODE]}


def test_the_schema_documents_the_otp_field(person: User) -> None:
    client = Client()
    client.force_login(person)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    request = schema["components"]["schemas"]["Token"]
    # One component for the request and the answer: `token` is only ever answered.
    assert request["required"] == ["password", "token", "username"]
    assert request["properties"]["token"]["readOnly"] is True
    assert "otp" not in request["required"]
    assert request["properties"]["otp"]["writeOnly"] is True
    assert "recovery codes" in request["properties"]["otp"]["description"]
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert set(responses) >= {"200", "400"}


# --- the profile ----------------------------------------------------------------------------------


def test_turning_it_on_from_the_profile(person: User) -> None:
    client = Client()
    client.force_login(person)
    profile = client.get("/profile/").content.decode()
    assert "<strong>Off.</strong>" in profile
    assert 'href="/profile/two-factor/"' in profile

    page = client.get("/profile/two-factor/")
    body = page.content.decode()
    key = client.session["two_factor_setup_key"]
    secret = re.search(r'<code class="secret-key"[^>]*>([A-Z2-7 ]+)</code>', body)
    assert secret is not None
    assert len(secret.group(1).replace(" ", "")) == 32
    assert re.search(r"<svg[^>]*>.*</svg>", body, re.S)
    assert "<?xml" not in body
    assert not TOTPDevice.objects.filter(user=person).exists()  # nothing stored before the code

    wrong = client.post("/profile/two-factor/", {"code": "000000"})
    assert wrong.context["form"].errors == {"code": [WRONG_SETUP_CODE]}
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert client.session["two_factor_setup_key"] == key  # the same key: the app has it

    response = client.post("/profile/two-factor/", {"code": code_for(key)})
    assert response["Location"] == "/profile/two-factor/recovery-codes/"
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    assert device.key == key
    assert client.session["otp_device_id"] == device.persistent_id  # this session is verified

    shown = client.get("/profile/two-factor/recovery-codes/")
    assert shown["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=person).values_list("token", flat=True)
    )
    assert len(codes) == 10
    assert flashes(shown) == [
        "Two-factor sign-in is on. From now on you sign in with your password and a code "
        "from your app."
    ]
    again = client.get("/profile/two-factor/recovery-codes/")
    assert again["Location"] == "/profile/"
    profile = client.get("/profile/").content.decode()
    assert "<strong>On</strong>" in profile
    assert "Recovery codes left:\n    <strong>10</strong>" in profile


def test_turning_it_off_needs_a_code(person: User) -> None:
    device, _ = turn_on(person)
    client = Client()
    password_step(client, person)
    code_step(client, code_for(device.bin_key, drift=1))

    missing = client.post("/profile/two-factor/off/", {"disable-code": ""})
    assert missing.status_code == 200
    assert missing.context["disable_form"].errors == {
        "code": ["Enter the code, then press the button again."]
    }
    wrong = client.post("/profile/two-factor/off/", {"disable-code": "abcdefgh"})
    assert wrong.context["disable_form"].errors == {"code": [WRONG_CODE]}
    assert TOTPDevice.objects.filter(user=person).count() == 1

    _, codes = turn_on(person)  # fresh devices, no slowed-down tries
    client = Client()
    client.force_login(person)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=person).persistent_id
    session.save()
    response = client.post("/profile/two-factor/off/", {"disable-code": codes[3]})
    assert response["Location"] == "/profile/"
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert flashes(client.get("/profile/")) == [
        "Two-factor sign-in is off. You sign in with your password alone."
    ]
    assert password_step(Client(), person)["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(person: User) -> None:
    device, old = turn_on(person)
    client = Client()
    password_step(client, person)
    code_step(client, old[0])
    client.get("/profile/")  # shows (and so clears) the message about the recovery code
    response = client.post(
        "/profile/two-factor/recovery-codes/new/", {"codes-code": code_for(device.bin_key, drift=1)}
    )
    assert response["Location"] == "/profile/two-factor/recovery-codes/"
    shown = client.get("/profile/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert flashes(shown) == ["New recovery codes made. The old ones no longer work."]
    assert set(StaticToken.objects.filter(device__user=person).values_list("token", flat=True)) == (
        set(new)
    )


def test_the_administrator_resets_a_persons_two_factor(person: User, settings: Any) -> None:
    settings.REQUIRE_STAFF_2FA = False
    turn_on(person)
    admin = Client()
    admin.force_login(make_user("admin", is_superuser=True, is_staff=True))
    listing = admin.get("/admin/accounts/user/")
    assert listing.status_code == 200
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [person.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Two-factor sign-in reset for 1 of 1 selected person. They sign in with their password "
        "alone until they turn it on again; staff are asked to set it up at once."
    ]
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert password_step(Client(), person)["Location"] == "/"


def test_one_persons_code_changes_only_their_own_devices(person: User, outsider: User) -> None:
    """The pages act on the signed-in person only: there is no one else to name."""
    device, _ = turn_on(person)
    other_device, other_codes = turn_on(outsider)
    client = Client()
    password_step(client, outsider)
    code_step(client, other_codes[0])
    new_codes = client.post(
        "/profile/two-factor/recovery-codes/new/", {"codes-code": other_codes[1]}
    )
    assert new_codes["Location"] == "/profile/two-factor/recovery-codes/"
    off = client.post(
        "/profile/two-factor/off/", {"disable-code": code_for(other_device.bin_key, drift=1)}
    )
    assert off["Location"] == "/profile/"
    assert not TOTPDevice.objects.filter(user=outsider).exists()
    assert TOTPDevice.objects.filter(user=person).get() == device
    assert StaticToken.objects.filter(device__user=person).count() == 10


def test_new_pages_need_a_signed_in_person() -> None:
    client = Client()
    for url in ["/profile/two-factor/", "/profile/two-factor/recovery-codes/"]:
        assert client.get(url)["Location"] == f"/login/?next={url}"
    for url in ["/profile/two-factor/off/", "/profile/two-factor/recovery-codes/new/"]:
        assert client.post(url, {})["Location"].startswith("/login/?next=")
