"""The shared glossary: planners propose terms; curators approve, merge or decline them.

Who proposes and who curates is said in `strategy.permissions`. A decision is taken on a
proposal as its curator saw it: pass the `version` they saw, and a proposal edited or
decided meanwhile is refused with `StaleVersion` (the API's 409). A term that is no longer
a proposal is refused with a message saying what became of it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_decision
from accounts.concurrency import StaleVersion
from accounts.models import Organisation, User
from accounts.notifications import notify
from accounts.services import changed_fields
from strategy.models import (
    GlossaryStatus,
    GlossaryTerm,
)
from strategy.permissions import can_curate_glossary, can_propose_glossary_terms

GLOSSARY_FIELDS = (
    "term",
    "definition",
    "un_impp",
    "nato_cpa",
    "eu_integrated",
    "whole_of_government",
)

EQUIVALENT_FIELDS = ("un_impp", "nato_cpa", "eu_integrated", "whole_of_government")
"""What each parallel process calls a term: what a merge carries over into blanks."""

NOT_A_PLANNER = gettext_lazy("Planners propose glossary terms; administrators curate them.")
NOT_A_CURATOR = gettext_lazy(
    "Only glossary curators (administrators of the steward organisation, and staff) "
    "decide on proposals."
)


@transaction.atomic
def glossary_term_propose(*, by: User, data: dict[str, Any]) -> GlossaryTerm:
    if not can_propose_glossary_terms(by):
        raise PermissionDenied(NOT_A_PLANNER)
    term = GlossaryTerm(proposed_by=by, status=GlossaryStatus.PROPOSED)
    changed_fields(term, GLOSSARY_FIELDS, data)
    term.full_clean()
    term.save()
    return term


def glossary_url(term: GlossaryTerm) -> str:
    """The glossary page, searching for the term."""
    return f"{reverse('glossary')}?{urlencode({'q': term.term})}"


def _require_curator(by: User) -> None:
    if not can_curate_glossary(by):
        raise PermissionDenied(NOT_A_CURATOR)


def _check_proposal(locked: GlossaryTerm, version: int | None) -> GlossaryTerm:
    """For a row already locked: refuse a decision on another version, or on a term that is
    no longer a proposal."""
    if version is not None and locked.version != version:
        raise StaleVersion(locked)
    if locked.status != GlossaryStatus.PROPOSED:
        raise ValidationError(_no_longer_a_proposal(locked))
    return locked


def _lock_proposal(term: GlossaryTerm, *, by: User, version: int | None) -> GlossaryTerm:
    _require_curator(by)
    return _check_proposal(GlossaryTerm.objects.select_for_update().get(pk=term.pk), version)


def _no_longer_a_proposal(term: GlossaryTerm) -> str:
    """What became of a term that is no longer a proposal, in one sentence per outcome."""
    if term.status == GlossaryStatus.MERGED and term.merged_into is not None:
        return _(
            "“%(term)s” is no longer a proposal: it was merged into “%(into)s”. "
            "Only proposals are approved, merged or declined."
        ) % {"term": term.term, "into": term.merged_into.term}
    if term.status == GlossaryStatus.APPROVED:
        return _(
            "“%(term)s” is no longer a proposal: it was approved. "
            "Only proposals are approved, merged or declined."
        ) % {"term": term.term}
    if term.status == GlossaryStatus.DECLINED:
        return _(
            "“%(term)s” is no longer a proposal: it was declined. "
            "Only proposals are approved, merged or declined."
        ) % {"term": term.term}
    return _(
        "“%(term)s” is no longer a proposal: it was %(status)s. "
        "Only proposals are approved, merged or declined."
    ) % {"term": term.term, "status": term.get_status_display().lower()}


def _decide(term: GlossaryTerm, *, by: User, status: str, **fields: Any) -> None:
    term.status = status
    term.decided_by = by
    term.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(term, name, value)
    term.version += 1
    term._history_user = by  # type: ignore[attr-defined]  # who, in the audit trail
    term.full_clean()
    term.save(update_fields=["status", "decided_by", "decided_at", "version", *fields])
    audit_decision(
        by=by,
        subject=term,
        action="curate_glossary",
        outcome=status,
        organisation_id=None if by.is_staff else _steward_id(),
    )


def _steward_id() -> int | None:
    """The organisation a curator who is not staff decides for: the steward."""
    steward = settings.GLOSSARY_STEWARD_ORGANISATION
    return Organisation.objects.filter(slug=steward).values_list("pk", flat=True).first()


def _tell_proposer(term: GlossaryTerm, *, by: User, kind: str, text: Any, url: str) -> None:
    # The proposer learns the outcome, unless they decided it themselves (a curator may
    # propose) or their account is gone.
    if term.proposed_by is None or term.proposed_by_id == by.pk:
        return
    notify(
        recipients=[term.proposed_by],
        kind=kind,
        text=text,
        url=url,
        event_key=f"glossary-term:{term.pk}:{term.status}",
    )


@transaction.atomic
def glossary_term_approve(
    *, term: GlossaryTerm, by: User, version: int | None = None
) -> GlossaryTerm:
    """Put a proposal in the glossary, for everyone to see."""
    term = _lock_proposal(term, by=by, version=version)
    _decide(term, by=by, status=GlossaryStatus.APPROVED)
    _tell_proposer(
        term,
        by=by,
        kind="glossary.approved",
        text=format_lazy(
            gettext_lazy("Your proposal “{term}” is now in the glossary."), term=term.term
        ),
        url=glossary_url(term),
    )
    return term


@transaction.atomic
def glossary_term_decline(
    *, term: GlossaryTerm, by: User, reason: str, version: int | None = None
) -> GlossaryTerm:
    """Turn a proposal down, saying why; its proposer still sees it, with the reason."""
    term = _lock_proposal(term, by=by, version=version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the proposer can improve it.")})
    _decide(term, by=by, status=GlossaryStatus.DECLINED, decline_reason=reason)
    _tell_proposer(
        term,
        by=by,
        kind="glossary.declined",
        text=format_lazy(
            gettext_lazy("Your proposal “{term}” was declined: {reason}"),
            term=term.term,
            reason=reason,
        ),
        url=glossary_url(term),
    )
    return term


@transaction.atomic
def glossary_term_merge(
    *, term: GlossaryTerm, into: GlossaryTerm, by: User, version: int | None = None
) -> GlossaryTerm:
    """Fold a proposal into an approved term that already means the same.

    Each process's equivalent the proposal gives fills that process's blank on the approved
    term; what the approved term already says is kept, and so is its definition. The
    proposal is marked merged and points to the term (`merged_into`). Returns the proposal.
    """
    _require_curator(by)
    if into.pk == term.pk:
        raise ValidationError(
            {"into": _("Choose another term: a proposal is not merged into itself.")}
        )
    # Both rows locked in primary-key order, so two merges never wait on each other.
    locked = {
        t.pk: t
        for t in GlossaryTerm.objects.select_for_update()
        .filter(pk__in=[term.pk, into.pk])
        .order_by("pk")
    }
    if term.pk not in locked:
        raise GlossaryTerm.DoesNotExist
    term = _check_proposal(locked[term.pk], version)
    target = locked.get(into.pk)
    if target is None or target.status != GlossaryStatus.APPROVED:
        raise ValidationError({"into": _("Choose a term that is in the glossary (approved).")})
    filled = [f for f in EQUIVALENT_FIELDS if not getattr(target, f) and getattr(term, f)]
    if filled:
        for name in filled:
            setattr(target, name, getattr(term, name))
        target.version += 1
        target._history_user = by  # type: ignore[attr-defined]
        target.full_clean()
        target.save(update_fields=[*filled, "version"])
    _decide(term, by=by, status=GlossaryStatus.MERGED, merged_into=target)
    _tell_proposer(
        term,
        by=by,
        kind="glossary.merged",
        text=format_lazy(
            gettext_lazy("Your proposal “{term}” was merged into “{into}”."),
            term=term.term,
            into=target.term,
        ),
        url=glossary_url(target),
    )
    return term
