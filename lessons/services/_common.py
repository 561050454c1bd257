"""What the lesson services share: locking, the text rule, attachments stored with cleanup."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import FileField
from django.utils.translation import gettext as _

from accounts.models import User
from lessons.models import Lesson, LessonAttachment, RemedialAction
from missions.services.uploads import attachment_check

T = TypeVar("T")


def lock(lesson: Lesson) -> Lesson:
    return (
        Lesson.objects.select_for_update().select_related("source_organisation").get(pk=lesson.pk)
    )


def name_of(user: User) -> str:
    return user.get_full_name() or user.username


def _storage() -> Storage:
    return cast(FileField, LessonAttachment._meta.get_field("file")).storage


def shown_name(name: str | None) -> str:
    return "".join(c for c in name or "" if c.isprintable())[:200] or "attachment"


def attachments_check(attachments: Sequence[UploadedFile]) -> None:
    if len(attachments) > settings.FIELD_REPORT_MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("At most %(count)s files at once.")
                % {"count": settings.FIELD_REPORT_MAX_ATTACHMENTS}
            }
        )


def attachments_store(
    attachments: Sequence[UploadedFile],
    *,
    lesson: Lesson,
    by: User,
    stored: list[str],
    action: RemedialAction | None = None,
) -> list[LessonAttachment]:
    """Check each upload by its content (a photo re-encoded, or a PDF read) and store it;
    `stored` collects the file names so the caller deletes them if the transaction fails."""
    checked = [(upload, attachment_check(upload)) for upload in attachments]
    saved = []
    for upload, file in checked:
        attachment = LessonAttachment(
            lesson=lesson,
            remedial_action=action,
            original_name=shown_name(upload.name),
            content_type=file.content_type,
            size=len(file.content),
            added_by=by,
        )
        attachment.file.save(file.name, file.content, save=False)
        stored.append(str(attachment.file.name))
        attachment.save()
        saved.append(attachment)
    return saved


def atomic_with_files(write: Callable[[list[str]], T]) -> T:
    """Run `write` in one transaction; files it stored are deleted if it fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except BaseException:
        for name in stored:
            _storage().delete(name)
        raise
