"""Reads for funding: filtered by what the user may see today, with what pages show."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.authority import visible
from accounts.decisions import DecisionState, decision_panel
from accounts.models import User
from funding.models import (
    Allocation,
    DisbursementDecision,
    DisbursementRequest,
    DisbursementStatus,
    FundingInstrument,
)
from funding.money import money, sum_by_currency
from funding.permissions import DISBURSEMENT_DECISION
from missions.models import Plan

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
OPEN = (DisbursementStatus.REQUESTED, DisbursementStatus.APPROVED)


def visible_instruments(user: User) -> QuerySet[FundingInstrument]:
    return visible(FundingInstrument.objects.all(), user=user, codename="view_fundinginstrument")


def visible_allocations(user: User) -> QuerySet[Allocation]:
    return visible(Allocation.objects.all(), user=user, codename="view_allocation")


def visible_disbursements(user: User) -> QuerySet[DisbursementRequest]:
    return visible(
        DisbursementRequest.objects.all(), user=user, codename="view_disbursementrequest"
    )


def instrument_list(*, user: User) -> QuerySet[FundingInstrument]:
    return visible_instruments(user).select_related("owner")


def allocation_list(*, user: User) -> QuerySet[Allocation]:
    """Visible allocations with what requests take of them (not rejected) and what was paid,
    in the allocation's currency (one aggregate per row, in the same query)."""
    return (
        visible_allocations(user)
        .select_related("instrument__owner", "activity__line_of_effort__plan")
        .annotate(
            requested=Coalesce(
                Sum(
                    "disbursement_requests__amount",
                    filter=~Q(disbursement_requests__status=DisbursementStatus.REJECTED),
                ),
                ZERO,
            ),
            disbursed=Coalesce(
                Sum(
                    "disbursement_requests__amount",
                    filter=Q(disbursement_requests__status=DisbursementStatus.DISBURSED),
                ),
                ZERO,
            ),
        )
        .order_by("instrument__name", "pk")
    )


def disbursement_list(*, user: User) -> QuerySet[DisbursementRequest]:
    return visible_disbursements(user).select_related(
        "allocation__instrument__owner",
        "allocation__activity__line_of_effort__plan",
        "requested_by",
    )


def with_decisions(queryset: QuerySet[DisbursementRequest]) -> QuerySet[DisbursementRequest]:
    return queryset.prefetch_related(
        Prefetch(
            "decisions",
            queryset=DisbursementDecision.objects.select_related("organisation", "decided_by"),
        )
    )


def disbursement_panel(request: DisbursementRequest) -> list[DecisionState]:
    """The owner's decision on the current round (decisions prefetched)."""
    return decision_panel(
        DISBURSEMENT_DECISION,
        request,
        [request.allocation.instrument.owner],
        request.decisions.all(),
    )


# --- how fast money moves ---------------------------------------------------------------------


def median(values: Sequence[int]) -> Decimal | None:
    """The middle of sorted whole days; between two, their mean (exact, e.g. 7.5)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def percentile_90(values: Sequence[int]) -> int | None:
    """The nearest-rank 90th percentile: nine requests in ten took at most this many days."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def days_waiting(request: DisbursementRequest, today: datetime.date) -> int:
    """Days from the request to the money (or, while open, to today)."""
    if request.days_to_disburse is not None:
        return request.days_to_disburse
    end = request.rejected_on or today
    return (end - request.requested_on).days


