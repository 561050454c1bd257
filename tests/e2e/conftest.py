"""Browser tests: the fixtures (`browser`, `page_at`) are in `tests/browser.py`, registered once
for the whole suite by `tests/conftest.py`, so a test outside this folder shares the same
Chromium in its process rather than starting a second Playwright."""

from tests.browser import ARTIFACTS_DIR, TIMEOUT_MS, VIEWPORTS, BrowserPage

__all__ = ["ARTIFACTS_DIR", "TIMEOUT_MS", "VIEWPORTS", "BrowserPage"]
