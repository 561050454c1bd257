"""One migrated database per run, copied for each test process.

Migrating a fresh database costs about half a minute of one core. With pytest-xdist, each
process used to migrate its own. Now the controlling process starts one `migrate` into
`test_<name>_template` as the session starts, while the processes start and collect; each
process waits for it, then PostgreSQL copies it (`CREATE DATABASE ... TEMPLATE`, Django's
`TEST["TEMPLATE"]`, set in `tests/settings.py`). Django still runs `migrate` on the copy,
which finds nothing to apply. A run in one process, or on SQLite, migrates as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2 import sql

TEMPLATE_ENV = "JF_TEST_DB_TEMPLATE"
DONE_ENV = "JF_TEST_DB_TEMPLATE_DONE"
WAIT_S = 600
BASE_DIR = Path(__file__).resolve().parents[1]


def _runs_in_several_processes(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", 0))


def start_template(config: pytest.Config) -> None:
    """In the controlling process: start migrating the template, without waiting for it."""
    url = os.environ.get("DATABASE_URL", "")
    if not _runs_in_several_processes(config) or not url.startswith("postgres"):
        return
    parts = urlsplit(url)
    template = f"test_{parts.path.lstrip('/')}_template"
    _on_server(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", template)
    _on_server(url, "CREATE DATABASE {}", template)
    done = Path(tempfile.mkdtemp(prefix="jf-template-")) / "done"
    log = done.with_name("migrate.log")
    command = (
        f"{sys.executable} manage.py migrate --noinput -v0 > {log} 2>&1;"
        f" echo $? > {done}.tmp; mv {done}.tmp {done}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{template}")),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    subprocess.Popen(["sh", "-c", command], cwd=BASE_DIR, env=env)  # noqa: S607
    # The test processes start after this hook and inherit these.
    os.environ[TEMPLATE_ENV] = template
    os.environ[DONE_ENV] = str(done)


def drop_template(config: pytest.Config) -> None:
    """In the controlling process, once the run ends."""
    template = os.environ.get(TEMPLATE_ENV)
    if template and not hasattr(config, "workerinput"):
        _on_server(os.environ["DATABASE_URL"], "DROP DATABASE IF EXISTS {} WITH (FORCE)", template)


def _on_server(url: str, statement: str, database: str) -> None:
    server = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(database)))
    finally:
        server.close()


def wait_for_template() -> None:
    """In a test process: wait until the template is migrated; fail with its log if not."""
    done_path = os.environ.get(DONE_ENV)
    if not done_path:
        return
    done = Path(done_path)
    deadline = time.monotonic() + WAIT_S
    while not done.exists():
        if time.monotonic() > deadline:
            pytest.exit(f"The template database was not migrated within {WAIT_S} s", returncode=3)
        time.sleep(0.2)
    if done.read_text().strip() != "0":
        log = done.with_name("migrate.log").read_text()
        pytest.exit(f"Migrating the template database failed:\n{log}", returncode=3)
