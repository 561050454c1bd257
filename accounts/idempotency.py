"""Requests a device may send again: an `Idempotency-Key` makes a creation or a progress
update happen once, however often it is sent.

A field tablet that loses its connection after sending does not know whether the server got
the request. Sent again with the same key and the same body, the request answers what it
answered the first time (with `Idempotent-Replayed: true`) instead of filing a second report;
the same key with a different body is refused (422). The key is recorded in the same
transaction as the work, under a unique constraint, so of two simultaneous sends one does
the work and the other waits for it and answers its result. A request that fails (a 400, a
409) records nothing: the key can be sent again once the input is put right.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
KEPT_HEADERS = ("ETag", "Location")

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Made on the device for this one request (e.g. a UUID), up to 200 printable "
        "characters. Sent again with the same body, the request answers what it answered "
        f"the first time, with `{REPLAYED_HEADER}: true`, and does nothing twice; the same "
        "key with a different body answers 422."
    ),
)

KEY_REUSED_RESPONSE = OpenApiResponse(
    description="The Idempotency-Key was already used for a request with a different body."
)

KEY_REUSED = _(
    "This Idempotency-Key was already used for a different request: make a new key for "
    "each request."
)


def idempotent(action: Callable[..., Response]) -> Callable[..., Response]:
    """Make a viewset action answer once per `Idempotency-Key` (when the request has one)."""

    @wraps(action)
    def answer_once(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return action(view, request, *args, **kwargs)
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise ValidationError(
                {
                    HEADER: [
                        gettext("Give a key of 1 to %(max)d printable characters.")
                        % {"max": MAX_KEY_LENGTH}
                    ]
                }
            )
        fingerprint = _fingerprint(request)
        user: Any = request.user
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        user=user,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=0,
                        response={},
                    )
            except IntegrityError:
                # Sent before, and committed (a simultaneous first send finished in between).
                return _replay(IdempotentRequest.objects.get(user=user, key=key), fingerprint)
            response = action(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response = response.data
            record.headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            record.save(update_fields=["status_code", "response", "headers"])
        return response

    return answer_once


def _replay(earlier: IdempotentRequest, fingerprint: str) -> Response:
    if earlier.fingerprint != fingerprint:
        return Response(
            {"detail": KEY_REUSED, "code": "idempotency_key_reused"},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    headers = {**earlier.headers, REPLAYED_HEADER: "true"}
    return Response(earlier.response, status=earlier.status_code, headers=headers)


def _fingerprint(request: Request) -> str:
    """The request's method, path and body, whatever the encoding's incidentals (a multipart
    boundary, the order of fields): files (part of DRF's `data`) count by their content."""
    data = request.data
    if hasattr(data, "lists"):
        body: Any = {name: [_value(v) for v in values] for name, values in data.lists()}
    else:
        body = data
    canonical = json.dumps(
        [request.method, request.path, body], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _value(value: Any) -> Any:
    if hasattr(value, "chunks"):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "sha256": digest.hexdigest()}
    return value


def idempotency_keys_forget() -> int:
    """Forget the keys older than `IDEMPOTENCY_KEY_DAYS`: a device sends again within hours or
    days of losing its connection, not months. Returns how many were forgotten."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.IDEMPOTENCY_KEY_DAYS)
    forgotten, _ = IdempotentRequest.objects.filter(created__lt=cutoff).delete()
    return forgotten
