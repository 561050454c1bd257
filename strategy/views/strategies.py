"""Strategy pages: list, detail, create, edit and the workflow (submit, endorse, archive)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.authority import lead_organisations_for
from accounts.decisions import DecisionForm, decision_page, split_decided
from accounts.pages import show_service_error, versioned_save
from accounts.suggest import suggestions
from charts import line_chart
from strategy import selectors, services
from strategy.forms import (
    STRATEGY_SEARCH,
    ReadingForm,
    StrategyFilterForm,
    StrategyForm,
)
from strategy.models import (
    Indicator,
    StrategyStatus,
)
from strategy.permissions import (
    ENDORSEMENT,
    can_change_strategy,
    can_record_reading,
    endorsing_organisations,
)
from strategy.views._common import (
    PROCESS_LABELS,
    STRATEGIES_PER_PAGE,
    _confirm,
    _editable,
    _nothing_changed,
    _user,
    _visible_strategy,
)

ENDORSE_COMMENT_HELP = gettext_lazy(
    "Needed when you reject: say what the lead organisation should change."
)


@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = StrategyFilterForm(request.GET or None, user=user)
    strategies = selectors.strategy_list(user=user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            strategies = strategies.filter(status=data["status"])
        if data["approach"]:
            strategies = strategies.filter(approach=data["approach"])
        if data["q"]:
            strategies = strategies.filter(
                Q(theatre__icontains=data["q"]) | Q(title__icontains=data["q"])
            )
        if data["partner"]:
            strategies = strategies.filter(partnerships__organisation=data["partner"])
    page = Paginator(strategies, STRATEGIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(s, selectors.endorsement_panel(s)) for s in page.object_list]
    return render(
        request,
        "strategy/strategy_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "strategy": strategy,
                    "partners": [p.organisation for p in panel],
                    "endorsed": sum(1 for p in panel if p.state == "endorsed"),
                    "rejected": sum(1 for p in panel if p.state == "rejected"),
                }
                for strategy, panel in rows
            ],
            "can_create": bool(lead_organisations_for(user)),
        },
    )


@login_required
def strategy_suggestions(request: HttpRequest) -> HttpResponse:
    """The strategies the person may see whose title or theatre holds `?q=`."""
    return suggestions(
        request,
        selectors.visible_strategies(_user(request)),
        search_fields=STRATEGY_SEARCH,
        order_by="title",
        label=lambda strategy: strategy.title,
    )


@login_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    leads = lead_organisations_for(user)
    if not leads:
        raise PermissionDenied(_("Only planners can draft a strategy for their organisation."))
    predecessors = selectors.visible_strategies(user).filter(
        status=StrategyStatus.AGREED,
        lead_organisation__in=leads,
        successor__isnull=True,
    )
    form = StrategyForm(request.POST or None, lead_choices=leads, predecessor_choices=predecessors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            strategy = services.strategy_create(
                by=user,
                title=data["title"],
                theatre=data["theatre"],
                approach=data["approach"],
                summary=data["summary"],
                processes=data["processes"],
                lead_organisation=data["lead_organisation"],
                partners=data["partners"],
                predecessor=data["predecessor"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request, _("The draft strategy was created. Add its drivers, goals and indicators.")
            )
            return redirect(strategy)
    return render(request, "strategy/strategy_form.html", {"form": form, "strategy": None})


def _indicator_row(indicator: Indicator, can_record: bool) -> dict[str, Any]:
    readings = list(indicator.readings.all())  # prefetched, oldest first
    return {
        "indicator": indicator,
        "latest": readings[-1] if readings else None,
        "chart": line_chart(
            [(r.date, float(r.value)) for r in readings],
            title=indicator.name,
            unit=indicator.unit,
            target=float(indicator.target),
            threshold=(
                float(indicator.warning_threshold)
                if indicator.warning_threshold is not None
                else None
            ),
            today=timezone.localdate(),
        ),
        # Prefixed so every indicator's form on the page has its own field ids.
        "reading_form": (
            ReadingForm(prefix=f"reading-{indicator.pk}", unit=indicator.unit)
            if can_record
            else None
        ),
    }


@login_required
def strategy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    strategy = get_object_or_404(selectors.strategy_detail(user=user), pk=pk)
    can_edit = can_change_strategy(user, strategy)
    can_record = can_record_reading(user, strategy)
    panel = selectors.endorsement_panel(strategy)
    approver_of, endorsements_given = split_decided(
        panel,
        endorsing_organisations(user, strategy)
        if strategy.status == StrategyStatus.CONSULTATION
        else [],
    )
    # Predecessor and successor in one query, each shown only if shared with this user.
    related = {
        s.pk: s
        for s in selectors.visible_strategies(user)
        .filter(Q(pk=strategy.predecessor_id) | Q(predecessor=strategy))
        .only("pk", "title", "status", "predecessor")
    }
    goals = [
        {
            "goal": goal,
            "indicators": [_indicator_row(i, can_record) for i in goal.indicators.all()],
        }
        for goal in strategy.goals.all()
    ]
    return render(
        request,
        "strategy/strategy_detail.html",
        {
            "strategy": strategy,
            "processes": [PROCESS_LABELS.get(p, p) for p in strategy.processes],
            "panel": panel,
            "given": endorsements_given,
            "history": selectors.endorsement_history(strategy),
            "goals": goals,
            "drivers": strategy.drivers.all(),
            "unaddressed": selectors.unaddressed_drivers(strategy),
            "predecessor": related.get(strategy.predecessor_id or 0),
            "successor": next(
                (s for s in related.values() if s.predecessor_id == strategy.pk), None
            ),
            "can_edit": can_edit and strategy.is_editable,
            "can_submit": can_edit and strategy.status == StrategyStatus.DRAFT,
            "can_archive": can_edit and strategy.status != StrategyStatus.ARCHIVED,
            "can_record": can_record,
            "endorse_form": DecisionForm(
                kind=ENDORSEMENT,
                organisations=approver_of,
                round=strategy.edition,
                comment_help=ENDORSE_COMMENT_HELP,
            )
            if approver_of
            else None,
            "approver_of": approver_of,
        },
    )


@login_required
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _visible_strategy(request, pk)
    _editable(request, strategy)
    form = StrategyForm(
        request.POST or None,
        instance=strategy,
        initial={
            "version": strategy.version,
            "partners": [
                p.organisation_id
                for p in strategy.partnerships.all()
                if p.organisation_id != strategy.lead_organisation_id
            ],
        },
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, strategy)
        data = {field: form.cleaned_data[field] for field in services.STRATEGY_FIELDS}
        data["partners"] = form.cleaned_data["partners"]
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.strategy_update(
                strategy=strategy, by=_user(request), version=version, data=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The strategy was saved."))
            return redirect(strategy)
    return render(
        request,
        "strategy/strategy_form.html",
        {
            "form": form,
            "strategy": strategy,
            "notice": _(
                "Partners have been asked to endorse this strategy: changing its partners "
                "starts edition %(edition)s, which every partner must endorse again."
            )
            % {"edition": strategy.edition + 1}
            if strategy.status in (StrategyStatus.CONSULTATION, StrategyStatus.AGREED)
            else None,
        },
    )


@login_required
@require_POST
def strategy_submit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _visible_strategy(request, pk)
    try:
        services.strategy_submit(strategy=strategy, by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Submitted: every partner's approvers have been asked to endorse.")
        )
    return redirect(strategy)


@login_required
def strategy_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    strategy = _visible_strategy(request, pk)

    def decide(data: dict[str, Any]) -> Any:
        return services.strategy_endorse(
            strategy=strategy,
            by=user,
            edition=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(endorsement: Any) -> str:
        if endorsement.decision == "reject":
            return _(
                "%(organisation)s rejected edition %(edition)s; "
                "the lead's planners have been told why."
            ) % {"organisation": endorsement.organisation.name, "edition": endorsement.edition}
        if endorsement.strategy.status == StrategyStatus.AGREED:  # as the service left it
            return _("Endorsed. Every partner has now endorsed: it is agreed.")
        return _("%(organisation)s endorsed edition %(edition)s.") % {
            "organisation": endorsement.organisation.name,
            "edition": endorsement.edition,
        }

    return decision_page(
        request,
        kind=ENDORSEMENT,
        subject=strategy,
        organisations=endorsing_organisations(user, strategy),
        closed_message=None
        if strategy.status == StrategyStatus.CONSULTATION
        else (
            _("Endorsements are given in consultation; this strategy is %(status)s.")
            % {"status": strategy.get_status_display().lower()}
        ),
        comment_help=ENDORSE_COMMENT_HELP,
        decide=decide,
        done=done,
        back_url=strategy.get_absolute_url(),
        changes_url=strategy.get_absolute_url() + "#history",
        context={
            "subject": strategy,
            "strategy": strategy,
            "heading": _("Endorse edition %(edition)s") % {"edition": strategy.edition},
            "breadcrumb": "strategy/_breadcrumb.html",
            "here": _("Endorse"),
            "button": _("Record decision"),
        },
    )


@login_required
def strategy_archive(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _visible_strategy(request, pk)
    if not can_change_strategy(_user(request), strategy):
        raise PermissionDenied(
            _("Only planners of the lead organisation can archive this strategy.")
        )
    return _confirm(
        request,
        strategy=strategy,
        title=_("Archive “%(title)s”?") % {"title": strategy.title},
        text=_(
            "An archived strategy can no longer be changed, endorsed or given readings. "
            "Partners can still read it."
        ),
        button=_("Archive the strategy"),
        action=lambda: services.strategy_archive(strategy=strategy, by=_user(request)),
        done=_("The strategy was archived."),
    )
