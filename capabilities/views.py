"""Capabilities pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.pages import visible_or_404
from missions.selectors import visible_plans


@login_required
def plan_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page's "Capabilities" section, loaded by the page (404 for a plan not seen)."""
    plan = visible_or_404(request, visible_plans(request.user), pk=pk)  # type: ignore[arg-type]
    return render(request, "capabilities/_plan_section.html", {"plan": plan})
