"""`{% load quantities %}` then `{{ indicator.target|quantity }}`: 12 rather than 12.00."""

from __future__ import annotations

from django import template

from accounts.formatting import quantity as quantity_text

register = template.Library()


@register.filter
def quantity(value: object) -> str:
    return quantity_text(value)
