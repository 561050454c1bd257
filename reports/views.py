from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from reports import selectors, services
from reports.forms import ReportFilterForm, ReportRequestForm
from reports.models import Report, ReportStatus
from reports.services import download_name

REPORTS_PER_PAGE = 25


def _own_report(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(selectors.report_list(user=cast(User, request.user)), pk=pk)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(
                by=cast(User, request.user), kind=form.cleaned_data["kind"], params=form.params()
            )
        except ValidationError as error:
            # E.g. a strategy that is no longer shared with the requester.
            form.add_error(None, " ".join(error.messages))
        else:
            return redirect(report)
    user = cast(User, request.user)
    reports = selectors.report_list(user=user).filter(requested_by=user)
    filters = ReportFilterForm(request.GET or None)
    if filters.is_valid() and filters.cleaned_data["kind"]:
        reports = reports.filter(kind=filters.cleaned_data["kind"])
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "reports/report_list.html", {"form": form, "filters": filters, "page": page}
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/report_detail.html", {"report": _own_report(request, pk)})


@login_required
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status panel alone, polled by the detail page while the report builds."""
    return render(request, "reports/_report_status.html", {"report": _own_report(request, pk)})


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = _own_report(request, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404(_("This report is not ready yet."))
    services.report_downloaded(report=report, by=cast(User, request.user))
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=download_name(report))


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own_report(request, pk)
    try:
        services.report_retry(report=report, by=cast(User, request.user))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)
