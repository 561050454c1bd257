"""`{% load quantities %}` then `{{ indicator.target|quantity }}`: 12 rather than 12.00;
`{{ need|figure }}`: the same in the reader's number format, grouped (4 000 000 in French)."""

from __future__ import annotations

from django import template

from accounts.formatting import figure as figure_text
from accounts.formatting import quantity as quantity_text

register = template.Library()


@register.filter
def quantity(value: object) -> str:
    return quantity_text(value)


@register.filter
def figure(value: object) -> str:
    return figure_text(value)
