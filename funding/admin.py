"""Admin: instruments are set up and corrected here (their grants recomputed on every save);
allocations and disbursement requests are read here and changed only through the services
(pages and API), where the amounts are checked against each other and decisions recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.grants import grants_recompute
from funding.models import Allocation, DisbursementDecision, DisbursementRequest, FundingInstrument


@admin.register(FundingInstrument)
class FundingInstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner", "kind", "currency", "target_days_to_disburse"]
    list_filter = ["kind", "currency", "owner"]
    search_fields = ["name", "description"]
    list_select_related = ["owner"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The owner's grants and the allocations' currency follow from these: set once.
        return ["owner", "currency"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        grants_recompute(obj)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on the pages or through the API, where the rules are

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # money once allocated or requested stays on record


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["instrument", "activity", "amount", "currency", "allocated_on"]
    list_filter = ["currency", "instrument"]
    search_fields = ["activity__title", "instrument__name", "note"]
    list_select_related = ["instrument", "activity"]


class DecisionInline(admin.TabularInline):
    model = DisbursementDecision
    extra = 0
    can_delete = False
    fields = ("round", "organisation", "decision", "comment", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DisbursementRequest)
class DisbursementRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "allocation",
        "amount",
        "currency",
        "status",
        "requested_on",
        "approved_on",
        "disbursed_on",
        "days_to_disburse",
    ]
    list_filter = ["status", "currency", "allocation__instrument"]
    search_fields = ["purpose", "allocation__activity__title"]
    list_select_related = ["allocation__instrument", "allocation__activity"]
    date_hierarchy = "requested_on"
    inlines = [DecisionInline]
