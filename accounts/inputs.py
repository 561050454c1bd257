"""What any input must be, whichever way it comes in (API, page, admin, a task calling a
service): text without control characters, ids that are whole numbers, JSON of a sane depth,
usernames that could belong to someone. Each rule is written once, here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError

# --- text ---------------------------------------------------------------------------------------

# C0 control characters and DEL, except tab, line feed and carriage return. NUL is left to
# Django's and DRF's own text fields, which refuse it in their words before this rule runs.
CONTROL_CHARACTER = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = _(
    "Remove the control character U+%(code)s: text may hold tabs and line breaks, no others."
)


def no_control_characters(value: Any) -> None:
    """A validator: terminal escapes, bells and the like have no place in shared text."""
    found = CONTROL_CHARACTER.search(value) if isinstance(value, str) else None
    if found:
        raise ValidationError(
            CONTROL_CHARACTER_MESSAGE,
            code="control_character",
            params={"code": f"{ord(found.group()):04X}"},
        )


def plain_text_everywhere() -> None:
    """Give every text field of our models (`settings.PROJECT_APPS`) the validator above.

    Model field validators are what `full_clean` (every service), model forms and DRF's model
    serializers all check, so this one rule covers the API, the pages and the admin, with
    the message on the field. It is set on the field's computed `validators` rather than
    declared per field, so no migration records it: a new text field is covered too.
    """
    for label in settings.PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                text = isinstance(field, models.CharField | models.TextField) and not field.choices
                if text and no_control_characters not in field.validators:
                    field.__dict__["validators"] = [*field.validators, no_control_characters]


# --- ids ----------------------------------------------------------------------------------------


class IdField(serializers.PrimaryKeyRelatedField):
    """An id as a whole number (or its digits, as forms send them): `1.5` or `true` is not
    quietly taken for `1`."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and data.isascii() and data.isdigit():
            data = int(data)
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, with `IdField` for the relations it builds from the model."""

    serializer_related_field = IdField


# --- JSON ---------------------------------------------------------------------------------------

JSON_MAX_DEPTH = 32
"""No request of ours nests deeper than a few levels; 32 leaves room and stops abuse."""


def _depth_exceeds(value: Any, limit: int) -> bool:
    # Walked with a list, not recursion: the point is to never run out of stack.
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing nesting deeper than `JSON_MAX_DEPTH` with a 400 (Python's
    parser would otherwise run out of stack on `[[[[...` and answer 500)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        too_deep = ParseError(
            gettext("JSON parse error - nested deeper than %(depth)d levels.")
            % {"depth": JSON_MAX_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if _depth_exceeds(data, JSON_MAX_DEPTH):
            raise too_deep
        return data


# --- usernames ----------------------------------------------------------------------------------


def _username_max_length() -> int:
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    return int(getattr(field, "max_length", None) or 150)


def username_is_possible(username: Any) -> bool:
    """Whether someone could have this username: text, no longer than the field, no control
    characters (NUL included). Anything else is a wrong username, said as such."""
    return (
        isinstance(username, str)
        and len(username) <= _username_max_length()
        and "\x00" not in username
        and not CONTROL_CHARACTER.search(username)
    )


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The username django-axes records and looks up (`AXES_USERNAME_CALLABLE`), made
    storable: its table holds 255 characters and PostgreSQL text no NUL. No real username
    is changed by this (they are shorter and plain), and a longer one still counts towards
    the lockout of its address."""
    username = (credentials or {}).get(get_user_model().USERNAME_FIELD)
    if username is None and request is not None:
        username = request.POST.get(get_user_model().USERNAME_FIELD)
    if username is None:
        return ""
    # U+FFFD rather than nothing, so "mem<NUL>ber" is not counted against "member".
    return str(username).replace("\x00", "\ufffd")[:255]


class ImpossibleUsernameBackend:
    """First among `AUTHENTICATION_BACKENDS`: a username nobody can have ends the sign-in as a
    failed one (the ordinary "wrong username or password"), before any backend looks it up."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        field = get_user_model().USERNAME_FIELD
        if field in credentials and not username_is_possible(credentials[field]):
            raise PermissionDenied(gettext("No one has this username."))
        # No `get_user`: it signs no one in, so Django (and `force_login`) never picks it
        # to load the signed-in user.
        return None
