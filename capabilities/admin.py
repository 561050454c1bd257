"""Admin: offers, requirements and pledges are read here; they change through the services
(pages and API), where the permission checks, the grants and the decisions are."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from capabilities import services
from capabilities.models import CapabilityOffer, Pledge, PledgeDecision, Requirement


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on the pages or through the API, where the rules are

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CapabilityOffer)
class CapabilityOfferAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "kind",
        "domain",
        "quantity",
        "unit",
        "available_from",
        "available_until",
        "visibility",
    ]
    list_filter = ["kind", "domain", "visibility", "organisation"]
    search_fields = ["description", "constraints", "unit"]
    list_select_related = ["organisation"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["description", "plan", "kind", "quantity", "unit", "needed_from", "priority"]
    list_filter = ["kind", "domain", "priority"]
    search_fields = ["description", "plan__title"]
    list_select_related = ["plan"]


class DecisionInline(admin.TabularInline):
    model = PledgeDecision
    extra = 0
    can_delete = False
    fields = ("round", "organisation", "decision", "comment", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "requirement", "status", "round", "proposed_by", "proposed_at"]
    list_filter = ["status", "proposed_by"]
    search_fields = ["requirement__description", "offer__description"]
    list_select_related = ["offer__organisation", "requirement"]
    inlines = [DecisionInline]
    actions = ["withdraw"]

    @admin.action(description=_("Withdraw the selected pledges (as a planner of either side)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Pledge]) -> None:
        done = 0
        for pledge in queryset:
            try:
                services.pledge_withdraw(pledge=pledge, by=request.user)  # type: ignore[arg-type]
            except (PermissionDenied, ValidationError) as error:
                messages.error(
                    request, f"{pledge}: {' '.join(getattr(error, 'messages', [str(error)]))}"
                )
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext("%(count)d pledge withdrawn.", "%(count)d pledges withdrawn.", done)
                % {"count": done},
            )
