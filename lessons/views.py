"""Lesson pages (being written)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


lesson_list = lesson_capture = subscriptions = subscription_stop = _todo
lesson_detail = lesson_edit = lesson_transition = lesson_release = _todo
lesson_release_decide = action_create = action_update = attachment_download = _todo
related_to_plan = _todo
