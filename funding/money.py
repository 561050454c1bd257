"""Money: a `Decimal` amount with its ISO 4217 currency. Sums are per currency, never across
currencies (no rate is stated anywhere in the product), and never pass through a float."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.formats import number_format
from django.utils.functional import lazy

CENT = Decimal("0.01")


def sum_by_currency(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """(currency, amount) pairs summed into {currency: total}, currencies in order.

    A float is refused: it could not hold 0.1 exactly, so it has no place near money."""
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts:
        if not isinstance(amount, Decimal):
            raise TypeError(f"Money is a Decimal, not {type(amount).__name__}: {amount!r}")
        totals[currency] = totals.get(currency, Decimal("0.00")) + amount
    return {currency: totals[currency].quantize(CENT) for currency in sorted(totals)}


def totals_by_currency(queryset: QuerySet[Any], field: str = "amount") -> dict[str, Decimal]:
    """A queryset's `field` summed per `currency` in the database: one query."""
    rows = queryset.order_by().values("currency").annotate(total=Sum(field))
    return sum_by_currency((row["currency"], row["total"]) for row in rows)


def money(amount: Decimal, currency: str) -> str:
    """ "1,234.50 EUR" (in French "1 234,50 EUR"): how pages and reports show an amount, in
    the number format of the active language."""
    number = number_format(amount.quantize(CENT), 2, use_l10n=True, force_grouping=True)
    return f"{number} {currency}"


lazy_money = lazy(money, str)
"""An amount written in the number format of whoever reads it (notifications)."""


def money_lines(totals: dict[str, Decimal]) -> str:
    """Totals per currency on one line ("1,000.00 EUR; 250.00 USD"), or a dash."""
    return "; ".join(money(amount, currency) for currency, amount in totals.items()) or "—"
