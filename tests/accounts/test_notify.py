"""Raising notifications and e-mailing them: through a real worker, Redis and SMTP server."""

from __future__ import annotations

import datetime
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts import notifications as notifications_module
from accounts.models import EmailStatus, Notification, Organisation, Role, User
from accounts.notifications import OrganisationRole, Reminder, notify, reminders_send
from accounts.tasks import (
    notification_digests_send,
    notification_email_send,
    notification_emails_sweep,
)
from tests.conftest import broker, broker_idle, broker_key
from tests.factories import make_member


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


def email_status(notification_id: int) -> str:
    return Notification.objects.values_list("email_status", flat=True).get(pk=notification_id)


def queued_tasks() -> int:
    return int(broker().llen(broker_key("celery")))


def raise_event(recipients: list[Any], key: str = "plan:1:approved") -> None:
    with transaction.atomic():
        notify(
            recipients=recipients,
            kind="plan.approved",
            text="Plan approved",
            url="/plans/1/",
            event_key=key,
        )


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_notification_and_no_task(member: User) -> None:
    broker().delete(broker_key("celery"))

    def change_that_fails() -> None:
        with transaction.atomic():
            notify(recipients=[member], kind="k", text="t", url="", event_key="rolled-back")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert Notification.objects.count() == 0
    assert queued_tasks() == 0

    raise_event([member])
    assert Notification.objects.count() == 1
    assert queued_tasks() == 1
    broker().delete(broker_key("celery"))


@pytest.mark.celery_worker
def test_the_same_event_twice_gives_one_notification_and_one_email(
    celery_worker: object, member: User
) -> None:
    raise_event([member])
    raise_event([member])

    notification = Notification.objects.get()
    wait_for(lambda: email_status(notification.pk) == EmailStatus.SENT)
    assert notification.recipient == member
    # Running the task again (a redelivery, a retry after a lost ack) sends nothing more.
    assert notification_email_send.delay(notification.pk).get(timeout=20) == "skipped"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member@example.org"]
    assert mail.outbox[0].subject == "Joined Forces: Plan approved"
    assert "http://127.0.0.1:8000/plans/1/" in mail.outbox[0].body


@pytest.mark.django_db
def test_organisation_roles_resolve_to_current_members_when_raised(
    home_org: Organisation, member: User
) -> None:
    today = timezone.localdate()
    approver = make_member(home_org, Role.APPROVER, username="approver")
    make_member(
        home_org, Role.APPROVER, username="future", valid_from=today + datetime.timedelta(days=1)
    )
    make_member(
        home_org,
        Role.APPROVER,
        username="former",
        valid_from=today - datetime.timedelta(days=100),
        valid_until=today - datetime.timedelta(days=1),
    )

    created = notify(
        recipients=[OrganisationRole(home_org.pk, Role.APPROVER), approver],
        kind="k",
        text="Please review",
        url="",
        event_key="review:1",
    )

    assert created == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["approver"]


@pytest.mark.django_db
def test_email_preference_decides_how_a_notification_is_emailed(home_org: Organisation) -> None:
    make_member(home_org, Role.PLANNER, username="eager")
    digest = make_member(home_org, Role.PLANNER, username="digest")
    quiet = make_member(home_org, Role.PLANNER, username="quiet")
    User.objects.filter(pk=digest.pk).update(email_preference="daily_digest")
    User.objects.filter(pk=quiet.pk).update(email_preference="none")

    notify(
        recipients=[OrganisationRole(home_org.pk, Role.PLANNER)],
        kind="k",
        text="t",
        url="",
        event_key="e",
    )

    assert dict(Notification.objects.values_list("recipient__username", "email_status")) == {
        "eager": "pending",
        "digest": "in_digest",
        "quiet": "not_emailed",
    }


# --- SMTP failures, against a real SMTP server --------------------------------------------------


