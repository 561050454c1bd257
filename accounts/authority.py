"""Who may see and act: the one answer every service, view, serializer and template asks.

Grants (django-guardian rows, see `accounts.grants`) go to organisation-role groups. Whether a
person holds a group's grants is read here from their memberships' dates, never from Django
group membership (which a periodic task refreshes, and which the embedded default never
refreshes): a membership that ends today grants nothing tomorrow, one that starts tomorrow
grants nothing today, whether or not any task has run.

Superusers administer: they see every object (for support), but act in a workflow
(edit, submit, review, endorse, approve, file) only for organisations they belong to.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from accounts.models import Membership, Organisation, OrganisationGroup, Role
from accounts.object_permissions import (
    ObjectGrants,
    keeping_object_grants,
    object_grants,
    object_grants_keep,
)

M = TypeVar("M", bound=models.Model)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _sees_everything(user: Any, codename: str) -> bool:
    return bool(user.is_superuser and codename.startswith("view_"))


def role_groups_held(user: Any, day: datetime.date | None = None) -> QuerySet[OrganisationGroup]:
    """The organisation-role groups whose grants `user` holds on `day` (today by default):
    those of the organisations and roles of their memberships valid that day."""
    held = Membership.objects.valid_on(day or timezone.localdate()).filter(
        user_id=user.pk, organisation_id=OuterRef("organisation_id"), role=OuterRef("role")
    )
    return OrganisationGroup.objects.filter(Exists(held))


def visible(
    queryset: QuerySet[M], *, user: Any, codename: str, also_visible: Q | None = None
) -> QuerySet[M]:
    """Keep the rows `user` holds `codename` on today, through an organisation-role group
    or a personal grant; `also_visible` adds rows everyone signed in may see.

    The filter starts from what the user may see, not from the table: the ids come from the
    grant index ((group, permission, object)) for the groups the user holds today, united
    with their personal grants, and the rows are joined to that set. PostgreSQL then
    estimates the result from the grant rows (a few hundred) instead of guessing a share of
    the table, so it reads the table by primary key rather than scanning all of it. One
    query whatever the list's size.
    """
    if not _signed_in(user):
        return queryset.none()
    if _sees_everything(user, codename):
        return queryset
    model: Any = queryset.model
    return queryset.filter(
        pk__in=visible_ids(model, user=user, codename=codename, also_visible=also_visible)
    )


def visible_through(queryset: QuerySet[M], parent: str, *, user: Any, codename: str) -> QuerySet[M]:
    """Keep the rows whose `parent` (a foreign-key path, e.g. "line_of_effort__plan") `user`
    holds `codename` on today: the parts of a plan or strategy, filtered on the parent's id
    column without reading the parent's table."""
    if not _signed_in(user):
        return queryset.none()
    if _sees_everything(user, codename):
        return queryset
    parent_model: Any = queryset.model
    for name in parent.split("__"):
        parent_model = parent_model._meta.get_field(name).related_model
    ids = visible_ids(parent_model, user=user, codename=codename)
    return queryset.filter(**{f"{parent}__in": ids})


def sees(ref: str, model: type[models.Model], *, user: Any, codename: str) -> Any:
    """Whether `user` holds `codename` on the `model` row each row's `ref` (a foreign key)
    points at, as a boolean to annotate with (null where `ref` is null)."""
    if not _signed_in(user):
        return Value(False)
    if _sees_everything(user, codename):
        return Value(True)
    ids = visible_ids(model, user=user, codename=codename)
    return ExpressionWrapper(Q(**{f"{ref}__in": ids}), output_field=BooleanField())


_PERMISSION_ID = (
    "SELECT p.id FROM auth_permission p"
    " JOIN django_content_type ct ON ct.id = p.content_type_id"
    " WHERE ct.app_label = %s AND ct.model = %s AND p.codename = %s"
)
# The groups of the user's memberships valid on a day: `MembershipQuerySet.valid_on` in SQL.
_GROUPS_HELD = (
    "SELECT og.group_id FROM accounts_organisationgroup og"
    " JOIN accounts_membership m ON m.organisation_id = og.organisation_id AND m.role = og.role"
    " WHERE m.user_id = %s AND m.valid_from <= %s"
    " AND (m.valid_until IS NULL OR m.valid_until >= %s)"
)


