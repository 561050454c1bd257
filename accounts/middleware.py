"""Session hygiene (OWASP ASVS V3): signed-in answers are never cached, and a session ends
after `SESSION_IDLE_TIMEOUT` seconds without activity and `SESSION_MAX_AGE` seconds after
sign-in, whatever the activity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

SIGNED_IN_AT = "_session_signed_in_at"
"""When this session signed in (epoch seconds)."""
ACTIVE_AT = "_session_active_at"
"""The last request that counted as activity (epoch seconds)."""

ACTIVITY_GRANULARITY = 60
"""Seconds: activity is written back at most once a minute, not on every request, so an
idle timeout may end a session up to a minute early, never late."""

PASSIVE_VIEWS = {"notification-bell"}
"""Views a page polls on its own (the bell, every 20 seconds): not activity, or an open tab
would keep a session alive forever."""


def session_clocks_start(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """On every sign-in (`user_logged_in`, connected in `AccountsConfig.ready`): both clocks
    start now, so a session never inherits an earlier sign-in's time."""
    now = int(timezone.now().timestamp())
    request.session[SIGNED_IN_AT] = now
    request.session[ACTIVE_AT] = now


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in person (pages and API alike),
    so no browser or proxy keeps a copy of what only they may see. Static files are served
    before this (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response


class SessionLifetimeMiddleware:
    """Signs out a session idle longer than `SESSION_IDLE_TIMEOUT` or older than
    `SESSION_MAX_AGE`; the request then goes on as anonymous (a page sends the person to
    sign in, saying why; the API answers as to anyone without credentials)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if not request.user.is_authenticated:
            return
        session = request.session
        now = int(timezone.now().timestamp())
        signed_in = session.get(SIGNED_IN_AT)
        if not isinstance(signed_in, int):
            # A session from before these clocks existed: they start now.
            session[SIGNED_IN_AT] = session[ACTIVE_AT] = now
            return
        active = session.get(ACTIVE_AT, now)
        if now - signed_in > settings.SESSION_MAX_AGE:
            self._end(
                request, gettext("Your session has reached its time limit: please sign in again.")
            )
            return
        if now - active > settings.SESSION_IDLE_TIMEOUT:
            self._end(request, gettext("You were signed out after a period without activity."))
            return
        match = request.resolver_match
        passive = match is not None and match.view_name in PASSIVE_VIEWS
        if not passive and now - active >= ACTIVITY_GRANULARITY:
            session[ACTIVE_AT] = now

    @staticmethod
    def _end(request: HttpRequest, message: str) -> None:
        logout(request)
        messages.info(request, message, fail_silently=True)
