"""Capabilities pages: the plan's gap view (a section the plan page loads), needs and
pledges, an organisation's offers (a fragment its page loads), offer forms and the pledge
decision."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.decisions import decision_page
from accounts.models import User
from accounts.pages import show_service_error, visible_or_404
from accounts.selectors import organisation_list
from capabilities import selectors, services
from capabilities.forms import OfferForm, PledgeForm, RequirementForm
from capabilities.gaps import gap_view_chart, plan_gaps
from capabilities.models import PledgeDecisionChoice, Requirement
from capabilities.permissions import (
    PLEDGE_DECISION,
    can_change_offer,
    deciding_organisations,
    offering_organisations,
)
from missions.models import Plan
from missions.permissions import can_change_plan
from missions.selectors import visible_plans


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan(request: HttpRequest, pk: int) -> Plan:
    return visible_or_404(
        request, visible_plans(_user(request)).select_related("lead_organisation"), pk=pk
    )


def _plan_url(plan: Plan) -> str:
    return f"{plan.get_absolute_url()}#capabilities"


def _offers_to_pledge(user: User, plan: Plan) -> Any:
    """The offers a person may put against the plan's needs: any they see when they plan
    for the plan's lead, else their own organisations' offers."""
    offers = selectors.visible_offers(user).select_related("organisation")
    if not can_change_plan(user, plan):
        offers = offers.filter(organisation__in=[o.pk for o in offering_organisations(user)])
    return offers.order_by("organisation__name", "available_from", "pk")


def _may_propose(user: User, plan: Plan) -> bool:
    return can_change_plan(user, plan) or bool(offering_organisations(user))


@login_required
def plan_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page's "Capabilities" section: the gap matrix and chart, the unmet needs,
    the overlaps and the pledges (404 for a plan not seen)."""
    user = _user(request)
    plan = _plan(request, pk)
    view = plan_gaps(plan, user=user)
    pledges = list(
        selectors.pledge_list(user=user)
        .prefetch_related(None)
        .filter(requirement__plan=plan)
        .order_by("-proposed_at", "-pk")
    )
    return render(
        request,
        "capabilities/_plan_section.html",
        {
            "plan": plan,
            "view": view,
            "matrix": view.matrix(),
            "chart": gap_view_chart(view),
            "pledges": pledges,
            "may_add_requirement": can_change_plan(user, plan),
            "may_propose": bool(view.rows) and _may_propose(user, plan),
        },
    )


@login_required
def requirement_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(request, pk)
    if not can_change_plan(user, plan):
        raise PermissionDenied(_("Only planners of the plan's lead organisation state its needs."))
    form = RequirementForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_create(by=user, plan=plan, data=form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Need added: it shows in the gap matrix."))
            return redirect(_plan_url(plan))
    return render(
        request,
        "capabilities/form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("Add a need"),
            "intro": _("What the plan needs, how much and when. Offers are pledged against it."),
            "submit_label": _("Add need"),
            "cancel_url": _plan_url(plan),
        },
    )


