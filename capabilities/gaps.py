"""The gap view of a plan: what each need gets from whom, what stays unmet, what overlaps.

How a pledge counts against a need, over time
---------------------------------------------
A requirement needs `quantity` (in its unit) on every day of its window, `needed_from` to
`needed_until` (both included, `D` days). A pledge brings its quantity on the days its offer
is available within that window (`d` days, zero or more). It counts for

    quantity x d / D

the share of the window it covers: 10 experts for the whole window count 10; 10 experts for
half the window count 5, and leave half the need unmet. Everything is summed in the database
as `quantity x d` (exact decimals, never floats) and divided once per requirement.

- **pledged**: what accepted pledges count for; **proposed**: what pledges still waiting for a
  decision would add.
- **gap**: need minus pledged, when positive; **beyond need**: pledged minus need, when
  positive. A zero need has no gap and any pledge to it is beyond need.
- Units never mix: a pledge is in its requirement's unit (the service refuses any other),
  and the sums here only add pledges in the requirement's own unit.
- **Unmet**: a need above zero that the pledges made, accepted or waiting, leave short: no
  one has yet offered the rest. (A need waiting for decisions that would cover it is not
  unmet; its gap shows until they are accepted.)
- **Overlap**: two or more organisations whose live pledges (proposed or accepted) to one
  requirement together count for more than it needs.
- **Uncoordinated offers**: offers the viewer may see, of a requirement's kind and domain and
  available in its window, from two or more organisations, none of them pledged to this plan:
  brought to the same need with no one deciding between them.

Three queries whatever the number of requirements, pledges and offers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, Exists, F, Func, IntegerField, OuterRef, Sum
from django.db.models.expressions import Expression
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from capabilities.models import (
    LIVE_PLEDGE,
    PRIORITY_ORDER,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    CapabilityOffer,
    Pledge,
    PledgeStatus,
    Requirement,
)
from capabilities.selectors import visible_offers
from charts.gaps import GapBar, gap_chart
from missions.models import Plan

CENT = Decimal("0.01")
ZERO = Decimal(0)


class OverlapDays(Func):
    """Days (both ends included) two date ranges share, zero when they do not meet:
    `OverlapDays(a_from, a_until, b_from, b_until)`."""

    arity = 4
    output_field = IntegerField()

    def _parts(self, compiler: Any) -> tuple[list[str], list[list[Any]]]:
        compiled = [compiler.compile(e) for e in self.get_source_expressions()]
        return [sql for sql, _ in compiled], [list(params) for _, params in compiled]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        (a_from, a_until, b_from, b_until), (afp, aup, bfp, bup) = self._parts(compiler)
        # A date minus a date is a number of days in PostgreSQL.
        sql = f"GREATEST(0, LEAST({a_until}, {b_until}) - GREATEST({a_from}, {b_from}) + 1)"
        return sql, [*aup, *bup, *afp, *bfp]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (a_from, a_until, b_from, b_until), (afp, aup, bfp, bup) = self._parts(compiler)
        sql = (
            f"MAX(0, CAST(julianday(MIN({a_until}, {b_until})) - "
            f"julianday(MAX({a_from}, {b_from})) AS INTEGER) + 1)"
        )
        return sql, [*aup, *bup, *afp, *bfp]


DAY_QUANTITY = DecimalField(max_digits=QUANTITY_DIGITS + 8, decimal_places=QUANTITY_PLACES)


def _pledge_days() -> Expression:
    """quantity x the days its offer is available within its requirement's window."""
    days = OverlapDays(
        F("offer__available_from"),
        F("offer__available_until"),
        F("requirement__needed_from"),
        F("requirement__needed_until"),
    )
    return Sum(F("quantity") * days, output_field=DAY_QUANTITY)


def counted(day_quantity: Decimal | None, window_days: int) -> Decimal:
    """What `day_quantity` (quantity x days) counts for over a window of `window_days`."""
    if not day_quantity or window_days <= 0:
        return ZERO.quantize(CENT)
    return (Decimal(day_quantity) / window_days).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    """One organisation's pledges to one requirement."""

    pledged: Decimal = ZERO
    proposed: Decimal = ZERO

    @property
    def live(self) -> Decimal:
        return self.pledged + self.proposed


