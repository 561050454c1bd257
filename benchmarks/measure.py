"""Measuring the benchmark world in-process: every list endpoint of the API and every list
page, the plan page, the plan brief and the bare floor, as the superuser and as an ordinary
planner, requests interleaved so that the machine's noise hits both alike.

Times are server-side (django.test.Client, no network), per request, in milliseconds.
"""

from __future__ import annotations

import datetime
import logging
import os
import platform
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model

from accounts.grants import grants_rebuild, registered_models
from accounts.models import Organisation, User
from benchmarks.floor import API_PLANS_PATH, plan_list_fields
from benchmarks.urls import BARE_PLANS_PATH
from benchmarks.world import BRIEF_PLAN_TITLE, PER_SCALE, PLANNER_USERNAME, SLUG_PREFIX
from lessons.models import Lesson
from missions.models import Activity, Plan
from missions.selectors import visible_plans
from reports.models import Report
from reports.registry import BuildContext, get_kind
from reports.services import _render as report_render
from strategy.models import Strategy

SUPERUSER_USERNAME = "admin"
API_PREFIX = "api/v1/"
EXTRA_PAGES = ("home", "glossary")
SEARCH_WORDS = "checkpoint handover"
# What the permission filter must not do for a planner: read the whole plans table (not its
# grant tables, hence the word boundary), or cost enough for PostgreSQL to compile it (JIT).
EXPLAIN_WARNINGS = {
    "Seq Scan on missions_plan": re.compile(r"Seq Scan on missions_plan\b"),
    "JIT": re.compile(r"^\s*JIT:|Timing: Generation"),
}
EXPLAIN_LINES = 60
BRIEF_RUNS = 3
QUIET_LOGGERS = ("axes", "weasyprint", "weasyprint.progress")
PLANS_LIST_LABEL = f"API {API_PLANS_PATH}"
BRIEF_LABEL = "plan brief PDF, 400 activities"
FLOOR_LABEL = "floor: plans list, bare JsonResponse"


@dataclass
class Timing:
    status: int
    queries: int
    milliseconds: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.milliseconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.milliseconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Row:
    label: str
    superuser: Timing | None
    planner: Timing


@dataclass
class Explained:
    label: str
    plan: str

    @property
    def warnings(self) -> list[str]:
        return [name for name in EXPLAIN_WARNINGS if self._lines_matching(name)]

    @property
    def flagged_lines(self) -> list[str]:
        return [line for name in EXPLAIN_WARNINGS for line in self._lines_matching(name)]

    def _lines_matching(self, name: str) -> list[str]:
        pattern = EXPLAIN_WARNINGS[name]
        return [line.strip() for line in self.plan.splitlines() if pattern.search(line)]


@dataclass
class Results:
    started: datetime.datetime
    requests: int
    warmup: int
    world: dict[str, int]
    scale: float
    rows: list[Row] = field(default_factory=list)
    explained: list[Explained] = field(default_factory=list)
    floor: dict[str, float] = field(default_factory=dict)
    rebuild: tuple[int, float] | None = None
    seconds: float = 0.0


# --- what to measure ----------------------------------------------------------------------------


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route, pattern


def _without_parameters(route: str) -> bool:
    return not any(mark in route for mark in ("<", "(", "\\", "?"))


def api_list_paths() -> list[str]:
    """Every list route of the API: the router's `list` actions without a parameter."""
    paths = []
    for route, pattern in _routes(get_resolver().url_patterns):
        actions = getattr(pattern.callback, "actions", None) or {}
        listing = route.startswith(API_PREFIX) and actions.get("get") == "list"
        if listing and _without_parameters(route):
            paths.append(f"/{route}")
    return sorted(set(paths))


def page_list_paths() -> list[str]:
    """Every list page (a URL named `*-list`, without a parameter), and the home page and
    glossary, which list too."""
    paths = []
    for route, pattern in _routes(get_resolver().url_patterns):
        name = pattern.name or ""
        if route.startswith("api/") or not _without_parameters(route):
            continue
        if name.endswith("-list") or name in EXTRA_PAGES:
            paths.append(f"/{route}")
    return sorted(set(paths))


def targets(planner: User) -> list[tuple[str, str]]:
    """(label, path) of every row measured for both users."""
    shown_plan = visible_plans(planner).first()  # the top of the planner's plans list
    if shown_plan is None:
        raise ValueError(f"{PLANNER_USERNAME} sees no plan: is the benchmark world built?")
    brief_plan = Plan.objects.get(title=BRIEF_PLAN_TITLE)
    rows = [(f"API {path}", path) for path in api_list_paths()]
    rows += [
        ("API activities ?status=blocked", "/api/v1/activities/?status=blocked"),
        ("API lessons ?search=", f"/api/v1/lessons/?search={SEARCH_WORDS.replace(' ', '+')}"),
        ("API plan (one)", f"{API_PLANS_PATH}{shown_plan.pk}/"),
    ]
    rows += [(f"page {path}", path) for path in page_list_paths()]
    rows += [
        ("page /lessons/ ?search=", f"/lessons/?search={SEARCH_WORDS.replace(' ', '+')}"),
        ("plan page", f"/plans/{shown_plan.pk}/"),
        ("plan page, 400 activities", f"/plans/{brief_plan.pk}/"),
    ]
    return rows


