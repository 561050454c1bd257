"""Secondment pages: who is seconded where, one secondment with its decisions, the request
form and the decision, extension, early end and cancellation steps."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.decisions import decision_page
from accounts.models import User
from accounts.pages import show_service_error, visible_or_404
from accounts.suggest import suggestions
from charts.flow import flow_chart
from secondments import selectors, services
from secondments.forms import (
    POST_SEARCH,
    CancelForm,
    EndDateForm,
    SecondmentRequestForm,
    post_label,
)
from secondments.models import Secondment, SecondmentDecisionChoice
from secondments.permissions import (
    SECONDMENT_DECISION,
    can_change_secondment,
    can_end_secondment,
    can_extend_secondment,
    can_request_secondment,
    deciding_organisations,
)
from secondments.selectors import active_on
from secondments.text import day
from secondments.work import open_to_decisions

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible(request: HttpRequest, pk: int) -> Secondment:
    return visible_or_404(request, selectors.secondment_list(user=_user(request)), pk=pk)


@login_required
def secondment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.secondment_list(user=user).prefetch_related(None)
    today = timezone.localdate()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    today_rows = list(rows.filter(active_on(today)).order_by("host_organisation__name"))
    pairs = Counter((s.home_organisation.name, s.host_organisation.name) for s in today_rows)
    return render(
        request,
        "secondments/secondment_list.html",
        {
            "today_rows": today_rows,
            "flow_chart": flow_chart(
                [(home, host, n) for (home, host), n in sorted(pairs.items())],
                title=_("Seconded on %(date)s, from and to") % {"date": day(today)},
            )
            if today_rows
            else "",
            "page": page,
            "can_request": can_request_secondment(user),
        },
    )


@login_required
def secondment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    secondment = _visible(request, pk)
    deciders = deciding_organisations(user, secondment)
    return render(
        request,
        "secondments/secondment_detail.html",
        {
            "secondment": secondment,
            "panel": selectors.secondment_panel(secondment),
            "may_decide": bool(deciders) and open_to_decisions().filter(pk=secondment.pk).exists(),
            "may_extend": can_extend_secondment(user, secondment),
            "may_end": can_end_secondment(user, secondment),
            "may_cancel": can_change_secondment(user, secondment),
            "end_form": EndDateForm(initial={"version": secondment.version}),
            "cancel_form": CancelForm(initial={"version": secondment.version}),
        },
    )


@login_required
def secondment_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_request_secondment(user):
        raise PermissionDenied(
            _("Only planners and organisation administrators request secondments.")
        )
    form = SecondmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            secondment = services.secondment_request(by=user, **form.service_data())
        except ValidationError as error:
            show_service_error(form, error, {"person": "username"})
        else:
            messages.success(request, _("Requested: both organisations' approvers are asked."))
            return redirect(secondment)
    return render(
        request,
        "secondments/secondment_form.html",
        {"form": form, "title": _("Request a secondment"), "submit_label": _("Request")},
    )


@login_required
def secondment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    secondment = _visible(request, pk)

    def decide(data: dict[str, Any]) -> Any:
        return services.secondment_decide(
            secondment=secondment,
            by=user,
            request=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data["organisation"],
        )

    def done(record: Any) -> str:
        if record.decision == SecondmentDecisionChoice.DECLINE:
            return _("%(organisation)s declined request %(request)s.") % {
                "organisation": record.organisation.name,
                "request": record.request,
            }
        return _("%(organisation)s approved request %(request)s.") % {
            "organisation": record.organisation.name,
            "request": record.request,
        }

    return decision_page(
        request,
        kind=SECONDMENT_DECISION,
        subject=secondment,
        organisations=deciding_organisations(user, secondment),
        closed_message=services.decisions_closed(secondment),
        comment_help=_("Needed when you decline: the requester is told why."),
        decide=decide,
        done=done,
        back_url=secondment.get_absolute_url(),
        changes_url=secondment.get_absolute_url(),
        context={
            "subject": secondment,
            "heading": _("Decide request %(request)s") % {"request": secondment.request},
            "breadcrumb": "secondments/_breadcrumb.html",
            "here": _("Decide"),
            "button": _("Record decision"),
            "form_label": _("Your decision"),
        },
    )


def _step(request: HttpRequest, pk: int, form_class: Any, call: Any, done: str) -> HttpResponse:
    secondment = _visible(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(secondment)
    try:
        call(secondment, form.cleaned_data)
    except StaleVersion as stale:
        audit_stale(request, stale)
        messages.error(request, str(stale))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(secondment)


@login_required
@require_POST
def secondment_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        EndDateForm,
        lambda s, d: services.secondment_extend(
            secondment=s, by=_user(request), version=d["version"], end_date=d["end_date"]
        ),
        _("Extension asked for: both organisations' approvers decide it."),
    )


@login_required
@require_POST
def secondment_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        EndDateForm,
        lambda s, d: services.secondment_end(
            secondment=s, by=_user(request), version=d["version"], end_date=d["end_date"]
        ),
        _("Ended early: the host access ends after the new last day."),
    )


@login_required
@require_POST
def secondment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        CancelForm,
        lambda s, d: services.secondment_cancel(
            secondment=s, by=_user(request), version=d["version"]
        ),
        _("Cancelled: the host access is removed."),
    )


@login_required
def post_suggestions(request: HttpRequest) -> HttpResponse:
    """Posts (an open directory) whose title or host holds `?q=`."""
    return suggestions(
        request,
        selectors.post_list(user=_user(request))
        .select_related("host_organisation")
        .prefetch_related(None),
        search_fields=POST_SEARCH,
        order_by="title",
        label=post_label,
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's history: who held it when (of the secondments the viewer sees), gaps shown."""
    post = visible_or_404(request, selectors.post_list(user=_user(request)), pk=pk)
    return render(
        request,
        "secondments/post_detail.html",
        {"post": post, "history": selectors.post_history(post)},
    )


