"""Ten simultaneous requests for 300.00 of an allocation of 1,000.00: three go through, the
others are refused, and what is requested never exceeds the allocation (the allocation's row
is locked by each request, so they are counted one after the other).

Its own module: the threads' connections must see committed rows."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from funding.models import DisbursementRequest
from tests.conftest import api_as
from tests.funding.conftest import world_make


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_never_exceed_the_allocation() -> None:
    world = world_make()
    lead = world.person("lead_planner")
    answers: list[Any] = []
    start = threading.Barrier(10)

    def send() -> None:
        try:
            start.wait()
            answers.append(
                api_as(lead).post(
                    "/api/v1/disbursements/",
                    {"allocation": world.to_clerks.pk, "amount": "300.00"},
                    format="json",
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.status_code for a in answers) == [201] * 3 + [400] * 7
    total = DisbursementRequest.objects.aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("900.00")
