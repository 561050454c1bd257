"""The benchmark world: many organisations, people, strategies, plans and lessons, built on
top of the demo with bulk inserts, the same for the same scale and seed.

Rows go in as the services would leave them (a plan's lead is a participant, a strategy's
lead a partner, a military actor on a non-military task says why); grants then come from the
project's own rules through `grants_rebuild`, and role groups from `organisation_groups_ensure`,
so the world is indexed exactly as one built through the services.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.grants import grants_rebuild
from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from accounts.services import memberships_sync, organisation_groups_ensure
from lessons.models import (
    Classification,
    Lesson,
    LessonDomain,
    LessonStatus,
    Releasability,
    Release,
)
from lessons.search import search_vector_update
from missions.models import (
    Activity,
    ActivityStatus,
    ActorType,
    Domain,
    LineOfEffort,
    Milestone,
    Participant,
    ParticipantRole,
    Phase,
    Plan,
    PlanStatus,
    TaskNature,
)
from strategy.models import Approach, PlanningProcess, Strategy, StrategyPartner, StrategyStatus

PLANNER_USERNAME = "bench.planner"
"""The ordinary planner the measurements sign in as: a planner of the first three
organisations of the world, and nothing else."""
PLANNER_ORGANISATIONS = 3
BRIEF_PLAN_TITLE = "Benchmark brief: integrated plan with 400 activities"
BRIEF_ACTIVITIES = 400
SLUG_PREFIX = "bench-"
BATCH = 2000
PLANS_PER_CHUNK = 1000

# Per unit of scale; a tiny scale keeps enough organisations for a lead and five contributors.
PER_SCALE = {"organisations": 200, "users": 2000, "strategies": 5000, "plans": 20000}
LESSONS_PER_SCALE = 2000
MINIMUM = {"organisations": 10, "users": 20, "strategies": 1, "plans": 2, "lessons": 1}

THEATRES = [
    "Northern Valeria", "Southern Valeria", "Ostrava Basin", "Kelmar Highlands", "Port Adrin",
    "Sahel Corridor", "Lake Mirren", "Tarsis Delta", "Eastern Borderlands", "Coastal Provinces",
    "Upper Danel", "Karst Plateau", "Red River Valley", "Amber Coast", "Greymarch",
    "Central Steppe", "Islands of Verin", "Dunmore Region", "Western Marches", "Capital District",
]  # fmt: skip
COUNTRIES = [
    "Netherlands", "Germany", "France", "Norway", "Sweden", "Denmark", "Belgium", "Italy",
    "Spain", "Poland", "Canada", "Finland", "Ireland", "Austria", "Portugal", "",
]  # fmt: skip
SUBJECTS = [
    "checkpoint handover", "police training", "court reopening", "water supply",
    "demining", "elections support", "border management", "local reconciliation",
    "radio outreach", "prison reform", "road rebuilding", "health clinics",
    "disarmament", "community policing", "customs reform", "school reopening",
]  # fmt: skip
FIRST_NAMES = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Jonas"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos"]

ACTIVITY_STATUSES = [
    (ActivityStatus.PLANNED, 35),
    (ActivityStatus.IN_PROGRESS, 35),
    (ActivityStatus.DONE, 15),
    (ActivityStatus.BLOCKED, 10),
    (ActivityStatus.CANCELLED, 5),
]
PLAN_STATUSES = [
    (PlanStatus.DRAFT, 30),
    (PlanStatus.IN_REVIEW, 15),
    (PlanStatus.APPROVED, 15),
    (PlanStatus.ACTIVE, 30),
    (PlanStatus.CLOSED, 10),
]
STRATEGY_STATUSES = [
    (StrategyStatus.DRAFT, 30),
    (StrategyStatus.CONSULTATION, 20),
    (StrategyStatus.AGREED, 40),
    (StrategyStatus.ARCHIVED, 10),
]
RELEASABILITIES = [
    (Releasability.ORIGINATOR, 30),
    (Releasability.PARTICIPANTS, 30),
    (Releasability.NAMED, 20),
    (Releasability.ALL_MEMBERS, 20),
]
CLASSIFICATIONS = [
    (Classification.PUBLIC, 20),
    (Classification.UNCLASSIFIED, 60),
    (Classification.RESTRICTED, 20),
]

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class WorldSize:
    organisations: int
    users: int
    strategies: int
    plans: int
    lessons: int

    @classmethod
    def for_scale(cls, scale: float) -> WorldSize:
        if scale <= 0:
            raise ValueError("The scale is a positive number (1 is 20,000 plans).")
        per_scale = {**PER_SCALE, "lessons": LESSONS_PER_SCALE}
        return cls(**{name: max(MINIMUM[name], round(n * scale)) for name, n in per_scale.items()})

    def activities(self) -> int:
        """The brief plan's 400, then 3 to 7 per plan in turn (5 on average)."""
        return BRIEF_ACTIVITIES + sum(activities_of(i) for i in range(1, self.plans))


