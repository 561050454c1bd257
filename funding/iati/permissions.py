"""Who may export a plan's development activities to IATI.

Publishing to IATI is the development side's duty (issue 13), so the planners of the plan's
lead organisation and of its participating development ministries may export: they are the
ones who answer for what is published. Everyone else who sees the plan is refused (403);
those who do not see it never learn it exists (404, decided by the selector).

Superusers administer: they see every plan, and may download its export too, read-only, to
help a publisher find what is wrong with a file. Exporting changes nothing, so this gives
them no workflow power they would not otherwise have.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.authority import organisations_in_role
from accounts.models import OrganisationKind, Role, User
from missions.models import Participant, Plan

REFUSED = _(
    "Only planners of the lead organisation and of the participating development "
    "ministries can export this plan to IATI."
)


def exporting_organisations(plan: Plan) -> set[int]:
    """The organisations whose planners may export `plan`: its lead and its development
    participants (one query)."""
    development = Participant.objects.filter(
        plan_id=plan.pk, organisation__kind=OrganisationKind.DEVELOPMENT
    ).values_list("organisation_id", flat=True)
    return {plan.lead_organisation_id, *development}


def can_export_iati(user: User, plan: Plan) -> bool:
    """Whether `user` (who sees `plan`) may download its IATI export today.

    Membership dates are followed exactly (`accounts.authority.organisations_in_role`):
    a planner whose membership ended yesterday may not.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return organisations_in_role(user, Role.PLANNER, among=exporting_organisations(plan)).exists()
