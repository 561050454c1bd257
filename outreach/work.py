"""What waits for a person in communication: messages naming their organisation's work that
wait for their clearance (see `accounts.work`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from accounts.decisions import awaiting_decision
from accounts.models import User
from accounts.work import WorkItem, register_work
from outreach.models import CommunicationItem, CommunicationStatus
from outreach.permissions import CLEARANCE


def _show_clearance(item: CommunicationItem) -> WorkItem:
    return WorkItem(
        kind="communication_clearance",
        title=_("Clear “%(title)s”") % {"title": item.title},
        detail=_("%(channel)s for %(audience)s, %(date)s, in “%(plan)s” (round %(round)s)")
        % {
            "channel": item.get_channel_display(),
            "audience": item.get_audience_display().lower(),
            "date": date_format(item.planned_date, "j M Y"),
            "plan": item.plan.title,
            "round": item.clearance,
        },
        url=reverse("outreach-item-decide", args=[item.pk]),
        since=item.updated,
    )


@register_work(section="decide", kind="communication_clearance", show=_show_clearance)
def items_to_clear(user: User) -> QuerySet[CommunicationItem]:
    open_items = CommunicationItem.objects.filter(status=CommunicationStatus.PLANNED)
    return (
        awaiting_decision(CLEARANCE, open_items, user=user)
        .select_related("plan")
        .order_by("updated", "pk")
    )
