"""Admin: communication items and perception readings are read here and changed only through
the services (pages and API), so clearance rounds, grants and indicator warnings follow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from outreach.models import CommunicationClearance, CommunicationItem, PerceptionReading


class ClearanceInline(admin.TabularInline):
    model = CommunicationClearance
    extra = 0
    can_delete = False
    fields = ("clearance", "organisation", "decision", "comment", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommunicationItem)
class CommunicationItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "audience", "channel", "planned_date", "status", "public"]
    list_filter = ["status", "audience", "channel", "public"]
    search_fields = ["title", "key_message", "plan__title"]
    list_select_related = ["plan"]
    date_hierarchy = "planned_date"
    inlines = [ClearanceInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in CommunicationItem._meta.fields] + ["named_participants"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on the plan's page or the API, where the rules are

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancelled, never deleted: its clearances stay on record


@admin.register(PerceptionReading)
class PerceptionReadingAdmin(SimpleHistoryAdmin):
    list_display = ["area", "indicator", "value", "date", "plan", "sample_size", "public"]
    list_filter = ["public", "measure"]
    search_fields = ["area", "source", "plan__title"]
    list_select_related = ["plan", "reading__indicator"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in PerceptionReading._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded through the strategy's reading service, which warns

    @admin.display(description=_("Indicator"))
    def indicator(self, obj: PerceptionReading) -> str:
        return obj.reading.indicator.name

    @admin.display(description=_("Value"))
    def value(self, obj: PerceptionReading) -> Any:
        return obj.reading.value

    @admin.display(description=_("Date"))
    def date(self, obj: PerceptionReading) -> Any:
        return obj.reading.date
