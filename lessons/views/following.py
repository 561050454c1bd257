"""What a person follows (a page, and a fragment of their profile), and the lessons related to
a plan (a fragment the plan page loads: missions knows nothing of lessons)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.pages import show_service_error, visible_or_404
from lessons import selectors, services
from lessons.forms import SubscriptionForm
from lessons.permissions import can_record_lesson
from lessons.views._common import _errors, _user
from missions.selectors import visible_plans


def _back(request: HttpRequest) -> HttpResponse:
    # The profile page posts its fragment's forms here; they answer back on the profile.
    return redirect("profile" if request.POST.get("back") == "profile" else "lesson-subscriptions")


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            followed = services.lesson_subscription_add(
                by=user, domain=form.cleaned_data["domain"], theatre=form.cleaned_data["theatre"]
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("You follow %(followed)s: new lessons in it come in your daily digest.")
                % {"followed": followed},
            )
            return _back(request)
        if request.POST.get("back") == "profile":
            messages.error(request, _errors(form))
            return _back(request)
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "lessons/_following.html" if fragment else "lessons/following.html",
        {
            "form": form,
            "followed": selectors.subscription_list(user=user),
            "back": "profile" if fragment else "",
        },
    )


@login_required
@require_POST
def subscription_stop(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    subscription = visible_or_404(request, selectors.subscription_list(user=user), pk=pk)
    name = str(subscription)
    services.lesson_subscription_remove(subscription=subscription, by=user)
    messages.success(request, _("You no longer follow %(followed)s.") % {"followed": name})
    return _back(request)


@login_required
def related_to_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The lessons bearing on a plan the person sees (404 otherwise), best first."""
    user = _user(request)
    plan = visible_or_404(request, visible_plans(user), pk=pk)
    return render(
        request,
        "lessons/_related.html",
        {
            "plan": plan,
            "lessons": selectors.related_lessons(user=user, plan=plan),
            "may_record": can_record_lesson(user),
        },
    )
