"""Figures a list shows, counted in SQL alongside its rows rather than per row in Python."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def subquery_count(rows: QuerySet[Any]) -> Subquery:
    """How many of `rows` (filtered by an `OuterRef`) there are, as one subquery: an aggregate
    without GROUP BY, so always one row, 0 when none match."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())
