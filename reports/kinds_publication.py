"""Report kinds of public (registered with `reports.registry.register`): the public summary of
a published plan, for parliament briefings, built from exactly what its public page shows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from charts import horizontal_bar_chart
from publication.selectors import public_account, published_plans
from reports.registry import BuildContext, ReportError, ReportKind, register


class PublicSummaryParams(serializers.Serializer):
    plan = serializers.IntegerField(help_text=gettext_lazy("Id of a published plan."))
    format = serializers.ChoiceField(choices=["pdf"], default="pdf")

    def validate_plan(self, value: int) -> int:
        # What it shows is public, so anyone signed in may ask for it: of a published plan.
        if not published_plans().filter(plan_id=value).exists():
            raise serializers.ValidationError(
                _("This plan has no public page: its lead's approvers publish it first.")
            )
        return value


def gather_public_summary(context: BuildContext) -> dict[str, Any]:
    publication = published_plans().filter(plan_id=context.params["plan"]).first()
    if publication is None:
        raise ReportError(_("This plan's public page was withdrawn."))
    context.progress(30)
    account = public_account(publication)
    chart = (
        horizontal_bar_chart(
            [(activity.title, activity.progress) for activity in account.activities],
            title=_("Progress of the public activities (%)"),
        )
        if account.activities
        else ""
    )
    return {
        "title": account.title,
        "account": account,
        "generated": timezone.now(),
        "progress_chart": chart,
    }


def _subject(params: dict[str, Any]) -> str:
    return str(published_plans().values_list("public_title", flat=True).get(plan_id=params["plan"]))


register(
    ReportKind(
        name="public_summary",
        label=gettext_lazy("Public summary"),
        description=gettext_lazy(
            "A published plan's public account, for parliament briefings: its public summary, "
            "who works together on what, public activities, published messages, public lessons "
            "and perception figures. Nothing that was not made public."
        ),
        params_serializer=PublicSummaryParams,
        gather=gather_public_summary,
        template="reports/public_summary.html",
        subject_param="plan",
        subject=_subject,
    )
)
