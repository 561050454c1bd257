"""Strategy decisions in the audit trail: an endorsement and a glossary curation write one
record each; a stale curation one denial."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Organisation, Role, User
from strategy import services
from strategy.models import GlossaryTerm, Strategy
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db


def test_an_endorsement_writes_one_decision_record(
    strategy: Strategy, lead_planner: User, partner_approver: User, partner_org: Organisation
) -> None:
    services.strategy_submit(strategy=strategy, by=lead_planner)
    client = APIClient(REMOTE_ADDR="192.0.2.40")
    client.force_authenticate(partner_approver)

    response = client.post(
        f"/api/v1/strategies/{strategy.pk}/endorse/",
        {"decision": "reject", "comment": "Name the police.", "edition": 1},
        format="json",
    )

    assert response.status_code == 200
    assert list(
        AuditEvent.objects.values(
            "category",
            "user_id",
            "organisation_id",
            "content_type_id",
            "object_id",
            "object_repr",
            "action",
            "outcome",
            "ip_address",
        )
    ) == [
        {
            "category": "decision",
            "user_id": partner_approver.pk,
            "organisation_id": partner_org.pk,
            "content_type_id": ContentType.objects.get_for_model(Strategy).pk,
            "object_id": str(strategy.pk),
            "object_repr": str(strategy),
            "action": "endorse_strategy",
            "outcome": "reject",
            "ip_address": "192.0.2.40",
        }
    ]


# --- glossary curation -------------------------------------------------------------------------


@pytest.fixture
def proposal(db: None, member: User) -> GlossaryTerm:
    return services.glossary_term_propose(
        by=member,
        data={
            "term": "Spoiler",
            "definition": "A party that uses violence to undermine a peace process.",
            "un_impp": "Spoiler",
            "nato_cpa": "",
            "eu_integrated": "",
            "whole_of_government": "",
        },
    )


def test_a_curators_decision_writes_one_record_for_the_steward(
    settings: Any, proposal: GlossaryTerm
) -> None:
    settings.GLOSSARY_STEWARD_ORGANISATION = "un"
    un = make_organisation(slug="un", name="United Nations")
    curator = make_member(un, Role.ORG_ADMIN, username="curator")
    client = APIClient(REMOTE_ADDR="192.0.2.41")
    client.force_authenticate(curator)

    response = client.post(
        f"/api/v1/glossary/{proposal.pk}/decline/",
        {"version": proposal.version, "reason": "We have “Spoiler” already."},
        format="json",
    )

    assert response.status_code == 200
    assert list(
        AuditEvent.objects.values_list(
            "category", "user_id", "organisation_id", "object_repr", "action", "outcome"
        )
    ) == [("decision", curator.pk, un.pk, str(proposal), "curate_glossary", "declined")]


def test_a_stale_curation_in_the_api_writes_one_denial(
    proposal: GlossaryTerm, superuser: User
) -> None:
    client = APIClient(REMOTE_ADDR="192.0.2.42")
    client.force_authenticate(superuser)  # staff: curates for no organisation

    response = client.post(
        f"/api/v1/glossary/{proposal.pk}/approve/", {"version": 99}, format="json"
    )

    assert response.status_code == 409
    assert list(
        AuditEvent.objects.values_list(
            "category", "user_id", "object_id", "action", "outcome", "status_code", "ip_address"
        )
    ) == [
        (
            "denial",
            superuser.pk,
            str(proposal.pk),
            "api-glossary-term-approve",
            "stale",
            409,
            "192.0.2.42",
        )
    ]
