"""Asking for reports: each names what it is about, the list filters by kind, the reports page
offers only what it can ask for, and every request answers at once with the progress page."""

from __future__ import annotations

import datetime
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

import tests.reports.slow_kind  # noqa: F401  (registers "slow_directory", a standalone kind)
from accounts.models import Organisation, User
from missions import services as plan_services
from missions.models import Plan
from reports import registry
from reports.kinds import FormatParams, gather_organisation_directory
from reports.models import Report, ReportStatus
from reports.registry import BuildContext, ReportKind
from strategy import services as strategy_services
from strategy.models import Strategy
from tests.conftest import api_as, broker_reset


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def client_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_plan(member: User, home_org: Organisation) -> Plan:
    return plan_services.plan_create(
        by=member,
        title="Northern Valeria integrated plan",
        theatre="Valeria",
        lead_organisation=home_org,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


def make_strategy(member: User, home_org: Organisation) -> Strategy:
    return strategy_services.strategy_create(
        by=member,
        title="Valeria stabilisation strategy",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=home_org,
    )


def request_all_three(member: User, home_org: Organisation) -> dict[str, int]:
    plan = make_plan(member, home_org)
    strategy = make_strategy(member, home_org)
    client = api_as(member)
    ids = {}
    for kind, params in [
        ("organisation_directory", {"format": "csv"}),
        ("strategy_status", {"strategy": strategy.pk}),
        ("plan_brief", {"plan": plan.pk}),
    ]:
        response = client.post("/api/v1/reports/", {"kind": kind, "params": params}, format="json")
        assert response.status_code == 202, response.content
        ids[kind] = response.json()["id"]
    return ids


@pytest.mark.django_db
def test_reports_name_what_they_are_about_in_the_api_and_on_the_pages(
    member: User, home_org: Organisation
) -> None:
    ids = request_all_three(member, home_org)
    expected = {
        "organisation_directory": "Organisation directory",
        "strategy_status": "Strategy status: Valeria stabilisation strategy",
        "plan_brief": "Plan brief: Northern Valeria integrated plan",
    }

    listed = api_as(member).get("/api/v1/reports/").json()["results"]
    assert [(r["kind"], r["title"]) for r in listed] == [
        ("plan_brief", expected["plan_brief"]),
        ("strategy_status", expected["strategy_status"]),
        ("organisation_directory", expected["organisation_directory"]),
    ]
    detail = api_as(member).get(f"/api/v1/reports/{ids['plan_brief']}/").json()
    assert detail["title"] == expected["plan_brief"]

    page = client_as(member)
    html = page.get("/reports/").content.decode()
    links = re.findall(r'<td><a href="/reports/(\d+)/">([^<]*)</a></td>', html)
    assert links == [
        (str(ids["plan_brief"]), expected["plan_brief"]),
        (str(ids["strategy_status"]), expected["strategy_status"]),
        (str(ids["organisation_directory"]), expected["organisation_directory"]),
    ]
    for kind, title in expected.items():
        detail_html = page.get(f"/reports/{ids[kind]}/").content.decode()
        assert f"<h1>{title} <small>" in detail_html
        assert f"<title>{title}" in detail_html


@pytest.mark.django_db
def test_the_title_is_documented_in_the_schema(member: User) -> None:
    schema = (
        api_as(member).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    title = schema["components"]["schemas"]["Report"]["properties"]["title"]
    assert title["readOnly"] is True
    assert title["description"].startswith("What the report is about")
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    # The list of kinds is read when the API module is imported: the tests' own slow kind
    # is in it only if its module was imported first in this process.
    kinds = [k for k in parameters["kind"]["schema"]["enum"] if k != "slow_directory"]
    assert kinds == [
        "capability_gaps",
        "disbursement_times",
        "lessons_digest",
        "organisation_directory",
        "plan_brief",
        "public_summary",
        "secondments_overview",
        "strategy_status",
    ]


@pytest.mark.django_db
def test_the_report_list_filters_by_kind(member: User, home_org: Organisation) -> None:
    ids = request_all_three(member, home_org)
    client = api_as(member)

    only_briefs = client.get("/api/v1/reports/?kind=plan_brief").json()
    assert [r["id"] for r in only_briefs["results"]] == [ids["plan_brief"]]
    unknown = client.get("/api/v1/reports/?kind=everything")
    assert unknown.status_code == 400
    assert unknown.json() == {
        "kind": ["Select a valid choice. everything is not one of the available choices."]
    }

    page = client_as(member)
    html = page.get("/reports/?kind=strategy_status").content.decode()
    assert re.findall(r'<td><a href="/reports/(\d+)/">', html) == [str(ids["strategy_status"])]
    assert '<option value="strategy_status" selected>Strategy status</option>' in html
    bad = page.get("/reports/?kind=everything")
    assert bad.status_code == 200
    assert len(bad.context["page"].object_list) == 3
    assert (
        "Some filters could not be used: Select a valid choice. everything is not one of the "
        "available choices." in bad.content.decode()
    )
    empty = page.get("/reports/?kind=slow_directory").content.decode()
    assert '<p class="empty">No report of this kind.</p>' in empty


@pytest.mark.django_db
def test_the_reports_page_offers_only_the_kinds_it_can_ask_for(member: User) -> None:
    response = client_as(member).get("/reports/")
    form = response.content.decode().split('<form method="post" action="/reports/"', 1)[1]
    form = form.split("</form>", 1)[0]
    select = form.split('name="kind"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) == [
        ("organisation_directory", "Organisation directory"),
        ("secondments_overview", "Secondments overview"),
        ("lessons_digest", "Lessons digest"),
        ("disbursement_times", "Disbursement times"),
        ("slow_directory", "Organisation directory (slow, for tests)"),
    ]


@pytest.mark.django_db
def test_a_report_about_one_object_asked_without_it_is_refused_and_nothing_queued(
    member: User,
) -> None:
    client = client_as(member)
    for kind, message in [
        ("plan_brief", "Ask for this report (plan brief) from the plan's own page."),
        ("strategy_status", "Ask for this report (strategy status) from the strategy's own page."),
    ]:
        response = client.post("/reports/", {"kind": kind, "format": "pdf"})
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [message]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_every_way_of_asking_lands_on_the_progress_page_at_once(
    member: User, home_org: Organisation
) -> None:
    plan = make_plan(member, home_org)
    strategy = make_strategy(member, home_org)
    client = client_as(member)
    # What the buttons on the plan page, the strategy page and the reports page post.
    plan_page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert '<input type="hidden" name="kind" value="plan_brief">' in plan_page
    strategy_page = client.get(f"/strategies/{strategy.pk}/").content.decode()
    assert '<input type="hidden" name="kind" value="strategy_status">' in strategy_page
    for posted in [
        {"kind": "plan_brief", "format": "pdf", "plan": plan.pk},
        {"kind": "strategy_status", "format": "pdf", "strategy": strategy.pk},
        {"kind": "organisation_directory", "format": "pdf"},
    ]:
        response = client.post("/reports/", posted)
        report = Report.objects.latest("id")
        assert response.status_code == 302
        assert response["Location"] == f"/reports/{report.pk}/"
        assert report.status == ReportStatus.QUEUED
        progress = client.get(response["Location"]).content.decode()
        assert "Waiting for its turn" in progress
        assert f'hx-get="/reports/{report.pk}/status/" hx-trigger="every 2s"' in progress


# --- the embedded default: no worker, tasks run in-process -----------------------------------

release_build = threading.Event()


def gather_when_released(context: BuildContext) -> dict[str, Any]:
    # If the request built the report itself, it would wait here until the timeout, and the
    # test would see the report done when the request answered.
    release_build.wait(timeout=15)
    return gather_organisation_directory(context)


@pytest.fixture
def gated_kind() -> Any:
    release_build.clear()
    registry.register(
        ReportKind(
            name="gated",
            label="Gated directory",
            params_serializer=FormatParams,
            gather=gather_when_released,
            template="reports/organisation_directory.html",
            csv_rows=None,
        )
    )
    yield
    release_build.set()
    registry._kinds.pop("gated")


def build_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("report-build-")]


def test_without_a_worker_the_report_builds_beside_the_request_not_in_it(
    transactional_db: None,
    gated_kind: None,
    media_root: Path,
    member: User,
    settings: Any,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = client_as(member)
    started = timezone.now()

    page = client.post("/reports/", {"kind": "gated", "format": "pdf"})
    api = api_as(member).post("/api/v1/reports/", {"kind": "gated", "params": {}}, format="json")

    assert (timezone.now() - started).total_seconds() < 10
    from_page = Report.objects.get(pk=page["Location"].split("/")[2])
    assert page.status_code == 302
    assert from_page.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
    assert api.status_code == 202
    assert api.json()["status"] in ("queued", "running")
    assert len(build_threads()) == 2

    release_build.set()
    for thread in build_threads():
        thread.join(timeout=60)
    assert sorted(Report.objects.values_list("status", "progress", "title")) == [
        ("done", 100, "Gated directory"),
        ("done", 100, "Gated directory"),
    ]
    broker_reset()  # the "report ready" e-mail tasks went to the test broker
