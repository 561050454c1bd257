"""Funding pages: the plan's "Funding" section with its allocate and request forms, an
instrument's times to disburse, one request with its decision and the disbursed step."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_stale
from accounts.authority import visible
from accounts.concurrency import StaleVersion
from accounts.decisions import awaiting_decision, decision_page
from accounts.models import User
from accounts.pages import show_service_error, visible_or_404
from charts.disbursement import TimesRow, disbursement_times_chart
from funding import selectors, services
from funding.forms import AllocationForm, DisbursedForm, DisbursementRequestForm
from funding.models import (
    Allocation,
    DisbursementDecisionChoice,
    DisbursementRequest,
    DisbursementStatus,
    FundingInstrument,
)
from funding.money import money, money_lines
from funding.permissions import (
    DISBURSEMENT_DECISION,
    can_record_disbursement,
    deciding_organisations,
)
from funding.services.disbursements import decisions_closed
from missions.models import Activity, Plan
from missions.permissions import can_change_plan, progress_organisations
from missions.selectors import visible_plans


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan(request: HttpRequest, pk: int) -> Plan:
    return visible_or_404(
        request, visible_plans(_user(request)).select_related("lead_organisation"), pk=pk
    )


def _plan_url(plan: Plan) -> str:
    return f"{plan.get_absolute_url()}#funding"


def times_chart(times: list[selectors.InstrumentTimes], title: str) -> str:
    return disbursement_times_chart(
        [
            TimesRow(
                label=t.instrument.name,
                target=t.target,
                median=t.median,
                p90=t.p90,
                points=t.points(),
            )
            for t in times
        ],
        title=title,
    )


# --- who may allocate and request on a plan ---------------------------------------------------


def allocatable_instruments(user: User) -> QuerySet[FundingInstrument]:
    """Instruments `user` allocates from today: their organisations' as planners."""
    return visible(
        FundingInstrument.objects.select_related("owner"),
        user=user,
        codename="allocate_fundinginstrument",
    ).order_by("name")


def requestable_allocations(user: User, plan: Plan) -> QuerySet[Allocation]:
    """The plan's allocations `user` may request money from: all of them for the lead's
    planners, else those on activities their organisations are responsible for."""
    allocations = (
        selectors.visible_allocations(user)
        .filter(activity__line_of_effort__plan=plan)
        .select_related("instrument", "activity")
        .order_by("instrument__name", "pk")
    )
    if can_change_plan(user, plan):
        return allocations
    return allocations.filter(
        activity__responsible_organisation_id__in=progress_organisations(user)
    )


def _plan_activities(plan: Plan) -> QuerySet[Activity]:
    return Activity.objects.filter(line_of_effort__plan=plan).order_by("title", "pk")


