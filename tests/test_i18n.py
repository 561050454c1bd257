"""English and French: every phrase people read is marked for translation, and the French
catalogue translates every one of them, none fuzzy (issue 16).

This is the lint step CI runs for translations: `tests/i18n_scan.py` finds unmarked phrases
in each app's Python and templates; the catalogue checks read `locale/fr/LC_MESSAGES/django.po`
and the catalogue `makemessages` would write from the code as it is now.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.i18n_scan import PROJECT_APPS, ROOT, untranslated_in

CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NOT_SCANNED = [
    ".venv",
    "node_modules",
    "build",
    "staticfiles",
    "media",
    "tests",
    "docs",
    "benchmarks",
]


@pytest.mark.parametrize("app", PROJECT_APPS)
def test_every_phrase_people_read_is_marked_for_translation(app: str) -> None:
    found = untranslated_in(app)
    assert not found, "Not marked for translation:\n" + "\n".join(map(str, found))


def _problems(catalogue: polib.POFile) -> list[str]:
    return [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()] + [
        f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()
    ]


def test_the_french_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata["Language"] == "fr"
    assert _problems(catalogue) == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []


def test_every_phrase_marked_in_the_code_is_in_the_french_catalogue(tmp_path: Path) -> None:
    """What `makemessages` extracts from the code today, merged into the catalogue, leaves
    nothing untranslated: a phrase marked but never translated fails here, not in front of
    a French-speaking planner.

    It runs in a copy of the project's layout made of links (makemessages writes into the
    `locale/` beside the code it reads), so the real catalogue is never touched."""
    project = tmp_path / "project"
    project.mkdir()
    for source in [*PROJECT_APPS, "templates"]:
        if (ROOT / source).is_dir():
            (project / source).symlink_to(ROOT / source, target_is_directory=True)
    copy = project / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    here = Path.cwd()
    os.chdir(project)
    try:
        with override_settings(LOCALE_PATHS=[project / "locale"]):
            call_command(
                "makemessages",
                locale=["fr"],
                symlinks=True,
                ignore_patterns=NOT_SCANNED,
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(here)
    assert _problems(polib.pofile(str(copy))) == []
