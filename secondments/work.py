"""What waits for a person in secondments: requests and extensions awaiting their decision
(see `accounts.work`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decisions import awaiting_decision
from accounts.models import User
from accounts.work import WorkItem, register_work
from secondments.models import Secondment, SecondmentStatus
from secondments.permissions import SECONDMENT_DECISION
from secondments.text import day


def _show_decision(secondment: Secondment) -> WorkItem:
    person = secondment.person.get_full_name() or secondment.person.username
    names = {
        "home": secondment.home_organisation.name,
        "host": secondment.host_organisation.name,
        "request": secondment.request,
    }
    detail = (
        _("%(home)s to %(host)s, an extension to %(end)s (request %(request)s)")
        % {**names, "end": day(secondment.proposed_end_date)}
        if secondment.proposed_end_date
        else _("%(home)s to %(host)s, %(start)s to %(end)s (request %(request)s)")
        % {**names, "start": day(secondment.start_date), "end": day(secondment.end_date)}
    )
    return WorkItem(
        kind="secondment_decision",
        title=_("Decide the secondment of %(person)s") % {"person": person},
        detail=detail,
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
