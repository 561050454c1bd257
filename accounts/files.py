"""Stored files (field report and lesson attachments) as answers to their readers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import FileResponse, Http404
from django.utils.translation import gettext


def attachment_among(attachments: Iterable[Any], attachment_id: Any) -> Any:
    """The attachment with this id among those of an object the reader may see, else 404."""
    found = next((a for a in attachments if str(a.pk) == str(attachment_id)), None)
    if found is None:
        raise Http404(gettext("No attachment matches the given query."))
    return found


def attachment_response(attachment: Any, *, page: bool = False) -> FileResponse:
    """An attachment's file, named as its sender named it; 404 once it is no longer stored.

    From a page (`page`), a photo opens in the browser and a PDF is downloaded, since the
    pages' strict content policy would not let the browser's viewer show it; the browser may
    keep it for an hour, for this reader only. The API always answers it as a download.
    """
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(gettext("This file is no longer stored.")) from error
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not page or attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    if page:
        response["Cache-Control"] = "private, max-age=3600"
    return response
