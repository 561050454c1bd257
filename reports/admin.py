from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "requested_by", "status", "progress", "created", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["requested_by__username", "kind"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "kind",
        "params",
        "requested_by",
        "status",
        "progress",
        "file",
        "error",
        "attempt",
        "created",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
