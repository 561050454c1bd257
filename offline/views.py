"""Field work without a connection: the service worker, the web manifest, the outbox page and
signing out so that nothing of the person stays on the device, and the phrases of our scripts
in each language (Django's JavaScript catalogue).

The service worker is bundled from npm's Workbox by `make setup` (offline/sw-src.js to
build/sw.js, never committed) and served here, at the root, so that it may control every page.
Served, it is prefixed with the list of the app's shell files to keep on the device, each with
a digest of its content: a changed stylesheet changes the service worker, which the browser
then installs anew. The JavaScript catalogue of each language is one of those files, so the
outbox speaks the person's language without a connection too.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import DjangoTranslation
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from accounts.models import User
from missions.selectors import field_report_list

BUILT_SERVICE_WORKER = Path(settings.BASE_DIR) / "build" / "sw.js"
PROJECT_STATIC = Path(settings.BASE_DIR) / "static"
SHELL_FILES = (
    "vendor/pico/pico.min.css",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/index.js",
    "img/favicon.svg",
    "img/icons/icon-192.png",
)
"""Besides every stylesheet and script of our own (static/css, static/js)."""

MODULE_IMPORTS = ("vendor/idb/index.js",)
CLEAR_SITE_DATA = '"cache", "storage"'
THEME_COLOUR = "#1d4e89"
RECENT_REPORTS = 20


def _shell_files() -> list[str]:
    own = sorted(
        path.relative_to(PROJECT_STATIC).as_posix()
        for folder in ("css", "js")
        for path in (PROJECT_STATIC / folder).glob(f"*.{folder}")
    )
    return [*SHELL_FILES, *own]


def _digest(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise Http404(_("The static file %(path)s is missing: run `make setup`.") % {"path": path})
    return hashlib.sha256(Path(cast(str, found)).read_bytes()).hexdigest()[:16]


class Catalogue(JavaScriptCatalog):
    """The phrases of our scripts (static/js, domain `djangojs`) in one language, at an address
    of its own (`/jsi18n/fr/`): the service worker keeps each language's, and each page loads
    the one of its language, before static/js/outbox.js."""

    domain = "djangojs"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = kwargs.pop("language")
        if language not in dict(settings.LANGUAGES):
            raise Http404(_("There is no such language."))
        with translation.override(language):
            response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "no-cache"
        return response


def _catalogue_digest(language: str) -> str:
    """What the catalogue of `language` holds, digested: a new translation changes the
    service worker, which then keeps the new catalogue."""
    with translation.override(language):
        view = Catalogue()
        view.translation = DjangoTranslation(language, domain=Catalogue.domain)
        context = view.get_context_data()
    text = json.dumps(context, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _service_worker_text(built_at: int, debug: bool) -> str:
    """`built_at` and `debug` only key the cache: a new build is read anew."""
    precache = [{"url": static(path), "revision": _digest(path)} for path in _shell_files()]
    # Modules import each other by plain name (outbox.js imports ../vendor/idb/index.js),
    # which differs from the hashed name static() gives when the names carry a hash.
    for path in MODULE_IMPORTS:
        plain = f"/{settings.STATIC_URL.strip('/')}/{path}"
        if plain != static(path):
            precache.append({"url": plain, "revision": _digest(path)})
    precache += [
        {"url": reverse("javascript-catalogue", args=[code]), "revision": _catalogue_digest(code)}
        for code, _name in settings.LANGUAGES
    ]
    # The page shown for an address not kept on the device, in each language: the worker
    # picks the one of the last page the person opened (static/js/outbox.js tells it).
    not_kept = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            not_kept[code] = render_to_string("offline/not_kept.html")
    return (
        f"self.__JF_PRECACHE = {json.dumps(precache)};\n"
        f"self.__JF_NOT_KEPT = {json.dumps(not_kept)};\n" + BUILT_SERVICE_WORKER.read_text()
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    try:
        built_at = BUILT_SERVICE_WORKER.stat().st_mtime_ns
    except FileNotFoundError as missing:
        raise Http404(_("The service worker is not built: run `make setup`.")) from missing
    if settings.DEBUG:
        _service_worker_text.cache_clear()
    response = HttpResponse(
        _service_worker_text(built_at, settings.DEBUG),
        content_type="text/javascript; charset=utf-8",
    )
    # Served from the root, it may control every page; the browser asks for it afresh on
    # every check for an update, so a new version reaches the device at the next visit.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {
            "src": static(f"img/icons/{kind}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]
    manifest: dict[str, Any] = {
        "name": "Joined Forces",
        "short_name": "Joined Forces",
        "description": _("Joined-up mission planning, in the office and in the field."),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(manifest)
    response["Content-Type"] = "application/manifest+json"
    return response


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """What this device keeps to send (filled in by static/js/outbox.js from the device's own
    storage), and the person's own recent field reports as the server has them."""
    user = cast(User, request.user)
    reports = list(
        field_report_list(user=user)
        .filter(author=user)
        .order_by("-created", "-pk")[:RECENT_REPORTS]
    )
    return render(request, "offline/outbox.html", {"reports": reports})


class SignOutView(auth_views.LogoutView):
    """Django's sign-out, which also tells the browser to forget what this site kept on the
    device: the cached pages and the outbox (static/js/outbox.js clears them too, before)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
