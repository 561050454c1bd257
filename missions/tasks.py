"""Celery tasks for plans: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from missions.services import attachments_sweep


@shared_task(name="missions.tasks.attachments_sweep")
def attachments_sweep_task() -> int:
    """Periodic: delete stored field report files that no attachment refers to."""
    return attachments_sweep()