@login_required
def person_secondments(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's secondment history, of the secondments the viewer sees (404 when none)."""
    rows = list(
        selectors.secondment_list(user=_user(request))
        .prefetch_related(None)
        .filter(person_id=pk)
        .order_by("-start_date", "-pk")
    )
    if not rows:
        raise Http404(_("No secondment of this person is shared with you."))
    return render(
        request,
        "secondments/person_secondments.html",
        {"person": rows[0].person, "rows": rows},
    )


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    """The joint training calendar (upcoming and running), and the trainings you completed."""
    user = _user(request)
    today = timezone.localdate()
    trainings = list(selectors.training_list(user=user).filter(end_date__gte=today))
    return render(
        request,
        "secondments/training_list.html",
        {
            "rows": [(t, selectors.participation(t)) for t in trainings],
            "completed": selectors.trainings_completed(user=user),
        },
    )


@login_required
def trainings_completed(request: HttpRequest) -> HttpResponse:
    """The joint trainings the person completed: a fragment the profile page loads (the
    profile lives in `accounts`, which knows nothing of trainings)."""
    return render(
        request,
        "secondments/_trainings_completed.html",
        {"completed": selectors.trainings_completed(user=_user(request))},
    )


@login_required
@require_POST
def training_register(request: HttpRequest, pk: int) -> HttpResponse:
    training = visible_or_404(request, selectors.training_list(user=_user(request)), pk=pk)
    try:
        if request.POST.get("withdraw"):
            services.training_withdraw(training=training, by=_user(request))
            messages.success(
                request, _("You withdrew from “%(training)s”.") % {"training": training.title}
            )
        else:
            registration = services.training_register(training=training, by=_user(request))
            messages.success(
                request,
                _("%(status)s: “%(training)s”.")
                % {"status": registration.get_status_display(), "training": training.title},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("training-list")
