"""API authentication that honours the sign-in lockout.

django-axes locks sign-in after `LOGIN_FAILURE_LIMIT` failures (per username and address)
for `LOGIN_COOLOFF_MINUTES`. Without more, a token issued earlier would keep working through
a lockout, so someone guessing a password could not be told apart from the account's owner
scripting against the API. While any lockout of a user is in force, their tokens are refused
too: 429 with `Retry-After` (the same answer as the token endpoint gives), recorded in the
audit trail; they work again the moment it lifts (cool-off over, or an administrator resets it).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import APIException


class LockedOut(APIException):
    """Sign-in (or a token) refused while a lockout lasts; `wait` becomes `Retry-After`."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, *, wait: timedelta, user: Any = None, username: str = "") -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        minutes = math.ceil(seconds / 60)
        super().__init__(
            ngettext(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )
        self.wait = seconds
        self.user = user
        self.username = username


def lockout_remaining(username: str, *, now: Any = None) -> timedelta | None:
    """How long the lockout of `username` still lasts (from any address), or None.

    Mirrors django-axes' database handler: failures within the cool-off count, summed per
    address; a lockout lifts a cool-off after the last failure that counted."""
    now = now or timezone.now()
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    locked = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cooloff)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    if not locked:
        return None
    latest = max(row["last_failure"] for row in locked)
    remaining: timedelta = latest + cooloff - now
    return remaining if remaining > timedelta(0) else None


class LockoutAwareTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused with 429 while the token's user is locked out."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        remaining = lockout_remaining(user.get_username())
        if remaining is not None:
            raise LockedOut(wait=remaining, user=user)
        return user, token
