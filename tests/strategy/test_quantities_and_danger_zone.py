"""Whole-number quantities read without decimals (pages, PDF report, notifications), and the
strategy page keeps archiving apart from everyday actions, behind a confirmation page."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from accounts.formatting import quantity
from accounts.models import Notification, User
from reports.services import report_build, report_request
from strategy import services
from strategy.models import Indicator, Strategy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12.00"), "12"),
        (Decimal("12.50"), "12.5"),
        (Decimal("12.05"), "12.05"),
        (Decimal("-3.00"), "-3"),
        (Decimal("-0.00"), "0"),
        (Decimal("0.10"), "0.1"),
        (Decimal("1E+3"), "1000"),
        (Decimal("123456789012.00"), "123456789012"),
        (12, "12"),
        (12.5, "12.5"),
        ("7.00", "7"),
        (None, ""),
        ("", ""),
        ("n/a", "n/a"),
    ],
)
def test_a_quantity_shows_the_decimals_it_needs_and_no_more(value: object, shown: str) -> None:
    assert quantity(value) == shown
    rendered = Template("{% load quantities %}[{{ value|quantity }}]").render(
        Context({"value": value})
    )
    assert rendered == f"[{shown}]"


def test_pages_show_whole_numbers_without_decimals(
    strategy: Strategy, indicator: Indicator, lead_planner: User, partner_planner: User
) -> None:
    services.indicator_update(
        indicator=indicator,
        by=lead_planner,
        version=indicator.version,
        data={"target": Decimal("12.50")},
    )
    services.reading_record(
        indicator=indicator, by=lead_planner, date=datetime.date(2026, 3, 1), value=Decimal("45")
    )
    client = Client()
    client.force_login(lead_planner)

    html = client.get(f"/strategies/{strategy.pk}/").content.decode()
    assert (
        '<p class="indicator-facts">Baseline 60 → target 12.5 incidents · warn above 40 · '
        "latest 45 on 1 Mar 2026</p>"
    ) in html
    form = client.get(f"/strategies/indicators/{indicator.pk}/readings/new/").content.decode()
    assert (
        "Violent incidents per month (incidents): baseline 60, target 12.5, early warning "
        "warn when above 40</p>"
    ) in form
    warning = Notification.objects.filter(
        kind="strategy.indicator_warning", recipient=partner_planner
    ).first()
    assert warning is not None
    assert warning.text == (
        "Early warning on “Stability in Northern Valeria”: Violent incidents per month is 45 "
        "incidents, above the threshold of 40."
    )


def test_the_strategy_status_report_shows_whole_numbers_without_decimals(
    strategy: Strategy, lead_planner: User, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    report = report_request(
        by=lead_planner, kind="strategy_status", params={"strategy": strategy.pk}
    )
    assert report_build(report_id=report.pk) == "done"
    report.refresh_from_db()
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in pypdf.PdfReader(io.BytesIO(report.file.read())).pages
    )
    assert "Violent incidents per month: baseline 60, target 10 incidents" in text
    assert "60.00" not in text
    assert "10.00" not in text


def test_archiving_stands_apart_in_a_danger_zone_behind_a_confirmation(
    strategy: Strategy, lead_planner: User, partner_planner: User
) -> None:
    client = Client()
    client.force_login(lead_planner)
    html = client.get(f"/strategies/{strategy.pk}/").content.decode()
    head = html.split('<div class="inline-actions">', 1)[1].split("</div>", 1)[0]
    assert "Archive" not in head
    assert "Submit for endorsement" in head
    # The danger zone is the page's last section.
    zone = html.split('<section id="danger-zone" class="danger-zone"', 1)[1]
    assert zone.split("</section>", 1)[1].count("<section") == 0
    assert '<h2 id="danger-zone-heading">Danger zone</h2>' in zone
    assert (
        f'<a href="/strategies/{strategy.pk}/archive/" role="button" class="danger">Archive</a>'
        in zone
    )

    confirm = client.get(f"/strategies/{strategy.pk}/archive/")
    assert confirm.status_code == 200
    assert '<button type="submit" class="danger">Archive the strategy</button>' in (
        confirm.content.decode()
    )
    strategy.refresh_from_db()
    assert strategy.status == "draft"

    partner = Client()
    partner.force_login(partner_planner)
    assert 'id="danger-zone"' not in partner.get(f"/strategies/{strategy.pk}/").content.decode()


def test_an_indicator_chart_reaches_today(
    strategy: Strategy, indicator: Indicator, lead_planner: User
) -> None:
    today = timezone.localdate()
    services.reading_record(
        indicator=indicator,
        by=lead_planner,
        date=today - datetime.timedelta(days=40),
        value=Decimal("30"),
    )
    client = Client()
    client.force_login(lead_planner)
    html = client.get(f"/strategies/{strategy.pk}/").content.decode()
    chart = html.split(f'<section id="indicator-{indicator.pk}"', 1)[1].split("</figure>", 1)[0]
    assert 'width="100%" viewBox="0 0 600 260"' in chart
    assert f"<title>Today, {today:%d %b %Y}</title></line>" in chart
    assert f">Today, {today:%d %b %Y}</text>" in chart  # under the time axis, at its end
