"""Who may see and act on a secondment, as grants to organisation groups.

Members of the home and the host organisation see it; their approvers decide it (each for
their organisation, on the current request round) and may end it early; their planners and
organisation administrators request it, change it while requested, and cancel it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from accounts.authority import acting_organisations, may, organisations_in_role
from accounts.decisions import DecisionKind
from accounts.grants import organisation_groups, register_grant_rules
from accounts.models import Organisation, Role, User
from secondments.models import (
    Secondment,
    SecondmentDecision,
    SecondmentDecisionChoice,
    Training,
)

REQUESTER_ROLES = (Role.PLANNER, Role.ORG_ADMIN)


@register_grant_rules(Secondment)
def secondment_grant_rules(secondments: Sequence[Secondment]) -> dict[int, dict[int, set[str]]]:
    groups = organisation_groups(
        organisation_id
        for secondment in secondments
        for organisation_id in (secondment.home_organisation_id, secondment.host_organisation_id)
    )
    return {secondment.pk: _secondment_grants(secondment, groups) for secondment in secondments}


def _secondment_grants(
    secondment: Secondment, groups: Mapping[int, list[tuple[str, int]]]
) -> dict[int, set[str]]:
    grants: dict[int, set[str]] = defaultdict(set)
    for organisation_id in {secondment.home_organisation_id, secondment.host_organisation_id}:
        for role, group_id in groups[organisation_id]:
            grants[group_id].add("view_secondment")
            if role == Role.APPROVER:
                grants[group_id].add("decide_secondment")
            if role in REQUESTER_ROLES:
                grants[group_id].add("change_secondment")
    return grants


SECONDMENT_DECISION = DecisionKind(
    record_model=SecondmentDecision,
    subject_field="secondment",
    round_field="request",
    round_label=_("request"),
    codename="decide_secondment",
    choices=SecondmentDecisionChoice,
    positive=SecondmentDecisionChoice.APPROVE,
    states={
        SecondmentDecisionChoice.APPROVE: "approved",
        SecondmentDecisionChoice.DECLINE: "declined",
    },
    labels={
        SecondmentDecisionChoice.APPROVE: _("Approve this request"),
        SecondmentDecisionChoice.DECLINE: _("Decline it"),
    },
    reason_needed=_("Say why you decline, so the requester knows."),
    refused=_("Only an approver of the home or the host organisation can decide this secondment."),
    refused_for=_("You are not an approver of {organisation} for this secondment."),
    ambiguous=_("You approve for both organisations: say which one you decide for."),
    choose_prompt=_("Choose whether to approve or decline."),
    decide_for_help=_("You are an approver of both organisations."),
    verbs={
        SecondmentDecisionChoice.APPROVE: _("approved"),
        SecondmentDecisionChoice.DECLINE: _("declined"),
    },
    requested_event="secondment:{subject}:request:{round}:decision-requested",
)
"""The home's and the host's approvers each decide the current request round."""


# --- what a person may do on a secondment, today --------------------------------------------


def can_change_secondment(user: User, secondment: Secondment) -> bool:
    """Change while requested, and cancel: the planners and organisation administrators of
    either organisation."""
    return may(user, secondment, "change_secondment")


def can_decide_secondment(user: User, secondment: Secondment) -> bool:
    return may(user, secondment, "decide_secondment")


def can_end_secondment(user: User, secondment: Secondment) -> bool:
    """End early, at once: an approver of either organisation."""
    return can_decide_secondment(user, secondment)


def can_extend_secondment(user: User, secondment: Secondment) -> bool:
    """Ask for an extension (decided by both again): whoever may request or decide it."""
    return can_change_secondment(user, secondment) or can_decide_secondment(user, secondment)


def requesting_organisations(user: User) -> list[Organisation]:
    """Organisations a person may request a secondment for (as home or host) today."""
    seen: dict[int, Organisation] = {}
    for role in REQUESTER_ROLES:
        for organisation in organisations_in_role(user, role):
            seen[organisation.pk] = organisation
    return sorted(seen.values(), key=lambda o: o.name)


def can_request_secondment(user: User) -> bool:
    return bool(requesting_organisations(user))


def deciding_organisations(user: User, secondment: Secondment) -> list[Organisation]:
    """The organisations (home, host) this person decides for today, by name."""
    ids = acting_organisations(user, secondment, SECONDMENT_DECISION.codename)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


# --- joint training -------------------------------------------------------------------------


@register_grant_rules(Training)
def training_grant_rules(trainings: Sequence[Training]) -> dict[int, dict[int, set[str]]]:
    groups = organisation_groups(training.organiser_id for training in trainings)
    return {training.pk: _training_grants(groups[training.organiser_id]) for training in trainings}


def _training_grants(organiser_groups: list[tuple[str, int]]) -> dict[int, set[str]]:
    """Every signed-in person sees the training calendar; the organiser's planners and
    organisation administrators change a training and record who attended."""
    return {
        group_id: {"change_training", "record_attendance"}
        for role, group_id in organiser_groups
        if role in REQUESTER_ROLES
    }


def can_record_attendance(user: User, training: Training) -> bool:
    return may(user, training, "record_attendance")