# --- measuring ----------------------------------------------------------------------------------


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Each sign-in (axes) and each page WeasyPrint lays out logs a line; thousands of them
    would bury the table."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    before = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, before, strict=True):
            logger.setLevel(level)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count_queries(client: Client, path: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured), [q["sql"] for q in captured.captured_queries]


def measure_pair(
    clients: dict[str, Client], path: str, *, requests: int, warmup: int
) -> dict[str, Timing]:
    timings = {}
    for who, client in clients.items():
        status, queries, _ = _count_queries(client, path)
        timings[who] = Timing(status=status, queries=queries)
    for n in range(warmup + requests):
        for who, client in clients.items():
            started = time.perf_counter()
            client.get(path)
            if n >= warmup:
                timings[who].milliseconds.append((time.perf_counter() - started) * 1000)
    return timings


def _explain(label: str, sql: str) -> Explained:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return Explained(label=label, plan=plan)


def _pick(queries: list[str], *, table: str, count: bool) -> str | None:
    for sql in queries:
        if f'FROM "{table}"' in sql and sql.startswith("SELECT COUNT(") == count:
            return sql
    return None


def explain_planner_queries(planner_client: Client) -> list[Explained]:
    """EXPLAIN ANALYZE of the planner's plans page query and activities count, as the API
    sent them (whatever shape the permission filter and pagination have today)."""
    explained = []
    _, _, plan_queries = _count_queries(planner_client, API_PLANS_PATH)
    plans_sql = _pick(plan_queries, table="missions_plan", count=False)
    if plans_sql:
        explained.append(_explain("planner: API plans list, the page's query", plans_sql))
    _, _, activity_queries = _count_queries(planner_client, "/api/v1/activities/")
    activities_sql = _pick(activity_queries, table="missions_activity", count=True) or _pick(
        activity_queries, table="missions_activity", count=False
    )
    if activities_sql:
        label = "count" if activities_sql.startswith("SELECT COUNT(") else "page"
        explained.append(_explain(f"planner: API activities list, its {label}", activities_sql))
    return explained


def measure_brief(planner: User, runs: int = BRIEF_RUNS) -> Timing:
    """The plan brief PDF of the 400-activity plan, gathered and rendered as the report task
    does (without storing the file or notifying anyone)."""
    plan = Plan.objects.get(title=BRIEF_PLAN_TITLE)
    kind = get_kind("plan_brief")
    params = {"plan": plan.pk, "format": "pdf"}
    report = Report(kind=kind.name, title=kind.title(params), params=params, requested_by=planner)
    timing = Timing(status=200, queries=0)
    for run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            context = BuildContext(
                report_id=0, user=planner, params=params, progress=lambda _: None
            )
            report_render(report, kind.gather(context))
            timing.milliseconds.append((time.perf_counter() - started) * 1000)
        if run == 0:
            timing.queries = len(captured)
    return timing


def measure_rebuild() -> tuple[int, float]:
    objects = sum(model._default_manager.count() for model in registered_models())
    started = time.perf_counter()
    grants_rebuild()
    return objects, time.perf_counter() - started


def world_counts() -> dict[str, int]:
    grant_rows = 0
    for model in registered_models():
        perms_model: Any = get_group_obj_perms_model(model)  # type: ignore[arg-type]
        grant_rows += perms_model.objects.count()
    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "strategies": Strategy.objects.count(),
        "plans": Plan.objects.count(),
        "activities": Activity.objects.count(),
        "lessons": Lesson.objects.count(),
        "group grant rows": grant_rows,
    }


def run(
    *,
    requests: int,
    warmup: int,
    brief_runs: int = BRIEF_RUNS,
    rebuild: bool = False,
    only: str = "",
    log: Callable[[str], None] = lambda _: None,
) -> Results:
    """Measure every row (or those whose label contains `only`), the floor beside the API's
    plans list, the planner's EXPLAINs, the plan brief and, if asked, the grant rebuild."""
    superuser = User.objects.get(username=SUPERUSER_USERNAME)
    planner = User.objects.get(username=PLANNER_USERNAME)
    bench_plans = Plan.objects.filter(lead_organisation__slug__startswith=SLUG_PREFIX).count()
    results = Results(
        started=timezone.now(),
        requests=requests,
        warmup=warmup,
        world={**world_counts(), "plans the planner sees": visible_plans(planner).count()},
        scale=bench_plans / PER_SCALE["plans"],
    )
    started = time.perf_counter()
    with _quiet_logs(), override_settings(ROOT_URLCONF="benchmarks.urls"):
        clients = {"superuser": _client(superuser), "planner": _client(planner)}
        chosen = [(label, path) for label, path in targets(planner) if only in label]
        if (PLANS_LIST_LABEL, API_PLANS_PATH) in chosen:
            chosen.append((FLOOR_LABEL, BARE_PLANS_PATH))
        for label, path in chosen:
            pair = measure_pair(clients, path, requests=requests, warmup=warmup)
            results.rows.append(Row(label, pair["superuser"], pair["planner"]))
            log(_row_line(results.rows[-1]))
        measured = {row.label: row for row in results.rows}
        if FLOOR_LABEL in measured:
            drf, bare = measured[PLANS_LIST_LABEL], measured[FLOOR_LABEL]
            for who in ("superuser", "planner"):
                results.floor[who] = getattr(bare, who).p50 / getattr(drf, who).p50
        results.explained = explain_planner_queries(clients["planner"])
    if brief_runs and only in BRIEF_LABEL:
        with _quiet_logs():
            brief = measure_brief(planner, runs=brief_runs)
        results.rows.append(Row(BRIEF_LABEL, None, brief))
        log(_row_line(results.rows[-1]))
    if rebuild:
        log("Timing grants_rebuild() over everything...")
        results.rebuild = measure_rebuild()
    results.seconds = time.perf_counter() - started
    return results


