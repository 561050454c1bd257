"""Strategy pages. Views read through strategy.selectors and write through strategy.services.

Every child object (goal, driver, indicator) is fetched through a selector filtered by what the
user may see, so an invisible one is a 404 like an invisible strategy; visible but not
changeable is a 403 with the reason.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleVersion
from accounts.grants import has_object_permission
from accounts.models import Membership, Organisation, Role, User
from charts import line_chart
from strategy import selectors, services
from strategy.forms import (
    DriverForm,
    EndorseForm,
    GlossarySearchForm,
    GlossaryTermForm,
    GoalForm,
    IndicatorForm,
    ReadingForm,
    StrategyFilterForm,
    StrategyForm,
)
from strategy.models import (
    ConflictDriver,
    Goal,
    Indicator,
    PlanningProcess,
    Strategy,
    StrategyStatus,
)

F = TypeVar("F", bound=forms.ModelForm)

STRATEGIES_PER_PAGE = 25
PROCESS_LABELS = dict(PlanningProcess.choices)


# --- helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible_strategy(request: HttpRequest, pk: int) -> Strategy:
    """The strategy, or 404 when it is not shared with the user: its existence is not leaked."""
    return get_object_or_404(selectors.visible_strategies(_user(request)), pk=pk)


def _editable(request: HttpRequest, strategy: Strategy) -> None:
    if not has_object_permission(request.user, strategy, "change_strategy"):
        raise PermissionDenied("Only planners of the lead organisation can change this strategy.")
    if not strategy.is_editable:
        raise PermissionDenied(
            f"This strategy is {strategy.get_status_display().lower()}: "
            "it can no longer be changed."
        )


def _show_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _approver_organisations(user: User, strategy: Strategy) -> list[Organisation]:
    """The partners of `strategy` this user approves for today (whatever its status)."""
    partner_ids = [p.organisation_id for p in strategy.partnerships.all()]
    partner_ids.append(strategy.lead_organisation_id)
    return list(
        Organisation.objects.filter(
            pk__in=Membership.objects.valid_on(timezone.localdate())
            .filter(user=user, role=Role.APPROVER, organisation_id__in=partner_ids)
            .values("organisation_id")
        ).order_by("name")
    )


def _stale_form(form_class: type[F], request: HttpRequest, stale: StaleVersion, **kwargs: Any) -> F:
    # Keep what this user typed, now based on the current version, so saving again is a
    # deliberate choice made after seeing that someone else edited it.
    data = request.POST.copy()
    data["version"] = str(stale.current.version)
    form = form_class(data, instance=stale.current, **kwargs)
    form.is_valid()
    form.add_error(None, str(stale))
    return form


def _nothing_changed(request: HttpRequest, strategy: Strategy) -> HttpResponse:
    # Saving an unchanged form must not start a new edition that every partner re-endorses.
    messages.info(request, "Nothing was changed.")
    return redirect(strategy)


def _new_edition_notice(strategy: Strategy) -> str | None:
    if strategy.status in (StrategyStatus.CONSULTATION, StrategyStatus.AGREED):
        return (
            f"Partners have been asked to endorse this strategy: saving starts edition "
            f"{strategy.edition + 1}, which every partner must endorse again."
        )
    return None


# --- strategies ---------------------------------------------------------------------------------


@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = StrategyFilterForm(request.GET or None)
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
            "can_create": bool(services.lead_organisations_for(user)),
        },
    )


@login_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    leads = services.lead_organisations_for(user)
    if not leads:
        raise PermissionDenied("Only planners can draft a strategy for their organisation.")
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
            _show_service_error(form, error)
        else:
            messages.success(
                request, "The draft strategy was created. Add its drivers, goals and indicators."
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
    can_edit = has_object_permission(user, strategy, "change_strategy")
    can_record = strategy.status != StrategyStatus.ARCHIVED and has_object_permission(
        user, strategy, "record_reading"
    )
    approver_of = (
        _approver_organisations(user, strategy)
        if strategy.status == StrategyStatus.CONSULTATION
        else []
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
            "panel": selectors.endorsement_panel(strategy),
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
            "endorse_form": EndorseForm(organisations=approver_of) if approver_of else None,
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
        try:
            services.strategy_update(
                strategy=strategy,
                by=_user(request),
                version=form.cleaned_data["version"],
                data=data,
            )
        except StaleVersion as stale:
            form = _stale_form(StrategyForm, request, stale)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, "The strategy was saved.")
            return redirect(strategy)
    return render(
        request,
        "strategy/strategy_form.html",
        {
            "form": form,
            "strategy": strategy,
            "notice": "Partners have been asked to endorse this strategy: changing its partners "
            f"starts edition {strategy.edition + 1}, which every partner must endorse again."
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
            request, "Submitted: every partner's approvers have been asked to endorse."
        )
    return redirect(strategy)


@login_required
def strategy_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    strategy = _visible_strategy(request, pk)
    organisations = _approver_organisations(user, strategy)
    if not organisations:
        raise PermissionDenied(
            "Only an approver of a partner organisation can endorse this strategy."
        )
    if strategy.status != StrategyStatus.CONSULTATION:
        messages.error(
            request,
            "Endorsements are given in consultation; this strategy is "
            f"{strategy.get_status_display().lower()}.",
        )
        return redirect(strategy)
    form = EndorseForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            endorsement = services.strategy_endorse(
                strategy=strategy,
                by=user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                organisation=form.cleaned_data.get("organisation") or organisations[0],
            )
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            strategy.refresh_from_db()
            if endorsement.decision == "reject":
                messages.success(
                    request,
                    f"{endorsement.organisation.name} rejected edition {endorsement.edition}; "
                    "the lead's planners have been told why.",
                )
            elif strategy.status == StrategyStatus.AGREED:
                messages.success(request, "Endorsed. Every partner has now endorsed: it is agreed.")
            else:
                messages.success(
                    request,
                    f"{endorsement.organisation.name} endorsed edition {endorsement.edition}.",
                )
            return redirect(strategy)
    return render(request, "strategy/endorse_form.html", {"form": form, "strategy": strategy})


def _confirm(
    request: HttpRequest,
    *,
    strategy: Strategy,
    title: str,
    text: str,
    button: str,
    action: Any,
    done: str,
) -> HttpResponse:
    """A confirmation page for an action that cannot be undone from the pages."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect(strategy)
    return render(
        request,
        "strategy/confirm.html",
        {"strategy": strategy, "title": title, "text": text, "button": button},
    )


