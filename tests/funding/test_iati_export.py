"""The IATI 2.03 export: what it contains, exactly, and that every file it can write (the
demo's, and one with every status, role and transaction type) is valid against the official
schema and uses only codes of the lists written in `funding.iati.codelists`.

The world (`iati_world_make`, shared with `test_iati_api.py`): `mfa` leads a plan in which
the development ministry `dev` and the defence ministry `mod` contribute and the NGO `ngo` is
consulted; the World Bank (`wb`, not a participant) and `dev` own the instruments that fund
it; `police` stays outside. Allocations and disbursement requests are written as rows (the
funding app's services are another part of the issue); everything else goes through the
missions services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from accounts.models import Organisation, OrganisationKind, Role, User
from funding.iati import codelists
from funding.iati.export import (
    NOTHING_TO_EXPORT,
    NothingToExport,
    activity_status,
    build,
    development_activities,
    plan_export,
    schema,
)
from funding.models import (
    Allocation,
    DisbursementRequest,
    DisbursementStatus,
    FundingInstrument,
    InstrumentKind,
)
from missions import services
from missions.models import Activity, ActivityStatus, LineOfEffort, Plan, PlanStatus
from tests.factories import make_former_member, make_member, make_organisation, make_user

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


ORGANISATIONS: dict[str, dict[str, Any]] = {
    "mfa": {"name": "Ministry of Foreign Affairs", "kind": OrganisationKind.FOREIGN_AFFAIRS},
    "dev": {"name": "Ministry for Development Cooperation", "kind": OrganisationKind.DEVELOPMENT},
    "mod": {"name": "Ministry of Defence", "kind": OrganisationKind.DEFENCE},
    "ngo": {"name": "Peacebuilding Partners", "kind": OrganisationKind.NGO},
    "wb": {"name": "World Bank", "kind": OrganisationKind.INTERNATIONAL_ORGANISATION},
    "police": {"name": "National Police", "kind": OrganisationKind.POLICE},
}
PEOPLE: dict[str, tuple[str, str]] = {
    "lead_planner": ("mfa", Role.PLANNER),
    "lead_approver": ("mfa", Role.APPROVER),
    "dev_planner": ("dev", Role.PLANNER),
    "dev_approver": ("dev", Role.APPROVER),
    "mod_planner": ("mod", Role.PLANNER),
    "outsider": ("police", Role.PLANNER),
}


@dataclass
class IatiWorld:
    orgs: dict[str, Organisation]
    people: dict[str, User | None]
    plan: Plan
    councils: LineOfEffort
    activities: dict[str, Activity]
    instruments: dict[str, FundingInstrument] = field(default_factory=dict)
    requests: dict[str, DisbursementRequest] = field(default_factory=dict)

    def person(self, persona: str) -> User:
        user = self.people[persona]
        assert user is not None
        return user


def activity_add(world: IatiWorld, title: str, **data: Any) -> Activity:
    line = data.pop("line", world.councils)
    activity = services.activity_create(
        line_of_effort=line,
        by=world.person("lead_planner"),
        data={
            "title": title,
            "responsible_organisation": world.orgs["dev"],
            "actor_type": "civilian",
            "task_nature": "non_military",
            "start_date": days(-60),
            "end_date": days(240),
            **data,
        },
    )
    world.activities[title] = activity
    return activity


def status_set(world: IatiWorld, activity: Activity, status: str) -> Activity:
    activity.refresh_from_db()
    return services.activity_progress_update(
        activity=activity, by=world.person("lead_planner"), version=activity.version, status=status
    )


def allocation_add(
    world: IatiWorld, instrument: str, activity: Activity, amount: str, allocated_on: int
) -> Allocation:
    source = world.instruments[instrument]
    return Allocation.objects.create(
        instrument=source,
        activity=activity,
        amount=Decimal(amount),
        currency=source.currency,
        allocated_on=days(allocated_on),
        allocated_by=world.person("lead_planner"),
    )


def request_add(
    world: IatiWorld,
    name: str,
    allocation: Allocation,
    amount: str,
    status: str,
    *,
    requested: int,
    approved: int | None = None,
    disbursed: int | None = None,
    rejected: int | None = None,
    purpose: str = "",
) -> DisbursementRequest:
    request = DisbursementRequest.objects.create(
        allocation=allocation,
        amount=Decimal(amount),
        currency=allocation.currency,
        purpose=purpose,
        requested_on=days(requested),
        requested_by=world.person("dev_planner"),
        status=status,
        approved_on=days(approved) if approved is not None else None,
        disbursed_on=days(disbursed) if disbursed is not None else None,
        rejected_on=days(rejected) if rejected is not None else None,
    )
    world.requests[name] = request
    return request


def iati_world_make() -> IatiWorld:
    orgs = {slug: make_organisation(slug=slug, **data) for slug, data in ORGANISATIONS.items()}
    people: dict[str, User | None] = {
        persona: make_member(orgs[slug], role, username=persona.replace("_", "-"))
        for persona, (slug, role) in PEOPLE.items()
    }
    people["superuser"] = make_user("root", is_superuser=True, is_staff=True)
    people["former_dev_planner"] = make_former_member(
        orgs["dev"], [Role.PLANNER], username="former-dev-planner"
    )
    people["anonymous"] = None
    lead_planner = people["lead_planner"]
    assert lead_planner is not None
    plan = services.plan_create(
        by=lead_planner,
        title="Northern Valeria integrated plan",
        theatre="Valeria",
        lead_organisation=orgs["mfa"],
        participants=[
            (orgs["dev"], "contributor"),
            (orgs["mod"], "contributor"),
            (orgs["ngo"], "consulted"),
        ],
        start_date=days(-120),
        end_date=days(500),
        phase="execution",
    )
    councils = services.line_of_effort_create(
        plan=plan,
        by=lead_planner,
        data={
            "domain": "governance",
            "title": "District councils deliver",
            "lead_organisation": orgs["dev"],
        },
    )
    security = services.line_of_effort_create(
        plan=plan,
        by=lead_planner,
        data={"domain": "security", "title": "Safe roads", "lead_organisation": orgs["mod"]},
    )
    world = IatiWorld(orgs=orgs, people=people, plan=plan, councils=councils, activities={})
    coaching = activity_add(
        world,
        "Council budget coaching",
        sector="15112",
        description="Coaching council treasurers & clerks in <budget> planning.",
    )
    water = activity_add(
        world,
        "Water points in Tessa",
        responsible_organisation=orgs["ngo"],
        actor_type="ngo",
        sector="14030",
        start_date=days(-100),
        end_date=days(-5),
    )
    # Not development: a foreign-affairs activity without a sector in a governance line, and
    # a military task even with a DAC code.
    activity_add(world, "Train council clerks", responsible_organisation=orgs["mfa"])
    activity_add(
        world,
        "Route clearance Kora-Tessa",
        line=security,
        responsible_organisation=orgs["mod"],
        actor_type="military",
        task_nature="military",
        sector="15250",
    )
    status_set(world, coaching, ActivityStatus.IN_PROGRESS)
    status_set(world, water, ActivityStatus.DONE)

    world.instruments["pooled"] = FundingInstrument.objects.create(
        owner=orgs["wb"],
        name="Northern Valeria pooled fund",
        kind=InstrumentKind.POOLED_FUND,
        currency="EUR",
        target_days_to_disburse=30,
    )
    world.instruments["rapid"] = FundingInstrument.objects.create(
        owner=orgs["dev"],
        name="Rapid response fund",
        kind=InstrumentKind.RAPID_RESPONSE,
        currency="USD",
        target_days_to_disburse=14,
    )
    pooled = allocation_add(world, "pooled", coaching, "250000.00", -50)
    rapid = allocation_add(world, "rapid", coaching, "40000.00", -45)
    allocation_add(world, "pooled", water, "80000.50", -90)
    request_add(
        world,
        "first_tranche",
        pooled,
        "100000.00",
        DisbursementStatus.DISBURSED,
        requested=-40,
        approved=-35,
        disbursed=-30,
        purpose="First tranche: treasurers' training",
    )
    request_add(
        world, "second_tranche", pooled, "50000.00", DisbursementStatus.APPROVED,
        requested=-20, approved=-10,
    )  # fmt: skip
    request_add(world, "waiting", pooled, "10000.00", DisbursementStatus.REQUESTED, requested=-5)
    request_add(
        world, "refused", pooled, "5000.00", DisbursementStatus.REJECTED,
        requested=-15, rejected=-12,
    )  # fmt: skip
    request_add(
        world, "rapid", rapid, "40000.00", DisbursementStatus.DISBURSED,
        requested=-25, approved=-24, disbursed=-20,
    )  # fmt: skip
    plan.refresh_from_db()
    return world


@pytest.fixture
def world(db: None) -> IatiWorld:
    return iati_world_make()


# --- checking a file ----------------------------------------------------------------------------

CODE_LISTS: dict[str, tuple[str, Any]] = {
    # xpath of the codes: (the list's name, the list)
    "//activity-status/@code": ("ActivityStatus", codelists.ACTIVITY_STATUS),
    "//activity-date/@type": ("ActivityDateType", codelists.ACTIVITY_DATE_TYPE),
    "//participating-org/@role": ("OrganisationRole", codelists.ORGANISATION_ROLE),
    "//*[self::reporting-org or self::participating-org or self::provider-org "
    "or self::receiver-org]/@type": ("OrganisationType", codelists.ORGANISATION_TYPE),
    "//transaction-type/@code": ("TransactionType", codelists.TRANSACTION_TYPE),
    "//value/@currency": ("Currency", codelists.CURRENCY),
    "//budget/@type": ("BudgetType", codelists.BUDGET_TYPE),
    "//budget/@status": ("BudgetStatus", codelists.BUDGET_STATUS),
    "//sector/@vocabulary": ("SectorVocabulary", codelists.SECTOR_VOCABULARY),
    "//sector/@code": ("Sector (DAC 5-digit)", codelists.DAC_SECTORS),
    "//iati-activity/description/@type": ("DescriptionType", codelists.DESCRIPTION_TYPE),
}


def codes_used(root: Any) -> dict[str, set[str]]:
    return {name: set(root.xpath(path)) for path, (name, _) in CODE_LISTS.items()}


def checked(document: bytes) -> Any:
    """The file parsed, after checking it against the schema and the code lists."""
    root = etree.fromstring(document)
    schema().assertValid(root)
    assert root.get("version") == "2.03"
    for path, (name, values) in CODE_LISTS.items():
        unknown = set(root.xpath(path)) - set(values)
        assert not unknown, f"{name}: {sorted(unknown)} not in funding.iati.codelists"
    for narrative in root.iter("narrative"):
        assert narrative.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        assert narrative.text
    return root


def activity_element(root: Any, activity: Activity, world: IatiWorld) -> Any:
    (element,) = root.xpath(
        "iati-activity[iati-identifier=$identifier]", identifier=f"XM-JF-MFA-{activity.pk}"
    )
    return element


# --- what it contains ---------------------------------------------------------------------------


def test_only_the_development_activities_are_exported_in_the_plans_order(world: IatiWorld) -> None:
    root = checked(plan_export(world.plan))
    # By line of effort, then start date: the water points started first.
    assert root.xpath("iati-activity/title/narrative/text()") == [
        "Water points in Tessa",
        "Council budget coaching",
    ]
    assert root.xpath("iati-activity/iati-identifier/text()") == [
        f"XM-JF-MFA-{world.activities['Water points in Tessa'].pk}",
        f"XM-JF-MFA-{world.activities['Council budget coaching'].pk}",
    ]


def test_an_activity_exactly(world: IatiWorld) -> None:
    """Every element of the funded, in-progress activity, in the schema's order."""
    generated = datetime.datetime(2026, 12, 2, 16, 30, 5, tzinfo=datetime.UTC)
    root = build(world.plan, development_activities(world.plan), generated=generated)
    schema().assertValid(root)
    assert root.attrib == {"version": "2.03", "generated-datetime": "2026-12-02T16:30:05+00:00"}
    coaching = world.activities["Council budget coaching"]
    element = activity_element(root, coaching, world)
    ids = {slug: f"XM-JF-{slug.upper()}" for slug in ORGANISATIONS}

    def org(tag: str, slug: str, kind: str, extra: str = "") -> str:
        name = ORGANISATIONS[slug]["name"]
        return (
            f'<{tag} ref="{ids[slug]}" type="{kind}"{extra}>'
            f'<narrative xml:lang="en">{name}</narrative></{tag}>'
        )

    def transaction(kind: str, day: int, amount: str, currency: str, provider: str) -> str:
        return (
            f'<transaction><transaction-type code="{kind}"/>'
            f'<transaction-date iso-date="{days(day)}"/>'
            f'<value currency="{currency}" value-date="{days(day)}">{amount}</value>'
            + (
                '<description><narrative xml:lang="en">First tranche: treasurers\' training'
                "</narrative></description>"
                if amount == "100000.00"
                else ""
            )
            + org("provider-org", provider, "40" if provider == "wb" else "10")
            + org("receiver-org", "dev", "10")
            + "</transaction>"
        )

    expected = (
        "<iati-activity>"
        f"<iati-identifier>XM-JF-MFA-{coaching.pk}</iati-identifier>"
        + org("reporting-org", "mfa", "10")
        + '<title><narrative xml:lang="en">Council budget coaching</narrative></title>'
        '<description type="1"><narrative xml:lang="en">'
        "Coaching council treasurers &amp; clerks in &lt;budget&gt; planning."
        "</narrative></description>"
        # Funding (the instruments' owners, by name), accountable, extending, implementing.
        + org("participating-org", "dev", "10", ' role="1"')
        + org("participating-org", "wb", "40", ' role="1"')
        + org("participating-org", "mfa", "10", ' role="2"')
        + org("participating-org", "dev", "10", ' role="3"')
        + org("participating-org", "dev", "10", ' role="4"')
        + '<activity-status code="2"/>'
        f'<activity-date type="1" iso-date="{days(-60)}"/>'
        f'<activity-date type="2" iso-date="{days(-60)}"/>'
        f'<activity-date type="3" iso-date="{days(240)}"/>'
        '<sector vocabulary="1" code="15112"><narrative xml:lang="en">'
        "Decentralisation and support to subnational government</narrative></sector>"
        '<budget type="1" status="2">'
        f'<period-start iso-date="{days(-60)}"/><period-end iso-date="{days(240)}"/>'
        f'<value currency="EUR" value-date="{days(-60)}">250000.00</value></budget>'
        '<budget type="1" status="2">'
        f'<period-start iso-date="{days(-60)}"/><period-end iso-date="{days(240)}"/>'
        f'<value currency="USD" value-date="{days(-60)}">40000.00</value></budget>'
        # In the order they happened; requested and rejected requests moved no money.
        + transaction("2", -35, "100000.00", "EUR", "wb")
        + transaction("3", -30, "100000.00", "EUR", "wb")
        + transaction("2", -24, "40000.00", "USD", "dev")
        + transaction("3", -20, "40000.00", "USD", "dev")
        + transaction("2", -10, "50000.00", "EUR", "wb")
        + "</iati-activity>"
    )
    assert etree.tostring(element, encoding="unicode") == expected


