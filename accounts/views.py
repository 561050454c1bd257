from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from accounts import selectors, services, two_factor
from accounts.authority import may
from accounts.forms import (
    ORGANISATION_SEARCH,
    EmailPreferenceForm,
    LanguageAndTimeZoneForm,
    OrganisationFilterForm,
    OrganisationForm,
    TwoFactorCodeForm,
    organisation_label,
)
from accounts.locale import in_language_of
from accounts.models import Organisation, User
from accounts.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    user_email_preference_set,
    user_locale_set,
)
from accounts.pages import show_service_error, versioned_save, visible_or_404
from accounts.suggest import suggestions
from accounts.work import my_work, work_count

ORGANISATIONS_PER_PAGE = 25


def _visible_organisation(request: HttpRequest, pk: int) -> Organisation:
    """The organisation, or 404 when the user may not see it: its existence is not leaked."""
    return visible_or_404(request, selectors.organisation_list(user=request.user), pk=pk)  # type: ignore[arg-type]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: what waits for the person today, then their organisations and roles."""
    user = cast(User, request.user)
    memberships = list(selectors.user_memberships(user=user))
    today = timezone.localdate()
    sections = my_work(user)
    return render(
        request,
        "accounts/home.html",
        {
            "sections": [section for section in sections if section.count],
            "work_count": sum(section.count for section in sections),
            "now": timezone.now(),
            "current": [m for m in memberships if m.is_valid_on(today)],
            "upcoming": [m for m in memberships if m.valid_from > today],
            "past": [m for m in memberships if m.valid_until and m.valid_until < today],
        },
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = selectors.organisation_list(user=request.user)  # type: ignore[arg-type]
    if form.is_valid():
        if form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=form.cleaned_data["kind"])
        if query := form.cleaned_data["q"]:
            organisations = organisations.filter(
                Q(name__icontains=query) | Q(acronym__icontains=query) | Q(country__icontains=query)
            )
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {"form": form, "page": page})


@login_required
def organisation_suggestions(request: HttpRequest) -> HttpResponse:
    """The organisations the person may see whose name or acronym holds `?q=`."""
    return suggestions(
        request,
        selectors.organisation_list(user=request.user),  # type: ignore[arg-type]
        search_fields=ORGANISATION_SEARCH,
        order_by="name",
        label=organisation_label,
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    can_see_members = may(request.user, organisation, "view_organisation_members")
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": (
                selectors.organisation_members(organisation=organisation)
                if can_see_members
                else None
            ),
            "can_edit": may(request.user, organisation, "change_organisation"),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not may(request.user, organisation, "change_organisation"):
        raise PermissionDenied(
            gettext("Only this organisation's administrators can edit its profile.")
        )
    form = OrganisationForm(
        request.POST or None, instance=organisation, initial={"version": organisation.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.organisation_update(
                organisation=organisation,
                by=cast(User, request.user),
                version=version,
                data=data,
            ),
        )
        if saved is not None:
            messages.success(request, gettext("The organisation's profile was saved."))
            return redirect("organisation-detail", pk=organisation.pk)
    return render(
        request, "accounts/organisation_form.html", {"organisation": organisation, "form": form}
    )


# --- Notifications and profile -----------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_inbox(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    notifications = selectors.notification_inbox(user=user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/notifications.html", {"page": page, "only_unread": only_unread}
    )


def work_badge(request: HttpRequest) -> HttpResponse:
    """The count of waiting work beside "My work" in the nav, loaded after the page."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
    return render(
        request, "accounts/_work_badge.html", {"work_count": work_count(cast(User, request.user))}
    )


def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, polled by every page so the unread count stays fresh."""
    if not request.user.is_authenticated:
        # The session ended while the page was open: send the whole page to sign-in rather
        # than swapping a login form into the header.
        return HttpResponse(status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
    return render(request, "accounts/_bell.html")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    notification = get_object_or_404(selectors.notification_inbox(user=user), pk=pk)
    notification_mark_read(notification=notification, by=user)
    target = request.POST.get("next") or notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notification-inbox")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = notifications_mark_all_read(by=cast(User, request.user))
    messages.success(
        request,
        ngettext(
            "Marked %(count)d notification as read.",
            "Marked %(count)d notifications as read.",
            marked,
        )
        % {"count": marked},
    )
    return redirect("notification-inbox")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = EmailPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"email_preference": user.email_preference},
    )
    if request.method == "POST" and form.is_valid():
        user_email_preference_set(user=user, preference=form.cleaned_data["email_preference"])
        messages.success(request, gettext("Your e-mail preference was saved."))
        return redirect("profile")
    return profile_page(request, form=form)


@login_required
@require_POST
def profile_locale(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = LanguageAndTimeZoneForm(request.POST)
    if form.is_valid():
        try:
            user_locale_set(user=user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            with in_language_of(user):
                messages.success(request, gettext("Your language and time zone were saved."))
            return redirect("profile")
    return profile_page(request, locale_form=form)


def profile_page(
    request: HttpRequest,
    *,
    locale_form: LanguageAndTimeZoneForm | None = None,
    form: EmailPreferenceForm | None = None,
    codes_form: TwoFactorCodeForm | None = None,
    disable_form: TwoFactorCodeForm | None = None,
) -> HttpResponse:
    """The profile page; the two-factor actions render it again with their form's errors."""
    user = cast(User, request.user)
    enabled = two_factor.authenticator_of(user)
    form = form or EmailPreferenceForm(initial={"email_preference": user.email_preference})
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "locale_form": locale_form
            or LanguageAndTimeZoneForm(
                initial={"language": user.language, "time_zone": user.time_zone}
            ),
            "two_factor_since": enabled.created_at if enabled else None,
            "two_factor_required": two_factor.staff_must_use_two_factor(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
            "codes_form": codes_form or TwoFactorCodeForm(prefix="codes"),
            "disable_form": disable_form or TwoFactorCodeForm(prefix="disable"),
        },
    )
