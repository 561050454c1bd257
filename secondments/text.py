"""Dates written in the reader's language (2 Dec 2026, 2 déc. 2026), at once or lazily for
notifications, which are rendered in each recipient's language."""

from __future__ import annotations

import datetime

from django.utils import dateformat
from django.utils.functional import lazy


def day(date: datetime.date) -> str:
    """A date in the active language: 2 Dec 2026, 2 déc. 2026."""
    return dateformat.format(date, "j M Y")


lazy_date = lazy(day, str)
"""A date written in the language of whoever reads it (notifications)."""
