"""The IATI 2.03 codelist values the export writes, with their official names, and how our own
values map onto them.

The XML schema checks structure only; which codes are valid comes from the IATI codelists
(https://iatistandard.org/en/iati-standard/203/codelists/). Only the lists (and, for the
large ones, the codes) the export uses are written here; `tests/funding/test_iati_export.py`
checks that every code in every export is in these lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from accounts.models import OrganisationKind
from funding.currencies import ISO_4217
from missions.models import ActivityStatus as OurActivityStatus

VERSION = "2.03"

# --- ActivityStatus ------------------------------------------------------------------------------

ACTIVITY_STATUS = MappingProxyType(
    {
        "1": "Pipeline/identification",
        "2": "Implementation",
        "3": "Finalisation",
        "4": "Closed",
        "5": "Cancelled",
        "6": "Suspended",
    }
)
"""IATI ActivityStatus."""

FROM_OUR_ACTIVITY_STATUS: Mapping[str, str] = MappingProxyType(
    {
        OurActivityStatus.PLANNED: "1",
        OurActivityStatus.IN_PROGRESS: "2",
        # Done on the ground; the plan may still be open, so its accounts are not closed.
        OurActivityStatus.DONE: "3",
        OurActivityStatus.BLOCKED: "6",
        OurActivityStatus.CANCELLED: "5",
    }
)
"""Our activity status to IATI's; a done activity of a closed plan is Closed (4)."""

CLOSED = "4"

# --- ActivityDateType ----------------------------------------------------------------------------

ACTIVITY_DATE_TYPE = MappingProxyType(
    {"1": "Planned start", "2": "Actual start", "3": "Planned End", "4": "Actual end"}
)
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

# --- OrganisationRole ----------------------------------------------------------------------------

ORGANISATION_ROLE = MappingProxyType(
    {"1": "Funding", "2": "Accountable", "3": "Extending", "4": "Implementing"}
)
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"

# --- OrganisationType ----------------------------------------------------------------------------

ORGANISATION_TYPE = MappingProxyType(
    {
        "10": "Government",
        "11": "Local Government",
        "15": "Other Public Sector",
        "21": "International NGO",
        "22": "National NGO",
        "23": "Regional NGO",
        "24": "Partner Country based NGO",
        "30": "Public Private Partnership",
        "40": "Multilateral",
        "60": "Foundation",
        "70": "Private Sector",
        "71": "Private Sector in Provider Country",
        "72": "Private Sector in Aid Recipient Country",
        "73": "Private Sector in Third Country",
        "80": "Academic, Training and Research",
        "90": "Other",
    }
)
"""IATI OrganisationType."""

FROM_ORGANISATION_KIND: Mapping[str, str] = MappingProxyType(
    {
        OrganisationKind.FOREIGN_AFFAIRS: "10",
        OrganisationKind.DEFENCE: "10",
        OrganisationKind.DEVELOPMENT: "10",
        OrganisationKind.POLICE: "10",
        OrganisationKind.JUSTICE: "10",
        OrganisationKind.OTHER_MINISTRY: "10",
        OrganisationKind.INTERNATIONAL_ORGANISATION: "40",
        # We do not record where an NGO works from; "international" is the safe general case.
        OrganisationKind.NGO: "21",
        OrganisationKind.OTHER: "90",
    }
)
"""Our organisation kind to IATI's organisation type."""

# --- Description type ----------------------------------------------------------------------------

DESCRIPTION_TYPE = MappingProxyType(
    {"1": "General", "2": "Objectives", "3": "Target Groups", "4": "Other"}
)
GENERAL_DESCRIPTION = "1"

# --- TransactionType -----------------------------------------------------------------------------

TRANSACTION_TYPE = MappingProxyType(
    {
        "1": "Incoming Funds",
        "2": "Outgoing Commitment",
        "3": "Disbursement",
        "4": "Expenditure",
        "5": "Interest Payment",
        "6": "Loan Repayment",
        "7": "Reimbursement",
        "8": "Purchase of Equity",
        "9": "Sale of Equity",
        "10": "Credit Guarantee",
        "11": "Incoming Commitment",
        "12": "Outgoing Pledge",
        "13": "Incoming Pledge",
    }
)
"""IATI TransactionType."""

OUTGOING_COMMITMENT, DISBURSEMENT = "2", "3"

# --- BudgetType, BudgetStatus --------------------------------------------------------------------

BUDGET_TYPE = MappingProxyType({"1": "Original", "2": "Revised"})
BUDGET_STATUS = MappingProxyType({"1": "Indicative", "2": "Committed"})
ORIGINAL, COMMITTED = "1", "2"

# --- Currency ------------------------------------------------------------------------------------

CURRENCY = ISO_4217
"""IATI's Currency codelist is ISO 4217; the export writes only the codes the funding app
accepts (`funding.currencies.ISO_4217`), so both read one list."""

# --- Sector vocabulary and the DAC 5-digit purpose codes -----------------------------------------

SECTOR_VOCABULARY = MappingProxyType({"1": "OECD DAC CRS Purpose Codes (5 digit)"})
DAC_5_DIGIT = "1"

DAC_SECTORS = MappingProxyType(
    {
        "11220": "Primary education",
        "12220": "Basic health care",
        "14030": "Basic drinking water supply and basic sanitation",
        "15110": "Public sector policy and administrative management",
        "15111": "Public finance management (PFM)",
        "15112": "Decentralisation and support to subnational government",
        "15113": "Anti-corruption organisations and institutions",
        "15130": "Legal and judicial development",
        "15150": "Democratic participation and civil society",
        "15160": "Human rights",
        "15210": "Security system management and reform",
        "15220": "Civilian peace-building, conflict prevention and resolution",
        "15240": "Reintegration and SALW control",
        "15250": "Removal of land mines and explosive remnants of war",
        "16010": "Social protection",
        "21020": "Road transport",
        "25010": "Business policy and administration",
        "31120": "Agricultural development",
        "33110": "Trade policy and administrative management",
        "43040": "Rural development",
        "72010": "Material relief assistance and services",
    }
)
"""The DAC purpose codes the demo and the forms' examples use, with their names. An activity
may carry any five-digit code (`missions.models.DAC_SECTOR_CODE`); one not in this table is
exported without a name."""
