"""Demo world, part one: organisations and users. Called by `manage.py seed_demo`."""

from __future__ import annotations

import datetime

from django.conf import settings

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from accounts.services import membership_create, memberships_sync, organisation_create

K = OrganisationKind
ORGANISATIONS = [
    (
        "mfa",
        "Ministry of Foreign Affairs",
        "MFA",
        K.FOREIGN_AFFAIRS,
        "Netherlands",
        "Political lead for integrated missions abroad.",
    ),
    (
        "mod",
        "Ministry of Defence",
        "MOD",
        K.DEFENCE,
        "Netherlands",
        "Armed forces planning, deployment and security sector reform.",
    ),
    (
        "dev",
        "Ministry for Development Cooperation",
        "DEV",
        K.DEVELOPMENT,
        "Netherlands",
        "Development programmes, funding instruments and reconstruction.",
    ),
    (
        "police",
        "National Police",
        "NP",
        K.POLICE,
        "Netherlands",
        "Police trainers and advisors for rule-of-law missions.",
    ),
    (
        "justice",
        "Ministry of Justice",
        "MOJ",
        K.JUSTICE,
        "Netherlands",
        "Judicial reform, prosecution and corrections advisors.",
    ),
    (
        "ngo",
        "Peacebuilding Partners",
        "PBP",
        K.NGO,
        "",
        "An NGO working with local communities on reconciliation.",
    ),
    (
        "un",
        "United Nations",
        "UN",
        K.INTERNATIONAL_ORGANISATION,
        "",
        "Integrated missions and agencies, funds and programmes.",
    ),
    (
        "eu",
        "European Union",
        "EU",
        K.INTERNATIONAL_ORGANISATION,
        "",
        "Common Security and Defence Policy missions and the integrated approach.",
    ),
    (
        "nato",
        "North Atlantic Treaty Organization",
        "NATO",
        K.INTERNATIONAL_ORGANISATION,
        "",
        "Comprehensive approach to crisis management.",
    ),
    (
        "wb",
        "World Bank",
        "WB",
        K.INTERNATIONAL_ORGANISATION,
        "",
        "Financing for recovery and state-building.",
    ),
]

# username, first name, last name, [(organisation slug, role)]
USERS = [
    ("mfa.planner", "Maria", "de Vries", [("mfa", Role.PLANNER)]),
    ("mfa.approver", "Jan", "Bakker", [("mfa", Role.APPROVER), ("mfa", Role.ORG_ADMIN)]),
    ("mod.planner", "Pieter", "Jansen", [("mod", Role.PLANNER)]),
    ("mod.approver", "Sanne", "Visser", [("mod", Role.APPROVER)]),
    ("dev.planner", "Fatima", "El Amrani", [("dev", Role.PLANNER)]),
    ("dev.approver", "Kees", "Smit", [("dev", Role.APPROVER)]),
    ("police.planner", "Linda", "Mulder", [("police", Role.PLANNER)]),
    ("police.approver", "Ruud", "de Boer", [("police", Role.APPROVER)]),
    ("un.planner", "Amina", "Okafor", [("un", Role.PLANNER)]),
    ("un.approver", "Kofi", "Mensah", [("un", Role.APPROVER)]),
    ("eu.planner", "Lucas", "Moreau", [("eu", Role.PLANNER)]),
    ("eu.approver", "Claire", "Dubois", [("eu", Role.APPROVER)]),
    ("nato.planner", "Erik", "Lindqvist", [("nato", Role.PLANNER)]),
    ("nato.approver", "Anna", "Kowalska", [("nato", Role.APPROVER)]),
    ("wb.planner", "Priya", "Raman", [("wb", Role.PLANNER)]),
    ("wb.approver", "Daniel", "Osei", [("wb", Role.APPROVER)]),
    ("ngo.contact", "Grace", "Mwangi", [("ngo", Role.PLANNER)]),
    ("field.advisor", "Tom", "Hendriks", [("mfa", Role.FIELD_ADVISOR)]),
    ("mfa.analyst", "Lena", "Brandt", [("mfa", Role.ANALYST)]),
]

DEMO_MEMBERSHIPS_FROM = datetime.date(2025, 1, 1)


def seed() -> str:
    organisations = {org.slug: org for org in Organisation.objects.all()}
    for slug, name, acronym, kind, country, description in ORGANISATIONS:
        if slug not in organisations:
            organisations[slug] = organisation_create(
                name=name,
                slug=slug,
                acronym=acronym,
                kind=kind,
                country=country,
                description=description,
            )

    password = settings.DEMO_PASSWORD
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@joined-forces.local", password)
    for username, first_name, last_name, roles in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                f"{username}@joined-forces.local",
                password,
                first_name=first_name,
                last_name=last_name,
            )
        for slug, role in roles:
            organisation = organisations[slug]
            if not Membership.objects.filter(
                user=user, organisation=organisation, role=role
            ).exists():
                membership_create(
                    user=user,
                    organisation=organisation,
                    role=role,
                    valid_from=DEMO_MEMBERSHIPS_FROM,
                )
    memberships_sync()
    return f"{len(organisations)} organisations, {len(USERS) + 1} users"
