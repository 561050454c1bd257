from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from accounts import grants
from accounts.authority import may
from accounts.grants import GrantChange, grants_desired, grants_rebuild, grants_recompute
from accounts.models import (
    Organisation,
    OrganisationGroup,
    OrganisationGroupObjectPermission,
    Role,
    User,
)
from capabilities.models import CapabilityOffer, Pledge
from funding.models import Allocation, DisbursementRequest, FundingInstrument
from lessons import services as lessons
from lessons.models import Lesson, LessonStatus, Releasability, RemedialAction
from missions import services as plans
from missions.models import Participant, ParticipantRole, Plan
from outreach.models import CommunicationItem
from secondments import services as secondments
from secondments.models import Secondment, Training
from strategy import services as strategies
from strategy.models import Strategy
from tests.factories import add_membership, make_member, make_organisation

pytestmark = pytest.mark.django_db


def grant_rows(organisation: Organisation) -> set[tuple[str, str]]:
    return set(
        OrganisationGroupObjectPermission.objects.filter(content_object=organisation).values_list(
            "group__name", "permission__codename"
        )
    )


EXPECTED_MFA_GRANTS = {
    (f"mfa:{role}", codename)
    for role in Role.values
    for codename in ("view_organisation", "view_organisation_members")
} | {("mfa:org_admin", "change_organisation")}


def test_grants_equal_what_the_rules_say(home_org: Organisation) -> None:
    assert grant_rows(home_org) == EXPECTED_MFA_GRANTS


@pytest.mark.parametrize(
    ("role", "sees_members", "edits_profile"),
    [
        (Role.PLANNER, True, False),
        (Role.APPROVER, True, False),
        (Role.FIELD_ADVISOR, True, False),
        (Role.ANALYST, True, False),
        (Role.ORG_ADMIN, True, True),
    ],
)
def test_each_role_gets_what_the_rules_say(
    home_org: Organisation,
    other_org: Organisation,
    role: str,
    sees_members: bool,
    edits_profile: bool,
) -> None:
    user = make_member(home_org, role)
    assert may(user, home_org, "view_organisation_members") is sees_members
    assert may(user, home_org, "change_organisation") is edits_profile
    assert may(user, other_org, "view_organisation_members") is False
    assert may(user, other_org, "change_organisation") is False


def test_recompute_is_idempotent(home_org: Organisation) -> None:
    assert grants_recompute(home_org) == GrantChange(added=0, removed=0)
    assert grants_recompute(home_org) == GrantChange(added=0, removed=0)
    assert grant_rows(home_org) == EXPECTED_MFA_GRANTS


def test_recompute_removes_a_grant_the_rules_do_not_give(home_org: Organisation) -> None:
    planners = home_org.role_groups.get(role=Role.PLANNER).group
    from guardian.shortcuts import assign_perm

    assign_perm("change_organisation", planners, home_org)
    assert ("mfa:planner", "change_organisation") in grant_rows(home_org)

    assert grants_recompute(home_org) == GrantChange(added=0, removed=1)
    assert grant_rows(home_org) == EXPECTED_MFA_GRANTS


def test_personal_grant_made_in_the_admin_counts_and_survives_recompute(
    home_org: Organisation,
) -> None:
    from guardian.shortcuts import assign_perm

    Organisation.objects.filter(pk=home_org.pk).update(is_active=False)
    auditor = make_member(make_organisation(slug="audit"), Role.ANALYST)
    assign_perm("accounts.view_organisation", auditor, home_org)

    grants_recompute(home_org)

    from accounts.selectors import organisation_list

    assert home_org in organisation_list(user=User.objects.get(pk=auditor.pk))


# --- the rules over a world with every model: the per-object path and the rebuild ------------

ALL_ROLES = list(Role)
WORLD_ORGANISATIONS = ("gov", "army", "aid", "police", "stranger")


