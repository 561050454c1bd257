"""Pages of an API list, counted only as far as they must be."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedCountPaginator(Paginator):
    """Counts the rows a list matches only as far as it must: up to `count_cap`, or up to the
    page after the one asked for when that is further. Counting every match of a large list
    costs as much as reading it; past the cap the count is a lower bound (`count_exact`)."""

    count_cap = 1000

    def __init__(self, object_list: Any, per_page: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.horizon: int | None = self.count_cap

    def count_up_to(self, horizon: int | None) -> None:
        """Count as far as `horizon` rows (None: all of them), forgetting an earlier count."""
        self.horizon = horizon
        for cached in ("counted", "count", "num_pages"):
            self.__dict__.pop(cached, None)

    def page(self, number: Any) -> Page:
        if self.horizon is not None:
            try:
                asked = int(number)
            except (TypeError, ValueError):
                asked = 1  # validate_number answers it as not a page
            # One page past the one asked for, so `next` is offered whenever there is more.
            self.count_up_to(max(self.count_cap, (asked + 1) * self.per_page))
        return super().page(number)

    @cached_property
    def counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.order_by().values("pk")
            return rows.count() if self.horizon is None else rows[: self.horizon + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return self.counted if self.horizon is None else min(self.counted, self.horizon)

    @property
    def count_exact(self) -> bool:
        return self.horizon is None or self.counted <= self.horizon


class CappedCountPagination(PageNumberPagination):
    """`{count, count_exact, next, previous, results}`: pages of 50 by `?page=`; `count` is
    exact up to 1,000 rows (or the page asked for), beyond that it says "at least" and
    `count_exact` is false. Follow `next` to the end either way; `?page=last` counts all."""

    django_paginator_class = CappedCountPaginator

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            paginator.count_up_to(None)  # the last page is wherever the rows end
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data: Any) -> Response:
        paginator = cast(CappedCountPaginator, cast(Page, self.page).paginator)
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "count_exact", "results"]
        paginated["properties"]["count"]["description"] = (
            "How many rows match; when `count_exact` is false, at least this many."
        )
        paginated["properties"] = {
            "count": paginated["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "False when counting stopped at the cap: there are more rows.",
            },
            **{k: v for k, v in paginated["properties"].items() if k != "count"},
        }
        return paginated
