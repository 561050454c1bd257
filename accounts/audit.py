"""The audit trail (OWASP ASVS V7): every denied access and every decision, one record each.

Denials are recorded where they are answered, not where they are raised, so no view can
forget them: the API's exception handler (`accounts.drf.exception_handler`: 403, 404, 409,
429), the pages' 403 and 404 handlers (`accounts.views.page_forbidden`, `page_not_found`),
a stale edit or decision on a page (`accounts.pages`, `accounts.decisions`), and failed
sign-ins through django-axes' handler (`AuditedAxesHandler`, the `AXES_HANDLER` setting).

A denial is written after the refused service's transaction has rolled back (ATOMIC_REQUESTS
is off: services own their transactions), in a transaction of its own; if it cannot be
written the failure is logged and the refusal is answered as it would have been, never as
a 500. A decision is written by `audit_decision` inside the decision's own transaction
(`accounts.decisions.decision_record` calls it for every kind of decision, and the plan's
final approval calls it), so a decision and its record exist together or not at all.

Where a request came from (the client address, as `PROXY_COUNT` allows, read by
django-ipware exactly as for the sign-in lockout) is known to services through
`AuditRequestMiddleware`.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import ngettext_lazy
from ipware import get_client_ip

from accounts.models import AuditCategory, AuditEvent, AuditOutcome, Membership, User

logger = logging.getLogger(__name__)

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditRequestMiddleware:
    """Makes the request being answered known to `audit_decision`, which services call
    without a request, so a decision's record says where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_address(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, or with `PROXY_COUNT` proxies in front the address
    they forwarded (django-ipware, with the settings django-axes reads for the lockout, its
    defaults included, so both agree on who a client is)."""
    try:
        address, _ = get_client_ip(
            request,
            proxy_order=axes_settings.AXES_IPWARE_PROXY_ORDER,
            proxy_count=axes_settings.AXES_IPWARE_PROXY_COUNT,
            proxy_trusted_ips=axes_settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
            request_header_order=axes_settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        )
    except ValueError:
        return None
    return address


def _text(value: Any, length: int) -> str:
    # PostgreSQL refuses NUL in text; what an attacker typed must not stop the record.
    return str(value).replace("\x00", "\\x00")[:length]


def subject_seen(request: HttpRequest, obj: models.Model) -> None:
    """A page remembers the object it looked up, so a refusal after that names it."""
    request._audit_subject = obj  # type: ignore[attr-defined]


def _current_organisation(user: Any) -> int | None:
    """The organisation a person acts for when the request does not say: their only one today."""
    if user is None or not user.pk:
        return None
    organisations = set(
        Membership.objects.valid_on(timezone.localdate())
        .filter(user_id=user.pk)
        .values_list("organisation_id", flat=True)[:2]
    )
    return organisations.pop() if len(organisations) == 1 else None


def _named_organisation(data: Any) -> int | None:
    """The organisation a request body names (a decision for one of several), if it exists."""
    try:
        value = data.get("organisation") if hasattr(data, "get") else None
    except Exception:  # an unparsable body names nothing
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdecimal()):
        from accounts.models import Organisation

        pk = int(value)
        if pk < 2**63 and Organisation.objects.filter(pk=pk).exists():
            return pk
    return None


def _request_fields(request: Any) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "method": _text(getattr(request, "method", "") or "", 10),
        "path": _text(getattr(request, "path", ""), 300),
        "ip_address": client_address(request),
    }


def audit_record(
    *,
    category: str,
    action: str,
    outcome: str,
    user: Any = None,
    username: str = "",
    organisation_id: int | None = None,
    subject: models.Model | None = None,
    model: type[models.Model] | None = None,
    object_id: Any = "",
    status_code: int | None = None,
    detail: str = "",
    request: Any = None,
) -> AuditEvent:
    """Write one audit record in the caller's transaction. `subject`, or `model` and
    `object_id`, say what it was about; `request` (by default the one being answered)
    says where it came from."""
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and username:
        user = User.objects.filter(username=username).first()
    if user is not None:
        username = user.get_username()
    object_repr = ""
    if subject is not None:
        model, object_id, object_repr = type(subject), subject.pk, str(subject)
    elif model is not None and object_id not in ("", None):
        try:
            with transaction.atomic():
                found = model._default_manager.filter(pk=object_id).first()
        except Exception:  # an id of the wrong shape finds nothing
            found = None
        object_repr = str(found) if found is not None else ""
    return AuditEvent.objects.create(
        category=category,
        user=user,
        username=_text(username, 150),
        organisation_id=organisation_id,
        content_type=ContentType.objects.get_for_model(model) if model is not None else None,
        object_id=_text(object_id if object_id is not None else "", 64),
        object_repr=_text(object_repr, 200),
        action=_text(action, 100),
        outcome=_text(outcome, 50),
        status_code=status_code,
        detail=_text(detail, 300),
        **_request_fields(request if request is not None else _current_request.get()),
    )


def audit_decision(
    *, by: Any, subject: models.Model, action: str, outcome: str, organisation_id: int | None
) -> AuditEvent:
    """Record a decision inside its transaction: rolled back and committed with it."""
    return audit_record(
        category=AuditCategory.DECISION,
        action=action,
        outcome=outcome,
        user=by,
        organisation_id=organisation_id,
        subject=subject,
    )


def audit_denial(
    request: Any,
    *,
    outcome: str,
    action: str,
    status_code: int | None,
    user: Any = None,
    username: str = "",
    subject: models.Model | None = None,
    model: type[models.Model] | None = None,
    object_id: Any = "",
    detail: str = "",
    organisation_id: int | None = None,
) -> AuditEvent | None:
    """Record a refusal in a transaction of its own. Never raises: a refusal whose record
    cannot be written is still answered as a refusal (and the failure is logged)."""
    try:
        user = user if user is not None else getattr(request, "user", None)
        if organisation_id is None:
            organisation_id = _named_organisation(_body(request)) or _current_organisation(
                user if user is not None and user.is_authenticated else None
            )
        with transaction.atomic():
            return audit_record(
                category=AuditCategory.DENIAL,
                action=action,
                outcome=outcome,
                user=user,
                username=username,
                organisation_id=organisation_id,
                subject=subject,
                model=model,
                object_id=object_id,
                status_code=status_code,
                detail=detail,
                request=request,
            )
    except Exception:
        logger.exception("The audit record of a refused request could not be written.")
        return None


def _body(request: Any) -> Any:
    """The request's parsed body if it was already parsed (never parse it just for the
    record: a body that fails to parse must not change the answer)."""
    full_data = getattr(request, "_full_data", None)
    if full_data is not None and isinstance(full_data, dict):
        return full_data
    django_request = getattr(request, "_request", request)
    if "_post" in getattr(django_request, "__dict__", {}):
        return django_request._post
    return None


# --- pages -------------------------------------------------------------------------------------

_NO_MATCH = re.compile(r"^No (?P<name>\w+) matches the given query\.$")


def _model_named(name: str) -> type[models.Model] | None:
    """The project model `get_object_or_404` named in its message."""
    for app in settings.PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.object_name == name:
                return model
    return None


def audit_page_denial(request: HttpRequest, exception: Exception | None, status_code: int) -> None:
    """A page answered 403, or 404 for an object the person may not see (a URL that matches
    no page, or names no object, is not a refusal of access and is not recorded)."""
    match = getattr(request, "resolver_match", None)
    if match is None or (status_code == 404 and "pk" not in match.kwargs):
        return
    subject = getattr(request, "_audit_subject", None)
    model = None
    if subject is None and exception is not None:
        named = _NO_MATCH.match(str(exception))
        model = _model_named(named["name"]) if named else None
    audit_denial(
        request,
        outcome=AuditOutcome.FORBIDDEN if status_code == 403 else AuditOutcome.NOT_FOUND,
        action=match.view_name or request.path,
        status_code=status_code,
        subject=subject if status_code == 403 else None,
        model=model or (type(subject) if subject is not None else None),
        object_id=match.kwargs.get("pk", ""),
        detail=str(exception or ""),
    )


def audit_stale(request: Any, stale: Any, *, status_code: int | None = None) -> None:
    """An edit or decision refused because what it was based on has changed since: on a
    page (which says so on the form), or in an API answer a view gives itself (409)."""
    match = getattr(request, "resolver_match", None)
    audit_denial(
        request,
        outcome=AuditOutcome.STALE,
        action=(match.view_name if match else "") or request.path,
        status_code=status_code,
        subject=stale.current,
        detail=str(stale),
    )


# --- sign-in -----------------------------------------------------------------------------------


class AuditedAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, recording each failed sign-in (page or token) once:
    `login_failed`, or `locked_out` when this attempt is refused by (or starts) a lockout."""

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None:
            return
        locked = bool(getattr(request, "axes_locked_out", False))
        match = getattr(request, "resolver_match", None)
        audit_denial(
            request,
            outcome=AuditOutcome.LOCKED_OUT if locked else AuditOutcome.LOGIN_FAILED,
            action=(match.view_name if match else "") or "login",
            # The answer is the view's (the page's 429, the token endpoint's 400).
            status_code=None,
            user=None,
            username=str((credentials or {}).get("username") or ""),
            organisation_id=None,
        )


