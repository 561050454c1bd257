"""Who sees what, on every route: a matrix generated from the URL configuration.

One world holds private objects of `mfa` (a plan with every kind of part, a strategy with
every kind of part, a report job, a notification, a glossary proposal, an inactive
organisation, and a lesson read by `mfa` only, with a remedial action, a photo, a release
waiting for a decision and the insider's subscription). Three personas must see none of
them, on any list, page or endpoint:

- `outsider`: planner, approver, field advisor and organisation administrator of `mod`;
- `ended_yesterday`: a planner and approver of `mfa` until yesterday. The membership was
  ended without the group sync, so they are still in `mfa`'s Django groups: authority must
  follow membership dates, not groups;
- `starts_tomorrow`: a planner and approver of `mfa` from tomorrow, also put straight into
  every `mfa` group, to prove a stale group grants nothing.

Superusers see everything by policy (and are kept from acting elsewhere), so they are not here.
`insider` (planner, approver, field advisor and organisation administrator of `mfa`) is the
control: each case first proves it reaches the private object, so a 404 or an empty list
below means "hidden", not "wrong URL".

Every route (the admin aside) is in exactly one table below. A route that is in none fails
`test_route_hides_private_objects[<route name>]`: an endpoint added without saying how its
visibility is covered fails the suite.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import (
    Membership,
    Notification,
    Organisation,
    OrganisationGroup,
    OrganisationKind,
    Role,
    User,
)
from accounts.notifications import notify
from accounts.work import SECTIONS
from capabilities import services as capabilities
from capabilities.models import CapabilityOffer, Pledge, PledgeDecision, Requirement
from funding import services as funding
from funding.models import Allocation, DisbursementDecision, DisbursementRequest, FundingInstrument
from lessons import services as lessons
from lessons.models import (
    Lesson,
    LessonAttachment,
    LessonStatus,
    LessonSubscription,
    Releasability,
    ReleaseDecision,
    ReleaseRequest,
    RemedialAction,
)
from missions import services as plans
from missions.models import (
    Activity,
    Attachment,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Plan,
    Review,
)
from outreach import services as outreach
from outreach.models import CommunicationClearance, CommunicationItem, PerceptionReading
from reports import services as reports
from reports.models import Report, ReportStatus
from secondments import services as secondments
from secondments.models import Post, Secondment, SecondmentDecision, Training
from strategy import services as strategies
from strategy.models import (
    ConflictDriver,
    Endorsement,
    GlossaryStatus,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    Strategy,
)
from tests.factories import add_membership, make_member, make_organisation

# Every private title, name and text carries this word, so one search of a response finds
# any of them.
PRIVATE = "Nightjar"

PERSONAS = ("outsider", "ended_yesterday", "starts_tomorrow")
START = datetime.date(2026, 1, 1)
END = datetime.date(2027, 12, 31)


# --- the world ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    ids: dict[str, int]  # private object -> primary key
    insider: User
    personas: dict[str, User]
    # What a persona may see of its own: the outsider's plan and strategy (by kind).
    own: dict[str, dict[str, int]]
    # One signed-in client per user (insider and personas): a new client would load the
    # middleware again, and WhiteNoise's scan of the static files is slow.
    clients: dict[str, APIClient] = field(default_factory=dict)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1d4e89").save(buffer, format="PNG")
    return SimpleUploadedFile("nightjar-site.png", buffer.getvalue(), content_type="image/png")


def _build_world() -> World:
    today = timezone.localdate()
    mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    mod = make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)
    dev = make_organisation(
        slug="dev", name="Development Cooperation", kind=OrganisationKind.DEVELOPMENT
    )
    ngo = make_organisation(slug="ngo", name="Peacebuilding Partners", kind=OrganisationKind.NGO)
    dissolved = make_organisation(slug="nightjar", name=f"{PRIVATE} Directorate")

    insider = make_member(mfa, Role.PLANNER, username="insider")
    for role in (Role.APPROVER, Role.FIELD_ADVISOR, Role.ORG_ADMIN):
        add_membership(insider, mfa, role)
    add_membership(insider, dissolved, Role.PLANNER)
    Organisation.objects.filter(pk=dissolved.pk).update(is_active=False)
    dev_approver = make_member(dev, Role.APPROVER, username="dev-approver")

    strategy = strategies.strategy_create(
        by=insider,
        title=f"{PRIVATE} strategy",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=mfa,
        partners=[dev],
        summary=f"{PRIVATE} summary.",
    )
    driver = strategies.driver_create(
        strategy=strategy,
        by=insider,
        data={"title": f"{PRIVATE} driver", "kind": "root_cause", "order": 1},
    )
    goal = strategies.goal_create(
        strategy=strategy, by=insider, data={"title": f"{PRIVATE} goal", "drivers": [driver]}
    )
    indicator = strategies.indicator_create(
        goal=goal,
        by=insider,
        data={
            "name": f"{PRIVATE} indicator",
            "unit": "incidents",
            "baseline": Decimal(60),
            "target": Decimal(10),
            "warning_threshold": Decimal(40),
            "warning_direction": "above",
        },
    )
    strategies.reading_record(
        indicator=indicator, by=insider, date=today, value=Decimal(30), note=f"{PRIVATE} reading"
    )
    strategies.strategy_submit(strategy=strategy, by=insider)
    strategy.refresh_from_db()
    # dev endorses; mfa's endorsement is pending, so an mfa approver could still decide.
    strategies.strategy_endorse(
        strategy=strategy, by=dev_approver, edition=strategy.edition, decision="endorse"
    )

    plan = plans.plan_create(
        by=insider,
        title=f"{PRIVATE} plan",
        theatre="Valeria",
        lead_organisation=mfa,
        participants=[(dev, "contributor"), (ngo, "consulted")],
        start_date=START,
        end_date=END,
        phase="planning",
    )
    line = plans.line_of_effort_create(
        plan=plan,
        by=insider,
        data={"domain": "governance", "title": f"{PRIVATE} line", "lead_organisation": mfa},
    )
    activity = plans.activity_create(
        line_of_effort=line,
        by=insider,
        data={
            "title": f"{PRIVATE} activity",
            "responsible_organisation": mfa,
            "actor_type": "civilian",
            "task_nature": "non_military",
            "start_date": START,
            "end_date": datetime.date(2026, 6, 30),
        },
    )
    milestone = plans.milestone_create(
        plan=plan, by=insider, data={"title": f"{PRIVATE} milestone", "due_date": END}
    )
    consultation = plans.consultation_create(
        plan=plan,
        by=insider,
        data={"stakeholder": ngo, "date": START, "summary": f"{PRIVATE} consultation"},
    )
    plans.plan_submit(plan=plan, by=insider)
    plan.refresh_from_db()
    # dev approves; only the lead's approval is missing, so an mfa approver could approve.
    plans.plan_review(plan=plan, by=dev_approver, submission=plan.submission, decision="approve")
    field_report = plans.field_report_file(
        plan=plan,
        by=insider,
        date=today,
        situation=f"{PRIVATE} situation",
        activity=activity,
        place="Kora",
        attachments=[_png()],
    )
    attachment = field_report.attachments.get()

    report = reports.report_request(by=insider, kind="plan_brief", params={"plan": plan.pk})
    # Built, so its owner can download it (no worker runs: this transaction never commits).
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        file=default_storage.save("reports/nightjar-brief.pdf", ContentFile(b"%PDF-1.4\n")),
    )
    notify(
        recipients=[insider],
        kind="test.private",
        text=f"{PRIVATE} notice for the insider",
        url=plan.get_absolute_url(),
        event_key="visibility-matrix:notice",
    )
    notification = Notification.objects.get(recipient=insider, kind="test.private")
    term = strategies.glossary_term_propose(
        by=insider, data={"term": f"{PRIVATE} doctrine", "definition": f"{PRIVATE} meaning."}
    )
    # A public term everyone sees, and that a proposal could be merged into.
    GlossaryTerm.objects.create(
        term="Civil-military cooperation",
        definition="Working together.",
        status=GlossaryStatus.APPROVED,
    )

    # A secondment of an mfa advisor to dev, waiting for both decisions; a post at dev.
    advisor = make_member(mfa, Role.FIELD_ADVISOR, username=f"{PRIVATE.lower()}-advisor")
    post = Post.objects.create(title="Governance advisor", host_organisation=dev)
    secondment = secondments.secondment_request(
        by=insider,
        person=advisor,
        home_organisation=mfa,
        host_organisation=dev,
        post=post,
        role=Role.PLANNER,
        start_date=today,
        end_date=today + datetime.timedelta(days=90),
        purpose=f"{PRIVATE} advisory mission.",
    )
    # The joint training calendar is open to everyone signed in.
    training = secondments.training_create(
        by=insider,
        organiser=mfa,
        title="Civil-military coordination course",
        start_date=today,
        end_date=today + datetime.timedelta(days=3),
        capacity=10,
        online=True,
    )

    # An instrument of mfa funding the private activity, with a request waiting for mfa's
    # approvers: seen by mfa's members (the owner) and the plan's participants only.
    fund = funding.instrument_create(
        by=insider,
        owner=mfa,
        name=f"{PRIVATE} fund",
        kind="rapid_response",
        currency="EUR",
        target_days_to_disburse=14,
        description=f"{PRIVATE} fund description.",
    )
    allocation = funding.allocation_create(
        by=insider,
        instrument=fund,
        activity=activity,
        amount=Decimal("1000.00"),
        note=f"{PRIVATE} allocation",
    )
    disbursement = funding.disbursement_request(
        by=insider, allocation=allocation, amount=Decimal("100.00"), purpose=f"{PRIVATE} request"
    )

    # A message of the private plan spoken by dev that names mfa's work (the insider clears
    # it), and a perception figure on the private indicator's reading: seen through the plan.
    message = outreach.communication_create(
        plan=plan,
        by=insider,
        title=f"{PRIVATE} message",
        audience="local_population",
        channel="radio",
        key_message=f"{PRIVATE} key message.",
        planned_date=today,
        spokesperson=dev,
        named_participants=[mfa],
    )
    perception = PerceptionReading.objects.create(
        plan=plan,
        reading=IndicatorReading.objects.get(indicator=indicator),
        area=f"{PRIVATE} district",
        source=f"{PRIVATE} survey",
    )

    # An offer of mfa shared with no one, a need of the private plan, and a pledge of the one
    # to the other waiting for mfa's approvers (the plan's side): seen by mfa's members only.
    capability_offer = capabilities.offer_create(
        by=insider,
        organisation=mfa,
        kind="expertise",
        domain="governance",
        description=f"{PRIVATE} offer",
        quantity=Decimal("5"),
        unit="experts",
        available_from=plan.start_date,
        available_until=plan.end_date,
    )
    requirement = capabilities.requirement_create(
        by=insider,
        plan=plan,
        data={
            "kind": "expertise",
            "domain": "governance",
            "description": f"{PRIVATE} need",
            "quantity": Decimal("3"),
            "unit": "experts",
            "needed_from": plan.start_date,
            "needed_until": plan.end_date,
        },
    )
    pledge = capabilities.pledge_propose(
        by=insider, offer=capability_offer, requirement=requirement, quantity=Decimal("2")
    )

    # A lesson of mfa from the private plan, read by mfa only: identified, with a photo, a
    # remedial action for mfa, a wider release asked by an analyst and waiting for an
    # approver, and the insider following a theatre.
    lesson = lessons.lesson_record(
        by=insider,
        source_organisation=mfa,
        title=f"{PRIVATE} lesson",
        observation=f"{PRIVATE} observation.",
        observed_on=today,
        theatre="Valeria",
        source_plan=plan,
        domains=["governance"],
        attachments=[_png()],
    )
    for step in (LessonStatus.OBSERVATION, LessonStatus.ANALYSIS, LessonStatus.LESSON_IDENTIFIED):
        lesson = lessons.lesson_transition(
            lesson=lesson, by=insider, to=step, version=lesson.version
        )
    remedial_action = lessons.remedial_action_task(
        lesson=lesson,
        by=insider,
        action_body=mfa,
        description=f"{PRIVATE} remedial action",
        due_on=today + datetime.timedelta(days=30),
    )
    lesson_analyst = make_member(mfa, Role.ANALYST, username=f"{PRIVATE.lower()}-analyst")
    asked = lessons.lesson_release(
        lesson=Lesson.objects.get(pk=lesson.pk),
        by=lesson_analyst,
        version=Lesson.objects.get(pk=lesson.pk).version,
        releasability=Releasability.PARTICIPANTS,
        reason=f"{PRIVATE} reason",
    )
    assert not asked.applied
    subscription = lessons.lesson_subscription_add(by=insider, theatre=f"{PRIVATE} Coast")

    # The personas come last, so no notification of the world reached them while members.
    outsider = make_member(mod, Role.PLANNER, username="outsider")
    for role in (Role.APPROVER, Role.FIELD_ADVISOR, Role.ORG_ADMIN):
        add_membership(outsider, mod, role)
    # The outsider's own plan and strategy: their lists are not empty by accident.
    own_plan = plans.plan_create(
        by=outsider,
        title="Ministry of Defence logistics plan",
        theatre="Valeria",
        lead_organisation=mod,
        start_date=START,
        end_date=END,
    )
    own_strategy = strategies.strategy_create(
        by=outsider,
        title="Ministry of Defence posture",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=mod,
    )

    ended_yesterday = make_member(mfa, Role.PLANNER, username="ended-yesterday")
    add_membership(ended_yesterday, mfa, Role.APPROVER)
    # Ended without the sync: still in mfa's planner and approver groups.
    Membership.objects.filter(user=ended_yesterday).update(
        valid_until=today - datetime.timedelta(days=1)
    )

    tomorrow = today + datetime.timedelta(days=1)
    starts_tomorrow = make_member(
        mfa, Role.PLANNER, username="starts-tomorrow", valid_from=tomorrow
    )
    add_membership(starts_tomorrow, mfa, Role.APPROVER, valid_from=tomorrow)
    for role in Role:
        starts_tomorrow.groups.add(OrganisationGroup.objects.get(organisation=mfa, role=role).group)

    return World(
        ids={
            "plan": plan.pk,
            "line": line.pk,
            "activity": activity.pk,
            "milestone": milestone.pk,
            "consultation": consultation.pk,
            "field_report": field_report.pk,
            "attachment": attachment.pk,
            "strategy": strategy.pk,
            "driver": driver.pk,
            "goal": goal.pk,
            "indicator": indicator.pk,
            "report": report.pk,
            "notification": notification.pk,
            "glossary_term": term.pk,
            "dissolved_organisation": dissolved.pk,
            "secondment": secondment.pk,
            "secondment_person": advisor.pk,
            "post": post.pk,
            "training": training.pk,
            "lesson": lesson.pk,
            "remedial_action": remedial_action.pk,
            "lesson_attachment": lesson.attachments.get().pk,
            "lesson_subscription": subscription.pk,
            "funding_instrument": fund.pk,
            "allocation": allocation.pk,
            "disbursement": disbursement.pk,
            "capability_offer": capability_offer.pk,
            "requirement": requirement.pk,
            "pledge": pledge.pk,
            "communication": message.pk,
            "perception_reading": perception.pk,
        },
        insider=insider,
        personas={
            "outsider": outsider,
            "ended_yesterday": ended_yesterday,
            "starts_tomorrow": starts_tomorrow,
        },
        own={"outsider": {"plan": own_plan.pk, "strategy": own_strategy.pk}},
    )


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once for the module in a transaction rolled back at its end; each test runs in
    a savepoint inside it, so what a test changes is undone before the next."""
    media = tmp_path_factory.mktemp("visibility-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media), PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        world = _build_world()
        for user in (world.insider, *world.personas.values()):
            client = APIClient()
            client.force_authenticate(user)  # the API, without CSRF
            client.force_login(user)  # pages, through a session kept for the whole module
            world.clients[user.username] = client
        yield world
        transaction.set_rollback(True)


def _fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row a denied request could change, with the fields that would show it."""
    rows: dict[str, tuple[Any, tuple[str, ...]]] = {
        "plans": (Plan, ("status", "version", "submission")),
        "reviews": (Review, ("organisation_id", "submission", "decision")),
        "lines": (LineOfEffort, ("version",)),
        "activities": (Activity, ("version", "status", "progress")),
        "milestones": (Milestone, ("version",)),
        "consultations": (Consultation, ("version",)),
        "field_reports": (FieldReport, ()),
        "attachments": (Attachment, ()),
        "strategies": (Strategy, ("status", "version", "edition")),
        "endorsements": (Endorsement, ("organisation_id", "edition", "decision")),
        "drivers": (ConflictDriver, ("version",)),
        "goals": (Goal, ("version",)),
        "indicators": (Indicator, ("version",)),
        "readings": (IndicatorReading, ()),
        "reports": (Report, ("status", "attempt")),
        "notifications": (Notification, ("read_at",)),
        "glossary": (GlossaryTerm, ("status", "version")),
        "organisations": (Organisation, ("is_active", "version")),
        "memberships": (Membership, ("valid_from", "valid_until")),
        "secondments": (
            Secondment,
            ("status", "version", "request", "end_date", "proposed_end_date", "membership_id"),
        ),
        "secondment_decisions": (SecondmentDecision, ("organisation_id", "request", "decision")),
        "lessons": (
            Lesson,
            ("status", "version", "releasability", "release_round", "release_requested", "title"),
        ),
        "lesson_release_requests": (ReleaseRequest, ("release_round", "outcome")),
        "lesson_release_decisions": (ReleaseDecision, ("release_round", "decision")),
        "remedial_actions": (RemedialAction, ("status", "version", "evidence")),
        "lesson_attachments": (LessonAttachment, ()),
        "lesson_subscriptions": (LessonSubscription, ("person_id", "domain", "theatre")),
        "funding_instruments": (FundingInstrument, ("version", "description")),
        "allocations": (Allocation, ("version", "amount", "note")),
        "disbursements": (
            DisbursementRequest,
            ("status", "version", "round", "amount", "purpose", "disbursed_on"),
        ),
        "disbursement_decisions": (DisbursementDecision, ("organisation_id", "decision")),
        "capability_offers": (
            CapabilityOffer,
            ("version", "description", "quantity", "visibility"),
        ),
        "requirements": (Requirement, ("version", "description", "quantity")),
        "pledges": (Pledge, ("status", "version", "round", "quantity")),
        "pledge_decisions": (PledgeDecision, ("organisation_id", "decision")),
        "communications": (
            CommunicationItem,
            ("status", "version", "clearance", "title", "public", "published_at"),
        ),
        "clearances": (CommunicationClearance, ("organisation_id", "clearance", "decision")),
        "perception_readings": (PerceptionReading, ("version", "area", "public")),
    }
    return {
        name: list(model.objects.order_by("pk").values_list("pk", *fields))
        for name, (model, fields) in rows.items()
    }


# --- the tables ---------------------------------------------------------------------------------
# Keyed by URL name and route; DRF's `.json`-style format-suffix variants fold into their route.

Key = tuple[str, str]
Expected = Callable[[World, str], list[int]]


def _nothing(world: World, persona: str) -> list[int]:
    return []


def _theirs(kind: str) -> Expected:
    """The persona's own object of this kind, if it has one."""

    def expected(world: World, persona: str) -> list[int]:
        own = world.own.get(persona, {})
        return [own[kind]] if kind in own else []

    return expected


def _active_organisations(world: World, persona: str) -> list[int]:
    return sorted(Organisation.objects.filter(is_active=True).values_list("pk", flat=True))


def _approved_terms(world: World, persona: str) -> list[int]:
    return sorted(
        GlossaryTerm.objects.filter(status=GlossaryStatus.APPROVED).values_list("pk", flat=True)
    )


# What someone who once saw the object would send: the round, version or values the
# insider read. A request that would succeed if visibility leaked shows in the fingerprint.
Body = Callable[[World], dict[str, Any]]


def _current(model: Any, obj: str, field_name: str) -> Callable[[World], Any]:
    return lambda world: model.objects.values_list(field_name, flat=True).get(pk=world.ids[obj])


def _edit(model: Any, obj: str, field_name: str) -> Body:
    """A change of one text field, naming the version read."""
    version = _current(model, obj, "version")
    return lambda world: {field_name: "Taken over", "version": version(world)}


def _plan_round(world: World) -> dict[str, Any]:
    return {"submission": _current(Plan, "plan", "submission")(world)}


def _plan_review(world: World) -> dict[str, Any]:
    return {**_plan_round(world), "decision": "approve"}


def _endorsement(world: World) -> dict[str, Any]:
    return {"edition": _current(Strategy, "strategy", "edition")(world), "decision": "endorse"}


def _glossary_decision(world: World) -> dict[str, Any]:
    approved = GlossaryTerm.objects.filter(status=GlossaryStatus.APPROVED).values_list("pk")
    return {
        "version": _current(GlossaryTerm, "glossary_term", "version")(world),
        "reason": "Not a term we use.",
        "into": approved.get()[0],
    }


def _secondment_decision(world: World) -> dict[str, Any]:
    """The API's decision names the request round read in `version`."""
    return {"version": _current(Secondment, "secondment", "request")(world), "decision": "approve"}


def _secondment_decision_page(world: World) -> dict[str, Any]:
    return {"round": _current(Secondment, "secondment", "request")(world), "decision": "approve"}


def _secondment_dates(world: World) -> dict[str, Any]:
    later = timezone.localdate() + datetime.timedelta(days=200)
    return {
        "end_date": later.isoformat(),
        "version": _current(Secondment, "secondment", "version")(world),
    }


def _secondment_version(world: World) -> dict[str, Any]:
    return {"version": _current(Secondment, "secondment", "version")(world)}


def _all_trainings(world: World, persona: str) -> list[int]:
    return sorted(Training.objects.values_list("pk", flat=True))


def _all_posts(world: World, persona: str) -> list[int]:
    return sorted(Post.objects.values_list("pk", flat=True))


def _lesson_form(world: World) -> dict[str, Any]:
    """The lesson's edit form as the insider would post it, with one change."""
    lesson = Lesson.objects.get(pk=world.ids["lesson"])
    return {
        "title": "Taken over",
        "observation": lesson.observation,
        "theatre": lesson.theatre,
        "observed_on": lesson.observed_on.isoformat(),
        "classification": lesson.classification,
        "domains": ["governance"],
        "version": lesson.version,
    }


def _lesson_move(world: World) -> dict[str, Any]:
    return {
        "to": LessonStatus.ANALYSIS,
        "comment": "",
        "version": _current(Lesson, "lesson", "version")(world),
    }


def _lesson_release(world: World) -> dict[str, Any]:
    return {
        "releasability": Releasability.ALL_MEMBERS,
        "reason": "",
        "version": _current(Lesson, "lesson", "version")(world),
    }


def _lesson_decision(world: World) -> dict[str, Any]:
    """The API's decision names the release round read."""
    return {
        "decision": "release",
        "release_round": _current(Lesson, "lesson", "release_round")(world),
    }


def _lesson_decision_page(world: World) -> dict[str, Any]:
    return {"decision": "release", "round": _current(Lesson, "lesson", "release_round")(world)}


def _action_task(world: World) -> dict[str, Any]:
    return {
        "action_body": Organisation.objects.get(slug="mfa").pk,
        "description": "Taken over",
        "due_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }


def _action_report(world: World) -> dict[str, Any]:
    return {
        "status": "in_progress",
        "evidence": "Taken over",
        "reason": "",
        "version": _current(RemedialAction, "remedial_action", "version")(world),
    }


def _allocation_page(world: World) -> dict[str, Any]:
    return {
        "instrument": world.ids["funding_instrument"],
        "activity": world.ids["activity"],
        "amount": "5.00",
    }


def _disbursement_page(world: World) -> dict[str, Any]:
    return {"allocation": world.ids["allocation"], "amount": "5.00"}


def _disbursement_decision(world: World) -> dict[str, Any]:
    """The decision names the round read."""
    return {
        "decision": "approve",
        "round": _current(DisbursementRequest, "disbursement", "round")(world),
    }


def _disbursement_version(world: World) -> dict[str, Any]:
    return {"version": _current(DisbursementRequest, "disbursement", "version")(world)}


def _communication_form(world: World) -> dict[str, Any]:
    """The message's form as the insider would post it, with one change."""
    item = CommunicationItem.objects.get(pk=world.ids["communication"])
    return {
        "title": "Taken over",
        "audience": item.audience,
        "channel": item.channel,
        "planned_date": item.planned_date.isoformat(),
        "key_message": item.key_message,
        "spokesperson": item.spokesperson_id,
        "version": item.version,
    }


def _clearance(world: World) -> dict[str, Any]:
    """The API's clearance names the round read."""
    return {
        "decision": "clear",
        "clearance": _current(CommunicationItem, "communication", "clearance")(world),
    }


def _clearance_page(world: World) -> dict[str, Any]:
    return {
        "decision": "clear",
        "round": _current(CommunicationItem, "communication", "clearance")(world),
    }


def _communication_version(world: World) -> dict[str, Any]:
    return {"version": _current(CommunicationItem, "communication", "version")(world)}


def _perception_page(world: World) -> dict[str, Any]:
    return {
        "indicator": world.ids["indicator"],
        "area": "Taken over",
        "date": timezone.localdate().isoformat(),
        "value": "5",
        "measure": "percent",
        "source": "Taken over",
    }


def _requirement_page(world: World) -> dict[str, Any]:
    day = timezone.localdate().isoformat()
    return {
        "kind": "expertise",
        "domain": "governance",
        "description": "Taken over",
        "quantity": "1",
        "unit": "experts",
        "needed_from": day,
        "needed_until": day,
        "priority": "high",
    }


def _pledge_page(world: World) -> dict[str, Any]:
    return {
        "requirement": world.ids["requirement"],
        "offer": world.ids["capability_offer"],
        "quantity": "1",
    }


def _pledge_quantity(world: World) -> dict[str, Any]:
    return {"quantity": "1", "version": _current(Pledge, "pledge", "version")(world)}


def _pledge_decision(world: World) -> dict[str, Any]:
    return {"decision": "accept", "round": _current(Pledge, "pledge", "round")(world)}


def _pledge_version(world: World) -> dict[str, Any]:
    return {"version": _current(Pledge, "pledge", "version")(world)}


def _offer_page(world: World) -> dict[str, Any]:
    offer = CapabilityOffer.objects.get(pk=world.ids["capability_offer"])
    return {
        "kind": offer.kind,
        "domain": offer.domain,
        "description": "Taken over",
        "quantity": "1",
        "unit": offer.unit,
        "available_from": offer.available_from.isoformat(),
        "available_until": offer.available_until.isoformat(),
        "visibility": "all",
        "version": offer.version,
    }


def _reading(world: World) -> dict[str, Any]:
    return {"date": timezone.localdate().isoformat(), "value": "5"}


@dataclass(frozen=True)
class ApiList:
    """GET as each persona: 200, and exactly `expected` ids in `results`, with no private
    text. The insider's results hold the `private` object (the control)."""

    private: str
    expected: Expected = _nothing


@dataclass(frozen=True)
class PageList:
    """GET as each persona: `status` (per persona where it differs), and no private text.
    `control`: the private object whose text the insider's page shows, if any."""

    control: str | None
    status: int = 200
    status_for: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnAction:
    """A route about the requester's own things only: each persona gets `status` (and
    `json`) and nothing in the world changes."""

    method: str
    status: int
    json: dict[str, Any] | None = None


@dataclass(frozen=True)
class ObjectRoute:
    """Every method of the route (DRF routes: all their actions; pages: `methods`) answers
    each persona 404, and changes nothing. Writes carry `body` (what someone who had read
    the object would send). The insider's GET answers `control`: the URL reaches the object."""

    kwargs: dict[str, str]  # URL keyword -> private object
    methods: tuple[str, ...] = ()
    control: int | None = None
    body: Body | None = None


def _pk(obj: str) -> dict[str, str]:
    return {"pk": obj}


GET = ("GET",)
GET_POST = ("GET", "POST")
POST = ("POST",)

API_LISTS: dict[Key, ApiList] = {
    ("api-organisation-list", "api/v1/organisations/"): ApiList(
        "dissolved_organisation", _active_organisations
    ),
    ("api-notification-list", "api/v1/notifications/"): ApiList("notification"),
    ("api-report-list", "api/v1/reports/"): ApiList("report"),
    ("api-strategy-list", "api/v1/strategies/"): ApiList("strategy", _theirs("strategy")),
    ("api-goal-list", "api/v1/goals/"): ApiList("goal"),
    ("api-driver-list", "api/v1/drivers/"): ApiList("driver"),
    ("api-indicator-list", "api/v1/indicators/"): ApiList("indicator"),
    ("api-glossary-term-list", "api/v1/glossary/"): ApiList("glossary_term", _approved_terms),
    ("api-plan-list", "api/v1/plans/"): ApiList("plan", _theirs("plan")),
    ("api-line-of-effort-list", "api/v1/lines-of-effort/"): ApiList("line"),
    ("api-activity-list", "api/v1/activities/"): ApiList("activity"),
    ("api-milestone-list", "api/v1/milestones/"): ApiList("milestone"),
    ("api-consultation-list", "api/v1/consultations/"): ApiList("consultation"),
    ("api-field-report-list", "api/v1/field-reports/"): ApiList("field_report"),
    ("api-secondment-list", "api/v1/secondments/"): ApiList("secondment"),
    # Posts are in the open directory; who held them comes from the secondments one sees.
    ("api-post-list", "api/v1/posts/"): ApiList("post", _all_posts),
    ("api-training-list", "api/v1/trainings/"): ApiList("training", _all_trainings),
    ("api-lesson-list", "api/v1/lessons/"): ApiList("lesson"),
    ("api-remedial-action-list", "api/v1/remedial-actions/"): ApiList("remedial_action"),
    # Each person's own subscriptions; none of the personas follows anything.
    ("api-lesson-subscription-list", "api/v1/lesson-subscriptions/"): ApiList(
        "lesson_subscription"
    ),
    ("api-funding-instrument-list", "api/v1/funding-instruments/"): ApiList("funding_instrument"),
    ("api-allocation-list", "api/v1/allocations/"): ApiList("allocation"),
    ("api-disbursement-list", "api/v1/disbursements/"): ApiList("disbursement"),
    ("api-capability-list", "api/v1/capabilities/"): ApiList("capability_offer"),
    ("api-requirement-list", "api/v1/requirements/"): ApiList("requirement"),
    ("api-pledge-list", "api/v1/pledges/"): ApiList("pledge"),
    ("api-communication-list", "api/v1/communications/"): ApiList("communication"),
    ("api-perception-reading-list", "api/v1/perception-readings/"): ApiList("perception_reading"),
}

# Only planners (today) start a plan, a strategy or a glossary proposal.
PLANNERS_ONLY = {"outsider": 200, "ended_yesterday": 403, "starts_tomorrow": 403}

PAGE_LISTS: dict[Key, PageList] = {
    ("home", ""): PageList(control="dissolved_organisation"),
    ("organisation-list", "organisations/"): PageList(control="dissolved_organisation"),
    ("notification-inbox", "notifications/"): PageList(control="notification"),
    ("notification-bell", "notifications/bell/"): PageList(control=None),
    ("work-badge", "work/badge/"): PageList(control=None),
    ("report-list", "reports/"): PageList(control="report"),
    ("strategy-list", "strategies/"): PageList(control="strategy"),
    # The form lists the strategies one may supersede.
    ("strategy-create", "strategies/new/"): PageList(control=None, status_for=PLANNERS_ONLY),
    ("glossary", "glossary/"): PageList(control="glossary_term"),
    ("glossary-propose", "glossary/propose/"): PageList(control=None, status_for=PLANNERS_ONLY),
    # Curators only; nobody here curates.
    ("glossary-proposals", "glossary/proposals/"): PageList(control=None, status=404),
    ("plan-list", "plans/"): PageList(control="plan"),
    # The form lists the strategies a plan may serve.
    ("plan-create", "plans/new/"): PageList(control=None, status_for=PLANNERS_ONLY),
    ("secondment-list", "secondments/"): PageList(control="secondment"),
    # Planners and organisation administrators request secondments.
    ("secondment-create", "secondments/new/"): PageList(control=None, status_for=PLANNERS_ONLY),
    # The training calendar is open to everyone signed in.
    ("training-list", "trainings/"): PageList(control=None),
    # The trainings the requester completed, loaded into their profile.
    ("trainings-completed", "trainings/completed/"): PageList(control=None),
    ("lesson-list", "lessons/"): PageList(control="lesson"),
    # The instruments of one's own organisations, with their times to disburse.
    ("funding-instrument-list", "funding/instruments/"): PageList(control="funding_instrument"),
    # The requester's own recent field reports, of the plans they still see (tests/offline/).
    ("outbox", "outbox/"): PageList(control=None),
    # Any current member records a lesson, for their organisation.
    ("lesson-capture", "lessons/new/"): PageList(control=None, status_for=PLANNERS_ONLY),
    # The requester's own subscriptions.
    ("lesson-subscriptions", "lessons/following/"): PageList(control="lesson_subscription"),
    # Search-as-you-type fields ask these for the first matches of what one may see.
    ("suggest-organisations", "suggest/organisations/"): PageList(control="dissolved_organisation"),
    ("suggest-strategies", "suggest/strategies/"): PageList(control="strategy"),
    ("suggest-plans", "suggest/plans/"): PageList(control="plan"),
    # Posts are part of the open directory of organisations.
    ("suggest-posts", "suggest/posts/"): PageList(control=None),
    # Planners and organisation administrators offer their organisations' capabilities.
    ("capability-offer-create", "capabilities/new/"): PageList(
        control=None, status_for=PLANNERS_ONLY
    ),
}

OWN_ACTIONS: dict[Key, OwnAction] = {
    ("api-notification-unread-count", "api/v1/notifications/unread-count/"): OwnAction(
        "GET", 200, {"unread": 0}
    ),
    ("api-notification-read-all", "api/v1/notifications/read-all/"): OwnAction(
        "POST", 200, {"marked": 0}
    ),
    ("notification-read-all", "notifications/read-all/"): OwnAction("POST", 302),
    # Nothing in the world waits for any persona: the private plan and strategy are drafts.
    ("api-my-work", "api/v1/users/me/work/"): OwnAction(
        "GET",
        200,
        {
            "total": 0,
            "sections": [
                {"key": section.key, "title": section.title, "count": 0, "items": []}
                for section in SECTIONS
            ],
        },
    ),
}

OBJECT_ROUTES: dict[Key, ObjectRoute] = {
    # --- accounts
    ("organisation-detail", "organisations/<int:pk>/"): ObjectRoute(
        _pk("dissolved_organisation"), GET, control=200
    ),
    # The insider is a planner there, not its administrator.
    ("organisation-edit", "organisations/<int:pk>/edit/"): ObjectRoute(
        _pk("dissolved_organisation"),
        GET_POST,
        control=403,
        body=_edit(Organisation, "dissolved_organisation", "description"),
    ),
    ("notification-read", "notifications/<int:pk>/read/"): ObjectRoute(_pk("notification"), POST),
    ("api-organisation-detail", "api/v1/organisations/{pk}/"): ObjectRoute(
        _pk("dissolved_organisation"),
        control=200,
        body=_edit(Organisation, "dissolved_organisation", "description"),
    ),
    ("api-organisation-members", "api/v1/organisations/{pk}/members/"): ObjectRoute(
        _pk("dissolved_organisation"), control=200
    ),
    ("api-notification-read", "api/v1/notifications/{pk}/read/"): ObjectRoute(_pk("notification")),
    # --- reports
    ("report-detail", "reports/<int:pk>/"): ObjectRoute(_pk("report"), GET, control=200),
    ("report-status", "reports/<int:pk>/status/"): ObjectRoute(_pk("report"), GET, control=200),
    ("report-download", "reports/<int:pk>/download/"): ObjectRoute(_pk("report"), GET, control=200),
    ("report-retry", "reports/<int:pk>/retry/"): ObjectRoute(_pk("report"), POST),
    ("api-report-detail", "api/v1/reports/{pk}/"): ObjectRoute(_pk("report"), control=200),
    ("api-report-download", "api/v1/reports/{pk}/download/"): ObjectRoute(
        _pk("report"), control=200
    ),
    ("api-report-retry", "api/v1/reports/{pk}/retry/"): ObjectRoute(_pk("report")),
    # --- strategy pages
    ("strategy-detail", "strategies/<int:pk>/"): ObjectRoute(_pk("strategy"), GET, control=200),
    ("strategy-edit", "strategies/<int:pk>/edit/"): ObjectRoute(
        _pk("strategy"), GET_POST, control=200, body=_edit(Strategy, "strategy", "title")
    ),
    ("strategy-submit", "strategies/<int:pk>/submit/"): ObjectRoute(_pk("strategy"), POST),
    ("strategy-endorse", "strategies/<int:pk>/endorse/"): ObjectRoute(
        _pk("strategy"), GET_POST, control=200, body=_endorsement
    ),
    ("strategy-archive", "strategies/<int:pk>/archive/"): ObjectRoute(
        _pk("strategy"), GET_POST, control=200
    ),
    ("strategy-driver-create", "strategies/<int:pk>/drivers/new/"): ObjectRoute(
        _pk("strategy"), GET_POST, control=200
    ),
    ("strategy-driver-edit", "strategies/drivers/<int:pk>/edit/"): ObjectRoute(
        _pk("driver"), GET_POST, control=200, body=_edit(ConflictDriver, "driver", "title")
    ),
    ("strategy-driver-delete", "strategies/drivers/<int:pk>/delete/"): ObjectRoute(
        _pk("driver"), GET_POST, control=200
    ),
    ("strategy-goal-create", "strategies/<int:pk>/goals/new/"): ObjectRoute(
        _pk("strategy"), GET_POST, control=200
    ),
    ("strategy-goal-edit", "strategies/goals/<int:pk>/edit/"): ObjectRoute(
        _pk("goal"), GET_POST, control=200, body=_edit(Goal, "goal", "title")
    ),
    ("strategy-goal-delete", "strategies/goals/<int:pk>/delete/"): ObjectRoute(
        _pk("goal"), GET_POST, control=200
    ),
    ("strategy-indicator-create", "strategies/goals/<int:pk>/indicators/new/"): ObjectRoute(
        _pk("goal"), GET_POST, control=200
    ),
    ("strategy-indicator-edit", "strategies/indicators/<int:pk>/edit/"): ObjectRoute(
        _pk("indicator"), GET_POST, control=200, body=_edit(Indicator, "indicator", "name")
    ),
    ("strategy-indicator-delete", "strategies/indicators/<int:pk>/delete/"): ObjectRoute(
        _pk("indicator"), GET_POST, control=200
    ),
    ("strategy-reading-create", "strategies/indicators/<int:pk>/readings/new/"): ObjectRoute(
        _pk("indicator"), GET_POST, control=200, body=_reading
    ),
    **{
        (f"glossary-proposal-{decision}", f"glossary/proposals/<int:pk>/{decision}/"): (
            ObjectRoute(_pk("glossary_term"), POST, body=_glossary_decision)
        )
        for decision in ("approve", "merge", "decline")
    },
    # --- strategy API
    ("api-strategy-detail", "api/v1/strategies/{pk}/"): ObjectRoute(
        _pk("strategy"), control=200, body=_edit(Strategy, "strategy", "title")
    ),
    ("api-strategy-archive", "api/v1/strategies/{pk}/archive/"): ObjectRoute(_pk("strategy")),
    ("api-strategy-endorse", "api/v1/strategies/{pk}/endorse/"): ObjectRoute(
        _pk("strategy"), body=_endorsement
    ),
    ("api-strategy-submit", "api/v1/strategies/{pk}/submit/"): ObjectRoute(_pk("strategy")),
    ("api-goal-detail", "api/v1/goals/{pk}/"): ObjectRoute(
        _pk("goal"), control=200, body=_edit(Goal, "goal", "title")
    ),
    ("api-driver-detail", "api/v1/drivers/{pk}/"): ObjectRoute(
        _pk("driver"), control=200, body=_edit(ConflictDriver, "driver", "title")
    ),
    ("api-indicator-detail", "api/v1/indicators/{pk}/"): ObjectRoute(
        _pk("indicator"), control=200, body=_edit(Indicator, "indicator", "name")
    ),
    ("api-indicator-readings", "api/v1/indicators/{pk}/readings/"): ObjectRoute(
        _pk("indicator"), control=200, body=_reading
    ),
    ("api-glossary-term-detail", "api/v1/glossary/{pk}/"): ObjectRoute(
        _pk("glossary_term"), control=200
    ),
    **{
        (f"api-glossary-term-{decision}", f"api/v1/glossary/{{pk}}/{decision}/"): ObjectRoute(
            _pk("glossary_term"), body=_glossary_decision
        )
        for decision in ("approve", "merge", "decline")
    },
    # --- plan pages
    ("plan-detail", "plans/<int:pk>/"): ObjectRoute(_pk("plan"), GET, control=200),
    ("plan-edit", "plans/<int:pk>/edit/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200, body=_edit(Plan, "plan", "title")
    ),
    ("plan-submit", "plans/<int:pk>/submit/"): ObjectRoute(_pk("plan"), POST),
    # The insider's organisation leads the plan; contributors review it.
    ("plan-review", "plans/<int:pk>/review/"): ObjectRoute(
        _pk("plan"), GET_POST, control=403, body=_plan_review
    ),
    ("plan-approve", "plans/<int:pk>/approve/"): ObjectRoute(_pk("plan"), POST, body=_plan_round),
    ("plan-activate", "plans/<int:pk>/activate/"): ObjectRoute(_pk("plan"), POST),
    ("plan-close", "plans/<int:pk>/close/"): ObjectRoute(_pk("plan"), GET_POST, control=200),
    ("plan-line-create", "plans/<int:pk>/lines/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200
    ),
    ("plan-line-edit", "plans/lines/<int:pk>/edit/"): ObjectRoute(
        _pk("line"), GET_POST, control=200, body=_edit(LineOfEffort, "line", "title")
    ),
    ("plan-line-delete", "plans/lines/<int:pk>/delete/"): ObjectRoute(
        _pk("line"), GET_POST, control=200
    ),
    ("plan-activity-create", "plans/lines/<int:pk>/activities/new/"): ObjectRoute(
        _pk("line"), GET_POST, control=200
    ),
    ("plan-activity-edit", "plans/activities/<int:pk>/edit/"): ObjectRoute(
        _pk("activity"), GET_POST, control=200, body=_edit(Activity, "activity", "title")
    ),
    ("plan-activity-delete", "plans/activities/<int:pk>/delete/"): ObjectRoute(
        _pk("activity"), GET_POST, control=200
    ),
    ("plan-activity-progress", "plans/activities/<int:pk>/progress/"): ObjectRoute(
        _pk("activity"), GET_POST, control=200
    ),
    ("plan-milestone-create", "plans/<int:pk>/milestones/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200
    ),
    ("plan-milestone-edit", "plans/milestones/<int:pk>/edit/"): ObjectRoute(
        _pk("milestone"), GET_POST, control=200, body=_edit(Milestone, "milestone", "title")
    ),
    ("plan-milestone-delete", "plans/milestones/<int:pk>/delete/"): ObjectRoute(
        _pk("milestone"), GET_POST, control=200
    ),
    ("plan-consultation-create", "plans/<int:pk>/consultations/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200
    ),
    ("plan-consultation-edit", "plans/consultations/<int:pk>/edit/"): ObjectRoute(
        _pk("consultation"),
        GET_POST,
        control=200,
        body=_edit(Consultation, "consultation", "summary"),
    ),
    ("plan-consultation-delete", "plans/consultations/<int:pk>/delete/"): ObjectRoute(
        _pk("consultation"), GET_POST, control=200
    ),
    ("plan-field-report-create", "plans/<int:pk>/field-reports/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200
    ),
    ("plan-attachment-download", "plans/attachments/<int:pk>/"): ObjectRoute(
        _pk("attachment"), GET, control=200
    ),
    # --- plan API
    ("api-plan-detail", "api/v1/plans/{pk}/"): ObjectRoute(
        _pk("plan"), control=200, body=_edit(Plan, "plan", "title")
    ),
    ("api-plan-activate", "api/v1/plans/{pk}/activate/"): ObjectRoute(_pk("plan")),
    ("api-plan-approve", "api/v1/plans/{pk}/approve/"): ObjectRoute(_pk("plan"), body=_plan_round),
    ("api-plan-close", "api/v1/plans/{pk}/close/"): ObjectRoute(_pk("plan")),
    ("api-plan-review", "api/v1/plans/{pk}/review/"): ObjectRoute(_pk("plan"), body=_plan_review),
    ("api-plan-submit", "api/v1/plans/{pk}/submit/"): ObjectRoute(_pk("plan")),
    ("api-line-of-effort-detail", "api/v1/lines-of-effort/{pk}/"): ObjectRoute(
        _pk("line"), control=200, body=_edit(LineOfEffort, "line", "title")
    ),
    ("api-activity-detail", "api/v1/activities/{pk}/"): ObjectRoute(
        _pk("activity"), control=200, body=_edit(Activity, "activity", "title")
    ),
    ("api-milestone-detail", "api/v1/milestones/{pk}/"): ObjectRoute(
        _pk("milestone"), control=200, body=_edit(Milestone, "milestone", "title")
    ),
    ("api-consultation-detail", "api/v1/consultations/{pk}/"): ObjectRoute(
        _pk("consultation"), control=200, body=_edit(Consultation, "consultation", "summary")
    ),
    ("api-field-report-detail", "api/v1/field-reports/{pk}/"): ObjectRoute(
        _pk("field_report"), control=200
    ),
    (
        "api-field-report-attachment",
        "api/v1/field-reports/{pk}/attachments/{attachment_id}/",
    ): ObjectRoute({"pk": "field_report", "attachment_id": "attachment"}, control=200),
    # --- secondment pages
    ("secondment-detail", "secondments/<int:pk>/"): ObjectRoute(
        _pk("secondment"), GET, control=200
    ),
    ("secondment-person", "secondments/people/<int:pk>/"): ObjectRoute(
        _pk("secondment_person"), GET, control=200
    ),
    ("secondment-decide", "secondments/<int:pk>/decide/"): ObjectRoute(
        _pk("secondment"), GET_POST, control=200, body=_secondment_decision_page
    ),
    ("secondment-extend", "secondments/<int:pk>/extend/"): ObjectRoute(
        _pk("secondment"), POST, body=_secondment_dates
    ),
    ("secondment-end", "secondments/<int:pk>/end/"): ObjectRoute(
        _pk("secondment"), POST, body=_secondment_dates
    ),
    ("secondment-cancel", "secondments/<int:pk>/cancel/"): ObjectRoute(
        _pk("secondment"), POST, body=_secondment_version
    ),
    # --- secondment API
    ("api-secondment-detail", "api/v1/secondments/{pk}/"): ObjectRoute(
        _pk("secondment"), control=200, body=_edit(Secondment, "secondment", "purpose")
    ),
    ("api-secondment-decide", "api/v1/secondments/{pk}/decide/"): ObjectRoute(
        _pk("secondment"), body=_secondment_decision
    ),
    ("api-secondment-extend", "api/v1/secondments/{pk}/extend/"): ObjectRoute(
        _pk("secondment"), body=_secondment_dates
    ),
    ("api-secondment-end", "api/v1/secondments/{pk}/end/"): ObjectRoute(
        _pk("secondment"), body=_secondment_dates
    ),
    ("api-secondment-cancel", "api/v1/secondments/{pk}/cancel/"): ObjectRoute(
        _pk("secondment"), body=_secondment_version
    ),
    # --- funding pages: the plan's "Funding" section and its forms, an instrument, a request
    ("funding-plan-section", "plans/<int:pk>/funding/"): ObjectRoute(_pk("plan"), GET, control=200),
    ("funding-allocate", "plans/<int:pk>/funding/allocate/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200, body=_allocation_page
    ),
    ("funding-request", "plans/<int:pk>/funding/request/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200, body=_disbursement_page
    ),
    ("funding-instrument-detail", "funding/instruments/<int:pk>/"): ObjectRoute(
        _pk("funding_instrument"), GET, control=200
    ),
    ("disbursement-detail", "funding/disbursements/<int:pk>/"): ObjectRoute(
        _pk("disbursement"), GET, control=200
    ),
    ("disbursement-decide", "funding/disbursements/<int:pk>/decide/"): ObjectRoute(
        _pk("disbursement"), GET_POST, control=200, body=_disbursement_decision
    ),
    ("disbursement-disbursed", "funding/disbursements/<int:pk>/disbursed/"): ObjectRoute(
        _pk("disbursement"), POST, body=_disbursement_version
    ),
    # --- capabilities pages: the plan's "Capabilities" section and its forms, a pledge's
    # decision, an offer's form, an organisation's offers
    ("capabilities-plan-section", "plans/<int:pk>/capabilities/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    ("capabilities-requirement-create", "plans/<int:pk>/requirements/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200, body=_requirement_page
    ),
    ("capabilities-pledge-create", "plans/<int:pk>/pledges/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200, body=_pledge_page
    ),
    ("pledge-decide", "pledges/<int:pk>/decide/"): ObjectRoute(
        _pk("pledge"), GET_POST, control=200, body=_pledge_decision
    ),
    ("capability-offer-edit", "capabilities/<int:pk>/edit/"): ObjectRoute(
        _pk("capability_offer"), GET_POST, control=200, body=_offer_page
    ),
    ("capabilities-organisation-offers", "organisations/<int:pk>/offers/"): ObjectRoute(
        _pk("dissolved_organisation"), GET, control=200
    ),
    # --- capabilities API
    ("api-capability-detail", "api/v1/capabilities/{pk}/"): ObjectRoute(
        _pk("capability_offer"),
        control=200,
        body=_edit(CapabilityOffer, "capability_offer", "description"),
    ),
    ("api-requirement-detail", "api/v1/requirements/{pk}/"): ObjectRoute(
        _pk("requirement"), control=200, body=_edit(Requirement, "requirement", "description")
    ),
    ("api-pledge-detail", "api/v1/pledges/{pk}/"): ObjectRoute(
        _pk("pledge"), control=200, body=_pledge_quantity
    ),
    ("api-pledge-decide", "api/v1/pledges/{pk}/decide/"): ObjectRoute(
        _pk("pledge"), body=_pledge_decision
    ),
    ("api-pledge-withdraw", "api/v1/pledges/{pk}/withdraw/"): ObjectRoute(
        _pk("pledge"), body=_pledge_version
    ),
    ("api-plan-capability-gaps", "api/v1/plans/<int:pk>/capability-gaps/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    # --- funding API
    ("api-funding-instrument-detail", "api/v1/funding-instruments/{pk}/"): ObjectRoute(
        _pk("funding_instrument"),
        control=200,
        body=_edit(FundingInstrument, "funding_instrument", "description"),
    ),
    ("api-allocation-detail", "api/v1/allocations/{pk}/"): ObjectRoute(
        _pk("allocation"), control=200, body=_edit(Allocation, "allocation", "note")
    ),
    ("api-disbursement-detail", "api/v1/disbursements/{pk}/"): ObjectRoute(
        _pk("disbursement"),
        control=200,
        body=_edit(DisbursementRequest, "disbursement", "purpose"),
    ),
    ("api-disbursement-decide", "api/v1/disbursements/{pk}/decide/"): ObjectRoute(
        _pk("disbursement"), body=_disbursement_decision
    ),
    ("api-disbursement-disbursed", "api/v1/disbursements/{pk}/disbursed/"): ObjectRoute(
        _pk("disbursement"), body=_disbursement_version
    ),
    # --- communication pages: the plan's "Communication" section and its forms, a message
    ("outreach-plan-section", "plans/<int:pk>/communication/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    ("outreach-item-create", "plans/<int:pk>/communication/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200, body=_communication_form
    ),
    # The private plan serves no strategy: the insider is sent back to the plan (302).
    ("outreach-perception-create", "plans/<int:pk>/perception/new/"): ObjectRoute(
        _pk("plan"), GET_POST, control=302, body=_perception_page
    ),
    ("outreach-item", "communication/<int:pk>/"): ObjectRoute(
        _pk("communication"), GET, control=200
    ),
    ("outreach-item-edit", "communication/<int:pk>/edit/"): ObjectRoute(
        _pk("communication"), GET_POST, control=200, body=_communication_form
    ),
    ("outreach-item-decide", "communication/<int:pk>/decide/"): ObjectRoute(
        _pk("communication"), GET_POST, control=200, body=_clearance_page
    ),
    ("outreach-item-publish", "communication/<int:pk>/publish/"): ObjectRoute(
        _pk("communication"), POST, body=_communication_version
    ),
    ("outreach-item-cancel", "communication/<int:pk>/cancel/"): ObjectRoute(
        _pk("communication"), POST, body=_communication_version
    ),
    # --- communication API
    ("api-communication-detail", "api/v1/communications/{pk}/"): ObjectRoute(
        _pk("communication"),
        control=200,
        body=_edit(CommunicationItem, "communication", "title"),
    ),
    ("api-communication-decide", "api/v1/communications/{pk}/decide/"): ObjectRoute(
        _pk("communication"), body=_clearance
    ),
    ("api-communication-publish", "api/v1/communications/{pk}/publish/"): ObjectRoute(
        _pk("communication"), body=_communication_version
    ),
    ("api-communication-cancel", "api/v1/communications/{pk}/cancel/"): ObjectRoute(
        _pk("communication"), body=_communication_version
    ),
    ("api-perception-reading-detail", "api/v1/perception-readings/{pk}/"): ObjectRoute(
        _pk("perception_reading"),
        control=200,
        body=_edit(PerceptionReading, "perception_reading", "area"),
    ),
    # --- lessons pages
    ("lesson-detail", "lessons/<int:pk>/"): ObjectRoute(_pk("lesson"), GET, control=200),
    ("lesson-edit", "lessons/<int:pk>/edit/"): ObjectRoute(
        _pk("lesson"), GET_POST, control=200, body=_lesson_form
    ),
    ("lesson-transition", "lessons/<int:pk>/move/"): ObjectRoute(
        _pk("lesson"), POST, body=_lesson_move
    ),
    ("lesson-release", "lessons/<int:pk>/release/"): ObjectRoute(
        _pk("lesson"), POST, body=_lesson_release
    ),
    ("lesson-release-decide", "lessons/<int:pk>/release/decide/"): ObjectRoute(
        _pk("lesson"), GET_POST, control=200, body=_lesson_decision_page
    ),
    ("lesson-action-create", "lessons/<int:pk>/actions/new/"): ObjectRoute(
        _pk("lesson"), POST, body=_action_task
    ),
    (
        "lesson-action-update",
        "lessons/<int:pk>/actions/<int:action_pk>/",
    ): ObjectRoute({"pk": "lesson", "action_pk": "remedial_action"}, POST, body=_action_report),
    (
        "lesson-attachment",
        "lessons/<int:pk>/attachments/<int:attachment_pk>/",
    ): ObjectRoute({"pk": "lesson", "attachment_pk": "lesson_attachment"}, GET, control=200),
    # The lessons bearing on a plan, loaded into its page: 404 for a plan one does not see.
    ("lesson-related-plan", "lessons/related/plan/<int:pk>/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    # The plan page's "Public page" section and the lead's approvers' publication form (the
    # insider approves for the lead). The API's PUT and DELETE:
    # tests/publication/test_publication.py.
    ("public-plan-section", "public/publish/<int:pk>/section/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    ("public-publication", "public/publish/<int:pk>/"): ObjectRoute(
        _pk("plan"), GET_POST, control=200
    ),
    ("public-publication-withdraw", "public/publish/<int:pk>/withdraw/"): ObjectRoute(
        _pk("plan"), POST
    ),
    ("api-plan-publication", "api/v1/plans/<int:pk>/publication/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    # Another person's subscription is not there to stop.
    ("lesson-subscription-stop", "lessons/following/<int:pk>/stop/"): ObjectRoute(
        _pk("lesson_subscription"), POST
    ),
    # --- lessons API
    ("api-lesson-detail", "api/v1/lessons/{pk}/"): ObjectRoute(
        _pk("lesson"), control=200, body=_edit(Lesson, "lesson", "title")
    ),
    ("api-lesson-transition", "api/v1/lessons/{pk}/transition/"): ObjectRoute(
        _pk("lesson"), body=_lesson_move
    ),
    ("api-lesson-release", "api/v1/lessons/{pk}/release/"): ObjectRoute(
        _pk("lesson"), body=_lesson_release
    ),
    ("api-lesson-decide", "api/v1/lessons/{pk}/decide/"): ObjectRoute(
        _pk("lesson"), body=_lesson_decision
    ),
    (
        "api-lesson-attachment",
        "api/v1/lessons/{pk}/attachments/{attachment_id}/",
    ): ObjectRoute({"pk": "lesson", "attachment_id": "lesson_attachment"}, control=200),
    ("api-remedial-action-detail", "api/v1/remedial-actions/{pk}/"): ObjectRoute(
        _pk("remedial_action"),
        control=200,
        body=_edit(RemedialAction, "remedial_action", "evidence"),
    ),
    # DELETE only: another person's subscription is not there.
    ("api-lesson-subscription-detail", "api/v1/lesson-subscriptions/{pk}/"): ObjectRoute(
        _pk("lesson_subscription")
    ),
    ("api-plan-related-lessons", "api/v1/plans/<int:pk>/related-lessons/"): ObjectRoute(
        _pk("plan"), GET, control=200
    ),
    # The IATI export (the insider is the lead's planner; the private plan has no development
    # activity, so the insider is told there is nothing to export: the URL reached the plan).
    ("funding-plan-iati", "plans/<int:pk>/iati.xml"): ObjectRoute(_pk("plan"), GET, control=302),
    ("api-plan-iati", "api/v1/plans/<int:pk>/iati/"): ObjectRoute(_pk("plan"), GET, control=400),
}

NOT_ABOUT_OBJECTS: dict[Key, str] = {
    ("profile", "profile/"): "the requester's own e-mail choice and memberships",
    ("profile-locale", "profile/language/"): "the requester's own language and time zone",
    ("javascript-catalogue", "jsi18n/<str:language>/"): "the outbox's words in a language",
    ("set_language", "i18n/setlang/"): "the language of the login page, kept in a cookie",
    ("login", "login/"): "signing in",
    ("two-factor-code", "login/code/"): "the second step of signing in, for the one signing in",
    ("two-factor-setup", "profile/two-factor/"): "turning one's own two-factor sign-in on",
    (
        "two-factor-recovery-codes",
        "profile/two-factor/recovery-codes/",
    ): "one's own recovery codes, shown once",
    (
        "two-factor-recovery-codes-new",
        "profile/two-factor/recovery-codes/new/",
    ): "replacing one's own recovery codes",
    ("two-factor-disable", "profile/two-factor/off/"): "turning one's own two-factor sign-in off",
    ("logout", "logout/"): "signing out",
    ("api-token", "api/v1/auth/token/"): "exchanges the caller's own credentials for a token",
    ("api-me", "api/v1/users/me/"): "the requester's own account and memberships",
    ("api-root", "api/v1/"): "links to the list endpoints, which are covered above",
    ("api-schema", "api/schema/"): "the OpenAPI description: routes, not rows",
    ("api-docs", "api/docs/"): "Swagger UI over the schema",
    ("api-not-found", "api/{rest}"): "any other path under api/: 404 in JSON",
    ("healthz", "healthz"): "liveness of the database and Redis",
    ("service-worker", "sw.js"): "the service worker's code and the shell's file list",
    ("web-manifest", "manifest.webmanifest"): "the app's name and icons, for installing it",
    ("public-index", "public/"): "the public account: published plans only (tests/publication/)",
    ("public-feed", "public/feed.atom"): "published public messages of published plans",
    ("public-plan", "public/plans/<slug:slug>/"): (
        "a published plan's public page, built only from what was made public "
        "(tests/publication/test_secret_strings.py)"
    ),
    ("public-plan-feed", "public/plans/<slug:slug>/feed.atom"): (
        "a published plan's published public messages (tests/publication/test_secret_strings.py)"
    ),
    ("post-detail", "posts/<int:pk>/"): (
        "a post's page: the open directory, with holders only from the secondments one sees "
        "(tests/secondments/test_pages.py)"
    ),
    ("training-register", "trainings/<int:pk>/register/"): (
        "registering oneself on the page, for an open training (tests/secondments/test_training.py)"
    ),
    ("api-training-detail", "api/v1/trainings/{pk}/"): (
        "the joint training calendar, open to every signed-in user"
    ),
    ("api-training-register", "api/v1/trainings/{pk}/register/"): (
        "registering oneself for an open training (tests/secondments/test_training.py)"
    ),
    ("api-training-attendance", "api/v1/trainings/{pk}/attendance/"): (
        "the organiser's grant, on an open training (tests/secondments/test_training.py)"
    ),
    ("api-post-detail", "api/v1/posts/{pk}/"): (
        "a post of the open directory (every signed-in user sees it); its holders come only "
        "from the secondments one sees (tests/secondments/test_api.py)"
    ),
}

TABLES: dict[str, dict[Key, Any]] = {
    "API_LISTS": API_LISTS,
    "PAGE_LISTS": PAGE_LISTS,
    "OWN_ACTIONS": OWN_ACTIONS,
    "OBJECT_ROUTES": OBJECT_ROUTES,
    "NOT_ABOUT_OBJECTS": NOT_ABOUT_OBJECTS,
}

# Known deviations, each a strict xfail of `test_an_empty_body_still_gets_404` so that a fix
# shows up as an unexpected pass (then delete the entry).
# --- the routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    api_methods: tuple[str, ...]  # a DRF viewset route's methods; () for other views


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _fold(pattern: str) -> str:
    """`api/v1/^plans/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$` -> `api/v1/plans/{pk}/`."""
    pattern = pattern.replace("<drf_format_suffix:format>", "")
    pattern = re.sub(r"\\\.\(\?P<format>\[a-z0-9\]\+\)/\?\$$", "/$", pattern)
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
    return pattern.replace("^", "").replace("$", "")


def url_routes() -> dict[Key, Route]:
    found: dict[Key, Route] = {}
    for pattern, url in _walk(get_resolver().url_patterns):
        if pattern.startswith("admin/"):
            continue
        key = (str(url.name), _fold(pattern))
        actions: dict[str, str] = getattr(url.callback, "actions", None) or {}
        found.setdefault(key, Route(key[0], key[1], tuple(m.upper() for m in actions)))
    return found


ROUTES = url_routes()


# --- asking ---------------------------------------------------------------------------------------


def _ask(
    world: World,
    user: User,
    method: str,
    url: str,
    *,
    api: bool,
    body: dict[str, Any] | None = None,
) -> Any:
    """One request as `user`: the API with its authentication forced (no CSRF), pages with
    a signed-in session (the test client does not enforce CSRF)."""
    client = world.clients[user.username]
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(body or {}), "application/json")
    return client.post(url, body or {}, format="multipart")


def _text_of(obj: str, world: World) -> str:
    """How a private object shows on a page: its title, or for the report its link."""
    if obj == "report":
        return f"/reports/{world.ids['report']}/"
    return {
        "dissolved_organisation": f"{PRIVATE} Directorate",
        "notification": f"{PRIVATE} notice",
        "strategy": f"{PRIVATE} strategy",
        "glossary_term": f"{PRIVATE} doctrine",
        "plan": f"{PRIVATE} plan",
        "secondment": f"{PRIVATE.lower()}-advisor",
        "lesson": f"{PRIVATE} lesson",
        "lesson_subscription": f"{PRIVATE} Coast",
        "funding_instrument": f"{PRIVATE} fund",
    }[obj]


def _leaks(response: Any, world: World) -> list[str]:
    """Private text, or a link to the private report, in a response body."""
    body = response.content.decode(errors="replace")
    found = [PRIVATE] if PRIVATE.lower() in body.lower() else []
    return found + [link for link in (f"/reports/{world.ids['report']}/",) if link in body]


def _results(response: Any) -> list[int]:
    return sorted(row["id"] for row in response.json()["results"])


def _url(route: Route, entry: ObjectRoute, world: World) -> str:
    return reverse(route.name, kwargs={kw: world.ids[obj] for kw, obj in entry.kwargs.items()})


def _methods(route: Route, entry: ObjectRoute) -> tuple[bool, tuple[str, ...]]:
    api = bool(route.api_methods)
    methods = route.api_methods if api else entry.methods
    assert methods, f"{route.name}: say which methods the page answers"
    return api, methods


# --- the tests ----------------------------------------------------------------------------------


def test_the_personas_hold_stale_groups_but_no_valid_membership(world: World, db: None) -> None:
    """The setup the matrix relies on: groups say "member of mfa", dates say "not today"."""
    mfa = Organisation.objects.get(slug="mfa")
    today = timezone.localdate()
    for name in ("ended_yesterday", "starts_tomorrow"):
        user = world.personas[name]
        in_groups = set(
            user.groups.filter(organisation_role__organisation=mfa).values_list(
                "organisation_role__role", flat=True
            )
        )
        assert {Role.PLANNER, Role.APPROVER} <= in_groups, name
        assert list(Membership.objects.valid_on(today).filter(user=user)) == [], name
    outsider = Membership.objects.filter(user=world.personas["outsider"])
    assert set(outsider.values_list("organisation__slug", flat=True)) == {"mod"}


def test_every_table_entry_is_a_route() -> None:
    stale = sorted(
        f"{table}: {key}"
        for table, entries in TABLES.items()
        for key in entries
        if key not in ROUTES
    )
    assert stale == [], "These entries name no route of the URL configuration"


def test_no_route_is_in_two_tables() -> None:
    seen: dict[Key, list[str]] = {}
    for table, entries in TABLES.items():
        for key in entries:
            seen.setdefault(key, []).append(table)
    assert {key: tables for key, tables in seen.items() if len(tables) > 1} == {}


@pytest.mark.parametrize("key", sorted(ROUTES), ids=[name for name, _ in sorted(ROUTES)])
def test_route_hides_private_objects(key: Key, world: World, db: None) -> None:
    name, route = key
    if key in NOT_ABOUT_OBJECTS:
        return
    if key in API_LISTS:
        _check_api_list(name, API_LISTS[key], world)
    elif key in PAGE_LISTS:
        _check_page_list(name, PAGE_LISTS[key], world)
    elif key in OWN_ACTIONS:
        _check_own_action(name, route, OWN_ACTIONS[key], world)
    elif key in OBJECT_ROUTES:
        _check_object_route(ROUTES[key], OBJECT_ROUTES[key], world)
    else:
        pytest.fail(
            f"Route {name!r} ({route}) is in no table of tests/test_visibility_matrix.py. "
            "Say how its visibility is covered: API_LISTS or PAGE_LISTS for a list, "
            "OBJECT_ROUTES for a route about one object, OWN_ACTIONS for the requester's own "
            "things, or NOT_ABOUT_OBJECTS with the reason."
        )


def _check_api_list(name: str, entry: ApiList, world: World) -> None:
    url = reverse(name)
    control = _ask(world, world.insider, "GET", url, api=True)
    assert control.status_code == 200, f"{name}: the insider got {control.status_code}"
    assert world.ids[entry.private] in _results(control), (
        f"{name}: the insider does not see the private {entry.private}, so this proves nothing"
    )
    failures = []
    for persona, user in world.personas.items():
        response = _ask(world, user, "GET", url, api=True)
        if response.status_code != 200:
            failures.append(f"{persona}: status {response.status_code}, expected 200")
            continue
        got, expected = _results(response), entry.expected(world, persona)
        if got != expected or _leaks(response, world):
            failures.append(f"{persona}: ids {got}, expected {expected}; {_leaks(response, world)}")
    assert not failures, f"GET {url} ({name}) shows private objects:\n" + "\n".join(failures)


def _check_page_list(name: str, entry: PageList, world: World) -> None:
    url = reverse(name)
    if entry.control is not None:
        control = _ask(world, world.insider, "GET", url, api=False)
        assert control.status_code == 200, f"{name}: the insider got {control.status_code}"
        text = _text_of(entry.control, world)
        assert text in control.content.decode(), (
            f"{name}: the insider's page does not show {text!r}, so this proves nothing"
        )
    failures = []
    for persona, user in world.personas.items():
        response = _ask(world, user, "GET", url, api=False)
        expected = entry.status_for.get(persona, entry.status)
        if response.status_code != expected:
            failures.append(f"{persona}: status {response.status_code}, expected {expected}")
        elif _leaks(response, world):
            failures.append(f"{persona}: the page shows {_leaks(response, world)}")
    assert not failures, f"GET {url} ({name}) shows private objects:\n" + "\n".join(failures)


def _check_own_action(name: str, route: str, entry: OwnAction, world: World) -> None:
    url = reverse(name)
    before = _fingerprint()
    failures = []
    for persona, user in world.personas.items():
        response = _ask(world, user, entry.method, url, api=route.startswith("api/"))
        if response.status_code != entry.status:
            failures.append(f"{persona}: status {response.status_code}, expected {entry.status}")
        elif entry.json is not None and response.json() != entry.json:
            failures.append(f"{persona}: {response.json()}, expected {entry.json}")
    assert not failures, f"{entry.method} {url} ({name}):\n" + "\n".join(failures)
    assert _fingerprint() == before, f"{entry.method} {url} ({name}) changed the world"


def _check_object_route(route: Route, entry: ObjectRoute, world: World) -> None:
    api, methods = _methods(route, entry)
    url = _url(route, entry, world)
    if entry.control is not None:
        control = _ask(world, world.insider, "GET", url, api=api)
        assert control.status_code == entry.control, (
            f"GET {url} ({route.name}): the insider got {control.status_code}, "
            f"expected {entry.control}, so this case proves nothing"
        )
    body = entry.body(world) if entry.body is not None else None
    writes = methods != ("GET",)
    before = _fingerprint() if writes else {}
    failures = []
    for persona, user in world.personas.items():
        for method in methods:
            response = _ask(world, user, method, url, api=api, body=body)
            if response.status_code != 404:
                failures.append(
                    f"{method} as {persona}: status {response.status_code}, expected 404: "
                    f"{response.content[:200]!r}"
                )
    if writes and _fingerprint() != before:
        failures.append("and the requests changed the world (see _fingerprint)")
    assert not failures, f"{url} ({route.name}) reveals a private object:\n" + "\n".join(failures)


def _empty_body_cases() -> list[Any]:
    return [
        pytest.param(key, id=key[0])
        for key, entry in sorted(OBJECT_ROUTES.items())
        if entry.body is not None and key in ROUTES and ROUTES[key].api_methods
    ]


@pytest.mark.parametrize("key", _empty_body_cases())
def test_an_empty_body_still_gets_404(key: Key, world: World, db: None) -> None:
    """API actions look the object up (404) before reading the body (400), so an invisible
    object answers the same whatever is sent. (Pages are asked with realistic bodies only.)"""
    route, entry = ROUTES[key], OBJECT_ROUTES[key]
    api, methods = _methods(route, entry)
    url = _url(route, entry, world)
    got = {
        (persona, method): _ask(world, user, method, url, api=api).status_code
        for persona, user in world.personas.items()
        for method in methods
        if method not in ("GET", "DELETE")
    }
    assert {case: status for case, status in got.items() if status != 404} == {}, url


def test_only_current_members_see_the_member_list(world: World, db: None) -> None:
    """`mfa` is in the open directory, but its member list is for its members today: not for
    one whose membership ended yesterday or starts tomorrow, whatever their groups say."""
    mfa = Organisation.objects.get(slug="mfa")
    api_url = reverse("api-organisation-members", kwargs={"pk": mfa.pk})
    page_url = reverse("organisation-detail", kwargs={"pk": mfa.pk})
    control = _ask(world, world.insider, "GET", api_url, api=True)
    assert control.status_code == 200
    assert "insider" in [row["username"] for row in control.json()["results"]]
    assert "insider" in _ask(world, world.insider, "GET", page_url, api=False).content.decode()
    got = {}
    for persona, user in world.personas.items():
        page = _ask(world, user, "GET", page_url, api=False)
        got[persona] = (
            _ask(world, user, "GET", api_url, api=True).status_code,
            page.status_code,
            "insider" in page.content.decode(),
        )
    assert got == dict.fromkeys(world.personas, (403, 200, False))
