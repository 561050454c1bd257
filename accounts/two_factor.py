"""Two-factor sign-in: who owes a second factor, their devices, and the guard that holds a
session back until it is given.

A person's second factor is one authenticator app (django-otp's `TOTPDevice`, 6-digit codes
every 30 seconds) and ten recovery codes (a `StaticDevice`; each code works once), made
together when two-factor sign-in is turned on and deleted together when it is turned off or
reset by an administrator.

A session owes its second factor when its person has turned two-factor sign-in on, or is
staff or a superuser while `REQUIRE_STAFF_2FA` is on; it is paid when the session was
verified with a code (`django_otp.login`). Until then `TwoFactorMiddleware` lets it reach
only the code step (or, without a device yet, the set-up page) and signing out: the admin,
the pages and the API with a session all wait.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.models import User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"

# The person who gave the right password and still owes a code: {user, backend, hash, next, at}.
PENDING_SESSION_KEY = "two_factor_pending"
PENDING_MAX_AGE_SECONDS = 5 * 60
# The secret shown while setting up, kept out of the database until a code confirms it.
SETUP_KEY_SESSION_KEY = "two_factor_setup_key"
# Recovery codes just made, shown once by the next page and then forgotten.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"

WRONG_CODE = _(
    "That code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)
WRONG_SETUP_CODE = _(
    "That code is not right. Check that the app shows Joined Forces with your username, "
    "then enter the 6-digit code it shows now."
)
WAIT_CODE = _("Too many wrong codes in a row. Wait a minute, then try again.")
SET_UP_FIRST = _(
    "Your account must use two-factor sign-in. Sign in on the website and set it up first."
)

Owed = Literal["code", "setup"]


# --- who owes what -----------------------------------------------------------------------------


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def staff_must_use_two_factor(user: User) -> bool:
    return bool(settings.REQUIRE_STAFF_2FA and (user.is_staff or user.is_superuser))


def second_factor_owed(user: User) -> Owed | None:
    """What a session of `user` that was not verified with a code still needs (one query)."""
    if has_two_factor(user):
        return "code"
    if staff_must_use_two_factor(user):
        return "setup"
    return None


def session_verified(request: HttpRequest) -> bool:
    """Whether this session was verified with a code (django-otp's `OTPMiddleware` says)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- checking a code ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    """The device that accepted the code; None when refused."""
    wait: bool = False
    """Refused without looking: too many wrong codes in a row (django-otp's backoff)."""

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_code(code: str) -> str:
    """People type codes with spaces or hyphens ("123 456", "abcd-efgh"); both go."""
    return "".join(code.split()).replace("-", "").lower()


def is_six_digits(code: str) -> bool:
    """ASCII digits only: `str.isdigit` also takes "²", which `int` refuses."""
    return re.fullmatch(r"[0-9]{6}", code) is not None


def code_check(*, user: User, code: str) -> CodeCheck:
    """Try `code` as the authenticator's current code (six digits) or as an unused recovery
    code. A code works once: the authenticator refuses a time step it has already accepted,
    and a recovery code is deleted when used. Wrong codes slow further tries (1, 2, 4, ...
    seconds) on the device that refused them."""
    code = normalise_code(code)
    model: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if is_six_digits(code) else StaticDevice
    )
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        refused = CodeCheck(device=None)
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                refused = CodeCheck(device=None, wait=True)
                continue
            if device.verify_token(code):
                return CodeCheck(device=device)
    return refused


def sign_in_failed(request: HttpRequest, user: User) -> None:
    """A refused code counts as a failed sign-in, so django-axes' lockout (and anything else
    listening for failed sign-ins) applies to codes as it does to passwords."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


# --- services ----------------------------------------------------------------------------------


def setup_key_new() -> str:
    return random_hex(20)


def setup_secret(key: str) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    secret = b32encode(bytes.fromhex(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup_uri(*, user: User, key: str) -> str:
    return str(TOTPDevice(user=user, key=key).config_url)


def qr_svg(text: str) -> str:
    """`text` as a QR code, an inline <svg> element (no XML declaration, scales with CSS)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    return str(svg[svg.index("<svg") :])


def _recovery_codes_make(user: User) -> list[str]:
    # The device stays (a session verified by one of its codes stays verified); its codes go.
    device, _ = StaticDevice.objects.update_or_create(
        user=user,
        name=RECOVERY_CODES_NAME,
        defaults={"confirmed": True, "throttling_failure_count": 0},
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enable(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with the authenticator holding `key`, once `code` shows that
    the app has it. Returns the device and the new recovery codes (shown once, never again).
    The accepted time step is recorded, so the same code cannot sign in afterwards."""
    code = normalise_code(code)
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    totp.time = time.time()
    if not (is_six_digits(code) and totp.verify(int(code), tolerance=1)):
        raise ValidationError(WRONG_SETUP_CODE, code="wrong_code")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # one set-up at a time per person
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user,
            name=AUTHENTICATOR_NAME,
            key=key,
            confirmed=True,
            last_t=totp.t(),
            drift=totp.drift,
        )
        return device, _recovery_codes_make(user)


def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for someone who just gave a code; the old ones stop working."""
    with transaction.atomic():
        return _recovery_codes_make(user)


def two_factor_disable(*, user: User) -> None:
    """Turn two-factor sign-in off (the caller checked a code): both devices go."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def two_factor_reset(*, users: list[User]) -> int:
    """An administrator's reset for people who lost their phone and their recovery codes:
    their devices go, and they sign in with their password alone (staff, under
    `REQUIRE_STAFF_2FA`, are then sent to set up a new one). Returns how many had it on."""
    with transaction.atomic():
        had = TOTPDevice.objects.filter(user__in=users, confirmed=True).values("user").distinct()
        count = had.count()
        TOTPDevice.objects.filter(user__in=users).delete()
        StaticDevice.objects.filter(user__in=users).delete()
    return count


# --- the guard ---------------------------------------------------------------------------------

# Where a session that owes its second factor may still go. The token endpoint ignores the
# session and asks for the code itself.
OPEN_WHILE_OWED = {"two-factor-code", "two-factor-setup", "logout", "healthz", "api-token"}


class TwoFactorMiddleware:
    """Holds back a signed-in session that owes its second factor (see the module docstring).

    Pages redirect to the code step or the set-up page; the API answers 403. After
    `django_otp.middleware.OTPMiddleware`, which says whether the session was verified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or session_verified(request):
            return None
        owed = second_factor_owed(cast(User, request.user))
        if owed is None:
            return None
        request.two_factor_owed = owed  # type: ignore[attr-defined]
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_WHILE_OWED:
            return None
        if request.path_info.startswith("/api/"):
            detail = (
                _("Finish signing in with your two-factor code first.")
                if owed == "code"
                else _("Set up two-factor sign-in on the website first.")
            )
            return JsonResponse({"detail": detail}, status=403)
        target = reverse("two-factor-code" if owed == "code" else "two-factor-setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
