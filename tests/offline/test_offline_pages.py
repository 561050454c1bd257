"""Field work without a connection, the server's part of the device side: the service worker
at /sw.js, the web manifest, the outbox page and signing out with `Clear-Site-Data`.
The device's part runs in a browser: tests/e2e/test_offline.py."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from accounts.models import Role, User
from missions import services
from missions.models import Plan
from offline.views import BUILT_SERVICE_WORKER
from tests.factories import make_member, make_organisation
from tests.missions.conftest import plan_world_make

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> tuple[dict[str, Any], Plan]:
    settings.MEDIA_ROOT = tmp_path / "media"
    _, people, plan = plan_world_make()
    return people, plan


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report(plan: Plan, by: User, situation: str) -> Any:
    return services.field_report_file(plan=plan, by=by, date=DAY, situation=situation)


# --- the service worker ----------------------------------------------------------------------


def test_the_service_worker_is_served_at_the_root_to_anyone(db: None) -> None:
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert body.endswith(BUILT_SERVICE_WORKER.read_text())
    first_line = body.split("\n", 1)[0]
    found = re.fullmatch(r"self\.__JF_PRECACHE = (\[.*\]);", first_line)
    assert found is not None
    precache = json.loads(found.group(1))
    urls = [entry["url"] for entry in precache]
    for url in (
        "/static/vendor/pico/pico.min.css",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/idb/index.js",
        "/static/css/app.css",
        "/static/css/offline.css",
        "/static/js/app.js",
        "/static/js/outbox.js",
        "/static/img/favicon.svg",
    ):
        assert url in urls
    assert len(urls) == len(set(urls))
    assert all(re.fullmatch(r"[0-9a-f]{16}", entry["revision"]) for entry in precache)


def test_a_signed_in_person_gets_the_service_worker_not_stored(world: Any) -> None:
    people, _ = world
    response = signed_in(people["field_advisor"]).get("/sw.js")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache, no-store"
    assert response["Service-Worker-Allowed"] == "/"


def test_the_service_worker_is_only_read(db: None) -> None:
    assert Client().post("/sw.js").status_code == 405


def test_the_service_worker_bundles_workbox_and_keeps_no_api_answer() -> None:
    built = BUILT_SERVICE_WORKER.read_text()
    source = (Path(__file__).resolve().parents[2] / "offline" / "sw-src.js").read_text()
    assert "workbox" in built  # Workbox's own cache names, bundled in
    assert "import " not in built  # one file: the browser loads no module from elsewhere
    assert "/api/" not in source


# --- installable -----------------------------------------------------------------------------


def test_the_web_manifest_makes_the_app_installable(db: None) -> None:
    response = Client().get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert {key: manifest[key] for key in ("name", "start_url", "scope", "display")} == {
        "name": "Joined Forces",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
    }
    assert [(icon["src"], icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("/static/img/icons/icon-192.png", "192x192", "any"),
        ("/static/img/icons/icon-512.png", "512x512", "any"),
        ("/static/img/icons/maskable-192.png", "192x192", "maskable"),
        ("/static/img/icons/maskable-512.png", "512x512", "maskable"),
    ]
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path is not None
        with Image.open(path) as image:
            assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])


def test_every_page_links_the_manifest_and_signed_in_pages_load_the_outbox(
    world: Any,
) -> None:
    people, _ = world
    anonymous = Client().get("/login/").content.decode()
    home = signed_in(people["field_advisor"]).get("/").content.decode()

    for page in (anonymous, home):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<script type="module" src="/static/js/outbox.js"></script>' in home
    assert '<a href="/outbox/">Outbox' in home
    assert f'<meta name="jf-user" content="{people["field_advisor"].pk}">' in home
    assert "outbox.js" not in anonymous
    assert "jf-user" not in anonymous


# --- the outbox page -------------------------------------------------------------------------


def test_the_outbox_page_asks_to_sign_in_first(db: None) -> None:
    response = Client().get("/outbox/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/outbox/")


def test_the_outbox_lists_ones_own_recent_field_reports_only(world: Any) -> None:
    people, plan = world
    advisor = people["field_advisor"]
    colleague = make_member(plan.lead_organisation, Role.FIELD_ADVISOR, username="colleague")
    report(plan, advisor, "Kora: the well pumps again.")
    report(plan, colleague, "Someone else's report.")
    report(plan, advisor, "Kora: the market reopened.")

    response = signed_in(advisor).get("/outbox/")

    assert response.status_code == 200
    assert [r.situation for r in response.context["reports"]] == [
        "Kora: the market reopened.",
        "Kora: the well pumps again.",
    ]
    page = response.content.decode()
    assert "Send now" in page
    assert "Someone else" not in page


def test_reports_of_a_plan_no_longer_visible_leave_the_outbox_page(world: Any) -> None:
    people, plan = world
    outsider_org = make_organisation(slug="elsewhere", name="Elsewhere")
    advisor = people["field_advisor"]
    report(plan, advisor, "Kora: the well pumps again.")
    advisor.memberships.all().delete()
    make_member(outsider_org, Role.FIELD_ADVISOR, username="moved")

    response = signed_in(advisor).get("/outbox/")

    assert list(response.context["reports"]) == []


def test_the_outbox_page_costs_the_same_queries_at_two_reports_and_at_twenty(
    world: Any,
) -> None:
    people, plan = world
    advisor = people["field_advisor"]
    client = signed_in(advisor)

    def queries() -> int:
        client.get("/outbox/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/outbox/").status_code == 200
        return len(captured.captured_queries)

    for number in range(2):
        report(plan, advisor, f"Report {number}.")
    at_two = queries()
    for number in range(2, 25):
        report(plan, advisor, f"Report {number}.")
    at_many = queries()

    assert at_two == at_many


# --- signing out -----------------------------------------------------------------------------


def test_signing_out_tells_the_browser_to_clear_the_devices_copies(world: Any) -> None:
    people, _ = world
    client = signed_in(people["field_advisor"])

    response = client.post("/logout/")

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/outbox/").status_code == 302
