"""Twenty simultaneous sends of one observation with one `Idempotency-Key` (the outbox and a
retry racing each other): one lesson, and every send answers it (accounts/idempotency.py);
and the daily task that forgets old keys.

Its own module: the threads' connections must see committed rows, so no module-wide
transaction (`module_db`) may be open around it.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import IdempotentRequest, Role
from accounts.tasks import idempotency_keys_forget_task
from lessons.models import Lesson
from tests.conftest import api_as
from tests.factories import make_member, make_organisation

KEY = "3f0c9a52-6d0e-4c5e-9a57-0b3b2f6a1c11"


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_sends_of_one_observation_record_one_lesson() -> None:
    """The unique constraint decides: one send records the lesson, the others wait for it and
    answer its result."""
    organisation = make_organisation(slug="idem")
    analyst = make_member(organisation, Role.ANALYST)
    body = {
        "title": "Checkpoints closed at night",
        "observation": "The joint checkpoints closed at dusk.",
        "observed_on": str(timezone.localdate()),
        "theatre": "Valeria",
    }
    answers: list[Any] = []
    start = threading.Barrier(20)

    def send() -> None:
        try:
            start.wait()
            answers.append(
                api_as(analyst).post(
                    "/api/v1/lessons/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lesson = Lesson.objects.get()
    assert sorted(a.status_code for a in answers) == [201] * 20
    assert {a.json()["id"] for a in answers} == {lesson.pk}
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 19
    assert {a["ETag"] for a in answers} == {'"1"'}
    assert IdempotentRequest.objects.get().status_code == 201


@pytest.mark.celery_worker
def test_keys_older_than_the_setting_are_forgotten_by_the_daily_task(
    celery_worker: object, settings: Any
) -> None:
    settings.IDEMPOTENCY_KEY_DAYS = 30
    user = make_member(make_organisation(slug="keys"), Role.FIELD_ADVISOR)
    for key, days_ago in (("old", 31), ("recent", 29)):
        record = IdempotentRequest.objects.create(
            user=user, key=key, fingerprint="f" * 64, status_code=201, response={}
        )
        IdempotentRequest.objects.filter(pk=record.pk).update(
            created=timezone.now() - datetime.timedelta(days=days_ago)
        )

    assert idempotency_keys_forget_task.delay().get(timeout=30) == 1

    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["recent"]
