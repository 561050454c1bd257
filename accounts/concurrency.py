"""Optimistic concurrency: every writable object carries `version`, and a write names the
version it was based on. A stale one is refused, never silently applied."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext


class StaleVersion(Exception):
    def __init__(self, current: Any) -> None:
        super().__init__(
            gettext(
                "Someone else changed this since you opened it. Review their changes and try again."
            )
        )
        self.current = current


def lock_at_version(queryset: models.QuerySet[Any], *, pk: Any, version: int) -> Any:
    """Lock the row and return it, or raise `StaleVersion` carrying its current state."""
    obj = queryset.select_for_update().get(pk=pk)
    if obj.version != version:
        raise StaleVersion(obj)
    return obj


def check_version(obj: Any, version: int) -> None:
    """For a row already locked: refuse an edit based on another version."""
    if obj.version != version:
        raise StaleVersion(obj)
