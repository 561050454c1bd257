"""Reports ready and not yet downloaded by the person who asked for them (see `accounts.work`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.work import WorkItem, register_work
from reports.models import Report, ReportStatus


def _show_report(report: Report) -> WorkItem:
    return WorkItem(
        kind="report_ready",
        title=report.display_title,
        detail=_("%(format)s, ready to download") % {"format": report.format.upper()},
        url=report.get_absolute_url(),
        since=report.finished_at or report.created,
    )


@register_work(section="reports", kind="report_ready", show=_show_report)
def reports_ready(user: User) -> QuerySet[Report]:
    return Report.objects.filter(
        requested_by=user, status=ReportStatus.DONE, downloaded_at__isnull=True
    ).order_by("finished_at", "pk")