def test_a_done_activity_without_a_description_or_transactions(world: IatiWorld) -> None:
    root = checked(plan_export(world.plan))
    water = activity_element(root, world.activities["Water points in Tessa"], world)
    assert water.xpath("description/narrative/text()") == [
        "Water points in Tessa: part of “District councils deliver” in the plan "
        "“Northern Valeria integrated plan”."
    ]
    assert water.xpath("activity-status/@code") == ["3"]
    assert [(d.get("type"), d.get("iso-date")) for d in water.xpath("activity-date")] == [
        ("1", days(-100).isoformat()),
        ("2", days(-100).isoformat()),
        ("3", days(-5).isoformat()),
        ("4", days(-5).isoformat()),
    ]
    assert [(p.get("role"), p.get("ref")) for p in water.xpath("participating-org")] == [
        ("1", "XM-JF-WB"),
        ("2", "XM-JF-MFA"),
        ("3", "XM-JF-DEV"),
        ("4", "XM-JF-NGO"),
    ]
    assert water.xpath("participating-org[@role='4']/@type") == ["21"]
    assert water.xpath("budget/value/text()") == ["80000.50"]
    assert water.xpath("transaction") == []


@pytest.mark.parametrize(
    ("status", "code", "actual_start"),
    [
        (ActivityStatus.PLANNED, "1", False),
        (ActivityStatus.IN_PROGRESS, "2", True),
        (ActivityStatus.DONE, "3", True),
        (ActivityStatus.CANCELLED, "5", False),
        (ActivityStatus.BLOCKED, "6", True),
    ],
)
def test_every_status_exports_valid_with_its_code(
    world: IatiWorld, status: str, code: str, actual_start: bool
) -> None:
    coaching = world.activities["Council budget coaching"]
    if status == ActivityStatus.PLANNED:  # back to planned only from blocked
        status_set(world, coaching, ActivityStatus.BLOCKED)
    status_set(world, coaching, status)
    element = activity_element(checked(plan_export(world.plan)), coaching, world)
    assert element.xpath("activity-status/@code") == [code]
    # Ends in the future: never an actual end, even when done.
    assert element.xpath("activity-date/@type") == (["1", "2", "3"] if actual_start else ["1", "3"])


