"""What a field report's attachment really is, judged by its content (never its name or the
type the client claims): a photo, re-encoded here, or a PDF whose structure was read.

A photo is decoded and saved again by Pillow, so what is stored is pixels and nothing else:
no EXIF (a tablet's photo carries the GPS position, which participants must not learn unless
the reporter shares the place), no trailing payload. A PDF is kept as sent once pypdf has read
its page tree. Either is stored under a generated name with the extension of its real type.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from missions.services._common import ATTACHMENT_IMAGE_FORMATS

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
}
IMAGE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    MemoryError,
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload found to be a photo or a PDF: what to store, and as what."""

    content: ContentFile[bytes]
    content_type: str

    @property
    def name(self) -> str:
        """A generated name: nothing of the sender's file name reaches the storage."""
        return f"{secrets.token_hex(16)}.{EXTENSIONS[self.content_type]}"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"attachments": message})


def _pdf_check(upload: UploadedFile, name: str) -> CheckedFile:
    content = upload.read()
    upload.seek(0)
    try:
        pages = len(pypdf.PdfReader(io.BytesIO(content), strict=False).pages)
    # A parser of hostile input fails in many ways; any of them means "not a PDF".
    except Exception as error:
        raise _refuse(_("%(name)s is not a photo or a PDF.") % {"name": name}) from error
    if pages < 1:
        raise _refuse(_("%(name)s is not a photo or a PDF.") % {"name": name})
    if pages > settings.FIELD_REPORT_PDF_MAX_PAGES:
        raise _refuse(
            _("%(name)s has more than %(pages)d pages.")
            % {"name": name, "pages": settings.FIELD_REPORT_PDF_MAX_PAGES}
        )
    return CheckedFile(ContentFile(content), "application/pdf")


def _photo_check(upload: UploadedFile, name: str) -> CheckedFile:
    limit = settings.FIELD_REPORT_PHOTO_MAX_MEGAPIXELS
    try:
        with Image.open(upload) as image:
            kind = image.format or ""
            width, height = image.size
            if kind not in ATTACHMENT_IMAGE_FORMATS:
                raise _refuse(
                    _("%(name)s is not a photo (JPEG, PNG, WebP, GIF) or a PDF.") % {"name": name}
                )
            # Judged from the header, before a single pixel is decoded.
            if width * height > limit * 1_000_000:
                raise _refuse(
                    _(
                        "%(name)s is larger than %(limit)s megapixels "
                        "(%(width)d x %(height)d pixels)."
                    )
                    % {"name": name, "limit": limit, "width": width, "height": height}
                )
            image.seek(0)  # an animation keeps its first frame only
            upright = ImageOps.exif_transpose(image)
            buffer = io.BytesIO()
            _save(upright, kind, buffer)
    except ValidationError:
        raise
    except IMAGE_ERRORS as error:
        raise _refuse(_("%(name)s is not a photo or a PDF.") % {"name": name}) from error
    finally:
        upload.seek(0)
    return CheckedFile(ContentFile(buffer.getvalue()), ATTACHMENT_IMAGE_FORMATS[kind])


def _save(image: Image.Image, kind: str, buffer: io.BytesIO) -> None:
    """Pixels only: no `exif`, `icc_profile` or text chunks are passed on."""
    if kind == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=88, optimize=True)
    elif kind == "GIF":
        image.save(buffer, format="GIF")
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA")
        image.save(buffer, format=kind)


def attachment_check(upload: UploadedFile) -> CheckedFile:
    """The upload's real type, judged by its content: a photo (re-encoded) or a PDF (read)."""
    limit = settings.FIELD_REPORT_ATTACHMENT_MAX_MB * 1024 * 1024
    name = upload.name or "attachment"
    if upload.size is None or upload.size > limit:
        raise _refuse(
            _("%(name)s is larger than %(size)s MB.")
            % {"name": name, "size": settings.FIELD_REPORT_ATTACHMENT_MAX_MB}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return _pdf_check(upload, name)
    return _photo_check(upload, name)
