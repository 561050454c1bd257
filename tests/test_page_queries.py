"""A page asks what its reader holds on its object once, whoever reads it.

The plan, strategy and lesson pages ask many questions of `accounts.authority` (may they
change, approve, review, release...). A superuser's view permission needs no query, so a page
that asked per question cost an ordinary member more queries than a superuser; within a
request the answers now come from one query per person and object (see
`accounts.object_permissions`).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.authority import acting_organisations, may
from accounts.models import Role, User
from accounts.object_permissions import ObjectPermissionsMiddleware
from lessons import services as lessons
from lessons.models import Lesson, LessonStatus
from missions import services
from tests.factories import add_membership
from tests.lessons.conftest import build_world, days, record
from tests.missions.conftest import plan_world_make
from tests.strategy.conftest import strategy_world_make


def person(people: dict[str, User | None], persona: str) -> User:
    user = people[persona]
    assert user is not None
    return user


def page_queries(user: User, url: str) -> int:
    """The queries of the page for `user`, once the content-type cache is warm."""
    client = Client()
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_plan_page_costs_a_planner_what_it_costs_a_superuser(db: None) -> None:
    _, people, plan = plan_world_make()
    url = f"/plans/{plan.pk}/"
    counts = {
        persona: page_queries(person(people, persona), url)
        for persona in ("superuser", "lead_planner", "contributor_approver", "field_advisor")
    }
    assert counts == {
        "superuser": 16,
        "lead_planner": 16,
        "contributor_approver": 16,
        "field_advisor": 16,
    }


def test_the_plan_page_in_review_costs_a_reviewer_only_their_review_form(db: None) -> None:
    _, people, plan = plan_world_make()
    services.plan_submit(plan=plan, by=person(people, "lead_planner"))
    url = f"/plans/{plan.pk}/"
    counts = {
        persona: page_queries(person(people, persona), url)
        for persona in ("superuser", "lead_planner", "lead_approver", "contributor_approver")
    }
    # The contributor's approver alone gets the review form, which names the organisations
    # they review for: one query of the form's, none for their rights.
    assert counts == {
        "superuser": 16,
        "lead_planner": 16,
        "lead_approver": 16,
        "contributor_approver": 17,
    }


def test_the_strategy_page_costs_a_planner_what_it_costs_a_superuser(db: None) -> None:
    _, people, strategy = strategy_world_make()
    url = f"/strategies/{strategy.pk}/"
    counts = {
        persona: page_queries(person(people, persona), url)
        for persona in ("superuser", "lead_planner", "partner_approver")
    }
    assert counts == {"superuser": 16, "lead_planner": 16, "partner_approver": 16}


def test_the_lesson_page_costs_a_planner_what_it_costs_a_superuser(db: None) -> None:
    world = build_world()
    lesson = record(world)
    url = f"/lessons/{lesson.pk}/"
    counts = {
        persona: page_queries(world[persona], url)
        for persona in ("superuser", "mfa_planner", "mfa_approver")
    }
    assert counts == {"superuser": 14, "mfa_planner": 14, "mfa_approver": 14}


def test_the_lesson_page_asks_once_for_all_its_remedial_actions(db: None) -> None:
    """Whether the reader may report on each action is fetched for all of them at once."""
    world = build_world()
    lesson = record(world)
    for step in (LessonStatus.OBSERVATION, LessonStatus.ANALYSIS, LessonStatus.LESSON_IDENTIFIED):
        lesson = Lesson.objects.get(pk=lesson.pk)
        lessons.lesson_transition(
            lesson=lesson, by=world["mfa_analyst"], to=step, version=lesson.version, comment=""
        )
    lesson = Lesson.objects.get(pk=lesson.pk)
    url = f"/lessons/{lesson.pk}/"
    counts = []
    for actions in (1, 4):
        while lesson.remedial_actions.count() < actions:
            lessons.remedial_action_task(
                lesson=lesson,
                by=world["mfa_analyst"],
                action_body=world["mfa"],
                description="Keep the checkpoints open until midnight.",
                due_on=days(30),
            )
        counts.append({p: page_queries(world[p], url) for p in ("superuser", "mfa_analyst")})
    assert counts == [{"superuser": 16, "mfa_analyst": 16}] * 2


def in_a_request(view: Any) -> Any:
    """What `view` answers when run as a page is, inside the middleware that keeps the
    request's answers."""
    response = ObjectPermissionsMiddleware(view)(RequestFactory().get("/"))
    return json.loads(response.content)


def test_a_request_asks_once_per_person_and_object(db: None) -> None:
    _, people, plan = plan_world_make()
    lead_planner = person(people, "lead_planner")

    def view(request: HttpRequest) -> HttpResponse:
        with CaptureQueriesContext(connection) as queries:
            answers = [
                may(lead_planner, plan, "change_plan"),
                may(lead_planner, plan, "approve_plan"),
                may(lead_planner, plan, "view_plan"),
                sorted(acting_organisations(lead_planner, plan, "change_plan")),
            ]
        return JsonResponse({"answers": answers, "queries": len(queries.captured_queries)})

    answered = in_a_request(view)
    lead_org_id = plan.participants.get(role="lead").organisation_id
    assert answered == {"answers": [True, False, True, [lead_org_id]], "queries": 1}


def test_a_request_that_changes_memberships_reads_the_grants_again(db: None) -> None:
    """A page rendered after a service call in the same request shows the new rights."""
    organisations, people, plan = plan_world_make()
    lead_approver = person(people, "lead_approver")

    def view(request: HttpRequest) -> HttpResponse:
        before = may(lead_approver, plan, "change_plan")
        add_membership(lead_approver, organisations["lead_org"], Role.PLANNER)
        after = may(lead_approver, plan, "change_plan")
        return JsonResponse({"before": before, "after": after})

    assert in_a_request(view) == {"before": False, "after": True}


def test_outside_a_request_every_question_reads_the_database(db: None) -> None:
    """Tasks and commands keep no answers: each question sees the grants as they are."""
    organisations, people, plan = plan_world_make()
    lead_approver = person(people, "lead_approver")
    assert may(lead_approver, plan, "change_plan") is False
    add_membership(lead_approver, organisations["lead_org"], Role.PLANNER)
    assert may(lead_approver, plan, "change_plan") is True
    with CaptureQueriesContext(connection) as queries:
        may(lead_approver, plan, "change_plan")
        may(lead_approver, plan, "approve_plan")
    assert len(queries.captured_queries) == 2
