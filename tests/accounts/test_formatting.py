"""Figures and money read in the reader's number format: grouped, with the decimals they need
(figures) or always two (money), in English and in French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", Decimal("4000000.00"), "4,000,000"),
        ("fr", Decimal("4000000.00"), f"4{NBSP}000{NBSP}000"),
        ("en", Decimal("1234.50"), "1,234.5"),
        ("fr", Decimal("1234.50"), f"1{NBSP}234,5"),
        ("fr", Decimal("0.00"), "0"),
        ("fr", None, ""),
        ("fr", "n/a", "n/a"),
    ],
)
def test_a_figure_is_grouped_with_the_decimals_it_needs(
    language: str, value: object, shown: str
) -> None:
    with translation.override(language):
        rendered = Template("{% load quantities %}[{{ value|figure }}]").render(
            Context({"value": value})
        )
    assert rendered == f"[{shown}]"


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "[250,000.00 USD]"), ("fr", f"[250{NBSP}000,00 USD]")],
)
def test_money_on_a_page_is_written_as_its_readers_language_does(language: str, shown: str) -> None:
    with translation.override(language):
        rendered = Template("{% load money %}[{{ amount|money:'USD' }}]").render(
            Context({"amount": Decimal("250000.00")})
        )
    assert rendered == shown