def build_world() -> dict[str, Any]:
    """`gov` leads a plan with `army` (contributor) and `aid` (consulted) and a strategy with
    `aid`; `army` leads a plan with `police`; `police` leads a strategy alone; gov seconds to
    aid, army to police; `stranger` takes part in nothing. Each organisation has a `boss`
    holding every role. gov's lessons come from its plan, one per marking; army's is released
    to its plan's participants."""
    world: dict[str, Any] = {}
    for slug in WORLD_ORGANISATIONS:
        world[slug] = make_organisation(slug=slug)
        boss = make_member(world[slug], Role.PLANNER, username=f"{slug}-boss")
        for role in ALL_ROLES[1:]:
            add_membership(boss, world[slug], role)
        world[f"{slug}_boss"] = boss
    gov, army, aid, police = (world[slug] for slug in ("gov", "army", "aid", "police"))
    today = timezone.localdate()
    later = today + datetime.timedelta(days=90)

    world["strategy_gov"] = strategies.strategy_create(
        by=world["gov_boss"],
        title="Valeria strategy",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=gov,
        partners=[aid],
    )
    world["strategy_police"] = strategies.strategy_create(
        by=world["police_boss"],
        title="Policing strategy",
        theatre="Kora",
        approach="stabilisation",
        lead_organisation=police,
    )
    world["plan_gov"] = plans.plan_create(
        by=world["gov_boss"],
        title="Valeria plan",
        theatre="Valeria",
        lead_organisation=gov,
        participants=[(army, ParticipantRole.CONTRIBUTOR), (aid, ParticipantRole.CONSULTED)],
        start_date=today,
        end_date=later,
    )
    world["plan_army"] = plans.plan_create(
        by=world["army_boss"],
        title="Kora plan",
        theatre="Kora",
        lead_organisation=army,
        participants=[(police, ParticipantRole.CONTRIBUTOR)],
        start_date=today,
        end_date=later,
    )
    for home, host in (("gov", "aid"), ("army", "police")):
        world[f"secondment_{home}"] = secondments.secondment_request(
            by=world[f"{home}_boss"],
            person=make_member(world[home], Role.FIELD_ADVISOR, username=f"{home}-advisor"),
            home_organisation=world[home],
            host_organisation=world[host],
            role=Role.PLANNER,
            start_date=today,
            end_date=later,
        )
    for slug in ("gov", "army"):
        world[f"training_{slug}"] = secondments.training_create(
            by=world[f"{slug}_boss"],
            organiser=world[slug],
            title=f"{slug} course",
            start_date=today,
            end_date=today,
            capacity=10,
            online=True,
        )

    def lesson(slug: str, releasability: str, **marking: Any) -> Lesson:
        recorded = lessons.lesson_record(
            by=world[f"{slug}_boss"],
            source_organisation=world[slug],
            title=f"{slug} lesson, {releasability}",
            observation="The checkpoints closed at dusk.",
            observed_on=today,
            source_plan=world[f"plan_{slug}"],
        )
        if releasability != Releasability.ORIGINATOR:
            lessons.lesson_release(
                lesson=recorded,
                by=world[f"{slug}_boss"],
                version=recorded.version,
                releasability=releasability,
                **marking,
            )
        return Lesson.objects.get(pk=recorded.pk)

    for releasability in Releasability.values:
        named = {"organisations": [police]} if releasability == Releasability.NAMED else {}
        world[f"lesson_{releasability}"] = lesson("gov", releasability, **named)
    world["lesson_army"] = lesson("army", Releasability.PARTICIPANTS)

    def action(lesson_key: str, action_body: Organisation) -> RemedialAction:
        identified = world[lesson_key]
        boss = world[f"{identified.source_organisation.slug}_boss"]
        for step in (
            LessonStatus.OBSERVATION,
            LessonStatus.ANALYSIS,
            LessonStatus.LESSON_IDENTIFIED,
        ):
            identified = lessons.lesson_transition(
                lesson=identified, by=boss, to=step, version=identified.version
            )
        return lessons.remedial_action_task(
            lesson=identified,
            by=boss,
            action_body=action_body,
            description="Keep the checkpoints open at night.",
            due_on=later,
        )

    world["action_gov"] = action(f"lesson_{Releasability.PARTICIPANTS}", army)
    world["action_army"] = action("lesson_army", army)
    return world


@pytest.fixture(scope="module")
def world(module_db: Any) -> dict[str, Any]:
    with module_db.unblock():
        return build_world()


def grant(
    obj: models.Model, organisations: Iterable[str], roles: Iterable[str], codes: Iterable[str]
) -> set[tuple[int, str, str]]:
    return {
        (obj.pk, f"{slug}:{role}", code)
        for slug in organisations
        for role in roles
        for code in codes
    }


