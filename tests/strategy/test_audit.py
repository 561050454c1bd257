"""An endorsement writes one decision record, in its own transaction."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Organisation, User
from strategy import services
from strategy.models import Strategy

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
