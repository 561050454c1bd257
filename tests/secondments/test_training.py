"""Joint training: announced by the organiser's planners, registration within the capacity
(a waiting list, promotion when a place frees, once per person, also under 20 concurrent
registrations), attendance recorded by the organiser, and the calendar's API."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, Organisation, Role, User
from secondments import services
from secondments.models import RegistrationStatus, Training, TrainingRegistration
from tests.conftest import api_as
from tests.factories import make_member, make_organisation
from tests.secondments.conftest import days

LIST = "/api/v1/trainings/"


def _training(by: User, organiser: Organisation, capacity: int = 2, start: int = 10) -> Training:
    return services.training_create(
        by=by,
        organiser=organiser,
        title="Civil-military coordination course",
        start_date=days(start),
        end_date=days(start + 4),
        capacity=capacity,
        place="The Hague",
        topics="CIMIC, comprehensive approach",
    )


def _statuses(training: Training) -> list[tuple[str, str]]:
    return list(
        TrainingRegistration.objects.filter(training=training)
        .order_by("registered_at", "pk")
        .values_list("person__username", "status")
    )


@pytest.mark.django_db
def test_only_the_organisers_planners_and_administrators_announce(
    people: dict[str, User], home: Organisation
) -> None:
    for persona in ("outsider", "superuser", "ended_yesterday", "starts_tomorrow", "person"):
        with pytest.raises(PermissionDenied):
            _training(people[persona], home)
    body = {
        "title": "Course",
        "organiser": home.pk,
        "start_date": days(3).isoformat(),
        "end_date": days(1).isoformat(),
        "capacity": 3,
        "online": True,
    }
    assert api_as(people["outsider"]).post(LIST, body, format="json").status_code == 403
    refused = api_as(people["home_planner"]).post(LIST, body, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"end_date": ["The end date must be on or after the start date."]}
    assert Training.objects.count() == 0
    created = api_as(people["home_planner"]).post(
        LIST, {**body, "end_date": days(4).isoformat()}, format="json"
    )
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("capacity", "places_taken", "waitlisted")} == {
        "capacity": 3,
        "places_taken": 0,
        "waitlisted": 0,
    }


@pytest.mark.django_db
def test_capacity_waiting_list_and_promotion(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    training = _training(people["home_planner"], home, capacity=2)
    for persona in ("person", "host_planner", "outsider"):
        services.training_register(training=training, by=people[persona])
    assert _statuses(training) == [
        ("person", "registered"),
        ("host-planner", "registered"),
        ("outsider", "waitlisted"),
    ]
    with pytest.raises(ValidationError) as twice:
        services.training_register(training=training, by=people["person"])
    assert twice.value.messages == ["You are already on this training: registered."]
    services.training_withdraw(training=training, by=people["person"])
    assert _statuses(training) == [
        ("person", "withdrawn"),
        ("host-planner", "registered"),
        ("outsider", "registered"),
    ]
    told = Notification.objects.get(kind="training.place")
    assert (told.recipient, told.text, told.url) == (
        people["outsider"],
        "A place freed up: you are registered for “Civil-military coordination course”.",
        "/trainings/",
    )
    # Registering again goes to the back of the queue.
    services.training_register(training=training, by=people["person"])
    assert TrainingRegistration.objects.get(person=people["person"]).status == "waitlisted"
    with pytest.raises(PermissionDenied):
        services.training_register(training=training, by=people["superuser"])


@pytest.mark.django_db
def test_the_organiser_records_attendance_from_the_first_day(
    people: dict[str, User], home: Organisation
) -> None:
    later = _training(people["home_planner"], home, start=3)
    services.training_register(training=later, by=people["person"])
    with pytest.raises(ValidationError):
        services.training_attendance_record(
            training=later, by=people["home_planner"], person=people["person"], attended=True
        )
    running = _training(people["home_planner"], home, start=0)
    services.training_register(training=running, by=people["person"])
    client = api_as(people["host_planner"])
    url = f"{LIST}{running.pk}/attendance/"
    body = {"person": people["person"].pk, "attended": True}
    assert client.post(url, body, format="json").status_code == 403
    done = api_as(people["home_planner"]).post(url, body, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "attended"
    missing = api_as(people["home_planner"]).post(
        url, {"person": people["outsider"].pk, "attended": False}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json() == {"person": ["This person has no place on this training."]}


@pytest.mark.django_db
def test_the_calendar_shows_places_participation_and_my_registration(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    training = _training(people["home_planner"], home, capacity=2)
    for persona in ("person", "host_planner", "outsider"):
        api_as(people[persona]).post(f"{LIST}{training.pk}/register/", {}, format="json")
    row = api_as(people["outsider"]).get(f"{LIST}{training.pk}/").json()
    assert {k: row[k] for k in ("places_taken", "waitlisted", "my_status", "participation")} == {
        "places_taken": 2,
        "waitlisted": 1,
        "my_status": "waitlisted",
        "participation": [
            {"organisation": "Ministry of Defence", "people": 1},
            {"organisation": "Ministry of Foreign Affairs", "people": 1},
        ],
    }
    withdrawn = api_as(people["person"]).post(
        f"{LIST}{training.pk}/register/", {"withdraw": True}, format="json"
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert api_as(None).get(LIST).status_code == 401


@pytest.mark.django_db
def test_the_calendar_takes_the_same_queries_for_2_and_50(
    people: dict[str, User], home: Organisation
) -> None:
    client = api_as(people["outsider"])

    def make(n: int) -> None:
        for _ in range(n):
            training = _training(people["home_planner"], home)
            services.training_register(training=training, by=people["person"])

    make(2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as two:
        assert client.get(LIST).status_code == 200
    make(48)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(LIST).json()["count"] == 50
    assert len(fifty) == len(two)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_registrations_keep_to_the_capacity() -> None:
    organiser = make_organisation(slug="un", name="United Nations")
    planner = make_member(organiser, Role.PLANNER, username="un-planner")
    training = _training(planner, organiser, capacity=5)
    people = [make_member(organiser, Role.ANALYST, username=f"analyst-{i}") for i in range(20)]
    # Twenty people at once, and five of them a second time at the same moment.
    attempts = [*people, *people[:5]]
    start = threading.Barrier(len(attempts) + 1)
    errors: list[Any] = []
    refused: list[str] = []

    def register(user: User) -> None:
        try:
            start.wait()
            services.training_register(training=training, by=user)
        except ValidationError as error:
            refused.append(error.messages[0].split(":")[0])
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in attempts]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert refused == ["You are already on this training"] * 5
    statuses = list(
        TrainingRegistration.objects.filter(training=training).values_list("status", flat=True)
    )
    assert (
        len(statuses),
        statuses.count(RegistrationStatus.REGISTERED),
        statuses.count(RegistrationStatus.WAITLISTED),
    ) == (20, 5, 15)


@pytest.mark.django_db
def test_the_calendar_page_registers_withdraws_and_lists_what_you_completed(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    from django.test import Client

    full = _training(people["home_planner"], home, capacity=1, start=5)
    services.training_register(training=full, by=people["host_planner"])
    done = _training(people["home_planner"], home, start=0)
    services.training_register(training=done, by=people["person"])
    services.training_attendance_record(
        training=done, by=people["home_planner"], person=people["person"], attended=True
    )
    client = Client()
    client.force_login(people["person"])
    page = client.get("/trainings/")
    assert [r.training for r in page.context["completed"]] == [done]
    assert [(t, p) for t, p in page.context["rows"]] == [
        (done, [("Ministry of Foreign Affairs", 1)]),
        (full, [("Ministry of Defence", 1)]),
    ]
    client.post(f"/trainings/{full.pk}/register/")
    assert TrainingRegistration.objects.get(training=full, person=people["person"]).status == (
        "waitlisted"
    )
    client.force_login(people["host_planner"])
    client.post(f"/trainings/{full.pk}/register/", {"withdraw": "1"})
    assert _statuses(full) == [("host-planner", "withdrawn"), ("person", "registered")]
    assert client.post("/trainings/999999/register/").status_code == 404


@pytest.mark.django_db
def test_the_calendar_page_takes_the_same_queries_for_2_and_50(
    people: dict[str, User], home: Organisation
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(people["outsider"])

    def make(n: int) -> None:
        for _ in range(n):
            training = _training(people["home_planner"], home)
            services.training_register(training=training, by=people["person"])

    make(2)
    client.get("/trainings/")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/trainings/").status_code == 200
    make(48)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get("/trainings/").context["rows"]) == 50
    assert len(fifty) == len(two)


@pytest.mark.django_db
def test_the_profile_lists_the_trainings_a_person_completed(
    client: Any, people: dict[str, User], home: Organisation
) -> None:
    running = _training(people["home_planner"], home, start=0)
    for persona in ("person", "host_planner"):
        services.training_register(training=running, by=people[persona])
    services.training_attendance_record(
        training=running, by=people["home_planner"], person=people["person"], attended=True
    )
    services.training_attendance_record(
        training=running, by=people["home_planner"], person=people["host_planner"], attended=False
    )
    client.force_login(people["person"])
    profile = client.get("/profile/").content.decode()
    assert 'hx-get="/trainings/completed/"' in profile

    attended = client.get("/trainings/completed/").content.decode()

    assert "<strong>Civil-military coordination course</strong>, by " in attended
    client.force_login(people["host_planner"])
    absent = client.get("/trainings/completed/").content.decode()
    assert "Civil-military coordination course" not in absent
    assert "None yet." in absent
