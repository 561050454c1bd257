"""Celery tasks for accounts: thin, take ids, safe to run twice."""

from __future__ import annotations

import datetime
import random

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from accounts.audit import audit_denials_flag
from accounts.idempotency import idempotency_keys_forget
from accounts.models import EmailStatus, Notification
from accounts.notifications import (
    CLAIM_EXPIRES_AFTER,
    TemporaryEmailFailure,
    digest_users,
    notification_digest_deliver,
    notification_email_deliver,
    reminders_send,
)
from accounts.services import memberships_sync


def retry_countdown(retries: int) -> float:
    """Exponential backoff with full jitter, so retries from many tasks do not arrive together."""
    return random.uniform(0, settings.EMAIL_RETRY_BACKOFF_SECONDS * 2**retries)  # noqa: S311


@shared_task(name="accounts.tasks.memberships_sync_task")
def memberships_sync_task(on: str | None = None) -> dict[str, int]:
    """Periodic: group membership follows membership dates. `on` (ISO date) replays a given day."""
    day = datetime.date.fromisoformat(on) if on else None
    result = memberships_sync(today=day)
    return {"joined": result.joined, "left": result.left}


@shared_task(bind=True, name="accounts.tasks.notification_email_send", max_retries=5)
def notification_email_send(self: Task, notification_id: int) -> str:
    try:
        return notification_email_deliver(
            notification_id=notification_id,
            final_attempt=self.request.retries >= (self.max_retries or 0),
        )
    except TemporaryEmailFailure as error:
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


@shared_task(name="accounts.tasks.notification_emails_sweep")
def notification_emails_sweep() -> int:
    """Periodic: queue again e-mails whose task was lost (broker down at commit, worker died)."""
    quiet_since = timezone.now() - CLAIM_EXPIRES_AFTER
    stuck = list(
        Notification.objects.filter(
            email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING],
            created__lt=quiet_since,
        )
        .exclude(email_claimed_at__gte=quiet_since)
        .values_list("id", flat=True)[:1000]
    )
    for notification_id in stuck:
        notification_email_send.delay(notification_id)
    return len(stuck)


@shared_task(name="accounts.tasks.notification_digests_send")
def notification_digests_send(on: str | None = None) -> int:
    """Periodic (daily): one digest task per user who has something waiting."""
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    users = digest_users(day=day)
    for user_id in users:
        notification_digest_send.delay(user_id, day.isoformat())
    return len(users)


@shared_task(bind=True, name="accounts.tasks.notification_digest_send", max_retries=5)
def notification_digest_send(self: Task, user_id: int, day: str) -> str:
    try:
        return notification_digest_deliver(user_id=user_id, day=datetime.date.fromisoformat(day))
    except TemporaryEmailFailure as error:
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


@shared_task(name="accounts.tasks.reminders_send_task")
def reminders_send_task() -> int:
    """Periodic (daily): chase items waiting too long for someone's action."""
    return reminders_send()


@shared_task(name="accounts.tasks.audit_denials_flag_task")
def audit_denials_flag_task() -> int:
    """Periodic (daily): tell staff who was refused unusually often in the last 24 hours."""
    return audit_denials_flag()


@shared_task(name="accounts.tasks.idempotency_keys_forget_task")
def idempotency_keys_forget_task() -> int:
    """Periodic (daily): forget the Idempotency-Keys older than IDEMPOTENCY_KEY_DAYS."""
    return idempotency_keys_forget()
