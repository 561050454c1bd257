"""Pages for a strategy's parts: conflict drivers, goals, indicators and readings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.pages import show_service_error, versioned_save
from strategy import services
from strategy.forms import (
    DriverForm,
    GoalForm,
    IndicatorForm,
    ReadingForm,
)
from strategy.permissions import may_record_readings
from strategy.views._common import (
    _child_form,
    _confirm,
    _editable,
    _nothing_changed,
    _user,
    _visible_driver,
    _visible_goal,
    _visible_indicator,
    _visible_strategy,
    _without_empty_order,
)


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
            show_service_error(form, error)
        else:
            messages.success(
                request, _("Conflict driver “%(title)s” added.") % {"title": data["title"]}
            )
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + "#drivers")
    return _child_form(request, strategy, form, _("Add a conflict driver"), _("Add driver"))


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
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.driver_update(
                driver=driver, by=_user(request), version=version, data=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The conflict driver was saved."))
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + "#drivers")
    return _child_form(request, strategy, form, _("Edit conflict driver"), _("Save driver"))


@login_required
def driver_delete(request: HttpRequest, pk: int) -> HttpResponse:
    driver = _visible_driver(request, pk)
    _editable(request, driver.strategy)
    return _confirm(
        request,
        strategy=driver.strategy,
        title=_("Remove the driver “%(title)s”?") % {"title": driver.title},
        text=_("Goals that address it will no longer list it."),
        button=_("Remove driver"),
        action=lambda: services.driver_delete(driver=driver, by=_user(request)),
        done=_("The conflict driver was removed."),
    )


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
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Goal “%(title)s” added. Now give it an indicator.") % {"title": goal.title},
            )
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{goal.pk}")
    return _child_form(request, strategy, form, _("Add a common goal"), _("Add goal"))


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
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.goal_update(
                goal=goal, by=_user(request), version=version, data=data
            ),
            form_kwargs={"strategy": strategy},
        )
        if saved is not None:
            messages.success(request, _("The goal was saved."))
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{goal.pk}")
    return _child_form(request, strategy, form, _("Edit goal"), _("Save goal"))


@login_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _visible_goal(request, pk)
    _editable(request, goal.strategy)
    return _confirm(
        request,
        strategy=goal.strategy,
        title=_("Remove the goal “%(title)s”?") % {"title": goal.title},
        text=_("Its indicators and their readings are removed with it."),
        button=_("Remove goal"),
        action=lambda: services.goal_delete(goal=goal, by=_user(request)),
        done=_("The goal was removed."),
    )


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
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Indicator “%(name)s” added to “%(goal)s”.")
                % {"name": data["name"], "goal": goal.title},
            )
            return redirect(reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{goal.pk}")
    return _child_form(
        request,
        strategy,
        form,
        _("Add an indicator to “%(goal)s”") % {"goal": goal.title},
        _("Add indicator"),
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
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.indicator_update(
                indicator=indicator, by=_user(request), version=version, data=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The indicator was saved."))
            return redirect(
                reverse("strategy-detail", args=[strategy.pk]) + f"#goal-{indicator.goal_id}"
            )
    return _child_form(request, strategy, form, _("Edit indicator"), _("Save indicator"))


@login_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _visible_indicator(request, pk)
    _editable(request, indicator.goal.strategy)
    return _confirm(
        request,
        strategy=indicator.goal.strategy,
        title=_("Remove the indicator “%(name)s”?") % {"name": indicator.name},
        text=_("Its readings are removed with it."),
        button=_("Remove indicator"),
        action=lambda: services.indicator_delete(indicator=indicator, by=_user(request)),
        done=_("The indicator was removed."),
    )


@login_required
def reading_create(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _visible_indicator(request, pk)
    strategy = indicator.goal.strategy
    if not may_record_readings(_user(request), strategy):
        raise PermissionDenied(
            _(
                "Only planners, analysts and field advisors of partner organisations "
                "record readings."
            )
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
            show_service_error(form, error)
        else:
            facts = {
                "value": number_format(reading.value),
                "date": date_format(reading.date, "d M Y"),
            }
            if reading.indicator.in_warning:  # as the service left it
                messages.warning(
                    request,
                    _(
                        "Reading of %(value)s on %(date)s recorded. "
                        "It is past the early-warning threshold."
                    )
                    % facts,
                )
            else:
                messages.success(request, _("Reading of %(value)s on %(date)s recorded.") % facts)
            return redirect(
                reverse("strategy-detail", args=[strategy.pk]) + f"#indicator-{indicator.pk}"
            )
    return render(
        request,
        "strategy/reading_form.html",
        {"form": form, "strategy": strategy, "indicator": indicator},
    )
