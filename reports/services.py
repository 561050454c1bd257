"""Report jobs: requesting, building (called by the Celery task), retrying, cleaning up."""

from __future__ import annotations

import csv
import io
import logging
import threading
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.locale import time_zone_of
from accounts.models import User
from accounts.notifications import notifications_done, notify
from reports.models import Report, ReportStatus
from reports.registry import BuildContext, ReportError, all_kinds, get_kind

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = gettext_lazy(
    "Something went wrong while building this report. Try again; if it fails again, "
    "tell your administrator."
)
TOO_SLOW = gettext_lazy(
    "This report took too long to build. Try again at a quieter moment, or ask for less."
)


def _language_now() -> str:
    """The active language (the request's), as one of the site's languages."""
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def _enqueue_build(report: Report) -> None:
    from reports.tasks import report_build_task

    if settings.CELERY_TASK_ALWAYS_EAGER:
        # The embedded default has no worker, and an eager task would build the report inside
        # the request that asked for it: the person would wait for the PDF before seeing its
        # progress page. A thread of this process stands in for the worker instead.
        transaction.on_commit(lambda: _build_in_background(report.pk), robust=True)
    else:
        transaction.on_commit(lambda: report_build_task.delay(report.pk), robust=True)


def _build_in_background(report_id: int) -> threading.Thread:
    from reports.tasks import report_build_task

    def build() -> None:
        try:
            report_build_task.apply(args=[report_id])
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=build, name=f"report-build-{report_id}", daemon=True)
    thread.start()
    return thread


def _either(names: list[str]) -> str:
    """ "PDF", "PDF or CSV": the choices in words."""
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def report_params_validate(*, kind: str, params: dict[str, Any], by: User) -> dict[str, Any]:
    names = [k.name for k in all_kinds()]
    if kind not in names:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(names)}}
        )
    report_kind = get_kind(kind)
    serializer = report_kind.params_serializer(data=params, context={"user": by})
    if not serializer.is_valid():
        raise ValidationError(
            {
                "params": [
                    f"{field}: {' '.join(map(str, errors))}"
                    for field, errors in serializer.errors.items()
                ]
            }
        )
    validated = dict(serializer.validated_data)
    if validated.get("format", "pdf") not in report_kind.formats:
        formats = _either([f.upper() for f in report_kind.formats])
        raise ValidationError(
            {
                "params": [
                    _("format: %(kind)s is available as %(formats)s.")
                    % {"kind": report_kind.label, "formats": formats}
                ]
            }
        )
    return validated


@transaction.atomic
def report_request(*, by: User, kind: str, params: dict[str, Any]) -> Report:
    validated = report_params_validate(kind=kind, params=params, by=by)
    # Count and insert under a lock on the requester's row: two requests arriving together
    # would otherwise both count below the cap and both be queued.
    User.objects.select_for_update().only("pk").get(pk=by.pk)
    active = Report.objects.filter(
        requested_by=by, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).count()
    if active >= settings.REPORT_MAX_ACTIVE_PER_USER:
        raise ValidationError(
            _(
                "You already have %(count)d reports being built. "
                "Wait for one to finish, then try again."
            )
            % {"count": active}
        )
    report = Report.objects.create(
        kind=kind,
        title=get_kind(kind).title(validated)[:300],
        params=validated,
        requested_by=by,
        # Built later by a worker, in the language it was asked for in.
        language=_language_now(),
    )
    _enqueue_build(report)
    return report


@transaction.atomic
def report_downloaded(*, report: Report, by: User) -> None:
    """Its requester has the report: it no longer waits in their work, nor in their bell."""
    if report.requested_by_id != by.pk:
        return
    if report.downloaded_at is None:
        Report.objects.filter(pk=report.pk, downloaded_at__isnull=True).update(
            downloaded_at=timezone.now()
        )
    notifications_done(event_key=f"report:{report.pk}:done", recipient=by)


@transaction.atomic
def report_retry(*, report: Report, by: User) -> Report:
    if report.requested_by_id != by.pk and not by.is_superuser:
        raise PermissionDenied(_("Only the person who asked for this report can retry it."))
    updated = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.QUEUED, progress=0, error="", finished_at=None
    )
    if not updated:
        raise ValidationError(_("Only a failed report can be tried again."))
    report.refresh_from_db()
    _enqueue_build(report)
    return report


def _claim(report_id: int) -> int | None:
    """Take the job; returns this attempt's number, or None if it is done or failed.

    A `running` job is taken too: it was left by a worker that died mid-build (acks_late
    redelivers it), and the visibility timeout outlasts the hard time limit, so no live
    worker can still be building it.
    """
    with transaction.atomic():
        claimed = Report.objects.filter(
            pk=report_id, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
        ).update(
            status=ReportStatus.RUNNING,
            attempt=F("attempt") + 1,
            progress=1,
            started_at=timezone.now(),
        )
        if not claimed:
            return None
        return Report.objects.values_list("attempt", flat=True).get(pk=report_id)