def test_a_done_activity_of_a_closed_plan_is_closed(world: IatiWorld) -> None:
    water = world.activities["Water points in Tessa"]
    water.refresh_from_db()
    plan = world.plan
    assert activity_status(plan, water) == "3"
    plan.status = PlanStatus.CLOSED  # not saved: what the export reads of a closed plan
    assert activity_status(plan, water) == codelists.CLOSED == "4"
    coaching = world.activities["Council budget coaching"]
    coaching.refresh_from_db()
    assert activity_status(plan, coaching) == "2"


def test_what_makes_an_activity_developmental(world: IatiWorld) -> None:
    """A DAC code, a development ministry responsible, or a development line; never a
    military task."""
    market_line = services.line_of_effort_create(
        plan=world.plan,
        by=world.person("lead_planner"),
        data={
            "domain": "development",
            "title": "Reopen markets",
            "lead_organisation": world.orgs["mfa"],
        },
    )
    activity_add(
        world, "Market committees", line=market_line, responsible_organisation=world.orgs["mfa"]
    )
    activity_add(world, "Land courts", responsible_organisation=world.orgs["mfa"], sector="15130")
    activity_add(world, "Treasury twinning")  # dev's, no sector, governance line
    titles = [a.title for a in development_activities(world.plan)]
    assert titles == [
        "Water points in Tessa",
        "Council budget coaching",
        "Land courts",
        "Treasury twinning",
        "Market committees",
    ]
    root = checked(plan_export(world.plan))
    assert root.xpath("iati-activity/title/narrative/text()") == titles
    # No sector element where there is no code; a code not in our table has no name.
    courts = activity_element(root, world.activities["Land courts"], world)
    assert courts.xpath("sector/@code") == ["15130"]
    twinning = activity_element(root, world.activities["Treasury twinning"], world)
    assert twinning.xpath("sector") == []