def activities_of(plan_index: int) -> int:
    return BRIEF_ACTIVITIES if plan_index == 0 else 3 + plan_index % 5


def _weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(model: type[M], rows: Sequence[M]) -> list[M]:
    created: list[M] = []
    for batch in _batches(rows):
        created.extend(model._default_manager.bulk_create(batch))
    return created


def _spread_updated(table: str, first_id: int) -> None:
    """Bulk inserts stamp every row with the same moment; lists sort by `updated`, so spread
    it over the last three years as a world built over time would have it."""
    hours_ago = "((id * 7919) %% 26280) * interval '1 hour'"
    sql = f"UPDATE {table} SET updated = created - {hours_ago} WHERE id >= %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_id])


@dataclass
class BuiltWorld:
    size: WorldSize
    seconds: dict[str, float]
    grants_added: int


class WorldBuilder:
    def __init__(self, *, scale: float, seed: int, log: Callable[[str], None]) -> None:
        self.size = WorldSize.for_scale(scale)
        self.rng = random.Random(seed)  # noqa: S311 (a reproducible world, not a secret)
        self.log = log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.seconds: dict[str, float] = {}
        self.organisations: list[Organisation] = []
        self.users: list[User] = []
        self.strategies: list[Strategy] = []
        self.plan_ids: list[int] = []
        self.participants_of: dict[int, list[int]] = {}

    def _timed(self, step: str, build: Callable[[], Any]) -> None:
        started = time.perf_counter()
        build()
        self.seconds[step] = time.perf_counter() - started
        self.log(f"  {step}: {self.seconds[step]:.1f} s")

    def build(self) -> BuiltWorld:
        if User.objects.filter(username=PLANNER_USERNAME).exists():
            raise ValueError(
                "This database already holds a benchmark world; build it on a fresh one."
            )
        with transaction.atomic():
            self._timed("organisations and role groups", self._organisations)
            self._timed("users and memberships", self._users)
            self._timed("strategies and partnerships", self._strategies)
            self._timed("plans, participants, lines, activities", self._plans)
            self._timed("lessons", self._lessons)
        grants: dict[str, int] = {}
        self._timed("grants (grants_rebuild)", lambda: grants.update(added=self._grants()))
        self._timed("VACUUM and ANALYZE", self._analyze)
        return BuiltWorld(size=self.size, seconds=self.seconds, grants_added=grants["added"])

    # --- organisations and people ------------------------------------------------------------

    def _organisations(self) -> None:
        kinds = list(OrganisationKind)
        rows = []
        for i in range(self.size.organisations):
            kind = kinds[i % len(kinds)]
            country = self.rng.choice(COUNTRIES)
            rows.append(
                Organisation(
                    name=f"{kind.label} {i + 1:04d}{f' ({country})' if country else ''}",
                    slug=f"{SLUG_PREFIX}{i + 1:04d}",
                    acronym=f"B{i + 1:04d}",
                    kind=kind,
                    country=country,
                    description=f"Benchmark organisation {i + 1}.",
                )
            )
        self.organisations = _insert(Organisation, rows)
        for organisation in self.organisations:
            organisation_groups_ensure(organisation=organisation)

    def _users(self) -> None:
        password = make_password(settings.DEMO_PASSWORD)
        rows = []
        for i in range(self.size.users):
            username = PLANNER_USERNAME if i == 0 else f"bench.user.{i:05d}"
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            rows.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@bench.joined-forces.local",
                    password=password,
                )
            )
        self.users = _insert(User, rows)

        roles = list(Role)
        organisation_count = len(self.organisations)
        memberships = [
            Membership(
                user=self.users[0],
                organisation=organisation,
                role=Role.PLANNER,
                valid_from=self.today - datetime.timedelta(days=400),
            )
            for organisation in self.organisations[:PLANNER_ORGANISATIONS]
        ]
        for i, user in enumerate(self.users[1:], start=1):
            # Every organisation gets members in every role; a fifth of the people hold a
            # second role elsewhere, some of which ended long ago.
            memberships.append(
                Membership(
                    user=user,
                    organisation=self.organisations[i % organisation_count],
                    role=roles[(i // organisation_count) % len(roles)],
                    valid_from=self.today - datetime.timedelta(days=self.rng.randint(30, 2000)),
                )
            )
            if self.rng.random() < 0.2:
                started = self.today - datetime.timedelta(days=self.rng.randint(400, 2000))
                ended = self.rng.random() < 0.25
                memberships.append(
                    Membership(
                        user=user,
                        organisation=self.rng.choice(self.organisations),
                        role=self.rng.choice(roles),
                        valid_from=started,
                        valid_until=started + datetime.timedelta(days=300) if ended else None,
                    )
                )
        _insert(Membership, memberships)
        memberships_sync(users=self.users)

    # --- strategies ---------------------------------------------------------------------------

    def _strategies(self) -> None:
        processes = [p.value for p in PlanningProcess]
        approaches = list(Approach)
        rows = []
        leads = []
        for i in range(self.size.strategies):
            # The first strategy is led by the planner's first organisation (the brief's plan).
            lead = self.organisations[0] if i == 0 else self.rng.choice(self.organisations)
            leads.append(lead)
            theatre = self.rng.choice(THEATRES)
            rows.append(
                Strategy(
                    title=f"{theatre}: {self.rng.choice(SUBJECTS)} strategy {i + 1}",
                    theatre=theatre,
                    summary=f"A shared strategy for {theatre}.",
                    approach=self.rng.choice(approaches),
                    processes=self.rng.sample(processes, self.rng.randint(0, 2)),
                    lead_organisation=lead,
                    status=_weighted(self.rng, STRATEGY_STATUSES),
                    created_by=self.rng.choice(self.users),
                )
            )
        self.strategies = _insert(Strategy, rows)
        partnerships = []
        for strategy, lead in zip(self.strategies, leads, strict=True):
            others = [o for o in self.rng.sample(self.organisations, 5) if o.pk != lead.pk]
            for organisation in [lead, *others[: self.rng.randint(1, 4)]]:
                partnerships.append(StrategyPartner(strategy=strategy, organisation=organisation))
        _insert(StrategyPartner, partnerships)
        _spread_updated(Strategy._meta.db_table, self.strategies[0].pk)

    # --- plans ----------------------------------------------------------------------------------

    def _plans(self) -> None:
        for start in range(0, self.size.plans, PLANS_PER_CHUNK):
            self._plan_chunk(range(start, min(start + PLANS_PER_CHUNK, self.size.plans)))
        _spread_updated(Plan._meta.db_table, self.plan_ids[0])

    def _plan_chunk(self, indexes: range) -> None:
        rng = self.rng
        plans: list[Plan] = []
        participations: list[list[int]] = []
        for i in indexes:
            strategy: Strategy | None
            if i == 0:
                lead, strategy = self.organisations[0], self.strategies[0]
            else:
                lead = rng.choice(self.organisations)
                strategy = rng.choice(self.strategies) if rng.random() < 0.85 else None
            contributors = [o for o in rng.sample(self.organisations, 6) if o.pk != lead.pk]
            participations.append([lead.pk, *(o.pk for o in contributors[: rng.randint(2, 5)])])
            start = self.today - datetime.timedelta(days=rng.randint(-180, 900))
            theatre = strategy.theatre if strategy else rng.choice(THEATRES)
            plans.append(
                Plan(
                    title=BRIEF_PLAN_TITLE
                    if i == 0
                    else f"{theatre}: {rng.choice(SUBJECTS)} plan {i + 1}",
                    strategy=strategy,
                    theatre=theatre,
                    summary=f"Integrated plan for {rng.choice(SUBJECTS)} in {theatre}.",
                    phase=rng.choice(list(Phase)),
                    status=_weighted(rng, PLAN_STATUSES),
                    lead_organisation=lead,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(180, 1100)),
                    created_by=rng.choice(self.users),
                )
            )
        plans = _insert(Plan, plans)
        self.plan_ids.extend(p.pk for p in plans)

        participants: list[Participant] = []
        lines: list[LineOfEffort] = []
        for index, plan, organisation_ids in zip(indexes, plans, participations, strict=True):
            self.participants_of[plan.pk] = organisation_ids
            participants.extend(
                Participant(
                    plan=plan,
                    organisation_id=organisation_id,
                    role=ParticipantRole.LEAD if n == 0 else ParticipantRole.CONTRIBUTOR,
                )
                for n, organisation_id in enumerate(organisation_ids)
            )
            line_count = 8 if index == 0 else rng.randint(1, 3)
            lines.extend(
                LineOfEffort(
                    plan=plan,
                    domain=rng.choice(list(Domain)),
                    title=f"{rng.choice(SUBJECTS).capitalize()} line {n + 1}",
                    lead_organisation_id=rng.choice(organisation_ids),
                    order=n,
                )
                for n in range(line_count)
            )
        _insert(Participant, participants)
        lines = _insert(LineOfEffort, lines)

        lines_of: dict[int, list[LineOfEffort]] = {}
        for line in lines:
            lines_of.setdefault(line.plan_id, []).append(line)
        activities, milestones = [], []
        for index, plan in zip(indexes, plans, strict=True):
            plan_lines = lines_of[plan.pk]
            for n in range(activities_of(index)):
                activities.append(
                    self._activity(plan, plan_lines[n % len(plan_lines)], n, index == 0)
                )
            for n in range(10 if index == 0 else 2):
                due = plan.start_date + datetime.timedelta(days=90 * (n + 1))
                milestones.append(
                    Milestone(
                        plan=plan,
                        title=f"Milestone {n + 1}",
                        due_date=due,
                        achieved_on=due if due < self.today and rng.random() < 0.7 else None,
                    )
                )
        _insert(Activity, activities)
        _insert(Milestone, milestones)

    def _activity(self, plan: Plan, line: LineOfEffort, n: int, in_brief: bool) -> Activity:
        rng = self.rng
        status = _weighted(rng, ACTIVITY_STATUSES)
        actor = rng.choice(list(ActorType))
        nature = rng.choice(list(TaskNature))
        start = plan.start_date + datetime.timedelta(days=rng.randint(0, 120))
        placed = rng.random() < 0.3
        return Activity(
            line_of_effort=line,
            title=f"{rng.choice(SUBJECTS).capitalize()} {n + 1}",
            description="" if not in_brief else f"Step {n + 1} of {line.title.lower()}.",
            responsible_organisation_id=rng.choice(self.participants_of[plan.pk]),
            actor_type=actor,
            task_nature=nature,
            military_justification=(
                "No civilian actor can work there yet."
                if actor == ActorType.MILITARY and nature == TaskNature.NON_MILITARY
                else ""
            ),
            status=status,
            progress={ActivityStatus.DONE: 100, ActivityStatus.PLANNED: 0}.get(
                status, rng.randint(5, 95)
            ),
            start_date=start,
            end_date=min(start + datetime.timedelta(days=rng.randint(14, 240)), plan.end_date),
            place_name=rng.choice(THEATRES) if placed else "",
            latitude=Decimal(rng.randint(-40000, 60000)) / 1000 if placed else None,
            longitude=Decimal(rng.randint(-20000, 50000)) / 1000 if placed else None,
        )

    # --- lessons --------------------------------------------------------------------------------

    def _lessons(self) -> None:
        rng = self.rng
        rows: list[Lesson] = []
        named: list[list[Organisation]] = []
        domains: list[LessonDomain] = []
        statuses = list(LessonStatus)
        for i in range(self.size.lessons):
            plan_id = rng.choice(self.plan_ids)
            source = rng.choice(self.participants_of[plan_id])
            releasability = _weighted(rng, RELEASABILITIES)
            classification = _weighted(rng, CLASSIFICATIONS)
            if releasability == Releasability.ALL_MEMBERS:
                classification = Classification.UNCLASSIFIED
            subject = rng.choice(SUBJECTS)
            theatre = rng.choice(THEATRES)
            rows.append(
                Lesson(
                    title=f"{subject.capitalize()} in {theatre}, lesson {i + 1}",
                    observation=f"During {subject} in {theatre} the partners lost two weeks.",
                    discussion=f"The {rng.choice(SUBJECTS)} teams were not told in time.",
                    conclusion=f"Plan {subject} with every partner from the start.",
                    recommendation=f"Name one coordinator for {subject} per theatre.",
                    source_plan_id=plan_id,
                    source_organisation_id=source,
                    theatre=theatre,
                    observed_on=self.today - datetime.timedelta(days=rng.randint(0, 1500)),
                    author=rng.choice(self.users),
                    status=rng.choice(statuses),
                    classification=classification,
                    releasability=releasability,
                )
            )
            named.append(
                rng.sample(self.organisations, 3)[: rng.randint(1, 3)]
                if releasability == Releasability.NAMED
                else []
            )
        lessons = _insert(Lesson, rows)
        releases: list[Release] = []
        for lesson, organisations in zip(lessons, named, strict=True):
            releases.extend(
                Release(
                    lesson=lesson,
                    organisation=organisation,
                    released_by=lesson.author,
                    released_at=self.now,
                )
                for organisation in organisations
                if organisation.pk != lesson.source_organisation_id
            )
            domains.extend(
                LessonDomain(lesson=lesson, domain=domain)
                for domain in rng.sample(list(Domain), rng.randint(1, 2))
            )
        _insert(Release, releases)
        _insert(LessonDomain, domains)
        search_vector_update(lesson.pk for lesson in lessons)
        _spread_updated(Lesson._meta.db_table, lessons[0].pk)

    # --- the index -----------------------------------------------------------------------------

    def _grants(self) -> int:
        return grants_rebuild([Organisation, Strategy, Plan, Lesson]).added

    def _analyze(self) -> None:
        # A database in use is vacuumed by autovacuum: without it the fresh rows' visibility map
        # is empty and every index-only scan visits the table. VACUUM cannot run in a
        # transaction (a test's), where statistics alone are refreshed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
