"""A request's memo of what each person holds on each object, so a page asks once.

A page asks `accounts.authority` many times about one object (may they change it, approve
it, review it, for which organisations...). Each answer comes from the same grant rows, so
within a request they are fetched once per person and object (all codenames together) and
kept here.

The memo lives only while `ObjectPermissionsMiddleware` handles a request: it never outlives
the request or crosses to another one, and outside requests (tasks, commands, the shell) every
question reads the database afresh. Any write on the database connection during the request
(a service recomputing grants, a membership that ends, anything) empties it, so what the page
shows after a service call is read after the change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class ObjectGrants:
    """What one person holds on one object today: per codename, the organisations they hold
    it for (through organisation-role groups), and the codenames granted to them personally."""

    organisations: dict[str, frozenset[int]] = field(default_factory=dict)
    personal: frozenset[str] = frozenset()

    def holds(self, codename: str) -> bool:
        return codename in self.organisations or codename in self.personal


MemoKey = tuple[int, str, Any, datetime.date]

_memo: ContextVar[dict[MemoKey, ObjectGrants] | None] = ContextVar(
    "object_permissions_memo", default=None
)


def object_grants(
    user: Any,
    obj: models.Model,
    day: datetime.date,
    fetch: Callable[[], ObjectGrants],
) -> ObjectGrants:
    """`fetch()`'s answer for `user` on `obj` on `day`, fetched once per request."""
    memo = _memo.get()
    if memo is None:
        return fetch()
    key = _key(user, obj, day)
    grants = memo.get(key)
    if grants is None:
        grants = memo[key] = fetch()
    return grants


READS = {"SELECT", "DECLARE"}
"""Statements that change nothing: queries (a union opens with a parenthesis) and the
server-side cursors `.iterator()` declares for a query. Anything else empties the memo."""


def keeping_object_grants() -> bool:
    """Whether answers are kept: inside a request."""
    return _memo.get() is not None


def object_grants_keep(
    user: Any, obj: models.Model, day: datetime.date, grants: ObjectGrants
) -> None:
    """Keep `grants`, fetched with others', as `user`'s on `obj` on `day` for the request."""
    memo = _memo.get()
    if memo is not None:
        memo[_key(user, obj, day)] = grants


def _key(user: Any, obj: models.Model, day: datetime.date) -> MemoKey:
    return (user.pk, obj._meta.label_lower, obj.pk, day)


def _is_read(sql: str) -> bool:
    words = sql.lstrip("( \t\n").split(maxsplit=1)
    return bool(words) and words[0].upper() in READS


class ObjectPermissionsMiddleware:
    """Opens the request's memo and empties it whenever the request writes to the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memo: dict[MemoKey, ObjectGrants] = {}

        def forget_on_write(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            if not _is_read(sql):
                memo.clear()
            return execute(sql, params, many, context)

        token = _memo.set(memo)
        try:
            with connection.execute_wrapper(forget_on_write):
                return self.get_response(request)
        finally:
            _memo.reset(token)
