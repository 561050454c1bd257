"""Public account API under /api/v1/: a plan's publication (GET, PUT to publish, DELETE to
withdraw)."""

from __future__ import annotations

from django.urls import URLPattern, path

from publication.api.views import PublicationView

api_urls: list[URLPattern] = [
    path("plans/<int:pk>/publication/", PublicationView.as_view(), name="api-plan-publication"),
]
