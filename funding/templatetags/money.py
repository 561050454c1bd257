"""`{% load money %}` then `{{ allocation.amount|money:allocation.currency }}`: "250,000.00 USD"
(in French "250 000,00 USD"), as `funding.money.money` writes it."""

from __future__ import annotations

from decimal import Decimal

from django import template

from funding.money import money as money_text

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else money_text(amount, currency)
