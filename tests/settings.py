"""Settings for the test suite: the application's own, with each test process in its own
namespace of the one Redis database the suite is given.

pytest-xdist runs the suite in several processes (`PYTEST_XDIST_WORKER` is `gw0`, `gw1`, ...;
a run without xdist is `main`). They share `REDIS_URL`'s database, so each keeps its Celery
broker keys (queues, unacknowledged messages, the redelivery index) and its cache keys under
its own prefix: one process's worker never takes another's tasks, redelivers them, or sees
its cache. Result keys are named by task id and need no prefix. Clearing the cache must
delete only this prefix (see `tests.conftest.cache_clear`): Django's `RedisCache.clear()`
flushes the whole database, the other processes' queues included.
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES, CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL

TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")

if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"test-{TEST_PROCESS}-cache"}}
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"test-{TEST_PROCESS}-broker:",
    }

# The test client builds the middleware afresh for every client, and WhiteNoise, told to use
# the finders, would list every static file each time (pico alone ships some 400): about a
# third of the suite's time. Looking a file up when it is asked for serves the same files.
WHITENOISE_AUTOREFRESH = True

# With several test processes, each copies the database migrated once for the run
# (tests/template_db.py).
if os.environ.get("JF_TEST_DB_TEMPLATE"):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        **DATABASES["default"].get("TEST", {}),  # noqa: F405
        "TEMPLATE": os.environ["JF_TEST_DB_TEMPLATE"],
    }

# A test's rows need not survive a crash of the server: commits (the flush after each
# transactional test truncating every table, a live server's, a worker's) do not wait for
# the disk. Each process's own database; the server's setting is untouched.
DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=off"  # noqa: F405
