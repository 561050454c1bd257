"""Field reports from the field, with photos or PDFs checked by their content."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from accounts.grants import has_object_permission
from accounts.models import Role, User
from accounts.notifications import OrganisationRole, notify
from missions.models import (
    Activity,
    ActivityStatus,
    Attachment,
    FieldReport,
    Plan,
    PlanStatus,
)
from missions.services._common import ATTACHMENT_IMAGE_FORMATS, _lock


def attachment_check(upload: UploadedFile) -> str:
    """The upload's real type, judged by its content (never its name): an image or a PDF."""
    limit = settings.FIELD_REPORT_ATTACHMENT_MAX_MB * 1024 * 1024
    name = upload.name or "attachment"
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {"attachments": f"{name} is larger than {settings.FIELD_REPORT_ATTACHMENT_MAX_MB} MB."}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError({"attachments": f"{name} is not a photo or a PDF."}) from error
    finally:
        upload.seek(0)
    if kind not in ATTACHMENT_IMAGE_FORMATS:
        raise ValidationError(
            {"attachments": f"{name} is not a photo (JPEG, PNG, WebP, GIF) or a PDF."}
        )
    return ATTACHMENT_IMAGE_FORMATS[kind]


def _record_progress(activity: Activity, progress: int) -> None:
    """Progress from the field: done at 100; a planned activity is now under way. A blocked or
    cancelled one keeps its status: only its planners decide that it moves again."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.progress = progress
    if activity.status in (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS):
        activity.status = ActivityStatus.DONE if progress == 100 else ActivityStatus.IN_PROGRESS
    activity.full_clean()
    activity.version += 1
    activity.save(update_fields=["progress", "status", "version"])


@transaction.atomic
def field_report_file(
    *,
    plan: Plan,
    by: User,
    date: datetime.date,
    situation: str,
    activity: Activity | None = None,
    place: str = "",
    progress_update: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> FieldReport:
    """A field advisor's situation report; a progress update moves the activity's progress."""
    plan = _lock(plan)
    if not has_object_permission(by, plan, "file_field_report"):
        raise PermissionDenied("Field advisors of participating organisations file field reports.")
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed: it takes no more field reports.")
    if activity is not None and activity.line_of_effort.plan_id != plan.pk:
        raise ValidationError({"activity": "Choose an activity of this plan."})
    if progress_update is not None and activity is None:
        raise ValidationError(
            {"progress_update": "A progress update is for an activity: choose one."}
        )
    if date > timezone.localdate():
        raise ValidationError({"date": "A field report cannot be dated in the future."})
    if len(attachments) > settings.FIELD_REPORT_MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": f"At most {settings.FIELD_REPORT_MAX_ATTACHMENTS} files per report."}
        )
    content_types = [attachment_check(upload) for upload in attachments]
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
    for upload, content_type in zip(attachments, content_types, strict=True):
        Attachment.objects.create(
            field_report=report,
            file=upload,
            original_name=(upload.name or "attachment")[:200],
            content_type=content_type,
            size=upload.size or 0,
        )
    if activity is not None and progress_update is not None:
        _record_progress(activity, progress_update)
    recipients = [OrganisationRole(plan.lead_organisation_id, Role.PLANNER)]
    if activity is not None:
        recipients.append(OrganisationRole(activity.responsible_organisation_id, Role.PLANNER))
    notify(
        recipients=recipients,
        kind="plan.field_report",
        text=f"Field report on “{plan.title}”"
        + (f" ({activity.title})" if activity else "")
        + f" from {by.get_full_name() or by.username}.",
        url=plan.get_absolute_url(),
        event_key=f"field-report:{report.pk}",
    )
    return report
