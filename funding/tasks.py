"""Celery tasks for funding: thin, safe to run twice."""

from __future__ import annotations

import datetime

from celery import shared_task

from funding.services import disbursements_overdue_alert


@shared_task(name="funding.tasks.disbursements_overdue_alert_task")
def disbursements_overdue_alert_task(on: str | None = None) -> int:
    """Daily: alert once for each request past its instrument's target. `on` (ISO date)
    replays a given day. Returns how many requests were alerted this run."""
    day = datetime.date.fromisoformat(on) if on else None
    return disbursements_overdue_alert(today=day)
