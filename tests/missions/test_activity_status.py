"""Activity status moves only along the allowed transitions, in the service, the API and the
progress page; progress figures (a planner's or a field report's) move it the same way.

Personas and the plan: tests/missions/conftest.py (`military_activity` is mod's, updated by
`contributor_planner`).
"""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import Notification, User
from missions import services
from missions.models import Activity, Plan
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

ALLOWED = {
    ("planned", "in_progress"),
    ("planned", "done"),
    ("planned", "blocked"),
    ("planned", "cancelled"),
    ("in_progress", "done"),
    ("in_progress", "blocked"),
    ("in_progress", "cancelled"),
    ("blocked", "planned"),
    ("blocked", "in_progress"),
    ("blocked", "done"),
    ("blocked", "cancelled"),
    ("done", "in_progress"),
    ("cancelled", "planned"),
}
STATUSES = ["planned", "in_progress", "done", "blocked", "cancelled"]
REFUSED = sorted(
    (current, new)
    for current, new in itertools.product(STATUSES, STATUSES)
    if current != new and (current, new) not in ALLOWED
)
REFUSAL = {
    ("in_progress", "planned"): (
        "This activity is in progress: it can become done, blocked or cancelled, not planned."
    ),
    ("done", "planned"): "This activity is done: it can become in progress, not planned.",
    ("done", "blocked"): "This activity is done: it can become in progress, not blocked.",
    ("done", "cancelled"): "This activity is done: it can become in progress, not cancelled.",
    ("cancelled", "in_progress"): (
        "This activity is cancelled: it can become planned, not in progress."
    ),
    ("cancelled", "done"): "This activity is cancelled: it can become planned, not done.",
    ("cancelled", "blocked"): "This activity is cancelled: it can become planned, not blocked.",
}


def put_in(activity: Activity, status: str, progress: int = 30) -> Activity:
    Activity.objects.filter(pk=activity.pk).update(status=status, progress=progress)
    activity.refresh_from_db()
    return activity


def as_stored(activity: Activity) -> tuple[str, int, int]:
    return Activity.objects.values_list("status", "progress", "version").get(pk=activity.pk)


def test_the_refused_transitions_are_exactly_those_outside_the_table() -> None:
    assert REFUSED == [
        ("cancelled", "blocked"),
        ("cancelled", "done"),
        ("cancelled", "in_progress"),
        ("done", "blocked"),
        ("done", "cancelled"),
        ("done", "planned"),
        ("in_progress", "planned"),
    ]
    assert {
        (current, new) for current, news in services.ACTIVITY_TRANSITIONS.items() for new in news
    } == ALLOWED


@pytest.mark.parametrize(("current", "new"), REFUSED)
def test_a_transition_outside_the_table_is_refused_and_changes_nothing(
    military_activity: Activity, contributor_planner: User, current: str, new: str
) -> None:
    activity = put_in(military_activity, current)
    with pytest.raises(ValidationError) as refused:
        services.activity_progress_update(
            activity=activity, by=contributor_planner, version=activity.version, status=new
        )
    assert refused.value.message_dict == {"status": [REFUSAL[(current, new)]]}
    assert as_stored(activity) == (current, 30, 1)
    assert Notification.objects.filter(kind="plan.activity_blocked").count() == 0


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_a_transition_in_the_table_is_made(
    military_activity: Activity, contributor_planner: User, current: str, new: str
) -> None:
    activity = put_in(military_activity, current)
    services.activity_progress_update(
        activity=activity, by=contributor_planner, version=activity.version, status=new
    )
    assert as_stored(activity) == (new, 30, 2)


@pytest.mark.parametrize(
    ("current", "progress", "by_a_planner", "from_the_field"),
    [
        ("planned", 0, "planned", "planned"),
        ("planned", 10, "in_progress", "in_progress"),
        ("planned", 100, "done", "done"),
        ("in_progress", 10, "in_progress", "in_progress"),
        ("in_progress", 100, "done", "done"),
        ("blocked", 50, "blocked", "blocked"),
        ("blocked", 100, "done", "blocked"),
        ("cancelled", 100, "cancelled", "cancelled"),
        ("done", 40, "done", "done"),
    ],
)
def test_a_progress_figure_moves_the_status_only_where_the_table_allows(
    plan: Plan,
    military_activity: Activity,
    contributor_planner: User,
    field_advisor: User,
    current: str,
    progress: int,
    by_a_planner: str,
    from_the_field: str,
) -> None:
    """A planner's 100 % finishes blocked work too; a field report never lifts a block."""
    activity = put_in(military_activity, current, progress=0)
    services.activity_progress_update(
        activity=activity, by=contributor_planner, version=1, progress=progress
    )
    assert as_stored(activity) == (by_a_planner, progress, 2)

    activity = put_in(military_activity, current, progress=0)
    services.field_report_file(
        plan=plan,
        by=field_advisor,
        activity=activity,
        date=timezone.localdate(),
        situation="Progress as seen on site.",
        progress_update=progress,
    )
    assert as_stored(activity) == (from_the_field, progress, 3)


def test_the_api_refuses_a_transition_on_the_status_field(
    military_activity: Activity, contributor_planner: User
) -> None:
    activity = put_in(military_activity, "cancelled")
    response = api_as(contributor_planner).patch(
        f"/api/v1/activities/{activity.pk}/", {"status": "done", "version": 1}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"status": ["This activity is cancelled: it can become planned, not done."]},
    )
    assert as_stored(activity) == ("cancelled", 30, 1)


def test_the_progress_page_shows_why_a_transition_is_refused(
    military_activity: Activity, contributor_planner: User
) -> None:
    activity = put_in(military_activity, "done", progress=100)
    client = Client()
    client.force_login(contributor_planner)
    response = client.post(
        f"/plans/activities/{activity.pk}/progress/",
        {"status": "cancelled", "progress": "100", "version": "1"},
    )
    message = "This activity is done: it can become in progress, not cancelled."
    assert response.status_code == 200
    assert response.context["form"].errors == {"status": [message]}
    assert message in response.content.decode()
    assert as_stored(activity) == ("done", 100, 1)
