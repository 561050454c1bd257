"""Notices a week before a secondment starts and a month before it ends, once each."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Notification, Organisation, Role, User
from accounts.notifications import reminders_send
from secondments.models import Post
from tests.factories import make_member
from tests.secondments.conftest import approve_both, days, request

pytestmark = pytest.mark.django_db


def _told(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


def test_host_planners_hear_a_week_ahead_and_both_a_month_before_the_end(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    post = Post.objects.create(title="Liaison officer", host_organisation=host)
    approve_both(request(people, home, host, start=7, end=60, post=post), people)
    # As an analyst: a planner of the host today would hear of the other one too.
    approve_both(request(people, home, host, start=-5, end=30, role=Role.ANALYST), people)
    approve_both(request(people, home, host, start=8, end=29), people)  # neither day
    request(people, home, host, start=7, end=30)  # not approved: nothing
    reminders_send(now=timezone.now())
    assert _told("reminder.secondment_starting") == [
        (
            "host-planner",
            f"person of MFA starts with you as Liaison officer on {days(7):%-d %b %Y}: "
            "prepare their welcome.",
        )
    ]
    text = f"The secondment of person to MOD ends on {days(30):%-d %b %Y}: plan the handover."
    assert _told("reminder.secondment_ending") == [("home-planner", text), ("host-planner", text)]
    # Run again the same day: nothing new.
    assert reminders_send(now=timezone.now()) == 0


def test_a_post_vacant_too_long_tells_its_host_once(
    people: dict[str, User], home: Organisation, host: Organisation, settings: Any
) -> None:
    settings.POST_VACANCY_ALERT_DAYS = 3
    host_admin = make_member(host, Role.ORG_ADMIN, username="host-admin")
    vacant = Post.objects.create(title="Liaison officer", host_organisation=host)
    filled = Post.objects.create(title="Deputy", host_organisation=host)
    approve_both(request(people, home, host, start=-20, end=-4, post=vacant), people)
    approve_both(request(people, home, host, start=-20, end=-4, post=filled), people)
    approve_both(request(people, home, host, start=2, end=20, post=filled), people)
    approve_both(request(people, home, host, start=-20, end=-3, role=Role.ANALYST), people)
    reminders_send(now=timezone.now())
    text = (
        "The post Liaison officer has been vacant for more than 3 days, since "
        f"{days(-3):%-d %b %Y}."
    )
    assert _told("reminder.post_vacant") == [(host_admin.username, text), ("host-planner", text)]
    assert reminders_send(now=timezone.now()) == 0
