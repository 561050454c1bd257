"""The pages' answers to a refusal (`handler403` and `handler404` in `config.urls`): Django's
own, after writing the refusal to the audit trail (`accounts.audit`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from accounts.audit import audit_page_denial


def page_forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    audit_page_denial(request, exception, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    audit_page_denial(request, exception, 404)
    return defaults.page_not_found(request, exception)
