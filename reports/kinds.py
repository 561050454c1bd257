"""The report kinds Joined Forces offers. Each gathers only what the requester may see."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.authority import visible
from accounts.models import Membership, Organisation, OrganisationKind
from accounts.selectors import organisation_list
from charts import horizontal_bar_chart, line_chart, timeline_chart
from charts.flow import flow_chart
from lessons.models import Classification, Lesson, LessonStatus, Releasability
from lessons.selectors import LessonFilters, lesson_list
from missions.models import Activity, ActorType, Domain, Plan
from missions.selectors import (
    civil_military_balance,
    consultation_gaps,
    plan_activities,
    plan_detail,
    visible_plans,
)
from reports.registry import BuildContext, ReportError, ReportKind, register
from secondments.selectors import secondment_list
from strategy.models import Strategy
from strategy.selectors import (
    endorsement_history,
    endorsement_panel,
    strategy_detail,
    unaddressed_drivers,
    visible_strategies,
)


class FormatParams(serializers.Serializer):
    format = serializers.ChoiceField(choices=["pdf", "csv"], default="pdf")


def gather_organisation_directory(context: BuildContext) -> dict[str, Any]:
    organisations = list(organisation_list(user=context.user).order_by("name"))
    context.progress(20)
    with_visible_members = visible(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
        user=context.user,
        codename="view_organisation_members",
    )
    may_see_members = set(with_visible_members.values_list("pk", flat=True))
    members: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.valid_on(timezone.localdate())
        .filter(organisation_id__in=may_see_members, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    ):
        members[membership.organisation_id].append(membership)
    context.progress(50)
    kind_labels = dict(OrganisationKind.choices)
    per_kind = Counter(str(kind_labels[o.kind]) for o in organisations)
    return {
        "title": _("Organisation directory"),
        "generated": timezone.now(),
        "requested_by": context.user,
        "rows": [(o, members[o.pk] if o.pk in may_see_members else None) for o in organisations],
        "organisation_count": len(organisations),
        "chart": horizontal_bar_chart(
            sorted(per_kind.items(), key=lambda item: (-item[1], item[0])),
            title=_("Organisations by kind"),
        ),
    }


def organisation_directory_csv(data: dict[str, Any]) -> Iterable[list[str]]:
    yield [
        _("organisation"),
        _("acronym"),
        _("kind"),
        _("country"),
        _("member"),
        _("role"),
        _("member since"),
    ]
    for organisation, members in data["rows"]:
        base = [
            organisation.name,
            organisation.acronym,
            organisation.get_kind_display(),
            organisation.country or _("International"),
        ]
        if not members:
            yield [*base, "", "", ""]
        for membership in members or []:
            yield [
                *base,
                membership.user.get_full_name() or membership.user.username,
                membership.get_role_display(),
                membership.valid_from.isoformat(),
            ]


register(
    ReportKind(
        name="organisation_directory",
        label=gettext_lazy("Organisation directory"),
        description=gettext_lazy(
            "Every organisation you can see, with the members of your own organisations."
        ),
        params_serializer=FormatParams,
        gather=gather_organisation_directory,
        template="reports/organisation_directory.html",
        csv_rows=organisation_directory_csv,
    )
)


class StrategyParams(serializers.Serializer):
    strategy = serializers.IntegerField(help_text=gettext_lazy("Id of a strategy you can see."))
    format = serializers.ChoiceField(choices=["pdf"], default="pdf")

    def validate_strategy(self, value: int) -> int:
        if not visible_strategies(self.context["user"]).filter(pk=value).exists():
            raise serializers.ValidationError(_("No strategy with this id is shared with you."))
        return value


def gather_strategy_status(context: BuildContext) -> dict[str, Any]:
    strategy = strategy_detail(user=context.user).filter(pk=context.params["strategy"]).first()
    if strategy is None:
        raise ReportError(_("This strategy is no longer shared with you."))
    context.progress(30)
    goals = []
    for goal in strategy.goals.all():
        indicators = [
            {
                "indicator": indicator,
                "chart": line_chart(
                    [(r.date, float(r.value)) for r in indicator.readings.all()],
                    title=indicator.name,
                    unit=indicator.unit,
                    target=float(indicator.target),
                    threshold=(
                        float(indicator.warning_threshold)
                        if indicator.warning_threshold is not None
                        else None
                    ),
                    today=timezone.localdate(),
                ),
            }
            for indicator in goal.indicators.all()
        ]
        goals.append({"goal": goal, "indicators": indicators})
    context.progress(60)
    return {
        "title": strategy.title,
        "strategy": strategy,
        "generated": timezone.now(),
        "requested_by": context.user,
        "goals": goals,
        "unaddressed": unaddressed_drivers(strategy),
        "panel": endorsement_panel(strategy),
        "history": endorsement_history(strategy),
    }


register(
    ReportKind(
        name="strategy_status",
        label=gettext_lazy("Strategy status"),
        description=gettext_lazy(
            "A strategy's goals, drivers, indicator charts and endorsement record."
        ),
        params_serializer=StrategyParams,
        gather=gather_strategy_status,
        template="reports/strategy_status.html",
        subject_param="strategy",
        subject=lambda params: Strategy.objects.values_list("title", flat=True).get(
            pk=params["strategy"]
        ),
    )
)


class PlanParams(serializers.Serializer):
    plan = serializers.IntegerField(help_text=gettext_lazy("Id of a plan you can see."))
    format = serializers.ChoiceField(choices=["pdf"], default="pdf")

    def validate_plan(self, value: int) -> int:
        if not visible_plans(self.context["user"]).filter(pk=value).exists():
            raise serializers.ValidationError(_("No plan with this id is shared with you."))
        return value


TIMELINE_ROWS_PER_PAGE = 40
"""Rows of the brief's timeline that fit an A4 page under its heading. A chart cannot break
across pages, so a longer plan's timeline goes on in charts of this many rows, on one scale."""


