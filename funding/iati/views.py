"""The plan page's "Download IATI XML"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.pages import visible_or_404
from funding.iati.export import NothingToExport, export_filename, plan_export
from funding.iati.permissions import REFUSED, can_export_iati
from missions.models import Plan
from missions.selectors import visible_plans


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def plan_iati_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's IATI file (404 for a plan not seen, 403 for one seen but not exportable
    by this person); a plan with nothing to export goes back to its page, saying why."""
    user = _user(request)
    plan = visible_or_404(request, visible_plans(user).select_related("lead_organisation"), pk=pk)
    if not can_export_iati(user, plan):
        raise PermissionDenied(REFUSED)
    try:
        document = plan_export(plan)
    except NothingToExport as nothing:
        messages.info(request, str(nothing))
        return redirect(f"{reverse('plan-detail', args=[plan.pk])}#funding")
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(plan)}"'
    return response


def iati_link_context(user: User, plan: Plan) -> dict[str, Any]:
    """What `templates/funding/_iati_link.html` needs: whether to offer the download (to
    those who may export), and where it is. For the funding plan section's view:
    ``context.update(iati_link_context(user, plan))``."""
    return {
        "iati_may_export": can_export_iati(user, plan),
        "iati_url": reverse("funding-plan-iati", args=[plan.pk]),
    }
