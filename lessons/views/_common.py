"""What the lesson pages share: the person, a lesson they may read (or 404), and a step
posted from the lesson's page that answers there with what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.models import User
from accounts.pages import visible_or_404
from lessons import selectors
from lessons.models import Lesson


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible(request: HttpRequest, pk: int) -> Lesson:
    """The lesson with what its page shows, or 404 when the person may not read it."""
    return visible_or_404(request, selectors.lesson_detail(user=_user(request)), pk=pk)


def _errors(form: forms.BaseForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _lesson_url(lesson: Lesson, anchor: str = "") -> str:
    return lesson.get_absolute_url() + (f"#{anchor}" if anchor else "")


def _step(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], str],
    back: str,
) -> HttpResponse:
    """Run a step posted from the lesson's page; back there with what happened, or why not."""
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(back)
    try:
        done = call(form.cleaned_data)
    except StaleVersion as stale:
        audit_stale(request, stale)
        messages.error(request, str(stale))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(back)
