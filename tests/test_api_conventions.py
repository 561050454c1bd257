"""Guards on the API as a whole, so a new endpoint cannot quietly skip the permission model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.viewsets import GenericViewSet

from accounts.drf import SelectorViewSet
from accounts.permissions import ObjectRulesPermission

OPEN_ENDPOINTS = {"TokenView"}  # signing in needs no session; throttled by django-axes


def api_view_classes(patterns: Any = None, prefix: str = "") -> Iterator[tuple[str, type]]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from api_view_classes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith(
            "api/v1/"
        ):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None:
                yield prefix + str(pattern.pattern), view_class


def test_every_api_view_requires_the_object_rules_permission() -> None:
    views = dict(api_view_classes())
    assert len(views) > 10
    for route, view_class in views.items():
        if view_class.__name__ in OPEN_ENDPOINTS:
            continue
        assert ObjectRulesPermission in view_class.permission_classes, route


def test_every_viewset_reads_through_a_selector() -> None:
    """Configuration only; tests/test_visibility_matrix.py checks what each persona gets."""
    for route, view_class in api_view_classes():
        if issubclass(view_class, GenericViewSet):
            assert issubclass(view_class, SelectorViewSet), route
            assert view_class.selector is not None, route


def test_a_viewset_cannot_read_around_its_selector() -> None:
    with pytest.raises(TypeError, match="reads through `selector`, never get_queryset"):

        class Sneaky(SelectorViewSet):
            def get_queryset(self) -> Any:
                return None