def plan_brief_timeline(plan: Plan, activities: list[Activity]) -> list[str]:
    """The plan's timeline as page-sized charts: the activities in order, then the milestones
    (with the last activities where they fit)."""
    rows = [(a.title, a.start_date, a.end_date, a.status) for a in activities]
    milestones = [(m.title, m.due_date, m.achieved_on is not None) for m in plan.milestones.all()]
    per_page = TIMELINE_ROWS_PER_PAGE
    pages: list[tuple[int, list[Any], list[Any]]] = [
        (first, rows[first : first + per_page], []) for first in range(0, len(rows), per_page)
    ] or [(0, [], [])]
    first, last_rows, _milestones = pages[-1]
    if len(last_rows) + len(milestones) <= per_page:
        pages[-1] = (first, last_rows, milestones)
    else:
        pages.append((len(rows), [], milestones))
    # Every page on the scale of the whole timeline, so a bar means the same dates on each.
    days = [plan.start_date, plan.end_date]
    days += [day for _, begins, ends, _ in rows for day in (begins, ends)]
    days += [due for _, due, _ in milestones]
    charts = []
    for first, page_rows, page_milestones in pages:
        title = _("Activities and milestones")
        if len(pages) > 1 and page_rows:
            numbers = {"first": first + 1, "last": first + len(page_rows), "count": len(rows)}
            if page_milestones:
                title = _("Activities %(first)d to %(last)d of %(count)d and the milestones")
            else:
                title = _("Activities %(first)d to %(last)d of %(count)d")
            title = title % numbers
        elif len(pages) > 1:
            title = _("Milestones")
        charts.append(
            timeline_chart(
                page_rows,
                page_milestones,
                title=title,
                start=min(days),
                end=max(days),
                today=timezone.localdate(),
                label_tooltips=False,
            )
        )
    return charts


