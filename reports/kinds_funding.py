"""Report kinds of funding (registered with `reports.registry.register`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from charts.disbursement import TimesRow, disbursement_times_chart
from funding.models import DisbursementStatus
from funding.selectors import days_waiting, disbursement_list, times_by_instrument
from reports.registry import BuildContext, ReportKind, register


class DisbursementTimesParams(serializers.Serializer):
    format = serializers.ChoiceField(choices=["pdf", "csv"], default="pdf")
    instrument = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=gettext_lazy(
            "Only this instrument (an id); left out, every one whose requests you see."
        ),
    )


def gather_disbursement_times(context: BuildContext) -> dict[str, Any]:
    """Per instrument, how long its requests the requester sees took from request to money:
    median, 90th percentile, each request; those still open count their days so far."""
    today = timezone.localdate()
    requests = disbursement_list(user=context.user).order_by("requested_on", "pk")
    instrument = context.params.get("instrument")
    if instrument:
        requests = requests.filter(allocation__instrument_id=instrument)
    times = times_by_instrument(requests, today=today)
    context.progress(50)
    return {
        "title": _("Disbursement times"),
        "generated": timezone.now(),
        "requested_by": context.user,
        "today": today,
        "times": times,
        "rows": [
            {
                "times": t,
                "request": r,
                "days": days_waiting(r, today),
                "overdue": r.overdue_on(today),
                "over": days_waiting(r, today) > t.target
                and r.status != DisbursementStatus.REJECTED,
            }
            for t in times
            for r in sorted([*t.disbursed, *t.waiting], key=lambda r: (r.requested_on, r.pk))
        ],
        "chart": disbursement_times_chart(
            [
                TimesRow(
                    label=t.instrument.name,
                    target=t.target,
                    median=t.median,
                    p90=t.p90,
                    points=t.points(),
                )
                for t in times
            ],
            title=_("Days from request to money, per instrument"),
        )
        if times
        else "",
    }


def disbursement_times_csv(data: dict[str, Any]) -> Iterable[list[str]]:
    yield [
        _("instrument"),
        _("owner"),
        _("target days"),
        _("plan"),
        _("activity"),
        _("amount"),
        _("currency"),
        _("requested on"),
        _("status"),
        _("approved on"),
        _("disbursed on"),
        _("days to approve"),
        _("days to disburse"),
        _("days waiting"),
        _("past target"),
    ]
    for row in data["rows"]:
        r = row["request"]
        instrument = r.allocation.instrument
        yield [
            instrument.name,
            instrument.owner.name,
            str(instrument.target_days_to_disburse),
            r.allocation.activity.line_of_effort.plan.title,
            r.allocation.activity.title,
            str(r.amount),
            r.currency,
            r.requested_on.isoformat(),
            r.get_status_display(),
            r.approved_on.isoformat() if r.approved_on else "",
            r.disbursed_on.isoformat() if r.disbursed_on else "",
            "" if r.days_to_approve is None else str(r.days_to_approve),
            "" if r.days_to_disburse is None else str(r.days_to_disburse),
            "" if r.days_to_disburse is not None else str(row["days"]),
            _("yes") if row["over"] else _("no"),
        ]


register(
    ReportKind(
        name="disbursement_times",
        label=gettext_lazy("Disbursement times"),
        description=gettext_lazy(
            "How long money takes from request to arrival, per funding instrument: median, "
            "90th percentile and every request you can see, against each instrument's target."
        ),
        params_serializer=DisbursementTimesParams,
        gather=gather_disbursement_times,
        template="reports/disbursement_times.html",
        csv_rows=disbursement_times_csv,
    )
)
