"""Factories: tests build their own data through the same services the app uses."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationGroup, OrganisationKind, User
from accounts.services import membership_create, organisation_create

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_organisation(
    *,
    slug: str | None = None,
    kind: str = OrganisationKind.FOREIGN_AFFAIRS,
    name: str | None = None,
) -> Organisation:
    n = next(_sequence)
    slug = slug or f"org-{n}"
    return organisation_create(
        name=name or f"Organisation {slug}",
        slug=slug,
        kind=kind,
        acronym=slug.upper()[:20],
        country="Netherlands",
    )


def make_user(username: str | None = None, **extra: object) -> User:
    username = username or f"user-{next(_sequence)}"
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)


def make_member(
    organisation: Organisation,
    role: str,
    *,
    username: str | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> User:
    user = make_user(username)
    add_membership(user, organisation, role, valid_from=valid_from, valid_until=valid_until)
    return user


def add_membership(
    user: User,
    organisation: Organisation,
    role: str,
    *,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Membership:
    return membership_create(
        user=user,
        organisation=organisation,
        role=role,
        valid_from=valid_from or timezone.localdate() - datetime.timedelta(days=30),
        valid_until=valid_until,
    )


def make_former_member(organisation: Organisation, roles: list[str], *, username: str) -> User:
    """Someone who held `roles` in `organisation` until yesterday.

    The memberships are ended in the database without the group sync, as if no task had run
    since, so the person is still in the organisation's Django groups: authority must follow
    the dates, not the groups.
    """
    user = make_user(username)
    for role in roles:
        add_membership(user, organisation, role)
    Membership.objects.filter(user=user).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    return user


def make_future_member(organisation: Organisation, roles: list[str], *, username: str) -> User:
    """Someone who holds `roles` in `organisation` from tomorrow, and whom a stale sync has
    already put in those Django groups: a group without a membership valid today grants
    nothing."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    user = make_user(username)
    for role in roles:
        add_membership(user, organisation, role, valid_from=tomorrow)
    for role in roles:
        user.groups.add(OrganisationGroup.objects.get(organisation=organisation, role=role).group)
    return user


def submission_of(plan: object) -> int:
    """The plan's current submission, as a reviewer who just opened it would read it."""
    from missions.models import Plan

    return Plan.objects.values_list("submission", flat=True).get(pk=plan.pk)  # type: ignore[attr-defined]


def edition_of(strategy: object) -> int:
    """The strategy's current edition, as an approver who just opened it would read it."""
    from strategy.models import Strategy

    return Strategy.objects.values_list("edition", flat=True).get(pk=strategy.pk)  # type: ignore[attr-defined]
