"""Pages used in the field, on a tablet: an activity's progress, field reports and their
attachments (served only to the plan's participants, never from a public media URL)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.files import attachment_response
from accounts.pages import show_service_error
from missions import services
from missions.forms import FieldReportForm, ProgressForm
from missions.held_uploads import uploads_forget, uploads_hold, uploads_release
from missions.models import ActivityStatus, PlanStatus
from missions.permissions import can_file_field_report, can_update_progress
from missions.views._common import (
    _plan_url,
    _user,
    _visible_activity,
    _visible_attachment,
    _visible_plan,
)


@login_required
def activity_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = _visible_activity(request, pk)
    plan = activity.line_of_effort.plan
    if not can_update_progress(user, activity):
        raise PermissionDenied(
            _(
                "Only planners of the responsible organisation (or of the lead) update this "
                "activity's progress."
            )
        )
    if plan.status == PlanStatus.CLOSED:
        raise PermissionDenied(_("This plan is closed: its activities no longer change."))
    form = ProgressForm(
        request.POST or None,
        initial={
            "status": activity.status,
            "progress": activity.progress,
            "version": activity.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.activity_progress_update(
                activity=activity,
                by=user,
                version=data["version"],
                # An unchanged status lets the service mark the activity done at 100 %.
                status=data["status"] if data["status"] != activity.status else None,
                progress=data["progress"],
            )
        except StaleVersion as stale:
            audit_stale(request, stale)
            fresh = request.POST.copy()
            fresh["version"] = str(stale.current.version)
            form = ProgressForm(fresh)
            form.is_valid()
            form.add_error(
                None,
                _("%(stale)s It is now %(status)s at %(progress)d %%.")
                % {
                    "stale": stale,
                    "status": stale.current.get_status_display().lower(),
                    "progress": stale.current.progress,
                },
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            text = _("“%(activity)s” is %(status)s at %(progress)d %%.") % {
                "activity": updated.title,
                "status": updated.get_status_display().lower(),
                "progress": updated.progress,
            }
            if updated.status == ActivityStatus.BLOCKED:
                text = "{} {}".format(
                    text,
                    _("The lead's and the responsible organisation's planners were told."),
                )
            messages.success(request, text)
            return redirect(_plan_url(plan, f"activity-{activity.pk}"))
    return render(
        request,
        "missions/progress_form.html",
        {"form": form, "plan": plan, "activity": activity},
    )


def _activity_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def field_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _visible_plan(request, pk)
    if not can_file_field_report(user, plan):
        raise PermissionDenied(
            _("Field advisors of participating organisations file field reports.")
        )
    if plan.status == PlanStatus.CLOSED:
        raise PermissionDenied(_("This plan is closed: it takes no more field reports."))
    form = FieldReportForm(
        request.POST or None,
        request.FILES or None,
        plan=plan,
        initial={"activity": _activity_id(request.GET.get("activity"))},
    )
    # Files kept from an earlier try of this form (see missions.held_uploads).
    held_token = request.POST.get("held", "") if request.method == "POST" else ""
    kept = uploads_release(token=held_token, by=user) if held_token else []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attachments = [*kept, *data["attachments"]]
        try:
            report = services.field_report_file(
                plan=plan,
                by=user,
                date=data["date"],
                situation=data["situation"],
                activity=data["activity"],
                place=data["place"],
                progress_update=data["progress_update"],
                activity_version=data["activity_version"],
                attachments=attachments,
            )
        except ValidationError as error:
            show_service_error(form, error)
        except StaleVersion as stale:
            form.add_error(
                "progress_update",
                _(
                    "Someone changed this activity since you opened the page: it is now at "
                    "%(progress)d %% (%(status)s). Check your figure and file the report again."
                )
                % {
                    "progress": stale.current.progress,
                    "status": stale.current.get_status_display(),
                },
            )
        else:
            if held_token:
                uploads_forget(token=held_token)
            count = len(attachments)
            text = (
                ngettext(
                    "Your field report was filed with %(count)d attachment.",
                    "Your field report was filed with %(count)d attachments.",
                    count,
                )
                % {"count": count}
                if count
                else _("Your field report was filed.")
            )
            if report.activity is not None and report.progress_update is not None:
                text = "{} {}".format(
                    text,
                    _("“%(activity)s” is now at %(progress)d %%.")
                    % {"activity": report.activity.title, "progress": report.progress_update},
                )
            messages.success(request, text)
            return redirect(_plan_url(plan, f"report-{report.pk}"))
    held = None
    if request.method == "POST":
        # The report was not filed: keep the files it carried, so nobody takes a photo twice.
        chosen = (
            form.cleaned_data.get("attachments") or [] if "attachments" not in form.errors else []
        )
        if kept or chosen:
            held = uploads_hold(files=[*kept, *chosen], by=user)
        if held_token:
            uploads_forget(token=held_token)
    return render(
        request, "missions/field_report_form.html", {"form": form, "plan": plan, "held": held}
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return attachment_response(_visible_attachment(request, pk), page=True)
