"""What the strategy services share: field lists, the row lock, the editor check, partners
and the new edition that content changes start."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from strategy.models import (
    PlanningProcess,
    Strategy,
    StrategyEdition,
    StrategyPartner,
    StrategyStatus,
)
from strategy.permissions import can_change_strategy, partner_ids

STRATEGY_FIELDS = ("title", "theatre", "summary", "approach", "processes")


GOAL_FIELDS = ("title", "description", "order")


DRIVER_FIELDS = ("title", "description", "kind", "order")


INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline",
    "target",
    "warning_threshold",
    "warning_direction",
)


def _lock(strategy: Strategy) -> Strategy:
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def _status(strategy: Strategy) -> str:
    return strategy.get_status_display().lower()


def _require_editor(strategy: Strategy, by: User) -> None:
    if not can_change_strategy(by, strategy):
        raise PermissionDenied(
            _("Only planners of the lead organisation can change this strategy.")
        )
    if not strategy.is_editable:
        raise ValidationError(
            _("This strategy is %(status)s: it can no longer be changed.")
            % {"status": _status(strategy)}
        )


def partner_roles(strategy: Strategy, *roles: str) -> list[OrganisationRole]:
    return [
        OrganisationRole(org_id, role) for org_id in sorted(partner_ids(strategy)) for role in roles
    ]


def _validate_processes(processes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(processes))
    unknown = [p for p in chosen if p not in PlanningProcess.values]
    if unknown:
        raise ValidationError(
            {
                "processes": _("Unknown planning process: %(processes)s.")
                % {"processes": ", ".join(unknown)}
            }
        )
    return chosen


def _set_partners(strategy: Strategy, organisations: Iterable[Organisation]) -> bool:
    """Make the partners these organisations plus the lead; returns whether they changed."""
    wanted = {o.pk for o in organisations} | {strategy.lead_organisation_id}
    current = set(strategy.partnerships.values_list("organisation_id", flat=True))
    if wanted == current:
        return False
    strategy.partnerships.exclude(organisation_id__in=wanted).delete()
    StrategyPartner.objects.bulk_create(
        [StrategyPartner(strategy=strategy, organisation_id=o) for o in sorted(wanted - current)]
    )
    grants_recompute(strategy)
    return True


def _request_endorsements(strategy: Strategy, *, by: User) -> None:
    notify(
        recipients=partner_roles(strategy, Role.APPROVER),
        kind="strategy.endorsement_requested",
        text=format_lazy(
            gettext_lazy("Please endorse “{strategy}” (edition {edition}) for your organisation."),
            strategy=strategy.title,
            edition=strategy.edition,
        ),
        url=strategy.get_absolute_url(),
        event_key=f"strategy:{strategy.pk}:edition:{strategy.edition}:endorsement-requested",
        actor=by,
    )


def _content_changed(strategy: Strategy, *, by: User, reason: str) -> None:
    """Goals, drivers, indicators or partners changed. Once partners have been asked to
    endorse, that makes a new edition for them to endorse; earlier endorsements stay on
    record but no longer count."""
    if strategy.status in (StrategyStatus.CONSULTATION, StrategyStatus.AGREED):
        strategy.edition += 1
        strategy.status = StrategyStatus.CONSULTATION
        strategy.version += 1
        strategy.save(update_fields=["edition", "status", "version", "updated"])
        StrategyEdition.objects.create(strategy=strategy, number=strategy.edition, reason=reason)
        _request_endorsements(strategy, by=by)
