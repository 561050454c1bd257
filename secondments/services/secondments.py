"""A secondment's life: requested, decided by both organisations, approved (the host
membership is created), extended, ended early, cancelled.

Access to the host follows from one `accounts.Membership` per approved secondment, with the
secondment's role and dates; the services here are the only ones that create, move or remove
it, so nothing else grants or revokes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_decision
from accounts.authority import acting_organisations
from accounts.concurrency import check_version
from accounts.decisions import decided_for, decision_record
from accounts.grants import grants_recompute
from accounts.models import Membership, Organisation, Role, User
from accounts.notifications import OrganisationRole, Recipient, notify
from accounts.services import changed_fields, membership_create, memberships_sync
from secondments.models import (
    Post,
    Secondment,
    SecondmentDecision,
    SecondmentDecisionChoice,
    SecondmentKind,
    SecondmentStatus,
)
from secondments.permissions import (
    SECONDMENT_DECISION,
    can_change_secondment,
    can_end_secondment,
    can_extend_secondment,
    requesting_organisations,
)
from secondments.text import lazy_date

UPDATABLE_FIELDS = (
    "host_organisation",
    "post",
    "kind",
    "role",
    "start_date",
    "end_date",
    "purpose",
)
ROUND_FIELDS = {"host_organisation", "post", "role", "start_date", "end_date"}
"""A change to any of these after a decision asks both organisations again."""


def _lock(secondment: Secondment) -> Secondment:
    return Secondment.objects.select_for_update().get(pk=secondment.pk)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _status(secondment: Secondment) -> str:
    return secondment.shown_status_label.lower()


def _check(secondment: Secondment) -> None:
    """What the request must satisfy, whoever wrote it: read on every create and change."""
    errors: dict[str, str] = {}
    if secondment.end_date < secondment.start_date:
        errors["end_date"] = _("The end date must be on or after the start date.")
    if secondment.home_organisation_id == secondment.host_organisation_id:
        errors["host_organisation"] = _("The host must be another organisation than the home.")
    if secondment.post is not None and (
        secondment.post.host_organisation_id != secondment.host_organisation_id
    ):
        errors["post"] = _("This post is not in the host organisation.")
    home_member = Membership.objects.valid_on(secondment.start_date).filter(
        user_id=secondment.person_id, organisation_id=secondment.home_organisation_id
    )
    if "end_date" not in errors and not home_member.exists():
        errors["person"] = _(
            "The person must be a member of the home organisation on the start day."
        )
    if errors:
        raise ValidationError(errors)


def _approvers(secondment: Secondment) -> list[Recipient]:
    return [
        OrganisationRole(secondment.home_organisation_id, Role.APPROVER),
        OrganisationRole(secondment.host_organisation_id, Role.APPROVER),
    ]


def _followers(secondment: Secondment) -> list[Recipient]:
    """Who hears of an outcome: the person, the requester and both organisations' planners."""
    return [
        secondment.person,
        secondment.requested_by,
        OrganisationRole(secondment.home_organisation_id, Role.PLANNER),
        OrganisationRole(secondment.host_organisation_id, Role.PLANNER),
    ]


def _ask_for_decisions(secondment: Secondment, *, by: User) -> None:
    names = {
        "person": _name(secondment.person),
        "home": secondment.home_organisation,
        "host": secondment.host_organisation,
    }
    text = (
        format_lazy(
            gettext_lazy(
                "Please decide an extension to {date} of the secondment of {person} from "
                "{home} to {host}."
            ),
            date=lazy_date(secondment.proposed_end_date),
            **names,
        )
        if secondment.proposed_end_date
        else format_lazy(
            gettext_lazy("Please decide the secondment of {person} from {home} to {host}."),
            **names,
        )
    )
    notify(
        recipients=_approvers(secondment),
        kind="secondment.decision_requested",
        text=text,
        url=secondment.get_absolute_url(),
        event_key=SECONDMENT_DECISION.requested_event.format(
            subject=secondment.pk, round=secondment.request
        ),
        actor=by,
    )


def _new_round(secondment: Secondment) -> None:
    secondment.request += 1
    secondment.requested_at = timezone.now()


@transaction.atomic
def secondment_request(
    *,
    by: User,
    person: User,
    home_organisation: Organisation,
    host_organisation: Organisation,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date,
    kind: str = SecondmentKind.SECONDMENT,
    post: Post | None = None,
    purpose: str = "",
) -> Secondment:
    """A planner or organisation administrator of the home or the host asks both
    organisations' approvers to decide."""
    mine = {o.pk for o in requesting_organisations(by)}
    if not mine & {home_organisation.pk, host_organisation.pk}:
        raise PermissionDenied(
            _(
                "Only a planner or administrator of the home or the host organisation can "
                "request this secondment."
            )
        )
    secondment = Secondment(
        person=person,
        home_organisation=home_organisation,
        host_organisation=host_organisation,
        post=post,
        kind=kind,
        role=role,
        start_date=start_date,
        end_date=end_date,
        purpose=purpose.strip(),
        requested_by=by,
    )
    _check(secondment)
    secondment.full_clean()
    secondment.save()
    grants_recompute(secondment)
    _ask_for_decisions(secondment, by=by)
    return secondment


