"""The secondments overview report (PDF with the flow chart, and CSV): only what the
requester may see, statuses as on the day."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

from accounts.models import Organisation, User
from reports import services as reports
from reports.models import Report, ReportStatus
from reports.registry import BuildContext, get_kind
from secondments.models import Secondment
from tests.secondments.conftest import days, request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _built(user: User, fmt: str) -> bytes:
    report = reports.report_request(by=user, kind="secondments_overview", params={"format": fmt})
    assert reports.report_build(report_id=report.pk) == "done"
    report = Report.objects.get(pk=report.pk)
    assert report.status == ReportStatus.DONE
    with report.file.open("rb") as stored:
        return stored.read()


def test_the_csv_lists_what_the_requester_sees(
    approved: Secondment, people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    request(people, home, host, start=40, end=50, kind="liaison")
    rows = list(csv.reader(io.StringIO(_built(people["host_planner"], "csv").decode())))
    assert rows == [
        ["person", "home", "host", "kind", "role", "post", "start", "end", "status"],
        ["person", "Ministry of Foreign Affairs", "Ministry of Defence", "Secondment",
         "Planner", "", days(-10).isoformat(), days(20).isoformat(), "Active"],
        ["person", "Ministry of Foreign Affairs", "Ministry of Defence", "Liaison",
         "Planner", "", days(40).isoformat(), days(50).isoformat(), "Requested"],
    ]  # fmt: skip
    outsider = list(csv.reader(io.StringIO(_built(people["outsider"], "csv").decode())))
    assert outsider == [rows[0]]


def test_the_pdf_draws_who_is_seconded_today(approved: Secondment, people: dict[str, User]) -> None:
    assert _built(people["home_planner"], "pdf").startswith(b"%PDF-")
    kind = get_kind("secondments_overview")
    data = kind.gather(
        BuildContext(report_id=0, user=people["home_planner"], params={}, progress=lambda _: None)
    )
    html = render_to_string(kind.template, data)
    assert "Ministry of Foreign Affairs to Ministry of Defence: 1 person" in html
    assert "1 seconded on" in html
    empty = kind.gather(
        BuildContext(report_id=0, user=people["outsider"], params={}, progress=lambda _: None)
    )
    assert (empty["rows"], empty["chart"]) == ([], "")
