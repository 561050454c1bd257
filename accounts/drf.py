"""API plumbing every app shares: error mapping and version-checked updates."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import (
    AuthenticationFailed,
    NotAuthenticated,
    NotFound,
    ValidationError,
)
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.audit import audit_denial
from accounts.authentication import LockedOut
from accounts.concurrency import StaleVersion
from accounts.decisions import DecisionKind
from accounts.inputs import IdField
from accounts.models import AuditOutcome, Organisation
from accounts.pagination import CappedCountPagination


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services raise Django's ValidationError; the API answers it as a 400 with field messages.
    A stale version or decision round answers 409 with the object as it is now. Every 403,
    404, 409 and 429 is written to the audit trail (`accounts.audit`)."""
    response = _answer(exc, context)
    if response is not None and response.status_code in _AUDITED:
        _audit_refusal(exc, context, response.status_code)
    return response


_AUDITED = {
    status.HTTP_403_FORBIDDEN: AuditOutcome.FORBIDDEN,
    status.HTTP_404_NOT_FOUND: AuditOutcome.NOT_FOUND,
    status.HTTP_409_CONFLICT: AuditOutcome.STALE,
    status.HTTP_429_TOO_MANY_REQUESTS: AuditOutcome.THROTTLED,
}


def _audit_refusal(exc: Exception, context: dict[str, Any], status_code: int) -> None:
    # Missing or wrong credentials are not a refusal of access to something (and a lockout's
    # refused sign-ins are recorded by the axes handler, once each).
    if isinstance(exc, NotAuthenticated | AuthenticationFailed):
        return
    request = context.get("request")
    view = context.get("view")
    kwargs = getattr(view, "kwargs", None) or {}
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    if status_code == status.HTTP_404_NOT_FOUND and not kwargs.get(lookup):
        return  # no object was asked for (a list's page past the end)
    queryset = getattr(view, "queryset", None)
    match = getattr(request, "resolver_match", None)
    basename, action = getattr(view, "basename", None), getattr(view, "action", None)
    outcome = _AUDITED[status_code]
    if isinstance(exc, LockedOut):
        outcome = AuditOutcome.LOCKED_OUT
    audit_denial(
        request,
        outcome=outcome,
        action=f"{basename}.{action}"
        if basename and action
        else (match.view_name if match else getattr(request, "path", "")),
        status_code=status_code,
        user=exc.user if isinstance(exc, LockedOut) else None,
        username=exc.username if isinstance(exc, LockedOut) else "",
        subject=exc.current if isinstance(exc, StaleVersion) else None,
        model=getattr(queryset, "model", None),
        object_id=kwargs.get(lookup, ""),
        detail=str(getattr(exc, "detail", exc)),
    )


