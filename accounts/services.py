"""Every write that matters in accounts: one transaction each, permission checked inside."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.authority import may
from accounts.concurrency import lock_at_version
from accounts.grants import grants_recompute
from accounts.models import Membership, Organisation, OrganisationGroup, Role, User

ORGANISATION_EDITABLE_FIELDS = ("name", "acronym", "country", "description", "website")


def organisation_groups_ensure(*, organisation: Organisation) -> dict[str, Group]:
    """Create the organisation's one group per role where missing, named after its current
    slug; idempotent. A new group is always new: one left behind by a deleted organisation
    of the same slug must not hand its members the new organisation's grants."""
    existing = {og.role: og.group for og in organisation.role_groups.select_related("group")}
    for role in Role:
        name = f"{organisation.slug}:{role.value}"
        if role.value not in existing:
            group = Group.objects.create(name=name)
            OrganisationGroup.objects.create(group=group, organisation=organisation, role=role)
            existing[role.value] = group
        elif existing[role.value].name != name:
            Group.objects.filter(pk=existing[role.value].pk).update(name=name)
    return existing


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation with its role groups, so no one keeps what they granted."""
    group_ids = list(organisation.role_groups.values_list("group_id", flat=True))
    organisation.delete()
    Group.objects.filter(pk__in=group_ids).delete()


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    kind: str,
    acronym: str = "",
    country: str = "",
    description: str = "",
    website: str = "",
) -> Organisation:
    organisation = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        acronym=acronym,
        country=country,
        description=description,
        website=website,
    )
    organisation.full_clean()
    organisation.save()
    organisation_setup(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_setup(*, organisation: Organisation) -> None:
    """Groups and grants for a saved organisation (also after an admin creates one)."""
    organisation_groups_ensure(organisation=organisation)
    grants_recompute(organisation)


@transaction.atomic
def organisation_save(*, organisation: Organisation, is_new: bool) -> Organisation:
    """Save an organisation edited as a whole (the admin's form). A changed one must still be
    at the version the editor read (`organisation.version`); groups and grants follow."""
    if not is_new:
        lock_at_version(
            Organisation.objects.all(), pk=organisation.pk, version=organisation.version
        )
        organisation.version += 1  # the row is locked, so a plain increment is safe
    organisation.save()
    organisation_setup(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User, version: int, data: dict[str, Any]
) -> Organisation:
    """Edit an organisation's profile; only its organisation administrators may."""
    if not may(by, organisation, "change_organisation"):
        raise PermissionDenied(
            gettext("Only this organisation's administrators can edit its profile.")
        )
    locked: Organisation = lock_at_version(
        Organisation.objects.all(), pk=organisation.pk, version=version
    )
    for field in ORGANISATION_EDITABLE_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.full_clean()
    locked.version += 1  # the row is locked, so a plain increment is safe
    locked._change_reason = f"Profile edited by {by.username}"  # type: ignore[attr-defined]
    locked.save()
    return locked


@transaction.atomic
def membership_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    managed_by: str = "",
) -> Membership:
    """A membership; `managed_by` names what keeps it (a secondment), which alone may then
    change it: no one edits or deletes it as a membership."""
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
        managed_by=managed_by,
    )
    membership.full_clean()
    membership.save()
    memberships_sync(users=[user])
    return membership


def managed_refusal(membership: Membership) -> str:
    return gettext(
        "This membership is kept by %(record)s: change its dates or end it "
        "there, so that access follows it exactly."
    ) % {"record": membership.managed_by}


@transaction.atomic
def membership_save(*, membership: Membership, is_new: bool) -> Membership:
    """Save a membership edited as a whole (the admin's form), at the version the editor
    read; the group membership of the person (and of a previous one) follows at once."""
    users = [membership.user]
    if not is_new:
        before = lock_at_version(
            Membership.objects.all(), pk=membership.pk, version=membership.version
        )
        if before.managed_by:
            raise ValidationError(managed_refusal(before))
        if before.user_id != membership.user_id:
            users.append(before.user)  # moved to another person: the first one leaves
        membership.version += 1
    membership.save()
    memberships_sync(users=users)
    return membership


@dataclass(frozen=True)
class MembershipSync:
    joined: int
    left: int


@transaction.atomic
def memberships_sync(
    *, today: datetime.date | None = None, users: list[User] | None = None
) -> MembershipSync:
    """Make organisation-role group membership equal to the memberships valid `today`.

    Run for everyone by a periodic task, so start and end dates take effect without anyone
    acting, and for one user by the services that change their memberships.
    """
    today = today or timezone.localdate()
    valid = Membership.objects.valid_on(today).filter(organisation__role_groups__role=F("role"))
    user_groups = User.groups.through.objects.filter(group__organisation_role__isnull=False)
    if users is not None:
        user_ids = [u.pk for u in users]
        valid = valid.filter(user_id__in=user_ids)
        user_groups = user_groups.filter(user_id__in=user_ids)

    # Read what is before what should be: a membership committed between the two reads is
    # then added (harmlessly, if already there) rather than taken away.
    current = {
        (uid, gid): row_id
        for row_id, uid, gid in user_groups.values_list("id", "user_id", "group_id")
    }
    wanted = set(valid.values_list("user_id", "organisation__role_groups__group_id"))

    leaving = [row_id for pair, row_id in current.items() if pair not in wanted]
    if leaving:
        User.groups.through.objects.filter(id__in=leaving).delete()
    joining = wanted - current.keys()
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=uid, group_id=gid) for uid, gid in sorted(joining)],
        ignore_conflicts=True,
    )
    return MembershipSync(joined=len(joining), left=len(leaving))


def organisation_acting_for(
    *,
    user: User,
    role: str,
    among: set[int],
    chosen: Organisation | None,
    refused: str,
    refused_for: str,
    ambiguous: str,
) -> int:
    """Which of the organisations `among` the user acts for, holding `role` there today.

    Used where a person decides on behalf of their organisation (an endorsement, a review).
    None of them: `PermissionDenied(refused)`; a chosen one they do not act for:
    `PermissionDenied(refused_for)` with `{organisation}` filled in; several and none chosen:
    a 400 on `organisation` saying `ambiguous`.
    """
    acting_for = set(
        Membership.objects.valid_on(timezone.localdate())
        .filter(user=user, role=role, organisation_id__in=among)
        .values_list("organisation_id", flat=True)
    )
    if not acting_for:
        raise PermissionDenied(refused)
    if chosen is not None:
        if chosen.pk not in acting_for:
            raise PermissionDenied(refused_for.format(organisation=chosen))
        return chosen.pk
    if len(acting_for) > 1:
        raise ValidationError({"organisation": ambiguous})
    return acting_for.pop()


def changed_fields(obj: Any, fields: Iterable[str], data: dict[str, Any]) -> set[str]:
    """Set the given fields on `obj`; returns the names of those whose value changed, so a
    service can tell a real edit from a save of unchanged values."""
    changed = set()
    for field in fields:
        # getattr's default covers a foreign key not set yet on a new object.
        if field in data and (obj.pk is None or getattr(obj, field, None) != data[field]):
            setattr(obj, field, data[field])
            changed.add(field)
    return changed
