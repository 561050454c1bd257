"""Admin: posts are edited here; secondments are read here and changed only through the
services (pages and API), so the host membership always follows the decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from secondments.models import Post, Secondment, SecondmentDecision, Training, TrainingRegistration


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "host_organisation", "reports_to", "is_commander_post"]
    list_filter = ["is_commander_post", "host_organisation"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["reports_to"]


class DecisionInline(admin.TabularInline):
    model = SecondmentDecision
    extra = 0
    can_delete = False
    fields = ("request", "organisation", "decision", "comment", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Secondment)
class SecondmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "person",
        "home_organisation",
        "host_organisation",
        "kind",
        "start_date",
        "end_date",
        "shown_status",
    ]
    list_filter = ["status", "kind", "host_organisation", "home_organisation"]
    search_fields = ["person__username", "person__last_name", "purpose"]
    list_select_related = ["person", "home_organisation", "host_organisation"]
    inlines = [DecisionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Secondment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requested on the pages or through the API, where the rules are

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancelled, never deleted: the host membership must follow

    @admin.display(description=_("Status"))
    def shown_status(self, obj: Secondment) -> str:
        return obj.shown_status_label


class RegistrationInline(admin.TabularInline):
    model = TrainingRegistration
    extra = 0
    can_delete = False
    fields = ("person", "organisation", "status", "registered_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people register themselves, where the capacity is kept


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organiser", "start_date", "end_date", "capacity"]
    list_filter = ["organiser", "online"]
    search_fields = ["title", "topics", "place"]
    # The organiser's grants follow from it, so it is set once, when announced.
    readonly_fields = ["organiser"]
    inlines = [RegistrationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # announced on the API by the organiser, whose grants follow