def lesson_grants(lesson: Lesson, source: str, readers: Iterable[str]) -> set[tuple[int, str, str]]:
    return (
        grant(lesson, [source, *readers], ALL_ROLES, ["view_lesson"])
        | grant(lesson, [source], [Role.ANALYST, Role.APPROVER], ["move_lesson"])
        | grant(lesson, [source], [Role.APPROVER], ["release_lesson"])
        | grant(lesson, [source], [Role.PLANNER, Role.ANALYST], ["request_release"])
    )


def expected_grants(world: dict[str, Any]) -> dict[type[models.Model], set[tuple[int, str, str]]]:
    """What the rules say, in the users' words, of every object of the world."""
    w = world
    return {
        Organisation: set().union(
            *(
                grant(
                    w[slug], [slug], ALL_ROLES, ["view_organisation", "view_organisation_members"]
                )
                | grant(w[slug], [slug], [Role.ORG_ADMIN], ["change_organisation"])
                for slug in WORLD_ORGANISATIONS
            )
        ),
        Strategy: grant(w["strategy_gov"], ["gov", "aid"], ALL_ROLES, ["view_strategy"])
        | grant(w["strategy_gov"], ["gov", "aid"], [Role.APPROVER], ["endorse_strategy"])
        | grant(
            w["strategy_gov"],
            ["gov", "aid"],
            [Role.PLANNER, Role.ANALYST, Role.FIELD_ADVISOR],
            ["record_reading"],
        )
        | grant(w["strategy_gov"], ["gov"], [Role.PLANNER], ["change_strategy"])
        | grant(w["strategy_police"], ["police"], ALL_ROLES, ["view_strategy"])
        | grant(w["strategy_police"], ["police"], [Role.APPROVER], ["endorse_strategy"])
        | grant(
            w["strategy_police"],
            ["police"],
            [Role.PLANNER, Role.ANALYST, Role.FIELD_ADVISOR],
            ["record_reading"],
        )
        | grant(w["strategy_police"], ["police"], [Role.PLANNER], ["change_strategy"]),
        Plan: grant(w["plan_gov"], ["gov", "army", "aid"], ALL_ROLES, ["view_plan"])
        | grant(w["plan_gov"], ["gov", "army", "aid"], [Role.FIELD_ADVISOR], ["file_field_report"])
        | grant(w["plan_gov"], ["gov"], [Role.PLANNER], ["change_plan"])
        | grant(w["plan_gov"], ["gov"], [Role.APPROVER], ["approve_plan"])
        | grant(w["plan_gov"], ["army"], [Role.APPROVER], ["review_plan"])
        | grant(w["plan_army"], ["army", "police"], ALL_ROLES, ["view_plan"])
        | grant(w["plan_army"], ["army", "police"], [Role.FIELD_ADVISOR], ["file_field_report"])
        | grant(w["plan_army"], ["army"], [Role.PLANNER], ["change_plan"])
        | grant(w["plan_army"], ["army"], [Role.APPROVER], ["approve_plan"])
        | grant(w["plan_army"], ["police"], [Role.APPROVER], ["review_plan"]),
        Secondment: set().union(
            *(
                grant(w[f"secondment_{home}"], [home, host], ALL_ROLES, ["view_secondment"])
                | grant(
                    w[f"secondment_{home}"], [home, host], [Role.APPROVER], ["decide_secondment"]
                )
                | grant(
                    w[f"secondment_{home}"],
                    [home, host],
                    [Role.PLANNER, Role.ORG_ADMIN],
                    ["change_secondment"],
                )
                for home, host in (("gov", "aid"), ("army", "police"))
            )
        ),
        Training: grant(
            w["training_gov"],
            ["gov"],
            [Role.PLANNER, Role.ORG_ADMIN],
            ["change_training", "record_attendance"],
        )
        | grant(
            w["training_army"],
            ["army"],
            [Role.PLANNER, Role.ORG_ADMIN],
            ["change_training", "record_attendance"],
        ),
        # With all_members, only the source organisation holds grants: everyone else reads
        # through the lessons' selector.
        Lesson: lesson_grants(w["lesson_originator"], "gov", [])
        | lesson_grants(w["lesson_participants"], "gov", ["army", "aid"])
        | lesson_grants(w["lesson_named"], "gov", ["police"])
        | lesson_grants(w["lesson_all_members"], "gov", [])
        | lesson_grants(w["lesson_army"], "army", ["police"]),
        RemedialAction: grant(
            w["action_gov"],
            ["army"],
            [Role.PLANNER, Role.APPROVER, Role.ANALYST],
            ["change_remedialaction"],
        )
        | grant(w["action_gov"], ["gov"], [Role.ANALYST, Role.APPROVER], ["change_remedialaction"])
        | grant(
            w["action_army"],
            ["army"],
            [Role.PLANNER, Role.APPROVER, Role.ANALYST],
            ["change_remedialaction"],
        ),
    }


