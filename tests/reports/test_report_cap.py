"""The per-person report cap holds under concurrent requests: two requests that arrive together
cannot both pass the count, so a person never has more reports being built than the cap."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from reports import services
from reports.models import Report, ReportStatus


def test_two_simultaneous_requests_cannot_both_pass_the_cap(
    transactional_db: None, member: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REPORT_MAX_ACTIVE_PER_USER = 2
    Report.objects.create(kind="organisation_directory", requested_by=member)
    # No build is wanted here, and no message should be left in the test broker.
    monkeypatch.setattr(services, "_enqueue_build", lambda report: None)

    # Hold each request between its count and its insert until the other one has counted too
    # (or half a second has passed: a request waiting for the cap's lock never counts).
    counted = threading.Barrier(2)
    create = Report.objects.create

    def create_after_both_counted(**kwargs: Any) -> Report:
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=0.5)
        return create(**kwargs)

    monkeypatch.setattr(Report.objects, "create", create_after_both_counted)

    outcomes: list[str] = []

    def ask() -> None:
        try:
            services.report_request(
                by=member, kind="organisation_directory", params={"format": "csv"}
            )
            outcomes.append("queued")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [
        "You already have 2 reports being built. Wait for one to finish, then try again.",
        "queued",
    ]
    assert Report.objects.filter(requested_by=member, status=ReportStatus.QUEUED).count() == 2
