"""Notifications: telling people what needs them.

Feature code calls `notify(...)` inside its own transaction. Rows are written in that
transaction (so a rollback leaves nothing) and e-mail is queued only after commit. The
unique (recipient, event_key) constraint makes raising the same event twice harmless.
"""

from __future__ import annotations

import datetime
import smtplib
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.locale import in_language_of, time_zone_choices
from accounts.models import (
    EmailPreference,
    EmailStatus,
    Membership,
    Notification,
    NotificationDigest,
    User,
)

CLAIM_EXPIRES_AFTER = timedelta(minutes=10)
"""A claim older than this belongs to a worker that died mid-send; the work may be retaken."""


# --- Recipients ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRole:
    """'The approvers of organisation X': resolved to its current members when raised."""

    organisation_id: int
    role: str


Recipient = User | OrganisationRole


def recipients_resolve(recipients: Iterable[Recipient]) -> list[User]:
    users: dict[int, User] = {}
    roles: list[OrganisationRole] = []
    for recipient in recipients:
        if isinstance(recipient, OrganisationRole):
            roles.append(recipient)
        elif recipient.is_active:
            users[recipient.pk] = recipient
    if roles:
        condition = Q()
        for role in roles:
            condition |= Q(organisation_id=role.organisation_id, role=role.role)
        members = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.valid_on(timezone.localdate())
            .filter(condition)
            .values("user_id"),
        )
        users.update({user.pk: user for user in members})
    return list(users.values())


# --- Raising ------------------------------------------------------------------------------------


_INITIAL_EMAIL_STATUS = {
    EmailPreference.IMMEDIATE: EmailStatus.PENDING,
    EmailPreference.DAILY_DIGEST: EmailStatus.IN_DIGEST,
    EmailPreference.NONE: EmailStatus.NOT_EMAILED,
}


def notify(
    *,
    recipients: Iterable[Recipient],
    kind: str,
    text: str | Promise,
    url: str,
    event_key: str,
    actor: User | None = None,
) -> int:
    """Raise one notification per recipient for an event; returns how many are new.

    `text` is best lazy (`gettext_lazy`, `format_lazy`): it is written in each recipient's
    language, not in that of the person whose action raised it.

    Call it inside the transaction that makes the change: a rollback discards the
    notifications, and e-mails are queued only once the transaction has committed. The
    `actor` whose action raised the event is never told of it.
    """
    from accounts.tasks import notification_email_send

    users = [user for user in recipients_resolve(recipients) if actor is None or user != actor]
    if not users:
        return 0
    with transaction.atomic():
        before = set(
            Notification.objects.filter(recipient__in=users, event_key=event_key).values_list(
                "recipient_id", flat=True
            )
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    kind=kind,
                    text=_in_language_of(user, text)[:300],
                    url=url,
                    event_key=event_key,
                    email_status=_INITIAL_EMAIL_STATUS[EmailPreference(user.email_preference)]
                    if user.email
                    else EmailStatus.NOT_EMAILED,
                )
                for user in users
                if user.pk not in before
            ],
            ignore_conflicts=True,
        )
        to_email = list(
            Notification.objects.filter(
                recipient__in=users, event_key=event_key, email_status=EmailStatus.PENDING
            ).values_list("id", flat=True)
        )
        for notification_id in to_email:
            transaction.on_commit(
                partial(notification_email_send.delay, notification_id), robust=True
            )
    return len(users) - len(before)


def notifications_done(
    *,
    event_key: str,
    organisation_id: int | None = None,
    recipient: User | None = None,
    reminders: str = "",
) -> int:
    """The work an event asked for is done: its unread notifications count as read.

    A decision made for an organisation does the work of all its members who were asked
    (`organisation_id`); other organisations still have theirs to do. `reminders` is the
    event key prefix of the reminders chasing the same work.
    """
    keys = Q(event_key=event_key)
    if reminders:
        keys |= Q(event_key__startswith=reminders)
    done = Notification.objects.filter(keys, read_at__isnull=True)
    if organisation_id is not None:
        members = Membership.objects.valid_on(timezone.localdate()).filter(
            organisation_id=organisation_id
        )
        done = done.filter(recipient__in=members.values("user_id"))
    if recipient is not None:
        done = done.filter(recipient=recipient)
    return done.update(read_at=timezone.now())


# --- Reading ------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    if notification.recipient_id != by.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def user_email_preference_set(*, user: User, preference: str) -> None:
    EmailPreference(preference)  # refuses an unknown preference
    User.objects.filter(pk=user.pk).update(email_preference=preference)
    user.email_preference = preference