class FlakySmtp:
    """Answers the first `failures` messages with `reply`, then accepts."""

    def __init__(self, reply: str, failures: int) -> None:
        self.reply = reply
        self.failures = failures
        self.attempts = 0
        self.delivered: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.attempts <= self.failures:
            return self.reply
        self.delivered.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Callable[[str, int], FlakySmtp]]:
    controllers: list[Controller] = []

    def start(reply: str, failures: int) -> FlakySmtp:
        handler = FlakySmtp(reply, failures)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_RETRY_BACKOFF_SECONDS = 0.05
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.mark.celery_worker
def test_a_temporary_smtp_failure_is_retried_until_it_succeeds(
    celery_worker: object, member: User, smtp_server: Callable[[str, int], FlakySmtp]
) -> None:
    server = smtp_server("421 4.3.0 Try again later", 2)

    raise_event([member])

    notification = Notification.objects.get()
    wait_for(lambda: email_status(notification.pk) in (EmailStatus.SENT, EmailStatus.FAILED))
    assert email_status(notification.pk) == EmailStatus.SENT
    assert server.attempts == 3
    assert len(server.delivered) == 1
    assert b"Subject: Joined Forces: Plan approved" in server.delivered[0]


@pytest.mark.celery_worker
def test_a_permanent_smtp_failure_gives_up_at_once(
    celery_worker: object, member: User, smtp_server: Callable[[str, int], FlakySmtp]
) -> None:
    server = smtp_server("550 5.1.1 No such mailbox", 99)

    raise_event([member])

    notification = Notification.objects.get()
    wait_for(lambda: email_status(notification.pk) in (EmailStatus.SENT, EmailStatus.FAILED))
    wait_for(broker_idle)  # the task has returned, and scheduled no retry
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert "550" in notification.email_error
    assert server.attempts == 1
    assert server.delivered == []


@pytest.mark.celery_worker
def test_retries_are_bounded(
    celery_worker: object, member: User, smtp_server: Callable[[str, int], FlakySmtp]
) -> None:
    server = smtp_server("451 4.7.1 Greylisted", 99)

    raise_event([member])

    notification = Notification.objects.get()
    wait_for(lambda: email_status(notification.pk) == EmailStatus.FAILED, timeout=30)
    assert server.attempts == notification_email_send.max_retries + 1
    assert "451" in Notification.objects.get().email_error


# --- Daily digest ---------------------------------------------------------------------------------


@pytest.mark.celery_worker
def test_digest_is_one_email_per_user_per_day_with_their_unread_notifications(
    celery_worker: object, home_org: Organisation
) -> None:
    reader = make_member(home_org, Role.ANALYST, username="reader")
    User.objects.filter(pk=reader.pk).update(email_preference="daily_digest")
    for n, text in enumerate(
        ["Strategy agreed", "Indicator crossed its threshold", "Already seen"]
    ):
        raise_event([User.objects.get(pk=reader.pk)], key=f"event:{n}")
        Notification.objects.filter(event_key=f"event:{n}").update(text=text)
    Notification.objects.filter(text="Already seen").update(read_at=timezone.now())
    today = timezone.localdate().isoformat()

    assert notification_digests_send.delay(today).get(timeout=20) == 1
    wait_for(lambda: len(mail.outbox) == 1)
    assert notification_digests_send.delay(today).get(timeout=20) == 0
    wait_for(broker_idle)  # every task has returned, and queued no more e-mail

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["reader@example.org"]
    assert digest.subject == "Joined Forces: 2 unread notifications"
    assert "Strategy agreed" in digest.body
    assert "Indicator crossed its threshold" in digest.body
    assert "Already seen" not in digest.body
    assert set(Notification.objects.values_list("text", "email_status")) == {
        ("Strategy agreed", "sent"),
        ("Indicator crossed its threshold", "sent"),
        ("Already seen", "in_digest"),
    }


# --- Reminders ------------------------------------------------------------------------------------


