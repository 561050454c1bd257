"""Communication pages: the plan's Communication section (a calendar of messages by audience
and the latest perception figures), a message with its clearances, the add/edit form, the
clearance decision, publishing and cancelling, and the tablet form for perception readings."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_stale
from accounts.authority import grants_prefetch
from accounts.concurrency import StaleVersion
from accounts.decisions import decision_page
from accounts.models import User
from accounts.pages import show_service_error, visible_or_404
from charts import line_chart
from missions.models import Plan
from missions.selectors import visible_plans
from outreach import selectors, services
from outreach.forms import ItemForm, PerceptionForm, VersionForm
from outreach.models import ClearanceDecision, CommunicationItem
from outreach.permissions import (
    CLEARANCE,
    can_add_item,
    can_change_item,
    can_publish_item,
    clearing_organisations,
)
from strategy.models import Indicator
from strategy.permissions import can_record_reading


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan(request: HttpRequest, pk: int) -> Plan:
    return visible_or_404(request, visible_plans(_user(request)).select_related("strategy"), pk=pk)


def _item(request: HttpRequest, pk: int) -> CommunicationItem:
    return visible_or_404(request, selectors.item_list(user=_user(request)), pk=pk)


def _section_url(plan: Plan) -> str:
    return f"{plan.get_absolute_url()}#communication"


def _may_record(user: User, plan: Plan) -> bool:
    return plan.strategy is not None and can_record_reading(user, plan.strategy)


def _chart(indicator: Indicator) -> str:
    readings = list(indicator.readings.all())  # prefetched, oldest first
    return line_chart(
        [(r.date, float(r.value)) for r in readings],
        title=indicator.name,
        unit=indicator.unit,
        target=float(indicator.target),
        threshold=(
            float(indicator.warning_threshold) if indicator.warning_threshold is not None else None
        ),
        today=timezone.localdate(),
        width=560,
    )


@login_required
def plan_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page's "Communication" section, loaded by the page (404 for a plan not seen)."""
    user = _user(request)
    plan = _plan(request, pk)
    items = selectors.plan_items(plan, user=user)
    return render(
        request,
        "outreach/_plan_section.html",
        {
            "plan": plan,
            "audiences": selectors.audiences_of(items),
            "weeks": selectors.agenda(items),
            "item_count": len(items),
            "can_add": can_add_item(user, plan),
            "can_record": _may_record(user, plan),
            "perception": selectors.plan_perception(plan, user=user),
            "indicators": [
                {"indicator": i, "chart": _chart(i)} for i in selectors.perception_indicators(plan)
            ],
        },
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(request, pk)
    grants_prefetch(user, [item])
    waiting = services.awaiting_clearance(item)
    may_publish = can_publish_item(user, item) and item.status in services.OPEN
    return render(
        request,
        "outreach/item_detail.html",
        {
            "item": item,
            "plan": item.plan,
            "panel": selectors.clearance_panel(item),
            "may_change": can_change_item(user, item) and item.status in services.OPEN,
            "may_clear": bool(clearing_organisations(user, item)) and item.status in services.OPEN,
            "may_publish": may_publish,
            "publish_ready": may_publish and not waiting,
            "version_form": VersionForm(initial={"version": item.version}),
        },
    )


@login_required
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(request, pk)
    if not can_add_item(user, plan):
        raise PermissionDenied(_("Only planners of the lead organisation add messages."))
    form = ItemForm(
        request.POST or None, plan=plan, initial={"spokesperson": plan.lead_organisation_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.communication_create(plan=plan, by=user, **form.service_data())
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The message was added to the calendar. "
                    "The participants it names are asked to clear it."
                )
                if services.awaiting_clearance(item)
                else _("The message was added to the calendar."),
            )
            return redirect(item.get_absolute_url())
    return render(
        request,
        "outreach/item_form.html",
        {"form": form, "plan": plan, "title": _("Add a message"), "cancel_url": _section_url(plan)},
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(request, pk)
    if not can_change_item(user, item):
        raise PermissionDenied(_("Only planners of the lead organisation change this message."))
    form = ItemForm(request.POST or None, plan=item.plan, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        round_before = item.clearance
        try:
            version = form.cleaned_data.get("version") or 0
            updated = services.communication_update(
                item=item, by=user, version=version, data=form.service_data()
            )
        except StaleVersion as stale:
            audit_stale(request, stale)
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = ItemForm(data, plan=item.plan)
            form.is_valid()
            form.add_error(None, str(stale))
        except ValidationError as error:
            show_service_error(form, error)
        else:
            text = _("The message was saved.")
            if updated.clearance != round_before:
                text = _(
                    "The message was saved. Its wording changed after a clearance: "
                    "the named participants clear it again."
                )
            messages.success(request, text)
            return redirect(updated.get_absolute_url())
    return render(
        request,
        "outreach/item_form.html",
        {
            "form": form,
            "plan": item.plan,
            "item": item,
            "title": _("Change “%(title)s”") % {"title": item.title},
            "cancel_url": item.get_absolute_url(),
        },
    )


@login_required
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(request, pk)

    def decide(data: dict[str, Any]) -> Any:
        return services.communication_clear(
            item=item,
            by=user,
            clearance=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(record: Any) -> str:
        if record.decision == ClearanceDecision.REFUSE:
            name = record.organisation.name
            return _("%(organisation)s refused round %(round)s: the planners are told why.") % {
                "organisation": name,
                "round": record.clearance,
            }
        return _("%(organisation)s cleared round %(round)s.") % {
            "organisation": record.organisation.name,
            "round": record.clearance,
        }

    return decision_page(
        request,
        kind=CLEARANCE,
        subject=item,
        organisations=clearing_organisations(user, item),
        closed_message=services.decisions_closed(item),
        comment_help=_("Needed when you refuse: say what must change."),
        decide=decide,
        done=done,
        back_url=item.get_absolute_url(),
        changes_url=item.get_absolute_url(),
        context={
            "subject": item,
            "plan": item.plan,
            "heading": _("Clear round %(round)s") % {"round": item.clearance},
            "breadcrumb": "outreach/_breadcrumb.html",
            "here": _("Clear"),
            "button": _("Record decision"),
            "form_label": _("Your decision"),
            "item": item,
        },
    )


def _step(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    item = _item(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again: the form was incomplete."))
        return redirect(item.get_absolute_url())
    try:
        call(item, form.cleaned_data["version"])
    except StaleVersion as stale:
        audit_stale(request, stale)
        messages.error(request, str(stale))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(item.get_absolute_url())


@login_required
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda item, version: services.communication_publish(
            item=item, by=_user(request), version=version
        ),
        _("The message is published."),
    )


@login_required
@require_POST
def item_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda item, version: services.communication_cancel(
            item=item, by=_user(request), version=version
        ),
        _("The message was cancelled."),
    )


@login_required
def perception_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The tablet form: a field advisor records a perception survey's figure."""
    user = _user(request)
    plan = _plan(request, pk)
    if plan.strategy is None:
        messages.error(
            request,
            _("This plan serves no strategy yet: perception is measured on its indicators."),
        )
        return redirect(_section_url(plan))
    if not _may_record(user, plan):
        raise PermissionDenied(
            _(
                "Only planners, analysts and field advisors of the strategy's partners "
                "record readings."
            )
        )
    form = PerceptionForm(request.POST or None, indicators=selectors.strategy_indicators(plan))
    if request.method == "POST" and form.is_valid():
        try:
            perception = services.perception_record(plan=plan, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            indicator = perception.reading.indicator
            facts = {
                "indicator": indicator.name,
                "value": f"{perception.reading.value:g}",
                "area": perception.area,
            }
            text = _("Recorded: %(indicator)s %(value)s in %(area)s.") % facts
            if indicator.in_warning:
                text = (
                    _(
                        "Recorded: %(indicator)s %(value)s in %(area)s. This is past the "
                        "warning threshold: the partners are warned."
                    )
                    % facts
                )
            messages.success(request, text)
            return redirect(reverse("outreach-perception-create", args=[plan.pk]))
    return render(
        request,
        "outreach/perception_form.html",
        {
            "form": form,
            "plan": plan,
            "latest": selectors.plan_perception(plan, user=user)[:3],
        },
    )
