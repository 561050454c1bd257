"""Reads in accounts: querysets already filtered by what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.authority import visible
from accounts.models import Membership, Notification, Organisation, User
from accounts.permissions import ORGANISATION_VISIBLE_TO_ALL


def organisation_list(*, user: User, kind: str | None = None) -> QuerySet[Organisation]:
    organisations = visible(
        Organisation.objects.all(),
        user=user,
        codename="view_organisation",
        also_visible=ORGANISATION_VISIBLE_TO_ALL,
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations


def organisation_members(
    *, organisation: Organisation, today: datetime.date | None = None
) -> QuerySet[Membership]:
    """Current members; callers check `view_organisation_members` first."""
    return (
        Membership.objects.valid_on(today or timezone.localdate())
        .filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )


def user_memberships(*, user: User) -> QuerySet[Membership]:
    """All of a user's memberships, current and not, with their organisations."""
    return user.memberships.select_related("organisation").order_by(
        "organisation__name", "role", "valid_from"
    )


def notification_inbox(*, user: User) -> QuerySet[Notification]:
    """A user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def organisations_where(*, user: User, role: str) -> QuerySet[Organisation]:
    """Active organisations where the user holds `role` today (e.g. those they may lead for)."""
    return Organisation.objects.filter(
        is_active=True,
        memberships__in=Membership.objects.valid_on(timezone.localdate()).filter(
            user=user, role=role
        ),
    ).distinct()
