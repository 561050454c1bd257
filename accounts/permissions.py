"""Who may see and change what: the DRF pieces every app uses, and the organisation's rules.

Every API viewset reads through its app's selector (`accounts.drf.SelectorViewSet`), filtered
in the database by `accounts.authority`, so an object a user may not see is absent from lists
and answers 404 on detail routes. Writes and guarded actions on a visible
object need the object permission the view names, else 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.authority import may
from accounts.grants import organisation_groups, register_grant_rules
from accounts.models import Organisation, Role

if TYPE_CHECKING:  # DRF's settings import this module: importing its views here would loop.
    from rest_framework.request import Request
    from rest_framework.views import APIView


def required_object_permission(view: APIView, request: Request, target: Model) -> str | None:
    """The codename an object action needs: the view's `object_permissions` for the action,
    else change/delete of the target for unsafe methods and nothing for reads (visibility is
    the filter's job).
    """
    action = getattr(view, "action", None)
    declared: dict[str, str | None] = getattr(view, "object_permissions", {})
    if action in declared:
        return declared[action]
    if request.method in SAFE_METHODS:
        return None
    model_name = target._meta.model_name
    return f"delete_{model_name}" if request.method == "DELETE" else f"change_{model_name}"


class ObjectRulesPermission(BasePermission):
    """The global default: signed-in users only, and object permissions for object actions."""

    message = _("You do not have permission to do this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        # Parts of a larger object (a strategy's goals, a plan's activities) are governed by
        # the grants on that object: the view names it with `permission_target`.
        target_of = getattr(view, "permission_target", None)
        target = target_of(obj) if target_of else obj
        codename = required_object_permission(view, request, target)
        return codename is None or may(request.user, target, codename)


# --- Organisation ------------------------------------------------------------------------------

ORGANISATION_VISIBLE_TO_ALL = Q(is_active=True)
"""The directory of active organisations is open to every signed-in user."""


@register_grant_rules(Organisation)
def organisation_grant_rules(
    organisations: Sequence[Organisation],
) -> dict[int, dict[int, set[str]]]:
    groups = organisation_groups(organisation.pk for organisation in organisations)
    return {
        organisation.pk: _organisation_grants(groups[organisation.pk])
        for organisation in organisations
    }


def _organisation_grants(groups: list[tuple[str, int]]) -> dict[int, set[str]]:
    """Every member sees the organisation (even once inactive) and its member list; its
    organisation administrators edit its profile."""
    grants: dict[int, set[str]] = {}
    for role, group_id in groups:
        codes = {"view_organisation", "view_organisation_members"}
        if role == Role.ORG_ADMIN:
            codes.add("change_organisation")
        grants[group_id] = codes
    return grants
