"""Page plumbing every app shares: putting a service's answer on the form that asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.audit import audit_stale, subject_seen
from accounts.concurrency import StaleVersion

T = TypeVar("T")
F = TypeVar("F", bound=forms.ModelForm)
M = TypeVar("M", bound=Model)


def visible_or_404(request: HttpRequest, queryset: QuerySet[M], **lookup: Any) -> M:
    """The object among those a selector's `queryset` shows, or 404 (its existence is not
    leaked). A refusal later in the request names it in the audit trail."""
    obj = get_object_or_404(queryset, **lookup)
    subject_seen(request, obj)
    return obj


def show_service_error(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: on the field it names (or the form field that
    stands for it, per `aliases`), or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = (aliases or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def stale_form(form_class: type[F], request: HttpRequest, stale: StaleVersion, **kwargs: Any) -> F:
    """The edit form again, keeping what this person typed but now based on the current
    version, with the reason above it: saving again is a deliberate choice made after
    seeing that someone else changed it."""
    data = request.POST.copy()
    data["version"] = str(stale.current.version)
    form = form_class(data, instance=stale.current, **kwargs)
    form.is_valid()
    form.add_error(None, str(stale))
    return form


def versioned_save(
    request: HttpRequest,
    form: F,
    save: Callable[[int], T],
    *,
    form_kwargs: dict[str, Any] | None = None,
    aliases: dict[str, str] | None = None,
) -> tuple[F, T | None]:
    """Call the service an edit form asks for (`save(version)`) at the version the form was
    based on. Returns the form to show again and the saved object (None when refused: a
    stale version, or a refusal put on the fields it names)."""
    try:
        return form, save(form.cleaned_data["version"])
    except StaleVersion as stale:
        audit_stale(request, stale)
        return stale_form(type(form), request, stale, **(form_kwargs or {})), None
    except ValidationError as error:
        show_service_error(form, error, aliases)
        return form, None
