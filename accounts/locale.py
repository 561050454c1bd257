"""The language and time zone each answer is given in.

Pages: the person's own choice (their profile); before they choose, the language picked on
the login page (Django's language cookie) or the browser's `Accept-Language`. The API: the
language of `Accept-Language` when the client sends one, the person's choice otherwise.
Times are stored in UTC and shown in the person's time zone (`TIME_ZONE` until they choose).

Work done for someone else (an e-mail, a digest, a report) is written in *their* language:
`in_language_of(user)` around the rendering.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


def language_of(user: Any) -> str:
    """The language to write to `user` in: their choice, else the site's default."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def time_zone_of(user: Any) -> zoneinfo.ZoneInfo:
    chosen = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(chosen)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@contextmanager
def in_language_of(user: Any) -> Iterator[None]:
    """Render for `user` (not for whoever's request or task is running): their language and
    time zone."""
    with translation.override(language_of(user)), timezone.override(time_zone_of(user)):
        yield


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class PersonalLocaleMiddleware:
    """After authentication: the person's language and time zone for this answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        browser_language = translation.get_language_from_request(request)
        if _is_api(request) and "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_supported_language_variant(
                translation.get_language_from_request(request)
            )
        elif signed_in and user.language:  # type: ignore[union-attr]
            language = language_of(user)
        else:
            language = browser_language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if signed_in:
            timezone.activate(time_zone_of(user))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ["Accept-Language"])
        translation.deactivate()
        return response