@transaction.atomic
def secondment_update(
    *, secondment: Secondment, by: User, version: int, data: dict[str, Any]
) -> Secondment:
    """Change a request still being decided. A change of dates, role, post or host starts a
    new request round: decisions given on the earlier one no longer count."""
    secondment = _lock(secondment)
    if not can_change_secondment(by, secondment):
        raise PermissionDenied(
            _("Only planners and administrators of the home or the host can change it.")
        )
    if secondment.status != SecondmentStatus.REQUESTED:
        raise ValidationError(
            _("Only a requested secondment can be changed; this one is %(status)s.")
            % {"status": _status(secondment)}
        )
    check_version(secondment, version)
    host_before = secondment.host_organisation_id
    changed = changed_fields(secondment, UPDATABLE_FIELDS, data)
    if not changed:
        return secondment
    _check(secondment)
    secondment.full_clean()
    if changed & ROUND_FIELDS:
        _new_round(secondment)
    secondment.version += 1
    secondment.save()
    if secondment.host_organisation_id != host_before:
        grants_recompute(secondment)
    if changed & ROUND_FIELDS:
        _ask_for_decisions(secondment, by=by)
    return secondment


def decisions_closed(secondment: Secondment) -> str | None:
    if secondment.is_open_to_decisions:
        return None
    return _("This secondment is %(status)s: there is no request or extension to decide.") % {
        "status": _status(secondment)
    }