def _set_progress(report_id: int, attempt: int, value: int) -> None:
    Report.objects.filter(pk=report_id, attempt=attempt, status=ReportStatus.RUNNING).update(
        progress=max(1, min(99, value))
    )


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(cell: str) -> str:
    """Text a user typed must not run as a formula when the CSV is opened in a spreadsheet."""
    return f"'{cell}" if cell.startswith(FORMULA_PREFIXES) else cell


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Reports are self-contained (styles inline, charts as inline SVG). Refusing every URL
    keeps text a user typed from making the worker fetch files or reach other hosts."""
    raise ValueError(f"Reports do not load external resources ({url[:60]}).")


def _render(report: Report, data: dict[str, Any]) -> bytes:
    kind = get_kind(report.kind)
    if report.format == "csv":
        if kind.csv_rows is None:
            raise ReportError(_("%(kind)s is not available as CSV.") % {"kind": kind.label})
        buffer = io.StringIO()
        csv.writer(buffer).writerows(
            [_spreadsheet_safe(cell) for cell in row] for row in kind.csv_rows(data)
        )
        return buffer.getvalue().encode("utf-8")
    from weasyprint import HTML

    html = render_to_string(kind.template, {**data, "report": report})
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def file_name(report: Report) -> str:
    """The same name on every attempt, so a rebuilt report replaces its file, never adds one."""
    return f"reports/{report.pk}/{report.kind.replace('_', '-')}-{report.pk}.{report.format}"


def download_name(report: Report) -> str:
    return file_name(report).rsplit("/", 1)[-1]


def report_build(*, report_id: int) -> str:
    """Build a report; safe to run twice and after a worker died mid-build."""
    attempt = _claim(report_id)
    if attempt is None:
        return "skipped"
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    # In the language it was asked for in and the requester's time zone, whoever's worker.
    with (
        translation.override(report.language or settings.LANGUAGE_CODE),
        timezone.override(time_zone_of(report.requested_by)),
    ):
        try:
            context = BuildContext(
                report_id=report.pk,
                user=report.requested_by,
                params=report.params,
                progress=lambda value: _set_progress(report.pk, attempt, value),
            )
            data = get_kind(report.kind).gather(context)
            _set_progress(report.pk, attempt, 70)
            content = _render(report, data)
            _set_progress(report.pk, attempt, 95)
        except ReportError as error:
            return _fail(report, attempt, str(error))
        except SoftTimeLimitExceeded:
            return _fail(report, attempt, str(TOO_SLOW))
        except Exception:
            logger.exception("Report %s failed", report.pk)
            return _fail(report, attempt, str(UNEXPECTED_FAILURE))

    name = file_name(report)
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.attempt != attempt or current.status != ReportStatus.RUNNING:
            return "superseded"
        if default_storage.exists(name):
            default_storage.delete(name)
        current.file.save(name.removeprefix("reports/"), ContentFile(content), save=False)
        current.status = ReportStatus.DONE
        current.progress = 100
        current.finished_at = timezone.now()
        current.save(update_fields=["file", "status", "progress", "finished_at"])
        notify(
            recipients=[report.requested_by],
            kind="report.done",
            # Lazy: written in the recipient's language when it is sent.
            text=format_lazy(
                gettext_lazy("Your report “{title}” is ready to download."),
                title=report.display_title,
            ),
            url=report.get_absolute_url(),
            event_key=f"report:{report.pk}:done",
        )
    return "done"


def _fail(report: Report, attempt: int, message: str) -> str:
    Report.objects.filter(pk=report.pk, attempt=attempt).update(
        status=ReportStatus.FAILED, error=message[:500], finished_at=timezone.now()
    )
    return "failed"


def reports_sweep(*, now: Any = None) -> dict[str, int]:
    """Reports no worker is building: queue again those whose task was lost (the broker was
    down at commit), fail those whose worker died and whose redelivery is long overdue."""
    from reports.tasks import report_build_task

    now = now or timezone.now()
    lost = list(
        Report.objects.filter(
            status=ReportStatus.QUEUED, created__lt=now - timedelta(minutes=5)
        ).values_list("pk", flat=True)[:500]
    )
    for report_id in lost:
        report_build_task.delay(report_id)
    overdue = now - timedelta(
        seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        + settings.CELERY_TASK_TIME_LIMIT
        + 60
    )
    abandoned = 0
    for language, _name in settings.LANGUAGES:
        # The message in the language each report was asked for in.
        with translation.override(language):
            abandoned += Report.objects.filter(
                status=ReportStatus.RUNNING, started_at__lt=overdue, language=language
            ).update(status=ReportStatus.FAILED, error=str(TOO_SLOW), finished_at=now)
    abandoned += Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=overdue).update(
        status=ReportStatus.FAILED, error=str(TOO_SLOW), finished_at=now
    )
    return {"requeued": len(lost), "failed": abandoned}


def reports_cleanup(*, now: Any = None) -> int:
    """Delete reports (and their files) finished longer ago than the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_RETENTION_DAYS)
    expired = Report.objects.filter(finished_at__lt=cutoff)
    count = 0
    for report in expired.iterator():
        if report.file:
            report.file.delete(save=False)
        report.delete()
        count += 1
    return count
