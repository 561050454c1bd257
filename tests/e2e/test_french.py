"""A French-speaking planner on a tablet (768 x 1024): the home page, a strategy, a plan and the
field report form show none of the catalogue's English phrases, and French, about a fifth
longer than English, pushes nothing past the edge of the screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import polib
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from missions.models import Plan
from strategy.models import Strategy
from tests.e2e.conftest import BrowserPage
from tests.i18n_scan import ROOT

pytestmark = pytest.mark.browser

CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# What reaches past the right edge of the screen (the page itself would scroll sideways).
WIDER_THAN_THE_SCREEN = """(() => {
  const boxes = ['auto', 'scroll', 'hidden'];
  const scrollsItself = e => { for (let a = e.parentElement; a && a !== document.body;
      a = a.parentElement) { if (boxes.includes(getComputedStyle(a).overflowX)) return true; }
    return false; };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
      && getComputedStyle(e).position !== 'fixed' && !scrollsItself(e))
    .map(e => e.tagName.toLowerCase() + ' ' + (e.textContent || '').trim().slice(0, 30))
    .slice(0, 8);
})()"""
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>|[«»“”\"]")


def english_phrases() -> list[str]:
    """The catalogue's source phrases of three words or more that French says otherwise:
    any of them on a French page is a phrase left in English. Placeholders are cut out, so
    only the words around them are looked for."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.msgid_plural or entry.msgstr == entry.msgid:
            continue
        for piece in PLACEHOLDER_OR_TAG.split(entry.msgid):
            words = " ".join(piece.split()).strip(" .,:;()")
            if len(words.split()) >= 3:
                phrases.add(words)
    return sorted(phrases)


def test_a_french_speaking_planner_reads_french_everywhere_and_nothing_overflows(
    transactional_db: None,
    live_server: Any,
    page_at: Callable[[int, int], BrowserPage],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=StringIO())
    User.objects.filter(username__in=["mfa.planner", "field.advisor"]).update(language="fr")
    plan = Plan.objects.get(title__startswith="Northern Valeria")
    strategy = Strategy.objects.get(title="Stability in Northern Valeria")
    phrases = english_phrases()
    assert len(phrases) > 200  # the catalogue is the whole product's, not a sample

    for username, pages in [
        (
            "mfa.planner",
            [
                ("home", "/"),
                ("strategy", strategy.get_absolute_url()),
                ("plan", plan.get_absolute_url()),
            ],
        ),
        ("field.advisor", [("field-report-form", f"/plans/{plan.pk}/field-reports/new/")]),
    ]:
        browser_page = page_at(768, 1024)
        page = browser_page.page
        page.goto(live_server.url + "/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill("joined-forces-demo")
        page.locator("main form[action='/login/'] button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        for name, path in pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            expect(page.locator("html")).to_have_attribute("lang", "fr")
            browser_page.screenshot(f"french-{name}-768")
            text = " ".join(page.locator("body").inner_text().split())
            left_in_english = [phrase for phrase in phrases if phrase in text]
            assert left_in_english == [], f"{name}: {left_in_english}"
            wider = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert wider == [], f"{name}: {wider}"
            assert not browser_page.scrolls_horizontally(), name
        assert browser_page.errors == []
