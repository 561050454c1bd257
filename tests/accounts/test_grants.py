from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.authority import may
from accounts.grants import GrantChange, grants_recompute
from accounts.models import Organisation, OrganisationGroupObjectPermission, Role, User
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db


def grant_rows(organisation: Organisation) -> set[tuple[str, str]]:
    return set(
        OrganisationGroupObjectPermission.objects.filter(content_object=organisation).values_list(
            "group__name", "permission__codename"
        )
    )


EXPECTED_MFA_GRANTS = {
    (f"mfa:{role}", codename)
    for role in Role.values
    for codename in ("view_organisation", "view_organisation_members")
} | {("mfa:org_admin", "change_organisation")}


def test_grants_equal_what_the_rules_say(home_org: Organisation) -> None:
    assert grant_rows(home_org) == EXPECTED_MFA_GRANTS


@pytest.mark.parametrize(
    ("role", "sees_members", "edits_profile"),
    [
        (Role.PLANNER, True, False),
        (Role.APPROVER, True, False),
        (Role.FIELD_ADVISOR, True, False),
        (Role.ANALYST, True, False),
        (Role.ORG_ADMIN, True, True),
    ],
)
def test_each_role_gets_what_the_rules_say(
    home_org: Organisation,
    other_org: Organisation,
    role: str,
    sees_members: bool,
    edits_profile: bool,
) -> None:
    user = make_member(home_org, role)
    assert may(user, home_org, "view_organisation_members") is sees_members
    assert may(user, home_org, "change_organisation") is edits_profile
    assert may(user, other_org, "view_organisation_members") is False
    assert may(user, other_org, "change_organisation") is False


def test_recompute_is_idempotent(home_org: Organisation) -> None:
    assert grants_recompute(home_org) == GrantChange(added=0, removed=0)
    assert grants_recompute(home_org) == GrantChange(added=0, removed=0)
    assert grant_rows(home_org) == EXPECTED_MFA_GRANTS


def test_recompute_removes_a_grant_the_rules_do_not_give(home_org: Organisation) -> None:
    planners = home_org.role_groups.get(role=Role.PLANNER).group
    from guardian.shortcuts import assign_perm

    assign_perm("change_organisation", planners, home_org)
    assert ("mfa:planner", "change_organisation") in grant_rows(home_org)

    assert grants_recompute(home_org) == GrantChange(added=0, removed=1)
    assert grant_rows(home_org) == EXPECTED_MFA_GRANTS


def test_rebuild_command_restores_deleted_rows(
    home_org: Organisation, other_org: Organisation
) -> None:
    admin = make_member(home_org, Role.ORG_ADMIN)
    before = set(
        OrganisationGroupObjectPermission.objects.values_list(
            "group_id", "permission_id", "content_object_id"
        )
    )
    OrganisationGroupObjectPermission.objects.all().delete()
    assert not may(User.objects.get(pk=admin.pk), home_org, "change_organisation")

    out = StringIO()
    call_command("rebuild_grants", stdout=out)

    after = set(
        OrganisationGroupObjectPermission.objects.values_list(
            "group_id", "permission_id", "content_object_id"
        )
    )
    assert after == before
    assert len(after) == 22  # 2 organisations x (5 roles x 2 + 1)
    assert out.getvalue().strip() == "Grants rebuilt: 22 added, 0 removed."
    assert may(User.objects.get(pk=admin.pk), home_org, "change_organisation")

    second = StringIO()
    call_command("rebuild_grants", "accounts.Organisation", stdout=second)
    assert second.getvalue().strip() == "Grants rebuilt: 0 added, 0 removed."


def test_personal_grant_made_in_the_admin_counts_and_survives_recompute(
    home_org: Organisation,
) -> None:
    from guardian.shortcuts import assign_perm

    Organisation.objects.filter(pk=home_org.pk).update(is_active=False)
    auditor = make_member(make_organisation(slug="audit"), Role.ANALYST)
    assign_perm("accounts.view_organisation", auditor, home_org)

    grants_recompute(home_org)

    from accounts.selectors import organisation_list

    assert home_org in organisation_list(user=User.objects.get(pk=auditor.pk))
