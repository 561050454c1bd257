"""Personas and shared fixtures.

Organisation personas: `member` (a planner of `home_org`), `org_admin` (its organisation
administrator), `outsider` (a planner of `other_org`, no tie to `home_org`), `superuser` (no
membership), `ended_yesterday` (every role of `home_org` until yesterday, still in its Django
groups), `starts_tomorrow` (every role of `home_org` from tomorrow, already in the groups),
and anonymous.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import Organisation, OrganisationKind, Role, User
from config.celery import app as celery_app

# The browser fixtures, once for every folder (tests/browser.py).
from tests import template_db
from tests.browser import browser, page_at, pytest_runtest_makereport  # noqa: F401
from tests.factories import (
    make_former_member,
    make_future_member,
    make_member,
    make_organisation,
    make_user,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LONG_RUNNING = ("fuzz", "slow", "browser")


def pytest_sessionstart(session: pytest.Session) -> None:
    template_db.start_template(session.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    template_db.drop_template(session.config)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Each test process makes its database once the run's template is migrated."""
    template_db.wait_for_template()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first (the API fuzzing, the browser, a fresh SQLite database), the rest
    in their order: pytest-xdist's workers then end on short tests and finish together, not
    one waiting while the other runs a minute-long test at the end."""

    def rank(item: pytest.Item) -> int:
        return next(
            (n for n, marker in enumerate(LONG_RUNNING) if item.get_closest_marker(marker)),
            len(LONG_RUNNING),
        )

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


def cache_clear() -> None:
    """Empty this test process's cache, and only its: see `tests/settings.py`."""
    if not settings.REDIS_URL:
        cache.clear()
        return
    client = redis_at(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@functools.cache
def redis_at(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache_clear()
    yield
    cache_clear()


def broker() -> redis.Redis:
    return redis_at(settings.CELERY_BROKER_URL)


def broker_key(name: str) -> str:
    """The Redis key of the broker's `name` (a queue, `unacked`) for this test process."""
    return str(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")) + name


def broker_reset() -> None:
    """Forget this test process's tasks: queued, or delivered and never acknowledged.

    A worker killed mid-task leaves its message unacknowledged; left there, a later test's
    worker would be handed it again.
    """
    broker().delete(*(broker_key(name) for name in ("celery", "unacked", "unacked_index")))


def broker_idle() -> bool:
    """Nothing waits in the queue and no delivered task is unacknowledged.

    Tasks acknowledge late (after they return), and a retry is published before the task
    returns, so an idle broker after a task ran means it scheduled nothing more.
    """
    client = broker()
    return client.llen(broker_key("celery")) == 0 and client.hlen(broker_key("unacked")) == 0


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """One transaction around a whole module, for rows built once and read by all its tests.

    Django's `setUpTestData` for a module: a module-scoped fixture builds its rows inside
    `with module_db.unblock():`; every test of the module sees them; each test's own changes
    roll back at its end (its transaction is a savepoint in this one); these roll back when
    the module ends. Give each test copies of the built objects (`copy.deepcopy`). For
    modules whose every test starts from those rows, and none is transactional (it would
    truncate them).
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    # The module's users are made with the tests' fast hasher, as each test's own are.
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield django_db_blocker
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def world_built_once_per_module(make: Callable[[], Any]) -> tuple[Any, Any]:
    """`world, built_world = world_built_once_per_module(world_make)` in a module none of
    whose tests is transactional: the world is built once (`module_db`) and each test gets a
    copy of it; each test's changes roll back at its end."""

    @pytest.fixture(scope="module")
    def built_world(module_db: Any) -> Any:
        with module_db.unblock():
            return make()

    @pytest.fixture
    def world(built_world: Any, db: None) -> Any:
        return copy.deepcopy(built_world)

    return world, built_world


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
    broker_reset()
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
    ) as worker:
        yield worker
