"""Helpers shared by the plan pages."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.pages import visible_or_404
from missions import selectors
from missions.models import (
    Activity,
    Attachment,
    Consultation,
    LineOfEffort,
    Milestone,
    Plan,
    PlanStatus,
)
from missions.permissions import can_change_plan
from missions.services import AMENDABLE, EDITABLE

F = TypeVar("F", bound=forms.ModelForm)

PLANS_PER_PAGE = 25


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, or 404 when it is not shared with the user: its existence is not leaked."""
    return visible_or_404(request, selectors.visible_plans(_user(request)), pk=pk)


def _visible_line(request: HttpRequest, pk: int) -> LineOfEffort:
    return visible_or_404(request, selectors.line_of_effort_list(user=_user(request)), pk=pk)


def _visible_activity(request: HttpRequest, pk: int) -> Activity:
    return visible_or_404(request, selectors.activity_list(user=_user(request)), pk=pk)


def _visible_milestone(request: HttpRequest, pk: int) -> Milestone:
    return visible_or_404(request, selectors.milestone_list(user=_user(request)), pk=pk)


def _visible_consultation(request: HttpRequest, pk: int) -> Consultation:
    return visible_or_404(request, selectors.consultation_list(user=_user(request)), pk=pk)


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    return visible_or_404(
        request,
        Attachment.objects.filter(
            field_report__in=selectors.field_report_list(user=_user(request))
        ),
        pk=pk,
    )


def _structure_editor(request: HttpRequest, plan: Plan) -> None:
    """403 with the reason unless the user may change this plan's structure now."""
    if not can_change_plan(_user(request), plan):
        raise PermissionDenied(_("Only planners of the lead organisation can change this plan."))
    if plan.status not in EDITABLE:
        raise PermissionDenied(
            _("This plan is %(status)s: it can no longer be changed.")
            % {"status": plan.get_status_display().lower()}
        )


def _nothing_changed(request: HttpRequest, plan: Plan, anchor: str = "") -> HttpResponse:
    # Saving an unchanged form must not send an approved plan back to review.
    messages.info(request, _("Nothing was changed."))
    return redirect(_plan_url(plan, anchor))


def _plan_url(plan: Plan | int, anchor: str = "") -> str:
    pk = plan if isinstance(plan, int) else plan.pk
    return reverse("plan-detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _amendment_notice(plan: Plan) -> str | None:
    if plan.status in AMENDABLE:
        return _(
            "This plan is %(status)s: saving this change is an "
            "amendment, and sends the plan back to the contributors for review."
        ) % {"status": plan.get_status_display().lower()}
    return None


def _saved(request: HttpRequest, plan: Plan, now: Plan, text: str) -> None:
    """Say what was saved, and whether it sent an approved or active plan back to review
    (`plan` as the page read it, `now` as the service left it)."""
    if plan.status in AMENDABLE and now.status == PlanStatus.IN_REVIEW:
        text = "{} {}".format(
            text,
            _(
                "This was an amendment: the plan is back in review, and the contributors have "
                "been asked to review it."
            ),
        )
    messages.success(request, text)


def _confirm(
    request: HttpRequest,
    *,
    plan: Plan,
    title: str,
    text: str,
    button: str,
    action: Any,
    done: str,
    anchor: str = "",
    danger: bool = True,
) -> HttpResponse:
    """A confirmation page for a step that cannot be undone from the pages."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect(_plan_url(plan, anchor))
    return render(
        request,
        "missions/confirm.html",
        {"plan": plan, "title": title, "text": text, "button": button, "danger": danger},
    )


def _child_form(
    request: HttpRequest,
    plan: Plan,
    form: forms.BaseForm,
    title: str,
    submit: str,
    *,
    anchor: str = "",
    notice: str | None = None,
) -> HttpResponse:
    return render(
        request,
        "missions/child_form.html",
        {
            "form": form,
            "plan": plan,
            "title": title,
            "submit_label": submit,
            "notice": notice,
            "cancel_url": _plan_url(plan, anchor),
        },
    )