# --- the daily look at the trail ---------------------------------------------------------------


def audit_denials_flag(*, now: datetime.datetime | None = None) -> int:
    """Tell staff about each person refused at least `AUDIT_DENIAL_ALERT_COUNT` times in the
    24 hours before `now`: once per person per day (the notification's event key). Returns
    how many people were flagged."""
    from accounts.notifications import notify

    now = now or timezone.now()
    threshold = settings.AUDIT_DENIAL_ALERT_COUNT
    counts = (
        AuditEvent.objects.filter(
            category=AuditCategory.DENIAL,
            user__isnull=False,
            at__gt=now - timedelta(hours=24),
            at__lte=now,
        )
        .values("user_id")
        .annotate(denials=Count("id"))
        .filter(denials__gte=threshold)
        .order_by("user_id")
    )
    flagged = {row["user_id"]: row["denials"] for row in counts}
    if not flagged:
        return 0
    staff = list(
        User.objects.filter(is_active=True).filter(
            models.Q(is_staff=True) | models.Q(is_superuser=True)
        )
    )
    day = timezone.localdate(now).isoformat()
    people = User.objects.in_bulk(list(flagged))
    changelist = reverse("admin:accounts_auditevent_changelist")
    for user_id, denials in flagged.items():
        person = people.get(user_id)
        name = person.get_username() if person else f"user {user_id}"
        with transaction.atomic():
            notify(
                recipients=staff,
                kind="audit.denials",
                text=format_lazy(
                    ngettext_lazy(
                        "{name} was refused {count} time in the last 24 hours.",
                        "{name} was refused {count} times in the last 24 hours.",
                        denials,
                    ),
                    name=name,
                    count=denials,
                ),
                url=f"{changelist}?user__id__exact={user_id}&category__exact=denial",
                event_key=f"audit:denials:{user_id}:{day}",
            )
    return len(flagged)