def user_locale_set(*, user: User, language: str, time_zone: str) -> None:
    """The person's language and time zone (empty: the browser's language, the site's zone)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose English or French.")})
    if time_zone and time_zone not in dict(time_zone_choices()):
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    User.objects.filter(pk=user.pk).update(language=language, time_zone=time_zone)
    user.language, user.time_zone = language, time_zone


# --- E-mail -------------------------------------------------------------------------------------


class TemporaryEmailFailure(Exception):
    """The mail server may accept this later: retry."""


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return isinstance(
        error,
        (
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            ConnectionError,
            socket.timeout,
            TimeoutError,
        ),
    )


def _claim(queryset: Any, **claim: Any) -> bool:
    stale = timezone.now() - CLAIM_EXPIRES_AFTER
    return bool(
        queryset.filter(
            Q(email_status=EmailStatus.PENDING)
            | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=stale)
        ).update(email_status=EmailStatus.SENDING, email_claimed_at=timezone.now(), **claim)
    )


def _in_language_of(user: User, text: str | Promise) -> str:
    with in_language_of(user):
        return str(text)


def notification_email_deliver(*, notification_id: int, final_attempt: bool) -> str:
    """Send one notification's e-mail once. Returns what happened.

    The work is claimed with a conditional update, so a task delivered twice sends once.
    A temporary failure releases the claim and raises `TemporaryEmailFailure` for a retry;
    a permanent one (or the last attempt) marks the e-mail failed.
    """
    if not _claim(Notification.objects.filter(pk=notification_id)):
        return "skipped"
    try:
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        context = {"notification": notification, "site_url": settings.SITE_URL}
        with in_language_of(notification.recipient):
            subject = gettext("Joined Forces: %(text)s") % {"text": notification.text}
            message = render_to_string("accounts/email/notification.txt", context)
        send_mail(
            subject=subject[:150],
            message=message,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception as error:
        temporary = _is_temporary(error)
        Notification.objects.filter(pk=notification_id).update(
            email_status=EmailStatus.PENDING
            if temporary and not final_attempt
            else EmailStatus.FAILED,
            email_error=f"{type(error).__name__}: {error}"[:300],
        )
        if temporary and not final_attempt:
            raise TemporaryEmailFailure(str(error)) from error
        return "failed"
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_error=""
    )
    return "sent"


def digest_users(*, day: datetime.date) -> list[int]:
    """Users who chose the daily digest, have something unread for it, and got none today."""
    return list(
        User.objects.filter(
            is_active=True,
            email_preference=EmailPreference.DAILY_DIGEST,
            notifications__email_status=EmailStatus.IN_DIGEST,
            notifications__read_at__isnull=True,
        )
        .exclude(
            Exists(
                NotificationDigest.objects.filter(
                    user=OuterRef("pk"), day=day, sent_at__isnull=False
                )
            )
        )
        .exclude(email="")
        .distinct()
        .values_list("id", flat=True)
    )


def notification_digest_deliver(*, user_id: int, day: datetime.date) -> str:
    """Send a user's digest for `day` at most once.

    The unique (user, day) row is claimed with a conditional update before sending, so two
    runs of the same day's digest cannot both send; a claim left by a dead worker expires.
    """
    digest, _ = NotificationDigest.objects.get_or_create(user_id=user_id, day=day)
    now = timezone.now()
    claimed = (
        NotificationDigest.objects.filter(pk=digest.pk, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES_AFTER))
        .update(claimed_at=now)
    )
    if not claimed:
        return "skipped"
    try:
        return _send_digest(digest, user_id=user_id, day=day)
    except Exception:
        NotificationDigest.objects.filter(pk=digest.pk, sent_at__isnull=True).update(
            claimed_at=None
        )
        raise


def _send_digest(digest: NotificationDigest, *, user_id: int, day: datetime.date) -> str:
    user = User.objects.get(pk=user_id)
    unread = list(
        Notification.objects.filter(
            recipient=user, email_status=EmailStatus.IN_DIGEST, read_at__isnull=True
        ).order_by("created", "id")
    )
    if not unread:
        return "empty"
    context = {"user": user, "notifications": unread, "site_url": settings.SITE_URL, "day": day}
    with in_language_of(user):
        subject = ngettext(
            "Joined Forces: %(count)d unread notification",
            "Joined Forces: %(count)d unread notifications",
            len(unread),
        ) % {"count": len(unread)}
        message = render_to_string("accounts/email/digest.txt", context)
    try:
        send_mail(
            subject=subject,
            message=message,
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception as error:
        if _is_temporary(error):
            raise TemporaryEmailFailure(str(error)) from error
        raise
    with transaction.atomic():
        NotificationDigest.objects.filter(pk=digest.pk).update(
            sent_at=timezone.now(), notification_count=len(unread)
        )
        Notification.objects.filter(pk__in=[n.pk for n in unread]).update(
            email_status=EmailStatus.SENT, emailed_at=timezone.now()
        )
    return "sent"


# --- Reminders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """An item waiting for someone's action."""

    recipients: list[Recipient]
    text: str | Promise
    url: str
    item_key: str
    """Identifies the waiting item, e.g. "strategy:12:endorsement:mod"."""


ReminderFinder = Callable[[datetime.datetime], Iterable[Reminder]]
"""Given 'now', the items that have waited too long (the feature knows how long is too long)."""

_reminders: dict[str, ReminderFinder] = {}


def register_reminder(name: str) -> Callable[[ReminderFinder], ReminderFinder]:
    def register(finder: ReminderFinder) -> ReminderFinder:
        _reminders[name] = finder
        return finder

    return register


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Chase stalled items: at most one reminder per item per recipient per day."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    raised = 0
    for name, finder in _reminders.items():
        for reminder in finder(now):
            with transaction.atomic():
                raised += notify(
                    recipients=reminder.recipients,
                    kind=f"reminder.{name}",
                    text=reminder.text,
                    url=reminder.url,
                    event_key=f"reminder:{name}:{reminder.item_key}:{day}",
                )
    return raised