@login_required
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(request, pk)
    if not _may_propose(user, plan):
        raise PermissionDenied(
            _("Only planners of the plan's lead or of an offering organisation propose pledges.")
        )
    requirements = Requirement.objects.filter(plan=plan).order_by("needed_from", "pk")
    initial = {}
    if request.GET.get("requirement", "").isdigit():
        initial["requirement"] = int(request.GET["requirement"])
    form = PledgeForm(
        request.POST or None,
        initial=initial,
        requirements=requirements,
        offers=_offers_to_pledge(user, plan),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pledge_propose(
                by=user,
                offer=data["offer"],
                requirement=data["requirement"],
                quantity=data["quantity"],
                comment=data["comment"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Pledge proposed: the other side's approvers decide it."))
            return redirect(_plan_url(plan))
    return render(
        request,
        "capabilities/form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("Propose a pledge"),
            "intro": _(
                "Put part of an offer against a need, in the need's unit. The offering "
                "organisation's approvers decide what the plan proposes, and the plan's lead "
                "approvers what an offering organisation proposes."
            ),
            "submit_label": _("Propose"),
            "cancel_url": _plan_url(plan),
        },
    )


@login_required
def pledge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    pledge = visible_or_404(request, selectors.pledge_list(user=user), pk=pk)
    plan = pledge.requirement.plan

    def decide(data: dict[str, Any]) -> Any:
        return services.pledge_decide(
            pledge=pledge,
            by=user,
            round=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(record: Any) -> str:
        if record.decision == PledgeDecisionChoice.DECLINE:
            sentence = _("%(organisation)s declined proposal %(round)s of this pledge.")
        else:
            sentence = _("%(organisation)s accepted proposal %(round)s of this pledge.")
        return sentence % {"organisation": record.organisation.name, "round": record.round}

    return decision_page(
        request,
        kind=PLEDGE_DECISION,
        subject=pledge,
        organisations=deciding_organisations(user, pledge),
        closed_message=services.decisions_closed(pledge),
        comment_help=_("Needed when you decline: the other side is told why."),
        decide=decide,
        done=done,
        back_url=_plan_url(plan),
        changes_url=reverse("pledge-decide", args=[pledge.pk]),
        context={
            "subject": pledge,
            "heading": _("Decide proposal %(round)s of a pledge") % {"round": pledge.round},
            "breadcrumb": "capabilities/_breadcrumb.html",
            "plan": plan,
            "here": _("Decide a pledge"),
            "button": _("Record decision"),
            "form_label": _("Your decision"),
            "pledge": pledge,
        },
    )


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = offering_organisations(user)
    if not organisations:
        raise PermissionDenied(_("Only planners and administrators offer capabilities."))
    form = OfferForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(by=user, **form.service_data())
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Offer made: plans can now ask for it."))
            return redirect(offer.organisation.get_absolute_url() + "#offers")
    return render(
        request,
        "capabilities/form.html",
        {
            "form": form,
            "title": _("Offer a capability"),
            "intro": _(
                "What your organisation can bring, how much, when, and on which conditions."
            ),
            "submit_label": _("Offer"),
            "cancel_url": reverse("home"),
        },
    )


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    offer = visible_or_404(request, selectors.offer_list(user=user), pk=pk)
    if not can_change_offer(user, offer):
        raise PermissionDenied(
            _("Only planners and administrators of %(organisation)s can.")
            % {"organisation": offer.organisation}
        )
    form = OfferForm(request.POST or None, organisations=[], offer=offer)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("organisation", None)
        shared = data.pop("shared_with")
        try:
            services.offer_update(
                offer=offer,
                by=user,
                version=form.cleaned_data["version"] or 0,
                data=data,
                shared_with=shared,
            )
        except StaleVersion as stale:
            audit_stale(request, stale)
            form.add_error(None, str(stale))
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Offer saved."))
            return redirect(offer.organisation.get_absolute_url() + "#offers")
    return render(
        request,
        "capabilities/form.html",
        {
            "form": form,
            "title": _("Change the offer"),
            "intro": _("An offer of %(organisation)s.") % {"organisation": offer.organisation.name},
            "submit_label": _("Save"),
            "cancel_url": offer.organisation.get_absolute_url() + "#offers",
        },
    )


@login_required
def organisation_offers(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's offers the viewer sees: a fragment its page loads (the page lives
    in `accounts`, which knows nothing of capabilities)."""
    user = _user(request)
    organisation = visible_or_404(request, organisation_list(user=user), pk=pk)
    offers = list(selectors.organisation_offers(user=user, organisation=organisation))
    editable = organisation.pk in {o.pk for o in offering_organisations(user)}
    return render(
        request,
        "capabilities/_organisation_offers.html",
        {"organisation": organisation, "offers": offers, "editable": editable},
    )