def visible_ids(
    model: type[models.Model], *, user: Any, codename: str, also_visible: Q | None = None
) -> RawSQL:
    """The ids of the `model` rows `user` holds `codename` on today, as a subquery.

    Written as SQL because every list of every signed-in person builds it: the ORM took
    about 3 ms of Python per list to assemble the same query, more than the database takes
    to answer it.
    """
    quote = connection.ops.quote_name
    grants_on: Any = model  # guardian's stubs want an instance; the model class works alike
    group_table = quote(get_group_obj_perms_model(grants_on)._meta.db_table)
    user_table = quote(get_user_obj_perms_model(grants_on)._meta.db_table)
    permission = (model._meta.app_label, model._meta.model_name, codename)
    day = timezone.localdate()
    # Only table names from the models' metadata are formatted in; every value is a parameter.
    sql = (
        f"SELECT g.content_object_id FROM {group_table} g"  # noqa: S608
        f" WHERE g.permission_id = ({_PERMISSION_ID}) AND g.group_id IN ({_GROUPS_HELD})"
        f" UNION SELECT u.content_object_id FROM {user_table} u"
        f" WHERE u.user_id = %s AND u.permission_id = ({_PERMISSION_ID})"
    )
    params: list[Any] = [*permission, user.pk, day, day, user.pk, *permission]
    if also_visible is not None:
        everyone = model._default_manager.filter(also_visible).order_by().values("pk")
        everyone_sql, everyone_params = everyone.query.sql_with_params()
        sql += f" UNION {everyone_sql}"
        params += everyone_params
    return RawSQL(sql, params)  # noqa: S611


def acting_organisations(user: Any, obj: models.Model, codename: str) -> set[int]:
    """The organisations (ids) `user` may act for on `obj` with `codename` today.

    Only organisation grants count: a decision is always made for an organisation, and a
    superuser's status gives none.
    """
    if not _signed_in(user):
        return set()
    return set(_grants_on(user, obj).organisations.get(codename, ()))


def may(user: Any, obj: models.Model, codename: str) -> bool:
    """Whether `user` holds `codename` on `obj` today (for themselves or an organisation)."""
    if not _signed_in(user):
        return False
    if _sees_everything(user, codename):
        return True
    return _grants_on(user, obj).holds(codename)


def _grants_on(user: Any, obj: models.Model) -> ObjectGrants:
    """Every codename `user` holds on `obj` today, in one query (once per request)."""
    day = timezone.localdate()
    return object_grants(user, obj, day, lambda: _grants_fetch(user, [obj], day)[obj.pk])


def grants_prefetch(user: Any, objects: Sequence[models.Model]) -> None:
    """What `user` holds today on each of `objects` (rows of one model), in one query, kept
    for the request's questions about them: a page that asks about each row of a list
    stays one query, whatever the list's length."""
    if not _signed_in(user) or not objects or not keeping_object_grants():
        return
    day = timezone.localdate()
    fetched = _grants_fetch(user, objects, day)
    for obj in objects:
        object_grants_keep(user, obj, day, fetched[obj.pk])


def _grants_fetch(
    user: Any, objects: Sequence[models.Model], day: datetime.date
) -> dict[Any, ObjectGrants]:
    """Per object (by id), the codenames `user` holds on it on `day`: through the groups of
    their memberships valid that day (with the organisations), and personally."""
    group_perm_model: Any = get_group_obj_perms_model(objects[0])
    user_perm_model: Any = get_user_obj_perms_model(objects[0])
    through_groups = group_perm_model.objects.filter(
        content_object__in=objects, group__organisation_role__in=role_groups_held(user, day)
    ).values_list(
        "content_object", "permission__codename", "group__organisation_role__organisation_id"
    )
    personal = user_perm_model.objects.filter(
        content_object__in=objects, user_id=user.pk
    ).values_list(
        "content_object",
        "permission__codename",
        models.Value(None, output_field=models.BigIntegerField()),
    )
    organisations: dict[Any, dict[str, set[int]]] = {obj.pk: defaultdict(set) for obj in objects}
    personal_codenames: dict[Any, set[str]] = {obj.pk: set() for obj in objects}
    for object_id, codename, organisation_id in through_groups.union(personal, all=True):
        if organisation_id is None:
            personal_codenames[object_id].add(codename)
        else:
            organisations[object_id][codename].add(organisation_id)
    return {
        object_id: ObjectGrants(
            organisations={codename: frozenset(ids) for codename, ids in by_codename.items()},
            personal=frozenset(personal_codenames[object_id]),
        )
        for object_id, by_codename in organisations.items()
    }


def organisations_in_role(
    user: Any, role: str, *, among: set[int] | None = None
) -> QuerySet[Organisation]:
    """Active organisations where `user` holds `role` today (e.g. those they may lead for)."""
    if not _signed_in(user):
        return Organisation.objects.none()
    memberships = Membership.objects.valid_on(timezone.localdate()).filter(
        user_id=user.pk, role=role
    )
    if among is not None:
        memberships = memberships.filter(organisation_id__in=among)
    return Organisation.objects.filter(
        is_active=True, pk__in=memberships.values("organisation_id")
    ).order_by("name")


def holds_role(user: Any, organisation_id: int, role: str) -> bool:
    return organisations_in_role(user, role, among={organisation_id}).exists()


def lead_organisations_for(user: Any) -> list[Organisation]:
    """Organisations the user may lead a strategy or plan for: where they plan today."""
    return list(organisations_in_role(user, Role.PLANNER))