@dataclass
class InstrumentTimes:
    """One instrument's times to disburse: the statistics over disbursed requests, and every
    request (disbursed or still open) as a point."""

    instrument: FundingInstrument
    disbursed: list[DisbursementRequest] = field(default_factory=list)
    waiting: list[DisbursementRequest] = field(default_factory=list)
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def days(self) -> list[int]:
        return [r.days_to_disburse for r in self.disbursed if r.days_to_disburse is not None]

    @property
    def median(self) -> Decimal | None:
        return median(self.days)

    @property
    def p90(self) -> int | None:
        return percentile_90(self.days)

    @property
    def target(self) -> int:
        return self.instrument.target_days_to_disburse

    @property
    def over_target(self) -> int:
        return sum(1 for d in self.days if d > self.target) + sum(
            1 for r in self.waiting if days_waiting(r, self.today) > self.target
        )

    def points(self) -> list[tuple[int, bool, str]]:
        """(days, still open, label) per request, for the chart."""
        rows = [
            (
                days_waiting(r, self.today),
                False,
                _("%(money)s, requested %(date)s, disbursed after %(days)s days")
                % {
                    "money": money(r.amount, r.currency),
                    "date": date_format(r.requested_on, "j M Y"),
                    "days": r.days_to_disburse,
                },
            )
            for r in self.disbursed
        ]
        rows += [
            (
                days_waiting(r, self.today),
                True,
                (
                    _("%(money)s, requested %(date)s, approved, waiting %(days)s days")
                    if r.status == DisbursementStatus.APPROVED
                    else _("%(money)s, requested %(date)s, requested, waiting %(days)s days")
                )
                % {
                    "money": money(r.amount, r.currency),
                    "date": date_format(r.requested_on, "j M Y"),
                    "days": days_waiting(r, self.today),
                },
            )
            for r in self.waiting
        ]
        return rows


def times_by_instrument(
    requests: Iterable[DisbursementRequest], *, today: datetime.date | None = None
) -> list[InstrumentTimes]:
    """Requests (instrument loaded) grouped per instrument, by instrument name. Rejected
    requests took no money and count nowhere."""
    today = today or timezone.localdate()
    by_instrument: dict[int, InstrumentTimes] = {}
    for request in requests:
        instrument = request.allocation.instrument
        times = by_instrument.setdefault(
            instrument.pk, InstrumentTimes(instrument=instrument, today=today)
        )
        if request.status == DisbursementStatus.DISBURSED:
            times.disbursed.append(request)
        elif request.status in OPEN:
            times.waiting.append(request)
    return sorted(by_instrument.values(), key=lambda t: (t.instrument.name, t.instrument.pk))


def instrument_times(
    instrument: FundingInstrument, *, user: User, today: datetime.date | None = None
) -> InstrumentTimes:
    """One instrument's times over the requests `user` sees (an owner's member sees all)."""
    requests = (
        visible_disbursements(user)
        .filter(allocation__instrument=instrument)
        .select_related("allocation__instrument", "allocation__activity__line_of_effort__plan")
        .order_by("requested_on", "pk")
    )
    found = times_by_instrument(requests, today=today)
    return found[0] if found else InstrumentTimes(instrument=instrument)


@dataclass
class PlanFunding:
    """What a plan's "Funding" section shows to one viewer."""

    plan: Plan
    allocations: list[Allocation]
    requests: list[DisbursementRequest]
    times: list[InstrumentTimes]

    @property
    def allocated(self) -> dict[str, Decimal]:
        return sum_by_currency((a.currency, a.amount) for a in self.allocations)

    @property
    def requested(self) -> dict[str, Decimal]:
        return sum_by_currency(
            (r.currency, r.amount) for r in self.requests if r.status != DisbursementStatus.REJECTED
        )

    @property
    def disbursed(self) -> dict[str, Decimal]:
        return sum_by_currency(
            (r.currency, r.amount)
            for r in self.requests
            if r.status == DisbursementStatus.DISBURSED
        )


def plan_funding(plan: Plan, *, user: User) -> PlanFunding:
    """The allocations and requests on `plan`'s activities that `user` sees: three queries
    whatever their number."""
    allocations = list(allocation_list(user=user).filter(activity__line_of_effort__plan=plan))
    requests = list(
        with_decisions(
            disbursement_list(user=user).filter(allocation__activity__line_of_effort__plan=plan)
        ).order_by("-requested_on", "-pk")
    )
    return PlanFunding(
        plan=plan,
        allocations=allocations,
        requests=requests,
        times=times_by_instrument(requests),
    )