def test_a_dac_code_outside_the_table_is_exported_without_a_name(world: IatiWorld) -> None:
    activity_add(world, "Fisheries", sector="31310")
    root = etree.fromstring(plan_export(world.plan))
    schema().assertValid(root)
    element = activity_element(root, world.activities["Fisheries"], world)
    assert [(s.get("code"), s.xpath("narrative")) for s in element.xpath("sector")] == [
        ("31310", [])
    ]


def test_text_the_xml_cannot_hold_is_left_out(world: IatiWorld) -> None:
    coaching = world.activities["Council budget coaching"]
    Activity.objects.filter(pk=coaching.pk).update(description="Bell\x07 and tab\tkept")
    element = activity_element(checked(plan_export(world.plan)), coaching, world)
    assert element.xpath("description/narrative/text()") == ["Bell and tab\tkept"]


def test_a_plan_without_development_activities_has_nothing_to_export(world: IatiWorld) -> None:
    for title in ("Council budget coaching", "Water points in Tessa"):
        Activity.objects.filter(pk=world.activities[title].pk).update(sector="")
    Activity.objects.filter(responsible_organisation__in=[world.orgs["dev"]]).update(
        responsible_organisation=world.orgs["mfa"]
    )
    Activity.objects.filter(responsible_organisation=world.orgs["ngo"]).update(
        responsible_organisation=world.orgs["mfa"]
    )
    with pytest.raises(NothingToExport, match="no development activities"):
        plan_export(world.plan)
    assert "no development activities" in NOTHING_TO_EXPORT


