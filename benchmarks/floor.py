"""The floor: the first page of the plans list as a bare `JsonResponse`, with the same rows,
order and (model) fields as the API's list, so DRF's own cost shows as the difference."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import resolve

from accounts.models import User
from missions.models import Plan
from missions.selectors import visible_plans

API_PLANS_PATH = "/api/v1/plans/"


@cache
def plan_list_fields() -> tuple[str, ...]:
    """The model fields the API's plans list shows (what it computes besides is left out)."""
    viewset = resolve(API_PLANS_PATH).func.cls  # type: ignore[attr-defined]
    view = viewset(action="list", format_kwarg=None, request=None, kwargs={})
    shown = view.get_serializer_class().Meta.fields
    concrete = {field.name for field in Plan._meta.concrete_fields}
    return tuple(name for name in shown if name in concrete)


@login_required
def plans_bare(request: HttpRequest) -> JsonResponse:
    user = cast(User, request.user)  # signed in: login_required
    plans = visible_plans(user)  # in the list's own order (the model's)
    page: list[dict[str, Any]] = list(
        plans.values(*plan_list_fields())[: settings.REST_FRAMEWORK["PAGE_SIZE"]]
    )
    return JsonResponse({"count": plans.count(), "results": page})
