"""Admin: lessons and remedial actions are read here and changed only through the services
(pages and API), so the marking, the grants and the records always follow; a person's
subscription may be removed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from lessons.models import (
    Lesson,
    LessonAttachment,
    LessonSubscription,
    MarkingChange,
    Release,
    ReleaseRequest,
    RemedialAction,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReleaseInline(ReadOnlyInline):
    model = Release
    fields = ("organisation", "released_by", "released_at")
    readonly_fields = fields


class MarkingChangeInline(ReadOnlyInline):
    model = MarkingChange
    fields = ("classification", "releasability", "wider", "changed_by", "changed_at")
    readonly_fields = fields


class ReleaseRequestInline(ReadOnlyInline):
    model = ReleaseRequest
    fields = ("release_round", "releasability", "reason", "requested_by", "requested_at", "outcome")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = LessonAttachment
    fields = ("original_name", "content_type", "size", "remedial_action", "added_by", "added_at")
    readonly_fields = fields


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Every field read-only: a lesson is recorded, moved and released through the services,
    where the marking's rules, the grants and the audit trail are."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # view only: saving here would skip the services

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "source_organisation",
        "status",
        "classification",
        "releasability",
        "observed_on",
        "theatre",
    ]
    list_filter = ["status", "classification", "releasability", "source_organisation"]
    search_fields = ["title", "observation", "theatre", "author__username"]
    list_select_related = ["source_organisation"]
    date_hierarchy = "observed_on"
    inlines = [ReleaseInline, MarkingChangeInline, ReleaseRequestInline, AttachmentInline]


@admin.register(RemedialAction)
class RemedialActionAdmin(ReadOnlyAdmin):
    list_display = ["lesson", "action_body", "status", "due_on"]
    list_filter = ["status", "action_body"]
    search_fields = ["description", "evidence", "lesson__title"]
    list_select_related = ["lesson", "action_body"]


@admin.register(LessonSubscription)
class LessonSubscriptionAdmin(admin.ModelAdmin):
    """Read, or removed (a person who should no longer receive the digest)."""

    list_display = ["person", "domain", "theatre", "created"]
    list_filter = ["domain"]
    search_fields = ["person__username", "theatre"]
    list_select_related = ["person"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["person", "domain", "theatre", "created"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