@login_required
def strategy_archive(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _visible_strategy(request, pk)
    if not has_object_permission(request.user, strategy, "change_strategy"):
        raise PermissionDenied("Only planners of the lead organisation can archive this strategy.")
    return _confirm(
        request,
        strategy=strategy,
        title=f"Archive “{strategy.title}”?",
        text="An archived strategy can no longer be changed, endorsed or given readings. "
        "Partners can still read it.",
        button="Archive the strategy",
        action=lambda: services.strategy_archive(strategy=strategy, by=_user(request)),
        done="The strategy was archived.",
    )


# --- drivers ------------------------------------------------------------------------------------


def _visible_driver(request: HttpRequest, pk: int) -> ConflictDriver:
    return get_object_or_404(selectors.driver_list(user=_user(request)), pk=pk)


@login_required
def driver_create(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _visible_strategy(request, pk)
    _editable(request, strategy)
    form = DriverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = _without_empty_order(form.cleaned_data, services.DRIVER_FIELDS)
        try:
            services.driver_create(strategy=strategy, by=_user(request), data=data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, f"Conflict driver “{data['title']}” added.")
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + "#drivers")
    return _child_form(request, strategy, form, "Add a conflict driver", "Add driver")


@login_required
def driver_edit(request: HttpRequest, pk: int) -> HttpResponse:
    driver = _visible_driver(request, pk)
    strategy = driver.strategy
    _editable(request, strategy)
    form = DriverForm(request.POST or None, instance=driver, initial={"version": driver.version})
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, strategy)
        data = _without_empty_order(form.cleaned_data, services.DRIVER_FIELDS)
        try:
            services.driver_update(
                driver=driver, by=_user(request), version=form.cleaned_data["version"], data=data
            )
        except StaleVersion as stale:
            form = _stale_form(DriverForm, request, stale)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, "The conflict driver was saved.")
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + "#drivers")
    return _child_form(request, strategy, form, "Edit conflict driver", "Save driver")


@login_required
def driver_delete(request: HttpRequest, pk: int) -> HttpResponse:
    driver = _visible_driver(request, pk)
    _editable(request, driver.strategy)
    return _confirm(
        request,
        strategy=driver.strategy,
        title=f"Remove the driver “{driver.title}”?",
        text="Goals that address it will no longer list it.",
        button="Remove driver",
        action=lambda: services.driver_delete(driver=driver, by=_user(request)),
        done="The conflict driver was removed.",
    )


# --- goals --------------------------------------------------------------------------------------


def _visible_goal(request: HttpRequest, pk: int) -> Goal:
    return get_object_or_404(selectors.goal_list(user=_user(request)), pk=pk)