def group_grants(model: type[models.Model]) -> set[tuple[int, str, str]]:
    perm_model: Any = get_group_obj_perms_model(model())
    return set(
        perm_model.objects.values_list("content_object_id", "group__name", "permission__codename")
    )


def user_grants(model: type[models.Model]) -> set[tuple[int, int, int]]:
    perm_model: Any = get_user_obj_perms_model(model())
    return set(perm_model.objects.values_list("content_object_id", "user_id", "permission_id"))


# The models this module's world holds objects of; the rules of those registered since
# (messages, funding, capabilities) are checked against their own worlds in their apps' tests.
WORLD_MODELS = [Organisation, Strategy, Plan, Secondment, Training, Lesson, RemedialAction]


def test_every_model_with_rules_is_in_the_world() -> None:
    assert set(grants.registered_models()) == {
        Organisation,
        Strategy,
        Plan,
        Secondment,
        Training,
        Lesson,
        RemedialAction,
        # Its rules against the domain, recompute and rebuild: tests/outreach/test_grants.py.
        CommunicationItem,
        # Their rules against the domain and rebuild: tests/funding/test_grants.py.
        FundingInstrument,
        Allocation,
        DisbursementRequest,
        # Their rules against the domain: tests/capabilities/ (offers' and pledges' tests).
        CapabilityOffer,
        Pledge,
    }


def test_services_grant_what_the_rules_say(world: dict[str, Any]) -> None:
    for model, expected in expected_grants(world).items():
        assert group_grants(model) == expected, model.__name__


def test_rules_give_each_object_of_a_chunk_what_they_give_it_alone(
    world: dict[str, Any],
) -> None:
    for model in WORLD_MODELS:
        objects = list(model._default_manager.order_by("pk"))
        assert len(objects) >= 2, model.__name__
        chunk = grants_desired(objects)
        assert chunk == {obj.pk: grants_desired([obj])[obj.pk] for obj in objects}
        assert {
            (pk, group, code)
            for pk, held in chunk.items()
            for group, codes in held.items()
            for code in codes
        } == {
            (pk, OrganisationGroup.objects.get(group__name=name).group_id, code)
            for pk, name, code in expected_grants(world)[model]
        }, model.__name__


def corrupt(model: type[models.Model]) -> int:
    """Delete every other group grant of `model`'s objects and give its first object two grants
    no rule gives: one to a group with nothing on it, one of a permission its group does not
    hold. Returns how many rows were deleted."""
    perm_model: Any = get_group_obj_perms_model(model())
    ids = list(perm_model.objects.order_by("id").values_list("id", flat=True))
    deleted, _ = perm_model.objects.filter(id__in=ids[::2]).delete()
    first = model._default_manager.order_by("pk").first()
    held_by = perm_model.objects.filter(content_object=first).values_list("group", flat=True)[0]
    stranger = OrganisationGroup.objects.get(organisation__slug="stranger", role=Role.PLANNER)
    name = model._meta.model_name
    assign_perm(f"view_{name}", stranger.group, first)
    assign_perm(f"delete_{name}", OrganisationGroup.objects.get(group=held_by).group, first)
    return int(deleted)


