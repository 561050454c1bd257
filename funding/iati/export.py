"""A plan's development activities as an IATI 2.03 `iati-activities` document.

What is exported
----------------
A plan's *development activities*: its activities with a non-military task that either
carry a DAC purpose code (`Activity.sector`), or are the responsibility of a development
ministry, or belong to a line of effort in the development domain. Military tasks are never
exported (they are not aid, whoever does them).

Organisations and identifiers
-----------------------------
Our organisations have no registered IATI organisation identifier (and `accounts` gets no
field for one here), so each is given a stable reference of its own: ``XM-JF-<SLUG>``, the
``XM`` prefix IATI reserves for identifiers not (yet) in its registry, ``JF`` for Joined
Forces, and the organisation's unique slug in capitals (``XM-JF-DEV``). The slug, not the
acronym: slugs are unique and contain no character IATI forbids in identifiers.

The *reporting organisation* of every activity in a file is the plan's lead organisation,
and an activity's ``iati-identifier`` is the lead's reference and the activity's id
(``XM-JF-MFA-42``). A published identifier must never change: a plan's lead never does,
while an activity's responsible organisation may be changed by the lead.

Participating organisations: the owners of the instruments funding the activity are
*Funding* (1), the plan's lead *Accountable* (2), the lead of the activity's line of effort
*Extending* (3), the organisation responsible for the activity *Implementing* (4).

Status and dates
----------------
Status follows `codelists.FROM_OUR_ACTIVITY_STATUS` (done in a closed plan is Closed).
Planned start and end are the activity's dates. We record no actual dates, so the planned
start is also the actual start once work began (in progress, done or blocked, on a start
date not in the future), and the planned end the actual end of a done activity whose end
date has passed.

Money
-----
Each allocation is a budget (Original, Committed) over the activity's dates, valued on its
start, in the allocation's currency. Each approved disbursement request is an outgoing
commitment (2) on the day it was approved; a disbursed one is that commitment and a
disbursement (3) on the day it was paid. Requested and rejected requests are not money
that moved. Every value names its currency; nothing is summed or converted.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lxml import etree

from accounts.models import Organisation, OrganisationKind
from funding.iati import codelists
from funding.models import Allocation, DisbursementRequest, DisbursementStatus
from missions.models import Activity, ActivityStatus, Domain, Plan, PlanStatus, TaskNature

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "en"
REF_PREFIX = "XM-JF-"

NOTHING_TO_EXPORT = _(
    "This plan has no development activities to export yet: give an activity a DAC sector "
    "code, a development ministry as the responsible organisation, or put it in a "
    "development line of effort."
)

STARTED = {ActivityStatus.IN_PROGRESS, ActivityStatus.DONE, ActivityStatus.BLOCKED}


class NothingToExport(Exception):
    """The plan has no development activity; an IATI file needs at least one."""


# --- which activities ----------------------------------------------------------------------------

DEVELOPMENT_ACTIVITY = Q(task_nature=TaskNature.NON_MILITARY) & (
    ~Q(sector="")
    | Q(responsible_organisation__kind=OrganisationKind.DEVELOPMENT)
    | Q(line_of_effort__domain=Domain.DEVELOPMENT)
)
"""A development activity (see the module's docstring), as a filter on activities."""


def development_activities(plan: Plan) -> QuerySet[Activity]:
    """The plan's development activities with everything the export reads: four queries
    however many activities, allocations and requests there are."""
    requests = DisbursementRequest.objects.filter(
        status__in=[DisbursementStatus.APPROVED, DisbursementStatus.DISBURSED]
    ).order_by("approved_on", "id")
    allocations = (
        Allocation.objects.select_related("instrument__owner")
        .prefetch_related(Prefetch("disbursement_requests", queryset=requests))
        .order_by("allocated_on", "id")
    )
    return (
        Activity.objects.filter(DEVELOPMENT_ACTIVITY, line_of_effort__plan_id=plan.pk)
        .select_related("line_of_effort__lead_organisation", "responsible_organisation")
        .prefetch_related(Prefetch("funding_allocations", queryset=allocations))
        .order_by("line_of_effort__order", "line_of_effort_id", "start_date", "id")
    )


def has_development_activities(plan: Plan) -> bool:
    return Activity.objects.filter(DEVELOPMENT_ACTIVITY, line_of_effort__plan_id=plan.pk).exists()


# --- codes ---------------------------------------------------------------------------------------


def organisation_ref(organisation: Organisation) -> str:
    return f"{REF_PREFIX}{organisation.slug.upper()}"


def organisation_type(organisation: Organisation) -> str:
    return codelists.FROM_ORGANISATION_KIND[organisation.kind]


def activity_identifier(plan: Plan, activity: Activity) -> str:
    return f"{organisation_ref(plan.lead_organisation)}-{activity.pk}"


def activity_status(plan: Plan, activity: Activity) -> str:
    if activity.status == ActivityStatus.DONE and plan.status == PlanStatus.CLOSED:
        return codelists.CLOSED
    return codelists.FROM_OUR_ACTIVITY_STATUS[activity.status]


def activity_dates(activity: Activity, today: datetime.date) -> list[tuple[str, datetime.date]]:
    dates = [(codelists.PLANNED_START, activity.start_date)]
    if activity.status in STARTED and activity.start_date <= today:
        dates.append((codelists.ACTUAL_START, activity.start_date))
    dates.append((codelists.PLANNED_END, activity.end_date))
    if activity.status == ActivityStatus.DONE and activity.end_date <= today:
        dates.append((codelists.ACTUAL_END, activity.end_date))
    return dates


def money(amount: Decimal) -> str:
    """A Decimal as xsd:decimal, exactly as stored (never through a float)."""
    return format(amount, "f")


# --- the document --------------------------------------------------------------------------------


# XML 1.0 has no place for most control characters; a pasted text may hold some.
NOT_IN_XML = re.compile(r"[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return NOT_IN_XML.sub("", text)


def _narrative(parent: etree._Element, text: str) -> None:
    narrative = etree.SubElement(parent, "narrative")
    narrative.set(XML_LANG, LANGUAGE)
    narrative.text = xml_text(text)


def _organisation(
    parent: etree._Element, tag: str, organisation: Organisation, **attributes: str
) -> etree._Element:
    element = etree.SubElement(
        parent,
        tag,
        ref=organisation_ref(organisation),
        type=organisation_type(organisation),
        **attributes,
    )
    _narrative(element, organisation.name)
    return element


def _value(parent: etree._Element, amount: Decimal, currency: str, day: datetime.date) -> None:
    if currency not in codelists.CURRENCY:
        # The funding app accepts only these; a row that holds another was not written by it.
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
    value = etree.SubElement(parent, "value", currency=currency)
    value.set("value-date", day.isoformat())
    value.text = money(amount)


def _participants(activity: Activity, plan: Plan) -> list[tuple[str, Organisation]]:
    owners = {a.instrument.owner_id: a.instrument.owner for a in activity.funding_allocations.all()}
    funders = sorted(owners.values(), key=lambda o: (o.name, o.pk))
    return [
        *((codelists.FUNDING, owner) for owner in funders),
        (codelists.ACCOUNTABLE, plan.lead_organisation),
        (codelists.EXTENDING, activity.line_of_effort.lead_organisation),
        (codelists.IMPLEMENTING, activity.responsible_organisation),
    ]


Transaction = tuple[datetime.date, str, DisbursementRequest, Allocation]


def _transactions(allocations: Iterable[Allocation]) -> list[Transaction]:
    """(day, transaction type, request, its allocation) in the order they happened."""
    transactions: list[Transaction] = []
    for allocation in allocations:
        for request in allocation.disbursement_requests.all():
            if request.approved_on is not None:
                transactions.append(
                    (request.approved_on, codelists.OUTGOING_COMMITMENT, request, allocation)
                )
            if request.status == DisbursementStatus.DISBURSED and request.disbursed_on:
                transactions.append(
                    (request.disbursed_on, codelists.DISBURSEMENT, request, allocation)
                )
    return sorted(transactions, key=lambda t: (t[0], t[1], t[2].pk))


def _activity(parent: etree._Element, plan: Plan, activity: Activity, today: datetime.date) -> None:
    element = etree.SubElement(parent, "iati-activity")
    etree.SubElement(element, "iati-identifier").text = activity_identifier(plan, activity)
    _organisation(element, "reporting-org", plan.lead_organisation)
    _narrative(etree.SubElement(element, "title"), activity.title)
    description = activity.description.strip() or (
        f"{activity.title}: part of “{activity.line_of_effort.title}” in the plan “{plan.title}”."
    )
    _narrative(
        etree.SubElement(element, "description", type=codelists.GENERAL_DESCRIPTION), description
    )
    for role, organisation in _participants(activity, plan):
        _organisation(element, "participating-org", organisation, role=role)
    etree.SubElement(element, "activity-status", code=activity_status(plan, activity))
    for date_type, day in activity_dates(activity, today):
        etree.SubElement(element, "activity-date", type=date_type).set("iso-date", day.isoformat())
    if activity.sector:
        sector = etree.SubElement(
            element, "sector", vocabulary=codelists.DAC_5_DIGIT, code=activity.sector
        )
        if activity.sector in codelists.DAC_SECTORS:
            _narrative(sector, codelists.DAC_SECTORS[activity.sector])
    allocations = list(activity.funding_allocations.all())
    for allocation in allocations:
        budget = etree.SubElement(
            element, "budget", type=codelists.ORIGINAL, status=codelists.COMMITTED
        )
        etree.SubElement(budget, "period-start").set("iso-date", activity.start_date.isoformat())
        etree.SubElement(budget, "period-end").set("iso-date", activity.end_date.isoformat())
        _value(budget, allocation.amount, allocation.currency, activity.start_date)
    for day, transaction_type, request, allocation in _transactions(allocations):
        transaction = etree.SubElement(element, "transaction")
        etree.SubElement(transaction, "transaction-type", code=transaction_type)
        etree.SubElement(transaction, "transaction-date").set("iso-date", day.isoformat())
        _value(transaction, request.amount, request.currency, day)
        if request.purpose.strip():
            _narrative(etree.SubElement(transaction, "description"), request.purpose.strip())
        _organisation(transaction, "provider-org", allocation.instrument.owner)
        _organisation(transaction, "receiver-org", activity.responsible_organisation)


def build(
    plan: Plan, activities: Iterable[Activity], *, generated: datetime.datetime | None = None
) -> etree._Element:
    """The `iati-activities` element for `activities` (of `plan`, from
    `development_activities`); `NothingToExport` when there are none."""
    generated = generated or timezone.now()
    root = etree.Element("iati-activities", version=codelists.VERSION)
    root.set("generated-datetime", generated.astimezone(datetime.UTC).isoformat(timespec="seconds"))
    today = timezone.localdate()
    for activity in activities:
        _activity(root, plan, activity, today)
    if not len(root):
        raise NothingToExport(NOTHING_TO_EXPORT)
    return root


def plan_export(plan: Plan, *, generated: datetime.datetime | None = None) -> bytes:
    """The plan's IATI file, as UTF-8 bytes with an XML declaration, valid against the
    IATI 2.03 schema (checked: a file that is not valid is never handed out)."""
    root = build(plan, development_activities(plan), generated=generated)
    schema().assertValid(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


@cache
def schema() -> Any:
    """The official IATI 2.03 activity schema, from the copy in `schema/` (no network)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def export_filename(plan: Plan) -> str:
    return f"plan-{plan.pk}-iati-2.03.xml"