@login_required
def plan_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page's "Funding" section, loaded by the page (404 for a plan not seen):
    allocations and requests on its activities, totals per currency, times per instrument,
    and the forms this person may use."""
    user = _user(request)
    plan = _plan(request, pk)
    return render(request, "funding/_plan_section.html", _section_context(user, plan))


def _section_context(
    user: User,
    plan: Plan,
    allocation_form: AllocationForm | None = None,
    request_form: DisbursementRequestForm | None = None,
) -> dict[str, Any]:
    funding = selectors.plan_funding(plan, user=user)
    instruments = allocatable_instruments(user)
    allocations = requestable_allocations(user, plan)
    to_decide = set(
        awaiting_decision(
            DISBURSEMENT_DECISION,
            DisbursementRequest.objects.filter(
                status=DisbursementStatus.REQUESTED,
                allocation__activity__line_of_effort__plan=plan,
            ),
            user=user,
        ).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    rows = [
        {
            "request": r,
            "overdue": r.overdue_on(today),
            "days": selectors.days_waiting(r, today),
            "may_decide": r.pk in to_decide,
            "decision_choices": DisbursementDecisionChoice.choices,
        }
        for r in funding.requests
    ]
    has_instruments = instruments.exists()
    iati = _iati_context(user, plan)
    has_allocations = allocations.exists()
    return {
        "plan": plan,
        "funding": funding,
        "rows": rows,
        "allocated": money_lines(funding.allocated),
        "requested": money_lines(funding.requested),
        "disbursed": money_lines(funding.disbursed),
        "chart": times_chart(funding.times, _("Days from request to money, per instrument"))
        if funding.times
        else "",
        "allocation_form": allocation_form
        or (
            AllocationForm(instruments=instruments, activities=_plan_activities(plan))
            if has_instruments
            else None
        ),
        "request_form": request_form
        or (DisbursementRequestForm(allocations=allocations) if has_allocations else None),
        **iati,
    }


def _iati_context(user: User, plan: Plan) -> dict[str, Any]:
    """The "Download IATI XML" link's context, from the IATI export (its own package,
    imported here lazily so the section stands without it)."""
    try:
        from funding.iati.views import iati_link_context
    except ImportError:
        return {}
    return iati_link_context(user, plan)


@login_required
def plan_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Allocate an instrument's money to an activity of the plan (the owner's planners)."""
    user = _user(request)
    plan = _plan(request, pk)
    instruments = allocatable_instruments(user)
    if not instruments.exists():
        raise PermissionDenied(_("Only a planner of an instrument's owner can allocate money."))
    form = AllocationForm(
        request.POST or None, instruments=instruments, activities=_plan_activities(plan)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.allocation_create(
                by=user,
                instrument=data["instrument"],
                activity=data["activity"],
                amount=data["amount"],
                note=data["note"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Allocated %(money)s from %(instrument)s to “%(activity)s”.")
                % {
                    "money": money(allocation.amount, allocation.currency),
                    "instrument": allocation.instrument.name,
                    "activity": allocation.activity.title,
                },
            )
            return redirect(_plan_url(plan))
    return render(
        request,
        "funding/form_page.html",
        {
            "plan": plan,
            "form": form,
            "title": _("Allocate funding"),
            "submit_label": _("Allocate"),
            "cancel_url": _plan_url(plan),
        },
    )


@login_required
def plan_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Request money from an allocation on the plan (the lead's or the activity's planners)."""
    user = _user(request)
    plan = _plan(request, pk)
    allocations = requestable_allocations(user, plan)
    if not allocations.exists():
        raise PermissionDenied(
            _("Only the plan lead's planners or an activity's planners can request its money.")
        )
    form = DisbursementRequestForm(request.POST or None, allocations=allocations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disbursement = services.disbursement_request(
                by=user,
                allocation=data["allocation"],
                amount=data["amount"],
                purpose=data["purpose"],
                requested_on=data["requested_on"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Requested %(money)s: the approvers of %(owner)s are asked to decide.")
                % {
                    "money": money(disbursement.amount, disbursement.currency),
                    "owner": disbursement.allocation.instrument.owner.name,
                },
            )
            return redirect(_plan_url(plan))
    return render(
        request,
        "funding/form_page.html",
        {
            "plan": plan,
            "form": form,
            "title": _("Request a disbursement"),
            "submit_label": _("Request"),
            "cancel_url": _plan_url(plan),
        },
    )


# --- instruments ----------------------------------------------------------------------------------


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    """Your organisations' instruments, with their times to disburse side by side."""
    user = _user(request)
    instruments = list(selectors.instrument_list(user=user).order_by("name", "pk"))
    requests = (
        selectors.visible_disbursements(user)
        .filter(allocation__instrument__in=instruments)
        .select_related("allocation__instrument")
        .order_by("requested_on", "pk")
    )
    times = {t.instrument.pk: t for t in selectors.times_by_instrument(requests)}
    all_times = [times.get(i.pk) or selectors.InstrumentTimes(instrument=i) for i in instruments]
    return render(
        request,
        "funding/instrument_list.html",
        {
            "times": all_times,
            "chart": times_chart(all_times, _("Days from request to money, per instrument"))
            if instruments
            else "",
        },
    )


@login_required
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One instrument: its times to disburse (median, 90th percentile, every request as a
    point) as a chart and a table, and its allocations with totals per currency."""
    user = _user(request)
    instrument = visible_or_404(request, selectors.instrument_list(user=user), pk=pk)
    today = timezone.localdate()
    times = selectors.instrument_times(instrument, user=user, today=today)
    requests = sorted(
        [*times.disbursed, *times.waiting], key=lambda r: (r.requested_on, r.pk), reverse=True
    )
    allocations = list(selectors.allocation_list(user=user).filter(instrument=instrument))
    return render(
        request,
        "funding/instrument_detail.html",
        {
            "instrument": instrument,
            "times": times,
            "rows": [
                {
                    "request": r,
                    "days": selectors.days_waiting(r, today),
                    "overdue": r.overdue_on(today),
                    "over": selectors.days_waiting(r, today) > instrument.target_days_to_disburse,
                }
                for r in requests
            ],
            "allocations": allocations,
            "chart": times_chart(
                [times],
                _("Days from request to money: %(instrument)s") % {"instrument": instrument.name},
            ),
        },
    )


# --- one request -------------------------------------------------------------------------------


def _visible_request(request: HttpRequest, pk: int) -> DisbursementRequest:
    return visible_or_404(
        request,
        selectors.with_decisions(selectors.disbursement_list(user=_user(request))),
        pk=pk,
    )


@login_required
def disbursement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    disbursement = _visible_request(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "funding/disbursement_detail.html",
        {
            "disbursement": disbursement,
            "plan": disbursement.allocation.activity.line_of_effort.plan,
            "panel": selectors.disbursement_panel(disbursement),
            "may_decide": disbursement.is_open_to_decisions
            and bool(deciding_organisations(user, disbursement)),
            "may_record": disbursement.status == DisbursementStatus.APPROVED
            and can_record_disbursement(user, disbursement),
            "paid_form": DisbursedForm(initial={"version": disbursement.version}),
            "days": selectors.days_waiting(disbursement, today),
            "overdue": disbursement.overdue_on(today),
        },
    )


@login_required
def disbursement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    disbursement = _visible_request(request, pk)

    def decide(data: dict[str, Any]) -> Any:
        return services.disbursement_decide(
            request=disbursement,
            by=user,
            round=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(record: Any) -> str:
        names = {"organisation": record.organisation.name, "round": record.round}
        if record.decision == DisbursementDecisionChoice.APPROVE:
            return _("%(organisation)s approved the request (round %(round)s).") % names
        return _("%(organisation)s rejected the request (round %(round)s).") % names

    return decision_page(
        request,
        kind=DISBURSEMENT_DECISION,
        subject=disbursement,
        organisations=deciding_organisations(user, disbursement),
        closed_message=decisions_closed(disbursement),
        comment_help=_("Needed when you reject: the requester is told why."),
        decide=decide,
        done=done,
        back_url=disbursement.get_absolute_url(),
        changes_url=disbursement.get_absolute_url(),
        context={
            "subject": disbursement,
            "heading": _("Decide the request for %(money)s")
            % {"money": money(disbursement.amount, disbursement.currency)},
            "breadcrumb": "funding/_breadcrumb.html",
            "here": _("Decide"),
            "button": _("Record decision"),
            "form_label": _("Your decision"),
        },
    )


@login_required
@require_POST
def disbursement_disbursed(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = _visible_request(request, pk)
    form = DisbursedForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(disbursement)
    try:
        paid = services.disbursement_record_paid(
            request=disbursement,
            by=_user(request),
            version=form.cleaned_data["version"],
            disbursed_on=form.cleaned_data["disbursed_on"],
        )
    except StaleVersion as stale:
        audit_stale(request, stale)
        messages.error(request, str(stale))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Recorded as disbursed on %(date)s, %(days)s days after the request.")
            % {
                "date": date_format(paid.disbursed_on or timezone.localdate(), "j M Y"),
                "days": paid.days_to_disburse,
            },
        )
    return redirect(disbursement)