def gather_plan_brief(context: BuildContext) -> dict[str, Any]:
    plan = plan_detail(user=context.user).filter(pk=context.params["plan"]).first()
    if plan is None:
        raise ReportError(_("This plan is no longer shared with you."))
    context.progress(30)
    balance = civil_military_balance(plan)
    actor_labels = dict(ActorType.choices)
    kind_labels = dict(OrganisationKind.choices)
    activities = plan_activities(plan)
    return {
        "title": plan.title,
        "plan": plan,
        "generated": timezone.now(),
        "requested_by": context.user,
        "lines": plan.lines_of_effort.all(),
        "timeline": plan_brief_timeline(plan, activities),
        "balance": balance,
        "balance_chart": horizontal_bar_chart(
            [(str(actor_labels[actor]), count) for actor, count in balance.per_actor_type.items()],
            title=_("Activities per actor type"),
        ),
        "gaps": [str(kind_labels[kind]) for kind in consultation_gaps(plan)],
    }


register(
    ReportKind(
        name="plan_brief",
        label=gettext_lazy("Plan brief"),
        description=gettext_lazy(
            "A plan's overview, lines of effort, activities, timeline, civil/military balance, "
            "consultations and milestones."
        ),
        params_serializer=PlanParams,
        gather=gather_plan_brief,
        template="reports/plan_brief.html",
        subject_param="plan",
        subject=lambda params: Plan.objects.values_list("title", flat=True).get(pk=params["plan"]),
    )
)


# --- secondments ------------------------------------------------------------------------------


def gather_secondments_overview(context: BuildContext) -> dict[str, Any]:
    """Who is seconded where today (the flow chart), and every secondment the requester may
    see, with its status on the day."""
    today = timezone.localdate()
    rows = list(
        secondment_list(user=context.user)
        .prefetch_related(None)
        .order_by("host_organisation__name", "start_date", "pk")
    )
    context.progress(40)
    running = [s for s in rows if s.status_on(today) == "active"]
    pairs = Counter((s.home_organisation.name, s.host_organisation.name) for s in running)
    return {
        "title": _("Secondments overview"),
        "generated": timezone.now(),
        "requested_by": context.user,
        "today": today,
        "rows": rows,
        "running": running,
        "chart": flow_chart(
            [(home, host, n) for (home, host), n in sorted(pairs.items())],
            title=_("Seconded on %(day)s, from and to")
            % {"day": formats.date_format(today, "j M Y")},
        )
        if running
        else "",
    }


def secondments_overview_csv(data: dict[str, Any]) -> Iterable[list[str]]:
    yield [
        _("person"),
        _("home"),
        _("host"),
        _("kind"),
        _("role"),
        _("post"),
        _("start"),
        _("end"),
        _("status"),
    ]
    for s in data["rows"]:
        yield [
            s.person.get_full_name() or s.person.username,
            s.home_organisation.name,
            s.host_organisation.name,
            s.get_kind_display(),
            s.get_role_display(),
            s.post.title if s.post else "",
            s.start_date.isoformat(),
            s.end_date.isoformat(),
            s.shown_status_label,
        ]


register(
    ReportKind(
        name="secondments_overview",
        label=gettext_lazy("Secondments overview"),
        description=gettext_lazy("Who is seconded where today, and every secondment you can see."),
        params_serializer=FormatParams,
        gather=gather_secondments_overview,
        template="reports/secondments_overview.html",
        csv_rows=secondments_overview_csv,
    )
)


# --- lessons ----------------------------------------------------------------------------------


