"""Who may export a plan to IATI, through the API and the plan page; what the answers are;
and that the export costs the same number of queries for 2 activities or 20.

Personas (see `test_iati_export.iati_world_make`): the lead's planner and the development
participant's planner export; the lead's approver, the development ministry's approver and the
defence ministry's planner see the plan but are refused (403); the outsider and a development
planner whose membership ended yesterday do not see it (404); the superuser sees it and may
export it (read-only support); the anonymous caller is asked for credentials.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree

from accounts.models import AuditEvent, AuditOutcome
from funding.iati.export import NOTHING_TO_EXPORT, schema
from funding.iati.views import iati_link_context
from funding.models import DisbursementStatus
from missions.models import Activity
from tests.conftest import api_as
from tests.funding.test_iati_export import (
    IatiWorld,
    activity_add,
    allocation_add,
    iati_world_make,
    request_add,
)

REFUSED = (
    "Only planners of the lead organisation and of the participating development "
    "ministries can export this plan to IATI."
)
EXPECTED: dict[str, int] = {
    "lead_planner": 200,
    "dev_planner": 200,
    "superuser": 200,
    "lead_approver": 403,
    "dev_approver": 403,
    "mod_planner": 403,
    "outsider": 404,
    "former_dev_planner": 404,
    "anonymous": 401,
}


@pytest.fixture
def world(db: None) -> IatiWorld:
    return iati_world_make()


def url(world: IatiWorld) -> str:
    return f"/api/v1/plans/{world.plan.pk}/iati/"


def page_url(world: IatiWorld) -> str:
    return f"/plans/{world.plan.pk}/iati.xml"


def test_the_api_answers_each_persona(world: IatiWorld) -> None:
    answers = {}
    for persona in EXPECTED:
        response = api_as(world.people[persona]).get(url(world))
        answers[persona] = response.status_code
        if response.status_code == 200:
            assert response["Content-Type"] == "application/xml; charset=utf-8"
            assert response["Content-Disposition"] == (
                f'attachment; filename="plan-{world.plan.pk}-iati-2.03.xml"'
            )
            root = etree.fromstring(response.content)
            schema().assertValid(root)
            assert len(root.xpath("iati-activity")) == 2
        elif response.status_code == 403:
            assert response.json() == {"detail": REFUSED}
        elif response.status_code == 404:
            assert response.json() == {"detail": "No Plan matches the given query."}
        else:
            assert response["WWW-Authenticate"] == "Token"
    assert answers == EXPECTED


def test_a_refusal_is_in_the_audit_trail_and_changes_nothing(world: IatiWorld) -> None:
    before = Activity.objects.filter(line_of_effort__plan=world.plan).count()
    assert api_as(world.person("mod_planner")).get(url(world)).status_code == 403
    assert api_as(world.person("outsider")).get(url(world)).status_code == 404
    refusals = AuditEvent.objects.filter(object_id=str(world.plan.pk)).order_by("at", "id")
    assert [(e.outcome, e.status_code, e.username) for e in refusals] == [
        (AuditOutcome.FORBIDDEN, 403, "mod-planner"),
        (AuditOutcome.NOT_FOUND, 404, "outsider"),
    ]
    assert Activity.objects.filter(line_of_effort__plan=world.plan).count() == before


def test_a_client_may_ask_for_xml_and_still_gets_refusals_in_json(world: IatiWorld) -> None:
    ok = api_as(world.person("dev_planner")).get(url(world), HTTP_ACCEPT="application/xml")
    assert ok.status_code == 200
    assert ok.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<iati-activities")
    refused = api_as(world.person("mod_planner")).get(url(world), HTTP_ACCEPT="application/xml")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"
    assert refused.json() == {"detail": REFUSED}


def test_a_plan_with_nothing_to_export_is_a_400_saying_why(world: IatiWorld) -> None:
    Activity.objects.filter(line_of_effort__plan=world.plan).update(
        sector="", responsible_organisation=world.orgs["mfa"]
    )
    response = api_as(world.person("lead_planner")).get(url(world))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NOTHING_TO_EXPORT]}


def test_an_unknown_plan_is_a_404(world: IatiWorld) -> None:
    response = api_as(world.person("superuser")).get(f"/api/v1/plans/{world.plan.pk + 999}/iati/")
    assert response.status_code == 404


def test_the_page_download_answers_each_persona(world: IatiWorld) -> None:
    answers = {}
    for persona, expected in EXPECTED.items():
        client = Client()
        user = world.people[persona]
        if user is not None:
            client.force_login(user)
        response = client.get(page_url(world))
        answers[persona] = response.status_code
        if expected == 200:
            assert response["Content-Type"] == "application/xml; charset=utf-8"
            schema().assertValid(etree.fromstring(response.content))
    assert answers == {**EXPECTED, "anonymous": 302}


def test_the_page_with_nothing_to_export_goes_back_to_the_plan_saying_why(
    world: IatiWorld,
) -> None:
    Activity.objects.filter(line_of_effort__plan=world.plan).update(
        sector="", responsible_organisation=world.orgs["mfa"]
    )
    client = Client()
    client.force_login(world.person("dev_planner"))
    response = client.get(page_url(world))
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{world.plan.pk}/#funding"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [NOTHING_TO_EXPORT]


def test_the_download_link_is_offered_only_to_those_who_may_export(world: IatiWorld) -> None:
    offered = {}
    for persona in ("lead_planner", "dev_planner", "superuser", "lead_approver", "mod_planner"):
        html = render_to_string(
            "funding/_iati_link.html", iati_link_context(world.person(persona), world.plan)
        )
        offered[persona] = f'href="{page_url(world)}"' in html and "Download IATI XML" in html
        if not offered[persona]:
            assert html.strip() == ""
    assert offered == {
        "lead_planner": True,
        "dev_planner": True,
        "superuser": True,
        "lead_approver": False,
        "mod_planner": False,
    }


def test_the_schema_documents_the_route_and_its_answers(world: IatiWorld) -> None:
    schema_doc: dict[str, Any] = (
        api_as(world.person("outsider"))
        .get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    operation = schema_doc["paths"]["/api/v1/plans/{id}/iati/"]["get"]
    assert operation["operationId"] == "plans_iati_retrieve"
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "429"}
    assert list(operation["responses"]["200"]["content"]) == ["application/xml"]
    assert operation["responses"]["403"]["description"] == REFUSED


# --- queries -------------------------------------------------------------------------------------


def activities_add(world: IatiWorld, count: int) -> None:
    """`count` more development activities, each funded by both instruments with a paid and
    an approved request."""
    for n in range(count):
        activity = activity_add(world, f"Council grants {n}", sector="15112")
        pooled = allocation_add(world, "pooled", activity, "1000.00", -50)
        rapid = allocation_add(world, "rapid", activity, "500.00", -50)
        request_add(
            world, f"paid {n}", pooled, "400.00", DisbursementStatus.DISBURSED,
            requested=-40, approved=-30, disbursed=-20,
        )  # fmt: skip
        request_add(
            world, f"approved {n}", rapid, "100.00", DisbursementStatus.APPROVED,
            requested=-40, approved=-30,
        )  # fmt: skip


def export_queries(world: IatiWorld, persona: str) -> tuple[int, int]:
    client = api_as(world.person(persona))
    client.get(url(world))  # content types and permissions cached, as in a running server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(world))
    assert response.status_code == 200
    return len(queries.captured_queries), len(etree.fromstring(response.content))


@pytest.mark.parametrize(("persona", "queries"), [("dev_planner", 6), ("superuser", 4)])
def test_the_export_costs_the_same_queries_for_2_activities_or_20(
    world: IatiWorld, persona: str, queries: int
) -> None:
    assert export_queries(world, persona) == (queries, 2)
    activities_add(world, 18)
    assert export_queries(world, persona) == (queries, 20)


def test_the_plan_pages_funding_section_offers_the_download_to_those_who_may(
    world: IatiWorld,
) -> None:
    offered = {}
    for persona in ("dev_planner", "lead_approver", "mod_planner"):
        client = Client()
        client.force_login(world.person(persona))
        response = client.get(f"/plans/{world.plan.pk}/funding/")
        assert response.status_code == 200
        html = response.content.decode()
        offered[persona] = f'href="{page_url(world)}"' in html and "Download IATI XML" in html
    assert offered == {"dev_planner": True, "lead_approver": False, "mod_planner": False}