def test_money_is_written_as_stored_never_through_a_float(world: IatiWorld) -> None:
    coaching = world.activities["Council budget coaching"]
    Allocation.objects.filter(activity=coaching, currency="USD").update(
        amount=Decimal("0.1") + Decimal("0.2")
    )
    element = activity_element(checked(plan_export(world.plan)), coaching, world)
    assert element.xpath("budget/value/text()") == ["250000.00", "0.30"]


# --- the codelists ---------------------------------------------------------------------------


def test_every_status_and_kind_we_have_has_an_iati_code() -> None:
    assert set(codelists.FROM_OUR_ACTIVITY_STATUS) == set(ActivityStatus.values)
    assert set(codelists.FROM_OUR_ACTIVITY_STATUS.values()) <= set(codelists.ACTIVITY_STATUS)
    assert set(codelists.FROM_ORGANISATION_KIND) == set(OrganisationKind.values)
    assert set(codelists.FROM_ORGANISATION_KIND.values()) <= set(codelists.ORGANISATION_TYPE)
    assert all(len(code) == 5 and code.isdigit() for code in codelists.DAC_SECTORS)
    assert {"EUR", "USD", "GBP", "XOF"} <= codelists.CURRENCY
    assert all(len(code) == 3 and code.isupper() for code in codelists.CURRENCY)