def _answer(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleVersion):
        view = context.get("view")
        represent = getattr(view, "represent_current", None)
        current = represent(exc.current) if represent is not None else None
        return Response({"detail": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = dict(exc.message_dict)
            # Model-wide errors (constraints across fields) arrive under Django's "__all__".
            if NON_FIELD_ERRORS in detail:
                detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        else:
            detail = {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    if isinstance(exc, Http404):
        exc = NotFound(_not_found_message(exc))
    return drf_exception_handler(exc, context)


_NOT_FOUND = re.compile(r"^No (\w+) matches the given query\.$")


def _not_found_message(exc: Http404) -> str:
    """Django's "No Plan matches the given query." is never translated: said again through
    the catalogue, naming the object as the reader's language does ("plan intégré")."""
    message = str(exc)
    match = _NOT_FOUND.match(message)
    if match is None or translation.get_language() == "en":
        return message
    model = next(
        (m for m in apps.get_models() if m._meta.object_name == match.group(1)),
        None,
    )
    name = str(model._meta.verbose_name) if model is not None else match.group(1)
    return gettext("No %(object)s matches the given query.") % {"object": name}


def _if_match_version(request: Request) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    value = header.removeprefix("W/").strip('"')
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (value.isascii() and value.isdigit()):
        raise ValidationError({"If-Match": gettext('Send the ETag you received, for example "3".')})
    return int(value)


MISSING_VERSION = _("Send the version you edited (or an If-Match header) so no change is lost.")


class VersionedUpdateMixin:
    """PUT and PATCH must name the version they were based on, in `version` or `If-Match`.

    A stale version answers 409 with the current state (`represent_current`). Views implement
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
        body, header = data.pop("version", None), _if_match_version(request)
        version = header if body is None else body
        if body is not None and header is not None and body != header:
            # They disagree, so one is stale: the service refuses it (409) as any stale one.
            version = header if body == instance.version else body
        if version is None:
            raise ValidationError({"version": [MISSING_VERSION]})
        updated = self.perform_versioned_update(instance, data, version)
        response = Response(self.get_serializer(updated).data)  # type: ignore[attr-defined]
        response["ETag"] = f'"{updated.version}"'
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_versioned_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        raise NotImplementedError


class SelectorViewSet(viewsets.GenericViewSet):
    """The only way an API viewset reads objects: `selector(user=...)` (a staticmethod naming
    the app's selector) returns what the user may see, filtered by permission in the
    database; `select(queryset)` may add what the responses need. Lists, detail lookups and
    actions all start there, so an object the user may not see is absent and answers 404.

    `queryset` stays as `Model.objects.none()`: it names the model for the schema only.
    Lists come in pages whose count stops at a cap (`accounts.pagination`).
    """

    selector: Callable[..., QuerySet[Any]] | None = None
    pagination_class = CappedCountPagination

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} reads through `selector`, never get_queryset.")

    def get_queryset(self) -> QuerySet[Any]:
        selector = type(self).selector
        if selector is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no selector.")
        return self.select(selector(user=self.request.user))

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def fresh(self, obj: Any) -> Any:
        """The object as this viewset shows it (after a service changed it), read again
        through the selector."""
        return self.get_queryset().get(pk=obj.pk)

    def represent_current(self, obj: Any) -> Any:
        """The object now, for a 409 answer."""
        serializer: Any = self.serializer_class
        return serializer(self.fresh(obj), context=self.get_serializer_context()).data

    def represent(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        """The answer after a service changed `obj`: the object now, with its ETag."""
        obj = self.fresh(obj)
        serializer: Any = self.serializer_class
        data = serializer(obj, context=self.get_serializer_context()).data
        headers = {"ETag": f'"{obj.version}"'} if hasattr(obj, "version") else None
        return Response(data, status=code, headers=headers)


class PartViewSet(
    VersionedUpdateMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    SelectorViewSet,
):
    """The parts of a larger object (a strategy's goals, a plan's activities): seen by whoever
    sees the whole, changed by whoever may change it. `permission_target(part)` names the
    whole, whose `change_permission` governs edits and deletes; creating goes through the
    app's service in `perform_service_create`."""

    change_permission: str = ""
    object_permissions: dict[str, str | None] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.change_permission and "object_permissions" not in cls.__dict__:
            cls.object_permissions = dict.fromkeys(
                ["update", "partial_update", "destroy"], cls.change_permission
            )

    def permission_target(self, obj: Any) -> Any:
        raise NotImplementedError

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = self.perform_service_create(dict(serializer.validated_data))
        return Response(
            self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class VersionField(serializers.IntegerField):
    """The edit counter: read on every representation, written back with each edit."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


STALE_RESPONSE = OpenApiResponse(
    description="The version sent is stale: `detail` says so and `current` is the object now."
)
"""A 409 a view declares (`accounts.schema` gives it its body; versioned updates get theirs
without declaring it)."""


class VisibleObjectField(IdField):
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


# --- decisions (see accounts.decisions) ---------------------------------------------------------


class DecisionStateSerializer(serializers.Serializer):
    """One deciding organisation's decision on the current round, or `pending`."""

    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    state = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_null=True, help_text="Who decided, or null.")
    decided_at = serializers.DateTimeField(allow_null=True)


def decision_state_serializer(name: str, kind: DecisionKind) -> type[serializers.Serializer]:
    """The panel row of one kind of decision, with its states as an enum in the schema."""
    return type(
        name,
        (DecisionStateSerializer,),
        {
            "__doc__": DecisionStateSerializer.__doc__,
            "state": serializers.ChoiceField(choices=[*kind.states.values(), "pending"]),
        },
    )


def _round_field(kind: DecisionKind) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        help_text=(
            f"The {kind.round_label} you read and decide on. If it is no longer the current "
            "one, the answer is 409 with the current state."
        ),
    )


def round_serializer(name: str, kind: DecisionKind) -> type[serializers.Serializer]:
    """A step that needs nothing but the round it decides on (a plan's final approval)."""
    return type(name, (serializers.Serializer,), {kind.round_field: _round_field(kind)})


def decision_request_serializer(
    name: str, kind: DecisionKind, *, comment_help: str, organisation_help: str
) -> type[serializers.Serializer]:
    """What a decision request carries: the outcome, a reason, the organisation (when the
    person decides for several) and the round they read, which must still be current."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "decision": serializers.ChoiceField(choices=kind.choices.choices),
            "comment": serializers.CharField(
                required=False, allow_blank=True, default="", help_text=comment_help
            ),
            "organisation": IdField(
                queryset=Organisation.objects.all(),
                required=False,
                allow_null=True,
                help_text=organisation_help,
            ),
            kind.round_field: _round_field(kind),
        },
    )


def decision_action(request_serializer: type[serializers.Serializer], response: Any) -> Any:
    """Document a decision action: its request, and 409 when the round read is stale."""
    return extend_schema(request=request_serializer, responses={200: response, 409: STALE_RESPONSE})


# --- queries and paths ----------------------------------------------------------------------------


class IdFilter(django_filters.NumberFilter):
    """An id in a query (`?plan=3`): a whole number, else 400, rather than a fraction that
    quietly matches nothing."""

    field_class = forms.IntegerField


class _YesNoField(forms.Field):
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        answer = self.VALUES.get(str(value).lower())
        if answer is None:
            raise DjangoValidationError(gettext("Send true or false."), code="invalid")
        return answer


class YesNoFilter(django_filters.BooleanFilter):
    """`true` or `false` in a query (also `1` and `0`); anything else is a 400, where Django's
    own field would ignore it and list everything."""

    field_class = _YesNoField


@csrf_exempt  # it changes nothing; a CSRF refusal would answer in HTML, before the 404
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under `/api/`: 404 in JSON, like every other API answer, rather than the
    site's page (an id that is not a number, a route that does not exist)."""
    return JsonResponse({"detail": gettext("Not found.")}, status=status.HTTP_404_NOT_FOUND)
