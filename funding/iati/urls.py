"""Routes of the IATI export: the page download, and the API's (added to /api/v1/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from funding.iati import api, views

urlpatterns: list[URLPattern] = [
    path("plans/<int:pk>/iati.xml", views.plan_iati_download, name="funding-plan-iati"),
]

api_urls: list[URLPattern] = [
    path("plans/<int:pk>/iati/", api.PlanIatiExportView.as_view(), name="api-plan-iati"),
]
