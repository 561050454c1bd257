"""The public pages answer everyone alike: they are read as by someone not signed in, in
the language the browser asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header


def browser_language(request: HttpRequest) -> str:
    """The supported language the request's `Accept-Language` prefers, else the site's: as
    `translation.get_language_from_request`, without the session, the cookie or the path."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class PublicPagesAreAnonymous:
    """For the views marked `public_page` (`public.views`), the request goes on as anonymous
    before any later middleware asks who is signed in: the session is never read, so the
    answer sets no cookie and does not vary by cookie, and nothing marks it `no-store`
    (`accounts.middleware.NoStoreMiddleware`) or holds it back for a second factor; it is
    the same page for everyone who asks in the same language (`Accept-Language`, the one
    header it varies by), cacheable by any cache. Signed-in people's sessions are neither
    extended nor ended by reading a public page, and neither their profile's language nor
    the switcher's cookie changes it.

    Sits after `AuthenticationMiddleware` and before every middleware whose `process_view`
    reads `request.user`; a middleware that read it earlier (the person's language) is undone
    here for the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if not getattr(view, "public_page", False):
            return
        request.user = AnonymousUser()
        request.auser = _anonymous
        # A middleware before this one may have read the session to learn who is signed in
        # (for their language): a public page asks no one, so its answer must not vary by
        # cookie (SessionMiddleware adds `Vary: Cookie` to an answer whose session was read).
        session = getattr(request, "session", None)
        if session is not None and not session.modified:
            session.accessed = False
        # And the same words and times for everyone who asks in the same language: the
        # `Accept-Language` header's (never the person's nor the cookie's), times in UTC.
        translation.activate(browser_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        timezone.deactivate()
