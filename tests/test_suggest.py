"""Search-as-you-type fields (accounts/suggest.py): the suggestion endpoints answer only what
each person may see, the filters and forms refuse an id outside it in plain words, and the
plans page carries no option per strategy.

The world: `mfa` leads the strategy "Peace in Northern Valeria" (with `mod` as partner) and the
plan "Valeria integrated plan"; `mod` leads "Delta recovery strategy" and "Delta relief plan",
shared with nobody else; "Former Agency" is deactivated. Personas: `planner` (a planner of
`mfa`), `outsider` (a planner of `ngo`, which takes part in nothing) and `superuser` (no
membership: sees everything).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import Organisation, Role, User
from lessons.models import Lesson
from missions import services as plans
from missions.models import Plan
from secondments.forms import SecondmentRequestForm
from secondments.models import Post
from strategy import services as strategies
from strategy.models import Strategy
from tests.factories import make_member, make_organisation, make_user

OPTION = re.compile(r'<li role="option" data-value="(\d+)">([^<]*)</li>')


def build_world() -> dict[str, Any]:
    mfa = make_organisation(slug="mfa", name="Ministry of Foreign Affairs")
    mod = make_organisation(slug="mod", name="Ministry of Defence")
    ngo = make_organisation(slug="ngo", name="Relief Without Borders")
    former = make_organisation(slug="former", name="Former Agency")
    Organisation.objects.filter(pk=former.pk).update(is_active=False)
    planner = make_member(mfa, Role.PLANNER, username="mfa-planner")
    mod_planner = make_member(mod, Role.PLANNER, username="mod-planner")
    peace = strategies.strategy_create(
        by=planner,
        title="Peace in Northern Valeria",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=mfa,
        partners=[mod],
    )
    delta = strategies.strategy_create(
        by=mod_planner,
        title="Delta recovery strategy",
        theatre="Delta",
        approach="stabilisation",
        lead_organisation=mod,
    )
    year: dict[str, Any] = {
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2026, 12, 31),
    }
    valeria_plan = plans.plan_create(
        by=planner,
        title="Valeria integrated plan",
        theatre="Valeria",
        lead_organisation=mfa,
        strategy=peace,
        **year,
    )
    delta_plan = plans.plan_create(
        by=mod_planner,
        title="Delta relief plan",
        theatre="Delta",
        lead_organisation=mod,
        strategy=delta,
        **year,
    )
    return {
        "mfa": mfa,
        "mod": mod,
        "former": former,
        "planner": planner,
        "mod_planner": mod_planner,
        "outsider": make_member(ngo, Role.PLANNER, username="ngo-planner"),
        "superuser": make_user("support", is_superuser=True, is_staff=True),
        "peace": peace,
        "delta": delta,
        "valeria_plan": valeria_plan,
        "delta_plan": delta_plan,
    }


@pytest.fixture(scope="module")
def built(module_db: Any) -> dict[str, Any]:
    with module_db.unblock():
        return build_world()


@pytest.fixture
def world(built: dict[str, Any], db: None) -> dict[str, Any]:
    return built


def client_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def suggested(user: User, kind: str, q: str = "") -> list[str]:
    response = client_as(user).get(f"/suggest/{kind}/", {"q": q})
    assert response.status_code == 200
    return [label for _, label in OPTION.findall(response.content.decode())]


def more_strategies(world: dict[str, Any], count: int) -> None:
    for n in range(count):
        strategies.strategy_create(
            by=world["planner"],
            title=f"Valeria district strategy {n:02}",
            theatre="Valeria",
            approach="stabilisation",
            lead_organisation=world["mfa"],
        )


# --- the suggestion endpoints -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("planner", ["Peace in Northern Valeria"]),
        ("outsider", []),
        ("superuser", ["Delta recovery strategy", "Peace in Northern Valeria"]),
    ],
)
def test_strategy_suggestions_are_what_each_person_may_see(
    world: dict[str, Any], persona: str, expected: list[str]
) -> None:
    assert suggested(world[persona], "strategies") == expected
    assert suggested(world[persona], "strategies", "E") == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("planner", ["Valeria integrated plan (Valeria)"]),
        ("outsider", []),
        ("superuser", ["Delta relief plan (Delta)", "Valeria integrated plan (Valeria)"]),
    ],
)
def test_plan_suggestions_are_what_each_person_may_see(
    world: dict[str, Any], persona: str, expected: list[str]
) -> None:
    assert suggested(world[persona], "plans", "plan") == expected


def test_organisation_suggestions_leave_out_a_deactivated_one_but_for_support(
    world: dict[str, Any],
) -> None:
    active = [
        "Ministry of Defence (MOD)",
        "Ministry of Foreign Affairs (MFA)",
        "Relief Without Borders (NGO)",
    ]
    assert suggested(world["outsider"], "organisations", "i") == active
    assert suggested(world["planner"], "organisations", "i") == active
    assert suggested(world["superuser"], "organisations") == ["Former Agency (FORMER)", *active]
    # By acronym too; what starts with the typed text comes first.
    assert suggested(world["planner"], "organisations", "m") == [
        "Ministry of Defence (MOD)",
        "Ministry of Foreign Affairs (MFA)",
    ]
    assert suggested(world["planner"], "organisations", "ngo") == ["Relief Without Borders (NGO)"]


def test_what_starts_with_the_typed_text_comes_first(world: dict[str, Any]) -> None:
    assert suggested(world["superuser"], "strategies", "delta") == ["Delta recovery strategy"]
    assert suggested(world["superuser"], "strategies", "valeria") == ["Peace in Northern Valeria"]
    assert suggested(world["superuser"], "plans", "valeria") == [
        "Valeria integrated plan (Valeria)"
    ]
    assert suggested(world["superuser"], "strategies", "rec") == ["Delta recovery strategy"]
    assert suggested(world["superuser"], "strategies", "er") == [
        "Delta recovery strategy",
        "Peace in Northern Valeria",
    ]


def test_nothing_matching_says_so(world: dict[str, Any]) -> None:
    response = client_as(world["planner"]).get("/suggest/strategies/", {"q": "Delta"})
    assert response.content.decode().strip() == (
        '<li class="suggest-note" aria-disabled="true">Nothing you can see matches “Delta”.</li>'
    )


def test_twenty_suggestions_at_most_in_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = client_as(world["planner"])
    # The session, the person, whether they use two factors, the matches.
    with django_assert_num_queries(4):
        few = client.get("/suggest/strategies/", {"q": "valeria"}).content.decode()
    more_strategies(world, 25)
    with django_assert_num_queries(4):
        many = client.get("/suggest/strategies/", {"q": "valeria"}).content.decode()
    assert len(OPTION.findall(few)) == 1
    labels = [label for _, label in OPTION.findall(many)]
    assert labels == [
        "Peace in Northern Valeria",
        *(f"Valeria district strategy {n:02}" for n in range(19)),
    ]
    assert "More match: type more of the name." in many
    assert "More match" not in few


def test_suggestions_need_a_signed_in_person(world: dict[str, Any]) -> None:
    for kind in ("strategies", "plans", "organisations"):
        response = Client().get(f"/suggest/{kind}/", {"q": "a"})
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# --- the plans page's filters -------------------------------------------------------------------


def plan_titles(response: Any) -> list[str]:
    return [row.plan.title for row in response.context["rows"]]


def test_plans_page_has_no_option_per_strategy_and_does_not_grow_with_them(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = client_as(world["planner"])
    before = client.get("/plans/").content.decode()
    more_strategies(world, 50)
    with django_assert_num_queries(9):
        after = client.get("/plans/").content.decode()
    assert re.findall(r'<option value="(\d+)"', after) == []
    assert before.count("<option") == after.count("<option") == 11  # status and phase only
    assert len(after) == len(before)
    assert 'name="strategy"' in after
    assert 'hx-get="/suggest/strategies/"' in after
    assert 'hx-get="/suggest/organisations/"' in after


def test_the_chosen_strategy_is_shown_by_name_after_reload(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = client_as(world["planner"])
    peace = world["peace"]
    response = client.get("/plans/", {"strategy": peace.pk})
    html = response.content.decode()
    assert plan_titles(response) == ["Valeria integrated plan"]
    assert f'<input type="hidden" name="strategy" value="{peace.pk}" data-suggest-value>' in html
    assert 'name="strategy_name" value="Peace in Northern Valeria"' in html
    # Chosen with the script (id and label) or typed without it (the name alone).
    assert plan_titles(
        client.get("/plans/", {"strategy": peace.pk, "strategy_name": peace.title})
    ) == ["Valeria integrated plan"]
    assert plan_titles(client.get("/plans/", {"strategy": "", "strategy_name": "northern"})) == [
        "Valeria integrated plan"
    ]
    assert plan_titles(client.get("/plans/", {"strategy": "", "strategy_name": str(peace.pk)})) == [
        "Valeria integrated plan"
    ]
    # The name typed over an earlier choice wins; an emptied box is no filter.
    assert plan_titles(
        client.get("/plans/", {"strategy": peace.pk, "participant_name": "Ministry of Foreign"})
    ) == ["Valeria integrated plan"]
    assert plan_titles(client.get("/plans/", {"strategy": peace.pk, "strategy_name": ""})) == [
        "Valeria integrated plan"
    ]
    chosen = client.get("/plans/", {"participant_name": "mfa"})
    assert 'name="participant_name" value="Ministry of Foreign Affairs (MFA)"' in (
        chosen.content.decode()
    )
    more_strategies(world, 50)
    with django_assert_num_queries(11):  # as without a choice, plus each chosen one's name
        client.get("/plans/", {"strategy": peace.pk, "participant": world["mfa"].pk})


@pytest.mark.parametrize(
    "params",
    [
        {"strategy": "delta"},
        {"strategy": "999999"},
        {"strategy": "1x"},
        {"strategy": "delta", "strategy_name": "Peace in Northern Valeria"},
    ],
)
def test_a_strategy_the_planner_may_not_see_is_a_plain_error_not_a_leak(
    world: dict[str, Any], params: dict[str, str]
) -> None:
    if params["strategy"] == "delta":
        params = {**params, "strategy": str(world["delta"].pk)}
    response = client_as(world["planner"]).get("/plans/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "strategy": ["That strategy is not among those you can see: choose another."]
    }
    assert "Some filters could not be used: That strategy is not among those" in html
    assert "Delta" not in html


def test_a_typed_name_nobody_may_see_or_several_match_says_so(world: dict[str, Any]) -> None:
    client = client_as(world["planner"])
    unseen = client.get("/plans/", {"strategy_name": "Delta"})
    assert unseen.context["form"].errors == {
        "strategy": ["No strategy you can see matches “Delta”."]
    }
    assert plan_titles(unseen) == ["Valeria integrated plan"]  # the filters are not used
    several = client.get("/plans/", {"participant_name": "Ministry"})
    assert several.context["form"].errors == {
        "participant": [
            "More than one organisation matches “Ministry”: type more of the name, or choose "
            "one from the suggestions."
        ]
    }


def test_a_deactivated_organisation_is_no_filter_for_a_planner(world: dict[str, Any]) -> None:
    response = client_as(world["planner"]).get("/plans/", {"participant": world["former"].pk})
    assert response.context["form"].errors == {
        "participant": ["That organisation is not among those you can see: choose another."]
    }


# --- forms --------------------------------------------------------------------------------------


def test_the_plan_form_refuses_a_strategy_the_planner_may_not_see(world: dict[str, Any]) -> None:
    plan = world["valeria_plan"]
    client = client_as(world["planner"])
    page = client.get(f"/plans/{plan.pk}/edit/").content.decode()
    assert 'name="strategy_name" value="Peace in Northern Valeria"' in page
    assert "Delta recovery strategy" not in page
    data = {
        "title": plan.title,
        "theatre": plan.theatre,
        "summary": "",
        "phase": plan.phase,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "version": Plan.objects.get(pk=plan.pk).version,
        "strategy": world["delta"].pk,
        "strategy_name": "Delta recovery strategy",
    }
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["strategy"] == [
        "That strategy is not among those you can see: choose another."
    ]
    assert Plan.objects.get(pk=plan.pk).strategy_id == world["peace"].pk


def test_the_lesson_form_refuses_a_plan_the_person_may_not_see(world: dict[str, Any]) -> None:
    client = client_as(world["planner"])
    response = client.post(
        "/lessons/new/",
        {
            "title": "Fuel ran short",
            "observation": "The convoy waited two days for fuel.",
            "observed_on": "2026-03-01",
            "source_plan": world["delta_plan"].pk,
            "source_plan_name": "Delta relief plan (Delta)",
            "classification": "unclassified",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["source_plan"] == [
        "That plan is not among those you can see: choose another."
    ]
    assert not Lesson.objects.exists()


def test_the_strategies_page_filters_by_a_partner_typed_or_chosen(world: dict[str, Any]) -> None:
    client = client_as(world["mod_planner"])

    def titles(**params: Any) -> list[str]:
        response = client.get("/strategies/", params)
        assert response.status_code == 200
        return [row["strategy"].title for row in response.context["rows"]]

    assert titles(partner=world["mfa"].pk) == ["Peace in Northern Valeria"]
    assert titles(partner_name="MFA") == ["Peace in Northern Valeria"]
    assert titles(partner_name="Ministry of Defence (MOD)") == [
        "Delta recovery strategy",
        "Peace in Northern Valeria",
    ]
    refused = client.get("/strategies/", {"partner": world["former"].pk})
    assert refused.context["form"].errors == {
        "partner": ["That organisation is not among those you can see: choose another."]
    }
    assert "Former Agency" not in refused.content.decode()


def test_a_new_plan_takes_its_strategy_by_typed_name(world: dict[str, Any]) -> None:
    response = client_as(world["planner"]).post(
        "/plans/new/",
        {
            "title": "Northern Valeria police plan",
            "theatre": "Valeria",
            "summary": "",
            "phase": "assessment",
            "lead_organisation": world["mfa"].pk,
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "strategy": "",
            "strategy_name": "peace in northern valeria",
        },
    )
    plan = Plan.objects.get(title="Northern Valeria police plan")
    assert response.status_code == 302
    assert plan.strategy_id == world["peace"].pk


def _plan_form(plan: Plan, **changes: Any) -> dict[str, Any]:
    return {
        "title": plan.title,
        "theatre": plan.theatre,
        "summary": "",
        "phase": plan.phase,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "version": Plan.objects.get(pk=plan.pk).version,
        "strategy": plan.strategy_id,
        **changes,
    }


def test_the_plan_form_carries_only_the_chosen_organisations(world: dict[str, Any]) -> None:
    plan = world["valeria_plan"]
    client = client_as(world["planner"])
    url = f"/plans/{plan.pk}/edit/"
    before = client.get(url).content.decode()
    for n in range(30):
        make_organisation(slug=f"extra-{n}", name=f"Extra Agency {n}")
    assert len(client.get(url).content.decode()) == len(before)
    assert 'type="checkbox"' not in before

    refused = client.post(url, _plan_form(plan, contributors=[world["former"].pk]))
    assert refused.context["form"].errors == {
        "contributors": ["That organisation cannot be chosen here: choose another."]
    }
    # One chosen from the suggestions (its box), one typed without scripts.
    saved = client.post(url, _plan_form(plan, contributors=[world["mod"].pk], consulted_name="ngo"))
    assert saved.status_code == 302
    assert sorted(
        Plan.objects.get(pk=plan.pk).participants.values_list("organisation__slug", "role")
    ) == [("mfa", "lead"), ("mod", "contributor"), ("ngo", "consulted")]
    page = client.get(url).content.decode()
    assert (
        f'<label><input type="checkbox" name="contributors" value="{world["mod"].pk}" checked> '
        "Ministry of Defence (MOD)</label>"
    ) in page
    assert page.count('type="checkbox"') == 2


def test_posts_are_suggested_by_title_or_host_and_a_request_takes_one_typed(
    world: dict[str, Any],
) -> None:
    Post.objects.create(title="Liaison officer", host_organisation=world["mod"])
    Post.objects.create(title="Political adviser", host_organisation=world["mfa"])
    assert suggested(world["outsider"], "posts", "o") == [
        "Liaison officer (MOD)",
        "Political adviser (MFA)",
    ]
    assert suggested(world["outsider"], "posts", "mod") == ["Liaison officer (MOD)"]
    form = SecondmentRequestForm(
        {
            "username": "ngo-planner",
            "home_organisation_name": "ngo",
            "host_organisation_name": "mod",
            "post_name": "liaison",
            "kind": "secondment",
            "role": "planner",
            "start_date": "2026-03-01",
            "end_date": "2026-06-30",
        }
    )
    assert form.is_valid(), form.errors
    assert (
        form.cleaned_data["home_organisation"].slug,
        form.cleaned_data["host_organisation"].slug,
        form.cleaned_data["post"].title,
    ) == ("ngo", "mod", "Liaison officer")
    refused = SecondmentRequestForm({"host_organisation": world["former"].pk})
    assert refused.errors["host_organisation"] == [
        "That organisation is not among those you can see: choose another."
    ]


def test_a_new_strategy_supersedes_only_an_agreed_one_of_its_lead(world: dict[str, Any]) -> None:
    response = client_as(world["planner"]).post(
        "/strategies/new/",
        {
            "title": "Peace in Valeria, second edition",
            "theatre": "Valeria",
            "approach": "stabilisation",
            "summary": "",
            "lead_organisation": world["mfa"].pk,
            "predecessor": world["peace"].pk,  # seen, but a draft
            "predecessor_name": "Peace in Northern Valeria",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "predecessor": [
            "Only an agreed strategy your organisation leads, not yet superseded, can be "
            "superseded: choose another."
        ]
    }
    assert not Strategy.objects.filter(title="Peace in Valeria, second edition").exists()