def _without_empty_order(cleaned: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    # An empty order lets the service choose one (goals go at the end).
    return {f: cleaned[f] for f in fields if not (f == "order" and cleaned.get(f) is None)}


@login_required
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _visible_strategy(request, pk)
    _editable(request, strategy)
    form = GoalForm(request.POST or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        data = _without_empty_order(form.cleaned_data, services.GOAL_FIELDS)
        data["drivers"] = list(form.cleaned_data["drivers"])
        try:
            goal = services.goal_create(strategy=strategy, by=_user(request), data=data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, f"Goal “{goal.title}” added. Now give it an indicator.")
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{goal.pk}")
    return _child_form(request, strategy, form, "Add a common goal", "Add goal")


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _visible_goal(request, pk)
    strategy = goal.strategy
    _editable(request, strategy)
    form = GoalForm(
        request.POST or None, instance=goal, strategy=strategy, initial={"version": goal.version}
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, strategy)
        data = _without_empty_order(form.cleaned_data, services.GOAL_FIELDS)
        data["drivers"] = list(form.cleaned_data["drivers"])
        try:
            services.goal_update(
                goal=goal, by=_user(request), version=form.cleaned_data["version"], data=data
            )
        except StaleVersion as stale:
            form = _stale_form(GoalForm, request, stale, strategy=strategy)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, "The goal was saved.")
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{goal.pk}")
    return _child_form(request, strategy, form, "Edit goal", "Save goal")


@login_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _visible_goal(request, pk)
    _editable(request, goal.strategy)
    return _confirm(
        request,
        strategy=goal.strategy,
        title=f"Remove the goal “{goal.title}”?",
        text="Its indicators and their readings are removed with it.",
        button="Remove goal",
        action=lambda: services.goal_delete(goal=goal, by=_user(request)),
        done="The goal was removed.",
    )


# --- indicators and readings --------------------------------------------------------------------


def _visible_indicator(request: HttpRequest, pk: int) -> Indicator:
    return get_object_or_404(selectors.indicator_list(user=_user(request)), pk=pk)


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _visible_goal(request, pk)
    strategy = goal.strategy
    _editable(request, strategy)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.INDICATOR_FIELDS}
        try:
            services.indicator_create(goal=goal, by=_user(request), data=data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, f"Indicator “{data['name']}” added to “{goal.title}”.")
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{goal.pk}")
    return _child_form(
        request, strategy, form, f"Add an indicator to “{goal.title}”", "Add indicator"
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _visible_indicator(request, pk)
    strategy = indicator.goal.strategy
    _editable(request, strategy)
    form = IndicatorForm(
        request.POST or None, instance=indicator, initial={"version": indicator.version}
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, strategy)
        data = {f: form.cleaned_data[f] for f in services.INDICATOR_FIELDS}
        try:
            services.indicator_update(
                indicator=indicator,
                by=_user(request),
                version=form.cleaned_data["version"],
                data=data,
            )
        except StaleVersion as stale:
            form = _stale_form(IndicatorForm, request, stale)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, "The indicator was saved.")
            return redirect(
                reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{indicator.goal_id}"
            )
    return _child_form(request, strategy, form, "Edit indicator", "Save indicator")


@login_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _visible_indicator(request, pk)
    _editable(request, indicator.goal.strategy)
    return _confirm(
        request,
        strategy=indicator.goal.strategy,
        title=f"Remove the indicator “{indicator.name}”?",
        text="Its readings are removed with it.",
        button="Remove indicator",
        action=lambda: services.indicator_delete(indicator=indicator, by=_user(request)),
        done="The indicator was removed.",
    )


@login_required
def reading_create(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _visible_indicator(request, pk)
    strategy = indicator.goal.strategy
    if not has_object_permission(request.user, strategy, "record_reading"):
        raise PermissionDenied(
            "Only planners, analysts and field advisors of partner organisations record readings."
        )
    # The strategy page prefixes each indicator's form, so several can share one page.
    form = ReadingForm(request.POST or None, prefix=f"reading-{indicator.pk}", unit=indicator.unit)
    if request.method == "POST" and form.is_valid():
        try:
            reading = services.reading_record(
                indicator=indicator,
                by=_user(request),
                date=form.cleaned_data["date"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            indicator.refresh_from_db()
            text = f"Reading of {reading.value} on {reading.date:%d %b %Y} recorded."
            if indicator.in_warning:
                messages.warning(request, f"{text} It is past the early-warning threshold.")
            else:
                messages.success(request, text)
            return redirect(
                reverse("strategy-detail", args=[strategy.pk]) + f"#indicator-{indicator.pk}"
            )
    return render(
        request,
        "strategy/reading_form.html",
        {"form": form, "strategy": strategy, "indicator": indicator},
    )


def _child_form(
    request: HttpRequest, strategy: Strategy, form: forms.BaseForm, title: str, submit: str
) -> HttpResponse:
    return render(
        request,
        "strategy/child_form.html",
        {
            "form": form,
            "strategy": strategy,
            "title": title,
            "submit_label": submit,
            "notice": _new_edition_notice(strategy),
        },
    )


# --- glossary -----------------------------------------------------------------------------------


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = GlossarySearchForm(request.GET or None)
    terms = selectors.glossary_list(user=user)
    if form.is_valid() and (query := form.cleaned_data["q"]):
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(definition__icontains=query)
            | Q(un_impp__icontains=query)
            | Q(nato_cpa__icontains=query)
            | Q(eu_integrated__icontains=query)
            | Q(whole_of_government__icontains=query)
        )
    return render(
        request,
        "strategy/glossary.html",
        {"form": form, "terms": terms, "can_propose": services.can_propose_terms(user)},
    )


@login_required
def glossary_propose(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not services.can_propose_terms(user):
        raise PermissionDenied("Planners propose glossary terms; administrators curate them.")
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.glossary_term_propose(
                by=user, data={f: form.cleaned_data[f] for f in services.GLOSSARY_FIELDS}
            )
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(
                request,
                f"“{term.term}” was proposed. Others see it once an administrator approves it.",
            )
            return redirect("glossary")
    return render(request, "strategy/glossary_form.html", {"form": form})
