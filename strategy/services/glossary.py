"""The shared glossary: planners propose terms."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.services import changed_fields
from strategy.models import (
    GlossaryStatus,
    GlossaryTerm,
)

GLOSSARY_FIELDS = (
    "term",
    "definition",
    "un_impp",
    "nato_cpa",
    "eu_integrated",
    "whole_of_government",
)


def can_propose_terms(user: User) -> bool:
    return (
        user.is_staff
        or Membership.objects.valid_on(timezone.localdate())
        .filter(user=user, role=Role.PLANNER)
        .exists()
    )


@transaction.atomic
def glossary_term_propose(*, by: User, data: dict[str, Any]) -> GlossaryTerm:
    if not can_propose_terms(by):
        raise PermissionDenied("Planners propose glossary terms; administrators curate them.")
    term = GlossaryTerm(proposed_by=by, status=GlossaryStatus.PROPOSED)
    changed_fields(term, GLOSSARY_FIELDS, data)
    term.full_clean()
    term.save()
    return term