@pytest.mark.parametrize("chunk", [2, grants.REBUILD_CHUNK])
def test_rebuild_restores_exactly_what_the_rules_say_and_leaves_personal_grants(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(grants, "REBUILD_CHUNK", chunk)
    auditor = make_member(world["stranger"], Role.ANALYST)
    for model in WORLD_MODELS:
        for obj in model._default_manager.all():
            assign_perm(f"view_{model._meta.model_name}", auditor, obj)
    personal = {model: user_grants(model) for model in WORLD_MODELS}
    deleted = {model: corrupt(model) for model in WORLD_MODELS}

    out = StringIO()
    call_command("rebuild_grants", stdout=out)

    for model, expected in expected_grants(world).items():
        assert group_grants(model) == expected, model.__name__
        assert user_grants(model) == personal[model], model.__name__
    lines = [
        re.sub(r" in \d+\.\d s \([\d,]+ objects/s\)", "", line)
        for line in out.getvalue().splitlines()
    ]
    objects = {Organisation: 5, Strategy: 2, Plan: 2, Secondment: 2, Training: 2, Lesson: 5}
    objects[RemedialAction] = 2
    assert lines == [
        *(
            f"{model._meta.label}: {objects[model]} objects, {deleted[model]} added, 2 removed."
            if model in WORLD_MODELS
            else f"{model._meta.label}: 0 objects, 0 added, 0 removed."
            for model in grants.registered_models()
        ),
        f"Grants rebuilt: {sum(deleted.values())} added, 14 removed.",
    ]

    again = StringIO()
    call_command("rebuild_grants", "missions.Plan", "lessons.Lesson", stdout=again)
    assert again.getvalue().splitlines()[-1] == "Grants rebuilt: 0 added, 0 removed."


@pytest.mark.parametrize("extra_plans", [10, 50])
def test_rebuild_queries_are_flat_per_chunk(world: dict[str, Any], extra_plans: int) -> None:
    today = timezone.localdate()
    made = Plan.objects.bulk_create(
        Plan(
            title=f"Plan {n}",
            theatre="Valeria",
            lead_organisation=world["gov"],
            start_date=today,
            end_date=today,
            created_by=world["gov_boss"],
        )
        for n in range(extra_plans)
    )
    Participant.objects.bulk_create(
        Participant(plan=plan, organisation=organisation, role=role)
        for plan in made
        for organisation, role in (
            (world["gov"], ParticipantRole.LEAD),
            (world["army"], ParticipantRole.CONTRIBUTOR),
        )
    )
    corrupt(Plan)
    with CaptureQueriesContext(connection) as queries:
        change = grants_rebuild([Plan])
    # Permissions; the chunk; its participants; their groups; savepoint; the chunk's grant
    # rows; delete; insert; release; the next chunk (none).
    assert len(queries) == 10
    # Each new plan: gov's and army's 5 groups see it, their field advisors file reports, gov's
    # planners change it and approvers approve it, army's approvers review it.
    assert change.removed == 2
    assert len(group_grants(Plan)) == 15 * extra_plans + 21 + 15


def row_ids(obj: models.Model) -> set[int]:
    perm_model: Any = get_group_obj_perms_model(obj)
    return set(perm_model.objects.filter(content_object=obj).values_list("id", flat=True))


def test_recompute_touches_only_the_rows_that_change(world: dict[str, Any]) -> None:
    plan, lesson = world["plan_gov"], world["lesson_participants"]
    plan_rows, lesson_rows = row_ids(plan), row_ids(lesson)

    Participant.objects.create(
        plan=plan, organisation=world["police"], role=ParticipantRole.CONSULTED
    )
    change = grants_recompute(plan)

    # police's 5 groups see the plan and its field advisors file reports; they read the lesson
    # released to the plan's participants. No other row is rewritten.
    assert change == GrantChange(added=6, removed=0)
    assert plan_rows < row_ids(plan)
    assert len(row_ids(plan) - plan_rows) == 6
    assert lesson_rows < row_ids(lesson)
    assert len(row_ids(lesson) - lesson_rows) == 5
    expected = expected_grants(world)
    assert group_grants(Plan) == (
        expected[Plan]
        | grant(plan, ["police"], ALL_ROLES, ["view_plan"])
        | grant(plan, ["police"], [Role.FIELD_ADVISOR], ["file_field_report"])
    )
    assert group_grants(Lesson) == (
        expected[Lesson] | grant(lesson, ["police"], ALL_ROLES, ["view_lesson"])
    )
    assert grants_recompute(plan) == GrantChange(added=0, removed=0)
