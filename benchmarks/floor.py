"""The floor: the first page of the plans list as a bare `JsonResponse`, with the same rows,
order, (model) fields and count as the API's list, so DRF's own cost shows as the difference."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.urls import resolve

from accounts.models import User
from missions.models import Plan
from missions.selectors import visible_plans

API_PLANS_PATH = "/api/v1/plans/"


def _plans_viewset() -> Any:
    return resolve(API_PLANS_PATH).func.cls  # type: ignore[attr-defined]


@cache
def plan_list_fields() -> tuple[str, ...]:
    """The model fields the API's plans list shows (what it computes besides is left out)."""
    view = _plans_viewset()(action="list", format_kwarg=None, request=None, kwargs={})
    shown = view.get_serializer_class().Meta.fields
    concrete = {field.name for field in Plan._meta.concrete_fields}
    return tuple(name for name in shown if name in concrete)


@cache
def plans_paginator() -> type[Paginator]:
    """The API's own paginator, so the floor counts exactly as far as the API does."""
    return cast(type[Paginator], _plans_viewset().pagination_class.django_paginator_class)


@login_required
def plans_bare(request: HttpRequest) -> JsonResponse:
    user = cast(User, request.user)  # signed in: login_required
    rows = visible_plans(user).values(*plan_list_fields())  # in the list's own order
    paginator = plans_paginator()(rows, cast(int, settings.REST_FRAMEWORK["PAGE_SIZE"]))
    page = paginator.page(1)
    return JsonResponse({"count": paginator.count, "results": list(page.object_list)})
