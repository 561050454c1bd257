"""Who may publish a plan: the approvers of its lead organisation (for it, today)."""

from __future__ import annotations

from accounts.models import User
from missions.models import Plan
from missions.permissions import can_approve_plan


def can_publish_plan(user: User, plan: Plan) -> bool:
    """Publish, edit the public words of, and withdraw a plan's public page: the lead's
    approvers, who answer for what the lead says in public. A superuser sees the plan but
    publishes only for an organisation they belong to."""
    return can_approve_plan(user, plan)
