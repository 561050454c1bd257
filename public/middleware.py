"""The public pages answer everyone alike: they are read as by someone not signed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class PublicPagesAreAnonymous:
    """For the views marked `public_page` (`public.views`), the request goes on as anonymous
    before any later middleware asks who is signed in: the session is never read, so the
    answer sets no cookie and does not vary by cookie, and nothing marks it `no-store`
    (`accounts.middleware.NoStoreMiddleware`) or holds it back for a second factor; it is
    the same page for everyone, cacheable by any cache. Signed-in people's sessions are
    neither extended nor ended by reading a public page.

    Sits after `AuthenticationMiddleware` and before every middleware whose `process_view`
    reads `request.user`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if getattr(view, "public_page", False):
            request.user = AnonymousUser()
            request.auser = _anonymous