# --- the report ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _cells(timing: Timing | None) -> list[str]:
    if timing is None:
        return ["", ""]
    flag = "" if timing.status == 200 else f" ({timing.status})"
    return [_ms(timing.p50) + flag, _ms(timing.p95)]


def _row_line(row: Row) -> str:
    cells = _table_cells(row)
    return f"  {row.label}: " + " | ".join(cells[1:])


def _table_cells(row: Row) -> list[str]:
    su, pl = row.superuser, row.planner
    queries = f"{su.queries} / {pl.queries}" if su else f"{pl.queries}"
    ratio = f"{pl.p50 / su.p50:.2f}×" if su and su.p50 else ""  # noqa: RUF001
    return [f"`{row.label}`", queries, *_cells(su), *_cells(pl), ratio]


def _memory() -> str:
    try:
        with open("/proc/meminfo") as meminfo:
            kilobytes = int(meminfo.readline().split()[1])
    except (OSError, ValueError, IndexError):
        return "unknown"
    return f"{kilobytes / 1024 / 1024:.1f} GiB"


def _postgres_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


def markdown(results: Results) -> str:
    world = ", ".join(f"{count:,} {name}" for name, count in results.world.items())
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`manage.py bench_world`, then `manage.py bench_measure`; see "
        "the README). Server-side times in milliseconds, in-process through django.test.Client: "
        f"{results.requests} requests per row and user after {results.warmup} warm-up, the "
        "superuser (`admin`) and an ordinary planner (`bench.planner`, a planner of three "
        "organisations) interleaved, so the machine's noise hits both alike. Queries are those "
        "of one request. A status other than 200 is shown in brackets.",
        "",
        "| | |",
        "|---|---|",
        f"| date | {results.started:%Y-%m-%d %H:%M} UTC |",
        f"| machine | {os.cpu_count()} CPUs (nproc), {_memory()} RAM, {platform.machine()} |",
        f"| PostgreSQL | {_postgres_version()} |",
        f"| scale | {results.scale:g} |",
        f"| world | {world} |",
        f"| measuring took | {results.seconds:,.0f} s |",
        "",
        "## Lists, pages and reports",
        "",
        "| | queries superuser / planner | superuser p50 | superuser p95 | planner p50 "
        "| planner p95 | planner / superuser (p50) |",
        "|---|---|---|---|---|---|---|",
        *("| " + " | ".join(_table_cells(row)) + " |" for row in results.rows),
        "",
    ]
    if results.floor:
        lines += [
            "## The floor",
            "",
            "The same page of the plans list (the same rows and order, counted by the API's own "
            f"paginator, its model fields: {', '.join(plan_list_fields())}) as a bare "
            "`JsonResponse` of `values()`. "
            f"Throughput of `{API_PLANS_PATH}` relative to the bare view (its p50 over the "
            "API's):",
            "",
            *(f"- {who}: {ratio:.2f}×" for who, ratio in results.floor.items()),  # noqa: RUF001
            "",
        ]
    if results.rebuild:
        objects, seconds = results.rebuild
        lines += [
            "## Grant rebuild",
            "",
            f"`grants_rebuild()` over every registered model: {objects:,} objects in "
            f"{seconds:,.1f} s ({objects / seconds:,.0f} objects/s).",
            "",
        ]
    lines += ["## EXPLAIN ANALYZE", ""]
    for explained in results.explained:
        warnings = ", ".join(f"`{w}`" for w in explained.warnings) or "none"
        plan_lines = explained.plan.splitlines()
        cut = len(plan_lines) > EXPLAIN_LINES
        lines += [
            f"### {explained.label}",
            "",
            f"Flags (`Seq Scan on missions_plan`, `JIT`): {warnings}.",
            "",
            *(f"- `{line}`" for line in explained.flagged_lines),
            *([""] if explained.flagged_lines else []),
            "```",
            *plan_lines[:EXPLAIN_LINES],
            *([f"... ({len(plan_lines) - EXPLAIN_LINES} more lines)"] if cut else []),
            "```",
            "",
        ]
    return "\n".join(lines)
