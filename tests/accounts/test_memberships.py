from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.authority import may
from accounts.models import Membership, Organisation, Role, User
from accounts.services import memberships_sync
from accounts.tasks import memberships_sync_task
from tests.factories import add_membership, make_user

TODAY = timezone.localdate


def groups_of(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def fresh(user: User) -> User:
    """Guardian and Django cache permissions on the user object; read them anew."""
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_each_organisation_has_one_group_per_role(home_org: Organisation) -> None:
    assert sorted(home_org.role_groups.values_list("role", "group__name")) == [
        ("analyst", "mfa:analyst"),
        ("approver", "mfa:approver"),
        ("field_advisor", "mfa:field_advisor"),
        ("org_admin", "mfa:org_admin"),
        ("planner", "mfa:planner"),
    ]


@pytest.mark.django_db
def test_a_current_membership_joins_the_group_at_once(home_org: Organisation) -> None:
    user = make_user("planner")
    add_membership(user, home_org, Role.PLANNER)
    assert groups_of(user) == {"mfa:planner"}
    assert may(fresh(user), home_org, "view_organisation_members")


@pytest.mark.django_db
def test_a_user_may_belong_to_several_organisations(
    home_org: Organisation, other_org: Organisation
) -> None:
    user = make_user("twice")
    add_membership(user, home_org, Role.APPROVER)
    add_membership(user, other_org, Role.ANALYST)
    assert groups_of(user) == {"mfa:approver", "mod:analyst"}


@pytest.mark.django_db
def test_sync_removes_group_membership_nobody_holds_a_membership_for(
    home_org: Organisation,
) -> None:
    user = make_user("stray")
    stray_group = home_org.role_groups.get(role=Role.ORG_ADMIN).group
    user.groups.add(stray_group)

    result = memberships_sync()

    assert (result.joined, result.left) == (0, 1)
    assert groups_of(user) == set()


@pytest.mark.django_db
def test_sync_is_idempotent(member: User, org_admin: User) -> None:
    assert memberships_sync() == memberships_sync()
    assert memberships_sync().joined == 0
    assert memberships_sync().left == 0


@pytest.mark.django_db
def test_membership_ending_before_it_starts_is_refused(home_org: Organisation) -> None:
    from django.core.exceptions import ValidationError

    user = make_user("backwards")
    with pytest.raises(ValidationError) as error:
        add_membership(
            user,
            home_org,
            Role.PLANNER,
            valid_from=TODAY(),
            valid_until=TODAY() - datetime.timedelta(days=1),
        )
    assert error.value.messages == ["A membership cannot end before it starts."]
    assert Membership.objects.filter(user=user).count() == 0
    assert groups_of(user) == set()


@pytest.mark.celery_worker
def test_membership_dates_take_effect_through_the_periodic_task(
    celery_worker: object, home_org: Organisation
) -> None:
    """The periodic task keeps the Django groups equal to the memberships valid on a day (a
    cache of them): starts tomorrow, joins tomorrow; ends today, leaves the day after.
    Authority never follows the groups: today it follows today's dates, whatever the task
    has run for."""
    today = TODAY()
    tomorrow = today + datetime.timedelta(days=1)
    newcomer = make_user("newcomer")
    add_membership(newcomer, home_org, Role.ORG_ADMIN, valid_from=tomorrow)
    leaver = make_user("leaver")
    add_membership(
        leaver,
        home_org,
        Role.PLANNER,
        valid_from=today - datetime.timedelta(days=90),
        valid_until=today,
    )

    result_today = memberships_sync_task.delay().get(timeout=30)

    assert result_today == {"joined": 0, "left": 0}
    assert groups_of(newcomer) == set()
    assert not may(fresh(newcomer), home_org, "change_organisation")
    assert groups_of(leaver) == {"mfa:planner"}
    assert may(fresh(leaver), home_org, "view_organisation_members")

    result_tomorrow = memberships_sync_task.delay(on=tomorrow.isoformat()).get(timeout=30)

    assert result_tomorrow == {"joined": 1, "left": 1}
    assert groups_of(newcomer) == {"mfa:org_admin"}
    assert not may(fresh(newcomer), home_org, "change_organisation")  # not before tomorrow
    assert groups_of(leaver) == set()
    assert may(fresh(leaver), home_org, "view_organisation_members")  # still today


@pytest.mark.django_db
def test_deleting_an_organisation_deletes_its_groups_so_a_new_one_starts_clean(
    home_org: Organisation,
) -> None:
    from django.contrib.auth.models import Group

    from accounts.services import organisation_delete
    from tests.factories import make_member, make_organisation

    former_admin = make_member(home_org, Role.ORG_ADMIN, username="former-admin")
    organisation_delete(organisation=home_org)
    assert not Group.objects.filter(name__startswith="mfa:").exists()

    reborn = make_organisation(slug="mfa")
    assert not may(fresh(former_admin), reborn, "change_organisation")
    assert groups_of(former_admin) == set()


@pytest.mark.django_db
def test_the_lapsed_personas_hold_stale_groups_but_no_membership_valid_today(
    ended_yesterday: User, starts_tomorrow: User
) -> None:
    """What the access matrices rely on: the groups say "member of mfa", the dates say "not
    today", so a row that lets them in is authority read from groups."""
    every_role = {f"mfa:{role}" for role in Role}
    for user in (ended_yesterday, starts_tomorrow):
        assert groups_of(user) == every_role, user
        assert list(Membership.objects.valid_on(TODAY()).filter(user=user)) == [], user
        assert Membership.objects.filter(user=user).count() == len(Role), user