class LessonsDigestParams(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    status = serializers.ChoiceField(
        choices=LessonStatus.choices, required=False, allow_blank=True, default=""
    )
    domain = serializers.ChoiceField(
        choices=Domain.choices, required=False, allow_blank=True, default=""
    )
    theatre = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    observed_after = serializers.DateField(required=False, allow_null=True, default=None)
    observed_before = serializers.DateField(required=False, allow_null=True, default=None)
    format = serializers.ChoiceField(choices=["pdf", "csv"], default="pdf")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Kept as the report's JSON parameters: dates as ISO text, nothing that was not asked.
        return {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in attrs.items()
            if value not in ("", None)
        }


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _releasable_to(lesson: Lesson, names: dict[int, str]) -> str:
    if lesson.releasability == Releasability.NAMED:
        named = sorted(names[r.organisation_id] for r in lesson.releases.all())
        return _("Releasable to %(organisations)s") % {"organisations": ", ".join(named)}
    return str(Releasability(lesson.releasability).label)


def _domains(lesson: Lesson) -> list[str]:
    chosen = {row.domain for row in lesson.domain_rows.all()}
    return [str(label) for value, label in Domain.choices if value in chosen]


def gather_lessons_digest(context: BuildContext) -> dict[str, Any]:
    """The lessons the requester may read, as `lessons.selectors.lesson_list` shows them: the
    marking decides, nothing here widens it."""
    params = context.params
    filters = LessonFilters(
        search=params.get("search", ""),
        status=params.get("status", ""),
        domain=params.get("domain", ""),
        theatre=params.get("theatre", ""),
        observed_after=_day(params.get("observed_after")),
        observed_before=_day(params.get("observed_before")),
    )
    lessons = list(lesson_list(user=context.user, filters=filters))
    context.progress(40)
    named = {r.organisation_id for lesson in lessons for r in lesson.releases.all()}
    names = dict(Organisation.objects.filter(pk__in=named).values_list("pk", "name"))
    domain_labels = dict(Domain.choices)
    rows = [
        {
            "lesson": lesson,
            "marking": f"{str(Classification(lesson.classification).label).upper()} // "
            f"{_releasable_to(lesson, names)}",
            "releasability": _releasable_to(lesson, names),
            "domains": _domains(lesson),
        }
        for lesson in lessons
    ]
    per_status = Counter(lesson.status for lesson in lessons)
    by_status = [
        (str(label), per_status[value])
        for value, label in LessonStatus.choices
        if value in per_status
    ]
    shown_filters = [
        (label, value)
        for label, value in [
            (_("Search"), filters.search),
            (_("Status"), dict(LessonStatus.choices).get(filters.status, "")),
            (_("Domain"), domain_labels.get(filters.domain, "")),
            (_("Theatre"), filters.theatre),
            (
                _("Observed from"),
                formats.date_format(filters.observed_after, "j M Y")
                if filters.observed_after
                else "",
            ),
            (
                _("Observed until"),
                formats.date_format(filters.observed_before, "j M Y")
                if filters.observed_before
                else "",
            ),
        ]
        if value
    ]
    return {
        "title": _("Lessons digest"),
        "generated": timezone.now(),
        "requested_by": context.user,
        "rows": rows,
        "by_status": by_status,
        "filters": shown_filters,
        "chart": horizontal_bar_chart(by_status, title=_("Lessons by status")) if rows else "",
    }


def lessons_digest_csv(data: dict[str, Any]) -> Iterable[list[str]]:
    yield [
        "id",
        "title",
        "status",
        "classification",
        "releasability",
        "source_organisation",
        "source_plan",
        "theatre",
        "domains",
        "observed_on",
        "observation",
        "discussion",
        "conclusion",
        "recommendation",
    ]
    for row in data["rows"]:
        lesson = row["lesson"]
        yield [
            str(lesson.pk),
            lesson.title,
            lesson.get_status_display(),
            lesson.get_classification_display(),
            row["releasability"],
            lesson.source_organisation.name,
            lesson.source_plan.title if lesson.source_plan else "",
            lesson.theatre,
            "; ".join(row["domains"]),
            lesson.observed_on.isoformat(),
            lesson.observation,
            lesson.discussion,
            lesson.conclusion,
            lesson.recommendation,
        ]


register(
    ReportKind(
        name="lessons_digest",
        label=gettext_lazy("Lessons digest"),
        description=gettext_lazy(
            "The lessons you may read, each with its marking, source and ODCR text; filtered "
            "by search, status, domain, theatre and when observed."
        ),
        params_serializer=LessonsDigestParams,
        gather=gather_lessons_digest,
        template="reports/lessons_digest.html",
        csv_rows=lessons_digest_csv,
    )
)
