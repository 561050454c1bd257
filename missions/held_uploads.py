"""Files chosen on a form that failed validation, held on the server until it is sent again.

A browser cannot put a chosen file back into a file input, so a field advisor whose report
came back for a missing situation would have to take the photo again. Instead the files are
stored under the attachments' folder and the form carries a signed token naming them, valid
for its signer and a day; the attachment sweep removes held files nobody sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from accounts.models import User

SALT = "missions.held-uploads"
HELD_FOR_SECONDS = 24 * 60 * 60
FOLDER = "field-reports/held"


@dataclass(frozen=True)
class Held:
    token: str
    names: list[str]
    """The file names as the person chose them."""


def _storage() -> Storage:
    return default_storage


def uploads_hold(*, files: list[UploadedFile], by: User) -> Held:
    stored, names = [], []
    for upload in files:
        upload.seek(0)
        stored.append(_storage().save(f"{FOLDER}/{uuid.uuid4().hex}", upload))
        names.append(upload.name or "attachment")
    token = signing.dumps(
        {"user": by.pk, "files": stored, "names": names, "types": [f.content_type for f in files]},
        salt=SALT,
    )
    return Held(token=token, names=names)


def uploads_release(*, token: str, by: User) -> list[UploadedFile]:
    """The held files, read back, and removed from storage; none for a token that is not this
    person's, expired or tampered with."""
    try:
        held = signing.loads(token, salt=SALT, max_age=HELD_FOR_SECONDS)
    except signing.BadSignature:
        return []
    if held.get("user") != by.pk:
        return []
    files: list[UploadedFile] = []
    for stored, name, content_type in zip(held["files"], held["names"], held["types"], strict=True):
        if not _storage().exists(stored):
            continue
        with _storage().open(stored, "rb") as handle:
            files.append(SimpleUploadedFile(name, handle.read(), content_type))
    return files


def uploads_forget(*, token: str) -> None:
    try:
        held = signing.loads(token, salt=SALT, max_age=HELD_FOR_SECONDS)
    except signing.BadSignature:
        return
    for stored in held["files"]:
        _storage().delete(stored)
