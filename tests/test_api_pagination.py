"""Pages of an API list: counted only up to a cap, and saying so when the count stopped."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import OrganisationKind, Role
from accounts.pagination import CappedCountPagination, CappedCountPaginator
from tests.conftest import api_as
from tests.factories import make_member, make_organisation

NGOS = "/api/v1/organisations/?kind=ngo"


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 2 and a cap of 3, so five rows pass the cap on the first page."""
    monkeypatch.setattr(CappedCountPagination, "page_size", 2)
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 3)


def _page(client: Any, page: int | str) -> tuple[int, Any]:
    response = client.get(f"{NGOS}&page={page}")
    return response.status_code, response.json()


def test_the_count_stops_at_the_cap_and_says_so(db: None, small_pages: None) -> None:
    ngos = [make_organisation(slug=f"ngo-{n}", kind=OrganisationKind.NGO) for n in range(5)]
    client = api_as(make_member(ngos[0], Role.PLANNER))
    names = [f"Organisation ngo-{n}" for n in range(5)]

    # Page 1 counts as far as the cap or page 2, whichever is further (4): there are more.
    status, first = _page(client, 1)
    assert (status, first["count"], first["count_exact"]) == (200, 4, False)
    assert [row["name"] for row in first["results"]] == names[:2]
    assert first["next"] == "http://testserver/api/v1/organisations/?kind=ngo&page=2"
    assert first["previous"] is None

    # Page 2 counts up to page 3's end (6), so it reaches all five.
    status, second = _page(client, 2)
    assert (status, second["count"], second["count_exact"]) == (200, 5, True)
    assert [row["name"] for row in second["results"]] == names[2:4]

    status, third = _page(client, 3)
    assert (third["count"], third["count_exact"], third["next"]) == (5, True, None)
    assert [row["name"] for row in third["results"]] == names[4:]

    assert _page(client, 4)[0] == 404

    # The last page is wherever the rows end, so asking for it counts them all.
    status, last = _page(client, "last")
    assert (status, last["count"], last["count_exact"]) == (200, 5, True)
    assert [row["name"] for row in last["results"]] == names[4:]


def test_a_short_list_is_counted_exactly(db: None) -> None:
    ngo = make_organisation(slug="ngo-only", kind=OrganisationKind.NGO)
    body = api_as(make_member(ngo, Role.PLANNER)).get(NGOS).json()
    assert (body["count"], body["count_exact"], body["next"], body["previous"]) == (
        1,
        True,
        None,
        None,
    )
