"""Who is seconded where today, as a flow chart: drawn on the server, readable on a tablet,
from the secondments the viewer sees."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Organisation, User
from charts.flow import flow_chart
from secondments.models import Secondment

LONG = "Ministry for Development Cooperation and Humanitarian Affairs of the Kingdom"


def test_each_pair_is_a_band_labelled_with_its_number() -> None:
    svg = flow_chart([("MFA", "MOD", 2), ("MFA", "UN", 1), ("DEV", "UN", 1)], title="Today")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 640 ')
    assert 'aria-label="Today"' in svg
    assert re.findall(r"<title>([^<]*)</title></path>", svg) == [
        "MFA to MOD: 2 people",
        "MFA to UN: 1 person",
        "DEV to UN: 1 person",
    ]
    assert [float(w) for w in re.findall(r'stroke-width="([\d.]+)"', svg)] == [17.0, 10.0, 10.0]
    assert sorted(re.findall(r'class="flow-(from|to)"', svg)) == ["from", "from", "to", "to"]
    assert min(int(size) for size in re.findall(r'font-size="(\d+)"', svg)) >= 12


def test_a_long_name_is_shortened_and_whole_in_its_tooltip() -> None:
    svg = flow_chart([(LONG, "UN", 1)], title="Today")
    assert f"<title>{LONG}</title>" in svg
    assert ">Ministry for Developm…<" in svg  # 174 units of 13 px text


@pytest.mark.django_db
def test_the_list_draws_today_for_whoever_sees_the_secondments(
    approved: Secondment, people: dict[str, User], home: Organisation, host: Organisation
) -> None:
    client = Client()
    client.force_login(people["host_planner"])
    body = client.get("/secondments/").content.decode()
    assert "Ministry of Foreign Affairs to Ministry of Defence: 1 person" in body
    client.force_login(people["outsider"])
    body = client.get("/secondments/").content.decode()
    assert "flow-chart" not in body
