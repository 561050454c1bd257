"""The OpenAPI description tells the whole truth: every status an operation can answer,
with its body, added by kind of operation rather than decorated on each view.

`ApiSchema` is DRF's `DEFAULT_SCHEMA_CLASS`. On top of what drf-spectacular derives from the
serializers it adds each status where it can happen, with its body:

- 400 (`ValidationError`, messages per field): every write, and reads with filters;
- 401 (`Error`, with `WWW-Authenticate: Token`): every operation that needs credentials;
- 403 (`Error`): writes, and reads guarded by an object permission;
- 404 (`Error`): routes with an id (nothing you can see has it), paginated lists (no such
  page);
- 409 (`Stale<Model>`: `detail`, and `current`, the object now): versioned updates
  (`VersionedUpdateMixin`);
- 415 (`Error`): operations with a request body, sent in another media type;
- 429 (`Error`, with `Retry-After`): throttled views, and every operation a token opens
  (refused while its person is locked out of signing in).

A view declares more with `extend_schema(responses={...})`; an error status declared there
with a description only gets the standard body for its status. Versioned updates also get
`version` required in their request body (`<Model>Update`, `Patched<Model>Update`), their
create-only fields read-only, an optional `If-Match` header, and the `ETag` they answer with.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS, AllowAny

from accounts.authentication import LockoutAwareTokenAuthentication
from accounts.drf import VersionedUpdateMixin

JSON = "application/json"

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words."}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Messages per field of the request: each value is a list of messages, or for a nested "
        "object or list the same shape inside. `non_field_errors` holds messages about the "
        "request as a whole; `detail` says why a body could not be read at all."
    ),
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string"},
    },
    "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "array"}, {"type": "object"}]},
}

DESCRIPTIONS = {
    400: (
        "Bad input: messages per field. Also a step the object's present state does not "
        "allow, saying why."
    ),
    401: "No credentials, or credentials that are not valid: send `Authorization: Token <token>`.",
    403: "You see this, but may not do this: `detail` says why.",
    404: "Nothing you can see has this id.",
    409: (
        "Someone changed this since the version (or round) you sent: `detail` says so and "
        "`current` is the object now."
    ),
    415: "The request body is in a media type this operation does not read.",
    429: "Too many requests: wait the seconds `Retry-After` names, then try again.",
}
LIST_NOT_FOUND = "No such page of the list."

HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate: `Token`.",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}
ETAG = {
    "ETag": {
        "description": "The object's version, to send back as `If-Match` (or `version`).",
        "required": True,
        "schema": {"type": "string"},
    }
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": (
        "The ETag of the version you edited, as an alternative to `version` in the body; "
        "when both are sent they must name the same version."
    ),
    # Empty is the header not sent.
    "schema": {"type": "string", "pattern": '^((W/)?"[0-9]+")?$'},
}

UPDATE_ACTIONS = ("update", "partial_update")


class ApiSchema(AutoSchema):
    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: Any,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        for code, description in self._error_statuses(operation).items():
            responses.setdefault(str(code), {"description": description})
        for key, response in responses.items():
            if int(key) >= 400 and "content" not in response:
                responses[key] = self._error_response(int(key), response, responses)
        for parameter in operation.get("parameters", []):
            # `?status=` is the filter (or page) not given, as in any HTML form: documented so.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        if self._is_versioned_update():
            operation.setdefault("parameters", []).append(dict(IF_MATCH))
        if self._is_versioned_update() or self._is_versioned_retrieve():
            responses["200"].setdefault("headers", {}).update(copy.deepcopy(ETAG))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    # --- which statuses ------------------------------------------------------------------------

    def _error_statuses(self, operation: dict[str, Any]) -> dict[int, str]:
        action = getattr(self.view, "action", None)
        unsafe = self.method not in SAFE_METHODS
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        paginated = self._is_list_view() and self._get_paginator() is not None
        statuses: dict[int, str] = {}
        if unsafe or any(p["name"] != "page" for p in query):
            statuses[400] = DESCRIPTIONS[400]
        if self._needs_credentials():
            statuses[401] = DESCRIPTIONS[401]
            guarded = getattr(self.view, "object_permissions", {}).get(action)
            if unsafe or guarded:
                statuses[403] = DESCRIPTIONS[403]
        if "{" in self.path:
            statuses[404] = DESCRIPTIONS[404]
        elif paginated and self.method == "GET":
            statuses[404] = LIST_NOT_FOUND
        if self._is_versioned_update():
            statuses[409] = DESCRIPTIONS[409]
        if "requestBody" in operation:
            statuses[415] = DESCRIPTIONS[415]
        if self.view.get_throttles() or self._refuses_locked_out_tokens():
            statuses[429] = DESCRIPTIONS[429]
        return statuses

    def _needs_credentials(self) -> bool:
        if not self.view.get_authenticators():
            return False
        return not any(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _refuses_locked_out_tokens(self) -> bool:
        return any(
            isinstance(authenticator, LockoutAwareTokenAuthentication)
            for authenticator in self.view.get_authenticators()
        )

    def _is_versioned_update(self) -> bool:
        return (
            isinstance(self.view, VersionedUpdateMixin)
            and getattr(self.view, "action", None) in UPDATE_ACTIONS
        )

    def _is_versioned_retrieve(self) -> bool:
        return (
            isinstance(self.view, VersionedUpdateMixin)
            and getattr(self.view, "action", None) == "retrieve"
        )

    # --- what they carry -------------------------------------------------------------------------

    def _error_response(
        self, code: int, declared: dict[str, Any], responses: dict[str, Any]
    ) -> dict[str, Any]:
        if code == 400:
            schema = self._component("ValidationError", VALIDATION_ERROR)
        elif code == 409:
            schema = self._stale_schema(responses)
        else:
            schema = self._component("Error", ERROR)
        response: dict[str, Any] = {
            "description": declared.get("description") or DESCRIPTIONS.get(code, ""),
            "content": {JSON: {"schema": schema}},
        }
        headers = {**declared.get("headers", {}), **copy.deepcopy(HEADERS.get(code, {}))}
        if headers:
            response["headers"] = headers
        return response

    def _stale_schema(self, responses: dict[str, Any]) -> dict[str, Any]:
        """`detail` and `current`: the object now, as the operation's success answers it."""
        success: dict[str, Any] = next(
            (responses[key] for key in sorted(responses) if key.startswith("2")), {}
        )
        current = success.get("content", {}).get(JSON, {}).get("schema", {"type": "object"})
        schema = {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "current": current},
            "required": ["detail", "current"],
        }
        ref: str = current.get("$ref", "")
        if not ref:
            return schema
        return self._component(f"Stale{ref.rsplit('/', 1)[-1]}", schema)

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        ref: dict[str, str] = component.ref
        return ref

    # --- versioned updates: `version` required, create-only fields read-only -------------------

    def _is_edited_object(self, serializer: Any) -> bool:
        """The serializer of the object an update edits (not one nested inside it)."""
        view: Any = self.view
        return self._is_versioned_update() and type(serializer) is view.get_serializer_class()

    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        name: str = super().get_serializer_name(serializer, direction)
        if direction == "request" and self._is_edited_object(serializer):
            return name.removesuffix("Serializer") + "Update"
        return name

    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction != "request" or not self._is_edited_object(serializer):
            return schema
        schema = copy.deepcopy(schema)
        fixed = set(getattr(serializer, "create_only_fields", ()))
        required = [name for name in schema.get("required", []) if name not in fixed]
        schema["required"] = sorted({*required, "version"})
        for name in fixed & set(schema.get("properties", {})):
            schema["properties"][name]["readOnly"] = True
        return schema
