"""What waits for a person in secondments: requests and extensions awaiting their decision
(see `accounts.work`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.decisions import awaiting_decision
from accounts.models import User
from accounts.work import WorkItem, register_work
from secondments.models import Secondment, SecondmentStatus
from secondments.permissions import SECONDMENT_DECISION


def _show_decision(secondment: Secondment) -> WorkItem:
    person = secondment.person.get_full_name() or secondment.person.username
    what = (
        f"an extension to {secondment.proposed_end_date:%-d %b %Y}"
        if secondment.proposed_end_date
        else f"{secondment.start_date:%-d %b %Y} to {secondment.end_date:%-d %b %Y}"
    )
    return WorkItem(
        kind="secondment_decision",
        title=f"Decide the secondment of {person}",
        detail=(
            f"{secondment.home_organisation.name} to {secondment.host_organisation.name}, "
            f"{what} (request {secondment.request})"
        ),
        url=reverse("secondment-decide", args=[secondment.pk]),
        since=secondment.requested_at,
    )


def open_to_decisions() -> QuerySet[Secondment]:
    return Secondment.objects.filter(
        Q(status=SecondmentStatus.REQUESTED)
        | Q(status=SecondmentStatus.APPROVED, proposed_end_date__isnull=False)
    )


@register_work(section="decide", kind="secondment_decision", show=_show_decision)
def secondments_to_decide(user: User) -> QuerySet[Secondment]:
    return (
        awaiting_decision(SECONDMENT_DECISION, open_to_decisions(), user=user)
        .select_related("person", "home_organisation", "host_organisation")
        .order_by("requested_at", "pk")
    )