@pytest.fixture
def stalled_review(home_org: Organisation) -> Iterator[None]:
    """A feature's reminder: approvers chased about one item waiting for them."""

    @notifications_module.register_reminder("test_review")
    def find(now: datetime.datetime) -> list[Reminder]:
        return [
            Reminder(
                recipients=[OrganisationRole(home_org.pk, Role.APPROVER)],
                text="A plan has waited 4 days for your review",
                url="/plans/7/",
                item_key="plan:7",
            )
        ]

    yield
    del notifications_module._reminders["test_review"]


@pytest.mark.django_db
def test_reminders_chase_once_per_item_per_day(
    stalled_review: None, home_org: Organisation
) -> None:
    make_member(home_org, Role.APPROVER, username="slow-approver")
    now = timezone.now()

    assert reminders_send(now=now) == 1
    assert reminders_send(now=now) == 0
    assert reminders_send(now=now + datetime.timedelta(days=1)) == 1

    assert list(
        Notification.objects.order_by("id").values_list("recipient__username", "kind", "url")
    ) == [
        ("slow-approver", "reminder.test_review", "/plans/7/"),
        ("slow-approver", "reminder.test_review", "/plans/7/"),
    ]


@pytest.mark.celery_worker
def test_sweep_requeues_an_email_whose_task_was_lost(celery_worker: object, member: User) -> None:
    """E.g. Redis was down when the change committed: the e-mail still goes out, once."""
    lost = Notification.objects.create(
        recipient=member, kind="k", text="Lost task", url="", event_key="lost"
    )
    fresh = Notification.objects.create(
        recipient=member, kind="k", text="Fresh", url="", event_key="fresh"
    )
    Notification.objects.filter(pk=lost.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=30)
    )

    assert notification_emails_sweep.delay().get(timeout=20) == 1
    wait_for(lambda: email_status(lost.pk) == EmailStatus.SENT)

    assert [message.subject for message in mail.outbox] == ["Joined Forces: Lost task"]
    assert email_status(fresh.pk) == EmailStatus.PENDING
    assert notification_emails_sweep.delay().get(timeout=20) == 0


@pytest.mark.django_db
def test_a_digest_claimed_by_another_worker_is_not_sent_twice(home_org: Organisation) -> None:
    from accounts.models import NotificationDigest
    from accounts.notifications import notification_digest_deliver

    reader = make_member(home_org, Role.ANALYST, username="reader")
    User.objects.filter(pk=reader.pk).update(email_preference="daily_digest")
    notify(
        recipients=[User.objects.get(pk=reader.pk)],
        kind="k",
        text="Waiting",
        url="",
        event_key="e1",
    )
    today = timezone.localdate()
    NotificationDigest.objects.create(user=reader, day=today, claimed_at=timezone.now())

    assert notification_digest_deliver(user_id=reader.pk, day=today) == "skipped"
    assert mail.outbox == []

    # A claim left by a worker that died long ago expires, and the digest goes out once.
    NotificationDigest.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert notification_digest_deliver(user_id=reader.pk, day=today) == "sent"
    assert notification_digest_deliver(user_id=reader.pk, day=today) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_digest_users_ignores_yesterdays_digest(home_org: Organisation) -> None:
    from accounts.models import NotificationDigest
    from accounts.notifications import digest_users

    reader = make_member(home_org, Role.ANALYST, username="reader")
    User.objects.filter(pk=reader.pk).update(email_preference="daily_digest")
    notify(
        recipients=[User.objects.get(pk=reader.pk)],
        kind="k",
        text="Waiting",
        url="",
        event_key="e1",
    )
    today = timezone.localdate()
    NotificationDigest.objects.create(
        user=reader, day=today - datetime.timedelta(days=1), sent_at=timezone.now()
    )
    NotificationDigest.objects.create(user=reader, day=today)  # an attempt today that did not send

    assert digest_users(day=today) == [reader.pk]
