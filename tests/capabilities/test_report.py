"""The capability gaps report: a PDF of the plan's gap view, as its requester sees it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from capabilities import services
from reports import services as reports
from reports.models import Report, ReportStatus
from reports.registry import BuildContext, ReportError, get_kind
from tests.capabilities.conftest import World, offer_make, pledge_make, requirement_make
from tests.conftest import api_as


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_pdf_shows_the_matrix_the_chart_the_unmet_need_and_the_overlap(
    world: World,
) -> None:
    bridge = requirement_make(world)
    requirement_make(world, description="Judicial experts", unit="experts", kind="expertise")
    pledge_make(world, offer_make(world, "un"), bridge, "2")
    services.pledge_propose(
        by=world["mod_planner"],
        offer=offer_make(world, "mod", visibility="organisation"),
        requirement=bridge,
        quantity=Decimal(1),
    )
    kind = get_kind("capability_gaps")
    data = kind.gather(
        BuildContext(
            report_id=0,
            user=world["mfa_planner"],
            params={"plan": world.plan.pk},
            progress=lambda _: None,
        )
    )
    html = render_to_string(kind.template, data)
    assert "Capability gaps: Northern Valeria integrated plan" in html
    assert "Judicial experts: 2 of 2 experts that no one has offered." in html
    assert "Engineering teams for bridge repair: 2 organisations pledge more than" in html
    assert 'class="chart gap-chart"' in html
    report = reports.report_request(
        by=world["mfa_planner"], kind="capability_gaps", params={"plan": world.plan.pk}
    )
    assert reports.report_build(report_id=report.pk) == "done"
    report = Report.objects.get(pk=report.pk)
    assert report.status == ReportStatus.DONE
    with report.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")


def test_only_those_who_see_the_plan_may_ask_for_it(world: World) -> None:
    response = api_as(world["outsider"]).post(
        "/api/v1/reports/", {"kind": "capability_gaps", "plan": world.plan.pk}, format="json"
    )
    assert response.status_code == 400
    kind = get_kind("capability_gaps")
    with pytest.raises(ReportError, match="no longer shared with you"):
        kind.gather(
            BuildContext(
                report_id=0,
                user=world["outsider"],
                params={"plan": world.plan.pk},
                progress=lambda _: None,
            )
        )


def test_the_report_asked_for_in_french_is_in_french(world: World) -> None:
    bridge = requirement_make(world)
    requirement_make(world, description="Judicial experts", unit="experts", kind="expertise")
    pledge_make(world, offer_make(world, "un"), bridge, "2")
    pledge_make(world, offer_make(world, "nato"), bridge, "1")
    kind = get_kind("capability_gaps")
    with translation.override("fr"):
        data = kind.gather(
            BuildContext(
                report_id=0,
                user=world["mfa_planner"],
                params={"plan": world.plan.pk},
                progress=lambda _: None,
            )
        )
        html = render_to_string(kind.template, data)
    assert '<html lang="fr">' in html
    assert "Écarts de capacités : Northern Valeria integrated plan" in html
    assert "Judicial experts: 2 sur 2 experts que personne n'a offerts." in html
    assert (
        "Engineering teams for bridge repair: 2 organisations engagent plus que les 2 teams "
        "nécessaires." in html
    )
    assert "Dans quelle mesure chaque besoin est couvert" in html  # the chart's title
    assert "that no one has offered" not in html
