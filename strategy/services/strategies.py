"""A strategy's life: drafting, submitting, endorsements, agreement and archiving."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.authority import lead_organisations_for
from accounts.concurrency import check_version
from accounts.decisions import decided_for, decision_record
from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from strategy.models import (
    Decision,
    Endorsement,
    Strategy,
    StrategyEdition,
    StrategyPartner,
    StrategyStatus,
    edition_reason,
)
from strategy.permissions import ENDORSEMENT, can_change_strategy, partner_ids
from strategy.services._common import (
    STRATEGY_FIELDS,
    _content_changed,
    _lock,
    _request_endorsements,
    _require_editor,
    _set_partners,
    _status,
    _validate_processes,
    partner_roles,
)


@transaction.atomic
def strategy_create(
    *,
    by: User,
    title: str,
    theatre: str,
    approach: str,
    lead_organisation: Organisation,
    partners: Iterable[Organisation] = (),
    summary: str = "",
    processes: Iterable[str] = (),
    predecessor: Strategy | None = None,
) -> Strategy:
    if lead_organisation not in lead_organisations_for(by):
        raise ValidationError(
            {
                "lead_organisation": _(
                    "You can only lead a strategy for an organisation where you are a planner."
                )
            }
        )
    if predecessor is not None:
        predecessor = _lock(predecessor)
        if predecessor.lead_organisation_id != lead_organisation.pk:
            raise ValidationError(
                {"predecessor": _("A strategy can only supersede one with the same lead.")}
            )
        if predecessor.status != StrategyStatus.AGREED:
            raise ValidationError({"predecessor": _("Only an agreed strategy can be superseded.")})
        if hasattr(predecessor, "successor"):
            raise ValidationError({"predecessor": _("This strategy already has a successor.")})
    strategy = Strategy(
        title=title,
        theatre=theatre,
        summary=summary,
        approach=approach,
        processes=_validate_processes(processes),
        lead_organisation=lead_organisation,
        predecessor=predecessor,
        created_by=by,
    )
    strategy.full_clean()
    strategy.save()
    StrategyPartner.objects.create(strategy=strategy, organisation=lead_organisation)
    _set_partners(strategy, partners)
    grants_recompute(strategy)
    return strategy


@transaction.atomic
def strategy_update(
    *, strategy: Strategy, by: User, version: int, data: dict[str, Any]
) -> Strategy:
    strategy = _lock(strategy)
    _require_editor(strategy, by)
    check_version(strategy, version)
    for field in STRATEGY_FIELDS:
        if field in data:
            value = _validate_processes(data[field]) if field == "processes" else data[field]
            setattr(strategy, field, value)
    strategy.full_clean()
    strategy.version += 1
    strategy.save()
    if "partners" in data and _set_partners(strategy, data["partners"]):
        _content_changed(strategy, by=by, reason=edition_reason("partners_changed"))
    return strategy


@transaction.atomic
def strategy_submit(*, strategy: Strategy, by: User) -> Strategy:
    strategy = _lock(strategy)
    if not can_change_strategy(by, strategy):
        raise PermissionDenied(
            _("Only planners of the lead organisation can submit this strategy.")
        )
    if strategy.status != StrategyStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be submitted; this strategy is %(status)s.")
            % {"status": _status(strategy)}
        )
    if not strategy.goals.exists():
        raise ValidationError(_("Add at least one common goal before asking partners to endorse."))
    strategy.status = StrategyStatus.CONSULTATION
    strategy.version += 1
    strategy.save(update_fields=["status", "version", "updated"])
    StrategyEdition.objects.create(
        strategy=strategy, number=strategy.edition, reason=edition_reason("submitted")
    )
    _request_endorsements(strategy, by=by)
    return strategy


@transaction.atomic
def strategy_endorse(
    *,
    strategy: Strategy,
    by: User,
    edition: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> Endorsement:
    """An approver records their organisation's decision on the edition they read.

    A rejection needs a reason and tells the lead's planners; the last endorsement makes
    the strategy agreed (and supersedes its predecessor). An edition that is no longer
    current is refused as stale.
    """
    strategy = _lock(strategy)
    endorsement: Endorsement = decision_record(
        ENDORSEMENT,
        subject=strategy,
        by=by,
        round=edition,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=None
        if strategy.status == StrategyStatus.CONSULTATION
        else _("Endorsements are given in consultation; this strategy is %(status)s.")
        % {"status": _status(strategy)},
    )
    if decision == Decision.REJECT:
        notify(
            recipients=[OrganisationRole(strategy.lead_organisation_id, Role.PLANNER)],
            kind="strategy.rejected",
            text=format_lazy(
                gettext_lazy("{organisation} rejected “{strategy}”: {reason}"),
                organisation=endorsement.organisation,
                strategy=strategy.title,
                reason=endorsement.comment,
            ),
            url=strategy.get_absolute_url(),
            event_key=(
                f"strategy:{strategy.pk}:edition:{strategy.edition}:rejected:"
                f"{endorsement.organisation_id}:{endorsement.decided_at.timestamp()}"
            ),
            actor=by,
        )
    else:
        _agree_if_everyone_endorsed(strategy, by=by)
    return endorsement


def _agree_if_everyone_endorsed(strategy: Strategy, *, by: User) -> None:
    endorsed = decided_for(
        ENDORSEMENT, strategy, strategy.endorsements.filter(edition=strategy.edition)
    )
    if not partner_ids(strategy) <= endorsed:
        return
    strategy.status = StrategyStatus.AGREED
    strategy.version += 1
    strategy.save(update_fields=["status", "version", "updated"])
    StrategyEdition.objects.filter(strategy=strategy, number=strategy.edition).update(
        agreed_at=timezone.now()
    )
    if strategy.predecessor_id:
        predecessor = Strategy.objects.select_for_update().get(pk=strategy.predecessor_id)
        # Only the agreed strategy it was meant to replace gives way; one archived or back in
        # consultation meanwhile keeps its own status.
        if predecessor.status == StrategyStatus.AGREED:
            predecessor.status = StrategyStatus.SUPERSEDED
            predecessor.version += 1
            predecessor.save(update_fields=["status", "version", "updated"])
    notify(
        recipients=partner_roles(strategy, Role.PLANNER, Role.APPROVER),
        kind="strategy.agreed",
        text=format_lazy(
            gettext_lazy("“{strategy}” is agreed by every partner (edition {edition})."),
            strategy=strategy.title,
            edition=strategy.edition,
        ),
        url=strategy.get_absolute_url(),
        event_key=f"strategy:{strategy.pk}:edition:{strategy.edition}:agreed",
        actor=by,
    )


@transaction.atomic
def strategy_archive(*, strategy: Strategy, by: User) -> Strategy:
    strategy = _lock(strategy)
    if not can_change_strategy(by, strategy):
        raise PermissionDenied(
            _("Only planners of the lead organisation can archive this strategy.")
        )
    if strategy.status == StrategyStatus.ARCHIVED:
        raise ValidationError(_("This strategy is already archived."))
    strategy.status = StrategyStatus.ARCHIVED
    strategy.version += 1
    strategy.save(update_fields=["status", "version", "updated"])
    return strategy
