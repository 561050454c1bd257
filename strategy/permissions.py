"""Who may see and change a strategy, as grants to organisation groups.

Members of every partner organisation (the lead included) see the strategy and everything
in it; planners of the lead organisation change it; approvers of each partner endorse it for
their organisation; planners, analysts and field advisors of partners record readings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.authority import acting_organisations, may
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_rules
from accounts.models import Membership, Organisation, Role, User
from strategy.models import Decision, Endorsement, Strategy, StrategyPartner, StrategyStatus

READING_ROLES = {Role.PLANNER, Role.ANALYST, Role.FIELD_ADVISOR}


def partner_ids(strategy: Strategy) -> set[int]:
    ids = set(strategy.partnerships.values_list("organisation_id", flat=True))
    ids.add(strategy.lead_organisation_id)
    return ids


@register_grant_rules(Strategy)
def strategy_grant_rules(strategies: Sequence[Strategy]) -> dict[int, dict[int, set[str]]]:
    partners: dict[int, set[int]] = {
        strategy.pk: {strategy.lead_organisation_id} for strategy in strategies
    }
    for strategy_id, organisation_id in StrategyPartner.objects.filter(
        strategy__in=strategies
    ).values_list("strategy_id", "organisation_id"):
        partners[strategy_id].add(organisation_id)
    groups = organisation_groups(set().union(*partners.values()))
    return {
        strategy.pk: _strategy_grants(strategy, partners[strategy.pk], groups)
        for strategy in strategies
    }


def _strategy_grants(
    strategy: Strategy, partners: set[int], groups: Mapping[int, list[tuple[str, int]]]
) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    for organisation_id in partners:
        for role, group_id in groups[organisation_id]:
            grants[group_id].add("view_strategy")
            if role == Role.APPROVER:
                grants[group_id].add("endorse_strategy")
            if role in READING_ROLES:
                grants[group_id].add("record_reading")
            if role == Role.PLANNER and organisation_id == strategy.lead_organisation_id:
                grants[group_id].add("change_strategy")
    return grants


ENDORSEMENT = DecisionKind(
    record_model=Endorsement,
    subject_field="strategy",
    round_field="edition",
    round_label=_("edition"),
    codename="endorse_strategy",
    choices=Decision,
    positive=Decision.ENDORSE,
    states={Decision.ENDORSE: "endorsed", Decision.REJECT: "rejected"},
    labels={Decision.ENDORSE: _("Endorse this edition"), Decision.REJECT: _("Reject it")},
    reason_needed=_("Say why, so the lead organisation can address it."),
    refused=_("Only an approver of a partner organisation can endorse this strategy."),
    refused_for=_("You are not an approver of {organisation} for this strategy."),
    ambiguous=_("You approve for several partners: say which one."),
    choose_prompt=_("Choose whether to endorse or reject."),
    decide_for_help=_("You are an approver of several partners."),
    verbs={Decision.ENDORSE: _("endorsed"), Decision.REJECT: _("rejected")},
    requested_event="strategy:{subject}:edition:{round}:endorsement-requested",
    reminder_event=(
        "reminder:strategy_endorsement:strategy:{subject}:edition:{round}:{organisation}:"
    ),
)
"""Each partner's approvers endorse (or reject) the strategy's current edition."""


# --- what a person may do on a strategy, today --------------------------------------------------


def can_change_strategy(user: User, strategy: Strategy) -> bool:
    return may(user, strategy, "change_strategy")


def may_record_readings(user: User, strategy: Strategy) -> bool:
    """Planners, analysts and field advisors of partners (whatever the strategy's status)."""
    return may(user, strategy, "record_reading")


def can_record_reading(user: User, strategy: Strategy) -> bool:
    """May record a reading now: a partner's recorder, on a strategy not archived."""
    return strategy.status != StrategyStatus.ARCHIVED and may_record_readings(user, strategy)


def endorsing_organisations(user: User, strategy: Strategy) -> list[Organisation]:
    """The partners this user endorses for today, by name."""
    ids = acting_organisations(user, strategy, ENDORSEMENT.codename)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


# --- the glossary -------------------------------------------------------------------------------
#
# | who                                                                 | may                     |
# |---------------------------------------------------------------------|-------------------------|
# | planners of any organisation, while their membership is valid       | propose terms           |
# | administrators of the steward organisation, while their membership  | approve, merge and      |
# | is valid (setting GLOSSARY_STEWARD_ORGANISATION, a slug)            | decline proposals       |
# | staff (they curate in the Django admin too)                         | both                    |
#
# The glossary belongs to no organisation, so these rules read memberships, not grants.
# A superuser who is not staff curates nothing: superusers act only where a rule names them.


def can_propose_glossary_terms(user: User | AnonymousUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_staff or (
        Membership.objects.valid_on(timezone.localdate())
        .filter(user_id=user.pk, role=Role.PLANNER)
        .exists()
    )


def can_curate_glossary(user: User | AnonymousUser) -> bool:
    """Whether `user` may approve, merge or decline glossary proposals today."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    steward = settings.GLOSSARY_STEWARD_ORGANISATION
    return bool(steward) and (
        Membership.objects.valid_on(timezone.localdate())
        .filter(
            user_id=user.pk,
            role=Role.ORG_ADMIN,
            organisation__slug=steward,
            organisation__is_active=True,
        )
        .exists()
    )
