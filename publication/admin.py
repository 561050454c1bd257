"""Admin: publications are read here; publishing and withdrawing go through the services
(the plan's page and the API), so only the lead's approvers decide what is public."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from publication.models import PlanPublication


@admin.register(PlanPublication)
class PlanPublicationAdmin(admin.ModelAdmin):
    list_display = ["public_title", "plan", "slug", "published", "published_at", "published_by"]
    list_filter = ["published"]
    search_fields = ["public_title", "slug", "plan__title"]
    readonly_fields = [
        "plan",
        "slug",
        "public_title",
        "public_summary",
        "published",
        "published_at",
        "published_by",
        "version",
        "updated",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
