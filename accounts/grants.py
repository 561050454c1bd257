"""Object grants: django-guardian rows as an index of the domain.

Each model with object-level rules registers one function saying which organisation groups
hold which permissions on an object, derived from the object's state alone. `grants_recompute`
makes the guardian rows equal to that; it is idempotent, so services call it after every
change and `manage.py rebuild_grants` can restore everything from the domain.

Rows a superuser adds by hand for a single user (the admin's object permissions page) are
deliberate exceptions: lists honour them and recomputing leaves them alone. Who holds a
group's grants on a given day is `accounts.authority`'s answer, from membership dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from guardian.utils import get_group_obj_perms_model

M = TypeVar("M", bound=models.Model)
GrantRule = Callable[[Any], Mapping[int, Iterable[str]]]
"""Given an object, the permission codenames each group (by id) should hold on it."""

_rules: dict[type[models.Model], GrantRule] = {}
_dependents: dict[type[models.Model], list[Callable[[Any], Iterable[models.Model]]]] = {}


def register_grant_rules(model: type[models.Model]) -> Callable[[GrantRule], GrantRule]:
    def register(rule: GrantRule) -> GrantRule:
        _rules[model] = rule
        return rule

    return register


def register_grant_dependents(
    model: type[models.Model],
) -> Callable[[Callable[[Any], Iterable[models.Model]]], Callable[[Any], Iterable[models.Model]]]:
    """Objects of a higher app whose grants follow an object of `model` (the lessons released
    to a plan's participants): recomputed with it, so the lower app never imports the higher."""

    def register(
        dependents: Callable[[Any], Iterable[models.Model]],
    ) -> Callable[[Any], Iterable[models.Model]]:
        _dependents.setdefault(model, []).append(dependents)
        return dependents

    return register


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


@dataclass(frozen=True)
class GrantChange:
    added: int
    removed: int


def _permission_ids(model: type[models.Model]) -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(model)
    return dict(Permission.objects.filter(content_type=content_type).values_list("codename", "id"))


def grants_recompute(
    obj: models.Model,
    *,
    permission_ids: dict[str, int] | None = None,
    dependents: bool = True,
) -> GrantChange:
    """Make the group grants on `obj` exactly what its registered rule says, and those of the
    objects whose grants follow it (`register_grant_dependents`)."""
    rule = _rules[type(obj)]
    desired = {(group_id, codename) for group_id, codes in rule(obj).items() for codename in codes}
    perm_model: Any = get_group_obj_perms_model(obj)
    permission_ids = permission_ids or _permission_ids(type(obj))
    unknown = {codename for _, codename in desired} - permission_ids.keys()
    if unknown:
        raise ValueError(f"Unknown permissions for {type(obj).__name__}: {sorted(unknown)}")

    with transaction.atomic():
        existing = {
            (group_id, codename): row_id
            for row_id, group_id, codename in perm_model.objects.filter(
                content_object=obj
            ).values_list("id", "group_id", "permission__codename")
        }
        stale = [row_id for key, row_id in existing.items() if key not in desired]
        if stale:
            perm_model.objects.filter(id__in=stale).delete()
        missing = desired - existing.keys()
        perm_model.objects.bulk_create(
            [
                perm_model(
                    group_id=group_id, permission_id=permission_ids[codename], content_object=obj
                )
                for group_id, codename in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        if dependents:
            for find in _dependents.get(type(obj), []):
                for dependent in find(obj):
                    grants_recompute(dependent)
    return GrantChange(added=len(missing), removed=len(stale))


def grants_rebuild(models_to_rebuild: Iterable[type[models.Model]] | None = None) -> GrantChange:
    added = removed = 0
    for model in models_to_rebuild or registered_models():
        permission_ids = _permission_ids(model)
        for obj in model._default_manager.order_by("pk").iterator(chunk_size=500):
            change = grants_recompute(obj, permission_ids=permission_ids, dependents=False)
            added += change.added
            removed += change.removed
    return GrantChange(added=added, removed=removed)
