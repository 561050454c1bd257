"""Two-factor sign-in pages: the password step, the code step, setting up and the profile's
controls. The rules and the guard live in `accounts.two_factor`."""

from __future__ import annotations

import time
from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import two_factor
from accounts.forms import SignInForm, TwoFactorCodeForm
from accounts.models import User
from accounts.two_factor import (
    NEW_CODES_SESSION_KEY,
    PENDING_MAX_AGE_SECONDS,
    PENDING_SESSION_KEY,
    SETUP_KEY_SESSION_KEY,
)
from accounts.views import profile_page  # the profile page owns the rest of the page


class SignInView(LoginView):
    """The password step. Someone with two-factor sign-in on is not signed in yet: the
    session remembers them for a few minutes and the code step finishes the sign-in."""

    redirect_authenticated_user = True
    form_class = SignInForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = cast(User, form.get_user())
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
            "hash": user.get_session_auth_hash(),
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("two-factor-code")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The person between the password and the code steps, while that is recent and their
    password has not changed since."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_MAX_AGE_SECONDS:
        del request.session[PENDING_SESSION_KEY]
        return None
    user = User.objects.filter(pk=int(pending.get("user", 0)), is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        del request.session[PENDING_SESSION_KEY]
        return None
    return user, pending


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _refused(
    request: HttpRequest, user: User, form: TwoFactorCodeForm, *, wait: bool, sign_in: bool
) -> None:
    if sign_in:
        two_factor.sign_in_failed(request, user)
    form.add_error("code", two_factor.WAIT_CODE if wait else two_factor.WRONG_CODE)


@never_cache
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """The code step: after the password, or for a signed-in session that was never verified
    (one opened before two-factor sign-in was turned on)."""
    if request.user.is_authenticated:
        user = cast(User, request.user)
        if two_factor.session_verified(request) or not two_factor.has_two_factor(user):
            return redirect(_safe_next(request, request.GET.get("next")))
        pending: dict[str, Any] = {"next": request.GET.get("next")}
    else:
        found = _pending_user(request)
        if found is None:
            messages.info(request, gettext("Sign in with your username and password first."))
            return redirect("login")
        user, pending = found

    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, None, credentials)
        check = two_factor.code_check(user=user, code=form.cleaned_data["code"])
        if check.device is None:
            _refused(request, user, form, wait=check.wait, sign_in=True)
        else:
            if not request.user.is_authenticated:
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, check.device)
            request.session.pop(PENDING_SESSION_KEY, None)
            if check.used_recovery_code:
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "Signed in with a recovery code. That code no longer works; "
                        "%(left)d left. Make new ones on your profile page if you are running out.",
                        "Signed in with a recovery code. That code no longer works; "
                        "%(left)d left. Make new ones on your profile page if you are running out.",
                        left,
                    )
                    % {"left": left},
                )
            else:
                messages.success(request, gettext("Signed in with your two-factor code."))
            return redirect(_safe_next(request, pending.get("next")))
    return render(request, "registration/login_code.html", {"form": form, "username": user})


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on: the secret and its QR code, confirmed with a code."""
    user = cast(User, request.user)
    if two_factor.has_two_factor(user):
        if not two_factor.session_verified(request):
            return redirect("two-factor-code")
        messages.info(request, gettext("Two-factor sign-in is already on."))
        return redirect("profile")
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not isinstance(key, str):
        key = request.session[SETUP_KEY_SESSION_KEY] = two_factor.setup_key_new()

    form = TwoFactorCodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.two_factor_enable(
                user=user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(SETUP_KEY_SESSION_KEY, None)
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(
                request,
                gettext(
                    "Two-factor sign-in is on. From now on you sign in with your password and a "
                    "code from your app."
                ),
            )
            return redirect("two-factor-recovery-codes")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.setup_secret(key),
            "qr_svg": two_factor.qr_svg(two_factor.setup_uri(user=user, key=key)),
            "required": two_factor.staff_must_use_two_factor(user),
        },
    )


@never_cache
@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown this once."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            gettext(
                "Recovery codes are shown only once, when they are made. "
                "If you have lost yours, make new ones below."
            ),
        )
        return redirect("profile")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


def _profile_with(
    request: HttpRequest,
    *,
    codes_form: TwoFactorCodeForm | None = None,
    disable_form: TwoFactorCodeForm | None = None,
) -> HttpResponse:
    return profile_page(request, codes_form=codes_form, disable_form=disable_form)


@never_cache
@login_required
@require_POST
def two_factor_recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = TwoFactorCodeForm(request.POST, prefix="codes")
    if not two_factor.has_two_factor(user):
        messages.info(
            request, gettext("Two-factor sign-in is off, so there are no recovery codes.")
        )
        return redirect("profile")
    if form.is_valid():
        check = two_factor.code_check(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            request.session[NEW_CODES_SESSION_KEY] = two_factor.recovery_codes_replace(user=user)
            messages.success(
                request, gettext("New recovery codes made. The old ones no longer work.")
            )
            return redirect("two-factor-recovery-codes")
        _refused(request, user, form, wait=check.wait, sign_in=False)
    return _profile_with(request, codes_form=form)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = TwoFactorCodeForm(request.POST, prefix="disable")
    if not two_factor.has_two_factor(user):
        messages.info(request, gettext("Two-factor sign-in was already off."))
        return redirect("profile")
    if form.is_valid():
        check = two_factor.code_check(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            two_factor.two_factor_disable(user=user)
            if two_factor.staff_must_use_two_factor(user):
                messages.warning(
                    request,
                    gettext(
                        "Two-factor sign-in is off. Staff accounts must use it: set it up again "
                        "now, for example with your new phone."
                    ),
                )
                return redirect("two-factor-setup")
            messages.success(
                request, gettext("Two-factor sign-in is off. You sign in with your password alone.")
            )
            return redirect("profile")
        _refused(request, user, form, wait=check.wait, sign_in=False)
    return _profile_with(request, disable_form=form)