def test_the_file_uses_codes_from_every_list_it_needs(world: IatiWorld) -> None:
    used = codes_used(checked(plan_export(world.plan)))
    assert used == {
        "ActivityStatus": {"2", "3"},
        "ActivityDateType": {"1", "2", "3", "4"},
        "OrganisationRole": {"1", "2", "3", "4"},
        "OrganisationType": {"10", "21", "40"},
        "TransactionType": {"2", "3"},
        "Currency": {"EUR", "USD"},
        "BudgetType": {"1"},
        "BudgetStatus": {"2"},
        "SectorVocabulary": {"1"},
        "Sector (DAC 5-digit)": {"15112", "14030"},
        "DescriptionType": {"1"},
    }


def test_the_schema_is_the_official_one_and_refuses_what_it_should(world: IatiWorld) -> None:
    root = build(world.plan, development_activities(world.plan))
    schema().assertValid(root)
    root[0].remove(root[0].find("reporting-org"))
    assert not schema().validate(root)


# --- the demo ----------------------------------------------------------------------------------


def test_every_export_the_demo_can_produce_is_valid(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    exported = {}
    for plan in Plan.objects.select_related("lead_organisation").order_by("pk"):
        try:
            root = checked(plan_export(plan))
        except NothingToExport:
            continue
        exported[plan.title] = root.xpath("iati-activity/title/narrative/text()")
    assert exported, "the demo exports at least one plan"
    for titles in exported.values():
        assert titles
