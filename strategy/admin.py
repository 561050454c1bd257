"""The glossary in the Django admin: read, search, see the history, approve proposals.

Approving is an action that calls the same service as the curation page and the API.
Declining needs a reason and merging a target term, which an admin action cannot ask for
cleanly, so the change page links to the curation page (/glossary/proposals/) for those.
Terms are not edited here: every change to a term goes through strategy.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from strategy.models import GlossaryStatus, GlossaryTerm
from strategy.services import glossary_term_approve


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(SimpleHistoryAdmin):
    list_display = ["term", "status", "proposed_by", "created", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = [
        "term",
        "definition",
        "un_impp",
        "nato_cpa",
        "eu_integrated",
        "whole_of_government",
    ]
    list_select_related = ["proposed_by", "decided_by"]
    ordering = ["status", "term"]
    actions = ["approve_proposals"]
    fields = [
        "term",
        "definition",
        "un_impp",
        "nato_cpa",
        "eu_integrated",
        "whole_of_government",
        "status",
        "decide",
        "proposed_by",
        "created",
        "decided_by",
        "decided_at",
        "decline_reason",
        "merged_into",
        "version",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # planners propose on the glossary page or through the API

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only: decisions go through the services

    @admin.display(description=_("Decision"))
    def decide(self, term: GlossaryTerm) -> str:
        if term.status != GlossaryStatus.PROPOSED:
            return "—"
        return format_html(
            '<a href="{}#proposal-{}">{}</a>',
            reverse("glossary-proposals"),
            term.pk,
            gettext("Approve, merge or decline it on the proposals page"),
        )

    @admin.action(description=_("Approve the selected proposals"))
    def approve_proposals(self, request: HttpRequest, queryset: QuerySet[GlossaryTerm]) -> None:
        by = request.user
        assert isinstance(by, User)  # noqa: S101  # the admin is for signed-in staff only
        approved: list[str] = []
        refused: list[str] = []
        # One transaction per term: one already decided does not hold back the others.
        for term in queryset.order_by("pk"):
            try:
                glossary_term_approve(term=term, by=by)
            except (PermissionDenied, ValidationError) as error:
                refused.append(" ".join(getattr(error, "messages", [str(error)])))
            else:
                approved.append(f"“{term.term}”")
        if approved:
            self.message_user(
                request,
                ngettext(
                    "Approved %(count)d: %(terms)s. Their proposers are told (unless that is you).",
                    "Approved %(count)d: %(terms)s. Their proposers are told (unless that is you).",
                    len(approved),
                )
                % {"count": len(approved), "terms": ", ".join(approved)},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)