@transaction.atomic
def secondment_decide(
    *,
    secondment: Secondment,
    by: User,
    request: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> SecondmentDecision:
    """An approver of the home or the host decides the request round they read. Approved
    once both organisations approved the current round (then the host membership is created,
    or an extension moves its end); declined by either."""
    secondment = _lock(secondment)
    record: SecondmentDecision = decision_record(
        SECONDMENT_DECISION,
        subject=secondment,
        by=by,
        round=request,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=decisions_closed(secondment),
    )
    extension = secondment.proposed_end_date
    event = f"secondment:{secondment.pk}:request:{secondment.request}"
    if decision == SecondmentDecisionChoice.DECLINE:
        if extension is not None:
            secondment.proposed_end_date = None
        else:
            secondment.status = SecondmentStatus.DECLINED
        secondment.version += 1
        secondment.save()
        notify(
            recipients=_followers(secondment),
            kind="secondment.declined",
            text=format_lazy(
                gettext_lazy(
                    "{organisation} declined the extension of the secondment of {person} "
                    "to {host}: {comment}"
                )
                if extension is not None
                else gettext_lazy(
                    "{organisation} declined the secondment of {person} to {host}: {comment}"
                ),
                organisation=record.organisation,
                person=_name(secondment.person),
                host=secondment.host_organisation,
                comment=record.comment,
            ),
            url=secondment.get_absolute_url(),
            event_key=f"{event}:declined",
            actor=by,
        )
        return record
    approved = decided_for(
        SECONDMENT_DECISION,
        secondment,
        SecondmentDecision.objects.filter(secondment=secondment, request=secondment.request),
    )
    if not {secondment.home_organisation_id, secondment.host_organisation_id} <= approved:
        return record
    if extension is not None:
        secondment.end_date = extension
        secondment.proposed_end_date = None
        _move_membership(secondment)
    else:
        secondment.status = SecondmentStatus.APPROVED
        secondment.membership = membership_create(
            user=secondment.person,
            organisation=secondment.host_organisation,
            role=secondment.role,
            valid_from=secondment.start_date,
            valid_until=secondment.end_date,
            managed_by=f"secondment {secondment.pk}",
        )
    secondment.version += 1
    secondment.save()
    notify(
        recipients=_followers(secondment),
        kind="secondment.approved",
        text=format_lazy(
            gettext_lazy(
                "Both organisations approved the extension of the secondment of {person} "
                "to {host}, {start} to {end}."
            )
            if extension is not None
            else gettext_lazy(
                "Both organisations approved the secondment of {person} to {host}, "
                "{start} to {end}."
            ),
            person=_name(secondment.person),
            host=secondment.host_organisation,
            start=lazy_date(secondment.start_date),
            end=lazy_date(secondment.end_date),
        ),
        url=secondment.get_absolute_url(),
        event_key=f"{event}:approved",
        actor=by,
    )
    return record


def _move_membership(secondment: Secondment) -> None:
    """The host membership ends on the secondment's end date (its access, exactly)."""
    if secondment.membership_id is not None:
        Membership.objects.filter(pk=secondment.membership_id).update(
            valid_until=secondment.end_date, valid_from=secondment.start_date
        )
        memberships_sync(users=[secondment.person])


RUNNING_ONLY = {
    "extended": gettext_lazy(
        "Only an approved secondment that has not ended can be extended; this one is %(status)s."
    ),
    "ended early": gettext_lazy(
        "Only an approved secondment that has not ended can be ended early; this one is %(status)s."
    ),
}


def _running(secondment: Secondment, verb: str) -> None:
    if secondment.status != SecondmentStatus.APPROVED or secondment.status_on() == (
        SecondmentStatus.COMPLETED
    ):
        raise ValidationError(str(RUNNING_ONLY[verb]) % {"status": _status(secondment)})


@transaction.atomic
def secondment_extend(
    *, secondment: Secondment, by: User, version: int, end_date: datetime.date
) -> Secondment:
    """Ask for a later end date; both organisations decide it again (a new request round).
    Until they have, the secondment keeps its current end."""
    secondment = _lock(secondment)
    if not can_extend_secondment(by, secondment):
        raise PermissionDenied(
            _("Only planners, administrators and approvers of the home or the host can extend it.")
        )
    _running(secondment, "extended")
    check_version(secondment, version)
    if end_date <= secondment.end_date:
        raise ValidationError(
            {
                "end_date": _("An extension ends after the current end, %(end)s.")
                % {"end": secondment.end_date}
            }
        )
    secondment.proposed_end_date = end_date
    _new_round(secondment)
    secondment.version += 1
    secondment.save()
    _ask_for_decisions(secondment, by=by)
    return secondment


@transaction.atomic
def secondment_end(
    *, secondment: Secondment, by: User, version: int, end_date: datetime.date
) -> Secondment:
    """End early, at once: an approver of either organisation sets an earlier last day
    (yesterday at the earliest), and the host membership ends with it."""
    secondment = _lock(secondment)
    if not can_end_secondment(by, secondment):
        raise PermissionDenied(_("Only an approver of the home or the host can end it early."))
    _running(secondment, "ended early")
    check_version(secondment, version)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    if end_date >= secondment.end_date:
        raise ValidationError(
            {
                "end_date": _("Ending early means before the current end, %(end)s.")
                % {"end": secondment.end_date}
            }
        )
    if end_date < yesterday:
        raise ValidationError(
            {"end_date": _("The last day can be yesterday at the earliest: the past stays.")}
        )
    if end_date < secondment.start_date:
        raise ValidationError(
            {"end_date": _("That is before it starts: cancel the secondment instead.")}
        )
    secondment.end_date = end_date
    if secondment.proposed_end_date is not None:
        # An extension in decision no longer makes sense; decisions on it become stale.
        secondment.proposed_end_date = None
        _new_round(secondment)
    secondment.version += 1
    secondment.save()
    _move_membership(secondment)
    organisations = acting_organisations(by, secondment, SECONDMENT_DECISION.codename)
    audit_decision(
        by=by,
        subject=secondment,
        action="end_secondment",
        outcome="end",
        organisation_id=min(organisations) if organisations else None,
    )
    notify(
        recipients=[*_followers(secondment), *_approvers(secondment)],
        kind="secondment.ended",
        text=format_lazy(
            gettext_lazy(
                "The secondment of {person} to {host} ends early: its last day is {date}."
            ),
            person=_name(secondment.person),
            host=secondment.host_organisation,
            date=lazy_date(end_date),
        ),
        url=secondment.get_absolute_url(),
        event_key=f"secondment:{secondment.pk}:version:{secondment.version}:ended",
        actor=by,
    )
    return secondment


@transaction.atomic
def secondment_cancel(
    *, secondment: Secondment, by: User, version: int | None = None
) -> Secondment:
    """Withdraw a request, or an approved secondment before its first day; the host
    membership goes with it. A running one is ended early instead, so its days stay."""
    secondment = _lock(secondment)
    if not can_change_secondment(by, secondment):
        raise PermissionDenied(
            _("Only planners and administrators of the home or the host can cancel it.")
        )
    if version is not None:
        check_version(secondment, version)
    shown = secondment.status_on()
    if shown not in (SecondmentStatus.REQUESTED, SecondmentStatus.APPROVED):
        message = _(
            "Only a requested secondment, or an approved one before its first day, can be "
            "cancelled; this one is %(status)s."
        ) % {"status": _status(secondment)}
        if shown == SecondmentStatus.ACTIVE:
            message = _("%(message)s End it early instead.") % {"message": message}
        raise ValidationError(message)
    membership_id = secondment.membership_id
    secondment.status = SecondmentStatus.CANCELLED
    secondment.proposed_end_date = None
    secondment.membership = None
    secondment.version += 1
    secondment.save()
    if membership_id is not None:
        Membership.objects.filter(pk=membership_id).delete()
        memberships_sync(users=[secondment.person])
    notify(
        recipients=[*_followers(secondment), *_approvers(secondment)],
        kind="secondment.cancelled",
        text=format_lazy(
            gettext_lazy("The secondment of {person} to {host} is cancelled."),
            person=_name(secondment.person),
            host=secondment.host_organisation,
        ),
        url=secondment.get_absolute_url(),
        event_key=f"secondment:{secondment.pk}:cancelled",
        actor=by,
    )
    return secondment
