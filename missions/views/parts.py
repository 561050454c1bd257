"""Pages for a plan's parts: lines of effort, activities, milestones and consultations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.pages import show_service_error, versioned_save
from missions import services
from missions.forms import ActivityForm, ConsultationForm, LineOfEffortForm, MilestoneForm
from missions.models import Activity
from missions.services.dates import day
from missions.views._common import (
    _amendment_notice,
    _child_form,
    _confirm,
    _nothing_changed,
    _plan_url,
    _saved,
    _structure_editor,
    _user,
    _visible_activity,
    _visible_consultation,
    _visible_line,
    _visible_milestone,
    _visible_plan,
)

# --- lines of effort -----------------------------------------------------------------------------


@login_required
def line_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    _structure_editor(request, plan)
    form = LineOfEffortForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.line_of_effort_create(
                plan=plan, by=_user(request), data=form.data_for_service()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            _saved(
                request,
                plan,
                line.plan,
                _("Line of effort “%(title)s” added. Now add its activities.")
                % {"title": line.title},
            )
            return redirect(_plan_url(plan, f"line-{line.pk}"))
    return _child_form(
        request,
        plan,
        form,
        _("Add a line of effort"),
        _("Add line of effort"),
        anchor="lines",
        notice=_amendment_notice(plan),
    )


@login_required
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _visible_line(request, pk)
    plan = line.plan
    _structure_editor(request, plan)
    form = LineOfEffortForm(
        request.POST or None,
        instance=line,
        plan=plan,
        user=request.user,
        initial={"version": line.version, "goals": [g.pk for g in line.goals.all()]},
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, plan, f"line-{line.pk}")
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.line_of_effort_update(
                line=line, by=_user(request), version=version, data=form.data_for_service()
            ),
            form_kwargs={"plan": plan},
        )
        if saved is not None:
            _saved(request, plan, saved.plan, _("The line of effort was saved."))
            return redirect(_plan_url(plan, f"line-{line.pk}"))
    return _child_form(
        request,
        plan,
        form,
        _("Edit line of effort"),
        _("Save line of effort"),
        anchor=f"line-{line.pk}",
        notice=_amendment_notice(plan),
    )


@login_required
def line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = _visible_line(request, pk)
    plan = line.plan
    _structure_editor(request, plan)
    return _confirm(
        request,
        plan=plan,
        title=_("Remove the line of effort “%(title)s”?") % {"title": line.title},
        text="{} {}".format(
            _("Its activities are removed with it."),
            _amendment_notice(plan) or _("Field reports on them stay, without their activity."),
        ),
        button=_("Remove line of effort"),
        action=lambda: services.line_of_effort_delete(line=line, by=_user(request)),
        done=_("The line of effort was removed."),
        anchor="lines",
    )


# --- activities ---------------------------------------------------------------------------------


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    line = _visible_line(request, pk)
    plan = line.plan
    _structure_editor(request, plan)
    form = ActivityForm(request.POST or None, instance=Activity(line_of_effort=line), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                line_of_effort=line, by=_user(request), data=form.data_for_service()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            _saved(
                request,
                plan,
                activity.line_of_effort.plan,
                _("Activity “%(activity)s” added to “%(line)s”.")
                % {"activity": activity.title, "line": line.title},
            )
            return redirect(_plan_url(plan, f"activity-{activity.pk}"))
    return _child_form(
        request,
        plan,
        form,
        _("Add an activity to “%(line)s”") % {"line": line.title},
        _("Add activity"),
        anchor=f"line-{line.pk}",
        notice=_amendment_notice(plan),
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible_activity(request, pk)
    plan = activity.line_of_effort.plan
    _structure_editor(request, plan)
    form = ActivityForm(
        request.POST or None, instance=activity, plan=plan, initial={"version": activity.version}
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, plan, f"activity-{activity.pk}")
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.activity_update(
                activity=activity, by=_user(request), version=version, data=form.data_for_service()
            ),
            form_kwargs={"plan": plan},
        )
        if saved is not None:
            _saved(request, plan, saved.line_of_effort.plan, _("The activity was saved."))
            return redirect(_plan_url(plan, f"activity-{activity.pk}"))
    return _child_form(
        request,
        plan,
        form,
        _("Edit activity"),
        _("Save activity"),
        anchor=f"activity-{activity.pk}",
        notice=_amendment_notice(plan),
    )


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible_activity(request, pk)
    plan = activity.line_of_effort.plan
    _structure_editor(request, plan)
    return _confirm(
        request,
        plan=plan,
        title=_("Remove the activity “%(title)s”?") % {"title": activity.title},
        text=_amendment_notice(plan) or _("Field reports on it stay, without their activity."),
        button=_("Remove activity"),
        action=lambda: services.activity_delete(activity=activity, by=_user(request)),
        done=_("The activity was removed."),
        anchor=f"line-{activity.line_of_effort_id}",
    )


# --- milestones ---------------------------------------------------------------------------------


@login_required
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    _structure_editor(request, plan)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.MILESTONE_FIELDS}
        try:
            services.milestone_create(plan=plan, by=_user(request), data=data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Milestone “%(title)s” added.") % {"title": data["title"]})
            return redirect(_plan_url(plan, "milestones"))
    return _child_form(
        request, plan, form, _("Add a milestone"), _("Add milestone"), anchor="milestones"
    )


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    plan = milestone.plan
    _structure_editor(request, plan)
    form = MilestoneForm(
        request.POST or None, instance=milestone, initial={"version": milestone.version}
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, plan, "milestones")
        data = {f: form.cleaned_data[f] for f in services.MILESTONE_FIELDS}
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.milestone_update(
                milestone=milestone, by=_user(request), version=version, data=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The milestone was saved."))
            return redirect(_plan_url(plan, "milestones"))
    return _child_form(
        request, plan, form, _("Edit milestone"), _("Save milestone"), anchor="milestones"
    )


@login_required
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    plan = milestone.plan
    _structure_editor(request, plan)
    return _confirm(
        request,
        plan=plan,
        title=_("Remove the milestone “%(title)s”?") % {"title": milestone.title},
        text=_("It disappears from the plan and its timeline."),
        button=_("Remove milestone"),
        action=lambda: services.milestone_delete(milestone=milestone, by=_user(request)),
        done=_("The milestone was removed."),
        anchor="milestones",
    )


# --- consultations ------------------------------------------------------------------------------


@login_required
def consultation_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    _structure_editor(request, plan)
    form = ConsultationForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.CONSULTATION_FIELDS}
        try:
            consultation = services.consultation_create(plan=plan, by=_user(request), data=data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Consultation of %(stakeholder)s recorded.")
                % {"stakeholder": consultation.stakeholder},
            )
            return redirect(_plan_url(plan, "consultations"))
    return _child_form(
        request,
        plan,
        form,
        _("Record a consultation"),
        _("Record consultation"),
        anchor="consultations",
    )


@login_required
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _visible_consultation(request, pk)
    plan = consultation.plan
    _structure_editor(request, plan)
    form = ConsultationForm(
        request.POST or None,
        instance=consultation,
        plan=plan,
        initial={"version": consultation.version},
    )
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return _nothing_changed(request, plan, "consultations")
        data = {f: form.cleaned_data[f] for f in services.CONSULTATION_FIELDS}
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.consultation_update(
                consultation=consultation, by=_user(request), version=version, data=data
            ),
            form_kwargs={"plan": plan},
        )
        if saved is not None:
            messages.success(request, _("The consultation was saved."))
            return redirect(_plan_url(plan, "consultations"))
    return _child_form(
        request, plan, form, _("Edit consultation"), _("Save consultation"), anchor="consultations"
    )


@login_required
def consultation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _visible_consultation(request, pk)
    plan = consultation.plan
    _structure_editor(request, plan)
    return _confirm(
        request,
        plan=plan,
        title=(
            _("Remove the consultation of %(stakeholder)s on %(date)s?")
            % {"stakeholder": consultation.stakeholder, "date": day(consultation.date)}
        ),
        text=_(
            "If it was the only consultation of its kind of stakeholder, and no stakeholder of "
            "that kind takes part as consulted, the plan shows that kind as never consulted again."
        ),
        button=_("Remove consultation"),
        action=lambda: services.consultation_delete(consultation=consultation, by=_user(request)),
        done=_("The consultation was removed."),
        anchor="consultations",
    )
