from __future__ import annotations

from celery import shared_task

from reports.services import report_build, reports_cleanup, reports_sweep


@shared_task(
    name="reports.tasks.report_build",
    acks_late=True,
    reject_on_worker_lost=True,
)
def report_build_task(report_id: int) -> str:
    """Build one report. A worker killed mid-build leaves the message unacknowledged, so
    Redis delivers it again and the next worker rebuilds the report."""
    return report_build(report_id=report_id)


@shared_task(name="reports.tasks.reports_cleanup")
def reports_cleanup_task() -> int:
    return reports_cleanup()


@shared_task(name="reports.tasks.reports_sweep")
def reports_sweep_task() -> dict[str, int]:
    return reports_sweep()
