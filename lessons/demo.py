"""Demo world, part four: twenty lessons from the two Valeria plans, in every status,
classification and releasability; two with remedial actions (one done with its evidence, one
tasked and overdue), one captured in the field by `field.advisor`, and one wider release
waiting for mfa's approver. Idempotent: each lesson is made once, by its title.

Everything goes through the services (grants, search vectors, notifications, the record of
each marking change); only the overdue action's due date is set afterwards, since no one may
task an action already late."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Organisation, User
from lessons import services
from lessons.models import Lesson, LessonStatus, RemedialAction
from missions.demo import ACTIVE_PLAN, PLAN_IN_REVIEW
from missions.models import Plan

NORTH = "Valeria (northern provinces)"
EAST = "Valeria (eastern border)"

# The steps of the lessons process from `submitted` to each status.
PATHS: dict[str, tuple[str, ...]] = {
    LessonStatus.SUBMITTED: (),
    LessonStatus.OBSERVATION: ("observation",),
    LessonStatus.REJECTED: ("rejected",),
    LessonStatus.ANALYSIS: ("observation", "analysis"),
    LessonStatus.LESSON_IDENTIFIED: ("observation", "analysis", "lesson_identified"),
    LessonStatus.ACTION_IN_PROGRESS: (
        "observation",
        "analysis",
        "lesson_identified",
        "action_in_progress",
    ),
    LessonStatus.LESSON_LEARNED: ("observation", "analysis", "lesson_identified", "lesson_learned"),
    LessonStatus.ARCHIVED: (
        "observation",
        "analysis",
        "lesson_identified",
        "lesson_learned",
        "archived",
    ),
}

REJECTED_BECAUSE = "Already recorded: see “Mediators trained before the land courts sat”."


@dataclass(frozen=True)
class Action:
    body: str
    description: str
    done: str = ""
    """The evidence, when the action is done; an open action is due (and overdue) instead."""
    overdue_by: int = 0


@dataclass(frozen=True)
class Demo:
    title: str
    source: str
    by: str
    plan: str
    status: str
    classification: str
    releasability: str
    observed: int
    domains: tuple[str, ...]
    observation: str
    discussion: str = ""
    conclusion: str = ""
    recommendation: str = ""
    named: tuple[str, ...] = ()
    action: Action | None = None
    asked: str = ""
    """A wider release mfa's planner asks for, left waiting for the approver."""
    rejected_by_archiving: bool = False
    """Archived from `rejected`, not after it was learned."""


