"""The secondment workflow: both decisions, asking again after a change, decline, cancel,
extend, end early, stale rounds, and the host membership that follows each step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import services as services_accounts
from accounts.authority import role_groups_held
from accounts.decisions import StaleRound
from accounts.models import Membership, Notification, Organisation, Role, User
from secondments import services
from secondments.models import Secondment, SecondmentDecision, SecondmentStatus
from tests.secondments.conftest import approve_both, days, request

pytestmark = pytest.mark.django_db


def _decide(s: Secondment, by: User, decision: str = "approve", **extra: object) -> None:
    s.refresh_from_db()
    services.secondment_decide(
        secondment=s, by=by, request=extra.pop("request", s.request), decision=decision, **extra
    )


def _host_memberships(person: User, host: Organisation) -> list[tuple[object, ...]]:
    return list(
        Membership.objects.filter(user=person, organisation=host).values_list(
            "role", "valid_from", "valid_until"
        )
    )


def test_a_request_asks_both_organisations_approvers(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host)
    assert (s.status, s.request, s.version, s.membership_id) == ("requested", 1, 1, None)
    asked = Notification.objects.filter(kind="secondment.decision_requested")
    assert sorted(asked.values_list("recipient__username", flat=True)) == [
        "home-approver",
        "host-approver",
    ]
    assert asked.first().event_key == f"secondment:{s.pk}:request:1:decision-requested"


def test_both_decisions_are_needed_and_approval_creates_the_host_membership(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host, start=2, end=40)
    _decide(s, people["home_approver"])
    s.refresh_from_db()
    assert (s.status, s.membership_id) == ("requested", None)
    assert _host_memberships(people["person"], host) == []

    _decide(s, people["host_approver"])
    s.refresh_from_db()
    assert s.status == "approved"
    assert s.shown_status == "approved"  # starts in two days
    assert _host_memberships(people["person"], host) == [(Role.PLANNER, days(2), days(40))]
    assert s.membership.secondment == s
    told = Notification.objects.filter(kind="secondment.approved")
    # The last approver is not told of their own action.
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "home-planner",
        "host-planner",
        "person",
    ]


def test_a_change_after_one_approval_asks_again(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host)
    _decide(s, people["home_approver"])
    s.refresh_from_db()
    s = services.secondment_update(
        secondment=s, by=people["home_planner"], version=s.version, data={"end_date": days(60)}
    )
    assert (s.request, s.version, s.end_date) == (2, 2, days(60))
    # The host approves the new round: the home's approval was of the first, so not yet.
    _decide(s, people["host_approver"])
    s.refresh_from_db()
    assert s.status == "requested"
    # The home's approver deciding on the round they read before is refused as stale.
    with pytest.raises(StaleRound):
        _decide(s, people["home_approver"], request=1)
    _decide(s, people["home_approver"])
    s.refresh_from_db()
    assert s.status == "approved"
    assert _host_memberships(people["person"], host) == [(Role.PLANNER, days(0), days(60))]
    assert sorted(
        SecondmentDecision.objects.filter(secondment=s).values_list(
            "organisation__slug", "request", "decision"
        )
    ) == [("mfa", 1, "approve"), ("mfa", 2, "approve"), ("mod", 2, "approve")]


def test_a_change_of_purpose_only_keeps_the_round(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host)
    s = services.secondment_update(
        secondment=s, by=people["host_planner"], version=1, data={"purpose": "Liaison work."}
    )
    assert (s.request, s.version, s.purpose) == (1, 2, "Liaison work.")


def test_declined_by_either(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = request(people, home, host)
    _decide(s, people["home_approver"])
    with pytest.raises(ValidationError) as error:
        _decide(s, people["host_approver"], "decline")
    assert error.value.message_dict == {"comment": ["Say why you decline, so the requester knows."]}
    _decide(s, people["host_approver"], "decline", comment="No post free this year.")
    s.refresh_from_db()
    assert (s.status, s.membership_id) == ("declined", None)
    assert _host_memberships(people["person"], host) == []
    with pytest.raises(ValidationError) as closed:
        _decide(s, people["home_approver"])
    assert closed.value.messages == [
        "This secondment is declined: there is no request or extension to decide."
    ]


def test_cancel_before_the_first_day_removes_the_membership(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    s = approve_both(request(people, home, host, start=3, end=30), people)
    membership_id = s.membership_id
    s = services.secondment_cancel(secondment=s, by=people["host_planner"], version=s.version)
    assert (s.status, s.membership_id) == ("cancelled", None)
    assert not Membership.objects.filter(pk=membership_id).exists()


def test_a_running_secondment_is_ended_early_not_cancelled(
    approved: Secondment, people: dict[str, User]
) -> None:
    with pytest.raises(ValidationError) as error:
        services.secondment_cancel(secondment=approved, by=people["home_planner"])
    assert error.value.messages == [
        "Only a requested secondment, or an approved one before its first day, can be "
        "cancelled; this one is active. End it early instead."
    ]
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_an_extension_is_decided_by_both_again(
    approved: Secondment, people: dict[str, User], host: Organisation
) -> None:
    s = services.secondment_extend(
        secondment=approved, by=people["home_planner"], version=approved.version, end_date=days(50)
    )
    assert (s.request, s.proposed_end_date, s.end_date) == (2, days(50), days(20))
    _decide(s, people["host_approver"])
    s.refresh_from_db()
    assert (s.end_date, s.proposed_end_date) == (days(20), days(50))
    assert _host_memberships(people["person"], host) == [(Role.PLANNER, days(-10), days(20))]
    _decide(s, people["home_approver"])
    s.refresh_from_db()
    assert (s.end_date, s.proposed_end_date, s.status) == (days(50), None, "approved")
    assert _host_memberships(people["person"], host) == [(Role.PLANNER, days(-10), days(50))]


def test_a_declined_extension_keeps_the_current_end(
    approved: Secondment, people: dict[str, User], host: Organisation
) -> None:
    s = services.secondment_extend(
        secondment=approved, by=people["host_planner"], version=approved.version, end_date=days(50)
    )
    _decide(s, people["home_approver"], "decline", comment="Needed back home.")
    s.refresh_from_db()
    assert (s.status, s.end_date, s.proposed_end_date) == ("approved", days(20), None)
    assert _host_memberships(people["person"], host) == [(Role.PLANNER, days(-10), days(20))]


def test_either_approver_ends_early_at_once(
    approved: Secondment, people: dict[str, User], host: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        services.secondment_end(
            secondment=approved,
            by=people["home_planner"],
            version=approved.version,
            end_date=days(0),
        )
    with pytest.raises(ValidationError) as too_early:
        services.secondment_end(
            secondment=approved,
            by=people["host_approver"],
            version=approved.version,
            end_date=days(-2),
        )
    assert too_early.value.message_dict == {
        "end_date": ["The last day can be yesterday at the earliest: the past stays."]
    }
    s = services.secondment_end(
        secondment=approved,
        by=people["host_approver"],
        version=approved.version,
        end_date=days(-1),
    )
    assert (s.end_date, s.shown_status) == (days(-1), "completed")
    assert _host_memberships(people["person"], host) == [(Role.PLANNER, days(-10), days(-1))]
    assert list(role_groups_held(people["person"]).filter(organisation=host)) == []


def test_only_requesters_of_either_organisation_request(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    for persona in ("outsider", "superuser", "ended_yesterday", "starts_tomorrow", "person"):
        with pytest.raises(PermissionDenied):
            services.secondment_request(
                by=people[persona],
                person=people["person"],
                home_organisation=home,
                host_organisation=host,
                role=Role.PLANNER,
                start_date=days(0),
                end_date=days(10),
            )
    assert Secondment.objects.count() == 0


def test_the_person_must_be_a_home_member_on_the_start_day(
    people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    with pytest.raises(ValidationError) as error:
        services.secondment_request(
            by=people["host_planner"],
            person=people["outsider"],
            home_organisation=home,
            host_organisation=host,
            role=Role.PLANNER,
            start_date=days(0),
            end_date=days(10),
        )
    assert error.value.message_dict == {
        "person": ["The person must be a member of the home organisation on the start day."]
    }


def test_the_database_keeps_dates_ordered_and_two_organisations(
    approved: Secondment, home: Organisation
) -> None:
    for change in ({"end_date": days(-30)}, {"host_organisation": home}, {"status": "active"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Secondment.objects.filter(pk=approved.pk).update(**change)


def test_status_follows_the_dates(approved: Secondment) -> None:
    assert [approved.status_on(days(n)) for n in (-11, -10, 20, 21)] == [
        SecondmentStatus.APPROVED,
        SecondmentStatus.ACTIVE,
        SecondmentStatus.ACTIVE,
        SecondmentStatus.COMPLETED,
    ]


def test_the_host_membership_is_kept_by_its_secondment_alone(
    people: dict[str, User], home: Organisation, host: Organisation, admin_client: object
) -> None:
    """Nothing but the secondment grants or revokes: its membership cannot be changed or
    deleted as a membership, in the services or the admin."""
    s = approve_both(request(people, home, host, start=2, end=40), people)
    membership = Membership.objects.get(pk=s.membership_id)
    assert membership.managed_by == f"secondment {s.pk}"

    membership.valid_until = days(400)
    with pytest.raises(ValidationError) as refused:
        services_accounts.membership_save(membership=membership, is_new=False)
    assert refused.value.messages == [
        f"This membership is kept by secondment {s.pk}: change its dates or end it there, "
        "so that access follows it exactly."
    ]

    url = f"/admin/accounts/membership/{membership.pk}/"
    page = admin_client.get(f"{url}change/")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    posted = admin_client.post(  # type: ignore[attr-defined]
        f"{url}change/",
        {
            "user": people["person"].pk,
            "organisation": host.pk,
            "role": Role.APPROVER,
            "valid_from": days(2).isoformat(),
            "valid_until": days(400).isoformat(),
            "version": membership.version,
        },
    )
    assert posted.status_code == 403
    assert admin_client.post(f"{url}delete/", {"post": "yes"}).status_code == 403  # type: ignore[attr-defined]
    membership.refresh_from_db()
    assert (membership.role, membership.valid_until) == (Role.PLANNER, days(40))
