"""What waits for a person in capabilities: pledges proposed to their organisation, waiting
for their decision (see `accounts.work`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decisions import awaiting_decision
from accounts.models import User
from accounts.work import WorkItem, register_work
from capabilities.models import Pledge, PledgeStatus
from capabilities.permissions import PLEDGE_DECISION


def _show_pledge(pledge: Pledge) -> WorkItem:
    return WorkItem(
        kind="pledge_decision",
        title=_("Decide a pledge from %(organisation)s")
        % {"organisation": pledge.offer.organisation.name},
        detail=_("%(amount)s to “%(need)s” in %(plan)s (proposal %(round)s)")
        % {
            "amount": f"{pledge.quantity.normalize():f} {pledge.unit}",
            "need": pledge.requirement,
            "plan": pledge.requirement.plan.title,
            "round": pledge.round,
        },
        url=reverse("pledge-decide", args=[pledge.pk]),
        since=pledge.proposed_at,
    )


@register_work(section="decide", kind="pledge_decision", show=_show_pledge)
def pledges_to_decide(user: User) -> QuerySet[Pledge]:
    return (
        awaiting_decision(
            PLEDGE_DECISION, Pledge.objects.filter(status=PledgeStatus.PROPOSED), user=user
        )
        .select_related("offer__organisation", "requirement__plan")
        .order_by("proposed_at", "pk")
    )