@dataclass
class RequirementGap:
    requirement: Requirement
    need: Decimal
    pledged: Decimal = ZERO
    proposed: Decimal = ZERO
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return self.requirement.unit

    @property
    def gap(self) -> Decimal:
        return max(self.need - self.pledged, ZERO)

    @property
    def unoffered(self) -> Decimal:
        """What no pledge, accepted or waiting, covers."""
        return max(self.need - self.pledged - self.proposed, ZERO)

    @property
    def beyond_need(self) -> Decimal:
        return max(self.pledged - self.need, ZERO)

    @property
    def coverage(self) -> int | None:
        """Percentage of the need pledged (accepted), none for a zero need."""
        if self.need <= 0:
            return None
        return int((self.pledged * 100 / self.need).to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def unmet(self) -> bool:
        return self.need > 0 and self.pledged + self.proposed < self.need

    @property
    def overlap(self) -> bool:
        pledging = [o for o, cell in self.cells.items() if cell.live > 0]
        return (
            len(pledging) >= 2
            and sum((cell.live for cell in self.cells.values()), ZERO) > self.need
        )

    def cell(self, organisation_id: int) -> Cell | None:
        return self.cells.get(organisation_id)


@dataclass
class Uncoordinated:
    requirement: Requirement
    offers: list[CapabilityOffer]

    @property
    def organisations(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for offer in self.offers:
            seen.setdefault(offer.organisation_id, offer.organisation)
        return sorted(seen.values(), key=lambda o: o.name)

    @property
    def organisation_names(self) -> str:
        """The offering organisations by acronym, for a sentence: "UN, EU"."""
        return ", ".join(o.acronym or o.name for o in self.organisations)


@dataclass
class GapView:
    plan: Plan
    rows: list[RequirementGap]
    organisations: list[Organisation]
    uncoordinated: list[Uncoordinated]

    @property
    def unmet(self) -> list[RequirementGap]:
        return [row for row in self.rows if row.unmet]

    @property
    def overlaps(self) -> list[RequirementGap]:
        return [row for row in self.rows if row.overlap]

    def matrix(self) -> list[tuple[RequirementGap, list[Cell | None]]]:
        """Requirements x organisations, in the columns' order."""
        return [(row, [row.cell(o.pk) for o in self.organisations]) for row in self.rows]


def plan_gaps(plan: Plan, *, user: User) -> GapView:
    """The gap view of `plan` (which `user` sees): three queries."""
    requirements = list(
        Requirement.objects.filter(plan=plan).select_related("line_of_effort", "activity")
    )
    requirements.sort(key=lambda r: (PRIORITY_ORDER.get(r.priority, 9), r.needed_from, r.pk))
    rows = {r.pk: RequirementGap(requirement=r, need=r.quantity) for r in requirements}
    organisations: dict[int, Organisation] = {}
    sums = (
        Pledge.objects.filter(
            requirement__plan=plan,
            status__in=LIVE_PLEDGE,
            # Never add across units: only pledges in their requirement's own unit count.
            unit=F("requirement__unit"),
        )
        .order_by()
        .values(
            "requirement_id",
            "status",
            "offer__organisation_id",
            "offer__organisation__name",
            "offer__organisation__acronym",
            "offer__organisation__slug",
        )
        .annotate(day_quantity=_pledge_days())
    )
    for item in sums:
        row = rows.get(item["requirement_id"])
        if row is None:
            continue
        organisation_id = item["offer__organisation_id"]
        organisations.setdefault(
            organisation_id,
            Organisation(
                pk=organisation_id,
                name=item["offer__organisation__name"],
                acronym=item["offer__organisation__acronym"],
                slug=item["offer__organisation__slug"],
            ),
        )
        amount = counted(item["day_quantity"], row.requirement.window_days)
        cell = row.cells.setdefault(organisation_id, Cell())
        if item["status"] == PledgeStatus.ACCEPTED:
            cell.pledged += amount
            row.pledged += amount
        else:
            cell.proposed += amount
            row.proposed += amount
    return GapView(
        plan=plan,
        rows=list(rows.values()),
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        uncoordinated=_uncoordinated(plan, requirements, user),
    )


def _uncoordinated(plan: Plan, requirements: list[Requirement], user: User) -> list[Uncoordinated]:
    if not requirements:
        return []
    pledged_here = Pledge.objects.filter(
        offer=OuterRef("pk"), requirement__plan=plan, status__in=LIVE_PLEDGE
    )
    offers = list(
        visible_offers(user)
        .filter(
            kind__in={r.kind for r in requirements},
            domain__in={r.domain for r in requirements},
            available_until__gte=min(r.needed_from for r in requirements),
            available_from__lte=max(r.needed_until for r in requirements),
        )
        .exclude(Exists(pledged_here))
        .select_related("organisation")
        .order_by("organisation__name", "available_from", "pk")
    )
    found: list[Uncoordinated] = []
    by_kind: dict[tuple[str, str], list[CapabilityOffer]] = defaultdict(list)
    for offer in offers:
        by_kind[(offer.kind, offer.domain)].append(offer)
    for requirement in requirements:
        matching = [
            offer
            for offer in by_kind[(requirement.kind, requirement.domain)]
            if offer.available_from <= requirement.needed_until
            and offer.available_until >= requirement.needed_from
        ]
        if len({offer.organisation_id for offer in matching}) >= 2:
            found.append(Uncoordinated(requirement=requirement, offers=matching))
    return found


def gap_view_chart(view: GapView) -> str:
    """How far each need is met, as an SVG chart (empty when the plan states no need)."""
    if not view.rows:
        return ""
    return gap_chart(
        [
            GapBar(
                label=row.requirement.description,
                need=row.need,
                pledged=row.pledged,
                proposed=row.proposed,
                unit=row.unit,
            )
            for row in view.rows
        ],
        title=_("How far each need is met"),
    )
