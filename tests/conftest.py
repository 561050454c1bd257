"""Personas and shared fixtures.

Organisation personas: `member` (a planner of `home_org`), `org_admin` (its organisation
administrator), `outsider` (a planner of `other_org`, no tie to `home_org`), `superuser` (no
membership), `ended_yesterday` (every role of `home_org` until yesterday, still in its Django
groups), `starts_tomorrow` (every role of `home_org` from tomorrow, already in the groups),
and anonymous.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Organisation, OrganisationKind, Role, User
from config.celery import app as celery_app
from tests.factories import (
    make_former_member,
    make_future_member,
    make_member,
    make_organisation,
    make_user,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_org(db: None) -> Organisation:
    return make_organisation(slug="mfa", name="Ministry of Foreign Affairs")


@pytest.fixture
def other_org(db: None) -> Organisation:
    return make_organisation(slug="mod", name="Ministry of Defence", kind=OrganisationKind.DEFENCE)


@pytest.fixture
def member(home_org: Organisation) -> User:
    return make_member(home_org, Role.PLANNER, username="member")


@pytest.fixture
def org_admin(home_org: Organisation) -> User:
    return make_member(home_org, Role.ORG_ADMIN, username="org-admin")


@pytest.fixture
def outsider(other_org: Organisation) -> User:
    return make_member(other_org, Role.PLANNER, username="outsider")


@pytest.fixture
def superuser(db: None) -> User:
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def ended_yesterday(home_org: Organisation) -> User:
    return make_former_member(home_org, list(Role), username="ended-yesterday")


@pytest.fixture
def starts_tomorrow(home_org: Organisation) -> User:
    return make_future_member(home_org, list(Role), username="starts-tomorrow")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def api_as(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    """A real Celery worker (in a thread of this process) consuming from the test Redis."""
    celery_app.control.purge()
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
    ) as worker:
        yield worker
