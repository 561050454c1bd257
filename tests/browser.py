"""Browser fixtures: a headless system Chromium driven through Playwright's sync API.

Playwright never downloads a browser here: every launch names `/usr/bin/chromium`.
Tests ask for `page_at(width, height)`; it opens a fresh browser context at that viewport and
records console errors and uncaught page errors, which the test asserts are empty.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

# Playwright's sync API runs an asyncio event loop in the test thread. Django sees that loop
# and refuses ORM calls made from the test (SynchronousOnlyOperation), although nothing runs
# concurrently with them: the test simply blocks on the browser. Allow those calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 20_000  # a busy two-core machine answers search-as-you-type late
# `expect` waits as long as actions do (its own default is 5 s).
expect.set_options(timeout=TIMEOUT_MS)

HTMX_ENDED = "htmx:afterRequest, "
HTMX_ABORTED = "htmx:sendAbort, "

VIEWPORTS = [(768, 1024), (1366, 768)]
"""Tablet portrait up to a common laptop: the widths the app is designed for."""


@dataclass
class BrowserPage:
    """A page in its own browser context, with the errors the browser reported so far."""

    page: Page
    context: BrowserContext
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot as test-artifacts/<name>.png and return its path."""
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def scrolls_horizontally(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """When a browser test fails, its report also shows what the live server was doing: each
    request thread's stack, and the database sessions that were busy or waiting on a lock
    (a page that never got its answer is otherwise a bare timeout)."""
    outcome: Any = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "page_at" in getattr(item, "fixturenames", ()):
        report.sections.append(("live server at failure", _live_server_state()))


def _live_server_state() -> str:
    frames = sys._current_frames()
    lines = []
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name and thread.ident in frames:
            lines.append(f"--- {thread.name}")
            lines += traceback.format_stack(frames[thread.ident])
    if not lines:
        lines.append("No request thread was running.")
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.pid, a.state, a.wait_event_type, a.wait_event, "
                "now() - a.query_start, left(a.query, 200), l.mode, l.relation::regclass "
                "FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid "
                "AND NOT l.granted WHERE a.datname = current_database() "
                "AND a.pid <> pg_backend_pid() AND a.state <> 'idle'"
            )
            lines += [repr(row) for row in cursor.fetchall()] or ["No busy database session."]
    except Exception as error:  # a diagnosis must never hide the failure
        lines.append(f"The database could not be asked: {error!r}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _wait_for_the_live_server_to_finish_its_requests(timeout_s: float = 15.0) -> None:
    """Wait until no request thread of the live server is still running.

    The browser may have requests in flight when a test ends (htmx fragments, the bell's
    poll, the service worker's fetch-ahead). Left running, they read the tables that the
    teardown truncates, and the two deadlock; the next test then starts on an unflushed
    database.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not any("process_request_thread" in t.name for t in threading.enumerate()):
            return
        time.sleep(0.05)


@pytest.fixture
def page_at(
    browser: Browser, transactional_db: None, live_server: object
) -> Iterator[Callable[[int, int], BrowserPage]]:
    """Open pages at a given viewport: `page_at(768, 1024)`. Contexts close after the test.

    It asks for the database and the live server so that it is torn down before them: the
    browser closes and the server finishes its requests before the database is flushed.
    """
    opened: list[BrowserContext] = []

    def open_page(width: int, height: int) -> BrowserPage:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        page = context.new_page()
        result = BrowserPage(page=page, context=context)

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            if message.text.startswith(HTMX_ABORTED):
                # A newer keystroke replaced the request (hx-sync="this:replace"), or the page
                # moved on: htmx logs the abort as two errors, this and the request's end.
                ended = result.errors[-1:]
                if ended and ended[0].startswith(f"console: {HTMX_ENDED}"):
                    result.errors.pop()
                return
            location = message.location.get("url", "")
            result.errors.append(f"console: {message.text} ({location})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: result.errors.append(f"pageerror: {error}"))
        return result

    yield open_page
    for context in opened:
        context.close()
    _wait_for_the_live_server_to_finish_its_requests()
