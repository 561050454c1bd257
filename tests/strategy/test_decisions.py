"""Endorsements count only for the edition the approver read, and only for organisations
the approver belongs to today (findings 1-3 of the review, for strategies)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from strategy import services
from strategy.models import Endorsement, Goal, Strategy, StrategyStatus
from tests.conftest import api_as
from tests.factories import add_membership, make_user

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def detail(strategy: Strategy, suffix: str = "") -> str:
    return f"/api/v1/strategies/{strategy.pk}/{suffix}"


def in_consultation(strategy: Strategy, lead_planner: User) -> Strategy:
    return services.strategy_submit(strategy=strategy, by=lead_planner)


def goal_changed(strategy: Strategy, lead_planner: User) -> Strategy:
    goal = Goal.objects.filter(strategy=strategy).first()
    assert goal is not None
    services.goal_update(
        goal=goal, by=lead_planner, version=goal.version, data={"title": "Safe roads, all year"}
    )
    return Strategy.objects.get(pk=strategy.pk)


def test_endorsing_an_edition_no_longer_current_is_409_and_records_nothing(
    strategy: Strategy, lead_planner: User, partner_approver: User
) -> None:
    strategy = in_consultation(strategy, lead_planner)
    read = strategy.edition
    strategy = goal_changed(strategy, lead_planner)

    response = api_as(partner_approver).post(
        detail(strategy, "endorse/"), {"edition": read, "decision": "endorse"}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        "This changed since you opened it: you read edition 1, and it is now at edition 2. "
        "Read what changed, then decide again."
    )
    assert (body["current"]["edition"], body["current"]["status"]) == (2, "consultation")
    assert Endorsement.objects.count() == 0


def test_the_endorsement_page_says_the_strategy_changed_and_records_nothing(
    client: object, strategy: Strategy, lead_planner: User, partner_approver: User
) -> None:
    strategy = in_consultation(strategy, lead_planner)
    strategy = goal_changed(strategy, lead_planner)
    client.force_login(partner_approver)  # type: ignore[attr-defined]

    page = client.post(  # type: ignore[attr-defined]
        reverse("strategy-endorse", args=[strategy.pk]),
        {"decision": "endorse", "round": 1},
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "This changed since you opened it: you read edition 1" in html
    assert f'href="{strategy.get_absolute_url()}#history"' in html
    assert 'name="round" value="2"' in html
    assert Endorsement.objects.count() == 0


def test_the_strategy_page_carries_the_edition_shown_in_the_form(
    client: object, strategy: Strategy, lead_planner: User, partner_approver: User
) -> None:
    strategy = goal_changed(in_consultation(strategy, lead_planner), lead_planner)
    client.force_login(partner_approver)  # type: ignore[attr-defined]

    page = client.get(strategy.get_absolute_url())  # type: ignore[attr-defined]

    assert 'name="round" value="2"' in page.content.decode()


def test_an_approver_whose_membership_ended_yesterday_cannot_endorse(
    strategy: Strategy, lead_planner: User, partner_approver: User, partner_org: Organisation
) -> None:
    strategy = in_consultation(strategy, lead_planner)
    Membership.objects.filter(user=partner_approver).update(valid_until=YESTERDAY)  # no sync

    response = api_as(partner_approver).post(
        detail(strategy, "endorse/"),
        {"edition": strategy.edition, "decision": "endorse"},
        format="json",
    )

    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.strategy_endorse(
            strategy=strategy, by=partner_approver, edition=strategy.edition, decision="endorse"
        )
    assert Endorsement.objects.count() == 0


def test_a_superuser_outside_the_partners_sees_but_cannot_endorse_or_edit(
    strategy: Strategy, lead_planner: User
) -> None:
    strategy = in_consultation(strategy, lead_planner)
    root = make_user("root", is_superuser=True, is_staff=True)
    client = api_as(root)

    seen = client.get(detail(strategy))
    endorsed = client.post(
        detail(strategy, "endorse/"),
        {"edition": strategy.edition, "decision": "endorse"},
        format="json",
    )
    archived = client.post(detail(strategy, "archive/"))

    assert (seen.status_code, endorsed.status_code, archived.status_code) == (200, 403, 403)
    assert endorsed.json() == {
        "detail": "Only an approver of a partner organisation can endorse this strategy."
    }
    assert Strategy.objects.get(pk=strategy.pk).status == StrategyStatus.CONSULTATION
    assert Endorsement.objects.count() == 0


def test_a_superuser_who_approves_for_a_partner_endorses_for_it(
    strategy: Strategy, lead_planner: User, partner_org: Organisation
) -> None:
    strategy = in_consultation(strategy, lead_planner)
    root = make_user("root", is_superuser=True, is_staff=True)
    add_membership(root, partner_org, "approver")

    response = api_as(root).post(
        detail(strategy, "endorse/"),
        {"edition": strategy.edition, "decision": "endorse"},
        format="json",
    )

    assert response.status_code == 200
    assert list(Endorsement.objects.values_list("organisation_id", "decided_by__username")) == [
        (partner_org.pk, "root")
    ]