LESSONS = [
    Demo(
        "Parents in Kora ask who will appoint the teachers",
        "mfa",
        "field.advisor",
        ACTIVE_PLAN,
        LessonStatus.SUBMITTED,
        "unclassified",
        "originator",
        -2,
        ("governance",),
        "At the school site parents asked three times who appoints and pays the teachers; "
        "no one from the district council had told them.",
    ),
    Demo(
        "Militia leaders named in a land court hearing",
        "mfa",
        "mfa.planner",
        ACTIVE_PLAN,
        LessonStatus.SUBMITTED,
        "restricted",
        "originator",
        -6,
        ("rule_of_law", "security"),
        "A witness named two militia leaders during a hearing in open court; the court had no "
        "way to protect the witness afterwards.",
    ),
    Demo(
        "Market days drew the villages to the land courts",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.OBSERVATION,
        "public",
        "all_members",
        -60,
        ("rule_of_law",),
        "Mobile land courts that sat on market days heard three times as many cases as those "
        "sitting on other days.",
    ),
    Demo(
        "Route clearance stopped when the rains came",
        "mod",
        "mod.planner",
        ACTIVE_PLAN,
        LessonStatus.OBSERVATION,
        "unclassified",
        "participants",
        -25,
        ("security",),
        "Route clearance between Kora and Tessa stopped for three weeks once the rains turned "
        "the road to mud; the markets emptied again.",
    ),
    Demo(
        "Land court clerks lacked the cadastral maps",
        "mfa",
        "mfa.planner",
        ACTIVE_PLAN,
        LessonStatus.REJECTED,
        "restricted",
        "originator",
        -70,
        ("rule_of_law",),
        "Clerks could not check the plots in dispute: the cadastral maps stayed in the capital.",
    ),
    Demo(
        "Mediators trained before the land courts sat",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.ANALYSIS,
        "unclassified",
        "named",
        -80,
        ("rule_of_law", "policing"),
        "Community mediators trained by the police settled a third of the disputes before "
        "they reached a land court.",
        discussion="Mediators were known in the villages; the courts were not.",
        named=("un",),
    ),
    Demo(
        "Patrol reports reached the council a week late",
        "mod",
        "mod.approver",
        ACTIVE_PLAN,
        LessonStatus.ANALYSIS,
        "restricted",
        "participants",
        -40,
        ("security", "governance"),
        "Patrol reports of tension over water points reached the district council a week "
        "after the patrols, by which time the dispute had turned violent.",
    ),
    Demo(
        "Council budgets published on the market board",
        "dev",
        "dev.planner",
        ACTIVE_PLAN,
        LessonStatus.ANALYSIS,
        "public",
        "all_members",
        -35,
        ("governance",),
        "Once the council budget hung on the market notice board, traders began asking the "
        "councillors what the market fees paid for.",
    ),
    Demo(
        "Interpreters joined the patrols before their vetting ended",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.LESSON_IDENTIFIED,
        "restricted",
        "named",
        -50,
        ("security", "policing"),
        "Two interpreters went out with the patrols while their vetting was still open; one "
        "was later found to be related to a militia leader.",
        discussion="The vetting office had no deadline and the patrols could not wait.",
        conclusion="Interpreters must be vetted before they deploy, within a known time.",
        recommendation="Give the vetting office a ten-day deadline and a shared list of "
        "cleared interpreters.",
        named=("mod", "police"),
    ),
    Demo(
        "Border market committees need both communities",
        "dev",
        "dev.approver",
        PLAN_IN_REVIEW,
        LessonStatus.LESSON_IDENTIFIED,
        "unclassified",
        "participants",
        -20,
        ("development",),
        "A pilot market committee with traders from one side of the border only was boycotted "
        "by the other.",
        conclusion="Committees hold when both communities sit on them from the start.",
        recommendation="Seat traders from both sides before the first market day.",
    ),
    Demo(
        "Checkpoints closed at dusk cut the night-time trade",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.ACTION_IN_PROGRESS,
        "unclassified",
        "named",
        -45,
        ("security", "development"),
        "The joint checkpoints on the Kora road closed at dusk; traders who had left at noon "
        "spent the night on the road.",
        discussion="The checkpoints closed for lack of lighting, not for a threat.",
        conclusion="A checkpoint kept open at night keeps the markets supplied.",
        recommendation="Light one checkpoint on the Kora road and keep it open until midnight.",
        named=("mod",),
        action=Action(
            "mod",
            "Light the Tessa checkpoint and keep it open until midnight.",
            overdue_by=8,
        ),
    ),
    Demo(
        "Water points sited by the elders stayed in use",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.LESSON_LEARNED,
        "public",
        "all_members",
        -100,
        ("development", "humanitarian"),
        "Water points sited where the elders asked were still in use a year later; those "
        "sited by the engineers alone were not.",
        discussion="The elders knew where the herds passed and who would keep the pumps.",
        conclusion="Siting with the elders keeps water points in use.",
        recommendation="Agree every water point's site with the village elders first.",
        action=Action(
            "dev",
            "Add the elders' agreement to the water point checklist.",
            done="The checklist now has a signed line for the elders; all six new water points "
            "in Tessa used it.",
        ),
    ),
    Demo(
        "Engineers' school handed over before the teachers came",
        "mod",
        "mod.approver",
        ACTIVE_PLAN,
        LessonStatus.LESSON_LEARNED,
        "unclassified",
        "all_members",
        -90,
        ("development", "governance"),
        "A school built by army engineers stood empty for a term: the council had not yet "
        "appointed teachers.",
        conclusion="A building is handed over with the people who will run it.",
        recommendation="Hand over a school only once the council has named its teachers.",
    ),
    Demo(
        "Informants' names kept out of the shared incident log",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.LESSON_LEARNED,
        "restricted",
        "participants",
        -110,
        ("security",),
        "An early incident log shared with all partners named two informants.",
        conclusion="Names of sources never enter a shared log.",
        recommendation="Log sources by reference only; keep the key with the originator.",
    ),
    Demo(
        "Radio relays ran flat overnight",
        "mfa",
        "mfa.approver",
        ACTIVE_PLAN,
        LessonStatus.ARCHIVED,
        "unclassified",
        "all_members",
        -105,
        ("security",),
        "Solar radio relays on the ridge ran flat before dawn in the rainy season.",
        conclusion="Relays need batteries for two days without sun.",
        recommendation="Fit the larger batteries to every relay before the rains.",
    ),
    Demo(
        "Convoy timings leaked on a public channel",
        "mod",
        "mod.approver",
        ACTIVE_PLAN,
        LessonStatus.ARCHIVED,
        "restricted",
        "originator",
        -95,
        ("security",),
        "Convoy timings were passed on an open messaging channel by a contractor.",
        rejected_by_archiving=True,
    ),
    Demo(
        "Police and army radios could not talk to each other",
        "mfa",
        "mfa.approver",
        PLAN_IN_REVIEW,
        LessonStatus.LESSON_IDENTIFIED,
        "public",
        "all_members",
        -30,
        ("policing", "security"),
        "At the border crossing the police and army patrols used radios that could not talk "
        "to each other, and relayed by mobile phone.",
        conclusion="Joint patrols need one radio net.",
        recommendation="Agree a shared channel and lend radios before joint patrols start.",
    ),
    Demo(
        "Cash for work paid late drove workers away",
        "dev",
        "dev.planner",
        PLAN_IN_REVIEW,
        LessonStatus.OBSERVATION,
        "restricted",
        "named",
        -15,
        ("development",),
        "Workers clearing the market square were paid three weeks late; half did not return.",
        named=("mfa",),
    ),
    Demo(
        "Women traders kept away from the evening market",
        "mfa",
        "mfa.planner",
        PLAN_IN_REVIEW,
        LessonStatus.OBSERVATION,
        "unclassified",
        "originator",
        -10,
        ("development", "public_diplomacy"),
        "Women traders said they would not come to an evening market without lighting on the "
        "path from the border post.",
        asked="The border market committees should hear this before they plan opening hours.",
    ),
    Demo(
        "Radio programme on land rights reached the far villages",
        "mfa",
        "mfa.planner",
        ACTIVE_PLAN,
        LessonStatus.SUBMITTED,
        "public",
        "originator",
        -4,
        ("public_diplomacy", "rule_of_law"),
        "A weekly radio programme explaining the land courts was heard in villages no "
        "outreach team had reached.",
    ),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _date(days_from_today: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_from_today)


def _approver(lesson: Lesson) -> User:
    """The source organisation's approver moves, releases and tasks (the demo has no
    analysts)."""
    return _user(f"{lesson.source_organisation.slug}.approver")


def _fresh(lesson: Lesson) -> Lesson:
    return Lesson.objects.get(pk=lesson.pk)


def _move(lesson: Lesson, to: str) -> Lesson:
    services.lesson_transition(
        lesson=lesson,
        by=_approver(lesson),
        to=to,
        version=lesson.version,
        comment=REJECTED_BECAUSE if to == "rejected" else "",
    )
    return _fresh(lesson)


def _task(lesson: Lesson, action: Action, orgs: dict[str, Organisation]) -> None:
    tasked = services.remedial_action_task(
        lesson=lesson,
        by=_approver(lesson),
        action_body=orgs[action.body],
        description=action.description,
        due_on=_date(30),
    )
    if action.done:
        services.remedial_action_update(
            action=tasked,
            by=_user(f"{action.body}.planner"),
            version=tasked.version,
            data={"status": "done", "evidence": action.done},
        )
    if action.overdue_by:
        # No one tasks an action already late: its due date passes after it was tasked. The
        # due date bears on no grant, so there is nothing to recompute.
        RemedialAction.objects.filter(pk=tasked.pk).update(due_on=_date(-action.overdue_by))


def _make(demo: Demo, orgs: dict[str, Organisation], plans: dict[str, Plan]) -> None:
    plan = plans[demo.plan]
    lesson = services.lesson_record(
        by=_user(demo.by),
        source_organisation=orgs[demo.source],
        title=demo.title,
        observation=demo.observation,
        discussion=demo.discussion,
        conclusion=demo.conclusion,
        recommendation=demo.recommendation,
        observed_on=_date(demo.observed),
        theatre=plan.theatre,
        source_plan=plan,
        domains=demo.domains,
        classification=demo.classification,
    )
    if demo.releasability != "originator":
        services.lesson_release(
            lesson=lesson,
            by=_approver(lesson),
            version=lesson.version,
            releasability=demo.releasability,
            organisations=[orgs[slug] for slug in demo.named],
        )
        lesson = _fresh(lesson)
    steps = ("rejected", "archived") if demo.rejected_by_archiving else PATHS[demo.status]
    for to in steps:
        if to in ("action_in_progress", "lesson_learned") and demo.action:
            _task(lesson, demo.action, orgs)
            lesson = _fresh(lesson)
        lesson = _move(lesson, to)
    if demo.asked:
        services.lesson_release(
            lesson=lesson,
            by=_user("mfa.planner"),
            version=lesson.version,
            releasability="participants",
            reason=demo.asked,
        )


def seed() -> str:
    orgs = {o.slug: o for o in Organisation.objects.all()}
    plans = {p.title: p for p in Plan.objects.filter(title__in=[ACTIVE_PLAN, PLAN_IN_REVIEW])}
    made = set(Lesson.objects.values_list("title", flat=True))
    for demo in LESSONS:
        if demo.title not in made:
            _make(demo, orgs, plans)
    return f"{Lesson.objects.count()} lessons"
