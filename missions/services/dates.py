"""When a plan and its parts may fall. A plan runs within `PLAN_EARLIEST`..`PLAN_LATEST`;
its activities and milestones within the plan's own dates; consultations from a year before
it starts (the assessment that leads to a plan consults first) to its end; a milestone is
achieved from a year before the plan starts up to today.

Without these bounds one planner's typo (a milestone due in 9999) would stretch the shared
timeline of everyone in the plan.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from missions.models import Activity, Consultation, Milestone, Plan

PLAN_EARLIEST = datetime.date(2000, 1, 1)
PLAN_LATEST = datetime.date(2099, 12, 31)
NAMES_SHOWN = 10


def day(date: datetime.date) -> str:
    """A date in the active language: 2 Dec 2026, 2 déc. 2026."""
    return dateformat.format(date, "j M Y")


lazy_date = lazy(day, str)
"""A date written in the language of whoever reads it (notifications)."""


def year_before(date: datetime.date) -> datetime.date:
    if date.year == datetime.MINYEAR:
        return date
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


def plan_dates_check(start: datetime.date | None, end: datetime.date | None) -> None:
    message = _("A plan runs between %(earliest)s and %(latest)s.") % {
        "earliest": day(PLAN_EARLIEST),
        "latest": day(PLAN_LATEST),
    }
    errors = {
        field: message
        for field, date in (("start_date", start), ("end_date", end))
        if date is not None and not PLAN_EARLIEST <= date <= PLAN_LATEST
    }
    if errors:
        raise ValidationError(errors)


def _within_plan(plan: Plan) -> str:
    return _("%(start)s to %(end)s") % {"start": day(plan.start_date), "end": day(plan.end_date)}


def activity_dates_check(plan: Plan, activity: Activity) -> None:
    message = _("An activity runs within the plan's dates: %(dates)s.") % {
        "dates": _within_plan(plan)
    }
    errors = {
        field: message
        for field in ("start_date", "end_date")
        if not plan.start_date <= getattr(activity, field) <= plan.end_date
    }
    if errors:
        raise ValidationError(errors)


def milestone_dates_check(plan: Plan, milestone: Milestone) -> None:
    errors = {}
    if not plan.start_date <= milestone.due_date <= plan.end_date:
        errors["due_date"] = _("A milestone is due within the plan's dates: %(dates)s.") % {
            "dates": _within_plan(plan)
        }
    achieved, earliest = milestone.achieved_on, year_before(plan.start_date)
    if achieved is not None and not earliest <= achieved <= timezone.localdate():
        errors["achieved_on"] = _(
            "A milestone is achieved between a year before the plan starts (%(earliest)s) "
            "and today."
        ) % {"earliest": day(earliest)}
    if errors:
        raise ValidationError(errors)


def consultation_dates_check(plan: Plan, consultation: Consultation) -> None:
    earliest = year_before(plan.start_date)
    if not earliest <= consultation.date <= plan.end_date:
        raise ValidationError(
            {
                "date": _(
                    "A consultation takes place between a year before the plan starts and its "
                    "end: %(earliest)s to %(end)s."
                )
                % {"earliest": day(earliest), "end": day(plan.end_date)}
            }
        )


def part_dates_check(plan: Plan, part: Milestone | Consultation) -> None:
    if isinstance(part, Milestone):
        milestone_dates_check(plan, part)
    else:
        consultation_dates_check(plan, part)


def _names(names: Iterable[str]) -> str:
    shown = list(names)
    more = len(shown) - NAMES_SHOWN
    text = ", ".join(shown[:NAMES_SHOWN])
    if more <= 0:
        return text
    return ngettext("%(names)s and %(more)d more", "%(names)s and %(more)d more", more) % {
        "names": text,
        "more": more,
    }


def plan_parts_within(plan: Plan, start: datetime.date, end: datetime.date) -> None:
    """New dates for a plan must keep its parts inside: refuse, naming those left out."""
    activities = Activity.objects.filter(line_of_effort__plan=plan).order_by("title", "pk")
    milestones = plan.milestones.order_by("title", "pk")
    consultations = plan.consultations.select_related("stakeholder").order_by("date", "pk")
    early = [
        *activities.filter(start_date__lt=start).values_list("title", flat=True),
        *milestones.filter(due_date__lt=start).values_list("title", flat=True),
        *(
            _("the consultation of %(stakeholder)s on %(date)s")
            % {"stakeholder": c.stakeholder, "date": day(c.date)}
            for c in consultations.filter(date__lt=year_before(start))
        ),
    ]
    late = [
        *activities.filter(end_date__gt=end).values_list("title", flat=True),
        *milestones.filter(due_date__gt=end).values_list("title", flat=True),
        *(
            _("the consultation of %(stakeholder)s on %(date)s")
            % {"stakeholder": c.stakeholder, "date": day(c.date)}
            for c in consultations.filter(date__gt=end)
        ),
    ]
    errors = {}
    if early:
        errors["start_date"] = _(
            "Move these first, they would start before the plan: %(names)s."
        ) % {"names": _names(early)}
    if late:
        errors["end_date"] = _("Move these first, they would end after the plan: %(names)s.") % {
            "names": _names(late)
        }
    if errors:
        raise ValidationError(errors)
