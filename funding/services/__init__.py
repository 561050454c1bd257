"""Every write in funding: one transaction each, permission checked inside."""

from funding.services.disbursements import (
    disbursement_decide,
    disbursement_record_paid,
    disbursement_request,
    disbursement_update,
    disbursements_overdue_alert,
)
from funding.services.instruments import (
    allocation_create,
    allocation_update,
    instrument_create,
    instrument_update,
)

__all__ = [
    "allocation_create",
    "allocation_update",
    "disbursement_decide",
    "disbursement_record_paid",
    "disbursement_request",
    "disbursement_update",
    "disbursements_overdue_alert",
    "instrument_create",
    "instrument_update",
]
