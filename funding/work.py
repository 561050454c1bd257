"""What waits for a person in funding: disbursement requests awaiting their decision
(see `accounts.work`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.decisions import awaiting_decision
from accounts.models import User
from accounts.work import WorkItem, register_work
from funding.models import DisbursementRequest, DisbursementStatus
from funding.money import money
from funding.permissions import DISBURSEMENT_DECISION


def _show_decision(request: DisbursementRequest) -> WorkItem:
    allocation = request.allocation
    return WorkItem(
        kind="disbursement_decision",
        title=_("Decide a request for %(money)s")
        % {"money": money(request.amount, request.currency)},
        detail=_("From %(instrument)s for %(activity)s (requested %(date)s, round %(round)s)")
        % {
            "instrument": allocation.instrument.name,
            "activity": allocation.activity.title,
            "date": date_format(request.requested_on, "j M Y"),
            "round": request.round,
        },
        url=reverse("disbursement-decide", args=[request.pk]),
        since=request.created,
    )


@register_work(section="decide", kind="disbursement_decision", show=_show_decision)
def disbursements_to_decide(user: User) -> QuerySet[DisbursementRequest]:
    return (
        awaiting_decision(
            DISBURSEMENT_DECISION,
            DisbursementRequest.objects.filter(status=DisbursementStatus.REQUESTED),
            user=user,
        )
        .select_related("allocation__instrument", "allocation__activity")
        .order_by("created", "pk")
    )
