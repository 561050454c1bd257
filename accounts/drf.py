"""API plumbing every app shares: error mapping and version-checked updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.concurrency import StaleVersion


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services raise Django's ValidationError; the API answers it as a 400 with field messages."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = dict(exc.message_dict)
            # Model-wide errors (constraints across fields) arrive under Django's "__all__".
            if NON_FIELD_ERRORS in detail:
                detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        else:
            detail = {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


def _if_match_version(request: Request) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": 'Send the ETag you received, for example "3".'})
    return int(value)


MISSING_VERSION = "Send the version you edited (or an If-Match header) so no change is lost."


class VersionedUpdateMixin:
    """PUT and PATCH must name the version they were based on, in `version` or `If-Match`.

    A stale version answers 409 with the current state. Views implement
    `perform_versioned_update(instance, validated_data, version)` by calling their service.
    """

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        response = Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]
        response["ETag"] = f'"{instance.version}"'
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(instance, data=request.data, partial=partial)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            version = _if_match_version(request)
        if version is None:
            raise ValidationError({"version": [MISSING_VERSION]})
        try:
            updated = self.perform_versioned_update(instance, data, version)
        except StaleVersion as stale:
            return Response(
                {"detail": str(stale), "current": self.get_serializer(stale.current).data},  # type: ignore[attr-defined]
                status=status.HTTP_409_CONFLICT,
            )
        response = Response(self.get_serializer(updated).data)  # type: ignore[attr-defined]
        response["ETag"] = f'"{updated.version}"'
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_versioned_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        raise NotImplementedError


class VersionField(serializers.IntegerField):
    """The edit counter: read on every representation, written back with each edit."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


STALE_RESPONSE = OpenApiResponse(
    description="The version sent is stale: `detail` says so and `current` is the object now."
)


def versioned_updates(serializer: type[serializers.BaseSerializer]) -> Any:
    """Document that PUT and PATCH answer 409 with the current state when the version is stale."""
    documented = extend_schema(responses={200: serializer, 409: STALE_RESPONSE})
    return extend_schema_view(update=documented, partial_update=documented)


class VisibleObjectField(serializers.PrimaryKeyRelatedField):
    """An id among the objects the requesting user may see; any other id "does not exist",
    so a request body cannot probe for objects the user may not see.

    `queryset` only names the model (for the schema); `visible(user)` is what is searched.
    """

    def __init__(self, *, visible: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible(self.context["request"].user)


class CreateOnlyFieldsMixin:
    """Fields in `create_only_fields` are written when the object is made and read-only
    afterwards: a goal stays with its strategy, an activity with its plan.

    One serializer per model (rather than a separate one for creating) keeps one schema
    component per model, so choice sets such as a driver's `kind` get one name.
    """

    create_only_fields: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        if getattr(self, "instance", None) is not None:
            for name in self.create_only_fields:
                fields[name].read_only = True
        return fields
