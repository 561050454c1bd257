"""Public account personas and plans, from the plan personas (tests/missions/conftest.py):
lead `mfa` (planner, approver, field advisor), contributor `mod`, consulted `ngo`, outsider
`police`, a superuser with no membership, and people whose membership lapsed.

`active_plan` is the missions `plan` (two activities in one governance line) taken through
review and approval to active; `published` is its publication by the lead's approver.
"""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from missions import services as plans
from missions.models import Plan
from publication.models import PlanPublication
from publication.services import plan_publish
from tests.factories import submission_of
from tests.missions.conftest import *  # noqa: F403 (the plan personas and `plan`)

PUBLIC_TITLE = "Valeria: partners for peace"
PUBLIC_SUMMARY = "Ministries and partners work together so that families can return home."


def activate(plan: Plan, *, lead_planner: User, lead_approver: User, reviewers: list[User]) -> Plan:
    plan = plans.plan_submit(plan=plan, by=lead_planner)
    for reviewer in reviewers:
        plans.plan_review(
            plan=plan, by=reviewer, submission=submission_of(plan), decision="approve"
        )
    plan = plans.plan_approve(plan=plan, by=lead_approver, submission=submission_of(plan))
    plans.plan_activate(plan=plan, by=lead_planner)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def active_plan(
    plan: Plan, lead_planner: User, lead_approver: User, contributor_approver: User
) -> Plan:
    return activate(
        plan,
        lead_planner=lead_planner,
        lead_approver=lead_approver,
        reviewers=[contributor_approver],
    )


def publish(plan: Plan, by: User, **extra: Any) -> PlanPublication:
    return plan_publish(
        plan=plan,
        by=by,
        public_title=extra.pop("public_title", PUBLIC_TITLE),
        public_summary=extra.pop("public_summary", PUBLIC_SUMMARY),
        **extra,
    )


@pytest.fixture
def published(active_plan: Plan, lead_approver: User) -> PlanPublication:
    return publish(active_plan, lead_approver, slug="valeria")
