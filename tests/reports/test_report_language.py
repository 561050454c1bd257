"""A report is written in the language it was asked for in, by whichever worker builds it."""

from __future__ import annotations

import csv
import io
import zoneinfo
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation, Role, User
from reports.models import Report, ReportStatus
from tests.conftest import api_as
from tests.factories import make_member
from tests.reports.test_reports import report_state, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def french_catalogue() -> None:
    """The compiled French catalogue `make setup` builds, which the worker reads too."""
    assert (ROOT / "locale/fr/LC_MESSAGES/django.mo").exists()


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def built(report_id: int) -> Report:
    wait_until(lambda: report_state(report_id)[0] in (ReportStatus.DONE, ReportStatus.FAILED))
    report = Report.objects.get(pk=report_id)
    assert (report.status, report.error) == (ReportStatus.DONE, "")
    return report


def pdf_text(report: Report) -> str:
    with report.file.open("rb") as file:
        content = file.read()
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.mark.celery_worker
def test_a_pdf_asked_for_in_french_through_the_api_is_in_french(
    celery_worker: object,
    french_catalogue: None,
    media_root: Path,
    member: User,
    other_org: Organisation,
) -> None:
    make_member(other_org, Role.PLANNER, username="someone-at-defence")
    response = api_as(member).post(
        "/api/v1/reports/",
        {"kind": "organisation_directory", "params": {"format": "pdf"}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 202, response.content
    report = built(response.json()["id"])

    assert report.language == "fr"
    assert report.title == "Annuaire des organisations"
    text = pdf_text(report)
    assert "Annuaire des organisations" in text
    assert "Organisations par type" in text  # the chart's title
    assert "2 organisations" in text
    assert "pour member" in text
    assert "Les membres ne sont indiqués que pour vos propres organisations." in text
    assert "Page 1 sur 1" in text
    assert "Organisation directory" not in text
    assert "Members are listed" not in text


@pytest.mark.celery_worker
def test_a_report_asked_for_on_a_page_is_in_the_persons_language_and_time_zone(
    celery_worker: object,
    french_catalogue: None,
    media_root: Path,
    member: User,
    other_org: Organisation,
) -> None:
    member.language = "fr"
    member.time_zone = "Europe/Paris"
    member.save(update_fields=["language", "time_zone"])
    client = Client()
    client.force_login(member)

    # The browser asks for English; the person's own choice wins.
    response = client.post(
        "/reports/",
        {"kind": "organisation_directory", "format": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    report = built(Report.objects.get(requested_by=member).pk)
    assert report.language == "fr"
    with report.file.open("rb") as file:
        rows = list(csv.reader(io.StringIO(file.read().decode())))
    assert rows[0] == ["organisation", "sigle", "type", "pays", "membre", "rôle", "membre depuis"]

    response = client.post("/reports/", {"kind": "organisation_directory", "format": "pdf"})
    assert response.status_code == 302
    report = built(Report.objects.filter(requested_by=member).latest("pk").pk)
    assert report.language == "fr"
    text = pdf_text(report)
    assert "Annuaire des organisations" in text
    assert "Les membres ne sont indiqués que pour vos propres organisations." in text
    # Made in the requester's time zone, whatever the worker's.
    paris = timezone.localtime(report.finished_at, zoneinfo.ZoneInfo("Europe/Paris"))
    assert paris.tzname() in text

    # The status page too, in French.
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Prêt." in page
    assert "Télécharger le PDF" in page


@pytest.mark.celery_worker
def test_a_report_asked_for_in_english_stays_english(
    celery_worker: object,
    french_catalogue: None,
    media_root: Path,
    member: User,
    other_org: Organisation,
) -> None:
    response = api_as(member).post(
        "/api/v1/reports/",
        {"kind": "organisation_directory", "params": {"format": "pdf"}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 202, response.content
    report = built(response.json()["id"])

    assert report.language == "en"
    text = pdf_text(report)
    assert "Organisation directory" in text
    assert "Members are listed for your own organisations only." in text
    assert "Page 1 of 1" in text
    assert "Annuaire" not in text
