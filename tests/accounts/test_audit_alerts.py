"""The daily look at the audit trail: a person refused `AUDIT_DENIAL_ALERT_COUNT` times in 24
hours is reported to staff and superusers, once per person per day, through a real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditCategory, AuditEvent, Notification, Organisation, User
from accounts.tasks import audit_denials_flag_task
from tests.factories import make_user


def denials(user: User, count: int, *, hours_ago: float) -> None:
    at = timezone.now() - timedelta(hours=hours_ago)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            category=AuditCategory.DENIAL,
            user=user,
            username=user.username,
            action="api-plan.retrieve",
            outcome="not_found",
            status_code=404,
            at=at,
        )
        for _ in range(count)
    )


def alerts() -> list[tuple[str, str, str, str]]:
    return list(
        Notification.objects.order_by("recipient__username").values_list(
            "recipient__username", "kind", "text", "event_key"
        )
    )


@pytest.mark.celery_worker
def test_many_denials_alert_staff_once_per_person_per_day(
    celery_worker: object, outsider: User, member: User, superuser: User, other_org: Organisation
) -> None:
    staff = make_user("helpdesk", is_staff=True)
    denials(outsider, 19, hours_ago=23)
    denials(outsider, 1, hours_ago=0.1)
    denials(outsider, 30, hours_ago=25)  # yesterday's do not count
    denials(member, 19, hours_ago=1)  # one short of the threshold

    assert audit_denials_flag_task.delay().get(timeout=30) == 1

    day = timezone.localdate().isoformat()
    expected = [
        (
            name,
            "audit.denials",
            "outsider was refused 20 times in the last 24 hours.",
            f"audit:denials:{outsider.pk}:{day}",
        )
        for name in ("helpdesk", "root")
    ]
    assert alerts() == expected
    notification = Notification.objects.filter(recipient=staff).get()
    assert notification.url == (
        f"/admin/accounts/auditevent/?user__id__exact={outsider.pk}&category__exact=denial"
    )

    # Run again the same day (a retry, a second beat): nobody is told twice.
    assert audit_denials_flag_task.delay().get(timeout=30) == 1
    assert alerts() == expected


@pytest.mark.django_db
def test_the_threshold_is_a_setting(settings: object, member: User, superuser: User) -> None:
    settings.AUDIT_DENIAL_ALERT_COUNT = 3  # type: ignore[attr-defined]
    denials(member, 3, hours_ago=2)

    assert audit_denials_flag_task() == 1
    assert [text for _, _, text, _ in alerts()] == [
        "member was refused 3 times in the last 24 hours."
    ]
