"""Report kinds of capabilities (registered with `reports.registry.register`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capabilities.gaps import gap_view_chart, plan_gaps
from capabilities.selectors import pledge_list
from missions.models import Plan
from missions.selectors import visible_plans
from reports.kinds import PlanParams
from reports.registry import BuildContext, ReportError, ReportKind, register


def gather_capability_gaps(context: BuildContext) -> dict[str, Any]:
    """The plan's gap view as its requester sees it: the matrix, the chart, the unmet needs,
    the overlaps and every pledge to it."""
    plan = (
        visible_plans(context.user)
        .select_related("lead_organisation")
        .filter(pk=context.params["plan"])
        .first()
    )
    if plan is None:
        raise ReportError(_("This plan is no longer shared with you."))
    context.progress(30)
    view = plan_gaps(plan, user=context.user)
    context.progress(60)
    pledges = list(
        pledge_list(user=context.user)
        .prefetch_related(None)
        .filter(requirement__plan=plan)
        .order_by("requirement__needed_from", "requirement_id", "proposed_at", "pk")
    )
    return {
        "title": _("Capability gaps: %(plan)s") % {"plan": plan.title},
        "plan": plan,
        "generated": timezone.now(),
        "requested_by": context.user,
        "view": view,
        "matrix": view.matrix(),
        "chart": gap_view_chart(view),
        "pledges": pledges,
    }


register(
    ReportKind(
        name="capability_gaps",
        label=gettext_lazy("Capability gaps"),
        description=gettext_lazy(
            "A plan's needs against what each organisation pledged over each need's window: "
            "the gap matrix and chart, unmet needs, overlaps and the pledges."
        ),
        params_serializer=PlanParams,
        gather=gather_capability_gaps,
        template="reports/capability_gaps.html",
        subject_param="plan",
        subject=lambda params: Plan.objects.values_list("title", flat=True).get(pk=params["plan"]),
    )
)
