"""Object grants: django-guardian rows as an index of the domain.

Each model with object-level rules registers one function saying which organisation groups
hold which permissions on each of a batch of objects, derived from the objects' state alone,
with a fixed number of queries whatever the batch's size. `grants_recompute` makes the
guardian rows of one object equal to that (the rule applied to a batch of one), touching only
the rows that differ; it is idempotent, so services call it after every change.
`grants_rebuild` (`manage.py rebuild_grants`) restores everything from the domain, a chunk of
objects at a time: one rule call, one read of the chunk's rows, one delete and one insert.

Rows a superuser adds by hand for a single user (the admin's object permissions page) are
deliberate exceptions: lists honour them and recomputing leaves them alone. Who holds a
group's grants on a given day is `accounts.authority`'s answer, from membership dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from guardian.utils import get_group_obj_perms_model

from accounts.models import OrganisationGroup

M = TypeVar("M", bound=models.Model)
Grants = Mapping[int, Iterable[str]]
"""The permission codenames each group (by id) should hold on one object."""
GrantRule = Callable[[Sequence[Any]], Mapping[int, Grants]]
"""Given objects of one model, the grants on each, by primary key."""
GrantDependents = Callable[[Any], Iterable[models.Model]]

REBUILD_CHUNK = 2000
"""Objects a rebuild reads, computes and writes at a time (a plan has some 30 grant rows)."""

_rules: dict[type[models.Model], GrantRule] = {}
_dependents: dict[type[models.Model], list[GrantDependents]] = {}


def register_grant_rules(model: type[models.Model]) -> Callable[[GrantRule], GrantRule]:
    def register(rule: GrantRule) -> GrantRule:
        _rules[model] = rule
        return rule

    return register


def register_grant_dependents(
    model: type[models.Model],
) -> Callable[[GrantDependents], GrantDependents]:
    """Objects of a higher app whose grants follow an object of `model` (the lessons released
    to a plan's participants): recomputed with it, so the lower app never imports the higher."""

    def register(dependents: GrantDependents) -> GrantDependents:
        _dependents.setdefault(model, []).append(dependents)
        return dependents

    return register


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


def grants_desired(objects: Sequence[M]) -> dict[int, dict[int, set[str]]]:
    """What the registered rule says of each of `objects` (all of one model), by primary key:
    the codenames each group holds, groups holding nothing left out."""
    if not objects:
        return {}
    grants = _rules[type(objects[0])](objects)
    return {
        obj.pk: {group_id: set(codes) for group_id, codes in grants[obj.pk].items() if codes}
        for obj in objects
    }


def organisation_groups(organisation_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    """The groups of each organisation, as (role, group id): what rules grant to, in one query."""
    ids = set(organisation_ids)
    groups: dict[int, list[tuple[str, int]]] = {organisation_id: [] for organisation_id in ids}
    for organisation_id, role, group_id in OrganisationGroup.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "role", "group_id"):
        groups[organisation_id].append((role, group_id))
    return groups


@dataclass(frozen=True)
class GrantChange:
    added: int
    removed: int

    def __add__(self, other: GrantChange) -> GrantChange:
        return GrantChange(added=self.added + other.added, removed=self.removed + other.removed)


NO_CHANGE = GrantChange(added=0, removed=0)


def _permission_ids(model: type[models.Model]) -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(model)
    return dict(Permission.objects.filter(content_type=content_type).values_list("codename", "id"))


def _grants_sync(objects: Sequence[M], permission_ids: dict[str, int]) -> GrantChange:
    """Make the group grant rows of `objects` (all of one model) what the rule says: one read
    of the rows they have, one delete of those the rule no longer gives, one insert of those
    it newly gives."""
    if not objects:
        return NO_CHANGE
    model = type(objects[0])
    desired: set[tuple[int, int, int]] = set()
    for pk, grants in grants_desired(objects).items():
        for group_id, codes in grants.items():
            unknown = codes - permission_ids.keys()
            if unknown:
                raise ValueError(f"Unknown permissions for {model.__name__}: {sorted(unknown)}")
            desired.update((pk, group_id, permission_ids[codename]) for codename in codes)

    perm_model: Any = get_group_obj_perms_model(objects[0])
    with transaction.atomic():
        existing = {
            (object_id, group_id, permission_id): row_id
            for row_id, object_id, group_id, permission_id in perm_model.objects.filter(
                content_object_id__in=[obj.pk for obj in objects]
            ).values_list("id", "content_object_id", "group_id", "permission_id")
        }
        stale = [row_id for key, row_id in existing.items() if key not in desired]
        if stale:
            perm_model.objects.filter(id__in=stale).delete()
        missing = desired - existing.keys()
        if missing:
            _rows_insert(perm_model, missing)
    return GrantChange(added=len(missing), removed=len(stale))


GRANT_COLUMNS = ("content_object", "group", "permission")


def _rows_insert(perm_model: Any, rows: Iterable[tuple[int, int, int]]) -> None:
    """Insert grant rows (object, group, permission), skipping any a concurrent recompute
    inserted meanwhile.

    On PostgreSQL as three arrays: a rebuild inserts some 55,000 rows per chunk of plans, and
    building that many model instances for `bulk_create` costs more than the insert itself.
    In the order of the unique index, which the insert then fills from left to right."""
    ordered = sorted(rows, key=lambda row: (row[1], row[2], row[0]))
    if connection.vendor != "postgresql":
        perm_model.objects.bulk_create(
            [
                perm_model(content_object_id=object_id, group_id=group_id, permission_id=permission)
                for object_id, group_id, permission in ordered
            ],
            ignore_conflicts=True,
        )
        return
    fields = [perm_model._meta.get_field(name) for name in GRANT_COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    table = quote(perm_model._meta.db_table)
    # Table, columns and types come from the model; the values are parameters.
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*ordered, strict=True)])


def grants_recompute(obj: models.Model, *, dependents: bool = True) -> GrantChange:
    """Make the group grants on `obj` exactly what its registered rule says, changing only the
    rows that differ, and those of the objects whose grants follow it
    (`register_grant_dependents`). Returns the change to `obj`'s own rows."""
    with transaction.atomic():
        change = _grants_sync([obj], _permission_ids(type(obj)))
        if dependents:
            _dependents_recompute(obj)
    return change


def _dependents_recompute(obj: models.Model) -> None:
    for find in _dependents.get(type(obj), []):
        by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        for dependent in find(obj):
            by_model[type(dependent)].append(dependent)
        for model, found in by_model.items():
            _grants_sync(found, _permission_ids(model))
            if model in _dependents:
                for dependent in found:
                    _dependents_recompute(dependent)


RebuildProgress = Callable[[type[models.Model], int, GrantChange], None]
"""Told after each chunk: the model, how many of its objects are done, the change so far."""


def grants_rebuild(
    models_to_rebuild: Iterable[type[models.Model]] | None = None,
    *,
    progress: RebuildProgress | None = None,
) -> GrantChange:
    """Recompute the grants of every object of `models_to_rebuild` (every registered model by
    default), `REBUILD_CHUNK` objects at a time, each chunk in its own transaction."""
    total = NO_CHANGE
    for model in models_to_rebuild or registered_models():
        permission_ids = _permission_ids(model)
        done = 0
        change = NO_CHANGE
        objects = model._default_manager.order_by("pk")
        chunk = list(objects[:REBUILD_CHUNK])
        while chunk:
            change += _grants_sync(chunk, permission_ids)
            done += len(chunk)
            if progress:
                progress(model, done, change)
            chunk = list(objects.filter(pk__gt=chunk[-1].pk)[:REBUILD_CHUNK])
        total += change
    return total
