"""Field reports from the field, with photos or PDFs checked by their content
(`missions.services.uploads`)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator, Sequence
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.concurrency import check_version
from accounts.models import Role, User
from accounts.notifications import OrganisationRole, notify
from missions.models import (
    Activity,
    Attachment,
    FieldReport,
    Plan,
    PlanStatus,
)
from missions.permissions import can_file_field_report
from missions.services._common import _lock
from missions.services.dates import lazy_date
from missions.services.structure import activity_status_check, status_after_progress
from missions.services.uploads import attachment_check
from secondments.selectors import embedded_with


def _shown_name(name: str | None) -> str:
    """The sender's file name as shown and offered on download: no control characters."""
    return "".join(c for c in name or "" if c.isprintable())[:200] or "attachment"


def _record_progress(activity: Activity, progress: int, version: int | None) -> None:
    """Progress from the field: done at 100, a planned activity under way. A blocked,
    cancelled or finished one keeps its status: only its planners decide that it moves again.
    Given the activity's `version` the reporter read, a change made since is refused
    (`StaleVersion`), never overwritten: a report written offline may arrive days later."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if version is not None:
        check_version(activity, version)
    activity.progress = progress
    status = status_after_progress(activity.status, progress, from_the_field=True)
    activity_status_check(activity.status, status)
    activity.status = status
    activity.full_clean()
    activity.version += 1
    activity.save(update_fields=["progress", "status", "version"])


def field_report_file(
    *,
    plan: Plan,
    by: User,
    date: datetime.date,
    situation: str,
    activity: Activity | None = None,
    place: str = "",
    progress_update: int | None = None,
    activity_version: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> FieldReport:
    """A field advisor's situation report; a progress update moves the activity's progress.

    Attachment files are stored before the report commits, so a filed attachment always has
    its file. When the transaction fails, the files it stored are deleted here; those left
    by a crash, or by a caller's own transaction rolling back later, `attachments_sweep`
    removes.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _field_report_file(
                plan=plan,
                by=by,
                date=date,
                situation=situation,
                activity=activity,
                place=place,
                progress_update=progress_update,
                activity_version=activity_version,
                attachments=attachments,
                stored=stored,
            )
    except BaseException:
        for name in stored:
            _attachment_storage().delete(name)
        raise


def _field_report_file(
    *,
    plan: Plan,
    by: User,
    date: datetime.date,
    situation: str,
    activity: Activity | None,
    place: str,
    progress_update: int | None,
    activity_version: int | None,
    attachments: Sequence[UploadedFile],
    stored: list[str],
) -> FieldReport:
    plan = _lock(plan)
    if not can_file_field_report(by, plan):
        raise PermissionDenied(
            _("Field advisors of participating organisations file field reports.")
        )
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it takes no more field reports."))
    if activity is not None and activity.line_of_effort.plan_id != plan.pk:
        raise ValidationError({"activity": _("Choose an activity of this plan.")})
    if progress_update is not None and activity is None:
        raise ValidationError(
            {"progress_update": _("A progress update is for an activity: choose one.")}
        )
    if date > timezone.localdate():
        raise ValidationError({"date": _("A field report cannot be dated in the future.")})
    if len(attachments) > settings.FIELD_REPORT_MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": ngettext(
                    "At most %(count)d file per report.",
                    "At most %(count)d files per report.",
                    settings.FIELD_REPORT_MAX_ATTACHMENTS,
                )
                % {"count": settings.FIELD_REPORT_MAX_ATTACHMENTS}
            }
        )
    checked = [attachment_check(upload) for upload in attachments]
    report = FieldReport(
        plan=plan,
        activity=activity,
        author=by,
        date=date,
        place=place,
        situation=situation,
        progress_update=progress_update,
    )
    report.full_clean()
    report.save()
    for upload, file in zip(attachments, checked, strict=True):
        attachment = Attachment(
            field_report=report,
            original_name=_shown_name(upload.name),
            content_type=file.content_type,
            size=file.content.size,
        )
        field = _attachment_field()
        name = field.storage.save(
            field.generate_filename(attachment, file.name),
            file.content,
            max_length=field.max_length,
        )
        stored.append(name)
        attachment.file.name = name
        attachment.save()
    if activity is not None and progress_update is not None:
        _record_progress(activity, progress_update, activity_version)
    recipients = [OrganisationRole(plan.lead_organisation_id, Role.PLANNER)]
    if activity is not None:
        recipients.append(OrganisationRole(activity.responsible_organisation_id, Role.PLANNER))
    embedded = list(embedded_with(by))
    taking_part = set(plan.participants.values_list("organisation_id", flat=True))
    # An embedded advisor reports to both lines: the commander's organisation (the host)
    # hears of the report on its plan...
    recipients += [
        OrganisationRole(s.host_organisation_id, Role.PLANNER)
        for s in embedded
        if s.host_organisation_id in taking_part
    ]
    notify(
        recipients=recipients,
        kind="plan.field_report",
        text=format_lazy(
            gettext_lazy("Field report on “{plan}” ({activity}) from {author}."),
            plan=plan.title,
            activity=activity.title,
            author=by.get_full_name() or by.username,
        )
        if activity
        else format_lazy(
            gettext_lazy("Field report on “{plan}” from {author}."),
            plan=plan.title,
            author=by.get_full_name() or by.username,
        ),
        url=plan.get_absolute_url(),
        event_key=f"field-report:{report.pk}",
        actor=by,
    )
    # ...and their home organisation's planners hear that one was filed, linked to the
    # secondment they see, without naming a plan they may not.
    for secondment in embedded:
        notify(
            recipients=[OrganisationRole(secondment.home_organisation_id, Role.PLANNER)],
            kind="secondment.field_report",
            text=format_lazy(
                gettext_lazy("{author}, embedded with {host}, filed a field report dated {date}."),
                author=by.get_full_name() or by.username,
                host=secondment.host_organisation,
                date=lazy_date(date),
            ),
            url=secondment.get_absolute_url(),
            event_key=f"field-report:{report.pk}:home:{secondment.pk}",
            actor=by,
        )
    return report


# Longer than any transaction that stores a file may stay open before it commits.
ATTACHMENT_ORPHAN_GRACE = datetime.timedelta(days=1)


def _attachment_field() -> FileField:
    return cast(FileField, Attachment._meta.get_field("file"))


def _attachment_storage() -> Storage:
    return _attachment_field().storage


def _stored_files(storage: Storage, directory: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for subdirectory in directories:
        yield from _stored_files(storage, f"{directory}/{subdirectory}")


def _older_than(storage: Storage, name: str, cutoff: datetime.datetime) -> bool:
    try:
        return storage.get_modified_time(name) < cutoff
    except FileNotFoundError:  # deleted meanwhile, by a sweep running at the same time
        return False


def attachments_sweep(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Delete stored attachment files no attachment refers to (left by a crash before the
    report committed, a caller's rollback, or a deleted plan), once they are older than
    `ATTACHMENT_ORPHAN_GRACE`: a younger one may belong to a report still being filed.
    Returns how many were deleted; safe to run twice, or twice at once."""
    storage = _attachment_storage()
    cutoff = (now or timezone.now()) - ATTACHMENT_ORPHAN_GRACE
    # The top folder of the attachments' `upload_to` ("field-reports/%Y/%m/").
    folder = str(_attachment_field().upload_to).split("/", 1)[0]
    old = (name for name in _stored_files(storage, folder) if _older_than(storage, name, cutoff))
    deleted = 0
    while names := list(itertools.islice(old, batch)):
        referenced = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        for name in names:
            if name not in referenced:
                storage.delete(name)
                deleted += 1
    return deleted
