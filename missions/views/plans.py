"""Plan pages: list, plan page, create, edit and the workflow (submit, review, approve,
activate, close)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import audit_stale
from accounts.authority import lead_organisations_for
from accounts.decisions import DecisionForm, StaleRound, decision_page, split_decided
from accounts.models import OrganisationKind
from accounts.pages import show_service_error, versioned_save
from accounts.suggest import suggestions
from charts import horizontal_bar_chart, timeline_chart
from missions import selectors, services
from missions.forms import PLAN_SEARCH, PlanFilterForm, PlanForm, plan_label
from missions.models import Activity, ActorType, PlanStatus, ReviewDecision
from missions.permissions import (
    REVIEW,
    can_approve_plan,
    can_change_plan,
    can_file_field_report,
    can_lead_plan,
    progress_organisations,
    reviewing_organisations,
)
from missions.services import EDITABLE
from missions.views._common import (
    PLANS_PER_PAGE,
    _amendment_notice,
    _confirm,
    _nothing_changed,
    _plan_url,
    _saved,
    _structure_editor,
    _user,
    _visible_plan,
)
from strategy.selectors import visible_strategies

ACTOR_LABELS = dict(ActorType.choices)
REVIEW_COMMENT_HELP = gettext_lazy(
    "Needed when you ask for changes: say what the lead should change."
)
# The service names the participants as one list; the form asks for them as two.
PARTICIPANT_ERRORS = {"participants": "contributors"}
KIND_LABELS = dict(OrganisationKind.choices)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PlanFilterForm(request.GET or None, user=user)
    plans = selectors.plan_list(user=user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            plans = plans.filter(status=data["status"])
        if data["phase"]:
            plans = plans.filter(phase=data["phase"])
        if data["strategy"]:
            plans = plans.filter(strategy=data["strategy"])
        if data["participant"]:
            plans = plans.filter(participants__organisation=data["participant"])
        if data["theatre"]:
            plans = plans.filter(theatre__icontains=data["theatre"])
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.plan_list_rows(page.object_list)
    return render(
        request,
        "missions/plan_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_create": bool(lead_organisations_for(user)),
        },
    )


@login_required
def plan_suggestions(request: HttpRequest) -> HttpResponse:
    """The plans the person may see whose title or theatre holds `?q=`."""
    return suggestions(
        request,
        selectors.visible_plans(_user(request)),
        search_fields=PLAN_SEARCH,
        order_by="title",
        label=plan_label,
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    leads = lead_organisations_for(user)
    if not leads:
        raise PermissionDenied(_("Only planners can start a plan for their organisation."))
    form = PlanForm(request.POST or None, strategies=visible_strategies(user), lead_choices=leads)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                by=user,
                title=data["title"],
                theatre=data["theatre"],
                summary=data["summary"],
                phase=data["phase"],
                strategy=data["strategy"],
                lead_organisation=data["lead_organisation"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                participants=form.participants(),
            )
        except ValidationError as error:
            show_service_error(form, error, PARTICIPANT_ERRORS)
        else:
            messages.success(
                request, _("The draft plan was created. Add its lines of effort and activities.")
            )
            return redirect(plan)
    return render(request, "missions/plan_form.html", {"form": form, "plan": None})


def _activity_row(activity: Activity, can_update: bool) -> dict[str, Any]:
    return {"activity": activity, "can_update": can_update}


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = get_object_or_404(selectors.plan_detail(user=user), pk=pk)
    can_change = can_change_plan(user, plan)
    can_approve = can_approve_plan(user, plan)
    closed = plan.status == PlanStatus.CLOSED
    can_report = not closed and can_file_field_report(user, plan)
    # Progress is for the lead's planners and the responsible organisation's: decided for
    # every activity from one list of the user's organisations, not one query per activity.
    planner_of = set() if closed else progress_organisations(user)
    lines = [
        {
            "line": line,
            "activities": [
                _activity_row(
                    activity,
                    not closed
                    and (can_change or activity.responsible_organisation_id in planner_of),
                )
                for activity in line.activities.all()
            ],
        }
        for line in plan.lines_of_effort.all()
    ]
    activities = selectors.plan_activities(plan)
    milestones = list(plan.milestones.all())
    balance = selectors.civil_military_balance(plan)
    panel = selectors.review_panel(plan)
    waiting = [row.organisation for row in panel if row.state != "approved"]
    in_review = plan.status == PlanStatus.IN_REVIEW
    reviewer_of, reviews_given = split_decided(
        panel, reviewing_organisations(user, plan) if in_review else []
    )
    return render(
        request,
        "missions/plan_detail.html",
        {
            "plan": plan,
            "participants": sorted(
                plan.participants.all(), key=lambda p: (p.role != "lead", p.organisation.name)
            ),
            "posts": plan.posts.all(),
            "lines": lines,
            "activity_count": len(activities),
            "timeline": timeline_chart(
                [(a.title, a.start_date, a.end_date, a.status) for a in activities],
                [(m.title, m.due_date, m.achieved_on is not None) for m in milestones],
                title=_("Activities and milestones"),
                start=plan.start_date,
                end=plan.end_date,
                today=timezone.localdate(),
            ),
            "balance_chart": horizontal_bar_chart(
                [(str(ACTOR_LABELS[actor]), n) for actor, n in balance.per_actor_type.items()],
                title=_("Activities per actor type"),
            ),
            "balance": balance,
            "milestones": milestones,
            "consultations": plan.consultations.all(),
            "gaps": [KIND_LABELS[kind] for kind in selectors.consultation_gaps(plan)],
            "panel": panel,
            "waiting": waiting,
            "field_reports": plan.field_reports.all(),
            "can_edit": can_change and plan.status in EDITABLE,
            "can_submit": can_change and plan.status == PlanStatus.DRAFT,
            "review_form": DecisionForm(
                kind=REVIEW,
                organisations=reviewer_of,
                round=plan.submission,
                comment_help=REVIEW_COMMENT_HELP,
            )
            if reviewer_of
            else None,
            "reviewer_of": reviewer_of,
            "given": reviews_given,
            "can_approve": can_approve and in_review and not waiting,
            "lead_approver_waiting": can_approve and in_review and bool(waiting),
            "can_activate": plan.status == PlanStatus.APPROVED and can_lead_plan(user, plan),
            "can_close": plan.status == PlanStatus.ACTIVE and can_lead_plan(user, plan),
            "can_report": can_report,
            "amendment_notice": _amendment_notice(plan) if can_change else None,
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _visible_plan(request, pk)
    _structure_editor(request, plan)
    form = PlanForm(
        request.POST or None,
        instance=plan,
        strategies=visible_strategies(user),
        initial={"version": plan.version},
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, plan)
        data = {field: form.cleaned_data[field] for field in services.PLAN_FIELDS}
        data["participants"] = form.participants()
        data["posts"] = list(form.cleaned_data["posts"])
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.plan_update(plan=plan, by=user, version=version, data=data),
            form_kwargs={"strategies": visible_strategies(user)},
            aliases=PARTICIPANT_ERRORS,
        )
        if saved is not None:
            _saved(request, plan, saved, _("The plan was saved."))
            return redirect(plan)
    return render(
        request,
        "missions/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "notice": _(
                "This plan is %(status)s: changing its participants "
                "or dates is an amendment, and sends it back to the contributors for review."
            )
            % {"status": plan.get_status_display().lower()}
            if plan.status in services.AMENDABLE
            else None,
        },
    )


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    try:
        services.plan_submit(plan=plan, by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Submitted: every contributor's approvers have been asked to review it.")
        )
    return redirect(_plan_url(plan, "review"))


@login_required
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _visible_plan(request, pk)

    def decide(data: dict[str, Any]) -> Any:
        return services.plan_review(
            plan=plan,
            by=user,
            submission=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(review: Any) -> str:
        if review.decision == ReviewDecision.REQUEST_CHANGES:
            return _(
                "%(organisation)s asked for changes; the plan is back to draft "
                "and the lead's planners have been told why."
            ) % {"organisation": review.organisation.name}
        return _("%(organisation)s approved submission %(submission)d.") % {
            "organisation": review.organisation.name,
            "submission": review.submission,
        }

    return decision_page(
        request,
        kind=REVIEW,
        subject=plan,
        organisations=reviewing_organisations(user, plan),
        closed_message=None
        if plan.status == PlanStatus.IN_REVIEW
        else _("Reviews are given while a plan is in review; this plan is %(status)s.")
        % {"status": plan.get_status_display().lower()},
        comment_help=REVIEW_COMMENT_HELP,
        decide=decide,
        done=done,
        back_url=_plan_url(plan, "review"),
        changes_url=plan.get_absolute_url(),
        context={
            "subject": plan,
            "plan": plan,
            "heading": _("Review submission %(submission)d") % {"submission": plan.submission},
            "breadcrumb": "missions/_breadcrumb.html",
            "here": _("Review"),
            "button": _("Record review"),
            "form_label": _("Your review"),
        },
    )


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    try:
        submission = int(request.POST.get("submission", ""))
    except ValueError:
        submission = None
    try:
        services.plan_approve(plan=plan, by=_user(request), submission=submission)
    except StaleRound as stale:
        audit_stale(request, stale)
        messages.error(request, str(stale))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is approved. The lead can now activate it."))
    return redirect(_plan_url(plan, "review"))


@login_required
@require_POST
def plan_activate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    try:
        services.plan_activate(plan=plan, by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is active: its activities are under way."))
    return redirect(plan)


@login_required
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _visible_plan(request, pk)
    if not can_lead_plan(user, plan):
        raise PermissionDenied(
            _("Only the lead organisation's planners and approvers can close this plan.")
        )
    return _confirm(
        request,
        plan=plan,
        title=_("Close “%(plan)s”?") % {"plan": plan.title},
        text=_(
            "A closed plan can no longer be changed, and takes no more progress updates or "
            "field reports. Participants can still read it."
        ),
        button=_("Close the plan"),
        action=lambda: services.plan_close(plan=plan, by=user),
        done=_("The plan was closed."),
    )
